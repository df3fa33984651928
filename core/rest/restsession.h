// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "rest/archivecatchup.h"
#include "rest/backoff.h"
#include "rest/restevent.h"
#include "rest/roster.h"
#include "rest/sasllogin.h"
#include "rest/sessionsnapshot.h"
#include "rest/streammanagement.h"
#include "stream/clientstream.h"

#include <QJsonArray>
#include <QJsonObject>

#include <deque>
#include <functional>
#include <memory>
#include <optional>

namespace Switchboard::Rest {

/// One XMPP session held on the server for a REST client (docs/REST.md). Unlike BOSH and WebSocket,
/// Switchboard is the XMPP client here: after the server's stream features it authenticates (SASL,
/// SaslLogin), restarts the stream, binds a resource (RFC 6120 §7), fetches the roster (RFC 6121 §2)
/// and sends initial presence. From then on every stanza from the server becomes an Event in a bounded
/// queue the client reads with pollEvents(); IQ gets for ping (XEP-0199), version (XEP-0092) and
/// disco#info (XEP-0030) are answered here.
///
/// A Stream::ClientStream with transport REST: admission, hub reporting and the upstream's retirement
/// are handled there. The server side is an Upstream from the factory (a fake in unit tests); time is
/// the clock's (milliseconds), read by checkTimers(), which the owner calls on its tick. No socket of
/// the client's is known here: callers pass callbacks, answered once, now or later.
///
/// When the server link of a logged-in session drops, the session does not end (docs/REST.md "When
/// the server link drops"): it tells the client (a "session" event, type "reconnecting"), tries again
/// with Backoff (rest_reconnect_delay, doubling up to rest_reconnect_max_delay, with jitter), resumes
/// the stream where the server allows it (XEP-0198, StreamManagement) or logs in again from the kept
/// Credentials, binds the same resource, fetches the roster, restores the last presence and catches up
/// from the server's archive (XEP-0313, ArchiveCatchup); then a "session" event of type "resumed" or
/// "online". What the client sends meanwhile is held (kMaxHeld) and sent once the link is back. It
/// gives up only when the server refuses the kept credentials (a "closed" event with status
/// "not-authorized") or rest_idle_timeout passes without a call.
///
/// Lives in its front's thread. loggedIn() or loginFailed() fires once after start(); finished()
/// fires once, after which the owner deletes the session (deleteLater).
class RestSession final : public Stream::ClientStream
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestSession)
public:
    using Clock = std::function<qint64()>;
    enum class LoginError {
        NotAuthorized, ///< the server refused the credentials
        Unreachable,   ///< no server stream: resolve, connect, TLS or negotiation failed, or too slow
        Failed,        ///< SASL or bind failed otherwise (no usable mechanism, a bad server signature...)
    };
    Q_ENUM(LoginError)
    struct Login
    {
        QString jid; ///< bare JID (a resource here is the one to bind, unless `resource` is set)
        QString password;
        QString resource;                    ///< empty: the server picks one
        std::optional<QJsonObject> presence; ///< {show, status, priority}; nullopt: no initial presence
        /// Logs in from these instead of the password when set (a session restored without its client).
        std::optional<Credentials> credentials;
    };
    /// The answer to pollEvents(): the events after `after`, and what to pass as `after` next time.
    struct Poll
    {
        QJsonArray events;
        qint64 next = 0;
        qint64 refused = 0; ///< stanzas refused so far because the queue was full
    };
    using PollReply = std::function<void(const Poll &)>;
    /// The reply stanza to an IQ (result or error), or nullopt when none came in time.
    using IqReply = std::function<void(const std::optional<QByteArray> &)>;

    /// `config` must outlive the session; `login.password` is kept only until SASL has used it.
    RestSession(const Config &config, Client client, Login login, UpstreamFactory factory, Clock clock,
                Monitor::Hub *hub, Limits *limits, QObject *parent = nullptr);
    ~RestSession() override;

    /// Counts the session against the limits and opens the server stream. Returns the limit that
    /// refuses it (the session then finishes at once and emits nothing else).
    std::optional<Limits::Limit> start();
    bool isReady() const { return m_state == State::Ready; }
    /// Logged in once and not over: Ready, or reconnecting. The API serves such a session.
    bool isLoggedIn() const { return m_everReady && m_state != State::Closed; }
    /// The server link dropped and is not back yet (the session still lives).
    bool isReconnecting() const { return isLoggedIn() && m_state != State::Ready; }
    /// send() and sendIq() take a stanza now: Ready, or reconnecting with room to hold it.
    bool canSend() const;
    /// While reconnecting: seconds until the next try, at least 1 (for Retry-After).
    int retryAfter() const;
    /// What logs this session in again without the password (docs/REST.md): set after a successful
    /// SASL log-in, or from Login::credentials; nullopt before.
    std::optional<Credentials> credentials() const { return m_credentials; }
    /// The full JID the server bound (empty before login).
    const QString &boundJid() const { return m_boundJid; }
    /// The bearer token of this session (the front sets it; compared by the front in constant time).
    void setToken(const QByteArray &token)
    {
        m_token = token;
        m_tokenHash = SessionSnapshot::tokenHashOf(token);
    }
    const QByteArray &token() const { return m_token; }

    /// Every API call counts as activity for rest_idle_timeout.
    void touch();
    /// Sends one stanza (already checked by the caller) to the server; while reconnecting, holds it
    /// to send when the link is back. False when not logged in, or kMaxHeld stanzas are held already.
    bool send(const QByteArray &stanza);
    /// Sends an IQ get/set with id `id` (held like send() while reconnecting) and calls `reply` with the
    /// answer, or with nullopt after `timeoutMs`, when the session ends first, or when the link dropped
    /// and the server's session with it (then isReconnecting() is true when `reply` runs).
    bool sendIq(const QByteArray &stanza, const QString &id, qint64 timeoutMs, IqReply reply);
    /// True while an IqReply runs because its deadline passed (no reply in time: 504), false when it
    /// runs because the server session that had the IQ is gone or the session ends.
    bool isIqDeadline() const { return m_iqDeadline; }
    /// Events after `after` (at most `limit`); those up to `after` count as acknowledged and are freed.
    /// With none to give, waits up to `waitMs` for one, then answers with an empty list. A session that
    /// ends answers its waiting polls with the final "session" event.
    void pollEvents(qint64 after, int limit, qint64 waitMs, PollReply reply);
    /// Logs out: unavailable presence (RFC 6121 §4.5.1), then the stream closes; finished() follows.
    void logout();
    int queued() const { return int(m_events.size()); }
    /// The queued event `seq`, or null when it is not (or no longer) in the queue.
    const Event *findEvent(qint64 seq) const;

    /// The unacknowledged events, oldest first (seq ascending): what a Server-Sent Events stream reads.
    const std::deque<Event> &events() const { return m_events; }
    /// Events up to `upTo` count as acknowledged and are freed (as a poll's `after` does).
    void acknowledge(qint64 upTo);
    /// A Server-Sent Events stream attached (detachReader() when it goes): while one is, the session
    /// is not idle, and eventQueued() says a reader took each event.
    void attachReader();
    void detachReader();
    int readers() const { return m_readers; }
    /// The seq of the newest event queued so far (0 before the first).
    qint64 lastSeq() const { return m_nextSeq - 1; }
    /// What the session knows of the account's contacts and their presence (GET …/roster).
    const Roster &roster() const { return m_roster; }
    /// Sends presence {show?, status?, priority?} (already checked) and keeps it as the session's.
    bool sendPresence(const QJsonObject &presence);
    /// Events that expired unread after rest_max_event_age, so far in this session.
    qint64 expired() const { return m_expired; }
    // The session store (docs/REST.md "When Switchboard restarts").
    using Snapshot = SessionSnapshot;
    /// What the store keeps of this session: id, token hash, JID, resource, presence, Credentials (once
    /// logged in), seq counters and the unacknowledged events. `ended` once the session finished.
    Snapshot snapshot() const;
    /// Takes up a stored session, before start(): its token hash, events, seq counters and push target.
    /// Its Login carries the snapshot's JID, resource, presence and Credentials (a log-in again). Its
    /// events can be read (pollEvents()) while it logs in again.
    void restore(const Snapshot &snapshot);
    bool isRestored() const { return m_restored; }
    /// The session was saved to the store and ends for a restart: it queues no final "session" event,
    /// whose seq the restored session would give again.
    void setPersisted() { m_persisted = true; }
    /// Whether `token` is this session's bearer token: SHA-256 compared in constant time (a restored
    /// session knows only the hash).
    bool tokenMatches(QByteArrayView token) const;
    /// The push target as stored (opaque JSON; empty: none). Push delivery decides what it means.
    const QJsonObject &storedPush() const { return m_storedPush; }
    void setStoredPush(const QJsonObject &push) { m_storedPush = push; }

    // Stream::ClientStream
    void terminate(Stream::Condition condition, const QString &text = {}) override;
    bool inject(Monitor::Direction direction, const QByteArray &xml) override;
    /// The cut-link fault: the server connection drops as in a crash, and the session reconnects as
    /// after any lost link (docs/REST.md).
    bool cutUpstreams() override { return m_upstream && m_upstream->cut(); }
    /// Login deadline (connect_timeout), IQ and poll deadlines, rest_idle_timeout.
    void checkTimers() override;

    // Stream::UpstreamEvents
    void upstreamOpened(const QString &stream, const Xmpp::StreamHeader &header) override;
    void upstreamElement(const QString &stream, const QByteArray &xml) override;
    void upstreamClosed(const QString &stream) override;
    void upstreamFailed(const QString &stream, Xmpp::LinkFailure failure, const QByteArray &streamErrorXml,
                        const QString &reason = {}) override;

    /// The most a poll may wait, whatever it asks for (s).
    static constexpr int kMaxWaitSeconds = 60;
    /// Polls one session may have waiting; a new one beyond answers the oldest at once (empty).
    static constexpr int kMaxWaitingPolls = 4;
    /// Client stanzas held while the link is down; send() refuses more (the front answers 503).
    static constexpr int kMaxHeld = 100;
    /// Injects the backoff's randomness (tests: a fixed value); [0, 1).
    void setBackoffRandom(Backoff::Random random);

Q_SIGNALS:
    /// Logged in: bound to `jid`, roster fetched, initial presence sent.
    void loggedIn(const QString &jid);
    /// The login failed; the session finishes right after.
    void loginFailed(Switchboard::Rest::RestSession::LoginError error, const QString &reason);
    /// An event was queued (`pending` events now wait unacknowledged); `taken` is true when a reader
    /// was waiting for it: a long poll that it answered, or an attached Server-Sent Events stream.
    void eventQueued(qint64 seq, int pending, bool taken);

private:
    enum class State {
        Idle,
        Connecting,
        Authenticating,
        Binding,
        Resuming,
        Roster,
        Ready,
        Reconnecting,
        Closed
    };
    void onFeatures(const QByteArray &xml);
    void onReadyStanza(const QByteArray &xml);
    /// Answers the IQ gets Switchboard handles itself; true when it did.
    bool answerIq(const StanzaSummary &iq);
    void sendToServer(const QByteArray &xml);
    void queueEvent(Event event);
    void refuse(const StanzaSummary &stanza);
    void answerPolls();
    /// rest_max_event_age: drops what is older, counts it and tells the client in a "session" event.
    void expireEvents(qint64 now);
    void failLogin(LoginError error, const QString &reason, Stream::Condition condition);
    void end(Stream::Condition condition, const QString &reason);
    void retireUpstream();
    // Reconnection (docs/REST.md "When the server link drops").
    /// The link of a logged-in session dropped (or a try to log in again failed): wait, then retry.
    void linkDropped(const QString &reason);
    /// The backoff passed: open a new link and log in again from m_credentials.
    void reconnect();
    /// Sends the bind request (RFC 6120 §7), on a new session or after <failed/> to <resume/>.
    void bind();
    /// Ready again after a resumption or a new log-in: resend, flush what was held, tell the client.
    void backOnline(const QString &type);
    /// Answers every IQ sent to the server with nullopt (the server's session that would answer is
    /// gone); held ones keep waiting.
    void failIqs();
    /// Asks the server to acknowledge (XEP-0198 <r/>) when stanzas wait for it.
    void requestAck();
    void onStreamManagement(const StreamManagement::Element &element);
    /// Gives the catch-up's held live messages to the queue.
    void endCatchup(const QString &error);
    /// A message or other stanza from the server, after the archive and the dedupe had their say.
    void deliver(const StanzaSummary &stanza, const QByteArray &xml);
    void sessionEvent(const QString &type, const QString &status);

    struct Waiting
    {
        qint64 after = 0;
        int limit = 0;
        qint64 deadline = 0;
        PollReply reply;
    };
    struct PendingIq
    {
        qint64 deadline = 0;
        IqReply reply;
        bool sent = true; ///< false while held: a lost server session did not have it
        QString to;       ///< the request's `to`: only its addressee may answer (RFC 6120 §8.1.2.1)
    };
    /// Whether `reply` (a result or error) comes from the entity `request` was sent to.
    bool answersFrom(const PendingIq &request, const StanzaSummary &reply) const;

    Clock m_clock;
    QString m_domain;
    QString m_username;
    QString m_resource;
    std::optional<QJsonObject> m_presence;
    std::unique_ptr<SaslLogin> m_sasl;        ///< holds the password until SASL used it
    std::optional<Credentials> m_credentials; ///< memory only; docs/REST.md
    std::unique_ptr<Stream::Upstream> m_upstream;
    State m_state = State::Idle;
    bool m_authenticated = false;
    QString m_boundJid;
    QByteArray m_token;
    std::deque<Event> m_events;
    qint64 m_nextSeq = 1;
    qint64 m_refused = 0;
    std::deque<Waiting> m_polls;
    QHash<QString, PendingIq> m_iqs;
    qint64 m_started = 0;
    qint64 m_lastCall = 0;
    Roster m_roster;
    int m_readers = 0; ///< attached Server-Sent Events streams
    qint64 m_expired = 0;
    // The session store:
    QByteArray m_tokenHash;    ///< SHA-256 of the token
    qint64 m_acknowledged = 0; ///< the highest `after` a poll passed (clamped to what was given)
    bool m_restored = false;
    bool m_persisted = false;
    QJsonObject m_storedPush;

    // Reconnection.
    bool m_everReady = false; ///< logged in once: a drop reconnects instead of ending
    bool m_relogin = false;   ///< the current log-in is a reconnection
    bool m_smOffered = false; ///< the current stream's features offer XEP-0198
    qint64 m_retryAt = 0;
    Backoff m_backoff;
    StreamManagement m_sm;
    ArchiveCatchup m_archive;
    struct Held
    {
        QByteArray xml;
        QString iqId; ///< an IQ request's id in m_iqs; empty for other stanzas
    };
    std::deque<Held> m_held;                  ///< client stanzas while reconnecting (kMaxHeld)
    QList<QByteArray> m_resend;               ///< messages the old server session never acknowledged
    std::optional<QByteArray> m_lastPresence; ///< the client's last broadcast presence
    QDateTime m_droppedAt;                    ///< wall clock, for an archive query without an id
    int m_catchups = 0;
    qint64 m_catchupStarted = 0;
    qint64 m_ackRequestedAt = -1; ///< when the outstanding XEP-0198 <r/> went out; -1: none
    bool m_iqDeadline = false;    ///< an IqReply is being called because its deadline passed
};

} // namespace Switchboard::Rest
