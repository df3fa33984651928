// SPDX-License-Identifier: GPL-3.0-or-later
// Request helpers (header lookup, x-www-form-urlencoded query parameters for the BOSH GET form of
// XEP-0252), Response::error, reason phrases and Accept-Encoding negotiation (RFC 9110 §12.5.3).
#include "http/compression.h"
#include "http/httpmessage.h"

#include <QTest>

#include <zlib.h>

using namespace Switchboard::Http;

class tst_HttpMessage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void queryParameter_data();
    void queryParameter();
    void headerLookup();
    void errorResponse();
    void reasonPhrases();
    void splitHost_data();
    void splitHost();
    void negotiate_data();
    void negotiate();
    void compressRoundTrip_data();
    void compressRoundTrip();
};

void tst_HttpMessage::queryParameter_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<bool>("isNull");
    QTest::newRow("simple") << QByteArray("a=1&b=2") << QByteArray("b") << QByteArray("2") << false;
    QTest::newRow("first wins") << QByteArray("a=1&a=2") << QByteArray("a") << QByteArray("1") << false;
    QTest::newRow("plus is space") << QByteArray("q=a+b") << QByteArray("q") << QByteArray("a b") << false;
    QTest::newRow("escaped plus") << QByteArray("q=a%2Bb") << QByteArray("q") << QByteArray("a+b") << false;
    QTest::newRow("percent") << QByteArray("data=%3Cbody%20rid%3D'1'%2F%3E") << QByteArray("data")
                             << QByteArray("<body rid='1'/>") << false;
    QTest::newRow("lower hex") << QByteArray("d=%3cx%3e") << QByteArray("d") << QByteArray("<x>") << false;
    QTest::newRow("utf8") << QByteArray("n=%C3%A9") << QByteArray("n") << QByteArray("\xc3\xa9") << false;
    QTest::newRow("encoded name") << QByteArray("my+key=v&x=y") << QByteArray("my key") << QByteArray("v")
                                  << false;
    QTest::newRow("equals in value") << QByteArray("a=b=c") << QByteArray("a") << QByteArray("b=c") << false;
    QTest::newRow("empty value") << QByteArray("a=&b=2") << QByteArray("a") << QByteArray("") << false;
    QTest::newRow("no equals") << QByteArray("flag&b=2") << QByteArray("flag") << QByteArray("") << false;
    QTest::newRow("missing") << QByteArray("a=1") << QByteArray("b") << QByteArray() << true;
    QTest::newRow("empty query") << QByteArray() << QByteArray("a") << QByteArray() << true;
    QTest::newRow("empty pairs") << QByteArray("&&a=1&") << QByteArray("a") << QByteArray("1") << false;
    QTest::newRow("case sensitive") << QByteArray("Data=1") << QByteArray("data") << QByteArray() << true;
    QTest::newRow("jsonp") << QByteArray("data=%3Cbody%2F%3E&callback=jQuery123_456")
                           << QByteArray("callback") << QByteArray("jQuery123_456") << false;
}

void tst_HttpMessage::queryParameter()
{
    QFETCH(QByteArray, query);
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, value);
    QFETCH(bool, isNull);
    Request request;
    request.query = query;
    const QByteArray result = request.queryParameter(name);
    QCOMPARE(result, value);
    QCOMPARE(result.isNull(), isNull);
}

void tst_HttpMessage::headerLookup()
{
    Request request;
    request.headers = {{"content-type", "text/xml"}, {"x-a", "1"}, {"x-a", "2"}};
    QCOMPARE(request.header("Content-Type"), "text/xml");
    QCOMPARE(request.header("x-a"), "1");
    QVERIFY(request.hasHeader("X-A"));
    QVERIFY(!request.hasHeader("x-b"));
    QVERIFY(request.header("x-b").isNull());
}

void tst_HttpMessage::errorResponse()
{
    const Response response = Response::error(404);
    QCOMPARE(response.status, 404);
    QCOMPARE(response.body, "Not Found\n");
    QVERIFY(!response.compressible);
    QCOMPARE(Response::error(400, "no body").body, "no body\n");
}

void tst_HttpMessage::reasonPhrases()
{
    QCOMPARE(reasonPhrase(200), "OK");
    QCOMPARE(reasonPhrase(204), "No Content");
    QCOMPARE(reasonPhrase(408), "Request Timeout");
    QCOMPARE(reasonPhrase(413), "Content Too Large");
    QCOMPARE(reasonPhrase(431), "Request Header Fields Too Large");
    QCOMPARE(reasonPhrase(499), "Client Error");
}

void tst_HttpMessage::splitHost_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<int>("port");
    QTest::newRow("name") << QByteArray("Example.ORG") << true << QByteArray("example.org") << -1;
    QTest::newRow("name and port") << QByteArray("chat.example:5280") << true << QByteArray("chat.example")
                                   << 5280;
    QTest::newRow("ipv4") << QByteArray("127.0.0.1:80") << true << QByteArray("127.0.0.1") << 80;
    QTest::newRow("ipv6") << QByteArray("[::1]:5281") << true << QByteArray("[::1]") << 5281;
    QTest::newRow("ipv6 no port") << QByteArray("[2001:DB8::1]") << true << QByteArray("[2001:db8::1]") << -1;
    QTest::newRow("quote") << QByteArray("x' onload='y") << false << QByteArray() << -1;
    QTest::newRow("double quote") << QByteArray("x\"y") << false << QByteArray() << -1;
    QTest::newRow("angle") << QByteArray("x<y") << false << QByteArray() << -1;
    QTest::newRow("userinfo") << QByteArray("user@host") << false << QByteArray() << -1;
    QTest::newRow("empty") << QByteArray() << false << QByteArray() << -1;
    QTest::newRow("port only") << QByteArray(":80") << false << QByteArray() << -1;
    QTest::newRow("empty port") << QByteArray("host:") << false << QByteArray() << -1;
    QTest::newRow("two colons") << QByteArray("host:80:81") << false << QByteArray() << -1;
    QTest::newRow("port too big") << QByteArray("host:65536") << false << QByteArray() << -1;
    QTest::newRow("bare ipv6") << QByteArray("::1") << false << QByteArray() << -1;
    QTest::newRow("bad ipv6") << QByteArray("[not:an:address]") << false << QByteArray() << -1;
    QTest::newRow("ipv6 then junk") << QByteArray("[::1]x") << false << QByteArray() << -1;
    QTest::newRow("space") << QByteArray("a b") << false << QByteArray() << -1;
}

void tst_HttpMessage::splitHost()
{
    QFETCH(QByteArray, value);
    QFETCH(bool, valid);
    QFETCH(QByteArray, host);
    QFETCH(int, port);
    QByteArray gotHost;
    int gotPort = -2;
    QCOMPARE(Switchboard::Http::splitHost(value, &gotHost, &gotPort), valid);
    if (valid) {
        QCOMPARE(gotHost, host);
        QCOMPARE(gotPort, port);
    }
}

void tst_HttpMessage::negotiate_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<int>("coding");
    const int identity = int(ContentCoding::Identity);
    const int gzip = int(ContentCoding::Gzip);
    const int deflate = int(ContentCoding::Deflate);
    QTest::newRow("empty") << QByteArray() << identity;
    QTest::newRow("gzip") << QByteArray("gzip") << gzip;
    QTest::newRow("GZIP") << QByteArray("GZIP") << gzip;
    QTest::newRow("x-gzip") << QByteArray("x-gzip") << gzip;
    QTest::newRow("deflate") << QByteArray("deflate") << deflate;
    QTest::newRow("browser") << QByteArray("gzip, deflate, br, zstd") << gzip;
    QTest::newRow("tie prefers gzip") << QByteArray("deflate;q=0.5, gzip;q=0.5") << gzip;
    QTest::newRow("higher weight") << QByteArray("gzip;q=0.2,deflate;q=0.9") << deflate;
    QTest::newRow("gzip refused") << QByteArray("gzip;q=0,deflate") << deflate;
    QTest::newRow("q=0.000") << QByteArray("gzip;q=0.000") << identity;
    QTest::newRow("spaces") << QByteArray(" gzip ; q=0 , deflate ; q=1.0 ") << deflate;
    QTest::newRow("star") << QByteArray("*") << gzip;
    QTest::newRow("star refused") << QByteArray("*;q=0") << identity;
    QTest::newRow("star but gzip refused") << QByteArray("gzip;q=0, *") << deflate;
    QTest::newRow("bad weight ignored") << QByteArray("gzip;q=2, deflate") << deflate;
    QTest::newRow("br only") << QByteArray("br") << identity;
}

void tst_HttpMessage::negotiate()
{
    QFETCH(QByteArray, header);
    QFETCH(int, coding);
    QCOMPARE(int(negotiateContentCoding(header)), coding);
}

void tst_HttpMessage::compressRoundTrip_data()
{
    QTest::addColumn<int>("coding");
    QTest::addColumn<int>("windowBits");
    QTest::newRow("gzip") << int(ContentCoding::Gzip) << 31;
    QTest::newRow("deflate") << int(ContentCoding::Deflate) << 15;
}

void tst_HttpMessage::compressRoundTrip()
{
    QFETCH(int, coding);
    QFETCH(int, windowBits);
    const QByteArray data = QByteArray("<presence/>").repeated(1000);
    const QByteArray compressed = compressBody(data, ContentCoding(coding));
    QVERIFY(!compressed.isEmpty());
    QVERIFY(compressed.size() < data.size());
    z_stream stream{};
    QCOMPARE(inflateInit2(&stream, windowBits), Z_OK); // the exact container, not auto-detect
    QByteArray out(data.size() + 16, Qt::Uninitialized);
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(compressed.data()));
    stream.avail_in = uInt(compressed.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    QCOMPARE(inflate(&stream, Z_FINISH), Z_STREAM_END);
    out.truncate(qsizetype(stream.total_out));
    inflateEnd(&stream);
    QCOMPARE(out, data);
    QVERIFY(compressBody(data, ContentCoding::Identity).isNull());
}

QTEST_GUILESS_MAIN(tst_HttpMessage)
#include "tst_http_message.moc"
