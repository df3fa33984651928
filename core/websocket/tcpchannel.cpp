// SPDX-License-Identifier: GPL-3.0-or-later
#include "websocket/tcpchannel.h"

#include "base/plainsocket.h"
#include "websocket/websocketstream.h"

#include <QLoggingCategory>

#include <memory>

Q_DECLARE_LOGGING_CATEGORY(lcWs)

namespace Switchboard::WebSocket {

using Wire::CloseCode;
using Wire::Opcode;

namespace {
/// What one read() takes off the socket, on the stack: nothing is kept between reads but the
/// decoder's partial frame.
constexpr qint64 kReadChunk = 16 * 1024;

/// After the stream is gone: reads until the client's Close frame (then closes TCP, RFC 6455 §7.1.1),
/// ignoring data (§5.5.1), and ends at once on bad input.
class LingerSink final : public Wire::Decoder::Sink
{
public:
    bool textMessage(QByteArrayView) override { return true; }
    bool binaryMessage() override { return true; }
    bool ping(QByteArrayView) override { return true; }
    bool pong() override { return true; }
    bool closeReceived(quint16, QByteArrayView) override
    {
        closed = true;
        return false;
    }
    bool closed = false;
};

void drainClosing(PlainSocket *socket, Wire::Decoder &decoder)
{
    for (;;) {
        const PlainSocket::Input input = socket->read(kReadChunk);
        if (!input.data.isEmpty() && !decoder.finished()) {
            LingerSink sink;
            if (decoder.feed(input.data, sink) != CloseCode::None || sink.closed) {
                socket->close();
                return;
            }
        }
        if (input.closed || input.drained || input.data.isEmpty())
            return;
    }
}
} // namespace

TcpChannel::TcpChannel(PlainSocket *socket, const QByteArray &early, WebSocketStream *stream,
                       QObject *lingerParent)
    : m_socket(socket), m_stream(stream), m_lingerParent(lingerParent),
      m_decoder(WebSocketStream::maxIncomingMessage(stream->config()),
                WebSocketStream::maxIncomingMessage(stream->config())),
      m_early(early)
{
    socket->setParent(stream);
    socket->setReceiver(this);
    // Frames may have come right behind the handshake. Not read here: the stream is still being made.
    if (!m_early.isEmpty())
        QMetaObject::invokeMethod(
            stream, [this] { readAvailable(); }, Qt::QueuedConnection);
}

TcpChannel::~TcpChannel()
{
    m_socket->setReceiver(nullptr);
    m_socket->setParent(m_lingerParent);
    if (!connected()) {
        m_socket->deleteLater();
        return;
    }
    // The stream is gone, the connection not yet: finish the close handshake without it. Wired first:
    // writing the Close may meet a failed connection and end it at once.
    PlainSocket *socket = m_socket;
    QObject::connect(socket, &PlainSocket::disconnected, socket, &QObject::deleteLater);
    if (!m_closeSent)
        sendClose(CloseCode::GoingAway);
    startCloseDeadline();
    if (socket->state() == PlainSocket::State::Connected) {
        auto decoder = std::make_shared<Wire::Decoder>(std::move(m_decoder));
        QObject::connect(socket, &PlainSocket::readyRead, socket,
                         [socket, decoder] { drainClosing(socket, *decoder); });
        // Input announced to the stream and not read yet is announced again only after a read.
        QMetaObject::invokeMethod(
            socket, [socket, decoder] { drainClosing(socket, *decoder); }, Qt::QueuedConnection);
    }
}

bool TcpChannel::connected() const
{
    return m_socket->state() == PlainSocket::State::Connected ||
           m_socket->state() == PlainSocket::State::Closing;
}

void TcpChannel::readAvailable()
{
    if (!m_early.isEmpty() && !m_decoder.finished()) {
        const QByteArray early = std::exchange(m_early, QByteArray());
        const CloseCode error = m_decoder.feed(early, *this);
        if (error != CloseCode::None) {
            failConnection(error);
            return;
        }
    }
    while (m_socket->state() == PlainSocket::State::Connected) {
        const PlainSocket::Input input = m_socket->read(kReadChunk);
        // After the client's Close, or bad input, nothing more is read as frames.
        if (!input.data.isEmpty() && !m_decoder.finished()) {
            const CloseCode error = m_decoder.feed(input.data, *this);
            if (error != CloseCode::None) {
                failConnection(error);
                return;
            }
        }
        if (input.closed) {
            reportGone(false);
            return;
        }
        if (input.data.isEmpty() || input.drained)
            return;
    }
}

void TcpChannel::onBytesWritten()
{
    writePendingPong();
    m_stream->onBytesWritten();
}

void TcpChannel::writePendingPong()
{
    if (!m_pendingPong || m_socket->bytesToWrite() > 0)
        return;
    if (!m_closeSent && m_socket->state() == PlainSocket::State::Connected)
        write(Wire::serverFrame(Opcode::Pong, *m_pendingPong));
    m_pendingPong.reset();
}

void TcpChannel::write(const QByteArray &frame)
{
    m_written += frame.size();
    m_socket->write(frame);
}

void TcpChannel::failConnection(CloseCode code)
{
    qCDebug(lcWs) << m_stream->id() << "WebSocket protocol error, closing with" << quint16(code);
    if (!m_closeSent)
        sendClose(code);
    startCloseDeadline();
    reportGone(code == CloseCode::TooBig);
    m_socket->close();
}

void TcpChannel::sendClose(CloseCode code)
{
    m_closeSent = true;
    m_pendingPong.reset();
    write(Wire::closeFrame(code));
}

void TcpChannel::startCloseDeadline()
{
    if (m_deadlineStarted)
        return;
    m_deadlineStarted = true;
    // The socket's own timer, not QTimer::singleShot(): a single-shot timer object lives until it fires
    // whatever became of its receiver, so after a logout wave thousands of them stayed for seconds
    // among the freed heap (docs/BENCHMARKS.md, "Memory after logout: the last pins"). This one goes
    // with the socket, whoever owns it by then, and stops once the socket is closed.
    m_socket->abortAfter(kCloseTimeoutMs);
}

void TcpChannel::reportGone(bool tooLarge)
{
    if (m_reported)
        return;
    m_reported = true;
    m_stream->onDisconnected(tooLarge);
}

// --- toward the client ---

void TcpChannel::sendText(const QByteArray &utf8)
{
    // RFC 6455 §5.5.1: no data after a Close frame.
    if (m_closeSent || m_socket->state() != PlainSocket::State::Connected)
        return;
    write(Wire::serverFrame(Opcode::Text, utf8));
}

void TcpChannel::flush()
{
    // Frames are written at once; what the kernel does not take goes out on write notifications. A
    // Pong held back for earlier output goes now if that has gone.
    writePendingPong();
}

void TcpChannel::ping()
{
    if (m_closeSent || m_socket->state() != PlainSocket::State::Connected)
        return;
    write(Wire::serverFrame(Opcode::Ping, {}));
}

void TcpChannel::close()
{
    if (m_closeSent || m_socket->state() != PlainSocket::State::Connected)
        return;
    // After what was sent (the write buffer keeps the order); then the client's Close is awaited, and
    // not for ever.
    sendClose(CloseCode::Normal);
    startCloseDeadline();
    if (m_decoder.finished())
        m_socket->close();
}

void TcpChannel::abort()
{
    m_socket->abort();
}

qint64 TcpChannel::backlog() const
{
    return m_socket->bytesToWrite();
}

// --- from the client ---

bool TcpChannel::textMessage(QByteArrayView utf8)
{
    if (!m_closeSent)
        m_stream->onText(utf8);
    return m_socket->state() == PlainSocket::State::Connected;
}

bool TcpChannel::binaryMessage()
{
    if (!m_closeSent)
        m_stream->onBinary();
    return m_socket->state() == PlainSocket::State::Connected;
}

bool TcpChannel::ping(QByteArrayView payload)
{
    // RFC 6455 §5.5.3: the Pong carries the Ping's application data, and only the most recent Ping
    // needs one. While output waits, this one replaces any Pong still waiting.
    if (!m_closeSent) {
        m_pendingPong = payload.toByteArray();
        writePendingPong();
    }
    return true;
}

bool TcpChannel::pong()
{
    m_stream->onPong();
    return m_socket->state() == PlainSocket::State::Connected;
}

bool TcpChannel::closeReceived(quint16 code, QByteArrayView)
{
    // RFC 6455 §5.5.1: answer with a Close (echoing the status code), then, as the server, close TCP
    // first (§7.1.1).
    if (!m_closeSent)
        sendClose(CloseCode(code));
    startCloseDeadline();
    reportGone(false);
    m_socket->close();
    return false;
}

} // namespace Switchboard::WebSocket
