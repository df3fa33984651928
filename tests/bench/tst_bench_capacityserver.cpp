// SPDX-License-Identifier: GPL-3.0-or-later
// The capacity benchmark's minimal server (capacityserver.h) behind a real Switchboard: SASL PLAIN with
// any credentials, resource binding, session establishment, and a message routed between a WebSocket
// session and a BOSH session in both directions. It keeps run-bench.sh's capacity mode from breaking
// silently; it proves nothing about XMPP servers (the server is a benchmark backend, not a real one).
#include "boshclient.h"
#include "capacityserver.h"
#include "server.h"
#include "testclient.h"
#include "testmain.h"
#include "wsclient.h"

#include <QTest>

#include <thread>

using namespace Switchboard;
using Switchboard::Bench::CapacityServer;

class tst_BenchCapacityServer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void anyPlainLoginBindsAndRoutesBetweenSessions();
    void sessionEstablishmentAndPingAreAnswered();
    void messageToAnUnboundJidIsBounced();
    void takenResourceGetsAnotherOne();

private:
    std::unique_ptr<CapacityServer> m_backend;
    std::thread m_backendThread;
    std::unique_ptr<Server> m_server;
};

void tst_BenchCapacityServer::initTestCase()
{
    m_backend = std::make_unique<CapacityServer>(CapacityServer::Options{});
    QString error;
    QVERIFY2(m_backend->listen(&error), qPrintable(error));
    // The backend runs its own epoll loop; Switchboard runs on this thread's event loop.
    m_backendThread = std::thread([this] { m_backend->run(); });

    Config config;
    config.workers = 1; // one event loop: this test is not about threads
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.routes = {Route{QStringLiteral("localhost"), QStringLiteral("127.0.0.1"), m_backend->port()}};
    config.noTlsDomains = {QStringLiteral("localhost")};
    config.connectTimeout = 5;
    m_server = std::make_unique<Server>(config);
    QVERIFY2(m_server->start(&error), qPrintable(error));
}

void tst_BenchCapacityServer::cleanupTestCase()
{
    m_server.reset();
    if (m_backendThread.joinable()) {
        m_backend->stop();
        m_backendThread.join();
    }
    m_backend.reset();
}

void tst_BenchCapacityServer::anyPlainLoginBindsAndRoutesBetweenSessions()
{
    const quint64 routedBefore = m_backend->counters().routed;
    WsClient alice(m_server->webSocketUrl());
    QVERIFY(alice.connectSocket());
    QString error;
    // Any password is accepted: these accounts exist nowhere.
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"), QStringLiteral("whatever"),
                         &error, QStringLiteral("ws")),
             qPrintable(error));
    QCOMPARE(alice.jid(), QStringLiteral("alice@localhost/ws"));
    BoshClient bob(m_server->boshUrl());
    QVERIFY2(bob.login(QStringLiteral("localhost"), QStringLiteral("bob"), QStringLiteral("other"), &error,
                       QStringLiteral("bosh")),
             qPrintable(error));
    QCOMPARE(bob.jid(), QStringLiteral("bob@localhost/bosh"));
    bob.startPolling();

    alice.sendText("<message xmlns='jabber:client' type='chat' to='bob@localhost/bosh' id='m1' "
                   "from='forged@localhost/x'><body>a &lt;b&gt; c</body></message>");
    const QDomElement atBob = bob.waitForStanza(
        [](const QDomElement &e) { return e.attribute(QStringLiteral("id")) == QLatin1String("m1"); });
    QVERIFY(!atBob.isNull());
    QCOMPARE(atBob.tagName(), QStringLiteral("message"));
    // RFC 6120 §8.1.2.1: the sender's full JID replaces whatever `from` the client wrote.
    QCOMPARE(atBob.attribute(QStringLiteral("from")), alice.jid());
    QCOMPARE(atBob.firstChildElement(QStringLiteral("body")).text(), QStringLiteral("a <b> c"));

    bob.sendStanza(
        "<message xmlns='jabber:client' type='chat' to='alice@localhost/ws' id='m2'><body>back</body>"
        "</message>");
    const QDomElement atAlice = alice.waitFor(
        [](const QDomElement &e) { return e.attribute(QStringLiteral("id")) == QLatin1String("m2"); });
    QVERIFY(!atAlice.isNull());
    QCOMPARE(atAlice.attribute(QStringLiteral("from")), bob.jid());
    QCOMPARE(m_backend->counters().routed - routedBefore, quint64(2));
    bob.terminate();
}

void tst_BenchCapacityServer::sessionEstablishmentAndPingAreAnswered()
{
    WsClient client(m_server->webSocketUrl());
    QVERIFY(client.connectSocket());
    QString error;
    QVERIFY2(client.login(QStringLiteral("localhost"), QStringLiteral("carol"), QStringLiteral("x"), &error),
             qPrintable(error));
    // RFC 3921 §3: older clients establish a session after binding.
    client.sendText("<iq xmlns='jabber:client' type='set' id='s1'>"
                    "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>");
    const QDomElement session = client.waitFor(
        [](const QDomElement &e) { return e.attribute(QStringLiteral("id")) == QLatin1String("s1"); });
    QCOMPARE(session.attribute(QStringLiteral("type")), QStringLiteral("result"));
    client.sendText(
        "<iq xmlns='jabber:client' type='get' id='p1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
    const QDomElement pong = client.waitFor(
        [](const QDomElement &e) { return e.attribute(QStringLiteral("id")) == QLatin1String("p1"); });
    QCOMPARE(pong.attribute(QStringLiteral("type")), QStringLiteral("result"));
}

void tst_BenchCapacityServer::messageToAnUnboundJidIsBounced()
{
    WsClient client(m_server->webSocketUrl());
    QVERIFY(client.connectSocket());
    QString error;
    QVERIFY2(client.login(QStringLiteral("localhost"), QStringLiteral("dave"), QStringLiteral("x"), &error),
             qPrintable(error));
    client.sendText(
        "<message xmlns='jabber:client' to='nobody@localhost/none' id='u1'><body>?</body></message>");
    const QDomElement bounce = client.waitFor(
        [](const QDomElement &e) { return e.attribute(QStringLiteral("id")) == QLatin1String("u1"); });
    QCOMPARE(bounce.attribute(QStringLiteral("type")), QStringLiteral("error"));
    QCOMPARE(bounce.attribute(QStringLiteral("from")), QStringLiteral("nobody@localhost/none"));
    QCOMPARE(bounce.firstChildElement(QStringLiteral("error")).firstChildElement().tagName(),
             QStringLiteral("service-unavailable"));
}

void tst_BenchCapacityServer::takenResourceGetsAnotherOne()
{
    // Straight to the backend over TCP (no Switchboard): RFC 6120 §7.7.2.2. No initial presence: the
    // backend broadcasts none, so there is no echo of it to wait for.
    TestClient first;
    QVERIFY2(first.login(m_backend->port(), QStringLiteral("localhost"), QStringLiteral("erin"),
                         QStringLiteral("x"), QStringLiteral("same"), false),
             qPrintable(first.lastError()));
    TestClient second;
    QVERIFY2(second.login(m_backend->port(), QStringLiteral("localhost"), QStringLiteral("erin"),
                          QStringLiteral("y"), QStringLiteral("same"), false),
             qPrintable(second.lastError()));
    QCOMPARE(first.jid(), QStringLiteral("erin@localhost/same"));
    QVERIFY(second.jid().startsWith(QStringLiteral("erin@localhost/same-")));
    second.send("<message to='erin@localhost/same' id='t1'><body>hi</body></message>");
    const QByteArray atFirst = first.waitForElement("id='t1'");
    QCOMPARE(TestClient::attribute(atFirst, u"from"), second.jid());
}

SWITCHBOARD_TEST_MAIN(tst_BenchCapacityServer)
#include "tst_bench_capacityserver.moc"
