// SPDX-License-Identifier: GPL-3.0-or-later
// The ends of BOSH sessions kept for their late requests (XEP-0124 §17.2): each late request of an ended
// session gets the same answer while it is kept, none after kKeep, and the oldest go first beyond
// kMaxEntries, so a flood of ended sessions cannot grow it without bound.
#include "bosh/endedsessions.h"

#include <QTest>

using namespace Switchboard::Bosh;

namespace {

EndedSessions::Answer ended(const char *condition)
{
    return EndedSessions::Answer{200, QByteArray("<body type='terminate' condition='") + condition + "'/>"};
}

} // namespace

class tst_BoshEndedSessions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyLateRequestGetsTheSameEnd();
    void anEndIsKeptForKKeepOnly();
    void theOldestGoBeyondTheCap();
    void aSessionsFirstEndIsTheOneKept();
};

void tst_BoshEndedSessions::everyLateRequestGetsTheSameEnd()
{
    EndedSessions kept;
    const auto now = EndedSessions::Clock::now();
    QVERIFY(!kept.find(QStringLiteral("s1"), now));
    kept.remember(QStringLiteral("s1"), ended("see-other-uri"), now);
    for (int request = 0; request < 2; ++request) {
        const std::optional<EndedSessions::Answer> answer = kept.find(QStringLiteral("s1"), now);
        QVERIFY(answer);
        QCOMPARE(answer->status, 200);
        QVERIFY(answer->body.contains("see-other-uri"));
    }
    QVERIFY(!kept.find(QStringLiteral("s2"), now));
    QCOMPARE(kept.count(), 1);
}

void tst_BoshEndedSessions::anEndIsKeptForKKeepOnly()
{
    EndedSessions kept;
    const auto start = EndedSessions::Clock::now();
    kept.remember(QStringLiteral("s1"), ended("remote-connection-failed"), start);
    kept.remember(QStringLiteral("s2"), ended("system-shutdown"), start + EndedSessions::kKeep / 2);
    QVERIFY(kept.find(QStringLiteral("s1"), start + EndedSessions::kKeep - std::chrono::milliseconds(1)));
    QVERIFY(!kept.find(QStringLiteral("s1"), start + EndedSessions::kKeep));
    QVERIFY(kept.find(QStringLiteral("s2"), start + EndedSessions::kKeep));
    QCOMPARE(kept.count(), 1);
    QVERIFY(!kept.find(QStringLiteral("s2"), start + EndedSessions::kKeep * 2));
    QCOMPARE(kept.count(), 0);
}

void tst_BoshEndedSessions::theOldestGoBeyondTheCap()
{
    EndedSessions kept;
    const auto now = EndedSessions::Clock::now();
    for (int i = 0; i <= EndedSessions::kMaxEntries; ++i)
        kept.remember(QStringLiteral("s%1").arg(i), ended("remote-connection-failed"), now);
    QCOMPARE(kept.count(), EndedSessions::kMaxEntries);
    QVERIFY(!kept.find(QStringLiteral("s0"), now));
    QVERIFY(kept.find(QStringLiteral("s1"), now));
    QVERIFY(kept.find(QStringLiteral("s%1").arg(EndedSessions::kMaxEntries), now));
}

void tst_BoshEndedSessions::aSessionsFirstEndIsTheOneKept()
{
    // A session ends once: a second answer for the same sid (a later path of the same end) neither
    // replaces the first nor extends how long it is kept.
    EndedSessions kept;
    const auto start = EndedSessions::Clock::now();
    kept.remember(QStringLiteral("s1"), ended("see-other-uri"), start);
    kept.remember(QStringLiteral("s1"), ended("other-request"), start + EndedSessions::kKeep / 2);
    const std::optional<EndedSessions::Answer> answer = kept.find(QStringLiteral("s1"), start);
    QVERIFY(answer);
    QVERIFY(answer->body.contains("see-other-uri"));
    QCOMPARE(kept.count(), 1);
    QVERIFY(!kept.find(QStringLiteral("s1"), start + EndedSessions::kKeep));
}

QTEST_GUILESS_MAIN(tst_BoshEndedSessions)
#include "tst_bosh_endedsessions.moc"
