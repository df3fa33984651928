// SPDX-License-Identifier: GPL-3.0-or-later
// TLS for clients: https:// and wss:// on a TLS listener beside the plain one, with a certificate made
// by the openssl CLI in the test; sessions over it are reported secure; TLS below 1.2 is refused; a
// certificate reload (what SIGHUP does) changes what new connections see and drops no session; answers
// that close their connection arrive whole; unfinished handshakes neither stop the listener nor escape
// the connection limits and deadline.
#include "backlogflood.h"
#include "base/limits.h"
#include "boshclient.h"
#include "hardening.h"
#include "prosodyfixture.h"
#include "rawwebsocket.h"
#include "server.h"
#include "testmain.h"
#include "wsclient.h"

#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Switchboard;

namespace {

/// GET /.well-known/host-meta over a new TLS connection to `port`.
Test::RawResponse hostMetaOverTls(quint16 port)
{
    return Test::rawExchange(port, "GET /.well-known/host-meta HTTP/1.1\r\nHost: localhost\r\n\r\n", 10000,
                             true);
}

} // namespace

class tst_HardTls : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void boshOverHttpsIsSecure();
    void webSocketOverWssIsSecure();
    void plainListenerBesideTls();
    void oldTlsVersionsRefused();
    void certificateReloadKeepsSessions();
    void badCertificateFailsStart();
    void closingAnswersArrive_data();
    void closingAnswersArrive();
    void silentHandshakesDoNotStopTheListener();
    void silentHandshakeDroppedAtDeadline();
    void handshakesCountAgainstLimits();
    void hostMetaSchemeFollowsListener();
    void clientThatDoesNotReadOverTlsIsCutOff();

private:
    bool makeCertificate(const QString &name, const QString &commonName);
    QString file(const QString &name) const { return m_dir.filePath(name); }
    QSslCertificate certificate(const QString &name) const;
    /// A server config for the Prosody, with both listeners on free ports and `name`.pem/.key as its
    /// certificate.
    Config tlsConfig(const QString &name = QStringLiteral("live")) const;
    /// The certificate a fresh TLS connection to `port` is shown.
    QSslCertificate peerCertificate(quint16 port);

    ProsodyFixture m_prosody;
    QTemporaryDir m_dir;
};

bool tst_HardTls::makeCertificate(const QString &name, const QString &commonName)
{
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-days"),
                   QStringLiteral("2"), QStringLiteral("-subj"), u"/CN=" + commonName,
                   QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1,DNS:localhost"),
                   QStringLiteral("-keyout"), file(name + u".key"), QStringLiteral("-out"),
                   file(name + u".pem")});
    return openssl.waitForFinished(30000) && openssl.exitCode() == 0;
}

QSslCertificate tst_HardTls::certificate(const QString &name) const
{
    QFile pem(file(name + u".pem"));
    if (!pem.open(QIODevice::ReadOnly))
        return QSslCertificate();
    return QSslCertificate(pem.readAll(), QSsl::Pem);
}

void tst_HardTls::initTestCase()
{
    if (!QSslSocket::supportsSsl())
        QSKIP("no TLS backend");
    QVERIFY(m_dir.isValid());
    QVERIFY(makeCertificate(QStringLiteral("a"), QStringLiteral("switchboard-a")));
    QVERIFY(makeCertificate(QStringLiteral("b"), QStringLiteral("switchboard-b")));
    // The clients of this process trust both test certificates.
    QSslConfiguration trust = QSslConfiguration::defaultConfiguration();
    trust.addCaCertificates({certificate(QStringLiteral("a")), certificate(QStringLiteral("b"))});
    QSslConfiguration::setDefaultConfiguration(trust);
    QVERIFY2(m_prosody.start(), "Prosody did not start");
}

void tst_HardTls::cleanupTestCase()
{
    m_prosody.stop();
}

Config tst_HardTls::tlsConfig(const QString &name) const
{
    Config config = m_prosody.backendConfig();
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.tlsPort = 0;
    config.tlsCertFile = file(name + u".pem");
    config.tlsKeyFile = file(name + u".key");
    return config;
}

QSslCertificate tst_HardTls::peerCertificate(quint16 port)
{
    QSslSocket socket;
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
    QSignalSpy encrypted(&socket, &QSslSocket::encrypted);
    if (!encrypted.wait(10000))
        return QSslCertificate();
    return socket.peerCertificate();
}

void tst_HardTls::boshOverHttpsIsSecure()
{
    QFile::remove(file(QStringLiteral("live.pem")));
    QFile::remove(file(QStringLiteral("live.key")));
    QVERIFY(QFile::copy(file(QStringLiteral("a.pem")), file(QStringLiteral("live.pem"))));
    QVERIFY(QFile::copy(file(QStringLiteral("a.key")), file(QStringLiteral("live.key"))));
    Server server(tlsConfig());
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    QVERIFY(server.tlsPort() != 0);
    QCOMPARE(server.secureBoshUrl().scheme(), QStringLiteral("https"));
    QSignalSpy opened(server.hub(), &Monitor::Hub::sessionOpened);
    BoshClient alice(server.secureBoshUrl());
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         m_prosody.password(QStringLiteral("alice")), &error),
             qPrintable(error));
    QCOMPARE(opened.size(), 1);
    QVERIFY(opened.first().first().value<Monitor::SessionInfo>().secure);
    QVERIFY(alice.terminate().isTerminate());
}

void tst_HardTls::webSocketOverWssIsSecure()
{
    Server server(tlsConfig());
    QVERIFY(server.start());
    QSignalSpy opened(server.hub(), &Monitor::Hub::sessionOpened);
    WsClient bob(server.secureWebSocketUrl());
    QVERIFY(bob.connectSocket());
    QString error;
    QVERIFY2(bob.login(QStringLiteral("localhost"), QStringLiteral("bob"),
                       m_prosody.password(QStringLiteral("bob")), &error),
             qPrintable(error));
    QCOMPARE(opened.size(), 1);
    QVERIFY(opened.first().first().value<Monitor::SessionInfo>().secure);
    bob.sendText("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
    QVERIFY(bob.waitForDisconnected());
}

void tst_HardTls::plainListenerBesideTls()
{
    Server server(tlsConfig());
    QVERIFY(server.start());
    QVERIFY(server.port() != 0);
    QCOMPARE(server.boshUrl().scheme(), QStringLiteral("http"));
    QSignalSpy hubOpened(server.hub(), &Monitor::Hub::sessionOpened);
    BoshClient carol(server.boshUrl());
    QString error;
    QVERIFY2(carol.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         m_prosody.password(QStringLiteral("alice")), &error, QStringLiteral("plain")),
             qPrintable(error));
    QVERIFY(!hubOpened.first().first().value<Monitor::SessionInfo>().secure);
    carol.terminate();

    Config tlsOnly = tlsConfig();
    tlsOnly.plainListener = false;
    Server only(tlsOnly);
    QVERIFY(only.start());
    QCOMPARE(only.port(), quint16(0));
    QCOMPARE(only.boshUrl().scheme(), QStringLiteral("https"));
}

void tst_HardTls::oldTlsVersionsRefused()
{
    Server server(tlsConfig());
    QVERIFY(server.start());
    QSslSocket old;
    QSslConfiguration configuration = old.sslConfiguration();
    QT_WARNING_PUSH
    QT_WARNING_DISABLE_DEPRECATED
    configuration.setProtocol(QSsl::TlsV1_1); // deprecated because it is unsafe: that is the point here
    QT_WARNING_POP
    old.setSslConfiguration(configuration);
    QSignalSpy encrypted(&old, &QSslSocket::encrypted);
    QSignalSpy failed(&old, &QSslSocket::errorOccurred);
    old.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.tlsPort());
    // TLS 1.1 is below the floor: the handshake fails (on either side; OpenSSL 3 may refuse it already).
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty() || !encrypted.isEmpty(), 10000);
    QVERIFY(encrypted.isEmpty());

    // TLS 1.2 works.
    QSslSocket modern;
    QSslConfiguration twelve = modern.sslConfiguration();
    twelve.setProtocol(QSsl::TlsV1_2);
    modern.setSslConfiguration(twelve);
    modern.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.tlsPort());
    QSignalSpy modernEncrypted(&modern, &QSslSocket::encrypted);
    QVERIFY(modernEncrypted.wait(10000));
}

void tst_HardTls::certificateReloadKeepsSessions()
{
    Server server(tlsConfig());
    QVERIFY(server.start());
    QCOMPARE(peerCertificate(server.tlsPort()), certificate(QStringLiteral("a")));
    BoshClient alice(server.secureBoshUrl());
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         m_prosody.password(QStringLiteral("alice")), &error),
             qPrintable(error));
    WsClient bob(server.secureWebSocketUrl());
    QVERIFY(bob.connectSocket());
    QVERIFY2(bob.login(QStringLiteral("localhost"), QStringLiteral("bob"),
                       m_prosody.password(QStringLiteral("bob")), &error),
             qPrintable(error));
    alice.startPolling();

    // Replace the files (as certbot would), then reload (SIGHUP in the binary).
    QVERIFY(QFile::remove(file(QStringLiteral("live.pem"))));
    QVERIFY(QFile::remove(file(QStringLiteral("live.key"))));
    QVERIFY(QFile::copy(file(QStringLiteral("b.pem")), file(QStringLiteral("live.pem"))));
    QVERIFY(QFile::copy(file(QStringLiteral("b.key")), file(QStringLiteral("live.key"))));
    QVERIFY2(server.reloadTls(&error), qPrintable(error));
    // Every worker takes the new files; one a connection reaches before its turn still has the old ones.
    QTRY_COMPARE(peerCertificate(server.tlsPort()), certificate(QStringLiteral("b")));

    // Both sessions are still there and work.
    QCOMPARE(server.sessionCount(), 2);
    alice.sendStanza("<message xmlns='jabber:client' type='chat' to='" + bob.jid().toUtf8() +
                     "' id='after-reload'><body>still here</body></message>");
    QVERIFY(!bob.waitFor([](const QDomElement &e) {
                    return e.attribute(QStringLiteral("id")) == QLatin1String("after-reload");
                })
                 .isNull());

    // A broken file is refused and the old certificate stays in use.
    QFile broken(file(QStringLiteral("live.pem")));
    QVERIFY(broken.open(QIODevice::WriteOnly | QIODevice::Truncate));
    broken.write("not a certificate\n");
    broken.close();
    QVERIFY(!server.reloadTls(&error));
    QCOMPARE(peerCertificate(server.tlsPort()), certificate(QStringLiteral("b")));
    alice.terminate();
}

void tst_HardTls::badCertificateFailsStart()
{
    Config config = tlsConfig();
    config.tlsCertFile = file(QStringLiteral("b.key")); // a key is no certificate
    Server server(config);
    QString error;
    QVERIFY(!server.start(&error));
    QVERIFY2(error.contains(QStringLiteral("certificate")), qPrintable(error));
}

void tst_HardTls::closingAnswersArrive_data()
{
    QTest::addColumn<bool>("tls");
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    // A first connection stays open and fills this limit (set to 1), for the refusals at accept time.
    QTest::addColumn<QString>("limit");
    const QByteArray hostMeta = "GET /.well-known/host-meta HTTP/1.1\r\nHost: localhost\r\n";
    for (const bool tls : {false, true}) {
        const char *listener = tls ? "tls" : "plain";
        QTest::addRow("%s: Connection: close", listener) << tls << hostMeta + "Connection: close\r\n\r\n"
                                                         << 200 << QString();
        QTest::addRow("%s: HTTP/1.0", listener)
            << tls << QByteArray("GET /.well-known/host-meta HTTP/1.0\r\n\r\n") << 200 << QString();
        // http_request_timeout is 1 s: the head never ends.
        QTest::addRow("%s: 408", listener) << tls << hostMeta << 408 << QString();
        // max_data_held is 100 bytes; the body keeps coming after the refusal.
        QTest::addRow("%s: 413", listener)
            << tls
            << "POST /http-bind/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 20000\r\n\r\n" +
                   QByteArray(20000, 'x')
            << 413 << QString();
        // max_header_size is 1024 bytes.
        QTest::addRow("%s: 431", listener)
            << tls << hostMeta + "X-Filler: " + QByteArray(2000, 'f') + "\r\n\r\n"
            << 431 << QString();
        QTest::addRow("%s: 429", listener) << tls << hostMeta + "\r\n"
                                           << 429 << QStringLiteral("max_connections_per_ip");
        QTest::addRow("%s: 503", listener) << tls << hostMeta + "\r\n"
                                           << 503 << QStringLiteral("max_connections");
    }
}

void tst_HardTls::closingAnswersArrive()
{
    // RFC 9112 §9.6 and §9.8: a response that ends its connection must reach the client whole, on
    // both listeners, before the connection closes.
    QFETCH(bool, tls);
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(QString, limit);
    Config config = tlsConfig(QStringLiteral("a"));
    config.httpRequestTimeout = 1;
    config.maxDataHeld = 100;
    config.maxHeaderSize = 1024;
    if (limit == QLatin1String("max_connections"))
        config.maxConnections = 1;
    else if (limit == QLatin1String("max_connections_per_ip"))
        config.maxConnectionsPerIp = 1;
    Server server(config);
    QVERIFY(server.start());
    const quint16 port = tls ? server.tlsPort() : server.port();
    QSslSocket held;
    if (!limit.isEmpty()) {
        held.setPeerVerifyMode(QSslSocket::VerifyNone);
        if (tls)
            held.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
        else
            held.connectToHost(QHostAddress::LocalHost, port);
        QTRY_COMPARE(server.connectionCount(), 1);
    }
    const Test::RawResponse response = Test::rawExchange(port, request, 10000, tls);
    QCOMPARE(response.status, status);
    if (status == 200)
        QVERIFY(response.body.contains("urn:xmpp:alt-connections:xbosh"));
    QVERIFY(response.head.contains("Connection: close"));
    QVERIFY(response.closed);
}

/// TCP connections to `port` that never start their TLS handshake, each connected once the call returns.
static bool openSilent(std::vector<std::unique_ptr<QTcpSocket>> &sockets, quint16 port, int count)
{
    for (int i = 0; i < count; ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, port);
        sockets.push_back(std::move(socket));
    }
    return QTest::qWaitFor(
        [&] {
            return std::all_of(sockets.cbegin(), sockets.cend(), [](const auto &socket) {
                return socket->state() == QAbstractSocket::ConnectedState;
            });
        },
        10000);
}

void tst_HardTls::silentHandshakesDoNotStopTheListener()
{
    // Connections in their handshake must not stop the listener from accepting (Qt's QSslServer stops
    // at 30 and does not resume).
    Config config = tlsConfig(QStringLiteral("a"));
    config.maxConnectionsPerIp = 1000;
    Server server(config);
    QVERIFY(server.start());
    std::vector<std::unique_ptr<QTcpSocket>> silent;
    QVERIFY(openSilent(silent, server.tlsPort(), 40));
    QTRY_COMPARE(server.connectionCount(), 40);
    const Test::RawResponse response = hostMetaOverTls(server.tlsPort());
    QCOMPARE(response.status, 200);
    // The served one ends with its client (at once on another worker's thread); the silent ones stay.
    QTRY_COMPARE(server.connectionCount(), 40);
}

void tst_HardTls::silentHandshakeDroppedAtDeadline()
{
    Config config = tlsConfig(QStringLiteral("a"));
    config.httpRequestTimeout = 1;
    Server server(config);
    QVERIFY(server.start());
    std::vector<std::unique_ptr<QTcpSocket>> silent;
    QVERIFY(openSilent(silent, server.tlsPort(), 1));
    QTRY_COMPARE(server.connectionCount(), 1);
    // Dropped once http_request_timeout passed, and its slot is free again.
    QTRY_COMPARE_WITH_TIMEOUT(silent.front()->state(), QAbstractSocket::UnconnectedState, 5000);
    QTRY_COMPARE(server.connectionCount(), 0);
}

void tst_HardTls::handshakesCountAgainstLimits()
{
    Config config = tlsConfig(QStringLiteral("a"));
    config.maxConnectionsPerIp = 2;
    Server server(config);
    QVERIFY(server.start());
    std::vector<std::unique_ptr<QTcpSocket>> silent;
    QVERIFY(openSilent(silent, server.tlsPort(), 2));
    QTRY_COMPARE(server.connectionCount(), 2);
    // The third connection from the address is over its share although the first two never finished
    // their handshakes.
    const Test::RawResponse refused = hostMetaOverTls(server.tlsPort());
    QCOMPARE(refused.status, 429);
    QCOMPARE(server.limits()->hits(Limits::Limit::MaxConnectionsPerIp), 1u);
    silent.clear();
    QTRY_COMPARE(server.connectionCount(), 0);
    const Test::RawResponse served = hostMetaOverTls(server.tlsPort());
    QCOMPARE(served.status, 200);
}

void tst_HardTls::hostMetaSchemeFollowsListener()
{
    // Without public_url, host-meta names the endpoints as the client reached them: https:// and wss://
    // on the TLS listener, http:// and ws:// on the plain one.
    Config config = tlsConfig(QStringLiteral("a"));
    config.publicUrl.clear();
    Server server(config);
    QVERIFY(server.start());
    for (const bool tls : {true, false}) {
        const quint16 port = tls ? server.tlsPort() : server.port();
        const QByteArray authority = "127.0.0.1:" + QByteArray::number(port);
        for (const QByteArray &path :
             {QByteArray("/.well-known/host-meta"), QByteArray("/.well-known/host-meta.json")}) {
            const Test::RawResponse response = Test::rawExchange(
                port, "GET " + path + " HTTP/1.1\r\nHost: " + authority + "\r\nConnection: close\r\n\r\n",
                10000, tls);
            QCOMPARE(response.status, 200);
            const QByteArray bosh = (tls ? "https://" : "http://") + authority + "/http-bind/";
            const QByteArray ws = (tls ? "wss://" : "ws://") + authority + "/xmpp-websocket";
            QVERIFY2(response.body.contains(bosh), response.body.constData());
            QVERIFY2(response.body.contains(ws), response.body.constData());
        }
    }
}

void tst_HardTls::clientThatDoesNotReadOverTlsIsCutOff()
{
    // What waits toward a wss:// client is mostly encrypted records in the TLS socket, which its
    // bytesToWrite() does not count: they must count against max_client_backlog too.
    QFile::remove(file(QStringLiteral("live.pem")));
    QFile::remove(file(QStringLiteral("live.key")));
    QVERIFY(QFile::copy(file(QStringLiteral("a.pem")), file(QStringLiteral("live.pem"))));
    QVERIFY(QFile::copy(file(QStringLiteral("a.key")), file(QStringLiteral("live.key"))));
    Config config = tlsConfig();
    config.maxClientBacklog = 65536;
    config.wsMaxMessageSize = 65536;
    Server server(config);
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    QSignalSpy terminated(server.hub(), &Monitor::Hub::streamTerminated);
    const auto cut = [&] {
        return Test::streamTerminatedWith(terminated, QLatin1String("policy-violation"));
    };
    Test::RawWebSocket alice(4096, Test::RawWebSocket::Transport::Tls);
    QVERIFY(alice.open(server.tlsPort(), server.secureWebSocketUrl().path().toUtf8()));
    QVERIFY(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                        m_prosody.password(QStringLiteral("alice")), QStringLiteral("slow-tls")));
    WsClient bob(server.webSocketUrl());
    QVERIFY(bob.connectSocket());
    QVERIFY2(bob.login(QStringLiteral("localhost"), QStringLiteral("bob"),
                       m_prosody.password(QStringLiteral("bob")), &error, QStringLiteral("fast")),
             qPrintable(error));
    // Bob sends until alice is cut off, as in tst_ws_prosody.
    const int sent = Test::floodInPingedBatches(bob, alice.jid(), "t", cut);
    QVERIFY(sent >= 0);
    // The cut may come with the last batch, and with several workers its note crosses threads: awaited.
    QTRY_VERIFY2_WITH_TIMEOUT(cut(), qPrintable(QStringLiteral("still open after %1 messages").arg(sent)),
                              10000);
    QCOMPARE(server.limits()->hits(Limits::Limit::MaxClientBacklog), 1u);
    bob.sendText("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
    QVERIFY(bob.waitForDisconnected());
    QTRY_COMPARE(server.sessionCount(), 0);
}

SWITCHBOARD_TEST_MAIN(tst_HardTls)
#include "tst_hard_tls.moc"
