// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "breakpointsdialog.h"
#include "faultsdialog.h"
#include "guiformat.h"
#include "overviewpage.h"
#include "preferencesdialog.h"
#include "problemspage.h"
#include "sessionmodel.h"
#include "sessionspage.h"
#include "stanzaeditor.h"
#include "terminatedialog.h"
#include "trafficmodel.h"
#include "trafficpage.h"

#include "base/config.h"
#include "monitor/problemlog.h"
#include "monitor/registry.h"
#include "monitor/trafficrecorder.h"
#include "server.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSet>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

namespace Switchboard::Gui {

namespace {
constexpr int kStatusMessageMs = 5000;

/// A refusal made here, before any session is asked: `outcome`, with `error` saying why.
SessionAnswer refusal(SessionAnswer::Outcome outcome, const QString &error)
{
    SessionAnswer answer;
    answer.outcome = outcome;
    answer.error = error;
    return answer;
}
} // namespace

MainWindow::MainWindow(Server *server, Monitor::Registry *registry, Monitor::TrafficRecorder *recorder,
                       QWidget *parent)
    : QMainWindow(parent), m_server(server), m_registry(registry), m_recorder(recorder)
{
    setWindowTitle(tr("Switchboard"));
    setObjectName(QStringLiteral("mainWindow"));
    // The window is the workbench: the client lint runs while it does (docs/MONITORING.md, "Problems").
    if (m_server)
        m_server->problems()->setEnabled(true);

    m_overview = new OverviewPage(registry, this);
    m_sessions = new SessionsPage(registry, this);
    m_traffic = new TrafficPage(recorder, registry, this);

    auto *configPage = new QWidget(this);
    configPage->setObjectName(QStringLiteral("configurationPage"));
    auto *configNote = new QLabel(tr("The effective configuration: defaults, the config file and the command "
                                     "line. Read-only; change the file or the command line and restart."),
                                  configPage);
    configNote->setWordWrap(true);
    m_config = new QPlainTextEdit(configPage);
    m_config->setObjectName(QStringLiteral("configurationText"));
    m_config->setReadOnly(true);
    m_config->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_config->setPlainText(configToText(server->config()));
    auto *configLayout = new QVBoxLayout(configPage);
    configLayout->addWidget(configNote);
    configLayout->addWidget(m_config, 1);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("tabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_overview, tr("Overview"));
    m_tabs->addTab(m_sessions, tr("Sessions"));
    m_tabs->addTab(m_traffic, tr("Traffic"));
    m_tabs->addTab(configPage, tr("Configuration"));
    auto *problems = new ProblemsPage(m_server ? m_server->problems() : nullptr, this);
    m_tabs->addTab(problems, tr("Problems"));
    // A problem's stanza: the traffic view, on that stanza.
    connect(problems, &ProblemsPage::stanzaRequested, this, [this](quint64 id) {
        if (m_traffic->showRecord(id))
            m_tabs->setCurrentWidget(m_traffic);
        else
            statusBar()->showMessage(tr("The capture no longer holds that stanza."), 5000);
    });
    setCentralWidget(m_tabs);

    // The window wants traffic for as long as it exists; "pause" is the user's switch on top.
    if (recorder)
        recorder->setEnabled(true);

    createActions();
    createMenus();

    m_listenStatus = new QLabel(this);
    m_listenStatus->setObjectName(QStringLiteral("listenStatus"));
    m_listenStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_sessionStatus = new QLabel(this);
    m_captureStatus = new QLabel(this);
    m_captureStatus->setObjectName(QStringLiteral("captureStatus"));
    statusBar()->addWidget(m_listenStatus, 1);
    statusBar()->addPermanentWidget(m_sessionStatus);
    statusBar()->addPermanentWidget(m_captureStatus);

    connect(registry, &Monitor::Registry::sessionsAdded, this, &MainWindow::updateActions);
    connect(registry, &Monitor::Registry::sessionsRemoved, this, &MainWindow::updateActions);
    connect(registry, &Monitor::Registry::statsUpdated, this, &MainWindow::updateStatus);
    connect(m_sessions, &SessionsPage::selectionChanged, this, &MainWindow::updateActions);
    connect(m_traffic, &TrafficPage::selectionChanged, this, &MainWindow::updateActions);
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::updateActions);
    connect(m_sessions->view(), &QTreeView::doubleClicked, m_showSessionTraffic, &QAction::trigger);
    if (recorder) {
        connect(recorder, &Monitor::TrafficRecorder::capturingChanged, this, &MainWindow::updateStatus);
        connect(recorder, &Monitor::TrafficRecorder::recordsAppended, this, &MainWindow::updateStatus);
        connect(recorder, &Monitor::TrafficRecorder::cleared, this, &MainWindow::updateStatus);
    }

    resize(1180, 760);
    // With several workers the sessions table says which one owns each session (saved layouts win).
    if (server->workerCount() > 1)
        m_sessions->view()->header()->showSection(SessionModel::Worker);
    restoreSettings();
    updateActions();
    updateStatus();
}

MainWindow::~MainWindow()
{
    if (m_recorder)
        m_recorder->setEnabled(false); // nobody watches any more: the fronts stop building traffic
}

StanzaEditor *MainWindow::stanzaEditor() const
{
    return m_editor;
}

void MainWindow::createActions()
{
    QStyle *s = style();

    m_listen = new QAction(this);
    m_listen->setObjectName(QStringLiteral("actionListen"));
    m_listen->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    connect(m_listen, &QAction::triggered, this, &MainWindow::toggleListening);

    m_terminate = new QAction(s->standardIcon(QStyle::SP_BrowserStop), tr("&Terminate Session…"), this);
    m_terminate->setObjectName(QStringLiteral("actionTerminate"));
    m_terminate->setToolTip(tr("End the selected sessions; their clients get a terminal condition"));
    m_terminate->setShortcut(QKeySequence::Delete);
    // Delete ends sessions only while the session table has the focus.
    m_terminate->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_sessions->addAction(m_terminate);
    connect(m_terminate, &QAction::triggered, this, &MainWindow::askTerminate);

    m_inject = new QAction(s->standardIcon(QStyle::SP_ArrowRight), tr("&Inject Stanza…"), this);
    m_inject->setObjectName(QStringLiteral("actionInject"));
    m_inject->setToolTip(tr("Send a stanza of your own into a session, toward the client or the server"));
    m_inject->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    connect(m_inject, &QAction::triggered, this, &MainWindow::openStanzaEditor);

    m_faults = new QAction(s->standardIcon(QStyle::SP_MessageBoxWarning), tr("&Faults…"), this);
    m_faults->setObjectName(QStringLiteral("actionFaults"));
    m_faults->setToolTip(tr("Break the current session on purpose: delays, dropped responses, stalls, "
                            "a crashed server…"));
    m_faults->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
    connect(m_faults, &QAction::triggered, this, [this] { openFaults(); });

    m_breakpoints = new QAction(tr("&Breakpoints…"), this);
    m_breakpoints->setObjectName(QStringLiteral("actionBreakpoints"));
    m_breakpoints->setToolTip(tr("Hold the current session's stanzas that match a filter, then forward, "
                                 "edit or drop them"));
    m_breakpoints->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B));
    connect(m_breakpoints, &QAction::triggered, this, [this] { openBreakpoints(); });

    m_showSessionTraffic = new QAction(tr("Show Session &Traffic"), this);
    m_showSessionTraffic->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    connect(m_showSessionTraffic, &QAction::triggered, this, [this] {
        const QString id = m_sessions->currentSession();
        if (id.isEmpty())
            return;
        m_traffic->setSessionFilter(id);
        m_tabs->setCurrentWidget(m_traffic);
    });

    m_pause = new QAction(s->standardIcon(QStyle::SP_MediaPause), tr("&Pause Capture"), this);
    m_pause->setObjectName(QStringLiteral("actionPause"));
    m_pause->setCheckable(true);
    m_pause->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    connect(m_pause, &QAction::toggled, this, &MainWindow::setCapturePaused);

    m_clear = new QAction(s->standardIcon(QStyle::SP_DialogResetButton), tr("C&lear Traffic"), this);
    m_clear->setObjectName(QStringLiteral("actionClear"));
    m_clear->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    connect(m_clear, &QAction::triggered, this, &MainWindow::clearTraffic);

    m_follow = new QAction(tr("&Follow New Stanzas"), this);
    m_follow->setCheckable(true);
    m_follow->setChecked(true);
    connect(m_follow, &QAction::toggled, m_traffic, &TrafficPage::setFollowNewest);

    m_showSecrets = new QAction(tr("Show &Secrets (Local Debugging)"), this);
    m_showSecrets->setObjectName(QStringLiteral("actionShowSecrets"));
    m_showSecrets->setCheckable(true);
    m_showSecrets->setChecked(m_recorder && m_recorder->showSecrets()); // show_secrets in the config
    m_showSecrets->setToolTip(tr("Capture SASL payloads and passwords unredacted from now on"));
    connect(m_showSecrets, &QAction::toggled, this, [this](bool show) {
        if (m_recorder)
            m_recorder->setShowSecrets(show);
        statusBar()->showMessage(show ? tr("Secrets are captured unredacted from now on")
                                      : tr("Secrets are redacted again from now on"),
                                 kStatusMessageMs);
        updateStatus();
    });

    m_exportSelected =
        new QAction(s->standardIcon(QStyle::SP_DialogSaveButton), tr("&Export Selected Stanzas…"), this);
    m_exportSelected->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_S));
    connect(m_exportSelected, &QAction::triggered, this, [this] { askExport(true); });
    m_exportAll = new QAction(tr("Export &All Stanzas…"), this);
    m_exportAll->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    connect(m_exportAll, &QAction::triggered, this, [this] { askExport(false); });

    m_copy = new QAction(tr("&Copy Stanzas"), this);
    m_copy->setShortcut(QKeySequence::Copy);
    m_copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_traffic->view()->addAction(m_copy);
    connect(m_copy, &QAction::triggered, m_traffic, &TrafficPage::copySelection);

    m_find = new QAction(tr("&Find"), this);
    m_find->setShortcut(QKeySequence::Find);
    connect(m_find, &QAction::triggered, this, [this] {
        QLineEdit *edit =
            m_tabs->currentWidget() == m_traffic ? m_traffic->textFilterEdit() : m_sessions->filterEdit();
        if (m_tabs->currentWidget() != m_traffic)
            m_tabs->setCurrentWidget(m_sessions);
        edit->setFocus();
        edit->selectAll();
    });

    const QStringList tabNames = {tr("&Overview"), tr("&Sessions"), tr("&Traffic"), tr("&Configuration"),
                                  tr("&Problems")};
    for (int i = 0; i < tabNames.size(); ++i) {
        auto *action = new QAction(tabNames[i], this);
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        connect(action, &QAction::triggered, this, [this, i] { m_tabs->setCurrentIndex(i); });
        m_tabActions.append(action);
    }

    m_preferences = new QAction(tr("&Preferences…"), this);
    m_preferences->setShortcuts({QKeySequence::Preferences, QKeySequence(Qt::CTRL | Qt::Key_Comma)});
    m_preferences->setMenuRole(QAction::PreferencesRole);
    connect(m_preferences, &QAction::triggered, this, &MainWindow::showPreferences);

    m_quit = new QAction(tr("&Quit"), this);
    m_quit->setShortcut(QKeySequence::Quit);
    m_quit->setMenuRole(QAction::QuitRole);
    connect(m_quit, &QAction::triggered, this, &QWidget::close);

    m_about = new QAction(tr("&About Switchboard"), this);
    m_about->setMenuRole(QAction::AboutRole);
    connect(m_about, &QAction::triggered, this, &MainWindow::showAbout);
    m_aboutQt = new QAction(tr("About &Qt"), this);
    m_aboutQt->setMenuRole(QAction::AboutQtRole);
    connect(m_aboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_exportSelected);
    file->addAction(m_exportAll);
    file->addSeparator();
    file->addAction(m_preferences);
    file->addSeparator();
    file->addAction(m_quit);

    QMenu *server = menuBar()->addMenu(tr("&Server"));
    server->addAction(m_listen);
    server->addSeparator();
    server->addAction(m_terminate);
    server->addAction(m_inject);
    server->addAction(m_faults);
    server->addAction(m_breakpoints);
    server->addAction(m_showSessionTraffic);

    QMenu *capture = menuBar()->addMenu(tr("&Capture"));
    capture->addAction(m_pause);
    capture->addAction(m_clear);
    capture->addAction(m_follow);
    capture->addSeparator();
    capture->addAction(m_copy);
    capture->addSeparator();
    capture->addAction(m_showSecrets);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (QAction *action : std::as_const(m_tabActions))
        view->addAction(action);
    view->addSeparator();
    view->addAction(m_find);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_about);
    help->addAction(m_aboutQt);

    QToolBar *toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolBar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->setMovable(false);
    toolbar->addAction(m_listen);
    toolbar->addSeparator();
    toolbar->addAction(m_terminate);
    toolbar->addAction(m_inject);
    toolbar->addSeparator();
    toolbar->addAction(m_pause);
    toolbar->addAction(m_clear);
    toolbar->addAction(m_exportSelected);
}

void MainWindow::updateActions()
{
    const bool listening = m_server && m_server->isListening();
    m_listen->setText(listening ? tr("Stop &Listening") : tr("Start &Listening"));
    m_listen->setIcon(style()->standardIcon(listening ? QStyle::SP_MediaStop : QStyle::SP_MediaPlay));
    m_listen->setToolTip(listening ? tr("Stop accepting connections and end every session")
                                   : tr("Accept connections again"));
    const bool haveSelection = !m_sessions->selectedSessions().isEmpty();
    m_terminate->setEnabled(haveSelection && m_server);
    m_faults->setEnabled(!m_sessions->currentSession().isEmpty() && m_server);
    m_breakpoints->setEnabled(!m_sessions->currentSession().isEmpty() && m_server);
    m_showSessionTraffic->setEnabled(haveSelection);
    const bool haveSessions = m_registry && !m_registry->sessionIds().isEmpty();
    m_inject->setEnabled(haveSessions && m_server);
    m_exportSelected->setEnabled(m_traffic->view()->selectionModel()->hasSelection());
    m_copy->setEnabled(m_exportSelected->isEnabled());

    if (m_editor && m_registry) {
        QList<QPair<QString, QString>> sessions;
        const QList<Monitor::SessionRecord> records = m_registry->sessions();
        for (const Monitor::SessionRecord &record : records) {
            const QString who = record.jid.isEmpty() ? record.clientAddress.toString() : record.jid;
            sessions.append({record.id, Format::transport(record.transport) + QLatin1String(", ") + who});
        }
        m_editor->setSessions(sessions);
    }
    updateStatus();
}

void MainWindow::updateStatus()
{
    if (m_server && m_server->isListening()) {
        QString listening = tr("Listening: %1 and %2")
                                .arg(m_server->boshUrl().toString(), m_server->webSocketUrl().toString());
        if (m_server->workerCount() > 1)
            listening += tr(" · %n worker(s)", nullptr, m_server->workerCount());
        m_listenStatus->setText(listening);
    } else {
        m_listenStatus->setText(tr("Not listening"));
    }
    const int live = m_registry ? int(m_registry->sessionIds().size()) : 0;
    m_sessionStatus->setText(tr("%n session(s)", nullptr, live));
    if (!m_recorder) {
        m_captureStatus->clear();
        return;
    }
    QString capture = m_recorder->isPaused()
                          ? tr("Capture paused: %n stanza(s)", nullptr, m_recorder->count())
                          : tr("Capturing: %n stanza(s)", nullptr, m_recorder->count());
    if (m_recorder->showSecrets())
        capture += tr(" · secrets shown");
    m_captureStatus->setText(capture);
}

void MainWindow::toggleListening()
{
    if (!m_server)
        return;
    if (m_server->isListening()) {
        m_server->stop();
        statusBar()->showMessage(tr("Stopped listening; every session was ended with system-shutdown"),
                                 kStatusMessageMs);
    } else {
        QString error;
        if (!m_server->start(&error)) {
            auto *box =
                new QMessageBox(QMessageBox::Warning, tr("Cannot Listen"), error, QMessageBox::Ok, this);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open(); // not exec(): a nested event loop would stall every long-poll
        } else {
            statusBar()->showMessage(tr("Listening again"), kStatusMessageMs);
        }
    }
    updateActions();
}

void MainWindow::askTerminate()
{
    const QStringList ids = m_sessions->selectedSessions();
    if (ids.isEmpty() || !m_server)
        return;
    auto *dialog = new TerminateDialog(ids, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { terminateSessions(dialog->sessions(), dialog->condition()); });
    dialog->open();
}

int MainWindow::terminateSessions(const QStringList &ids, const QString &condition)
{
    if (!m_server)
        return 0;
    int ended = 0;
    for (const QString &id : ids) {
        if (m_server->terminateSession(id, condition))
            ++ended;
    }
    statusBar()->showMessage(tr("Terminated %n session(s) with %1", nullptr, ended).arg(condition),
                             kStatusMessageMs);
    return ended;
}

FaultsDialog *MainWindow::openFaults()
{
    const QString sid = m_sessions->currentSession();
    if (sid.isEmpty() || !m_server)
        return nullptr;
    // The same calls as the admin API's (Server::applyFault(), clearFaults()), checked the same way;
    // answered later on this thread while the window lives (the dialog guards itself).
    auto *dialog = new FaultsDialog(
        sid,
        [this](const QString &id, const QJsonObject &json, const FaultsDialog::Answered &answered) {
            if (!m_server)
                return answered(refusal(SessionAnswer::Outcome::NoSession, tr("the server is gone")));
            QString error;
            const std::optional<Stream::FaultRequest> request = Stream::FaultRequest::fromJson(json, &error);
            if (!request)
                return answered(refusal(SessionAnswer::Outcome::BadInput, error));
            m_server->applyFault(id, *request, this, answered);
        },
        [this](const QString &id, const FaultsDialog::Answered &answered) {
            if (!m_server)
                return answered(refusal(SessionAnswer::Outcome::NoSession, tr("the server is gone")));
            m_server->clearFaults(id, this, answered);
        },
        this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

BreakpointsDialog *MainWindow::openBreakpoints()
{
    const QString sid = m_sessions->currentSession();
    if (sid.isEmpty() || !m_server)
        return nullptr;
    // The same calls as the admin API's (Server::setBreakpoint() and the rest), checked the same way;
    // answered later on this thread while the window lives (the dialog guards itself).
    using Answered = BreakpointsDialog::Operations::Answered;
    BreakpointsDialog::Operations operations;
    operations.set = [this](const QString &id, const QJsonObject &json, const Answered &answered) {
        if (!m_server)
            return answered(refusal(SessionAnswer::Outcome::NoSession, tr("the server is gone")));
        QString error;
        const std::optional<Stream::BreakpointFilter> filter =
            Stream::BreakpointFilter::fromJson(json, &error);
        if (!filter)
            return answered(refusal(SessionAnswer::Outcome::BadInput, error));
        m_server->setBreakpoint(id, *filter, this, answered);
    };
    operations.clear = [this](const QString &id, const Answered &answered) {
        if (!m_server)
            return answered(refusal(SessionAnswer::Outcome::NoSession, tr("the server is gone")));
        m_server->clearBreakpoint(id, this, answered);
    };
    operations.state = [this](const QString &id,
                              const BreakpointsDialog::Operations::StateAnswered &answered) {
        if (!m_server)
            return answered(refusal(SessionAnswer::Outcome::NoSession, tr("the server is gone")));
        m_server->breakpointState(id, this, answered);
    };
    operations.act = [this](const QString &id, int heldId, const QString &action, const QByteArray &xml,
                            const Answered &answered) {
        const std::optional<Stream::Breakpoints::Action> chosen = Stream::Breakpoints::actionFromName(action);
        if (!m_server)
            return answered(refusal(SessionAnswer::Outcome::NoSession, tr("the server is gone")));
        if (!chosen)
            return answered(refusal(SessionAnswer::Outcome::BadInput, tr("no action %1").arg(action)));
        m_server->actOnHeld(id, heldId, *chosen, xml, this, answered);
    };
    auto *dialog = new BreakpointsDialog(sid, std::move(operations), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

void MainWindow::openStanzaEditor()
{
    if (!m_editor) {
        // The session may live on another worker: the stanza is handed over and the answer comes
        // back later (Server::injectStanza()), so this thread never waits for a worker.
        m_editor = new StanzaEditor(
            [this](const QString &sid, Monitor::Direction direction, const QByteArray &xml,
                   const StanzaEditor::Answer &answer) {
                if (!m_server) {
                    answer(tr("the server is gone"));
                    return;
                }
                m_server->injectStanza(sid, direction, xml, this, answer);
            },
            this);
        m_editor->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_editor, &StanzaEditor::injected, this, [this](const QString &sid) {
            statusBar()->showMessage(tr("Stanza injected into session %1").arg(sid), kStatusMessageMs);
        });
    }
    updateActions(); // fills the editor's session list
    const QString current = m_sessions->currentSession();
    if (!current.isEmpty())
        m_editor->setCurrentSession(current);
    m_editor->show();
    m_editor->raise();
    m_editor->activateWindow();
}

void MainWindow::askExport(bool selectionOnly)
{
    const QString xmlFilter = tr("XML log (*.xml)");
    const QString jsonFilter = tr("JSON lines (*.jsonl)");
    const QString name = QStringLiteral("switchboard-traffic-") +
                         QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")) +
                         QStringLiteral(".xml");
    auto *dialog =
        new QFileDialog(this, selectionOnly ? tr("Export Selected Stanzas") : tr("Export All Stanzas"),
                        QDir::home().filePath(name), xmlFilter + QStringLiteral(";;") + jsonFilter);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("xml"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::filterSelected, dialog, [dialog, jsonFilter](const QString &filter) {
        dialog->setDefaultSuffix(filter == jsonFilter ? QStringLiteral("jsonl") : QStringLiteral("xml"));
    });
    connect(dialog, &QFileDialog::fileSelected, this, [this, selectionOnly](const QString &fileName) {
        QString error;
        if (exportTraffic(fileName, selectionOnly, &error)) {
            statusBar()->showMessage(tr("Exported to %1").arg(QDir::toNativeSeparators(fileName)),
                                     kStatusMessageMs);
            return;
        }
        auto *box = new QMessageBox(QMessageBox::Warning, tr("Export Failed"), error, QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    });
    dialog->open();
}

bool MainWindow::exportTraffic(const QString &fileName, bool selectionOnly, QString *error)
{
    if (!m_recorder) {
        if (error)
            *error = tr("There is no capture.");
        return false;
    }
    const QString suffix = QFileInfo(fileName).suffix().toLower();
    const auto format = suffix == QLatin1String("jsonl") || suffix == QLatin1String("json")
                            ? Monitor::TrafficRecorder::ExportFormat::JsonLines
                            : Monitor::TrafficRecorder::ExportFormat::XmlLog;
    const QList<Monitor::TrafficRecord> records =
        selectionOnly ? m_traffic->selectedRecords() : m_recorder->records();
    // The lint's problems of the sessions exported go with their stanzas.
    QList<Monitor::Problem> problems;
    if (m_server) {
        QSet<QString> sessions;
        for (const Monitor::TrafficRecord &r : records)
            sessions.insert(r.session);
        const QList<Monitor::Problem> all = m_server->problems()->problems();
        for (const Monitor::Problem &p : all) {
            if (sessions.contains(p.session))
                problems.append(p);
        }
    }
    return Monitor::TrafficRecorder::exportToFile(fileName, records, format, error, problems);
}

void MainWindow::setCapturePaused(bool paused)
{
    if (m_recorder)
        m_recorder->setPaused(paused);
    m_pause->setText(paused ? tr("&Resume Capture") : tr("&Pause Capture"));
    m_pause->setIcon(style()->standardIcon(paused ? QStyle::SP_MediaPlay : QStyle::SP_MediaPause));
    updateStatus();
}

void MainWindow::clearTraffic()
{
    // The recorder's cleared() empties the model too; clear the model directly as well in case the
    // recorder is gone.
    if (m_recorder)
        m_recorder->clear();
    m_traffic->model()->clear();
    updateStatus();
}

void MainWindow::applyCaptureCapacity(int capacity)
{
    m_captureCapacity = capacity;
    if (m_recorder)
        m_recorder->setCapacity(capacity);
    m_traffic->model()->setCapacity(capacity);
}

void MainWindow::showPreferences()
{
    PreferencesDialog::Values values;
    values.captureCapacity = m_captureCapacity;
    values.showSecrets = m_showSecrets->isChecked();
    values.followNewest = m_follow->isChecked();
    auto *dialog = new PreferencesDialog(values, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const PreferencesDialog::Values chosen = dialog->values();
        applyCaptureCapacity(chosen.captureCapacity);
        m_showSecrets->setChecked(chosen.showSecrets);
        m_follow->setChecked(chosen.followNewest);
        saveSettings();
        updateStatus();
    });
    dialog->open();
}

void MainWindow::showAbout()
{
    auto *box = new QMessageBox(this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowTitle(tr("About Switchboard"));
    box->setIconPixmap(style()->standardIcon(QStyle::SP_ComputerIcon).pixmap(48, 48));
    box->setTextFormat(Qt::RichText);
    box->setText(tr("<h3>Switchboard %1</h3>"
                    "<p>An XMPP connection manager: BOSH (XEP-0124, XEP-0206) and XMPP over WebSocket "
                    "(RFC 7395) in front of any XMPP server.</p>"
                    "<p>Built with Qt %2, running on Qt %3.</p>"
                    "<p>Licensed under the GNU General Public License, version 3 or later.</p>")
                     .arg(QCoreApplication::applicationVersion().isEmpty()
                              ? QStringLiteral(SWITCHBOARD_VERSION)
                              : QCoreApplication::applicationVersion(),
                          QStringLiteral(QT_VERSION_STR), QString::fromLatin1(qVersion())));
    box->open();
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/tab"), m_tabs->currentIndex());
    settings.setValue(QStringLiteral("capture/follow"), m_follow->isChecked());
    // The capture size and "show secrets" are not saved here: they belong to the configuration
    // (traffic_capacity, show_secrets), which the Configuration tab shows; the window changes them
    // for this run only, so the effective configuration never lies and every start is redacted again
    // unless the configuration says otherwise.
    m_sessions->saveState(settings);
    m_traffic->saveState(settings);
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_tabs->setCurrentIndex(settings.value(QStringLiteral("window/tab"), int(OverviewTab)).toInt());
    applyCaptureCapacity(m_recorder ? m_recorder->capacity()
                                    : int(Monitor::TrafficRecorder::kDefaultCapacity));
    m_follow->setChecked(settings.value(QStringLiteral("capture/follow"), true).toBool());
    m_sessions->restoreState(settings);
    m_traffic->restoreState(settings);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    if (m_editor)
        m_editor->close();
    event->accept();
}

} // namespace Switchboard::Gui
