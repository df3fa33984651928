// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/unbufferedsocket.h"

#include <QAbstractSocket>

namespace Switchboard {

// What this relies on, in qtbase's src/network (identical where 6.4 branched off and in 6.8.0: no commit
// between touched these functions). A QTcpSocket reads into its own buffer while
// QAbstractSocketPrivate::isBuffered holds, which QTcpSocket's constructor sets. Only
// QAbstractSocket::connectToHost() clears it, for a mode with Unbuffered, and nothing sets it again (a
// socket connected unbuffered once even stays so for a later buffered connectToHost()).
// setSocketDescriptor() hands the mode to QIODevice::open() alone: openMode() then says Unbuffered
// while canReadNotification() still moves the input into the buffer. QSslSocket::setSocketDescriptor()
// makes its plain QTcpSocket and gives it the descriptor the same way; QSslSocket::connectToHost()
// passes the mode on to the plain socket's connectToHost().
// A Qt that changes this shows in tst_base_unbufferedsocket, which proves the input stays in the
// kernel until it is read (no version check here: only running it on that Qt can tell).
bool setUnbufferedDescriptor(QAbstractSocket *socket, qintptr descriptor)
{
    // connectToHost() is virtual: a QSslSocket makes its plain socket here and connects that one
    // unbuffered. An empty host name needs no lookup (Qt posts a "no host name given" answer, which the
    // socket ignores once it is no longer looking up); abort() ends the attempt at once.
    socket->connectToHost(QString(), 0, QIODevice::ReadWrite | QIODevice::Unbuffered);
    socket->abort();
    return socket->setSocketDescriptor(descriptor, QAbstractSocket::ConnectedState,
                                       QIODevice::ReadWrite | QIODevice::Unbuffered);
}

} // namespace Switchboard
