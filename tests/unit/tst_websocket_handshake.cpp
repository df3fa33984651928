// SPDX-License-Identifier: GPL-3.0-or-later
// The WebSocket front's own handshake deadline over real loopback sockets: QWebSocketServer starts no
// handshake timer for a socket given to handleConnection(), so a handshake that never completes must
// be closed by the front, and one that completes must not be.
#include "base/config.h"
#include "http/httpmessage.h"
#include "monitor/hub.h"
#include "stream/streamregistry.h"
#include "websocket/websocketfront.h"
#include "xmpp/resolver.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Switchboard;

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

} // namespace

class tst_WebSocketHandshake : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void unfinishedHandshakeClosedAtDeadline();
    void finishedHandshakeOutlivesDeadline();

private:
    /// A connected pair on loopback: `client` is ours, the returned socket the server side (no parent).
    QTcpSocket *connectPair(QTcpServer &listener, QTcpSocket &client);
    static Http::Request upgradeHead();
    static QByteArray upgradeBytes();
};

QTcpSocket *tst_WebSocketHandshake::connectPair(QTcpServer &listener, QTcpSocket &client)
{
    if (!listener.isListening() && !listener.listen(QHostAddress::LocalHost, 0))
        return nullptr;
    client.connectToHost(QHostAddress::LocalHost, listener.serverPort());
    if (!listener.waitForNewConnection(5000))
        return nullptr;
    QTcpSocket *server = listener.nextPendingConnection();
    if (server)
        server->setParent(nullptr);
    return server;
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

void tst_WebSocketHandshake::unfinishedHandshakeClosedAtDeadline()
{
    FrontRig rig;
    WebSocket::WebSocketFront &front = rig.front;
    QTcpServer listener;
    QTcpSocket client;
    QTcpSocket *server = connectPair(listener, client);
    QVERIFY(server);
    // The head in the socket does not end (only part of it is there): Qt waits for the rest.
    client.write(upgradeBytes().first(60));
    QTRY_VERIFY(server->bytesAvailable() > 0);
    QVERIFY(front.handleUpgrade(server, upgradeHead()));
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::UnconnectedState, 5000);
    QCOMPARE(front.streamCount(), 0);
}

void tst_WebSocketHandshake::finishedHandshakeOutlivesDeadline()
{
    FrontRig rig;
    WebSocket::WebSocketFront &front = rig.front;
    QTcpServer listener;
    QTcpSocket client;
    QTcpSocket *server = connectPair(listener, client);
    QVERIFY(server);
    client.write(upgradeBytes());
    QTRY_COMPARE(server->bytesAvailable(), upgradeBytes().size());
    QVERIFY(front.handleUpgrade(server, upgradeHead()));
    QByteArray answer;
    QTRY_VERIFY((answer += client.readAll()).contains("\r\n\r\n"));
    QVERIFY2(answer.startsWith("HTTP/1.1 101"), answer.constData());
    QTRY_COMPARE(front.streamCount(), 1);
    QTest::qWait(
        1500); // longer than the handshake deadline: the established WebSocket stays (not a condition)
    QCOMPARE(client.state(), QAbstractSocket::ConnectedState);
    QCOMPARE(front.streamCount(), 1);
}

QTEST_GUILESS_MAIN(tst_WebSocketHandshake)
#include "tst_websocket_handshake.moc"
