// SPDX-License-Identifier: GPL-3.0-or-later
// Proves the config file syntax: every key with good, bad and out-of-range values, errors naming
// file:line and key, list/repeatable keys, validate() rules, and configToText() -> loadText() round trips.
#include "base/config.h"

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace Switchboard;

Q_DECLARE_METATYPE(Switchboard::Config)

namespace {

Config with(const std::function<void(Config &)> &change)
{
    Config config;
    change(config);
    return config;
}

QString sourceFile(const char *relative)
{
    return QStringLiteral(SWITCHBOARD_SOURCE_DIR "/") + QLatin1String(relative);
}

} // namespace

class tst_BaseConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultsAreValid();
    void parsesGoodValue_data();
    void parsesGoodValue();
    void rejectsBadValue_data();
    void rejectsBadValue();
    void unknownKey();
    void malformedLine();
    void reportsEveryBadLine();
    void commentsBlankLinesCrlfBom();
    void repeatedKeys();
    void loadFileResolvesRelativeCaFile();
    void loadFileFailsOnUnreadableFile();
    void adminTokenFileGivesTheTokenFromItsFirstLine();
    void validate_data();
    void validate();
    void roundTrip_data();
    void roundTrip();
    void reachableDomainsAndRouteFor();
    void boshGetAutoFollowsAllowedOrigins();
};

void tst_BaseConfig::defaultsAreValid()
{
    QString error;
    QVERIFY2(ConfigLoader::validate(Config{}, &error), qPrintable(error));
}

void tst_BaseConfig::parsesGoodValue_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<Config>("expected");

    const QByteArray caFile = sourceFile("CMakeLists.txt").toUtf8();

    QTest::newRow("host ipv4") << QByteArray("host = 0.0.0.0")
                               << with([](Config &c) { c.host = QStringLiteral("0.0.0.0"); });
    QTest::newRow("host ipv6") << QByteArray("host = ::")
                               << with([](Config &c) { c.host = QStringLiteral("::"); });
    QTest::newRow("host [ipv6]") << QByteArray("host = [::1]")
                                 << with([](Config &c) { c.host = QStringLiteral("::1"); });
    QTest::newRow("host localhost") << QByteArray("host=localhost")
                                    << with([](Config &c) { c.host = QStringLiteral("localhost"); });
    QTest::newRow("port") << QByteArray("port = 8080") << with([](Config &c) { c.port = 8080; });
    QTest::newRow("port 0") << QByteArray("port = 0") << with([](Config &c) { c.port = 0; });
    QTest::newRow("port max") << QByteArray("port = 65535") << with([](Config &c) { c.port = 65535; });
    QTest::newRow("path") << QByteArray("path = /bosh")
                          << with([](Config &c) { c.path = QStringLiteral("/bosh"); });
    QTest::newRow("max_data_held") << QByteArray("max_data_held = 1024")
                                   << with([](Config &c) { c.maxDataHeld = 1024; });
    QTest::newRow("max_data_held max")
        << QByteArray("max_data_held = 104857600") << with([](Config &c) { c.maxDataHeld = 104857600; });
    QTest::newRow("max_header_count")
        << QByteArray("max_header_count = 50") << with([](Config &c) { c.maxHeaderCount = 50; });
    QTest::newRow("http_idle_timeout")
        << QByteArray("http_idle_timeout = 5") << with([](Config &c) { c.httpIdleTimeout = 5; });
    QTest::newRow("http_request_timeout")
        << QByteArray("http_request_timeout = 3600") << with([](Config &c) { c.httpRequestTimeout = 3600; });
    QTest::newRow("compression off") << QByteArray("compression = off")
                                     << with([](Config &c) { c.compression = false; });
    QTest::newRow("compression NO") << QByteArray("compression = NO")
                                    << with([](Config &c) { c.compression = false; });
    QTest::newRow("compression 0") << QByteArray("compression = 0")
                                   << with([](Config &c) { c.compression = false; });
    QTest::newRow("compression false")
        << QByteArray("compression = false") << with([](Config &c) { c.compression = false; });
    QTest::newRow("compression yes") << QByteArray("compression = yes") << Config{};
    QTest::newRow("compression_min_size 0")
        << QByteArray("compression_min_size = 0") << with([](Config &c) { c.compressionMinSize = 0; });
    QTest::newRow("allowed_origins list")
        << QByteArray("allowed_origins = https://a.example, https://*.b.example  http://localhost:?080")
        << with([](Config &c) {
               c.allowedOrigins = {QStringLiteral("https://a.example"), QStringLiteral("https://*.b.example"),
                                   QStringLiteral("http://localhost:?080")};
           });
    QTest::newRow("allowed_origins *") << QByteArray("allowed_origins = *")
                                       << with([](Config &c) { c.allowedOrigins = {QStringLiteral("*")}; });
    QTest::newRow("http_headers") << QByteArray("http_headers = X-Frame-Options: DENY")
                                  << with([](Config &c) {
                                         c.httpHeaders = {{"X-Frame-Options", "DENY"}};
                                     });
    QTest::newRow("http_headers value with colon")
        << QByteArray("http_headers = Link: <https://x.example/>; rel=\"a:b\"") << with([](Config &c) {
               c.httpHeaders = {{"Link", "<https://x.example/>; rel=\"a:b\""}};
           });
    QTest::newRow("max_bosh_connections 1")
        << QByteArray("max_bosh_connections = 1") << with([](Config &c) { c.maxBoshConnections = 1; });
    QTest::newRow("max_bosh_connections 16")
        << QByteArray("max_bosh_connections = 16") << with([](Config &c) { c.maxBoshConnections = 16; });
    QTest::newRow("window_size") << QByteArray("window_size = 5")
                                 << with([](Config &c) { c.windowSize = 5; });
    QTest::newRow("default_wait") << QByteArray("default_wait = 1")
                                  << with([](Config &c) { c.defaultWait = 1; });
    QTest::newRow("max_wait") << QByteArray("max_wait = 3600") << with([](Config &c) { c.maxWait = 3600; });
    QTest::newRow("default_inactivity")
        << QByteArray("default_inactivity = 30") << with([](Config &c) { c.defaultInactivity = 30; });
    QTest::newRow("max_inactivity") << QByteArray("max_inactivity = 600")
                                    << with([](Config &c) { c.maxInactivity = 600; });
    QTest::newRow("max_pause") << QByteArray("max_pause = 300") << with([](Config &c) { c.maxPause = 300; });
    QTest::newRow("polling 0") << QByteArray("polling = 0") << with([](Config &c) { c.polling = 0; });
    QTest::newRow("bosh_coalesce_delay 0")
        << QByteArray("bosh_coalesce_delay = 0") << with([](Config &c) { c.boshCoalesceDelay = 0; });
    QTest::newRow("bosh_coalesce_delay 100")
        << QByteArray("bosh_coalesce_delay = 100") << with([](Config &c) { c.boshCoalesceDelay = 100; });
    QTest::newRow("max_streams_per_session")
        << QByteArray("max_streams_per_session = 1") << with([](Config &c) { c.maxStreamsPerSession = 1; });
    QTest::newRow("max_sessions") << QByteArray("max_sessions = 1000000")
                                  << with([](Config &c) { c.maxSessions = 1000000; });
    QTest::newRow("use_key_sequencing")
        << QByteArray("use_key_sequencing = Off") << with([](Config &c) { c.useKeySequencing = false; });
    QTest::newRow("bosh_get off") << QByteArray("bosh_get = Off")
                                  << with([](Config &c) { c.boshGet = BoshGet::Off; });
    QTest::newRow("bosh_get on") << QByteArray("bosh_get = on")
                                 << with([](Config &c) { c.boshGet = BoshGet::On; });
    QTest::newRow("max_client_backlog")
        << QByteArray("max_client_backlog = 65536") << with([](Config &c) { c.maxClientBacklog = 65536; });
    QTest::newRow("max_xmpp_buffer_size")
        << QByteArray("max_xmpp_buffer_size = 65536") << with([](Config &c) { c.maxXmppBufferSize = 65536; });
    QTest::newRow("route") << QByteArray("route = Example.COM=xmpp.example.com:5223") << with([](Config &c) {
        c.routes = {{QStringLiteral("example.com"), QStringLiteral("xmpp.example.com"), 5223}};
    });
    QTest::newRow("route default port") << QByteArray("route = example.com=127.0.0.1") << with([](Config &c) {
        c.routes = {{QStringLiteral("example.com"), QStringLiteral("127.0.0.1"), 5222}};
    });
    QTest::newRow("route ipv6") << QByteArray("route = localhost=[::1]:5222") << with([](Config &c) {
        c.routes = {{QStringLiteral("localhost"), QStringLiteral("::1"), 5222}};
    });
    QTest::newRow("route ipv6 default port")
        << QByteArray("route = localhost = [::1]") << with([](Config &c) {
               c.routes = {{QStringLiteral("localhost"), QStringLiteral("::1"), 5222}};
           });
    QTest::newRow("route options")
        << QByteArray("route = example.com=xmpp.example.com:5223  TLS=Direct proxy_protocol_out=v2")
        << with([](Config &c) {
               c.routes = {{QStringLiteral("example.com"), QStringLiteral("xmpp.example.com"), 5223, true,
                            ProxyProtocolVersion::V2}};
           });
    QTest::newRow("route proxy v1, starttls")
        << QByteArray("route = example.com=[::1] proxy_protocol_out=v1 tls=starttls") << with([](Config &c) {
               c.routes = {{QStringLiteral("example.com"), QStringLiteral("::1"), 5222, false,
                            ProxyProtocolVersion::V1}};
           });
    QTest::newRow("allowed_domains") << QByteArray("allowed_domains = A.example,b.example c.example")
                                     << with([](Config &c) {
                                            c.allowedDomains = {QStringLiteral("a.example"),
                                                                QStringLiteral("b.example"),
                                                                QStringLiteral("c.example")};
                                        });
    QTest::newRow("allowed_domains idn")
        << QByteArray("allowed_domains = b\xc3\xbc\x63her.example")
        << with([](Config &c) { c.allowedDomains = {QString::fromUtf8("b\xc3\xbc\x63her.example")}; });
    QTest::newRow("allowed_route_hosts")
        << QByteArray("allowed_route_hosts = xmpp.example, 10.0.0.1, [::1]") << with([](Config &c) {
               c.allowedRouteHosts = {QStringLiteral("xmpp.example"), QStringLiteral("10.0.0.1"),
                                      QStringLiteral("::1")};
           });
    QTest::newRow("no_tls_domains") << QByteArray("no_tls_domains = localhost") << with([](Config &c) {
        c.noTlsDomains = {QStringLiteral("localhost")};
    });
    QTest::newRow("ca_file") << QByteArray("ca_file = " + caFile)
                             << with([caFile](Config &c) { c.caFile = QString::fromUtf8(caFile); });
    QTest::newRow("ca_file empty") << QByteArray("ca_file =") << Config{};
    QTest::newRow("connect_timeout") << QByteArray("connect_timeout = 600")
                                     << with([](Config &c) { c.connectTimeout = 600; });
    QTest::newRow("dns_server v4") << QByteArray("dns_server = 127.0.0.53")
                                   << with([](Config &c) { c.dnsServer = QStringLiteral("127.0.0.53"); });
    QTest::newRow("dns_server v6") << QByteArray("dns_server = ::1")
                                   << with([](Config &c) { c.dnsServer = QStringLiteral("::1"); });
    QTest::newRow("ws_path") << QByteArray("ws_path = /ws")
                             << with([](Config &c) { c.wsPath = QStringLiteral("/ws"); });
    QTest::newRow("ws_max_message_size")
        << QByteArray("ws_max_message_size = 1024") << with([](Config &c) { c.wsMaxMessageSize = 1024; });
    QTest::newRow("ws_ping_interval 0")
        << QByteArray("ws_ping_interval = 0") << with([](Config &c) { c.wsPingInterval = 0; });
    QTest::newRow("ws_idle_timeout") << QByteArray("ws_idle_timeout = 86400")
                                     << with([](Config &c) { c.wsIdleTimeout = 86400; });
    QTest::newRow("ws_legacy_framing")
        << QByteArray("ws_legacy_framing = true") << with([](Config &c) { c.wsLegacyFraming = true; });
    QTest::newRow("rest_path") << QByteArray("rest_path = /rest")
                               << with([](Config &c) { c.restPath = QStringLiteral("/rest"); });
    QTest::newRow("rest_max_queue") << QByteArray("rest_max_queue = 5")
                                    << with([](Config &c) { c.restMaxQueue = 5; });
    QTest::newRow("rest_idle_timeout")
        << QByteArray("rest_idle_timeout = 600") << with([](Config &c) { c.restIdleTimeout = 600; });
    QTest::newRow("rest_reconnect_delay")
        << QByteArray("rest_reconnect_delay = 50") << with([](Config &c) { c.restReconnectDelay = 50; });
    QTest::newRow("rest_reconnect_max_delay")
        << QByteArray("rest_reconnect_max_delay = 5") << with([](Config &c) { c.restReconnectMaxDelay = 5; });
    QTest::newRow("public_url") << QByteArray("public_url = https://chat.example.com/xmpp")
                                << with([](Config &c) {
                                       c.publicUrl = QStringLiteral("https://chat.example.com/xmpp");
                                   });
    QTest::newRow("public_url http") << QByteArray("public_url = http://127.0.0.1:5280")
                                     << with([](Config &c) {
                                            c.publicUrl = QStringLiteral("http://127.0.0.1:5280");
                                        });
    QTest::newRow("ws_required_host")
        << QByteArray("ws_required_host = Chat.Example.com:443")
        << with([](Config &c) { c.wsRequiredHost = QStringLiteral("chat.example.com:443"); });
    QTest::newRow("max_header_size") << QByteArray("max_header_size = 256")
                                     << with([](Config &c) { c.maxHeaderSize = 256; });
    QTest::newRow("max_connections") << QByteArray("max_connections = 100")
                                     << with([](Config &c) { c.maxConnections = 100; });
    QTest::newRow("max_connections_per_ip")
        << QByteArray("max_connections_per_ip = 3") << with([](Config &c) { c.maxConnectionsPerIp = 3; });
    QTest::newRow("tls files") << QByteArray("tls_cert_file = " + caFile + "\ntls_key_file = " + caFile)
                               << with([&caFile](Config &c) {
                                      c.tlsCertFile = QString::fromUtf8(caFile);
                                      c.tlsKeyFile = QString::fromUtf8(caFile);
                                  });
    QTest::newRow("tls_port") << QByteArray("tls_port = 0") << with([](Config &c) { c.tlsPort = 0; });
    QTest::newRow("plain_listener") << QByteArray("plain_listener = off")
                                    << with([](Config &c) { c.plainListener = false; });
    QTest::newRow("trusted_proxies") << QByteArray("trusted_proxies = 127.0.0.1, 10.0.0.0/8 2001:DB8::/32")
                                     << with([](Config &c) {
                                            c.trustedProxies = {QStringLiteral("127.0.0.1"),
                                                                QStringLiteral("10.0.0.0/8"),
                                                                QStringLiteral("2001:db8::/32")};
                                        });
    QTest::newRow("forwarded_header")
        << QByteArray("forwarded_header = Forwarded")
        << with([](Config &c) { c.forwardedHeader = QStringLiteral("forwarded"); });
    QTest::newRow("proxy_protocol") << QByteArray("trusted_proxies = ::1\nproxy_protocol = on")
                                    << with([](Config &c) {
                                           c.trustedProxies = {QStringLiteral("::1")};
                                           c.proxyProtocol = true;
                                       });
    QTest::newRow("max_sessions_per_ip")
        << QByteArray("max_sessions_per_ip = 1") << with([](Config &c) { c.maxSessionsPerIp = 1; });
    QTest::newRow("max_new_sessions_per_ip")
        << QByteArray("max_new_sessions_per_ip = 5") << with([](Config &c) { c.maxNewSessionsPerIp = 5; });
    QTest::newRow("max_stanza_size") << QByteArray("max_stanza_size = 1024")
                                     << with([](Config &c) { c.maxStanzaSize = 1024; });
    QTest::newRow("max_xml_depth") << QByteArray("max_xml_depth = 4")
                                   << with([](Config &c) { c.maxXmlDepth = 4; });
    QTest::newRow("server_read_timeout")
        << QByteArray("server_read_timeout = 5") << with([](Config &c) { c.serverReadTimeout = 5; });
    QTest::newRow("shutdown_timeout")
        << QByteArray("shutdown_timeout = 600") << with([](Config &c) { c.shutdownTimeout = 600; });
    QTest::newRow("worker_accept") << QByteArray("worker_accept = Acceptor")
                                   << with([](Config &c) { c.workerAccept = QStringLiteral("acceptor"); });
    QTest::newRow("drain_url") << QByteArray("drain_url = wss://other.example/xmpp-websocket")
                               << with([](Config &c) {
                                      c.drainUrl = QStringLiteral("wss://other.example/xmpp-websocket");
                                  });
    QTest::newRow("log") << QByteArray(
                                "log = switchboard.bosh.debug=true; switchboard.*.debug = TRUE, qt.*=false")
                         << with([](Config &c) {
                                c.logRules = {QStringLiteral("switchboard.bosh.debug=true"),
                                              QStringLiteral("switchboard.*.debug=true"),
                                              QStringLiteral("qt.*=false")};
                            });
    QTest::newRow("log short forms")
        << QByteArray("log = bosh.debug, xmpp=false; *.debug=true; default.warning=false")
        << with([](Config &c) {
               c.logRules = {QStringLiteral("switchboard.bosh.debug=true"),
                             QStringLiteral("switchboard.xmpp=false"), QStringLiteral("*.debug=true"),
                             QStringLiteral("default.warning=false")};
           });
    QTest::newRow("status_path") << QByteArray("status_path = /ops/status")
                                 << with([](Config &c) { c.statusPath = QStringLiteral("/ops/status"); });
    QTest::newRow("status_token") << QByteArray("status_token = s3cr3t-T0ken_~") << with([](Config &c) {
        c.statusToken = QStringLiteral("s3cr3t-T0ken_~");
    });
    QTest::newRow("admin_token") << QByteArray("admin_token = adm1n-T0ken")
                                 << with([](Config &c) { c.adminToken = QStringLiteral("adm1n-T0ken"); });
    QTest::newRow("traffic_capacity")
        << QByteArray("traffic_capacity = 1") << with([](Config &c) { c.trafficCapacity = 1; });
    QTest::newRow("show_secrets") << QByteArray("show_secrets = yes")
                                  << with([](Config &c) { c.showSecrets = true; });
}

void tst_BaseConfig::parsesGoodValue()
{
    QFETCH(QByteArray, text);
    QFETCH(Config, expected);
    Config config;
    QString error;
    QVERIFY2(ConfigLoader::loadText(text, QStringLiteral("good.conf"), config, &error), qPrintable(error));
    QCOMPARE(configToText(config), configToText(expected));
    QVERIFY(config == expected);
}

void tst_BaseConfig::rejectsBadValue_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("reason");

    const auto row = [](const char *key, const char *value, const char *reason) {
        QTest::addRow("%s = %s", key, value)
            << QString::fromUtf8(key) << QString::fromUtf8(value) << QString::fromUtf8(reason);
    };
    row("host", "example.com", "not an IP address");
    row("host", "", "not an IP address");
    row("port", "http", "not an integer");
    row("port", "", "a value is required");
    row("port", "-1", "out of range 0..65535");
    row("port", "65536", "out of range 0..65535");
    row("port", "80 80", "not an integer");
    row("port", "0x50", "not an integer");
    row("trusted_proxies", "proxy.example", "not an IP address or CIDR network");
    row("trusted_proxies", "10.0.0.0/33", "not an IP address or CIDR network");
    row("trusted_proxies", "fe80::1%eth0", "not an IP address or CIDR network");
    row("forwarded_header", "x-real-ip", "not x-forwarded-for, forwarded or none");
    row("worker_accept", "roundrobin", "not reuseport or acceptor");
    row("proxy_protocol", "v2", "not a boolean");
    row("path", "http-bind", "must start with '/'");
    row("path", "/a b", "must not contain blanks");
    row("path", "/a?b", "must not contain blanks");
    row("max_data_held", "1023", "out of range 1024..104857600");
    row("max_data_held", "104857601", "out of range");
    row("max_header_count", "0", "out of range 1..10000");
    row("http_idle_timeout", "0", "out of range 1..3600");
    row("http_request_timeout", "3601", "out of range 1..3600");
    row("compression", "maybe", "not a boolean");
    row("compression", "", "not a boolean");
    row("compression_min_size", "-1", "out of range");
    row("allowed_origins", "https://a.example\x01", "not an origin pattern");
    row("http_headers", "NoColon", "is not 'Name: value'");
    row("http_headers", "Bad Name: x", "not a header name");
    row("http_headers", "Content-Length: 5", "set by the server");
    row("http_headers", "X-A: caf\xc3\xa9", "printable ASCII");
    row("max_bosh_connections", "0", "out of range 1..16");
    row("max_bosh_connections", "17", "out of range 1..16");
    row("window_size", "0", "out of range 1..64");
    row("default_wait", "0", "out of range 1..3600");
    row("max_wait", "3601", "out of range 1..3600");
    row("default_inactivity", "0", "out of range");
    row("max_inactivity", "99999", "out of range");
    row("max_pause", "0", "out of range");
    row("polling", "-1", "out of range");
    row("bosh_coalesce_delay", "-1", "out of range 0..100");
    row("bosh_coalesce_delay", "101", "out of range 0..100");
    row("max_streams_per_session", "0", "out of range 1..1024");
    row("max_sessions", "0", "out of range");
    row("use_key_sequencing", "2", "not a boolean");
    row("max_xmpp_buffer_size", "10", "out of range");
    row("max_client_backlog", "100", "out of range");
    row("bosh_get", "sometimes", "is not auto, on or off");
    row("route", "example.com", "not DOMAIN=HOST:PORT");
    row("route", "example.com=host:5222 tls=maybe", "unknown route option 'tls=maybe'");
    row("route", "example.com=host:5222 proxy_protocol_out=v3", "unknown route option");
    row("route", "example.com=host:5222 proxy_protocol_out", "unknown route option");
    row("route", "example.com=::1:5222", "needs brackets");
    row("route", "example.com=[::1", "bracketed IPv6");
    row("route", "example.com=[::1]5222", "not [IPV6]:PORT");
    row("route", "example.com=host:0", "out of range 1..65535");
    row("route", "example.com=host:x", "not an integer");
    row("route", "example.com=:5222", "does not name a host");
    row("route", "exa mple.com=host", "not a domain name");
    row("route", "=host", "not a domain name");
    row("allowed_domains", "a..example", "not a domain name");
    row("allowed_domains", "user@example.com", "not a domain name");
    row("allowed_route_hosts", "a/b", "not a domain name");
    row("no_tls_domains", "exa:mple", "not a domain name");
    row("ca_file", "/nonexistent/ca.pem", "does not exist");
    row("ca_file", SWITCHBOARD_SOURCE_DIR, "does not exist");
    row("connect_timeout", "0", "out of range 1..600");
    row("dns_server", "dns.example", "not an IP address");
    row("ws_path", "ws", "must start with '/'");
    row("ws_max_message_size", "1", "out of range");
    row("ws_ping_interval", "3601", "out of range 0..3600");
    row("ws_idle_timeout", "0", "out of range 1..86400");
    row("ws_required_host", "chat.example.com/x", "not a host[:port] value");
    row("rest_path", "api", "must start with '/'");
    row("rest_max_queue", "0", "out of range 1..1000000");
    row("rest_idle_timeout", "5", "out of range 10..2592000");
    row("rest_reconnect_delay", "0", "out of range 1..60000");
    row("rest_reconnect_max_delay", "3601", "out of range 1..3600");
    row("public_url", "ftp://example.com/", "not an http:// or https:// URL");
    row("public_url", "https://", "not an http:// or https:// URL");
    row("public_url", "example.com", "not an http:// or https:// URL");
    row("public_url", "https://example.com/?a=b", "without query");
    row("gui", "no", "unknown key"); // the application's (app/appsettings.h), not the core's
    row("log", "bosh debug", "not a logging rule");
    row("log", "=true", "not a logging rule");
    row("lang", "de", "unknown key");
    row("status_path", "status", "must start with '/'");
    row("status_token", "a b", "printable ASCII without blanks");
    row("status_token", "a&b", "printable ASCII without blanks");
    row("admin_token", "a b", "printable ASCII without blanks");
    row("admin_token_file", "/nonexistent/admin.token", "does not exist or is not readable");
    row("traffic_capacity", "0", "out of range 1..10000000");
    row("show_secrets", "maybe", "not a boolean");
    row("log", "switchboard.bosh.debug=maybe", "not a logging rule");
}

void tst_BaseConfig::rejectsBadValue()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, reason);

    // The bad line is line 3: errors count comments and blank lines.
    const QByteArray text = "# a comment\n\n" + key.toUtf8() + " = " + value.toUtf8() + "\nport = 1234\n";
    Config config;
    QString error;
    QVERIFY(!ConfigLoader::loadText(text, QStringLiteral("bad.conf"), config, &error));
    const QString prefix = QStringLiteral("bad.conf:3: key '") + key + QStringLiteral("': ");
    QVERIFY2(error.startsWith(prefix), qPrintable(error));
    QVERIFY2(error.contains(reason), qPrintable(error));
    QVERIFY(!error.contains(QLatin1Char('\n')));
    QVERIFY2(config == Config{}, "a failed load must leave the config unchanged");

    // apply() says the same without the location, and leaves the config alone too.
    QString applyError;
    QVERIFY(!ConfigLoader::apply(key, value, config, &applyError));
    QCOMPARE(applyError, error.mid(QStringLiteral("bad.conf:3: ").size()));
    QVERIFY(config == Config{});
}

void tst_BaseConfig::unknownKey()
{
    Config config;
    QString error;
    QVERIFY(!ConfigLoader::loadText("port = 1\nmax_waitt = 10\n", QStringLiteral("x.conf"), config, &error));
    QCOMPARE(error, QStringLiteral("x.conf:2: key 'max_waitt': unknown key"));
    QVERIFY(!ConfigLoader::loadText("max-wait = 10\n", QStringLiteral("x.conf"), config, &error));
    QCOMPARE(error, QStringLiteral("x.conf:1: key 'max-wait': unknown key (did you mean 'max_wait'?)"));
    QVERIFY(!ConfigLoader::loadText("Port = 10\n", QStringLiteral("x.conf"), config, &error));
    QVERIFY2(error.startsWith(QStringLiteral("x.conf:1: key 'Port': unknown key")), qPrintable(error));
    QVERIFY(config == Config{});
}

void tst_BaseConfig::malformedLine()
{
    Config config;
    QString error;
    QVERIFY(!ConfigLoader::loadText("\nport 5280\n", QStringLiteral("m.conf"), config, &error));
    QVERIFY2(error.startsWith(QStringLiteral("m.conf:2: expected 'key = value'")), qPrintable(error));
    QVERIFY(!ConfigLoader::loadText("= 5280\n", QStringLiteral("m.conf"), config, &error));
    QVERIFY2(error.startsWith(QStringLiteral("m.conf:1: expected 'key = value'")), qPrintable(error));
    QVERIFY(!ConfigLoader::loadText("max wait = 5\n", QStringLiteral("m.conf"), config, &error));
    QVERIFY2(error.startsWith(QStringLiteral("m.conf:1: expected 'key = value'")), qPrintable(error));
    QVERIFY(!ConfigLoader::loadText("port = 1\n\xff\xfe = 2\n", QStringLiteral("m.conf"), config, &error));
    QCOMPARE(error, QStringLiteral("m.conf: not valid UTF-8"));
}

void tst_BaseConfig::reportsEveryBadLine()
{
    Config config;
    QString error;
    QVERIFY(!ConfigLoader::loadText("port = x\nhost = ::1\nmax_wait = 0\nbogus = 1\n",
                                    QStringLiteral("e.conf"), config, &error));
    const QStringList lines = error.split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines.at(0).startsWith(QStringLiteral("e.conf:1: key 'port': ")));
    QVERIFY(lines.at(1).startsWith(QStringLiteral("e.conf:3: key 'max_wait': ")));
    QVERIFY(lines.at(2).startsWith(QStringLiteral("e.conf:4: key 'bogus': ")));
    QVERIFY(config == Config{});
}

void tst_BaseConfig::commentsBlankLinesCrlfBom()
{
    const QByteArray text = "\xef\xbb\xbf# Switchboard\r\n"
                            "\r\n"
                            "   # indented comment = not a key\r\n"
                            "\t\r\n"
                            "  port   =   6000  \r\n"
                            "public_url = https://chat.example/#x\r\n" // '#' after a value is not a comment
                            "host=::1";                                // no final newline
    Config config;
    QString error;
    QVERIFY(!ConfigLoader::loadText(text, QStringLiteral("c.conf"), config, &error));
    QVERIFY2(error.startsWith(QStringLiteral("c.conf:6: key 'public_url'")), qPrintable(error));

    QByteArray fixed = text;
    fixed.replace("/#x", "/x");
    QVERIFY2(ConfigLoader::loadText(fixed, QStringLiteral("c.conf"), config, &error), qPrintable(error));
    QCOMPARE(config.port, quint16(6000));
    QCOMPARE(config.host, QStringLiteral("::1"));
    QCOMPARE(config.publicUrl, QStringLiteral("https://chat.example/x"));
    QCOMPARE(config, with([](Config &c) {
                 c.port = 6000;
                 c.host = QStringLiteral("::1");
                 c.publicUrl = QStringLiteral("https://chat.example/x");
             }));

    QVERIFY(ConfigLoader::loadText({}, QStringLiteral("empty.conf"), config = Config{}, &error));
    QCOMPARE(config, Config{});
}

void tst_BaseConfig::repeatedKeys()
{
    const QByteArray text = "route = a.example=127.0.0.1:5222\n"
                            "http_headers = X-A: 1\n"
                            "route = b.example=[::1]:5223\n"
                            "http_headers = X-B: 2\n"
                            "http_headers = X-A: 3\n"
                            "allowed_domains = a.example\n"
                            "allowed_domains = b.example, a.example\n"
                            "allowed_origins = *\n"
                            "allowed_origins =\n"
                            "allowed_origins = https://x.example\n"
                            "port = 1\n"
                            "port = 2\n";
    Config config;
    QString error;
    QVERIFY2(ConfigLoader::loadText(text, QStringLiteral("r.conf"), config, &error), qPrintable(error));
    QCOMPARE(config.routes, (QList<Route>{{QStringLiteral("a.example"), QStringLiteral("127.0.0.1"), 5222},
                                          {QStringLiteral("b.example"), QStringLiteral("::1"), 5223}}));
    QCOMPARE(config.httpHeaders,
             (QList<QPair<QByteArray, QByteArray>>{{"X-A", "1"}, {"X-B", "2"}, {"X-A", "3"}}));
    QCOMPARE(config.allowedDomains, (QStringList{QStringLiteral("a.example"), QStringLiteral("b.example")}));
    QCOMPARE(config.allowedOrigins, QStringList{QStringLiteral("https://x.example")});
    QCOMPARE(config.port, quint16(2)); // a single-valued key: the last one wins

    // An empty value clears a repeatable key too.
    QVERIFY(ConfigLoader::loadText("route =\nhttp_headers =\n", QStringLiteral("r.conf"), config, &error));
    QVERIFY(config.routes.isEmpty());
    QVERIFY(config.httpHeaders.isEmpty());

    // The same domain routed twice (in any case) is an error on the second line.
    QVERIFY(!ConfigLoader::loadText("route = a.example=h1\nroute = A.EXAMPLE=h2\n", QStringLiteral("r.conf"),
                                    config, &error));
    QVERIFY2(
        error.startsWith(QStringLiteral("r.conf:2: key 'route': duplicate route for domain 'a.example'")),
        qPrintable(error));

    QVERIFY(ConfigLoader::isListKey(QStringLiteral("route")));
    QVERIFY(ConfigLoader::isListKey(QStringLiteral("log")));
    QVERIFY(!ConfigLoader::isListKey(QStringLiteral("port")));
}

void tst_BaseConfig::loadFileResolvesRelativeCaFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile ca(dir.filePath(QStringLiteral("ca.pem")));
    QVERIFY(ca.open(QIODevice::WriteOnly));
    ca.write("-----BEGIN CERTIFICATE-----\n");
    ca.close();
    QFile conf(dir.filePath(QStringLiteral("switchboard.conf")));
    QVERIFY(conf.open(QIODevice::WriteOnly));
    conf.write("ca_file = ca.pem\nport = 7000\n");
    conf.close();

    Config config;
    QString error;
    QVERIFY2(ConfigLoader::loadFile(conf.fileName(), config, &error), qPrintable(error));
    QCOMPARE(config.caFile, dir.filePath(QStringLiteral("ca.pem")));
    QCOMPARE(config.port, quint16(7000));
}

void tst_BaseConfig::adminTokenFileGivesTheTokenFromItsFirstLine()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile token(dir.filePath(QStringLiteral("admin.token")));
    QVERIFY(token.open(QIODevice::WriteOnly));
    token.write("  s3cret-Adm1n \nsecond line ignored\n");
    token.close();
    QFile conf(dir.filePath(QStringLiteral("switchboard.conf")));
    QVERIFY(conf.open(QIODevice::WriteOnly));
    conf.write("admin_token_file = admin.token\n"); // relative to the config file
    conf.close();
    Config config;
    QString error;
    QVERIFY2(ConfigLoader::loadFile(conf.fileName(), config, &error), qPrintable(error));
    QCOMPARE(config.adminToken, QStringLiteral("s3cret-Adm1n"));
    QCOMPARE(config.adminTokenFile, token.fileName());

    // A first line that is no token (empty, or with a blank inside) is refused with the file's line.
    QVERIFY(token.open(QIODevice::WriteOnly | QIODevice::Truncate));
    token.write("two words\n");
    token.close();
    Config refused;
    QVERIFY(!ConfigLoader::loadFile(conf.fileName(), refused, &error));
    QVERIFY2(error.contains(QStringLiteral("admin_token_file")) &&
                 error.contains(QStringLiteral("first line")),
             qPrintable(error));
    QVERIFY(refused.adminToken.isEmpty());
}

void tst_BaseConfig::loadFileFailsOnUnreadableFile()
{
    QTemporaryDir dir;
    const QString missing = dir.filePath(QStringLiteral("missing.conf"));
    Config config;
    QString error;
    QVERIFY(!ConfigLoader::loadFile(missing, config, &error));
    QVERIFY2(error.startsWith(missing + QStringLiteral(": cannot read")), qPrintable(error));
    QVERIFY(!ConfigLoader::loadFile(dir.path(), config, &error)); // a folder
    QVERIFY2(error.startsWith(dir.path() + QStringLiteral(": cannot read")), qPrintable(error));

    QFile conf(dir.filePath(QStringLiteral("bad.conf")));
    QVERIFY(conf.open(QIODevice::WriteOnly));
    conf.write("port = 1\nport = x\n");
    conf.close();
    QVERIFY(!ConfigLoader::loadFile(conf.fileName(), config, &error));
    QVERIFY2(error.startsWith(conf.fileName() + QStringLiteral(":2: key 'port': ")), qPrintable(error));
    QCOMPARE(config, Config{});
}

void tst_BaseConfig::validate_data()
{
    QTest::addColumn<Config>("config");
    QTest::addColumn<QString>("reason");

    QTest::newRow("path without /") << with([](Config &c) { c.path = QStringLiteral("http-bind"); })
                                    << QStringLiteral("key 'path': must start with '/'");
    QTest::newRow("ws_path without /") << with([](Config &c) { c.wsPath = QStringLiteral("ws"); })
                                       << QStringLiteral("key 'ws_path': must start with '/'");
    QTest::newRow("same paths") << with([](Config &c) { c.wsPath = QStringLiteral("/http-bind"); })
                                << QStringLiteral("'path' and 'ws_path' must differ");
    QTest::newRow("status_path = path")
        << with([](Config &c) { c.statusPath = QStringLiteral("/http-bind"); })
        << QStringLiteral("'status_path' must differ");
    QTest::newRow("status_path = /metrics/")
        << with([](Config &c) { c.statusPath = QStringLiteral("/metrics/"); })
        << QStringLiteral("'status_path' must differ");
    QTest::newRow("rest_path = path") << with([](Config &c) { c.restPath = QStringLiteral("/http-bind"); })
                                      << QStringLiteral("'rest_path' must differ");
    QTest::newRow("default_wait > max_wait")
        << with([](Config &c) { c.defaultWait = 121; })
        << QStringLiteral("'default_wait' (121) must not exceed 'max_wait' (120)");
    QTest::newRow("default_inactivity > max_inactivity")
        << with([](Config &c) { c.maxInactivity = 60; })
        << QStringLiteral("'default_inactivity' (70) must not exceed 'max_inactivity' (60)");
    QTest::newRow("ping >= idle") << with([](Config &c) {
        c.wsIdleTimeout = 30;
    }) << QStringLiteral("'ws_ping_interval' (30) must be below 'ws_idle_timeout' (30)");
    QTest::newRow("duplicate route") << with([](Config &c) {
        c.routes = {{QStringLiteral("a.example"), QStringLiteral("h"), 5222},
                    {QStringLiteral("A.example"), QStringLiteral("h"), 5223}};
    }) << QStringLiteral("key 'route': duplicate route for domain 'a.example'");
    QTest::newRow("route port 0") << with([](Config &c) {
        c.routes = {{QStringLiteral("a.example"), QStringLiteral("h"), 0}};
    }) << QStringLiteral("key 'route': port: 0 is out of range 1..65535");
    QTest::newRow("max_bosh_connections")
        << with([](Config &c) { c.maxBoshConnections = 17; })
        << QStringLiteral("key 'max_bosh_connections': 17 is out of range 1..16");
    QTest::newRow("max_data_held") << with([](Config &c) { c.maxDataHeld = 10; })
                                   << QStringLiteral("key 'max_data_held': 10 is out of range");
    QTest::newRow("ca_file missing") << with([](Config &c) {
        c.caFile = QStringLiteral("/nonexistent.pem");
    }) << QStringLiteral("key 'ca_file': file '/nonexistent.pem' does not exist");
    QTest::newRow("dns_server") << with([](Config &c) { c.dnsServer = QStringLiteral("ns.example"); })
                                << QStringLiteral("key 'dns_server': 'ns.example' is not an IP address");
    QTest::newRow("public_url") << with([](Config &c) { c.publicUrl = QStringLiteral("ws://x"); })
                                << QStringLiteral("key 'public_url': 'ws://x' is not an http");
    QTest::newRow("allowed domain") << with([](Config &c) { c.allowedDomains = {QStringLiteral("a b")}; })
                                    << QStringLiteral("key 'allowed_domains': 'a b' is not a single item");
    QTest::newRow("http header") << with([](Config &c) {
        c.httpHeaders = {{"Bad Name", "x"}};
    }) << QStringLiteral("key 'http_headers': 'Bad Name' is not a header name");
    QTest::newRow("tls cert without key")
        << with([](Config &c) { c.tlsCertFile = sourceFile("CMakeLists.txt"); })
        << QStringLiteral("'tls_cert_file' and 'tls_key_file' go together");
    QTest::newRow("tls_port == port") << with([](Config &c) {
        c.tlsCertFile = c.tlsKeyFile = sourceFile("CMakeLists.txt");
        c.tlsPort = c.port;
    }) << QStringLiteral("'tls_port' and 'port' must differ");
    QTest::newRow("proxy_protocol without trusted_proxies")
        << with([](Config &c) { c.proxyProtocol = true; })
        << QStringLiteral("'proxy_protocol' needs 'trusted_proxies'");
    QTest::newRow("per-ip connections") << with([](Config &c) { c.maxConnections = 10; })
                                        << QStringLiteral("'max_connections_per_ip' (64) must not exceed");
    QTest::newRow("drain_url") << with([](Config &c) { c.drainUrl = QStringLiteral("ftp://x"); })
                               << QStringLiteral("key 'drain_url': 'ftp://x' is not an http(s)");
    QTest::newRow("max_xml_depth") << with([](Config &c) { c.maxXmlDepth = 2; })
                                   << QStringLiteral("key 'max_xml_depth': 2 is out of range 4..1000");
}

void tst_BaseConfig::validate()
{
    QFETCH(Config, config);
    QFETCH(QString, reason);
    QString error;
    QVERIFY(!ConfigLoader::validate(config, &error));
    QVERIFY2(error.contains(reason), qPrintable(error));
    QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error)); // exactly one problem
}

void tst_BaseConfig::roundTrip_data()
{
    QTest::addColumn<Config>("config");
    QTest::newRow("defaults") << Config{};
    QTest::newRow("everything") << with([](Config &c) {
        c.host = QStringLiteral("::");
        c.port = 0;
        c.path = QStringLiteral("/bosh");
        c.maxDataHeld = 2048;
        c.maxHeaderCount = 20;
        c.httpIdleTimeout = 10;
        c.httpRequestTimeout = 11;
        c.compression = false;
        c.compressionMinSize = 0;
        c.allowedOrigins = {QStringLiteral("https://a.example"), QStringLiteral("*")};
        c.httpHeaders = {{"X-A", "1"}, {"Strict-Transport-Security", "max-age=63072000; includeSubDomains"}};
        c.maxBoshConnections = 16;
        c.windowSize = 3;
        c.defaultWait = 10;
        c.maxWait = 20;
        c.defaultInactivity = 30;
        c.maxInactivity = 40;
        c.maxPause = 50;
        c.polling = 0;
        c.boshCoalesceDelay = 20;
        c.maxStreamsPerSession = 1;
        c.maxSessions = 5;
        c.useKeySequencing = false;
        c.maxXmppBufferSize = 4096;
        c.routes = {
            {QStringLiteral("a.example"), QStringLiteral("::1"), 5222},
            {QStringLiteral("b.example"), QStringLiteral("xmpp.b.example"), 5269, true,
             ProxyProtocolVersion::V1},
            {QStringLiteral("c.example"), QStringLiteral("10.0.0.3"), 5223, false, ProxyProtocolVersion::V2}};
        c.allowedDomains = {QStringLiteral("a.example"), QStringLiteral("b.example")};
        c.allowedRouteHosts = {QStringLiteral("xmpp.b.example"), QStringLiteral("::1")};
        c.noTlsDomains = {QStringLiteral("a.example")};
        c.caFile = sourceFile("CMakeLists.txt");
        c.connectTimeout = 3;
        c.dnsServer = QStringLiteral("::1");
        c.wsPath = QStringLiteral("/ws/");
        c.wsMaxMessageSize = 1024;
        c.wsPingInterval = 0;
        c.wsIdleTimeout = 5;
        c.publicUrl = QStringLiteral("https://chat.example/");
        c.logRules = {QStringLiteral("switchboard.*.debug=true"),
                      QStringLiteral("switchboard.tls.debug=false")};
    });
}

void tst_BaseConfig::roundTrip()
{
    QFETCH(Config, config);
    QString error;
    QVERIFY2(ConfigLoader::validate(config, &error), qPrintable(error));
    const QString text = configToText(config);
    // Load on top of a non-default config: the text must set (or clear) every key.
    Config loaded = with([](Config &c) {
        c.port = 1;
        c.allowedOrigins = {QStringLiteral("https://stale.example")};
        c.routes = {{QStringLiteral("stale.example"), QStringLiteral("h"), 1}};
        c.httpHeaders = {{"X-Stale", "1"}};
        c.caFile = sourceFile("CMakeLists.txt");
    });
    QVERIFY2(ConfigLoader::loadText(text.toUtf8(), QStringLiteral("printed"), loaded, &error),
             qPrintable(error));
    QCOMPARE(configToText(loaded).split(QLatin1Char('\n')), text.split(QLatin1Char('\n')));
    QVERIFY(loaded == config);
}

void tst_BaseConfig::reachableDomainsAndRouteFor()
{
    Config config;
    QVERIFY(config.reachableDomains().isEmpty());
    QVERIFY(!config.routeFor(QStringLiteral("a.example")));

    config.routes = {{QStringLiteral("A.example"), QStringLiteral("127.0.0.1"), 5222},
                     {QStringLiteral("b.example"), QStringLiteral("::1"), 5223}};
    QCOMPARE(config.reachableDomains(),
             (QStringList{QStringLiteral("a.example"), QStringLiteral("b.example")}));
    const std::optional<Route> route = config.routeFor(QStringLiteral("B.EXAMPLE"));
    QVERIFY(route);
    QCOMPARE(route->host, QStringLiteral("::1"));
    QCOMPARE(route->port, quint16(5223));
    QCOMPARE(config.routeFor(QStringLiteral("a.example"))->host, QStringLiteral("127.0.0.1"));
    QVERIFY(!config.routeFor(QStringLiteral("c.example")));
    QVERIFY(!config.routeFor(QStringLiteral("example")));

    config.allowedDomains = {QStringLiteral("C.example")};
    QCOMPARE(config.reachableDomains(), QStringList{QStringLiteral("c.example")});
}

void tst_BaseConfig::boshGetAutoFollowsAllowedOrigins()
{
    Config config;
    QVERIFY(config.boshGetEnabled());
    config.allowedOrigins = {QStringLiteral("https://chat.example.org")};
    QVERIFY(!config.boshGetEnabled());
    config.boshGet = BoshGet::On;
    QVERIFY(config.boshGetEnabled());
    config.allowedOrigins.clear();
    config.boshGet = BoshGet::Off;
    QVERIFY(!config.boshGetEnabled());
}

QTEST_GUILESS_MAIN(tst_BaseConfig)
#include "tst_base_config.moc"
