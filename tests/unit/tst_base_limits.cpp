// SPDX-License-Identifier: GPL-3.0-or-later
// The shared protective limits: each is named by a config key, and every refusal is counted per limit
// and signalled with the limit itself; how addresses are grouped (an IPv6 /64 is one client,
// IPv4-mapped IPv6 is IPv4); entries of addresses that have gone are removed on a timer, so the table
// cannot grow without bound.
#include "base/config.h"
#include "base/limits.h"

#include <QSignalSpy>
#include <QTest>

using namespace Switchboard;
using Limit = Limits::Limit;

class tst_BaseLimits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyLimitIsAConfigKey();
    void refusalsAreCountedAndSignalledPerLimit();
    void sessionLimitsNameTheLimit();
    void ipv6SlashSixtyFourSharesOneBudget();
    void ipv4MappedCountsAsIpv4();
    void sessionsPerSlashSixtyFour();
    void staleEntriesAreRemoved();
    void restSessionsPerAccountAndAddress();
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

void tst_BaseLimits::ipv6SlashSixtyFourSharesOneBudget()
{
    Config config;
    config.maxConnectionsPerIp = 3;
    Limits limits(config);
    // Three different /128s of one /64 use up its share; the fourth is refused.
    for (const char *address :
         {"2001:db8:1:2::1", "2001:db8:1:2::ffff:2", "2001:db8:1:2:abcd:ef01:2345:6789"})
        QVERIFY2(!limits.tryOpenConnection(QHostAddress(QLatin1String(address))), address);
    QCOMPARE(limits.tryOpenConnection(QHostAddress(QStringLiteral("2001:db8:1:2:ffff:ffff:ffff:ffff"))),
             std::optional<Limit>(Limit::MaxConnectionsPerIp));
    // Another /64 has its own.
    QVERIFY(!limits.tryOpenConnection(QHostAddress(QStringLiteral("2001:db8:1:3::1"))));
    QCOMPARE(limits.trackedAddresses(), 2);
    // Closing any address of the /64 gives the share back.
    limits.closeConnection(QHostAddress(QStringLiteral("2001:db8:1:2::1")));
    QVERIFY(!limits.tryOpenConnection(QHostAddress(QStringLiteral("2001:db8:1:2::77"))));
}

void tst_BaseLimits::ipv4MappedCountsAsIpv4()
{
    Config config;
    config.maxConnectionsPerIp = 1;
    Limits limits(config);
    QVERIFY(!limits.tryOpenConnection(QHostAddress(QStringLiteral("192.0.2.7"))));
    QCOMPARE(limits.tryOpenConnection(QHostAddress(QStringLiteral("::ffff:192.0.2.7"))),
             std::optional<Limit>(Limit::MaxConnectionsPerIp));
    // Neighbouring IPv4 addresses are separate clients.
    QVERIFY(!limits.tryOpenConnection(QHostAddress(QStringLiteral("192.0.2.8"))));
    QCOMPARE(Limits::addressKey(QHostAddress(QStringLiteral("::ffff:192.0.2.7"))),
             QStringLiteral("192.0.2.7"));
    QCOMPARE(Limits::addressKey(QHostAddress(QStringLiteral("2001:db8:1:2:3:4:5:6"))),
             Limits::addressKey(QHostAddress(QStringLiteral("2001:db8:1:2::"))));
}

void tst_BaseLimits::sessionsPerSlashSixtyFour()
{
    Config config;
    config.maxSessionsPerIp = 2;
    Limits limits(config);
    QVERIFY(!limits.tryOpenSession(QHostAddress(QStringLiteral("2001:db8::1"))));
    QVERIFY(!limits.tryOpenSession(QHostAddress(QStringLiteral("2001:db8::2"))));
    QCOMPARE(limits.tryOpenSession(QHostAddress(QStringLiteral("2001:db8::3"))),
             std::optional<Limit>(Limit::MaxSessionsPerIp));
}

void tst_BaseLimits::staleEntriesAreRemoved()
{
    Config config;
    Limits limits(config);
    qint64 now = 1000;
    limits.setClock([&now] { return now; });
    limits.setSweepInterval(std::chrono::milliseconds(20));
    // Many clients that each had a short session: their rate windows keep an entry for a minute.
    for (int i = 1; i <= 200; ++i) {
        const QHostAddress address(QStringLiteral("10.0.%1.%2").arg(i / 250).arg(i % 250 + 1));
        QVERIFY(!limits.tryOpenSession(address));
        limits.closeSession(address);
    }
    const QHostAddress stillOpen(QStringLiteral("2001:db8:9::1"));
    QVERIFY(!limits.tryOpenConnection(stillOpen));
    QCOMPARE(limits.trackedAddresses(), 201);
    // A minute later they are gone, without any of those addresses coming back; the one still
    // connected stays.
    now += 61 * 1000;
    QTRY_COMPARE(limits.trackedAddresses(), 1);
    limits.closeConnection(stillOpen);
    QCOMPARE(limits.trackedAddresses(), 0);
}

void tst_BaseLimits::restSessionsPerAccountAndAddress()
{
    Config config;
    config.restMaxSessionsPerAccount = 2;
    config.restMaxSessionsPerIp = 3;
    Limits limits(config);
    const QHostAddress a(QStringLiteral("192.0.2.1"));
    const QHostAddress b(QStringLiteral("192.0.2.2"));
    QVERIFY(!limits.tryOpenRestSession(a, QStringLiteral("alice@example.com")));
    // Accounts compare case-insensitively, whatever address they come from.
    QVERIFY(!limits.tryOpenRestSession(b, QStringLiteral("Alice@Example.com")));
    QCOMPARE(limits.restSessions(QStringLiteral("alice@example.com")), 2);
    QCOMPARE(limits.tryOpenRestSession(b, QStringLiteral("alice@example.com")),
             Limit::RestMaxSessionsPerAccount);
    QVERIFY(!limits.tryOpenRestSession(a, QStringLiteral("bob@example.com")));
    QVERIFY(!limits.tryOpenRestSession(a, QStringLiteral("carol@example.com")));
    QCOMPARE(limits.tryOpenRestSession(a, QStringLiteral("dave@example.com")), Limit::RestMaxSessionsPerIp);
    QCOMPARE(limits.hits(Limit::RestMaxSessionsPerAccount), 1u);
    QCOMPARE(limits.hits(Limit::RestMaxSessionsPerIp), 1u);
    // Given back, the share is free again; the table forgets what nothing refers to.
    limits.closeRestSession(a, QStringLiteral("alice@example.com"));
    QCOMPARE(limits.restSessions(QStringLiteral("alice@example.com")), 1);
    QVERIFY(!limits.tryOpenRestSession(a, QStringLiteral("dave@example.com")));
    for (const char *account : {"bob@example.com", "carol@example.com", "dave@example.com"})
        limits.closeRestSession(a, QLatin1String(account));
    QCOMPARE(limits.trackedAddresses(), 1);
    limits.closeRestSession(b, QStringLiteral("alice@example.com"));
    QCOMPARE(limits.restSessions(QStringLiteral("alice@example.com")), 0);
    QCOMPARE(limits.trackedAddresses(), 0);
}

QTEST_GUILESS_MAIN(tst_BaseLimits)
#include "tst_base_limits.moc"
