// SPDX-License-Identifier: GPL-3.0-or-later
// Proves that a route's `proxy_protocol_out` hands the client's address on to the XMPP server (HAProxy's
// PROXY protocol, v1 §2.1 and v2 §2.2): a scripted server checks the header byte for byte before the
// stream header, before a direct TLS ClientHello (XEP-0368), and in its "unknown" forms; a real ejabberd
// (use_proxy_protocol on its c2s listener) reports the address a WebSocket client came from through a
// trusted proxy as the session's IP, while Switchboard itself connects from 127.0.0.1.
#include "ejabberdfixture.h"
#include "server.h"
#include "testmain.h"
#include "wsclient.h"
#include "xmpp/serverlink.h"

#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Switchboard;
using Switchboard::Xmpp::ServerLink;

namespace {

/// Collects everything the first connection sends; answers nothing.
class RecordingServer : public QTcpServer
{
public:
    RecordingServer() { listen(QHostAddress::LocalHost, 0); }
    QByteArray input;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QTcpSocket(this);
        socket->setSocketDescriptor(descriptor);
        connect(socket, &QIODevice::readyRead, this, [this, socket] { input += socket->readAll(); });
    }
};

Config routeConfig(quint16 port, ProxyProtocolVersion version, bool directTls = false)
{
    Config config;
    config.workers = 1; // one event loop: this test is not about threads
    Route route{QStringLiteral("fake.test"), QStringLiteral("127.0.0.1"), port};
    route.proxyProtocolOut = version;
    route.directTls = directTls;
    config.routes = {route};
    config.noTlsDomains = {QStringLiteral("fake.test")};
    config.connectTimeout = 5;
    return config;
}

ServerLink::Params linkParams(const QString &client)
{
    ServerLink::Params p;
    p.domain = QStringLiteral("fake.test");
    if (!client.isEmpty())
        p.clientAddress = QHostAddress(client);
    return p;
}

const QByteArray kStreamStart = "<?xml version='1.0'?><stream:stream to='fake.test'";

} // namespace

class tst_XmppProxyOut : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void v1HeaderBeforeTheStream();
    void v2HeaderBeforeTheStream();
    void unknownClient_data();
    void unknownClient();
    void headerBeforeDirectTls();
    void noHeaderWithoutTheOption();
    void ejabberdSeesTheClientAddress();
};

void tst_XmppProxyOut::v1HeaderBeforeTheStream()
{
    RecordingServer server;
    const Config config = routeConfig(server.serverPort(), ProxyProtocolVersion::V1);
    ServerLink link(config, nullptr);
    link.open(linkParams(QStringLiteral("203.0.113.7")));
    const QByteArray expected = "PROXY TCP4 203.0.113.7 127.0.0.1 0 " +
                                QByteArray::number(server.serverPort()) + "\r\n" + kStreamStart;
    QTRY_VERIFY_WITH_TIMEOUT(server.input.size() >= expected.size(), 10000);
    QCOMPARE(server.input.left(expected.size()), expected);
}

void tst_XmppProxyOut::v2HeaderBeforeTheStream()
{
    RecordingServer server;
    const Config config = routeConfig(server.serverPort(), ProxyProtocolVersion::V2);
    ServerLink link(config, nullptr);
    link.open(linkParams(QStringLiteral("2001:db8::7")));
    // An IPv6 client and an IPv4 server: both written as IPv6 (::ffff:127.0.0.1), AF_INET6 over STREAM.
    const quint16 port = server.serverPort();
    const QByteArray expected = QByteArray("\r\n\r\n\0\r\nQUIT\n", 12) + QByteArray::fromHex("21210024") +
                                QByteArray::fromHex("20010db8000000000000000000000007") +
                                QByteArray::fromHex("00000000000000000000ffff7f000001") +
                                QByteArray::fromHex("0000") + char(port >> 8) + char(port & 0xff) +
                                kStreamStart;
    QTRY_VERIFY_WITH_TIMEOUT(server.input.size() >= expected.size(), 10000);
    QCOMPARE(server.input.left(expected.size()).toHex(), expected.toHex());
}

void tst_XmppProxyOut::unknownClient_data()
{
    QTest::addColumn<int>("version");
    QTest::addColumn<QByteArray>("header");
    QTest::newRow("v1") << 1 << QByteArray("PROXY UNKNOWN\r\n");
    QTest::newRow("v2 LOCAL") << 2 << QByteArray("\r\n\r\n\0\r\nQUIT\n\x20\0\0\0", 16);
}

void tst_XmppProxyOut::unknownClient()
{
    // A session whose client address is not known (none given): the server is told to use the
    // connection's own endpoints, not some made-up address.
    QFETCH(int, version);
    QFETCH(QByteArray, header);
    RecordingServer server;
    const Config config =
        routeConfig(server.serverPort(), version == 1 ? ProxyProtocolVersion::V1 : ProxyProtocolVersion::V2);
    ServerLink link(config, nullptr);
    link.open(linkParams(QString()));
    const QByteArray expected = header + kStreamStart;
    QTRY_VERIFY_WITH_TIMEOUT(server.input.size() >= expected.size(), 10000);
    QCOMPARE(server.input.left(expected.size()).toHex(), expected.toHex());
}

void tst_XmppProxyOut::headerBeforeDirectTls()
{
    // The header goes first on the TCP connection, then the TLS ClientHello (a handshake record, 0x16),
    // which names the domain (SNI) and offers the ALPN protocol "xmpp-client" (XEP-0368 §3).
    RecordingServer server;
    const Config config = routeConfig(server.serverPort(), ProxyProtocolVersion::V1, true);
    ServerLink link(config, nullptr);
    QSignalSpy failed(&link, &ServerLink::failed);
    link.open(linkParams(QStringLiteral("198.51.100.20")));
    const QByteArray header =
        "PROXY TCP4 198.51.100.20 127.0.0.1 0 " + QByteArray::number(server.serverPort()) + "\r\n";
    QTRY_VERIFY_WITH_TIMEOUT(server.input.contains("xmpp-client"), 10000);
    QCOMPARE(server.input.left(header.size()), header);
    QCOMPARE(server.input.at(header.size()), char(0x16));
    const QByteArray hello = server.input.mid(header.size());
    QVERIFY(hello.contains("fake.test"));
    QVERIFY(!hello.contains("<stream:stream"));
}

void tst_XmppProxyOut::noHeaderWithoutTheOption()
{
    RecordingServer server;
    const Config config = routeConfig(server.serverPort(), ProxyProtocolVersion::None);
    ServerLink link(config, nullptr);
    link.open(linkParams(QStringLiteral("203.0.113.7")));
    QTRY_VERIFY_WITH_TIMEOUT(server.input.size() >= kStreamStart.size(), 10000);
    QVERIFY(server.input.startsWith(kStreamStart));
}

void tst_XmppProxyOut::ejabberdSeesTheClientAddress()
{
    // Fails, not skips, without ejabberd: scripts/install-deps.sh installs it wherever the suite runs.
    QVERIFY2(EjabberdFixture::isInstalled(), "ejabberd is not installed (scripts/install-deps.sh)");
    EjabberdFixture ejabberd;
    QVERIFY2(ejabberd.start(), qPrintable(ejabberd.log()));
    QVERIFY(ejabberd.registerUser(QStringLiteral("alice"), QStringLiteral("secret")));

    for (const auto &[version, client] :
         {std::pair{ProxyProtocolVersion::V1, QStringLiteral("203.0.113.9")},
          std::pair{ProxyProtocolVersion::V2, QStringLiteral("198.51.100.77")}}) {
        // The WebSocket client connects from 127.0.0.1 and is named by a trusted proxy's
        // X-Forwarded-For; Switchboard connects to ejabberd from 127.0.0.1 as well. Only the PROXY
        // header can tell ejabberd the client's address.
        Config config;
        config.workers = 1; // one event loop: this test is not about threads
        config.host = QStringLiteral("127.0.0.1");
        config.port = 0;
        Route route{ejabberd.domain(), QStringLiteral("127.0.0.1"), ejabberd.c2sPort()};
        route.proxyProtocolOut = version;
        config.routes = {route};
        config.noTlsDomains = {ejabberd.domain()};
        config.trustedProxies = {QStringLiteral("127.0.0.1")};
        config.connectTimeout = 10;
        Server server(config);
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));

        WsClient ws(server.webSocketUrl());
        QNetworkRequest request(server.webSocketUrl());
        request.setRawHeader("Sec-WebSocket-Protocol", "xmpp");
        request.setRawHeader("X-Forwarded-For", client.toLatin1());
        QSignalSpy connected(&ws.socket(), &QWebSocket::connected);
        ws.socket().open(request);
        QVERIFY(connected.wait(10000));
        const QString resource = u"r" + QString::number(int(version));
        QVERIFY2(
            ws.login(ejabberd.domain(), QStringLiteral("alice"), QStringLiteral("secret"), &error, resource),
            qPrintable(error));

        // user_sessions_info: one line per session, "connection<TAB>ip<TAB>port<TAB>priority<TAB>node
        // <TAB>uptime<TAB>status<TAB>resource<TAB>statustext".
        bool ok = false;
        const QString info = ejabberd.ctl(
            {QStringLiteral("user_sessions_info"), QStringLiteral("alice"), ejabberd.domain()}, &ok);
        QVERIFY2(ok, qPrintable(info));
        QString line;
        for (const QString &l : info.split(u'\n')) {
            if (l.split(u'\t').value(7) == resource)
                line = l;
        }
        QVERIFY2(!line.isEmpty(), qPrintable(info));
        QCOMPARE(line.split(u'\t').value(1), client);
        QVERIFY2(!info.contains(u"127.0.0.1"), qPrintable(info));
        ws.socket().close();
        QVERIFY(ws.waitForDisconnected());
    }
}

SWITCHBOARD_TEST_MAIN(tst_XmppProxyOut)
#include "tst_xmpp_proxyout.moc"
