// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHostAddress>
#include <QString>

namespace Switchboard {

/// Opens a listening TCP socket on `address`:`port` with SO_REUSEPORT, so that every worker of a
/// Server listens on the same port with a socket of its own and the kernel spreads new connections
/// over them (socket(7); docs/ARCHITECTURE.md, "Threads"). QHostAddress::Any listens on IPv6 and IPv4
/// as QTcpServer does. Returns the non-blocking, close-on-exec descriptor (hand it to
/// QTcpServer::setSocketDescriptor()), or -1 with `error` set.
qintptr listenReusePort(const QHostAddress &address, quint16 port, QString *error);

} // namespace Switchboard
