// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/reuseport.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace Switchboard {

qintptr listenReusePort(const QHostAddress &address, quint16 port, QString *error)
{
    const bool anyAddress = address == QHostAddress::Any;
    const bool v6 = anyAddress || address.protocol() == QAbstractSocket::IPv6Protocol;
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (v6) {
        auto *in6 = reinterpret_cast<sockaddr_in6 *>(&storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        if (!anyAddress) {
            const Q_IPV6ADDR bytes = address.toIPv6Address();
            std::memcpy(&in6->sin6_addr, bytes.c, sizeof bytes.c);
            in6->sin6_scope_id = address.scopeId().toUInt();
        }
        length = sizeof(sockaddr_in6);
    } else {
        auto *in4 = reinterpret_cast<sockaddr_in *>(&storage);
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        in4->sin_addr.s_addr = htonl(address.toIPv4Address());
        length = sizeof(sockaddr_in);
    }
    const int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    auto fail = [&](int fdToClose) -> qintptr {
        const int code = errno;
        if (error)
            *error = QString::fromLocal8Bit(std::strerror(code));
        if (fdToClose >= 0)
            ::close(fdToClose);
        return -1;
    };
    if (fd < 0)
        return fail(-1);
    const int on = 1;
    const int off = 0;
    if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0)
        return fail(fd);
    // Dual stack for Any, as QTcpServer listens.
    if (anyAddress && ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) != 0)
        return fail(fd);
    if (::bind(fd, reinterpret_cast<const sockaddr *>(&storage), length) != 0)
        return fail(fd);
    if (::listen(fd, SOMAXCONN) != 0)
        return fail(fd);
    return fd;
}

} // namespace Switchboard
