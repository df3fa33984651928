// SPDX-License-Identifier: GPL-3.0-or-later
// The HTTP/1.x front over real loopback sockets: framing, keep-alive, pipelining order, answers that
// come later, limits (413/431/400/408), timeouts, compression (RFC 9110 §12.5.3), CORS (Fetch) and the
// WebSocket upgrade hand-over; and an Exchange relayed to a handler on another thread.
#include "base/config.h"
#include "base/epolldispatcher.h"
#include "base/plainsocket.h"
#include "http/exchangerelay.h"
#include "http/httpserver.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <sys/socket.h>

#include <zlib.h>

#include <atomic>
#include <memory>

using namespace Switchboard;
using namespace Switchboard::Http;

namespace {

/// One parsed response as the client saw it.
struct Reply
{
    QByteArray statusLine;
    QByteArray version;
    int status = 0;
    HeaderList headers; ///< names lower-cased
    QByteArray body;

    QByteArray header(QByteArrayView name) const
    {
        for (const auto &[key, value] : headers) {
            if (key == name)
                return value;
        }
        return {};
    }
    bool hasHeader(QByteArrayView name) const
    {
        for (const auto &entry : headers) {
            if (entry.first == name)
                return true;
        }
        return false;
    }
};

/// A raw-socket HTTP client: writes bytes as given, parses responses framed by Content-Length.
class RawClient
{
public:
    explicit RawClient(quint16 port)
    {
        QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket, [this] {
            if (!m_paused)
                m_buffer += m_socket.readAll();
        });
        QObject::connect(&m_socket, &QTcpSocket::disconnected, &m_socket, [this] { m_closed = true; });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
    }

    [[nodiscard]] bool waitConnected()
    {
        return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, 5000);
    }
    void send(const QByteArray &bytes) { m_socket.write(bytes); }
    /// Stops reading (TCP flow control pushes back on the server) until resumeReading().
    void pauseReading()
    {
        m_paused = true;
        m_socket.setReadBufferSize(4096);
    }
    void resumeReading()
    {
        m_paused = false;
        m_socket.setReadBufferSize(0);
        m_buffer += m_socket.readAll();
    }
    void disconnect() { m_socket.disconnectFromHost(); }
    QTcpSocket &socket() { return m_socket; }
    bool isClosed() const { return m_closed; }
    [[nodiscard]] bool waitClosed(int timeout = 5000)
    {
        return QTest::qWaitFor([this] { return m_closed; }, timeout);
    }
    /// Bytes received but not parsed as a response yet.
    const QByteArray &pending() const { return m_buffer; }

    /// Waits for the next whole response. `head`: the request was HEAD (no body follows).
    [[nodiscard]] bool waitReply(Reply *reply, int timeout = 5000, bool head = false)
    {
        return QTest::qWaitFor([&] { return takeReply(reply, head); }, timeout) || takeReply(reply, head);
    }

    bool takeReply(Reply *reply, bool head = false)
    {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return false;
        const QList<QByteArray> lines = m_buffer.first(end).split('\n');
        Reply parsed;
        parsed.statusLine = lines.first().trimmed();
        const QList<QByteArray> parts = parsed.statusLine.split(' ');
        if (parts.size() < 2)
            return false;
        parsed.version = parts.at(0);
        parsed.status = parts.at(1).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon > 0)
                parsed.headers.append({line.first(colon).toLower(), line.sliced(colon + 1).trimmed()});
        }
        qsizetype length = 0;
        if (parsed.hasHeader("content-length") && !head)
            length = parsed.header("content-length").toLongLong();
        if (m_buffer.size() < end + 4 + length)
            return false;
        parsed.body = m_buffer.sliced(end + 4, length);
        m_buffer.remove(0, end + 4 + length);
        *reply = std::move(parsed);
        return true;
    }

private:
    QTcpSocket m_socket;
    QByteArray m_buffer;
    bool m_closed = false;
    bool m_paused = false;
};

QByteArray post(const QByteArray &target, const QByteArray &body, const QByteArray &extraHeaders = {})
{
    return "POST " + target + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\n" + extraHeaders +
           "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

QByteArray get(const QByteArray &target, const QByteArray &extraHeaders = {})
{
    return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + extraHeaders + "\r\n";
}

/// Inflates gzip or zlib data (windowBits 15 + 32: detect the wrapper).
QByteArray inflateAny(const QByteArray &data)
{
    z_stream stream{};
    if (inflateInit2(&stream, 15 + 32) != Z_OK)
        return {};
    QByteArray out(1 << 20, Qt::Uninitialized);
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    const int result = inflate(&stream, Z_FINISH);
    out.truncate(qsizetype(stream.total_out));
    inflateEnd(&stream);
    return result == Z_STREAM_END ? out : QByteArray();
}

Config testConfig()
{
    Config config;
    config.port = 0;
    return config;
}

/// Echoes the request as a small XML document; the default handler of most tests.
void echo(Exchange *exchange)
{
    const Request &request = exchange->request();
    Response response;
    response.body =
        "<echo method='" + request.method + "' path='" + request.path + "'>" + request.body + "</echo>";
    exchange->respond(std::move(response));
}

} // namespace

class tst_HttpServer : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<HttpServer> start(const Config &config = testConfig())
    {
        auto server = std::make_unique<HttpServer>(config);
        server->setHandler(echo);
        if (!server->listen(QHostAddress::LocalHost, 0))
            qWarning() << "listen failed" << server->errorString();
        return server;
    }

private Q_SLOTS:
    void postRoundTrip();
    void requestFields();
    void keepAliveSeveralRequests();
    void http10ClosesByDefault();
    void http10KeepAliveWhenAsked();
    void connectionCloseHonoured();
    void pipelinedAnsweredInOrder();
    void answerLater();
    void respondInsideHandlerThenClose();
    void abortedWhenClientGoes();
    void bodyOverLimitIs413();
    void chunkedBodyOverLimitIs413();
    void chunkedBodyAccepted();
    void headersOverLimitIs431();
    void tooManyHeadersIs431();
    void malformedRefused_data();
    void malformedRefused();
    void slowRequestIs408();
    void idleConnectionCloses();
    void idleDeadlineMovesWithUse();
    void headHasNoBody();
    void unknownMethodsReachHandler();
    void expectContinue();
    void compression_data();
    void compression();
    void corsOnAllowedOrigin_data();
    void corsOnAllowedOrigin();
    void preflight_data();
    void preflight();
    void preflightMethodsByPath();
    void extraHeaders();
    void upgradeGetsSocketUnread();
    void upgradeOnALaterRequest();
    void upgradeDeclinedProcessesNormally();
    void noUpgradeCallForPlainRequests();
    void upgradeHeadWithBareLfRefused_data();
    void upgradeHeadWithBareLfRefused();
    void oneByteAtATime();
    void pipeliningIsBounded();
    void slowReaderBoundsWriteBacklog();
    void readerThatNeverReadsIsDropped();
    void largeResponseArrivesWholeAndInOrder();
    void clientClosingWhileOutputWaitsIsNoticed();
    void laterPipelinedAbortedOnClose();
    void serverDeletedWithPendingExchanges();
    void streamIsChunkedThenNextRequest();
    void streamOverHttp10EndsWithClose();
    void streamAbortedWhenClientGoes();
    void streamBacklogIsCapped();
    void streamToHeadIsHeadOnly();
    void relayedAnswerKeepsPipelinedOrder();
    void relayedStreamBacklogIsCapped();
    void relayedExchangeAbortedWhenClientGoes();
    void relayedExchangeDestroyedUnansweredAnswers500();
};

void tst_HttpServer::postRoundTrip()
{
    auto server = start();
    QSignalSpy opened(server.get(), &HttpServer::connectionOpened);
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(post("/http-bind/", "<body rid='1'/>"));
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.version, "HTTP/1.1");
    QCOMPARE(reply.body, "<echo method='POST' path='/http-bind/'><body rid='1'/></echo>");
    QCOMPARE(reply.header("content-length").toInt(), reply.body.size());
    QCOMPARE(reply.header("content-type"), "text/xml; charset=utf-8");
    QVERIFY(!reply.hasHeader("transfer-encoding"));
    QVERIFY(reply.hasHeader("date"));
    QVERIFY(!reply.hasHeader("connection")); // HTTP/1.1 persists by default
    QVERIFY(client.pending().isEmpty());
    QCOMPARE(opened.size(), 1);
    QCOMPARE(server->connectionCount(), 1);
}

void tst_HttpServer::requestFields()
{
    auto server = start();
    Request seen;
    server->setHandler([&seen](Exchange *exchange) {
        seen = exchange->request();
        exchange->respond(Response());
    });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(
        "GET /http-bind/?data=%3Cbody%2F%3E&callback=cb HTTP/1.1\r\nHost: x\r\nX-Mixed-Case:  v1 \r\n\r\n");
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(seen.method, "GET");
    QCOMPARE(seen.target, "/http-bind/?data=%3Cbody%2F%3E&callback=cb");
    QCOMPARE(seen.path, "/http-bind/");
    QCOMPARE(seen.query, "data=%3Cbody%2F%3E&callback=cb");
    QCOMPARE(seen.queryParameter("data"), "<body/>");
    QCOMPARE(seen.queryParameter("callback"), "cb");
    QCOMPARE(seen.header("x-mixed-case"), "v1");
    QCOMPARE(seen.header("X-MIXED-CASE"), "v1");
    QCOMPARE(seen.headers.at(1).first, "x-mixed-case"); // names lower-cased
    QCOMPARE(seen.versionMajor, 1);
    QCOMPARE(seen.versionMinor, 1);
    QCOMPARE(seen.peerAddress, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(seen.peerPort, client.socket().localPort());
    QVERIFY(!seen.secure);
}

void tst_HttpServer::keepAliveSeveralRequests()
{
    auto server = start();
    QSignalSpy opened(server.get(), &HttpServer::connectionOpened);
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    for (int i = 0; i < 5; ++i) {
        const QByteArray body = "<n>" + QByteArray::number(i) + "</n>";
        client.send(post("/p", body));
        Reply reply;
        QVERIFY(client.waitReply(&reply));
        QCOMPARE(reply.status, 200);
        QVERIFY(reply.body.contains(body));
    }
    QVERIFY(!client.isClosed());
    QCOMPARE(opened.size(), 1);
    QCOMPARE(server->connectionCount(), 1);
}

void tst_HttpServer::http10ClosesByDefault()
{
    auto server = start();
    QSignalSpy closed(server.get(), &HttpServer::connectionClosed);
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send("POST /p HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc");
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.version, "HTTP/1.0");
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("connection"), "close");
    QVERIFY(client.waitClosed());
    QTRY_COMPARE(closed.size(), 1);
    QCOMPARE(server->connectionCount(), 0);
}

void tst_HttpServer::http10KeepAliveWhenAsked()
{
    auto server = start();
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    for (int i = 0; i < 2; ++i) {
        client.send("POST /p HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\nabc");
        Reply reply;
        QVERIFY(client.waitReply(&reply));
        QCOMPARE(reply.version, "HTTP/1.0");
        QCOMPARE(reply.header("connection").toLower(), "keep-alive");
    }
    QVERIFY(!client.isClosed());
}

void tst_HttpServer::connectionCloseHonoured()
{
    auto server = start();
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(post("/p", "x", "Connection: close\r\n"));
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.header("connection"), "close");
    QVERIFY(client.waitClosed());
}

void tst_HttpServer::pipelinedAnsweredInOrder()
{
    auto server = start();
    QList<QPointer<Exchange>> exchanges;
    server->setHandler([&exchanges](Exchange *exchange) { exchanges.append(exchange); });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(post("/p", "one") + post("/p", "two") + get("/three"));
    QTRY_COMPARE(exchanges.size(), 3);
    QCOMPARE(exchanges.at(2)->request().path, "/three");

    // Answer the later ones first: nothing may go out before the first is answered.
    Response third;
    third.body = "3";
    exchanges.at(2)->respond(third);
    Response second;
    second.body = "2";
    exchanges.at(1)->respond(second);
    QTest::qWait(50); // give wrongly ordered bytes a chance to arrive (not a condition)
    QVERIFY(client.pending().isEmpty());

    Response first;
    first.body = "1";
    exchanges.at(0)->respond(first);
    Reply reply;
    for (const char *expected : {"1", "2", "3"}) {
        QVERIFY(client.waitReply(&reply));
        QCOMPARE(reply.body, expected);
    }
    // Answered exchanges are deleted soon after.
    QTRY_VERIFY(!exchanges.at(0) && !exchanges.at(1) && !exchanges.at(2));
    QVERIFY(!client.isClosed());
}

void tst_HttpServer::answerLater()
{
    auto server = start();
    server->setHandler([](Exchange *exchange) {
        QPointer<Exchange> kept(exchange);
        QTimer::singleShot(100, kept, [kept] {
            Response response;
            response.body = "later:" + kept->request().body;
            kept->respond(response);
            kept->respond(Response::error(500)); // ignored: answered once
        });
    });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(post("/p", "a"));
    client.send(post("/p", "b"));
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.body, "later:a");
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.body, "later:b");
    QTest::qWait(20);
    QVERIFY(client.pending().isEmpty());
}

void tst_HttpServer::respondInsideHandlerThenClose()
{
    auto server = start();
    server->setHandler([](Exchange *exchange) {
        Response response = Response::error(400, "bad body");
        response.closeConnection = true;
        exchange->respond(response);
        QVERIFY(exchange->isAnswered());
        QCOMPARE(exchange->request().body, "x"); // still usable inside the handler
    });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(post("/p", "x") + post("/p", "y")); // the second is never answered
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.body, "bad body\n");
    QCOMPARE(reply.header("connection"), "close");
    QVERIFY(client.waitClosed());
    QVERIFY(!client.takeReply(&reply));
    QTRY_COMPARE(server->connectionCount(), 0);
}

void tst_HttpServer::abortedWhenClientGoes()
{
    auto server = start();
    QPointer<Exchange> kept;
    bool respondedAfterAbort = false;
    int handlerCalls = 0;
    bool handlerBeforeSignal = false;
    server->setHandler([&](Exchange *exchange) {
        kept = exchange;
        QObject::connect(exchange, &Exchange::aborted, exchange, [&, exchange] {
            QVERIFY(exchange->isAborted());
            QVERIFY(!exchange->respond(Response())); // dropped after close, must not crash
            respondedAfterAbort = true;
        });
        // The one handler without a connection (what a BOSH session sets): once, before aborted().
        exchange->onAborted([&, exchange] {
            QVERIFY(exchange->isAborted());
            ++handlerCalls;
            handlerBeforeSignal = !respondedAfterAbort;
        });
    });
    QSignalSpy closed(server.get(), &HttpServer::connectionClosed);
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(post("/p", "hold me"));
    QTRY_VERIFY(kept);
    QSignalSpy aborted(kept.data(), &Exchange::aborted);
    client.disconnect();
    QVERIFY(aborted.wait(5000));
    QVERIFY(respondedAfterAbort);
    QCOMPARE(handlerCalls, 1);
    QVERIFY(handlerBeforeSignal);
    QTRY_VERIFY(!kept); // deleted later
    QTRY_COMPARE(closed.size(), 1);
    QCOMPARE(server->connectionCount(), 0);
}

void tst_HttpServer::bodyOverLimitIs413()
{
    Config config = testConfig();
    config.maxDataHeld = 1000;
    auto server = start(config);
    QSignalSpy refused(server.get(), &HttpServer::requestRefused);
    bool handled = false;
    server->setHandler([&handled](Exchange *exchange) {
        handled = true;
        echo(exchange);
    });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(post("/p", QByteArray(1001, 'x')));
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.status, 413);
    QCOMPARE(reply.header("connection"), "close");
    QVERIFY(client.waitClosed());
    QVERIFY(!handled);
    QCOMPARE(refused.size(), 1);
    QCOMPARE(refused.first().first().toInt(), 413);

    // Exactly at the limit is fine.
    RawClient ok(server->serverPort());
    QVERIFY(ok.waitConnected());
    ok.send(post("/p", QByteArray(1000, 'x')));
    QVERIFY(ok.waitReply(&reply));
    QCOMPARE(reply.status, 200);
}

void tst_HttpServer::chunkedBodyOverLimitIs413()
{
    Config config = testConfig();
    config.maxDataHeld = 1000;
    auto server = start(config);
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    QByteArray request = "POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 3; ++i)
        request += "190\r\n" + QByteArray(400, 'y') + "\r\n";
    request += "0\r\n\r\n";
    client.send(request);
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.status, 413);
    QVERIFY(client.waitClosed());
}

void tst_HttpServer::chunkedBodyAccepted()
{
    auto server = start();
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send("POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n"
                "X-Trailer: t\r\n\r\n");
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, "<echo method='POST' path='/p'>hello world</echo>");
    QVERIFY(!reply.hasHeader("transfer-encoding")); // responses are never chunked
    QVERIFY(!client.isClosed());
}

void tst_HttpServer::headersOverLimitIs431()
{
    Config config = testConfig();
    config.maxHeaderSize = 1000; // max_header_size caps the head (request line and headers)
    auto server = start(config);
    QSignalSpy refused(server.get(), &HttpServer::requestRefused);
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(post("/p", "x", "X-Big: " + QByteArray(2000, 'h') + "\r\n"));
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.status, 431);
    QVERIFY(client.waitClosed());
    QCOMPARE(refused.size(), 1);

    // A huge request line counts too.
    RawClient line(server->serverPort());
    QVERIFY(line.waitConnected());
    line.send(get("/" + QByteArray(5000, 'u')));
    QVERIFY(line.waitReply(&reply));
    QCOMPARE(reply.status, 431);
    QVERIFY(line.waitClosed());
}

void tst_HttpServer::tooManyHeadersIs431()
{
    Config config = testConfig();
    config.maxHeaderCount = 5;
    auto server = start(config);
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    QByteArray headers;
    for (int i = 0; i < 10; ++i)
        headers += "X-H" + QByteArray::number(i) + ": v\r\n";
    client.send(get("/", headers));
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.status, 431);
    QVERIFY(client.waitClosed());

    RawClient ok(server->serverPort());
    QVERIFY(ok.waitConnected());
    ok.send("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n");
    QVERIFY(ok.waitReply(&reply));
    QCOMPARE(reply.status, 200);
}

void tst_HttpServer::malformedRefused_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::newRow("binary") << QByteArray("\x01\x02\x03garbage\r\n\r\n") << 400;
    QTest::newRow("HTTP/0.9") << QByteArray("GET /\r\n\r\n") << 505;
    QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\n\r\n") << 505;
    QTest::newRow("space before colon") << QByteArray("GET / HTTP/1.1\r\nHost : x\r\n\r\n") << 400;
    QTest::newRow("bad version") << QByteArray("GET / HTTP/x.y\r\n\r\n") << 400;
    QTest::newRow("unknown method") << QByteArray("FROBNICATE / HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("space in header name") << QByteArray("GET / HTTP/1.1\r\nBad Header: x\r\n\r\n") << 400;
    QTest::newRow("CL and TE") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 5\r\n"
                                             "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                               << 400;
    QTest::newRow("TE and CL") << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                                             "Content-Length: 5\r\n\r\n0\r\n\r\n")
                               << 400;
    QTest::newRow("two different CL") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1\r\n"
                                                    "Content-Length: 2\r\n\r\nab")
                                      << 400;
    QTest::newRow("bad CL") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\nab") << 400;
    QTest::newRow("TE gzip only") << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nab")
                                  << 400;
    QTest::newRow("bad chunk size") << QByteArray(
                                           "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                                    << 400;
}

void tst_HttpServer::malformedRefused()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    auto server = start();
    bool handled = false;
    server->setHandler([&handled](Exchange *exchange) {
        handled = true;
        echo(exchange);
    });
    QSignalSpy refused(server.get(), &HttpServer::requestRefused);
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(request);
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.header("connection"), "close");
    QVERIFY(client.waitClosed());
    QVERIFY(!handled);
    QCOMPARE(refused.size(), 1);
    QTRY_COMPARE(server->connectionCount(), 0);
}

void tst_HttpServer::slowRequestIs408()
{
    Config config = testConfig();
    config.httpRequestTimeout = 1;
    auto server = start(config);
    QSignalSpy refused(server.get(), &HttpServer::requestRefused);
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send("POST /p HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"); // 7 bytes never come
    Reply reply;
    QVERIFY(client.waitReply(&reply, 5000));
    QCOMPARE(reply.status, 408);
    QVERIFY(client.waitClosed());
    QCOMPARE(refused.size(), 1);
    QCOMPARE(refused.first().first().toInt(), 408);

    // A head that never ends too.
    RawClient head(server->serverPort());
    QVERIFY(head.waitConnected());
    head.send("GET / HTTP/1.1\r\nHost: x\r\n");
    QVERIFY(head.waitReply(&reply, 5000));
    QCOMPARE(reply.status, 408);
    QVERIFY(head.waitClosed());
}

void tst_HttpServer::idleConnectionCloses()
{
    Config config = testConfig();
    config.httpIdleTimeout = 1;
    auto server = start(config);
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(post("/p", "x"));
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.status, 200);
    QVERIFY(client.waitClosed(5000));
    QVERIFY(client.pending().isEmpty()); // closed silently
    QTRY_COMPARE(server->connectionCount(), 0);

    // A held request is not idle.
    QPointer<Exchange> kept;
    server->setHandler([&kept](Exchange *exchange) { kept = exchange; });
    RawClient holder(server->serverPort());
    QVERIFY(holder.waitConnected());
    holder.send(post("/p", "hold"));
    QTRY_VERIFY(kept);
    QTest::qWait(1500); // longer than the idle timeout (not a condition)
    QVERIFY(!holder.isClosed());
    kept->respond(Response());
    QVERIFY(holder.waitReply(&reply));
    QVERIFY(holder.waitClosed(5000)); // idle again afterwards
}

void tst_HttpServer::idleDeadlineMovesWithUse()
{
    // The connection's one timer stays armed for the first idle deadline when a later request moves
    // it: firing then, it must close nothing and run again to the new deadline. Closing at the first
    // deadline, or never, both fail here.
    Config config = testConfig();
    config.httpIdleTimeout = 1;
    auto server = start(config);
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(post("/p", "1"));
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QTest::qWait(600); // the second request comes well inside the first idle deadline
    QVERIFY(!client.isClosed());
    client.send(post("/p", "2"));
    QVERIFY(client.waitReply(&reply));
    QElapsedTimer sinceSecond;
    sinceSecond.start();
    QVERIFY(client.waitClosed(5000));
    QVERIFY2(sinceSecond.elapsed() >= 900,
             "closed at the first idle deadline, not one after the last answer");
    QVERIFY(client.pending().isEmpty());

    // The same with the request deadline in between: a head that comes in two parts sets and clears
    // it, and the idle deadline after the answer still closes the connection.
    RawClient split(server->serverPort());
    QVERIFY(split.waitConnected());
    const QByteArray request = post("/p", "3");
    split.send(request.first(10));
    QTest::qWait(200);
    split.send(request.sliced(10));
    QVERIFY(split.waitReply(&reply));
    QCOMPARE(reply.status, 200);
    QVERIFY(split.waitClosed(5000));
}

void tst_HttpServer::headHasNoBody()
{
    auto server = start();
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send("HEAD /p HTTP/1.1\r\n\r\n");
    Reply reply;
    QVERIFY(client.waitReply(&reply, 5000, true));
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("content-length").toInt() > 0);
    client.send(get("/after"));
    QVERIFY(client.waitReply(&reply));
    QVERIFY(reply.body.contains("path='/after'"));
}

void tst_HttpServer::unknownMethodsReachHandler()
{
    auto server = start();
    server->setHandler([](Exchange *exchange) {
        const QByteArray method = exchange->request().method;
        exchange->respond(method == "GET" || method == "POST" ? Response() : Response::error(405));
    });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send("PUT /p HTTP/1.1\r\nContent-Length: 1\r\n\r\nx"
                "DELETE /p HTTP/1.1\r\n\r\n");
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.status, 405);
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.status, 405);
    QVERIFY(!client.isClosed());
}

void tst_HttpServer::expectContinue()
{
    auto server = start();
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send("POST /p HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.status, 100);
    client.send("body");
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.body.contains("body"));
}

void tst_HttpServer::compression_data()
{
    QTest::addColumn<QByteArray>("acceptEncoding");
    QTest::addColumn<int>("size");
    QTest::addColumn<bool>("compressible");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("gzip") << QByteArray("gzip") << 5000 << true << QByteArray("gzip");
    QTest::newRow("deflate") << QByteArray("deflate") << 5000 << true << QByteArray("deflate");
    QTest::newRow("both: gzip preferred")
        << QByteArray("deflate, gzip") << 5000 << true << QByteArray("gzip");
    QTest::newRow("weights") << QByteArray("gzip;q=0.5, deflate;q=0.8") << 5000 << true
                             << QByteArray("deflate");
    QTest::newRow("gzip q=0") << QByteArray("gzip;q=0, deflate") << 5000 << true << QByteArray("deflate");
    QTest::newRow("all q=0") << QByteArray("gzip; q=0, deflate;q=0.0") << 5000 << true << QByteArray();
    QTest::newRow("star") << QByteArray("*") << 5000 << true << QByteArray("gzip");
    QTest::newRow("identity") << QByteArray("identity") << 5000 << true << QByteArray();
    QTest::newRow("none") << QByteArray() << 5000 << true << QByteArray();
    QTest::newRow("small body") << QByteArray("gzip") << 100 << true << QByteArray();
    QTest::newRow("not compressible") << QByteArray("gzip") << 5000 << false << QByteArray();
}

void tst_HttpServer::compression()
{
    QFETCH(QByteArray, acceptEncoding);
    QFETCH(int, size);
    QFETCH(bool, compressible);
    QFETCH(QByteArray, expected);
    QByteArray body;
    while (body.size() < size)
        body += "<message to='a@b' id='" + QByteArray::number(body.size()) + "'><body>hi</body></message>";
    body.truncate(size);
    auto server = start();
    server->setHandler([&](Exchange *exchange) {
        Response response;
        response.body = body;
        response.compressible = compressible;
        exchange->respond(response);
    });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(
        get("/", acceptEncoding.isNull() ? QByteArray() : "Accept-Encoding: " + acceptEncoding + "\r\n"));
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("content-encoding"), expected);
    if (expected.isEmpty()) {
        QCOMPARE(reply.body, body);
    } else {
        QVERIFY(reply.body.size() < body.size());
        QCOMPARE(inflateAny(reply.body), body);
        if (expected == "gzip")
            QVERIFY(reply.body.startsWith("\x1f\x8b")); // RFC 1952 magic
        else
            QCOMPARE(quint8(reply.body.at(0)) & 0x0f, 8); // RFC 1950: CM = deflate
        QVERIFY(reply.header("vary").contains("Accept-Encoding"));
    }
}

void tst_HttpServer::corsOnAllowedOrigin_data()
{
    QTest::addColumn<QStringList>("allowed");
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<QByteArray>("expected");
    const QStringList list{QStringLiteral("https://*.example.com"), QStringLiteral("http://localhost:????")};
    QTest::newRow("allowed") << list << QByteArray("https://app.example.com")
                             << QByteArray("https://app.example.com");
    QTest::newRow("case") << list << QByteArray("HTTPS://App.Example.COM")
                          << QByteArray("HTTPS://App.Example.COM");
    QTest::newRow("port") << list << QByteArray("http://localhost:8080")
                          << QByteArray("http://localhost:8080");
    QTest::newRow("other") << list << QByteArray("https://evil.com") << QByteArray();
    QTest::newRow("suffix trick") << list << QByteArray("https://example.com.evil.com") << QByteArray();
    QTest::newRow("no origin") << list << QByteArray() << QByteArray();
    QTest::newRow("empty list: any") << QStringList() << QByteArray("https://anything.org")
                                     << QByteArray("*");
}

void tst_HttpServer::corsOnAllowedOrigin()
{
    QFETCH(QStringList, allowed);
    QFETCH(QByteArray, origin);
    QFETCH(QByteArray, expected);
    Config config = testConfig();
    config.allowedOrigins = allowed;
    auto server = start(config);
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(post("/p", "x", origin.isEmpty() ? QByteArray() : "Origin: " + origin + "\r\n"));
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("access-control-allow-origin"), expected);
    QCOMPARE(reply.header("vary").contains("Origin"), !expected.isEmpty());
}

void tst_HttpServer::preflight_data()
{
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<QByteArray>("requestHeaders");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("allowHeaders");
    QTest::newRow("allowed") << QByteArray("https://web.example.com") << QByteArray() << 204
                             << QByteArray("Content-Type");
    QTest::newRow("echo headers") << QByteArray("https://web.example.com")
                                  << QByteArray("content-type, x-foo") << 204
                                  << QByteArray("content-type, x-foo");
    QTest::newRow("bad header list") << QByteArray("https://web.example.com") << QByteArray("a;b") << 204
                                     << QByteArray("Content-Type");
    QTest::newRow("denied") << QByteArray("https://evil.example.org") << QByteArray() << 403 << QByteArray();
}

void tst_HttpServer::preflight()
{
    QFETCH(QByteArray, origin);
    QFETCH(QByteArray, requestHeaders);
    QFETCH(int, status);
    QFETCH(QByteArray, allowHeaders);
    Config config = testConfig();
    config.allowedOrigins = {QStringLiteral("https://*.example.com")};
    auto server = start(config);
    bool handled = false;
    server->setHandler([&handled](Exchange *exchange) {
        handled = true;
        echo(exchange);
    });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    QByteArray head =
        "OPTIONS /http-bind/ HTTP/1.1\r\nOrigin: " + origin + "\r\nAccess-Control-Request-Method: POST\r\n";
    if (!requestHeaders.isEmpty())
        head += "Access-Control-Request-Headers: " + requestHeaders + "\r\n";
    client.send(head + "\r\n");
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.status, status);
    QVERIFY(!handled);
    if (status == 204) {
        QCOMPARE(reply.header("access-control-allow-origin"), origin);
        QCOMPARE(reply.header("access-control-allow-methods"), "GET, POST, OPTIONS");
        QCOMPARE(reply.header("access-control-allow-headers"), allowHeaders);
        QCOMPARE(reply.header("access-control-max-age"), "86400");
        QVERIFY(reply.body.isEmpty());
    } else {
        QVERIFY(!reply.hasHeader("access-control-allow-origin"));
    }
    // The connection carries on either way.
    client.send(post("/p", "after"));
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.status, 200);
    QVERIFY(handled);
}

void tst_HttpServer::preflightMethodsByPath()
{
    Config config = testConfig();
    config.allowedOrigins = {QStringLiteral("https://*.example.com")};
    auto server = start(config);
    server->setHandler([](Exchange *exchange) { echo(exchange); });
    server->setPreflightMethods([](const QByteArray &path) {
        return path.startsWith("/api/") ? QByteArrayLiteral("GET, POST, PUT, DELETE, OPTIONS") : QByteArray();
    });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send("OPTIONS /api/v1/sessions/x/push HTTP/1.1\r\nOrigin: https://web.example.com\r\n"
                "Access-Control-Request-Method: PUT\r\n"
                "Access-Control-Request-Headers: authorization, content-type\r\n\r\n");
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.status, 204);
    QCOMPARE(reply.header("access-control-allow-methods"), "GET, POST, PUT, DELETE, OPTIONS");
    QCOMPARE(reply.header("allow"), "GET, POST, PUT, DELETE, OPTIONS");
    QCOMPARE(reply.header("access-control-allow-headers"), "authorization, content-type");
    // Other paths keep the default.
    client.send("OPTIONS /http-bind/ HTTP/1.1\r\nOrigin: https://web.example.com\r\n"
                "Access-Control-Request-Method: POST\r\n\r\n");
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.status, 204);
    QCOMPARE(reply.header("access-control-allow-methods"), "GET, POST, OPTIONS");
}

void tst_HttpServer::extraHeaders()
{
    Config config = testConfig();
    config.maxDataHeld = 100;
    config.httpHeaders = {{"X-Frame-Options", "DENY"}, {"Cache-Control", "no-store"}};
    auto server = start(config);
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(post("/p", "x"));
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.header("x-frame-options"), "DENY");
    QCOMPARE(reply.header("cache-control"), "no-store");
    client.send(post("/p", QByteArray(200, 'x'))); // refused responses carry them too
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.status, 413);
    QCOMPARE(reply.header("x-frame-options"), "DENY");
}

void tst_HttpServer::upgradeGetsSocketUnread()
{
    auto server = start();
    QPointer<PlainSocket> taken;
    QByteArray received;
    Request seen;
    bool handled = false;
    server->setHandler([&handled](Exchange *exchange) {
        handled = true;
        echo(exchange);
    });
    server->setUpgradeHandler([&](Transport socket, const QByteArray &read, const Request &head) {
        seen = head;
        taken = socket.plain();
        received = read;
        socket.setParent(server.get()); // the taker owns it now
        return true;
    });
    QSignalSpy closed(server.get(), &HttpServer::connectionClosed);
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    const QByteArray handshake = "GET /xmpp-websocket HTTP/1.1\r\nHost: localhost\r\nUpgrade: WebSocket\r\n"
                                 "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                 "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: xmpp\r\n\r\n";
    // In two pieces: the front must wait for the whole head before it offers the socket.
    client.send(handshake.first(30));
    QTest::qWait(50); // let the first piece arrive alone (not a condition)
    QVERIFY(!taken);
    client.send(handshake.sliced(30));
    QTRY_VERIFY(taken);
    QCOMPARE(seen.method, "GET");
    QCOMPARE(seen.path, "/xmpp-websocket");
    QCOMPARE(seen.header("sec-websocket-protocol"), "xmpp");
    QCOMPARE(seen.peerAddress, QHostAddress(QHostAddress::LocalHost));
    QTRY_COMPARE(closed.size(), 1);
    QCOMPARE(server->connectionCount(), 0);

    // Every byte of the head is handed over with the socket, and what follows arrives on it; the HTTP
    // side never answers.
    QCOMPARE(received, handshake);
    client.send("more");
    QByteArray more;
    QTRY_VERIFY((more += taken->read(1024).data) == "more");
    QVERIFY(client.pending().isEmpty());
    QVERIFY(!handled);
    taken->write("HTTP/1.1 101 Switching Protocols\r\n\r\n");
    QTRY_VERIFY(client.pending().startsWith("HTTP/1.1 101"));
    delete taken;
}

void tst_HttpServer::upgradeOnALaterRequest()
{
    // A reverse proxy keeps its connection to us open and sends a WebSocket upgrade after ordinary
    // requests: the upgrade is offered with the socket still holding the whole head.
    auto server = start();
    QPointer<PlainSocket> taken;
    QByteArray received;
    Request seen;
    server->setUpgradeHandler([&](Transport socket, const QByteArray &read, const Request &head) {
        seen = head;
        taken = socket.plain();
        received = read;
        socket.setParent(server.get());
        return true;
    });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    for (int i = 0; i < 2; ++i) {
        client.send(get("/first"));
        Reply reply;
        QVERIFY(client.waitReply(&reply));
        QCOMPARE(reply.status, 200);
    }
    QVERIFY(!taken);
    const QByteArray handshake = "GET /xmpp-websocket HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                                 "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                 "Sec-WebSocket-Version: 13\r\n\r\n";
    client.send(handshake);
    QTRY_VERIFY(taken);
    QCOMPARE(seen.path, "/xmpp-websocket");
    QCOMPARE(received, handshake);

    // Declined on a later request: answered as ordinary HTTP (the last one on that connection, as
    // http_parser ends HTTP after an Upgrade request).
    auto other = start();
    int offered = 0;
    other->setUpgradeHandler([&offered](Transport, const QByteArray &, const Request &) {
        ++offered;
        return false;
    });
    RawClient second(other->serverPort());
    QVERIFY(second.waitConnected());
    second.send(get("/first"));
    Reply reply;
    QVERIFY(second.waitReply(&reply));
    QCOMPARE(offered, 0);
    second.send(handshake);
    QVERIFY(second.waitReply(&reply));
    QCOMPARE(reply.status, 200);
    QCOMPARE(offered, 1);
    QVERIFY(reply.body.contains("path='/xmpp-websocket'"));
}

void tst_HttpServer::upgradeDeclinedProcessesNormally()
{
    auto server = start();
    int asked = 0;
    server->setUpgradeHandler([&asked](Transport, const QByteArray &, const Request &) {
        ++asked;
        return false;
    });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(get("/ws", "Upgrade: websocket\r\nConnection: Upgrade\r\n"));
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(asked, 1);
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.body.contains("path='/ws'"));
    // An Upgrade request ends the HTTP use of the connection.
    QCOMPARE(reply.header("connection"), "close");
    QVERIFY(client.waitClosed());
}

void tst_HttpServer::noUpgradeCallForPlainRequests()
{
    auto server = start();
    int asked = 0;
    server->setUpgradeHandler([&asked](Transport, const QByteArray &, const Request &) {
        ++asked;
        return true;
    });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(post("/p", "x", "Upgrade: websocket\r\n")); // not a GET
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.status, 200);
    // Pipelined behind another request: not offered (the head is no longer first in the socket).
    client.send(get("/q") + get("/r", "Upgrade: websocket\r\nConnection: Upgrade\r\n"));
    QVERIFY(client.waitReply(&reply));
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.status, 200);
    QCOMPARE(asked, 0);

    RawClient plain(server->serverPort());
    QVERIFY(plain.waitConnected());
    plain.send(get("/plain"));
    QVERIFY(plain.waitReply(&reply));
    QVERIFY(reply.body.contains("path='/plain'"));
    QCOMPARE(asked, 0);
}

void tst_HttpServer::upgradeHeadWithBareLfRefused_data()
{
    QTest::addColumn<QByteArray>("head");
    const QByteArray start = "GET /xmpp-websocket HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                             "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: xmpp\r\n";
    QTest::newRow("ends CRLF LF") << start + "\n";
    QTest::newRow("ends LF LF") << start.chopped(2) + "\n\n";
    QTest::newRow("bare LF inside") << QByteArray("GET /xmpp-websocket HTTP/1.1\nHost: localhost\r\n"
                                                  "Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
}

void tst_HttpServer::upgradeHeadWithBareLfRefused()
{
    // QWebSocketServer reads the handshake again and waits for CRLF CRLF: a head whose lines do not all
    // end with CRLF is answered here, never handed over.
    QFETCH(QByteArray, head);
    auto server = start();
    int asked = 0;
    server->setUpgradeHandler([&](Transport socket, const QByteArray &, const Request &) {
        ++asked;
        socket.setParent(server.get());
        return true;
    });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(head);
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.status, 400);
    QVERIFY(client.waitClosed());
    QCOMPARE(asked, 0);
}

void tst_HttpServer::oneByteAtATime()
{
    auto server = start();
    server->setUpgradeHandler([](Transport, const QByteArray &, const Request &) { return false; });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    const QByteArray request = post("/bytes", "<body rid='7'/>") + get("/next");
    for (const char c : request) {
        client.send(QByteArray(1, c));
        client.socket().flush();
        QTest::qWait(1); // let each byte arrive on its own (not a condition)
    }
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.body, "<echo method='POST' path='/bytes'><body rid='7'/></echo>");
    QVERIFY(client.waitReply(&reply));
    QVERIFY(reply.body.contains("path='/next'"));
}

void tst_HttpServer::pipeliningIsBounded()
{
    auto server = start();
    QList<QPointer<Exchange>> exchanges;
    server->setHandler([&exchanges](Exchange *exchange) { exchanges.append(exchange); });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    QByteArray requests;
    for (int i = 0; i < 40; ++i)
        requests += post("/p", QByteArray::number(i));
    client.send(requests);
    // Only a bounded number is taken in while none is answered.
    QTRY_VERIFY(exchanges.size() > 0);
    QTest::qWait(100); // (not a condition)
    QVERIFY(exchanges.size() < 40);
    // Answering lets the rest in, still in order.
    for (int i = 0; i < 40; ++i) {
        QTRY_VERIFY(exchanges.size() > i);
        QCOMPARE(exchanges.at(i)->request().body, QByteArray::number(i));
        Response response;
        response.body = QByteArray::number(i);
        QVERIFY(exchanges.at(i)->respond(response));
    }
    Reply reply;
    for (int i = 0; i < 40; ++i) {
        QVERIFY(client.waitReply(&reply));
        QCOMPARE(reply.body, QByteArray::number(i));
    }
}

void tst_HttpServer::slowReaderBoundsWriteBacklog()
{
    auto server = start();
    const QByteArray big(512 * 1024, 'b');
    int handled = 0;
    server->setHandler([&](Exchange *exchange) {
        ++handled;
        Response response;
        response.body = big;
        response.compressible = false;
        exchange->respond(response);
    });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.pauseReading();
    QByteArray requests;
    for (int i = 0; i < 60; ++i)
        requests += get("/big");
    client.send(requests);
    QTRY_VERIFY(handled > 0);
    QTest::qWait(300); // let the server run into the backlog cap (not a condition)
    QVERIFY2(handled < 60, "a client that does not read must not make the server buffer every answer");
    client.resumeReading();
    Reply reply;
    for (int i = 0; i < 60; ++i) {
        QVERIFY(client.waitReply(&reply));
        QCOMPARE(reply.body.size(), big.size());
    }
    QCOMPARE(handled, 60);
}

void tst_HttpServer::readerThatNeverReadsIsDropped()
{
    // A client that pipelines requests and never reads: once the write backlog stops parsing, only the
    // write-progress deadline (http_request_timeout) can end the connection.
    Config config = testConfig();
    config.httpRequestTimeout = 1;
    config.httpIdleTimeout = 1;
    auto server = start(config);
    const QByteArray big(512 * 1024, 'b');
    server->setHandler([&](Exchange *exchange) {
        Response response;
        response.body = big;
        response.compressible = false;
        exchange->respond(response);
    });
    QSignalSpy closed(server.get(), &HttpServer::connectionClosed);
    QTcpSocket client;
    client.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
    client.setReadBufferSize(4096);
    client.connectToHost(QHostAddress::LocalHost, server->serverPort());
    QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
    QByteArray requests;
    for (int i = 0; i < 60; ++i)
        requests += get("/big");
    client.write(requests);
    QTRY_COMPARE(server->connectionCount(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, 15000);
    QCOMPARE(server->connectionCount(), 0);
}

namespace {

/// Bytes whose order shows: a response cut, repeated or reordered anywhere does not compare equal.
QByteArray patterned(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char('a' + (i * 7 + i / 4093) % 26);
    return bytes;
}

/// The server's side of its only connection (a child of the Connection, itself a child of the server).
PlainSocket *serverSide(HttpServer *server)
{
    const QList<PlainSocket *> sockets = server->findChildren<PlainSocket *>();
    return sockets.size() == 1 ? sockets.first() : nullptr;
}

/// Small kernel buffers on both ends (no autotuning), so that a few hundred KiB are more than the
/// kernel takes while the client does not read.
void limitKernelBuffers(PlainSocket *serverSocket, QTcpSocket *clientSocket)
{
    const int size = 8192;
    ::setsockopt(int(serverSocket->descriptor()), SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    clientSocket->setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 8192);
}

} // namespace

void tst_HttpServer::largeResponseArrivesWholeAndInOrder()
{
    // Far more than the kernel takes at once while the client does not read: what the kernel did not
    // take waits in the socket and follows, whole and in order; the connection then serves the next.
    auto server = start();
    const QByteArray big = patterned(6 * 1024 * 1024);
    server->setHandler([&](Exchange *exchange) {
        Response response;
        response.body = exchange->request().path == "/big" ? big : QByteArray("small");
        response.compressible = false;
        exchange->respond(response);
    });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.pauseReading();
    client.send(get("/big"));
    QTRY_VERIFY(serverSide(server.get()) && serverSide(server.get())->bytesToWrite() > 0);
    client.resumeReading();
    Reply reply;
    QVERIFY(client.waitReply(&reply, 20000));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body.size(), big.size());
    QVERIFY(reply.body == big);
    client.send(get("/small"));
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.body, "small");
}

void tst_HttpServer::clientClosingWhileOutputWaitsIsNoticed()
{
    // The client stops reading with an answer waiting and a request held, then goes: the server
    // notices at once (the held exchange is aborted) rather than at a deadline.
    Config config = testConfig();
    config.httpRequestTimeout = 60;
    auto server = start(config);
    const QByteArray big = patterned(600 * 1024); // under the write backlog cap: the next request is read
    QList<QPointer<Exchange>> exchanges;
    server->setHandler([&](Exchange *exchange) {
        exchanges.append(exchange);
        if (exchange->request().path == "/big") {
            Response response;
            response.body = big;
            response.compressible = false;
            exchange->respond(response);
        }
    });
    QSignalSpy closed(server.get(), &HttpServer::connectionClosed);
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    QTRY_VERIFY(serverSide(server.get()));
    limitKernelBuffers(serverSide(server.get()), &client.socket());
    client.pauseReading();
    client.send(get("/big") + post("/held", "x"));
    QTRY_COMPARE(exchanges.size(), 2);
    QVERIFY(serverSide(server.get()));
    QTRY_VERIFY(serverSide(server.get())->bytesToWrite() > 0);
    QSignalSpy aborted(exchanges.at(1).data(), &Exchange::aborted);
    client.socket().abort(); // unread input: the client's kernel answers with a reset
    QVERIFY(aborted.wait(5000));
    QTRY_COMPARE(closed.size(), 1);
    QCOMPARE(server->connectionCount(), 0);
}

void tst_HttpServer::laterPipelinedAbortedOnClose()
{
    auto server = start();
    QList<QPointer<Exchange>> exchanges;
    server->setHandler([&exchanges](Exchange *exchange) { exchanges.append(exchange); });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(post("/p", "1") + post("/p", "2"));
    QTRY_COMPARE(exchanges.size(), 2);
    QSignalSpy aborted(exchanges.at(1).data(), &Exchange::aborted);
    Response closing;
    closing.closeConnection = true;
    QVERIFY(exchanges.at(0)->respond(closing));
    QCOMPARE(aborted.size(), 1); // the second will never be answered on this connection
    QVERIFY(!exchanges.at(1)->respond(Response()));
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.header("connection"), "close");
    QVERIFY(client.waitClosed());
    QVERIFY(!client.takeReply(&reply));
}

void tst_HttpServer::serverDeletedWithPendingExchanges()
{
    auto server = start();
    QPointer<Exchange> kept;
    server->setHandler([&kept](Exchange *exchange) { kept = exchange; });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(post("/p", "x"));
    QTRY_VERIFY(kept);
    server.reset();
    QVERIFY(!kept);
    QVERIFY(client.waitClosed());
}

namespace {

/// The head of the first response in `raw` (up to the empty line) and what follows it.
bool splitHead(const QByteArray &raw, QByteArray *head, QByteArray *rest)
{
    const qsizetype end = raw.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    *head = raw.first(end + 4);
    *rest = raw.sliced(end + 4);
    return true;
}

/// Decodes a chunked body (RFC 9112 §7.1) from the front of `data`; `complete` once the last chunk
/// came, and `rest` is what follows it.
QByteArray dechunk(const QByteArray &data, bool *complete, QByteArray *rest = nullptr)
{
    QByteArray body;
    qsizetype at = 0;
    *complete = false;
    while (true) {
        const qsizetype lineEnd = data.indexOf("\r\n", at);
        if (lineEnd < 0)
            return body;
        bool ok = false;
        const qsizetype size = data.mid(at, lineEnd - at).toLongLong(&ok, 16);
        if (!ok || data.size() < lineEnd + 2 + size + 2)
            return body;
        if (size == 0) {
            *complete = true;
            if (rest)
                *rest = data.sliced(lineEnd + 4);
            return body;
        }
        body += data.mid(lineEnd + 2, size);
        at = lineEnd + 2 + size + 2;
    }
}

/// Reads (resuming the client's reading each round) until the client holds a whole chunked response,
/// and decodes its body into `body`; false at the deadline.
[[nodiscard]] bool waitChunkedBody(RawClient &client, QByteArray *body)
{
    bool complete = false;
    QByteArray head, rest;
    const bool whole = QTest::qWaitFor([&] {
        client.resumeReading();
        return splitHead(client.pending(), &head, &rest) && (dechunk(rest, &complete), complete);
    });
    *body = dechunk(rest, &complete);
    return whole;
}

} // namespace

void tst_HttpServer::streamIsChunkedThenNextRequest()
{
    auto server = start();
    QPointer<Exchange> stream;
    server->setHandler([&stream](Exchange *exchange) {
        if (exchange->request().path != "/stream") {
            echo(exchange);
            return;
        }
        stream = exchange;
        Response head;
        head.contentType = "text/event-stream";
        head.body = "a";
        QVERIFY(exchange->startStream(head));
        QVERIFY(exchange->isStreaming());
        QVERIFY(!exchange->respond(Response())); // answered: a stream is the answer
    });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(get("/stream") + post("/after", "x")); // the second waits for the stream's end
    QByteArray head, rest;
    QVERIFY(QTest::qWaitFor([&] { return splitHead(client.pending(), &head, &rest) && !rest.isEmpty(); }));
    QVERIFY(head.startsWith("HTTP/1.1 200 OK\r\n"));
    QVERIFY(head.contains("Transfer-Encoding: chunked\r\n"));
    QVERIFY(!head.contains("Content-Length"));
    QVERIFY(head.contains("Content-Type: text/event-stream\r\n"));
    QCOMPARE(rest, "1\r\na\r\n");
    QVERIFY(stream->write("bc"));
    QVERIFY(stream->write(""));
    QVERIFY(QTest::qWaitFor([&] { return client.pending().endsWith("2\r\nbc\r\n"); }));
    QVERIFY(!client.pending().contains("<echo")); // the pipelined answer waits
    stream->endStream();
    stream->endStream(); // once is enough
    bool complete = false;
    QVERIFY(QTest::qWaitFor([&] {
        splitHead(client.pending(), &head, &rest);
        QByteArray after;
        dechunk(rest, &complete, &after);
        return complete && after.contains("</echo>");
    }));
    QByteArray after;
    QCOMPARE(dechunk(rest, &complete, &after), "abc");
    QVERIFY(after.startsWith("HTTP/1.1 200 OK\r\n"));
    QVERIFY(after.contains("<echo method='POST' path='/after'>x</echo>"));
    QTRY_VERIFY(!stream); // ended streams are deleted like answered exchanges
    QVERIFY(!client.isClosed());
}

void tst_HttpServer::streamOverHttp10EndsWithClose()
{
    auto server = start();
    QPointer<Exchange> stream;
    server->setHandler([&stream](Exchange *exchange) {
        stream = exchange;
        Response head;
        head.contentType = "text/plain";
        QVERIFY(exchange->startStream(head));
    });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send("GET /stream HTTP/1.0\r\n\r\n");
    QTRY_VERIFY(stream);
    QVERIFY(stream->write("one "));
    QVERIFY(stream->write("two"));
    stream->endStream();
    QVERIFY(client.waitClosed());
    QByteArray head, rest;
    QVERIFY(splitHead(client.pending(), &head, &rest));
    QVERIFY(head.startsWith("HTTP/1.0 200 OK\r\n"));
    QVERIFY(!head.contains("Transfer-Encoding"));
    QVERIFY(!head.contains("Content-Length"));
    QVERIFY(head.contains("Connection: close\r\n"));
    QCOMPARE(rest, "one two"); // delimited by the close (RFC 9112 §6.3)
}

void tst_HttpServer::streamAbortedWhenClientGoes()
{
    auto server = start();
    QPointer<Exchange> stream;
    server->setHandler([&stream](Exchange *exchange) {
        stream = exchange;
        QVERIFY(exchange->startStream(Response()));
    });
    QSignalSpy closed(server.get(), &HttpServer::connectionClosed);
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(get("/stream"));
    QTRY_VERIFY(stream);
    QSignalSpy aborted(stream.data(), &Exchange::aborted);
    client.disconnect();
    QVERIFY(aborted.wait(5000));
    QVERIFY(stream->isAborted());
    QVERIFY(!stream->isStreaming());
    QVERIFY(!stream->write("late")); // nowhere to go
    QTRY_VERIFY(!stream);
    QTRY_COMPARE(closed.size(), 1);
    QCOMPARE(server->connectionCount(), 0);
}

void tst_HttpServer::streamBacklogIsCapped()
{
    auto server = start();
    QPointer<Exchange> stream;
    server->setHandler([&stream](Exchange *exchange) {
        stream = exchange;
        QVERIFY(exchange->startStream(Response()));
    });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.pauseReading();
    client.send(get("/stream"));
    QTRY_VERIFY(stream);
    QSignalSpy writable(stream.data(), &Exchange::writable);
    // Written until the kernel buffers fill and the unsent output reaches the cap.
    const QByteArray piece(16 * 1024, 'x');
    qint64 written = 0;
    QVERIFY(QTest::qWaitFor(
        [&] {
            while (stream->write(piece))
                written += piece.size();
            return true;
        },
        5000));
    QVERIFY(!stream->write(piece));
    QVERIFY(stream->isStreaming()); // refused, not ended
    QCOMPARE(writable.size(), 0);
    client.resumeReading();
    QVERIFY(writable.wait(5000));
    QVERIFY(stream->write("end"));
    written += 3;
    stream->endStream();
    QByteArray body;
    QVERIFY(waitChunkedBody(client, &body));
    QCOMPARE(body.size(), written);
    QVERIFY(body.endsWith("xend"));
}

void tst_HttpServer::streamToHeadIsHeadOnly()
{
    auto server = start();
    QPointer<Exchange> stream;
    server->setHandler([&stream](Exchange *exchange) {
        if (exchange->request().path == "/next") {
            echo(exchange);
            return;
        }
        stream = exchange;
        Response head;
        head.body = "ignored";
        QVERIFY(exchange->startStream(head));
        QVERIFY(!exchange->isStreaming()); // over at once
        QVERIFY(!exchange->write("x"));
    });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send("HEAD /stream HTTP/1.1\r\nHost: localhost\r\n\r\n" + get("/next"));
    QByteArray head, rest;
    QVERIFY(QTest::qWaitFor([&] { return splitHead(client.pending(), &head, &rest); }));
    QVERIFY(head.contains("Transfer-Encoding: chunked\r\n"));
    // The next response follows the head directly: no body for HEAD (RFC 9110 §9.3.2).
    QTRY_VERIFY(client.pending().count("HTTP/1.1 200 OK") == 2);
    splitHead(client.pending(), &head, &rest);
    QVERIFY(rest.startsWith("HTTP/1.1 200 OK"));
}

/// A thread for relayed Exchanges (the other worker), with an object of it to post calls to.
class RelayThread
{
public:
    RelayThread()
    {
        // As the Server's workers: the epoll dispatcher, made here, and the anchor moved before the
        // thread starts, so that its start hands both over (ThreadSanitizer sees that; it does not see
        // the uninstrumented Qt and GLib dispatchers' own hand-overs).
        m_thread.setEventDispatcher(new EpollEventDispatcher);
        m_anchor = new QObject;
        m_anchor->moveToThread(&m_thread);
        m_thread.start();
    }
    ~RelayThread()
    {
        m_thread.quit();
        m_thread.wait();
        delete m_anchor; // its thread has ended
    }
    QObject *anchor() const { return m_anchor; }
    /// Runs `call` on the thread and returns when it has run, this thread's events going on meanwhile.
    /// (Not a blocking queued call: ThreadSanitizer cannot see that hand-over inside Qt.)
    template <typename Call> void run(Call call)
    {
        auto done = std::make_shared<std::atomic<bool>>(false);
        QMetaObject::invokeMethod(
            m_anchor,
            [done, call]() mutable {
                call();
                *done = true;
            },
            Qt::QueuedConnection);
        QVERIFY(QTest::qWaitFor([&done] { return done->load(); }, 10000));
    }
    /// Waits until `test`, run on the thread each round, holds; false at the deadline.
    template <typename Test> [[nodiscard]] bool waitFor(Test test, int timeout = 5000)
    {
        bool holds = false;
        return QTest::qWaitFor(
            [&] {
                run([&] { holds = test(); });
                return holds;
            },
            timeout);
    }

private:
    QThread m_thread;
    QObject *m_anchor = nullptr;
};

void tst_HttpServer::relayedAnswerKeepsPipelinedOrder()
{
    RelayThread other;
    QObject here;
    auto server = start();
    QPointer<Exchange> relayed; // used on the other thread only
    std::atomic<bool> arrived = false;
    bool afterHandled = false;
    QThread *otherThread = nullptr;
    server->setHandler([&](Exchange *exchange) {
        if (exchange->request().path != "/relayed") {
            echo(exchange);
            afterHandled = true;
            return;
        }
        relayExchange(exchange, &here, other.anchor(), [&](Exchange *remote) {
            relayed = remote;
            otherThread = QThread::currentThread();
            arrived = true;
        });
    });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(post("/relayed", "body") + get("/after"));
    QTRY_VERIFY(arrived.load());
    QVERIFY(otherThread != QThread::currentThread());
    QByteArray body;
    other.run([&] { body = relayed->request().body; });
    QCOMPARE(body, QByteArray("body"));
    // The second request is answered here at once; its answer waits for the relayed one, answered
    // later on the other thread (RFC 9112 §9.3.2).
    QTRY_VERIFY(afterHandled);
    QVERIFY(client.pending().isEmpty());
    other.run([&] {
        Response response;
        response.body = "from the other thread";
        QVERIFY(relayed->respond(response));
    });
    Reply first, second;
    QVERIFY(client.waitReply(&first));
    QCOMPARE(first.body, QByteArray("from the other thread"));
    QVERIFY(client.waitReply(&second));
    QVERIFY(second.body.contains("path='/after'"));
    // Answered, the relayed Exchange is deleted on its thread.
    QVERIFY(other.waitFor([&] { return relayed.isNull(); }));
}

void tst_HttpServer::relayedStreamBacklogIsCapped()
{
    RelayThread other;
    QObject here;
    auto server = start();
    QPointer<Exchange> relayed; // on the other thread only
    std::atomic<int> writable = 0;
    server->setHandler([&](Exchange *exchange) {
        relayExchange(exchange, &here, other.anchor(), [&](Exchange *remote) {
            relayed = remote;
            QObject::connect(remote, &Exchange::writable, remote, [&writable] { ++writable; });
            QVERIFY(remote->startStream(Response()));
        });
    });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.pauseReading();
    client.send(get("/stream"));
    QVERIFY(other.waitFor([&] { return relayed && relayed->isStreaming(); }));
    // Written on the other thread until refused, while this thread (between the rounds) hands the
    // pieces to the connection, until the client's paused socket and the connection's own cap hold
    // them up: then rounds go by without the relay taking more.
    const QByteArray piece(16 * 1024, 'x');
    qint64 written = 0;
    qint64 before = -1;
    int stalled = 0;
    QVERIFY(QTest::qWaitFor(
        [&] {
            other.run([&] {
                while (relayed->write(piece))
                    written += piece.size();
            });
            stalled = written == before ? stalled + 1 : 0;
            before = written;
            return stalled >= 5;
        },
        20000));
    QVERIFY(written > Exchange::kMaxStreamBacklog);
    other.run([&] {
        QVERIFY(!relayed->write(piece));
        QVERIFY(relayed->isStreaming()); // refused, not ended
    });
    writable = 0; // those of the rounds before: the relay is held up now
    client.resumeReading();
    QTRY_VERIFY(writable.load() > 0);
    other.run([&] {
        QVERIFY(relayed->write("end"));
        relayed->endStream();
    });
    written += 3;
    QByteArray body;
    QVERIFY(waitChunkedBody(client, &body));
    QCOMPARE(body.size(), written);
    QVERIFY(body.endsWith("xend"));
}

void tst_HttpServer::relayedExchangeAbortedWhenClientGoes()
{
    RelayThread other;
    QObject here;
    auto server = start();
    QPointer<Exchange> relayed; // on the other thread only
    std::atomic<int> aborted = 0;
    server->setHandler([&](Exchange *exchange) {
        relayExchange(exchange, &here, other.anchor(), [&](Exchange *remote) {
            relayed = remote;
            remote->onAborted([&aborted] { aborted += 1; });
            QObject::connect(remote, &Exchange::aborted, remote, [&aborted] { aborted += 10; });
        });
    });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(get("/held"));
    QVERIFY(other.waitFor([&] { return !relayed.isNull(); }));
    client.socket().abort();
    // The handler, then the signal, on the relayed Exchange's thread; then it is deleted there.
    QTRY_COMPARE(aborted.load(), 11);
    QVERIFY(other.waitFor([&] { return relayed.isNull(); }));
    QTRY_COMPARE(server->connectionCount(), 0);
}

void tst_HttpServer::relayedExchangeDestroyedUnansweredAnswers500()
{
    RelayThread other;
    QObject here;
    auto server = start();
    QPointer<Exchange> relayed; // on the other thread only
    server->setHandler([&](Exchange *exchange) {
        relayExchange(exchange, &here, other.anchor(), [&](Exchange *remote) { relayed = remote; });
    });
    RawClient client(server->serverPort());
    QVERIFY(client.waitConnected());
    client.send(get("/forgotten"));
    QVERIFY(other.waitFor([&] { return !relayed.isNull(); }));
    // The handler's side ends (its worker stops) without an answer: the client is not left waiting.
    other.run([&] { delete relayed.data(); });
    Reply reply;
    QVERIFY(client.waitReply(&reply));
    QCOMPARE(reply.status, 500);
}

QTEST_GUILESS_MAIN(tst_HttpServer)
#include "tst_http_server.moc"
