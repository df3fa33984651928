// SPDX-License-Identifier: GPL-3.0-or-later
#include "server.h"

#include "base/heaptrimmer.h"
#include "base/limits.h"
#include "base/plainsocket.h"
#include "bosh/boshendpoint.h"
#include "http/httpserver.h"
#include "monitor/registry.h"
#include "monitor/statuspage.h"
#include "monitor/trafficrecorder.h"
#include "rest/restendpoint.h"
#include "stream/clientstream.h"
#include "stream/streamregistry.h"
#include "websocket/framing.h"
#include "websocket/websocketfront.h"
#include "xmpp/expatpool.h"
#include "xmpp/resolver.h"
#include "xmpp/serverlink.h"
#include "xmpp/singlestanza.h"
#include "xmpp/xmlescape.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <QLoggingCategory>

#include <algorithm>

Q_LOGGING_CATEGORY(lcServer, "switchboard.server", QtInfoMsg)

namespace Switchboard {

struct Server::Private
{
    Config config;
    QByteArray boshPath; ///< config.path in UTF-8 without its final '/' (isBoshPath(), every request)
    Monitor::Hub hub;
    // Declared after the hub, so destroyed before it; they only listen to it.
    std::unique_ptr<Monitor::Registry> registry;
    std::unique_ptr<Monitor::TrafficRecorder> traffic;
    std::unique_ptr<Monitor::StatusPage> status;
    HeapTrimmer heapTrimmer; ///< gives freed heap back to the kernel after many sessions ended
    std::unique_ptr<Limits> limits;
    std::unique_ptr<Xmpp::Resolver> resolver;
    /// Every client stream of every front, and the server links still closing (declared before the
    /// fronts: it outlives them).
    std::unique_ptr<Stream::StreamRegistry> streams;
    std::unique_ptr<Http::HttpServer> http;
    std::unique_ptr<Bosh::BoshEndpoint> bosh;
    std::unique_ptr<WebSocket::WebSocketFront> websocket;
    std::unique_ptr<Rest::RestEndpoint> rest;
    QHostAddress address;
    bool draining = false;
    bool shuttingDown = false;
    bool shutdownDone = false;
    QTimer shutdownFlush; ///< after the streams: a last look at HTTP answers still being written
    QTimer shutdownDeadline;

    /// The certificate chain and key from the configured files, TLS 1.2 or later.
    bool loadTls(QSslConfiguration *tls, QString *error) const
    {
        QFile certFile(config.tlsCertFile);
        QFile keyFile(config.tlsKeyFile);
        if (!certFile.open(QIODevice::ReadOnly)) {
            *error = config.tlsCertFile + QStringLiteral(": ") + certFile.errorString();
            return false;
        }
        if (!keyFile.open(QIODevice::ReadOnly)) {
            *error = config.tlsKeyFile + QStringLiteral(": ") + keyFile.errorString();
            return false;
        }
        const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
        if (chain.isEmpty() || chain.first().isNull()) {
            *error = config.tlsCertFile + QStringLiteral(": no PEM certificate");
            return false;
        }
        const QByteArray keyData = keyFile.readAll();
        QSslKey key(keyData, QSsl::Rsa, QSsl::Pem);
        if (key.isNull())
            key = QSslKey(keyData, QSsl::Ec, QSsl::Pem);
        if (key.isNull()) {
            *error = config.tlsKeyFile + QStringLiteral(": no unencrypted PEM RSA or EC private key");
            return false;
        }
        QSslConfiguration result = QSslConfiguration::defaultConfiguration();
        result.setLocalCertificateChain(chain);
        result.setPrivateKey(key);
        result.setProtocol(QSsl::TlsV1_2OrLater);
        result.setPeerVerifyMode(QSslSocket::VerifyNone); // clients authenticate with SASL, not certificates
        *tls = result;
        return true;
    }

    /// Everything shutdown() waits for is done: no stream, no server link still closing, nothing left
    /// in an HTTP socket's write buffer.
    bool quiet() const
    {
        if (streams->count() > 0 || streams->closingLinks() > 0)
            return false;
        const QList<QTcpSocket *> sockets = http->findChildren<QTcpSocket *>();
        const QList<PlainSocket *> plain = http->findChildren<PlainSocket *>();
        return std::all_of(sockets.cbegin(), sockets.cend(),
                           [](const QTcpSocket *socket) { return socket->bytesToWrite() == 0; }) &&
               std::all_of(plain.cbegin(), plain.cend(),
                           [](const PlainSocket *socket) { return socket->bytesToWrite() == 0; });
    }

    /// GET /healthz, for a load balancer's health check (docs/SCALING.md): 200 while this node takes new
    /// sessions, 503 while it drains or shuts down, so the balancer sends new sessions elsewhere while
    /// the sessions already here carry on. Any Host, no token: it says nothing a balancer may not know.
    Http::Response health(const Http::Request &request) const
    {
        if (request.method != "GET" && request.method != "HEAD") {
            Http::Response refusal = Http::Response::error(405);
            refusal.headers.append({QByteArrayLiteral("Allow"), QByteArrayLiteral("GET, HEAD")});
            return refusal;
        }
        const bool accepting = !draining && !shuttingDown;
        Http::Response response;
        response.status = accepting ? 200 : 503;
        response.contentType = QByteArrayLiteral("text/plain; charset=utf-8");
        response.body = accepting      ? QByteArrayLiteral("ok\n")
                        : shuttingDown ? QByteArrayLiteral("shutting down\n")
                                       : QByteArrayLiteral("draining\n");
        response.headers.append({QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store")});
        return response;
    }

    /// The BOSH path matches with and without its final '/'.
    bool isBoshPath(const QByteArray &path) const { return withoutFinalSlashes(path) == boshPath; }
    /// A view: the comparisons of every request allocate nothing.
    static QByteArrayView withoutFinalSlashes(QByteArrayView path)
    {
        while (path.size() > 1 && path.endsWith('/'))
            path.chop(1);
        return path;
    }

    /// The monitor answers only requests that name this server: `localhost`, the address the client
    /// reached, or the host of public_url. Any other name is what DNS rebinding looks like: a page
    /// whose name an attacker points at this address would read the monitor as its own origin.
    bool monitorHostAllowed(const Http::Request &request) const
    {
        QByteArray host;
        if (!Http::splitHost(request.header("host"), &host, nullptr))
            return false;
        if (host == "localhost")
            return true;
        const QByteArray publicHost = QUrl(config.publicUrl).host().toLower().toUtf8();
        if (!publicHost.isEmpty() && host == publicHost)
            return true;
        if (host.startsWith('['))
            host = host.sliced(1, host.size() - 2);
        QHostAddress named;
        return named.setAddress(QString::fromLatin1(host)) &&
               named.isEqual(request.localAddress, QHostAddress::TolerantConversion);
    }

    /// The public base URL of this server: the configured one, else what the client called us by
    /// (`authority`, a Host header value already checked by Http::splitHost) with the scheme of the
    /// listener it came to (`secure`: the TLS one).
    QString baseUrl(const QByteArray &authority, bool secure, bool webSocket) const
    {
        QString base = config.publicUrl;
        if (base.isEmpty())
            base = (secure ? QStringLiteral("https://") : QStringLiteral("http://")) +
                   QString::fromLatin1(authority);
        while (base.endsWith(QLatin1Char('/')))
            base.chop(1);
        if (webSocket) {
            if (base.startsWith(QLatin1String("https://")))
                base.replace(0, 5, QStringLiteral("wss"));
            else if (base.startsWith(QLatin1String("http://")))
                base.replace(0, 4, QStringLiteral("ws"));
        }
        return base;
    }

    /// XEP-0156 discovery: host-meta in XRD and JSON, naming both endpoints.
    Http::Response hostMeta(const Http::Request &request, bool json) const
    {
        // Without public_url the links repeat the Host header: only host[:port] (RFC 9110 §7.2) may
        // get into them.
        QByteArray authority = QByteArrayLiteral("localhost");
        if (request.hasHeader("host")) {
            QByteArray host;
            int port = -1;
            if (!Http::splitHost(request.header("host"), &host, &port))
                return Http::Response::error(400, "bad Host header");
            authority = port < 0 ? host : host + ':' + QByteArray::number(port);
        }
        const QString bosh = baseUrl(authority, request.secure, false) + config.path;
        const QString ws = baseUrl(authority, request.secure, true) + config.wsPath;
        Http::Response response;
        response.headers.append({QByteArrayLiteral("Access-Control-Allow-Origin"), QByteArrayLiteral("*")});
        if (json) {
            const QJsonArray links{
                QJsonObject{{QStringLiteral("rel"), QStringLiteral("urn:xmpp:alt-connections:xbosh")},
                            {QStringLiteral("href"), bosh}},
                QJsonObject{{QStringLiteral("rel"), QStringLiteral("urn:xmpp:alt-connections:websocket")},
                            {QStringLiteral("href"), ws}}};
            response.contentType = QByteArrayLiteral("application/json");
            response.body = QJsonDocument(QJsonObject{{QStringLiteral("links"), links}}).toJson();
            return response;
        }
        response.contentType = QByteArrayLiteral("application/xrd+xml; charset=utf-8");
        response.body = "<?xml version='1.0' encoding='utf-8'?>\n"
                        "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>\n"
                        "  <Link rel='urn:xmpp:alt-connections:xbosh' href='" +
                        Xmpp::xmlEscaped(bosh) +
                        "'/>\n"
                        "  <Link rel='urn:xmpp:alt-connections:websocket' href='" +
                        Xmpp::xmlEscaped(ws) + "'/>\n</XRD>\n";
        return response;
    }
};

Server::Server(const Config &config, QObject *parent) : QObject(parent), d(std::make_unique<Private>())
{
    d->config = config;
    const QByteArray boshPath = config.path.toUtf8();
    d->boshPath = Private::withoutFinalSlashes(boshPath).toByteArray();
    d->registry = std::make_unique<Monitor::Registry>(&d->hub);
    d->traffic = std::make_unique<Monitor::TrafficRecorder>(&d->hub);
    d->traffic->setCapacity(d->config.trafficCapacity);
    d->traffic->setShowSecrets(d->config.showSecrets);
    d->status =
        std::make_unique<Monitor::StatusPage>(d->registry.get(), d->config.statusPath, d->config.statusToken);
    d->status->setTrafficInfo([this] { return qMakePair(d->traffic->count(), d->traffic->capacity()); });
    connect(&d->hub, &Monitor::Hub::sessionOpened, &d->heapTrimmer, &HeapTrimmer::sessionOpened);
    connect(&d->hub, &Monitor::Hub::sessionClosed, &d->heapTrimmer, &HeapTrimmer::sessionClosed);
    connect(&d->heapTrimmer, &HeapTrimmer::aboutToTrim, d->registry.get(), &Monitor::Registry::compact);
    connect(&d->heapTrimmer, &HeapTrimmer::aboutToTrim, this, [] { Xmpp::releaseIdleParsers(); });
    d->limits = std::make_unique<Limits>(d->config);
    // Refusals reach the monitor as hub signals, like everything else it shows.
    QStringList limitKeys;
    for (const Limits::Limit limit : Limits::all())
        limitKeys.append(Limits::key(limit));
    if (d->config.proxyProtocol)
        limitKeys.append(QStringLiteral("proxy_protocol"));
    d->registry->setKnownLimits(limitKeys);
    connect(d->limits.get(), &Limits::exceeded, &d->hub,
            [hub = &d->hub](Limits::Limit limit, const QHostAddress &peer) {
                Q_EMIT hub->limitRefused(Limits::key(limit), peer);
            });
    d->resolver = std::make_unique<Xmpp::Resolver>(d->config);
    d->streams = std::make_unique<Stream::StreamRegistry>();
    // Server links of ended sessions close on their own (a drain ping, the close handshake): their
    // sockets and buffers are freed when they are gone, so a trim waits for them.
    d->heapTrimmer.setSettling([streams = d->streams.get()] { return streams->closingLinks() > 0; });
    d->bosh = std::make_unique<Bosh::BoshEndpoint>(d->config, d->resolver.get(), &d->hub, d->streams.get());
    d->bosh->setLimits(d->limits.get());
    d->websocket =
        std::make_unique<WebSocket::WebSocketFront>(d->config, d->resolver.get(), &d->hub, d->streams.get());
    d->websocket->setLimits(d->limits.get());
    d->rest = std::make_unique<Rest::RestEndpoint>(d->config, d->resolver.get(), &d->hub, d->streams.get());
    d->rest->setLimits(d->limits.get());
    d->http = std::make_unique<Http::HttpServer>(d->config);
    // Connections closed for their PROXY header (none, malformed, too slow, or not from a trusted
    // proxy) are counted with the refusals, under the key that asks for the header.
    connect(d->http.get(), &Http::HttpServer::proxyHeaderRefused, &d->hub,
            [hub = &d->hub](const QHostAddress &peer, const QByteArray &) {
                Q_EMIT hub->limitRefused(QStringLiteral("proxy_protocol"), peer);
            });
    d->http->setLimits(d->limits.get());
    // Shutdown is done when the last stream and server link are gone (the registry says so) and the
    // answers written meanwhile have left their sockets (looked at again until they have).
    d->shutdownFlush.setInterval(20);
    connect(&d->shutdownFlush, &QTimer::timeout, this, [this] { finishShutdownWhenQuiet(); });
    connect(d->streams.get(), &Stream::StreamRegistry::idle, this, [this] { finishShutdownWhenQuiet(); });
    d->shutdownDeadline.setSingleShot(true);
    connect(&d->shutdownDeadline, &QTimer::timeout, this, [this] {
        d->shutdownFlush.stop();
        d->shutdownDone = true;
        qCWarning(lcServer) << "shutdown deadline of" << d->config.shutdownTimeout
                            << "s passed; leaving anyway";
        Q_EMIT shutdownFinished(false);
    });
    // The monitor is for the operator, never for other origins (docs/SECURITY.md).
    d->http->setCorsPolicy([this](const QByteArray &path) { return !d->status->matches(path); });
    // The REST API takes PUT and DELETE too (a browser asks before it sends them cross-origin).
    d->http->setPreflightMethods([this](const QByteArray &path) {
        return d->rest->matches(path) ? QByteArrayLiteral("GET, POST, PUT, DELETE, OPTIONS") : QByteArray();
    });
    d->http->setUpgradeHandler(
        [this](Http::Transport socket, const QByteArray &received, const Http::Request &head) {
            return d->websocket->handleUpgrade(socket, received, head);
        });
    d->http->setHandler([this](Http::Exchange *exchange) {
        const Http::Request &request = exchange->request();
        if (d->isBoshPath(request.path)) {
            d->hub.countRequest();
            d->bosh->handle(exchange);
            return;
        }
        if (d->rest->matches(request.path)) {
            // The REST gateway (docs/REST.md).
            d->rest->handle(exchange);
            return;
        }
        if (d->status->matches(request.path)) {
            // The headless monitor: status page, its JSON and /metrics (docs/MONITORING.md).
            if (!d->monitorHostAllowed(request)) {
                // RFC 9110 §15.5.20: not a name this server answers the monitor for.
                exchange->respond(Http::Response::error(421, "unknown Host for the monitor"));
                return;
            }
            const auto reply =
                d->status->handle(request.method, request.path, request.peerAddress,
                                  request.header("authorization"), request.queryParameter("token"));
            Http::Response response;
            response.status = reply->status;
            response.contentType = reply->contentType;
            response.body = reply->body; // the connection leaves it out for HEAD
            response.headers = reply->headers;
            exchange->respond(std::move(response));
            return;
        }
        if (request.path == "/healthz") {
            exchange->respond(d->health(request));
            return;
        }
        if (request.path == "/.well-known/host-meta" || request.path == "/.well-known/host-meta.json") {
            exchange->respond(d->hostMeta(request, request.path.endsWith(".json")));
            return;
        }
        exchange->respond(Http::Response::error(404));
    });
}

Server::~Server()
{
    // Quitting without shutdown() (the window closed): REST sessions are kept all the same.
    if (!d->shuttingDown) {
        QString storeError;
        if (!d->rest->saveSessions(&storeError))
            qCWarning(lcServer).noquote() << "REST sessions not saved:" << storeError;
    }
    // Sessions first: they talk to the resolver and the hub while closing.
    d->http.reset();
    d->websocket.reset();
    d->rest.reset();
    d->bosh.reset();
    d->streams.reset();
}

bool Server::start(QString *error)
{
    QHostAddress address;
    if (!address.setAddress(d->config.host)) {
        if (d->config.host == QLatin1String("localhost"))
            address = QHostAddress::LocalHost;
        else if (d->config.host == QLatin1String("*") || d->config.host.isEmpty())
            address = QHostAddress::Any;
        else {
            if (error)
                *error = tr("Cannot listen on '%1': not an IP address").arg(d->config.host);
            return false;
        }
    }
    d->address = address;
    // The REST session store before anything listens: a store that cannot be used stops start-up.
    QString storeError;
    if (!d->rest->openStore(&storeError)) {
        if (error)
            *error = tr("Cannot use rest_store: %1").arg(storeError);
        return false;
    }
    // The VAPID key pair of push on arrival (created on the first start); an unusable file stops here.
    QString pushError;
    if (!d->rest->start(&pushError)) {
        if (error)
            *error = pushError;
        return false;
    }
    const bool tls = !d->config.tlsCertFile.isEmpty();
    if (tls) {
        QSslConfiguration configuration;
        QString tlsError;
        if (!QSslSocket::supportsSsl() || !d->loadTls(&configuration, &tlsError)) {
            if (error)
                *error = QSslSocket::supportsSsl() ? tr("Cannot use TLS: %1").arg(tlsError)
                                                   : tr("Cannot use TLS: no TLS backend");
            return false;
        }
        if (!d->http->listenTls(address, d->config.tlsPort, configuration)) {
            if (error)
                *error = tr("Cannot listen on %1:%2: %3")
                             .arg(d->config.host)
                             .arg(d->config.tlsPort)
                             .arg(d->http->errorString());
            return false;
        }
    }
    if ((!tls || d->config.plainListener) && !d->http->listen(address, d->config.port)) {
        if (error)
            *error = tr("Cannot listen on %1:%2: %3")
                         .arg(d->config.host)
                         .arg(d->config.port)
                         .arg(d->http->errorString());
        d->http->close();
        return false;
    }
    qCInfo(lcServer).noquote() << "BOSH endpoint at" << boshUrl().toString();
    if (tls && port() != 0)
        qCInfo(lcServer).noquote() << "BOSH endpoint at" << secureBoshUrl().toString();
    // REST sessions kept by the last graceful shutdown log in again (docs/REST.md).
    d->rest->restoreSessions();
    return true;
}

void Server::shutdown()
{
    if (d->shuttingDown)
        return;
    d->shuttingDown = true;
    // Stop accepting; a request on a connection still open is refused like a new session in drain.
    d->http->close();
    d->streams->setDraining(true);
    // REST sessions go to the session store before their streams close, so they survive the restart.
    QString storeError;
    if (!d->rest->saveSessions(&storeError))
        qCWarning(lcServer).noquote() << "REST sessions not saved:" << storeError;
    d->streams->terminateAll(Stream::Condition::SystemShutdown);
    d->shutdownDeadline.start(std::chrono::seconds(qMax(1, d->config.shutdownTimeout)));
    finishShutdownWhenQuiet();
}

void Server::finishShutdownWhenQuiet()
{
    if (!d->shuttingDown || d->shutdownDone)
        return;
    if (d->streams->count() > 0 || d->streams->closingLinks() > 0)
        return; // the registry's idle() calls again
    if (!d->quiet()) {
        d->shutdownFlush.start();
        return;
    }
    d->shutdownFlush.stop();
    d->shutdownDeadline.stop();
    d->shutdownDone = true;
    Q_EMIT shutdownFinished(true);
}

void Server::setDraining(bool draining)
{
    if (d->shuttingDown)
        return;
    d->draining = draining;
    d->streams->setDraining(draining, d->config.drainUrl);
    qCInfo(lcServer) << (draining ? "draining: new sessions are refused" : "drain ended");
}

bool Server::isDraining() const
{
    return d->draining;
}

bool Server::reloadTls(QString *error)
{
    if (d->config.tlsCertFile.isEmpty()) {
        if (error)
            *error = tr("TLS is not configured");
        return false;
    }
    QSslConfiguration configuration;
    QString tlsError;
    if (!d->loadTls(&configuration, &tlsError)) {
        if (error)
            *error = tlsError;
        return false;
    }
    d->http->setTlsConfiguration(configuration);
    qCInfo(lcServer) << "TLS certificate reloaded:" << configuration.localCertificate().subjectDisplayName();
    return true;
}

quint16 Server::tlsPort() const
{
    return d->http->tlsPort();
}

int Server::connectionCount() const
{
    return d->http->connectionCount();
}

Limits *Server::limits() const
{
    return d->limits.get();
}

QUrl Server::secureBoshUrl() const
{
    if (tlsPort() == 0)
        return {};
    QUrl url = boshUrl();
    url.setScheme(QStringLiteral("https"));
    url.setPort(tlsPort());
    return url;
}

QUrl Server::secureWebSocketUrl() const
{
    if (tlsPort() == 0)
        return {};
    QUrl url = secureBoshUrl();
    url.setScheme(QStringLiteral("wss"));
    url.setPath(d->config.wsPath);
    return url;
}

void Server::stop()
{
    d->http->close();
    d->streams->terminateAll(Stream::Condition::SystemShutdown);
}

bool Server::isListening() const
{
    return d->http->serverPort() != 0 || d->http->tlsPort() != 0;
}

quint16 Server::port() const
{
    return d->http->serverPort();
}

QUrl Server::boshUrl() const
{
    QUrl url;
    const bool plain = d->http->serverPort() != 0 || d->http->tlsPort() == 0;
    url.setScheme(plain ? QStringLiteral("http") : QStringLiteral("https"));
    const QHostAddress address = d->address.isNull() ? d->http->serverAddress() : d->address;
    url.setHost(address.isNull() || address == QHostAddress::Any || address == QHostAddress::AnyIPv6
                    ? QStringLiteral("localhost")
                    : address.toString());
    url.setPort(plain ? port() : tlsPort());
    url.setPath(d->config.path);
    return url;
}

const Config &Server::config() const
{
    return d->config;
}

Monitor::Hub *Server::hub() const
{
    return &d->hub;
}

Monitor::Registry *Server::registry() const
{
    return d->registry.get();
}

Monitor::TrafficRecorder *Server::traffic() const
{
    return d->traffic.get();
}

bool Server::terminateSession(const QString &id, const QString &condition)
{
    // The conditions every transport can tell its client, and an operator may choose.
    static const QList<Stream::Condition> allowed = {Stream::Condition::SystemShutdown,
                                                     Stream::Condition::PolicyViolation,
                                                     Stream::Condition::HostGone,
                                                     Stream::Condition::RemoteConnectionFailed,
                                                     Stream::Condition::InternalServerError,
                                                     Stream::Condition::UndefinedCondition};
    const std::optional<Stream::Condition> chosen = Stream::conditionFromName(condition);
    if (!chosen || !allowed.contains(*chosen))
        return false;
    Stream::ClientStream *stream = d->streams->find(id);
    if (!stream)
        return false;
    qCInfo(lcServer).noquote() << "session" << id << "terminated by the operator with" << condition;
    stream->terminate(*chosen);
    return true;
}

bool Server::injectStanza(const QString &id, Monitor::Direction direction, const QByteArray &xml,
                          QString *error)
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    using Problem = Xmpp::SingleStanza::Problem;
    const Xmpp::SingleStanza stanza = Xmpp::parseSingleStanza(xml, d->config.maxXmlDepth);
    switch (stanza.problem) {
    case Problem::None:
        break;
    case Problem::TooDeep:
        return fail(tr("nesting deeper than %1").arg(d->config.maxXmlDepth));
    case Problem::Prolog:
        return fail(tr("only one element, without XML declaration, DOCTYPE or processing instruction"));
    case Problem::NotWellFormed:
        return fail(tr("not well-formed XML: %1").arg(stanza.parserError));
    case Problem::NotOne:
        return fail(tr("exactly one element is needed"));
    case Problem::NotAtStart:
        return fail(tr("the stanza must begin with its element"));
    }
    Stream::ClientStream *stream = d->streams->find(id);
    if (!stream)
        return fail(tr("no session %1").arg(id));
    if (!stream->inject(direction, stanza.xml))
        return fail(tr("the session has no open stream"));
    return true;
}

int Server::sessionCount() const
{
    return d->streams->count();
}

QUrl Server::webSocketUrl() const
{
    QUrl url = boshUrl();
    url.setScheme(url.scheme() == QLatin1String("https") ? QStringLiteral("wss") : QStringLiteral("ws"));
    url.setPath(d->config.wsPath);
    return url;
}

} // namespace Switchboard
