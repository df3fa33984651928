// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/transport.h"

namespace Switchboard::Http {

SocketInput Transport::read(qint64 max) const
{
    if (QSslSocket *socket = tls())
        return readInput(socket, max);
    PlainSocket::Input input = plain()->read(max);
    return SocketInput{std::move(input.data), input.closed, input.drained};
}

SocketInput Transport::peek(qint64 max) const
{
    if (QSslSocket *socket = tls()) {
        SocketInput input;
        input.data = socket->peek(max);
        // Only a read sees the end of the stream on an unbuffered socket (Qt then closes it without
        // disconnected()); peek() keeps a byte that comes instead.
        input.closed = input.data.isEmpty() && socket->state() != QAbstractSocket::ConnectedState;
        input.drained = false;
        return input;
    }
    PlainSocket::Input input = plain()->peek(max);
    return SocketInput{std::move(input.data), input.closed, input.drained};
}

bool Transport::skip(qint64 count) const
{
    if (QSslSocket *socket = tls())
        return socket->skip(count) == count;
    // Bytes seen with peek() wait in the kernel: reading them takes exactly these.
    qint64 left = count;
    while (left > 0) {
        const PlainSocket::Input input = plain()->read(left);
        left -= input.data.size();
        if (input.data.isEmpty())
            break;
    }
    return left == 0;
}

void Transport::write(const QByteArray &bytes) const
{
    if (QSslSocket *socket = tls())
        socket->write(bytes); // encrypted into QSslSocket's buffers: there is no plain write to the kernel
    else
        plain()->write(bytes);
}

void Transport::flush() const
{
    if (QSslSocket *socket = tls())
        socket->flush();
}

qint64 Transport::bytesToWrite() const
{
    if (QSslSocket *socket = tls())
        return socket->bytesToWrite() + socket->encryptedBytesToWrite();
    return plain()->bytesToWrite();
}

qint64 Transport::bytesBuffered() const
{
    if (QSslSocket *socket = tls())
        return socket->bytesAvailable();
    return 0;
}

bool Transport::isConnected() const
{
    if (QSslSocket *socket = tls())
        return socket->state() == QAbstractSocket::ConnectedState;
    return plain()->state() == PlainSocket::State::Connected;
}

QHostAddress Transport::peerAddress() const
{
    if (QSslSocket *socket = tls())
        return socket->peerAddress();
    return plain()->peerAddress();
}

quint16 Transport::peerPort() const
{
    if (QSslSocket *socket = tls())
        return socket->peerPort();
    return plain()->peerPort();
}

QHostAddress Transport::localAddress() const
{
    if (QSslSocket *socket = tls())
        return socket->localAddress();
    return plain()->localAddress();
}

void Transport::abort() const
{
    if (QSslSocket *socket = tls())
        socket->abort();
    else
        plain()->abort();
}

} // namespace Switchboard::Http
