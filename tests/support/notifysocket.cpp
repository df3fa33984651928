// SPDX-License-Identifier: GPL-3.0-or-later
#include "notifysocket.h"

#include <QDeadlineTimer>
#include <QTest>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace Switchboard::Test {

NotifySocket::NotifySocket(const QByteArray &address) : m_address(address)
{
    sockaddr_un local{};
    local.sun_family = AF_UNIX;
    if (address.isEmpty() || size_t(address.size()) >= sizeof(local.sun_path))
        return;
    std::memcpy(local.sun_path, address.constData(), size_t(address.size()));
    socklen_t length = socklen_t(offsetof(sockaddr_un, sun_path) + size_t(address.size()));
    if (address.front() == '@')
        local.sun_path[0] = '\0';
    else
        ++length;
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return;
    if (::bind(fd, reinterpret_cast<const sockaddr *>(&local), length) != 0) {
        ::close(fd);
        return;
    }
    m_fd = fd;
}

NotifySocket::~NotifySocket()
{
    if (m_fd < 0)
        return;
    ::close(m_fd);
    if (m_address.startsWith('/'))
        ::unlink(m_address.constData());
}

QByteArray NotifySocket::receive(int ms)
{
    if (m_fd < 0)
        return {};
    const QDeadlineTimer deadline(ms);
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
        if (n > 0) {
            m_received.append(QByteArray(buffer, n));
            return m_received.constLast();
        }
        if (deadline.hasExpired() || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            return {};
        QTest::qWait(10); // the event loop runs meanwhile (the sender may live in this process)
    }
}

} // namespace Switchboard::Test
