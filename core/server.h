// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/config.h"
#include "monitor/hub.h"
#include "sessionanswer.h"
#include "stream/breakpoints.h"
#include "stream/faults.h"

#include <QJsonObject>
#include <QObject>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

namespace Switchboard {

namespace Monitor {
class Registry;
class TrafficRecorder;
class ProblemLog;
} // namespace Monitor

class Limits;
class Worker;

namespace Xmpp {
struct SingleStanza;
} // namespace Xmpp

/// A whole connection manager a Qt application can embed: the HTTP front with BOSH (and WebSocket),
/// the backend links, and the monitor hub. Create it with a Config, start() it, connect to hub()'s
/// signals to watch sessions and stanzas, stop() or delete it to end.
///
/// Lives in the thread that created it, where its calls are made; every signal fires from that
/// thread's event loop. With several workers (Config::workers) only the constructor, start() and the
/// destructor wait for another worker's thread (a worker never waits for this one);
/// terminateSession(), injectStanza(), the fault and breakpoint calls, the counts and shutdown() never
/// do, so a window on this thread is not held up by a busy worker.
class Server final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Server)
public:
    explicit Server(const Config &config, QObject *parent = nullptr);
    ~Server() override;

    /// Starts listening (plain and/or TLS, see Config::tlsCertFile) and takes up the REST sessions the
    /// session store kept (Config::restStore). Returns false and sets `error` when an address cannot be
    /// bound, the certificate or key cannot be read, or the session store cannot be used.
    bool start(QString *error = nullptr);
    /// Stops listening and ends every session with `system-shutdown` at once.
    void stop();
    /// Graceful shutdown (SIGTERM): stops accepting, saves REST sessions to the session store
    /// (rest_store), answers held BOSH requests and closes WebSocket
    /// streams with `system-shutdown`, closes every server stream properly, and emits
    /// shutdownFinished() once all of that is on the wire, or after Config::shutdownTimeout seconds.
    void shutdown();
    /// Drain mode (SIGUSR1): new sessions are refused with see-other-uri to Config::drainUrl (or
    /// system-shutdown without one); existing sessions carry on. GET /healthz answers 503 meanwhile.
    void setDraining(bool draining);
    bool isDraining() const;
    /// Reads the certificate and key files again and uses them for new TLS connections (SIGHUP); open
    /// connections and sessions are not touched. Returns false (keeping the old ones) on error.
    bool reloadTls(QString *error = nullptr);
    bool isListening() const;

    quint16 port() const;            ///< the plain listener's port (0 when off)
    quint16 tlsPort() const;         ///< the TLS listener's port (0 when off)
    QUrl boshUrl() const;            ///< http://host:port/path as bound (https:// when only TLS listens)
    QUrl webSocketUrl() const;       ///< ws://host:port/ws-path as bound (wss:// when only TLS listens)
    QUrl secureBoshUrl() const;      ///< https://host:tls-port/path (empty without TLS)
    QUrl secureWebSocketUrl() const; ///< wss://host:tls-port/ws-path (empty without TLS)
    const Config &config() const;
    Monitor::Hub *hub() const;
    /// The session registry over hub() (owned; batched signals for windows and the status page).
    Monitor::Registry *registry() const;
    /// The traffic capture over hub() (owned; capacity and redaction from the config; captures nothing
    /// until a front calls setEnabled(true)).
    Monitor::TrafficRecorder *traffic() const;
    /// The client lint's problems over hub() (owned; enabled from the start when `lint` is set, and by
    /// the window).
    Monitor::ProblemLog *problems() const;
    /// Live sessions of every worker (BOSH, WebSocket and REST). Never waits for a worker: each keeps
    /// its count where other threads may read it.
    int sessionCount() const;
    /// The event loops serving connections (Config::workers; docs/ARCHITECTURE.md, "Threads").
    int workerCount() const;
    /// An object of worker `index`'s thread (this Server itself for worker 0), to run a call there with
    /// QMetaObject::invokeMethod(); null for an index out of range. Owned by the Server.
    QObject *workerContext(int index) const;
    /// The worker that owns session `id` (docs/ARCHITECTURE.md, "Threads"), or -1 when none has it.
    /// Never waits for a worker.
    int workerOf(const QString &id) const;
    /// Ends one live session, BOSH, WebSocket or REST (operator action from the monitor window). The
    /// client learns why: BOSH answers `<body type='terminate' condition='…'/>` (XEP-0124 §17.2),
    /// WebSocket sends an RFC 6120 stream error then `<close/>`. `condition` must be one both know:
    /// system-shutdown (the default: the connection manager ended it, reconnecting later is fine),
    /// policy-violation, host-gone, remote-connection-failed, internal-server-error,
    /// undefined-condition. False for an unknown session or condition.
    ///
    /// Never waits for a worker: a session of this thread's worker ends before this returns; for one
    /// of another worker the end is posted to that worker (a queued call) and true says it was asked.
    /// Either way hub()'s sessionClosed() tells when it has ended.
    bool terminateSession(const QString &id, const QString &condition = QStringLiteral("system-shutdown"));
    /// What injectStanza() reports: an empty `error` when the stanza went into the session.
    using InjectDone = std::function<void(const QString &error)>;
    /// Puts one stanza into a live session (the workbench's "inject"): toward the server as if the
    /// client had sent it, or toward the client as if the server had, counted and recorded like any
    /// other. `xml` must be exactly one well-formed element; without a default namespace it is put in
    /// jabber:client (XEP-0206 §6, RFC 7395 §3.3.3).
    ///
    /// Never waits for a worker: the stanza is handed to the session's worker by a queued call, and
    /// `done` is called on this Server's thread once that worker answered (always after this returns),
    /// with why not when the XML is not acceptable, the session is unknown or it has no open stream,
    /// or when the worker has not answered within SessionAnswer::kDeadlineMs (busy; the stanza may
    /// still go). `done` is called once, and not when `context` is destroyed before the answer.
    void injectStanza(const QString &id, Monitor::Direction direction, const QByteArray &xml,
                      const QObject *context, InjectDone done);
    /// The fault and breakpoint calls below (the workbench's faults on demand and breakpoints,
    /// docs/ADMIN.md; the window and the admin API make them) run on the session's worker and never
    /// wait for it: each hands its work to that worker by a queued call (run at once for this thread's
    /// worker) and returns. `done` is called later on this Server's thread, always after the call
    /// returned, with what the worker found: SessionAnswer::Outcome::NoSession for a session no worker
    /// has, Refused or BadInput with `error` saying why, else Done and the session's `state` after the
    /// call. A worker that has not answered within SessionAnswer::kDeadlineMs (busy) is answered for:
    /// NoAnswer, and its own answer is not passed on when it comes; the call may still take effect.
    /// `done` is called once, and not when `context` (an object of this thread) is destroyed before
    /// the answer, nor when this Server is.
    ///
    /// Puts a fault into session `id`; `state` is its faults now in force.
    void applyFault(const QString &id, const Stream::FaultRequest &request, const QObject *context,
                    SessionDone done);
    /// Undo: ends every fault of session `id`; what they kept goes to the client in order.
    void clearFaults(const QString &id, const QObject *context, SessionDone done);
    /// The faults in force in session `id` (`state`; empty without any).
    void faultState(const QString &id, const QObject *context, SessionDone done);
    /// Sets the breakpoint of session `id`, replacing any; `state` is as breakpointState()'s.
    void setBreakpoint(const QString &id, const Stream::BreakpointFilter &filter, const QObject *context,
                       SessionDone done);
    /// Removes the breakpoint of session `id`; what it holds goes on unchanged, in order.
    void clearBreakpoint(const QString &id, const QObject *context, SessionDone done);
    /// The breakpoint and the stanzas it holds in session `id` (`state`: {"held": []} without one).
    void breakpointState(const QString &id, const QObject *context, SessionDone done);
    /// The operator's decision on held stanza `heldId` of session `id`: forward it, forward `xml`
    /// instead (Edit: exactly one well-formed stanza, as for injectStanza(); BadInput otherwise), or
    /// drop it. Refused: no such held stanza, or one that only waits behind another. `state` is as
    /// breakpointState()'s.
    void actOnHeld(const QString &id, int heldId, Stream::Breakpoints::Action action, const QByteArray &xml,
                   const QObject *context, SessionDone done);
    /// The breakpoint for all sessions, on every worker: set on every BOSH and WebSocket session now
    /// and on each new one; nothing removes it and every session's own breakpoint. Never waits for a
    /// worker: this thread's worker has it when this returns (breakpointForAll() says so), the others
    /// are told by queued calls, and `done` (if any) is called once on this thread while `context`
    /// lives: with true once every worker has it, or with false at SessionAnswer::kDeadlineMs when a
    /// busy worker has not yet (it still will).
    void setBreakpointForAll(const std::optional<Stream::BreakpointFilter> &filter,
                             const QObject *context = nullptr,
                             std::function<void(bool everyWorker)> done = {});
    std::optional<Stream::BreakpointFilter> breakpointForAll() const;
    /// Open HTTP connections of every worker (including those being upgraded or answered). Never
    /// waits for a worker.
    int connectionCount() const;
    /// Server links of every worker still closing after their sessions ended (shutdown() waits for
    /// them). Never waits for a worker.
    int closingLinks() const;
    /// The shared protective limits; its exceeded() signal reports every refusal (for metrics).
    Limits *limits() const;

Q_SIGNALS:
    /// shutdown() is complete (`clean`) or its deadline passed (not clean). Emitted once.
    void shutdownFinished(bool clean);

private:
    void finishShutdownWhenQuiet();
    void finishShutdown();
    /// Routes `worker`'s HTTP requests and upgrades (called once per worker, before it listens).
    void installHandlers(Worker *worker);
    /// Why `stanza` is not one stanza, in the operator's words.
    QString stanzaProblem(const Xmpp::SingleStanza &stanza) const;
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace Switchboard
