// SPDX-License-Identifier: GPL-3.0-or-later
// The REST gateway's receiving and presence calls end to end, in front of a real Prosody: events as
// Server-Sent Events (as they arrive, a reconnect with Last-Event-ID, keep-alive comments, the end of
// the session), the roster with presence, a whole subscription handshake between two REST sessions
// (RFC 6121 §3), presence updates, the per-account and per-address session limits, event expiry.
#include "prosodyfixture.h"
#include "rest/restendpoint.h"
#include "restapi.h"
#include "server.h"
#include "sseclient.h"
#include "testclient.h"
#include "testmain.h"

#include "monitor/registry.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

using namespace Switchboard;
using Test::SseClient;

namespace {

using Answer = Test::RestAnswer;
using Api = Test::RestApi;
using Test::toJson;

struct Session
{
    QString id;
    QByteArray token;
    QString jid;
    qint64 next = 0; ///< after the events of the login (the roster, our own presence)
    int status = 0;
    QString error;
    QString path(const QString &tail = {}) const { return QStringLiteral("/sessions/") + id + tail; }
    QByteArray target(const QString &tail) const
    {
        return QByteArrayLiteral("/api/v1") + path(tail).toUtf8();
    }
    QByteArray bearer() const { return "Authorization: Bearer " + token + "\r\n"; }
};

/// The contact `jid` in a roster answer (empty when absent).
QJsonObject contact(const QJsonObject &roster, const QString &jid)
{
    for (const QJsonValue &v : roster.value(QStringLiteral("contacts")).toArray()) {
        if (v.toObject().value(QStringLiteral("jid")).toString() == jid)
            return v.toObject();
    }
    return {};
}

/// A test's own Switchboard in front of the shared Prosody.
struct Front
{
    std::unique_ptr<Server> server;
    std::unique_ptr<Api> api;

    bool start(const Config &config)
    {
        server = std::make_unique<Server>(config);
        QString error;
        if (!server->start(&error)) {
            qWarning() << error;
            return false;
        }
        QUrl base = server->boshUrl();
        base.setPath(QStringLiteral("/api/v1"));
        api = std::make_unique<Api>(base);
        return true;
    }
    ~Front()
    {
        api.reset();
        server.reset();
    }

    Session login(const ProsodyFixture &prosody, const QString &user, const QString &resource)
    {
        const Answer a =
            api->call("POST", QStringLiteral("/sessions"),
                      toJson({{QStringLiteral("jid"), QString(user + QStringLiteral("@localhost"))},
                              {QStringLiteral("password"), prosody.password(user)},
                              {QStringLiteral("resource"), resource}}));
        Session s;
        s.id = a.json.value(QStringLiteral("id")).toString();
        s.token = a.json.value(QStringLiteral("token")).toString().toLatin1();
        s.jid = a.json.value(QStringLiteral("jid")).toString();
        s.status = a.status;
        s.error = a.json.value(QStringLiteral("error")).toString();
        // RFC 6121 §4.2.2: the server echoes our initial presence; once it is there, what follows is
        // what a test makes happen. A poll with after=0 acknowledges nothing.
        for (int i = 0; i < 10 && a.status == 201; ++i) {
            const Answer e = api->call("GET", s.path(QStringLiteral("/events?after=0&wait=5")), {}, s.token);
            bool echoed = false;
            for (const QJsonValue &v : e.json.value(QStringLiteral("events")).toArray()) {
                const QJsonObject o = v.toObject();
                echoed |= o.value(QStringLiteral("kind")).toString() == QLatin1String("presence") &&
                          o.value(QStringLiteral("from")).toString() == s.jid;
            }
            if (echoed) {
                s.next = e.json.value(QStringLiteral("next")).toInteger();
                break;
            }
        }
        return s;
    }
    QJsonObject roster(const Session &s)
    {
        return api->call("GET", s.path(QStringLiteral("/roster")), {}, s.token).json;
    }
    int subscribe(const Session &s, const QString &jid, const QString &action)
    {
        return api
            ->call("POST", s.path(QStringLiteral("/subscriptions")),
                   toJson({{QStringLiteral("jid"), jid}, {QStringLiteral("action"), action}}), s.token)
            .status;
    }
    /// Waits (long polls, acknowledging what it looked at) until an event of `kind` (and `type`, when
    /// given) from `from` comes after `after`; returns it, or an empty object after 15 s.
    QJsonObject waitEvent(const Session &s, qint64 after, const QString &kind, const QString &type,
                          const QString &from)
    {
        QDeadlineTimer deadline(15000);
        while (!deadline.hasExpired()) {
            const Answer e =
                api->call("GET", s.path(QStringLiteral("/events?after=%1&wait=2").arg(after)), {}, s.token);
            for (const QJsonValue &v : e.json.value(QStringLiteral("events")).toArray()) {
                const QJsonObject o = v.toObject();
                if (o.value(QStringLiteral("kind")).toString() == kind &&
                    (type.isEmpty() || o.value(QStringLiteral("type")).toString() == type) &&
                    o.value(QStringLiteral("from")).toString().startsWith(from))
                    return o;
            }
            if (e.status != 200)
                return {};
            after = e.json.value(QStringLiteral("next")).toInteger();
        }
        return {};
    }
};

} // namespace

class tst_RestSseProsody : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void sseReceivesMessagesAsTheyArrive();
    void sseReconnectGetsExactlyTheMissedEvents();
    void sseKeepAliveComment();
    void sseEndsWithTheSession();
    void sseRecyclesSoTheQueueCannotFill();
    void sseBadLastEventIdIs400();
    void sseStreamsPerSessionAreBounded();
    void subscriptionHandshakeRosterAndPresence();
    void presenceAndSubscriptionErrors();
    void sessionsPerAccountAndAddressAre429();
    void oldEventsExpire();

private:
    Config baseConfig() const;

    ProsodyFixture m_prosody;
    Front m_front;
};

Config tst_RestSseProsody::baseConfig() const
{
    Config config = m_prosody.backendConfig();
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    return config;
}

void tst_RestSseProsody::initTestCase()
{
    QVERIFY2(m_prosody.start({QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol"),
                              QStringLiteral("dave"), QStringLiteral("erin")}),
             "Prosody did not start");
    Config config = baseConfig();
    config.restSseKeepAlive = 1; // the comment every second, so a test can wait for it
    QVERIFY(m_front.start(config));
}

void tst_RestSseProsody::cleanupTestCase()
{
    m_front.api.reset();
    m_front.server.reset();
    m_prosody.stop();
}

void tst_RestSseProsody::sseReceivesMessagesAsTheyArrive()
{
    const Session alice = m_front.login(m_prosody, QStringLiteral("alice"), QStringLiteral("sse"));
    QCOMPARE(alice.status, 201);
    Test::TestClient bob;
    QVERIFY2(bob.login(m_prosody, QStringLiteral("bob")), qPrintable(bob.lastError()));

    SseClient sse;
    sse.open(m_front.server->port(), alice.target(QStringLiteral("/events?after=%1").arg(alice.next)),
             alice.bearer());
    QVERIFY(sse.waitHead());
    QCOMPARE(sse.status(), 200);
    QCOMPARE(sse.header("content-type"), QByteArray("text/event-stream"));
    QCOMPARE(sse.header("cache-control"), QByteArray("no-store"));
    QCOMPARE(sse.header("x-accel-buffering"), QByteArray("no"));
    QCOMPARE(sse.header("transfer-encoding"), QByteArray("chunked"));
    QVERIFY(!sse.ended());

    for (int i = 1; i <= 3; ++i) {
        bob.send("<message to='" + alice.jid.toUtf8() + "' type='chat' id='s" + QByteArray::number(i) +
                 "'><body>live " + QByteArray::number(i) + "</body></message>");
        // Each arrives while the stream is open, before the next is sent.
        QVERIFY(QTest::qWaitFor([&] { return sse.ofKind(QStringLiteral("message")).size() == i; }, 10000));
    }
    const QList<QJsonObject> got = sse.ofKind(QStringLiteral("message"));
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(got.at(i).value(QStringLiteral("body")).toString(), QStringLiteral("live %1").arg(i + 1));
        QCOMPARE(got.at(i).value(QStringLiteral("from")).toString(), bob.jid());
    }
    // Each event's id is its seq, in order, after what `after` acknowledged.
    qint64 previous = alice.next;
    for (const SseClient::Event &e : sse.events()) {
        QCOMPARE(e.id, e.data.value(QStringLiteral("seq")).toInteger());
        QVERIFY(e.id > previous);
        previous = e.id;
    }
    QCOMPARE(sse.retry(), QByteArray("1000"));
    sse.abort();
    QCOMPARE(m_front.api->call("DELETE", alice.path(), {}, alice.token).status, 204);
}

void tst_RestSseProsody::sseReconnectGetsExactlyTheMissedEvents()
{
    const Session alice = m_front.login(m_prosody, QStringLiteral("alice"), QStringLiteral("reconnect"));
    QCOMPARE(alice.status, 201);
    Test::TestClient bob;
    QVERIFY2(bob.login(m_prosody, QStringLiteral("bob"), QStringLiteral("sender")),
             qPrintable(bob.lastError()));
    const QByteArray to = alice.jid.toUtf8();

    qint64 lastSeen = 0;
    {
        SseClient sse;
        sse.open(m_front.server->port(), alice.target(QStringLiteral("/events?after=%1").arg(alice.next)),
                 alice.bearer());
        QVERIFY(sse.waitHead());
        bob.send("<message to='" + to + "' type='chat'><body>before the drop</body></message>");
        QVERIFY(QTest::qWaitFor([&] { return !sse.ofKind(QStringLiteral("message")).isEmpty(); }, 10000));
        lastSeen = sse.events().last().id;
        sse.abort(); // the stream is lost
    }
    // Sent while no stream is open: they wait in the queue. A poll with after=lastSeen shows them and
    // acknowledges only what the client had.
    bob.send("<message to='" + to + "' type='chat'><body>missed 1</body></message>");
    bob.send("<message to='" + to + "' type='chat'><body>missed 2</body></message>");
    const auto queuedMessages = [&] {
        int n = 0;
        const Answer e = m_front.api->call(
            "GET", alice.path(QStringLiteral("/events?after=%1&wait=1").arg(lastSeen)), {}, alice.token);
        for (const QJsonValue &v : e.json.value(QStringLiteral("events")).toArray())
            n += v.toObject().value(QStringLiteral("kind")).toString() == QLatin1String("message");
        return n;
    };
    QTRY_COMPARE_WITH_TIMEOUT(queuedMessages(), 2, 15000);

    // Last-Event-ID wins over `after` (which here would skip the first missed one).
    SseClient again;
    again.open(m_front.server->port(), alice.target(QStringLiteral("/events?after=%1").arg(lastSeen + 1000)),
               alice.bearer() + "Last-Event-ID: " + QByteArray::number(lastSeen) + "\r\n");
    QVERIFY(again.waitHead());
    QCOMPARE(again.status(), 200);
    QVERIFY(again.waitEvents(2));
    const QList<QJsonObject> missed = again.ofKind(QStringLiteral("message"));
    QCOMPARE(missed.size(), 2);
    QCOMPARE(missed.at(0).value(QStringLiteral("body")).toString(), QStringLiteral("missed 1"));
    QCOMPARE(missed.at(1).value(QStringLiteral("body")).toString(), QStringLiteral("missed 2"));
    for (const SseClient::Event &e : again.events())
        QVERIFY2(e.id > lastSeen, "an event the client had came again");
    // A Last-Event-ID from the future does not make a stream skip what is still to come.
    SseClient future;
    future.open(m_front.server->port(), alice.target(QStringLiteral("/events")),
                alice.bearer() + "Last-Event-ID: 999999\r\n");
    QVERIFY(future.waitHead());
    bob.send("<message to='" + to + "' type='chat'><body>after the future</body></message>");
    QVERIFY(QTest::qWaitFor(
        [&] {
            const QList<QJsonObject> m = future.ofKind(QStringLiteral("message"));
            return !m.isEmpty() &&
                   m.last().value(QStringLiteral("body")).toString() == QLatin1String("after the future");
        },
        10000));
    future.abort();
    // What Last-Event-ID named is acknowledged: a poll from 0 no longer sees "before the drop".
    const Answer rest =
        m_front.api->call("GET", alice.path(QStringLiteral("/events?after=0")), {}, alice.token);
    for (const QJsonValue &v : rest.json.value(QStringLiteral("events")).toArray())
        QVERIFY(v.toObject().value(QStringLiteral("seq")).toInteger() > lastSeen);
    again.abort();
    QCOMPARE(m_front.api->call("DELETE", alice.path(), {}, alice.token).status, 204);
}

void tst_RestSseProsody::sseKeepAliveComment()
{
    const Session alice = m_front.login(m_prosody, QStringLiteral("alice"), QStringLiteral("quiet"));
    QCOMPARE(alice.status, 201);
    SseClient sse;
    sse.open(m_front.server->port(), alice.target(QStringLiteral("/events?after=%1").arg(alice.next)),
             alice.bearer());
    QVERIFY(sse.waitHead());
    // rest_sse_keepalive is 1 s here: a quiet stream gets a comment line within a few seconds.
    QVERIFY(QTest::qWaitFor([&] { return sse.comments().size() >= 2; }, 10000));
    QCOMPARE(sse.comments().first(), QByteArray("keep-alive"));
    QVERIFY(!sse.ended());
    sse.abort();
    QCOMPARE(m_front.api->call("DELETE", alice.path(), {}, alice.token).status, 204);
}

void tst_RestSseProsody::sseEndsWithTheSession()
{
    const Session alice = m_front.login(m_prosody, QStringLiteral("alice"), QStringLiteral("ending"));
    QCOMPARE(alice.status, 201);
    SseClient sse;
    sse.open(m_front.server->port(), alice.target(QStringLiteral("/events?after=%1").arg(alice.next)),
             alice.bearer());
    QVERIFY(sse.waitHead());
    QCOMPARE(m_front.api->call("DELETE", alice.path(), {}, alice.token).status, 204);
    // The final event, then the end of the body.
    QVERIFY(sse.waitEnd());
    const QList<QJsonObject> last = sse.ofKind(QStringLiteral("session"));
    QCOMPARE(last.size(), 1);
    QCOMPARE(last.first().value(QStringLiteral("type")).toString(), QStringLiteral("closed"));
}

void tst_RestSseProsody::sseRecyclesSoTheQueueCannotFill()
{
    Front front;
    Config config = baseConfig();
    config.restMaxQueue = 6; // a stream ends itself after 3 events
    QVERIFY(front.start(config));
    const Session alice = front.login(m_prosody, QStringLiteral("alice"), QStringLiteral("recycle"));
    QCOMPARE(alice.status, 201);
    Test::TestClient bob;
    QVERIFY2(bob.login(m_prosody, QStringLiteral("bob"), QStringLiteral("recycler")),
             qPrintable(bob.lastError()));
    qint64 last = alice.next;
    for (int round = 0; round < 3; ++round) {
        SseClient sse;
        sse.open(front.server->port(), alice.target(QStringLiteral("/events")),
                 alice.bearer() + "Last-Event-ID: " + QByteArray::number(last) + "\r\n");
        QVERIFY(sse.waitHead());
        for (int i = 0; i < 3; ++i)
            bob.send("<message to='" + alice.jid.toUtf8() + "' type='chat'><body>r</body></message>");
        QVERIFY(sse.waitEvents(3));
        // After three events the stream ends; the reconnection's Last-Event-ID acknowledges them, so
        // a client that only ever reads the stream never meets a full queue.
        QVERIFY(sse.waitEnd());
        QCOMPARE(sse.events().size(), 3);
        last = sse.events().last().id;
    }
    const Answer check =
        front.api->call("GET", alice.path(QStringLiteral("/events?after=%1").arg(last)), {}, alice.token);
    QCOMPARE(check.json.value(QStringLiteral("refused")).toInt(), 0);
    QCOMPARE(front.api->call("DELETE", alice.path(), {}, alice.token).status, 204);
}

void tst_RestSseProsody::sseBadLastEventIdIs400()
{
    const Session alice = m_front.login(m_prosody, QStringLiteral("alice"), QStringLiteral("bad-id"));
    QCOMPARE(alice.status, 201);
    SseClient sse;
    sse.open(m_front.server->port(), alice.target(QStringLiteral("/events")),
             alice.bearer() + "Last-Event-ID: yesterday\r\n");
    QVERIFY(sse.waitHead());
    QCOMPARE(sse.status(), 400);
    SseClient noToken;
    noToken.open(m_front.server->port(), alice.target(QStringLiteral("/events")));
    QVERIFY(noToken.waitHead());
    QCOMPARE(noToken.status(), 401);
    QCOMPARE(m_front.api->call("DELETE", alice.path(), {}, alice.token).status, 204);
}

void tst_RestSseProsody::sseStreamsPerSessionAreBounded()
{
    const Session alice = m_front.login(m_prosody, QStringLiteral("alice"), QStringLiteral("many"));
    QCOMPARE(alice.status, 201);
    std::vector<std::unique_ptr<SseClient>> streams;
    for (int i = 0; i <= Rest::RestEndpoint::kMaxStreamsPerSession; ++i) {
        streams.push_back(std::make_unique<SseClient>());
        streams.back()->open(m_front.server->port(), alice.target(QStringLiteral("/events")), alice.bearer());
        QVERIFY(streams.back()->waitHead());
        QCOMPARE(streams.back()->status(), 200);
    }
    // One beyond the bound ends the oldest; the others stay open.
    QVERIFY(streams.front()->waitEnd());
    for (std::size_t i = 1; i < streams.size(); ++i)
        QVERIFY(!streams.at(i)->ended());
    QCOMPARE(m_front.api->call("DELETE", alice.path(), {}, alice.token).status, 204);
    for (std::size_t i = 1; i < streams.size(); ++i)
        QVERIFY(streams.at(i)->waitEnd());
}

void tst_RestSseProsody::subscriptionHandshakeRosterAndPresence()
{
    const Session carol = m_front.login(m_prosody, QStringLiteral("carol"), QStringLiteral("web"));
    const Session dave = m_front.login(m_prosody, QStringLiteral("dave"), QStringLiteral("phone"));
    QCOMPARE(carol.status, 201);
    QCOMPARE(dave.status, 201);
    const QString carolBare = QStringLiteral("carol@localhost");
    const QString daveBare = QStringLiteral("dave@localhost");
    QVERIFY(m_front.roster(carol).value(QStringLiteral("contacts")).toArray().isEmpty());

    // RFC 6121 §3.1: carol asks, dave approves.
    QCOMPARE(m_front.subscribe(carol, daveBare, QStringLiteral("subscribe")), 204);
    const QJsonObject request = m_front.waitEvent(dave, dave.next, QStringLiteral("subscription"),
                                                  QStringLiteral("subscribe"), carolBare);
    QVERIFY2(!request.isEmpty(), "dave did not get carol's subscription request");
    QTRY_COMPARE(contact(m_front.roster(carol), daveBare).value(QStringLiteral("ask")).toString(),
                 QStringLiteral("subscribe"));
    QCOMPARE(m_front.subscribe(dave, carolBare, QStringLiteral("approve")), 204);
    QTRY_COMPARE(contact(m_front.roster(carol), daveBare).value(QStringLiteral("subscription")).toString(),
                 QStringLiteral("to"));
    // RFC 6121 §3.1.5: dave's presence follows the approval.
    QTRY_COMPARE(contact(m_front.roster(carol), daveBare).value(QStringLiteral("resources")).toArray().size(),
                 1);

    // And the other way: both directions make "both".
    QCOMPARE(m_front.subscribe(dave, carolBare, QStringLiteral("subscribe")), 204);
    QVERIFY(!m_front
                 .waitEvent(carol, carol.next, QStringLiteral("subscription"), QStringLiteral("subscribe"),
                            daveBare)
                 .isEmpty());
    QCOMPARE(m_front.subscribe(carol, daveBare, QStringLiteral("approve")), 204);
    QTRY_COMPARE(contact(m_front.roster(carol), daveBare).value(QStringLiteral("subscription")).toString(),
                 QStringLiteral("both"));
    QTRY_COMPARE(contact(m_front.roster(dave), carolBare).value(QStringLiteral("subscription")).toString(),
                 QStringLiteral("both"));
    QTRY_COMPARE(contact(m_front.roster(dave), carolBare).value(QStringLiteral("resources")).toArray().size(),
                 1);
    const QJsonObject resource = contact(m_front.roster(dave), carolBare)
                                     .value(QStringLiteral("resources"))
                                     .toArray()
                                     .at(0)
                                     .toObject();
    QCOMPARE(resource.value(QStringLiteral("resource")).toString(), QStringLiteral("web"));
    QCOMPARE(resource.value(QStringLiteral("show")).toString(), QString()); // plain available

    // A presence update reaches the contact: as an event and in its roster.
    QCOMPARE(m_front.api
                 ->call("PUT", carol.path(QStringLiteral("/presence")),
                        toJson({{QStringLiteral("show"), QStringLiteral("away")},
                                {QStringLiteral("status"), QStringLiteral("in a meeting")},
                                {QStringLiteral("priority"), 5}}),
                        carol.token)
                 .status,
             204);
    const QJsonObject seen = m_front.waitEvent(dave, dave.next, QStringLiteral("presence"),
                                               QStringLiteral("available"), carolBare);
    QVERIFY(!seen.isEmpty());
    QTRY_COMPARE(contact(m_front.roster(dave), carolBare)
                     .value(QStringLiteral("resources"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("show"))
                     .toString(),
                 QStringLiteral("away"));
    const QJsonObject updated = contact(m_front.roster(dave), carolBare)
                                    .value(QStringLiteral("resources"))
                                    .toArray()
                                    .at(0)
                                    .toObject();
    QCOMPARE(updated.value(QStringLiteral("status")).toString(), QStringLiteral("in a meeting"));
    QCOMPARE(updated.value(QStringLiteral("priority")).toInt(), 5);

    // Logging out takes carol's resource off dave's roster (RFC 6121 §4.5).
    QCOMPARE(m_front.api->call("DELETE", carol.path(), {}, carol.token).status, 204);
    QTRY_COMPARE(contact(m_front.roster(dave), carolBare).value(QStringLiteral("resources")).toArray().size(),
                 0);
    QCOMPARE(contact(m_front.roster(dave), carolBare).value(QStringLiteral("subscription")).toString(),
             QStringLiteral("both"));
    QCOMPARE(m_front.api->call("DELETE", dave.path(), {}, dave.token).status, 204);
}

void tst_RestSseProsody::presenceAndSubscriptionErrors()
{
    const Session erin = m_front.login(m_prosody, QStringLiteral("erin"), QStringLiteral("errors"));
    QCOMPARE(erin.status, 201);
    Answer a = m_front.api->call("PUT", erin.path(QStringLiteral("/presence")),
                                 toJson({{QStringLiteral("show"), QStringLiteral("busy")}}), erin.token);
    QCOMPARE(a.status, 400);
    QCOMPARE(a.json.value(QStringLiteral("field")).toString(), QStringLiteral("show"));
    a = m_front.api->call("PUT", erin.path(QStringLiteral("/presence")),
                          toJson({{QStringLiteral("priority"), 200}}), erin.token);
    QCOMPARE(a.status, 400);
    QCOMPARE(a.json.value(QStringLiteral("field")).toString(), QStringLiteral("priority"));
    a = m_front.api->call("POST", erin.path(QStringLiteral("/subscriptions")),
                          toJson({{QStringLiteral("jid"), QStringLiteral("dave@localhost")},
                                  {QStringLiteral("action"), QStringLiteral("befriend")}}),
                          erin.token);
    QCOMPARE(a.status, 400);
    QCOMPARE(a.json.value(QStringLiteral("field")).toString(), QStringLiteral("action"));
    QCOMPARE(m_front.api->call("POST", erin.path(QStringLiteral("/presence")), "{}", erin.token).status, 405);
    QCOMPARE(m_front.api->call("GET", erin.path(QStringLiteral("/subscriptions")), {}, erin.token).status,
             405);
    QCOMPARE(m_front.api->call("GET", erin.path(QStringLiteral("/roster")), {}, "wrong").status, 401);
    QCOMPARE(m_front.api->call("DELETE", erin.path(), {}, erin.token).status, 204);
}

void tst_RestSseProsody::sessionsPerAccountAndAddressAre429()
{
    Front front;
    Config config = baseConfig();
    config.restMaxSessionsPerAccount = 1;
    config.restMaxSessionsPerIp = 2;
    QVERIFY(front.start(config));
    const Session first = front.login(m_prosody, QStringLiteral("alice"), QStringLiteral("one"));
    QCOMPARE(first.status, 201);
    const Session sameAccount = front.login(m_prosody, QStringLiteral("alice"), QStringLiteral("two"));
    QCOMPARE(sameAccount.status, 429);
    QVERIFY2(sameAccount.error.contains(QLatin1String("rest_max_sessions_per_account")),
             qPrintable(sameAccount.error));
    const Session other = front.login(m_prosody, QStringLiteral("bob"), QStringLiteral("one"));
    QCOMPARE(other.status, 201);
    const Session third = front.login(m_prosody, QStringLiteral("carol"), QStringLiteral("one"));
    QCOMPARE(third.status, 429);
    QVERIFY2(third.error.contains(QLatin1String("rest_max_sessions_per_ip")), qPrintable(third.error));
    QCOMPARE(front.server->sessionCount(), 2);
    // Counted like every limit: the monitor's refusals and /metrics.
    QTRY_COMPARE(
        front.server->registry()->counters().refusals.value(QStringLiteral("rest_max_sessions_per_account")),
        quint64(1));
    QTRY_COMPARE(
        front.server->registry()->counters().refusals.value(QStringLiteral("rest_max_sessions_per_ip")),
        quint64(1));
    // A session that ends gives its share back.
    QCOMPARE(front.api->call("DELETE", first.path(), {}, first.token).status, 204);
    QTRY_COMPARE(front.server->sessionCount(), 1);
    const Session back = front.login(m_prosody, QStringLiteral("alice"), QStringLiteral("three"));
    QCOMPARE(back.status, 201);
    QCOMPARE(front.api->call("DELETE", back.path(), {}, back.token).status, 204);
    QCOMPARE(front.api->call("DELETE", other.path(), {}, other.token).status, 204);
}

void tst_RestSseProsody::oldEventsExpire()
{
    Front front;
    Config config = baseConfig();
    config.restMaxEventAge = 1;
    QVERIFY(front.start(config));
    const Session alice = front.login(m_prosody, QStringLiteral("alice"), QStringLiteral("expiry"));
    QCOMPARE(alice.status, 201);
    Test::TestClient bob;
    QVERIFY2(bob.login(m_prosody, QStringLiteral("bob"), QStringLiteral("old")), qPrintable(bob.lastError()));
    // The stream reads without acknowledging: the message stays queued until it is too old.
    SseClient sse;
    sse.open(front.server->port(), alice.target(QStringLiteral("/events")), alice.bearer());
    QVERIFY(sse.waitHead());
    bob.send("<message to='" + alice.jid.toUtf8() + "' type='chat'><body>stale</body></message>");
    QVERIFY(QTest::qWaitFor([&] { return !sse.ofKind(QStringLiteral("message")).isEmpty(); }, 10000));
    const qint64 messageSeq =
        sse.ofKind(QStringLiteral("message")).first().value(QStringLiteral("seq")).toInteger();
    // A poll from 0 acknowledges nothing: it shows the queue until the message is gone from it.
    const auto stillQueued = [&] {
        const Answer poll =
            front.api->call("GET", alice.path(QStringLiteral("/events?after=0")), {}, alice.token);
        for (const QJsonValue &v : poll.json.value(QStringLiteral("events")).toArray()) {
            if (v.toObject().value(QStringLiteral("seq")).toInteger() == messageSeq)
                return true;
        }
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(!stillQueued(), 10000);
    // The client learns it: the poll answer's `expired`...
    const Answer poll =
        front.api->call("GET", alice.path(QStringLiteral("/events?after=0")), {}, alice.token);
    QVERIFY(poll.json.value(QStringLiteral("expired")).toInteger() >= 1);
    // ...and a session event of type expired with the count, queued after the message expired.
    const auto toldOnStream = [&] {
        for (const QJsonObject &e : sse.ofKind(QStringLiteral("session"))) {
            if (e.value(QStringLiteral("type")).toString() == QLatin1String("expired") &&
                e.value(QStringLiteral("seq")).toInteger() > messageSeq &&
                e.value(QStringLiteral("expired")).toInt() >= 1)
                return true;
        }
        return false;
    };
    QVERIFY(QTest::qWaitFor(toldOnStream, 10000));
    sse.abort();
    QVERIFY(front.server->registry()->counters().refusals.value(QStringLiteral("rest_max_event_age")) >= 1u);
    QCOMPARE(front.api->call("DELETE", alice.path(), {}, alice.token).status, 204);
}

SWITCHBOARD_TEST_MAIN(tst_RestSseProsody)
#include "tst_rest_sse_prosody.moc"
