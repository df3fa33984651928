// SPDX-License-Identifier: GPL-3.0-or-later
#include "rest/restendpoint.h"

#include "base/constanttime.h"
#include "base/limits.h"
#include "base/nodeid.h"
#include "http/httpserver.h"
#include "rest/eventstream.h"
#include "rest/restpush.h"
#include "rest/restrequest.h"
#include "rest/restsession.h"
#include "rest/reststore.h"
#include "stream/linkupstream.h"
#include "stream/ownedstreams.h"
#include "stream/streamregistry.h"
#include "xmpp/resolver.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QRandomGenerator>

namespace Switchboard::Rest {

namespace {

Http::Response json(int status, const QJsonObject &object)
{
    Http::Response response;
    response.status = status;
    response.contentType = QByteArrayLiteral("application/json");
    response.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    // Answers carry tokens and messages: never stored by a cache on the way (RFC 9111 §5.2.2.5).
    response.headers.append({QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store")});
    response.headers.append({QByteArrayLiteral("X-Content-Type-Options"), QByteArrayLiteral("nosniff")});
    return response;
}

/// An error answer: {"error": message, "field": name} (field only when one is at fault).
Http::Response error(int status, const QString &message, const QString &field = {})
{
    QJsonObject object{{QStringLiteral("error"), message}};
    if (!field.isEmpty())
        object.insert(QStringLiteral("field"), field);
    Http::Response response = json(status, object);
    // RFC 6750 §3: a missing or wrong bearer token says which scheme to use.
    if (status == 401)
        response.headers.append({QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer")});
    return response;
}

/// 503 with Retry-After (RFC 9110 §10.2.3) for a session whose server link is down.
Http::Response reconnecting(const RestSession *session, const QString &message)
{
    Http::Response response = error(503, message);
    response.headers.append({QByteArrayLiteral("Retry-After"), QByteArray::number(session->retryAfter())});
    return response;
}

/// The 503 for a send while the link is down and the hold is full.
Http::Response holdFull(const RestSession *session)
{
    return reconnecting(session,
                        QStringLiteral("the link to the XMPP server is down, and enough is held for it "
                                       "already"));
}

/// 204 No Content (RFC 9110 §15.3.5): done, nothing to say.
Http::Response noContent()
{
    Http::Response response;
    response.status = 204;
    response.contentType.clear();
    return response;
}

Http::Response error(const Refusal &refusal)
{
    return error(refusal.status, refusal.message, refusal.field);
}

Http::Response methodNotAllowed(QByteArrayView allow)
{
    Http::Response response = error(405, QStringLiteral("method not allowed"));
    response.headers.append({QByteArrayLiteral("Allow"), allow.toByteArray()});
    return response;
}

/// The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1; the scheme name is
/// case-insensitive, RFC 9110 §11.1); empty when there is none.
QByteArray bearerToken(const Http::Request &request)
{
    const QByteArray header = request.header("authorization").trimmed();
    const qsizetype space = header.indexOf(' ');
    if (space != 6 || header.left(6).toLower() != "bearer")
        return {};
    return header.mid(space + 1).trimmed();
}

/// 128 random bits from the system CSPRNG, base64url without padding (RFC 4648 §5).
QByteArray randomToken()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    return QByteArray(reinterpret_cast<const char *>(words), sizeof words)
        .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QString randomId()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(words), sizeof words).toHex());
}

/// An integer query parameter within [min, max]; absent: `fallback`.
bool intParameter(const Http::Request &request, const char *name, qint64 min, qint64 max, qint64 fallback,
                  qint64 *value, Http::Response *refusal)
{
    const QByteArray text = request.queryParameter(name);
    if (text.isNull()) {
        *value = fallback;
        return true;
    }
    bool ok = false;
    const qint64 parsed = text.toLongLong(&ok);
    if (!ok || parsed < min || parsed > max) {
        *refusal = error(400,
                         QStringLiteral("'%1' must be an integer from %2 to %3")
                             .arg(QLatin1String(name))
                             .arg(min)
                             .arg(max),
                         QLatin1String(name));
        return false;
    }
    *value = parsed;
    return true;
}

} // namespace

RestEndpoint::RestEndpoint(const Config &config, Xmpp::Resolver *resolver, Monitor::Hub *hub,
                           Stream::StreamRegistry *registry, QObject *parent)
    : QObject(parent), m_config(config), m_resolver(resolver), m_hub(hub), m_registry(registry),
      m_sessions(new Stream::OwnedStreams(registry, kTickMs, this)),
      m_push(new RestPush(config, resolver ? resolver->extraCaCertificates() : QList<QSslCertificate>(), hub,
                          this))
{
    m_clock.start();
}

bool RestEndpoint::start(QString *error)
{
    return m_push->loadKey(error);
}

RestEndpoint::~RestEndpoint() = default;

Stream::ClientStream::UpstreamFactory RestEndpoint::upstreamFactory() const
{
    if (m_factory)
        return m_factory;
    return [this](Stream::ClientStream *owner, const QString &stream) -> std::unique_ptr<Stream::Upstream> {
        return std::make_unique<Stream::LinkUpstream>(m_config, m_resolver, owner, stream, m_registry, m_hub);
    };
}

int RestEndpoint::sessionCount() const
{
    return m_sessions->count();
}

bool RestEndpoint::matches(const QByteArray &path) const
{
    QByteArray base = m_config.restPath.toUtf8();
    while (base.size() > 1 && base.endsWith('/'))
        base.chop(1);
    return path == base || path.startsWith(QByteArray(base + '/'));
}

void RestEndpoint::handle(Http::Exchange *exchange)
{
    const Http::Request &request = exchange->request();
    QByteArray base = m_config.restPath.toUtf8();
    while (base.size() > 1 && base.endsWith('/'))
        base.chop(1);
    const QList<QByteArray> parts = request.path.mid(base.size()).split('/');
    // parts[0] is the empty text before the first '/'.
    const qsizetype n = parts.size();
    if (n == 2 && parts[1] == "openapi.json") {
        if (request.method != "GET" && request.method != "HEAD") {
            exchange->respond(methodNotAllowed("GET, HEAD"));
            return;
        }
        QFile file(QStringLiteral(":/switchboard/openapi.json"));
        Http::Response response;
        response.contentType = QByteArrayLiteral("application/json");
        response.body = file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        exchange->respond(std::move(response));
        return;
    }
    if (n == 2 && parts[1] == "vapid") {
        if (request.method != "GET" && request.method != "HEAD") {
            exchange->respond(methodNotAllowed("GET, HEAD"));
            return;
        }
        vapid(exchange);
        return;
    }
    if (n < 2 || parts[1] != "sessions" || n > 4) {
        exchange->respond(error(404, QStringLiteral("no such resource")));
        return;
    }
    if (n == 2) {
        if (request.method != "POST") {
            exchange->respond(methodNotAllowed("POST"));
            return;
        }
        createSession(exchange);
        return;
    }
    const QString id = QString::fromLatin1(parts[2]);
    const QByteArray action = n == 4 ? parts[3] : QByteArray();
    static const QList<QByteArray> actions = {"",       "messages", "stanzas",       "events",
                                              "roster", "presence", "subscriptions", "push"};
    if (!actions.contains(action)) {
        exchange->respond(error(404, QStringLiteral("no such resource")));
        return;
    }
    const QByteArray allowed = action.isEmpty()                           ? "DELETE"
                               : action == "events" || action == "roster" ? "GET"
                               : action == "presence"                     ? "PUT"
                               : action == "push"                         ? "PUT, DELETE"
                                                                          : "POST";
    if (action == "push" ? request.method != "PUT" && request.method != "DELETE"
                         : request.method != allowed) {
        exchange->respond(methodNotAllowed(allowed));
        return;
    }
    pruneEnded();
    if (m_ended.count(id) != 0) {
        endedSession(id, action, exchange);
        return;
    }
    RestSession *session = authorize(id, exchange);
    if (!session)
        return;
    if (!session->isReady() && !session->isReconnecting() &&
        (action == "messages" || action == "stanzas" || action == "presence" || action == "subscriptions")) {
        // A restored session logging in again: its events can be read, nothing sent yet.
        Http::Response response = error(503, QStringLiteral("the session is logging in again"));
        response.headers.append({QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1")});
        exchange->respond(std::move(response));
        return;
    }
    if (action.isEmpty())
        deleteSession(session, exchange);
    else if (action == "messages")
        sendMessage(session, exchange);
    else if (action == "stanzas")
        sendStanza(session, exchange);
    else if (action == "push")
        setPush(session, exchange);
    else if (action == "roster")
        roster(session, exchange);
    else if (action == "presence")
        presence(session, exchange);
    else if (action == "subscriptions")
        subscription(session, exchange);
    else if (request.header("accept").toLower().contains("text/event-stream"))
        eventStream(session, exchange);
    else
        events(session, exchange);
}

RestSession *RestEndpoint::authorize(const QString &id, Http::Exchange *exchange)
{
    const QByteArray token = bearerToken(exchange->request());
    if (token.isEmpty()) {
        exchange->respond(error(401, QStringLiteral("an Authorization: Bearer token is needed")));
        return nullptr;
    }
    auto *session = qobject_cast<RestSession *>(m_registry->find(id));
    if (!session || session->isFinished() || !(session->isLoggedIn() || session->isRestored())) {
        exchange->respond(error(404, QStringLiteral("no such session")));
        return nullptr;
    }
    if (!session->tokenMatches(token)) {
        exchange->respond(error(401, QStringLiteral("wrong token for this session")));
        return nullptr;
    }
    return session;
}

void RestEndpoint::createSession(Http::Exchange *exchange)
{
    const Http::Request &request = exchange->request();
    Refusal refusal;
    std::optional<RestSession::Login> login = parseLogin(request.body, &refusal);
    if (!login) {
        exchange->respond(error(refusal));
        return;
    }
    const QString domain = login->jid.mid(login->jid.indexOf(QLatin1Char('@')) + 1).toLower();
    if (m_resolver && !m_resolver->domainAllowed(domain)) {
        exchange->respond(
            error(400, QStringLiteral("this server does not serve %1").arg(domain), QStringLiteral("jid")));
        return;
    }
    if (m_registry->isDraining()) {
        exchange->respond(error(503, QStringLiteral("this server takes no new sessions now")));
        return;
    }
    // A push target is judged (its host resolved) before logging in: a refused one costs no login.
    const QJsonValue push = QJsonDocument::fromJson(request.body).object().value(QStringLiteral("push"));
    if (push.isUndefined() || push.isNull()) {
        openSession(exchange, std::move(*login), std::nullopt);
        return;
    }
    m_push->check(push, exchange,
                  [this, exchange, login = *login](const std::optional<Push::PushTarget> &target,
                                                   const QString &problem) {
                      if (!target)
                          exchange->respond(error(400, problem, QStringLiteral("push")));
                      else
                          openSession(exchange, login, target);
                  });
}

void RestEndpoint::openSession(Http::Exchange *exchange, RestSession::Login login,
                               std::optional<Push::PushTarget> push)
{
    const Http::Request &request = exchange->request();
    if (m_registry->isDraining()) {
        exchange->respond(error(503, QStringLiteral("this server takes no new sessions now")));
        return;
    }
    Stream::ClientStream::Client client;
    // The node first, as in BOSH and WebSocket ids, so a balancer can route the session's calls by path.
    client.id = NodeId::newSessionId(m_config.nodeId, u"rest-");
    client.transport = Monitor::Transport::Rest;
    client.address = request.peerAddress;
    client.userAgent = QString::fromUtf8(request.header("user-agent"));
    client.secure = request.secure;
    Stream::ClientStream::UpstreamFactory factory = upstreamFactory();
    // rest_max_sessions_per_account and rest_max_sessions_per_ip, on top of the limits every session
    // passes (RestSession::start()); given back when the session finishes.
    const QString account = login.jid.toLower();
    if (m_limits) {
        if (const std::optional<Limits::Limit> limit =
                m_limits->tryOpenRestSession(client.address, account)) {
            const QString who = *limit == Limits::Limit::RestMaxSessionsPerAccount
                                    ? QStringLiteral("account")
                                    : QStringLiteral("address");
            exchange->respond(error(429, QStringLiteral("too many REST sessions for this %1 (refused by %2)")
                                             .arg(who, Limits::key(*limit))));
            return;
        }
    }
    auto *session = new RestSession(
        m_config, client, std::move(login), std::move(factory), [this] { return m_clock.elapsed(); }, m_hub,
        m_limits);
    if (m_limits) {
        connect(session, &Stream::ClientStream::finished, this,
                [limits = m_limits, address = client.address, account] {
                    limits->closeRestSession(address, account);
                });
    }
    session->setToken(randomToken());
    m_sessions->adopt(session);
    m_push->watch(session);
    QPointer<Http::Exchange> pending(exchange);
    connect(session, &RestSession::loggedIn, exchange, [this, session, pending, push](const QString &jid) {
        if (push)
            m_push->setTarget(session->id(), *push);
        const QJsonObject answer{{QStringLiteral("id"), session->id()},
                                 {QStringLiteral("token"), QString::fromLatin1(session->token())},
                                 {QStringLiteral("jid"), jid}};
        Http::Response response = json(201, answer);
        // Nobody learns the token of a session whose creator went away: end it rather than keep it.
        if (!pending || !pending->respond(std::move(response)))
            session->logout();
    });
    connect(session, &RestSession::loginFailed, exchange,
            [pending](RestSession::LoginError failure, const QString &reason) {
                if (!pending)
                    return;
                switch (failure) {
                case RestSession::LoginError::NotAuthorized:
                    pending->respond(error(401, QStringLiteral("the server refused the credentials")));
                    return;
                case RestSession::LoginError::Unreachable:
                    pending->respond(
                        error(502, QStringLiteral("the XMPP server cannot be reached: ") + reason));
                    return;
                case RestSession::LoginError::Failed:
                    pending->respond(error(502, QStringLiteral("login failed: ") + reason));
                    return;
                }
            });
    // The creator went away during the login: nobody will ever learn the token.
    connect(exchange, &Http::Exchange::aborted, session, [session] { session->logout(); });
    if (const std::optional<Limits::Limit> limit = session->start()) {
        // Over max_sessions the server is full (503); the per-address limits are this client's (429).
        const int status = *limit == Limits::Limit::MaxSessions ? 503 : 429;
        exchange->respond(error(status, QStringLiteral("refused by %1").arg(Limits::key(*limit))));
    }
}

void RestEndpoint::deleteSession(RestSession *session, Http::Exchange *exchange)
{
    session->logout();
    exchange->respond(noContent());
}

void RestEndpoint::sendMessage(RestSession *session, Http::Exchange *exchange)
{
    Refusal refusal;
    const std::optional<OutgoingMessage> message =
        parseMessage(exchange->request().body, &randomId, &refusal);
    if (!message) {
        exchange->respond(error(refusal));
        return;
    }
    if (message->xml.size() > m_config.maxStanzaSize) {
        if (m_limits)
            m_limits->refused(Limits::Limit::MaxStanzaSize, exchange->request().peerAddress);
        exchange->respond(
            error(413, QStringLiteral("the message is larger than max_stanza_size"), QStringLiteral("body")));
        return;
    }
    if (!session->send(message->xml)) {
        exchange->respond(holdFull(session));
        return;
    }
    exchange->respond(json(202, QJsonObject{{QStringLiteral("id"), message->id}}));
}

void RestEndpoint::sendStanza(RestSession *session, Http::Exchange *exchange)
{
    const Http::Request &request = exchange->request();
    const QByteArray contentType = request.header("content-type").split(';').first().trimmed().toLower();
    if (contentType != "application/xmpp+xml") {
        exchange->respond(error(415, QStringLiteral("the body must be application/xmpp+xml")));
        return;
    }
    if (request.body.size() > m_config.maxStanzaSize) {
        if (m_limits)
            m_limits->refused(Limits::Limit::MaxStanzaSize, request.peerAddress);
        exchange->respond(error(413, QStringLiteral("the stanza is larger than max_stanza_size")));
        return;
    }
    qint64 timeout = 0;
    Http::Response refusal;
    if (!intParameter(request, "timeout", 1, kMaxIqTimeout, kDefaultIqTimeout, &timeout, &refusal)) {
        exchange->respond(std::move(refusal));
        return;
    }
    Refusal problem;
    const std::optional<CheckedStanza> stanza = checkStanza(request.body, m_config.maxXmlDepth, &problem);
    if (!stanza) {
        exchange->respond(error(problem));
        return;
    }
    const bool isRequest = stanza->name == QLatin1String("iq") &&
                           (stanza->type == QLatin1String("get") || stanza->type == QLatin1String("set"));
    if (!session->canSend()) {
        exchange->respond(holdFull(session));
        return;
    }
    if (!isRequest) {
        session->send(stanza->xml);
        Http::Response response;
        response.status = 202;
        response.contentType.clear();
        exchange->respond(std::move(response));
        return;
    }
    // RFC 6120 §8.1.3: an IQ request needs an id, which its reply carries back.
    if (stanza->id.isEmpty()) {
        exchange->respond(
            error(400, QStringLiteral("an <iq/> of type get or set needs an id"), QStringLiteral("id")));
        return;
    }
    QPointer<Http::Exchange> pending(exchange);
    QPointer<RestSession> owner(session);
    const bool sent = session->sendIq(
        stanza->xml, stanza->id, timeout * 1000, [pending, owner](const std::optional<QByteArray> &reply) {
            if (!pending)
                return;
            if (!reply && owner && owner->isReconnecting() && !owner->isIqDeadline()) {
                // The server session that would have answered is gone with its link: the IQ may or may
                // not have been handled.
                pending->respond(reconnecting(owner, QStringLiteral("the link to the XMPP server dropped "
                                                                    "before the reply came")));
                return;
            }
            if (!reply) {
                pending->respond(error(504, QStringLiteral("no reply in time")));
                return;
            }
            Http::Response response;
            response.contentType = QByteArrayLiteral("application/xmpp+xml");
            response.body = *reply;
            pending->respond(std::move(response));
        });
    if (!sent)
        exchange->respond(error(409, QStringLiteral("an <iq/> with this id is already waiting for its reply"),
                                QStringLiteral("id")));
}

void RestEndpoint::events(RestSession *session, Http::Exchange *exchange)
{
    const Http::Request &request = exchange->request();
    qint64 after = 0, wait = 0, limit = 0;
    Http::Response refusal;
    if (!intParameter(request, "after", 0, std::numeric_limits<qint64>::max(), 0, &after, &refusal) ||
        !intParameter(request, "wait", 0, 3600, 0, &wait, &refusal) ||
        !intParameter(request, "limit", 1, kMaxLimit, kDefaultLimit, &limit, &refusal)) {
        exchange->respond(std::move(refusal));
        return;
    }
    // The client reads its events: nothing to push for what it has (docs/PUSH.md).
    m_push->acknowledge(session->id());
    QPointer<Http::Exchange> pending(exchange);
    QPointer<RestSession> polled(session);
    // A longer wait than RestSession::kMaxWaitSeconds is cut to it (the answer is then empty).
    session->pollEvents(after, int(limit), wait * 1000, [pending, polled](const RestSession::Poll &poll) {
        if (!pending)
            return;
        pending->respond(json(200, QJsonObject{{QStringLiteral("events"), poll.events},
                                               {QStringLiteral("next"), poll.next},
                                               {QStringLiteral("refused"), poll.refused},
                                               {QStringLiteral("expired"), polled ? polled->expired() : 0}}));
    });
}

void RestEndpoint::eventStream(RestSession *session, Http::Exchange *exchange)
{
    const Http::Request &request = exchange->request();
    qint64 after = 0;
    Http::Response refusal;
    if (!intParameter(request, "after", 0, std::numeric_limits<qint64>::max(), 0, &after, &refusal)) {
        exchange->respond(std::move(refusal));
        return;
    }
    // HTML Living Standard, server-sent events: a reconnecting EventSource names the last id it got.
    // It wins over `after`; either acknowledges what it names. With neither, the stream starts with
    // the oldest unacknowledged event.
    if (request.hasHeader("last-event-id")) {
        bool ok = false;
        const qint64 last = request.header("last-event-id").trimmed().toLongLong(&ok);
        if (!ok || last < 0) {
            exchange->respond(error(400, QStringLiteral("'Last-Event-ID' must be an event's seq"),
                                    QStringLiteral("Last-Event-ID")));
            return;
        }
        after = last;
    }
    // An id beyond the newest event must not make the stream skip the events still to come.
    after = qMin(after, session->lastSeq());
    session->acknowledge(after);
    // The client reads its events: nothing to push for what it has (docs/PUSH.md).
    m_push->acknowledge(session->id());
    session->touch();
    // A stream ends itself after half a queue of events, so its client acknowledges them by
    // reconnecting before the queue can fill (EventStream).
    EventStream *stream = EventStream::start(session, exchange, after, m_config.restSseKeepAlive * 1000,
                                             qMax(1, m_config.restMaxQueue / 2));
    if (!stream)
        return;
    // Bounded like waiting polls: a new stream beyond kMaxStreamsPerSession ends the oldest (one a
    // client lost without the connection's end being noticed yet, most likely).
    const QString id = session->id();
    if (!m_streams.contains(id))
        connect(session, &Stream::ClientStream::finished, this, [this, id] { m_streams.remove(id); });
    QList<QPointer<EventStream>> &streams = m_streams[id];
    streams.removeIf([](const QPointer<EventStream> &s) { return s.isNull(); });
    streams.append(stream);
    while (streams.size() > kMaxStreamsPerSession) {
        const QPointer<EventStream> oldest = streams.takeFirst();
        if (oldest)
            oldest->end();
    }
}

void RestEndpoint::roster(RestSession *session, Http::Exchange *exchange)
{
    session->touch();
    exchange->respond(json(200, session->roster().toJson()));
}

void RestEndpoint::presence(RestSession *session, Http::Exchange *exchange)
{
    Refusal refusal;
    const std::optional<QJsonObject> presence = parsePresence(exchange->request().body, &refusal);
    if (!presence) {
        exchange->respond(error(refusal));
        return;
    }
    if (!session->canSend()) {
        exchange->respond(holdFull(session));
        return;
    }
    if (!session->sendPresence(*presence)) {
        exchange->respond(holdFull(session));
        return;
    }
    exchange->respond(noContent());
}

void RestEndpoint::subscription(RestSession *session, Http::Exchange *exchange)
{
    Refusal refusal;
    const std::optional<QByteArray> stanza = parseSubscription(exchange->request().body, &refusal);
    if (!stanza) {
        exchange->respond(error(refusal));
        return;
    }
    if (!session->canSend()) {
        exchange->respond(holdFull(session));
        return;
    }
    session->send(*stanza);
    exchange->respond(noContent());
}

void RestEndpoint::endedSession(const QString &id, const QByteArray &action, Http::Exchange *exchange)
{
    const auto it = m_ended.find(id);
    const QByteArray token = bearerToken(exchange->request());
    if (token.isEmpty()) {
        exchange->respond(error(401, QStringLiteral("an Authorization: Bearer token is needed")));
        return;
    }
    if (!constantTimeEquals(SessionSnapshot::tokenHashOf(token), it->second.tokenHash)) {
        exchange->respond(error(401, QStringLiteral("wrong token for this session")));
        return;
    }
    if (action.isEmpty()) {
        forgetEnded(id);
        exchange->respond(noContent());
        return;
    }
    if (action != "events") {
        exchange->respond(error(404, QStringLiteral("no such session")));
        return;
    }
    qint64 after = 0, wait = 0, limit = 0;
    Http::Response refusal;
    if (!intParameter(exchange->request(), "after", 0, std::numeric_limits<qint64>::max(), 0, &after,
                      &refusal) ||
        !intParameter(exchange->request(), "wait", 0, 3600, 0, &wait, &refusal) ||
        !intParameter(exchange->request(), "limit", 1, kMaxLimit, kDefaultLimit, &limit, &refusal)) {
        exchange->respond(std::move(refusal));
        return;
    }
    // Nothing more will come: what is left is answered at once, and once the final "session" event has
    // been given, the session is gone.
    const SessionSnapshot &ended = it->second;
    QJsonArray events;
    qint64 next = qMin(after, ended.nextSeq - 1);
    bool last = false;
    for (const Event &event : ended.events) {
        if (event.seq <= after)
            continue;
        if (events.size() >= limit)
            break;
        events.append(event.toJson());
        next = event.seq;
        last = &event == &ended.events.back(); // the final "closed" event
    }
    const qint64 refused = ended.refused;
    if (last || ended.events.empty() || ended.events.back().seq <= after)
        forgetEnded(id);
    exchange->respond(json(200, QJsonObject{{QStringLiteral("events"), events},
                                            {QStringLiteral("next"), next},
                                            {QStringLiteral("refused"), refused}}));
}

void RestEndpoint::setPush(RestSession *session, Http::Exchange *exchange)
{
    session->touch();
    if (exchange->request().method == "DELETE") {
        m_push->removeTarget(session->id());
        exchange->respond(noContent());
        return;
    }
    Refusal refusal;
    const std::optional<QJsonObject> body = parseJsonObject(exchange->request().body, &refusal);
    if (!body) {
        exchange->respond(error(refusal));
        return;
    }
    QPointer<RestSession> target(session);
    m_push->check(
        *body, exchange,
        [this, exchange, target](const std::optional<Push::PushTarget> &push, const QString &problem) {
            if (!push) {
                exchange->respond(error(400, problem, QStringLiteral("push")));
            } else if (!target || target->isFinished()) {
                exchange->respond(error(404, QStringLiteral("no such session")));
            } else {
                m_push->setTarget(target->id(), *push);
                exchange->respond(noContent());
            }
        });
}

void RestEndpoint::vapid(Http::Exchange *exchange)
{
    const QByteArray key = m_push->publicKey();
    if (key.isEmpty()) {
        exchange->respond(error(503, QStringLiteral("Web Push is not available: no VAPID key")));
        return;
    }
    // The key changes only with vapid_key_file: caches may keep it a while (RFC 9111 §5.2.2.1).
    Http::Response response;
    response.contentType = QByteArrayLiteral("application/json");
    response.body = QJsonDocument(QJsonObject{{QStringLiteral("publicKey"), QString::fromLatin1(key)}})
                        .toJson(QJsonDocument::Compact);
    response.headers.append({QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("max-age=3600")});
    exchange->respond(std::move(response));
}

} // namespace Switchboard::Rest
