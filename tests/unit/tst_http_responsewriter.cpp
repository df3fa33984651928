// SPDX-License-Identifier: GPL-3.0-or-later
// The response writer without a socket: the exact bytes of responses for HTTP/1.0 and 1.1, keep-alive
// and close, HEAD, 204, CORS (Fetch standard), the Vary of a compressible body, chunked and
// close-delimited streamed answers (RFC 9112 §6.3, §7.1), refusals and the interim 100 Continue. The
// expected bytes are what the HTTP front sent on the wire for the same requests.
#include "base/config.h"
#include "http/responsewriter.h"

#include <QRegularExpression>
#include <QTest>

using namespace Switchboard;
using namespace Switchboard::Http;

namespace {

Config writerConfig()
{
    Config config;
    config.allowedOrigins = {QStringLiteral("https://a.example")};
    config.httpHeaders.append({QByteArrayLiteral("X-Frame-Options"), QByteArrayLiteral("DENY")});
    return config;
}

/// The handler's answer the expected bytes were taken with.
Response hello()
{
    Response response;
    response.contentType = "text/plain";
    response.body = "hello";
    response.headers.append({QByteArrayLiteral("X-A"), QByteArrayLiteral("b")});
    response.headers.append({QByteArrayLiteral("Content-Length"), QByteArrayLiteral("99")}); // dropped
    return response;
}

ResponseContext context(int minor, bool keepAlive, QByteArray origin = {}, bool head = false)
{
    ResponseContext context;
    context.versionMinor = minor;
    context.keepAlive = keepAlive;
    context.origin = origin;
    context.head = head;
    return context;
}

/// `bytes` with its Date value replaced by "<date>", after checking it is an IMF-fixdate (RFC 9110 §5.6.7).
QByteArray withoutDate(const QByteArray &bytes)
{
    static const QRegularExpression date(
        QStringLiteral("Date: [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT\\r\\n"));
    QString text = QString::fromLatin1(bytes);
    if (text.count(date) != 1)
        return "no single valid Date header in: " + bytes;
    text.replace(date, QStringLiteral("Date: <date>\r\n"));
    return text.toLatin1();
}

const QByteArray kHelloTail = "X-A: b\r\nX-Frame-Options: DENY\r\n\r\nhello";

} // namespace

class tst_HttpResponseWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void versionsAndConnection_data()
    {
        QTest::addColumn<int>("minor");
        QTest::addColumn<bool>("keepAlive");
        QTest::addColumn<bool>("close");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("1.1 close")
            << 1 << false << true
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
                          "Date: <date>\r\nConnection: close\r\n" +
                          kHelloTail);
        QTest::newRow("1.1 keep-alive") << 1 << true << false
                                        << QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                                      "Content-Length: 5\r\nDate: <date>\r\n" +
                                                      kHelloTail);
        QTest::newRow("1.0 close")
            << 0 << false << true
            << QByteArray("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
                          "Date: <date>\r\nConnection: close\r\n" +
                          kHelloTail);
        QTest::newRow("1.0 keep-alive") << 0 << true << false
                                        << QByteArray("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
                                                      "Content-Length: 5\r\nDate: <date>\r\n"
                                                      "Connection: keep-alive\r\n" +
                                                      kHelloTail);
    }

    void versionsAndConnection()
    {
        QFETCH(int, minor);
        QFETCH(bool, keepAlive);
        QFETCH(bool, close);
        QFETCH(QByteArray, expected);
        const Config config = writerConfig();
        const ResponseWriter writer(config);
        QCOMPARE(withoutDate(writer.serialize(context(minor, keepAlive), hello(), close)), expected);
    }

    void headHasTheLengthButNoBody()
    {
        const Config config = writerConfig();
        const ResponseWriter writer(config);
        QCOMPARE(
            withoutDate(writer.serialize(context(1, false, {}, true), hello(), true)),
            QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nDate: <date>\r\n"
                       "Connection: close\r\nX-A: b\r\nX-Frame-Options: DENY\r\n\r\n"));
    }

    void noContent()
    {
        const Config config = writerConfig();
        const ResponseWriter writer(config);
        Response response;
        response.status = 204;
        response.body = "ignored";
        QCOMPARE(withoutDate(writer.serialize(context(1, false), response, true)),
                 QByteArray("HTTP/1.1 204 No Content\r\nDate: <date>\r\nConnection: close\r\n"
                            "X-Frame-Options: DENY\r\n\r\n"));
    }

    void cors()
    {
        const Config config = writerConfig();
        const ResponseWriter writer(config);
        QCOMPARE(
            withoutDate(writer.serialize(context(1, false, "https://a.example"), hello(), true)),
            QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nDate: <date>\r\n"
                       "Connection: close\r\nAccess-Control-Allow-Origin: https://a.example\r\nX-A: b\r\n"
                       "Vary: Origin\r\nX-Frame-Options: DENY\r\n\r\nhello"));
        // An origin the configuration does not allow gets no CORS header; nor does a path without CORS.
        const QByteArray plain = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
                                 "Date: <date>\r\nConnection: close\r\n" +
                                 kHelloTail;
        QCOMPARE(withoutDate(writer.serialize(context(1, false, "https://b.example"), hello(), true)), plain);
        ResponseContext noCors = context(1, false, "https://a.example");
        noCors.cors = false;
        QCOMPARE(withoutDate(writer.serialize(noCors, hello(), true)), plain);
    }

    void compressibleBodyVariesOnAcceptEncoding()
    {
        const Config config = writerConfig();
        const ResponseWriter writer(config);
        Response response;
        response.body = QByteArray(1000, 'a');
        QCOMPARE(withoutDate(writer.serialize(context(1, false, "https://a.example"), response, true)),
                 QByteArray(
                     "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: 1000\r\n"
                     "Date: <date>\r\nConnection: close\r\nAccess-Control-Allow-Origin: https://a.example\r\n"
                     "Vary: Origin, Accept-Encoding\r\nX-Frame-Options: DENY\r\n\r\n" +
                     QByteArray(1000, 'a')));
        // Accepted: gzip, smaller than the original.
        ResponseContext gzip = context(1, false);
        gzip.acceptEncoding = "gzip";
        const QByteArray compressed = writer.serialize(gzip, response, true);
        QVERIFY(compressed.contains("\r\nContent-Encoding: gzip\r\n"));
        QVERIFY(compressed.contains("\r\nVary: Accept-Encoding\r\n"));
        QVERIFY(compressed.size() < 1000);
    }

    void streamedAnswers()
    {
        const Config config = writerConfig();
        const ResponseWriter writer(config);
        Response head;
        head.contentType = "text/event-stream";
        head.compressible = false;
        const QByteArray streamHead = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                                      "Transfer-Encoding: chunked\r\nDate: <date>\r\nConnection: close\r\n"
                                      "X-Frame-Options: DENY\r\n\r\n";
        // HTTP/1.1: chunked (RFC 9112 §7.1).
        QCOMPARE(withoutDate(writer.serialize(context(1, false), head, true, Framing::Chunked) +
                             ResponseWriter::chunk("first") + ResponseWriter::chunk("more") +
                             ResponseWriter::lastChunk()),
                 streamHead + "5\r\nfirst\r\n4\r\nmore\r\n0\r\n\r\n");
        QCOMPARE(ResponseWriter::chunk(QByteArray(26, 'x')), "1a\r\n" + QByteArray(26, 'x') + "\r\n");
        // HEAD: the head alone.
        QCOMPARE(withoutDate(writer.serialize(context(1, false, {}, true), head, true, Framing::Chunked)),
                 streamHead);
        // HTTP/1.0: delimited by the end of the connection (RFC 9112 §6.3).
        QCOMPARE(withoutDate(writer.serialize(context(0, false), head, true, Framing::Close)),
                 QByteArray("HTTP/1.0 200 OK\r\nContent-Type: text/event-stream\r\nDate: <date>\r\n"
                            "Connection: close\r\nX-Frame-Options: DENY\r\n\r\n"));
    }

    void refusals()
    {
        const Config config = writerConfig();
        const ResponseWriter writer(config);
        // A refused request of the connection: a full response with Date and the configured headers.
        QCOMPARE(withoutDate(writer.serialize(
                     ResponseContext(), Response::error(400, "unexpected content-length header"), true)),
                 QByteArray("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
                            "Content-Length: 33\r\nDate: <date>\r\nConnection: close\r\n"
                            "X-Frame-Options: DENY\r\n\r\nunexpected content-length header\n"));
        // Before any request (a connection over its limit) and for a refused WebSocket handshake.
        QCOMPARE(ResponseWriter::refusal(429, "max_connections_per_ip",
                                         {{QByteArrayLiteral("Retry-After"), QByteArrayLiteral("10")}}),
                 QByteArray("HTTP/1.1 429 Too Many Requests\r\nContent-Type: text/plain; charset=utf-8\r\n"
                            "Content-Length: 23\r\nRetry-After: 10\r\nConnection: close\r\n\r\n"
                            "max_connections_per_ip\n"));
        QCOMPARE(ResponseWriter::refusal(403, "origin not allowed"),
                 QByteArray("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\n"
                            "Content-Length: 19\r\nConnection: close\r\n\r\norigin not allowed\n"));
    }

    void interim() { QCOMPARE(ResponseWriter::interim(100), QByteArray("HTTP/1.1 100 Continue\r\n\r\n")); }
};

QTEST_GUILESS_MAIN(tst_HttpResponseWriter)
#include "tst_http_responsewriter.moc"
