// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/config.h"
#include "monitor/hub.h"

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
namespace Switchboard::Http {
struct Request;
}
namespace Switchboard::Stream {
class OwnedStreams;
class StreamRegistry;
} // namespace Switchboard::Stream
namespace Switchboard::Xmpp {
class Resolver;
}

namespace Switchboard::WebSocket {

class WebSocketStream;

/// XMPP over WebSocket (RFC 7395) on the HTTP port: the HTTP front offers it every upgrade request;
/// it checks path, Origin (the same allowlist as BOSH CORS), Host and the `xmpp` subprotocol, refuses
/// with an HTTP error before any XMPP is spoken, and hands accepted sockets to QWebSocketServer.
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

    /// The HTTP front's upgrade hook. Returns true when it took the socket (accepted or refused).
    bool handleUpgrade(QTcpSocket *socket, const Http::Request &head);
    int streamCount() const;
    /// Session admission and refusal reporting (may be null). Must outlive this object.
    void setLimits(Limits *limits) { m_limits = limits; }
    Limits *limits() const { return m_limits; }

    /// Interval of the keepalive/idle checks.
    static constexpr int kTickMs = 1000;

private:
    void refuse(QTcpSocket *socket, int status, const QByteArray &reason);
    void accept();
    /// Stops the handshake deadline of the socket `webSocket` was made from, and returns that socket
    /// (null when not found).
    QTcpSocket *handshakeCompleted(const QWebSocket *webSocket);

    const Config &m_config;
    Xmpp::Resolver *m_resolver = nullptr;
    Monitor::Hub *m_hub = nullptr;
    Stream::StreamRegistry *m_registry = nullptr;
    QWebSocketServer m_server;
    /// For sockets from the TLS listener (already encrypted): the same handshake, but the request URL
    /// is wss://, which is how a stream knows it is secure.
    QWebSocketServer m_secureServer;
    Limits *m_limits = nullptr;
    Stream::OwnedStreams *m_streams; ///< owns and ticks the streams; lookups go through the registry
    /// Sockets handed to QWebSocketServer, their deadlines. accept() also finds each WebSocket's own
    /// socket here (QWebSocket does not give it out).
    QHash<QTcpSocket *, QTimer *> m_handshakes;
    /// The client address the HTTP front found for each socket in m_handshakes (behind trusted proxies,
    /// not the socket's peer); the WebSocket stream takes it over in accept().
    QHash<const QTcpSocket *, QHostAddress> m_clientAddresses;
    QElapsedTimer m_clock;
    QTimer m_timer;
};

} // namespace Switchboard::WebSocket
