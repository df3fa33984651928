// SPDX-License-Identifier: GPL-3.0-or-later
// What a hostile WebSocket client can make Switchboard hold (docs/SECURITY.md), over real sockets: a
// frame that declares a huge length and then streams, a message that grows fragment by fragment, a
// connection that never opens an XMPP stream. None of these reaches the XMPP server, so no server runs.
#include "base/limits.h"
#include "server.h"
#include "testmain.h"

#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>
#include <QtEndian>

using namespace Switchboard;

namespace {

/// A WebSocket client written by hand, so it can send what QWebSocket never would.
class RawWebSocket
{
public:
    /// Connects to 127.0.0.1:port and completes the opening handshake (RFC 6455 §4.1) for `path`.
    bool open(quint16 port, const QByteArray &path)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        if (!QTest::qWaitFor([&] { return m_socket.state() == QAbstractSocket::ConnectedState; }, 5000))
            return false;
        m_socket.write("GET " + path +
                       " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                       "Sec-WebSocket-Protocol: xmpp\r\n\r\n");
        const bool headDone = QTest::qWaitFor(
            [&] {
                m_in += m_socket.readAll();
                return m_in.contains("\r\n\r\n") || m_socket.state() != QAbstractSocket::ConnectedState;
            },
            5000);
        if (!headDone || !m_in.startsWith("HTTP/1.1 101"))
            return false;
        m_in.remove(0, m_in.indexOf("\r\n\r\n") + 4);
        return true;
    }

    /// A client frame header (masked, RFC 6455 §5.2) announcing `length` payload bytes. The masking key
    /// is zero, so the payload goes out as it is.
    static QByteArray frameHeader(quint8 opcode, bool final, quint64 length)
    {
        QByteArray header;
        header.append(char((final ? 0x80 : 0x00) | opcode));
        if (length < 126) {
            header.append(char(0x80 | length));
        } else if (length <= 0xffff) {
            header.append(char(0x80 | 126));
            quint16 big = qToBigEndian(quint16(length));
            header.append(reinterpret_cast<const char *>(&big), 2);
        } else {
            header.append(char(0x80 | 127));
            quint64 big = qToBigEndian(length);
            header.append(reinterpret_cast<const char *>(&big), 8);
        }
        header.append(4, '\0');
        return header;
    }

    /// Writes `bytes` and returns once the socket has handed them to the kernel, or it is closed.
    /// Between writes the event loop runs, so the server in this thread reads what arrived.
    bool send(const QByteArray &bytes)
    {
        m_socket.write(bytes);
        return QTest::qWaitFor(
                   [&] {
                       return m_socket.bytesToWrite() == 0 ||
                              m_socket.state() != QAbstractSocket::ConnectedState;
                   },
                   5000) &&
               m_socket.state() == QAbstractSocket::ConnectedState;
    }

    /// Sends a ping and waits for its pong: every byte sent before it has then been read by the server
    /// (RFC 6455 §5.5.2, §5.4: control frames may come between the fragments of a message). False
    /// when the connection closes first.
    bool roundTrip()
    {
        static const QByteArray ping = frameHeader(0x9, true, 4) + "sync";
        if (!send(ping))
            return false;
        const bool answered = QTest::qWaitFor(
            [&] {
                m_in += m_socket.readAll();
                return m_in.contains("sync") || m_socket.state() != QAbstractSocket::ConnectedState;
            },
            5000);
        m_in.clear();
        return answered && m_socket.state() == QAbstractSocket::ConnectedState;
    }

    bool isOpen() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    QTcpSocket &socket() { return m_socket; }

private:
    QTcpSocket m_socket;
    QByteArray m_in;
};

} // namespace

class tst_WsLimits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void hugeFrameIsCutOff();
    void growingMessageIsCutOff();
    void messageJustOverTheCapGetsStreamError();

private:
    std::unique_ptr<Server> m_server;
    static constexpr qint64 kMaxMessage = 65536;
    /// What the server may buffer beyond ws_max_message_size (docs/SECURITY.md: "a small margin").
    static constexpr qint64 kMargin = 16384;
};

void tst_WsLimits::init()
{
    Config config;
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    // Nothing listens there: no test here gets as far as the XMPP server.
    config.routes = {Route{QStringLiteral("localhost"), QStringLiteral("127.0.0.1"), 1}};
    config.noTlsDomains = {QStringLiteral("localhost")};
    config.wsMaxMessageSize = kMaxMessage;
    m_server = std::make_unique<Server>(config);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
}

void tst_WsLimits::cleanup()
{
    m_server.reset();
}

void tst_WsLimits::hugeFrameIsCutOff()
{
    // One text frame that announces 1 GiB, then its payload streamed: the server must close before it
    // holds much more than ws_max_message_size, not buffer the frame to check it when it is complete.
    RawWebSocket client;
    QVERIFY(client.open(m_server->port(), m_server->webSocketUrl().path().toUtf8()));
    constexpr qint64 kChunk = 16384;
    constexpr qint64 kBudget = 8 * 1024 * 1024;
    qint64 sent = 0;
    bool open = client.send(RawWebSocket::frameHeader(0x1, true, quint64(1) << 30));
    const QByteArray chunk(kChunk, 'x');
    while (open && sent < kBudget) {
        open = client.send(chunk);
        if (open)
            sent += kChunk;
    }
    QVERIFY2(!open, qPrintable(QStringLiteral("still open after %1 bytes of the frame").arg(sent)));
    QVERIFY2(sent <= kMaxMessage + kMargin, qPrintable(QStringLiteral("closed after %1 bytes").arg(sent)));
    QTRY_COMPARE(m_server->connectionCount(), 0);
    QCOMPARE(m_server->limits()->hits().value(QStringLiteral("ws_max_message_size")), 1u);
}

void tst_WsLimits::growingMessageIsCutOff()
{
    // A text message in fragments, each one small: what the server collects is the whole message.
    // After each fragment a ping/pong shows the server has read everything so far, so the count of
    // bytes sent when the connection closes is what the server had taken in.
    RawWebSocket client;
    QVERIFY(client.open(m_server->port(), m_server->webSocketUrl().path().toUtf8()));
    constexpr qint64 kFragment = 4096;
    const QByteArray payload(kFragment, 'x');
    qint64 sent = 0;
    bool open = true;
    for (bool first = true; open && sent < 64 * kMaxMessage; first = false) {
        open = client.send(RawWebSocket::frameHeader(first ? 0x1 : 0x0, false, kFragment) + payload) &&
               client.roundTrip();
        if (open)
            sent += kFragment;
    }
    QVERIFY2(!open, qPrintable(QStringLiteral("still open after %1 bytes of one message").arg(sent)));
    QVERIFY2(sent <= kMaxMessage + kMargin, qPrintable(QStringLiteral("closed after %1 bytes").arg(sent)));
    QTRY_COMPARE(m_server->connectionCount(), 0);
    QCOMPARE(m_server->limits()->hits().value(QStringLiteral("ws_max_message_size")), 1u);
}

void tst_WsLimits::messageJustOverTheCapGetsStreamError()
{
    // Within the margin the message still reaches the XMPP layer, which answers with a stream error.
    QWebSocket client;
    QSignalSpy messages(&client, &QWebSocket::textMessageReceived);
    QSignalSpy disconnected(&client, &QWebSocket::disconnected);
    QNetworkRequest request(m_server->webSocketUrl());
    request.setRawHeader("Sec-WebSocket-Protocol", "xmpp");
    client.open(request);
    QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
    client.sendTextMessage(QString(kMaxMessage + 100, u'x'));
    QVERIFY(disconnected.wait(5000) || !disconnected.isEmpty());
    QVERIFY(!messages.isEmpty());
    QVERIFY2(messages.first().first().toString().contains(u"policy-violation"),
             qPrintable(messages.first().first().toString()));
}

SWITCHBOARD_TEST_MAIN(tst_WsLimits)
#include "tst_ws_limits.moc"
