// SPDX-License-Identifier: GPL-3.0-or-later
#include "loopback.h"

#include <QSignalSpy>
#include <QTest>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Switchboard::Test {

DescriptorServer::~DescriptorServer()
{
    for (const qintptr descriptor : std::as_const(m_accepted))
        ::close(int(descriptor));
}

qintptr DescriptorServer::takeNext(int timeoutMs)
{
    if (!QTest::qWaitFor([this] { return !m_accepted.isEmpty(); }, timeoutMs))
        return -1;
    return m_accepted.takeFirst();
}

int connectLoopback(quint16 port, int receiveBuffer)
{
    const int descriptor = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (descriptor < 0)
        return -1;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if ((receiveBuffer > 0 &&
         ::setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer) != 0) ||
        ::connect(descriptor, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0) {
        ::close(descriptor);
        return -1;
    }
    return descriptor;
}

RawClient::~RawClient()
{
    if (m_descriptor >= 0)
        ::close(m_descriptor);
}

bool RawClient::readUntilEnd(QByteArray *received, int timeoutMs)
{
    return QTest::qWaitFor(
        [&] {
            char buffer[64 * 1024];
            ssize_t got = 0;
            while ((got = ::recv(m_descriptor, buffer, sizeof buffer, MSG_DONTWAIT)) > 0)
                received->append(buffer, qsizetype(got));
            return got == 0; // the end of the peer's stream
        },
        timeoutMs);
}

bool PlainSocketPair::connect(DescriptorServer &listener)
{
    m_server.reset();
    m_client.reset(PlainSocket::connectTo(QHostAddress::LocalHost, listener.serverPort()));
    if (!m_client || m_client->state() != PlainSocket::State::Connecting)
        return false;
    QSignalSpy connected(m_client.get(), &PlainSocket::connected);
    if (!connected.wait(5000))
        return false;
    const qintptr accepted = listener.takeNext();
    if (accepted < 0)
        return false;
    m_server = std::make_unique<PlainSocket>(accepted);
    return m_client->state() == PlainSocket::State::Connected;
}

} // namespace Switchboard::Test
