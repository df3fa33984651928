// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/plainsocket.h"

#include <QList>
#include <QTcpServer>

#include <memory>

namespace Switchboard::Test {

/// A loopback listener that keeps the descriptors it accepts instead of making sockets of them: the
/// test makes the socket it tests from them. Descriptors nobody took are closed with the listener.
class DescriptorServer final : public QTcpServer
{
public:
    DescriptorServer() = default;
    ~DescriptorServer() override;
    Q_DISABLE_COPY_MOVE(DescriptorServer)

    /// Listens on 127.0.0.1, any port.
    [[nodiscard]] bool listenOnLoopback() { return listen(QHostAddress::LocalHost, 0); }
    /// Waits for the next accepted connection and hands its descriptor over (the caller closes it);
    /// -1 after `timeoutMs`.
    [[nodiscard]] qintptr takeNext(int timeoutMs = 5000);

protected:
    void incomingConnection(qintptr descriptor) override { m_accepted.append(descriptor); }

private:
    QList<qintptr> m_accepted;
};

/// A blocking TCP descriptor connected to 127.0.0.1:`port` (loopback completes the connect before the
/// listener accepts), for tests that act below every socket class. `receiveBuffer` > 0 sets SO_RCVBUF
/// before the connect, so that the window offered is small from the start. -1 on failure (nothing is
/// left open); otherwise the caller closes it.
int connectLoopback(quint16 port, int receiveBuffer = 0);

/// A connectLoopback() descriptor closed by the destructor.
class RawClient
{
public:
    explicit RawClient(quint16 port, int receiveBuffer = 0)
        : m_descriptor(connectLoopback(port, receiveBuffer))
    {}
    ~RawClient();
    Q_DISABLE_COPY_MOVE(RawClient)

    bool isConnected() const { return m_descriptor >= 0; }
    int descriptor() const { return m_descriptor; }
    /// Reads without blocking, running the event loop between tries, until the peer ends its stream;
    /// what came is appended to `received`. False after `timeoutMs`.
    [[nodiscard]] bool readUntilEnd(QByteArray *received, int timeoutMs = 5000);

private:
    int m_descriptor;
};

/// A connected PlainSocket pair on loopback, both ends deleted with the pair: `client()` made by
/// PlainSocket::connectTo(), `server()` from the descriptor the listener accepted.
class PlainSocketPair
{
public:
    PlainSocketPair() = default;
    Q_DISABLE_COPY_MOVE(PlainSocketPair)

    /// Connects (again) through `listener`, which listens on loopback; false unless both ends are
    /// connected within 5 s.
    [[nodiscard]] bool connect(DescriptorServer &listener);
    PlainSocket *client() const { return m_client.get(); }
    PlainSocket *server() const { return m_server.get(); }
    /// Deletes one end now (closing its descriptor); the other stays.
    void deleteClient() { m_client.reset(); }
    void deleteServer() { m_server.reset(); }

private:
    std::unique_ptr<PlainSocket> m_client;
    std::unique_ptr<PlainSocket> m_server;
};

} // namespace Switchboard::Test
