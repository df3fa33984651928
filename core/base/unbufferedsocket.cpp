// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/unbufferedsocket.h"

#include <QAbstractSocket>

namespace Switchboard {

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
