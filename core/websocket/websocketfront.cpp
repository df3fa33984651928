// SPDX-License-Identifier: GPL-3.0-or-later
#include "websocket/websocketfront.h"

#include "base/childlist.h"
#include "base/nodeid.h"
#include "http/cors.h"
#include "http/httpmessage.h"
#include "http/responsewriter.h"
#include "http/socketio.h"
#include "stream/linkupstream.h"
#include "stream/ownedstreams.h"
#include "stream/streamregistry.h"
#include "websocket/framing.h"
#include "websocket/handshake.h"
#include "websocket/socketchannel.h"
#include "websocket/tcpchannel.h"
#include "websocket/websocketstream.h"

#include <QLoggingCategory>
#include <QSslSocket>

#include <chrono>

Q_DECLARE_LOGGING_CATEGORY(lcWs)

namespace Switchboard::WebSocket {

namespace {
/// `ws-` and 128 random bits, after this node's id (base/nodeid.h).
QString newId(const Config &config)
{
    return NodeId::newSessionId(config.nodeId, u"ws-");
}

QByteArray trimmedPath(QByteArray path)
{
    while (path.size() > 1 && path.endsWith('/'))
        path.chop(1);
    return path;
}
} // namespace

WebSocketFront::WebSocketFront(const Config &config, Xmpp::Resolver *resolver, Monitor::Hub *hub,
                               Stream::StreamRegistry *registry, QObject *parent)
    : QObject(parent), m_config(config), m_resolver(resolver), m_hub(hub), m_registry(registry),
      m_secureServer(QStringLiteral("Switchboard"), QWebSocketServer::SecureMode),
      m_streams(new Stream::OwnedStreams(registry, kTickMs, this))
{
    m_secureServer.setSupportedSubprotocols({QString::fromLatin1(kSubprotocol)});
    m_secureServer.setHandshakeTimeout(10000);
    connect(&m_secureServer, &QWebSocketServer::newConnection, this, &WebSocketFront::accept);
    m_clock.start();
}

WebSocketFront::~WebSocketFront()
{
    // The streams go first (with m_streams), while the handshake bookkeeping they may touch is whole.
    delete m_streams;
}

int WebSocketFront::streamCount() const
{
    return m_streams->count();
}

bool WebSocketFront::handleUpgrade(Http::Transport transport, const QByteArray &received,
                                   const Http::Request &head)
{
    if (trimmedPath(head.path) != trimmedPath(m_config.wsPath.toUtf8()))
        return false;
    // Who may connect is settled in HTTP, before any XMPP (RFC 6455 §4.2.2, RFC 7395 §3.1). Browsers
    // always send Origin; other clients (native apps) may not, and the allowlist is about browsers.
    const QByteArray origin = head.header("origin");
    if (!origin.isEmpty() && !Http::originAllowedBy(m_config.allowedOrigins, origin)) {
        refuse(transport, 403, "origin not allowed");
        return true;
    }
    if (!m_config.wsRequiredHost.isEmpty() &&
        QString::fromUtf8(head.header("host")).toLower() != m_config.wsRequiredHost) {
        refuse(transport, 403, "wrong Host");
        return true;
    }
    bool xmpp = false;
    for (const QByteArray &protocol : head.header("sec-websocket-protocol").split(',')) {
        if (protocol.trimmed() == kSubprotocol)
            xmpp = true;
    }
    if (!xmpp) {
        // RFC 7395 §3.1: only the 'xmpp' subprotocol is spoken here.
        refuse(transport, 400, "the WebSocket subprotocol 'xmpp' is required (RFC 7395)");
        return true;
    }
    if (!head.secure) {
        acceptPlain(transport.plain(), received, head);
        return true;
    }
    QSslSocket *socket = transport.tls();
    socket->setParent(this);
    // Bounded from the start: what a client sends behind its handshake waits in this buffer until the
    // WebSocket exists (WebSocketStream sets the same size and its frame caps then).
    socket->setReadBufferSize(WebSocketStream::readBufferSize(m_config));
    // The TLS listener's sockets are encrypted already; QWebSocketServer only reads the handshake
    // through them.
    m_secureServer.handleConnection(socket);
    // QWebSocketServer starts no handshake timer for a socket given to handleConnection(): until the
    // WebSocket exists (accept()), this deadline closes a connection whose handshake goes nowhere.
    auto *deadline = new QTimer(socket);
    deadline->setSingleShot(true);
    connect(deadline, &QTimer::timeout, socket, [socket] {
        qCDebug(lcWs) << "WebSocket handshake with" << socket->peerAddress() << "not completed in time";
        socket->abort();
        socket->deleteLater();
    });
    deadline->start(std::chrono::seconds(qBound(1, m_config.httpRequestTimeout, 7 * 24 * 3600)));
    m_handshakes.insert(socket, deadline);
    m_clientAddresses.insert(socket, head.peerAddress);
    connect(socket, &QObject::destroyed, this, [this, socket] {
        m_handshakes.remove(socket);
        m_clientAddresses.remove(socket);
    });
    return true;
}

QTcpSocket *WebSocketFront::handshakeCompleted(const QWebSocket *webSocket)
{
    // The QWebSocket does not name its QTcpSocket; the connection's two ends do.
    for (auto it = m_handshakes.begin(); it != m_handshakes.end(); ++it) {
        QTcpSocket *socket = it.key();
        if (socket->peerPort() == webSocket->peerPort() && socket->localPort() == webSocket->localPort() &&
            socket->peerAddress() == webSocket->peerAddress()) {
            delete it.value();
            m_handshakes.erase(it);
            return socket;
        }
    }
    return nullptr;
}

void WebSocketFront::acceptPlain(PlainSocket *socket, const QByteArray &received, const Http::Request &head)
{
    const Http::Transport transport(socket);
    if (const std::optional<Handshake::Refusal> refusal = Handshake::check(head)) {
        refuse(transport, refusal->status, refusal->reason, refusal->headers);
        return;
    }
    // The HTTP front hands the socket over with the whole head read; the first frames may follow it.
    const qsizetype headSize = Handshake::headSize(received);
    if (headSize < 0) {
        refuse(transport, 400, "incomplete WebSocket handshake");
        return;
    }
    socket->write(Handshake::switchingProtocols(head.header("sec-websocket-key").trimmed()));
    WebSocketStream::Context context;
    context.client.id = newId(m_config);
    context.client.transport = Monitor::Transport::WebSocket;
    // Behind trusted proxies, the client they name (docs/PROXIES.md).
    context.client.address = head.peerAddress.isNull() ? socket->peerAddress() : head.peerAddress;
    context.client.userAgent = QString::fromUtf8(head.header("user-agent"));
    context.client.secure = false;
    const QByteArray early = received.sliced(headSize);
    startStream(std::move(context), [this, socket, early](WebSocketStream *owner) {
        return std::make_unique<TcpChannel>(socket, early, owner, this);
    });
}

void WebSocketFront::startStream(
    WebSocketStream::Context context,
    const std::function<std::unique_ptr<Channel>(WebSocketStream *)> &makeChannel)
{
    context.resolver = m_resolver;
    context.registry = m_registry;
    context.limits = m_limits;
    auto *stream = new WebSocketStream(
        m_config, std::move(context), makeChannel,
        [this](Stream::ClientStream *owner, const QString &name) -> std::unique_ptr<Stream::Upstream> {
            return std::make_unique<Stream::LinkUpstream>(m_config, m_resolver, owner, name, m_registry,
                                                          m_hub);
        },
        [this] { return m_clock.elapsed(); }, m_hub);
    m_streams->adopt(stream);
}

void WebSocketFront::refuse(Http::Transport socket, int status, const QByteArray &reason,
                            const Http::HeaderList &headers)
{
    qCDebug(lcWs) << "refused WebSocket upgrade:" << status << reason;
    socket.setParent(this);
    socket.write(Http::ResponseWriter::refusal(status, reason, headers));
    if (PlainSocket *plain = socket.plain()) {
        plain->close(); // after the answer; disconnected() follows either way
        connect(plain, &PlainSocket::disconnected, plain, &QObject::deleteLater);
        return;
    }
    QSslSocket *tls = socket.tls();
    tls->disconnectFromHost();
    if (tls->state() == QAbstractSocket::UnconnectedState)
        tls->deleteLater();
    else
        connect(tls, &QTcpSocket::disconnected, tls, &QObject::deleteLater);
}

void WebSocketFront::accept()
{
    while (QWebSocket *socket = m_secureServer.nextPendingConnection()) {
        QTcpSocket *transport = handshakeCompleted(socket);
        WebSocketStream::Context context;
        context.client.id = newId(m_config);
        context.client.transport = Monitor::Transport::WebSocket;
        // Behind trusted proxies the client is not the socket's peer (docs/PROXIES.md).
        const QHostAddress forwarded = m_clientAddresses.take(transport);
        context.client.address = forwarded.isNull() ? socket->peerAddress() : forwarded;
        context.client.userAgent = QString::fromUtf8(socket->request().rawHeader("User-Agent"));
        context.client.secure = true;
        startStream(std::move(context), [socket, transport](WebSocketStream *owner) {
            return std::make_unique<SocketChannel>(socket, transport, owner);
        });
    }
}

void WebSocketFront::childEvent(QChildEvent *event)
{
    squeezeChildListWhenSparse(this, event);
    QObject::childEvent(event);
}

} // namespace Switchboard::WebSocket
