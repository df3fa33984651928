// SPDX-License-Identifier: GPL-3.0-or-later
// Faults on the server side (issue 5 §4, docs/SECURITY.md): a scripted fake XMPP server that is
// unreachable, refuses, closes mid-stream, sends a stream error or broken XML, or stalls, plus a DNS
// that fails and a real Prosody stopped under live sessions. Each fault must reach the BOSH client as
// its terminal condition and the WebSocket client as a stream error, promptly, and leave no session,
// server connection or descriptor behind.
#include "boshclient.h"
#include "hardening.h"
#include "prosodyfixture.h"
#include "server.h"
#include "wsclient.h"

#include <QSignalSpy>
#include <QTest>

using namespace Switchboard;
using namespace Switchboard::Test;

namespace {

/// What the fake server does once the client's stream is open and the client sent its first stanza
/// (or at connect, for the connection faults).
enum class Fault {
    Refused,        ///< nothing listens on the port
    CloseAtOnce,    ///< accepts TCP, closes before any XML
    CloseMidStream, ///< half a stanza, then TCP close
    StreamError,    ///< <stream:error><system-shutdown/>
    BrokenXml,      ///< a mismatched end tag
    StallConnect,   ///< accepts TCP, never answers the header
    StallMidStanza, ///< starts a stanza, never finishes it
};

} // namespace

Q_DECLARE_METATYPE(Fault)

class tst_HardFaults : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void boshFault_data();
    void boshFault();
    void webSocketFault_data() { boshFault_data(); }
    void webSocketFault();
    void streamErrorBeforeTls_data();
    void streamErrorBeforeTls();
    void dnsFailureIsHostUnknown();
    void prosodyStoppedUnderLiveSessions();

private:
    Config fakeConfig(quint16 port) const;
    std::unique_ptr<FakeXmppServer> fakeServer(Fault fault);
    void checkNothingLeft(Server &server, FakeXmppServer *fake);

    ProsodyFixture m_prosody;
    int m_baselineFds = 0;
};

void tst_HardFaults::initTestCase()
{
    QVERIFY2(m_prosody.start(), "Prosody did not start");
    m_baselineFds = openDescriptorCount();
}

void tst_HardFaults::cleanupTestCase()
{
    m_prosody.stop();
}

Config tst_HardFaults::fakeConfig(quint16 port) const
{
    Config config;
    config.workers = 1; // one event loop: this test is not about threads
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.routes = {Route{QStringLiteral("fake.test"), QStringLiteral("127.0.0.1"), port}};
    config.noTlsDomains = {QStringLiteral("fake.test")};
    config.connectTimeout = 2;
    config.serverReadTimeout = 2;
    return config;
}

std::unique_ptr<FakeXmppServer> tst_HardFaults::fakeServer(Fault fault)
{
    auto fake = std::make_unique<FakeXmppServer>([fault](QTcpSocket *socket, QByteArray &input) {
        if (fault == Fault::StallConnect)
            return;
        if (fault == Fault::CloseAtOnce) {
            socket->abort();
            return;
        }
        if (hasStreamHeader(input) && !input.contains("<sent-features/>")) {
            socket->write(fakeStreamHeader() + fakeFeatures());
            input += "<sent-features/>"; // remember, in the script's own record of the input
            return;
        }
        // The client's first stanza triggers the fault.
        if (!input.contains("<iq") || input.contains("<fault-done/>"))
            return;
        input += "<fault-done/>";
        switch (fault) {
        case Fault::CloseMidStream:
            socket->write("<message from='a@fake.test'><body>half");
            socket->flush();
            socket->disconnectFromHost();
            break;
        case Fault::StreamError:
            socket->write("<stream:error><system-shutdown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                          "</stream:error></stream:stream>");
            break;
        case Fault::BrokenXml:
            socket->write("<message><body>x</wrong></message>");
            break;
        case Fault::StallMidStanza:
            socket->write("<message from='a@fake.test'><bo");
            break;
        default:
            break;
        }
    });
    if (fault == Fault::Refused)
        fake->close(); // the port is free again: connections are refused
    return fake;
}

void tst_HardFaults::checkNothingLeft(Server &server, FakeXmppServer *fake)
{
    QTRY_COMPARE_WITH_TIMEOUT(server.sessionCount(), 0, 10000);
    if (fake)
        QTRY_COMPARE_WITH_TIMEOUT(fake->openConnections(), 0, 10000);
}

void tst_HardFaults::boshFault_data()
{
    QTest::addColumn<Fault>("fault");
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QString>("inner"); ///< for remote-stream-error: the stream error condition inside
    QTest::newRow("refused") << Fault::Refused << QStringLiteral("remote-connection-failed") << QString();
    QTest::newRow("close at once") << Fault::CloseAtOnce << QStringLiteral("remote-connection-failed")
                                   << QString();
    QTest::newRow("close mid-stream")
        << Fault::CloseMidStream << QStringLiteral("remote-connection-failed") << QString();
    QTest::newRow("stream error") << Fault::StreamError << QStringLiteral("remote-stream-error")
                                  << QStringLiteral("system-shutdown");
    QTest::newRow("broken xml") << Fault::BrokenXml << QStringLiteral("remote-stream-error")
                                << QStringLiteral("not-well-formed");
    QTest::newRow("stall at connect")
        << Fault::StallConnect << QStringLiteral("remote-connection-failed") << QString();
    QTest::newRow("stall mid-stanza")
        << Fault::StallMidStanza << QStringLiteral("remote-connection-failed") << QString();
}

void tst_HardFaults::boshFault()
{
    QFETCH(Fault, fault);
    QFETCH(QString, condition);
    QFETCH(QString, inner);
    auto fake = fakeServer(fault);
    Server server(fakeConfig(fake->serverPort()));
    QVERIFY(server.start());
    BoshClient client(server.boshUrl());
    QElapsedTimer clock;
    clock.start();
    BoshClient::Response created = client.request({{QStringLiteral("to"), QStringLiteral("fake.test")},
                                                   {QStringLiteral("wait"), QStringLiteral("10")},
                                                   {QStringLiteral("hold"), QStringLiteral("1")},
                                                   {QStringLiteral("ver"), QStringLiteral("1.6")},
                                                   {QStringLiteral("xmpp:version"), QStringLiteral("1.0")}});
    QCOMPARE(created.status, 200);
    BoshClient::Response ended = created;
    if (!created.isTerminate()) {
        // The stream opened: the fault comes with the first stanza, answered on that request.
        QVERIFY(!created.attr(QStringLiteral("sid")).isEmpty());
        ended = client.request(
            {{QStringLiteral("sid"), created.attr(QStringLiteral("sid"))}},
            "<iq xmlns='jabber:client' type='get' id='q1'><query xmlns='jabber:iq:roster'/></iq>");
    }
    QVERIFY2(ended.isTerminate(), ended.raw.constData());
    QCOMPARE(ended.attr(QStringLiteral("condition")), condition);
    if (!inner.isEmpty()) {
        // XEP-0206 §6: the server's stream error travels inside the terminate body.
        QVERIFY2(ended.raw.contains("stream:error") || ended.raw.contains("<error"), ended.raw.constData());
        QVERIFY2(ended.raw.contains(inner.toUtf8()), ended.raw.constData());
    }
    // Promptly: within the deadlines (2 s connect/read) plus slack, never the session's inactivity.
    QVERIFY2(clock.elapsed() < 8000, QByteArray::number(clock.elapsed()).constData());
    checkNothingLeft(server, fake.get());
}

void tst_HardFaults::webSocketFault()
{
    QFETCH(Fault, fault);
    QFETCH(QString, condition);
    QFETCH(QString, inner);
    auto fake = fakeServer(fault);
    Server server(fakeConfig(fake->serverPort()));
    QVERIFY(server.start());
    WsClient client(server.webSocketUrl());
    QVERIFY(client.connectSocket());
    client.sendText("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='fake.test' version='1.0'/>");
    const QDomElement first = client.waitFor([](const QDomElement &e) {
        return e.localName() == QLatin1String("features") || e.localName() == QLatin1String("error");
    });
    QVERIFY(!first.isNull());
    if (first.localName() == QLatin1String("features"))
        client.sendText(
            "<iq xmlns='jabber:client' type='get' id='q1'><query xmlns='jabber:iq:roster'/></iq>");
    const QDomElement error =
        first.localName() == QLatin1String("error") ? first : client.waitForName(QStringLiteral("error"));
    QVERIFY(!error.isNull());
    QCOMPARE(error.namespaceURI(), QStringLiteral("http://etherx.jabber.org/streams"));
    // WebSocket has no BOSH conditions: a link failure is the stream error remote-connection-failed; a
    // server stream error is passed on as it came (the server's own condition).
    const QString expected = inner.isEmpty() ? condition : inner;
    QVERIFY2(!error.firstChildElement(expected).isNull(), client.rawMessages().join('\n').constData());
    QVERIFY(client.waitForDisconnected());
    checkNothingLeft(server, fake.get());
}

void tst_HardFaults::streamErrorBeforeTls_data()
{
    QTest::addColumn<bool>("webSocket");
    QTest::addColumn<bool>("offerStartTls");    ///< the error answers our <starttls/> instead of <proceed/>
    QTest::addColumn<bool>("plaintextAllowed"); ///< the domain is in no_tls_domains
    QTest::newRow("BOSH, at the stream header") << false << false << false;
    QTest::newRow("BOSH, instead of proceed") << false << true << false;
    QTest::newRow("WebSocket, at the stream header") << true << false << false;
    QTest::newRow("WebSocket, instead of proceed") << true << true << false;
    QTest::newRow("BOSH, plaintext allowed") << false << false << true;
    QTest::newRow("WebSocket, plaintext allowed") << true << false << true;
}

void tst_HardFaults::streamErrorBeforeTls()
{
    // Before TLS anyone on the path can write to the stream: a stream error then is not the server's
    // word. The client gets a condition we choose, without the text, condition or children that came
    // (here: a redirect and a message for the user). Only a domain the config allows in plaintext is
    // trusted as it is, like everything else on that stream.
    QFETCH(bool, webSocket);
    QFETCH(bool, offerStartTls);
    QFETCH(bool, plaintextAllowed);
    const QByteArray hostile =
        "<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>"
        "evil.example</see-other-host><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>"
        "Your account is locked: log in at evil.example</text></stream:error>";
    FakeXmppServer fake([&](QTcpSocket *socket, QByteArray &input) {
        if (!hasStreamHeader(input) || input.contains("<done/>"))
            return;
        if (!offerStartTls) {
            input += "<done/>";
            socket->write(fakeStreamHeader() + hostile);
            return;
        }
        if (!input.contains("<sent-features/>")) {
            input += "<sent-features/>";
            socket->write(
                fakeStreamHeader() +
                "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>");
            return;
        }
        if (input.contains("<starttls")) {
            input += "<done/>";
            socket->write(hostile);
        }
    });
    Config config = fakeConfig(fake.serverPort());
    if (!plaintextAllowed)
        config.noTlsDomains.clear();
    Server server(config);
    QVERIFY(server.start());
    QByteArray seen;
    if (webSocket) {
        WsClient client(server.webSocketUrl());
        QVERIFY(client.connectSocket());
        client.sendText("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='fake.test' version='1.0'/>");
        const QDomElement error = client.waitForName(QStringLiteral("error"));
        QVERIFY2(!error.isNull(), client.rawMessages().join('\n').constData());
        seen = client.rawMessages().join('\n');
        QCOMPARE(error.namespaceURI(), QStringLiteral("http://etherx.jabber.org/streams"));
        const QString expected =
            plaintextAllowed ? QStringLiteral("see-other-host") : QStringLiteral("remote-connection-failed");
        QVERIFY2(!error.firstChildElement(expected).isNull(), seen.constData());
        QVERIFY(client.waitForDisconnected());
    } else {
        BoshClient client(server.boshUrl());
        const BoshClient::Response ended =
            client.request({{QStringLiteral("to"), QStringLiteral("fake.test")},
                            {QStringLiteral("wait"), QStringLiteral("10")},
                            {QStringLiteral("hold"), QStringLiteral("1")},
                            {QStringLiteral("ver"), QStringLiteral("1.6")},
                            {QStringLiteral("xmpp:version"), QStringLiteral("1.0")}});
        QVERIFY2(ended.isTerminate(), ended.raw.constData());
        seen = ended.raw;
        QCOMPARE(ended.attr(QStringLiteral("condition")), plaintextAllowed
                                                              ? QStringLiteral("remote-stream-error")
                                                              : QStringLiteral("remote-connection-failed"));
    }
    if (plaintextAllowed) {
        QVERIFY2(seen.contains("evil.example"), seen.constData());
    } else {
        QVERIFY2(!seen.contains("evil"), seen.constData());
        QVERIFY2(!seen.contains("see-other-host"), seen.constData());
    }
    checkNothingLeft(server, &fake);
}

void tst_HardFaults::dnsFailureIsHostUnknown()
{
    // No route: the domain is looked up in DNS, at a nameserver on loopback (port 53) that either is
    // not there (the lookup fails at once) or knows nothing of the domain.
    Config config;
    config.workers = 1; // one event loop: this test is not about threads
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.allowedDomains = {QStringLiteral("nowhere.test")};
    config.dnsServer = QStringLiteral("127.0.0.1");
    config.connectTimeout = 3;
    Server server(config);
    QVERIFY(server.start());

    BoshClient bosh(server.boshUrl());
    const BoshClient::Response ended = bosh.request({{QStringLiteral("to"), QStringLiteral("nowhere.test")},
                                                     {QStringLiteral("wait"), QStringLiteral("10")},
                                                     {QStringLiteral("ver"), QStringLiteral("1.6")}});
    QVERIFY2(ended.isTerminate(), ended.raw.constData());
    // No service can be found for the domain: host-unknown (XEP-0124 §17.2); a lookup that times out instead
    // ends at the connect deadline as remote-connection-failed.
    const QString condition = ended.attr(QStringLiteral("condition"));
    QVERIFY2(condition == QLatin1String("host-unknown") ||
                 condition == QLatin1String("remote-connection-failed"),
             qPrintable(condition));

    WsClient ws(server.webSocketUrl());
    QVERIFY(ws.connectSocket());
    ws.sendText("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='nowhere.test' version='1.0'/>");
    const QDomElement error = ws.waitForName(QStringLiteral("error"));
    QVERIFY(!error.isNull());
    QVERIFY(!error.firstChildElement(condition).isNull());
    QVERIFY(ws.waitForDisconnected());
    checkNothingLeft(server, nullptr);
}

void tst_HardFaults::prosodyStoppedUnderLiveSessions()
{
    Config config = m_prosody.backendConfig();
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    Server server(config);
    QVERIFY(server.start());
    BoshClient alice(server.boshUrl());
    WsClient bob(server.webSocketUrl());
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         m_prosody.password(QStringLiteral("alice")), &error),
             qPrintable(error));
    QVERIFY(bob.connectSocket());
    QVERIFY2(bob.login(QStringLiteral("localhost"), QStringLiteral("bob"),
                       m_prosody.password(QStringLiteral("bob")), &error),
             qPrintable(error));
    QSignalSpy terminated(&alice, &BoshClient::terminated);
    alice.startPolling();
    QCOMPARE(server.sessionCount(), 2);

    m_prosody.stop();
    // Prosody closes its streams on SIGTERM (with or without a stream error first): BOSH gets a
    // terminal condition on its held request, WebSocket a stream error or <close/>, then the close.
    QTRY_VERIFY_WITH_TIMEOUT(!terminated.isEmpty(), 15000);
    const QString condition = alice.lastTerminate().attr(QStringLiteral("condition"));
    QVERIFY2(condition.isEmpty() || condition == QLatin1String("remote-stream-error") ||
                 condition == QLatin1String("remote-connection-failed") ||
                 condition == QLatin1String("system-shutdown"),
             qPrintable(condition));
    QVERIFY(bob.waitForDisconnected(15000));
    QTRY_COMPARE_WITH_TIMEOUT(server.sessionCount(), 0, 10000);

    QVERIFY2(m_prosody.restart(), qPrintable(m_prosody.log()));
    BoshClient again(server.boshUrl());
    QVERIFY2(again.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         m_prosody.password(QStringLiteral("alice")), &error),
             qPrintable(error));
    WsClient wsAgain(server.webSocketUrl());
    QVERIFY(wsAgain.connectSocket());
    QVERIFY2(wsAgain.login(QStringLiteral("localhost"), QStringLiteral("bob"),
                           m_prosody.password(QStringLiteral("bob")), &error),
             qPrintable(error));
    QVERIFY(again.terminate().isTerminate());
    wsAgain.sendText("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
    QVERIFY(wsAgain.waitForDisconnected());
    QTRY_COMPARE_WITH_TIMEOUT(server.sessionCount(), 0, 10000);
}

QTEST_MAIN(tst_HardFaults)
#include "tst_hard_faults.moc"
