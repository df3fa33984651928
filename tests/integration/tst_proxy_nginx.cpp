// SPDX-License-Identifier: GPL-3.0-or-later
// The nginx front of docs/PROXIES.md, as written there, in front of Switchboard and Prosody: the
// test takes the configuration out of the document, changes only addresses, ports and file paths (and
// makes nginx connect from 127.0.0.3, the one trusted proxy), runs Debian's nginx with it, and checks
// that BOSH and WebSocket sessions show the client's address, that a client's own X-Forwarded-For is
// not believed, and that the monitor stays private. The page's `stream` front (TLS ended at nginx, the
// PROXY protocol towards Switchboard) is run the same way.
#include "boshclient.h"
#include "haproxyfixture.h"
#include "monitor/registry.h"
#include "prosodyfixture.h"
#include "server.h"
#include "wsclient.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Switchboard;

namespace {

constexpr const char *ProxyAddress = "127.0.0.3";

QByteArray readSource(const char *path)
{
    QFile file(QStringLiteral(SWITCHBOARD_SOURCE_DIR "/") + QLatin1String(path));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

struct Fetched
{
    int status = 0;
    QByteArray body;
};

Fetched fetch(const QUrl &url)
{
    QNetworkAccessManager nam;
    QNetworkReply *reply = nam.get(QNetworkRequest(url));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(10000);
    Fetched out{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
    reply->deleteLater();
    return out;
}

QStringList clients(const QUrl &statusUrl, const QString &jid = {})
{
    QStringList result;
    const QJsonArray sessions =
        QJsonDocument::fromJson(fetch(statusUrl).body).object().value(QStringLiteral("sessions")).toArray();
    for (const QJsonValue &session : sessions) {
        const QJsonObject s = session.toObject();
        if (jid.isEmpty() || s.value(QStringLiteral("jid")).toString() == jid)
            result.append(s.value(QStringLiteral("client")).toString());
    }
    return result;
}

} // namespace

class tst_ProxyNginx : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void boshAndWebSocketClientsThroughTheDocumentedFront();
    void ownForwardedForIsNotBelieved();
    void monitorStaysPrivate();
    void streamFrontWithProxyProtocol();

private:
    /// Runs nginx with `conf` (written to `name` in the temporary folder); true once `port` answers TLS.
    bool startNginx(QProcess &process, const QString &name, const QString &conf, quint16 port);
    static void stopNginx(QProcess &process);
    bool makeCertificate();
    QUrl front(const QString &path, const QString &scheme = QStringLiteral("https")) const;
    QUrl status() const;

    ProsodyFixture m_prosody;
    HaproxyFixture m_ports; ///< only for free ports below the ephemeral range
    std::unique_ptr<Server> m_server;
    std::unique_ptr<Server> m_proxied; ///< proxy_protocol = true, behind the stream front
    QTemporaryDir m_dir;
    QString m_nginxBinary;
    QProcess m_nginx;
    QProcess m_nginxStream;
    quint16 m_httpsPort = 0;
    quint16 m_streamPort = 0;
};

bool tst_ProxyNginx::makeCertificate()
{
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-days"),
                   QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=localhost"),
                   QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1,DNS:localhost"),
                   QStringLiteral("-keyout"), m_dir.filePath(QStringLiteral("key.pem")),
                   QStringLiteral("-out"), m_dir.filePath(QStringLiteral("cert.pem"))});
    return openssl.waitForFinished(30000) && openssl.exitCode() == 0;
}

QUrl tst_ProxyNginx::front(const QString &path, const QString &scheme) const
{
    QUrl url;
    url.setScheme(scheme);
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(m_httpsPort);
    url.setPath(path);
    return url;
}

QUrl tst_ProxyNginx::status() const
{
    // Straight to Switchboard: nginx keeps the monitor to itself.
    QUrl url = m_server->boshUrl();
    url.setPath(m_server->config().statusPath + QStringLiteral(".json"));
    return url;
}

void tst_ProxyNginx::initTestCase()
{
    m_nginxBinary = [] {
        QString found = QStandardPaths::findExecutable(QStringLiteral("nginx"));
        return found.isEmpty()
                   ? QStandardPaths::findExecutable(QStringLiteral("nginx"), {QStringLiteral("/usr/sbin")})
                   : found;
    }();
    QVERIFY2(!m_nginxBinary.isEmpty(), "nginx is not installed (scripts/install-deps.sh installs it)");
    QVERIFY(m_dir.isValid());
    QVERIFY2(makeCertificate(), "openssl could not make a certificate");
    // Clients trust the test certificate (it names 127.0.0.1).
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.addCaCertificates(m_dir.filePath(QStringLiteral("cert.pem")));
    QSslConfiguration::setDefaultConfiguration(tls);

    QVERIFY2(m_prosody.start({QStringLiteral("alice"), QStringLiteral("bob")}), qPrintable(m_prosody.log()));
    Config config = m_prosody.backendConfig();
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.connectTimeout = 5;
    config.trustedProxies = {QLatin1String(ProxyAddress)};
    m_server = std::make_unique<Server>(config);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    m_server->registry()->setInterval(20);

    // The first nginx block of the document, with only what ties it to a real host changed.
    static const QRegularExpression block(QStringLiteral("```nginx\\n(.*?)```"),
                                          QRegularExpression::DotMatchesEverythingOption);
    const auto match = block.match(QString::fromUtf8(readSource("docs/PROXIES.md")));
    QVERIFY2(match.hasMatch(), "docs/PROXIES.md has no nginx block");
    QString text = match.captured(1);
    m_httpsPort = m_ports.reservePort();
    const quint16 httpPort = m_ports.reservePort();
    QVERIFY(m_httpsPort && httpPort);
    const QString dir = m_dir.path();
    const QList<QPair<QString, QString>> edits = {
        {QStringLiteral("user www-data;\n"), QString()},
        {QStringLiteral("pid /run/nginx.pid;"), u"pid " + dir + u"/nginx.pid;\ndaemon off;"},
        {QStringLiteral("/var/log/nginx/"), dir + u'/'},
        {QStringLiteral("        listen [::]:80;\n"), QString()},
        {QStringLiteral("        listen [::]:443 ssl;\n"), QString()},
        {QStringLiteral("listen 80;"), u"listen 127.0.0.1:" + QString::number(httpPort) + u';'},
        {QStringLiteral("listen 443 ssl;"), u"listen 127.0.0.1:" + QString::number(m_httpsPort) + u" ssl;"},
        {QStringLiteral("/etc/ssl/certs/chat.example.com.pem"), dir + u"/cert.pem"},
        {QStringLiteral("/etc/ssl/private/chat.example.com.key"), dir + u"/key.pem"},
        {QStringLiteral("server 127.0.0.1:5280;"),
         u"server 127.0.0.1:" + QString::number(m_server->port()) + u';'},
        {QStringLiteral("http {\n"),
         u"http {\n    client_body_temp_path " + dir + u"/body;\n    proxy_temp_path " + dir + u"/proxy;\n"},
        // nginx connects from the address Switchboard trusts, so the proxy and the client differ.
        {QStringLiteral("proxy_http_version 1.1;"),
         u"proxy_http_version 1.1;\n        proxy_bind " + QLatin1String(ProxyAddress) + u';'},
    };
    for (const auto &[from, to] : edits) {
        QVERIFY2(text.contains(from), qPrintable(u"docs/PROXIES.md's nginx front no longer has: " + from));
        text.replace(from, to);
    }
    QVERIFY2(startNginx(m_nginx, QStringLiteral("nginx.conf"), text, m_httpsPort), qPrintable(text));
}

bool tst_ProxyNginx::startNginx(QProcess &process, const QString &name, const QString &conf, quint16 port)
{
    const QString dir = m_dir.path();
    QFile file(m_dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(conf.toUtf8()) < 0)
        return false;
    file.close();
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(m_nginxBinary,
                  {QStringLiteral("-p"), dir, QStringLiteral("-e"), dir + u"/startup-" + name + u".log",
                   QStringLiteral("-c"), file.fileName()});
    if (!process.waitForStarted(10000))
        return false;
    const bool up = QTest::qWaitFor(
        [&] {
            if (process.state() != QProcess::Running)
                return true;
            QSslSocket probe;
            probe.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
            return probe.waitForEncrypted(1000);
        },
        15000);
    if (!up || process.state() != QProcess::Running) {
        qWarning("nginx did not come up:\n%s", process.readAll().constData());
        return false;
    }
    return true;
}

void tst_ProxyNginx::stopNginx(QProcess &process)
{
    if (process.state() != QProcess::NotRunning) {
        process.terminate();
        if (!process.waitForFinished(5000))
            process.kill();
        process.waitForFinished(5000);
    }
}

void tst_ProxyNginx::cleanupTestCase()
{
    stopNginx(m_nginx);
    stopNginx(m_nginxStream);
    m_proxied.reset();
    m_server.reset();
    m_prosody.stop();
}

void tst_ProxyNginx::boshAndWebSocketClientsThroughTheDocumentedFront()
{
    BoshClient alice(front(m_server->config().path));
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         m_prosody.password(QStringLiteral("alice")), &error),
             qPrintable(error));
    WsClient bob(front(m_server->config().wsPath, QStringLiteral("wss")));
    QVERIFY2(bob.connectSocket(), qPrintable(bob.socket().errorString()));
    QVERIFY2(bob.login(QStringLiteral("localhost"), QStringLiteral("bob"),
                       m_prosody.password(QStringLiteral("bob")), &error),
             qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(clients(status(), alice.jid()), QStringList{QStringLiteral("127.0.0.1")},
                              10000);
    QTRY_COMPARE_WITH_TIMEOUT(clients(status(), bob.jid()), QStringList{QStringLiteral("127.0.0.1")}, 10000);
}

void tst_ProxyNginx::ownForwardedForIsNotBelieved()
{
    // From 127.0.0.2, claiming another address: nginx appends the real one and Switchboard reads that.
    QSslSocket socket;
    QByteArray input;
    QObject::connect(&socket, &QSslSocket::readyRead, &socket, [&] { input += socket.readAll(); });
    QVERIFY(socket.bind(QHostAddress(QStringLiteral("127.0.0.2"))));
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_httpsPort);
    QTRY_VERIFY(socket.isEncrypted());
    const QByteArray body =
        "<body rid='2000' to='localhost' wait='10' hold='1' ver='1.6' xml:lang='en' "
        "xmlns='http://jabber.org/protocol/httpbind' xmlns:xmpp='urn:xmpp:xbosh' xmpp:version='1.0'/>";
    socket.write(
        "POST " + m_server->config().path.toUtf8() +
        " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nX-Forwarded-For: 198.51.100.66\r\n"
        "Content-Length: " +
        QByteArray::number(body.size()) + "\r\n\r\n" + body);
    QTRY_VERIFY_WITH_TIMEOUT(input.startsWith("HTTP/1.1 200"), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(clients(status()).contains(QStringLiteral("127.0.0.2")), 10000);
    QVERIFY(!clients(status()).contains(QStringLiteral("198.51.100.66")));
    QVERIFY(!clients(status()).contains(QLatin1String(ProxyAddress)));
}

void tst_ProxyNginx::monitorStaysPrivate()
{
    QCOMPARE(fetch(front(m_server->config().statusPath + QStringLiteral(".json"))).status, 404);
    QCOMPARE(fetch(front(QStringLiteral("/metrics"))).status, 404);
}

void tst_ProxyNginx::streamFrontWithProxyProtocol()
{
    const QString module = QStringLiteral("/usr/lib/nginx/modules/ngx_stream_module.so");
    QVERIFY2(QFile::exists(module),
             "nginx's stream module is not installed (scripts/install-deps.sh installs libnginx-mod-stream)");
    Config config = m_server->config();
    config.proxyProtocol = true;
    m_proxied = std::make_unique<Server>(config);
    QString error;
    QVERIFY2(m_proxied->start(&error), qPrintable(error));
    m_proxied->registry()->setInterval(20);

    static const QRegularExpression block(QStringLiteral("```nginx\\n(stream \\{.*?)```"),
                                          QRegularExpression::DotMatchesEverythingOption);
    const auto match = block.match(QString::fromUtf8(readSource("docs/PROXIES.md")));
    QVERIFY2(match.hasMatch(), "docs/PROXIES.md has no nginx stream block");
    QString text = match.captured(1);
    m_streamPort = m_ports.reservePort();
    QVERIFY(m_streamPort);
    const QString dir = m_dir.path();
    const QList<QPair<QString, QString>> edits = {
        {QStringLiteral("listen 443 ssl;"), u"listen 127.0.0.1:" + QString::number(m_streamPort) + u" ssl;"},
        {QStringLiteral("/etc/ssl/certs/chat.example.com.pem"), dir + u"/cert.pem"},
        {QStringLiteral("/etc/ssl/private/chat.example.com.key"), dir + u"/key.pem"},
        {QStringLiteral("server 127.0.0.1:5280;"),
         u"server 127.0.0.1:" + QString::number(m_proxied->port()) + u';'},
        {QStringLiteral("proxy_protocol on;"),
         u"proxy_protocol on;\n        proxy_bind " + QLatin1String(ProxyAddress) + u';'},
    };
    for (const auto &[from, to] : edits) {
        QVERIFY2(text.contains(from),
                 qPrintable(u"docs/PROXIES.md's nginx stream front no longer has: " + from));
        text.replace(from, to);
    }
    // The page shows the block beside http { } in nginx.conf; alone it needs the module and the globals.
    text = u"load_module " + module + u";\npid " + dir + u"/stream.pid;\ndaemon off;\nerror_log " + dir +
           u"/stream-error.log;\nevents {}\n" + text;
    QVERIFY2(startNginx(m_nginxStream, QStringLiteral("stream.conf"), text, m_streamPort), qPrintable(text));

    QUrl url;
    url.setScheme(QStringLiteral("https"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(m_streamPort);
    url.setPath(m_proxied->config().path);
    BoshClient alice(url);
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         m_prosody.password(QStringLiteral("alice")), &error, QStringLiteral("stream")),
             qPrintable(error));
    url.setScheme(QStringLiteral("wss"));
    url.setPath(m_proxied->config().wsPath);
    WsClient bob(url);
    QVERIFY2(bob.connectSocket(), qPrintable(bob.socket().errorString()));
    QVERIFY2(bob.login(QStringLiteral("localhost"), QStringLiteral("bob"),
                       m_prosody.password(QStringLiteral("bob")), &error, QStringLiteral("stream")),
             qPrintable(error));
    QUrl status = m_proxied->boshUrl();
    status.setPath(m_proxied->config().statusPath + QStringLiteral(".json"));
    // The status page of a proxy_protocol listener is reached through nginx too.
    status.setScheme(QStringLiteral("https"));
    status.setPort(m_streamPort);
    QTRY_COMPARE_WITH_TIMEOUT(clients(status, alice.jid()), QStringList{QStringLiteral("127.0.0.1")}, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(clients(status, bob.jid()), QStringList{QStringLiteral("127.0.0.1")}, 10000);
}

QTEST_GUILESS_MAIN(tst_ProxyNginx)
#include "tst_proxy_nginx.moc"
