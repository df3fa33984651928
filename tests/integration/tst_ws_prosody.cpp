// SPDX-License-Identifier: GPL-3.0-or-later
// XMPP over WebSocket (RFC 7395) end to end: Switchboard in front of a real Prosody, real WebSocket
// clients, a BOSH user on the other side, and the refusals that happen before any XMPP is spoken.
#include "backlogflood.h"
#include "base/limits.h"
#include "boshclient.h"
#include "prosodyfixture.h"
#include "rawwebsocket.h"
#include "server.h"
#include "testmain.h"
#include "wsclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QXmlStreamReader>

using namespace Switchboard;

namespace {
/// Sends a raw WebSocket handshake and returns the HTTP status line the server answers with.
QByteArray rawHandshake(quint16 port, const QByteArray &path, const QByteArray &extraHeaders)
{
    // The server runs in this thread: wait with the event loop running, never with waitFor*().
    QTcpSocket socket;
    QSignalSpy connected(&socket, &QTcpSocket::connected);
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!connected.wait(5000))
        return {};
    socket.write("GET " + path +
                 " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
                 extraHeaders + "\r\n");
    QByteArray reply;
    QDeadlineTimer deadline(5000);
    while (!reply.contains("\r\n") && !deadline.hasExpired()) {
        QSignalSpy readable(&socket, &QTcpSocket::readyRead);
        if (!socket.bytesAvailable())
            readable.wait(int(std::max<qint64>(1, deadline.remainingTime())));
        reply += socket.readAll();
    }
    return reply.left(reply.indexOf("\r\n"));
}
} // namespace

class tst_WsProsody : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void loginWithSaslRestartAndBind();
    void messageBetweenWebSocketAndBosh();
    void closeFromClient();
    void refusedOrigin();
    void allowedOrigin();
    void missingSubprotocolRefused();
    void wrongHostRefused();
    void oversizeMessageIsPolicyViolation();
    void brokenXmlIsNotWellFormed();
    void stanzaBeforeOpenRefused();
    void unknownDomainIsHostUnknown();
    void hostMetaNamesEndpoints();
    void serverShutdownGivesStreamErrorAndClose();
    void clientThatDoesNotReadIsCutOff();

private:
    Config baseConfig(quint16 c2sPort) const;

    ProsodyFixture m_prosody;
    std::unique_ptr<Server> m_server;
};

Config tst_WsProsody::baseConfig(quint16 c2sPort) const
{
    Config config;
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.routes = {Route{QStringLiteral("localhost"), QStringLiteral("127.0.0.1"), c2sPort}};
    config.noTlsDomains = {QStringLiteral("localhost")};
    config.workers = ProsodyFixture::testWorkers();
    config.workerAccept = ProsodyFixture::testWorkerAccept();
    config.connectTimeout = 5;
    config.wsMaxMessageSize = 4096;
    config.allowedOrigins = {QStringLiteral("https://*.example.com"),
                             QStringLiteral("http://localhost:?080")};
    config.publicUrl = QStringLiteral("https://chat.example.com");
    return config;
}

void tst_WsProsody::initTestCase()
{
    QVERIFY2(m_prosody.start({QStringLiteral("alice"), QStringLiteral("bob")}), "Prosody did not start");
    m_server = std::make_unique<Server>(baseConfig(m_prosody.c2sPort()));
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
}

void tst_WsProsody::cleanupTestCase()
{
    m_server.reset();
    m_prosody.stop();
}

void tst_WsProsody::loginWithSaslRestartAndBind()
{
    WsClient client(m_server->webSocketUrl());
    QVERIFY(client.connectSocket());
    QCOMPARE(client.socket().subprotocol(), QStringLiteral("xmpp"));
    QString error;
    QVERIFY2(client.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                          m_prosody.password(QStringLiteral("alice")), &error),
             qPrintable(error));
    QVERIFY(client.jid().startsWith(QStringLiteral("alice@localhost/")));
    // RFC 7395 §3.3.2, §3.3.3: framing elements instead of a stream header; features carry their stream
    // namespace.
    for (const QByteArray &raw : client.rawMessages())
        QVERIFY2(!raw.contains("<stream:stream"), raw.constData());
    const QByteArray open = client.rawMessages().first();
    QVERIFY2(open.startsWith("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'"), open.constData());
    QVERIFY(client.rawMessages().at(1).contains("xmlns:stream='http://etherx.jabber.org/streams'"));
}

void tst_WsProsody::messageBetweenWebSocketAndBosh()
{
    WsClient alice(m_server->webSocketUrl());
    QVERIFY(alice.connectSocket());
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         m_prosody.password(QStringLiteral("alice")), &error, QStringLiteral("wsmsg")),
             qPrintable(error));
    BoshClient bob(m_server->boshUrl());
    QVERIFY2(bob.login(QStringLiteral("localhost"), QStringLiteral("bob"),
                       m_prosody.password(QStringLiteral("bob")), &error, QStringLiteral("boshmsg")),
             qPrintable(error));
    bob.startPolling();
    alice.sendText("<message xmlns='jabber:client' type='chat' to='" + bob.jid().toUtf8() +
                   "' id='ws1'><body>from websocket</body></message>");
    const QDomElement atBob = bob.waitForStanza(
        [](const QDomElement &e) { return e.attribute(QStringLiteral("id")) == QLatin1String("ws1"); });
    QVERIFY(!atBob.isNull());
    QCOMPARE(atBob.attribute(QStringLiteral("from")), alice.jid());

    bob.sendStanza("<message xmlns='jabber:client' type='chat' to='" + alice.jid().toUtf8() +
                   "' id='bosh1'><body>from bosh</body></message>");
    const QDomElement atAlice = alice.waitFor(
        [](const QDomElement &e) { return e.attribute(QStringLiteral("id")) == QLatin1String("bosh1"); });
    QVERIFY(!atAlice.isNull());
    QCOMPARE(atAlice.namespaceURI(), QStringLiteral("jabber:client")); // RFC 7395 §3.3.3
    bob.terminate();
}

void tst_WsProsody::closeFromClient()
{
    WsClient client(m_server->webSocketUrl());
    QVERIFY(client.connectSocket());
    QString error;
    QVERIFY2(client.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                          m_prosody.password(QStringLiteral("alice")), &error, QStringLiteral("close")),
             qPrintable(error));
    QSignalSpy closed(m_server->hub(), &Monitor::Hub::sessionClosed);
    client.sendText("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
    QVERIFY(!client.waitForName(QStringLiteral("close")).isNull());
    QVERIFY(client.waitForDisconnected());
    QTRY_COMPARE(closed.size(), 1);
    QTRY_COMPARE(m_server->sessionCount(), 0);
}

void tst_WsProsody::refusedOrigin()
{
    QCOMPARE(rawHandshake(m_server->port(), "/xmpp-websocket",
                          "Origin: https://evil.example.org\r\n"
                          "Sec-WebSocket-Protocol: xmpp\r\n"),
             QByteArray("HTTP/1.1 403 Forbidden"));
    WsClient client(m_server->webSocketUrl());
    QVERIFY(!client.connectSocket("https://evil.example.org"));
}

void tst_WsProsody::allowedOrigin()
{
    QCOMPARE(rawHandshake(m_server->port(), "/xmpp-websocket",
                          "Origin: https://app.example.com\r\nSec-WebSocket-Protocol: xmpp\r\n"),
             QByteArray("HTTP/1.1 101 Switching Protocols"));
    WsClient client(m_server->webSocketUrl());
    QVERIFY(client.connectSocket("http://localhost:8080"));
}

void tst_WsProsody::missingSubprotocolRefused()
{
    QCOMPARE(rawHandshake(m_server->port(), "/xmpp-websocket", {}), QByteArray("HTTP/1.1 400 Bad Request"));
    QCOMPARE(rawHandshake(m_server->port(), "/xmpp-websocket", "Sec-WebSocket-Protocol: chat, mqtt\r\n"),
             QByteArray("HTTP/1.1 400 Bad Request"));
}

void tst_WsProsody::wrongHostRefused()
{
    Config config = baseConfig(m_prosody.c2sPort());
    config.wsRequiredHost = QStringLiteral("chat.example.com");
    Server server(config);
    QVERIFY(server.start());
    QCOMPARE(rawHandshake(server.port(), "/xmpp-websocket", "Sec-WebSocket-Protocol: xmpp\r\n"),
             QByteArray("HTTP/1.1 403 Forbidden"));
}

void tst_WsProsody::oversizeMessageIsPolicyViolation()
{
    WsClient client(m_server->webSocketUrl());
    QVERIFY(client.connectSocket());
    QString error;
    QVERIFY2(client.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                          m_prosody.password(QStringLiteral("alice")), &error, QStringLiteral("big")),
             qPrintable(error));
    client.sendText("<message xmlns='jabber:client' to='bob@localhost'><body>" + QByteArray(8000, 'x') +
                    "</body></message>");
    const QDomElement streamError = client.waitForName(QStringLiteral("error"));
    QVERIFY(!streamError.isNull());
    QCOMPARE(streamError.firstChildElement().localName(), QStringLiteral("policy-violation"));
    QVERIFY(!client.waitForName(QStringLiteral("close")).isNull());
    QVERIFY(client.waitForDisconnected());
}

void tst_WsProsody::brokenXmlIsNotWellFormed()
{
    WsClient client(m_server->webSocketUrl());
    QVERIFY(client.connectSocket());
    client.sendText("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>");
    QVERIFY(!client.waitForName(QStringLiteral("features")).isNull());
    client.sendText("<message xmlns='jabber:client'><body>half");
    const QDomElement streamError = client.waitForName(QStringLiteral("error"));
    QVERIFY(!streamError.isNull());
    QCOMPARE(streamError.namespaceURI(), QStringLiteral("http://etherx.jabber.org/streams"));
    QCOMPARE(streamError.firstChildElement().localName(), QStringLiteral("not-well-formed"));
    QVERIFY(client.waitForDisconnected());
    // Everyone else is still served.
    WsClient next(m_server->webSocketUrl());
    QVERIFY(next.connectSocket());
    QString error;
    QVERIFY2(next.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                        m_prosody.password(QStringLiteral("alice")), &error, QStringLiteral("after")),
             qPrintable(error));
}

void tst_WsProsody::stanzaBeforeOpenRefused()
{
    WsClient client(m_server->webSocketUrl());
    QVERIFY(client.connectSocket());
    client.sendText("<message xmlns='jabber:client' to='bob@localhost'/>");
    QVERIFY(!client.waitForName(QStringLiteral("error")).isNull());
    QVERIFY(client.waitForDisconnected());
}

void tst_WsProsody::unknownDomainIsHostUnknown()
{
    WsClient client(m_server->webSocketUrl());
    QVERIFY(client.connectSocket());
    client.sendText("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='evil.example' version='1.0'/>");
    const QDomElement streamError = client.waitForName(QStringLiteral("error"));
    QCOMPARE(streamError.firstChildElement().localName(), QStringLiteral("host-unknown"));
    QVERIFY(client.waitForDisconnected());
}

void tst_WsProsody::hostMetaNamesEndpoints()
{
    QNetworkAccessManager nam;
    QUrl url = m_server->boshUrl();
    url.setPath(QStringLiteral("/.well-known/host-meta"));
    QNetworkReply *xrd = nam.get(QNetworkRequest(url));
    QSignalSpy xrdDone(xrd, &QNetworkReply::finished);
    QVERIFY(xrdDone.wait(5000));
    QXmlStreamReader reader(xrd->readAll());
    QMap<QString, QString> links;
    while (reader.readNextStartElement()) {
        if (reader.name() == QLatin1String("Link"))
            links.insert(reader.attributes().value(QStringLiteral("rel")).toString(),
                         reader.attributes().value(QStringLiteral("href")).toString());
        else if (reader.name() != QLatin1String("XRD"))
            reader.skipCurrentElement();
        if (reader.name() == QLatin1String("Link"))
            reader.skipCurrentElement();
    }
    QVERIFY2(!reader.hasError(), qPrintable(reader.errorString()));
    QCOMPARE(links.value(QStringLiteral("urn:xmpp:alt-connections:xbosh")),
             QStringLiteral("https://chat.example.com/http-bind/"));
    QCOMPARE(links.value(QStringLiteral("urn:xmpp:alt-connections:websocket")),
             QStringLiteral("wss://chat.example.com/xmpp-websocket"));
    xrd->deleteLater();

    url.setPath(QStringLiteral("/.well-known/host-meta.json"));
    QNetworkReply *json = nam.get(QNetworkRequest(url));
    QSignalSpy jsonDone(json, &QNetworkReply::finished);
    QVERIFY(jsonDone.wait(5000));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json->readAll(), &parseError);
    QCOMPARE(parseError.error, QJsonParseError::NoError);
    QMap<QString, QString> jsonLinks;
    for (const QJsonValue &link : doc.object().value(QStringLiteral("links")).toArray())
        jsonLinks.insert(link[QStringLiteral("rel")].toString(), link[QStringLiteral("href")].toString());
    QCOMPARE(jsonLinks, links);
    json->deleteLater();
}

void tst_WsProsody::serverShutdownGivesStreamErrorAndClose()
{
    // A Prosody of its own, so stopping it leaves the others alone.
    ProsodyFixture prosody;
    QVERIFY(prosody.start({QStringLiteral("alice")}));
    Server server(baseConfig(prosody.c2sPort()));
    QVERIFY(server.start());
    WsClient client(server.webSocketUrl());
    QVERIFY(client.connectSocket());
    QString error;
    QVERIFY2(client.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                          prosody.password(QStringLiteral("alice")), &error),
             qPrintable(error));
    prosody.stop();
    // Prosody says system-shutdown in a stream error (or just goes away): either way the client gets a
    // stream error, then <close/>, then the WebSocket close.
    const QDomElement streamError = client.waitForName(QStringLiteral("error"));
    QVERIFY2(!streamError.isNull(), client.rawMessages().join('\n').constData());
    QVERIFY(!client.waitForName(QStringLiteral("close")).isNull());
    QVERIFY(client.waitForDisconnected());
    QTRY_COMPARE(server.sessionCount(), 0);
}

void tst_WsProsody::clientThatDoesNotReadIsCutOff()
{
    // A logged-in client stops reading while a contact keeps sending: what waits toward it is capped
    // (max_client_backlog); over the cap its stream ends with policy-violation, and the messages it
    // did not get come back to the sender as errors (RFC 6120 §8.3) instead of vanishing.
    Config config = baseConfig(m_prosody.c2sPort());
    config.maxClientBacklog = 65536;
    config.wsMaxMessageSize = 65536;
    Server server(config);
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    QSignalSpy terminated(server.hub(), &Monitor::Hub::streamTerminated);
    const auto cut = [&] {
        return Test::streamTerminatedWith(terminated, QLatin1String("policy-violation"));
    };

    // A small receive buffer, and from the login on no reading at all.
    Test::RawWebSocket alice(4096);
    QVERIFY(alice.open(server.port(), server.webSocketUrl().path().toUtf8()));
    QVERIFY(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                        m_prosody.password(QStringLiteral("alice")), QStringLiteral("slow")));
    WsClient bob(server.webSocketUrl());
    QVERIFY(bob.connectSocket());
    QVERIFY2(bob.login(QStringLiteral("localhost"), QStringLiteral("bob"),
                       m_prosody.password(QStringLiteral("bob")), &error, QStringLiteral("fast")),
             qPrintable(error));

    // Bob sends until alice is cut off; only alice's backlog grows, never bob's own link.
    const int sent = Test::floodInPingedBatches(bob, alice.jid(), "m", cut);
    QVERIFY(sent >= 0);
    // The cut may come with the last batch, and with several workers its note crosses threads: awaited.
    QTRY_VERIFY2_WITH_TIMEOUT(cut(), qPrintable(QStringLiteral("still open after %1 messages").arg(sent)),
                              10000);
    QCOMPARE(server.limits()->hits(Limits::Limit::MaxClientBacklog), 1u);
    // What alice did not get comes back to bob.
    // (Prosody answers later ones itself once alice's session is gone: service-unavailable.)
    auto bounces = [&] {
        qsizetype count = 0;
        for (const QByteArray &raw : bob.rawMessages()) {
            if (raw.startsWith("<message") && raw.contains("type='error'") &&
                raw.contains("<recipient-unavailable"))
                ++count;
        }
        return count;
    };
    QTRY_VERIFY2(bounces() > 0, bob.rawMessages().join('\n').right(2000).constData());
    // Once alice reads again she finds her connection gone.
    alice.socket().setReadBufferSize(0);
    QVERIFY(QTest::qWaitFor(
        [&] {
            alice.socket().readAll();
            return !alice.isOpen();
        },
        10000));
    bob.sendText("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
    QVERIFY(bob.waitForDisconnected());
    QTRY_COMPARE(server.sessionCount(), 0);
}

SWITCHBOARD_TEST_MAIN(tst_WsProsody)
#include "tst_ws_prosody.moc"
