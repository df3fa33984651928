// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/config.h"
#include "stream/clientstream.h"
#include "websocket/channel.h"

#include <QMap>
#include <QString>

#include <functional>
#include <list>
#include <memory>

namespace Switchboard::Stream {
class StreamRegistry;
}

namespace Switchboard::WebSocket {

class LegacyFraming;

/// One client stream over WebSocket (RFC 7395): framing messages in, stanzas to the server side, and
/// back. States follow the stream: waiting for <open/>, opening the server stream, open, closed. With
/// ws_legacy_framing, a connection whose first message is a <stream:stream> header speaks the framing
/// of the drafts before RFC 7395 instead, through the same states (LegacyFraming).
///
/// A Stream::ClientStream: the hub, the admission and the upstream's retirement are handled there.
/// The client side is a Channel (a TcpChannel with Switchboard's own framing for ws://, a SocketChannel
/// over a QWebSocket for wss://; a fake in unit tests) that feeds what arrives into the on*() calls; the
/// server side is an Upstream from the factory; time is the clock's (milliseconds), read by checkTimers(),
/// which the front calls on its tick. So every rule is testable without a network.
///
/// Lives in its front's thread. finished() fires once; the front then deletes the stream (deleteLater).
class WebSocketStream final : public Stream::ClientStream
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebSocketStream)
public:
    using Clock = std::function<qint64()>;
    struct Context
    {
        Client client;
        const Xmpp::Resolver *resolver = nullptr;         ///< allowlist for `to` (null: any, for tests)
        const Stream::StreamRegistry *registry = nullptr; ///< drain state (null: never draining)
        Limits *limits = nullptr;                         ///< session admission (null: none)
    };

    /// `config` must outlive the stream. The channel is made by `makeChannel` (called once, right here)
    /// so it can wire itself to this stream.
    WebSocketStream(const Config &config, Context context,
                    const std::function<std::unique_ptr<Channel>(WebSocketStream *)> &makeChannel,
                    UpstreamFactory factory, Clock clock, Monitor::Hub *hub, QObject *parent = nullptr);
    ~WebSocketStream() override;

    // What arrives from the client (the channel's owner calls these).
    /// One text message, UTF-8: one framing element or stanza (RFC 7395 §3.3).
    void onText(QByteArrayView message);
    /// Binary messages carry no XMPP (RFC 7395 §3.2): unsupported-encoding.
    void onBinary();
    void onPong();
    /// Bytes left the socket: stanzas the client has all of are no longer ours to bounce.
    void onBytesWritten();
    /// The WebSocket closed; `tooLarge`: the channel closed it itself (1009) over a frame or message
    /// above maxIncomingMessage().
    void onDisconnected(bool tooLarge);

    // The server side (Stream::UpstreamEvents).
    void upstreamOpened(const QString &stream, const Xmpp::StreamHeader &header) override;
    void upstreamElement(const QString &stream, const QByteArray &xml) override;
    void upstreamClosed(const QString &stream) override;
    void upstreamFailed(const QString &stream, Xmpp::LinkFailure failure, const QByteArray &streamErrorXml,
                        const QString &reason = {}) override;

    /// Keepalive and deadlines: ping when quiet (RFC 7395 §3.8), end the stream when idle too long, or
    /// when no <open/> came within Config::connectTimeout of the stream's start.
    void checkTimers() override;
    /// A stream error with `condition` then <close/>; see-other-uri (or system-shutdown with a URI in
    /// `text`, as in a drain) is a <close/> naming the URI (RFC 7395 §3.6.1).
    void terminate(Stream::Condition condition, const QString &text = {}) override;
    bool inject(Monitor::Direction direction, const QByteArray &xml) override;
    bool cutUpstreams() override;
    bool hasFaultHooks() const override { return true; }
    void deliverToServer(const QString &stream, const QByteArray &xml) override;

    const Config &config() const { return m_config; }
    /// Bytes written toward the client that have not left this process yet. Over
    /// Config::maxClientBacklog the stream ends.
    qint64 backlog() const { return m_channel ? m_channel->backlog() : 0; }

    /// The most a channel may collect of one incoming frame or message before it closes the connection
    /// (RFC 6455 §7.4.1, code 1009): `ws_max_message_size` plus a small margin, so a message a little
    /// over the cap still reaches the stream and gets a `policy-violation` stream error.
    static qint64 maxIncomingMessage(const Config &config);
    /// The read buffer of a wss:// stream's socket (QWebSocket): one whole frame (header included) or the
    /// opening handshake, whichever is bigger. Qt reads a frame's payload only once all of it is buffered, so
    /// a smaller buffer would stall a legal frame; a bigger one is memory a client could fill.
    static qint64 readBufferSize(const Config &config);

private:
    enum class State { AwaitOpen, Opening, Open, Closed };
    void onOpenFrame(const QMap<QString, QString> &attrs);
    /// A stanza from the client, once the stream is open: to the server.
    void onStanza(const QByteArray &xml, const QString &ns);
    /// The client ended the stream: close the server stream, answer, close the WebSocket.
    void onClientClose();
    /// A message of a connection that speaks the pre-RFC 7395 framing (ws_legacy_framing).
    void onLegacyText(QByteArrayView message);
    /// The end of the stream toward the client in its framing: <close/> or </stream:stream>.
    QByteArray closeText() const;
    void sendText(const QByteArray &xml, bool isStanza);
    /// A stream error (RFC 6120 §4.9, RFC 7395 §3.5), <close/>, and the WebSocket close (RFC 7395 §3.6).
    void fail(Stream::Condition condition, const QString &text = {}, const QByteArray &streamError = {});
    void finish(Stream::Condition condition, const QString &reason = {});
    void retireUpstream();
    /// Drops the stanzas whose bytes have all left the socket from m_inFlight.
    void forgetDelivered();
    /// The client does not read what it is sent: bounce what it did not get, end the stream.
    void cutOff();
    /// Beyond ws_max_message_size: room for a message slightly over it to get a stream error.
    static constexpr qint64 kIncomingMargin = 8192;
    /// The longest WebSocket frame header (RFC 6455 §5.2: 2 + 8 length + 4 mask).
    static constexpr qint64 kMaxFrameHeader = 14;

    Context m_context;
    Clock m_clock;
    std::unique_ptr<Channel> m_channel;
    std::unique_ptr<Stream::Upstream> m_upstream;
    /// Only for a connection whose first message was a draft stream header (ws_legacy_framing); null
    /// for RFC 7395, whose messages never look at it.
    std::unique_ptr<LegacyFraming> m_legacy;
    struct InFlight
    {
        QByteArray xml;
        qint64 end = 0; ///< the channel's written() right after it was handed over
    };
    /// Stanzas handed to the channel, possibly still in its buffer. A std::list: an empty std::deque
    /// holds a 512-byte block for the stream's whole life.
    std::list<InFlight> m_inFlight;
    State m_state = State::AwaitOpen;
    QString m_domain;
    QString m_lang;
    int m_bindWatch = 0;       ///< server stanzas still checked for the bind result (monitor)
    bool m_upstreamUp = false; ///< the server stream opened at least once (monitor: connect failures)
    bool m_active = true;      ///< something arrived since the last checkTimers()
    qint64 m_started = 0;      ///< clock at construction (the deadline for <open/>)
    qint64 m_lastActivity = 0; ///< clock of the last checkTimers() that saw activity
    qint64 m_lastPing = 0;
};

} // namespace Switchboard::WebSocket
