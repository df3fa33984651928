// SPDX-License-Identifier: GPL-3.0-or-later
#include "websocket/socketchannel.h"

#include "websocket/websocketstream.h"

#include <QSslSocket>

namespace Switchboard::WebSocket {

SocketChannel::SocketChannel(QWebSocket *socket, QTcpSocket *transport, WebSocketStream *stream)
    : m_socket(socket), m_transport(transport)
{
    socket->setParent(stream);
    // With these caps Qt refuses a frame as soon as its header announces more, and a fragmented
    // message as soon as its fragments add up to more, closing with 1009; the read buffer bounds what
    // sits in the socket meanwhile. They sit a little above ws_max_message_size, so a message just
    // over it still gets a proper stream error (RFC 7395 §3.5) from the stream.
    const Config &config = stream->config();
    socket->setMaxAllowedIncomingFrameSize(quint64(WebSocketStream::maxIncomingMessage(config)));
    socket->setMaxAllowedIncomingMessageSize(quint64(WebSocketStream::maxIncomingMessage(config)));
    socket->setReadBufferSize(WebSocketStream::readBufferSize(config));
    QObject::connect(socket, &QWebSocket::textMessageReceived, stream,
                     [stream](const QString &message) { stream->onText(message.toUtf8()); });
    QObject::connect(socket, &QWebSocket::binaryMessageReceived, stream,
                     [stream](const QByteArray &) { stream->onBinary(); });
    QObject::connect(socket, &QWebSocket::pong, stream, [stream] { stream->onPong(); });
    QObject::connect(socket, &QWebSocket::bytesWritten, stream, [stream] { stream->onBytesWritten(); });
    QObject::connect(socket, &QWebSocket::disconnected, stream, [stream, socket] {
        // 1009: Qt refused a frame or message over maxIncomingMessage() and closed the connection.
        stream->onDisconnected(socket->closeCode() == QWebSocketProtocol::CloseCodeTooMuchData);
    });
}

template <typename Send> void SocketChannel::counted(Send send)
{
    // Qt queues a frame in the socket's buffer, so its growth is what the frame took.
    const qint64 before = backlog();
    send();
    m_written += qMax<qint64>(0, backlog() - before);
}

void SocketChannel::sendText(const QByteArray &utf8)
{
    if (!m_socket)
        return;
    counted([&] { m_socket->sendTextMessage(QString::fromUtf8(utf8)); });
}

void SocketChannel::flush()
{
    if (m_socket)
        m_socket->flush();
}

void SocketChannel::ping()
{
    if (m_socket)
        counted([&] { m_socket->ping(); });
}

void SocketChannel::close()
{
    if (m_socket)
        counted([&] { m_socket->close(QWebSocketProtocol::CloseCodeNormal); });
}

void SocketChannel::abort()
{
    if (m_socket)
        m_socket->abort();
}

qint64 SocketChannel::backlog() const
{
    if (!m_transport)
        return m_socket ? m_socket->bytesToWrite() : 0;
    qint64 waiting = m_transport->bytesToWrite();
    // A TLS socket's bytesToWrite() is only the plaintext not yet encrypted; the records waiting for
    // the kernel are counted apart.
    if (const auto *tls = qobject_cast<const QSslSocket *>(m_transport.data()))
        waiting += tls->encryptedBytesToWrite();
    return waiting;
}

} // namespace Switchboard::WebSocket
