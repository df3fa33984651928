// SPDX-License-Identifier: GPL-3.0-or-later
#include "bosh/boshendpoint.h"

#include "base/limits.h"
#include "base/nodeid.h"
#include "bosh/boshbody.h"
#include "http/httpserver.h"
#include "stream/linkupstream.h"
#include "stream/ownedstreams.h"
#include "stream/streamregistry.h"
#include "xmpp/resolver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMessageAuthenticationCode>
#include <QPointer>

Q_DECLARE_LOGGING_CATEGORY(lcBosh)

namespace Switchboard::Bosh {

namespace {

/// BOSH responses carry stanzas verbatim, and a GET `?data=` URL replays one: a stanza with an XHTML
/// `<script>` sent to a victim's session must never run as a document of the BOSH origin. So no type
/// sniffing, and a policy that loads nothing and sandboxes whatever is rendered.
void addContentSecurityHeaders(Http::Response &response)
{
    // One shared list: every BOSH answer carries it, and one without other headers takes it without
    // allocating.
    static const Http::HeaderList headers{
        {QByteArrayLiteral("X-Content-Type-Options"), QByteArrayLiteral("nosniff")},
        {QByteArrayLiteral("Content-Security-Policy"), QByteArrayLiteral("default-src 'none'; sandbox")}};
    if (response.headers.isEmpty())
        response.headers = headers;
    else
        response.headers.append(headers);
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
        if (m_exchange)
            m_exchange->onAborted(std::move(handler));
    }
    void abandon() override
    {
        if (m_exchange)
            m_exchange->abandon();
    }

private:
    QPointer<Http::Exchange> m_exchange;
    QByteArray m_callback;
};

QByteArray terminateBody(Condition condition, const QByteArray &inner = {})
{
    return buildBody({{QStringLiteral("type"), QStringLiteral("terminate")},
                      {QStringLiteral("condition"), conditionName(condition)}},
                     inner.isEmpty() ? QList<QByteArray>{} : QList<QByteArray>{inner});
}

} // namespace

BoshEndpoint::BoshEndpoint(const Config &config, Xmpp::Resolver *resolver, Monitor::Hub *hub,
                           Stream::StreamRegistry *registry, QObject *parent)
    : QObject(parent), m_config(config), m_resolver(resolver), m_hub(hub), m_registry(registry),
      m_sessions(new Stream::OwnedStreams(registry, kTickMs, this)), m_coalescer(new Coalescer(this))
{
    m_clock.start();
}

BoshEndpoint::~BoshEndpoint() = default;

int BoshEndpoint::sessionCount() const
{
    return m_sessions->count();
}

void BoshEndpoint::handle(Http::Exchange *exchange)
{
    const Http::Request &request = exchange->request();
    if (request.method == "POST") {
        const QPointer<Http::Exchange> guard(exchange);
        handleBody(request.body, exchange, {});
        // The body is parsed and the session has what it needs: a held request keeps none of it.
        if (guard)
            guard->releaseRequest();
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
    const QHostAddress peer = exchange->request().peerAddress;
    if (!session && m_foreignSessions && m_foreignSessions(sid, body, responder, peer))
        return;
    deliver(session, body, std::move(responder), peer);
}

void BoshEndpoint::handleRelayed(const Body &body, ResponderPtr responder, const QHostAddress &peer)
{
    deliver(findSession(body.attribute(QStringLiteral("sid"))), body, std::move(responder), peer);
}

void BoshEndpoint::deliver(BoshSession *session, const Body &body, ResponderPtr responder,
                           const QHostAddress &peer)
{
    if (!session || session->isFinished()) {
        // A sid naming another node came here because its own node is out of reach (the load balancer
        // sends a session's requests to the node its sid names, docs/SCALING.md): that session is lost
        // with its node, which XEP-0124 §17.2 calls remote-connection-failed, not a sid never issued.
        // A process without node_id is no node of such a fleet: it answers as it always did.
        const QString sid = body.attribute(QStringLiteral("sid"));
        if (m_hub && m_hub->wantsLint())
            Q_EMIT m_hub->requestForEndedSession(sid);
        // A session this side ended while this request was on its way: the same end (§17.2).
        if (m_ended) {
            if (const std::optional<EndedSessions::Answer> ended = m_ended->find(sid)) {
                responder->send(ended->status, ended->body);
                return;
            }
        }
        const QStringView node = NodeId::nodeOf(sid);
        const bool elsewhere = !m_config.nodeId.isEmpty() && !node.isEmpty() && node != m_config.nodeId;
        responder->send(
            200, terminateBody(elsewhere ? Condition::RemoteConnectionFailed : Condition::ItemNotFound));
        return;
    }
    for (const QByteArray &payload : std::as_const(body.payloads)) {
        if (payload.size() > m_config.maxStanzaSize) {
            // A stanza over the cap ends the session (XEP-0124 §17.2 policy-violation): forwarding part
            // of what the client meant would be worse.
            if (m_limits)
                m_limits->refused(Limits::Limit::MaxStanzaSize, peer);
            session->refuse(Condition::PolicyViolation, responder);
            return;
        }
    }
    session->handleRequest(body, std::move(responder));
}

void BoshEndpoint::createSession(const Body &body, Http::Exchange *exchange, const QByteArray &callback)
{
    auto responder = std::make_shared<HttpResponder>(exchange, callback);
    if (m_registry->isDraining()) {
        // Drain: new sessions go elsewhere (XEP-0124 §17.3 see-other-uri), or nowhere while stopping.
        const QString uri = m_registry->drainUri();
        if (uri.isEmpty())
            responder->send(200, terminateBody(Condition::SystemShutdown));
        else
            responder->send(200,
                            terminateBody(Condition::SeeOtherUri, "<uri>" + escapeAttribute(uri) + "</uri>"));
        return;
    }
    BoshSession::Context context;
    context.sid = newSid();
    context.clientAddress = exchange->request().peerAddress;
    context.userAgent = QString::fromUtf8(exchange->request().header("user-agent"));
    context.clientSecure = exchange->request().secure;
    context.resolver = m_resolver;
    context.limits = m_limits;
    context.coalescer = m_coalescer;
    context.ended = m_ended;
    auto factory = [this](BoshSession *session, const QString &stream) -> std::unique_ptr<Upstream> {
        return std::make_unique<Stream::LinkUpstream>(m_config, m_resolver, session, stream, m_registry,
                                                      m_hub);
    };
    auto *session = new BoshSession(
        m_config, context, factory, [this] { return m_clock.elapsed(); }, m_hub);
    m_sessions->adopt(session);
    session->create(body, std::move(responder));
}

BoshSession *BoshEndpoint::findSession(const QString &sid) const
{
    return qobject_cast<BoshSession *>(m_registry->find(sid));
}

QString BoshEndpoint::newSid() const
{
    // Unpredictable session ids from the system CSPRNG (XEP-0124 §7.1, §C), after this node's id.
    return NodeId::newSessionId(m_config.nodeId);
}

} // namespace Switchboard::Bosh
