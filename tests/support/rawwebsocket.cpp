// SPDX-License-Identifier: GPL-3.0-or-later
#include "rawwebsocket.h"

#include "loopback.h"

#include <QSslSocket>
#include <QTest>
#include <QtEndian>

#include <unistd.h>

namespace Switchboard::Test {

RawWebSocket::RawWebSocket(qint64 receiveBuffer, Transport transport)
    : m_socket(transport == Transport::Tls ? std::make_unique<QSslSocket>() : std::make_unique<QTcpSocket>()),
      m_tls(transport == Transport::Tls), m_receiveBuffer(receiveBuffer)
{
    if (receiveBuffer > 0)
        m_socket->setReadBufferSize(receiveBuffer);
}

bool RawWebSocket::open(quint16 port, const QByteArray &path)
{
    if (m_tls) {
        auto *tls = static_cast<QSslSocket *>(m_socket.get());
        tls->connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
        if (!QTest::qWaitFor(
                [&] { return tls->isEncrypted() || tls->state() == QAbstractSocket::UnconnectedState; },
                10000) ||
            !tls->isEncrypted())
            return false;
    } else if (m_receiveBuffer > 0) {
        // SO_RCVBUF before the connection (Qt sets options only on a connected socket; lowering the
        // buffer later leaves a window the kernel then keeps shut).
        const int descriptor = connectLoopback(port, int(m_receiveBuffer));
        if (descriptor < 0 || !m_socket->setSocketDescriptor(descriptor)) {
            if (descriptor >= 0)
                ::close(descriptor);
            return false;
        }
    } else {
        m_socket->connectToHost(QHostAddress::LocalHost, port);
        if (!QTest::qWaitFor([&] { return m_socket->state() == QAbstractSocket::ConnectedState; }, 5000))
            return false;
    }
    m_socket->write("GET " + path +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    "Sec-WebSocket-Protocol: xmpp\r\n\r\n");
    const bool headDone = QTest::qWaitFor(
        [&] {
            m_in += m_socket->readAll();
            return m_in.contains("\r\n\r\n") || m_socket->state() != QAbstractSocket::ConnectedState;
        },
        5000);
    if (!headDone || !m_in.startsWith("HTTP/1.1 101"))
        return false;
    m_in.remove(0, m_in.indexOf("\r\n\r\n") + 4);
    parse();
    return true;
}

QByteArray RawWebSocket::frameHeader(quint8 opcode, bool final, quint64 length)
{
    QByteArray header;
    header.append(char((final ? 0x80 : 0x00) | opcode));
    if (length < 126) {
        header.append(char(0x80 | length));
    } else if (length <= 0xffff) {
        header.append(char(0x80 | 126));
        const quint16 big = qToBigEndian(quint16(length));
        header.append(reinterpret_cast<const char *>(&big), 2);
    } else {
        header.append(char(0x80 | 127));
        const quint64 big = qToBigEndian(length);
        header.append(reinterpret_cast<const char *>(&big), 8);
    }
    header.append(4, '\0'); // the masking key
    return header;
}

bool RawWebSocket::send(const QByteArray &bytes)
{
    m_socket->write(bytes);
    return QTest::qWaitFor(
               [&] {
                   return m_socket->bytesToWrite() == 0 ||
                          m_socket->state() != QAbstractSocket::ConnectedState;
               },
               5000) &&
           isOpen();
}

bool RawWebSocket::roundTrip()
{
    const int before = m_pongs;
    if (!send(frameHeader(0x9, true, 4) + "sync"))
        return false;
    const bool answered = QTest::qWaitFor(
        [&] {
            m_in += m_socket->readAll();
            parse();
            return m_pongs > before || !isOpen();
        },
        5000);
    return answered && isOpen();
}

void RawWebSocket::parse()
{
    for (;;) {
        if (m_in.size() < 2)
            return;
        const quint8 opcode = quint8(m_in.at(0)) & 0x0f;
        const bool final = (quint8(m_in.at(0)) & 0x80) != 0;
        quint64 length = quint8(m_in.at(1)) & 0x7f;
        qsizetype offset = 2;
        if (length == 126) {
            if (m_in.size() < 4)
                return;
            length = qFromBigEndian<quint16>(m_in.constData() + 2);
            offset = 4;
        } else if (length == 127) {
            if (m_in.size() < 10)
                return;
            length = qFromBigEndian<quint64>(m_in.constData() + 2);
            offset = 10;
        }
        // Server frames are not masked (RFC 6455 §5.1).
        if (quint64(m_in.size() - offset) < length)
            return;
        const QByteArray payload = m_in.mid(offset, qsizetype(length));
        m_in.remove(0, offset + qsizetype(length));
        if (opcode == 0xA) {
            ++m_pongs;
            m_lastPong = payload;
        } else if (opcode == 0x8) {
            m_closeCode = payload.size() >= 2 ? qFromBigEndian<quint16>(payload.constData()) : 1005;
        } else if (opcode == 0x1 || opcode == 0x0) {
            m_partial += payload;
            if (final) {
                m_texts.append(m_partial);
                m_partial.clear();
            }
        }
    }
}

QByteArray RawWebSocket::nextText(int timeoutMs)
{
    (void)QTest::qWaitFor(
        [&] {
            m_in += m_socket->readAll();
            parse();
            return !m_texts.isEmpty() || !isOpen();
        },
        timeoutMs);
    return m_texts.isEmpty() ? QByteArray() : m_texts.takeFirst();
}

bool RawWebSocket::waitForClose(int timeoutMs)
{
    (void)QTest::qWaitFor(
        [&] {
            m_in += m_socket->readAll();
            parse();
            return m_closeCode >= 0 || !isOpen();
        },
        timeoutMs);
    m_in += m_socket->readAll();
    parse();
    return m_closeCode >= 0;
}

bool RawWebSocket::waitForDisconnected(int timeoutMs)
{
    return QTest::qWaitFor(
        [&] {
            m_in += m_socket->readAll();
            parse();
            return m_socket->state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
}

QByteArray RawWebSocket::waitForText(const QByteArray &needle, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        const QByteArray text = nextText(int(qMax<qint64>(1, deadline.remainingTime())));
        if (text.contains(needle))
            return text;
        if (text.isEmpty() && !isOpen())
            return {};
    }
    return {};
}

bool RawWebSocket::login(const QString &domain, const QString &user, const QString &password,
                         const QString &resource)
{
    const QByteArray open =
        "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='" + domain.toUtf8() + "' version='1.0'/>";
    if (!sendText(open) || waitForText("<stream:features").isEmpty())
        return false;
    const QByteArray plain = '\0' + user.toUtf8() + '\0' + password.toUtf8();
    sendText("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + plain.toBase64() +
             "</auth>");
    if (waitForText("<success").isEmpty())
        return false;
    if (!sendText(open) || waitForText("<stream:features").isEmpty())
        return false;
    sendText(
        "<iq xmlns='jabber:client' type='set' id='rawbind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
        "<resource>" +
        resource.toUtf8() + "</resource></bind></iq>");
    const QByteArray bound = waitForText("<jid>");
    if (bound.isEmpty())
        return false;
    const qsizetype start = bound.indexOf("<jid>") + 5;
    m_jid = QString::fromUtf8(bound.mid(start, bound.indexOf("</jid>") - start));
    return true;
}

} // namespace Switchboard::Test
