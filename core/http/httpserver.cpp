// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/httpserver.h"

#include "base/childlist.h"
#include "base/limits.h"
#include "base/reuseport.h"
#include "http/connection.h"
#include "http/cors.h"
#include "http/lingeringclose.h"
#include "http/proxyheaderreader.h"
#include "http/responsewriter.h"

#include <QPointer>
#include <QSslSocket>
#include <QTimer>

#include <chrono>

#include <unistd.h>

namespace Switchboard::Http {

Exchange::Exchange(Request request, Connection *connection)
    : QObject(connection), m_request(std::move(request)), m_connection(connection)
{}

Exchange::Exchange(Request request, std::unique_ptr<Relay> relay, QObject *parent)
    : QObject(parent), m_request(std::move(request)), m_relay(std::move(relay))
{}

Exchange::~Exchange()
{
    // Not supposed to happen (the connection owns us), but a pending request must never block the
    // pipeline: answer it with a server error.
    if (!m_answered && !m_aborted && (m_connection || m_relay)) {
        m_answered = true;
        if (m_relay)
            m_relay->respond(Response::error(500));
        else
            m_connection->exchangeAnswered(this, Response::error(500), true);
    }
    // Likewise a stream left open: it ends, so the connection is not held by nobody.
    if (m_streaming && m_relay)
        m_relay->endStream();
    else if (m_streaming && m_connection)
        m_connection->streamEnded(this, true);
}

void Exchange::notifyAborted()
{
    const QPointer<Exchange> self(this);
    if (const std::function<void()> handler = std::exchange(m_onAborted, {}))
        handler();
    if (self)
        Q_EMIT aborted();
}

void Exchange::relayAborted()
{
    if (!m_relay)
        return;
    if (m_aborted || (m_answered && !m_streaming)) {
        deleteLater();
        return;
    }
    m_aborted = true;
    m_streaming = false;
    const QPointer<Exchange> self(this);
    notifyAborted();
    if (self)
        deleteLater();
}

void Exchange::relayWritable()
{
    if (m_relay && m_streaming && !m_aborted)
        Q_EMIT writable(); // may write, end the stream
}

void Exchange::releaseRequest()
{
    m_request.target = {};
    m_request.path = {};
    m_request.query = {};
    m_request.headers = {};
    m_request.body = {};
}

bool Exchange::respond(Response response)
{
    if (m_answered || m_aborted || !(m_connection || m_relay))
        return false;
    m_answered = true;
    if (m_relay) {
        // The handler holds a QPointer, as for a connection's Exchange, which deletes it later too.
        deleteLater();
        return m_relay->respond(std::move(response));
    }
    return m_connection->exchangeAnswered(this, std::move(response));
}

void Exchange::abandon()
{
    if (m_answered || m_aborted || !m_connection)
        return;
    m_connection->abandon();
}

bool Exchange::startStream(Response head)
{
    if (m_answered || m_aborted || !(m_connection || m_relay))
        return false;
    m_answered = true;
    m_streaming = true;
    if (m_relay) {
        // A HEAD request gets the head alone: the stream is over at once, as on the connection.
        const bool taken = m_relay->startStream(std::move(head));
        m_streaming = taken && m_request.method != "HEAD";
        if (!m_streaming)
            deleteLater();
        return taken;
    }
    if (!m_connection->streamStarted(this, std::move(head))) {
        m_streaming = false;
        return false;
    }
    return true;
}

bool Exchange::write(QByteArrayView data)
{
    if (!m_streaming || m_aborted || !(m_connection || m_relay))
        return false;
    if (m_relay)
        return m_relay->write(data);
    return m_connection->streamWrite(this, data);
}

void Exchange::endStream()
{
    if (!m_streaming)
        return;
    m_streaming = false;
    if (m_relay && !m_aborted) {
        m_relay->endStream();
        deleteLater();
    } else if (m_connection && !m_aborted) {
        m_connection->streamEnded(this);
    }
}

/// A listening socket that hands every accepted descriptor to its HttpServer at once: nothing waits in
/// QTcpServer's pending queue (which stops accepting when full), and TLS handshakes run under the
/// server's own limits and deadline rather than QSslServer's (which stops accepting once 30
/// handshakes are unfinished).
class HttpServer::Listener final : public QTcpServer
{
public:
    Listener(HttpServer *server, bool tls) : QTcpServer(server), m_httpServer(server), m_tls(tls) {}

protected:
    void incomingConnection(qintptr descriptor) override
    {
        if (m_httpServer->m_handoff)
            m_httpServer->m_handoff(descriptor, m_tls);
        else
            m_httpServer->acceptDescriptor(descriptor, m_tls);
    }

private:
    HttpServer *m_httpServer;
    bool m_tls;
};

HttpServer::HttpServer(const Config &config, QObject *parent)
    : QObject(parent), m_config(config), m_server(new Listener(this, false))
{
    m_trustedProxies.setEntries(m_config.trustedProxies); // validated with the config
    if (m_config.forwardedHeader == QLatin1String("forwarded"))
        m_forwardedHeader = ForwardedHeader::Forwarded;
    else if (m_config.forwardedHeader == QLatin1String("none"))
        m_forwardedHeader = ForwardedHeader::None;
}

HttpServer::~HttpServer()
{
    // Delete the connections before the members they refer to (m_config, the handlers) go away.
    const QList<Connection *> connections = findChildren<Connection *>(Qt::FindDirectChildrenOnly);
    for (Connection *connection : connections)
        delete connection;
}

bool HttpServer::listenOn(QTcpServer *listener, const QHostAddress &address, quint16 port)
{
    m_listenError.clear();
    m_closed = false;
    if (!m_reusePort)
        return listener->listen(address, port);
    const qintptr descriptor = listenReusePort(address, port, &m_listenError);
    if (descriptor < 0)
        return false;
    if (listener->setSocketDescriptor(descriptor))
        return true;
    ::close(int(descriptor));
    return false;
}

bool HttpServer::listen(const QHostAddress &address, quint16 port)
{
    return listenOn(m_server, address, port);
}

bool HttpServer::listenTls(const QHostAddress &address, quint16 port, const QSslConfiguration &tls)
{
    if (!m_tlsServer)
        m_tlsServer = new Listener(this, true);
    m_tls = tls;
    return listenOn(m_tlsServer, address, port);
}

void HttpServer::setTlsConfiguration(const QSslConfiguration &tls)
{
    m_tls = tls;
}

void HttpServer::close()
{
    m_closed = true;
    m_server->close();
    if (m_tlsServer)
        m_tlsServer->close();
}

quint16 HttpServer::tlsPort() const
{
    return m_tlsServer ? m_tlsServer->serverPort() : 0;
}

quint16 HttpServer::serverPort() const
{
    return m_server->serverPort();
}

QHostAddress HttpServer::serverAddress() const
{
    return m_server->serverAddress();
}

QString HttpServer::errorString() const
{
    if (!m_listenError.isEmpty())
        return m_listenError;
    if (m_tlsServer && !m_tlsServer->errorString().isEmpty())
        return m_tlsServer->errorString();
    return m_server->errorString();
}

int HttpServer::connectionCount() const
{
    return m_connections;
}

int HttpServer::openConnections() const
{
    return m_connections + m_upgraded;
}

bool HttpServer::originAllowed(const QByteArray &origin) const
{
    return originAllowedBy(m_config.allowedOrigins, origin);
}

void HttpServer::takeDescriptor(qintptr descriptor, bool tls)
{
    // Shutting down (or a TLS connection without a certificate to answer it): the client sees the
    // connection reset, as one still queued on a listener that closes.
    if (m_closed || (tls && m_tls.isNull())) {
        ::close(int(descriptor));
        return;
    }
    acceptDescriptor(descriptor, tls);
}

void HttpServer::acceptDescriptor(qintptr descriptor, bool tls)
{
    if (!tls) {
        // Plain connections keep no Qt socket object: a PlainSocket on the descriptor (non-blocking,
        // TCP_NODELAY), no buffer while idle.
        admit(Transport(new PlainSocket(descriptor, this)));
        return;
    }
    // TLS connections keep QSslSocket, buffered: it keeps its record buffers either way, and
    // unbuffered it reports a closing client by an error alone.
    auto *socket = new QSslSocket(this);
    if (!socket->setSocketDescriptor(descriptor, QAbstractSocket::ConnectedState, QIODevice::ReadWrite)) {
        qCWarning(lcHttp) << "cannot take an accepted connection:" << socket->errorString();
        delete socket;
        return;
    }
    socket->setSslConfiguration(m_tls);
    // Small request/response exchanges: Nagle plus delayed ACKs would add ~40 ms per round trip.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    admit(Transport(socket));
}

void HttpServer::admit(Transport socket)
{
    if (m_config.proxyProtocol) {
        readProxyHeader(socket, [this](Transport proxied, const QHostAddress &client, quint16 port) {
            admitConnection(proxied, client, port);
        });
        return;
    }
    admitConnection(socket, socket.peerAddress(), socket.peerPort());
}

void HttpServer::readProxyHeader(Transport socket,
                                 std::function<void(Transport, const QHostAddress &, quint16)> admit)
{
    const QHostAddress peer = socket.peerAddress();
    // Only a trusted proxy may say whose connection this is; anyone else is refused before a byte is read.
    // Connections still in their header are bounded like open ones, so a flood cannot pile them up.
    const bool trusted = m_trustedProxies.contains(peer);
    if (!trusted || m_proxyHeadersPending + m_connections >= m_config.maxConnections) {
        const QByteArray reason =
            trusted ? QByteArrayLiteral("max_connections") : QByteArrayLiteral("not a trusted proxy");
        qCInfo(lcHttp) << "refusing connection from" << peer << "before its PROXY header:" << reason;
        socket.abort();
        socket.object()->deleteLater();
        Q_EMIT proxyHeaderRefused(peer, reason);
        return;
    }
    ++m_proxyHeadersPending;
    // The header must arrive within the request deadline (a connection that sends nothing holds only
    // its socket until then).
    auto *reader = new ProxyHeaderReader(socket, m_config.httpRequestTimeout, this);
    connect(reader, &ProxyHeaderReader::finished, this,
            [this, reader, peer, admit = std::move(admit)](const ProxyHeader &header) {
                --m_proxyHeadersPending;
                reader->deleteLater();
                const Transport proxied = reader->takeSocket();
                proxied.setParent(this); // ours again, as when it was accepted, until a Connection takes it
                // LOCAL and UNKNOWN: the proxy's own connection (a health check); it counts as the proxy.
                const QHostAddress client = header.proxied ? canonicalAddress(header.source) : peer;
                const quint16 port = header.proxied ? header.sourcePort : proxied.peerPort();
                qCDebug(lcHttp) << "PROXY header v" << header.version << "from" << peer << "names" << client;
                admit(proxied, client, port);
            });
    connect(reader, &ProxyHeaderReader::failed, this, [this, reader, peer](const QByteArray &reason) {
        --m_proxyHeadersPending;
        reader->deleteLater();
        qCInfo(lcHttp) << "refusing connection from" << peer << ":" << reason;
        Q_EMIT proxyHeaderRefused(peer, reason);
    });
}

bool HttpServer::isSharedConnection(const QHostAddress &peer) const
{
    return !m_config.proxyProtocol && m_trustedProxies.contains(peer);
}

void HttpServer::admitConnection(Transport socket, const QHostAddress &client, quint16 clientPort)
{
    if (m_limits) {
        // With the PROXY protocol the header named the client: its connections count as its own.
        // Without it, a trusted proxy's connection carries many clients and counts only in the total.
        const std::optional<Limits::Limit> limit = isSharedConnection(client)
                                                       ? m_limits->tryOpenSharedConnection(client)
                                                       : m_limits->tryOpenConnection(client);
        if (limit) {
            // RFC 6585 §4 for one address over its share, RFC 9110 §15.6.4 when the server is full.
            turnAway(socket, *limit == Limits::Limit::MaxConnectionsPerIp ? 429 : 503,
                     Limits::key(*limit).toLatin1());
            return;
        }
    }
    ++m_connections;
    qCDebug(lcHttp) << "connection from" << client;
    Q_EMIT connectionOpened(client);
    if (QSslSocket *tls = socket.tls())
        startTls(tls, client, clientPort);
    else
        new Connection(socket, this, client, clientPort); // owns itself: deleteLater() once closed
}

void HttpServer::startTls(QSslSocket *socket, const QHostAddress &client, quint16 clientPort)
{
    // The handshake holds the connection's slot; it has http_request_timeout to finish, like a request.
    auto *deadline = new QTimer(socket);
    deadline->setSingleShot(true);
    auto failed = std::make_shared<bool>(false);
    auto fail = [this, socket, client, failed, deadline] {
        if (*failed)
            return;
        *failed = true;
        deadline->stop();
        QObject::disconnect(socket, nullptr, this, nullptr);
        socket->abort();
        socket->deleteLater();
        connectionFinished(client);
    };
    connect(deadline, &QTimer::timeout, this, [socket, fail] {
        qCDebug(lcHttp) << "TLS handshake with" << socket->peerAddress() << "not finished in time";
        fail();
    });
    connect(socket, &QSslSocket::encrypted, this, [this, socket, deadline, client, clientPort] {
        delete deadline;
        QObject::disconnect(socket, nullptr, this, nullptr);
        new Connection(Transport(socket), this, client, clientPort); // owns itself: deleteLater() once closed
    });
    connect(socket, &QAbstractSocket::errorOccurred, this, [socket, fail](QAbstractSocket::SocketError) {
        qCDebug(lcHttp) << "TLS handshake with" << socket->peerAddress()
                        << "failed:" << socket->errorString();
        fail();
    });
    connect(socket, &QAbstractSocket::disconnected, this, fail);
    if (m_config.httpRequestTimeout > 0)
        deadline->start(std::chrono::seconds(qMin(m_config.httpRequestTimeout, 7 * 24 * 3600)));
    socket->startServerEncryption();
}

void HttpServer::connectionFinished(const QHostAddress &peer, QObject *upgraded)
{
    --m_connections;
    const bool shared = m_limits && isSharedConnection(peer);
    auto release = [this, peer, shared] {
        if (!m_limits)
            return;
        if (shared)
            m_limits->closeSharedConnection();
        else
            m_limits->closeConnection(peer);
    };
    // A WebSocket is still an open connection (and keeps its connection slot) while its socket lives.
    if (upgraded) {
        ++m_upgraded;
        connect(upgraded, &QObject::destroyed, this, [this, release] {
            --m_upgraded;
            release();
        });
    } else {
        release();
    }
    Q_EMIT connectionClosed();
}

void HttpServer::reportRefusal(int status, const QByteArray &reason, const QHostAddress &peer)
{
    Q_EMIT requestRefused(status, reason);
    if (!m_limits)
        return;
    // Refusals by a configured limit count against it (docs/SECURITY.md); malformed requests are not
    // limits and are only logged by the connection.
    std::optional<Limits::Limit> limit;
    if (status == 431)
        limit = reason.contains("too many") ? Limits::Limit::MaxHeaderCount : Limits::Limit::MaxHeaderSize;
    else if (status == 413)
        limit = Limits::Limit::MaxDataHeld;
    else if (status == 408)
        limit = Limits::Limit::HttpRequestTimeout;
    if (limit)
        m_limits->refused(*limit, peer);
}

void HttpServer::turnAway(Transport socket, int status, const QByteArray &reason)
{
    // Over TLS the answer is written now and goes out encrypted once the handshake is done; a client
    // that does not finish it meets the linger deadline.
    if (QSslSocket *tls = socket.tls(); tls && tls->mode() == QSslSocket::UnencryptedMode)
        tls->startServerEncryption();
    socket.write(ResponseWriter::refusal(status, reason,
                                         {{QByteArrayLiteral("Retry-After"), QByteArrayLiteral("10")}}));
    // Lingering close, as in Connection: the answer must arrive before the connection ends.
    auto *closer = new LingeringClose(socket, LingeringClose::MaxLinger, this);
    connect(closer, &LingeringClose::finished, closer, &QObject::deleteLater);
    closer->start();
}

void HttpServer::childEvent(QChildEvent *event)
{
    squeezeChildListWhenSparse(this, event);
    QObject::childEvent(event);
}

} // namespace Switchboard::Http
