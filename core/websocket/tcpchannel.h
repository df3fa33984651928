// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/plainsocket.h"
#include "websocket/channel.h"
#include "websocket/wsframes.h"

#include <QByteArray>

#include <optional>

class QObject;

namespace Switchboard::WebSocket {

class WebSocketStream;

/// The Channel of a plain ws:// stream: Switchboard's own RFC 6455 framing (Wire::Decoder in,
/// Wire::serverFrame out) straight on the PlainSocket the HTTP front handed over, its handshake done.
/// Messages reach the stream as UTF-8 bytes (no QString), and an idle stream keeps no buffer here
/// (nor in the socket, which keeps output only while the client does not take it).
///
/// Ownership: the socket becomes `stream`'s child. The channel belongs to the stream (which deletes it
/// with itself); if the socket is still connected then, it passes to `lingerParent` (the front) and
/// finishes the close handshake on its own (RFC 6455 §7.1.1: the client's Close is awaited, then the
/// server closes TCP) within kCloseTimeoutMs, then is deleted. It reads until the socket is drained
/// at each readyRead and reads the backlog from bytesToWrite().
///
/// What arrives goes to the stream: text messages to onText(), binary to onBinary(), pongs to onPong(),
/// the end of the connection to onDisconnected() (tooLarge when a frame or message went over
/// WebSocketStream::maxIncomingMessage(), RFC 6455 §7.4.1 code 1009). Pings are answered here: at
/// once when nothing waits toward the client, else one Pong, for the most recent Ping (RFC 6455
/// §5.5.3), waits here until the socket's output has gone, so a client that sends Pings without
/// reading cannot make the output grow. Lives in the stream's thread.
class TcpChannel final : public Channel, private Wire::Decoder::Sink, private PlainSocket::Receiver
{
public:
    /// The longest wait for the client's side of a close (its Close frame, its FIN), then the
    /// connection is dropped.
    static constexpr int kCloseTimeoutMs = 5000;

    /// `early`: bytes the HTTP front read behind the handshake (the first frames); they come first.
    TcpChannel(PlainSocket *socket, const QByteArray &early, WebSocketStream *stream, QObject *lingerParent);
    ~TcpChannel() override;
    Q_DISABLE_COPY_MOVE(TcpChannel)

    void sendText(const QByteArray &utf8) override;
    void flush() override;
    void ping() override;
    void close() override;
    void abort() override;
    qint64 backlog() const override;
    qint64 written() const override { return m_written; }

private:
    void readAvailable();
    /// The socket's output left for the kernel: the waiting Pong goes.
    void onBytesWritten();
    /// Writes the waiting Pong if nothing else waits in the socket.
    void writePendingPong();
    /// Every frame goes out through here (written() counts it).
    void write(const QByteArray &frame);
    /// RFC 6455 §7.1.7: a Close frame with `code`, then the TCP connection ends without waiting.
    void failConnection(Wire::CloseCode code);
    void sendClose(Wire::CloseCode code);
    /// Drops the connection kCloseTimeoutMs from the first call on, if it is still there.
    void startCloseDeadline();
    /// Tells the stream, once, that the connection is over.
    void reportGone(bool tooLarge);
    bool connected() const;

    // PlainSocket::Receiver: no signal connections on an idle stream's socket
    void socketReadyRead() override { readAvailable(); }
    void socketBytesWritten(qint64) override { onBytesWritten(); }
    void socketDisconnected() override { reportGone(false); }

    // Wire::Decoder::Sink
    bool textMessage(QByteArrayView utf8) override;
    bool binaryMessage() override;
    bool ping(QByteArrayView payload) override;
    bool pong() override;
    bool closeReceived(quint16 code, QByteArrayView reason) override;

    PlainSocket *m_socket;
    WebSocketStream *m_stream;
    QObject *m_lingerParent;
    Wire::Decoder m_decoder;
    QByteArray m_early; ///< read behind the handshake, fed before anything else (then released)
    std::optional<QByteArray> m_pendingPong; ///< the payload of the latest Ping not answered yet
    qint64 m_written = 0;
    bool m_closeSent = false;
    bool m_deadlineStarted = false;
    bool m_reported = false; ///< onDisconnected() was called
};

} // namespace Switchboard::WebSocket
