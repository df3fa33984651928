// SPDX-License-Identifier: GPL-3.0-or-later
// The request parser without a socket: the same requests and the same refusal whatever the split of the
// byte stream (whole, one byte at a time, every cut in two, random cuts), the limits and framing checks
// it applies (RFC 9112 §6), the end of parsing after a request without keep-alive, and the WebSocket
// upgrade detection helpers.
#include "base/config.h"
#include "http/requestparser.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Switchboard;
using namespace Switchboard::Http;

namespace {

/// What a parser made of a stream, fed in the given pieces.
struct Outcome
{
    QList<Request> requests;
    QList<bool> keepAlive; ///< per request
    int refusedStatus = 0;
    QByteArray refusedReason;
    bool finished = false; ///< a request without keep-alive ended the parsing
    bool inMessage = false;
    bool untaken = false; ///< NeedMore left bytes of a piece untaken
};

Config smallLimits()
{
    Config config;
    config.maxDataHeld = 64;
    config.maxHeaderSize = 256;
    config.maxHeaderCount = 6;
    return config;
}

Outcome feedPieces(const QList<QByteArrayView> &pieces, const Config &config)
{
    Outcome outcome;
    RequestParser parser(config);
    for (QByteArrayView rest : pieces) {
        while (true) {
            const RequestParser::Step step = parser.feed(rest);
            rest = rest.sliced(step.consumed);
            if (step.outcome == RequestParser::Outcome::Complete) {
                outcome.requests.append(parser.takeRequest());
                outcome.keepAlive.append(parser.keepAlive());
                continue;
            }
            if (step.outcome == RequestParser::Outcome::Refused) {
                outcome.refusedStatus = parser.refusedStatus();
                outcome.refusedReason = parser.refusedReason();
                return outcome;
            }
            if (step.outcome == RequestParser::Outcome::Finished) {
                outcome.finished = true;
                return outcome;
            }
            // NeedMore: everything given must have been taken.
            if (!rest.isEmpty())
                outcome.untaken = true;
            break;
        }
    }
    outcome.inMessage = parser.inMessage();
    return outcome;
}

/// Cuts `data` at the given offsets (ascending, inside the data).
QList<QByteArrayView> cut(QByteArrayView data, QList<qsizetype> offsets)
{
    QList<QByteArrayView> pieces;
    qsizetype from = 0;
    for (const qsizetype offset : std::as_const(offsets)) {
        pieces.append(data.sliced(from, offset - from));
        from = offset;
    }
    pieces.append(data.sliced(from));
    return pieces;
}

QList<QList<QByteArrayView>> everySplit(QByteArrayView data)
{
    QList<QList<QByteArrayView>> splits;
    splits.append({data});
    QList<qsizetype> everyByte;
    for (qsizetype i = 1; i < data.size(); ++i)
        everyByte.append(i);
    splits.append(cut(data, everyByte));
    for (qsizetype i = 1; i < data.size(); ++i)
        splits.append(cut(data, {i}));
    QRandomGenerator random(20261203);
    for (int round = 0; round < 50; ++round) {
        QList<qsizetype> offsets;
        for (qsizetype i = 1; i < data.size(); ++i) {
            if (random.bounded(8) == 0)
                offsets.append(i);
        }
        splits.append(cut(data, offsets));
    }
    return splits;
}

QByteArray describe(const Request &request)
{
    QByteArray text = request.method + ' ' + request.target + " path=" + request.path +
                      " query=" + request.query + " v" + QByteArray::number(request.versionMajor) + '.' +
                      QByteArray::number(request.versionMinor);
    for (const auto &[name, value] : request.headers)
        text += " [" + name + ": " + value + ']';
    return text + " body=" + request.body;
}

const QByteArray kPipelined =
    "GET /a?x=1&y=%41 HTTP/1.1\r\nHost: example.com\r\nX-Long-Name: some value  \r\n\r\n"
    "POST /http-bind/ HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n<body rid/>"
    "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5\r\nhello\r\n6\r\n world\r\n0\r\nTrailer-Field: t\r\n\r\n"
    "HEAD /d HTTP/1.1\r\nHost: h\r\n\r\n"
    "GET /e HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
    "OPTIONS /f HTTP/1.1\r\nHost: h\r\nOrigin: https://a.example\r\n\r\n";

} // namespace

class tst_HttpRequestParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pipelinedRequests()
    {
        const Outcome whole = feedPieces({kPipelined}, smallLimits());
        QCOMPARE(whole.refusedStatus, 0);
        QCOMPARE(whole.requests.size(), 6);
        QCOMPARE(whole.requests.at(0).method, QByteArray("GET"));
        QCOMPARE(whole.requests.at(0).path, QByteArray("/a"));
        QCOMPARE(whole.requests.at(0).query, QByteArray("x=1&y=%41"));
        QCOMPARE(whole.requests.at(0).header("x-long-name"), QByteArray("some value"));
        QCOMPARE(whole.requests.at(1).body, QByteArray("<body rid/>"));
        QCOMPARE(whole.requests.at(2).body, QByteArray("hello world"));
        QVERIFY(!whole.requests.at(2).hasHeader("trailer-field")); // trailers are counted, not kept
        QCOMPARE(whole.requests.at(3).method, QByteArray("HEAD"));
        QCOMPARE(whole.requests.at(4).versionMinor, 0);
        QCOMPARE(whole.requests.at(5).method, QByteArray("OPTIONS"));
        QCOMPARE(whole.keepAlive, QList<bool>({true, true, true, true, true, true}));
        QVERIFY(!whole.inMessage);
    }

    void sameRequestsInEverySplit()
    {
        const Outcome whole = feedPieces({kPipelined}, smallLimits());
        QList<QByteArray> expected;
        for (const Request &request : whole.requests)
            expected.append(describe(request));
        for (const QList<QByteArrayView> &pieces : everySplit(kPipelined)) {
            const Outcome split = feedPieces(pieces, smallLimits());
            QList<QByteArray> got;
            for (const Request &request : split.requests)
                got.append(describe(request));
            QCOMPARE(got, expected);
            QCOMPARE(split.keepAlive, whole.keepAlive);
            QCOMPARE(split.refusedStatus, 0);
            QVERIFY(!split.untaken);
        }
    }

    void sameRefusalInEverySplit_data()
    {
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("reason");
        const QByteArray first = "GET /ok HTTP/1.1\r\nHost: h\r\n\r\n";
        const auto row = [&first](const char *name, const QByteArray &rest, int status, const char *reason) {
            QTest::newRow(name) << QByteArray(first + rest) << status << QByteArray(reason);
        };
        row("content-length and transfer-encoding",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
            "unexpected content-length header");
        row("body over max_data_held", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 65\r\n\r\n", 413,
            "request body too large");
        row("chunked body over max_data_held",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n" + QByteArray(64, 'a') +
                "\r\n1\r\nb\r\n0\r\n\r\n",
            413, "request body too large");
        row("too many header fields",
            "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\nF: 6\r\nG: 7\r\n\r\n", 431,
            "too many header fields");
        row("head over max_header_size", "GET / HTTP/1.1\r\nX: " + QByteArray(300, 'v') + "\r\n\r\n", 431,
            "request head too large");
        row("invalid header name", "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", 400, "invalid header field name");
        row("unsupported transfer-encoding", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 400,
            "unsupported Transfer-Encoding");
        row("HTTP/2.0", "GET / HTTP/2.0\r\n\r\n", 505, "HTTP version not supported");
        row("garbage", "\x01\x02 nonsense\r\n\r\n", 400, "invalid HTTP method");
    }

    void sameRefusalInEverySplit()
    {
        QFETCH(QByteArray, stream);
        QFETCH(int, status);
        QFETCH(QByteArray, reason);
        const Config config = smallLimits();
        const ParsedRequests parsed = parseRequests(stream, config);
        QCOMPARE(parsed.refusedStatus, status);
        QCOMPARE(parsed.refusedReason, reason);
        QCOMPARE(parsed.requests.size(), 1);
        for (const QList<QByteArrayView> &pieces : everySplit(stream)) {
            const Outcome split = feedPieces(pieces, config);
            QCOMPARE(split.refusedStatus, status);
            QCOMPARE(split.refusedReason, reason);
            QCOMPARE(split.requests.size(), 1);
            QCOMPARE(split.requests.first().path, QByteArray("/ok"));
        }
    }

    void parseRequestsMatchesFeeding()
    {
        const ParsedRequests parsed = parseRequests(kPipelined, smallLimits());
        const Outcome fed = feedPieces({kPipelined}, smallLimits());
        QCOMPARE(parsed.requests.size(), fed.requests.size());
        for (qsizetype i = 0; i < parsed.requests.size(); ++i)
            QCOMPARE(describe(parsed.requests.at(i)), describe(fed.requests.at(i)));
        QVERIFY(!parsed.incomplete);
        const ParsedRequests partial = parseRequests(kPipelined.first(kPipelined.size() - 3), smallLimits());
        QCOMPARE(partial.requests.size(), 5);
        QVERIFY(partial.incomplete);
    }

    void nothingParsedAfterConnectionClose()
    {
        const QByteArray stream = "GET /1 HTTP/1.1\r\nConnection: close\r\n\r\nGET /2 HTTP/1.1\r\n\r\n";
        for (const QList<QByteArrayView> &pieces : everySplit(stream)) {
            const Outcome split = feedPieces(pieces, smallLimits());
            QCOMPARE(split.requests.size(), 1);
            QCOMPARE(split.keepAlive, QList<bool>({false}));
            QCOMPARE(split.refusedStatus, 0);
            // The second request is left unparsed, not refused.
            QVERIFY(split.finished);
        }
        const Outcome http10 = feedPieces({"GET /1 HTTP/1.0\r\n\r\nGET /2 HTTP/1.0\r\n\r\n"}, smallLimits());
        QCOMPARE(http10.requests.size(), 1);
        QVERIFY(http10.finished);
    }

    void limitsHoldForEveryRequestOfAConnection()
    {
        // Each request of a connection gets the connection's limits, the tenth as the first.
        RequestParser parser(smallLimits());
        for (int i = 0; i < 10; ++i) {
            const QByteArray request = "POST /" + QByteArray::number(i) +
                                       " HTTP/1.1\r\nHost: h\r\nContent-Length: 64\r\n\r\n" +
                                       QByteArray(64, 'x');
            QCOMPARE(parser.feed(request).outcome, RequestParser::Outcome::Complete);
            QCOMPARE(parser.takeRequest().body.size(), 64);
        }
        QCOMPARE(parser.feed("POST /big HTTP/1.1\r\nHost: h\r\nContent-Length: 65\r\n\r\n").outcome,
                 RequestParser::Outcome::Refused);
        QCOMPARE(parser.refusedStatus(), 413);

        RequestParser heads(smallLimits());
        QCOMPARE(heads.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n").outcome, RequestParser::Outcome::Complete);
        heads.takeRequest();
        const QByteArray longHead = "GET / HTTP/1.1\r\nX-Long: " + QByteArray(300, 'a') + "\r\n\r\n";
        QCOMPARE(heads.feed(longHead).outcome, RequestParser::Outcome::Refused);
        QCOMPARE(heads.refusedStatus(), 431);
    }

    void stateWhileAHeadArrives()
    {
        RequestParser parser(smallLimits());
        QVERIFY(!parser.inMessage());
        const QByteArray head = "POST /x HTTP/1.1\r\nOrigin: https://o.example\r\nExpect: 100-continue\r\n"
                                "Content-Length: 2\r\n\r\n";
        RequestParser::Step step = parser.feed(head.first(10));
        QCOMPARE(step.outcome, RequestParser::Outcome::NeedMore);
        QCOMPARE(step.consumed, 10);
        QVERIFY(parser.inMessage());
        QVERIFY(!parser.headersDone());
        step = parser.feed(QByteArrayView(head).sliced(10));
        QCOMPARE(step.outcome, RequestParser::Outcome::NeedMore);
        QVERIFY(parser.headersDone());
        QVERIFY(parser.expectContinue());
        QCOMPARE(parser.partialRequest().header("origin"), QByteArray("https://o.example"));
        step = parser.feed("ab");
        QCOMPARE(step.outcome, RequestParser::Outcome::Complete);
        QVERIFY(!parser.inMessage());
        QCOMPARE(parser.takeRequest().body, QByteArray("ab"));
        // Between requests (a held BOSH request's connection idles so): nothing of the last one.
        QVERIFY(parser.keepAlive());
        QVERIFY(!parser.inMessage());
        QVERIFY(!parser.headersDone());
        QVERIFY(!parser.expectContinue());
        QVERIFY(parser.partialRequest().headers.isEmpty());
        QVERIFY(parser.partialRequest().method.isEmpty());
        step = parser.feed("GET /y HTTP/1.1\r\nHost: h\r\n");
        QCOMPARE(step.outcome, RequestParser::Outcome::NeedMore);
        QVERIFY(parser.inMessage());
        QVERIFY(!parser.expectContinue()); // the last request's Expect is not this one's
        QCOMPARE(parser.feed("\r\n").outcome, RequestParser::Outcome::Complete);
        QCOMPARE(parser.takeRequest().path, QByteArray("/y"));

        // HTTP/1.0 clients do not wait for 100 Continue (RFC 9110 §10.1.1).
        RequestParser old(smallLimits());
        old.feed("POST /x HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
        QVERIFY(old.headersDone());
        QVERIFY(!old.expectContinue());
    }

    void upgradeDetection()
    {
        const QByteArray head =
            "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: foo, WebSocket\r\nConnection: Upgrade\r\n\r\n";
        QCOMPARE(RequestParser::findHeadEnd(QByteArray(head + "more")), head.size());
        QCOMPARE(RequestParser::findHeadEnd(head.first(head.size() - 1)), -1);
        QCOMPARE(RequestParser::findHeadEnd("GET / HTTP/1.1\nHost: h\n\nrest"), 24);
        // A resumed scan finds the same end.
        QCOMPARE(RequestParser::findHeadEnd(head, head.size() - 4), head.size());
        QVERIFY(RequestParser::hasOnlyCrlfLineEnds(head));
        QVERIFY(!RequestParser::hasOnlyCrlfLineEnds("GET / HTTP/1.1\r\nHost: h\n\r\n"));

        const std::optional<Request> upgrade = RequestParser::webSocketUpgrade(head, smallLimits());
        QVERIFY(upgrade.has_value());
        QCOMPARE(upgrade->path, QByteArray("/ws"));
        QCOMPARE(upgrade->header("connection"), QByteArray("Upgrade"));
        QVERIFY(!RequestParser::webSocketUpgrade("GET / HTTP/1.1\r\nHost: h\r\n\r\n", smallLimits()));
        QVERIFY(!RequestParser::webSocketUpgrade("GET / HTTP/1.1\r\nUpgrade: h2c\r\n\r\n", smallLimits()));
        // A head the normal path refuses is not an upgrade.
        QVERIFY(!RequestParser::webSocketUpgrade(
            "GET / HTTP/1.1\r\nBad Name: x\r\nUpgrade: websocket\r\n\r\n", smallLimits()));
    }
};

QTEST_GUILESS_MAIN(tst_HttpRequestParser)
#include "tst_http_requestparser.moc"
