// SPDX-License-Identifier: GPL-3.0-or-later
// Proves the PROXY protocol headers Switchboard writes toward servers (HAProxy's "The PROXY protocol",
// §2.1 text and §2.2 binary): byte for byte against the spec's layout, the unknown/LOCAL forms, mixed
// address families, and that our own receiving parser reads back what was written.
#include "base/proxyheaderwriter.h"
#include "http/proxyprotocol.h"

#include <QTest>

using namespace Switchboard;

namespace {

QByteArray v2Signature()
{
    return QByteArray("\r\n\r\n\0\r\nQUIT\n", 12);
}

} // namespace

class tst_BaseProxyHeaderWriter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void none();
    void v1_data();
    void v1();
    void v2Ipv4();
    void v2Ipv6();
    void v2MixedFamilies();
    void v2Unknown();
    void parsedBack_data();
    void parsedBack();
};

void tst_BaseProxyHeaderWriter::none()
{
    QVERIFY(proxyProtocolHeader(ProxyProtocolVersion::None, QHostAddress(QStringLiteral("192.0.2.1")), 1,
                                QHostAddress(QStringLiteral("192.0.2.2")), 2)
                .isEmpty());
}

void tst_BaseProxyHeaderWriter::v1_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<int>("sourcePort");
    QTest::addColumn<QString>("destination");
    QTest::addColumn<int>("destinationPort");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("tcp4") << QStringLiteral("203.0.113.7") << 40000 << QStringLiteral("127.0.0.1") << 5222
                          << QByteArray("PROXY TCP4 203.0.113.7 127.0.0.1 40000 5222\r\n");
    QTest::newRow("tcp4, port 0") << QStringLiteral("203.0.113.7") << 0 << QStringLiteral("10.1.2.3") << 5223
                                  << QByteArray("PROXY TCP4 203.0.113.7 10.1.2.3 0 5223\r\n");
    QTest::newRow("mapped ipv4 is ipv4")
        << QStringLiteral("::ffff:198.51.100.4") << 1 << QStringLiteral("127.0.0.1") << 65535
        << QByteArray("PROXY TCP4 198.51.100.4 127.0.0.1 1 65535\r\n");
    QTest::newRow("tcp6") << QStringLiteral("2001:db8::7") << 443 << QStringLiteral("::1") << 5222
                          << QByteArray("PROXY TCP6 2001:db8::7 ::1 443 5222\r\n");
    QTest::newRow("ipv4 client, ipv6 server")
        << QStringLiteral("203.0.113.7") << 0 << QStringLiteral("::1") << 5222
        << QByteArray("PROXY TCP6 ::ffff:203.0.113.7 ::1 0 5222\r\n");
    QTest::newRow("unknown client") << QString() << 0 << QStringLiteral("127.0.0.1") << 5222
                                    << QByteArray("PROXY UNKNOWN\r\n");
}

void tst_BaseProxyHeaderWriter::v1()
{
    QFETCH(QString, source);
    QFETCH(int, sourcePort);
    QFETCH(QString, destination);
    QFETCH(int, destinationPort);
    QFETCH(QByteArray, expected);
    const QHostAddress from = source.isEmpty() ? QHostAddress() : QHostAddress(source);
    QCOMPARE(proxyProtocolHeader(ProxyProtocolVersion::V1, from, quint16(sourcePort),
                                 QHostAddress(destination), quint16(destinationPort)),
             expected);
}

void tst_BaseProxyHeaderWriter::v2Ipv4()
{
    const QByteArray header =
        proxyProtocolHeader(ProxyProtocolVersion::V2, QHostAddress(QStringLiteral("203.0.113.7")), 40000,
                            QHostAddress(QStringLiteral("127.0.0.1")), 5222);
    // §2.2: signature, 0x21 (v2, PROXY), 0x11 (AF_INET, STREAM), length 12, addresses, ports.
    const QByteArray expected = v2Signature() + QByteArray::fromHex("2111000c") +
                                QByteArray::fromHex("cb007107") + QByteArray::fromHex("7f000001") +
                                QByteArray::fromHex("9c40") + QByteArray::fromHex("1466");
    QCOMPARE(header.toHex(), expected.toHex());
}

void tst_BaseProxyHeaderWriter::v2Ipv6()
{
    const QByteArray header =
        proxyProtocolHeader(ProxyProtocolVersion::V2, QHostAddress(QStringLiteral("2001:db8::7")), 1,
                            QHostAddress(QStringLiteral("::1")), 5222);
    const QByteArray expected = v2Signature() + QByteArray::fromHex("21210024") +
                                QByteArray::fromHex("20010db8000000000000000000000007") +
                                QByteArray::fromHex("00000000000000000000000000000001") +
                                QByteArray::fromHex("0001") + QByteArray::fromHex("1466");
    QCOMPARE(header.toHex(), expected.toHex());
}

void tst_BaseProxyHeaderWriter::v2MixedFamilies()
{
    const QByteArray header =
        proxyProtocolHeader(ProxyProtocolVersion::V2, QHostAddress(QStringLiteral("203.0.113.7")), 0,
                            QHostAddress(QStringLiteral("::1")), 5222);
    const QByteArray expected = v2Signature() + QByteArray::fromHex("21210024") +
                                QByteArray::fromHex("00000000000000000000ffffcb007107") +
                                QByteArray::fromHex("00000000000000000000000000000001") +
                                QByteArray::fromHex("0000") + QByteArray::fromHex("1466");
    QCOMPARE(header.toHex(), expected.toHex());
}

void tst_BaseProxyHeaderWriter::v2Unknown()
{
    // §2.2: LOCAL (0x20) with AF_UNSPEC and no address block: the receiver uses the real endpoints.
    const QByteArray header = proxyProtocolHeader(ProxyProtocolVersion::V2, QHostAddress(), 0,
                                                  QHostAddress(QStringLiteral("127.0.0.1")), 5222);
    const QByteArray expected = v2Signature() + QByteArray::fromHex("20000000");
    QCOMPARE(header.toHex(), expected.toHex());
}

void tst_BaseProxyHeaderWriter::parsedBack_data()
{
    QTest::addColumn<int>("version");
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("destination");
    for (const int version : {1, 2}) {
        const QByteArray v = QByteArray("v") + QByteArray::number(version) + ' ';
        QTest::newRow(QByteArray(v + "ipv4").constData())
            << version << QStringLiteral("203.0.113.7") << QStringLiteral("127.0.0.1");
        QTest::newRow(QByteArray(v + "ipv6").constData())
            << version << QStringLiteral("2001:db8::1:2") << QStringLiteral("fe80::1");
        QTest::newRow(QByteArray(v + "unknown").constData())
            << version << QString() << QStringLiteral("127.0.0.1");
    }
}

void tst_BaseProxyHeaderWriter::parsedBack()
{
    QFETCH(int, version);
    QFETCH(QString, source);
    QFETCH(QString, destination);
    const QHostAddress from = source.isEmpty() ? QHostAddress() : QHostAddress(source);
    const QByteArray header =
        proxyProtocolHeader(version == 1 ? ProxyProtocolVersion::V1 : ProxyProtocolVersion::V2, from, 4321,
                            QHostAddress(destination), 5222);
    // What follows the header must stay with the stream: the parser stops exactly at its end.
    const QByteArray stream = header + "<?xml version='1.0'?>";
    Http::ProxyHeaderParser parser;
    qsizetype consumed = 0;
    QCOMPARE(parser.feed(stream, &consumed), Http::ProxyHeaderParser::Status::Complete);
    QCOMPARE(consumed, header.size());
    QCOMPARE(parser.header().version, version);
    QCOMPARE(parser.header().proxied, !source.isEmpty());
    if (!source.isEmpty()) {
        QCOMPARE(parser.header().source, from);
        QCOMPARE(parser.header().sourcePort, quint16(4321));
        QCOMPARE(parser.header().destination, QHostAddress(destination));
        QCOMPARE(parser.header().destinationPort, quint16(5222));
    }
}

QTEST_GUILESS_MAIN(tst_BaseProxyHeaderWriter)
#include "tst_base_proxyheaderwriter.moc"
