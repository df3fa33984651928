// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/config.h"
#include "http/httpmessage.h"
#include "http/transport.h"
#include "monitor/hub.h"
#include "websocket/websocketstream.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <QWebSocketServer>

class QTcpSocket;

namespace Switchboard {
class Limits;
}
namespace Switchboard::Stream {
class OwnedStreams;
class StreamRegistry;
} // namespace Switchboard::Stream
namespace Switchboard::Xmpp {
class Resolver;
}

namespace Switchboard::WebSocket {

/// XMPP over WebSocket (RFC 7395) on the HTTP port: the HTTP front offers it every upgrade request;
/// it checks path, Origin (the same allowlist as BOSH CORS), Host and the `xmpp` subprotocol, and
/// refuses with an HTTP error before any XMPP is spoken.
///
/// Accepted sockets take one of two paths. Plain ws:// (the plain listener): Switchboard's own RFC 6455
/// handshake (websocket/handshake.h) and framing (TcpChannel over Wire::Decoder) on the PlainSocket, so
/// an idle stream costs little more than its state and messages stay UTF-8 bytes. wss:// (the TLS
/// listener): QWebSocketServer::handleConnection() and a QWebSocket (SocketChannel) over the
/// QSslSocket, where Qt's classes do their work next to the TLS session.
class WebSocketFront final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebSocketFront)
public:
    /// New streams are added to `registry` (which must outlive this object); while it drains, a new
    /// stream's first <open/> is answered with see-other-uri to its drain URI (or a system-shutdown
    /// stream error without one).
    WebSocketFront(const Config &config, Xmpp::Resolver *resolver, Monitor::Hub *hub,
                   Stream::StreamRegistry *registry, QObject *parent = nullptr);
    ~WebSocketFront() override;

    /// The HTTP front's upgrade hook (Http::HttpServer::UpgradeHandler). Returns true when it took the
    /// socket (accepted or refused).
    bool handleUpgrade(Http::Transport socket, const QByteArray &received, const Http::Request &head);
    int streamCount() const;
    /// Session admission and refusal reporting (may be null). Must outlive this object.
    void setLimits(Limits *limits) { m_limits = limits; }
    Limits *limits() const { return m_limits; }

    /// Interval of the keepalive/idle checks.
    static constexpr int kTickMs = 1000;

protected:
    /// Children come and go per session (sockets finishing their close): the list is given back after a wave
    /// (squeezeChildListWhenSparse()).
    void childEvent(QChildEvent *event) override;

private:
    void refuse(Http::Transport socket, int status, const QByteArray &reason,
                const Http::HeaderList &headers = {});
    /// A plain ws:// upgrade: the handshake (RFC 6455 §4.2.2) answered here, then a TcpChannel.
    /// `received`: what the HTTP front read of the socket (the head, maybe frames behind it).
    void acceptPlain(PlainSocket *socket, const QByteArray &received, const Http::Request &head);
    /// wss:// streams whose handshake QWebSocketServer completed.
    void accept();
    void startStream(WebSocketStream::Context context,
                     const std::function<std::unique_ptr<Channel>(WebSocketStream *)> &makeChannel);
    /// Stops the handshake deadline of the socket `webSocket` was made from, and returns that socket
    /// (null when not found).
    QTcpSocket *handshakeCompleted(const QWebSocket *webSocket);

    const Config &m_config;
    Xmpp::Resolver *m_resolver = nullptr;
    Monitor::Hub *m_hub = nullptr;
    Stream::StreamRegistry *m_registry = nullptr;
    /// For sockets from the TLS listener (already encrypted): QWebSocketServer reads the handshake
    /// through them.
    QWebSocketServer m_secureServer;
    Limits *m_limits = nullptr;
    Stream::OwnedStreams *m_streams; ///< owns and ticks the streams; lookups go through the registry
    /// wss:// sockets handed to QWebSocketServer, their deadlines. accept() also finds each WebSocket's own
    /// socket here (QWebSocket does not give it out).
    QHash<QTcpSocket *, QTimer *> m_handshakes;
    /// The client address the HTTP front found for each socket in m_handshakes (behind trusted proxies,
    /// not the socket's peer); the WebSocket stream takes it over in accept().
    QHash<const QTcpSocket *, QHostAddress> m_clientAddresses;
    QElapsedTimer m_clock;
    QTimer m_timer;
};

} // namespace Switchboard::WebSocket
