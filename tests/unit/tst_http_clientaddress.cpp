// SPDX-License-Identifier: GPL-3.0-or-later
// The client's real address on real loopback sockets: forwarding headers believed from trusted
// proxies only, the PROXY protocol on the listener (refused without a header, from untrusted
// addresses, after the deadline), and the per-address connection limit applied to the client a
// header names, not to the proxy.
#include "base/config.h"
#include "base/limits.h"
#include "http/httpserver.h"

#include "testmain.h"

#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Switchboard;
using namespace Switchboard::Http;

namespace {

/// A client on a raw socket: collects what arrives and notices the close.
class Client
{
public:
    explicit Client(quint16 port)
    {
        QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket,
                         [this] { m_input += m_socket.readAll(); });
        QObject::connect(&m_socket, &QTcpSocket::disconnected, &m_socket, [this] { m_closed = true; });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
    }
    [[nodiscard]] bool waitConnected()
    {
        return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, 5000);
    }
    void send(const QByteArray &bytes)
    {
        m_socket.write(bytes);
        m_socket.flush();
    }
    [[nodiscard]] bool waitClosed(int timeout = 5000)
    {
        return QTest::qWaitFor([this] { return m_closed; }, timeout);
    }
    /// Waits for a whole response head and returns its status (0: none came).
    int waitStatus(int timeout = 5000)
    {
        if (!QTest::qWaitFor([this] { return m_input.contains("\r\n\r\n") || m_closed; }, timeout))
            return 0;
        if (!m_input.startsWith("HTTP/1."))
            return 0;
        return m_input.mid(9, 3).toInt();
    }
    const QByteArray &input() const { return m_input; }
    bool isClosed() const { return m_closed; }
    quint16 localPort() const { return m_socket.localPort(); }

private:
    QTcpSocket m_socket;
    QByteArray m_input;
    bool m_closed = false;
};

QByteArray get(const QByteArray &extraHeaders = {})
{
    return "GET /who HTTP/1.1\r\nHost: localhost\r\n" + extraHeaders + "\r\n";
}

QByteArray v2Local()
{
    return QByteArray("\r\n\r\n\0\r\nQUIT\n\x20\x00\x00\x00", 16);
}

QByteArray v2Tcp6(const QHostAddress &source, quint16 sourcePort)
{
    QByteArray header("\r\n\r\n\0\r\nQUIT\n\x21\x21\x00\x24", 16);
    const Q_IPV6ADDR s = source.toIPv6Address();
    const Q_IPV6ADDR d = QHostAddress(QStringLiteral("2001:db8::1")).toIPv6Address();
    header.append(reinterpret_cast<const char *>(s.c), 16);
    header.append(reinterpret_cast<const char *>(d.c), 16);
    header.append(char(sourcePort >> 8));
    header.append(char(sourcePort & 0xff));
    header.append("\x14\xa0", 2); // 5280
    return header;
}

} // namespace

class tst_HttpClientAddress : public QObject
{
    Q_OBJECT

private:
    /// The last request the handler saw.
    Request m_seen;
    int m_requests = 0;

    std::unique_ptr<HttpServer> start(const Config &config, Limits *limits = nullptr)
    {
        auto server = std::make_unique<HttpServer>(config);
        server->setLimits(limits);
        server->setHandler([this](Exchange *exchange) {
            m_seen = exchange->request();
            ++m_requests;
            Response response;
            response.contentType = "text/plain";
            response.body = exchange->request().peerAddress.toString().toLatin1();
            exchange->respond(std::move(response));
        });
        if (!server->listen(QHostAddress::LocalHost, 0))
            qWarning() << "listen failed" << server->errorString();
        return server;
    }

    static Config config(const QStringList &trusted, bool proxyProtocol = false)
    {
        Config c;
        c.port = 0;
        c.trustedProxies = trusted;
        c.proxyProtocol = proxyProtocol;
        return c;
    }

    /// A self-signed certificate made by the openssl CLI, for the TLS listener.
    bool tlsConfiguration(QSslConfiguration *out)
    {
        if (!m_dir.isValid())
            return false;
        const QString key = m_dir.filePath(QStringLiteral("key.pem"));
        const QString cert = m_dir.filePath(QStringLiteral("cert.pem"));
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                       QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-days"),
                       QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=localhost"),
                       QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert});
        if (!openssl.waitForFinished(30000) || openssl.exitCode() != 0)
            return false;
        QFile certFile(cert);
        QFile keyFile(key);
        if (!certFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly))
            return false;
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setLocalCertificateChain(QSslCertificate::fromData(certFile.readAll(), QSsl::Pem));
        tls.setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Rsa, QSsl::Pem));
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        *out = tls;
        return !tls.localCertificate().isNull() && !tls.privateKey().isNull();
    }

    QTemporaryDir m_dir;

private Q_SLOTS:
    void init()
    {
        m_seen = Request();
        m_requests = 0;
    }

    void forwardedForFromTrustedProxy();
    void forwardedForFromUntrustedPeerIgnored();
    void forwardedHeaderChoice();
    void malformedHeaderFromTrustedProxyRefused();
    void trustedProxyConnectionsAreNotLimitedAsOneAddress();
    void proxyProtocolV1NamesTheClient();
    void proxyProtocolV2Ipv6ByteByByte();
    void proxyProtocolLocalKeepsTheConnectionAddress();
    void proxyProtocolThenForwardedFor();
    void proxyProtocolMissingHeaderRefused();
    void proxyProtocolUntrustedAddressRefused();
    void proxyProtocolSlowHeaderDropped();
    void proxyProtocolLimitAppliesToTheClient();
    void proxyProtocolBeforeTheTlsHandshake();
    void refusalsNameTheClient();
};

void tst_HttpClientAddress::forwardedForFromTrustedProxy()
{
    auto server = start(config({QStringLiteral("127.0.0.1")}));
    Client client(server->serverPort());
    QVERIFY(client.waitConnected());
    // The left part is what the client claimed; the proxy appended the address it saw.
    client.send(get("X-Forwarded-For: 1.1.1.1, 203.0.113.5\r\n"));
    QCOMPARE(client.waitStatus(), 200);
    QCOMPARE(m_seen.peerAddress, QHostAddress(QStringLiteral("203.0.113.5")));
    QCOMPARE(m_seen.peerPort, quint16(0));
    QCOMPARE(m_seen.connectionAddress, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(m_seen.connectionPort, client.localPort());
}

void tst_HttpClientAddress::forwardedForFromUntrustedPeerIgnored()
{
    // Trusted proxies elsewhere: a client on loopback cannot choose its address.
    for (const QStringList &trusted : {QStringList(), QStringList{QStringLiteral("10.0.0.0/8")}}) {
        auto server = start(config(trusted));
        Client client(server->serverPort());
        QVERIFY(client.waitConnected());
        client.send(get("X-Forwarded-For: 203.0.113.5\r\nForwarded: for=203.0.113.6\r\n"));
        QCOMPARE(client.waitStatus(), 200);
        QCOMPARE(m_seen.peerAddress, QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(m_seen.peerPort, client.localPort());
    }
}

void tst_HttpClientAddress::forwardedHeaderChoice()
{
    Config c = config({QStringLiteral("127.0.0.0/8")});
    c.forwardedHeader = QStringLiteral("forwarded");
    auto server = start(c);
    Client client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(get("X-Forwarded-For: 203.0.113.5\r\nForwarded: for=\"[2001:db8::7]:4711\";proto=http\r\n"));
    QCOMPARE(client.waitStatus(), 200);
    QCOMPARE(m_seen.peerAddress, QHostAddress(QStringLiteral("2001:db8::7")));
    QCOMPARE(m_seen.peerPort, quint16(4711));
}

void tst_HttpClientAddress::malformedHeaderFromTrustedProxyRefused()
{
    auto server = start(config({QStringLiteral("127.0.0.1")}));
    // Plain requests and WebSocket upgrades alike.
    for (const QByteArray &request :
         {get("X-Forwarded-For: 203.0.113\r\n"),
          QByteArray("GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "X-Forwarded-For: not-an-address\r\n\r\n")}) {
        bool offered = false;
        server->setUpgradeHandler([&offered](Transport, const QByteArray &, const Request &) {
            offered = true;
            return false;
        });
        Client client(server->serverPort());
        QVERIFY(client.waitConnected());
        client.send(request);
        QCOMPARE(client.waitStatus(), 400);
        QVERIFY(client.waitClosed());
        QVERIFY(!offered);
    }
    QCOMPARE(m_requests, 0);
}

void tst_HttpClientAddress::trustedProxyConnectionsAreNotLimitedAsOneAddress()
{
    // A proxy opens one connection per waiting request of all its clients: max_connections_per_ip must
    // not hold them against the proxy. The total still applies.
    Config c = config({QStringLiteral("127.0.0.1")});
    c.maxConnectionsPerIp = 1;
    c.maxConnections = 3;
    Limits limits(c);
    auto server = start(c, &limits);
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<Client>(server->serverPort()));
        QVERIFY(clients.back()->waitConnected());
        clients.back()->send(get("X-Forwarded-For: 203.0.113.5\r\n"));
        QCOMPARE(clients.back()->waitStatus(), 200);
    }
    QCOMPARE(limits.connections(), 3);
    Client fourth(server->serverPort());
    QVERIFY(fourth.waitConnected());
    QCOMPARE(fourth.waitStatus(), 503);
    QCOMPARE(limits.hits(Limits::Limit::MaxConnections), 1u);
    clients.clear();
    QTRY_COMPARE(limits.connections(), 0);

    // Not trusted: the same three connections are one address over its share.
    Config untrusted = c;
    untrusted.trustedProxies.clear();
    Limits strict(untrusted);
    auto other = start(untrusted, &strict);
    Client first(other->serverPort());
    QVERIFY(first.waitConnected());
    first.send(get());
    QCOMPARE(first.waitStatus(), 200);
    Client second(other->serverPort());
    QVERIFY(second.waitConnected());
    QCOMPARE(second.waitStatus(), 429);
}

void tst_HttpClientAddress::proxyProtocolV1NamesTheClient()
{
    auto server = start(config({QStringLiteral("127.0.0.1")}, true));
    QSignalSpy opened(server.get(), &HttpServer::connectionOpened);
    Client client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send("PROXY TCP4 192.0.2.7 127.0.0.1 56324 5280\r\n" + get());
    QCOMPARE(client.waitStatus(), 200);
    QCOMPARE(m_seen.peerAddress, QHostAddress(QStringLiteral("192.0.2.7")));
    QCOMPARE(m_seen.peerPort, quint16(56324));
    QCOMPARE(m_seen.connectionAddress, QHostAddress(QHostAddress::LocalHost));
    QVERIFY(client.input().endsWith("192.0.2.7"));
    QCOMPARE(opened.size(), 1);
    QCOMPARE(opened.first().first().value<QHostAddress>(), QHostAddress(QStringLiteral("192.0.2.7")));
}

void tst_HttpClientAddress::proxyProtocolV2Ipv6ByteByByte()
{
    auto server = start(config({QStringLiteral("127.0.0.1")}, true));
    Client client(server->serverPort());
    QVERIFY(client.waitConnected());
    const QByteArray header = v2Tcp6(QHostAddress(QStringLiteral("2001:db8:ffff::9")), 4711);
    // One byte per event-loop round: the server sees the header in many reads.
    for (const char byte : header) {
        client.send(QByteArray(1, byte));
        QTest::qWait(1);
    }
    client.send(get());
    QCOMPARE(client.waitStatus(), 200);
    QCOMPARE(m_seen.peerAddress, QHostAddress(QStringLiteral("2001:db8:ffff::9")));
    QCOMPARE(m_seen.peerPort, quint16(4711));
}

void tst_HttpClientAddress::proxyProtocolLocalKeepsTheConnectionAddress()
{
    auto server = start(config({QStringLiteral("127.0.0.1")}, true));
    for (const QByteArray &header : {v2Local(), QByteArray("PROXY UNKNOWN\r\n")}) {
        Client client(server->serverPort());
        QVERIFY(client.waitConnected());
        client.send(header + get());
        QCOMPARE(client.waitStatus(), 200);
        QCOMPARE(m_seen.peerAddress, QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(m_seen.peerPort, client.localPort());
    }
}

void tst_HttpClientAddress::proxyProtocolThenForwardedFor()
{
    // A TCP balancer (PROXY protocol) in front of an HTTP proxy, both trusted: the chain goes on
    // through X-Forwarded-For. An untrusted source in the PROXY header ends it there.
    auto server = start(config({QStringLiteral("127.0.0.1"), QStringLiteral("10.0.0.0/8")}, true));
    Client client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send("PROXY TCP4 10.1.2.3 127.0.0.1 40000 5280\r\n" + get("X-Forwarded-For: 203.0.113.5\r\n"));
    QCOMPARE(client.waitStatus(), 200);
    QCOMPARE(m_seen.peerAddress, QHostAddress(QStringLiteral("203.0.113.5")));

    Client direct(server->serverPort());
    QVERIFY(direct.waitConnected());
    direct.send("PROXY TCP4 198.51.100.4 127.0.0.1 40000 5280\r\n" + get("X-Forwarded-For: 203.0.113.5\r\n"));
    QCOMPARE(direct.waitStatus(), 200);
    QCOMPARE(m_seen.peerAddress, QHostAddress(QStringLiteral("198.51.100.4")));
}

void tst_HttpClientAddress::proxyProtocolMissingHeaderRefused()
{
    auto server = start(config({QStringLiteral("127.0.0.1")}, true));
    QSignalSpy refused(server.get(), &HttpServer::proxyHeaderRefused);
    for (const QByteArray &bytes :
         {get(), QByteArray("PROXY TCP4 192.0.2.7 127.0.0.1 1 2\n"),
          QByteArray(QByteArray("PROXY TCP4 192.0.2.007 127.0.0.1 1 2\r\n") + get())}) {
        Client client(server->serverPort());
        QVERIFY(client.waitConnected());
        client.send(bytes);
        QVERIFY(client.waitClosed());
        QVERIFY2(client.input().isEmpty(), client.input().constData()); // not one byte of HTTP
    }
    QCOMPARE(refused.size(), 3);
    QCOMPARE(m_requests, 0);
    QCOMPARE(server->connectionCount(), 0);
}

void tst_HttpClientAddress::proxyProtocolUntrustedAddressRefused()
{
    auto server = start(config({QStringLiteral("10.0.0.0/8"), QStringLiteral("::1")}, true));
    QSignalSpy refused(server.get(), &HttpServer::proxyHeaderRefused);
    Client client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send("PROXY TCP4 192.0.2.7 127.0.0.1 56324 5280\r\n" + get());
    QVERIFY(client.waitClosed());
    QVERIFY(client.input().isEmpty());
    QCOMPARE(m_requests, 0);
    QCOMPARE(refused.size(), 1);
    QCOMPARE(refused.first().at(1).toByteArray(), QByteArray("not a trusted proxy"));
}

void tst_HttpClientAddress::proxyProtocolSlowHeaderDropped()
{
    Config c = config({QStringLiteral("127.0.0.1")}, true);
    c.httpRequestTimeout = 1;
    Limits limits(c);
    auto server = start(c, &limits);
    QSignalSpy refused(server.get(), &HttpServer::proxyHeaderRefused);
    Client silent(server->serverPort());
    Client partial(server->serverPort());
    QVERIFY(silent.waitConnected());
    QVERIFY(partial.waitConnected());
    partial.send("PROXY TCP4 192.0.2.7 ");
    QVERIFY(refused.wait(5000));
    QTRY_COMPARE(refused.size(), 2);
    QVERIFY(silent.waitClosed());
    QVERIFY(partial.waitClosed());
    for (const QList<QVariant> &args : std::as_const(refused))
        QVERIFY(args.at(1).toByteArray().contains("in time"));
    QCOMPARE(limits.connections(), 0); // never admitted
}

void tst_HttpClientAddress::proxyProtocolLimitAppliesToTheClient()
{
    // Every connection comes from the proxy; the limit counts the clients the headers name.
    Config c = config({QStringLiteral("127.0.0.1")}, true);
    c.maxConnectionsPerIp = 1;
    Limits limits(c);
    auto server = start(c, &limits);
    Client first(server->serverPort());
    QVERIFY(first.waitConnected());
    first.send("PROXY TCP4 192.0.2.7 127.0.0.1 1000 5280\r\n" + get());
    QCOMPARE(first.waitStatus(), 200);
    Client second(server->serverPort());
    QVERIFY(second.waitConnected());
    second.send("PROXY TCP4 192.0.2.7 127.0.0.1 1001 5280\r\n" + get());
    QCOMPARE(second.waitStatus(), 429);
    Client other(server->serverPort());
    QVERIFY(other.waitConnected());
    other.send("PROXY TCP4 192.0.2.8 127.0.0.1 1002 5280\r\n" + get());
    QCOMPARE(other.waitStatus(), 200);
    QCOMPARE(limits.hits(Limits::Limit::MaxConnectionsPerIp), 1u);
    QCOMPARE(limits.connections(), 2);
}

void tst_HttpClientAddress::proxyProtocolBeforeTheTlsHandshake()
{
    QSslConfiguration tls;
    QVERIFY2(tlsConfiguration(&tls), "openssl could not make a certificate");
    Config c = config({QStringLiteral("127.0.0.1")}, true);
    HttpServer server(c);
    server.setHandler([this](Exchange *exchange) {
        m_seen = exchange->request();
        ++m_requests;
        exchange->respond(Response::error(204));
    });
    QVERIFY(server.listenTls(QHostAddress::LocalHost, 0, tls));
    QSignalSpy refused(&server, &HttpServer::proxyHeaderRefused);

    // The header in the clear, then the handshake on the same connection.
    QSslSocket client;
    client.setPeerVerifyMode(QSslSocket::VerifyNone);
    client.connectToHost(QHostAddress::LocalHost, server.tlsPort());
    QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
    client.write("PROXY TCP6 2001:db8::5 2001:db8::1 4711 443\r\n");
    client.startClientEncryption();
    QTRY_VERIFY(client.isEncrypted());
    client.write(get());
    QTRY_VERIFY(client.bytesAvailable() > 0 || m_requests > 0);
    QTRY_COMPARE(m_requests, 1);
    QVERIFY(m_seen.secure);
    QCOMPARE(m_seen.peerAddress, QHostAddress(QStringLiteral("2001:db8::5")));
    QCOMPARE(m_seen.peerPort, quint16(4711));

    // A TLS client that sends no header is refused: its ClientHello is not a PROXY header.
    QSslSocket bare;
    bare.setPeerVerifyMode(QSslSocket::VerifyNone);
    bare.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.tlsPort());
    QVERIFY(refused.wait(5000));
    QTRY_COMPARE(bare.state(), QAbstractSocket::UnconnectedState);
    QVERIFY(!bare.isEncrypted());
    QCOMPARE(m_requests, 1);
}

void tst_HttpClientAddress::refusalsNameTheClient()
{
    // A request a limit refuses (here a body over max_data_held) is counted against, and logged as,
    // the client the trusted proxy names, not the proxy.
    Config c = config({QStringLiteral("127.0.0.1")});
    c.maxDataHeld = 1024;
    Limits limits(c);
    QSignalSpy exceeded(&limits, &Limits::exceeded);
    auto server = start(c, &limits);
    Client client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send("POST /bosh HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: 203.0.113.5\r\n"
                "Content-Length: 4096\r\n\r\n");
    QCOMPARE(client.waitStatus(), 413);
    QCOMPARE(exceeded.size(), 1);
    QCOMPARE(exceeded.first().at(0).value<Limits::Limit>(), Limits::Limit::MaxDataHeld);
    QCOMPARE(exceeded.first().at(1).value<QHostAddress>(), QHostAddress(QStringLiteral("203.0.113.5")));
}

SWITCHBOARD_TEST_MAIN(tst_HttpClientAddress)
#include "tst_http_clientaddress.moc"
