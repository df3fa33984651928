// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

class QAbstractSocket;

namespace Switchboard {

/// Gives a new, unconnected `socket` (a QTcpSocket or a QSslSocket) a connected TCP descriptor, opened
/// ReadWrite | Unbuffered, and makes the mode hold: bytes go straight between the kernel and the reader,
/// and only what the kernel does not take at once waits in Qt's write buffer, so an idle socket keeps no
/// Qt read or write chunk (16 and 32 KiB once used).
///
/// QAbstractSocket::setSocketDescriptor() ignores QIODevice::Unbuffered (Qt 6.4 to 6.8 at least; the
/// details in the .cpp): only connectToHost() makes a socket unbuffered, and a QSslSocket passes the mode
/// on to its plain socket only there. So the socket first starts a connect to no host at all (no lookup,
/// no system call), aborted at once, and is then given the descriptor: a socket that was unbuffered once
/// stays so. The socket emits stateChanged() meanwhile: connect to it afterwards.
///
/// Returns false (the descriptor is then still the caller's to close) when Qt refuses the descriptor.
/// On the socket's thread.
bool setUnbufferedDescriptor(QAbstractSocket *socket, qintptr descriptor);

} // namespace Switchboard
