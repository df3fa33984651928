// SPDX-License-Identifier: GPL-3.0-or-later
// The monitor window end to end on the offscreen platform: a real Server in front of Prosody, a BOSH
// client and a WebSocket client; the session rows, the traffic list and its detail pane, injecting
// stanzas, terminating from the window's action, persistence, pause and export. Saves screenshots
// into the build folder (and, with SWITCHBOARD_UPDATE_SCREENSHOT=1, docs/screenshot.png).
#include "adminsuite.h"
#include "boshclient.h"
#include "breakpointsdialog.h"
#include "faultsdialog.h"
#include "mainwindow.h"
#include "problemmodel.h"
#include "problemspage.h"
#include "prosodyfixture.h"
#include "server.h"
#include "sessionmodel.h"
#include "sessionspage.h"
#include "stanzaeditor.h"
#include "terminatedialog.h"
#include "trafficmodel.h"
#include "trafficpage.h"
#include "translations.h"
#include "wsclient.h"

#include "monitor/registry.h"
#include "monitor/trafficrecorder.h"

#include <QAction>
#include <QDir>
#include <QHeaderView>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QTreeWidget>

using namespace Switchboard;
using namespace Switchboard::Gui;

class tst_GuiMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void windowShowsSessionsTrafficAndTerminates();
    void layoutPersists();
    void pauseStopsCapture();
    void exportWritesXmlAndJsonLines();
    void stopAndStartListening();
    void faultsDialogReachesTheSessionAndShowsInTraffic();
    void breakpointsDialogEditsAStanzaInFlight();
    void problemsTabShowsWhatAClientDoesWrong();

private:
    QString password(const QString &user) const { return m_prosody.password(user); }
    std::unique_ptr<MainWindow> makeWindow();
    /// Session `sid`'s faults, as the Server answers them (empty for an unknown session).
    static void saveScreenshot(QWidget *window, const QString &name, bool forDocs);
    /// Selects the first traffic row whose record matches.
    static bool selectTraffic(TrafficPage *page,
                              const std::function<bool(const Monitor::TrafficRecord &)> &match);

    ProsodyFixture m_prosody;
    std::unique_ptr<Server> m_server;
};

void tst_GuiMainWindow::initTestCase()
{
    // Settings go to a test location, not the user's.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("SwitchboardTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_gui_mainwindow"));
    QSettings().clear();
    // English plurals ("1 session", "205 bytes") come from the English translation.
    I18n::installTranslators(QStringLiteral("en"));

    QVERIFY2(m_prosody.start({QStringLiteral("alice"), QStringLiteral("bob")}), "Prosody did not start");
    Config config = m_prosody.backendConfig();
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    m_server = std::make_unique<Server>(config);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    m_server->registry()->setInterval(50);
    m_server->traffic()->setInterval(50);
}

void tst_GuiMainWindow::cleanupTestCase()
{
    m_server.reset();
    m_prosody.stop();
    QSettings().clear();
}

std::unique_ptr<MainWindow> tst_GuiMainWindow::makeWindow()
{
    auto window = std::make_unique<MainWindow>(m_server.get(), m_server->registry(), m_server->traffic());
    window->resize(1440, 860);
    window->trafficPage()->model()->setInterval(50);
    return window;
}

void tst_GuiMainWindow::saveScreenshot(QWidget *window, const QString &name, bool forDocs)
{
    const QPixmap shot = window->grab();
    QVERIFY(!shot.isNull());
    const QString artifact = QDir(QStringLiteral(SWITCHBOARD_BINARY_DIR)).filePath(name);
    QVERIFY2(shot.save(artifact), qPrintable(artifact));
    qInfo().noquote() << "screenshot:" << artifact;
    if (forDocs && qEnvironmentVariable("SWITCHBOARD_UPDATE_SCREENSHOT") == QLatin1String("1")) {
        const QString docs =
            QDir(QStringLiteral(SWITCHBOARD_SOURCE_DIR)).filePath(QStringLiteral("docs/") + name);
        QVERIFY2(shot.save(docs), qPrintable(docs));
        qInfo().noquote() << "updated" << docs;
    }
}

bool tst_GuiMainWindow::selectTraffic(TrafficPage *page,
                                      const std::function<bool(const Monitor::TrafficRecord &)> &match)
{
    for (int row = 0; row < page->proxy()->rowCount(); ++row) {
        const QModelIndex index = page->proxy()->index(row, 0);
        if (match(page->model()->record(page->proxy()->mapToSource(index).row()))) {
            page->view()->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                                       QItemSelectionModel::Rows);
            page->view()->scrollTo(index);
            return true;
        }
    }
    return false;
}

void tst_GuiMainWindow::windowShowsSessionsTrafficAndTerminates()
{
    auto window = makeWindow();
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    SessionsPage *sessions = window->sessionsPage();
    TrafficPage *traffic = window->trafficPage();
    QVERIFY(m_server->traffic()->isEnabled());     // the window wants traffic
    QVERIFY(!window->injectAction()->isEnabled()); // no session yet

    // A browser-like BOSH client and a WebSocket client, chatting.
    BoshClient alice(m_server->boshUrl());
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         password(QStringLiteral("alice")), &error, QStringLiteral("web"),
                         {{QStringLiteral("ua"), QStringLiteral("Mozilla/5.0 (X11; Linux) converse.js/11")}}),
             qPrintable(error));
    alice.startPolling();
    WsClient bob(m_server->webSocketUrl());
    QVERIFY(bob.connectSocket());
    QVERIFY2(bob.login(QStringLiteral("localhost"), QStringLiteral("bob"), password(QStringLiteral("bob")),
                       &error, QStringLiteral("phone")),
             qPrintable(error));

    // Rows appear (one per session) and say what the registry knows.
    QTRY_COMPARE(sessions->model()->rowCount(), 2);
    const int aliceRow = sessions->model()->rowOf(alice.sid());
    QVERIFY(aliceRow >= 0);
    QTRY_COMPARE(
        sessions->model()->index(sessions->model()->rowOf(alice.sid()), SessionModel::Jid).data().toString(),
        alice.jid());
    QTRY_VERIFY(window->injectAction()->isEnabled());

    alice.sendStanza("<presence xmlns='jabber:client'><show>chat</show><status>Testing the workbench</status>"
                     "</presence>");
    alice.sendStanza("<message xmlns='jabber:client' to='" + bob.jid().toUtf8() +
                     "' type='chat' id='m1'>"
                     "<body>Hi Bob! Is the new build on the staging server yet?</body>"
                     "<active xmlns='http://jabber.org/protocol/chatstates'/></message>");
    QVERIFY(!bob.waitFor([](const QDomElement &e) {
                    return e.attribute(QStringLiteral("id")) == QLatin1String("m1");
                })
                 .isNull());
    bob.sendText("<message xmlns='jabber:client' to='" + alice.jid().toUtf8() +
                 "' type='chat' id='m2'><body>Yes, since this morning. Go ahead.</body></message>");
    QVERIFY(!alice
                 .waitForStanza([](const QDomElement &e) {
                     return e.attribute(QStringLiteral("id")) == QLatin1String("m2");
                 })
                 .isNull());

    // The traffic tab lists the stanzas; SASL is redacted; the detail pane shows the selected one.
    window->tabs()->setCurrentWidget(traffic);
    QTRY_VERIFY(selectTraffic(traffic, [](const Monitor::TrafficRecord &r) {
        return r.element == QLatin1String("message") && r.xml.contains("id='m1'") &&
               r.direction == Monitor::Direction::ToServer;
    }));
    QVERIFY(traffic->detailView()->toPlainText().contains(QLatin1String("staging server")));
    QVERIFY(traffic->detailView()->toPlainText().contains(QLatin1String("\n  <body>"))); // pretty-printed
    bool sawAuth = false;
    for (int row = 0; row < traffic->model()->rowCount(); ++row) {
        const Monitor::TrafficRecord &record = traffic->model()->record(row);
        QVERIFY(!record.xml.contains(saslPlain(QStringLiteral("alice"), password(QStringLiteral("alice")))));
        if (record.element == QLatin1String("auth")) {
            sawAuth = true;
            QVERIFY(record.xml.contains("[redacted]"));
        }
    }
    QVERIFY(sawAuth);

    // Inject toward the client (as if the server sent it) and toward the server (as if the client did).
    window->injectAction()->trigger();
    StanzaEditor *editor = window->stanzaEditor();
    QVERIFY(editor && editor->isVisible());
    editor->setCurrentSession(alice.sid());
    QCOMPARE(editor->currentSession(), alice.sid());
    editor->setDirection(Monitor::Direction::ToClient);
    editor->setXml(QStringLiteral("<message from='localhost'><body>injected to the client</body></message>"));
    QSignalSpy injectedSpy(editor, &StanzaEditor::injected);
    QVERIFY2(editor->send(), qPrintable(editor->statusText()));
    QVERIFY2(injectedSpy.wait(10000), qPrintable(editor->statusText()));
    const QDomElement injected = alice.waitForStanza(
        [](const QDomElement &e) { return e.text() == QLatin1String("injected to the client"); });
    QVERIFY(!injected.isNull());
    QCOMPARE(injected.namespaceURI(), QStringLiteral("jabber:client")); // added by the server
    editor->setDirection(Monitor::Direction::ToServer);
    editor->setXml(
        QStringLiteral("<message to='%1' type='chat'><body>injected toward the server</body></message>")
            .arg(bob.jid()));
    QVERIFY2(editor->send(), qPrintable(editor->statusText()));
    QVERIFY2(injectedSpy.wait(10000), qPrintable(editor->statusText()));
    QVERIFY(!bob.waitFor([](const QDomElement &e) {
                    return e.text() == QLatin1String("injected toward the server");
                })
                 .isNull());
    editor->close();

    // Screenshots with a live session and its traffic: the traffic tab and the sessions tab.
    QTRY_VERIFY(selectTraffic(traffic, [](const Monitor::TrafficRecord &r) {
        return r.xml.contains("id='m1'") && r.direction == Monitor::Direction::ToServer;
    }));
    window->statusBar()->clearMessage();
    QTest::qWait(100);
    saveScreenshot(window.get(), QStringLiteral("screenshot.png"), true);

    window->tabs()->setCurrentWidget(sessions);
    sessions->selectSession(alice.sid());
    QCOMPARE(sessions->currentSession(), alice.sid());
    QTRY_VERIFY(sessions->streamsView()->topLevelItemCount() == 1);
    QCOMPARE(sessions->streamsView()->topLevelItem(0)->text(4), alice.jid());
    QStringList kinds;
    for (int i = 0; i < sessions->timelineView()->topLevelItemCount(); ++i)
        kinds << sessions->timelineView()->topLevelItem(i)->data(2, Qt::UserRole).toString();
    QVERIFY2(kinds.contains(QLatin1String("created")) && kinds.contains(QLatin1String("restarted")) &&
                 kinds.contains(QLatin1String("bound")),
             qPrintable(kinds.join(QLatin1Char(','))));
    window->statusBar()->clearMessage();
    saveScreenshot(window.get(), QStringLiteral("screenshot-sessions.png"), true);
    window->tabs()->setCurrentIndex(MainWindow::OverviewTab);
    QTest::qWait(1100); // one more chart sample
    saveScreenshot(window.get(), QStringLiteral("screenshot-overview.png"), false);

    // Terminate alice from the window's action: the dialog asks for the condition, the client gets it.
    window->tabs()->setCurrentWidget(sessions);
    sessions->selectSession(alice.sid());
    QVERIFY(window->terminateAction()->isEnabled());
    QSignalSpy terminated(&alice, &BoshClient::terminated);
    window->terminateAction()->trigger();
    auto *dialog = window->findChild<TerminateDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QCOMPARE(dialog->sessions(), QStringList{alice.sid()});
    QCOMPARE(dialog->condition(), QStringLiteral("system-shutdown"));
    dialog->accept();
    QVERIFY(terminated.size() > 0 || terminated.wait(10000));
    QCOMPARE(alice.lastTerminate().attr(QStringLiteral("condition")), QStringLiteral("system-shutdown"));
    QTRY_COMPARE(sessions->model()->rowOf(alice.sid()), -1);

    // The WebSocket client gets the condition as a stream error.
    QCOMPARE(sessions->model()->rowCount(), 1);
    const QString bobSession = sessions->model()->record(0).id;
    QVERIFY(bobSession.startsWith(QLatin1String("ws-")));
    QCOMPARE(window->terminateSessions({bobSession}, QStringLiteral("policy-violation")), 1);
    const QDomElement streamError = bob.waitForName(QStringLiteral("error"));
    QVERIFY(!streamError.isNull());
    QCOMPARE(streamError.firstChildElement().localName(), QStringLiteral("policy-violation"));
    QTRY_COMPARE(sessions->model()->rowCount(), 0);
    QVERIFY(!window->terminateAction()->isEnabled());
}

void tst_GuiMainWindow::layoutPersists()
{
    {
        auto window = makeWindow();
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        window->tabs()->setCurrentIndex(MainWindow::TrafficTab);
        QHeaderView *header = window->sessionsPage()->view()->header();
        header->hideSection(SessionModel::ClientAddress);
        header->showSection(SessionModel::UserAgent);
        header->resizeSection(SessionModel::Domain, 222);
        window->close(); // saves
    }
    auto window = makeWindow();
    QCOMPARE(window->tabs()->currentIndex(), int(MainWindow::TrafficTab));
    QHeaderView *header = window->sessionsPage()->view()->header();
    QVERIFY(header->isSectionHidden(SessionModel::ClientAddress));
    QVERIFY(!header->isSectionHidden(SessionModel::UserAgent));
    QCOMPARE(header->sectionSize(SessionModel::Domain), 222);
    QSettings settings;
    QVERIFY(settings.contains(QStringLiteral("window/geometry")));
    QVERIFY(settings.contains(QStringLiteral("traffic/splitter")));
    QVERIFY(!settings.contains(QStringLiteral("capture/showSecrets"))); // never saved
}

void tst_GuiMainWindow::pauseStopsCapture()
{
    auto window = makeWindow();
    Monitor::TrafficRecorder *recorder = m_server->traffic();
    window->pauseAction()->trigger();
    QVERIFY(recorder->isPaused());
    QVERIFY(!recorder->isCapturing());
    const quint64 before = recorder->lastId();
    BoshClient alice(m_server->boshUrl());
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         password(QStringLiteral("alice")), &error, QStringLiteral("paused")),
             qPrintable(error));
    QCOMPARE(recorder->lastId(), before);
    window->pauseAction()->trigger();
    QVERIFY(recorder->isCapturing());
    alice.sendStanza("<presence xmlns='jabber:client'/>");
    QTRY_VERIFY(recorder->lastId() > before);
    alice.terminate();

    window->clearAction()->trigger();
    QCOMPARE(recorder->count(), 0);
    QCOMPARE(window->trafficPage()->model()->rowCount(), 0);
}

void tst_GuiMainWindow::faultsDialogReachesTheSessionAndShowsInTraffic()
{
    auto window = makeWindow();
    BoshClient alice(m_server->boshUrl());
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         password(QStringLiteral("alice")), &error, QStringLiteral("faults")),
             qPrintable(error));
    QTRY_VERIFY(window->sessionsPage()->model()->rowOf(alice.sid()) >= 0);
    window->sessionsPage()->selectSession(alice.sid());
    QTRY_VERIFY(window->faultsAction()->isEnabled());

    FaultsDialog *dialog = window->openFaults();
    QVERIFY(dialog);
    QCOMPARE(dialog->session(), alice.sid());
    dialog->setFault(QStringLiteral("hold"));
    QSignalSpy answers(dialog, &FaultsDialog::answered);
    QVERIFY(dialog->applyFault());
    QVERIFY(answers.wait(30000));
    QVERIFY2(answers.last().first().toBool(), qPrintable(dialog->lastResult()));
    // The same Server call as the admin API: the session has the fault.
    QVERIFY(
        Test::faultStateOf(*m_server, alice.sid()).value_or(QJsonObject()).contains(QStringLiteral("hold")));
    QVERIFY(dialog->undo());
    QVERIFY(answers.wait(30000));
    QVERIFY2(answers.last().first().toBool(), qPrintable(dialog->lastResult()));
    const std::optional<QJsonObject> after = Test::faultStateOf(*m_server, alice.sid());
    QVERIFY(after);
    QVERIFY(!after->contains(QStringLiteral("hold")));
    // Both show in the Traffic tab, as fault rows of this session.
    QTRY_VERIFY(window->trafficPage()->model()->rowCount() > 0);
    QTRY_VERIFY([&] {
        int faults = 0;
        const TrafficModel *model = window->trafficPage()->model();
        for (int row = 0; row < model->rowCount(); ++row) {
            const Monitor::TrafficRecord &r = model->record(row);
            faults += r.session == alice.sid() && r.element == QLatin1String("fault");
        }
        return faults >= 1;
    }());
    dialog->close();
    alice.terminate();
}

void tst_GuiMainWindow::breakpointsDialogEditsAStanzaInFlight()
{
    auto window = makeWindow();
    BoshClient alice(m_server->boshUrl());
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         password(QStringLiteral("alice")), &error, QStringLiteral("breakpoints")),
             qPrintable(error));
    QTRY_VERIFY(window->sessionsPage()->model()->rowOf(alice.sid()) >= 0);
    window->sessionsPage()->selectSession(alice.sid());
    QTRY_VERIFY(window->breakpointsAction()->isEnabled());

    BreakpointsDialog *dialog = window->openBreakpoints();
    QVERIFY(dialog);
    QCOMPARE(dialog->session(), alice.sid());
    dialog->setFilter(QStringLiteral("to-server"), QStringLiteral("message"), {}, {});
    QSignalSpy answers(dialog, &BreakpointsDialog::answered);
    QVERIFY(dialog->setBreakpoint());
    QVERIFY(answers.wait(30000));
    QVERIFY2(answers.last().first().toBool(), qPrintable(dialog->lastResult()));
    alice.startPolling();
    // A message to her own resource, through the real server.
    alice.sendStanza("<message xmlns='jabber:client' type='chat' id='gui1' to='" + alice.jid().toUtf8() +
                     "'><body>as typed</body></message>");
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            dialog->refresh();
            return dialog->selectedId() > 0 && dialog->editedXml().contains(QStringLiteral("as typed"));
        }(),
        30000);
    dialog->setEditedXml(
        dialog->editedXml().replace(QStringLiteral("as typed"), QStringLiteral("as edited")));
    QVERIFY(dialog->canEdit());
    QVERIFY(dialog->editAndForward());
    QVERIFY(answers.wait(30000));
    QVERIFY2(answers.last().first().toBool(), qPrintable(dialog->lastResult()));
    const QDomElement got = alice.waitForStanza(
        [](const QDomElement &e) { return e.attribute(QStringLiteral("id")) == QLatin1String("gui1"); },
        30000);
    QVERIFY(!got.isNull());
    QCOMPARE(got.firstChildElement(QStringLiteral("body")).text(), QStringLiteral("as edited"));
    dialog->close();
    alice.terminate();
}

void tst_GuiMainWindow::problemsTabShowsWhatAClientDoesWrong()
{
    auto window = makeWindow();
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    auto *problems = window->findChild<ProblemsPage *>();
    QVERIFY(problems);
    ProblemModel *model = problems->model();
    const int before = model->rowCount();

    // A session request without xml:lang (XEP-0124 §7.1): the session is made, the lint flags it.
    BoshClient carol(m_server->boshUrl());
    const BoshClient::Response created =
        carol.request({{QStringLiteral("to"), QStringLiteral("localhost")},
                       {QStringLiteral("wait"), QStringLiteral("10")},
                       {QStringLiteral("hold"), QStringLiteral("1")},
                       {QStringLiteral("ver"), QStringLiteral("1.6")},
                       {QStringLiteral("xmpp:version"), QStringLiteral("1.0")}});
    QCOMPARE(created.status, 200);
    const QString sid = created.attr(QStringLiteral("sid"));
    QVERIFY(!sid.isEmpty());
    QTRY_VERIFY(model->rowCount() > before);
    const auto flagged = [&] {
        for (int row = before; row < model->rowCount(); ++row) {
            if (model->index(row, ProblemModel::Session).data().toString() == sid &&
                model->index(row, ProblemModel::Clause).data().toString() == QStringLiteral("XEP-0124 §7.1"))
                return true;
        }
        return false;
    };
    const auto rows = [&] {
        QStringList lines;
        for (int row = 0; row < model->rowCount(); ++row) {
            QStringList cells;
            for (int column = 0; column < ProblemModel::ColumnCount; ++column)
                cells << model->index(row, column).data().toString();
            lines << cells.join(QLatin1String(" | "));
        }
        return lines.join(QLatin1Char('\n'));
    };
    QTRY_VERIFY2(flagged(), qPrintable(sid + u'\n' + rows()));

    window->tabs()->setCurrentIndex(MainWindow::ProblemsTab);
    QCOMPARE(window->tabs()->currentWidget(), problems);
    window->statusBar()->clearMessage();
    saveScreenshot(window.get(), QStringLiteral("screenshot-problems.png"), true);
    QVERIFY(
        carol.request({{QStringLiteral("sid"), sid}, {QStringLiteral("type"), QStringLiteral("terminate")}})
            .isTerminate());
}

void tst_GuiMainWindow::exportWritesXmlAndJsonLines()
{
    auto window = makeWindow();
    BoshClient alice(m_server->boshUrl());
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         password(QStringLiteral("alice")), &error, QStringLiteral("export")),
             qPrintable(error));
    TrafficPage *traffic = window->trafficPage();
    QTRY_VERIFY(traffic->model()->rowCount() >= 4);
    traffic->view()->selectionModel()->select(
        QItemSelection(traffic->proxy()->index(0, 0),
                       traffic->proxy()->index(1, TrafficModel::ColumnCount - 1)),
        QItemSelectionModel::ClearAndSelect);
    QCOMPARE(traffic->selectedRecords().size(), 2);

    QTemporaryDir dir;
    const QString xml = dir.filePath(QStringLiteral("some.xml"));
    QVERIFY2(window->exportTraffic(xml, true, &error), qPrintable(error));
    QFile xmlFile(xml);
    QVERIFY(xmlFile.open(QIODevice::ReadOnly));
    const QByteArray xmlData = xmlFile.readAll();
    QVERIFY(xmlData.contains("<log"));
    QCOMPARE(xmlData.count("<stanza "), 2);

    const QString jsonl = dir.filePath(QStringLiteral("all.jsonl"));
    QVERIFY2(window->exportTraffic(jsonl, false, &error), qPrintable(error));
    QFile jsonFile(jsonl);
    QVERIFY(jsonFile.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = jsonFile.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), m_server->traffic()->count());
    QVERIFY(lines.first().startsWith('{'));
    for (const QByteArray &line : lines)
        QVERIFY(!line.contains(saslPlain(QStringLiteral("alice"), password(QStringLiteral("alice")))));
    alice.terminate();
}

void tst_GuiMainWindow::stopAndStartListening()
{
    auto window = makeWindow();
    QVERIFY(m_server->isListening());
    window->listenAction()->trigger();
    QVERIFY(!m_server->isListening());
    window->listenAction()->trigger();
    QVERIFY(m_server->isListening());
    // Usable again (on a new port: the config asked for any free one).
    BoshClient alice(m_server->boshUrl());
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         password(QStringLiteral("alice")), &error, QStringLiteral("again")),
             qPrintable(error));
    alice.terminate();
}

QTEST_MAIN(tst_GuiMainWindow)
#include "tst_gui_mainwindow.moc"
