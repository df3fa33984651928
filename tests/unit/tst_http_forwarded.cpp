// SPDX-License-Identifier: GPL-3.0-or-later
// The client's address behind trusted proxies: X-Forwarded-For and Forwarded (RFC 7239) are believed
// only from trusted addresses, the right-most untrusted address of the chain is the client, and what a
// client writes itself is never read. Also the address ranges (`trusted_proxies`) and strict address
// parsing they rely on.
#include "base/addressranges.h"
#include "http/forwarded.h"

#include <QTest>

using namespace Switchboard;
using namespace Switchboard::Http;

Q_DECLARE_METATYPE(Switchboard::Http::ForwardedHeader)

class tst_HttpForwarded : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void ranges_data();
    void ranges();
    void rangeEntries_data();
    void rangeEntries();
    void strictAddresses();
    void clientAddress_data();
    void clientAddress();
    void malformed_data();
    void malformed();
};

void tst_HttpForwarded::ranges_data()
{
    QTest::addColumn<QStringList>("entries");
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("contained");
    const QStringList mixed{QStringLiteral("10.0.0.0/8"), QStringLiteral("192.0.2.7"),
                            QStringLiteral("2001:db8::/32"), QStringLiteral("::1")};
    QTest::newRow("in an IPv4 network") << mixed << "10.200.3.4" << true;
    QTest::newRow("outside it") << mixed << "11.0.0.1" << false;
    QTest::newRow("a single IPv4 address") << mixed << "192.0.2.7" << true;
    QTest::newRow("its neighbour") << mixed << "192.0.2.8" << false;
    QTest::newRow("in an IPv6 network") << mixed << "2001:db8:ffff::1" << true;
    QTest::newRow("outside it (v6)") << mixed << "2001:db9::1" << false;
    QTest::newRow("IPv6 loopback") << mixed << "::1" << true;
    // A dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d.
    QTest::newRow("IPv4-mapped in an IPv4 network") << mixed << "::ffff:10.1.2.3" << true;
    QTest::newRow("IPv4-mapped outside") << mixed << "::ffff:11.1.2.3" << false;
    QTest::newRow("IPv4-mapped entry")
        << QStringList{QStringLiteral("::ffff:192.0.2.0/120")} << "192.0.2.99" << true;
    QTest::newRow("empty set") << QStringList() << "127.0.0.1" << false;
    QTest::newRow("null address") << mixed << "" << false;
}

void tst_HttpForwarded::ranges()
{
    QFETCH(QStringList, entries);
    QFETCH(QString, address);
    QFETCH(bool, contained);
    AddressRanges ranges;
    QVERIFY(ranges.setEntries(entries));
    QCOMPARE(ranges.contains(QHostAddress(address)), contained);
}

void tst_HttpForwarded::rangeEntries_data()
{
    QTest::addColumn<QString>("entry");
    QTest::addColumn<bool>("valid");
    QTest::newRow("IPv4") << "192.0.2.7" << true;
    QTest::newRow("IPv4 CIDR") << "192.0.2.0/24" << true;
    QTest::newRow("IPv6") << "2001:db8::1" << true;
    QTest::newRow("IPv6 CIDR") << "2001:db8::/48" << true;
    QTest::newRow("prefix too long") << "192.0.2.0/33" << false;
    QTest::newRow("IPv6 prefix too long") << "2001:db8::/129" << false;
    QTest::newRow("host name") << "proxy.example" << false;
    QTest::newRow("scoped") << "fe80::1%eth0" << false;
    QTest::newRow("empty") << "" << false;
}

void tst_HttpForwarded::rangeEntries()
{
    QFETCH(QString, entry);
    QFETCH(bool, valid);
    QCOMPARE(AddressRanges::parseEntry(entry).has_value(), valid);
    AddressRanges ranges;
    QVERIFY(ranges.setEntries({QStringLiteral("10.0.0.1")}));
    QString bad;
    QCOMPARE(ranges.setEntries({QStringLiteral("127.0.0.1"), entry}, &bad), valid);
    if (!valid) {
        QCOMPARE(bad, entry);
        QVERIFY(ranges.contains(QHostAddress(QStringLiteral("10.0.0.1")))); // unchanged
    }
}

void tst_HttpForwarded::strictAddresses()
{
    QCOMPARE(parseIpv4("192.0.2.7"), std::optional<QHostAddress>(QHostAddress(QStringLiteral("192.0.2.7"))));
    QCOMPARE(parseIpv4("0.0.0.0"), std::optional<QHostAddress>(QHostAddress(QStringLiteral("0.0.0.0"))));
    // QHostAddress would read these as other addresses.
    for (const char *text : {"192.0.7", "192.0.2.07", "0x7f.0.0.1", "1.2.3.4.5", "1.2.3.", "256.0.0.1",
                             " 1.2.3.4", "1.2.3.4 ", "", "1234.1.1.1"})
        QVERIFY2(!parseIpv4(text), text);
    QVERIFY(parseIpv6("2001:db8::1"));
    QVERIFY(parseIpv6("::ffff:192.0.2.7"));
    for (const char *text : {"fe80::1%eth0", "[2001:db8::1]", "2001:db8::g", "1.2.3.4", ":", "2001:db8:::1"})
        QVERIFY2(!parseIpv6(text), text);
    QCOMPARE(parsePort("0"), std::optional<quint16>(0));
    QCOMPARE(parsePort("65535"), std::optional<quint16>(65535));
    for (const char *text : {"65536", "080", "", "-1", "1a", "123456"})
        QVERIFY2(!parsePort(text), text);
}

void tst_HttpForwarded::clientAddress_data()
{
    QTest::addColumn<ForwardedHeader>("which");
    QTest::addColumn<QString>("hop");
    QTest::addColumn<HeaderList>("headers");
    QTest::addColumn<QString>("client");
    QTest::addColumn<int>("port");

    // Trusted in every row: 127.0.0.1, 10.0.0.0/8, 2001:db8:1::/48.
    const auto xff = ForwardedHeader::XForwardedFor;
    const auto fwd = ForwardedHeader::Forwarded;
    auto h = [](const char *name, const char *value) { return HeaderList{{name, value}}; };

    QTest::newRow("untrusted peer: header ignored")
        << xff << "198.51.100.9" << h("x-forwarded-for", "203.0.113.5") << "198.51.100.9" << 1234;
    QTest::newRow("trusted peer without header") << xff << "127.0.0.1" << HeaderList() << "127.0.0.1" << 1234;
    QTest::newRow("one proxy") << xff << "127.0.0.1" << h("x-forwarded-for", "203.0.113.5") << "203.0.113.5"
                               << 0;
    // The client wrote "1.1.1.1" itself; nginx appended the address it saw.
    QTest::newRow("spoofed left part is not read")
        << xff << "127.0.0.1" << h("x-forwarded-for", "1.1.1.1, 203.0.113.5") << "203.0.113.5" << 0;
    QTest::newRow("chain of trusted proxies")
        << xff << "127.0.0.1" << h("x-forwarded-for", "1.1.1.1, 203.0.113.5, 10.1.1.1, 10.2.2.2")
        << "203.0.113.5" << 0;
    QTest::newRow("garbage left of the client is not read")
        << xff << "127.0.0.1" << h("x-forwarded-for", "<script>, not an address, 203.0.113.5")
        << "203.0.113.5" << 0;
    QTest::newRow("all trusted: the left-most")
        << xff << "127.0.0.1" << h("x-forwarded-for", "10.9.9.9, 10.1.1.1") << "10.9.9.9" << 0;
    QTest::newRow("several header lines are one list")
        << xff << "127.0.0.1"
        << HeaderList{{"x-forwarded-for", "1.1.1.1"}, {"x-forwarded-for", "203.0.113.5, 10.1.1.1"}}
        << "203.0.113.5" << 0;
    QTest::newRow("empty elements skipped")
        << xff << "127.0.0.1" << h("x-forwarded-for", " , 203.0.113.5 ,, ") << "203.0.113.5" << 0;
    QTest::newRow("IPv6 client") << xff << "127.0.0.1" << h("x-forwarded-for", "2001:db8:ffff::7")
                                 << "2001:db8:ffff::7" << 0;
    QTest::newRow("IPv6 proxy, IPv4 client")
        << xff << "2001:db8:1::5" << h("x-forwarded-for", "203.0.113.5") << "203.0.113.5" << 0;
    QTest::newRow("IPv4-mapped peer is trusted")
        << xff << "::ffff:127.0.0.1" << h("x-forwarded-for", "203.0.113.5") << "203.0.113.5" << 0;
    QTest::newRow("IPv4 with port") << xff << "127.0.0.1" << h("x-forwarded-for", "203.0.113.5:4711")
                                    << "203.0.113.5" << 4711;
    QTest::newRow("bracketed IPv6 with port")
        << xff << "127.0.0.1" << h("x-forwarded-for", "[2001:db8:ffff::7]:4711") << "2001:db8:ffff::7"
        << 4711;
    QTest::newRow("IPv4-mapped client counts as IPv4")
        << xff << "127.0.0.1" << h("x-forwarded-for", "::ffff:203.0.113.5") << "203.0.113.5" << 0;
    QTest::newRow("unknown: the proxy that wrote it")
        << xff << "127.0.0.1" << h("x-forwarded-for", "203.0.113.5, unknown, 10.1.1.1") << "10.1.1.1" << 0;
    // Only the configured header is read: the other one is the client's own text.
    QTest::newRow("Forwarded ignored when X-Forwarded-For is chosen")
        << xff << "127.0.0.1" << HeaderList{{"forwarded", "for=1.1.1.1"}, {"x-forwarded-for", "203.0.113.5"}}
        << "203.0.113.5" << 0;
    QTest::newRow("X-Forwarded-For ignored when Forwarded is chosen")
        << fwd << "127.0.0.1" << HeaderList{{"x-forwarded-for", "1.1.1.1"}, {"forwarded", "for=203.0.113.5"}}
        << "203.0.113.5" << 0;
    QTest::newRow("none: no header is read")
        << ForwardedHeader::None << "127.0.0.1" << h("x-forwarded-for", "203.0.113.5") << "127.0.0.1" << 1234;

    // RFC 7239 §4 and §7 examples.
    QTest::newRow("Forwarded for") << fwd << "127.0.0.1" << h("forwarded", "for=192.0.2.43") << "192.0.2.43"
                                   << 0;
    QTest::newRow("Forwarded case-insensitive name")
        << fwd << "127.0.0.1" << h("forwarded", "For=\"192.0.2.43\"") << "192.0.2.43" << 0;
    QTest::newRow("Forwarded IPv6 with port")
        << fwd << "127.0.0.1" << h("forwarded", "for=\"[2001:db8:cafe::17]:4711\"") << "2001:db8:cafe::17"
        << 4711;
    QTest::newRow("Forwarded with other parameters")
        << fwd << "127.0.0.1" << h("forwarded", "for=192.0.2.60;proto=http;by=203.0.113.43") << "192.0.2.60"
        << 0;
    QTest::newRow("Forwarded list, right-most untrusted")
        << fwd << "127.0.0.1" << h("forwarded", "for=192.0.2.43, for=198.51.100.17;by=10.1.1.1, for=10.1.1.1")
        << "198.51.100.17" << 0;
    QTest::newRow("Forwarded quoted comma in another parameter")
        << fwd << "127.0.0.1" << h("forwarded", "for=192.0.2.43;host=\"a,b\", for=10.1.1.1") << "192.0.2.43"
        << 0;
    QTest::newRow("Forwarded obfuscated: the proxy that wrote it")
        << fwd << "127.0.0.1" << h("forwarded", "for=192.0.2.43, for=_hidden, for=10.1.1.1") << "10.1.1.1"
        << 0;
    QTest::newRow("Forwarded obfuscated port")
        << fwd << "127.0.0.1" << h("forwarded", "for=\"192.0.2.43:_abc\"") << "192.0.2.43" << 0;
    QTest::newRow("Forwarded unknown")
        << fwd << "127.0.0.1" << h("forwarded", "for=unknown") << "127.0.0.1" << 1234;
    QTest::newRow("Forwarded element without for")
        << fwd << "127.0.0.1" << h("forwarded", "for=192.0.2.43, proto=https") << "127.0.0.1" << 1234;
    QTest::newRow("Forwarded garbage left of the client is not read")
        << fwd << "127.0.0.1" << h("forwarded", "for=[oops, for=192.0.2.43") << "192.0.2.43" << 0;
}

void tst_HttpForwarded::clientAddress()
{
    QFETCH(ForwardedHeader, which);
    QFETCH(QString, hop);
    QFETCH(HeaderList, headers);
    QFETCH(QString, client);
    QFETCH(int, port);
    AddressRanges trusted;
    QVERIFY(trusted.setEntries(
        {QStringLiteral("127.0.0.1"), QStringLiteral("10.0.0.0/8"), QStringLiteral("2001:db8:1::/48")}));
    const ClientAddress result = findClientAddress(QHostAddress(hop), 1234, headers, which, trusted);
    QVERIFY2(result.ok, result.error.constData());
    QCOMPARE(result.address, QHostAddress(client));
    QCOMPARE(int(result.port), port);
}

void tst_HttpForwarded::malformed_data()
{
    QTest::addColumn<ForwardedHeader>("which");
    QTest::addColumn<QByteArray>("value");
    const auto xff = ForwardedHeader::XForwardedFor;
    const auto fwd = ForwardedHeader::Forwarded;
    QTest::newRow("xff host name") << xff << QByteArray("client.example");
    QTest::newRow("xff short IPv4") << xff << QByteArray("203.0.5");
    QTest::newRow("xff leading zeros") << xff << QByteArray("203.0.113.05");
    QTest::newRow("xff bad port") << xff << QByteArray("203.0.113.5:99999");
    QTest::newRow("xff scoped IPv6") << xff << QByteArray("fe80::1%eth0");
    QTest::newRow("xff unclosed bracket") << xff << QByteArray("[2001:db8::1");
    QTest::newRow("xff bracketed IPv4") << xff << QByteArray("[203.0.113.5]");
    QTest::newRow("xff malformed between trusted hops") << xff << QByteArray("203.0.113.5, junk, 10.1.1.1");
    QTest::newRow("fwd bare IPv6 (needs brackets and quotes)") << fwd << QByteArray("for=2001:db8::1");
    QTest::newRow("fwd unquoted brackets") << fwd << QByteArray("for=[2001:db8::1]");
    QTest::newRow("fwd IPv6 without brackets") << fwd << QByteArray("for=\"2001:db8::1\"");
    QTest::newRow("fwd no value") << fwd << QByteArray("for=");
    QTest::newRow("fwd no equals") << fwd << QByteArray("for");
    QTest::newRow("fwd for twice") << fwd << QByteArray("for=192.0.2.1;for=192.0.2.2");
    QTest::newRow("fwd unterminated quote") << fwd << QByteArray("for=\"192.0.2.1");
    QTest::newRow("fwd unterminated quote far left") << fwd << QByteArray("for=\"x, for=192.0.2.1");
    QTest::newRow("fwd bad obfuscated") << fwd << QByteArray("for=_");
    QTest::newRow("fwd bad port") << fwd << QByteArray("for=\"192.0.2.1:080\"");
    QTest::newRow("fwd junk after value") << fwd << QByteArray("for=192.0.2.1 x");
    QTest::newRow("fwd host name") << fwd << QByteArray("for=client.example");
}

void tst_HttpForwarded::malformed()
{
    // A trusted proxy that sends something we cannot read: the request is not attributed to anyone.
    QFETCH(ForwardedHeader, which);
    QFETCH(QByteArray, value);
    AddressRanges trusted;
    QVERIFY(trusted.setEntries({QStringLiteral("127.0.0.1"), QStringLiteral("10.0.0.0/8")}));
    const QByteArray name = which == ForwardedHeader::Forwarded ? "forwarded" : "x-forwarded-for";
    const ClientAddress result =
        findClientAddress(QHostAddress(QStringLiteral("127.0.0.1")), 1, {{name, value}}, which, trusted);
    QVERIFY(!result.ok);
    QVERIFY(!result.error.isEmpty());
    // From an untrusted peer the same header is not even read.
    const ClientAddress untrusted =
        findClientAddress(QHostAddress(QStringLiteral("198.51.100.9")), 1, {{name, value}}, which, trusted);
    QVERIFY(untrusted.ok);
    QCOMPARE(untrusted.address, QHostAddress(QStringLiteral("198.51.100.9")));
}

QTEST_GUILESS_MAIN(tst_HttpForwarded)
#include "tst_http_forwarded.moc"
