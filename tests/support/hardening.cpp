// SPDX-License-Identifier: GPL-3.0-or-later
#include "hardening.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QTcpSocket>
#include <QTest>

namespace Switchboard::Test {

int openDescriptorCount()
{
    return int(
        QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).size());
}

RawResponse rawExchange(quint16 port, const QByteArray &bytes, int timeoutMs, bool tls)
{
    RawResponse response;
    QSslSocket socket;
    if (tls) {
        socket.setPeerVerifyMode(QSslSocket::VerifyNone);
        socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
        if (!QTest::qWaitFor([&] { return socket.isEncrypted(); }, timeoutMs))
            return response;
    } else {
        socket.connectToHost(QHostAddress::LocalHost, port);
        if (!QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }, timeoutMs))
            return response;
    }
    socket.write(bytes);
    QByteArray in;
    qsizetype headEnd = -1;
    qint64 length = -1;
    const QDeadlineTimer deadline(timeoutMs);
    (void)QTest::qWaitFor(
        [&] {
            in += socket.readAll();
            if (headEnd < 0) {
                headEnd = in.indexOf("\r\n\r\n");
                if (headEnd >= 0) {
                    response.head = in.first(headEnd);
                    const QList<QByteArray> lines = response.head.split('\n');
                    const QList<QByteArray> status = lines.first().split(' ');
                    response.status = status.size() > 1 ? status.at(1).toInt() : -1;
                    for (const QByteArray &line : lines) {
                        if (line.toLower().startsWith("content-length:"))
                            length = line.mid(15).trimmed().toLongLong();
                    }
                }
            }
            if (headEnd >= 0 && length >= 0 && in.size() >= headEnd + 4 + length)
                return true;
            return socket.state() == QAbstractSocket::UnconnectedState;
        },
        int(qMax<qint64>(1, deadline.remainingTime())));
    if (headEnd >= 0)
        response.body = in.mid(headEnd + 4, length >= 0 ? length : -1);
    // The server closes after an error answer (Connection: close): give it a moment to show.
    response.closed = QTest::qWaitFor(
        [&] {
            socket.readAll();
            return socket.state() == QAbstractSocket::UnconnectedState;
        },
        2000);
    return response;
}

FakeXmppServer::FakeXmppServer(Script script) : m_script(std::move(script))
{
    listen(QHostAddress::LocalHost, 0);
}

int FakeXmppServer::openConnections() const
{
    int open = 0;
    for (const QPointer<QTcpSocket> &socket : sockets) {
        if (socket && socket->state() == QAbstractSocket::ConnectedState)
            ++open;
    }
    return open;
}

void FakeXmppServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    socket->setSocketDescriptor(descriptor);
    sockets.append(socket);
    auto input = std::make_shared<QByteArray>();
    connect(socket, &QIODevice::readyRead, this, [this, socket, input] {
        *input += socket->readAll();
        m_script(socket, *input);
    });
    connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
}

QByteArray fakeStreamHeader()
{
    return "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
           "xmlns:stream='http://etherx.jabber.org/streams' id='fake1' from='fake.test' version='1.0'>";
}

QByteArray fakeFeatures()
{
    return "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
           "<mechanism>PLAIN</mechanism></mechanisms></stream:features>";
}

bool hasStreamHeader(const QByteArray &input)
{
    const qsizetype at = input.lastIndexOf("<stream:stream");
    return at >= 0 && input.indexOf('>', at) > at;
}

} // namespace Switchboard::Test
