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

/// Reads input from an HTTP connection's socket so that the socket keeps no read buffer of its own
/// (internal to core/http; called on the socket's thread).
///
/// Plain connections are opened unbuffered (HttpServer): bytes come straight from the kernel into the
/// returned array, sized to what came. What Qt does hold in the socket's read buffer (bytes a peek()
/// pulled in, or a TLS socket's decrypted input) comes first, taken whole, which leaves the buffer
/// without a chunk. At most `max` bytes come from the kernel in one call.
///
/// An unbuffered socket announces input once (readyRead()) and again only after a read, and only a
/// read sees the end of the stream: a caller answers each readyRead() with calls until `drained`.
/// While output still waits in the socket and the kernel reports no input, nothing is read, so that an
/// end of the stream (a client that half-closed after its request) does not make Qt drop that output;
/// the caller reads again once its output has gone (bytesWritten()).
SocketInput readInput(QTcpSocket *socket, qint64 max);

} // namespace Switchboard::Http
