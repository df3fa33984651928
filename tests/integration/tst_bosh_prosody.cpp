// SPDX-License-Identifier: GPL-3.0-or-later
// BOSH end to end: a real Switchboard Server in front of a real Prosody on loopback, driven by a BOSH
// client over real HTTP.
#include "base/limits.h"
#include "boshclient.h"
#include "prosodyfixture.h"
#include "server.h"
#include "testmain.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <sys/socket.h>

using namespace Switchboard;

class tst_BoshProsody : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void loginWithSaslRestartAndBind();
    void messageBetweenTwoAccounts();
    void outOfOrderRidsForwardedInOrder();
    void repeatedRidResendsResponse();
    void terminateSendsUnavailablePresence();
    void inactivityTimeoutEndsSession();
    void pauseKeepsSessionAlive();
    void undeliveredMessageBouncesToSender();
    void heldRequestOfClosedConnectionIsDropped_data();
    void heldRequestOfClosedConnectionIsDropped();
    void simultaneousEmptyRequestsArePolicyViolation();
    void heldPollCarriesEchoOfMessageToSelf();
    void stropheLikeExchangesPerMessage_data();
    void stropheLikeExchangesPerMessage();
    void clientThatNeverPollsIsEndedAtBacklogCap();
    void backendDownIsRemoteConnectionFailed();
    void disallowedRouteIsRefused();
    void unknownDomainIsHostUnknown();
    void unknownSidIsItemNotFound();
    void malformedBodyIsBadRequest();
    void getWithDataAndJsonp();
    void responsesCannotRunAsDocuments();
    void getFollowsBoshGetAndAllowedOrigins_data();
    void getFollowsBoshGetAndAllowedOrigins();
    void hubSignalsFollowSession();

private:
    Config baseConfig() const;
    std::unique_ptr<Server> startServer(const Config &config);
    QString password(const QString &user) const { return m_prosody.password(user); }

    ProsodyFixture m_prosody;
    std::unique_ptr<Server> m_server;
};

Config tst_BoshProsody::baseConfig() const
{
    Config config;
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.routes = {Route{QStringLiteral("localhost"), QStringLiteral("127.0.0.1"), m_prosody.c2sPort()}};
    config.noTlsDomains = {QStringLiteral("localhost")};
    config.workers = ProsodyFixture::testWorkers();
    config.workerAccept = ProsodyFixture::testWorkerAccept();
    config.connectTimeout = 5;
    return config;
}

std::unique_ptr<Server> tst_BoshProsody::startServer(const Config &config)
{
    auto server = std::make_unique<Server>(config);
    QString error;
    if (!server->start(&error))
        qWarning() << error;
    return server;
}

void tst_BoshProsody::initTestCase()
{
    QVERIFY2(m_prosody.start({QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol"),
                              QStringLiteral("dave")}),
             "Prosody did not start");
    m_server = startServer(baseConfig());
    QVERIFY(m_server->isListening());
}

void tst_BoshProsody::cleanupTestCase()
{
    m_server.reset();
    m_prosody.stop();
}

void tst_BoshProsody::loginWithSaslRestartAndBind()
{
    BoshClient client(m_server->boshUrl());
    // Session creation: the response carries the session attributes and the stream features (XEP-0206 §2).
    BoshClient::Response created = client.request({{QStringLiteral("to"), QStringLiteral("localhost")},
                                                   {QStringLiteral("wait"), QStringLiteral("30")},
                                                   {QStringLiteral("hold"), QStringLiteral("1")},
                                                   {QStringLiteral("ver"), QStringLiteral("1.6")},
                                                   {QStringLiteral("xmpp:version"), QStringLiteral("1.0")}});
    QCOMPARE(created.status, 200);
    QVERIFY(!created.attr(QStringLiteral("sid")).isEmpty());
    QCOMPARE(created.attr(QStringLiteral("xmpp:restartlogic")), QStringLiteral("true"));
    QCOMPARE(created.attr(QStringLiteral("from")), QStringLiteral("localhost"));
    QVERIFY(!created.attr(QStringLiteral("authid")).isEmpty());
    QCOMPARE(created.children.size(), 1);
    QCOMPARE(created.children.first().localName(), QStringLiteral("features"));
    QVERIFY(created.raw.contains("PLAIN"));

    BoshClient full(m_server->boshUrl());
    QString error;
    QVERIFY2(full.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                        password(QStringLiteral("alice")), &error),
             qPrintable(error));
    QVERIFY(full.jid().startsWith(QStringLiteral("alice@localhost/")));
    QVERIFY(full.terminate().isTerminate());

    BoshClient wrong(m_server->boshUrl());
    QVERIFY(
        !wrong.login(QStringLiteral("localhost"), QStringLiteral("alice"), QStringLiteral("nope"), &error));
    QVERIFY2(error.contains(QStringLiteral("not-authorized")), qPrintable(error));
}

void tst_BoshProsody::messageBetweenTwoAccounts()
{
    BoshClient alice(m_server->boshUrl());
    BoshClient bob(m_server->boshUrl());
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         password(QStringLiteral("alice")), &error),
             qPrintable(error));
    QVERIFY2(bob.login(QStringLiteral("localhost"), QStringLiteral("bob"), password(QStringLiteral("bob")),
                       &error),
             qPrintable(error));
    bob.startPolling();
    alice.startPolling();
    alice.sendStanza("<message xmlns='jabber:client' type='chat' to='" + bob.jid().toUtf8() +
                     "' id='hello1'><body>Hello Bob</body></message>");
    const QDomElement got = bob.waitForStanza([](const QDomElement &e) {
        return e.tagName() == QLatin1String("message") &&
               e.attribute(QStringLiteral("id")) == QLatin1String("hello1");
    });
    QVERIFY(!got.isNull());
    QCOMPARE(got.namespaceURI(), QStringLiteral("jabber:client")); // XEP-0206 §2
    QCOMPARE(got.firstChildElement(QStringLiteral("body")).text(), QStringLiteral("Hello Bob"));
    QCOMPARE(got.attribute(QStringLiteral("from")), alice.jid());

    bob.sendStanza("<message xmlns='jabber:client' type='chat' to='" + alice.jid().toUtf8() +
                   "' id='reply1'><body>Hi Alice</body></message>");
    QVERIFY(!alice
                 .waitForStanza([](const QDomElement &e) {
                     return e.attribute(QStringLiteral("id")) == QLatin1String("reply1");
                 })
                 .isNull());
    alice.terminate();
    bob.terminate();
}

void tst_BoshProsody::outOfOrderRidsForwardedInOrder()
{
    BoshClient alice(m_server->boshUrl());
    BoshClient bob(m_server->boshUrl());
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         password(QStringLiteral("alice")), &error, QStringLiteral("ooo")),
             qPrintable(error));
    QVERIFY2(bob.login(QStringLiteral("localhost"), QStringLiteral("bob"), password(QStringLiteral("bob")),
                       &error, QStringLiteral("ooo")),
             qPrintable(error));
    bob.startPolling();
    auto message = [&bob](const char *id) -> QByteArray {
        return "<message xmlns='jabber:client' type='chat' to='" + bob.jid().toUtf8() + "' id='" + id +
               "'><body>x</body></message>";
    };
    // rid n+1 reaches the server before rid n: the second message must still arrive second.
    const qint64 first = alice.takeRid();
    const qint64 second = alice.takeRid();
    // alice holds no poll here (bob does), so her session's request count moves only with these two.
    const quint64 requestsBefore = m_server->hub()->sessionCounters(alice.sid()).requests;
    QNetworkReply *later = alice.send({}, message("second"), second);
    // The later request must be at the server before the earlier one is sent.
    QTRY_COMPARE(m_server->hub()->sessionCounters(alice.sid()).requests, requestsBefore + 1);
    QNetworkReply *earlier = alice.send({}, message("first"), first);
    QVERIFY(BoshClient::wait(earlier).finished);
    QVERIFY(!bob.waitForStanza([](const QDomElement &e) {
                    return e.attribute(QStringLiteral("id")) == QLatin1String("second");
                })
                 .isNull());
    QStringList order;
    for (const QDomElement &e : bob.received()) {
        const QString id = e.attribute(QStringLiteral("id"));
        if (id == QLatin1String("first") || id == QLatin1String("second"))
            order << id;
    }
    QCOMPARE(order, (QStringList{QStringLiteral("first"), QStringLiteral("second")}));
    BoshClient::wait(later, 1000);
    alice.terminate();
    bob.terminate();
}

void tst_BoshProsody::repeatedRidResendsResponse()
{
    BoshClient alice(m_server->boshUrl());
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         password(QStringLiteral("alice")), &error, QStringLiteral("rep")),
             qPrintable(error));
    const qint64 rid = alice.takeRid();
    BoshClient::Response first = alice.request({},
                                               "<iq xmlns='jabber:client' type='get' id='ping1'><ping "
                                               "xmlns='urn:xmpp:ping'/></iq>",
                                               rid);
    while (first.children.isEmpty() && !first.isTerminate())
        first = alice.request({});
    QVERIFY(first.raw.contains("ping1"));
    // Pretend the response was lost: the same rid again gets the same bytes (XEP-0124 §14.3).
    const qint64 answeredRid = alice.peekRid() - 1;
    BoshClient::Response again = alice.request({}, {}, answeredRid);
    QCOMPARE(again.status, 200);
    QCOMPARE(again.raw, first.raw);
    alice.terminate();
}

void tst_BoshProsody::terminateSendsUnavailablePresence()
{
    BoshClient alice(m_server->boshUrl());
    BoshClient bob(m_server->boshUrl());
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         password(QStringLiteral("alice")), &error, QStringLiteral("term")),
             qPrintable(error));
    QVERIFY2(bob.login(QStringLiteral("localhost"), QStringLiteral("bob"), password(QStringLiteral("bob")),
                       &error, QStringLiteral("term")),
             qPrintable(error));
    bob.startPolling();
    alice.startPolling();
    // Directed presence: Prosody then tells bob when alice becomes unavailable.
    alice.sendStanza("<presence xmlns='jabber:client' to='" + bob.jid().toUtf8() + "'/>");
    QVERIFY(!bob.waitForStanza([&alice](const QDomElement &e) {
                    return e.tagName() == QLatin1String("presence") &&
                           e.attribute(QStringLiteral("from")) == alice.jid();
                })
                 .isNull());
    alice.stopPolling();
    const BoshClient::Response end = alice.terminate("<presence xmlns='jabber:client' type='unavailable'/>");
    QVERIFY(end.isTerminate());
    QVERIFY(!bob.waitForStanza([&alice](const QDomElement &e) {
                    return e.tagName() == QLatin1String("presence") &&
                           e.attribute(QStringLiteral("type")) == QLatin1String("unavailable") &&
                           e.attribute(QStringLiteral("from")) == alice.jid();
                })
                 .isNull());
    // The session is gone.
    BoshClient::Response after = alice.request({});
    QCOMPARE(after.attr(QStringLiteral("condition")), QStringLiteral("item-not-found"));
    bob.terminate();
}

void tst_BoshProsody::inactivityTimeoutEndsSession()
{
    Config config = baseConfig();
    config.defaultInactivity = 2;
    config.maxInactivity = 2;
    auto server = startServer(config);
    BoshClient alice(server->boshUrl());
    BoshClient bob(m_server->boshUrl());
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         password(QStringLiteral("alice")), &error, QStringLiteral("idle")),
             qPrintable(error));
    QVERIFY2(bob.login(QStringLiteral("localhost"), QStringLiteral("bob"), password(QStringLiteral("bob")),
                       &error, QStringLiteral("idle")),
             qPrintable(error));
    bob.startPolling();
    alice.request({}, "<presence xmlns='jabber:client' to='" + bob.jid().toUtf8() + "'/>");
    QVERIFY(!bob.waitForStanza([&alice](const QDomElement &e) {
                    return e.tagName() == QLatin1String("presence") &&
                           e.attribute(QStringLiteral("from")) == alice.jid();
                })
                 .isNull());
    QSignalSpy closed(server->hub(), &Monitor::Hub::sessionClosed);
    // alice sends nothing more: after `inactivity` seconds the session ends and the server stream with it.
    QVERIFY(closed.wait(10000));
    QCOMPARE(server->sessionCount(), 0);
    QVERIFY(!bob.waitForStanza([&alice](const QDomElement &e) {
                    return e.attribute(QStringLiteral("type")) == QLatin1String("unavailable") &&
                           e.attribute(QStringLiteral("from")) == alice.jid();
                })
                 .isNull());
    BoshClient::Response late = alice.request({});
    QCOMPARE(late.attr(QStringLiteral("condition")), QStringLiteral("item-not-found"));
    bob.terminate();
}

void tst_BoshProsody::pauseKeepsSessionAlive()
{
    Config config = baseConfig();
    config.defaultInactivity = 1;
    config.maxPause = 30;
    auto server = startServer(config);
    BoshClient alice(server->boshUrl());
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         password(QStringLiteral("alice")), &error, QStringLiteral("pause")),
             qPrintable(error));
    const BoshClient::Response paused = alice.request({{QStringLiteral("pause"), QStringLiteral("4")}});
    QCOMPARE(paused.status, 200);
    QVERIFY(!paused.isTerminate());
    QSignalSpy closed(server->hub(), &Monitor::Hub::sessionClosed);
    // Longer than inactivity (1 s), shorter than the pause (4 s): the session must still be there.
    QVERIFY(!closed.wait(2500));
    BoshClient::Response back = alice.request({}, "<iq xmlns='jabber:client' type='get' id='p2'><ping "
                                                  "xmlns='urn:xmpp:ping'/></iq>");
    QVERIFY(!back.isTerminate());
    alice.terminate();
}

void tst_BoshProsody::undeliveredMessageBouncesToSender()
{
    Config config = baseConfig();
    config.defaultInactivity = 2;
    auto server = startServer(config);
    BoshClient carol(server->boshUrl());
    BoshClient dave(m_server->boshUrl());
    QString error;
    QVERIFY2(carol.login(QStringLiteral("localhost"), QStringLiteral("carol"),
                         password(QStringLiteral("carol")), &error, QStringLiteral("gone")),
             qPrintable(error));
    QVERIFY2(dave.login(QStringLiteral("localhost"), QStringLiteral("dave"), password(QStringLiteral("dave")),
                        &error, QStringLiteral("sender")),
             qPrintable(error));
    dave.startPolling();
    QSignalSpy noClient(server->hub(), &Monitor::Hub::noClient);
    // carol holds no request now; a message reaches her queue and she never comes back for it.
    dave.sendStanza("<message xmlns='jabber:client' type='chat' to='" + carol.jid().toUtf8() +
                    "' id='lost1'><body>are you there?</body></message>");
    QTRY_VERIFY_WITH_TIMEOUT(noClient.size() >= 1, 10000);
    const QDomElement bounced = dave.waitForStanza([](const QDomElement &e) {
        return e.attribute(QStringLiteral("id")) == QLatin1String("lost1") &&
               e.attribute(QStringLiteral("type")) == QLatin1String("error");
    });
    QVERIFY(!bounced.isNull());
    QVERIFY(!bounced.firstChildElement(QStringLiteral("error"))
                 .firstChildElement(QStringLiteral("recipient-unavailable"))
                 .isNull());
    dave.terminate();
}

void tst_BoshProsody::heldRequestOfClosedConnectionIsDropped_data()
{
    QTest::addColumn<QByteArray>("version");
    QTest::addColumn<QByteArray>("connectionHeader");
    QTest::addColumn<bool>("reset");
    QTest::newRow("keep-alive, FIN") << QByteArray("HTTP/1.1") << QByteArray() << false;
    QTest::newRow("keep-alive, reset") << QByteArray("HTTP/1.1") << QByteArray() << true;
    QTest::newRow("Connection: close, FIN") << QByteArray("HTTP/1.1") << QByteArray("close") << false;
    QTest::newRow("HTTP/1.0, FIN") << QByteArray("HTTP/1.0") << QByteArray() << false;
}

// A page reloads while its long-poll is held: the old connection closes, a message arrives, the reloaded
// page continues the session with the next rid. The message must reach it, not the dead connection.
void tst_BoshProsody::heldRequestOfClosedConnectionIsDropped()
{
    QFETCH(QByteArray, version);
    QFETCH(QByteArray, connectionHeader);
    QFETCH(bool, reset);
    BoshClient carol(m_server->boshUrl());
    BoshClient dave(m_server->boshUrl());
    QString error;
    QVERIFY2(carol.login(QStringLiteral("localhost"), QStringLiteral("carol"),
                         password(QStringLiteral("carol")), &error, QStringLiteral("reload")),
             qPrintable(error));
    QVERIFY2(dave.login(QStringLiteral("localhost"), QStringLiteral("dave"), password(QStringLiteral("dave")),
                        &error, QStringLiteral("sender")),
             qPrintable(error));
    dave.startPolling();

    // The page's long-poll, on a connection of its own.
    QTcpSocket page;
    page.connectToHost(QHostAddress::LocalHost, m_server->boshUrl().port());
    QVERIFY(page.waitForConnected(5000));
    const QByteArray body = "<body xmlns='http://jabber.org/protocol/httpbind' rid='" +
                            QByteArray::number(carol.takeRid()) + "' sid='" + carol.sid().toUtf8() + "'/>";
    QByteArray head = version + "\r\n";
    head.prepend("POST " + m_server->boshUrl().path().toUtf8() + ' ');
    head += "Host: localhost\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: " +
            QByteArray::number(body.size()) + "\r\n";
    if (!connectionHeader.isEmpty())
        head += "Connection: " + connectionHeader + "\r\n";
    page.write(head + "\r\n" + body);
    QTRY_COMPARE(m_server->hub()->sessionCounters(carol.sid()).held, 1);

    // The page goes away.
    if (reset) {
        const linger hard{1, 0}; // close() with a zero linger time sends a reset
        QCOMPARE(::setsockopt(int(page.socketDescriptor()), SOL_SOCKET, SO_LINGER, &hard, sizeof hard), 0);
        page.abort();
    } else {
        page.disconnectFromHost();
    }
    // Noticed at once: the session holds nothing for a client that is gone.
    QTRY_COMPARE(m_server->hub()->sessionCounters(carol.sid()).held, 0);

    const QByteArray id = QByteArray("gap-") + QTest::currentDataTag();
    dave.sendStanza("<message xmlns='jabber:client' type='chat' to='" + carol.jid().toUtf8() + "' id='" +
                    id.toPercentEncoding() + "'><body>sent during the reload</body></message>");
    // The reloaded page continues with the next rid and gets the message.
    BoshClient::Response next = carol.request({});
    for (int polls = 1; polls < 3 && next.finished && next.children.isEmpty() && !next.isTerminate(); ++polls)
        next = carol.request({});
    QVERIFY2(next.raw.contains("sent during the reload"), next.raw.constData());
    carol.terminate();
    dave.terminate();
}

// XEP-0124 §11: a client that keeps more than `requests` requests open is terminated.
void tst_BoshProsody::simultaneousEmptyRequestsArePolicyViolation()
{
    BoshClient alice(m_server->boshUrl());
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         password(QStringLiteral("alice")), &error, QStringLiteral("busy")),
             qPrintable(error));
    // One after the other as the session sees them: each is sent once the one before has reached the
    // session (over separate connections, and with several workers through a relay, a later rid could
    // otherwise arrive first and be out of window, item-not-found, before the session sees too many).
    QList<QNetworkReply *> replies;
    for (int i = 0; i < 4; ++i) {
        const quint64 before = m_server->hub()->sessionCounters(alice.sid()).requests;
        QNetworkReply *reply = alice.send({});
        replies.append(reply);
        QVERIFY(QTest::qWaitFor(
            [&] {
                return m_server->hub()->sessionCounters(alice.sid()).requests > before || reply->isFinished();
            },
            10000));
    }
    QStringList conditions;
    for (QNetworkReply *reply : std::as_const(replies))
        conditions.append(BoshClient::wait(reply).attr(QStringLiteral("condition")));
    QVERIFY2(conditions.contains(QStringLiteral("policy-violation")), qPrintable(conditions.join(u',')));
    BoshClient::Response after = alice.request({});
    QCOMPARE(after.attr(QStringLiteral("condition")), QStringLiteral("item-not-found"));
}

// strophe.js keeps one poll held (hold=1, requests=2) and sends each stanza in a request of its own.
// When the server answers that stanza at once, the held poll carries the answer: one HTTP response with
// the echo, not an empty one first.
void tst_BoshProsody::heldPollCarriesEchoOfMessageToSelf()
{
    Config config = baseConfig();
    config.boshCoalesceDelay = 100; // the cap: the echo from Prosody on loopback comes well within it
    auto server = startServer(config);
    BoshClient alice(server->boshUrl());
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         password(QStringLiteral("alice")), &error, QStringLiteral("echo")),
             qPrintable(error));
    // Counted before the poll: with two workers a relayed request's count and its hold are made on
    // different threads, so each is awaited rather than read at one moment.
    QTRY_COMPARE(server->hub()->sessionCounters(alice.sid()).held, 0);
    const quint64 requestsBefore = server->hub()->sessionCounters(alice.sid()).requests;
    QNetworkReply *poll = alice.send({});
    QTRY_COMPARE(server->hub()->sessionCounters(alice.sid()).held, 1);
    QNetworkReply *sending =
        alice.send({}, "<message xmlns='jabber:client' type='chat' to='" + alice.jid().toUtf8() +
                           "' id='echo1'><body>me</body></message>");
    const BoshClient::Response answered = BoshClient::wait(poll);
    QVERIFY(answered.finished);
    QCOMPARE(answered.status, 200);
    QCOMPARE(answered.children.size(), 1);
    QCOMPARE(answered.children.first().tagName(), QStringLiteral("message"));
    QCOMPARE(answered.children.first().attribute(QStringLiteral("id")), QStringLiteral("echo1"));
    // The request that carried the message is the one held now; nothing else was answered.
    QVERIFY(!sending->isFinished());
    QTRY_COMPARE(server->hub()->sessionCounters(alice.sid()).requests, requestsBefore + 2);
    QTRY_COMPARE(server->hub()->sessionCounters(alice.sid()).held, 1);
    QVERIFY(!sending->isFinished());
    QVERIFY(alice.terminate().isTerminate());
    const BoshClient::Response last = BoshClient::wait(sending);
    QVERIFY(last.finished);
    QVERIFY(last.children.isEmpty());
}

void tst_BoshProsody::stropheLikeExchangesPerMessage_data()
{
    QTest::addColumn<int>("delay");
    QTest::newRow("no coalescing") << 0;
    QTest::newRow("default") << Config{}.boshCoalesceDelay;
    QTest::newRow("cap") << 100;
}

// Messages to oneself, one at a time, by a client that behaves like strophe.js: a new request for each
// stanza, and a new empty poll whenever no request is open. Counts the HTTP responses per echoed
// message (printed for the record). Without coalescing each message costs an empty answer to the held
// poll and the echo; with a delay the server's echo meets within, each costs one.
void tst_BoshProsody::stropheLikeExchangesPerMessage()
{
    QFETCH(int, delay);
    Config config = baseConfig();
    config.boshCoalesceDelay = delay;
    auto server = startServer(config);
    BoshClient alice(server->boshUrl());
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         password(QStringLiteral("alice")), &error, QStringLiteral("strophe")),
             qPrintable(error));
    int outstanding = 0;
    int responses = 0;
    QStringList echoes;
    QEventLoop echoed; // left when an echo arrives (or at the deadline): the timing is the round trip
    std::function<void(const QByteArray &)> post = [&](const QByteArray &payload) {
        ++outstanding;
        QNetworkReply *reply = alice.send({}, payload);
        connect(reply, &QNetworkReply::finished, this, [&, reply] {
            const BoshClient::Response r = BoshClient::wait(reply);
            --outstanding;
            ++responses;
            for (const QDomElement &child : r.children) {
                if (child.tagName() == QLatin1String("message")) {
                    echoes << child.attribute(QStringLiteral("id"));
                    echoed.quit();
                }
            }
            if (outstanding == 0 && !r.isTerminate())
                post({});
        });
    };
    post({});
    QTRY_COMPARE(server->hub()->sessionCounters(alice.sid()).held, 1);
    constexpr int kMessages = 40;
    QTimer deadline;
    deadline.setSingleShot(true);
    connect(&deadline, &QTimer::timeout, &echoed, &QEventLoop::quit);
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < kMessages; ++i) {
        const QByteArray id = "m" + QByteArray::number(i);
        post("<message xmlns='jabber:client' type='chat' to='" + alice.jid().toUtf8() + "' id='" + id +
             "'><body>x</body></message>");
        deadline.start(10000);
        if (echoes.size() < i + 1)
            echoed.exec();
        QCOMPARE(echoes.size(), i + 1);
        QCOMPARE(echoes.last(), QString::fromLatin1(id));
    }
    const qint64 elapsed = clock.elapsed();
    const int counted = responses;
    qInfo("bosh_coalesce_delay=%d: %d HTTP responses for %d echoed messages (%.2f per message), %.2f ms "
          "per round trip",
          delay, counted, kMessages, double(counted) / kMessages, double(elapsed) / kMessages);
    if (delay == 0)
        QVERIFY2(counted >= 2 * kMessages, qPrintable(QString::number(counted)));
    if (delay == 100)
        QVERIFY2(counted <= kMessages + kMessages / 5, qPrintable(QString::number(counted)));
    QVERIFY(echoes.removeDuplicates() == 0);
    alice.stopPolling();
    QVERIFY(alice.terminate().isTerminate());
    QTRY_COMPARE(outstanding, 0);
}

// A session whose client stops polling while the server keeps sending is ended at max_client_backlog,
// and what waited for it goes back to the sender.
void tst_BoshProsody::clientThatNeverPollsIsEndedAtBacklogCap()
{
    Config config = baseConfig();
    config.maxClientBacklog = 16384;
    auto server = startServer(config);
    BoshClient carol(server->boshUrl());
    BoshClient dave(m_server->boshUrl());
    QString error;
    QVERIFY2(carol.login(QStringLiteral("localhost"), QStringLiteral("carol"),
                         password(QStringLiteral("carol")), &error, QStringLiteral("silent")),
             qPrintable(error));
    QVERIFY2(dave.login(QStringLiteral("localhost"), QStringLiteral("dave"), password(QStringLiteral("dave")),
                        &error, QStringLiteral("flood")),
             qPrintable(error));
    dave.startPolling();
    QSignalSpy closed(server->hub(), &Monitor::Hub::sessionClosed);
    const QByteArray text(2000, 'x');
    QByteArray burst;
    for (int i = 0; i < 12; ++i) {
        burst += "<message xmlns='jabber:client' type='chat' to='" + carol.jid().toUtf8() + "' id='flood" +
                 QByteArray::number(i) + "'><body>" + text + "</body></message>";
    }
    dave.sendStanza(burst);
    QTRY_VERIFY_WITH_TIMEOUT(!closed.isEmpty(), 10000);
    QCOMPARE(closed.first().at(1).toString(), QStringLiteral("policy-violation"));
    QCOMPARE(server->limits()->hits(Limits::Limit::MaxClientBacklog), 1u); // counted for /metrics
    // The messages that were waiting come back to dave as errors; none is silently dropped.
    QVERIFY(!dave.waitForStanza([](const QDomElement &e) {
                     return e.attribute(QStringLiteral("id")).startsWith(QLatin1String("flood")) &&
                            e.attribute(QStringLiteral("type")) == QLatin1String("error");
                 })
                 .isNull());
    BoshClient::Response after = carol.request({});
    QVERIFY(after.isTerminate());
    dave.terminate();
}

void tst_BoshProsody::backendDownIsRemoteConnectionFailed()
{
    QTcpServer placeholder;
    QVERIFY(placeholder.listen(QHostAddress::LocalHost));
    const quint16 closedPort = placeholder.serverPort();
    placeholder.close(); // nothing listens there now
    Config config = baseConfig();
    config.routes = {Route{QStringLiteral("localhost"), QStringLiteral("127.0.0.1"), closedPort}};
    auto server = startServer(config);
    BoshClient client(server->boshUrl());
    const BoshClient::Response r = client.request({{QStringLiteral("to"), QStringLiteral("localhost")},
                                                   {QStringLiteral("wait"), QStringLiteral("30")},
                                                   {QStringLiteral("hold"), QStringLiteral("1")},
                                                   {QStringLiteral("ver"), QStringLiteral("1.6")}});
    QCOMPARE(r.status, 200);
    QVERIFY(r.isTerminate());
    QCOMPARE(r.attr(QStringLiteral("condition")), QStringLiteral("remote-connection-failed"));
    QTRY_COMPARE(server->sessionCount(), 0);
}

void tst_BoshProsody::disallowedRouteIsRefused()
{
    BoshClient client(m_server->boshUrl());
    // A route to a host nobody configured must not make Switchboard connect anywhere (never an open relay).
    const BoshClient::Response r =
        client.request({{QStringLiteral("to"), QStringLiteral("localhost")},
                        {QStringLiteral("route"), QStringLiteral("xmpp:192.0.2.1:25")},
                        {QStringLiteral("wait"), QStringLiteral("30")},
                        {QStringLiteral("hold"), QStringLiteral("1")},
                        {QStringLiteral("ver"), QStringLiteral("1.6")}});
    QVERIFY(r.isTerminate());
    QCOMPARE(r.attr(QStringLiteral("condition")), QStringLiteral("host-unknown"));
}

void tst_BoshProsody::unknownDomainIsHostUnknown()
{
    BoshClient client(m_server->boshUrl());
    const BoshClient::Response r = client.request({{QStringLiteral("to"), QStringLiteral("example.org")},
                                                   {QStringLiteral("wait"), QStringLiteral("30")},
                                                   {QStringLiteral("hold"), QStringLiteral("1")},
                                                   {QStringLiteral("ver"), QStringLiteral("1.6")}});
    QVERIFY(r.isTerminate());
    QCOMPARE(r.attr(QStringLiteral("condition")), QStringLiteral("host-unknown"));
}

void tst_BoshProsody::unknownSidIsItemNotFound()
{
    BoshClient client(m_server->boshUrl());
    const BoshClient::Response r = client.request({{QStringLiteral("sid"), QStringLiteral("nosuchsession")}});
    QCOMPARE(r.status, 200);
    QVERIFY(r.isTerminate());
    QCOMPARE(r.attr(QStringLiteral("condition")), QStringLiteral("item-not-found"));
}

void tst_BoshProsody::malformedBodyIsBadRequest()
{
    BoshClient client(m_server->boshUrl());
    const QList<QByteArray> bad{
        "<body xmlns='http://jabber.org/protocol/httpbind' rid='1'",
        "<wrong xmlns='http://jabber.org/protocol/httpbind' rid='1'/>",
        "<body xmlns='urn:other' rid='1'/>",
        "<!DOCTYPE body [<!ENTITY a 'b'>]><body xmlns='http://jabber.org/protocol/httpbind' "
        "rid='1'>&a;</body>",
        "<body xmlns='http://jabber.org/protocol/httpbind' rid='1'>text</body>",
    };
    for (const QByteArray &data : bad) {
        const BoshClient::Response r = BoshClient::wait(client.postRaw(data));
        QCOMPARE(r.status, 400);
    }
    // The server still serves everyone else.
    BoshClient alice(m_server->boshUrl());
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         password(QStringLiteral("alice")), &error, QStringLiteral("after-bad")),
             qPrintable(error));
    alice.terminate();
}

void tst_BoshProsody::getWithDataAndJsonp()
{
    // XEP-0252 (GET form): the body url-encoded in `data`, the reply wrapped for JSONP.
    QNetworkAccessManager nam;
    const QByteArray body = "<body xmlns='http://jabber.org/protocol/httpbind' rid='4242' to='localhost' "
                            "wait='10' hold='1' ver='1.6' xmlns:xmpp='urn:xmpp:xbosh' xmpp:version='1.0'/>";
    QUrl url = m_server->boshUrl();
    url.setQuery(QStringLiteral("data=") + QString::fromLatin1(body.toPercentEncoding()) +
                 QStringLiteral("&callback=handleBosh"));
    QNetworkReply *reply = nam.get(QNetworkRequest(url));
    QSignalSpy done(reply, &QNetworkReply::finished);
    QVERIFY(done.wait(10000));
    const QByteArray text = reply->readAll();
    QVERIFY2(text.startsWith("handleBosh({\"reply\":\"<body"), text.constData());
    QVERIFY(text.endsWith(");"));
    QVERIFY(text.contains("sid="));
    QVERIFY(
        reply->header(QNetworkRequest::ContentTypeHeader).toString().contains(QStringLiteral("javascript")));
    reply->deleteLater();
}

namespace {

QNetworkReply *finished(QNetworkReply *reply)
{
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!reply->isFinished() && !done.wait(10000))
        qWarning("no answer within 10 s");
    return reply;
}

QUrl jsonpUrl(QUrl url, const QByteArray &rid)
{
    const QByteArray body = "<body xmlns='http://jabber.org/protocol/httpbind' rid='" + rid +
                            "' to='localhost' wait='10' hold='1' ver='1.6'/>";
    url.setQuery(QStringLiteral("data=") + QString::fromLatin1(body.toPercentEncoding()) +
                 QStringLiteral("&callback=f"));
    return url;
}

} // namespace

// A stanza with an XHTML <script> sent to a session, then replayed by a GET URL, must not run as a
// document of the BOSH origin: no sniffing, nothing loaded, sandboxed.
void tst_BoshProsody::responsesCannotRunAsDocuments()
{
    QNetworkAccessManager nam;
    QNetworkRequest post(m_server->boshUrl());
    post.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("text/xml; charset=utf-8"));
    const QList<QNetworkReply *> replies{
        // a session's answer, an error answer, JSONP, the GET page, a refused method
        nam.post(post, QByteArray("<body xmlns='http://jabber.org/protocol/httpbind' rid='77' to='localhost' "
                                  "wait='5' hold='1' ver='1.6'/>")),
        nam.post(post, QByteArray("<body xmlns='http://jabber.org/protocol/httpbind' rid='78' sid='nope'/>")),
        nam.get(QNetworkRequest(jsonpUrl(m_server->boshUrl(), "79"))),
        nam.get(QNetworkRequest(m_server->boshUrl())),
        nam.put(post, QByteArray("x")),
    };
    for (QNetworkReply *reply : replies) {
        finished(reply);
        const QByteArray what = reply->operation() == QNetworkAccessManager::PostOperation ? "POST" : "other";
        QVERIFY2(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() > 0, what.constData());
        QCOMPARE(reply->rawHeader("X-Content-Type-Options"), QByteArray("nosniff"));
        QCOMPARE(reply->rawHeader("Content-Security-Policy"), QByteArray("default-src 'none'; sandbox"));
        reply->deleteLater();
    }
}

void tst_BoshProsody::getFollowsBoshGetAndAllowedOrigins_data()
{
    QTest::addColumn<QString>("boshGet");
    QTest::addColumn<QStringList>("origins");
    QTest::addColumn<int>("status");
    const QStringList allowlist{QStringLiteral("https://chat.example.org")};
    QTest::newRow("auto, any origin") << QStringLiteral("auto") << QStringList() << 200;
    QTest::newRow("auto, allowlist") << QStringLiteral("auto") << allowlist << 405;
    QTest::newRow("on, allowlist") << QStringLiteral("on") << allowlist << 200;
    QTest::newRow("off, any origin") << QStringLiteral("off") << QStringList() << 405;
}

// A <script src=...&callback=f> sends no Origin header, so an origin allowlist cannot guard JSONP: with
// one set, GET is off unless asked for.
void tst_BoshProsody::getFollowsBoshGetAndAllowedOrigins()
{
    QFETCH(QString, boshGet);
    QFETCH(QStringList, origins);
    QFETCH(int, status);
    Config config = baseConfig();
    QString error;
    QVERIFY2(ConfigLoader::apply(QStringLiteral("bosh_get"), boshGet, config, &error), qPrintable(error));
    config.allowedOrigins = origins;
    auto server = startServer(config);
    QNetworkAccessManager nam;
    QNetworkReply *jsonp = finished(nam.get(QNetworkRequest(jsonpUrl(server->boshUrl(), "91"))));
    QCOMPARE(jsonp->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), status);
    if (status == 200)
        QVERIFY(jsonp->readAll().startsWith("f({\"reply\":\"<body"));
    else
        QCOMPARE(jsonp->rawHeader("Allow"), QByteArray("POST, OPTIONS"));
    jsonp->deleteLater();
    // POST works either way.
    BoshClient client(server->boshUrl());
    QVERIFY2(client.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                          password(QStringLiteral("alice")), &error, QStringLiteral("get")),
             qPrintable(error));
    client.terminate();
}

void tst_BoshProsody::hubSignalsFollowSession()
{
    QSignalSpy opened(m_server->hub(), &Monitor::Hub::sessionOpened);
    QSignalSpy closed(m_server->hub(), &Monitor::Hub::sessionClosed);
    QSignalSpy restarted(m_server->hub(), &Monitor::Hub::streamRestarted);
    QSignalSpy stanzas(m_server->hub(), &Monitor::Hub::stanzaForwarded);
    BoshClient alice(m_server->boshUrl());
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         password(QStringLiteral("alice")), &error, QStringLiteral("hub"),
                         {{QStringLiteral("ua"), QStringLiteral("HubTest/1.0")}}),
             qPrintable(error));
    QCOMPARE(opened.size(), 1);
    const auto info = opened.first().first().value<Monitor::SessionInfo>();
    QCOMPARE(info.sid, alice.sid());
    QCOMPARE(info.userAgent, QStringLiteral("HubTest/1.0"));
    QCOMPARE(info.domain, QStringLiteral("localhost"));
    QCOMPARE(restarted.size(), 1);
    QVERIFY(stanzas.size() >= 4); // auth, success, bind request and result at least
    alice.terminate();
    QTRY_COMPARE(closed.size(), 1);
    QCOMPARE(closed.first().first().toString(), alice.sid());
}

SWITCHBOARD_TEST_MAIN(tst_BoshProsody)
#include "tst_bosh_prosody.moc"
