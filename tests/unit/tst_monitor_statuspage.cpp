// SPDX-License-Identifier: GPL-3.0-or-later
// The status page without sockets: who may see it (loopback, token), what each path answers, and
// that the JSON and the Prometheus text carry the registry's numbers.
#include "monitor/hub.h"
#include "monitor/registry.h"
#include "monitor/statuspage.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace Switchboard::Monitor;

namespace {

const QHostAddress kLoopback4(QHostAddress::LocalHost);
const QHostAddress kLoopback6(QHostAddress::LocalHostIPv6);
const QHostAddress kMapped(QStringLiteral("::ffff:127.0.0.1"));
const QHostAddress kRemote(QStringLiteral("192.0.2.10"));

/// Prometheus text: "name{labels} value" lines into a map; every family has HELP and TYPE first.
QMap<QString, double> parseMetrics(const QByteArray &text, QString *error)
{
    QMap<QString, double> out;
    QSet<QString> typed;
    static const QRegularExpression line(
        QStringLiteral("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? ([-+0-9.eE]+|\\+Inf|NaN)$"));
    for (const QByteArray &raw : text.split('\n')) {
        const QString l = QString::fromUtf8(raw);
        if (l.isEmpty())
            continue;
        if (l.startsWith(QLatin1String("# TYPE "))) {
            typed.insert(l.section(QLatin1Char(' '), 2, 2));
            continue;
        }
        if (l.startsWith(QLatin1Char('#')))
            continue;
        const auto m = line.match(l);
        if (!m.hasMatch()) {
            *error = QStringLiteral("bad line: ") + l;
            return {};
        }
        QString family = m.captured(1);
        for (const char *suffix : {"_bucket", "_sum", "_count"}) {
            if (family.endsWith(QLatin1String(suffix)) && !typed.contains(family))
                family.chop(qsizetype(qstrlen(suffix)));
        }
        if (!typed.contains(family)) {
            *error = QStringLiteral("no TYPE before ") + l;
            return {};
        }
        out.insert(m.captured(1) + m.captured(2), m.captured(3).toDouble());
    }
    return out;
}

} // namespace

class tst_MonitorStatusPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void accessRule_data()
    {
        QTest::addColumn<QString>("token");
        QTest::addColumn<QHostAddress>("peer");
        QTest::addColumn<QByteArray>("authorization");
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<bool>("allowed");
        QTest::newRow("no token, loopback v4")
            << QString() << kLoopback4 << QByteArray() << QByteArray() << true;
        QTest::newRow("no token, loopback v6")
            << QString() << kLoopback6 << QByteArray() << QByteArray() << true;
        QTest::newRow("no token, v4-mapped loopback")
            << QString() << kMapped << QByteArray() << QByteArray() << true;
        QTest::newRow("no token, remote") << QString() << kRemote << QByteArray() << QByteArray() << false;
        QTest::newRow("no token, remote with a token anyway")
            << QString() << kRemote << QByteArray("Bearer x") << QByteArray("x") << false;
        const QString t = QStringLiteral("s3cret-token");
        QTest::newRow("token, remote, query")
            << t << kRemote << QByteArray() << QByteArray("s3cret-token") << true;
        QTest::newRow("token, remote, bearer")
            << t << kRemote << QByteArray("Bearer s3cret-token") << QByteArray() << true;
        QTest::newRow("token, remote, bearer any case")
            << t << kRemote << QByteArray("bearer   s3cret-token ") << QByteArray() << true;
        QTest::newRow("token, remote, none") << t << kRemote << QByteArray() << QByteArray() << false;
        QTest::newRow("token, remote, wrong")
            << t << kRemote << QByteArray("Bearer s3cret-tokeN") << QByteArray("x") << false;
        QTest::newRow("token, remote, prefix")
            << t << kRemote << QByteArray() << QByteArray("s3cret") << false;
        QTest::newRow("token, basic auth")
            << t << kRemote << QByteArray("Basic czNjcmV0LXRva2Vu") << QByteArray() << false;
        // With a token, loopback needs it too (a reverse proxy on the same host looks like loopback).
        QTest::newRow("token, loopback, none") << t << kLoopback4 << QByteArray() << QByteArray() << false;
    }
    void accessRule()
    {
        QFETCH(QString, token);
        QFETCH(QHostAddress, peer);
        QFETCH(QByteArray, authorization);
        QFETCH(QByteArray, query);
        QTEST(StatusPage::allowed(token, peer, authorization, query, &StatusPage::isLoopback), "allowed");
    }

    void injectedLocalCheck()
    {
        Hub hub;
        Registry registry(&hub);
        StatusPage page(&registry, QStringLiteral("/status"), {});
        QCOMPARE(page.handle("GET", "/status.json", kRemote, {}, {})->status, 403);
        // Tests (and deployments behind a trusted local network) may say what counts as local.
        page.setLocalCheck([](const QHostAddress &a) {
            return a.isInSubnet(QHostAddress(QStringLiteral("192.0.2.0")), 24);
        });
        QCOMPARE(page.handle("GET", "/status.json", kRemote, {}, {})->status, 200);
        QCOMPARE(page.handle("GET", "/status.json", kLoopback4, {}, {})->status, 403);
    }

    void paths()
    {
        Hub hub;
        Registry registry(&hub);
        StatusPage page(&registry, QStringLiteral("/ops/status/"), QStringLiteral("tok"));
        QVERIFY(page.matches("/ops/status"));
        QVERIFY(page.matches("/ops/status/"));
        QVERIFY(page.matches("/ops/status.json"));
        QVERIFY(page.matches("/metrics"));
        QVERIFY(!page.matches("/status"));
        QVERIFY(!page.handle("GET", "/http-bind", kLoopback4, {}, {}).has_value());

        const auto denied = page.handle("GET", "/metrics", kLoopback4, {}, {});
        QCOMPARE(denied->status, 401);
        QVERIFY(!denied->body.contains("tok\n"));
        const auto html = page.handle("GET", "/ops/status", kRemote, {}, "tok");
        QCOMPARE(html->status, 200);
        QVERIFY(html->contentType.startsWith("text/html"));
        QVERIFY(html->body.contains("<table id=\"sessions\""));
        const auto json = page.handle("GET", "/ops/status.json", kRemote, "Bearer tok", {});
        QCOMPARE(json->status, 200);
        QCOMPARE(json->contentType, QByteArray("application/json"));
        QVERIFY(QJsonDocument::fromJson(json->body).isObject());
        const auto metrics = page.handle("HEAD", "/metrics", kRemote, "Bearer tok", {});
        QCOMPARE(metrics->status, 200);
        QVERIFY(metrics->contentType.startsWith("text/plain; version=0.0.4"));
        const auto post = page.handle("POST", "/metrics", kRemote, "Bearer tok", {});
        QCOMPARE(post->status, 405);
        for (const auto &reply : {html, json, metrics}) {
            bool noStore = false;
            for (const auto &[name, value] : reply->headers)
                noStore = noStore || (name == "Cache-Control" && value == "no-store");
            QVERIFY(noStore);
        }
    }

    void jsonAndMetricsCarryTheRegistry()
    {
        Hub hub;
        Registry registry(&hub);
        StatusPage page(&registry, QStringLiteral("/status"), {});
        page.setTrafficInfo([] { return qMakePair(3, 10); });

        SessionInfo info;
        info.sid = QStringLiteral("sid-1");
        info.transport = Transport::WebSocket;
        info.clientAddress = kLoopback4;
        info.userAgent = QStringLiteral("<script>alert(1)</script>");
        info.domain = QStringLiteral("example.org");
        info.created = QDateTime::currentDateTimeUtc();
        info.worker = 3;
        const auto counters = hub.reportSessionOpened(info);
        Q_EMIT hub.streamAdded(info.sid, info.sid, info.domain);
        Q_EMIT hub.backendConnected(info.sid, info.sid, QStringLiteral("127.0.0.1:5222"), true);
        hub.reportBound(info.sid, info.sid, QStringLiteral("alice@example.org/x"));
        hub.countStanza(counters.get(), Direction::ToServer, 11);
        hub.countStanza(counters.get(), Direction::ToClient, 22);
        hub.countRequest();
        hub.countAnswer(40);
        hub.reportSessionOpened([] {
            SessionInfo other;
            other.sid = QStringLiteral("gone");
            return other;
        }());
        hub.reportSessionClosed(QStringLiteral("gone"), QStringLiteral("remote-connection-failed"));
        Q_EMIT hub.backendFailed(QStringLiteral("gone"), QStringLiteral("s"),
                                 QStringLiteral("remote-connection-failed"), false);
        registry.flush();

        const QJsonObject status = page.statusJson();
        QCOMPARE(status.value(QStringLiteral("version")).toString(), QStringLiteral(SWITCHBOARD_VERSION));
        const QJsonObject c = status.value(QStringLiteral("counters")).toObject();
        QCOMPARE(c.value(QStringLiteral("sessions")).toObject().value(QStringLiteral("websocket")).toInt(),
                 1);
        QCOMPARE(c.value(QStringLiteral("sessionsOpened")).toObject().value(QStringLiteral("bosh")).toInt(),
                 1);
        QCOMPARE(c.value(QStringLiteral("requests")).toInt(), 1);
        QCOMPARE(c.value(QStringLiteral("stanzas")).toObject().value(QStringLiteral("toServer")).toInt(), 1);
        QCOMPARE(c.value(QStringLiteral("bytes")).toObject().value(QStringLiteral("toClient")).toInt(), 22);
        QCOMPARE(c.value(QStringLiteral("conditions"))
                     .toObject()
                     .value(QStringLiteral("remote-connection-failed"))
                     .toInt(),
                 1);
        QCOMPARE(c.value(QStringLiteral("backendConnectFailures")).toInt(), 1); // counted even after the end
        QCOMPARE(c.value(QStringLiteral("traffic")).toObject().value(QStringLiteral("records")).toInt(), 3);
        const QJsonArray buckets =
            c.value(QStringLiteral("answerLatency")).toObject().value(QStringLiteral("buckets")).toArray();
        QCOMPARE(buckets.size(), qsizetype(LatencyHistogram::kBoundsMs.size() + 1));
        QCOMPARE(buckets.at(3).toObject().value(QStringLiteral("count")).toInt(), 1); // <= 50 ms, cumulative
        QCOMPARE(buckets.last().toObject().value(QStringLiteral("leMs")).toString(), QStringLiteral("+Inf"));

        const QJsonArray sessions = status.value(QStringLiteral("sessions")).toArray();
        QCOMPARE(sessions.size(), 1);
        const QJsonObject s = sessions.at(0).toObject();
        QCOMPARE(s.value(QStringLiteral("id")).toString(), QStringLiteral("sid-1"));
        QCOMPARE(s.value(QStringLiteral("transport")).toString(), QStringLiteral("websocket"));
        QCOMPARE(s.value(QStringLiteral("client")).toString(), QStringLiteral("127.0.0.1"));
        QCOMPARE(s.value(QStringLiteral("userAgent")).toString(),
                 info.userAgent); // data; the page escapes it
        QCOMPARE(s.value(QStringLiteral("worker")).toInt(), 3);
        QCOMPARE(s.value(QStringLiteral("backend")).toString(), QStringLiteral("127.0.0.1:5222"));
        QVERIFY(s.value(QStringLiteral("backendTls")).toBool());
        QCOMPARE(s.value(QStringLiteral("jid")).toString(), QStringLiteral("alice@example.org/x"));
        QCOMPARE(s.value(QStringLiteral("stanzasToServer")).toInt(), 1);
        QCOMPARE(s.value(QStringLiteral("bytesToServer")).toInt(), 11);
        QCOMPARE(s.value(QStringLiteral("streams")).toArray().size(), 1);
        QVERIFY(s.value(QStringLiteral("ageSeconds")).toDouble() >= 0);

        QString error;
        const QMap<QString, double> m = parseMetrics(page.metrics(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(m.value(QStringLiteral("switchboard_sessions{transport=\"websocket\"}")), 1.0);
        QCOMPARE(m.value(QStringLiteral("switchboard_sessions{transport=\"bosh\"}")), 0.0);
        QCOMPARE(m.value(QStringLiteral("switchboard_sessions_opened_total{transport=\"bosh\"}")), 1.0);
        QCOMPARE(m.value(QStringLiteral(
                     "switchboard_sessions_closed_total{condition=\"remote-connection-failed\"}")),
                 1.0);
        QCOMPARE(m.value(QStringLiteral("switchboard_bosh_requests_total")), 1.0);
        QCOMPARE(m.value(QStringLiteral("switchboard_stanzas_total{direction=\"to_server\"}")), 1.0);
        QCOMPARE(m.value(QStringLiteral("switchboard_stanza_bytes_total{direction=\"to_client\"}")), 22.0);
        QVERIFY(m.contains(QStringLiteral("switchboard_backend_connect_failures_total")));
        QCOMPARE(m.value(QStringLiteral("switchboard_bosh_answer_latency_seconds_bucket{le=\"0.025\"}")),
                 0.0);
        QCOMPARE(m.value(QStringLiteral("switchboard_bosh_answer_latency_seconds_bucket{le=\"0.05\"}")), 1.0);
        QCOMPARE(m.value(QStringLiteral("switchboard_bosh_answer_latency_seconds_bucket{le=\"+Inf\"}")), 1.0);
        QCOMPARE(m.value(QStringLiteral("switchboard_bosh_answer_latency_seconds_sum")), 0.04);
        QCOMPARE(m.value(QStringLiteral("switchboard_bosh_answer_latency_seconds_count")), 1.0);
        QCOMPARE(m.value(QStringLiteral("switchboard_traffic_capacity")), 10.0);
    }

    void refusalsByLimitInJsonAndMetrics()
    {
        Hub hub;
        Registry registry(&hub);
        StatusPage page(&registry, QStringLiteral("/status"), {});
        registry.setKnownLimits({QStringLiteral("max_sessions_per_ip"), QStringLiteral("max_header_size")});
        Q_EMIT hub.limitRefused(QStringLiteral("max_sessions_per_ip"), kLoopback4);
        Q_EMIT hub.limitRefused(QStringLiteral("max_sessions_per_ip"), kLoopback4);
        registry.flush();
        const QJsonObject refusals = page.statusJson()
                                         .value(QStringLiteral("counters"))
                                         .toObject()
                                         .value(QStringLiteral("refusals"))
                                         .toObject();
        QCOMPARE(refusals.value(QStringLiteral("max_sessions_per_ip")).toInt(), 2);
        QCOMPARE(refusals.value(QStringLiteral("max_header_size")).toInt(), 0);
        QString error;
        const QMap<QString, double> m = parseMetrics(page.metrics(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(m.value(QStringLiteral("switchboard_limit_refusals_total{limit=\"max_sessions_per_ip\"}")),
                 2.0);
        // Every known limit has its series from the start, at 0.
        QVERIFY(m.contains(QStringLiteral("switchboard_limit_refusals_total{limit=\"max_header_size\"}")));
        QCOMPARE(m.value(QStringLiteral("switchboard_limit_refusals_total{limit=\"max_header_size\"}")), 0.0);
    }

    void pushTotalsInJsonAndMetrics()
    {
        Hub hub;
        Registry registry(&hub);
        StatusPage page(&registry, QStringLiteral("/status"), {});
        QSignalSpy stats(&registry, &Registry::statsUpdated);
        PushTotals totals;
        totals.attempts = 9;
        totals.delivered = 5;
        totals.failures = 4;
        totals.retries = 3;
        totals.coalesced = 7;
        totals.gone = 1;
        totals.disabled = 2;
        totals.refusedTargets = 6;
        totals.refusedAddresses = 8;
        hub.reportPush(totals);
        // Announced with the next batch, without any session open.
        QVERIFY(stats.wait(5000));
        QCOMPARE(registry.counters().push, totals);
        const QJsonObject push = page.statusJson()
                                     .value(QStringLiteral("counters"))
                                     .toObject()
                                     .value(QStringLiteral("push"))
                                     .toObject();
        QCOMPARE(push.value(QStringLiteral("attempts")).toInt(), 9);
        QCOMPARE(push.value(QStringLiteral("delivered")).toInt(), 5);
        QCOMPARE(push.value(QStringLiteral("failures")).toInt(), 4);
        QCOMPARE(push.value(QStringLiteral("retries")).toInt(), 3);
        QCOMPARE(push.value(QStringLiteral("coalesced")).toInt(), 7);
        QCOMPARE(push.value(QStringLiteral("gone")).toInt(), 1);
        QCOMPARE(push.value(QStringLiteral("disabled")).toInt(), 2);
        QCOMPARE(push.value(QStringLiteral("refusedTargets")).toInt(), 6);
        QCOMPARE(push.value(QStringLiteral("refusedAddresses")).toInt(), 8);
        QString error;
        const QMap<QString, double> m = parseMetrics(page.metrics(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(m.value(QStringLiteral("switchboard_push_attempts_total")), 9.0);
        QCOMPARE(m.value(QStringLiteral("switchboard_push_delivered_total")), 5.0);
        QCOMPARE(m.value(QStringLiteral("switchboard_push_failures_total")), 4.0);
        QCOMPARE(m.value(QStringLiteral("switchboard_push_retries_total")), 3.0);
        QCOMPARE(m.value(QStringLiteral("switchboard_push_coalesced_total")), 7.0);
        QCOMPARE(m.value(QStringLiteral("switchboard_push_gone_total")), 1.0);
        QCOMPARE(m.value(QStringLiteral("switchboard_push_disabled_total")), 2.0);
        QCOMPARE(m.value(QStringLiteral("switchboard_push_refused_total{stage=\"target\"}")), 6.0);
        QCOMPARE(m.value(QStringLiteral("switchboard_push_refused_total{stage=\"address\"}")), 8.0);
    }

    void metricLabelsAreEscaped()
    {
        Hub hub;
        Registry registry(&hub);
        StatusPage page(&registry, QStringLiteral("/status"), {});
        SessionInfo info;
        info.sid = QStringLiteral("a");
        hub.reportSessionOpened(info);
        hub.reportSessionClosed(QStringLiteral("a"), QStringLiteral("odd \"name\"\\\nx"));
        const QByteArray text = page.metrics();
        QVERIFY2(
            text.contains("switchboard_sessions_closed_total{condition=\"odd \\\"name\\\"\\\\\\nx\"} 1\n"),
            text.constData());
    }
};

QTEST_GUILESS_MAIN(tst_MonitorStatusPage)
#include "tst_monitor_statuspage.moc"
