// SPDX-License-Identifier: GPL-3.0-or-later
// The shared protective limits: each is named by a config key, and every refusal is counted per limit
// and signalled with the limit itself.
#include "base/config.h"
#include "base/limits.h"

#include <QSignalSpy>
#include <QTest>

using namespace Switchboard;

class tst_BaseLimits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyLimitIsAConfigKey();
    void refusalsAreCountedAndSignalledPerLimit();
    void sessionLimitsNameTheLimit();
};

void tst_BaseLimits::everyLimitIsAConfigKey()
{
    const QStringList known = ConfigLoader::knownKeys();
    QSet<QString> seen;
    for (const Limits::Limit limit : Limits::all()) {
        QVERIFY2(known.contains(Limits::key(limit)), qPrintable(Limits::key(limit)));
        seen.insert(Limits::key(limit));
    }
    QCOMPARE(seen.size(), Limits::kLimitCount);
}

void tst_BaseLimits::refusalsAreCountedAndSignalledPerLimit()
{
    Config config;
    Limits limits(config);
    QSignalSpy exceeded(&limits, &Limits::exceeded);
    limits.refused(Limits::Limit::MaxHeaderSize, QHostAddress::LocalHost);
    limits.refused(Limits::Limit::MaxHeaderSize);
    limits.refused(Limits::Limit::MaxClientBacklog, QHostAddress::LocalHost);
    QCOMPARE(limits.hits(Limits::Limit::MaxHeaderSize), 2u);
    QCOMPARE(limits.hits(Limits::Limit::MaxClientBacklog), 1u);
    QCOMPARE(limits.hits(Limits::Limit::MaxSessions), 0u);
    QCOMPARE(exceeded.size(), 3);
    QCOMPARE(exceeded.at(2).at(0).value<Limits::Limit>(), Limits::Limit::MaxClientBacklog);
    QCOMPARE(exceeded.at(2).at(1).value<QHostAddress>(), QHostAddress(QHostAddress::LocalHost));
}

void tst_BaseLimits::sessionLimitsNameTheLimit()
{
    Config config;
    config.maxSessions = 3;
    config.maxSessionsPerIp = 1;
    Limits limits(config);
    const QHostAddress a(QStringLiteral("192.0.2.1"));
    QVERIFY(!limits.tryOpenSession(a));
    QCOMPARE(limits.tryOpenSession(a), Limits::Limit::MaxSessionsPerIp);
    QVERIFY(!limits.tryOpenSession(QHostAddress(QStringLiteral("192.0.2.2"))));
    QVERIFY(!limits.tryOpenSession(QHostAddress(QStringLiteral("192.0.2.3"))));
    QCOMPARE(limits.tryOpenSession(QHostAddress(QStringLiteral("192.0.2.4"))), Limits::Limit::MaxSessions);
    QCOMPARE(limits.hits(Limits::Limit::MaxSessionsPerIp), 1u);
    QCOMPARE(limits.hits(Limits::Limit::MaxSessions), 1u);
}

QTEST_GUILESS_MAIN(tst_BaseLimits)
#include "tst_base_limits.moc"
