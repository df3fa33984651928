// SPDX-License-Identifier: GPL-3.0-or-later
// Where pushes may go: https only; every special-purpose IPv4 and IPv6 range is refused (IPv4-mapped IPv6
// judged as IPv4), public unicast is allowed, and push_allowed_hosts patterns (host, host:port, '*',
// IPv6 in brackets) let named hosts through on the ports they name.
#include "push/targetpolicy.h"

#include <QTest>

using namespace Switchboard::Push;

class tst_PushTargetPolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void specialPurposeAddresses_data();
    void specialPurposeAddresses();
    void urls_data();
    void urls();
    void patterns_data();
    void patterns();
    void allowedHostsLetSpecialAddressesThrough();
};

void tst_PushTargetPolicy::specialPurposeAddresses_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("special");
    const auto row = [](const char *address, bool special) {
        QTest::newRow(address) << QString::fromLatin1(address) << special;
    };
    // IPv4: the first and last address of each special range, and neighbours just outside some.
    for (const char *a :
         {"0.0.0.0",         "0.255.255.255",  "10.0.0.0",        "10.255.255.255",  "100.64.0.0",
          "100.127.255.255", "127.0.0.1",      "127.255.255.255", "169.254.0.1",     "169.254.255.255",
          "172.16.0.0",      "172.31.255.255", "192.0.0.8",       "192.0.2.1",       "192.31.196.1",
          "192.52.193.1",    "192.88.99.1",    "192.168.0.1",     "192.168.255.255", "192.175.48.1",
          "198.18.0.1",      "198.19.255.255", "198.51.100.1",    "203.0.113.1",     "224.0.0.1",
          "239.255.255.255", "240.0.0.1",      "255.255.255.255"})
        row(a, true);
    for (const char *a :
         {"1.1.1.1", "8.8.8.8", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0", "192.0.3.1",
          "192.169.0.1", "198.17.255.255", "198.20.0.0", "223.255.255.255", "93.184.216.34"})
        row(a, false);
    // IPv6.
    for (const char *a :
         {"::",          "::1",          "::a00:1",          "64:ff9b::a00:1", "64:ff9b:1::1",  "100::1",
          "fc00::1",     "fd12:3456::1", "fe80::1",          "febf::1",        "fec0::1",       "ff02::1",
          "ff0e::1",     "2001::1",      "2001:1ff:ffff::1", "2001:db8::1",    "2002:a00:1::1", "3fff::1",
          "3fff:fff::1", "4000::1",      "5f00::1"})
        row(a, true);
    for (const char *a :
         {"2001:200::1", "2001:4860:4860::8888", "2606:4700:4700::1111", "2a00:1450::1", "3ffe::1"})
        row(a, false);
    // IPv4-mapped IPv6 is judged as the IPv4 address it carries.
    row("::ffff:127.0.0.1", true);
    row("::ffff:10.1.2.3", true);
    row("::ffff:169.254.169.254", true);
    row("::ffff:8.8.8.8", false);
}

void tst_PushTargetPolicy::specialPurposeAddresses()
{
    QFETCH(QString, address);
    QFETCH(bool, special);
    QHostAddress parsed;
    QVERIFY(parsed.setAddress(address));
    QCOMPARE(TargetPolicy::isSpecialPurpose(parsed), special);
    const TargetPolicy policy;
    QCOMPARE(policy.allowsAddress(QStringLiteral("push.example"), 443, parsed), !special);
}

void tst_PushTargetPolicy::urls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("allowed");
    QTest::newRow("https name") << "https://push.example.com/send/abc" << true;
    QTest::newRow("https port") << "https://push.example.com:8443/x" << true;
    QTest::newRow("https public literal") << "https://8.8.8.8/x" << true;
    QTest::newRow("http") << "http://push.example.com/x" << false;
    QTest::newRow("ftp") << "ftp://push.example.com/x" << false;
    QTest::newRow("relative") << "/x" << false;
    QTest::newRow("user info") << "https://user:pw@push.example.com/x" << false;
    QTest::newRow("loopback literal") << "https://127.0.0.1/x" << false;
    QTest::newRow("loopback v6 literal") << "https://[::1]/x" << false;
    QTest::newRow("mapped private literal") << "https://[::ffff:192.168.1.1]/x" << false;
    QTest::newRow("metadata literal") << "https://169.254.169.254/latest" << false;
}

void tst_PushTargetPolicy::urls()
{
    QFETCH(QString, url);
    QFETCH(bool, allowed);
    const TargetPolicy policy;
    QString reason;
    QCOMPARE(policy.checkUrl(QUrl(url), &reason), allowed);
    QCOMPARE(reason.isEmpty(), allowed);
}

void tst_PushTargetPolicy::patterns_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<bool>("valid");
    for (const char *p : {"localhost", "localhost:8443", "*.example.com", "*", "push-*.example.com:443",
                          "127.0.0.1", "127.0.0.1:8443", "::1", "[::1]", "[::1]:8443", "fd00::1"})
        QTest::newRow(p) << QString::fromLatin1(p) << true;
    for (const char *p : {"", "host:", "host:0", "host:65536", "host:port", "[::1", "[::1]x", "[nothost]:1",
                          "a b", "https://host", "host/path", "[::1]:0"})
        QTest::newRow(p) << QString::fromLatin1(p) << false;
}

void tst_PushTargetPolicy::patterns()
{
    QFETCH(QString, pattern);
    QFETCH(bool, valid);
    QString reason;
    QCOMPARE(TargetPolicy::checkPattern(pattern, &reason), valid);
    QCOMPARE(reason.isEmpty(), valid);
    TargetPolicy policy;
    QString bad;
    QCOMPARE(policy.setAllowedHosts({QStringLiteral("ok.example"), pattern}, &bad), valid);
    QCOMPARE(bad, valid ? QString() : pattern);
}

void tst_PushTargetPolicy::allowedHostsLetSpecialAddressesThrough()
{
    TargetPolicy policy;
    QVERIFY(policy.setAllowedHosts({QStringLiteral("localhost:8443"), QStringLiteral("*.internal.example"),
                                    QStringLiteral("10.1.2.3"), QStringLiteral("[fd00::5]:443")}));
    const QHostAddress loopback(QHostAddress::LocalHost);
    const QHostAddress loopback6(QHostAddress::LocalHostIPv6);
    QVERIFY(policy.allowsAddress(QStringLiteral("localhost"), 8443, loopback));
    QVERIFY(policy.allowsAddress(QStringLiteral("LocalHost."), 8443, loopback6));
    QVERIFY(!policy.allowsAddress(QStringLiteral("localhost"), 8444, loopback)); // another port
    QVERIFY(policy.allowsAddress(QStringLiteral("hooks.internal.example"), 443,
                                 QHostAddress(QStringLiteral("10.9.9.9"))));
    QVERIFY(policy.allowsAddress(QStringLiteral("a.b.internal.example"), 1,
                                 QHostAddress(QStringLiteral("10.9.9.9"))));
    QVERIFY(!policy.allowsAddress(QStringLiteral("internal.example"), 443,
                                  QHostAddress(QStringLiteral("10.9.9.9"))));
    // A named address is allowed under any name that resolves to it, as IPv4 or mapped IPv6.
    QVERIFY(policy.allowsAddress(QStringLiteral("anything.example"), 443,
                                 QHostAddress(QStringLiteral("10.1.2.3"))));
    QVERIFY(policy.allowsAddress(QStringLiteral("x.example"), 443,
                                 QHostAddress(QStringLiteral("::ffff:10.1.2.3"))));
    QVERIFY(
        !policy.allowsAddress(QStringLiteral("x.example"), 443, QHostAddress(QStringLiteral("10.1.2.4"))));
    QVERIFY(policy.allowsAddress(QStringLiteral("[fd00::5]"), 443, QHostAddress(QStringLiteral("fd00::5"))));
    QVERIFY(!policy.allowsAddress(QStringLiteral("[fd00::5]"), 444, QHostAddress(QStringLiteral("fd00::5"))));
    // Not named: refused.
    QVERIFY(!policy.allowsAddress(QStringLiteral("evil.example"), 443, loopback));
    QVERIFY(policy.checkUrl(QUrl(QStringLiteral("https://127.0.0.1:8443/"))) ==
            false); // a literal is judged by its text: 127.0.0.1 is not named, localhost is
    QVERIFY(policy.checkUrl(QUrl(QStringLiteral("https://10.1.2.3/hook"))));
}

QTEST_GUILESS_MAIN(tst_PushTargetPolicy)
#include "tst_push_targetpolicy.moc"
