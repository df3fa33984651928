// SPDX-License-Identifier: GPL-3.0-or-later
#include "bosh/boshendpoint.h"

#include "base/constanttime.h"
#include "base/limits.h"
#include "bosh/boshbody.h"
#include "http/httpserver.h"
#include "xmpp/resolver.h"
#include "xmpp/serverlink.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMessageAuthenticationCode>
#include <QPointer>
#include <QRandomGenerator>

Q_DECLARE_LOGGING_CATEGORY(lcBosh)

namespace Switchboard::Bosh {

namespace {

/// BOSH responses carry stanzas verbatim, and a GET `?data=` URL replays one: a stanza with an XHTML
/// `<script>` sent to a victim's session must never run as a document of the BOSH origin. So no type
/// sniffing, and a policy that loads nothing and sandboxes whatever is rendered.
void addContentSecurityHeaders(Http::Response &response)
{
    response.headers.append({QByteArrayLiteral("X-Content-Type-Options"), QByteArrayLiteral("nosniff")});
    response.headers.append(
        {QByteArrayLiteral("Content-Security-Policy"), QByteArrayLiteral("default-src 'none'; sandbox")});
}

/// Answers one HTTP exchange, as XML or, for GET with `callback=`, as JSONP.
class HttpResponder final : public Responder
{
public:
    HttpResponder(Http::Exchange *exchange, QByteArray callback)
        : m_exchange(exchange), m_callback(std::move(callback))
    {}
    bool send(int httpStatus, const QByteArray &body) override
    {
        if (!m_exchange || m_exchange->isAnswered() || m_exchange->isAborted())
            return false;
        Http::Response response;
        response.status = httpStatus;
        if (m_callback.isEmpty()) {
            response.body = body;
        } else {
            // JSONP: the script must run, so the status stays 200 and the body is a call.
            const QJsonObject reply{{QStringLiteral("reply"), QString::fromUtf8(body)}};
            response.status = 200;
            response.contentType = QByteArrayLiteral("application/javascript; charset=utf-8");
            response.body = m_callback + '(' + QJsonDocument(reply).toJson(QJsonDocument::Compact) + ");";
        }
        if (response.body.isEmpty() && httpStatus != 200)
            response.contentType = QByteArrayLiteral("text/plain; charset=utf-8");
        addContentSecurityHeaders(response);
        // False when the client went away: the session keeps the payloads for a resend or bounces them.
        return m_exchange->respond(std::move(response));
    }
    bool isAlive() const override
    {
        return m_exchange && !m_exchange->isAnswered() && !m_exchange->isAborted();
    }
    void onGone(std::function<void()> handler) override
    {
        if (!m_exchange)
            return;
        QObject::disconnect(m_goneConnection);
        m_goneConnection =
            QObject::connect(m_exchange, &Http::Exchange::aborted, m_exchange, std::move(handler));
    }

private:
    QPointer<Http::Exchange> m_exchange;
    QByteArray m_callback;
    QMetaObject::Connection m_goneConnection;
};

/// The real upstream: one ServerLink per stream, its signals fed into the session.
class LinkUpstream final : public Upstream
{
public:
    LinkUpstream(const Config &config, Xmpp::Resolver *resolver, BoshSession *session, const QString &stream,
                 QObject *graveyard, Monitor::Hub *hub)
        : m_link(new Xmpp::ServerLink(config, resolver, session)), m_graveyard(graveyard), m_hub(hub),
          m_sid(session->sid()), m_stream(stream)
    {
        QObject::connect(
            m_link, &Xmpp::ServerLink::streamOpened, session,
            [session, stream](const Xmpp::StreamHeader &header) { session->upstreamOpened(stream, header); });
        QObject::connect(m_link, &Xmpp::ServerLink::elementReceived, session,
                         [session, stream](const QByteArray &xml) { session->upstreamElement(stream, xml); });
        QObject::connect(m_link, &Xmpp::ServerLink::streamClosed, session,
                         [session, stream] { session->upstreamClosed(stream); });
        QObject::connect(
            m_link, &Xmpp::ServerLink::failed, session,
            [session, stream](Xmpp::LinkFailure failure, const QByteArray &xml, const QString &) {
                session->upstreamFailed(stream, failure, xml);
            });
    }
    ~LinkUpstream() override
    {
        if (m_link) {
            m_link->disconnect();
            m_link->deleteLater();
        }
    }
    void open(const OpenParams &params) override
    {
        Xmpp::ServerLink::Params p;
        p.domain = params.domain;
        p.lang = params.lang;
        p.from = params.from;
        p.route = params.route;
        m_link->open(p);
    }
    void restart(const QString &lang) override { m_link->restart(lang); }
    void send(const QByteArray &xml) override { m_link->send(xml); }
    void close() override
    {
        if (!m_link)
            return;
        // The link finishes on its own while the session goes away: it moves to the endpoint, which
        // outlives it, bounces what the server still sends before it sees our close (XEP-0206 §7), closes the
        // stream and deletes itself.
        QPointer<Monitor::Hub> hub = m_hub;
        m_link->retire(m_graveyard, [hub, sid = m_sid, stream = m_stream](const QByteArray &xml) {
            if (hub)
                Q_EMIT hub->noClient(sid, stream, xml);
        });
        m_link = nullptr;
    }
    bool isEncrypted() const override { return m_link && m_link->isEncrypted(); }
    QString peer() const override { return m_link ? m_link->peerDescription() : QString(); }

private:
    QPointer<Xmpp::ServerLink> m_link;
    QObject *m_graveyard = nullptr;
    Monitor::Hub *m_hub = nullptr;
    QString m_sid;
    QString m_stream;
};

QByteArray terminateBody(Condition condition, const QByteArray &inner = {})
{
    return buildBody({{QStringLiteral("type"), QStringLiteral("terminate")},
                      {QStringLiteral("condition"), conditionName(condition)}},
                     inner.isEmpty() ? QList<QByteArray>{} : QList<QByteArray>{inner});
}

} // namespace

BoshEndpoint::BoshEndpoint(const Config &config, Xmpp::Resolver *resolver, Monitor::Hub *hub, QObject *parent)
    : QObject(parent), m_config(config), m_resolver(resolver), m_hub(hub)
{
    m_clock.start();
    m_sidSecret.resize(32);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(m_sidSecret.data()),
                                          m_sidSecret.size() / qsizetype(sizeof(quint32)));
    m_timer.setInterval(kTickMs);
    connect(&m_timer, &QTimer::timeout, this, &BoshEndpoint::tick);
}

BoshEndpoint::~BoshEndpoint()
{
    const auto sessions = m_sessions;
    m_sessions.clear();
    for (BoshSession *session : sessions) {
        session->disconnect(this);
        delete session;
    }
}

void BoshEndpoint::handle(Http::Exchange *exchange)
{
    const Http::Request &request = exchange->request();
    if (request.method == "POST") {
        handleBody(request.body, exchange, {});
        return;
    }
    if ((request.method == "GET" || request.method == "HEAD") && m_config.boshGetEnabled()) {
        const QByteArray data = request.queryParameter("data");
        if (!data.isNull()) {
            // XEP-0252 (GET): the body travels url-encoded in `data`, the answer optionally as JSONP.
            QByteArray callback = request.queryParameter("callback");
            const bool safeName = std::all_of(callback.cbegin(), callback.cend(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || c == '.';
            });
            if (!safeName || callback.size() > 128) {
                Http::Response refusal = Http::Response::error(400, "bad callback name");
                addContentSecurityHeaders(refusal);
                exchange->respond(std::move(refusal));
                return;
            }
            handleBody(data, exchange, callback);
            return;
        }
        Http::Response response;
        response.contentType = QByteArrayLiteral("text/html; charset=utf-8");
        response.body = QByteArrayLiteral(
            "<!DOCTYPE html><html><head><title>Switchboard BOSH</title></head><body>"
            "<h1>Switchboard</h1><p>This is an XMPP over BOSH endpoint (XEP-0124, XEP-0206). "
            "Point your XMPP client's BOSH URL here.</p></body></html>");
        addContentSecurityHeaders(response);
        exchange->respond(std::move(response));
        return;
    }
    // RFC 9110 §15.5.6: 405 names the methods that are allowed (bosh_get off: POST only).
    Http::Response response = Http::Response::error(405);
    response.headers.append({QByteArrayLiteral("Allow"), m_config.boshGetEnabled()
                                                             ? QByteArrayLiteral("GET, POST, OPTIONS")
                                                             : QByteArrayLiteral("POST, OPTIONS")});
    addContentSecurityHeaders(response);
    exchange->respond(std::move(response));
}

void BoshEndpoint::handleBody(const QByteArray &data, Http::Exchange *exchange, const QByteArray &callback)
{
    Body body;
    QString error;
    auto responder = std::make_shared<HttpResponder>(exchange, callback);
    if (!parseBody(data, &body, &error, m_config.maxXmlDepth)) {
        // Not one well-formed httpbind <body/> (XEP-0124: one wrapper, no DTD, no character data). Without a
        // session to look at, the legacy form (HTTP 400) is the one every client understands; the body says
        // the same for newer clients.
        qCDebug(lcBosh) << "bad request body:" << error;
        if (m_limits && error.startsWith(QLatin1String("nesting deeper")))
            m_limits->refused(Limits::Limit::MaxXmlDepth, exchange->request().peerAddress);
        responder->send(400, terminateBody(Condition::BadRequest));
        return;
    }
    const QString sid = body.attribute(QStringLiteral("sid"));
    if (sid.isEmpty()) {
        createSession(body, exchange, callback);
        return;
    }
    BoshSession *session = findSession(sid);
    if (!session || session->isFinished()) {
        responder->send(200, terminateBody(Condition::ItemNotFound));
        return;
    }
    for (const QByteArray &payload : std::as_const(body.payloads)) {
        if (payload.size() > m_config.maxStanzaSize) {
            // A stanza over the cap ends the session (XEP-0124 §17.2 policy-violation): forwarding part
            // of what the client meant would be worse.
            if (m_limits)
                m_limits->refused(Limits::Limit::MaxStanzaSize, exchange->request().peerAddress);
            session->terminate(Condition::PolicyViolation);
            responder->send(200, terminateBody(Condition::PolicyViolation));
            return;
        }
    }
    session->handleRequest(body, std::move(responder));
}

void BoshEndpoint::createSession(const Body &body, Http::Exchange *exchange, const QByteArray &callback)
{
    auto responder = std::make_shared<HttpResponder>(exchange, callback);
    if (m_draining) {
        // Drain: new sessions go elsewhere (XEP-0124 §17.3 see-other-uri), or nowhere while stopping.
        if (m_drainUri.isEmpty())
            responder->send(200, terminateBody(Condition::SystemShutdown));
        else
            responder->send(
                200, terminateBody(Condition::SeeOtherUri, "<uri>" + escapeAttribute(m_drainUri) + "</uri>"));
        return;
    }
    const QHostAddress peer = exchange->request().peerAddress;
    if (m_limits) {
        if (const std::optional<Limits::Limit> limit = m_limits->tryOpenSession(peer)) {
            // 503 when the server is full, 429 (RFC 6585) when this client has its share; the body
            // carries the BOSH condition for clients that read it.
            responder->send(*limit == Limits::Limit::MaxSessions ? 503 : 429,
                            terminateBody(Condition::PolicyViolation));
            return;
        }
    } else if (m_sessions.size() >= m_config.maxSessions) {
        responder->send(503, terminateBody(Condition::PolicyViolation));
        return;
    }
    BoshSession::Context context;
    context.sid = newSid();
    context.clientAddress = exchange->request().peerAddress;
    context.userAgent = QString::fromUtf8(exchange->request().header("user-agent"));
    context.clientSecure = exchange->request().secure;
    context.resolver = m_resolver;
    auto factory = [this](BoshSession *session, const QString &stream) -> std::unique_ptr<Upstream> {
        return std::make_unique<LinkUpstream>(m_config, m_resolver, session, stream, this, m_hub);
    };
    auto *session = new BoshSession(
        m_config, context, factory, [this] { return m_clock.elapsed(); }, m_hub, this);
    m_sessions.insert(sidKey(context.sid), session);
    connect(session, &BoshSession::finished, this, [this, peer](const QString &sid) {
        // Deleted later: finished() may fire deep inside the session's own call stack.
        if (BoshSession *done = m_sessions.take(sidKey(sid))) {
            done->deleteLater();
            if (m_limits)
                m_limits->closeSession(peer);
        }
        if (m_sessions.isEmpty())
            m_timer.stop();
    });
    if (!m_timer.isActive())
        m_timer.start();
    session->create(body, std::move(responder));
}

void BoshEndpoint::tick()
{
    // Sessions may finish (and leave the hash) while we go through them.
    const auto sessions = m_sessions.values();
    for (BoshSession *session : sessions) {
        if (!session->isFinished())
            session->checkTimers();
    }
}

void BoshEndpoint::terminateAll(Condition condition, const QString &text)
{
    const auto sessions = m_sessions.values();
    for (BoshSession *session : sessions)
        session->terminate(condition, text);
}

void BoshEndpoint::setDraining(bool draining, const QString &uri)
{
    m_draining = draining;
    m_drainUri = uri;
}

QByteArray BoshEndpoint::sidKey(QStringView sid) const
{
    return QMessageAuthenticationCode::hash(sid.toUtf8(), m_sidSecret, QCryptographicHash::Sha256);
}

BoshSession *BoshEndpoint::findSession(const QString &sid) const
{
    BoshSession *session = m_sessions.value(sidKey(sid));
    if (!session || !constantTimeEquals(session->sid().toLatin1(), sid.toLatin1()))
        return nullptr;
    return session;
}

bool BoshEndpoint::terminateSession(const QString &sid, Condition condition)
{
    BoshSession *session = findSession(sid);
    if (!session)
        return false;
    session->terminate(condition);
    return true;
}

bool BoshEndpoint::injectStanza(const QString &sid, Monitor::Direction direction, const QByteArray &xml)
{
    BoshSession *session = findSession(sid);
    return session && session->inject(direction, xml);
}

QString BoshEndpoint::newSid() const
{
    // Unpredictable session ids from the system CSPRNG (XEP-0124 §7.1, §C).
    quint64 words[2];
    QRandomGenerator::system()->fillRange(words);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(words), sizeof words).toHex());
}

} // namespace Switchboard::Bosh
