// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/relaxed.h"
#include "monitor/problem.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QHostAddress>
#include <QMetaMethod>
#include <QObject>
#include <QString>

#include <array>
#include <memory>

namespace Switchboard::Monitor {

enum class Transport { Bosh, WebSocket, Rest };
enum class Direction { ToServer, ToClient };

/// What the monitor knows about a session when it opens.
struct SessionInfo
{
    QString sid;
    Transport transport = Transport::Bosh;
    QHostAddress clientAddress;
    QString userAgent; ///< the BOSH `ua` attribute or the HTTP User-Agent
    QString domain;    ///< the `to` of the first stream
    bool secure = false;
    QDateTime created;
    /// The worker that owns the session (docs/ARCHITECTURE.md, "Threads"); set by Worker's bridge to
    /// the Server's hub, 0 for the first worker's sessions.
    int worker = 0;
};

/// What a front counts on its hot path for one session: plain increments, no signal, no string
/// (Wireshark's taps: counting must cost nothing). The front writes, the Hub hands out copies to
/// watchers (Hub::sessionCounters()), which poll them on their own timer. The session's thread writes
/// them, watchers on the main thread read them (Relaxed: no lock, no torn read).
struct SessionCounters
{
    Relaxed<quint64> stanzasToServer = 0;
    Relaxed<quint64> stanzasToClient = 0;
    Relaxed<quint64> bytesToServer = 0; ///< stanza bytes as forwarded (no BOSH/WebSocket framing)
    Relaxed<quint64> bytesToClient = 0;
    Relaxed<quint64> requests = 0; ///< BOSH: HTTP requests of the session; WebSocket: 0
    Relaxed<int> held = 0;         ///< BOSH: requests held right now; WebSocket: 0
    friend bool operator==(const SessionCounters &, const SessionCounters &) = default;
};

/// Time from the arrival of a BOSH request the CM held to its answer, in Prometheus histogram form
/// (buckets are per-bucket counts here; the exposition makes them cumulative).
struct LatencyHistogram
{
    /// Upper bounds (ms) of the buckets; one more bucket (+Inf) follows.
    static constexpr std::array<qint64, 12> kBoundsMs{5,   10,   25,   50,    100,   250,
                                                      500, 1000, 5000, 30000, 60000, 120000};
    std::array<Relaxed<quint64>, kBoundsMs.size() + 1> buckets{};
    Relaxed<quint64> count = 0;
    Relaxed<quint64> sumMs = 0;
    void add(qint64 ms)
    {
        std::size_t i = 0;
        while (i < kBoundsMs.size() && ms > kBoundsMs[i])
            ++i;
        ++buckets[i];
        ++count;
        sumMs += quint64(ms < 0 ? 0 : ms);
    }
    friend bool operator==(const LatencyHistogram &, const LatencyHistogram &) = default;
};

/// Push on arrival (docs/PUSH.md), cumulative since start: what the push dispatcher counted, and the
/// targets the API refused. Reported as a whole by the front that owns the dispatcher (Hub::reportPush).
struct PushTotals
{
    quint64 attempts = 0;         ///< requests sent to a receiver
    quint64 delivered = 0;        ///< answered 2xx
    quint64 failures = 0;         ///< attempts that failed (network, timeout, TLS, non-2xx, refused)
    quint64 retries = 0;          ///< attempts scheduled again after a network error, a timeout, 429 or 5xx
    quint64 coalesced = 0;        ///< notices folded into a later push by push_interval
    quint64 gone = 0;             ///< Web Push subscriptions dropped on 404 or 410 (RFC 8030 §7.3)
    quint64 disabled = 0;         ///< targets disabled after push_max_failures failures in a row
    quint64 refusedTargets = 0;   ///< targets the API refused (400, field "push")
    quint64 refusedAddresses = 0; ///< attempts stopped by the target policy after DNS or at connect
    friend bool operator==(const PushTotals &, const PushTotals &) = default;
};

/// Totals since the Hub was made, bumped by the same cheap calls as SessionCounters.
struct HubTotals
{
    Relaxed<quint64> boshSessions = 0; ///< sessions opened, by transport
    Relaxed<quint64> webSocketSessions = 0;
    Relaxed<quint64> restSessions = 0;
    Relaxed<quint64> requests = 0; ///< BOSH HTTP requests at the BOSH path (with or without a valid session)
    Relaxed<quint64> stanzasToServer = 0;
    Relaxed<quint64> stanzasToClient = 0;
    Relaxed<quint64> bytesToServer = 0;
    Relaxed<quint64> bytesToClient = 0;
    /// Requests that arrived on another worker's connection and were relayed: BOSH requests to their
    /// session's worker, REST requests to the REST gateway's (counted by the worker they reach)
    Relaxed<quint64> relayedRequests = 0;
    LatencyHistogram answerLatency; ///< BOSH held-request answers
    PushTotals push;                ///< push on arrival (Hub::reportPush)
    friend bool operator==(const HubTotals &, const HubTotals &) = default;
};

/// The registry every front reports to and every watcher listens to (window, status page, metrics,
/// embedding applications). Signals fire on the thread of the sessions (the server's), past tense,
/// after the fact; no watcher reaches into a session.
///
/// Two channels, by cost:
/// - signals for rare events (a session or stream opens, restarts, binds, fails, ends), always emitted;
/// - counters for frequent ones (stanzas, bytes, requests, held requests, answer latency): the front
///   bumps them with the inline count*() calls; watchers read sessionCounters()/totals() on a timer.
/// stanzaForwarded (which carries the XML) is emitted only while wantsTraffic() is true, i.e. while a
/// traffic recorder is connected; otherwise the fronts build nothing for it.
///
/// With several workers (docs/ARCHITECTURE.md, "Threads") each worker has a Hub on its thread, whose
/// signals reach the Server's Hub queued: adoptSession() takes a worker's session with its counters, and
/// the Server's totals() add up every worker Hub's (addWorkerHub()).
class Hub final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Hub)
public:
    explicit Hub(QObject *parent = nullptr) : QObject(parent) {}

    /// Whether anyone wants stanza bytes (stanzaForwarded); when not, fronts skip building them.
    bool wantsTraffic() const { return isSignalConnected(QMetaMethod::fromSignal(&Hub::stanzaForwarded)); }

    int sessionCount() const { return m_sessions; }

    /// Whether the client lint runs (a ProblemLog is listening, docs/MONITORING.md "Problems"): fronts
    /// give a session lint state (Stream::ClientStream::startLint()) only when it opens while this is
    /// true, so without a listener the lint costs one null check per event. A worker Hub reads the
    /// Server Hub's (followLint()). Any thread.
    bool wantsLint() const { return m_lintFrom ? m_lintFrom->m_lintWanted.load() : m_lintWanted.load(); }
    /// Set by the ProblemLog when it starts or stops listening (the Hub's thread).
    void setLintWanted(bool wanted) { m_lintWanted = wanted; }
    /// A worker Hub asks `server` (which must outlive it) whether lint runs.
    void followLint(const Hub *server) { m_lintFrom = server; }

    // --- Fronts call these ---

    /// A session opened: emits sessionOpened. Returns the session's counters, which the front keeps
    /// and bumps with the count*() calls (shared: safe to keep after reportSessionClosed()).
    std::shared_ptr<SessionCounters> reportSessionOpened(const SessionInfo &info);
    /// Emits sessionClosed, then forgets the session's counters.
    void reportSessionClosed(const QString &sid, const QString &condition);
    /// The bind result (RFC 6120 §7) of a stream arrived from the server: emits streamBound.
    void reportBound(const QString &sid, const QString &stream, const QString &jid);

    /// One stanza forwarded (`counters` may be null: counted in the totals only).
    void countStanza(SessionCounters *counters, Direction direction, qsizetype bytes)
    {
        if (direction == Direction::ToServer) {
            ++m_totals.stanzasToServer;
            m_totals.bytesToServer += quint64(bytes);
            if (counters) {
                ++counters->stanzasToServer;
                counters->bytesToServer += quint64(bytes);
            }
        } else {
            ++m_totals.stanzasToClient;
            m_totals.bytesToClient += quint64(bytes);
            if (counters) {
                ++counters->stanzasToClient;
                counters->bytesToClient += quint64(bytes);
            }
        }
    }
    /// One HTTP request reached the BOSH path.
    void countRequest() { ++m_totals.requests; }
    /// A BOSH or REST request was relayed here from the worker whose connection it came on.
    void countRelayed() { ++m_totals.relayedRequests; }
    /// A held BOSH request was answered `latencyMs` after it arrived.
    void countAnswer(qint64 latencyMs) { m_totals.answerLatency.add(latencyMs); }

    /// The push totals changed (a push ended, a target was refused): stores them, emits pushCounted.
    void reportPush(const PushTotals &totals)
    {
        m_totals.push = totals;
        Q_EMIT pushCounted();
    }

    /// If `xml` (a stanza from the server) is the result of a resource bind, the bound JID; else empty.
    /// Cheap when it is not (one substring search); fronts call it for the first few server stanzas
    /// after a stream restart only.
    static QString boundJid(const QByteArray &xml);

    // --- Watchers read these ---

    /// A copy of a live session's counters (all zero for an unknown sid).
    SessionCounters sessionCounters(const QString &sid) const;
    /// A live session's counters themselves (null for an unknown sid), for a watcher that reads them
    /// often: no lookup per reading. They stay valid after the session ends, and stop moving then.
    std::shared_ptr<const SessionCounters> sharedCounters(const QString &sid) const;
    /// Totals since start: this Hub's own, plus those of every worker Hub (addWorkerHub()), summed now.
    HubTotals totals() const;

    // --- The Server calls these when it runs several workers ---

    /// A session a worker's Hub opened (on its thread), with the counters that Hub handed its front:
    /// counted here like a session of this Hub's own (sessionCount(), sessionCounters()), but not in
    /// this Hub's totals, which addWorkerHub() adds. Emits sessionOpened.
    void adoptSession(const SessionInfo &info, std::shared_ptr<SessionCounters> counters);
    /// Adds `worker`'s totals to totals(); it must outlive this Hub's readers (the Server's workers
    /// do). Its counters are read with relaxed loads, from this Hub's thread.
    void addWorkerHub(const Hub *worker) { m_workerHubs.append(worker); }

Q_SIGNALS:
    /// A session opened: for BOSH when its creation request was accepted (before the server answered),
    /// for WebSocket at the client's first <open/>.
    void sessionOpened(const Switchboard::Monitor::SessionInfo &info);
    /// A session ended, once, after its streams' streamTerminated. `condition` is the terminal condition
    /// (e.g. "remote-connection-failed", "system-shutdown") or, for an end without error, empty or a
    /// short reason ("client terminated", "inactivity", "stream ended").
    void sessionClosed(const QString &sid, const QString &condition);
    /// A stream was opened toward the server for `domain` (the first one right after sessionOpened).
    void streamAdded(const QString &sid, const QString &stream, const QString &domain);
    /// The client asked for a stream restart (after SASL); the server stream is being reopened.
    void streamRestarted(const QString &sid, const QString &stream);
    /// A stream ended (`condition` empty for a normal end).
    void streamTerminated(const QString &sid, const QString &stream, const QString &condition);
    /// The backend link of a stream is up (peer "host:port", whether TLS is on); again after each restart.
    void backendConnected(const QString &sid, const QString &stream, const QString &peer, bool encrypted);
    /// The backend link of a stream failed: `condition` as told to the client (host-unknown,
    /// remote-connection-failed, remote-stream-error), `connected` whether it had ever been up (false:
    /// a connect failure). Fires before the stream's streamTerminated.
    void backendFailed(const QString &sid, const QString &stream, const QString &condition, bool connected);
    /// The server's answer to resource binding named the stream's full JID.
    void streamBound(const QString &sid, const QString &stream, const QString &jid);
    /// A BOSH client paused its session for `seconds` (XEP-0124 §10).
    void sessionPaused(const QString &sid, int seconds);
    /// One stanza went through; only while wantsTraffic(). `xml` is the stanza as forwarded.
    void stanzaForwarded(const QString &sid, const QString &stream, Switchboard::Monitor::Direction direction,
                         const QByteArray &xml);
    /// A fault on demand took effect in session `sid` (docs/ADMIN.md): `note` says what was done, and
    /// `direction` which way it acted. For the traffic view; rare, so always emitted.
    void faultApplied(const QString &sid, const QString &stream, Switchboard::Monitor::Direction direction,
                      const QString &note);
    /// A response the client had not yet acknowledged was acknowledged (XEP-0124 §9).
    void responseAcknowledged(const QString &sid, qint64 rid);
    /// A stanza from the server could not be delivered: the client went away (XEP-0206 §7).
    void noClient(const QString &sid, const QString &stream, const QByteArray &xml);
    /// A protective limit refused something (docs/SECURITY.md). `limit` is its config key (e.g.
    /// "max_sessions_per_ip"); `peer` the client address, when known.
    void limitRefused(const QString &limit, const QHostAddress &peer);
    /// The client lint found a problem in a session (SessionLint, only while wantsLint()).
    void problemFound(const Switchboard::Monitor::Problem &problem);
    /// A BOSH request named a session that is over (or never was), only while wantsLint(): the
    /// ProblemLog tells traffic after a terminate from a stray sid.
    void requestForEndedSession(const QString &sid);
    /// totals().push changed (reportPush).
    void pushCounted();
    /// stanzaForwarded got its first listener (`wanted`), or lost its last: a Server with several
    /// workers connects their Hubs' stanzaForwarded to this one only meanwhile, so that their fronts
    /// build no copies for nobody.
    void trafficWantedChanged(bool wanted);

protected:
    void connectNotify(const QMetaMethod &signal) override;
    void disconnectNotify(const QMetaMethod &signal) override;

private:
    int m_sessions = 0;
    HubTotals m_totals;
    QHash<QString, std::shared_ptr<SessionCounters>> m_counters;
    QList<const Hub *> m_workerHubs;
    bool m_trafficWanted = false;
    Relaxed<bool> m_lintWanted = false;
    const Hub *m_lintFrom = nullptr;
};

} // namespace Switchboard::Monitor
