// SPDX-License-Identifier: GPL-3.0-or-later
// The monitor end to end: a real Server in front of a real Prosody, real BOSH and WebSocket clients;
// the Registry, the traffic capture, /status.json and /metrics see what really happened, SASL secrets
// stay out of the capture, its exports and every debug log.
#include "boshclient.h"
#include "hardening.h"
#include "monitor/registry.h"
#include "monitor/trafficrecorder.h"
#include "prosodyfixture.h"
#include "server.h"
#include "wsclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QXmlStreamReader>

#include <mutex>

using namespace Switchboard;
using Monitor::SessionRecord;

namespace {

struct Fetched
{
    int status = 0;
    QByteArray body;
    QByteArray contentType;
};

Fetched fetch(const QUrl &url, const QByteArray &authorization = {})
{
    QNetworkAccessManager nam;
    QNetworkRequest request(url);
    if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization);
    QNetworkReply *reply = nam.get(request);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(10000);
    Fetched out;
    out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    out.body = reply->readAll();
    out.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    reply->deleteLater();
    return out;
}

/// Prometheus text to a map "name{labels}" -> value.
QMap<QString, double> parseMetrics(const QByteArray &text)
{
    QMap<QString, double> out;
    static const QRegularExpression line(QStringLiteral("^([a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})?) (\\S+)$"));
    for (const QByteArray &raw : text.split('\n')) {
        const auto m = line.match(QString::fromUtf8(raw));
        if (m.hasMatch())
            out.insert(m.captured(1), m.captured(3).toDouble());
    }
    return out;
}

SessionRecord findByJid(const Monitor::Registry *registry, const QString &jid)
{
    const QList<SessionRecord> sessions = registry->sessions();
    for (const SessionRecord &r : sessions) {
        if (r.jid == jid)
            return r;
    }
    return {};
}

// Every thread logs (with two workers, worker 1 too): the capture is taken under a lock.
std::mutex g_logLock;
QStringList g_log;
QLoggingCategory::CategoryFilter g_previousFilter = nullptr;

/// Every level of every switchboard.* category on, whatever QT_LOGGING_RULES says (ctest turns debug off).
void allSwitchboardLevels(QLoggingCategory *category)
{
    if (g_previousFilter)
        g_previousFilter(category);
    if (qstrncmp(category->categoryName(), "switchboard", 11) == 0) {
        for (QtMsgType type : {QtDebugMsg, QtInfoMsg, QtWarningMsg, QtCriticalMsg})
            category->setEnabled(type, true);
    }
}

void captureMessage(QtMsgType, const QMessageLogContext &context, const QString &message)
{
    const QString line =
        QLatin1String(context.category ? context.category : "") + QLatin1String(": ") + message;
    const std::lock_guard<std::mutex> lock(g_logLock);
    g_log.append(line);
}

/// What was captured so far (a copy: the workers may go on logging).
QStringList capturedLog()
{
    const std::lock_guard<std::mutex> lock(g_logLock);
    return g_log;
}

} // namespace

class tst_MonitorProsody : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void registrySeesBoshAndWebSocketSessions();
    void statusJsonAndMetricsOverHttp();
    void tokenGuardsStatusAndMetrics();
    void monitorOnlyForItsOwnHostAndWithoutCors_data();
    void monitorOnlyForItsOwnHostAndWithoutCors();
    void backendDownIsCountedAndNamed();
    void captureRedactsSaslAndExportsParse();
    void debugLogsNeverShowCredentials();

private:
    Config baseConfig() const;
    QUrl url(const Server &server, const QString &path) const;
    QString password(const QString &user) const { return m_prosody.password(user); }

    ProsodyFixture m_prosody;
    std::unique_ptr<Server> m_server;
};

Config tst_MonitorProsody::baseConfig() const
{
    Config config = m_prosody.backendConfig();
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.connectTimeout = 5;
    return config;
}

QUrl tst_MonitorProsody::url(const Server &server, const QString &path) const
{
    QUrl u = server.boshUrl();
    const qsizetype query = path.indexOf(QLatin1Char('?'));
    u.setPath(query < 0 ? path : path.left(query));
    if (query >= 0)
        u.setQuery(path.mid(query + 1));
    return u;
}

void tst_MonitorProsody::initTestCase()
{
    QVERIFY2(m_prosody.start({QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol")}),
             qPrintable(m_prosody.log()));
    m_server = std::make_unique<Server>(baseConfig());
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    m_server->registry()->setInterval(20);
}

void tst_MonitorProsody::cleanupTestCase()
{
    m_server.reset();
    m_prosody.stop();
}

void tst_MonitorProsody::registrySeesBoshAndWebSocketSessions()
{
    Monitor::Registry *registry = m_server->registry();
    QSignalSpy added(registry, &Monitor::Registry::sessionsAdded);
    QSignalSpy removed(registry, &Monitor::Registry::sessionsRemoved);

    BoshClient alice(m_server->boshUrl());
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         password(QStringLiteral("alice")), &error, QStringLiteral("bosh")),
             qPrintable(error));
    WsClient bob(m_server->webSocketUrl());
    QVERIFY(bob.connectSocket());
    QVERIFY2(bob.login(QStringLiteral("localhost"), QStringLiteral("bob"), password(QStringLiteral("bob")),
                       &error, QStringLiteral("ws")),
             qPrintable(error));
    alice.startPolling();

    // The bound JIDs come from the bind results the fronts saw go by.
    QTRY_VERIFY_WITH_TIMEOUT(!findByJid(registry, alice.jid()).id.isEmpty(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!findByJid(registry, bob.jid()).id.isEmpty(), 10000);
    registry->flush(); // counters are read once per batch
    QVERIFY(!added.isEmpty());
    SessionRecord a = findByJid(registry, alice.jid());
    SessionRecord b = findByJid(registry, bob.jid());
    QCOMPARE(a.id, alice.sid());
    QCOMPARE(a.transport, Monitor::Transport::Bosh);
    QCOMPARE(b.transport, Monitor::Transport::WebSocket);
    for (const SessionRecord &r : {a, b}) {
        QVERIFY(r.clientAddress.isLoopback());
        QCOMPARE(r.domain, QStringLiteral("localhost"));
        QCOMPARE(r.backendPeer, QStringLiteral("127.0.0.1:%1").arg(m_prosody.c2sPort()));
        QVERIFY(!r.backendEncrypted);             // the test Prosody runs without TLS
        QVERIFY(r.counters.stanzasToServer >= 2); // auth, bind (at least)
        QVERIFY(r.counters.stanzasToClient >= 3); // features, success, features, bind result
        QVERIFY(r.counters.bytesToServer > 100);
        QVERIFY(r.counters.bytesToClient > 100);
        QCOMPARE(r.streams.size(), 1);
        QCOMPARE(r.streams.at(0).jid, r.jid);
        QStringList kinds;
        const QList<Monitor::SessionEvent> events = registry->events(r.id);
        for (const Monitor::SessionEvent &e : events)
            kinds.append(Monitor::eventKindName(e.kind));
        QVERIFY2(kinds.startsWith(QStringLiteral("created")), qPrintable(kinds.join(u',')));
        for (const char *kind : {"stream-added", "backend-connected", "restarted", "bound"})
            QVERIFY2(kinds.contains(QLatin1String(kind)), qPrintable(kinds.join(u',')));
    }
    QVERIFY(a.counters.requests >= 4); // creation, auth, restart, bind
    // The poll is held: the held-request count shows it.
    QTRY_COMPARE(registry->session(alice.sid()).counters.held, 1);
    QCOMPARE(b.counters.held, 0);
    QCOMPARE(b.counters.requests, quint64(0));

    // A message each way moves the counters of both sessions.
    const SessionRecord aBefore = registry->session(a.id);
    const SessionRecord bBefore = registry->session(b.id);
    bob.sendText("<message xmlns='jabber:client' type='chat' to='" + alice.jid().toUtf8() +
                 "' id='m1'><body>hello over websocket</body></message>");
    QVERIFY(
        !alice.waitForStanza([](const QDomElement &e) { return e.attribute(QStringLiteral("id")) == u"m1"; })
             .isNull());
    QTRY_VERIFY(registry->session(a.id).counters.stanzasToClient > aBefore.counters.stanzasToClient);
    QTRY_VERIFY(registry->session(b.id).counters.stanzasToServer > bBefore.counters.stanzasToServer);
    QVERIFY(registry->session(b.id).counters.bytesToServer > bBefore.counters.bytesToServer);
    QVERIFY(registry->session(b.id).lastActivity >= bBefore.lastActivity);
    QVERIFY(registry->counters().answerLatency.count > 0); // held requests were answered

    // Ends: BOSH terminate (a normal end), WebSocket <close/>.
    alice.stopPolling();
    QVERIFY(alice.terminate().isTerminate());
    bob.sendText("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
    QVERIFY(bob.waitForDisconnected());
    QTRY_VERIFY(!registry->contains(a.id) && !registry->contains(b.id));
    QTRY_VERIFY(!removed.isEmpty());
    const SessionRecord aClosed = registry->session(a.id);
    QVERIFY(aClosed.closed);
    QCOMPARE(aClosed.condition, QStringLiteral("client terminated"));
    QCOMPARE(aClosed.counters.held, 0);
    const SessionRecord bClosed = registry->session(b.id);
    QVERIFY(bClosed.closed);
    QCOMPARE(bClosed.condition, QString());
    QCOMPARE(registry->events(a.id).constLast().kind, Monitor::SessionEvent::Kind::Closed);
}

void tst_MonitorProsody::statusJsonAndMetricsOverHttp()
{
    const Fetched before = fetch(url(*m_server, QStringLiteral("/metrics")));
    QCOMPARE(before.status, 200);
    QVERIFY(before.contentType.startsWith("text/plain"));
    const QMap<QString, double> m0 = parseMetrics(before.body);
    QVERIFY(m0.contains(QStringLiteral("switchboard_bosh_requests_total")));

    BoshClient carol(m_server->boshUrl());
    QString error;
    QVERIFY2(carol.login(QStringLiteral("localhost"), QStringLiteral("carol"),
                         password(QStringLiteral("carol")), &error, QStringLiteral("status")),
             qPrintable(error));
    QTRY_VERIFY(!findByJid(m_server->registry(), carol.jid()).id.isEmpty());
    m_server->registry()->flush();

    // /status.json: the same data as the window's overview and session table.
    const Fetched json = fetch(url(*m_server, QStringLiteral("/status.json")));
    QCOMPARE(json.status, 200);
    QCOMPARE(json.contentType, QByteArray("application/json"));
    QJsonParseError parseError;
    const QJsonObject status = QJsonDocument::fromJson(json.body, &parseError).object();
    QCOMPARE(parseError.error, QJsonParseError::NoError);
    const QJsonObject counters = status.value(QStringLiteral("counters")).toObject();
    QCOMPARE(counters.value(QStringLiteral("sessions")).toObject().value(QStringLiteral("bosh")).toInt(), 1);
    QVERIFY(counters.value(QStringLiteral("requests")).toInteger() >= 4);
    QJsonObject session;
    const QJsonArray sessions = status.value(QStringLiteral("sessions")).toArray();
    for (const QJsonValue &s : sessions) {
        if (s.toObject().value(QStringLiteral("id")).toString() == carol.sid())
            session = s.toObject();
    }
    QVERIFY2(!session.isEmpty(), json.body.constData());
    QCOMPARE(session.value(QStringLiteral("jid")).toString(), carol.jid());
    QCOMPARE(session.value(QStringLiteral("transport")).toString(), QStringLiteral("bosh"));
    QCOMPARE(session.value(QStringLiteral("domain")).toString(), QStringLiteral("localhost"));
    QVERIFY(session.value(QStringLiteral("bytesToClient")).toInteger() > 0);
    QVERIFY(session.value(QStringLiteral("stanzasToServer")).toInteger() >= 2);

    // /metrics after the login: the counters moved by what the login did.
    const QMap<QString, double> m1 = parseMetrics(fetch(url(*m_server, QStringLiteral("/metrics"))).body);
    const auto moved = [&](const QString &name) { return m1.value(name) - m0.value(name); };
    QCOMPARE(m1.value(QStringLiteral("switchboard_sessions{transport=\"bosh\"}")), 1.0);
    QCOMPARE(moved(QStringLiteral("switchboard_sessions_opened_total{transport=\"bosh\"}")), 1.0);
    QVERIFY(moved(QStringLiteral("switchboard_bosh_requests_total")) >= 4);
    QVERIFY(moved(QStringLiteral("switchboard_stanzas_total{direction=\"to_server\"}")) >= 2);
    QVERIFY(moved(QStringLiteral("switchboard_stanzas_total{direction=\"to_client\"}")) >= 3);
    QVERIFY(moved(QStringLiteral("switchboard_stanza_bytes_total{direction=\"to_client\"}")) > 100);
    QVERIFY(moved(QStringLiteral("switchboard_bosh_answer_latency_seconds_count")) >= 1);
    QCOMPARE(m1.value(QStringLiteral("switchboard_bosh_answer_latency_seconds_bucket{le=\"+Inf\"}")),
             m1.value(QStringLiteral("switchboard_bosh_answer_latency_seconds_count")));

    // The page itself, and its compiled-in script asking for the JSON.
    const Fetched page = fetch(url(*m_server, QStringLiteral("/status")));
    QCOMPARE(page.status, 200);
    QVERIFY(page.contentType.startsWith("text/html"));
    QVERIFY(page.body.contains("id=\"sessions\""));
    QVERIFY(page.body.contains("'.json'"));

    QVERIFY(carol.terminate().isTerminate());
    QTRY_COMPARE(parseMetrics(fetch(url(*m_server, QStringLiteral("/metrics"))).body)
                     .value(QStringLiteral("switchboard_sessions{transport=\"bosh\"}")),
                 0.0);
}

void tst_MonitorProsody::tokenGuardsStatusAndMetrics()
{
    Config config = baseConfig();
    config.statusToken = QStringLiteral("t0ken");
    config.statusPath = QStringLiteral("/ops/status");
    Server server(config);
    QVERIFY(server.start());
    for (const QString &path :
         {QStringLiteral("/ops/status"), QStringLiteral("/ops/status.json"), QStringLiteral("/metrics")}) {
        QCOMPARE(fetch(url(server, path)).status, 401);
        QCOMPARE(fetch(url(server, path), "Bearer wrong").status, 401);
        QCOMPARE(fetch(url(server, path + QStringLiteral("?token=wrong"))).status, 401);
        QCOMPARE(fetch(url(server, path + QStringLiteral("?token=t0ken"))).status, 200);
        QCOMPARE(fetch(url(server, path), "Bearer t0ken").status, 200);
    }
    QCOMPARE(fetch(url(server, QStringLiteral("/status"))).status, 404); // moved
}

void tst_MonitorProsody::monitorOnlyForItsOwnHostAndWithoutCors_data()
{
    QTest::addColumn<QByteArray>("request"); // PORT stands for the listener's port
    QTest::addColumn<int>("status");
    for (const char *path : {"/status", "/status.json", "/metrics"}) {
        const QByteArray get = "GET " + QByteArray(path) + " HTTP/1.1\r\nConnection: close\r\n";
        // A page on another origin must not read the monitor (no CORS headers for it).
        QTest::addRow("%s cross-origin", path)
            << get + "Host: 127.0.0.1:PORT\r\nOrigin: http://evil.example\r\n\r\n"
            << 200;
        QTest::addRow("%s localhost", path) << get + "Host: localhost:PORT\r\n\r\n" << 200;
        QTest::addRow("%s public name", path) << get + "Host: Monitor.Example.org\r\n\r\n" << 200;
        // DNS rebinding: a name the attacker controls, resolving to this listener.
        QTest::addRow("%s rebinding", path) << get + "Host: evil.example:PORT\r\n\r\n" << 421;
        QTest::addRow("%s other address", path) << get + "Host: 127.0.0.2:PORT\r\n\r\n" << 421;
        QTest::addRow("%s no Host", path) << "GET " + QByteArray(path) + " HTTP/1.0\r\n\r\n" << 421;
        QTest::addRow("%s preflight", path)
            << "OPTIONS " + QByteArray(path) +
                   " HTTP/1.1\r\nConnection: close\r\nHost: 127.0.0.1:PORT\r\nOrigin: http://evil.example\r\n"
                   "Access-Control-Request-Method: GET\r\n\r\n"
            << 204;
    }
}

void tst_MonitorProsody::monitorOnlyForItsOwnHostAndWithoutCors()
{
    // A web page must neither read the monitor cross-origin nor reach it through DNS rebinding.
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    Config config = baseConfig();
    config.publicUrl = QStringLiteral("https://monitor.example.org/");
    Server server(config);
    QVERIFY(server.start());
    request.replace("PORT", QByteArray::number(server.port()));
    const Test::RawResponse response = Test::rawExchange(server.port(), request);
    QCOMPARE(response.status, status);
    QVERIFY2(!response.head.toLower().contains("access-control-"), response.head.constData());
}

void tst_MonitorProsody::backendDownIsCountedAndNamed()
{
    // A port nobody listens on: the backend link fails to connect.
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    const quint16 port = closed.serverPort();
    closed.close();
    Config config = baseConfig();
    config.routes = {Route{QStringLiteral("localhost"), QStringLiteral("127.0.0.1"), port}};
    Server server(config);
    QVERIFY(server.start());
    server.registry()->setInterval(10);
    QSignalSpy removed(server.registry(), &Monitor::Registry::sessionsRemoved);

    BoshClient client(server.boshUrl());
    const BoshClient::Response created = client.request({{QStringLiteral("to"), QStringLiteral("localhost")},
                                                         {QStringLiteral("wait"), QStringLiteral("5")},
                                                         {QStringLiteral("hold"), QStringLiteral("1")},
                                                         {QStringLiteral("ver"), QStringLiteral("1.6")}});
    QCOMPARE(created.attr(QStringLiteral("condition")), QStringLiteral("remote-connection-failed"));
    // The batch may already have gone out while the client waited for its answer.
    QTRY_VERIFY(!removed.isEmpty());
    const Monitor::RegistryCounters c = server.registry()->counters();
    QCOMPARE(c.backendConnectFailures, quint64(1));
    QCOMPARE(c.conditions.value(QStringLiteral("remote-connection-failed")), quint64(1));
    const QString sid = removed.at(0).at(0).toStringList().value(0);
    QCOMPARE(server.registry()->session(sid).condition, QStringLiteral("remote-connection-failed"));
    bool sawError = false;
    for (const Monitor::SessionEvent &e : server.registry()->events(sid))
        sawError = sawError || (e.kind == Monitor::SessionEvent::Kind::Error &&
                                e.detail == QLatin1String("remote-connection-failed"));
    QVERIFY(sawError);

    const QMap<QString, double> m = parseMetrics(fetch(url(server, QStringLiteral("/metrics"))).body);
    QCOMPARE(m.value(QStringLiteral("switchboard_backend_connect_failures_total")), 1.0);
    QCOMPARE(
        m.value(QStringLiteral("switchboard_sessions_closed_total{condition=\"remote-connection-failed\"}")),
        1.0);
}

void tst_MonitorProsody::captureRedactsSaslAndExportsParse()
{
    Monitor::TrafficRecorder *traffic = m_server->traffic();
    QVERIFY(!m_server->hub()->wantsTraffic()); // nobody asked: the fronts build nothing
    traffic->setEnabled(true);
    auto off = qScopeGuard([traffic] { traffic->setEnabled(false); });
    QVERIFY(m_server->hub()->wantsTraffic());
    const quint64 since = traffic->lastId();

    const QByteArray secret = saslPlain(QStringLiteral("alice"), password(QStringLiteral("alice")));
    BoshClient alice(m_server->boshUrl());
    WsClient bob(m_server->webSocketUrl());
    QVERIFY(bob.connectSocket());
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         password(QStringLiteral("alice")), &error, QStringLiteral("cap")),
             qPrintable(error));
    QVERIFY2(bob.login(QStringLiteral("localhost"), QStringLiteral("bob"), password(QStringLiteral("bob")),
                       &error, QStringLiteral("cap")),
             qPrintable(error));
    const QList<Monitor::TrafficRecord> records = traffic->records(since);
    int auths = 0;
    bool sawBind = false;
    for (const Monitor::TrafficRecord &r : records) {
        QVERIFY2(!r.xml.contains(secret), r.xml.constData());
        QVERIFY(!r.xml.contains(password(QStringLiteral("alice")).toUtf8()));
        if (r.element == QLatin1String("auth")) {
            ++auths;
            QVERIFY(r.redacted);
            QCOMPARE(r.direction, Monitor::Direction::ToServer);
            QVERIFY(r.xml.contains("[redacted]"));
        }
        sawBind = sawBind || (r.element == QLatin1String("iq") && r.xml.contains("xmpp-bind"));
    }
    QCOMPARE(auths, 2); // one per transport
    QVERIFY(sawBind);
    for (auto format : {Monitor::TrafficRecorder::ExportFormat::XmlLog,
                        Monitor::TrafficRecorder::ExportFormat::JsonLines}) {
        const QByteArray exported = Monitor::TrafficRecorder::exportRecords(records, format);
        QVERIFY(!exported.contains(secret));
        QVERIFY(exported.contains("[redacted]"));
    }
    // The XML log of real traffic parses.
    QXmlStreamReader reader(
        Monitor::TrafficRecorder::exportRecords(records, Monitor::TrafficRecorder::ExportFormat::XmlLog));
    int stanzas = 0;
    while (reader.readNextStartElement()) {
        if (reader.name() == QLatin1String("stanza")) {
            ++stanzas;
            reader.skipCurrentElement();
        }
    }
    QVERIFY2(!reader.hasError(), qPrintable(reader.errorString()));
    QCOMPARE(stanzas, records.size());

    QVERIFY(alice.terminate().isTerminate());
    off.dismiss();
    traffic->setEnabled(false);
    QVERIFY(!m_server->hub()->wantsTraffic());
}

void tst_MonitorProsody::debugLogsNeverShowCredentials()
{
    // Every Switchboard category at debug, a capture on, a SASL PLAIN login over BOSH (POST and GET
    // with the body in the query) and WebSocket: neither the password nor its base64 reaches a log line.
    {
        const std::lock_guard<std::mutex> lock(g_logLock);
        g_log.clear();
    }
    g_previousFilter = QLoggingCategory::installFilter(&allSwitchboardLevels);
    const QtMessageHandler previous = qInstallMessageHandler(&captureMessage);
    auto restore = qScopeGuard([previous] {
        qInstallMessageHandler(previous);
        QLoggingCategory::installFilter(g_previousFilter);
    });
    m_server->traffic()->setEnabled(true);
    auto off = qScopeGuard([this] { m_server->traffic()->setEnabled(false); });

    const QString pw = password(QStringLiteral("alice"));
    const QByteArray secret = saslPlain(QStringLiteral("alice"), pw);
    QString error;
    BoshClient post(m_server->boshUrl());
    QVERIFY2(post.login(QStringLiteral("localhost"), QStringLiteral("alice"), pw, &error,
                        QStringLiteral("logpost")),
             qPrintable(error));
    QVERIFY(post.terminate().isTerminate());
    WsClient ws(m_server->webSocketUrl());
    QVERIFY(ws.connectSocket());
    QVERIFY2(
        ws.login(QStringLiteral("localhost"), QStringLiteral("alice"), pw, &error, QStringLiteral("logws")),
        qPrintable(error));

    // BOSH over GET (XEP-0252): the SASL payload travels in the URL.
    QNetworkAccessManager nam;
    const auto get = [&](const QByteArray &body) {
        QUrl u = m_server->boshUrl();
        u.setQuery(QStringLiteral("data=") +
                   QString::fromLatin1(QUrl::toPercentEncoding(QString::fromUtf8(body))));
        QNetworkReply *reply = nam.get(QNetworkRequest(u));
        QSignalSpy done(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            done.wait(10000);
        const QByteArray answer = reply->readAll();
        reply->deleteLater();
        return answer;
    };
    const QByteArray created =
        get("<body xmlns='http://jabber.org/protocol/httpbind' rid='1000' to='localhost' "
            "wait='5' hold='1' ver='1.6' xmpp:version='1.0' xmlns:xmpp='urn:xmpp:xbosh'/>");
    const QString sid = QRegularExpression(QStringLiteral("sid='([^']+)'|sid=\"([^\"]+)\""))
                            .match(QString::fromUtf8(created))
                            .capturedTexts()
                            .mid(1)
                            .join(QString());
    QVERIFY2(!sid.isEmpty(), created.constData());
    const QByteArray auth = get(
        "<body xmlns='http://jabber.org/protocol/httpbind' rid='1001' sid='" + sid.toUtf8() +
        "'><auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + secret + "</auth></body>");
    QVERIFY2(auth.contains("success"), auth.constData());

    const QStringList log = capturedLog();
    QVERIFY(!log.isEmpty()); // debug logging was on
    for (const QString &line : log) {
        QVERIFY2(!line.contains(QString::fromLatin1(secret)), qPrintable(line));
        QVERIFY2(!line.contains(pw), qPrintable(line));
        // A percent-encoded form of the payload would hide from the plain search: its longest run of
        // base64 letters without '+', '/' or '=' must not appear either.
        const QStringList runs =
            QString::fromLatin1(secret).split(QRegularExpression(QStringLiteral("[+/=]")));
        for (const QString &run : runs) {
            if (run.size() >= 8)
                QVERIFY2(!line.contains(run), qPrintable(line));
        }
    }
}

QTEST_GUILESS_MAIN(tst_MonitorProsody)
#include "tst_monitor_prosody.moc"
