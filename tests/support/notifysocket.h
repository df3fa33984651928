// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>

namespace Switchboard::Test {

/// The service manager's end of sd_notify(3), as systemd holds it for a Type=notify unit: an AF_UNIX
/// datagram socket bound to a path (in the test's own temporary folder) or, with an address starting
/// with '@', to a name in the abstract namespace. address() is what $NOTIFY_SOCKET would say. Closed in
/// the destructor (and the path removed). Test thread only.
class NotifySocket
{
public:
    /// Binds to `address` ("/path" or "@name"); isValid() says whether it worked.
    explicit NotifySocket(const QByteArray &address);
    ~NotifySocket();
    NotifySocket(const NotifySocket &) = delete;
    NotifySocket &operator=(const NotifySocket &) = delete;

    bool isValid() const { return m_fd >= 0; }
    QByteArray address() const { return m_address; }
    /// The next datagram, waiting with the event loop running for at most `ms`; empty when none came.
    QByteArray receive(int ms);
    /// Every datagram received so far by receive(), in order.
    QList<QByteArray> received() const { return m_received; }

private:
    QByteArray m_address;
    QList<QByteArray> m_received;
    int m_fd = -1;
};

} // namespace Switchboard::Test
