// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/config.h"
#include "push/pushtarget.h"
#include "rest/restsession.h"
#include "rest/sessionsnapshot.h"
#include "stream/clientstream.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>

#include <map>
#include <memory>

namespace Switchboard {
class Limits;
}
namespace Switchboard::Http {
class Exchange;
}
namespace Switchboard::Monitor {
class Hub;
}
namespace Switchboard::Stream {
class OwnedStreams;
class StreamRegistry;
} // namespace Switchboard::Stream
namespace Switchboard::Xmpp {
class Resolver;
}

namespace Switchboard::Rest {

class EventStream;
class RestPush;
class RestSession;
class RestStore;

/// The REST front (docs/REST.md): the JSON API under rest_path. It checks each call (bearer token in
/// constant time, JSON fields, stanza shape), turns it into RestSession calls and answers, now or
/// later (log-in, a long poll, an IQ's reply). It owns every RestSession (each a Stream::ClientStream
/// in the server's StreamRegistry, so terminate, inject and counts work on them) and gives each a
/// LinkUpstream, or what the factory makes (tests).
///
/// Lives in the server's thread.
class RestEndpoint final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestEndpoint)
public:
    /// `registry` must outlive this object; new sessions join it, and drain follows it.
    RestEndpoint(const Config &config, Xmpp::Resolver *resolver, Monitor::Hub *hub,
                 Stream::StreamRegistry *registry, QObject *parent = nullptr);
    ~RestEndpoint() override;

    /// Session admission and refusal reporting; may be null. Must outlive this object.
    void setLimits(Limits *limits) { m_limits = limits; }
    /// Replaces the LinkUpstream every session gets (tests put in a fake server).
    void setUpstreamFactory(Stream::ClientStream::UpstreamFactory factory) { m_factory = std::move(factory); }
    /// Whether `path` is rest_path or below it.
    bool matches(const QByteArray &path) const;
    /// Answers one HTTP request below rest_path (now or later): from a connection of this thread, or
    /// relayed from another worker's (Http::relayExchange(); the same calls either way).
    void handle(Http::Exchange *exchange);
    int sessionCount() const;
    /// Loads (or creates) the VAPID key of push on arrival; false with `error` when it cannot.
    bool start(QString *error);
    /// Push on arrival for the sessions (docs/PUSH.md).
    RestPush *push() const { return m_push; }

    // The session store (docs/REST.md "When Switchboard restarts"); restendpointstore.cpp.
    /// Opens the store named by rest_store (empty or "off": none) and reads what the last graceful
    /// shutdown left there, then empties it: a crash afterwards never restores those sessions twice.
    /// False with `error` set when the store cannot be used (start-up stops).
    bool openStore(QString *error);
    /// Takes up every session openStore() read: same id, token, events and seq; each logs in again from
    /// its Credentials and binds its resource. One whose log-in fails ends: its client reads what is
    /// left, and the final "session" event, once.
    void restoreSessions();
    /// Graceful shutdown, before the sessions end: writes every logged-in (or restored) session, and
    /// every ended one not yet read, to the store in one transaction. Once; false with `error` set.
    bool saveSessions(QString *error = nullptr);

    /// How often session deadlines are checked; long polls and IQ waits end late by at most this.
    static constexpr int kTickMs = 250;
    /// The longest an IQ sent through /stanzas may wait for its reply, and the default (s).
    static constexpr int kMaxIqTimeout = 120;
    static constexpr int kDefaultIqTimeout = 30;
    /// Events one poll returns at most, and by default.
    static constexpr int kMaxLimit = 1000;
    static constexpr int kDefaultLimit = 100;
    /// Server-Sent Events streams one session may have open; a new one beyond ends the oldest.
    static constexpr int kMaxStreamsPerSession = 4;

private:
    /// The factory set by setUpstreamFactory(), or one that makes a LinkUpstream to the server.
    Stream::ClientStream::UpstreamFactory upstreamFactory() const;
    void createSession(Http::Exchange *exchange);
    /// The rest of createSession() once the body and its "push" (if any) passed.
    void openSession(Http::Exchange *exchange, RestSession::Login login,
                     std::optional<Push::PushTarget> push);
    /// PUT and DELETE rest_path/sessions/{id}/push.
    void setPush(RestSession *session, Http::Exchange *exchange);
    /// GET rest_path/vapid: the VAPID public key (no token needed).
    void vapid(Http::Exchange *exchange);
    void deleteSession(RestSession *session, Http::Exchange *exchange);
    void sendMessage(RestSession *session, Http::Exchange *exchange);
    void sendStanza(RestSession *session, Http::Exchange *exchange);
    void events(RestSession *session, Http::Exchange *exchange);
    /// GET …/events with Accept: text/event-stream (EventStream).
    void eventStream(RestSession *session, Http::Exchange *exchange);
    void roster(RestSession *session, Http::Exchange *exchange);
    void presence(RestSession *session, Http::Exchange *exchange);
    void subscription(RestSession *session, Http::Exchange *exchange);
    /// The session named in the path, once the bearer token matches it; else answers 401/404 itself.
    RestSession *authorize(const QString &id, Http::Exchange *exchange);
    /// A call on a restored session that ended (its log-in again failed): its events, read once.
    void endedSession(const QString &id, const QByteArray &action, Http::Exchange *exchange);
    /// Keeps an ended restored session for its client, at most rest_idle_timeout; forgets it.
    void keepEnded(SessionSnapshot snapshot);
    void forgetEnded(const QString &id);
    /// Forgets the ended sessions nobody read within rest_idle_timeout.
    void pruneEnded();

    Config m_config;
    Xmpp::Resolver *m_resolver = nullptr;
    Monitor::Hub *m_hub = nullptr;
    Stream::StreamRegistry *m_registry = nullptr;
    Stream::OwnedStreams *m_sessions;
    Limits *m_limits = nullptr;
    Stream::ClientStream::UpstreamFactory m_factory;
    QElapsedTimer m_clock;
    QHash<QString, QList<QPointer<EventStream>>> m_streams; ///< open event streams by session id
    std::unique_ptr<RestStore> m_store;
    std::vector<SessionSnapshot> m_stored;      ///< read by openStore(), taken up by restoreSessions()
    std::map<QString, SessionSnapshot> m_ended; ///< restored sessions that ended, until their client reads
    std::map<QString, qint64> m_endedAt;        ///< when each of m_ended ended (m_clock)
    bool m_saved = false;
    RestPush *m_push = nullptr;
};

} // namespace Switchboard::Rest
