// SPDX-License-Identifier: GPL-3.0-or-later
// Hostile input and limits over real sockets (issue 5 §2, §3; docs/SECURITY.md). Each case sends what
// an attacker might and checks the clean error; after each, a normal BOSH and WebSocket login must
// still work and the session count and this process's open descriptors must be back where they were.
#include "base/limits.h"
#include "boshclient.h"
#include "hardening.h"
#include "prosodyfixture.h"
#include "server.h"
#include "wsclient.h"

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

using namespace Switchboard;
using namespace Switchboard::Test;

namespace {

QByteArray post(const QByteArray &body, const QByteArray &extraHeaders = {})
{
    return "POST /http-bind/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n" + extraHeaders +
           "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

const QByteArray kCreate = "<body rid='1' to='localhost' wait='5' hold='1' ver='1.6' "
                           "xmlns='http://jabber.org/protocol/httpbind'/>";

} // namespace

class tst_HardHostile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void hostileHttp_data();
    void hostileHttp();
    void hostileWebSocket_data();
    void hostileWebSocket();
    void oversizedStanzaEndsSession();

    void sessionsPerAddress();
    void newSessionsPerMinute();
    void totalSessions();
    void connectionsPerAddressAndTotal();
    void slowRequestIsCutOff();
    void idleKeepAliveCloses();
    void manyConnections();

private:
    Config baseConfig() const;
    /// A normal BOSH and WebSocket login through `server` still work; then sessions and descriptors
    /// return to the baseline.
    void checkStillWorks(Server &server);
    void recordBaseline(Server &server);

    ProsodyFixture m_prosody;
    std::unique_ptr<Server> m_server;
    int m_baselineFds = 0;
};

Config tst_HardHostile::baseConfig() const
{
    Config config = m_prosody.backendConfig();
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.maxHeaderSize = 2048;
    config.maxHeaderCount = 20;
    config.maxDataHeld = 16384;
    config.maxStanzaSize = 4096;
    config.maxXmlDepth = 16;
    config.wsMaxMessageSize = 4096;
    config.maxNewSessionsPerIp = 100000; // this suite logs in after every case; tested on its own below
    return config;
}

void tst_HardHostile::initTestCase()
{
    QVERIFY2(m_prosody.start(), "Prosody did not start");
    m_server = std::make_unique<Server>(baseConfig());
    QVERIFY(m_server->start());
    recordBaseline(*m_server);
}

void tst_HardHostile::cleanupTestCase()
{
    m_server.reset();
    m_prosody.stop();
}

void tst_HardHostile::recordBaseline(Server &server)
{
    // One login of each kind first, so lazily made objects (DNS, TLS backend, thread pools) exist.
    checkStillWorks(server);
    m_baselineFds = openDescriptorCount();
}

void tst_HardHostile::checkStillWorks(Server &server)
{
    {
        BoshClient bosh(server.boshUrl());
        QString error;
        QVERIFY2(bosh.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                            m_prosody.password(QStringLiteral("alice")), &error),
                 qPrintable(error));
        QVERIFY(bosh.terminate().isTerminate());
        WsClient ws(server.webSocketUrl());
        QVERIFY(ws.connectSocket());
        QVERIFY2(ws.login(QStringLiteral("localhost"), QStringLiteral("bob"),
                          m_prosody.password(QStringLiteral("bob")), &error),
                 qPrintable(error));
        ws.sendText("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
        QVERIFY(ws.waitForDisconnected());
    }
    QTRY_COMPARE_WITH_TIMEOUT(server.sessionCount(), 0, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 0, 10000);
    // No descriptor leaked: back to at most the baseline (the baseline may include a server link that
    // was still finishing its close handshake when it was taken).
    if (m_baselineFds > 0)
        QTRY_VERIFY2_WITH_TIMEOUT(openDescriptorCount() <= m_baselineFds,
                                  QByteArray::number(openDescriptorCount()).constData(), 15000);
}

void tst_HardHostile::hostileHttp_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("bodyContains");

    const QByteArray badRequest = "condition='bad-request'";
    QTest::newRow("DTD") << post("<?xml version='1.0'?><!DOCTYPE body [<!ELEMENT body ANY>]>" + kCreate)
                         << 400 << badRequest;
    QTest::newRow("entity declaration") << post("<!DOCTYPE body [<!ENTITY e 'x'>]><body rid='1' "
                                                "xmlns='http://jabber.org/protocol/httpbind'>&e;"
                                                "</body>")
                                        << 400 << badRequest;
    QTest::newRow("external entity")
        << post("<!DOCTYPE body [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><body rid='1' "
                "xmlns='http://jabber.org/protocol/httpbind'><m>&e;</m></body>")
        << 400 << badRequest;
    QTest::newRow("billion laughs")
        << post("<!DOCTYPE l [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>"
                "<!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'>]><body "
                "xmlns='http://jabber.org/protocol/httpbind'>"
                "&c;</body>")
        << 400 << badRequest;
    QTest::newRow("undeclared entity reference")
        << post("<body rid='1' xmlns='http://jabber.org/protocol/httpbind'><m>&nbsp;</m></body>") << 400
        << badRequest;
    QTest::newRow("invalid UTF-8")
        << post("<body rid='1' to='\xff\xfe' xmlns='http://jabber.org/protocol/httpbind'/>") << 400
        << badRequest;
    QTest::newRow("wrong namespace") << post("<body rid='1' to='localhost' xmlns='urn:wrong'/>") << 400
                                     << badRequest;
    QTest::newRow("character data in body")
        << post("<body rid='1' to='localhost' xmlns='http://jabber.org/protocol/httpbind'>text</body>") << 400
        << badRequest;
    QTest::newRow("processing instruction")
        << post("<body rid='1' xmlns='http://jabber.org/protocol/httpbind'><?php x?></body>") << 400
        << badRequest;
    QTest::newRow("too deep") << post("<body rid='1' xmlns='http://jabber.org/protocol/httpbind'>" +
                                      QByteArray("<a>").repeated(40) + QByteArray("</a>").repeated(40) +
                                      "</body>")
                              << 400 << badRequest;
    QTest::newRow("Content-Length and Transfer-Encoding")
        << QByteArray("POST /http-bind/ HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: "
                      "chunked\r\n\r\n"
                      "0\r\n\r\n")
        << 400 << QByteArray();
    QTest::newRow("two Content-Length")
        << QByteArray(
               "POST /http-bind/ HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde")
        << 400 << QByteArray();
    QTest::newRow("Transfer-Encoding not chunked")
        << QByteArray("POST /http-bind/ HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\nabc") << 400
        << QByteArray();
    QTest::newRow("oversized header")
        << post(kCreate, "X-Big: " + QByteArray(4000, 'x') + "\r\n") << 431 << QByteArray();
    QByteArray many;
    for (int i = 0; i < 30; ++i)
        many += "X-H" + QByteArray::number(i) + ": v\r\n";
    QTest::newRow("too many headers") << post(kCreate, many) << 431 << QByteArray();
    QTest::newRow("body too large") << post(QByteArray(20000, ' ') + kCreate) << 413 << QByteArray();
    QTest::newRow("unknown method")
        << QByteArray("BREW /http-bind/ HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n") << 400
        << QByteArray();
    QTest::newRow("known but unused method")
        << QByteArray("DELETE /http-bind/ HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n") << 405
        << QByteArray();
    QTest::newRow("not HTTP") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n", 22)
                              << 400 << QByteArray();
    QTest::newRow("HTTP/2 preface") << QByteArray("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") << 505 << QByteArray();
    // host-meta names its endpoints from the Host header: only host[:port] may get that far.
    QTest::newRow("host-meta Host with quotes")
        << QByteArray("GET /.well-known/host-meta HTTP/1.1\r\nHost: x' onload='y\r\n\r\n") << 400
        << QByteArray();
    QTest::newRow("host-meta.json Host with quotes")
        << QByteArray("GET /.well-known/host-meta.json HTTP/1.1\r\nHost: x\"y<z\r\n\r\n") << 400
        << QByteArray();
    QTest::newRow("host-meta Host with a path")
        << QByteArray("GET /.well-known/host-meta HTTP/1.1\r\nHost: evil.example/x?\r\n\r\n") << 400
        << QByteArray();
    QTest::newRow("header injection in name")
        << QByteArray("POST /http-bind/ HTTP/1.1\r\nHost: a\r\nBad Name: x\r\nContent-Length: 0\r\n\r\n")
        << 400 << QByteArray();
}

void tst_HardHostile::hostileHttp()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(QByteArray, bodyContains);
    const RawResponse response = rawExchange(m_server->port(), request);
    // Some parsers refuse unknown methods or a TLS hello with 400, others with 501/505: the point is a
    // clean refusal, never a session.
    if (status == 505 || status == 400)
        QVERIFY2(response.status == status || response.status == 400 || response.status == 501 ||
                     response.status == 505,
                 response.head.constData());
    else
        QCOMPARE(response.status, status);
    if (!bodyContains.isEmpty())
        QVERIFY2(response.body.contains(bodyContains), response.body.constData());
    checkStillWorks(*m_server);
}

void tst_HardHostile::hostileWebSocket_data()
{
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<bool>("afterOpen");
    QTest::addColumn<QString>("condition");
    QTest::newRow("DTD")
        << QByteArray("<!DOCTYPE open [<!ENTITY e 'x'>]><open xmlns='urn:ietf:params:xml:ns:xmpp-framing' "
                      "to='localhost' version='1.0'/>")
        << false << QStringLiteral("not-well-formed");
    QTest::newRow("entity reference")
        << QByteArray("<message xmlns='jabber:client'><body>&lol;</body></message>") << true
        << QStringLiteral("not-well-formed");
    QTest::newRow("two elements") << QByteArray(
                                         "<presence xmlns='jabber:client'/><presence xmlns='jabber:client'/>")
                                  << true << QStringLiteral("not-well-formed");
    QTest::newRow("partial element") << QByteArray("<message xmlns='jabber:client'><body>") << true
                                     << QStringLiteral("not-well-formed");
    QTest::newRow("wrong namespace open")
        << QByteArray("<open xmlns='urn:wrong' to='localhost' version='1.0'/>") << false
        << QStringLiteral("not-authorized");
    QTest::newRow("stream element from client")
        << QByteArray("<stream:features xmlns:stream='http://etherx.jabber.org/streams'/>") << true
        << QStringLiteral("unsupported-stanza-type");
    QTest::newRow("too deep") << QByteArray("<message xmlns='jabber:client'>" +
                                            QByteArray("<a>").repeated(40) + QByteArray("</a>").repeated(40) +
                                            "</message>")
                              << true << QStringLiteral("not-well-formed");
    QTest::newRow("oversized") << QByteArray("<message xmlns='jabber:client'><body>" + QByteArray(8000, 'x') +
                                             "</body></message>")
                               << true << QStringLiteral("policy-violation");
}

void tst_HardHostile::hostileWebSocket()
{
    QFETCH(QByteArray, message);
    QFETCH(bool, afterOpen);
    QFETCH(QString, condition);
    {
        WsClient ws(m_server->webSocketUrl());
        QVERIFY(ws.connectSocket());
        if (afterOpen) {
            ws.sendText("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>");
            QVERIFY(!ws.waitForName(QStringLiteral("features")).isNull());
        }
        ws.sendText(message);
        const QDomElement error = ws.waitForName(QStringLiteral("error"));
        QVERIFY2(!error.isNull(), ws.rawMessages().join('\n').constData());
        QVERIFY2(!error.firstChildElement(condition).isNull(), ws.rawMessages().join('\n').constData());
        QVERIFY(ws.waitForDisconnected());
    }
    {
        // Binary messages are not XMPP (RFC 7395 §3.2).
        WsClient ws(m_server->webSocketUrl());
        QVERIFY(ws.connectSocket());
        ws.socket().sendBinaryMessage("<open/>");
        QVERIFY(!ws.waitForName(QStringLiteral("error")).isNull());
        QVERIFY(ws.waitForDisconnected());
    }
    checkStillWorks(*m_server);
}

void tst_HardHostile::oversizedStanzaEndsSession()
{
    QSignalSpy exceeded(m_server->limits(), &Limits::exceeded);
    {
        BoshClient bosh(m_server->boshUrl());
        QString error;
        QVERIFY2(bosh.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                            m_prosody.password(QStringLiteral("alice")), &error),
                 qPrintable(error));
        const BoshClient::Response answer =
            bosh.request({}, "<message xmlns='jabber:client' to='bob@localhost'><body>" +
                                 QByteArray(6000, 'x') + "</body></message>");
        QVERIFY(answer.isTerminate());
        QCOMPARE(answer.attr(QStringLiteral("condition")), QStringLiteral("policy-violation"));
        QCOMPARE(exceeded.size(), 1);
        QCOMPARE(exceeded.first().first().value<Limits::Limit>(), Limits::Limit::MaxStanzaSize);
    }
    checkStillWorks(*m_server);
}

void tst_HardHostile::sessionsPerAddress()
{
    Config config = baseConfig();
    config.maxSessionsPerIp = 2;
    Server server(config);
    QVERIFY(server.start());
    BoshClient a(server.boshUrl());
    WsClient b(server.webSocketUrl());
    QString error;
    QVERIFY2(a.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                     m_prosody.password(QStringLiteral("alice")), &error),
             qPrintable(error));
    QVERIFY(b.connectSocket());
    QVERIFY2(b.login(QStringLiteral("localhost"), QStringLiteral("bob"),
                     m_prosody.password(QStringLiteral("bob")), &error),
             qPrintable(error));
    // A third session from the same address: BOSH gets 429 with policy-violation...
    const RawResponse third = rawExchange(server.port(), post(kCreate));
    QCOMPARE(third.status, 429);
    QVERIFY2(third.body.contains("policy-violation"), third.body.constData());
    // ...and WebSocket a policy-violation stream error.
    WsClient c(server.webSocketUrl());
    QVERIFY(c.connectSocket());
    c.sendText("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>");
    const QDomElement refused = c.waitForName(QStringLiteral("error"));
    QVERIFY(!refused.firstChildElement(QStringLiteral("policy-violation")).isNull());
    QVERIFY(c.waitForDisconnected());
    QCOMPARE(server.limits()->hits(Limits::Limit::MaxSessionsPerIp), quint64(2));
    // One ends: there is room again.
    QVERIFY(a.terminate().isTerminate());
    QTRY_COMPARE(server.sessionCount(), 1);
    BoshClient d(server.boshUrl());
    QVERIFY2(d.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                     m_prosody.password(QStringLiteral("alice")), &error),
             qPrintable(error));
    d.terminate();
    b.sendText("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
    QVERIFY(b.waitForDisconnected());
    QTRY_COMPARE(server.sessionCount(), 0);
    QCOMPARE(server.limits()->sessions(), 0);
}

void tst_HardHostile::newSessionsPerMinute()
{
    Config config = baseConfig();
    config.maxNewSessionsPerIp = 3;
    Server server(config);
    QVERIFY(server.start());
    for (int i = 0; i < 3; ++i) {
        BoshClient client(server.boshUrl());
        QString error;
        QVERIFY2(client.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                              m_prosody.password(QStringLiteral("alice")), &error),
                 qPrintable(error));
        QVERIFY(client.terminate().isTerminate());
    }
    QTRY_COMPARE(server.sessionCount(), 0);
    // None is open, but three started within the minute.
    const RawResponse fourth = rawExchange(server.port(), post(kCreate));
    QCOMPARE(fourth.status, 429);
    QVERIFY(fourth.body.contains("policy-violation"));
    QCOMPARE(server.limits()->hits(Limits::Limit::MaxNewSessionsPerIp), quint64(1));
}

void tst_HardHostile::totalSessions()
{
    Config config = baseConfig();
    config.maxSessions = 1;
    Server server(config);
    QVERIFY(server.start());
    BoshClient a(server.boshUrl());
    QString error;
    QVERIFY2(a.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                     m_prosody.password(QStringLiteral("alice")), &error),
             qPrintable(error));
    const RawResponse second = rawExchange(server.port(), post(kCreate));
    QCOMPARE(second.status, 503);
    QVERIFY(second.body.contains("policy-violation"));
    a.terminate();
}

void tst_HardHostile::connectionsPerAddressAndTotal()
{
    Config config = baseConfig();
    config.maxConnectionsPerIp = 3;
    config.maxConnections = 3;
    Server server(config);
    QVERIFY(server.start());
    const int fds = openDescriptorCount();
    std::vector<std::unique_ptr<QTcpSocket>> held;
    for (int i = 0; i < 3; ++i) {
        held.push_back(std::make_unique<QTcpSocket>());
        held.back()->connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(held.back()->waitForConnected(5000));
    }
    QTRY_COMPARE(server.connectionCount(), 3);
    // The fourth is turned away at once (max_connections is reached first: 503).
    const RawResponse fourth = rawExchange(server.port(), post(kCreate));
    QCOMPARE(fourth.status, 503);
    QVERIFY(fourth.closed);
    held.clear();
    QTRY_COMPARE(server.connectionCount(), 0);
    QTRY_COMPARE(server.limits()->connections(), 0);

    Config perIp = baseConfig();
    perIp.maxConnectionsPerIp = 2;
    Server second(perIp);
    QVERIFY(second.start());
    const int secondFds = openDescriptorCount();
    for (int i = 0; i < 2; ++i) {
        held.push_back(std::make_unique<QTcpSocket>());
        held.back()->connectToHost(QHostAddress::LocalHost, second.port());
        QVERIFY(held.back()->waitForConnected(5000));
    }
    QTRY_COMPARE(second.connectionCount(), 2);
    QCOMPARE(rawExchange(second.port(), post(kCreate)).status, 429);
    held.clear();
    QTRY_COMPARE(second.limits()->connections(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(openDescriptorCount() <= secondFds, 10000);
    Q_UNUSED(fds);
}

void tst_HardHostile::slowRequestIsCutOff()
{
    Config config = baseConfig();
    config.httpRequestTimeout = 1;
    Server server(config);
    QVERIFY(server.start());
    QTcpSocket slow;
    slow.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(slow.waitForConnected(5000));
    // Slowloris: a head that never ends. It holds its one connection and nothing else, until 408.
    slow.write("POST /http-bind/ HTTP/1.1\r\nHost: a\r\n");
    QTRY_COMPARE(server.connectionCount(), 1);
    QElapsedTimer clock;
    clock.start();
    QByteArray answer;
    QTRY_VERIFY_WITH_TIMEOUT((answer += slow.readAll()).contains("408"), 5000);
    QVERIFY(clock.elapsed() < 4000);
    QTRY_COMPARE(server.connectionCount(), 0);
    QCOMPARE(server.sessionCount(), 0);
    QVERIFY(server.limits()->hits(Limits::Limit::HttpRequestTimeout) >= 1);
}

void tst_HardHostile::idleKeepAliveCloses()
{
    Config config = baseConfig();
    config.httpIdleTimeout = 1;
    Server server(config);
    QVERIFY(server.start());
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(client.waitForConnected(5000));
    client.write("GET /http-bind/ HTTP/1.1\r\nHost: a\r\n\r\n");
    QByteArray answer;
    QTRY_VERIFY((answer += client.readAll()).contains("200 OK"));
    // Kept alive after the answer, then closed by the server when idle.
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::UnconnectedState, 5000);
    QTRY_COMPARE(server.connectionCount(), 0);
}

void tst_HardHostile::manyConnections()
{
    // Bounded: 200 connections on loopback, each with one request, all at once.
    Config config = baseConfig();
    config.maxConnectionsPerIp = 300;
    Server server(config);
    QVERIFY(server.start());
    const int fds = openDescriptorCount();
    std::vector<std::unique_ptr<QTcpSocket>> clients;
    for (int i = 0; i < 200; ++i) {
        clients.push_back(std::make_unique<QTcpSocket>());
        clients.back()->connectToHost(QHostAddress::LocalHost, server.port());
    }
    // Connected with the event loop running: the server accepts them meanwhile.
    QTRY_VERIFY_WITH_TIMEOUT(
        std::all_of(clients.cbegin(), clients.cend(),
                    [](const auto &client) { return client->state() == QAbstractSocket::ConnectedState; }),
        20000);
    for (auto &client : clients)
        client->write("GET /http-bind/ HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    int answered = 0;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            answered = 0;
            for (auto &client : clients) {
                if (client->bytesAvailable() > 0 || client->state() == QAbstractSocket::UnconnectedState)
                    ++answered;
            }
            return answered == 200;
        }(),
        20000);
    for (auto &client : clients)
        QVERIFY(client->readAll().startsWith("HTTP/1.1 200"));
    clients.clear();
    QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 0, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(openDescriptorCount() <= fds, 10000);
}

QTEST_MAIN(tst_HardHostile)
#include "tst_hard_hostile.moc"
