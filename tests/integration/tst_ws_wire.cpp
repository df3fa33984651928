// SPDX-License-Identifier: GPL-3.0-or-later
// Switchboard's own RFC 6455 framing on ws://, driven with raw frames over a TCP socket against
// Switchboard in front of a real Prosody: a fragmented text message with a ping inside, ping and pong,
// the close codes of bad input (1002 unmasked, 1007 not UTF-8, 1009 too big), and both close
// handshakes (RFC 6455 §5.5.1, §7.1.1).
#include "base/limits.h"
#include "prosodyfixture.h"
#include "rawwebsocket.h"
#include "server.h"
#include "testmain.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTest>
#include <QtEndian>

using namespace Switchboard;
using namespace Switchboard::Test;

namespace {
/// A client frame, masked with a non-zero key (RawWebSocket's own frames use a zero one), or not.
QByteArray clientFrame(quint8 first, const QByteArray &payload, bool masked = true)
{
    QByteArray out(1, char(first));
    const quint8 maskBit = masked ? 0x80 : 0;
    if (payload.size() < 126) {
        out.append(char(maskBit | payload.size()));
    } else {
        out.append(char(maskBit | 126));
        uchar be[2];
        qToBigEndian(quint16(payload.size()), be);
        out.append(reinterpret_cast<const char *>(be), 2);
    }
    if (!masked)
        return out + payload;
    const char key[4] = {char(0xA5), char(0x01), char(0x7E), char(0xC3)};
    out.append(key, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        out.append(char(payload[i] ^ key[i % 4]));
    return out;
}

QByteArray closeBody(quint16 code)
{
    uchar be[2];
    qToBigEndian(code, be);
    return QByteArray(reinterpret_cast<const char *>(be), 2);
}
} // namespace

class tst_WsWire : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void fragmentedMessageWithPingInside();
    void pingGetsPongWithItsPayload();
    void pingsFromANonReaderGetOnePendingPong();
    void framesRightBehindTheHandshake();
    void unmaskedFrameIs1002();
    void invalidUtf8Is1007();
    void utf8SplitAcrossFragmentsIsFine();
    void oversizedFrameIs1009();
    void closeFromClientIsEchoed();
    void closeFromServerAwaitsTheClient();
    void clientThatNeverAnswersCloseIsDropped();

private:
    ProsodyFixture m_prosody;
    std::unique_ptr<Server> m_server;
    QByteArray m_path;
};

void tst_WsWire::initTestCase()
{
    QVERIFY2(m_prosody.start({QStringLiteral("alice")}), "Prosody did not start");
    Config config;
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.routes = {Route{QStringLiteral("localhost"), QStringLiteral("127.0.0.1"), m_prosody.c2sPort()}};
    config.noTlsDomains = {QStringLiteral("localhost")};
    config.workers = ProsodyFixture::testWorkers();
    config.workerAccept = ProsodyFixture::testWorkerAccept();
    config.connectTimeout = 10;
    config.wsMaxMessageSize = 4096;
    m_server = std::make_unique<Server>(config);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    m_path = m_server->webSocketUrl().path().toUtf8();
}

void tst_WsWire::cleanupTestCase()
{
    m_server.reset();
    m_prosody.stop();
}

void tst_WsWire::fragmentedMessageWithPingInside()
{
    RawWebSocket client;
    QVERIFY(client.open(m_server->port(), m_path));
    QVERIFY(client.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         m_prosody.password(QStringLiteral("alice")), QStringLiteral("frag")));
    // A message to ourselves, in three fragments (RFC 6455 §5.4) with a ping between two of them: it
    // reaches Prosody whole and comes back.
    const QByteArray stanza = "<message xmlns='jabber:client' type='chat' to='" + client.jid().toUtf8() +
                              "' id='frag1'><body>in pieces \xE2\x82\xAC</body></message>";
    const qsizetype third = stanza.size() / 3;
    QVERIFY(client.send(clientFrame(0x01, stanza.first(third))));
    QVERIFY(client.send(clientFrame(0x00, stanza.sliced(third, third))));
    QVERIFY(client.send(clientFrame(0x89, "mid")));
    QVERIFY(client.send(clientFrame(0x80, stanza.sliced(2 * third))));
    const QByteArray echoed = client.waitForText("id='frag1'");
    QVERIFY2(echoed.contains("<body>in pieces \xE2\x82\xAC</body>"), echoed.constData());
    QCOMPARE(client.lastPong(), QByteArray("mid"));
    QVERIFY(client.isOpen());
}

void tst_WsWire::pingGetsPongWithItsPayload()
{
    RawWebSocket client;
    QVERIFY(client.open(m_server->port(), m_path));
    // RFC 6455 §5.5.3: the Pong carries the Ping's application data.
    QVERIFY(client.send(clientFrame(0x89, QByteArray(125, 'q'))));
    QVERIFY(QTest::qWaitFor(
        [&] {
            (void)client.nextText(20); // reads what came
            return client.lastPong() == QByteArray(125, 'q');
        },
        5000));
    QVERIFY(client.isOpen());
}

void tst_WsWire::pingsFromANonReaderGetOnePendingPong()
{
    // Another session, there before the flood and still served after it.
    RawWebSocket other;
    QVERIFY(other.open(m_server->port(), m_path));
    QVERIFY(other.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                        m_prosody.password(QStringLiteral("alice")), QStringLiteral("other")));

    // A client with a small receive buffer sends Pings and reads nothing: twice as many Pong bytes as
    // the kernel's buffers can hold (Switchboard's send buffer grows to tcp_wmem's maximum at most).
    constexpr qint64 kReceiveBuffer = 4096;
    constexpr int kPongSize = 127; // 2 header bytes and 125 of the Ping's application data
    qint64 sendBufferMax = 4 * 1024 * 1024;
    QFile wmem(QStringLiteral("/proc/sys/net/ipv4/tcp_wmem"));
    if (wmem.open(QIODevice::ReadOnly))
        sendBufferMax =
            wmem.readAll().simplified().split(' ').value(2, QByteArray::number(sendBufferMax)).toLongLong();
    // What the kernel (both sides, SO_RCVBUF counts double) and the client's read buffer can hold,
    // plus the Pong that was partly written and the one kept for the last Ping.
    const qint64 atMost = (sendBufferMax + 3 * kReceiveBuffer) / kPongSize + 2;
    constexpr int kBatch = 1024;
    const int pings = int(((2 * atMost) / kBatch + 1) * kBatch);
    RawWebSocket flooder(kReceiveBuffer);
    QVERIFY(flooder.open(m_server->port(), m_path));
    QVERIFY(
        flooder.sendText("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>"));
    QVERIFY(!flooder.waitForText("<stream:features").isEmpty());
    const auto payload = [](int i) -> QByteArray { return QByteArray::number(i).rightJustified(125, '0'); };
    for (int sent = 0; sent < pings;) {
        QByteArray batch;
        for (int i = 0; i < kBatch; ++i, ++sent)
            batch += clientFrame(0x89, payload(sent));
        QVERIFY2(flooder.send(batch), qPrintable(QString::number(sent)));
    }
    // RFC 6455 §5.5.3: Switchboard may answer only the most recent Ping, and keeps at most one Pong
    // waiting while the client does not read: once it reads, the last Ping has its Pong, and no more
    // Pongs came than the buffers on the way held.
    flooder.socket().setReadBufferSize(0);
    QVERIFY2(QTest::qWaitFor(
                 [&] {
                     (void)flooder.nextText(20); // reads what came
                     return flooder.lastPong() == payload(pings - 1) || !flooder.isOpen();
                 },
                 20000),
             flooder.lastPong().constData());
    QVERIFY2(flooder.pongs() <= atMost,
             qPrintable(QStringLiteral("%1 Pongs for %2 Pings").arg(flooder.pongs()).arg(pings)));
    QVERIFY(flooder.isOpen());
    QVERIFY(flooder.roundTrip());

    const QByteArray stanza = "<message xmlns='jabber:client' type='chat' to='" + other.jid().toUtf8() +
                              "' id='after-flood'><body>still here</body></message>";
    QVERIFY(other.sendText(stanza));
    QVERIFY(!other.waitForText("id='after-flood'").isEmpty());
}

void tst_WsWire::framesRightBehindTheHandshake()
{
    // Frames sent with the handshake, before the 101: they wait in the socket and are read once the
    // stream exists.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server->port());
    QVERIFY(QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }, 5000));
    socket.write(
        "GET " + m_path +
        " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Protocol: xmpp\r\n\r\n" +
        clientFrame(0x81,
                    "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>"));
    QByteArray in;
    QVERIFY(QTest::qWaitFor([&] { return (in += socket.readAll()).contains("<stream:features"); }, 10000));
    QVERIFY2(in.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), in.constData());
    QVERIFY(in.contains("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'"));
}

void tst_WsWire::unmaskedFrameIs1002()
{
    RawWebSocket client;
    QVERIFY(client.open(m_server->port(), m_path));
    // RFC 6455 §5.1: a server closes the connection on an unmasked client frame.
    client.socket().write(clientFrame(0x81, "<open/>", false));
    QVERIFY(client.waitForClose());
    QCOMPARE(client.closeCode(), 1002);
    QVERIFY(client.waitForDisconnected());
}

void tst_WsWire::invalidUtf8Is1007()
{
    RawWebSocket client;
    QVERIFY(client.open(m_server->port(), m_path));
    client.socket().write(clientFrame(0x81, "<message>\xC0\xAF</message>"));
    QVERIFY(client.waitForClose());
    QCOMPARE(client.closeCode(), 1007);
    QVERIFY(client.waitForDisconnected());
}

void tst_WsWire::utf8SplitAcrossFragmentsIsFine()
{
    RawWebSocket client;
    QVERIFY(client.open(m_server->port(), m_path));
    // "é" is C3 A9: one byte in each fragment. The message is a good <open/>.
    const QByteArray open =
        "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0' id='caf\xC3\xA9'/>";
    const qsizetype cut = open.indexOf('\xC3') + 1;
    QVERIFY(client.send(clientFrame(0x01, open.first(cut))));
    QVERIFY(client.send(clientFrame(0x80, open.sliced(cut))));
    QVERIFY(!client.waitForText("<stream:features").isEmpty());
    QCOMPARE(client.closeCode(), -1);
}

void tst_WsWire::oversizedFrameIs1009()
{
    RawWebSocket client;
    QVERIFY(client.open(m_server->port(), m_path));
    const quint64 before = m_server->limits()->hits(Limits::Limit::WsMaxMessageSize);
    // A header announcing far more than ws_max_message_size (plus its margin): refused from the header.
    client.socket().write(RawWebSocket::frameHeader(0x1, true, 1 << 20));
    QVERIFY(client.waitForClose());
    QCOMPARE(client.closeCode(), 1009);
    QVERIFY(client.waitForDisconnected());
    QCOMPARE(m_server->limits()->hits(Limits::Limit::WsMaxMessageSize), before + 1);
}

void tst_WsWire::closeFromClientIsEchoed()
{
    RawWebSocket client;
    QVERIFY(client.open(m_server->port(), m_path));
    QVERIFY(
        client.sendText("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>"));
    QVERIFY(!client.waitForText("<stream:features").isEmpty());
    // RFC 6455 §5.5.1: the server answers with a Close echoing the code, then (§7.1.1) closes TCP first.
    client.socket().write(clientFrame(0x88, closeBody(4000)));
    QVERIFY(client.waitForClose());
    QCOMPARE(client.closeCode(), 4000);
    QVERIFY(client.waitForDisconnected(3000));
}

void tst_WsWire::closeFromServerAwaitsTheClient()
{
    RawWebSocket client;
    QVERIFY(client.open(m_server->port(), m_path));
    QVERIFY(
        client.sendText("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>"));
    QVERIFY(!client.waitForText("<stream:features").isEmpty());
    // RFC 7395 §3.6: <close/> from the client, answered with <close/> and a WebSocket Close (1000). The
    // connection stays until the client's Close, then the server ends it, long before its deadline.
    QVERIFY(client.sendText("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>"));
    QVERIFY(!client.waitForText("<close").isEmpty());
    QVERIFY(client.waitForClose());
    QCOMPARE(client.closeCode(), 1000);
    QVERIFY(client.isOpen());
    QElapsedTimer elapsed;
    elapsed.start();
    client.socket().write(clientFrame(0x88, closeBody(1000)));
    QVERIFY(client.waitForDisconnected(3000));
    QVERIFY2(elapsed.elapsed() < 3000, qPrintable(QString::number(elapsed.elapsed())));
}

void tst_WsWire::clientThatNeverAnswersCloseIsDropped()
{
    RawWebSocket client;
    QVERIFY(client.open(m_server->port(), m_path));
    QVERIFY(client.sendText("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>"));
    QVERIFY(client.waitForClose());
    QVERIFY(client.isOpen());
    // No Close from us: the server waits a bounded time for it, then drops the connection.
    QVERIFY(client.waitForDisconnected(15000));
}

SWITCHBOARD_TEST_MAIN(tst_WsWire)
#include "tst_ws_wire.moc"
