// SPDX-License-Identifier: GPL-3.0-or-later
// The client lint without a network: SessionLint fed by hand on a fake clock, the ProblemLog naming
// the captured stanza, the cap per session, and problems in the traffic export.
#include "monitor/hub.h"
#include "monitor/problemlog.h"
#include "monitor/sessionlint.h"
#include "monitor/trafficrecorder.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTest>
#include <QXmlStreamReader>

using namespace Switchboard::Monitor;

class tst_MonitorLint : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyKindHasACodeATextAndAClause();
    void problemNamesTheCapturedStanza();
    void iqAnsweredInTimeIsNoProblem();
    void reportsAreCappedPerSession();
    void exportCarriesProblems();
    void disabledLogWantsNoLint();
};

void tst_MonitorLint::everyKindHasACodeATextAndAClause()
{
    QSet<QString> codes;
    for (const ProblemKind kind : allProblemKinds()) {
        const QString code = problemCode(kind);
        QVERIFY(!code.isEmpty());
        QVERIFY2(!codes.contains(code), qPrintable(code));
        codes.insert(code);
        QVERIFY(qstrlen(problemText(kind)) > 0);
        QVERIFY(problemClause(kind, Transport::Bosh).contains(QStringLiteral("§")));
    }
    QCOMPARE(problemClause(ProblemKind::NoRestartAfterSasl, Transport::WebSocket),
             QStringLiteral("RFC 7395 §3.7"));
}

void tst_MonitorLint::problemNamesTheCapturedStanza()
{
    Hub hub;
    TrafficRecorder recorder(&hub);
    recorder.setEnabled(true);
    ProblemLog log(&hub, &recorder);
    log.setEnabled(true);
    QVERIFY(hub.wantsLint());
    qint64 now = 1000;
    SessionLint lint(&hub, QStringLiteral("s1"), Transport::WebSocket, 1000, [&now] { return now; });

    const QByteArray ok = "<iq xmlns='jabber:client' type='get' id='a'><ping xmlns='urn:xmpp:ping'/></iq>";
    const QByteArray bad = "<iq xmlns='jabber:client' type='get'><ping xmlns='urn:xmpp:ping'/></iq>";
    for (const QByteArray &xml : {ok, bad}) {
        Q_EMIT hub.stanzaForwarded(QStringLiteral("s1"), QStringLiteral("s1"), Direction::ToServer, xml);
        lint.stanza(Direction::ToServer, xml);
    }
    QCOMPARE(log.count(), 1);
    const Problem p = log.problems().constFirst();
    QCOMPARE(problemCode(p.kind), QStringLiteral("iq-without-id"));
    QCOMPARE(p.session, QStringLiteral("s1"));
    QCOMPARE(p.side, ProblemSide::Client);
    QCOMPARE(recorder.record(p.trafficId).xml, bad);

    // The IQ with an id gets no answer: after lint_timeout, the server side is at fault.
    now += 999;
    lint.tick();
    QCOMPARE(log.count(), 1);
    now += 1;
    lint.tick();
    QCOMPARE(log.count(), 2);
    const Problem unanswered = log.problems().constLast();
    QCOMPARE(problemCode(unanswered.kind), QStringLiteral("iq-unanswered"));
    QCOMPARE(unanswered.side, ProblemSide::Server);
    QCOMPARE(recorder.record(unanswered.trafficId).xml, ok);
}

void tst_MonitorLint::iqAnsweredInTimeIsNoProblem()
{
    Hub hub;
    ProblemLog log(&hub, nullptr);
    log.setEnabled(true);
    qint64 now = 0;
    SessionLint lint(&hub, QStringLiteral("s"), Transport::Bosh, 1000, [&now] { return now; });
    lint.stanza(Direction::ToClient, "<iq xmlns='jabber:client' type='set' id='x1'><query/></iq>");
    lint.stanza(Direction::ToServer, "<iq xmlns='jabber:client' type='result' id='x1'/>");
    now = 5000;
    lint.tick();
    QCOMPARE(log.count(), 0);
}

void tst_MonitorLint::reportsAreCappedPerSession()
{
    Hub hub;
    ProblemLog log(&hub, nullptr);
    log.setEnabled(true);
    SessionLint lint(&hub, QStringLiteral("s"), Transport::Bosh, 1000, [] { return qint64(0); });
    for (int i = 0; i < SessionLint::kMaxProblems + 10; ++i)
        lint.stanza(Direction::ToServer, "<message xmlns='jabber:server'/>");
    QCOMPARE(log.count(), SessionLint::kMaxProblems);
    QCOMPARE(lint.reported(), SessionLint::kMaxProblems);
}

void tst_MonitorLint::exportCarriesProblems()
{
    Hub hub;
    TrafficRecorder recorder(&hub);
    recorder.append(QStringLiteral("s"), QStringLiteral("s"), Direction::ToServer,
                    "<presence xmlns='jabber:server'/>");
    Problem problem;
    problem.id = 7;
    problem.time = QDateTime::currentDateTimeUtc();
    problem.session = QStringLiteral("s");
    problem.kind = ProblemKind::WrongNamespace;
    problem.clause = problemClause(problem.kind, Transport::Bosh);
    problem.detail = QStringLiteral("<presence/> in namespace 'jabber:server'");
    problem.trafficId = recorder.lastId();

    const QByteArray xml =
        TrafficRecorder::exportRecords(recorder.records(), TrafficRecorder::ExportFormat::XmlLog, {problem});
    QXmlStreamReader reader(xml);
    bool found = false;
    while (!reader.atEnd()) {
        if (reader.readNext() != QXmlStreamReader::StartElement || reader.name() != QLatin1String("problem"))
            continue;
        found = true;
        const QXmlStreamAttributes a = reader.attributes();
        QCOMPARE(a.value(QLatin1String("code")), QLatin1String("wrong-namespace"));
        QCOMPARE(a.value(QLatin1String("clause")).toString(), QStringLiteral("RFC 6120 §4.8.3"));
        QCOMPARE(a.value(QLatin1String("stanza")).toULongLong(), recorder.lastId());
        QCOMPARE(reader.readElementText(), problem.detail);
    }
    QVERIFY2(!reader.hasError(), qPrintable(reader.errorString()));
    QVERIFY(found);

    const QByteArray json = TrafficRecorder::exportRecords(
        recorder.records(), TrafficRecorder::ExportFormat::JsonLines, {problem});
    const QList<QByteArray> lines = json.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    const QJsonObject p =
        QJsonDocument::fromJson(lines.last()).object().value(QStringLiteral("problem")).toObject();
    QCOMPARE(p.value(QStringLiteral("code")).toString(), QStringLiteral("wrong-namespace"));
    QCOMPARE(quint64(p.value(QStringLiteral("trafficId")).toInteger()), recorder.lastId());
}

void tst_MonitorLint::disabledLogWantsNoLint()
{
    Hub hub;
    Hub worker;
    worker.followLint(&hub);
    QVERIFY(!worker.wantsLint());
    {
        ProblemLog log(&hub, nullptr);
        log.setEnabled(true);
        QVERIFY(hub.wantsLint());
        QVERIFY(worker.wantsLint());
        log.setEnabled(false);
        QVERIFY(!worker.wantsLint());
        log.setEnabled(true);
    }
    QVERIFY(!hub.wantsLint()); // a log that goes away stops the lint
}

QTEST_GUILESS_MAIN(tst_MonitorLint)
#include "tst_monitor_lint.moc"
