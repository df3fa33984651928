// SPDX-License-Identifier: GPL-3.0-or-later
#include "websocket/tcpchannel.h"

#include "http/socketio.h"
#include "websocket/websocketstream.h"

#include <QLoggingCategory>
#include <QTcpSocket>
#include <QTimer>

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

void drainClosing(QTcpSocket *socket, Wire::Decoder &decoder)
{
    char buffer[kReadChunk];
    for (;;) {
        const qint64 n = socket->read(buffer, sizeof buffer);
        if (n <= 0)
            return;
        LingerSink sink;
        if (decoder.finished())
            continue;
        if (decoder.feed(QByteArrayView(buffer, n), sink) != CloseCode::None || sink.closed) {
            socket->disconnectFromHost();
            return;
        }
    }
}
} // namespace

TcpChannel::TcpChannel(QTcpSocket *socket, WebSocketStream *stream, QObject *lingerParent)
    : m_socket(socket), m_stream(stream), m_lingerParent(lingerParent),
      m_decoder(WebSocketStream::maxIncomingMessage(stream->config()),
                WebSocketStream::maxIncomingMessage(stream->config()))
{
    socket->setParent(stream);
    // Each readyRead drains the socket, so a buffered socket's read buffer never holds more than one
    // read from the kernel.
    socket->setReadBufferSize(kReadChunk);
    QObject::connect(socket, &QTcpSocket::readyRead, stream, [this] { readAvailable(); });
    QObject::connect(socket, &QTcpSocket::bytesWritten, stream, [this] { onBytesWritten(); });
    QObject::connect(socket, &QTcpSocket::disconnected, stream, [this] { reportGone(false); });
    // Frames may have come right behind the handshake. Not read here: the stream is still being made.
    if (socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(
            stream, [this] { readAvailable(); }, Qt::QueuedConnection);
}

TcpChannel::~TcpChannel()
{
    QObject::disconnect(m_socket, nullptr, m_stream, nullptr);
    m_socket->setParent(m_lingerParent);
    if (!connected()) {
        m_socket->deleteLater();
        return;
    }
    // The stream is gone, the connection not yet: finish the close handshake without it. Wired first:
    // writing the Close may meet a failed connection and end it at once.
    QTcpSocket *socket = m_socket;
    QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    if (!m_closeSent)
        sendClose(CloseCode::GoingAway);
    startCloseDeadline();
    if (socket->state() == QAbstractSocket::ConnectedState) {
        auto decoder = std::make_shared<Wire::Decoder>(std::move(m_decoder));
        QObject::connect(socket, &QTcpSocket::readyRead, socket,
                         [socket, decoder] { drainClosing(socket, *decoder); });
        if (socket->bytesAvailable() > 0)
            QMetaObject::invokeMethod(
                socket, [socket, decoder] { drainClosing(socket, *decoder); }, Qt::QueuedConnection);
    }
}

bool TcpChannel::connected() const
{
    return m_socket->state() == QAbstractSocket::ConnectedState ||
           m_socket->state() == QAbstractSocket::ClosingState;
}

void TcpChannel::readAvailable()
{
    // Through Http::readInput(): it takes the socket's read buffer whole, so an idle stream keeps no
    // Qt read chunk.
    m_readAgain = false;
    while (m_socket->state() == QAbstractSocket::ConnectedState) {
        const Http::SocketInput input = Http::readInput(m_socket, kReadChunk);
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
        if (input.data.isEmpty() || input.drained) {
            // Not read while output waited: once it has gone (bytesWritten()), or the next readyRead().
            m_readAgain = !input.drained;
            return;
        }
    }
}

void TcpChannel::onBytesWritten()
{
    if (m_readAgain && m_socket->bytesToWrite() == 0)
        readAvailable();
    writePendingPong();
    m_stream->onBytesWritten();
}

void TcpChannel::writePendingPong()
{
    if (!m_pendingPong || m_socket->bytesToWrite() > 0)
        return;
    if (!m_closeSent && m_socket->state() == QAbstractSocket::ConnectedState)
        write(Wire::serverFrame(Opcode::Pong, *m_pendingPong));
    m_pendingPong.reset();
}

void TcpChannel::write(const QByteArray &frame)
{
    m_written += frame.size();
    Http::writeOutput(m_socket, frame);
}

void TcpChannel::failConnection(CloseCode code)
{
    qCDebug(lcWs) << m_stream->id() << "WebSocket protocol error, closing with" << quint16(code);
    if (!m_closeSent)
        sendClose(code);
    startCloseDeadline();
    // Before disconnectFromHost(), which may emit disconnected() at once.
    reportGone(code == CloseCode::TooBig);
    m_socket->disconnectFromHost();
}

void TcpChannel::sendClose(CloseCode code)
{
    m_closeSent = true;
    m_pendingPong.reset();
    write(Wire::closeFrame(code));
    m_socket->flush();
}

void TcpChannel::startCloseDeadline()
{
    if (m_deadlineStarted)
        return;
    m_deadlineStarted = true;
    // Bound to the socket: it goes when the socket does, whoever owns it by then.
    QTimer::singleShot(kCloseTimeoutMs, m_socket, &QTcpSocket::abort);
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
    if (m_closeSent || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    write(Wire::serverFrame(Opcode::Text, utf8));
}

void TcpChannel::flush()
{
    m_socket->flush();
    // Qt signals no bytesWritten() from inside another: what drained here may not be announced.
    writePendingPong();
}

void TcpChannel::ping()
{
    if (m_closeSent || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    write(Wire::serverFrame(Opcode::Ping, {}));
    m_socket->flush();
}

void TcpChannel::close()
{
    if (m_closeSent || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    // After what was sent (the write buffer keeps the order); then the client's Close is awaited, and
    // not for ever.
    sendClose(CloseCode::Normal);
    startCloseDeadline();
    if (m_decoder.finished())
        m_socket->disconnectFromHost();
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
    return m_socket->state() == QAbstractSocket::ConnectedState;
}

bool TcpChannel::binaryMessage()
{
    if (!m_closeSent)
        m_stream->onBinary();
    return m_socket->state() == QAbstractSocket::ConnectedState;
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
    return m_socket->state() == QAbstractSocket::ConnectedState;
}

bool TcpChannel::closeReceived(quint16 code, QByteArrayView)
{
    // RFC 6455 §5.5.1: answer with a Close (echoing the status code), then, as the server, close TCP
    // first (§7.1.1).
    if (!m_closeSent)
        sendClose(CloseCode(code));
    startCloseDeadline();
    reportGone(false);
    m_socket->disconnectFromHost();
    return false;
}

} // namespace Switchboard::WebSocket
