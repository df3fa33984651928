// SPDX-License-Identifier: GPL-3.0-or-later
// EventStream: a RestSession's events as Server-Sent Events over a real HTTP connection (loopback),
// with a fake XMPP server behind the session: events as they are queued, the reader attached while
// the stream is open and detached as soon as the client goes, the stream ending itself after half a
// queue and after the session's last event.
#include "base/config.h"
#include "http/httpserver.h"
#include "rest/eventstream.h"
#include "rest/restsession.h"

#include "nullupstream.h"
#include "sseclient.h"

#include <QSignalSpy>
#include <QTest>

using namespace Switchboard;
using namespace Switchboard::Rest;

namespace {

/// A logged-in session (PLAIN to a no_tls_domains server, bind, roster) and an HTTP server whose
/// every request becomes an event stream of it.
struct Harness
{
    Config config;
    qint64 now = 1000;
    std::unique_ptr<RestSession> session;
    std::unique_ptr<Http::HttpServer> http;
    int keepAliveMs = 60000;
    qint64 after = 0;

    explicit Harness(int maxQueue = 1000)
    {
        config.port = 0;
        config.restMaxQueue = maxQueue;
        config.noTlsDomains = {QStringLiteral("example.com")};
        RestSession::Login login;
        login.jid = QStringLiteral("alice@example.com");
        login.password = QStringLiteral("secret");
        login.resource = QStringLiteral("phone");
        Stream::ClientStream::Client client;
        client.id = QStringLiteral("s1");
        client.transport = Monitor::Transport::Rest;
        session = std::make_unique<RestSession>(
            config, client, std::move(login),
            [](Stream::ClientStream *, const QString &) { return std::make_unique<Test::NullUpstream>(); },
            [this] { return now; }, nullptr, nullptr);
        http = std::make_unique<Http::HttpServer>(config);
        http->setHandler([this](Http::Exchange *exchange) {
            EventStream::start(session.get(), exchange, after, keepAliveMs, qMax(1, config.restMaxQueue / 2));
        });
    }
    bool start()
    {
        if (!http->listen(QHostAddress::LocalHost, 0))
            return false;
        if (session->start())
            return false;
        const auto element = [this](const QByteArray &xml) { session->upstreamElement(session->id(), xml); };
        session->upstreamOpened(session->id(), {});
        element("<stream:features xmlns:stream='http://etherx.jabber.org/streams'><mechanisms "
                "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms>"
                "</stream:features>");
        element("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        session->upstreamOpened(session->id(), {});
        element("<stream:features xmlns:stream='http://etherx.jabber.org/streams'><bind "
                "xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>");
        element("<iq xmlns='jabber:client' type='result' id='sb-bind'><bind "
                "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>alice@example.com/phone</jid></bind></iq>");
        element(
            "<iq xmlns='jabber:client' type='result' id='sb-roster'><query xmlns='jabber:iq:roster'/></iq>");
        return session->isReady();
    }
    void message(const QByteArray &body)
    {
        session->upstreamElement(
            session->id(), "<message xmlns='jabber:client' from='bob@example.com/pc' type='chat'><body>" +
                               body + "</body></message>");
    }
};

} // namespace

class tst_RestEventStream : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void eventsAsTheyAreQueued()
    {
        Harness h;
        QVERIFY(h.start());
        Test::SseClient sse;
        sse.open(h.http->serverPort(), "/events");
        QVERIFY(sse.waitHead());
        QCOMPARE(sse.status(), 200);
        QCOMPARE(sse.header("content-type"), QByteArray("text/event-stream"));
        QCOMPARE(sse.header("x-accel-buffering"), QByteArray("no"));
        QCOMPARE(sse.header("cache-control"), QByteArray("no-store"));
        QVERIFY(sse.waitEvents(1)); // the roster, queued before the stream began
        QCOMPARE(sse.events().at(0).id, 1);
        QTRY_COMPARE(h.session->readers(), 1);
        h.message("line one\nline two"); // one data line, whatever the text holds
        QVERIFY(sse.waitEvents(2));
        QCOMPARE(sse.events().at(1).id, 2);
        QCOMPARE(sse.events().at(1).data.value(QStringLiteral("body")).toString(),
                 QStringLiteral("line one\nline two"));
        // Reading is not acknowledging: both stay queued.
        QCOMPARE(h.session->queued(), 2);
    }

    void startsAfterWhatIsAcknowledged()
    {
        Harness h;
        QVERIFY(h.start());
        h.message("one");
        h.message("two");
        h.after = 2;
        h.session->acknowledge(h.after); // as the endpoint does with Last-Event-ID or after
        Test::SseClient sse;
        sse.open(h.http->serverPort(), "/events");
        QVERIFY(sse.waitEvents(1));
        QCOMPARE(sse.events().at(0).id, 3);
        QCOMPARE(sse.events().size(), 1);
    }

    void clientCloseDetachesAtOnce()
    {
        Harness h;
        QVERIFY(h.start());
        QSignalSpy queued(h.session.get(), &RestSession::eventQueued);
        Test::SseClient sse;
        sse.open(h.http->serverPort(), "/events");
        QVERIFY(sse.waitEvents(1));
        QCOMPARE(h.session->readers(), 1);
        h.message("taken");
        QCOMPARE(queued.last().at(2).toBool(), true);
        sse.abort();
        QTRY_COMPARE(h.session->readers(), 0);
        h.message("nobody reads");
        QCOMPARE(queued.last().at(2).toBool(), false);
        QTRY_COMPARE(h.http->connectionCount(), 0);
    }

    void keepAliveComment()
    {
        Harness h;
        h.keepAliveMs = 50;
        QVERIFY(h.start());
        Test::SseClient sse;
        sse.open(h.http->serverPort(), "/events");
        QVERIFY(sse.waitHead());
        QVERIFY(QTest::qWaitFor([&] { return sse.comments().size() >= 2; }, 5000));
        QCOMPARE(sse.comments().at(0), QByteArray("keep-alive"));
        QVERIFY(!sse.ended());
    }

    void endsAfterHalfAQueue()
    {
        Harness h(6);
        QVERIFY(h.start());
        Test::SseClient sse;
        sse.open(h.http->serverPort(), "/events");
        QVERIFY(sse.waitEvents(1));
        h.message("two");
        h.message("three");
        h.message("four"); // not on this stream: it ended after three
        QVERIFY(sse.waitEnd());
        QCOMPARE(sse.events().size(), 3);
        QCOMPARE(sse.events().last().id, 3);
        QTRY_COMPARE(h.session->readers(), 0);
        QCOMPARE(h.session->queued(), 4); // nothing acknowledged by the stream itself
    }

    void endsWithTheSession()
    {
        Harness h;
        QVERIFY(h.start());
        Test::SseClient sse;
        sse.open(h.http->serverPort(), "/events");
        QVERIFY(sse.waitEvents(1));
        h.session->logout();
        QVERIFY(sse.waitEnd());
        QCOMPARE(sse.events().last().data.value(QStringLiteral("kind")).toString(),
                 QStringLiteral("session"));
        QCOMPARE(sse.events().last().data.value(QStringLiteral("type")).toString(), QStringLiteral("closed"));
    }

    void sessionGoneEndsTheStream()
    {
        Harness h;
        QVERIFY(h.start());
        Test::SseClient sse;
        sse.open(h.http->serverPort(), "/events");
        QVERIFY(sse.waitEvents(1));
        h.session.reset();
        QVERIFY(sse.waitEnd());
    }
};

QTEST_GUILESS_MAIN(tst_RestEventStream)
#include "tst_rest_eventstream.moc"
