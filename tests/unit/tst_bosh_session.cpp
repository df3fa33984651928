// SPDX-License-Identifier: GPL-3.0-or-later
// The XEP-0124 / XEP-0206 rules of a BOSH session, checked without any socket: a fake upstream stands
// for the XMPP server and a fake responder for each HTTP request; time is a number the test moves.
#include "bosh/boshsession.h"
#include "xmpp/resolver.h"

#include <QCryptographicHash>
#include <QSignalSpy>
#include <QTest>
#include <QXmlStreamReader>

using namespace Switchboard;
using namespace Switchboard::Bosh;

namespace {

struct FakeUpstream final : Upstream
{
    QList<QByteArray> sent;
    QStringList calls;
    OpenParams params;
    bool encrypted = false;
    void open(const OpenParams &p) override
    {
        params = p;
        calls << QStringLiteral("open");
    }
    void restart(const QString &lang, const Xmpp::StreamAttributes &extra) override
    {
        QString call = QStringLiteral("restart:") + lang;
        for (const auto &[name, value] : extra)
            call += u';' + name + u'=' + value;
        calls << call;
    }
    void send(const QByteArray &xml) override { sent << xml; }
    void close() override { calls << QStringLiteral("close"); }
    bool isEncrypted() const override { return encrypted; }
    QString peer() const override { return QStringLiteral("127.0.0.1:5222"); }
};

struct FakeResponder final : Responder
{
    int count = 0;
    int status = 0;
    QByteArray body;
    bool alive = true;
    bool writeFails = false; ///< the connection looks alive, but the answer cannot be written
    int order = 0;           ///< when it was answered, among all responders of the test run (1, 2, ...)
    static inline int answered = 0;
    bool send(int s, const QByteArray &b) override
    {
        ++count;
        status = s;
        body = b;
        order = ++answered;
        return alive && !writeFails;
    }
    bool isAlive() const override { return alive; }
    void onGone(std::function<void()> handler) override { gone = std::move(handler); }
    /// The client's connection closes before an answer.
    void goAway()
    {
        alive = false;
        if (gone)
            gone();
    }
    std::function<void()> gone;
};

/// A response body read back: the <body/> attributes and its children's local names.
struct Parsed
{
    QMap<QString, QString> attrs;
    QStringList children;
    QString text;
    bool ok = false;
    QString operator[](const QString &name) const { return attrs.value(name); }
};

Parsed parse(const QByteArray &xml)
{
    Parsed out;
    QXmlStreamReader reader(xml);
    if (!reader.readNextStartElement() || reader.name() != QLatin1String("body") ||
        reader.namespaceUri() != QLatin1String("http://jabber.org/protocol/httpbind"))
        return out;
    for (const QXmlStreamAttribute &a : reader.attributes()) {
        const QString name = a.namespaceUri() == QLatin1String("urn:xmpp:xbosh")
                                 ? QStringLiteral("xmpp:") + a.name().toString()
                                 : a.qualifiedName().toString();
        out.attrs.insert(name, a.value().toString());
    }
    while (reader.readNextStartElement()) {
        out.children << reader.name().toString();
        out.text += reader.readElementText(QXmlStreamReader::IncludeChildElements);
    }
    out.ok = !reader.hasError();
    return out;
}

const QByteArray kFeatures =
    "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
    "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
    "</mechanisms></stream:features>";

class Fixture
{
public:
    Config config;
    qint64 now = 1000000;
    Monitor::Hub hub;
    Coalescer coalescer; // outlives the session
    EndedSessions ended; // outlives the session
    QList<FakeUpstream *> upstreams;
    QStringList streamNames;
    std::unique_ptr<BoshSession> session;
    qint64 nextRid = 100;
    QString stream;

    Fixture()
    {
        config.defaultWait = 60;
        config.maxWait = 120;
        config.defaultInactivity = 30;
        config.maxPause = 120;
        config.polling = 2;
        config.maxBoshConnections = 2;
        config.windowSize = 2;
    }

    void make(const Xmpp::Resolver *resolver = nullptr)
    {
        BoshSession::Context context;
        context.sid = QStringLiteral("sid1");
        context.resolver = resolver;
        context.coalescer = &coalescer;
        context.ended = &ended;
        session = std::make_unique<BoshSession>(
            config, context,
            [this](BoshSession *, const QString &name) {
                auto up = std::make_unique<FakeUpstream>();
                upstreams << up.get();
                streamNames << name;
                return up;
            },
            [this] { return now; }, &hub);
    }

    static Body body(QMap<QString, QString> attrs, QList<QByteArray> payloads = {})
    {
        Body b;
        b.attributes = std::move(attrs);
        b.payloads = std::move(payloads);
        return b;
    }

    /// Creates a session (ver 1.6, hold 1 unless given) and answers it with the features.
    std::shared_ptr<FakeResponder> create(QMap<QString, QString> extra = {}, bool answerFeatures = true)
    {
        make();
        QMap<QString, QString> attrs{{QStringLiteral("rid"), QString::number(nextRid)},
                                     {QStringLiteral("to"), QStringLiteral("example.com")},
                                     {QStringLiteral("wait"), QStringLiteral("60")},
                                     {QStringLiteral("hold"), QStringLiteral("1")},
                                     {QStringLiteral("ver"), QStringLiteral("1.6")},
                                     {QStringLiteral("xmpp:version"), QStringLiteral("1.0")}};
        for (auto it = extra.cbegin(); it != extra.cend(); ++it) {
            if (it.value().isNull())
                attrs.remove(it.key());
            else
                attrs.insert(it.key(), it.value());
        }
        ++nextRid;
        auto responder = std::make_shared<FakeResponder>();
        session->create(body(attrs), responder);
        if (answerFeatures && !upstreams.isEmpty()) {
            stream = streamNames.first();
            Xmpp::StreamHeader header;
            header.id = QStringLiteral("streamid1");
            header.version = QStringLiteral("1.0");
            session->upstreamOpened(stream, header);
            session->upstreamElement(stream, kFeatures);
            if (!QTest::qWaitFor([&responder] { return responder->count == 1; }, 1000))
                qWarning("the creation response did not come");
        }
        return responder;
    }

    std::shared_ptr<FakeResponder> request(QMap<QString, QString> attrs = {}, QList<QByteArray> payloads = {},
                                           qint64 rid = 0)
    {
        attrs.insert(QStringLiteral("rid"), QString::number(rid ? rid : nextRid++));
        attrs.insert(QStringLiteral("sid"), QStringLiteral("sid1"));
        auto responder = std::make_shared<FakeResponder>();
        session->handleRequest(body(attrs, payloads), responder);
        return responder;
    }

    FakeUpstream *up(int i = 0) { return upstreams.value(i); }
};

const QByteArray kMessage = "<message xmlns='jabber:client' to='bob@example.com' from='alice@example.com/r' "
                            "id='m1' type='chat'><body>hi</body></message>";

/// Keys as a client reveals them (§15): K(n) = hex(SHA-1(K(n+1))), so each is the hash of the next.
QStringList keyChain()
{
    QStringList keys{QStringLiteral("seed")};
    for (int i = 0; i < 4; ++i)
        keys.prepend(QString::fromLatin1(
            QCryptographicHash::hash(keys.first().toLatin1(), QCryptographicHash::Sha1).toHex()));
    return keys;
}

} // namespace

class tst_BoshSession : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // --- creation (XEP-0124 §7, XEP-0206 §3, §4) ---
    void creationResponseAttributes_data();
    void creationResponseAttributes();
    void creationWaitsForFeatures();
    void creationEchoesFromAsTo();
    void creationErrors_data();
    void creationErrors();
    void creationRefusedByAllowlist_data();
    void creationRefusedByAllowlist();
    void backendFailureDuringCreation_data();
    void backendFailureDuringCreation();
    void creationTimesOutWithoutFeatures();

    // --- rids (XEP-0124 §14) ---
    void forwardsInRidOrder();
    void ridOutsideWindowIsItemNotFound();
    void repeatedRidGetsCachedResponse();
    void repeatedPendingRidReplacesHeldRequest();
    void repeatedRidWithoutCacheIsItemNotFound();
    void undeliveredResponseIsResentOnRetry();
    void heldRequestWhoseConnectionClosedIsDropped();
    void closedConnectionNoticedOnlyWhenAnswering();
    void resentRidOfClosedConnectionIsHeldAgain();
    void emptyResponseResentExactly();
    void windowForgetsResponsesTheClientHas();
    void unwrittenResponseKeptUntilWindowMovesThenBounced();

    // --- acks (XEP-0124 §9) ---
    void acksAdvertisedAndReported();
    void ackAttributeWhenLaterRidReceived();
    void clientAckDropsCachedResponses();
    void requestWithoutAckForgetsEarlierResponses();

    // --- waiting (XEP-0124 §7, §10) ---
    void holdAnswersOldest();
    void payloadAnswersHeldRequest();
    void stanzasOfOneReadShareOneResponse();
    void waitExpiryAnswersEmpty();
    void inactivityEndsSessionAndBounces();
    void requestsKeepSessionAlive();
    void pauseAnswersHeldAndStretchesInactivity();
    void pauseAboveMaxPauseIsPolicyViolation();

    // --- coalescing a held request with the reply to a request that carried payload ---
    void coalescedHeldRequestCarriesReply();
    void coalescingDelayPassesAnswersEmpty();
    void coalescingDelayZeroAnswersAtOnce();
    void coalescingOnlyForPayload();
    void requestDuringCoalescing_data();
    void requestDuringCoalescing();

    // --- overactivity and polling (XEP-0124 §11, §12) ---
    void pollingSessionAnswersAtOnce();
    void pollingTooFastIsPolicyViolation();
    void tooManySimultaneousRequests();
    void emptyRequestChurnIsOveractive();
    void emptyRequestsApartOrAnsweredArePolite();

    // --- what waits for the client is capped ---
    void backlogOverCapEndsSessionAndBounces();

    // --- termination and errors (XEP-0124 §13, §17, XEP-0206 §6) ---
    void clientTerminate();
    void endsThisSideChoseAreKeptForLateRequests();
    void endsTheClientCausedAreNotKept();
    void legacyHttpErrorCodes_data();
    void legacyHttpErrorCodes();
    void remoteStreamError();
    void serverClosesStreamAfterPayloads();
    void operatorTerminate_data();
    void operatorTerminate();

    // --- restart (XEP-0206 §5) ---
    void restartRestartsUpstream();
    void restartWithPayloadIsBadRequest();
    void restartStreamAttrsReachUpstreamHeader();
    void restartStreamAttrsChangingToIsBadRequest();

    // --- keys (XEP-0124 §15) ---
    void keySequencing();
    void keySequencingGuardsRepeatedRids_data();
    void keySequencingGuardsRepeatedRids();

    // --- several streams (XEP-0124 §16) ---
    void multipleStreams();
};

void tst_BoshSession::creationResponseAttributes_data()
{
    QTest::addColumn<QString>("wait");
    QTest::addColumn<QString>("hold");
    QTest::addColumn<QString>("ver");
    QTest::addColumn<QString>("expectWait");
    QTest::addColumn<QString>("expectHold");
    QTest::addColumn<QString>("expectRequests");
    QTest::addColumn<QString>("expectVer");
    QTest::newRow("plain") << "60"
                           << "1"
                           << "1.6"
                           << "60"
                           << "1"
                           << "2"
                           << "1.6";
    QTest::newRow("wait capped") << "500"
                                 << "1"
                                 << "1.11"
                                 << "120"
                                 << "1"
                                 << "2"
                                 << "1.11";
    QTest::newRow("hold capped") << "10"
                                 << "5"
                                 << "1.8"
                                 << "10"
                                 << "2"
                                 << "3"
                                 << "1.8";
    QTest::newRow("newer client ver") << "30"
                                      << "1"
                                      << "1.12"
                                      << "30"
                                      << "1"
                                      << "2"
                                      << "1.11";
    QTest::newRow("polling hold 0") << "30"
                                    << "0"
                                    << "1.6"
                                    << "30"
                                    << "0"
                                    << "2"
                                    << "1.6";
}

void tst_BoshSession::creationResponseAttributes()
{
    QFETCH(QString, wait);
    QFETCH(QString, hold);
    QFETCH(QString, ver);
    Fixture f;
    auto r = f.create(
        {{QStringLiteral("wait"), wait}, {QStringLiteral("hold"), hold}, {QStringLiteral("ver"), ver}});
    QCOMPARE(r->status, 200);
    const Parsed p = parse(r->body);
    QVERIFY2(p.ok, r->body.constData());
    QCOMPARE(p[QStringLiteral("sid")], QStringLiteral("sid1"));
    QTEST(p[QStringLiteral("wait")], "expectWait");
    QTEST(p[QStringLiteral("hold")], "expectHold");
    QTEST(p[QStringLiteral("requests")], "expectRequests");
    QTEST(p[QStringLiteral("ver")], "expectVer");
    QCOMPARE(p[QStringLiteral("inactivity")], QStringLiteral("30"));
    QCOMPARE(p[QStringLiteral("polling")], QStringLiteral("2"));
    QCOMPARE(p[QStringLiteral("maxpause")], QStringLiteral("120"));
    QCOMPARE(p[QStringLiteral("from")], QStringLiteral("example.com"));
    QCOMPARE(p[QStringLiteral("authid")], QStringLiteral("streamid1"));
    QCOMPARE(p[QStringLiteral("xmpp:version")], QStringLiteral("1.0"));
    QCOMPARE(p[QStringLiteral("xmpp:restartlogic")], QStringLiteral("true"));
    QVERIFY(!p[QStringLiteral("stream")].isEmpty());
    QVERIFY(p[QStringLiteral("requests")].toInt() > p[QStringLiteral("hold")].toInt());
    // XEP-0206 §2: the stream features ride in the creation response.
    QCOMPARE(p.children, QStringList{QStringLiteral("features")});
    QCOMPARE(f.up()->params.domain, QStringLiteral("example.com"));
}

void tst_BoshSession::creationWaitsForFeatures()
{
    Fixture f;
    auto r = f.create({}, false);
    QCOMPARE(f.upstreams.size(), 1);
    QCOMPARE(f.up()->calls, QStringList{QStringLiteral("open")});
    f.session->upstreamOpened(f.streamNames.first(), {});
    QCoreApplication::processEvents();
    QCOMPARE(r->count, 0);
    f.session->upstreamElement(f.streamNames.first(), kFeatures);
    QTRY_COMPARE(r->count, 1);
}

void tst_BoshSession::creationEchoesFromAsTo()
{
    Fixture f;
    auto r = f.create({{QStringLiteral("from"), QStringLiteral("alice@example.com")},
                       {QStringLiteral("ua"), QStringLiteral("TestAgent/1")}});
    QCOMPARE(parse(r->body)[QStringLiteral("to")], QStringLiteral("alice@example.com"));
    QCOMPARE(f.up()->params.from, QStringLiteral("alice@example.com"));
}

void tst_BoshSession::creationErrors_data()
{
    QTest::addColumn<QString>("attribute");
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("payload");
    QTest::addColumn<QString>("condition");
    QTest::newRow("no to") << "to" << QString() << false << "improper-addressing";
    QTest::newRow("rid not a number") << "rid"
                                      << "abc" << false << "bad-request";
    QTest::newRow("rid zero") << "rid"
                              << "0" << false << "bad-request";
    QTest::newRow("rid too big") << "rid"
                                 << "9007199254740993" << false << "bad-request";
    QTest::newRow("bad wait") << "wait"
                              << "soon" << false << "bad-request";
    QTest::newRow("payload in creation") << "wait"
                                         << "60" << true << "bad-request";
}

void tst_BoshSession::creationErrors()
{
    QFETCH(QString, attribute);
    QFETCH(QString, value);
    QFETCH(bool, payload);
    Fixture f;
    f.make();
    QMap<QString, QString> attrs{{QStringLiteral("rid"), QStringLiteral("5")},
                                 {QStringLiteral("to"), QStringLiteral("example.com")},
                                 {QStringLiteral("ver"), QStringLiteral("1.6")}};
    if (value.isNull())
        attrs.remove(attribute);
    else
        attrs.insert(attribute, value);
    QSignalSpy finished(f.session.get(), &BoshSession::finished);
    auto r = std::make_shared<FakeResponder>();
    f.session->create(Fixture::body(attrs, payload ? QList<QByteArray>{kMessage} : QList<QByteArray>{}), r);
    QCOMPARE(r->count, 1);
    QCOMPARE(r->status, 200);
    const Parsed p = parse(r->body);
    QCOMPARE(p[QStringLiteral("type")], QStringLiteral("terminate"));
    QTEST(p[QStringLiteral("condition")], "condition");
    QCOMPARE(finished.size(), 1);
    QVERIFY(f.upstreams.isEmpty());
    QCOMPARE(f.hub.sessionCount(), 0);
}

void tst_BoshSession::creationRefusedByAllowlist_data()
{
    QTest::addColumn<QString>("to");
    QTest::addColumn<QString>("route");
    QTest::addColumn<QString>("condition");
    QTest::newRow("allowed") << "example.com" << QString() << QString();
    QTest::newRow("allowed, route to target") << "example.com"
                                              << "xmpp:127.0.0.1:5222" << QString();
    QTest::newRow("unknown domain") << "evil.example" << QString() << "host-unknown";
    QTest::newRow("route elsewhere") << "example.com"
                                     << "xmpp:10.1.2.3:25"
                                     << "host-unknown";
}

void tst_BoshSession::creationRefusedByAllowlist()
{
    QFETCH(QString, to);
    QFETCH(QString, route);
    QFETCH(QString, condition);
    Fixture f;
    f.config.routes = {Route{QStringLiteral("example.com"), QStringLiteral("127.0.0.1"), 5222}};
    Xmpp::Resolver resolver(f.config);
    f.make(&resolver);
    QMap<QString, QString> attrs{{QStringLiteral("rid"), QStringLiteral("5")},
                                 {QStringLiteral("to"), to},
                                 {QStringLiteral("ver"), QStringLiteral("1.6")}};
    if (!route.isNull())
        attrs.insert(QStringLiteral("route"), route);
    auto r = std::make_shared<FakeResponder>();
    f.session->create(Fixture::body(attrs), r);
    if (condition.isEmpty()) {
        QCOMPARE(r->count, 0);
        QCOMPARE(f.upstreams.size(), 1);
        if (!route.isNull())
            QCOMPARE(f.up()->params.route->port, quint16(5222));
    } else {
        QCOMPARE(parse(r->body)[QStringLiteral("condition")], condition);
        QVERIFY(f.upstreams.isEmpty());
    }
}

void tst_BoshSession::backendFailureDuringCreation_data()
{
    QTest::addColumn<int>("failure");
    QTest::addColumn<QString>("condition");
    QTest::newRow("unreachable") << int(Xmpp::LinkFailure::RemoteConnectionFailed)
                                 << "remote-connection-failed";
    QTest::newRow("unknown host") << int(Xmpp::LinkFailure::HostUnknown) << "host-unknown";
    QTest::newRow("lost") << int(Xmpp::LinkFailure::ConnectionLost) << "remote-connection-failed";
}

void tst_BoshSession::backendFailureDuringCreation()
{
    QFETCH(int, failure);
    Fixture f;
    auto r = f.create({}, false);
    QSignalSpy finished(f.session.get(), &BoshSession::finished);
    f.session->upstreamFailed(f.streamNames.first(), Xmpp::LinkFailure(failure), {});
    QTRY_COMPARE(r->count, 1);
    const Parsed p = parse(r->body);
    QCOMPARE(p[QStringLiteral("type")], QStringLiteral("terminate"));
    QTEST(p[QStringLiteral("condition")], "condition");
    QCOMPARE(finished.size(), 1);
    QVERIFY(f.up()->calls.contains(QStringLiteral("close")));
}

void tst_BoshSession::creationTimesOutWithoutFeatures()
{
    Fixture f;
    f.config.connectTimeout = 5;
    auto r = f.create({}, false);
    f.now += 4000;
    f.session->checkTimers();
    QCOMPARE(r->count, 0);
    f.now += 7000;
    f.session->checkTimers();
    QCOMPARE(r->count, 1);
    QCOMPARE(parse(r->body)[QStringLiteral("condition")], QStringLiteral("remote-connection-failed"));
}

void tst_BoshSession::forwardsInRidOrder()
{
    Fixture f;
    f.create({{QStringLiteral("hold"), QStringLiteral("2")}}); // requests = 3
    const qint64 base = f.nextRid;
    auto msg = [](int n) -> QByteArray {
        return QByteArray("<message xmlns='jabber:client' id='") + QByteArray::number(n) + "'/>";
    };
    auto r2 = f.request({}, {msg(2)}, base + 1);
    auto r3 = f.request({}, {msg(3)}, base + 2);
    QVERIFY(f.up()->sent.isEmpty()); // waiting for base
    QCOMPARE(r2->count + r3->count, 0);
    f.request({}, {msg(1)}, base);
    QCOMPARE(f.up()->sent, (QList<QByteArray>{msg(1), msg(2), msg(3)}));
}

void tst_BoshSession::ridOutsideWindowIsItemNotFound()
{
    Fixture f;
    f.create(); // requests = 2
    QSignalSpy finished(f.session.get(), &BoshSession::finished);
    auto r = f.request({}, {}, f.nextRid + 2);
    QCOMPARE(parse(r->body)[QStringLiteral("condition")], QStringLiteral("item-not-found"));
    QCOMPARE(finished.size(), 1);
}

void tst_BoshSession::repeatedRidGetsCachedResponse()
{
    Fixture f;
    f.create();
    const qint64 rid = f.nextRid;
    auto first = f.request();
    f.session->upstreamElement(f.stream, kMessage);
    QTRY_COMPARE(first->count, 1);
    QVERIFY(first->body.contains("<body>hi</body>"));
    auto again = f.request({}, {}, rid);
    QCOMPARE(again->count, 1);
    QCOMPARE(again->body, first->body);
    QCOMPARE(again->status, first->status);
    QVERIFY(!f.session->isFinished());
}

void tst_BoshSession::repeatedPendingRidReplacesHeldRequest()
{
    Fixture f;
    f.create();
    const qint64 rid = f.nextRid;
    auto first = f.request();
    auto second = f.request({}, {}, rid);
    QCOMPARE(first->count, 1);
    QCOMPARE(parse(first->body)[QStringLiteral("type")], QStringLiteral("error"));
    QCOMPARE(second->count, 0);
    f.session->upstreamElement(f.stream, kMessage);
    QTRY_COMPARE(second->count, 1);
    QVERIFY(second->body.contains("<body>hi</body>"));
}

void tst_BoshSession::repeatedRidWithoutCacheIsItemNotFound()
{
    Fixture f;
    f.create(); // window (and cache) of 2
    const qint64 old = f.nextRid;
    for (int i = 0; i < 4; ++i) {
        f.request();
        f.now += 3000; // further apart than `polling`: not overactive
    }
    QVERIFY(!f.session->isFinished());
    auto again = f.request({}, {}, old);
    QCOMPARE(parse(again->body)[QStringLiteral("condition")], QStringLiteral("item-not-found"));
    QVERIFY(f.session->isFinished());
}

void tst_BoshSession::undeliveredResponseIsResentOnRetry()
{
    Fixture f;
    f.create();
    const qint64 rid = f.nextRid;
    auto lost = f.request();
    f.session->upstreamElement(f.stream, kMessage);
    QTRY_COMPARE(lost->count, 1);
    QVERIFY(lost->body.contains("<body>hi</body>"));
    // The answer was written, but the client never saw it: the same rid again gets it again.
    auto retry = f.request({}, {}, rid);
    QCOMPARE(retry->count, 1);
    QCOMPARE(retry->body, lost->body);
}

void tst_BoshSession::heldRequestWhoseConnectionClosedIsDropped()
{
    Fixture f;
    f.create();
    auto gone = f.request();
    QCOMPARE(f.session->heldCount(), 1);
    gone->goAway(); // the page reloads: its connection closes while the request is held
    QTRY_COMPARE(f.session->heldCount(), 0);
    f.session->upstreamElement(f.stream, kMessage);
    QCoreApplication::processEvents();
    QCOMPARE(gone->count, 0);
    // The reloaded page continues with the next rid and gets what arrived in between.
    auto next = f.request();
    QTRY_COMPARE(next->count, 1);
    QCOMPARE(parse(next->body).children, QStringList{QStringLiteral("message")});
}

void tst_BoshSession::closedConnectionNoticedOnlyWhenAnswering()
{
    Fixture f;
    f.create();
    auto gone = f.request();
    gone->alive = false; // closed, and the notice has not come yet
    f.session->upstreamElement(f.stream, kMessage);
    QCoreApplication::processEvents();
    QCOMPARE(gone->count, 0);
    QCOMPARE(f.session->heldCount(), 0);
    auto next = f.request();
    QTRY_COMPARE(next->count, 1);
    QVERIFY(next->body.contains("<body>hi</body>"));
}

void tst_BoshSession::resentRidOfClosedConnectionIsHeldAgain()
{
    Fixture f;
    f.create();
    const qint64 rid = f.nextRid;
    auto gone = f.request();
    gone->goAway();
    QTRY_COMPARE(f.session->heldCount(), 0);
    // XEP-0124 §14.3: after a network failure the client sends the same rid again.
    auto retry = f.request({}, {}, rid);
    QCOMPARE(retry->count, 0);
    QCOMPARE(f.session->heldCount(), 1);
    f.session->upstreamElement(f.stream, kMessage);
    QTRY_COMPARE(retry->count, 1);
    QVERIFY(retry->body.contains("<body>hi</body>"));
    QVERIFY(!f.session->isFinished());
}

void tst_BoshSession::emptyResponseResentExactly()
{
    Fixture f;
    f.create({{QStringLiteral("ack"), QStringLiteral("1")}});
    const qint64 rid = f.nextRid;
    // Acks on: the empty answer carries ack (a later rid came), and the plain empty one does not.
    auto first = f.request({{QStringLiteral("ack"), QString::number(rid - 1)}});
    auto second = f.request({{QStringLiteral("ack"), QString::number(rid - 1)}}); // answers the first
    QCOMPARE(first->count, 1);
    QCOMPARE(parse(first->body)[QStringLiteral("ack")], QString::number(rid + 1));
    f.now += 61000;
    f.session->checkTimers(); // wait expired: the second is answered empty, no later rid
    QCOMPARE(second->count, 1);
    QVERIFY(parse(second->body).ok);
    QVERIFY(!parse(second->body).attrs.contains(QStringLiteral("ack")));
    // §14.3: a repeated rid gets the same bytes again, both kinds.
    auto again = f.request({}, {}, rid + 1);
    QCOMPARE(again->body, second->body);
    QCOMPARE(again->status, second->status);
    auto againFirst = f.request({}, {}, rid);
    QCOMPARE(againFirst->body, first->body);
    QVERIFY(!f.session->isFinished());
}

void tst_BoshSession::windowForgetsResponsesTheClientHas()
{
    Fixture f;
    f.create(); // requests=2, no acks
    const qint64 a = f.nextRid;
    auto r1 = f.request();
    f.session->upstreamElement(f.stream, kMessage);
    QTRY_COMPARE(r1->count, 1);
    auto r2 = f.request(); // a + 1, held
    QCOMPARE(r2->count, 0);
    // Two requests open at most: with a + 1 open, the client may still be waiting for a's response.
    auto againA = f.request({}, {}, a);
    QCOMPARE(againA->body, r1->body);
    auto r3 = f.request(); // a + 2: answers a + 1; a's response has reached the client
    QCOMPARE(r2->count, 1);
    auto againB = f.request({}, {}, a + 1);
    QCOMPARE(againB->body, r2->body);
    auto gone = f.request({}, {}, a);
    QCOMPARE(parse(gone->body)[QStringLiteral("condition")], QStringLiteral("item-not-found"));
    QVERIFY(f.session->isFinished());
    Q_UNUSED(r3);
}

void tst_BoshSession::unwrittenResponseKeptUntilWindowMovesThenBounced()
{
    Fixture f;
    f.create();
    QSignalSpy noClient(&f.hub, &Monitor::Hub::noClient);
    auto r1 = f.request();
    r1->writeFails = true;
    f.session->upstreamElement(f.stream, kMessage);
    QTRY_COMPARE(r1->count, 1);
    f.request(); // a + 1
    QCOMPARE(noClient.size(), 0);
    QVERIFY(f.up()->sent.isEmpty());
    f.request(); // a + 2: a is out of the window, its message never reached the client
    QCOMPARE(noClient.size(), 1);
    QCOMPARE(f.up()->sent.size(), 1);
    QVERIFY2(f.up()->sent.first().contains("recipient-unavailable"), f.up()->sent.first().constData());

    // The same, but the client asks again in time and this time the answer is written: nothing bounces.
    Fixture g;
    g.create();
    QSignalSpy noClientG(&g.hub, &Monitor::Hub::noClient);
    const qint64 b = g.nextRid;
    auto s1 = g.request();
    s1->writeFails = true;
    g.session->upstreamElement(g.stream, kMessage);
    QTRY_COMPARE(s1->count, 1);
    auto retry = g.request({}, {}, b);
    QCOMPARE(retry->body, s1->body);
    g.request();
    g.request();
    QCOMPARE(noClientG.size(), 0);
    QVERIFY(g.up()->sent.isEmpty());
}

void tst_BoshSession::acksAdvertisedAndReported()
{
    Fixture f;
    auto created = f.create({{QStringLiteral("ack"), QStringLiteral("1")}});
    const qint64 creationRid = f.nextRid - 1;
    QCOMPARE(parse(created->body)[QStringLiteral("ack")], QString::number(creationRid));
    // The client gets rid A's response with a payload, but (we pretend) it is lost in transit.
    const qint64 a = f.nextRid;
    auto ra = f.request({{QStringLiteral("ack"), QString::number(creationRid)}});
    f.session->upstreamElement(f.stream, kMessage);
    QTRY_COMPARE(ra->count, 1);
    f.now += 5000;
    // The next request acknowledges only the creation response: report the lost one and its age.
    auto rb = f.request({{QStringLiteral("ack"), QString::number(creationRid)}});
    QCOMPARE(rb->count, 1);
    const Parsed p = parse(rb->body);
    QCOMPARE(p[QStringLiteral("report")], QString::number(a));
    QCOMPARE(p[QStringLiteral("time")], QStringLiteral("5000"));
    // The client asks for rid A again and gets it.
    auto retry = f.request({}, {}, a);
    QCOMPARE(retry->body, ra->body);
}

void tst_BoshSession::ackAttributeWhenLaterRidReceived()
{
    Fixture f;
    f.create({{QStringLiteral("ack"), QStringLiteral("1")}, {QStringLiteral("hold"), QStringLiteral("1")}});
    const qint64 first = f.nextRid;
    auto r1 = f.request();
    auto r2 = f.request(); // answers r1; the CM has now seen rid first+1
    QCOMPARE(r1->count, 1);
    QCOMPARE(parse(r1->body)[QStringLiteral("ack")], QString::number(first + 1));
    Q_UNUSED(r2);
}

void tst_BoshSession::clientAckDropsCachedResponses()
{
    Fixture f;
    f.create({{QStringLiteral("ack"), QStringLiteral("1")}});
    QSignalSpy acked(&f.hub, &Monitor::Hub::responseAcknowledged);
    const qint64 rid = f.nextRid;
    auto r1 = f.request();
    f.session->upstreamElement(f.stream, kMessage);
    QTRY_COMPARE(r1->count, 1);
    f.request({{QStringLiteral("ack"), QString::number(rid)}});
    QVERIFY(acked.size() >= 2); // the creation response and rid
    QCOMPARE(acked.last().at(1).toLongLong(), rid);
    // An acknowledged response is gone: asking for it again is item-not-found.
    auto again = f.request({}, {}, rid);
    QCOMPARE(parse(again->body)[QStringLiteral("condition")], QStringLiteral("item-not-found"));
}

void tst_BoshSession::requestWithoutAckForgetsEarlierResponses()
{
    Fixture f;
    f.create({{QStringLiteral("ack"), QStringLiteral("1")}});
    QSignalSpy acked(&f.hub, &Monitor::Hub::responseAcknowledged);
    const qint64 rid = f.nextRid;
    auto r1 = f.request({{QStringLiteral("ack"), QString::number(rid - 1)}});
    f.session->upstreamElement(f.stream, kMessage);
    QTRY_COMPARE(r1->count, 1);
    // Still unacknowledged: a resend gets it.
    auto again = f.request({}, {}, rid);
    QCOMPARE(again->body, r1->body);
    // §9.1: no ack attribute means every earlier response arrived.
    f.request();
    QCOMPARE(acked.last().at(1).toLongLong(), rid);
    auto gone = f.request({}, {}, rid);
    QCOMPARE(parse(gone->body)[QStringLiteral("condition")], QStringLiteral("item-not-found"));
}

void tst_BoshSession::holdAnswersOldest()
{
    Fixture f;
    f.create();
    auto r1 = f.request();
    QCOMPARE(r1->count, 0);
    QCOMPARE(f.session->heldCount(), 1);
    auto r2 = f.request();
    QCOMPARE(r1->count, 1);
    const Parsed p = parse(r1->body);
    QVERIFY(p.ok);
    QVERIFY(p.children.isEmpty());
    QVERIFY(!p.attrs.contains(QStringLiteral("type")));
    QCOMPARE(r2->count, 0);
    QCOMPARE(f.session->heldCount(), 1);
}

void tst_BoshSession::payloadAnswersHeldRequest()
{
    Fixture f;
    f.create();
    auto r = f.request({}, {kMessage});
    QCOMPARE(f.up()->sent, QList<QByteArray>{kMessage});
    QCOMPARE(r->count, 0);
    f.session->upstreamElement(f.stream, "<message xmlns='jabber:client' id='x'><body>back</body></message>");
    QTRY_COMPARE(r->count, 1);
    const Parsed p = parse(r->body);
    QCOMPARE(p.children, QStringList{QStringLiteral("message")});
}

void tst_BoshSession::stanzasOfOneReadShareOneResponse()
{
    Fixture f;
    f.create();
    auto r = f.request();
    f.session->upstreamElement(f.stream, "<message xmlns='jabber:client' id='1'/>");
    f.session->upstreamElement(f.stream, "<message xmlns='jabber:client' id='2'/>");
    QTRY_COMPARE(r->count, 1);
    QCOMPARE(parse(r->body).children.size(), 2);
}

void tst_BoshSession::waitExpiryAnswersEmpty()
{
    Fixture f;
    f.create({{QStringLiteral("wait"), QStringLiteral("10")}});
    auto r = f.request();
    f.now += 9000;
    f.session->checkTimers();
    QCOMPARE(r->count, 0);
    f.now += 1000;
    f.session->checkTimers();
    QCOMPARE(r->count, 1);
    const Parsed p = parse(r->body);
    QVERIFY(p.ok);
    QVERIFY(p.children.isEmpty());
    QVERIFY(!f.session->isFinished());
}

void tst_BoshSession::inactivityEndsSessionAndBounces()
{
    Fixture f;
    f.create(); // inactivity 30
    QSignalSpy finished(f.session.get(), &BoshSession::finished);
    QSignalSpy noClient(&f.hub, &Monitor::Hub::noClient);
    QCOMPARE(f.session->heldCount(), 0);
    // A message from the server arrives while no request is held; the client never comes back.
    f.session->upstreamElement(f.stream, kMessage);
    QCoreApplication::processEvents();
    f.now += 29000;
    f.session->checkTimers();
    QCOMPARE(finished.size(), 0);
    f.now += 2000;
    f.session->checkTimers();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(noClient.size(), 1);
    // XEP-0206 §7: the message goes back to its sender as an error before the stream closes.
    QCOMPARE(f.up()->sent.size(), 1);
    const QByteArray bounce = f.up()->sent.first();
    QVERIFY2(bounce.contains("type=\"error\"") && bounce.contains("recipient-unavailable") &&
                 bounce.contains("to=\"alice@example.com/r\""),
             bounce.constData());
    QCOMPARE(f.up()->calls.last(), QStringLiteral("close"));
    // A later request for the session is item-not-found.
    auto late = f.request();
    QCOMPARE(parse(late->body)[QStringLiteral("condition")], QStringLiteral("item-not-found"));
}

void tst_BoshSession::requestsKeepSessionAlive()
{
    Fixture f;
    f.create({{QStringLiteral("wait"), QStringLiteral("20")}}); // inactivity 30
    for (int i = 0; i < 5; ++i) {
        auto r = f.request();
        f.now += 20000;
        f.session->checkTimers();
        QCOMPARE(r->count, 1);
    }
    QVERIFY(!f.session->isFinished());
}

void tst_BoshSession::pauseAnswersHeldAndStretchesInactivity()
{
    Fixture f;
    f.create({{QStringLiteral("hold"), QStringLiteral("2")}});
    auto r1 = f.request();
    auto r2 = f.request();
    QCOMPARE(r1->count + r2->count, 0);
    auto pause = f.request({{QStringLiteral("pause"), QStringLiteral("100")}});
    QCOMPARE(r1->count, 1);
    QCOMPARE(r2->count, 1);
    QCOMPARE(pause->count, 1);
    QCOMPARE(f.session->heldCount(), 0);
    f.now += 90000; // beyond inactivity (30) but within the pause
    f.session->checkTimers();
    QVERIFY(!f.session->isFinished());
    f.now += 11000;
    f.session->checkTimers();
    QVERIFY(f.session->isFinished());
}

void tst_BoshSession::pauseAboveMaxPauseIsPolicyViolation()
{
    Fixture f;
    f.create();
    auto r = f.request({{QStringLiteral("pause"), QStringLiteral("121")}});
    QCOMPARE(parse(r->body)[QStringLiteral("condition")], QStringLiteral("policy-violation"));
}

namespace {
const QByteArray kEcho = "<message xmlns='jabber:client' from='alice@example.com/r' to='alice@example.com/r' "
                         "id='m1' type='chat'><body>hi</body></message>";
} // namespace

void tst_BoshSession::coalescedHeldRequestCarriesReply()
{
    // strophe.js: one poll held (hold=1, requests=2), then a request with a message the server answers.
    Fixture f;
    f.config.boshCoalesceDelay = 100;
    f.create();
    auto poll = f.request();
    auto sending = f.request({}, {kMessage});
    QCOMPARE(f.up()->sent, QList<QByteArray>{kMessage});
    QCOMPARE(poll->count, 0); // kept for the reply instead of answered empty
    QCOMPARE(f.session->heldCount(), 2);
    QVERIFY(f.session->coalescing());
    QCOMPARE(f.coalescer.pending(), 1);
    QVERIFY(f.coalescer.isArmed());
    f.session->upstreamElement(f.stream, kEcho);
    QTRY_COMPARE(poll->count, 1);
    const Parsed p = parse(poll->body);
    QVERIFY(p.ok);
    QCOMPARE(p.children, QStringList{QStringLiteral("message")});
    QCOMPARE(p.text, QStringLiteral("hi"));
    // The later request stays held, as `hold` says; nothing waits above it any more.
    QCOMPARE(sending->count, 0);
    QCOMPARE(f.session->heldCount(), 1);
    QVERIFY(!f.session->coalescing());
    // No timer left armed for it.
    QCOMPARE(f.coalescer.pending(), 0);
    QVERIFY(!f.coalescer.isArmed());
    // The next reply goes to it.
    f.session->upstreamElement(f.stream, "<message xmlns='jabber:client' id='x'><body>two</body></message>");
    QTRY_COMPARE(sending->count, 1);
    QCOMPARE(parse(sending->body).text, QStringLiteral("two"));
    QVERIFY(poll->order < sending->order);
}

void tst_BoshSession::coalescingDelayPassesAnswersEmpty()
{
    Fixture f;
    f.config.boshCoalesceDelay = 20;
    f.create();
    auto poll = f.request();
    auto sending = f.request({}, {kMessage});
    QCOMPARE(poll->count, 0);
    QVERIFY(f.session->coalescing());
    // No reply from the server: the oldest is answered empty once the delay is over.
    QTRY_COMPARE(poll->count, 1);
    const Parsed p = parse(poll->body);
    QVERIFY(p.ok);
    QVERIFY(p.children.isEmpty());
    QVERIFY(!p.attrs.contains(QStringLiteral("type")));
    QCOMPARE(sending->count, 0);
    QCOMPARE(f.session->heldCount(), 1);
    QVERIFY(!f.session->coalescing());
    QVERIFY(!f.session->isFinished());
    // A reply later goes to the request still held.
    f.session->upstreamElement(f.stream, kEcho);
    QTRY_COMPARE(sending->count, 1);
    QCOMPARE(parse(sending->body).children, QStringList{QStringLiteral("message")});
    QVERIFY(poll->order < sending->order);
}

void tst_BoshSession::coalescingDelayZeroAnswersAtOnce()
{
    Fixture f;
    f.config.boshCoalesceDelay = 0;
    f.create();
    auto poll = f.request();
    auto sending = f.request({}, {kMessage});
    QCOMPARE(poll->count, 1);
    QVERIFY(parse(poll->body).children.isEmpty());
    QCOMPARE(sending->count, 0);
    QCOMPARE(f.session->heldCount(), 1);
    QVERIFY(!f.session->coalescing());
}

void tst_BoshSession::coalescingOnlyForPayload()
{
    // An empty request gives the server nothing to answer: the oldest goes back at once.
    Fixture f;
    f.config.boshCoalesceDelay = 100;
    f.create();
    auto first = f.request();
    auto second = f.request();
    QCOMPARE(first->count, 1);
    QVERIFY(!f.session->coalescing());
    // Something already queued for the client answers the oldest with it, without waiting.
    f.session->upstreamElement(f.stream, kEcho);
    QTRY_COMPARE(second->count, 1);
    auto third = f.request();
    f.session->upstreamElement(f.stream,
                               "<message xmlns='jabber:client' id='q'><body>queued</body></message>");
    auto fourth = f.request({}, {kMessage});
    QCOMPARE(third->count, 1);
    QCOMPARE(parse(third->body).text, QStringLiteral("queued"));
    QVERIFY(!f.session->coalescing());
    QCOMPARE(fourth->count, 0);
}

void tst_BoshSession::requestDuringCoalescing_data()
{
    QTest::addColumn<QMap<QString, QString>>("attrs");
    QTest::addColumn<QList<QByteArray>>("payloads");
    QTest::addColumn<bool>("answered"); ///< the new request itself is answered at once
    QTest::addColumn<int>("held");
    QTest::addColumn<bool>("finished");
    // Not a third simultaneous request (XEP-0124 §11), just as without the delay: it is held.
    QTest::newRow("empty") << QMap<QString, QString>() << QList<QByteArray>() << false << 1 << false;
    // §11: a terminate may be one request above `requests`.
    QTest::newRow("terminate") << QMap<QString, QString>{{QStringLiteral("type"),
                                                          QStringLiteral("terminate")}}
                               << QList<QByteArray>{"<presence xmlns='jabber:client' type='unavailable'/>"}
                               << true << 0 << true;
    QTest::newRow("pause") << QMap<QString, QString>{{QStringLiteral("pause"), QStringLiteral("60")}}
                           << QList<QByteArray>() << true << 0 << false;
}

void tst_BoshSession::requestDuringCoalescing()
{
    using Attrs = QMap<QString, QString>;
    QFETCH(Attrs, attrs);
    QFETCH(QList<QByteArray>, payloads);
    QFETCH(bool, answered);
    QFETCH(bool, finished);
    Fixture f;
    f.config.boshCoalesceDelay = 100;
    f.create(); // hold 1, requests 2
    auto poll = f.request();
    auto sending = f.request({}, {kMessage});
    QVERIFY(f.session->coalescing());
    // The wait ends before the new request is judged: the poll counts as answered. Everything above
    // `hold` is answered at once, oldest first.
    auto next = f.request(attrs, payloads);
    QCOMPARE(poll->count, 1);
    QVERIFY(parse(poll->body).children.isEmpty());
    QCOMPARE(sending->count, 1);
    QVERIFY(poll->order < sending->order);
    QCOMPARE(next->count, answered ? 1 : 0);
    if (answered)
        QVERIFY(sending->order < next->order);
    QTEST(f.session->heldCount(), "held");
    QVERIFY(!f.session->coalescing());
    QVERIFY(!f.coalescer.isArmed());
    QCOMPARE(f.session->isFinished(), finished);
    if (finished) {
        QCOMPARE(parse(next->body)[QStringLiteral("type")], QStringLiteral("terminate"));
        QVERIFY(f.up()->calls.contains(QStringLiteral("close")));
    }
}

void tst_BoshSession::pollingSessionAnswersAtOnce()
{
    Fixture f;
    f.create({{QStringLiteral("hold"), QStringLiteral("0")}});
    auto r = f.request({}, {kMessage});
    QCOMPARE(r->count, 1);
    f.session->upstreamElement(f.stream, kMessage);
    QCoreApplication::processEvents();
    f.now += 3000;
    auto poll = f.request();
    QCOMPARE(poll->count, 1);
    QCOMPARE(parse(poll->body).children, QStringList{QStringLiteral("message")});
}

void tst_BoshSession::pollingTooFastIsPolicyViolation()
{
    Fixture f;
    f.create({{QStringLiteral("hold"), QStringLiteral("0")}}); // polling 2 s
    auto first = f.request();
    QCOMPARE(first->count, 1);
    f.now += 3000;
    auto second = f.request();
    QVERIFY(!f.session->isFinished());
    f.now += 500;
    auto third = f.request();
    QCOMPARE(parse(third->body)[QStringLiteral("condition")], QStringLiteral("policy-violation"));
    QVERIFY(f.session->isFinished());
}

void tst_BoshSession::tooManySimultaneousRequests()
{
    Fixture f;
    f.create({{QStringLiteral("hold"), QStringLiteral("2")}}); // requests 3
    const qint64 base = f.nextRid;
    auto held = f.request({}, {}, base);        // held
    auto waiting = f.request({}, {}, base + 2); // out of order
    auto over = f.request({}, {}, base + 3);
    QCOMPARE(parse(over->body)[QStringLiteral("condition")], QStringLiteral("policy-violation"));
    // §17.2: the requests that were waiting learn that another request ended the session.
    QCOMPARE(parse(held->body)[QStringLiteral("condition")], QStringLiteral("other-request"));
    QCOMPARE(parse(waiting->body)[QStringLiteral("condition")], QStringLiteral("other-request"));
}

void tst_BoshSession::emptyRequestChurnIsOveractive()
{
    Fixture f;
    f.create(); // hold 1, requests 2, polling 2 s
    // Four empty requests at once: each pushes the one before out with an empty answer.
    auto first = f.request();
    auto second = f.request();
    QCOMPARE(first->count, 1);
    QVERIFY(!f.session->isFinished());
    auto third = f.request();
    QCOMPARE(parse(third->body)[QStringLiteral("condition")], QStringLiteral("policy-violation"));
    QCOMPARE(parse(second->body)[QStringLiteral("condition")], QStringLiteral("other-request"));
    QVERIFY(f.session->isFinished());
}

void tst_BoshSession::emptyRequestsApartOrAnsweredArePolite()
{
    Fixture f;
    f.create();
    // Spaced by `polling`: fine however many.
    for (int i = 0; i < 5; ++i) {
        f.request();
        f.now += 2000;
    }
    QVERIFY(!f.session->isFinished());
    // Close together, but the server had something to say each time: fine too.
    for (int i = 0; i < 5; ++i) {
        auto r = f.request();
        f.session->upstreamElement(f.stream, kMessage);
        QTRY_COMPARE(r->count, 1);
    }
    QVERIFY(!f.session->isFinished());
    // Requests with payloads are not polls.
    for (int i = 0; i < 5; ++i)
        f.request({}, {kMessage});
    QVERIFY(!f.session->isFinished());
}

void tst_BoshSession::backlogOverCapEndsSessionAndBounces()
{
    Fixture f;
    f.config.maxClientBacklog = 16384;
    f.create();
    QSignalSpy finished(f.session.get(), &BoshSession::finished);
    // The client stops polling; the server keeps sending.
    const QByteArray big =
        "<message xmlns='jabber:client' from='room@muc.example.com/x' to='alice@example.com/r' "
        "id='big' type='groupchat'><body>" +
        QByteArray(3800, 'x') + "</body></message>";
    for (int i = 0; i < 4; ++i)
        f.session->upstreamElement(f.stream, big);
    QCoreApplication::processEvents();
    QVERIFY(4 * big.size() <= f.config.maxClientBacklog && 5 * big.size() > f.config.maxClientBacklog);
    QVERIFY(!f.session->isFinished());
    f.session->upstreamElement(f.stream, big);
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(finished.first().at(1).value<Condition>(), Condition::PolicyViolation);
    // Nothing silently dropped: every queued stanza went back to its sender.
    int bounced = 0;
    for (const QByteArray &sent : std::as_const(f.up()->sent))
        bounced += sent.contains("type='error'") || sent.contains("type=\"error\"");
    QCOMPARE(bounced, 5);
    QCOMPARE(f.up()->calls.last(), QStringLiteral("close"));
}

void tst_BoshSession::clientTerminate()
{
    Fixture f;
    f.create();
    QSignalSpy finished(f.session.get(), &BoshSession::finished);
    auto held = f.request();
    const QByteArray presence = "<presence xmlns='jabber:client' type='unavailable'/>";
    auto term = f.request({{QStringLiteral("type"), QStringLiteral("terminate")}}, {presence});
    QCOMPARE(f.up()->sent, QList<QByteArray>{presence});
    QCOMPARE(f.up()->calls.last(), QStringLiteral("close"));
    QCOMPARE(held->count, 1);
    QVERIFY(!parse(held->body).attrs.contains(QStringLiteral("type")));
    QCOMPARE(term->count, 1);
    const Parsed p = parse(term->body);
    QCOMPARE(p[QStringLiteral("type")], QStringLiteral("terminate"));
    QVERIFY(!p.attrs.contains(QStringLiteral("condition")));
    QCOMPARE(finished.size(), 1);
}

void tst_BoshSession::legacyHttpErrorCodes_data()
{
    QTest::addColumn<QString>("what");
    QTest::addColumn<int>("status");
    QTest::newRow("item-not-found") << "window" << 404;
    QTest::newRow("bad-request") << "badrid" << 400;
    QTest::newRow("policy-violation") << "pause" << 403;
}

void tst_BoshSession::legacyHttpErrorCodes()
{
    QFETCH(QString, what);
    Fixture f;
    f.create({{QStringLiteral("ver"), QString()}}); // no ver: a legacy client (§17.1)
    std::shared_ptr<FakeResponder> r;
    if (what == QLatin1String("window"))
        r = f.request({}, {}, f.nextRid + 5);
    else if (what == QLatin1String("badrid")) {
        r = std::make_shared<FakeResponder>();
        f.session->handleRequest(Fixture::body({{QStringLiteral("rid"), QStringLiteral("x")}}), r);
    } else
        r = f.request({{QStringLiteral("pause"), QStringLiteral("9999")}});
    QTEST(r->status, "status");
    QVERIFY(f.session->isFinished());
}

void tst_BoshSession::endsThisSideChoseAreKeptForLateRequests()
{
    const QString sid = QStringLiteral("sid1");
    {
        // The operator's terminate, with its URI.
        Fixture f;
        f.create();
        f.request();
        f.session->terminate(Condition::SeeOtherUri, QStringLiteral("https://other.example/http-bind"));
        const std::optional<EndedSessions::Answer> kept = f.ended.find(sid);
        QVERIFY(kept);
        QCOMPARE(parse(kept->body)[QStringLiteral("condition")], QStringLiteral("see-other-uri"));
        QVERIFY(kept->body.contains("<uri>https://other.example/http-bind</uri>"));
    }
    {
        // The server link failed: the held request and a late one learn the same.
        Fixture f;
        f.create();
        auto r = f.request();
        f.session->upstreamFailed(f.stream, Xmpp::LinkFailure::RemoteStreamError, {});
        QTRY_COMPARE(r->count, 1);
        QVERIFY(f.session->isFinished());
        const std::optional<EndedSessions::Answer> kept = f.ended.find(sid);
        QVERIFY(kept);
        QCOMPARE(parse(kept->body)[QStringLiteral("condition")], parse(r->body)[QStringLiteral("condition")]);
    }
    {
        // The server closed the stream while no request was held.
        Fixture f;
        f.create();
        f.session->upstreamClosed(f.stream);
        QCoreApplication::processEvents();
        auto r = f.request();
        QVERIFY(f.session->isFinished());
        QVERIFY(f.ended.find(sid));
    }
}

void tst_BoshSession::endsTheClientCausedAreNotKept()
{
    const QString sid = QStringLiteral("sid1");
    {
        // §14.1: after a rid outside the window, later requests get item-not-found.
        Fixture f;
        f.create();
        f.request({}, {}, f.nextRid + 2);
        QVERIFY(f.session->isFinished());
        QVERIFY(!f.ended.find(sid));
    }
    {
        // Its own terminate.
        Fixture f;
        f.create();
        f.request({{QStringLiteral("type"), QStringLiteral("terminate")}});
        QVERIFY(f.session->isFinished());
        QVERIFY(!f.ended.find(sid));
    }
    {
        // A request the front refused (a stanza over the cap): it gets the condition, the held one
        // other-request (§17.2).
        Fixture f;
        f.create();
        auto held = f.request();
        auto refused = std::make_shared<FakeResponder>(); // refused before it reached the session
        f.session->refuse(Condition::PolicyViolation, refused);
        QCOMPARE(parse(refused->body)[QStringLiteral("condition")], QStringLiteral("policy-violation"));
        QCOMPARE(parse(held->body)[QStringLiteral("condition")], QStringLiteral("other-request"));
        QVERIFY(f.session->isFinished());
        QVERIFY(!f.ended.find(sid));
    }
}

void tst_BoshSession::remoteStreamError()
{
    Fixture f;
    f.create();
    auto r = f.request();
    const QByteArray error = "<stream:error xmlns:stream='http://etherx.jabber.org/streams'>"
                             "<conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>";
    f.session->upstreamFailed(f.stream, Xmpp::LinkFailure::RemoteStreamError, error);
    QTRY_COMPARE(r->count, 1);
    const Parsed p = parse(r->body);
    QVERIFY2(p.ok, r->body.constData());
    QCOMPARE(p[QStringLiteral("type")], QStringLiteral("terminate"));
    QCOMPARE(p[QStringLiteral("condition")], QStringLiteral("remote-stream-error"));
    QCOMPARE(p.children, QStringList{QStringLiteral("error")});
    QVERIFY(f.session->isFinished());
}

void tst_BoshSession::serverClosesStreamAfterPayloads()
{
    Fixture f;
    f.create();
    f.session->upstreamElement(f.stream, kMessage);
    f.session->upstreamClosed(f.stream);
    QCoreApplication::processEvents();
    auto r = f.request();
    // Nothing lost: the message arrives together with the end of the session.
    const Parsed p = parse(r->body);
    QCOMPARE(p[QStringLiteral("type")], QStringLiteral("terminate"));
    QCOMPARE(p.children, QStringList{QStringLiteral("message")});
    QVERIFY(f.session->isFinished());
}

void tst_BoshSession::operatorTerminate_data()
{
    QTest::addColumn<int>("condition");
    QTest::addColumn<QString>("name");
    QTest::newRow("system-shutdown") << int(Condition::SystemShutdown) << "system-shutdown";
    QTest::newRow("see-other-uri") << int(Condition::SeeOtherUri) << "see-other-uri";
    QTest::newRow("other-request") << int(Condition::OtherRequest) << "other-request";
}

void tst_BoshSession::operatorTerminate()
{
    QFETCH(int, condition);
    Fixture f;
    f.create();
    auto r = f.request();
    f.session->terminate(Condition(condition), QStringLiteral("https://other.example/http-bind"));
    QCOMPARE(r->count, 1);
    const Parsed p = parse(r->body);
    QTEST(p[QStringLiteral("condition")], "name");
    if (Condition(condition) == Condition::SeeOtherUri)
        QCOMPARE(p.children, QStringList{QStringLiteral("uri")});
    QCOMPARE(f.up()->calls.last(), QStringLiteral("close"));
}

void tst_BoshSession::restartRestartsUpstream()
{
    Fixture f;
    f.create({{QStringLiteral("xml:lang"), QStringLiteral("en")}});
    QSignalSpy restarted(&f.hub, &Monitor::Hub::streamRestarted);
    auto r = f.request({{QStringLiteral("xmpp:restart"), QStringLiteral("true")},
                        {QStringLiteral("to"), QStringLiteral("example.com")}});
    QCOMPARE(f.up()->calls.last(), QStringLiteral("restart:en"));
    QCOMPARE(restarted.size(), 1);
    QCOMPARE(r->count, 0);
    f.session->upstreamOpened(f.stream, {});
    f.session->upstreamElement(f.stream, kFeatures);
    QTRY_COMPARE(r->count, 1);
    QCOMPARE(parse(r->body).children, QStringList{QStringLiteral("features")});
}

void tst_BoshSession::restartWithPayloadIsBadRequest()
{
    Fixture f;
    f.create();
    auto r = f.request({{QStringLiteral("xmpp:restart"), QStringLiteral("true")}}, {kMessage});
    QCOMPARE(parse(r->body)[QStringLiteral("condition")], QStringLiteral("bad-request"));
    QVERIFY(f.up()->sent.isEmpty());
}

void tst_BoshSession::restartStreamAttrsReachUpstreamHeader()
{
    // node-xmpp-bosh's stream_attrs: the members become attributes of the restarted stream's header.
    Fixture f;
    f.create({{QStringLiteral("xml:lang"), QStringLiteral("en")}});
    auto r = f.request({{QStringLiteral("xmpp:restart"), QStringLiteral("true")},
                        {QStringLiteral("stream_attrs"), QStringLiteral("{\"x-client\":\"legacy 1.0\"}")}});
    QCOMPARE(f.up()->calls.last(), QStringLiteral("restart:en;x-client=legacy 1.0"));
    QCOMPARE(r->count, 0);
}

void tst_BoshSession::restartStreamAttrsChangingToIsBadRequest()
{
    Fixture f;
    f.create();
    auto r = f.request({{QStringLiteral("xmpp:restart"), QStringLiteral("true")},
                        {QStringLiteral("stream_attrs"), QStringLiteral("{\"to\":\"elsewhere.example\"}")}});
    QCOMPARE(r->count, 1);
    const Parsed p = parse(r->body);
    QCOMPARE(p[QStringLiteral("type")], QStringLiteral("terminate"));
    QCOMPARE(p[QStringLiteral("condition")], QStringLiteral("bad-request"));
    // The server never saw a restart, let alone one toward another domain.
    QVERIFY(!f.up()->calls.join(u' ').contains(QLatin1String("restart")));
    QCOMPARE(f.up()->calls.last(), QStringLiteral("close"));
}

void tst_BoshSession::keySequencing()
{
    const QStringList keys = keyChain();
    Fixture f;
    f.create({{QStringLiteral("newkey"), keys.at(0)}});
    auto ok1 = f.request({{QStringLiteral("key"), keys.at(1)}});
    auto ok2 = f.request({{QStringLiteral("key"), keys.at(2)}});
    QVERIFY(!f.session->isFinished());
    auto bad = f.request({{QStringLiteral("key"), QStringLiteral("0000")}});
    QCOMPARE(parse(bad->body)[QStringLiteral("condition")], QStringLiteral("item-not-found"));
    QVERIFY(f.session->isFinished());
    Q_UNUSED(ok1);
    Q_UNUSED(ok2);

    Fixture g;
    g.create({{QStringLiteral("newkey"), keys.at(0)}});
    auto missing = g.request();
    QCOMPARE(parse(missing->body)[QStringLiteral("condition")], QStringLiteral("item-not-found"));
}

void tst_BoshSession::keySequencingGuardsRepeatedRids_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("rightKey");
    for (const char *path : {"held", "cached", "out-of-order"}) {
        QTest::addRow("%s, right key", path) << QString::fromLatin1(path) << true;
        QTest::addRow("%s, wrong key", path) << QString::fromLatin1(path) << false;
        QTest::addRow("%s, no key", path) << QString::fromLatin1(path) << false;
    }
}

// §15: a repeated rid takes over a held request, reads a cached answer or replaces a request waiting for
// its turn only with the key its first request carried.
void tst_BoshSession::keySequencingGuardsRepeatedRids()
{
    QFETCH(QString, path);
    QFETCH(bool, rightKey);
    const QStringList keys = keyChain();
    Fixture f;
    f.create({{QStringLiteral("newkey"), keys.at(0)}});
    const qint64 rid = f.nextRid;
    std::shared_ptr<FakeResponder> first;
    if (path == QLatin1String("out-of-order")) {
        first = f.request({{QStringLiteral("key"), keys.at(2)}}, {}, rid + 1); // waits for rid
    } else {
        first = f.request({{QStringLiteral("key"), keys.at(1)}});
        if (path == QLatin1String("cached")) {
            f.session->upstreamElement(f.stream, kMessage);
            QTRY_COMPARE(first->count, 1);
        }
    }
    const qint64 repeated = path == QLatin1String("out-of-order") ? rid + 1 : rid;
    const QString key = path == QLatin1String("out-of-order") ? keys.at(2) : keys.at(1);
    QMap<QString, QString> attrs;
    if (rightKey)
        attrs.insert(QStringLiteral("key"), key);
    else if (QTest::currentDataTag() == QByteArray(path.toLatin1() + ", wrong key"))
        attrs.insert(QStringLiteral("key"), keys.at(3));
    const int firstCount = first->count;
    auto again = f.request(attrs, {}, repeated);
    if (rightKey) {
        QVERIFY(!f.session->isFinished());
        if (path == QLatin1String("cached"))
            QCOMPARE(again->body, first->body);
        else
            QCOMPARE(parse(first->body)[QStringLiteral("type")], QStringLiteral("error")); // taken over
    } else {
        QCOMPARE(parse(again->body)[QStringLiteral("condition")], QStringLiteral("item-not-found"));
        QVERIFY(f.session->isFinished());
        if (path == QLatin1String("cached"))
            QCOMPARE(first->count, firstCount);
    }
}

void tst_BoshSession::multipleStreams()
{
    Fixture f;
    f.create({{QStringLiteral("hold"), QStringLiteral("1")}});
    const QString first = f.stream;
    // §16.3: an empty body with `to` opens a second stream, answered with its name.
    auto add = f.request({{QStringLiteral("to"), QStringLiteral("other.example")}});
    QCOMPARE(f.upstreams.size(), 2);
    QCOMPARE(f.up(1)->params.domain, QStringLiteral("other.example"));
    const QString second = f.streamNames.at(1);
    f.session->upstreamOpened(second, {});
    f.session->upstreamElement(second, kFeatures);
    QTRY_COMPARE(add->count, 1);
    Parsed p = parse(add->body);
    QCOMPARE(p[QStringLiteral("stream")], second);
    QCOMPARE(p[QStringLiteral("from")], QStringLiteral("other.example"));
    QCOMPARE(p.children, QStringList{QStringLiteral("features")});

    // Payloads without a stream name are ambiguous now.
    // With a name they go to that stream only.
    auto r = f.request({{QStringLiteral("stream"), second}}, {kMessage});
    QCOMPARE(f.up(1)->sent, QList<QByteArray>{kMessage});
    QVERIFY(f.up(0)->sent.isEmpty());
    // Responses with payloads say which stream they come from.
    f.session->upstreamElement(first, kMessage);
    QTRY_COMPARE(r->count, 1);
    QCOMPARE(parse(r->body)[QStringLiteral("stream")], first);

    // Closing one stream leaves the session.
    auto close = f.request(
        {{QStringLiteral("type"), QStringLiteral("terminate")}, {QStringLiteral("stream"), second}});
    QVERIFY(f.up(1)->calls.contains(QStringLiteral("close")));
    QVERIFY(!f.session->isFinished());
    QCOMPARE(f.session->streamCount(), 1);
    Q_UNUSED(close);

    // An unknown stream name is item-not-found; a second fixture checks the ambiguity rule.
    Fixture g;
    g.create();
    auto add2 = g.request({{QStringLiteral("to"), QStringLiteral("other.example")}});
    Q_UNUSED(add2);
    auto ambiguous = g.request({}, {kMessage});
    QCOMPARE(parse(ambiguous->body)[QStringLiteral("condition")], QStringLiteral("bad-request"));
}

QTEST_GUILESS_MAIN(tst_BoshSession)
#include "tst_bosh_session.moc"
