// SPDX-License-Identifier: GPL-3.0-or-later
// The client's real address through a real HAProxy (Debian's haproxy 2.6) in front of Switchboard and
// Prosody: `send-proxy` (PROXY v1) and `send-proxy-v2` in TCP mode, and HTTP mode with
// `option forwardfor`. HAProxy connects to Switchboard from 127.0.0.3, the test's clients come from
// 127.0.0.1 and 127.0.0.2: BOSH and WebSocket sessions must show the client in /status.json, and the
// per-address connection limit must hold each client, not the proxy.
#include "base/limits.h"
#include "boshclient.h"
#include "haproxyfixture.h"
#include "monitor/registry.h"
#include "prosodyfixture.h"
#include "server.h"
#include "wsclient.h"

#include "testmain.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

using namespace Switchboard;

namespace {

/// The address HAProxy connects to Switchboard from: the one trusted proxy.
constexpr const char *ProxyAddress = "127.0.0.3";

QJsonObject fetchJson(const QUrl &url)
{
    QNetworkAccessManager nam;
    QNetworkReply *reply = nam.get(QNetworkRequest(url));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(10000);
    const QJsonObject object = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return object;
}

/// The `client` of the session whose `key` (jid, id...) is `value` in /status.json, fetched from
/// `statusUrl` (empty: no such session yet).
QString clientOf(const QUrl &statusUrl, const QString &value, const QString &key = QStringLiteral("jid"))
{
    const QJsonArray sessions = fetchJson(statusUrl).value(QStringLiteral("sessions")).toArray();
    for (const QJsonValue &session : sessions) {
        const QJsonObject s = session.toObject();
        if (s.value(key).toString() == value)
            return s.value(QStringLiteral("client")).toString();
    }
    return {};
}

/// The clients of every session in /status.json.
QStringList clients(const QUrl &statusUrl)
{
    QStringList result;
    const QJsonArray sessions = fetchJson(statusUrl).value(QStringLiteral("sessions")).toArray();
    for (const QJsonValue &session : sessions)
        result.append(session.toObject().value(QStringLiteral("client")).toString());
    return result;
}

QUrl at(quint16 port, const QString &path, const QString &scheme = QStringLiteral("http"))
{
    QUrl url;
    url.setScheme(scheme);
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(port);
    url.setPath(path);
    return url;
}

/// A raw HTTP client that may choose its source address (loopback has all of 127/8).
class RawClient
{
public:
    RawClient(const QHostAddress &from, quint16 port)
    {
        QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket,
                         [this] { m_input += m_socket.readAll(); });
        m_socket.bind(from);
        m_socket.connectToHost(QHostAddress::LocalHost, port);
    }
    /// Sends a GET and returns the status of its answer (0: none within the timeout).
    int get(const QByteArray &path)
    {
        return request("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    }
    int post(const QByteArray &path, const QByteArray &body, const QByteArray &extraHeaders = {})
    {
        return request("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\n" +
                       extraHeaders + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" +
                       body);
    }
    int request(const QByteArray &bytes)
    {
        m_input.clear();
        m_socket.write(bytes);
        if (!QTest::qWaitFor([this] { return m_input.contains("\r\n\r\n"); }, 10000))
            return 0;
        return m_input.startsWith("HTTP/1.1 ") ? m_input.mid(9, 3).toInt() : 0;
    }
    QTcpSocket &socket() { return m_socket; }

private:
    QTcpSocket m_socket;
    QByteArray m_input;
};

} // namespace

class tst_ProxyHaproxy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void sendProxyV1NamesBoshAndWebSocketClients();
    void sendProxyV2NamesTheClient();
    void forwardForInHttpMode();
    void perAddressLimitHoldsTheClientNotTheProxy();
    void healthChecksWithLocalAndV1Pass();

private:
    Config serverConfig(bool proxyProtocol) const;
    QString password(const QString &user) const { return m_prosody.password(user); }

    ProsodyFixture m_prosody;
    HaproxyFixture m_haproxy;
    std::unique_ptr<Server> m_proxied;   ///< proxy_protocol = true
    std::unique_ptr<Server> m_forwarded; ///< X-Forwarded-For from HAProxy's HTTP mode
    std::unique_ptr<Server> m_limited;   ///< proxy_protocol, max_connections_per_ip = 2
    quint16 m_v1Port = 0;
    quint16 m_v2Port = 0;
    quint16 m_httpPort = 0;
    quint16 m_limitPort = 0;
};

Config tst_ProxyHaproxy::serverConfig(bool proxyProtocol) const
{
    Config config = m_prosody.backendConfig();
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.connectTimeout = 5;
    config.trustedProxies = {QLatin1String(ProxyAddress)};
    config.proxyProtocol = proxyProtocol;
    return config;
}

void tst_ProxyHaproxy::initTestCase()
{
    QVERIFY2(m_prosody.start({QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol"),
                              QStringLiteral("dave"), QStringLiteral("erin")}),
             qPrintable(m_prosody.log()));
    QString error;
    m_proxied = std::make_unique<Server>(serverConfig(true));
    QVERIFY2(m_proxied->start(&error), qPrintable(error));
    m_forwarded = std::make_unique<Server>(serverConfig(false));
    QVERIFY2(m_forwarded->start(&error), qPrintable(error));
    Config limited = serverConfig(true);
    limited.maxConnectionsPerIp = 2;
    m_limited = std::make_unique<Server>(limited);
    QVERIFY2(m_limited->start(&error), qPrintable(error));
    for (auto *server : {m_proxied.get(), m_forwarded.get(), m_limited.get()})
        server->registry()->setInterval(20);

    m_v1Port = m_haproxy.reservePort();
    m_v2Port = m_haproxy.reservePort();
    m_httpPort = m_haproxy.reservePort();
    m_limitPort = m_haproxy.reservePort();
    QVERIFY(m_v1Port && m_v2Port && m_httpPort && m_limitPort);
    const auto port = [](quint16 p) { return QByteArray::number(p); };
    const QByteArray proxy(ProxyAddress);
    // HAProxy's HTTP health checks go with the PROXY protocol too: v2 sends the LOCAL command, v1 a line
    // naming HAProxy's own connection. Switchboard must answer them like any request.
    const QByteArray healthCheck = " check inter 300ms";
    // As in docs/PROXIES.md: TCP mode with send-proxy / send-proxy-v2, HTTP mode with option forwardfor.
    const QByteArray config = "global\n"
                              "    maxconn 500\n"
                              "defaults\n"
                              "    timeout connect 5s\n"
                              "    timeout client 60s\n"
                              "    timeout server 60s\n"
                              "    timeout tunnel 60s\n"
                              "frontend pp_v1\n"
                              "    mode tcp\n"
                              "    bind 127.0.0.1:" +
                              port(m_v1Port) +
                              "\n"
                              "    default_backend switchboard_v1\n"
                              "backend switchboard_v1\n"
                              "    mode tcp\n"
                              "    option httpchk GET /.well-known/host-meta.json\n"
                              "    server sb 127.0.0.1:" +
                              port(m_proxied->port()) + " send-proxy source " + proxy + healthCheck +
                              "\n"
                              "frontend pp_v2\n"
                              "    mode tcp\n"
                              "    bind 127.0.0.1:" +
                              port(m_v2Port) +
                              "\n"
                              "    default_backend switchboard_v2\n"
                              "backend switchboard_v2\n"
                              "    mode tcp\n"
                              "    option httpchk GET /.well-known/host-meta.json\n"
                              "    server sb 127.0.0.1:" +
                              port(m_proxied->port()) + " send-proxy-v2 source " + proxy + healthCheck +
                              "\n"
                              "frontend web\n"
                              "    mode http\n"
                              "    bind 127.0.0.1:" +
                              port(m_httpPort) +
                              "\n"
                              "    http-request del-header X-Forwarded-For\n"
                              "    option forwardfor\n"
                              "    default_backend switchboard_http\n"
                              "backend switchboard_http\n"
                              "    mode http\n"
                              "    server sb 127.0.0.1:" +
                              port(m_forwarded->port()) + " source " + proxy +
                              "\n"
                              "frontend pp_limit\n"
                              "    mode tcp\n"
                              "    bind 127.0.0.1:" +
                              port(m_limitPort) +
                              "\n"
                              "    default_backend switchboard_limit\n"
                              "backend switchboard_limit\n"
                              "    mode tcp\n"
                              "    server sb 127.0.0.1:" +
                              port(m_limited->port()) + " send-proxy-v2 source " + proxy + "\n";
    QVERIFY2(m_haproxy.start(config, {m_v1Port, m_v2Port, m_httpPort, m_limitPort}),
             qPrintable(m_haproxy.log()));
}

void tst_ProxyHaproxy::cleanupTestCase()
{
    m_haproxy.stop();
    m_proxied.reset();
    m_forwarded.reset();
    m_limited.reset();
    m_prosody.stop();
}

void tst_ProxyHaproxy::sendProxyV1NamesBoshAndWebSocketClients()
{
    BoshClient alice(at(m_v1Port, m_proxied->config().path));
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         password(QStringLiteral("alice")), &error),
             qPrintable(error));
    WsClient bob(at(m_v1Port, m_proxied->config().wsPath, QStringLiteral("ws")));
    QVERIFY(bob.connectSocket());
    QVERIFY2(bob.login(QStringLiteral("localhost"), QStringLiteral("bob"), password(QStringLiteral("bob")),
                       &error),
             qPrintable(error));

    // The status page, through HAProxy as well: the sessions' client is the test, not HAProxy.
    const QUrl status = at(m_v1Port, m_proxied->config().statusPath + QStringLiteral(".json"));
    QTRY_COMPARE_WITH_TIMEOUT(clientOf(status, alice.jid()), QStringLiteral("127.0.0.1"), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(clientOf(status, bob.jid()), QStringLiteral("127.0.0.1"), 10000);
    // Every connection Switchboard accepted came from HAProxy's address.
    QCOMPARE(m_proxied->config().trustedProxies, QStringList{QLatin1String(ProxyAddress)});
}

void tst_ProxyHaproxy::sendProxyV2NamesTheClient()
{
    BoshClient carol(at(m_v2Port, m_proxied->config().path));
    QString error;
    QVERIFY2(carol.login(QStringLiteral("localhost"), QStringLiteral("carol"),
                         password(QStringLiteral("carol")), &error),
             qPrintable(error));
    WsClient dave(at(m_v2Port, m_proxied->config().wsPath, QStringLiteral("ws")));
    QVERIFY(dave.connectSocket());
    QVERIFY2(dave.login(QStringLiteral("localhost"), QStringLiteral("dave"), password(QStringLiteral("dave")),
                        &error),
             qPrintable(error));
    const QUrl status = at(m_v2Port, m_proxied->config().statusPath + QStringLiteral(".json"));
    QTRY_COMPARE_WITH_TIMEOUT(clientOf(status, carol.jid()), QStringLiteral("127.0.0.1"), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(clientOf(status, dave.jid()), QStringLiteral("127.0.0.1"), 10000);

    // Straight to the listener, without HAProxy: no PROXY header, no answer; counted in the metrics.
    RawClient direct(QHostAddress::LocalHost, m_proxied->port());
    QCOMPARE(direct.get("/.well-known/host-meta"), 0);
    QTRY_COMPARE(direct.socket().state(), QAbstractSocket::UnconnectedState);
    const auto refusals = [this] {
        QNetworkAccessManager nam;
        QNetworkReply *reply = nam.get(QNetworkRequest(at(m_v2Port, QStringLiteral("/metrics"))));
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(10000);
        const QByteArray text = reply->readAll();
        reply->deleteLater();
        static const QByteArray name = "switchboard_limit_refusals_total{limit=\"proxy_protocol\"} ";
        const qsizetype at = text.indexOf(name);
        return at < 0 ? -1 : text.mid(at + name.size(), text.indexOf('\n', at) - at - name.size()).toInt();
    };
    QTRY_VERIFY_WITH_TIMEOUT(refusals() >= 1, 10000);
}

void tst_ProxyHaproxy::forwardForInHttpMode()
{
    BoshClient erin(at(m_httpPort, m_forwarded->config().path));
    QString error;
    QVERIFY2(erin.login(QStringLiteral("localhost"), QStringLiteral("erin"), password(QStringLiteral("erin")),
                        &error),
             qPrintable(error));
    WsClient alice(at(m_httpPort, m_forwarded->config().wsPath, QStringLiteral("ws")));
    QVERIFY(alice.connectSocket());
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         password(QStringLiteral("alice")), &error, QStringLiteral("http-mode")),
             qPrintable(error));
    const QUrl status = at(m_httpPort, m_forwarded->config().statusPath + QStringLiteral(".json"));
    QTRY_COMPARE_WITH_TIMEOUT(clientOf(status, erin.jid()), QStringLiteral("127.0.0.1"), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(clientOf(status, alice.jid()), QStringLiteral("127.0.0.1"), 10000);

    // A client from 127.0.0.2 is 127.0.0.2, whatever X-Forwarded-For it sends itself: HAProxy adds its
    // own field after the client's, and the right-most untrusted address wins.
    RawClient other(QHostAddress(QStringLiteral("127.0.0.2")), m_httpPort);
    const QByteArray create = "<body rid='1000' to='localhost' wait='10' hold='1' ver='1.6' xml:lang='en' "
                              "xmlns='http://jabber.org/protocol/httpbind' xmlns:xmpp='urn:xmpp:xbosh' "
                              "xmpp:version='1.0'/>";
    QCOMPARE(other.post(m_forwarded->config().path.toUtf8(), create, "X-Forwarded-For: 198.51.100.66\r\n"),
             200);
    QTRY_VERIFY_WITH_TIMEOUT(clients(status).contains(QStringLiteral("127.0.0.2")), 10000);
    QVERIFY(!clients(status).contains(QStringLiteral("198.51.100.66")));
    QVERIFY(!clients(status).contains(QLatin1String(ProxyAddress)));
}

void tst_ProxyHaproxy::perAddressLimitHoldsTheClientNotTheProxy()
{
    // max_connections_per_ip = 2 on this listener; every connection comes from HAProxy (127.0.0.3).
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < 2; ++i) {
        clients.push_back(std::make_unique<RawClient>(QHostAddress::LocalHost, m_limitPort));
        QCOMPARE(clients.back()->get("/.well-known/host-meta.json"), 200);
    }
    RawClient third(QHostAddress::LocalHost, m_limitPort);
    QCOMPARE(third.get("/.well-known/host-meta.json"), 429);
    // Another client is not held to the first one's share.
    RawClient other(QHostAddress(QStringLiteral("127.0.0.2")), m_limitPort);
    QCOMPARE(other.get("/.well-known/host-meta.json"), 200);
    QCOMPARE(m_limited->limits()->hits(Limits::Limit::MaxConnectionsPerIp), 1u);
}

void tst_ProxyHaproxy::healthChecksWithLocalAndV1Pass()
{
    // L7OK: HAProxy's check request (after a v2 LOCAL header, or a v1 line for its own connection) got
    // a 2xx answer from Switchboard.
    QTRY_COMPARE_WITH_TIMEOUT(m_haproxy.checkStatus(QStringLiteral("switchboard_v2"), QStringLiteral("sb")),
                              QStringLiteral("L7OK"), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_haproxy.checkStatus(QStringLiteral("switchboard_v1"), QStringLiteral("sb")),
                              QStringLiteral("L7OK"), 10000);
}

SWITCHBOARD_TEST_MAIN(tst_ProxyHaproxy)
#include "tst_proxy_haproxy.moc"
