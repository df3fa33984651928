// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSslSocket>
#include <QTcpServer>

#include <functional>

/// Test helpers for the hardening suites (docs/SECURITY.md): raw HTTP exchanges on a socket, the
/// process's open descriptors, and a scripted fake XMPP server for faults a real one cannot be made
/// to produce.
namespace Switchboard::Test {

/// Open file descriptors of this process (/proc/self/fd), for "nothing leaked" checks.
int openDescriptorCount();

/// One HTTP response as read off a raw socket.
struct RawResponse
{
    int status = 0; ///< 0: the connection closed (or timed out) without a status line
    QByteArray head;
    QByteArray body;
    bool closed = false; ///< the server closed the connection after it
};

/// Sends `bytes` on a new connection to 127.0.0.1:port, reads one response (Content-Length framed)
/// and waits up to `timeoutMs` for it and then briefly for the close. With `tls`, the connection is
/// encrypted first (any server certificate is accepted) and `bytes` go out once it is.
RawResponse rawExchange(quint16 port, const QByteArray &bytes, int timeoutMs = 10000, bool tls = false);

/// A scripted XMPP server on loopback: for each connection, `script` runs whenever bytes arrive, with
/// all the input of that connection so far; it answers by writing to the socket (or not at all).
class FakeXmppServer : public QTcpServer
{
public:
    using Script = std::function<void(QTcpSocket *socket, QByteArray &input)>;
    explicit FakeXmppServer(Script script);
    /// Connections accepted so far and still open.
    int openConnections() const;
    QList<QPointer<QTcpSocket>> sockets;

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    Script m_script;
};

/// The fake server's usual header and features (no TLS, PLAIN).
QByteArray fakeStreamHeader();
QByteArray fakeFeatures();
/// True once `input` holds a complete <stream:stream ...> start tag.
bool hasStreamHeader(const QByteArray &input);

} // namespace Switchboard::Test
