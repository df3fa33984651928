// SPDX-License-Identifier: GPL-3.0-or-later
#include "websocket/websocketstream.h"

#include "base/limits.h"
#include "websocket/framing.h"
#include "websocket/websocketfront.h"
#include "xmpp/bounce.h"
#include "xmpp/resolver.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QSslSocket>
#include <QTimer>

Q_LOGGING_CATEGORY(lcWs, "switchboard.ws", QtWarningMsg)

namespace Switchboard::WebSocket {

WebSocketStream::WebSocketStream(QWebSocket *socket, QTcpSocket *transport, const QString &id,
                                 const Config &config, Xmpp::Resolver *resolver, Monitor::Hub *hub,
                                 QObject *parent)
    : QObject(parent), m_socket(socket), m_transport(transport), m_id(id), m_config(config),
      m_resolver(resolver), m_hub(hub)
{
    socket->setParent(this);
    m_age.start();
    m_peer = socket->peerAddress();
    // Qt's defaults (2 GiB frames and messages) would let one frame header make us buffer gigabytes:
    // Qt collects a frame's whole payload before it hands it on. With these caps Qt refuses a frame
    // as soon as its header announces more, and a fragmented message as soon as its fragments add up
    // to more, closing with 1009 (counted below); the read buffer bounds what sits in the socket
    // meanwhile. The caps sit a little above ours so a message just over ws_max_message_size still
    // gets a proper stream error (RFC 7395 §3.5) from onText().
    socket->setMaxAllowedIncomingFrameSize(quint64(maxIncomingMessage(m_config)));
    socket->setMaxAllowedIncomingMessageSize(quint64(maxIncomingMessage(m_config)));
    socket->setReadBufferSize(readBufferSize(m_config));
    connect(socket, &QWebSocket::textMessageReceived, this, &WebSocketStream::onText);
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &) {
        // RFC 7395 §3.2: XMPP travels in text messages only.
        fail(streamErrorFrame(QStringLiteral("unsupported-encoding")),
             QStringLiteral("unsupported-encoding"));
    });
    connect(socket, &QWebSocket::pong, this, [this] { m_active = true; });
    connect(socket, &QWebSocket::bytesWritten, this, &WebSocketStream::forgetDelivered);
    connect(socket, &QWebSocket::disconnected, this, [this] {
        if (m_state != State::Closed && m_socket &&
            m_socket->closeCode() == QWebSocketProtocol::CloseCodeTooMuchData) {
            // Qt refused a frame or message over maxIncomingMessage() and closed the connection.
            if (auto *front = qobject_cast<WebSocketFront *>(this->parent()); front && front->limits())
                front->limits()->refused(Limits::Limit::WsMaxMessageSize, m_peer);
            retireLink();
            finish(QStringLiteral("policy-violation"));
            return;
        }
        // The client went away without <close/>: end the server stream too.
        retireLink();
        finish(m_state == State::Closed ? QString() : QStringLiteral("client disconnected"));
    });
}

WebSocketStream::~WebSocketStream() = default;

qint64 WebSocketStream::maxIncomingMessage(const Config &config)
{
    return config.wsMaxMessageSize + kIncomingMargin;
}

qint64 WebSocketStream::readBufferSize(const Config &config)
{
    return qMax<qint64>(maxIncomingMessage(config) + kMaxFrameHeader, config.maxHeaderSize + 8);
}

void WebSocketStream::onText(const QString &message)
{
    m_active = true;
    if (m_state == State::Closed)
        return;
    const QByteArray data = message.toUtf8();
    if (data.size() > m_config.wsMaxMessageSize) {
        if (auto *front = qobject_cast<WebSocketFront *>(parent()); front && front->limits())
            front->limits()->refused(Limits::Limit::WsMaxMessageSize, m_peer);
        fail(streamErrorFrame(QStringLiteral("policy-violation"), QStringLiteral("message too large")),
             QStringLiteral("policy-violation"));
        return;
    }
    Frame frame;
    QString error;
    if (!parseFrame(data, &frame, &error, m_config.maxXmlDepth)) {
        // RFC 7395 §3.3.3: a message must be exactly one complete element.
        qCDebug(lcWs) << m_id << "not well formed:" << error;
        fail(streamErrorFrame(QStringLiteral("not-well-formed"), error), QStringLiteral("not-well-formed"));
        return;
    }
    switch (frame.kind) {
    case Frame::Kind::Open:
        onOpenFrame(frame.attrs);
        return;
    case Frame::Kind::Close:
        // RFC 7395 §3.6: the client ends the stream: close the server stream, answer <close/>, then the
        // socket.
        retireLink();
        sendText(closeFrame(), false);
        m_state = State::Closed;
        m_socket->close(QWebSocketProtocol::CloseCodeNormal);
        finish({});
        return;
    case Frame::Kind::Element:
        if (m_state == State::AwaitOpen || !m_link) {
            fail(streamErrorFrame(QStringLiteral("not-authorized"), QStringLiteral("send <open/> first")),
                 QStringLiteral("not-authorized"));
            return;
        }
        if (frame.ns == QLatin1String("http://etherx.jabber.org/streams")) {
            // Stream-level elements from the client are not forwarded as stanzas.
            fail(streamErrorFrame(QStringLiteral("unsupported-stanza-type")),
                 QStringLiteral("unsupported-stanza-type"));
            return;
        }
        if (m_hub) {
            m_hub->countStanza(m_counters.get(), Monitor::Direction::ToServer, frame.xml.size());
            if (m_hub->wantsTraffic())
                Q_EMIT m_hub->stanzaForwarded(m_id, m_id, Monitor::Direction::ToServer, frame.xml);
        }
        m_link->send(frame.xml);
        return;
    }
}

void WebSocketStream::onOpenFrame(const QMap<QString, QString> &attrs)
{
    const QString to = attrs.value(QStringLiteral("to")).toLower();
    const QString lang = attrs.value(QStringLiteral("xml:lang"));
    if (m_link) {
        // RFC 7395 §3.7: a new <open/> after SASL restarts the server stream.
        if (!to.isEmpty() && to != m_domain) {
            fail(streamErrorFrame(QStringLiteral("host-unknown")), QStringLiteral("host-unknown"));
            return;
        }
        m_state = State::Opening;
        m_link->restart(lang.isEmpty() ? m_lang : lang);
        m_bindWatch = 8; // RFC 6120 §7: the bind result comes among the first stanzas after a restart
        if (m_hub)
            Q_EMIT m_hub->streamRestarted(m_id, m_id);
        return;
    }
    if (to.isEmpty()) {
        fail(streamErrorFrame(QStringLiteral("host-unknown"), QStringLiteral("no 'to' in <open/>")),
             QStringLiteral("host-unknown"));
        return;
    }
    if (attrs.value(QStringLiteral("version")) != QLatin1String("1.0")) {
        fail(streamErrorFrame(QStringLiteral("unsupported-version")), QStringLiteral("unsupported-version"));
        return;
    }
    if (m_resolver && !m_resolver->domainAllowed(to)) {
        fail(streamErrorFrame(QStringLiteral("host-unknown")), QStringLiteral("host-unknown"));
        return;
    }
    auto *front = qobject_cast<WebSocketFront *>(parent());
    if (front && front->isDraining()) {
        // Drain: new streams go elsewhere (RFC 7395 §3.6.1 see-other-uri), or nowhere while stopping.
        closeWith(QStringLiteral("system-shutdown"), front->drainUri());
        return;
    }
    if (front && front->limits()) {
        if (const std::optional<Limits::Limit> limit = front->limits()->tryOpenSession(m_peer)) {
            fail(streamErrorFrame(QStringLiteral("policy-violation"), Limits::key(*limit)),
                 QStringLiteral("policy-violation"));
            return;
        }
        m_admitted = true;
    }
    m_domain = to;
    m_lang = lang;
    m_state = State::Opening;
    m_link = new Xmpp::ServerLink(m_config, m_resolver, this);
    connect(m_link, &Xmpp::ServerLink::streamOpened, this, [this](const Xmpp::StreamHeader &header) {
        m_state = State::Open;
        m_linkUp = true;
        sendText(openFrame(header, m_lang), false);
        if (m_hub)
            Q_EMIT m_hub->backendConnected(m_id, m_id, m_link->peerDescription(), m_link->isEncrypted());
    });
    connect(m_link, &Xmpp::ServerLink::elementReceived, this, [this](const QByteArray &xml) {
        if (m_bindWatch > 0 && m_hub) {
            --m_bindWatch;
            if (const QString jid = Monitor::Hub::boundJid(xml); !jid.isEmpty()) {
                m_bindWatch = 0;
                m_hub->reportBound(m_id, m_id, jid);
            }
        }
        sendText(xml, true);
    });
    connect(m_link, &Xmpp::ServerLink::streamClosed, this, [this] {
        // The server ended its stream: <close/> to the client, then the socket (RFC 7395 §3.6).
        sendText(closeFrame(), false);
        m_state = State::Closed;
        m_socket->close(QWebSocketProtocol::CloseCodeNormal);
        finish({});
    });
    connect(m_link, &Xmpp::ServerLink::failed, this,
            [this](Xmpp::LinkFailure failure, const QByteArray &streamErrorXml, const QString &reason) {
                if (m_hub)
                    Q_EMIT m_hub->backendFailed(m_id, m_id,
                                                failure == Xmpp::LinkFailure::RemoteStreamError
                                                    ? QStringLiteral("remote-stream-error")
                                                : failure == Xmpp::LinkFailure::HostUnknown
                                                    ? QStringLiteral("host-unknown")
                                                    : QStringLiteral("remote-connection-failed"),
                                                m_linkUp);
                switch (failure) {
                case Xmpp::LinkFailure::RemoteStreamError:
                    fail(streamErrorXml.isEmpty() ? streamErrorFrame(QStringLiteral("undefined-condition"))
                                                  : streamErrorXml,
                         QStringLiteral("remote-stream-error"));
                    break;
                case Xmpp::LinkFailure::HostUnknown:
                    fail(streamErrorFrame(QStringLiteral("host-unknown"), reason),
                         QStringLiteral("host-unknown"));
                    break;
                case Xmpp::LinkFailure::RemoteConnectionFailed:
                case Xmpp::LinkFailure::ConnectionLost:
                    fail(streamErrorFrame(QStringLiteral("remote-connection-failed"), reason),
                         QStringLiteral("remote-connection-failed"));
                    break;
                }
            });
    Xmpp::ServerLink::Params params;
    params.domain = to;
    params.lang = lang;
    params.from = attrs.value(QStringLiteral("from"));
    m_link->open(params);

    if (m_hub) {
        Monitor::SessionInfo info;
        info.sid = m_id;
        info.transport = Monitor::Transport::WebSocket;
        info.clientAddress = m_peer;
        info.userAgent = QString::fromUtf8(m_socket->request().rawHeader("User-Agent"));
        info.domain = to;
        info.secure = m_socket->requestUrl().scheme() == QLatin1String("wss");
        info.created = QDateTime::currentDateTimeUtc();
        m_reported = true;
        m_counters = m_hub->reportSessionOpened(info);
        Q_EMIT m_hub->streamAdded(m_id, m_id, to);
    }
}

void WebSocketStream::sendText(const QByteArray &xml, bool isStanza)
{
    if (!m_socket || m_state == State::Closed)
        return;
    if (isStanza && m_hub) {
        m_hub->countStanza(m_counters.get(), Monitor::Direction::ToClient, xml.size());
        if (m_hub->wantsTraffic())
            Q_EMIT m_hub->stanzaForwarded(m_id, m_id, Monitor::Direction::ToClient, xml);
    }
    // Qt's socket buffers what we write (it writes nothing to the kernel in write()), so the growth
    // of the backlog is what this message took; where it ends is how we tell later whether the
    // client's side of the connection took all of it.
    const qint64 before = backlog();
    m_socket->sendTextMessage(QString::fromUtf8(xml));
    m_handed += qMax<qint64>(0, backlog() - before);
    if (isStanza)
        m_inFlight.push_back({xml, m_handed});
    m_socket->flush(); // out now, not on the next write notification
    forgetDelivered();
    if (isStanza && backlog() > m_config.maxClientBacklog)
        cutOff();
}

qint64 WebSocketStream::backlog() const
{
    if (!m_transport)
        return m_socket ? m_socket->bytesToWrite() : 0;
    qint64 waiting = m_transport->bytesToWrite();
    // A TLS socket's bytesToWrite() is only the plaintext not yet encrypted; the records waiting
    // for the kernel are counted apart.
    if (const auto *tls = qobject_cast<const QSslSocket *>(m_transport.data()))
        waiting += tls->encryptedBytesToWrite();
    return waiting;
}

void WebSocketStream::forgetDelivered()
{
    const qint64 delivered = m_handed - backlog();
    while (!m_inFlight.empty() && m_inFlight.front().end <= delivered)
        m_inFlight.pop_front();
}

void WebSocketStream::cutOff()
{
    // The client stopped reading while the server keeps sending: without a cap we would buffer
    // without limit. RFC 6120 §4.9.3.14: policy-violation. What the client did not get goes back to
    // its senders (RFC 6120 §8.3) like the stanzas the link bounces after retireLink().
    qCDebug(lcWs) << m_id << "backlog over max_client_backlog:" << backlog();
    if (auto *front = qobject_cast<WebSocketFront *>(parent()); front && front->limits())
        front->limits()->refused(Limits::Limit::MaxClientBacklog, m_peer);
    forgetDelivered();
    std::deque<InFlight> undelivered;
    undelivered.swap(m_inFlight);
    for (const InFlight &stanza : undelivered) {
        if (m_link) {
            if (const QByteArray bounce = Xmpp::bounceStanza(stanza.xml); !bounce.isEmpty())
                m_link->send(bounce);
        }
        if (m_hub)
            Q_EMIT m_hub->noClient(m_id, m_id, stanza.xml);
    }
    fail(streamErrorFrame(QStringLiteral("policy-violation"),
                          QStringLiteral("too much data waiting for the client")),
         QStringLiteral("policy-violation"));
    // The stream error and <close/> wait behind everything the client did not read, so it will not see
    // them; holding the connection open for that would keep the backlog. Drop it now.
    if (m_socket)
        m_socket->abort();
}

void WebSocketStream::fail(const QByteArray &streamError, const QString &condition)
{
    if (m_state == State::Closed)
        return;
    // RFC 6120 §4.9 over RFC 7395 §3.6: the stream error, then <close/>, then the WebSocket close.
    sendText(streamError, false);
    sendText(closeFrame(), false);
    m_state = State::Closed;
    retireLink();
    if (m_socket)
        m_socket->close(QWebSocketProtocol::CloseCodeNormal);
    finish(condition);
}

void WebSocketStream::closeWith(const QString &condition, const QString &seeOtherUri)
{
    if (m_state == State::Closed)
        return;
    if (!seeOtherUri.isEmpty()) {
        // RFC 7395 §3.6.1: redirect with see-other-uri in <close/>.
        sendText(closeFrame(seeOtherUri), false);
        m_state = State::Closed;
        retireLink();
        m_socket->close(QWebSocketProtocol::CloseCodeNormal);
        finish(QStringLiteral("see-other-uri"));
        return;
    }
    fail(streamErrorFrame(condition), condition);
}

bool WebSocketStream::inject(Monitor::Direction direction, const QByteArray &xml)
{
    if (m_state != State::Open || !m_link || !m_socket)
        return false;
    if (direction == Monitor::Direction::ToClient) {
        sendText(xml, true);
        return true;
    }
    if (m_hub) {
        m_hub->countStanza(m_counters.get(), Monitor::Direction::ToServer, xml.size());
        if (m_hub->wantsTraffic())
            Q_EMIT m_hub->stanzaForwarded(m_id, m_id, Monitor::Direction::ToServer, xml);
    }
    m_link->send(xml);
    return true;
}

void WebSocketStream::checkTimers(qint64 now)
{
    if (m_state == State::Closed || !m_socket)
        return;
    // Pongs keep a connection active, so the idle limit alone never ends one that answers pings but
    // never opens a stream: it holds a connection slot and nothing else bounds it.
    if (m_state == State::AwaitOpen && m_age.hasExpired(qint64(m_config.connectTimeout) * 1000)) {
        fail(streamErrorFrame(QStringLiteral("connection-timeout"), QStringLiteral("no <open/> in time")),
             QStringLiteral("connection-timeout"));
        return;
    }
    if (m_active) {
        m_active = false;
        m_lastActivity = now;
        return;
    }
    const qint64 quiet = now - m_lastActivity;
    if (m_config.wsIdleTimeout > 0 && quiet >= qint64(m_config.wsIdleTimeout) * 1000) {
        fail(streamErrorFrame(QStringLiteral("connection-timeout")), QStringLiteral("connection-timeout"));
        return;
    }
    // RFC 7395 §3.8: a WebSocket ping when the connection has been quiet for a ping interval.
    if (m_config.wsPingInterval > 0 && quiet >= qint64(m_config.wsPingInterval) * 1000 &&
        now - m_lastPing >= qint64(m_config.wsPingInterval) * 1000) {
        m_lastPing = now;
        m_socket->ping();
    }
}

void WebSocketStream::retireLink()
{
    if (!m_link)
        return;
    // The link finishes on its own time: it moves to the front, which outlives this stream, bounces
    // what the server sent before it saw our close (RFC 6120 §8.3: the client can no longer get it), closes
    // the stream and deletes itself.
    QPointer<Monitor::Hub> hub = m_hub;
    m_link->retire(parent(), [hub, id = m_id](const QByteArray &xml) {
        if (hub)
            Q_EMIT hub->noClient(id, id, xml);
    });
    m_link = nullptr;
}

void WebSocketStream::finish(const QString &condition)
{
    if (m_finished)
        return;
    m_finished = true;
    m_state = State::Closed;
    if (m_admitted) {
        m_admitted = false;
        if (auto *front = qobject_cast<WebSocketFront *>(parent()); front && front->limits())
            front->limits()->closeSession(m_peer);
    }
    if (m_hub && m_reported) {
        Q_EMIT m_hub->streamTerminated(m_id, m_id, condition);
        m_hub->reportSessionClosed(m_id, condition);
    }
    // Deleted by the front later: we may be inside a socket signal.
    Q_EMIT finished(m_id);
}

} // namespace Switchboard::WebSocket
