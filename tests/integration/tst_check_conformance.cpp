// SPDX-License-Identifier: GPL-3.0-or-later
// switchboard-check against real endpoints (issue 13 §4, docs/CHECK.md): Switchboard in front of a
// real Prosody passes every MUST and SHOULD, hostile group included; Prosody's own /http-bind and
// /xmpp-websocket show the known faults of its 0.12 BOSH and WebSocket. The checker runs as its own
// process, as a user runs it; its --json output is what is asserted.
#include "prosodyfixture.h"
#include "server.h"

#include <QDomDocument>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Switchboard;

namespace {

const QString kOrigin = QStringLiteral("https://app.example");

struct CheckRun
{
    int exitCode = -1;
    QMap<QString, QJsonObject> results; ///< by rule id
    QByteArray stderrText;
    QByteArray json;
    QDomElement junit; ///< the <testsuite/> of --junit
};

/// Runs switchboard-check with `arguments` plus --json - and --junit FILE, and waits (the event loop runs, so
/// an in-process server keeps serving) for it to end within `timeoutMs`.
CheckRun runCheck(const QStringList &arguments, int timeoutMs)
{
    CheckRun run;
    QTemporaryDir dir;
    const QString junitFile = dir.filePath(QStringLiteral("junit.xml"));
    QProcess process;
    QSignalSpy finished(&process, &QProcess::finished);
    process.start(QStringLiteral(SWITCHBOARD_CHECK_BINARY),
                  arguments + QStringList{QStringLiteral("--json"), QStringLiteral("-"),
                                          QStringLiteral("--junit"), junitFile});
    if (!process.waitForStarted(10000))
        return run;
    if (!finished.wait(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.json = process.readAllStandardOutput();
    run.stderrText = process.readAllStandardError();
    const QJsonArray results =
        QJsonDocument::fromJson(run.json).object().value(QStringLiteral("results")).toArray();
    for (const QJsonValue &value : results)
        run.results.insert(value.toObject().value(QStringLiteral("rule")).toString(), value.toObject());
    QFile junit(junitFile);
    QDomDocument document;
    if (junit.open(QIODevice::ReadOnly) && document.setContent(&junit))
        run.junit = document.documentElement();
    return run;
}

QString describe(const QJsonObject &result)
{
    return result.value(QStringLiteral("rule")).toString() + u' ' +
           result.value(QStringLiteral("status")).toString() + u' ' +
           result.value(QStringLiteral("level")).toString() + u": " +
           result.value(QStringLiteral("seen")).toString();
}

} // namespace

class tst_CheckConformance : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void switchboardPassesEveryMustAndShould();
    void prosodyKnownFaultsAreReported();
    void usageErrorsExitWithTwo();

private:
    QStringList commonArguments() const;

    ProsodyFixture m_prosody;
};

void tst_CheckConformance::initTestCase()
{
    QVERIFY2(m_prosody.start(), qPrintable(m_prosody.log()));
}

void tst_CheckConformance::cleanupTestCase()
{
    m_prosody.stop();
}

QStringList tst_CheckConformance::commonArguments() const
{
    return {QStringLiteral("--domain"),  m_prosody.domain(),
            QStringLiteral("--user"),    u"alice:" + m_prosody.password(QStringLiteral("alice")),
            QStringLiteral("--user"),    u"bob:" + m_prosody.password(QStringLiteral("bob")),
            QStringLiteral("--origin"),  kOrigin,
            QStringLiteral("--timeout"), QStringLiteral("4"),
            QStringLiteral("--hostile")};
}

void tst_CheckConformance::switchboardPassesEveryMustAndShould()
{
    Config config = m_prosody.backendConfig();
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    // What the issue asks the run to be started with: an origin allowlist, GET on, and the
    // per-address limits raised, since every request comes from one address.
    config.allowedOrigins = {kOrigin};
    config.boshGet = BoshGet::On;
    config.maxSessionsPerIp = 1000;
    config.maxNewSessionsPerIp = 100000;
    config.maxConnectionsPerIp = 1000;
    config.maxConnections = 2000;
    // The slow request is cut after 3 s, inside the checker's --slow-limit.
    config.httpRequestTimeout = 3;
    Server server(config);
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));

    const CheckRun run =
        runCheck(commonArguments() + QStringList{QStringLiteral("--bosh"), server.boshUrl().toString(),
                                                 QStringLiteral("--ws"), server.webSocketUrl().toString(),
                                                 QStringLiteral("--slow-limit"), QStringLiteral("8")},
                 240000);
    QVERIFY2(!run.results.isEmpty(), run.stderrText.constData());
    QStringList failed;
    for (const QJsonObject &result : run.results) {
        if (result.value(QStringLiteral("status")).toString() == u"FAIL" &&
            result.value(QStringLiteral("level")).toString() != u"MAY")
            failed.append(describe(result));
    }
    QVERIFY2(failed.isEmpty(), qPrintable(failed.join(u'\n')));
    QCOMPARE(run.exitCode, 0);
    // The JUnit file holds the same run: one test case per rule, no failure.
    QCOMPARE(run.junit.tagName(), QStringLiteral("testsuite"));
    QCOMPARE(run.junit.attribute(QStringLiteral("tests")).toInt(), run.results.size());
    QCOMPARE(run.junit.elementsByTagName(QStringLiteral("testcase")).size(), run.results.size());
    QCOMPARE(run.junit.attribute(QStringLiteral("failures")), QStringLiteral("0"));
    // The rules that need the whole path ran and passed (not skipped): logins, messages both ways,
    // the hostile group, the Origin check and pause.
    for (const char *rule : {"xbosh.bind", "ws.bind", "xmpp.message.ws-to-bosh", "xmpp.message.bosh-to-ws",
                             "bosh.rid.resend", "bosh.rid.window.ends", "bosh.overactivity", "bosh.pause",
                             "bosh.pause.honoured", "bosh.cors", "bosh.get", "ws.origin", "ws.close",
                             "hostile.truncated", "hostile.framing", "hostile.slow", "hostile.route"}) {
        const QJsonObject result = run.results.value(QLatin1String(rule));
        QVERIFY2(result.value(QStringLiteral("status")).toString() == u"PASS",
                 qPrintable(QLatin1String(rule) + u": " + describe(result)));
    }
}

void tst_CheckConformance::prosodyKnownFaultsAreReported()
{
    const QString http = u"127.0.0.1:" + QString::number(m_prosody.httpPort());
    const CheckRun run =
        runCheck(commonArguments() + QStringList{QStringLiteral("--bosh"), u"http://" + http + u"/http-bind",
                                                 QStringLiteral("--ws"), u"ws://" + http + u"/xmpp-websocket",
                                                 QStringLiteral("--slow-limit"), QStringLiteral("2")},
                 240000);
    QVERIFY2(!run.results.isEmpty(), run.stderrText.constData());
    // Prosody 0.12.3's known faults (docs/check-prosody-0.12.md), each found on its own:
    const QList<std::pair<const char *, const char *>> faults{
        {"hostile.truncated", "MUST"},    // truncated XML inside a complete Content-Length: never answered
        {"hostile.framing", "MUST"},      // Content-Length with chunked: the hidden request is executed
        {"bosh.rid.window.ends", "MUST"}, // item-not-found for an out-of-window rid, yet the session lives
        {"bosh.pause", "MAY"},            // no pause
        {"ws.origin", "SHOULD"},          // no Origin check on WebSocket
    };
    for (const auto &[rule, level] : faults) {
        const QJsonObject result = run.results.value(QLatin1String(rule));
        QVERIFY2(result.value(QStringLiteral("status")).toString() == u"FAIL",
                 qPrintable(QLatin1String(rule) + u": " + describe(result)));
        QCOMPARE(result.value(QStringLiteral("level")).toString(), QLatin1String(level));
    }
    // What works in Prosody is not reported as broken: the logins and the messages pass.
    for (const char *rule : {"bosh.create.sid", "xbosh.bind", "ws.bind", "xmpp.message.ws-to-bosh",
                             "xmpp.message.bosh-to-ws", "bosh.rid.window", "bosh.terminate"}) {
        const QJsonObject result = run.results.value(QLatin1String(rule));
        QVERIFY2(result.value(QStringLiteral("status")).toString() == u"PASS",
                 qPrintable(QLatin1String(rule) + u": " + describe(result)));
    }
    QCOMPARE(run.exitCode, 1);
    // In JUnit a failed MUST or SHOULD is a <failure/>; the MAY (pause) is recorded but not a failure.
    QStringList junitFailures;
    const QDomNodeList cases = run.junit.elementsByTagName(QStringLiteral("testcase"));
    for (int i = 0; i < cases.size(); ++i) {
        const QDomElement testCase = cases.at(i).toElement();
        if (!testCase.firstChildElement(QStringLiteral("failure")).isNull())
            junitFailures.append(testCase.attribute(QStringLiteral("name")));
    }
    for (const char *rule : {"hostile.truncated", "hostile.framing", "bosh.rid.window.ends", "ws.origin"})
        QVERIFY2(junitFailures.contains(QLatin1String(rule)), rule);
    QVERIFY(!junitFailures.contains(QStringLiteral("bosh.pause")));
    QCOMPARE(run.junit.attribute(QStringLiteral("failures")).toInt(), junitFailures.size());
}

void tst_CheckConformance::usageErrorsExitWithTwo()
{
    QProcess process;
    process.start(QStringLiteral(SWITCHBOARD_CHECK_BINARY),
                  {QStringLiteral("--bosh"), QStringLiteral("http://127.0.0.1:1/")});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 2); // no --domain
    QVERIFY(process.readAllStandardError().contains("--domain"));
}

QTEST_GUILESS_MAIN(tst_CheckConformance)
#include "tst_check_conformance.moc"
