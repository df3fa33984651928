// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/config.h"
#include "monitor/hub.h"
#include "xmpp/serverlink.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QWebSocket>

#include <deque>

class QTcpSocket;

namespace Switchboard::WebSocket {

/// One client stream over WebSocket (RFC 7395): framing messages in, stanzas to the server link, and
/// back. States follow the stream: waiting for <open/>, opening the server stream, open, closing.
/// Deletes nothing itself: the front deletes it (deleteLater) after finished().
class WebSocketStream final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebSocketStream)
public:
    /// Takes ownership of `socket`. `transport` is the TCP or TLS socket under it (may be null), read
    /// for what waits toward the client; Qt deletes it when it disconnects. `config` must outlive the
    /// stream.
    WebSocketStream(QWebSocket *socket, QTcpSocket *transport, const QString &id, const Config &config,
                    Xmpp::Resolver *resolver, Monitor::Hub *hub, QObject *parent = nullptr);
    ~WebSocketStream() override;

    /// The client's address for limits, logs and the monitor, when it is not the socket's peer (behind
    /// trusted proxies). Set before the client's <open/> is read, i.e. right after construction.
    void setClientAddress(const QHostAddress &address) { m_peer = address; }
    /// Keepalive and deadlines: ping when quiet (RFC 7395 §3.8), end the stream when idle too long, or
    /// when no <open/> came within Config::connectTimeout of the WebSocket's start. `now` in ms.
    void checkTimers(qint64 now);
    /// Ends the stream from our side: a stream error with `condition`, or a see-other-uri close.
    void closeWith(const QString &condition, const QString &seeOtherUri = {});
    /// Workbench action (the monitor window's "inject"): sends one stanza toward the server (as if the
    /// client had sent it) or toward the client (as if the server had), counted and recorded like any
    /// other. False unless the stream is open.
    bool inject(Monitor::Direction direction, const QByteArray &xml);
    const QString &id() const { return m_id; }
    /// Bytes written toward the client that have not left this process yet (Qt's socket buffers,
    /// the encrypted ones included). Over Config::maxClientBacklog the stream ends.
    qint64 backlog() const;

    /// The most Qt may collect of one incoming frame or message before it closes the connection itself
    /// (RFC 6455 §7.4.1, code 1009): `ws_max_message_size` plus a small margin, so a message a little
    /// over the cap still reaches the stream and gets a `policy-violation` stream error.
    static qint64 maxIncomingMessage(const Config &config);
    /// The read buffer of every WebSocket's socket: one whole frame (header included) or the opening
    /// handshake, whichever is bigger. Qt reads a frame's payload only once all of it is buffered, so a
    /// smaller buffer would stall a legal frame; a bigger one is memory a client could fill.
    static qint64 readBufferSize(const Config &config);

Q_SIGNALS:
    void finished(const QString &id);

private:
    enum class State { AwaitOpen, Opening, Open, Closed };
    void onText(const QString &message);
    void onOpenFrame(const QMap<QString, QString> &attrs);
    void sendText(const QByteArray &xml, bool isStanza);
    void fail(const QByteArray &streamError, const QString &condition);
    void finish(const QString &condition);
    void retireLink();
    /// Drops the stanzas whose bytes have all left the socket from m_inFlight.
    void forgetDelivered();
    /// The client does not read what it is sent: bounce what it did not get, end the stream.
    void cutOff();
    /// Beyond ws_max_message_size: room for a message slightly over it to get a stream error.
    static constexpr qint64 kIncomingMargin = 8192;
    /// The longest WebSocket frame header (RFC 6455 §5.2: 2 + 8 length + 4 mask).
    static constexpr qint64 kMaxFrameHeader = 14;

    QPointer<QWebSocket> m_socket;
    QPointer<QTcpSocket> m_transport;
    struct InFlight
    {
        QByteArray xml;
        qint64 end = 0; ///< m_handed once all of it was handed to the socket
    };
    std::deque<InFlight> m_inFlight; ///< stanzas handed to the socket, possibly still in its buffer
    qint64 m_handed = 0;             ///< bytes handed to the socket so far
    QString m_id;
    const Config &m_config;
    Xmpp::Resolver *m_resolver = nullptr;
    Monitor::Hub *m_hub = nullptr;
    Xmpp::ServerLink *m_link = nullptr;
    State m_state = State::AwaitOpen;
    QString m_domain;
    QString m_lang;
    bool m_reported = false;
    std::shared_ptr<Monitor::SessionCounters> m_counters; ///< the hub's, bumped here
    int m_bindWatch = 0;     ///< server stanzas still checked for the bind result (monitor)
    bool m_linkUp = false;   ///< the server link opened at least once (monitor: connect failures)
    bool m_admitted = false; ///< counted by Limits::tryOpenSession (released in finish())
    QHostAddress m_peer;
    bool m_finished = false;
    bool m_active = true;      ///< something arrived since the last checkTimers()
    qint64 m_lastActivity = 0; ///< clock of the last checkTimers() that saw activity
    qint64 m_lastPing = 0;
    QElapsedTimer m_age; ///< since the WebSocket was established (the deadline for <open/>)
};

} // namespace Switchboard::WebSocket
