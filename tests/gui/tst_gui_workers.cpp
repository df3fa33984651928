// SPDX-License-Identifier: GPL-3.0-or-later
// The monitor window in front of two workers and a real Prosody: sessions of both workers are listed
// and their traffic captured, the overview sums both, a session that ends on the second worker leaves
// the model, and the window's inject and terminate reach a session of the second worker by queued
// calls, and so do its Faults and Breakpoints dialogs, never waiting for that worker's thread.
#include "breakpointsdialog.h"
#include "chartwidget.h"
#include "faultsdialog.h"
#include "mainwindow.h"
#include "overviewpage.h"
#include "prosodyfixture.h"
#include "server.h"
#include "sessionmodel.h"
#include "sessionspage.h"
#include "stanzaeditor.h"
#include "trafficmodel.h"
#include "trafficpage.h"
#include "translations.h"
#include "workerblock.h"
#include "wsclient.h"

#include "monitor/registry.h"
#include "monitor/trafficrecorder.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QHeaderView>
#include <QLabel>
#include <QPointer>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTest>
#include <QTreeView>

#include <algorithm>
#include <memory>
#include <vector>

using namespace Switchboard;
using namespace Switchboard::Gui;

namespace {

/// A logged-in WebSocket client, its session id and the worker that owns it.
struct Client
{
    std::unique_ptr<WsClient> ws;
    QString sid;
    int worker = -1;
};

/// Whether `model` holds a stanza of session `sid` going `direction` that contains `marker`.
bool captured(const TrafficModel &model, const QString &sid, Monitor::Direction direction,
              const QByteArray &marker)
{
    for (int row = 0; row < model.rowCount(); ++row) {
        const Monitor::TrafficRecord &record = model.record(row);
        if (record.session == sid && record.direction == direction && record.xml.contains(marker))
            return true;
    }
    return false;
}

} // namespace

class tst_GuiWorkers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void windowListsAndCapturesBothWorkers();
    void injectAndTerminateReachTheSecondWorkerWithoutWaiting();
    void faultsAndBreakpointsDialogsNeverWaitForTheSecondWorker();

private:
    std::unique_ptr<MainWindow> makeWindow();
    /// Logs WebSocket clients in (each on a connection of its own, spread by the kernel over both
    /// workers' listeners) until `perWorker` sessions of every worker are open.
    bool openOnBothWorkers(std::vector<Client> &clients, int perWorker);
    /// The session of a bound JID, as the registry knows it (empty until its batch came).
    QString sessionOf(const QString &jid) const;

    ProsodyFixture m_prosody;
    std::unique_ptr<Server> m_server;
    int m_logins = 0;
};

void tst_GuiWorkers::initTestCase()
{
    // Settings go to a test location, not the user's.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("SwitchboardTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_gui_workers"));
    QSettings().clear();
    // English plurals ("2 workers") come from the English translation.
    I18n::installTranslators(QStringLiteral("en"));

    QVERIFY2(m_prosody.start({QStringLiteral("alice")}), "Prosody did not start");
    Config config = m_prosody.backendConfig();
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.workers = 2;
    m_server = std::make_unique<Server>(config);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    QCOMPARE(m_server->workerCount(), 2);
    m_server->registry()->setInterval(50);
    m_server->traffic()->setInterval(50);
}

void tst_GuiWorkers::cleanupTestCase()
{
    m_server.reset();
    m_prosody.stop();
    QSettings().clear();
}

std::unique_ptr<MainWindow> tst_GuiWorkers::makeWindow()
{
    auto window = std::make_unique<MainWindow>(m_server.get(), m_server->registry(), m_server->traffic());
    window->trafficPage()->model()->setInterval(50);
    return window;
}

QString tst_GuiWorkers::sessionOf(const QString &jid) const
{
    const QList<Monitor::SessionRecord> records = m_server->registry()->sessions();
    for (const Monitor::SessionRecord &record : records) {
        if (record.jid == jid)
            return record.id;
    }
    return {};
}

bool tst_GuiWorkers::openOnBothWorkers(std::vector<Client> &clients, int perWorker)
{
    auto onWorker = [&clients](int worker) {
        return std::count_if(clients.cbegin(), clients.cend(),
                             [worker](const Client &client) { return client.worker == worker; });
    };
    for (int attempt = 0; attempt < 40 && (onWorker(0) < perWorker || onWorker(1) < perWorker); ++attempt) {
        Client client;
        client.ws = std::make_unique<WsClient>(m_server->webSocketUrl());
        QString error;
        if (!client.ws->connectSocket() ||
            !client.ws->login(QStringLiteral("localhost"), QStringLiteral("alice"),
                              m_prosody.password(QStringLiteral("alice")), &error,
                              QStringLiteral("w%1").arg(++m_logins))) {
            qWarning() << "login failed:" << error;
            return false;
        }
        QDeadlineTimer deadline(10000);
        while (client.sid.isEmpty() && !deadline.hasExpired()) {
            client.sid = sessionOf(client.ws->jid());
            if (client.sid.isEmpty())
                QTest::qWait(20);
        }
        if (client.sid.isEmpty())
            return false;
        client.worker = m_server->workerOf(client.sid);
        clients.push_back(std::move(client));
    }
    return onWorker(0) >= perWorker && onWorker(1) >= perWorker;
}

void tst_GuiWorkers::windowListsAndCapturesBothWorkers()
{
    auto window = makeWindow();
    SessionsPage *sessions = window->sessionsPage();
    TrafficPage *traffic = window->trafficPage();
    QAbstractItemModelTester sessionTester(sessions->model(),
                                           QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(sessions->proxy(),
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester trafficTester(traffic->model(),
                                           QAbstractItemModelTester::FailureReportingMode::QtTest);

    std::vector<Client> clients;
    QVERIFY2(openOnBothWorkers(clients, 2), "no sessions on both workers");

    // Every session is a row, whichever worker owns it, with what its worker's hub reported.
    QTRY_COMPARE(sessions->model()->rowCount(), int(clients.size()));
    // (The bound JID reaches the model with the registry's next batch of changes.)
    for (const Client &client : clients) {
        QVERIFY2(sessions->model()->rowOf(client.sid) >= 0, qPrintable(client.sid));
        auto cell = [&](int column) {
            return sessions->model()->index(sessions->model()->rowOf(client.sid), column).data().toString();
        };
        QTRY_COMPARE(cell(SessionModel::Jid), client.ws->jid());
        QCOMPARE(cell(SessionModel::Worker), QString::number(client.worker));
    }
    // With two workers the Worker column is shown, and the status bar says how many there are.
    QVERIFY(!sessions->view()->header()->isSectionHidden(SessionModel::Worker));
    QVERIFY2(window->findChild<QLabel *>(QStringLiteral("listenStatus"))
                 ->text()
                 .contains(QLatin1String("2 workers")),
             qPrintable(window->findChild<QLabel *>(QStringLiteral("listenStatus"))->text()));
    QCOMPARE(m_server->sessionCount(), int(clients.size()));

    // Each client sends itself a message: both directions of both workers' sessions are captured.
    for (std::size_t i = 0; i < clients.size(); ++i) {
        const QByteArray id = "self" + QByteArray::number(qulonglong(i)) + 'x';
        clients[i].ws->sendText("<message xmlns='jabber:client' type='chat' id='" + id + "' to='" +
                                clients[i].ws->jid().toUtf8() + "'><body>to myself</body></message>");
        QVERIFY(!clients[i]
                     .ws
                     ->waitFor([&id](const QDomElement &e) {
                         return e.localName() == QLatin1String("message") &&
                                e.attribute(QStringLiteral("id")) == QLatin1String(id);
                     })
                     .isNull());
    }
    for (std::size_t i = 0; i < clients.size(); ++i) {
        const QByteArray marker = "self" + QByteArray::number(qulonglong(i)) + 'x';
        QTRY_VERIFY2(captured(*traffic->model(), clients[i].sid, Monitor::Direction::ToServer, marker),
                     qPrintable(clients[i].sid));
        QTRY_VERIFY2(captured(*traffic->model(), clients[i].sid, Monitor::Direction::ToClient, marker),
                     qPrintable(clients[i].sid));
    }

    // The overview's counters are both workers' summed: the totals match the sessions' own counters.
    auto sumOfSessions = [this] {
        quint64 sum = 0;
        const QList<Monitor::SessionRecord> records = m_server->registry()->sessions();
        for (const Monitor::SessionRecord &record : records)
            sum += record.counters.stanzasToServer;
        return sum;
    };
    QTRY_COMPARE(m_server->registry()->counters().stanzasToServer, sumOfSessions());
    QVERIFY(sumOfSessions() >= clients.size() * 2); // bind and the message, at least
    QCOMPARE(m_server->registry()->counters().liveWebSocket, int(clients.size()));
    window->overviewPage()->sample();
    QCOMPARE(window->overviewPage()->sessionsChart()->lastValue(1), double(clients.size()));

    // A session that ends on the second worker (its client closes the stream) leaves the model.
    auto second = std::find_if(clients.begin(), clients.end(), [](const Client &c) { return c.worker == 1; });
    QVERIFY(second != clients.end());
    const QString gone = second->sid;
    second->ws->sendText("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
    QTRY_COMPARE(sessions->model()->rowOf(gone), -1);
    QCOMPARE(sessions->model()->rowCount(), int(clients.size()) - 1);
    QTRY_COMPARE(m_server->sessionCount(), int(clients.size()) - 1);

    // The rest end when the clients go; the model empties.
    clients.clear();
    QTRY_COMPARE(sessions->model()->rowCount(), 0);
}

void tst_GuiWorkers::injectAndTerminateReachTheSecondWorkerWithoutWaiting()
{
    auto window = makeWindow();
    SessionsPage *sessions = window->sessionsPage();
    QAbstractItemModelTester sessionTester(sessions->model(),
                                           QAbstractItemModelTester::FailureReportingMode::QtTest);
    std::vector<Client> clients;
    QVERIFY2(openOnBothWorkers(clients, 1), "no sessions on both workers");
    auto second = std::find_if(clients.begin(), clients.end(), [](const Client &c) { return c.worker == 1; });
    QVERIFY(second != clients.end());
    const QString sid = second->sid;
    WsClient &client = *second->ws;
    QTRY_VERIFY(sessions->model()->rowOf(sid) >= 0);
    QTRY_VERIFY(window->injectAction()->isEnabled());

    // The second worker is kept busy: whatever the window asks of it must not wait for it.
    QObject *secondWorker = m_server->workerContext(1);
    QVERIFY(secondWorker);
    Test::WorkerBlock hold(secondWorker);
    QVERIFY(hold.isBlocking());

    // Inject toward the client from the window's editor: handed over, answered once the worker runs.
    window->injectAction()->trigger();
    StanzaEditor *editor = window->stanzaEditor();
    QVERIFY(editor);
    editor->setCurrentSession(sid);
    QCOMPARE(editor->currentSession(), sid);
    editor->setDirection(Monitor::Direction::ToClient);
    editor->setXml(QStringLiteral("<message from='localhost'><body>injected on worker 1</body></message>"));
    QSignalSpy injected(editor, &StanzaEditor::injected);
    QSignalSpy refused(editor, &StanzaEditor::refused);
    QVERIFY(editor->send());
    QVERIFY(editor->isSending());
    // Terminate from the window while the worker is still busy: asked, not yet done.
    QCOMPARE(window->terminateSessions({sid}, QStringLiteral("policy-violation")), 1);
    QVERIFY(!hold.timedOut()); // neither call waited for the busy worker
    QCOMPARE(injected.size(), 0);
    QVERIFY(sessions->model()->rowOf(sid) >= 0);

    // The worker runs them in order: the stanza reaches the client, then the stream error.
    hold.release();
    QVERIFY(injected.wait(10000));
    QCOMPARE(refused.size(), 0);
    QCOMPARE(injected.first().first().toString(), sid);
    QVERIFY(
        !client
             .waitFor([](const QDomElement &e) { return e.text() == QLatin1String("injected on worker 1"); })
             .isNull());
    const QDomElement streamError = client.waitForName(QStringLiteral("error"));
    QVERIFY(!streamError.isNull());
    QCOMPARE(streamError.firstChildElement().localName(), QStringLiteral("policy-violation"));
    QTRY_COMPARE(sessions->model()->rowOf(sid), -1);
    QVERIFY(!hold.timedOut());

    // Its condition is in the overview's error chart, counted from the second worker's report.
    window->overviewPage()->sample();
    const QList<QPair<QString, qint64>> errors = window->overviewPage()->errorsChart()->values();
    QVERIFY(errors.contains(QPair<QString, qint64>(QStringLiteral("policy-violation"), 1)));

    // An injection into a session no worker has is refused, by an answer that comes later too.
    editor->setSessions({{QStringLiteral("no-such-session"), {}}});
    editor->setCurrentSession(QStringLiteral("no-such-session"));
    QVERIFY(editor->send());
    QVERIFY(refused.wait(10000));
    QVERIFY(editor->statusText().contains(QLatin1String("no session")));
    editor->close();
}

void tst_GuiWorkers::faultsAndBreakpointsDialogsNeverWaitForTheSecondWorker()
{
    auto window = makeWindow();
    SessionsPage *sessions = window->sessionsPage();
    std::vector<Client> clients;
    QVERIFY2(openOnBothWorkers(clients, 1), "no sessions on both workers");
    auto second = std::find_if(clients.begin(), clients.end(), [](const Client &c) { return c.worker == 1; });
    QVERIFY(second != clients.end());
    const QString sid = second->sid;
    QTRY_VERIFY(sessions->model()->rowOf(sid) >= 0);
    sessions->selectSession(sid);
    QTRY_VERIFY(window->faultsAction()->isEnabled());
    QTRY_VERIFY(window->breakpointsAction()->isEnabled());

    // The second worker is kept busy: the dialogs hand their calls over and never wait for it.
    Test::WorkerBlock hold(m_server->workerContext(1));
    QVERIFY(hold.isBlocking());
    FaultsDialog *faults = window->openFaults();
    QVERIFY(faults);
    QSignalSpy faultAnswers(faults, &FaultsDialog::answered);
    faults->setFault(QStringLiteral("hold"));
    QVERIFY(faults->applyFault());
    QCOMPARE(faults->waiting(), 1);
    BreakpointsDialog *breakpoints = window->openBreakpoints(); // its first read waits for the worker
    QVERIFY(breakpoints);
    QSignalSpy breakpointAnswers(breakpoints, &BreakpointsDialog::answered);
    breakpoints->setFilter(QStringLiteral("to-client"), QStringLiteral("message"), {}, {});
    QVERIFY(breakpoints->setBreakpoint());
    // Another Faults dialog closed before its answer comes: the answer goes nowhere.
    QPointer<FaultsDialog> closed = window->openFaults();
    QVERIFY(closed);
    QVERIFY(closed->undo());
    closed->close();
    QTRY_VERIFY(closed.isNull());
    QVERIFY(!hold.timedOut());
    QCOMPARE(faultAnswers.size(), 0);
    QCOMPARE(breakpointAnswers.size(), 0);

    // The worker runs them in order, and each dialog shows its answer when it comes.
    hold.release();
    QVERIFY(faultAnswers.wait(10000));
    QVERIFY2(faultAnswers.first().first().toBool(), qPrintable(faults->lastResult()));
    QVERIFY(faults->lastResult().startsWith(QLatin1String("Applied")));
    QTRY_COMPARE(breakpointAnswers.size(), 1);
    QVERIFY2(breakpointAnswers.first().first().toBool(), qPrintable(breakpoints->lastResult()));
    QCOMPARE(breakpoints->lastResult(), QStringLiteral("Breakpoint set."));
    QVERIFY(!hold.timedOut());
    // A stanza toward the client stops at the breakpoint, and the dialog's next read shows it.
    second->ws->sendText("<message xmlns='jabber:client' type='chat' id='bp1' to='" +
                         second->ws->jid().toUtf8() + "'><body>stopped on worker 1</body></message>");
    QTRY_VERIFY_WITH_TIMEOUT(breakpoints->selectedId() > 0 &&
                                 breakpoints->editedXml().contains(QLatin1String("stopped on worker 1")),
                             30000);
    faults->close();
    breakpoints->close();
    clients.clear();
    QTRY_COMPARE(sessions->model()->rowCount(), 0);
}

QTEST_MAIN(tst_GuiWorkers)
#include "tst_gui_workers.moc"
