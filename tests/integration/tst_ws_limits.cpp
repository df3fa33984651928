// SPDX-License-Identifier: GPL-3.0-or-later
// What a hostile WebSocket client can make Switchboard hold (docs/SECURITY.md), over real sockets: a
// frame that declares a huge length and then streams, a message that grows fragment by fragment, a
// connection that never opens an XMPP stream. None of these reaches the XMPP server, so no server runs.
#include "base/limits.h"
#include "hardening.h"
#include "rawwebsocket.h"
#include "server.h"
#include "testmain.h"

#include <QElapsedTimer>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>

using namespace Switchboard;

using namespace Switchboard::Test;

class tst_WsLimits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void hugeFrameIsCutOff();
    void growingMessageIsCutOff();
    void messageJustOverTheCapGetsStreamError();
    void noOpenWithinConnectTimeout();

private:
    void startServer(int connectTimeout);

    std::unique_ptr<Server> m_server;
    static constexpr qint64 kMaxMessage = 65536;
    /// What the server may buffer beyond ws_max_message_size (docs/SECURITY.md: "a small margin").
    static constexpr qint64 kMargin = 16384;
};

void tst_WsLimits::init()
{
    // Far beyond what any test here takes: only the test of that deadline meets it.
    startServer(60);
}

void tst_WsLimits::startServer(int connectTimeout)
{
    m_server.reset();
    Config config;
    config.workers = 1; // one event loop: this test is not about threads
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    // Nothing listens there: no test here gets as far as the XMPP server.
    config.routes = {Route{QStringLiteral("localhost"), QStringLiteral("127.0.0.1"), 1}};
    config.noTlsDomains = {QStringLiteral("localhost")};
    config.wsMaxMessageSize = kMaxMessage;
    config.connectTimeout = connectTimeout;
    config.wsPingInterval = 1;
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
    QCOMPARE(m_server->limits()->hits(Limits::Limit::WsMaxMessageSize), 1u);
    // The refusal is counted where operators look: /metrics.
    const RawResponse metrics = rawExchange(
        m_server->port(), "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    QCOMPARE(metrics.status, 200);
    QVERIFY2(metrics.body.contains("switchboard_limit_refusals_total{limit=\"ws_max_message_size\"} 1\n"),
             metrics.body.constData());
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
    QCOMPARE(m_server->limits()->hits(Limits::Limit::WsMaxMessageSize), 1u);
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

void tst_WsLimits::noOpenWithinConnectTimeout()
{
    // A WebSocket that never opens an XMPP stream but answers every ping (QWebSocket does so by itself)
    // must not hold its connection for ever: connect_timeout bounds the wait for <open/>.
    startServer(2);
    if (QTest::currentTestFailed())
        return;
    QWebSocket client;
    QSignalSpy messages(&client, &QWebSocket::textMessageReceived);
    QSignalSpy disconnected(&client, &QWebSocket::disconnected);
    QNetworkRequest request(m_server->webSocketUrl());
    request.setRawHeader("Sec-WebSocket-Protocol", "xmpp");
    client.open(request);
    QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
    QElapsedTimer elapsed;
    elapsed.start();
    QTRY_VERIFY_WITH_TIMEOUT(!disconnected.isEmpty(), 15000);
    QVERIFY2(elapsed.elapsed() >= 1000, qPrintable(QString::number(elapsed.elapsed())));
    QVERIFY(!messages.isEmpty());
    const QString error = messages.first().first().toString();
    QVERIFY2(error.contains(u"<stream:error") && error.contains(u"<connection-timeout"), qPrintable(error));
    QTRY_COMPARE(m_server->connectionCount(), 0);
}

SWITCHBOARD_TEST_MAIN(tst_WsLimits)
#include "tst_ws_limits.moc"
