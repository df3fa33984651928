// SPDX-License-Identifier: GPL-3.0-or-later
#include "servicenotifier.h"

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace Switchboard::App {

bool ServiceNotifier::notify(const QByteArray &state, QString *error)
{
    const QByteArray address = qgetenv("NOTIFY_SOCKET");
    if (address.isEmpty())
        return true;
    return notifyTo(address, state, error);
}

bool ServiceNotifier::notifyTo(const QByteArray &address, const QByteArray &state, QString *error)
{
    const auto fail = [error](const QString &reason) {
        if (error)
            *error = reason;
        return false;
    };
    // sd_notify(3): an absolute path, or '@' for the abstract namespace (a leading NUL byte instead).
    if (address.size() < 2 || (address.front() != '/' && address.front() != '@'))
        return fail(QStringLiteral("NOTIFY_SOCKET is neither an absolute path nor an abstract name"));
    sockaddr_un peer{};
    peer.sun_family = AF_UNIX;
    if (size_t(address.size()) >= sizeof(peer.sun_path))
        return fail(QStringLiteral("NOTIFY_SOCKET is longer than a socket address"));
    std::memcpy(peer.sun_path, address.constData(), size_t(address.size()));
    socklen_t length = socklen_t(offsetof(sockaddr_un, sun_path) + size_t(address.size()));
    if (address.front() == '@')
        peer.sun_path[0] = '\0';
    else
        ++length; // the path's terminating NUL

    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return fail(QString::fromLocal8Bit(std::strerror(errno)));
    const ssize_t sent = ::sendto(fd, state.constData(), size_t(state.size()), MSG_NOSIGNAL,
                                  reinterpret_cast<const sockaddr *>(&peer), length);
    const int sendError = errno;
    ::close(fd);
    if (sent != ssize_t(state.size()))
        return fail(QStringLiteral("NOTIFY_SOCKET: ") + QString::fromLocal8Bit(std::strerror(sendError)));
    return true;
}

} // namespace Switchboard::App
