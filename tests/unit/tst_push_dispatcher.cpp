// SPDX-License-Identifier: GPL-3.0-or-later
// The delivery rules without a network (a fake transport and a clock): one push per interval per target
// while events stay unread, folded notices carry the newest, acknowledging ends the interval; network
// errors, 429 and 5xx are retried with capped exponential backoff and jitter; 404/410 drop a Web Push
// subscription; push_max_failures failures in a row disable a target; other 4xx and policy refusals are
// not retried; requests carry the webhook signature or the Web Push headers; and PushTarget parsing
// names the offending field.
#include "push/ece.h"
#include "push/pushdispatcher.h"
#include "push/pushtarget.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace Switchboard::Push;
using namespace std::chrono_literals;

namespace {

class FakeTransport final : public PushTransport
{
public:
    struct Sent
    {
        PushRequest request;
        std::function<void(const TransportResult &)> done;
    };
    void send(const PushRequest &request, std::function<void(const TransportResult &)> done) override
    {
        sent.append({request, std::move(done)});
    }
    void answer(int status) { take().done({status, false, {}}); }
    void fail(const QString &error) { take().done({0, false, error}); }
    void refuse() { take().done({0, true, QStringLiteral("refused")}); }
    Sent take() { return sent.takeFirst(); }
    QList<Sent> sent;
};

PushTarget webhook()
{
    PushTarget target;
    target.kind = PushTarget::Kind::Webhook;
    target.url = QUrl(QStringLiteral("https://hooks.example.com/in"));
    target.secret = "s3cret";
    return target;
}

PushTarget webPush(const EcKey &userAgent)
{
    PushTarget target;
    target.kind = PushTarget::Kind::WebPush;
    target.url = QUrl(QStringLiteral("https://push.example.net/wpush/abc"));
    target.p256dh = userAgent.publicPoint();
    target.auth = QByteArray(16, 'a');
    return target;
}

PushNotice notice(qint64 seq)
{
    return {QStringLiteral("s1"), seq, seq, QStringLiteral("juliet@example.com"), QStringLiteral("hi")};
}

qint64 lastSeqOf(const PushRequest &request)
{
    return QJsonDocument::fromJson(request.body).object().value(QStringLiteral("last_seq")).toInteger();
}

} // namespace

class tst_PushDispatcher : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void firstNoticePushesAtOnce();
    void noticesWithinTheIntervalAreFolded();
    void acknowledgingEndsTheInterval();
    void retriesWithCappedExponentialBackoff();
    void jitterSpreadsRetries();
    void goneDropsTheSubscription();
    void disabledAfterMaxFailuresInARow();
    void successResetsTheFailureCount();
    void clientErrorsAndRefusalsAreNotRetried();
    void webhookRequestIsSigned();
    void webPushRequestIsEncryptedAndAuthorised();
    void settingsAndPolicyFromConfig();
    void targetsFromJson_data();
    void targetsFromJson();

private:
    qint64 m_now = 0;
    double m_random = 0;
    FakeTransport m_transport;
    Vapid m_vapid{EcKey::generate(), QStringLiteral("mailto:ops@example.com")};
    std::unique_ptr<PushDispatcher> m_dispatcher;
    PushDispatcher::Settings m_settings;

    void make(PushDispatcher::Settings settings = {})
    {
        m_dispatcher = std::make_unique<PushDispatcher>(&m_transport, &m_vapid, settings);
        m_dispatcher->setClock([this] { return m_now; }, [this] { return m_random; });
    }
    void advanceTo(qint64 ms)
    {
        m_now = ms;
        m_dispatcher->processDue();
    }
};

void tst_PushDispatcher::init()
{
    m_now = 1000;
    m_random = 0;
    m_transport.sent.clear();
    PushDispatcher::Settings settings;
    settings.interval = 30s;
    settings.maxFailures = 4;
    settings.backoffBase = 2s;
    settings.backoffMax = 10s;
    make(settings);
}

void tst_PushDispatcher::cleanup()
{
    m_dispatcher.reset();
}

void tst_PushDispatcher::firstNoticePushesAtOnce()
{
    m_dispatcher->notify(QStringLiteral("none"), notice(1)); // no target: nothing
    QCOMPARE(m_transport.sent.size(), 0);
    m_dispatcher->setTarget(QStringLiteral("a"), webhook());
    m_dispatcher->notify(QStringLiteral("a"), notice(1));
    QCOMPARE(m_transport.sent.size(), 1);
    QSignalSpy delivered(m_dispatcher.get(), &PushDispatcher::delivered);
    m_transport.answer(201);
    QCOMPARE(delivered.size(), 1);
    QCOMPARE(delivered.at(0).at(0).toString(), QStringLiteral("a"));
    QCOMPARE(m_dispatcher->counters().attempts, 1u);
    QCOMPARE(m_dispatcher->counters().delivered, 1u);
}

void tst_PushDispatcher::noticesWithinTheIntervalAreFolded()
{
    m_dispatcher->setTarget(QStringLiteral("a"), webhook());
    m_dispatcher->notify(QStringLiteral("a"), notice(1));
    m_transport.answer(200);
    // Three more events within 30 s: no push yet.
    advanceTo(2000);
    m_dispatcher->notify(QStringLiteral("a"), notice(2));
    advanceTo(10000);
    m_dispatcher->notify(QStringLiteral("a"), notice(3));
    m_dispatcher->notify(QStringLiteral("a"), notice(4));
    advanceTo(30999);
    QCOMPARE(m_transport.sent.size(), 0);
    // The interval (from the first push at t=1000) ends: one push with the newest notice.
    advanceTo(31000);
    QCOMPARE(m_transport.sent.size(), 1);
    QCOMPARE(lastSeqOf(m_transport.sent.at(0).request), 4);
    QCOMPARE(m_dispatcher->counters().coalesced, 2u);
    m_transport.answer(200);
    advanceTo(100000);
    QCOMPARE(m_transport.sent.size(), 0); // nothing new, nothing sent
    // A notice while a push is in flight waits for the interval too.
    m_dispatcher->notify(QStringLiteral("a"), notice(5));
    QCOMPARE(m_transport.sent.size(), 1); // interval from t=31000 is over
    m_dispatcher->notify(QStringLiteral("a"), notice(6));
    m_transport.answer(200);
    advanceTo(100001);
    QCOMPARE(m_transport.sent.size(), 0);
    advanceTo(130000);
    QCOMPARE(m_transport.sent.size(), 1);
    QCOMPARE(lastSeqOf(m_transport.sent.at(0).request), 6);
}

void tst_PushDispatcher::acknowledgingEndsTheInterval()
{
    m_dispatcher->setTarget(QStringLiteral("a"), webhook());
    m_dispatcher->notify(QStringLiteral("a"), notice(1));
    m_transport.answer(200);
    advanceTo(5000);
    m_dispatcher->notify(QStringLiteral("a"), notice(2));
    QCOMPARE(m_transport.sent.size(), 0);
    // The client read everything: the waiting push is dropped, and the next event pushes at once.
    m_dispatcher->acknowledge(QStringLiteral("a"));
    advanceTo(31000);
    QCOMPARE(m_transport.sent.size(), 0);
    advanceTo(32000);
    m_dispatcher->notify(QStringLiteral("a"), notice(3));
    QCOMPARE(m_transport.sent.size(), 1);
    QCOMPARE(lastSeqOf(m_transport.sent.at(0).request), 3);
}

void tst_PushDispatcher::retriesWithCappedExponentialBackoff()
{
    m_dispatcher->setTarget(QStringLiteral("a"), webhook());
    m_dispatcher->notify(QStringLiteral("a"), notice(1));
    // random() = 0: each delay is half of base * 2^(n-1), capped at 10 s.
    m_transport.answer(503);
    advanceTo(1999);
    QCOMPARE(m_transport.sent.size(), 0);
    advanceTo(2000); // + 1 s (half of 2 s)
    QCOMPARE(m_transport.sent.size(), 1);
    QCOMPARE(lastSeqOf(m_transport.sent.at(0).request), 1); // the same notice again
    m_transport.fail(QStringLiteral("connection refused"));
    advanceTo(3999);
    QCOMPARE(m_transport.sent.size(), 0);
    advanceTo(4000); // + 2 s (half of 4 s)
    QCOMPARE(m_transport.sent.size(), 1);
    m_transport.answer(429);
    advanceTo(8000); // + 4 s (half of 8 s)
    QCOMPARE(m_transport.sent.size(), 1);
    QCOMPARE(m_dispatcher->counters().retries, 3u);
    QCOMPARE(m_dispatcher->counters().failures, 3u);
    m_transport.answer(200);
    QCOMPARE(m_dispatcher->counters().delivered, 1u);
}

void tst_PushDispatcher::jitterSpreadsRetries()
{
    PushDispatcher::Settings settings;
    settings.backoffBase = 20s;
    settings.backoffMax = 30s;
    settings.maxFailures = 10;
    make(settings);
    m_random = 0.5;
    m_dispatcher->setTarget(QStringLiteral("a"), webhook());
    m_dispatcher->notify(QStringLiteral("a"), notice(1));
    m_transport.answer(500);
    // 20 s: 10 s fixed + 0.5 * 10 s.
    advanceTo(1000 + 14999);
    QCOMPARE(m_transport.sent.size(), 0);
    advanceTo(1000 + 15000);
    QCOMPARE(m_transport.sent.size(), 1);
    m_random = 0.999;
    m_transport.answer(500);
    // 40 s capped at 30 s: 15 s + 0.999 * 15 s = 29.985 s.
    advanceTo(16000 + 29984);
    QCOMPARE(m_transport.sent.size(), 0);
    advanceTo(16000 + 29985);
    QCOMPARE(m_transport.sent.size(), 1);
}

void tst_PushDispatcher::goneDropsTheSubscription()
{
    const EcKey userAgent = EcKey::generate();
    m_dispatcher->setTarget(QStringLiteral("a"), webPush(userAgent));
    QSignalSpy gone(m_dispatcher.get(), &PushDispatcher::subscriptionGone);
    m_dispatcher->notify(QStringLiteral("a"), notice(1));
    m_transport.answer(410);
    QCOMPARE(gone.size(), 1);
    QCOMPARE(gone.at(0).at(1).toInt(), 410);
    QVERIFY(!m_dispatcher->hasTarget(QStringLiteral("a")));
    QCOMPARE(m_dispatcher->counters().gone, 1u);
    advanceTo(100000);
    m_dispatcher->notify(QStringLiteral("a"), notice(2));
    QCOMPARE(m_transport.sent.size(), 0);

    m_dispatcher->setTarget(QStringLiteral("b"), webPush(userAgent));
    m_dispatcher->notify(QStringLiteral("b"), notice(1));
    m_transport.answer(404);
    QCOMPARE(gone.size(), 2);
    QVERIFY(!m_dispatcher->hasTarget(QStringLiteral("b")));
}

void tst_PushDispatcher::disabledAfterMaxFailuresInARow()
{
    m_dispatcher->setTarget(QStringLiteral("a"), webhook());
    QSignalSpy disabled(m_dispatcher.get(), &PushDispatcher::targetDisabled);
    m_dispatcher->notify(QStringLiteral("a"), notice(1));
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(m_transport.sent.size(), 1);
        m_transport.answer(502);
        advanceTo(m_now + 60000);
    }
    QCOMPARE(disabled.size(), 1);
    QCOMPARE(disabled.at(0).at(1).toString(), QStringLiteral("HTTP 502"));
    QVERIFY(m_dispatcher->isDisabled(QStringLiteral("a")));
    QCOMPARE(m_dispatcher->counters().disabled, 1u);
    m_dispatcher->notify(QStringLiteral("a"), notice(2));
    advanceTo(m_now + 600000);
    QCOMPARE(m_transport.sent.size(), 0);
    // Setting the target again enables it.
    m_dispatcher->setTarget(QStringLiteral("a"), webhook());
    QVERIFY(!m_dispatcher->isDisabled(QStringLiteral("a")));
    m_dispatcher->notify(QStringLiteral("a"), notice(3));
    QCOMPARE(m_transport.sent.size(), 1);
}

void tst_PushDispatcher::successResetsTheFailureCount()
{
    m_dispatcher->setTarget(QStringLiteral("a"), webhook());
    QSignalSpy disabled(m_dispatcher.get(), &PushDispatcher::targetDisabled);
    for (int round = 0; round < 3; ++round) {
        m_dispatcher->notify(QStringLiteral("a"), notice(round));
        for (int i = 0; i < 3; ++i) {
            m_transport.answer(503);
            advanceTo(m_now + 60000);
        }
        m_transport.answer(200);
        m_dispatcher->acknowledge(QStringLiteral("a"));
    }
    QCOMPARE(disabled.size(), 0);
    QCOMPARE(m_dispatcher->counters().failures, 9u);
    QCOMPARE(m_dispatcher->counters().delivered, 3u);
}

void tst_PushDispatcher::clientErrorsAndRefusalsAreNotRetried()
{
    m_dispatcher->setTarget(QStringLiteral("a"), webhook());
    m_dispatcher->notify(QStringLiteral("a"), notice(1));
    m_transport.answer(400);
    advanceTo(m_now + 600000);
    QCOMPARE(m_transport.sent.size(), 0);
    m_dispatcher->notify(QStringLiteral("a"), notice(2));
    QCOMPARE(m_transport.sent.size(), 1);
    m_transport.refuse();
    advanceTo(m_now + 600000);
    QCOMPARE(m_transport.sent.size(), 0);
    QCOMPARE(m_dispatcher->counters().refused, 1u);
    QCOMPARE(m_dispatcher->counters().retries, 0u);
    QCOMPARE(m_dispatcher->counters().failures, 2u);
    // A webhook's 410 is an ordinary client error, not a gone subscription.
    m_dispatcher->notify(QStringLiteral("a"), notice(3));
    m_transport.answer(410);
    QVERIFY(m_dispatcher->hasTarget(QStringLiteral("a")));
}

void tst_PushDispatcher::webhookRequestIsSigned()
{
    m_dispatcher->setTarget(QStringLiteral("a"), webhook());
    m_dispatcher->notify(QStringLiteral("a"), notice(7));
    const PushRequest request = m_transport.sent.at(0).request;
    QCOMPARE(request.url, QUrl(QStringLiteral("https://hooks.example.com/in")));
    QCOMPARE(request.body, QByteArray(R"({"last_seq":7,"pending":7,"session":"s1"})"));
    QCOMPARE(request.header("content-type"), QByteArray("application/json"));
    const QByteArray timestamp = request.header("X-Switchboard-Timestamp");
    QVERIFY(qAbs(timestamp.toLongLong() - QDateTime::currentSecsSinceEpoch()) < 60);
    QCOMPARE(request.header("X-Switchboard-Signature"),
             Webhook::signature("s3cret", timestamp, request.body));
}

void tst_PushDispatcher::webPushRequestIsEncryptedAndAuthorised()
{
    const EcKey userAgent = EcKey::generate();
    PushTarget target = webPush(userAgent);
    target.include.sender = true;
    m_dispatcher->setTarget(QStringLiteral("a"), target);
    m_dispatcher->notify(QStringLiteral("a"), notice(7));
    const PushRequest request = m_transport.sent.at(0).request;
    QCOMPARE(request.url, target.url);
    QCOMPARE(request.header("Content-Encoding"), QByteArray("aes128gcm"));
    QCOMPARE(request.header("TTL"), QByteArray("3600"));
    QVERIFY(request.header("Authorization").startsWith("vapid t="));
    QVERIFY(request.header("Authorization").endsWith(QByteArray(", k=" + m_vapid.publicKeyBase64Url())));
    // The user agent's side decrypts it (RFC 8291 §3.4).
    const QByteArray senderPublic = request.body.mid(21, 65);
    QByteArray keyInfo("WebPush: info\0", 14);
    keyInfo += userAgent.publicPoint() + senderPublic;
    const QByteArray ikm = Ece::hkdfSha256(
        target.auth, userAgent.sharedSecret(EcKey::fromPublicPoint(senderPublic)), keyInfo, 32);
    const auto plaintext = Ece::decrypt(request.body, ikm);
    QVERIFY(plaintext);
    const QJsonObject json = QJsonDocument::fromJson(*plaintext).object();
    QCOMPARE(json.value(QStringLiteral("last_seq")).toInteger(), 7);
    QCOMPARE(json.value(QStringLiteral("sender")).toString(), QStringLiteral("juliet@example.com"));
    QVERIFY(!json.contains(QStringLiteral("body")));
}

void tst_PushDispatcher::settingsAndPolicyFromConfig()
{
    Switchboard::Config config;
    QCOMPARE(PushDispatcher::Settings::fromConfig(config).interval, 30s);
    QCOMPARE(PushDispatcher::Settings::fromConfig(config).maxFailures, 16);
    config.pushInterval = 5;
    config.pushMaxFailures = 2;
    config.pushAllowedHosts = {QStringLiteral("localhost:8443")};
    QCOMPARE(PushDispatcher::Settings::fromConfig(config).interval, 5s);
    QCOMPARE(PushDispatcher::Settings::fromConfig(config).maxFailures, 2);
    const TargetPolicy policy = TargetPolicy::fromConfig(config);
    QVERIFY(policy.allowsAddress(QStringLiteral("localhost"), 8443, QHostAddress(QHostAddress::LocalHost)));
    QVERIFY(!policy.allowsAddress(QStringLiteral("localhost"), 443, QHostAddress(QHostAddress::LocalHost)));
}

void tst_PushDispatcher::targetsFromJson_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("errorField");
    const QByteArray p256dh = base64Url(EcKey::generate().publicPoint());
    const QByteArray sub =
        R"({"type":"webpush","subscription":{"endpoint":"https://push.example.net/x","keys":{"p256dh":")" +
        p256dh + R"(","auth":"AAAAAAAAAAAAAAAAAAAAAA"}}})";
    QTest::newRow("webhook")
        << QByteArray(
               R"({"type":"webhook","url":"https://h.example.com/x","secret":"k","include":["sender","body"]})")
        << QString();
    QTest::newRow("webpush") << sub << QString();
    QTest::newRow("no type") << QByteArray(R"({"url":"https://h.example.com/x","secret":"k"})")
                             << "push.type";
    QTest::newRow("http webhook") << QByteArray(
                                         R"({"type":"webhook","url":"http://h.example.com/x","secret":"k"})")
                                  << "push.url";
    QTest::newRow("private webhook") << QByteArray(
                                            R"({"type":"webhook","url":"https://10.0.0.1/x","secret":"k"})")
                                     << "push.url";
    QTest::newRow("no secret") << QByteArray(R"({"type":"webhook","url":"https://h.example.com/x"})")
                               << "push.secret";
    QTest::newRow("bad include")
        << QByteArray(R"({"type":"webhook","url":"https://h.example.com/x","secret":"k","include":["xml"]})")
        << "push.include";
    QTest::newRow("no subscription") << QByteArray(R"({"type":"webpush"})") << "push.subscription";
    QByteArray badKey = sub;
    badKey.replace(p256dh, "AAAA");
    QTest::newRow("bad p256dh") << badKey << "push.subscription.keys.p256dh";
    QByteArray badAuth = sub;
    badAuth.replace("AAAAAAAAAAAAAAAAAAAAAA", "AAAA");
    QTest::newRow("bad auth") << badAuth << "push.subscription.keys.auth";
    QByteArray loopback = sub;
    loopback.replace("https://push.example.net/x", "https://[::1]/x");
    QTest::newRow("loopback endpoint") << loopback << "push.subscription.endpoint";
}

void tst_PushDispatcher::targetsFromJson()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, errorField);
    QString error;
    const auto target = PushTarget::fromJson(QJsonDocument::fromJson(json).object(), TargetPolicy(), &error);
    if (errorField.isEmpty()) {
        QVERIFY2(target, qPrintable(error));
        // And back: the same target again.
        QCOMPARE(PushTarget::fromJson(target->toJson(), TargetPolicy(), &error), target);
    } else {
        QVERIFY(!target);
        QVERIFY2(error.startsWith(errorField + QStringLiteral(": ")), qPrintable(error));
    }
}

QTEST_GUILESS_MAIN(tst_PushDispatcher)
#include "tst_push_dispatcher.moc"
