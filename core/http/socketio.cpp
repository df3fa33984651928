// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/socketio.h"

#include <QTcpSocket>

#include <array>

namespace Switchboard::Http {

namespace {
constexpr qsizetype StackChunk = 16 * 1024;
}

SocketInput readInput(QTcpSocket *socket, qint64 max)
{
    SocketInput input;
    if (!socket || max <= 0)
        return input;
    // QIODevice's own count: what the socket buffered, without the kernel's part of an unbuffered one.
    const qint64 buffered = socket->QIODevice::bytesAvailable();
    if (buffered > 0) {
        // Exactly what the buffer holds: QIODevice hands a single chunk over as it is (no copy), and
        // the socket keeps no chunk afterwards, where a partial read would keep one for its life.
        input.data = socket->read(buffered);
        input.drained = false; // the kernel may hold more
        return input;
    }
    if (socket->bytesToWrite() > 0 && socket->bytesAvailable() <= 0) {
        input.drained = false; // not read: see the header (a read now could only find the end)
        return input;
    }
    std::array<char, StackChunk> chunk;
    const qint64 want = qMin<qint64>(max, qint64(chunk.size()));
    const qint64 got = socket->read(chunk.data(), want);
    if (got < 0) {
        // The end of the stream on an unbuffered socket (Qt has closed it), or a socket already
        // unconnected. A socket that is closing itself (a QSslSocket sending its close_notify) refuses
        // reads too, and is not closed yet.
        input.closed = socket->state() == QAbstractSocket::UnconnectedState;
        return input;
    }
    if (got > 0)
        input.data = QByteArray(chunk.data(), qsizetype(got));
    // A short read emptied the kernel's queue; a full one may have left more.
    input.drained = got < want;
    return input;
}

} // namespace Switchboard::Http
