// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QtGlobal>

class QTcpSocket;

namespace Switchboard::Http {

/// What one readInput() found.
struct SocketInput
{
    QByteArray data;     ///< the bytes read; empty when nothing was waiting
    bool closed = false; ///< the peer ended its stream (or the connection failed): nothing more comes
    bool drained = true; ///< no more input is known to wait: the next readyRead() tells when some does
};

/// Socket input of the HTTP connections that still run on a Qt socket (the TLS listener's QSslSocket;
/// plain connections run on PlainSocket, which keeps no buffer), leaving the socket no read chunk once
/// idle (called on the socket's thread). Http::Transport calls it.
///
/// Qt keeps a socket's read and write chunks (16 and 32 KiB) for the socket's life once used, even
/// when empty; Qt 6.4 makes an accepted socket buffered whatever its open mode (only connectToHost()
/// honours QIODevice::Unbuffered). So:
///
/// readInput() takes what the socket's read buffer holds whole (QIODevice hands a single chunk over as
/// it is, and the buffer is left without one); on a socket that is unbuffered after all it reads from
/// the kernel into an array sized to what came, at most `max` bytes a call. Such a socket announces
/// input once and again only after a read, and only a read sees the end of the stream: a caller
/// answers each readyRead() with calls until `drained`. While output waits in the socket and the
/// kernel reports no input, nothing is read, so that an end of the stream does not make Qt drop the
/// output; the caller reads again once the output has gone (bytesWritten()).
SocketInput readInput(QTcpSocket *socket, qint64 max);

} // namespace Switchboard::Http
