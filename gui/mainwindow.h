// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>
#include <QPointer>

class QAction;
class QLabel;
class QPlainTextEdit;
class QTabWidget;

namespace Switchboard {
class Server;
}
namespace Switchboard::Monitor {
class Registry;
class TrafficRecorder;
} // namespace Switchboard::Monitor

namespace Switchboard::Gui {

class BreakpointsDialog;
class FaultsDialog;
class OverviewPage;
class SessionsPage;
class StanzaEditor;
class TrafficPage;

/// The monitor window. It watches the core only through the Registry's batched signals and snapshot
/// getters and the TrafficRecorder's records; it acts on the core only through Server's public calls
/// (start/stop listening, terminateSession, injectStanza, the fault and breakpoint calls). None of the three
/// is owned; the window must be destroyed before them (app/main.cpp declares the window last).
///
/// With several workers the registry and the recorder already hold every worker's sessions and
/// stanzas (they live on this thread and are fed by queued signals). Nothing the window asks of a
/// session waits for the session's worker: terminate, inject, and the Faults and Breakpoints dialogs'
/// calls (Server::terminateSession(), injectStanza(), applyFault() and the rest) are handed over by
/// queued calls, and their answers come back to this thread while the window lives.
///
/// Layout, splitters, columns, the current tab and the capture size persist in QSettings (the
/// application's organisation and name). docs/GUI.md lists the tabs, actions and shortcuts.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)
public:
    MainWindow(Server *server, Monitor::Registry *registry, Monitor::TrafficRecorder *recorder,
               QWidget *parent = nullptr);
    ~MainWindow() override;

    enum Tab { OverviewTab, SessionsTab, TrafficTab, ConfigurationTab, ProblemsTab };

    OverviewPage *overviewPage() const { return m_overview; }
    SessionsPage *sessionsPage() const { return m_sessions; }
    TrafficPage *trafficPage() const { return m_traffic; }
    QTabWidget *tabs() const { return m_tabs; }
    /// The open stanza editor, if any.
    StanzaEditor *stanzaEditor() const;

    QAction *terminateAction() const { return m_terminate; }
    QAction *injectAction() const { return m_inject; }
    QAction *faultsAction() const { return m_faults; }
    /// Opens the Faults dialog for the current session (docs/ADMIN.md); returns it (null without one).
    FaultsDialog *openFaults();
    QAction *breakpointsAction() const { return m_breakpoints; }
    /// Opens the Breakpoints dialog for the current session (docs/ADMIN.md); returns it (null without one).
    BreakpointsDialog *openBreakpoints();
    QAction *pauseAction() const { return m_pause; }
    QAction *clearAction() const { return m_clear; }
    QAction *listenAction() const { return m_listen; }

    /// Ends sessions with a terminal condition, as the Terminate dialog does. Returns how many were
    /// asked to end (Server::terminateSession(): a session of another worker ends on that worker's
    /// thread a little later; the registry's sessionsRemoved() tells when its row goes).
    int terminateSessions(const QStringList &ids, const QString &condition);
    /// Writes traffic to a file (XML log for *.xml, JSON lines otherwise). False with `error` on failure.
    bool exportTraffic(const QString &fileName, bool selectionOnly, QString *error = nullptr);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createMenus();
    void updateActions();
    void updateStatus();
    void toggleListening();
    void askTerminate();
    void openStanzaEditor();
    void askExport(bool selectionOnly);
    void setCapturePaused(bool paused);
    void clearTraffic();
    void showPreferences();
    void showAbout();
    void applyCaptureCapacity(int capacity);
    void saveSettings() const;
    void restoreSettings();

    QPointer<Server> m_server;
    QPointer<Monitor::Registry> m_registry;
    QPointer<Monitor::TrafficRecorder> m_recorder;

    QTabWidget *m_tabs = nullptr;
    OverviewPage *m_overview = nullptr;
    SessionsPage *m_sessions = nullptr;
    TrafficPage *m_traffic = nullptr;
    QPlainTextEdit *m_config = nullptr;
    QPointer<StanzaEditor> m_editor;

    QLabel *m_listenStatus = nullptr;
    QLabel *m_sessionStatus = nullptr;
    QLabel *m_captureStatus = nullptr;

    QAction *m_listen = nullptr;
    QAction *m_terminate = nullptr;
    QAction *m_inject = nullptr;
    QAction *m_faults = nullptr;
    QAction *m_breakpoints = nullptr;
    QAction *m_pause = nullptr;
    QAction *m_clear = nullptr;
    QAction *m_follow = nullptr;
    QAction *m_showSecrets = nullptr;
    QAction *m_exportSelected = nullptr;
    QAction *m_exportAll = nullptr;
    QAction *m_copy = nullptr;
    QAction *m_showSessionTraffic = nullptr;
    QAction *m_find = nullptr;
    QAction *m_preferences = nullptr;
    QAction *m_quit = nullptr;
    QAction *m_about = nullptr;
    QAction *m_aboutQt = nullptr;
    QList<QAction *> m_tabActions;
    int m_captureCapacity = 10000;
};

} // namespace Switchboard::Gui
