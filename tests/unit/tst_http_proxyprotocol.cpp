// SPDX-License-Identifier: GPL-3.0-or-later
// The PROXY protocol header parser (HAProxy's proxy-protocol.txt, versions 1 and 2): every command and
// family, headers split at every byte, what follows the header left alone, and refusal of truncated,
// oversized and malformed headers.
#include "http/proxyprotocol.h"

#include <QTest>

using namespace Switchboard::Http;
using Status = ProxyHeaderParser::Status;

Q_DECLARE_METATYPE(Status)

namespace {

const QByteArray v2Signature("\r\n\r\n\0\r\nQUIT\n", 12);

/// A v2 header: signature, version/command, family/transport, then `block` (its length in front).
QByteArray v2(quint8 versionCommand, quint8 familyTransport, const QByteArray &block)
{
    QByteArray header = v2Signature;
    header.append(char(versionCommand));
    header.append(char(familyTransport));
    header.append(char(block.size() >> 8));
    header.append(char(block.size() & 0xff));
    return header + block;
}

QByteArray be16(quint16 value)
{
    QByteArray out;
    out.append(char(value >> 8));
    out.append(char(value & 0xff));
    return out;
}

QByteArray v4Block(const char *source, const char *destination, quint16 sourcePort, quint16 destinationPort)
{
    QByteArray out;
    for (const char *text : {source, destination}) {
        const quint32 address = QHostAddress(QString::fromLatin1(text)).toIPv4Address();
        out += be16(quint16(address >> 16)) + be16(quint16(address & 0xffff));
    }
    return out + be16(sourcePort) + be16(destinationPort);
}

QByteArray v6Block(const char *source, const char *destination, quint16 sourcePort, quint16 destinationPort)
{
    QByteArray out;
    for (const char *text : {source, destination}) {
        const Q_IPV6ADDR address = QHostAddress(QString::fromLatin1(text)).toIPv6Address();
        out.append(reinterpret_cast<const char *>(address.c), 16);
    }
    return out + be16(sourcePort) + be16(destinationPort);
}

} // namespace

class tst_HttpProxyProtocol : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void complete_data();
    void complete();
    void completeByteByByte_data() { complete_data(); }
    void completeByteByByte();
    void invalid_data();
    void invalid();
    void truncatedNeedsMore_data();
    void truncatedNeedsMore();
    void stopsAtTheEndOfTheHeader();
    void oversizedV2IsRefusedBeforeItsBody();
    void v1WithoutCrlfWithinItsLimit();
    void afterTheEndNothingMoreIsTaken();
};

void tst_HttpProxyProtocol::complete_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("version");
    QTest::addColumn<bool>("proxied");
    QTest::addColumn<QString>("source");
    QTest::addColumn<int>("sourcePort");
    QTest::addColumn<QString>("destination");
    QTest::addColumn<int>("destinationPort");

    QTest::newRow("v1 TCP4") << QByteArray("PROXY TCP4 192.0.2.7 198.51.100.1 56324 443\r\n") << 1 << true
                             << "192.0.2.7" << 56324 << "198.51.100.1" << 443;
    QTest::newRow("v1 TCP4 extremes") << QByteArray("PROXY TCP4 255.255.255.255 0.0.0.0 65535 0\r\n") << 1
                                      << true << "255.255.255.255" << 65535 << "0.0.0.0" << 0;
    QTest::newRow("v1 TCP6") << QByteArray("PROXY TCP6 2001:db8::7 2001:db8::1 4711 5280\r\n") << 1 << true
                             << "2001:db8::7" << 4711 << "2001:db8::1" << 5280;
    QTest::newRow("v1 TCP6 longest")
        << QByteArray(
               "PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
               "65535 65535\r\n")
        << 1 << true << "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" << 65535
        << "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" << 65535;
    QTest::newRow("v1 UNKNOWN short") << QByteArray("PROXY UNKNOWN\r\n") << 1 << false << "" << 0 << "" << 0;
    // "The receiver must ignore anything presented before the CRLF" after UNKNOWN (107 bytes in all).
    QTest::newRow("v1 UNKNOWN worst case")
        << QByteArray("PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
                      "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n")
        << 1 << false << "" << 0 << "" << 0;
    QTest::newRow("v2 PROXY TCP4") << v2(0x21, 0x11, v4Block("192.0.2.7", "198.51.100.1", 56324, 443)) << 2
                                   << true << "192.0.2.7" << 56324 << "198.51.100.1" << 443;
    QTest::newRow("v2 PROXY TCP6") << v2(0x21, 0x21, v6Block("2001:db8::7", "2001:db8::1", 4711, 5280)) << 2
                                   << true << "2001:db8::7" << 4711 << "2001:db8::1" << 5280;
    // TLVs after the addresses (here ALPN "h2" and a NOOP) are skipped.
    QTest::newRow("v2 PROXY TCP4 with TLVs")
        << v2(0x21, 0x11,
              v4Block("203.0.113.9", "198.51.100.1", 1, 2) + QByteArray("\x01\x00\x02h2\x04\x00\x00", 8))
        << 2 << true << "203.0.113.9" << 1 << "198.51.100.1" << 2;
    // LOCAL: "discard the protocol block including the family"; the length must still be honoured.
    QTest::newRow("v2 LOCAL") << v2(0x20, 0x00, QByteArray()) << 2 << false << "" << 0 << "" << 0;
    QTest::newRow("v2 LOCAL with a block")
        << v2(0x20, 0x11, v4Block("192.0.2.7", "198.51.100.1", 1, 2)) << 2 << false << "" << 0 << "" << 0;
    QTest::newRow("v2 PROXY UNSPEC") << v2(0x21, 0x00, QByteArray()) << 2 << false << "" << 0 << "" << 0;
    QTest::newRow("v2 PROXY UNIX") << v2(0x21, 0x31, QByteArray(216, 'u')) << 2 << false << "" << 0 << ""
                                   << 0;
    QTest::newRow("v2 PROXY UDP4") << v2(0x21, 0x12, v4Block("192.0.2.7", "198.51.100.1", 1, 2)) << 2 << false
                                   << "" << 0 << "" << 0;
}

void tst_HttpProxyProtocol::complete()
{
    QFETCH(QByteArray, input);
    QFETCH(int, version);
    QFETCH(bool, proxied);
    QFETCH(QString, source);
    QFETCH(int, sourcePort);
    QFETCH(QString, destination);
    QFETCH(int, destinationPort);

    // What follows the header (an HTTP request here) must stay with the caller.
    const QByteArray rest("GET / HTTP/1.1\r\n\r\n");
    ProxyHeaderParser parser;
    qsizetype consumed = -1;
    QCOMPARE(parser.feed(QByteArray(input + rest), &consumed), Status::Complete);
    QCOMPARE(consumed, input.size());
    QCOMPARE(parser.size(), input.size());
    QCOMPARE(parser.header().version, version);
    QCOMPARE(parser.header().proxied, proxied);
    if (proxied) {
        QCOMPARE(parser.header().source, QHostAddress(source));
        QCOMPARE(parser.header().destination, QHostAddress(destination));
        QCOMPARE(int(parser.header().sourcePort), sourcePort);
        QCOMPARE(int(parser.header().destinationPort), destinationPort);
    }
}

void tst_HttpProxyProtocol::completeByteByByte()
{
    QFETCH(QByteArray, input);
    QFETCH(bool, proxied);
    QFETCH(QString, source);
    QFETCH(int, sourcePort);

    ProxyHeaderParser parser;
    for (qsizetype i = 0; i < input.size(); ++i) {
        qsizetype consumed = -1;
        const Status status = parser.feed(input.sliced(i, 1), &consumed);
        QCOMPARE(consumed, 1);
        QCOMPARE(status, i + 1 == input.size() ? Status::Complete : Status::NeedMore);
    }
    QCOMPARE(parser.header().proxied, proxied);
    if (proxied) {
        QCOMPARE(parser.header().source, QHostAddress(source));
        QCOMPARE(int(parser.header().sourcePort), sourcePort);
    }
}

void tst_HttpProxyProtocol::invalid_data()
{
    QTest::addColumn<QByteArray>("input");

    QTest::newRow("no header: HTTP") << QByteArray("GET / HTTP/1.1\r\n\r\n");
    QTest::newRow("no header: TLS ClientHello") << QByteArray("\x16\x03\x01\x02\x00\x01", 6);
    QTest::newRow("lower-case proxy") << QByteArray("proxy TCP4 192.0.2.7 198.51.100.1 1 2\r\n");
    QTest::newRow("v1 two spaces") << QByteArray("PROXY  TCP4 192.0.2.7 198.51.100.1 1 2\r\n");
    QTest::newRow("v1 lone LF") << QByteArray("PROXY TCP4 192.0.2.7 198.51.100.1 1 2\n");
    QTest::newRow("v1 lone CR") << QByteArray("PROXY TCP4 192.0.2.7 198.51.100.1 1 2\rX\r\n");
    QTest::newRow("v1 unknown protocol") << QByteArray("PROXY UDP4 192.0.2.7 198.51.100.1 1 2\r\n");
    QTest::newRow("v1 missing port") << QByteArray("PROXY TCP4 192.0.2.7 198.51.100.1 1\r\n");
    QTest::newRow("v1 extra field") << QByteArray("PROXY TCP4 192.0.2.7 198.51.100.1 1 2 3\r\n");
    QTest::newRow("v1 trailing space") << QByteArray("PROXY TCP4 192.0.2.7 198.51.100.1 1 2 \r\n");
    QTest::newRow("v1 leading zero address") << QByteArray("PROXY TCP4 192.0.2.07 198.51.100.1 1 2\r\n");
    QTest::newRow("v1 short address") << QByteArray("PROXY TCP4 192.2.7 198.51.100.1 1 2\r\n");
    QTest::newRow("v1 octet over 255") << QByteArray("PROXY TCP4 192.0.2.256 198.51.100.1 1 2\r\n");
    QTest::newRow("v1 leading zero port") << QByteArray("PROXY TCP4 192.0.2.7 198.51.100.1 080 2\r\n");
    QTest::newRow("v1 port over 65535") << QByteArray("PROXY TCP4 192.0.2.7 198.51.100.1 65536 2\r\n");
    QTest::newRow("v1 negative port") << QByteArray("PROXY TCP4 192.0.2.7 198.51.100.1 -1 2\r\n");
    QTest::newRow("v1 TCP4 with IPv6") << QByteArray("PROXY TCP4 2001:db8::7 2001:db8::1 1 2\r\n");
    QTest::newRow("v1 TCP6 with IPv4") << QByteArray("PROXY TCP6 192.0.2.7 198.51.100.1 1 2\r\n");
    QTest::newRow("v1 TCP6 scoped") << QByteArray("PROXY TCP6 fe80::1%eth0 2001:db8::1 1 2\r\n");
    QTest::newRow("v1 TCP6 bracketed") << QByteArray("PROXY TCP6 [2001:db8::7] 2001:db8::1 1 2\r\n");
    QTest::newRow("v2 wrong signature") << QByteArray("\r\n\r\n\0\r\nQUIT!", 12);
    QTest::newRow("v2 version 1") << v2(0x11, 0x11, v4Block("192.0.2.7", "198.51.100.1", 1, 2));
    QTest::newRow("v2 version 3") << v2(0x31, 0x11, v4Block("192.0.2.7", "198.51.100.1", 1, 2));
    QTest::newRow("v2 unassigned command") << v2(0x22, 0x11, v4Block("192.0.2.7", "198.51.100.1", 1, 2));
    QTest::newRow("v2 unassigned family") << v2(0x21, 0x41, v4Block("192.0.2.7", "198.51.100.1", 1, 2));
    QTest::newRow("v2 unassigned transport") << v2(0x21, 0x13, v4Block("192.0.2.7", "198.51.100.1", 1, 2));
    QTest::newRow("v2 TCP4 block too short") << v2(0x21, 0x11, QByteArray(11, '\0'));
    QTest::newRow("v2 TCP6 block too short") << v2(0x21, 0x21, QByteArray(35, '\0'));
}

void tst_HttpProxyProtocol::invalid()
{
    QFETCH(QByteArray, input);
    {
        ProxyHeaderParser parser;
        QCOMPARE(parser.feed(input), Status::Invalid);
        QVERIFY(!parser.error().isEmpty());
        // Once invalid, it stays so and takes nothing more.
        qsizetype consumed = -1;
        QCOMPARE(parser.feed("PROXY UNKNOWN\r\n", &consumed), Status::Invalid);
        QCOMPARE(consumed, 0);
    }
    // The same verdict however the bytes arrive.
    ProxyHeaderParser parser;
    Status status = Status::NeedMore;
    for (qsizetype i = 0; i < input.size() && status == Status::NeedMore; ++i)
        status = parser.feed(input.sliced(i, 1));
    QCOMPARE(status, Status::Invalid);
}

void tst_HttpProxyProtocol::truncatedNeedsMore_data()
{
    QTest::addColumn<QByteArray>("input");
    const QByteArray v1("PROXY TCP4 192.0.2.7 198.51.100.1 56324 443\r\n");
    const QByteArray v2Tcp6 = v2(0x21, 0x21, v6Block("2001:db8::7", "2001:db8::1", 4711, 5280));
    QTest::newRow("v1 prefix") << v1.first(3);
    QTest::newRow("v1 without CRLF") << v1.chopped(2);
    QTest::newRow("v1 without LF") << v1.chopped(1);
    QTest::newRow("v2 signature only") << v2Tcp6.first(12);
    QTest::newRow("v2 fixed part only") << v2Tcp6.first(16);
    QTest::newRow("v2 last byte missing") << v2Tcp6.chopped(1);
}

void tst_HttpProxyProtocol::truncatedNeedsMore()
{
    // A header cut short is not complete: the caller's deadline decides (the spec: the receiver must
    // reject connections containing partial headers).
    QFETCH(QByteArray, input);
    ProxyHeaderParser parser;
    qsizetype consumed = -1;
    QCOMPARE(parser.feed(input, &consumed), Status::NeedMore);
    QCOMPARE(consumed, input.size());
    QCOMPARE(parser.size(), input.size());
}

void tst_HttpProxyProtocol::stopsAtTheEndOfTheHeader()
{
    // A TLS listener starts its handshake on the very next byte: the parser must not take any of it,
    // however the header and the ClientHello share the reads.
    const QByteArray header = v2(0x21, 0x11, v4Block("192.0.2.7", "198.51.100.1", 56324, 5281));
    const QByteArray hello("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1", 9);
    const QByteArray stream = header + hello;
    for (qsizetype split = 1; split < stream.size(); ++split) {
        ProxyHeaderParser parser;
        qsizetype first = 0;
        qsizetype second = 0;
        parser.feed(stream.first(split), &first);
        const Status status = parser.feed(stream.sliced(first), &second);
        QCOMPARE(status, Status::Complete);
        QCOMPARE(first + second, header.size());
    }
}

void tst_HttpProxyProtocol::oversizedV2IsRefusedBeforeItsBody()
{
    // The length field announces more than the cap: refused as soon as the 16 fixed bytes are in.
    QByteArray fixed = v2Signature;
    fixed.append(char(0x21));
    fixed.append(char(0x11));
    fixed += be16(quint16(ProxyHeaderParser::MaxHeaderSize)); // 16 + this > cap
    ProxyHeaderParser parser;
    qsizetype consumed = -1;
    QCOMPARE(parser.feed(QByteArray(fixed + QByteArray(64, 'x')), &consumed), Status::Invalid);
    QCOMPARE(consumed, 16);
    QVERIFY(parser.size() <= ProxyHeaderParser::MaxHeaderSize);

    // The largest header under the cap is accepted (TLVs are skipped).
    const QByteArray largest = v2(0x21, 0x11,
                                  v4Block("192.0.2.7", "198.51.100.1", 1, 2) +
                                      QByteArray(ProxyHeaderParser::MaxHeaderSize - 16 - 12, '\x04'));
    QCOMPARE(largest.size(), ProxyHeaderParser::MaxHeaderSize);
    ProxyHeaderParser accepting;
    QCOMPARE(accepting.feed(largest), Status::Complete);
    QCOMPARE(accepting.header().source, QHostAddress(QStringLiteral("192.0.2.7")));
}

void tst_HttpProxyProtocol::v1WithoutCrlfWithinItsLimit()
{
    // Spec §2.1: no CRLF in the first 107 characters: invalid, after exactly 107 bytes, fed in any size.
    const QByteArray longLine = "PROXY UNKNOWN " + QByteArray(200, 'a') + "\r\n";
    ProxyHeaderParser parser;
    qsizetype consumed = -1;
    QCOMPARE(parser.feed(longLine, &consumed), Status::Invalid);
    QCOMPARE(consumed, ProxyHeaderParser::MaxV1Size);

    ProxyHeaderParser bytewise;
    Status status = Status::NeedMore;
    qsizetype fed = 0;
    while (status == Status::NeedMore)
        status = bytewise.feed(longLine.sliced(fed++, 1));
    QCOMPARE(status, Status::Invalid);
    QCOMPARE(fed, ProxyHeaderParser::MaxV1Size);

    // 107 bytes ending in CRLF is the longest line that passes.
    const QByteArray exact = "PROXY UNKNOWN " + QByteArray(107 - 16, 'a') + "\r\n";
    QCOMPARE(exact.size(), ProxyHeaderParser::MaxV1Size);
    ProxyHeaderParser accepting;
    QCOMPARE(accepting.feed(exact), Status::Complete);
}

void tst_HttpProxyProtocol::afterTheEndNothingMoreIsTaken()
{
    ProxyHeaderParser parser;
    QCOMPARE(parser.feed("PROXY UNKNOWN\r\n"), Status::Complete);
    qsizetype consumed = -1;
    QCOMPARE(parser.feed("PROXY TCP4 192.0.2.7 198.51.100.1 1 2\r\n", &consumed), Status::Complete);
    QCOMPARE(consumed, 0);
    QVERIFY(!parser.header().proxied);
}

QTEST_GUILESS_MAIN(tst_HttpProxyProtocol)
#include "tst_http_proxyprotocol.moc"
