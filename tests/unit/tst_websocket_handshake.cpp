// SPDX-License-Identifier: GPL-3.0-or-later
// The WebSocket front's plain ws:// handshake (RFC 6455 §4.2.2) over real loopback sockets: the 101
// with its Sec-WebSocket-Accept, refusals (426 naming the version spoken, 400), a head that is not
// whole refused at once, and an established WebSocket outliving the HTTP request deadline. And the
// wss:// path's own deadline: QWebSocketServer starts no handshake timer for a socket given to
// handleConnection(), so a handshake that never completes must be closed by the front.
#include "base/config.h"
#include "base/plainsocket.h"
#include "http/httpmessage.h"
#include "monitor/hub.h"
#include "stream/streamregistry.h"
#include "websocket/websocketfront.h"
#include "xmpp/resolver.h"

#include "loopback.h"

#include <QSignalSpy>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Switchboard;
using Test::DescriptorServer;

namespace {

/// A WebSocket front with a handshake deadline of one second (http_request_timeout) and what it needs.
struct FrontRig
{
    static Config oneSecondConfig()
    {
        Config config;
        config.httpRequestTimeout = 1;
        return config;
    }
    Config config = oneSecondConfig();
    Monitor::Hub hub;
    Xmpp::Resolver resolver{config};
    Stream::StreamRegistry streams;
    WebSocket::WebSocketFront front{config, &resolver, &hub, &streams};
};

/// What the HTTP front does before it hands a plain socket over: it reads the head.
QByteArray readHead(PlainSocket *socket, qsizetype size)
{
    QByteArray received;
    const bool whole = QTest::qWaitFor(
        [&] {
            received += socket->read(64 * 1024).data;
            return received.size() >= size;
        },
        5000);
    Q_UNUSED(whole); // the caller compares what came
    return received;
}

} // namespace

class tst_WebSocketHandshake : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void unfinishedHeadRefused();
    void finishedHandshakeOutlivesDeadline();
    void wrongVersionGets426();
    void unfinishedWssHandshakeClosedAtDeadline();

private:
    /// A connected pair on loopback: `client` is ours, the returned descriptor the server side.
    qintptr connectPair(DescriptorServer &listener, QTcpSocket &client);
    static Http::Request upgradeHead();
    static QByteArray upgradeBytes();
};

qintptr tst_WebSocketHandshake::connectPair(DescriptorServer &listener, QTcpSocket &client)
{
    if (!listener.isListening() && !listener.listenOnLoopback())
        return -1;
    client.connectToHost(QHostAddress::LocalHost, listener.serverPort());
    return listener.takeNext();
}

Http::Request tst_WebSocketHandshake::upgradeHead()
{
    // What the HTTP front passes along with the socket: the parsed copy of the head in the socket.
    Http::Request head;
    head.method = "GET";
    head.target = head.path = "/xmpp-websocket";
    head.headers = {{"host", "localhost"},           {"upgrade", "websocket"},
                    {"connection", "Upgrade"},       {"sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="},
                    {"sec-websocket-version", "13"}, {"sec-websocket-protocol", "xmpp"}};
    return head;
}

QByteArray tst_WebSocketHandshake::upgradeBytes()
{
    return "GET /xmpp-websocket HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
           "Sec-WebSocket-Protocol: xmpp\r\n\r\n";
}

void tst_WebSocketHandshake::unfinishedHeadRefused()
{
    FrontRig rig;
    WebSocket::WebSocketFront &front = rig.front;
    DescriptorServer listener;
    QTcpSocket client;
    const qintptr descriptor = connectPair(listener, client);
    QVERIFY(descriptor >= 0);
    auto *server = new PlainSocket(descriptor);
    // The head read does not end (only part of it is there): the HTTP front never hands such a socket
    // over, and the front does not wait for the rest.
    client.write(upgradeBytes().first(60));
    const QByteArray received = readHead(server, 60);
    QCOMPARE(received.size(), 60);
    QVERIFY(front.handleUpgrade(Http::Transport(server), received, upgradeHead()));
    QByteArray answer;
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::UnconnectedState, 5000);
    answer += client.readAll();
    QVERIFY2(answer.startsWith("HTTP/1.1 400"), answer.constData());
    QCOMPARE(front.streamCount(), 0);
}

void tst_WebSocketHandshake::finishedHandshakeOutlivesDeadline()
{
    FrontRig rig;
    WebSocket::WebSocketFront &front = rig.front;
    DescriptorServer listener;
    QTcpSocket client;
    const qintptr descriptor = connectPair(listener, client);
    QVERIFY(descriptor >= 0);
    auto *server = new PlainSocket(descriptor);
    client.write(upgradeBytes());
    const QByteArray received = readHead(server, upgradeBytes().size());
    QCOMPARE(received, upgradeBytes());
    QVERIFY(front.handleUpgrade(Http::Transport(server), received, upgradeHead()));
    QByteArray answer;
    QTRY_VERIFY((answer += client.readAll()).contains("\r\n\r\n"));
    QVERIFY2(answer.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), answer.constData());
    // RFC 6455 §1.3's example key and its answer.
    QVERIFY2(answer.contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"),
             answer.constData());
    QVERIFY2(answer.contains("\r\nSec-WebSocket-Protocol: xmpp\r\n"), answer.constData());
    QVERIFY2(!answer.contains("Sec-WebSocket-Extensions"), answer.constData());
    QTRY_COMPARE(front.streamCount(), 1);
    QTest::qWait(
        1500); // longer than the handshake deadline: the established WebSocket stays (not a condition)
    QCOMPARE(client.state(), QAbstractSocket::ConnectedState);
    QCOMPARE(front.streamCount(), 1);
}

void tst_WebSocketHandshake::wrongVersionGets426()
{
    FrontRig rig;
    DescriptorServer listener;
    QTcpSocket client;
    const qintptr descriptor = connectPair(listener, client);
    QVERIFY(descriptor >= 0);
    auto *server = new PlainSocket(descriptor);
    QByteArray bytes = upgradeBytes();
    bytes.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8");
    client.write(bytes);
    const QByteArray received = readHead(server, bytes.size());
    QCOMPARE(received, bytes);
    Http::Request head = upgradeHead();
    for (auto &[name, value] : head.headers) {
        if (name == "sec-websocket-version")
            value = "8";
    }
    QVERIFY(rig.front.handleUpgrade(Http::Transport(server), received, head));
    QByteArray answer;
    QTRY_VERIFY((answer += client.readAll()).contains("\r\n\r\n"));
    // RFC 6455 §4.2.2 item 4: 426 and the version this server speaks.
    QVERIFY2(answer.startsWith("HTTP/1.1 426"), answer.constData());
    QVERIFY2(answer.contains("\r\nSec-WebSocket-Version: 13\r\n"), answer.constData());
    QCOMPARE(rig.front.streamCount(), 0);
}

void tst_WebSocketHandshake::unfinishedWssHandshakeClosedAtDeadline()
{
    FrontRig rig;
    DescriptorServer listener;
    QTcpSocket client;
    const qintptr descriptor = connectPair(listener, client);
    QVERIFY(descriptor >= 0);
    // A socket of the TLS listener (QWebSocketServer reads through it; TLS itself plays no part here:
    // an unencrypted QSslSocket passes the bytes through). The head in it does not end: Qt waits for
    // the rest, until the front's deadline.
    auto *server = new QSslSocket;
    QVERIFY(server->setSocketDescriptor(descriptor));
    client.write(upgradeBytes().first(60));
    QTRY_VERIFY(server->bytesAvailable() > 0);
    Http::Request head = upgradeHead();
    head.secure = true;
    QVERIFY(rig.front.handleUpgrade(Http::Transport(server), QByteArray(), head));
    QTest::qWait(300); // not yet the deadline (1 s): the connection is still there (not a condition)
    QCOMPARE(client.state(), QAbstractSocket::ConnectedState);
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::UnconnectedState, 5000);
    QCOMPARE(rig.front.streamCount(), 0);
}

QTEST_GUILESS_MAIN(tst_WebSocketHandshake)
#include "tst_websocket_handshake.moc"
