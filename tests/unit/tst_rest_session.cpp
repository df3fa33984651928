// SPDX-License-Identifier: GPL-3.0-or-later
// A REST session's rules without any socket: a fake upstream stands for the XMPP server, callbacks for
// the HTTP calls, and time is a number the test moves. Login (mechanism choice, bind, roster, initial
// presence), the event queue (kinds, seq, acknowledgement, the bound, long polls), the IQs Switchboard
// answers itself, IQ round trips, logout and the idle limit. When the link drops: the backoff through
// the test's clock, held sends, XEP-0198 counters, resumption and its failure, the XEP-0313 catch-up and
// its deduplication, giving up on refused credentials.
#include "rest/archivecatchup.h"
#include "rest/backoff.h"
#include "rest/restevent.h"
#include "rest/restsession.h"
#include "rest/streammanagement.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace Switchboard;
using namespace Switchboard::Rest;

namespace {

/// What the fake server saw; outlives the upstream, which the session deletes when it ends.
struct Record
{
    QList<QByteArray> sent;
    QStringList calls;
    bool encrypted = false;
};

struct FakeUpstream final : Stream::Upstream
{
    explicit FakeUpstream(Record *record) : r(record) {}
    Record *r;
    void open(const OpenParams &p) override { r->calls << (QStringLiteral("open:") + p.domain); }
    void restart(const QString &, const Xmpp::StreamAttributes &) override
    {
        r->calls << QStringLiteral("restart");
    }
    void send(const QByteArray &xml) override { r->sent << xml; }
    void close() override { r->calls << QStringLiteral("close"); }
    bool isEncrypted() const override { return r->encrypted; }
    QString peer() const override { return QStringLiteral("127.0.0.1:5222"); }
};

const QByteArray kFeaturesPlain =
    "<stream:features xmlns:stream='http://etherx.jabber.org/streams'><mechanisms "
    "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>";
const QByteArray kFeaturesBind = "<stream:features xmlns:stream='http://etherx.jabber.org/streams'><bind "
                                 "xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>";
const QByteArray kSuccess = "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>";
const QByteArray kFeaturesBindSm = "<stream:features xmlns:stream='http://etherx.jabber.org/streams'><bind "
                                   "xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><sm xmlns='urn:xmpp:sm:3'/>"
                                   "</stream:features>";
const QByteArray kBound =
    "<iq xmlns='jabber:client' type='result' id='sb-bind'><bind "
    "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>alice@example.com/phone</jid></bind></iq>";
const QByteArray kRoster = "<iq xmlns='jabber:client' type='result' id='sb-roster'><query "
                           "xmlns='jabber:iq:roster'/></iq>";

struct Harness
{
    Config config;
    qint64 now = 1000;
    Record record;
    Record *upstream = &record;
    std::unique_ptr<RestSession> session;

    explicit Harness(std::function<void(Config &)> tweak = {}, RestSession::Login login = {})
    {
        config.noTlsDomains = {QStringLiteral("example.com")};
        if (tweak)
            tweak(config);
        if (login.jid.isEmpty()) {
            login.jid = QStringLiteral("alice@example.com");
            login.password = QStringLiteral("secret");
            login.resource = QStringLiteral("phone");
            login.presence = QJsonObject{{QStringLiteral("show"), QStringLiteral("away")},
                                         {QStringLiteral("status"), QStringLiteral("out <& about")}};
        }
        Stream::ClientStream::Client client;
        client.id = QStringLiteral("s1");
        client.transport = Monitor::Transport::Rest;
        session = std::make_unique<RestSession>(
            config, client, std::move(login),
            [this](Stream::ClientStream *, const QString &) {
                return std::make_unique<FakeUpstream>(&record);
            },
            [this] { return now; }, nullptr, nullptr);
    }
    void element(const QByteArray &xml) { session->upstreamElement(session->id(), xml); }
    /// Runs the whole login: PLAIN (allowed by no_tls_domains), bind, roster.
    void login()
    {
        QVERIFY(!session->start());
        session->upstreamOpened(session->id(), {});
        element(kFeaturesPlain);
        element(kSuccess);
        session->upstreamOpened(session->id(), {});
        element(kFeaturesBind);
        element("<iq xmlns='jabber:client' type='result' id='sb-bind'><bind "
                "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>alice@example.com/phone</jid></bind></iq>");
        element("<iq xmlns='jabber:client' type='result' id='sb-roster'><query xmlns='jabber:iq:roster'>"
                "<item jid='bob@example.com' subscription='both'/></query></iq>");
        QVERIFY(session->isReady());
        upstream->sent.clear();
    }
    /// Logs in on a server that offers XEP-0198, and lets it enable with resumption.
    void loginWithSm()
    {
        QVERIFY(!session->start());
        session->upstreamOpened(session->id(), {});
        element(kFeaturesPlain);
        element(kSuccess);
        session->upstreamOpened(session->id(), {});
        element(kFeaturesBindSm);
        element(kBound);
        QVERIFY(upstream->sent.contains("<enable xmlns='urn:xmpp:sm:3' resume='true'/>"));
        element("<enabled xmlns='urn:xmpp:sm:3' id='sm-1' resume='true'/>");
        element(kRoster);
        QVERIFY(session->isReady());
        upstream->sent.clear();
    }
    /// The TCP connection to the server is gone.
    void drop()
    {
        session->upstreamFailed(session->id(), Xmpp::LinkFailure::ConnectionLost, {},
                                QStringLiteral("reset"));
    }
    int opens() const { return int(record.calls.count(QStringLiteral("open:example.com"))); }
    /// Moves the clock until the session opens a new link; the time it took.
    qint64 untilReopen()
    {
        const int before = opens();
        qint64 waited = 0;
        while (opens() == before && waited < 3600 * 1000) {
            now += 10;
            waited += 10;
            session->checkTimers();
        }
        return waited;
    }
    /// The log-in on a new link up to the stream restart (PLAIN from the kept credentials).
    void authenticateAgain()
    {
        session->upstreamOpened(session->id(), {});
        element(kFeaturesPlain);
        element(kSuccess);
        session->upstreamOpened(session->id(), {});
    }
    QJsonArray events(qint64 after = 0) { return poll(after, 1000).events; }
    RestSession::Poll poll(qint64 after, int limit = 100)
    {
        RestSession::Poll out;
        bool answered = false;
        session->pollEvents(after, limit, 0, [&](const RestSession::Poll &p) {
            out = p;
            answered = true;
        });
        if (!answered)
            qWarning("poll not answered");
        return out;
    }
};

QByteArray message(const QByteArray &body, const QByteArray &id = "m1")
{
    return "<message xmlns='jabber:client' from='bob@example.com/pc' to='alice@example.com/phone' "
           "type='chat' "
           "id='" +
           id + "'><body>" + body + "</body></message>";
}

} // namespace

class tst_rest_session : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void loginBindsRosterAndPresence()
    {
        Harness h;
        QSignalSpy loggedIn(h.session.get(), &RestSession::loggedIn);
        QVERIFY(!h.session->start());
        QCOMPARE(h.upstream->calls, QStringList{QStringLiteral("open:example.com")});
        h.session->upstreamOpened(h.session->id(), {});
        h.element(kFeaturesPlain);
        // RFC 4616: PLAIN, allowed here because the domain is in no_tls_domains.
        QCOMPARE(h.upstream->sent.size(), 1);
        QVERIFY(h.upstream->sent.last().contains("mechanism='PLAIN'"));
        QVERIFY(h.upstream->sent.last().contains(QByteArray("\0alice\0secret", 13).toBase64()));
        h.element(kSuccess);
        QVERIFY(h.upstream->calls.contains(QStringLiteral("restart")));
        h.session->upstreamOpened(h.session->id(), {});
        h.element(kFeaturesBind);
        QVERIFY(h.upstream->sent.last().contains("<resource>phone</resource>"));
        QVERIFY(h.upstream->sent.last().contains("id='sb-bind'"));
        h.element("<iq xmlns='jabber:client' type='result' id='sb-bind'><bind "
                  "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>alice@example.com/phone</jid></bind></iq>");
        QVERIFY(h.upstream->sent.last().contains("jabber:iq:roster"));
        QCOMPARE(loggedIn.size(), 0);
        h.element(
            "<iq xmlns='jabber:client' type='result' id='sb-roster'><query xmlns='jabber:iq:roster'/></iq>");
        // RFC 6121 §4.2: initial presence after the roster, with show and status escaped.
        QCOMPARE(h.upstream->sent.last(), QByteArray("<presence xmlns='jabber:client'><show>away</show>"
                                                     "<status>out &lt;&amp; about</status></presence>"));
        QCOMPARE(loggedIn.size(), 1);
        QCOMPARE(loggedIn.at(0).at(0).toString(), QStringLiteral("alice@example.com/phone"));
        QCOMPARE(h.session->boundJid(), QStringLiteral("alice@example.com/phone"));
        // The roster is the first event.
        const RestSession::Poll first = h.poll(0);
        QCOMPARE(first.events.size(), 1);
        QCOMPARE(first.events.at(0).toObject().value(QStringLiteral("id")).toString(),
                 QStringLiteral("sb-roster"));
    }

    void noPresenceWhenFalseAndServerPicksResource()
    {
        RestSession::Login login;
        login.jid = QStringLiteral("alice@example.com");
        login.password = QStringLiteral("secret");
        Harness h({}, login);
        h.session->start();
        h.session->upstreamOpened(h.session->id(), {});
        h.element(kFeaturesPlain);
        h.element(kSuccess);
        h.element(kFeaturesBind);
        QVERIFY(h.upstream->sent.last().contains("<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"));
        h.element("<iq xmlns='jabber:client' type='result' id='sb-bind'><bind "
                  "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>alice@example.com/r4nd0m</jid></bind></iq>");
        const int before = h.upstream->sent.size();
        h.element("<iq xmlns='jabber:client' type='result' id='sb-roster'/>");
        QCOMPARE(h.upstream->sent.size(), before);
        QVERIFY(h.session->isReady());
    }

    void plainRefusedOverPlaintext()
    {
        Harness h([](Config &c) { c.noTlsDomains.clear(); });
        QSignalSpy failed(h.session.get(), &RestSession::loginFailed);
        QSignalSpy finished(h.session.get(), &RestSession::finished);
        h.session->start();
        h.session->upstreamOpened(h.session->id(), {});
        h.element(kFeaturesPlain);
        QVERIFY2(h.upstream->sent.isEmpty(),
                 h.upstream->sent.join("|").constData()); // the password never left
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.at(0).at(0).value<RestSession::LoginError>(), RestSession::LoginError::Failed);
        QCOMPARE(finished.size(), 1);
    }

    void plainAllowedOverTls()
    {
        Harness h([](Config &c) { c.noTlsDomains.clear(); });
        h.session->start();
        h.upstream->encrypted = true;
        h.session->upstreamOpened(h.session->id(), {});
        h.element(kFeaturesPlain);
        QCOMPARE(h.upstream->sent.size(), 1);
        QVERIFY(h.upstream->sent.last().contains("mechanism='PLAIN'"));
    }

    void wrongCredentials()
    {
        Harness h;
        QSignalSpy failed(h.session.get(), &RestSession::loginFailed);
        QSignalSpy loggedIn(h.session.get(), &RestSession::loggedIn);
        h.session->start();
        h.session->upstreamOpened(h.session->id(), {});
        h.element(kFeaturesPlain);
        h.element("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>");
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.at(0).at(0).value<RestSession::LoginError>(), RestSession::LoginError::NotAuthorized);
        QCOMPARE(loggedIn.size(), 0);
        QVERIFY(h.session->isFinished());
        QVERIFY(h.upstream->calls.contains(QStringLiteral("close")));
    }

    void keepsCredentialsAfterLogin()
    {
        Harness h;
        QVERIFY(!h.session->credentials());
        h.login();
        // PLAIN (RFC 4616): the password is all there is to log in again with.
        const std::optional<Credentials> kept = h.session->credentials();
        QVERIFY(kept);
        QCOMPARE(kept->username, QStringLiteral("alice"));
        QCOMPARE(kept->mechanism, QStringLiteral("PLAIN"));
        QCOMPARE(kept->password, QStringLiteral("secret"));
    }

    void logsInFromCredentials()
    {
        RestSession::Login login;
        login.jid = QStringLiteral("alice@example.com");
        Credentials credentials;
        credentials.username = QStringLiteral("alice");
        credentials.mechanism = QStringLiteral("PLAIN");
        credentials.password = QStringLiteral("kept");
        login.credentials = credentials;
        Harness h({}, login);
        QSignalSpy loggedIn(h.session.get(), &RestSession::loggedIn);
        h.session->start();
        h.session->upstreamOpened(h.session->id(), {});
        h.element(kFeaturesPlain);
        QCOMPARE(h.upstream->sent.size(), 1);
        QVERIFY(h.upstream->sent.last().contains(QByteArray("\0alice\0kept", 11).toBase64()));
        h.element(kSuccess);
        h.element(kFeaturesBind);
        h.element("<iq xmlns='jabber:client' type='result' id='sb-bind'><bind "
                  "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>alice@example.com/x</jid></bind></iq>");
        h.element("<iq xmlns='jabber:client' type='result' id='sb-roster'/>");
        QCOMPARE(loggedIn.size(), 1);
        QCOMPARE(h.session->credentials()->password, QStringLiteral("kept"));
    }

    void staleScramCredentialsAreNotAuthorized()
    {
        RestSession::Login login;
        login.jid = QStringLiteral("alice@example.com");
        Credentials credentials;
        credentials.username = QStringLiteral("alice");
        credentials.mechanism = QStringLiteral("SCRAM-SHA-256");
        credentials.salt = "oldsalt";
        credentials.iterations = 4096;
        credentials.saltedPassword = QByteArray(32, 's');
        login.credentials = credentials;
        Harness h({}, login);
        QSignalSpy failed(h.session.get(), &RestSession::loginFailed);
        h.session->start();
        h.session->upstreamOpened(h.session->id(), {});
        h.element("<stream:features xmlns:stream='http://etherx.jabber.org/streams'><mechanisms "
                  "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-256</mechanism>"
                  "<mechanism>PLAIN</mechanism></mechanisms></stream:features>");
        QCOMPARE(h.upstream->sent.size(), 1);
        QVERIFY(h.upstream->sent.last().contains("mechanism='SCRAM-SHA-256'"));
        const QByteArray auth = h.upstream->sent.last();
        const QByteArray clientFirst = QByteArray::fromBase64(
            auth.mid(auth.indexOf('>') + 1, auth.indexOf("</auth>") - auth.indexOf('>') - 1));
        const QByteArray nonce = clientFirst.mid(clientFirst.indexOf(",r=") + 3);
        // The server re-salted the password: only the password can log in now.
        h.element(
            "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" +
            QByteArray("r=" + nonce + "srv,s=" + QByteArray("newsalt").toBase64() + ",i=4096").toBase64() +
            "</challenge>");
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.at(0).at(0).value<RestSession::LoginError>(), RestSession::LoginError::NotAuthorized);
        QCOMPARE(h.upstream->sent.size(), 1);
        QVERIFY(h.session->isFinished());
    }

    void unreachableAndSlowLogin()
    {
        Harness h;
        QSignalSpy failed(h.session.get(), &RestSession::loginFailed);
        h.session->start();
        h.session->upstreamFailed(h.session->id(), Xmpp::LinkFailure::RemoteConnectionFailed, {},
                                  QStringLiteral("connection refused"));
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.at(0).at(0).value<RestSession::LoginError>(), RestSession::LoginError::Unreachable);

        Harness slow;
        QSignalSpy slowFailed(slow.session.get(), &RestSession::loginFailed);
        slow.session->start();
        slow.session->upstreamOpened(slow.session->id(), {});
        slow.now += 2 * qint64(slow.config.connectTimeout) * 1000;
        slow.session->checkTimers();
        QCOMPARE(slowFailed.size(), 1);
        QCOMPARE(slowFailed.at(0).at(0).value<RestSession::LoginError>(),
                 RestSession::LoginError::Unreachable);
    }

    void eventKinds_data()
    {
        QTest::addColumn<QByteArray>("stanza");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("type");
        QTest::newRow("message") << message("hi") << "message"
                                 << "chat";
        QTest::newRow("message without type")
            << QByteArray("<message xmlns='jabber:client' from='b@x'><body>x</body></message>") << "message"
            << "normal";
        QTest::newRow("presence")
            << QByteArray("<presence xmlns='jabber:client' from='b@x/y'><show>dnd</show></presence>")
            << "presence"
            << "available";
        QTest::newRow("unavailable")
            << QByteArray("<presence xmlns='jabber:client' from='b@x/y' type='unavailable'/>") << "presence"
            << "unavailable";
        QTest::newRow("subscribe") << QByteArray(
                                          "<presence xmlns='jabber:client' from='b@x' type='subscribe'/>")
                                   << "subscription"
                                   << "subscribe";
        QTest::newRow("message error")
            << QByteArray(
                   "<message xmlns='jabber:client' from='b@x' type='error'><error type='cancel'/></message>")
            << "error"
            << "error";
        QTest::newRow("iq set") << QByteArray(
                                       "<iq xmlns='jabber:client' from='b@x/y' type='set' id='q1'><query "
                                       "xmlns='urn:example'/></iq>")
                                << "iq"
                                << "set";
        QTest::newRow("iq get of another namespace")
            << QByteArray("<iq xmlns='jabber:client' from='b@x/y' type='get' id='q2'><vCard "
                          "xmlns='vcard-temp'/></iq>")
            << "iq"
            << "get";
    }
    void eventKinds()
    {
        QFETCH(QByteArray, stanza);
        QFETCH(QString, kind);
        QFETCH(QString, type);
        Harness h;
        h.login();
        h.element(stanza);
        const RestSession::Poll p = h.poll(1);
        QCOMPARE(p.events.size(), 1);
        const QJsonObject e = p.events.at(0).toObject();
        QCOMPARE(e.value(QStringLiteral("kind")).toString(), kind);
        QCOMPARE(e.value(QStringLiteral("type")).toString(), type);
        QCOMPARE(e.value(QStringLiteral("seq")).toInteger(), 2);
        QCOMPARE(e.value(QStringLiteral("xml")).toString(), QString::fromUtf8(stanza));
        QCOMPARE(p.next, 2);
    }

    void eventJson()
    {
        const QByteArray xml = "<message xmlns='jabber:client' from='b@x/y' to='a@x/z' id='7' type='chat'>"
                               "<subject>S</subject><body>B &amp; C</body><thread>t</thread></message>";
        Event e = Event::fromStanza(summarize(xml), xml);
        e.seq = 5;
        const QJsonObject o = e.toJson();
        QCOMPARE(o.value(QStringLiteral("seq")).toInteger(), 5);
        QCOMPARE(o.value(QStringLiteral("kind")).toString(), QStringLiteral("message"));
        QCOMPARE(o.value(QStringLiteral("from")).toString(), QStringLiteral("b@x/y"));
        QCOMPARE(o.value(QStringLiteral("to")).toString(), QStringLiteral("a@x/z"));
        QCOMPARE(o.value(QStringLiteral("id")).toString(), QStringLiteral("7"));
        QCOMPARE(o.value(QStringLiteral("body")).toString(), QStringLiteral("B & C"));
        QCOMPARE(o.value(QStringLiteral("subject")).toString(), QStringLiteral("S"));
        QVERIFY(!o.contains(QStringLiteral("show")));
        QVERIFY(!o.contains(QStringLiteral("status")));
        const QByteArray presence =
            "<presence xmlns='jabber:client' from='b@x/y'><show>xa</show><status/></presence>";
        const QJsonObject p = Event::fromStanza(summarize(presence), presence).toJson();
        QCOMPARE(p.value(QStringLiteral("show")).toString(), QStringLiteral("xa"));
        QVERIFY(p.contains(QStringLiteral("status"))); // present, empty
        QVERIFY(!p.contains(QStringLiteral("body")));
        QVERIFY(!summarize("<a/><b/>").valid);
        QVERIFY(!summarize("<a>").valid);
    }

    void iqsAnsweredBySwitchboard_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("ping XEP-0199") << QByteArray("<ping xmlns='urn:xmpp:ping'/>") << QByteArray("/>");
        QTest::newRow("version XEP-0092")
            << QByteArray("<query xmlns='jabber:iq:version'/>") << QByteArray("<name>Switchboard</name>");
        QTest::newRow("disco#info XEP-0030")
            << QByteArray("<query xmlns='http://jabber.org/protocol/disco#info'/>")
            << QByteArray("<feature var='urn:xmpp:ping'/>");
    }
    void iqsAnsweredBySwitchboard()
    {
        QFETCH(QByteArray, payload);
        QFETCH(QByteArray, expected);
        Harness h;
        h.login();
        h.element("<iq xmlns='jabber:client' from='bob@example.com/pc' type='get' id='x&amp;1'>" + payload +
                  "</iq>");
        QCOMPARE(h.upstream->sent.size(), 1);
        const QByteArray reply = h.upstream->sent.at(0);
        QVERIFY2(
            reply.startsWith("<iq xmlns='jabber:client' type='result' id='x&amp;1' to='bob@example.com/pc'"),
            reply.constData());
        QVERIFY2(reply.contains(expected), reply.constData());
        QCOMPARE(h.poll(1).events.size(), 0); // not an event
    }

    void rosterPushAcknowledged()
    {
        Harness h;
        h.login();
        h.element("<iq xmlns='jabber:client' type='set' id='push1'><query xmlns='jabber:iq:roster'><item "
                  "jid='carol@example.com'/></query></iq>");
        // RFC 6121 §2.1.6: the push is acknowledged, and the client sees it.
        QCOMPARE(h.upstream->sent.size(), 1);
        QVERIFY(h.upstream->sent.at(0).contains("type='result' id='push1'"));
        QCOMPARE(h.poll(1).events.size(), 1);
    }

    void afterAcknowledgesAndRepeats()
    {
        Harness h;
        h.login();
        for (int i = 0; i < 5; ++i)
            h.element(message("m" + QByteArray::number(i), QByteArray::number(i)));
        QCOMPARE(h.session->queued(), 6); // the roster and five messages
        const RestSession::Poll a = h.poll(1, 2);
        QCOMPARE(a.events.size(), 2);
        QCOMPARE(a.next, 3);
        // A lost answer loses nothing: the same after gives the same events.
        const RestSession::Poll again = h.poll(1, 2);
        QCOMPARE(again.events, a.events);
        QCOMPARE(again.next, a.next);
        QCOMPARE(h.session->queued(), 5); // the roster (seq 1) is acknowledged and gone
        const RestSession::Poll b = h.poll(a.next);
        QCOMPARE(b.events.size(), 3);
        QCOMPARE(b.events.first().toObject().value(QStringLiteral("seq")).toInteger(), 4);
        QCOMPARE(b.next, 6);
        const RestSession::Poll c = h.poll(b.next);
        QCOMPARE(c.events.size(), 0);
        QCOMPARE(c.next, 6);
        QCOMPARE(h.session->queued(), 0);
        // An `after` beyond the last event does not skip later ones.
        QCOMPARE(h.poll(1000).next, 6);
    }

    void fullQueueRefusesAndCounts()
    {
        Harness h([](Config &c) { c.restMaxQueue = 2; });
        h.login(); // the roster is event 1
        h.element(message("fits", "a"));
        h.element(message("too many", "b"));
        h.element("<presence xmlns='jabber:client' from='b@x/y'/>");
        // RFC 6120 §8.3.3.18: the refused message goes back with resource-constraint.
        QCOMPARE(h.upstream->sent.size(), 1);
        QVERIFY(h.upstream->sent.at(0).contains("<resource-constraint"));
        QVERIFY(h.upstream->sent.at(0).contains("id='b'"));
        QVERIFY(h.upstream->sent.at(0).contains("to='bob@example.com/pc'"));
        const RestSession::Poll p = h.poll(0);
        QCOMPARE(p.events.size(), 2);
        QCOMPARE(p.refused, 2);
        // Room again once acknowledged.
        h.poll(p.next);
        h.element(message("after", "c"));
        QCOMPARE(h.poll(p.next).events.size(), 1);
    }

    void longPollWokenAndTimedOut()
    {
        Harness h;
        h.login();
        h.poll(1);
        int answers = 0;
        RestSession::Poll got;
        h.session->pollEvents(1, 10, 30000, [&](const RestSession::Poll &p) {
            ++answers;
            got = p;
        });
        QCOMPARE(answers, 0);
        h.element(message("wake up"));
        QCOMPARE(answers, 1);
        QCOMPARE(got.events.size(), 1);
        QCOMPARE(got.events.at(0).toObject().value(QStringLiteral("body")).toString(),
                 QStringLiteral("wake up"));

        int empty = 0;
        h.session->pollEvents(got.next, 10, 5000, [&](const RestSession::Poll &p) {
            ++empty;
            QCOMPARE(p.events.size(), 0);
        });
        h.now += 4999;
        h.session->checkTimers();
        QCOMPARE(empty, 0);
        h.now += 1;
        h.session->checkTimers();
        QCOMPARE(empty, 1);
        // A wait beyond the cap is cut to it.
        int capped = 0;
        h.session->pollEvents(got.next, 10, 3600 * 1000, [&](const RestSession::Poll &) { ++capped; });
        h.now += RestSession::kMaxWaitSeconds * 1000;
        h.session->checkTimers();
        QCOMPARE(capped, 1);
    }

    void findEventFindsQueuedEvents()
    {
        Harness h;
        h.login();
        h.element(message("one", "a"));
        h.element(message("two", "b"));
        const Event *event = h.session->findEvent(3);
        QVERIFY(event);
        QCOMPARE(event->body, QStringLiteral("two"));
        QCOMPARE(h.session->findEvent(2)->body, QStringLiteral("one"));
        QVERIFY(!h.session->findEvent(4)); // not yet queued
        h.poll(2);                         // acknowledged up to 2: freed
        QVERIFY(!h.session->findEvent(2));
        QVERIFY(h.session->findEvent(3));
    }

    void iqRoundTrip()
    {
        Harness h;
        h.login();
        std::optional<QByteArray> reply;
        int answers = 0;
        QVERIFY(h.session->sendIq("<iq xmlns='jabber:client' type='get' id='v1' to='example.com'><query "
                                  "xmlns='jabber:iq:version'/></iq>",
                                  QStringLiteral("v1"), 30000, [&](const std::optional<QByteArray> &r) {
                                      reply = r;
                                      ++answers;
                                  }));
        // The same id cannot wait twice.
        QVERIFY(!h.session->sendIq("<iq/>", QStringLiteral("v1"), 30000,
                                   [](const std::optional<QByteArray> &) {}));
        const QByteArray result = "<iq xmlns='jabber:client' type='result' id='v1' from='example.com'><query "
                                  "xmlns='jabber:iq:version'><name>Prosody</name></query></iq>";
        h.element(result);
        QCOMPARE(answers, 1);
        QCOMPARE(*reply, result);
        QCOMPARE(h.poll(1).events.size(), 0); // the reply went to its caller, not the queue

        QVERIFY(h.session->sendIq("<iq xmlns='jabber:client' type='get' id='v2'/>", QStringLiteral("v2"),
                                  1000, [&](const std::optional<QByteArray> &r) {
                                      reply = r;
                                      ++answers;
                                  }));
        h.now += 1000;
        h.session->checkTimers();
        QCOMPARE(answers, 2);
        QVERIFY(!reply);
    }

    void logoutSendsUnavailableAndEndsPolls()
    {
        Harness h;
        h.login();
        h.poll(1);
        QSignalSpy finished(h.session.get(), &RestSession::finished);
        RestSession::Poll last;
        h.session->pollEvents(1, 10, 30000, [&](const RestSession::Poll &p) { last = p; });
        Record *upstream = h.upstream;
        h.session->logout();
        QCOMPARE(upstream->sent.last(), QByteArray("<presence type='unavailable' xmlns='jabber:client'/>"));
        QVERIFY(upstream->calls.contains(QStringLiteral("close")));
        QCOMPARE(finished.size(), 1);
        QCOMPARE(last.events.size(), 1);
        QCOMPARE(last.events.at(0).toObject().value(QStringLiteral("kind")).toString(),
                 QStringLiteral("session"));
        QVERIFY(!h.session->send("<message/>"));
    }

    void eventQueuedSaysWhetherAReaderTookIt()
    {
        Harness h;
        h.login();
        QSignalSpy queued(h.session.get(), &RestSession::eventQueued);
        h.element(message("nobody waits", "a"));
        QCOMPARE(queued.size(), 1);
        QCOMPARE(queued.at(0).at(0).toLongLong(), 2); // seq (the roster is 1)
        QCOMPARE(queued.at(0).at(1).toInt(), 2);      // pending: the roster and this
        QCOMPARE(queued.at(0).at(2).toBool(), false);
        // A long poll that gets the event took it.
        h.poll(2);
        h.session->pollEvents(2, 10, 30000, [](const RestSession::Poll &) {});
        h.element(message("a poll waits", "b"));
        QCOMPARE(queued.size(), 2);
        QCOMPARE(queued.at(1).at(2).toBool(), true);
        // An attached stream counts as a waiting reader, until it detaches.
        h.session->attachReader();
        h.element(message("a stream reads", "c"));
        QCOMPARE(queued.at(2).at(2).toBool(), true);
        h.session->detachReader();
        h.element(message("nobody again", "d"));
        QCOMPARE(queued.at(3).at(2).toBool(), false);
        h.session->detachReader(); // more detaches than attaches change nothing
        h.session->attachReader();
        h.element(message("once more", "e"));
        QCOMPARE(queued.at(4).at(2).toBool(), true);
    }

    void acknowledgeFreesUpTo()
    {
        Harness h;
        h.login();
        h.element(message("one", "a"));
        h.element(message("two", "b"));
        QCOMPARE(h.session->events().size(), std::size_t(3));
        h.session->acknowledge(2);
        QCOMPARE(h.session->events().size(), std::size_t(1));
        QCOMPARE(h.session->events().front().seq, 3);
        h.session->acknowledge(1); // going back acknowledges nothing more
        QCOMPARE(h.session->events().size(), std::size_t(1));
    }

    void attachedReaderIsNotIdle()
    {
        Harness h([](Config &c) { c.restIdleTimeout = 100; });
        h.login();
        QSignalSpy finished(h.session.get(), &RestSession::finished);
        h.session->attachReader();
        h.now += 500 * 1000;
        h.session->checkTimers();
        QCOMPARE(finished.size(), 0);
        h.session->detachReader();
        h.now += 100 * 1000;
        h.session->checkTimers();
        QCOMPARE(finished.size(), 1);
    }

    void oldEventsExpireCountedAndTold()
    {
        Harness h([](Config &c) { c.restMaxEventAge = 60; });
        h.login(); // the roster, queued at 1000
        h.now += 30 * 1000;
        h.element(message("younger", "y"));
        h.now += 30 * 1000 - 1;
        h.session->checkTimers();
        QCOMPARE(h.session->queued(), 2);
        h.now += 1;
        h.session->checkTimers();
        QCOMPARE(h.session->expired(), 1);
        const RestSession::Poll p = h.poll(0);
        QCOMPARE(p.events.size(), 2); // the message and the word about what expired
        QCOMPARE(p.events.at(0).toObject().value(QStringLiteral("body")).toString(),
                 QStringLiteral("younger"));
        const QJsonObject note = p.events.at(1).toObject();
        QCOMPARE(note.value(QStringLiteral("kind")).toString(), QStringLiteral("session"));
        QCOMPARE(note.value(QStringLiteral("type")).toString(), QStringLiteral("expired"));
        QCOMPARE(note.value(QStringLiteral("expired")).toInt(), 1);
        QVERIFY(!note.value(QStringLiteral("status")).toString().isEmpty());
        QVERIFY(h.session->isReady()); // the session goes on
        h.now += 30 * 1000;
        h.session->checkTimers();
        QCOMPARE(h.session->expired(), 2);
    }

    void rosterFollowsWhatArrives()
    {
        Harness h;
        h.login(); // the roster names bob
        QCOMPARE(h.session->roster().contactCount(), 1);
        h.element("<presence xmlns='jabber:client' from='bob@example.com/pc'><show>xa</show></presence>");
        QCOMPARE(h.session->roster().resourceCount(QStringLiteral("bob@example.com")), 1);
        h.element("<iq xmlns='jabber:client' type='set' id='push1'><query xmlns='jabber:iq:roster'>"
                  "<item jid='carol@example.com' subscription='to'/></query></iq>");
        QCOMPARE(h.session->roster().contactCount(), 2);
    }

    void sendPresenceSendsAndKeepsIt()
    {
        Harness h;
        h.login();
        QVERIFY(h.session->sendPresence(
            QJsonObject{{QStringLiteral("show"), QStringLiteral("dnd")}, {QStringLiteral("priority"), 3}}));
        QCOMPARE(h.upstream->sent.size(), 1);
        QCOMPARE(
            h.upstream->sent.at(0),
            QByteArray("<presence xmlns='jabber:client'><show>dnd</show><priority>3</priority></presence>"));
    }

    void idleSessionEnds()
    {
        Harness h([](Config &c) { c.restIdleTimeout = 100; });
        h.login();
        QSignalSpy finished(h.session.get(), &RestSession::finished);
        h.now += 99 * 1000;
        h.session->checkTimers();
        h.session->touch();
        h.now += 99 * 1000;
        h.session->checkTimers();
        QCOMPARE(finished.size(), 0);
        h.now += 1000;
        h.session->checkTimers();
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.at(0).at(1).value<Stream::Condition>(), Stream::Condition::ConnectionTimeout);
    }

    void serverClosesReadySessionReconnects()
    {
        Harness h;
        h.login();
        QSignalSpy finished(h.session.get(), &RestSession::finished);
        h.session->upstreamClosed(h.session->id());
        QCOMPARE(finished.size(), 0);
        QVERIFY(h.session->isReconnecting());
        QVERIFY(h.session->isLoggedIn());
        QVERIFY(!h.session->isReady());
        const QJsonArray events = h.events();
        const QJsonObject last = events.last().toObject();
        QCOMPARE(last.value(QStringLiteral("kind")).toString(), QStringLiteral("session"));
        QCOMPARE(last.value(QStringLiteral("type")).toString(), QStringLiteral("reconnecting"));
    }

    void backoffDoublesWithJitterUpToCap()
    {
        double r = 0.0;
        Backoff backoff(1000, 8000, [&r] { return r; });
        QCOMPARE(backoff.next(), 500); // [d/2, d] with r = 0
        QCOMPARE(backoff.next(), 1000);
        QCOMPARE(backoff.next(), 2000);
        r = 0.999999;
        QCOMPARE(backoff.next(), 7999); // 8000, the cap, nearly all of it
        QCOMPARE(backoff.next(), 7999);
        QCOMPARE(backoff.attempts(), 5);
        backoff.reset();
        r = 0.5;
        QCOMPARE(backoff.next(), 750);
    }

    void reconnectsWithBackoffAndLogsInAgain()
    {
        Harness h([](Config &c) {
            c.restReconnectDelay = 1000;
            c.restReconnectMaxDelay = 4;
        });
        h.session->setBackoffRandom([] { return 0.0; });
        h.login();
        QSignalSpy loggedIn(h.session.get(), &RestSession::loggedIn);
        QSignalSpy finished(h.session.get(), &RestSession::finished);
        h.element("<presence xmlns='jabber:client' from='bob@example.com/pc'/>");
        QCOMPARE(h.session->roster().resourceCount(QStringLiteral("bob@example.com")), 1);
        const qint64 acked = h.poll(0).next;
        h.drop();
        QVERIFY(h.upstream->calls.contains(QStringLiteral("close")));
        // 500 ms, 1 s, 2 s, then the 4 s cap: each failed try doubles the wait.
        QCOMPARE(h.untilReopen(), 500);
        h.session->upstreamFailed(h.session->id(), Xmpp::LinkFailure::RemoteConnectionFailed, {},
                                  QStringLiteral("refused"));
        QCOMPARE(h.untilReopen(), 1000);
        h.session->upstreamFailed(h.session->id(), Xmpp::LinkFailure::RemoteConnectionFailed, {}, {});
        QCOMPARE(h.untilReopen(), 2000);
        h.session->upstreamFailed(h.session->id(), Xmpp::LinkFailure::RemoteConnectionFailed, {}, {});
        QCOMPARE(h.untilReopen(), 2000); // half the 4 s cap with r = 0
        // A try that hangs is given up after its deadline and retried, without ending the session.
        h.session->upstreamOpened(h.session->id(), {});
        h.now += 2 * qint64(h.config.connectTimeout) * 1000;
        h.session->checkTimers();
        QVERIFY(h.session->isReconnecting());
        QCOMPARE(h.untilReopen(), 2000);
        QCOMPARE(finished.size(), 0);

        h.upstream->sent.clear();
        h.authenticateAgain();
        // The kept credentials (PLAIN: the password), not a client's request.
        QVERIFY(h.upstream->sent.first().contains(QByteArray("\0alice\0secret", 13).toBase64()));
        h.element(kFeaturesBind);
        QVERIFY(h.upstream->sent.last().contains("<resource>phone</resource>")); // the same resource
        h.element(kBound);
        QVERIFY(h.upstream->sent.last().contains("jabber:iq:roster"));
        h.element(kRoster);
        // The presence the client had, then the archive query.
        QCOMPARE(h.upstream->sent.at(h.upstream->sent.size() - 2),
                 QByteArray("<presence xmlns='jabber:client'><show>away</show>"
                            "<status>out &lt;&amp; about</status></presence>"));
        QVERIFY(h.upstream->sent.last().contains("urn:xmpp:mam:2"));
        QVERIFY(h.session->isReady());
        // The old server session's presence is gone with it; the server sends it afresh.
        QCOMPARE(h.session->roster().resourceCount(QStringLiteral("bob@example.com")), 0);
        QCOMPARE(loggedIn.size(), 0); // that signal is the first log-in's only
        const QJsonArray events = h.events(acked);
        QStringList types;
        for (const QJsonValue &e : events)
            types << e.toObject().value(QStringLiteral("kind")).toString() + u':' +
                         e.toObject().value(QStringLiteral("type")).toString();
        QCOMPARE(types, (QStringList{QStringLiteral("session:reconnecting"), QStringLiteral("iq:result"),
                                     QStringLiteral("session:online")}));
        QCOMPARE(events.last().toObject().value(QStringLiteral("status")).toString(),
                 QStringLiteral("alice@example.com/phone"));
        // Success resets the backoff.
        h.drop();
        QCOMPARE(h.untilReopen(), 500);
    }

    void sendsAreHeldWhileReconnecting()
    {
        Harness h;
        h.session->setBackoffRandom([] { return 0.0; });
        h.login();
        h.drop();
        QVERIFY(h.session->canSend());
        QVERIFY(h.session->send(message("one", "c1")));
        QVERIFY(h.session->send("<presence xmlns='jabber:client'><show>dnd</show></presence>"));
        std::optional<QByteArray> iqReply;
        bool answered = false;
        QVERIFY(h.session->sendIq("<iq xmlns='jabber:client' type='get' id='q1' to='example.com'><query "
                                  "xmlns='jabber:iq:version'/></iq>",
                                  QStringLiteral("q1"), 60000, [&](const std::optional<QByteArray> &r) {
                                      iqReply = r;
                                      answered = true;
                                  }));
        for (int i = 3; i < RestSession::kMaxHeld; ++i)
            QVERIFY(h.session->send(message("more", "c" + QByteArray::number(i))));
        // The bound: the front answers 503 with Retry-After.
        QVERIFY(!h.session->canSend());
        QVERIFY(!h.session->send(message("too many", "c-over")));
        QVERIFY(h.session->retryAfter() >= 1);
        QVERIFY(h.upstream->sent.isEmpty());
        // A try that fails does not answer the held IQ: the server never had it.
        h.untilReopen();
        h.session->upstreamFailed(h.session->id(), Xmpp::LinkFailure::RemoteConnectionFailed, {}, {});
        QVERIFY(!answered);

        h.untilReopen();
        h.authenticateAgain();
        h.element(kFeaturesBind);
        h.element(kBound);
        h.element(kRoster);
        // The last presence the client sent is the one restored; then what was held, in order.
        const QList<QByteArray> &sent = h.upstream->sent;
        const qsizetype first = sent.indexOf(message("one", "c1"));
        QVERIFY(first > 0);
        QCOMPARE(sent.at(first - 2),
                 QByteArray("<presence xmlns='jabber:client'><show>dnd</show></presence>"));
        QVERIFY(sent.at(first - 1).contains("urn:xmpp:mam:2"));
        QCOMPARE(sent.at(first + 1),
                 QByteArray("<presence xmlns='jabber:client'><show>dnd</show></presence>"));
        QVERIFY(sent.at(first + 2).contains("id='q1'"));
        QCOMPARE(sent.last(), message("more", "c" + QByteArray::number(RestSession::kMaxHeld - 1)));
        QVERIFY(!sent.contains(message("too many", "c-over")));
        QVERIFY(!answered);
        h.element("<iq xmlns='jabber:client' type='result' id='q1' from='example.com'/>");
        QVERIFY(answered && iqReply);
    }

    void iqReplyOnlyFromTheAddressee()
    {
        // RFC 6120 §8.1.2.1: the reply comes from the entity the request went to; anyone else who knows
        // the id cannot answer for it.
        Harness h;
        h.login();
        std::optional<QByteArray> reply;
        QVERIFY(h.session->sendIq(
            "<iq xmlns='jabber:client' type='get' id='v1' to='bob@example.com/pc'><query "
            "xmlns='jabber:iq:version'/></iq>",
            QStringLiteral("v1"), 60000, [&](const std::optional<QByteArray> &r) { reply = r; }));
        h.element("<iq xmlns='jabber:client' type='result' id='v1' from='mallory@example.com/x'/>");
        QVERIFY(!reply);
        h.element("<iq xmlns='jabber:client' type='result' id='v1' from='bob@example.com/pc'/>");
        QVERIFY(reply && reply->contains("bob@example.com/pc"));

        // No `to`: the account's server answers, with no from, the bare JID or the domain.
        for (const QByteArray &from :
             {QByteArray(), QByteArray(" from='alice@example.com'"), QByteArray(" from='example.com'")}) {
            std::optional<QByteArray> own;
            QVERIFY(h.session->sendIq(
                "<iq xmlns='jabber:client' type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>",
                QStringLiteral("p1"), 60000, [&](const std::optional<QByteArray> &r) { own = r; }));
            h.element("<iq xmlns='jabber:client' type='result' id='p1' from='bob@example.com/pc'/>");
            QVERIFY(!own);
            h.element("<iq xmlns='jabber:client' type='result' id='p1'" + from + "/>");
            QVERIFY2(own, from.constData());
        }
    }

    void presenceSetWhileReconnectingIsHeld()
    {
        Harness h;
        h.login();
        h.drop();
        QVERIFY(h.session->sendPresence(QJsonObject{{QStringLiteral("show"), QStringLiteral("xa")}}));
        QVERIFY(h.upstream->sent.isEmpty());
        h.untilReopen();
        h.authenticateAgain();
        h.element(kFeaturesBind);
        h.element(kBound);
        h.element(kRoster);
        QVERIFY2(h.upstream->sent.join('\n').contains("<show>xa</show>"),
                 h.upstream->sent.join('\n').constData());
    }

    void heldIqPastItsDeadlineIsATimeout()
    {
        // Held while the link is down and never sent: when its timeout passes it is a timeout (504), not
        // a lost server session (503).
        Harness h;
        h.session->setBackoffRandom([] { return 0.0; });
        h.login();
        h.drop();
        bool answered = false;
        bool deadline = false;
        QVERIFY(h.session->sendIq("<iq xmlns='jabber:client' type='get' id='h1'/>", QStringLiteral("h1"),
                                  1000, [&](const std::optional<QByteArray> &r) {
                                      answered = !r;
                                      deadline = h.session->isIqDeadline();
                                  }));
        h.now += 1000;
        h.session->checkTimers();
        QVERIFY(answered);
        QVERIFY(deadline);
        QVERIFY(!h.session->isIqDeadline());
    }

    void waitingIqsAnsweredWhenTheServerSessionIsGone()
    {
        Harness h;
        h.login();
        bool answered = false;
        bool reconnectingThen = false;
        h.session->sendIq("<iq xmlns='jabber:client' type='get' id='q1'/>", QStringLiteral("q1"), 60000,
                          [&](const std::optional<QByteArray> &r) {
                              answered = !r;
                              reconnectingThen = h.session->isReconnecting();
                          });
        h.drop(); // no XEP-0198: nobody will answer it
        QVERIFY(answered);
        QVERIFY(!h.session->isIqDeadline());
        QVERIFY(reconnectingThen); // the front answers 503, not 504
    }

    void refusedCredentialsEndTheSession()
    {
        Harness h;
        h.login();
        QSignalSpy finished(h.session.get(), &RestSession::finished);
        QSignalSpy failed(h.session.get(), &RestSession::loginFailed);
        h.drop();
        h.untilReopen();
        h.session->upstreamOpened(h.session->id(), {});
        h.element(kFeaturesPlain);
        h.element("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>");
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.at(0).at(1).value<Stream::Condition>(), Stream::Condition::NotAuthorized);
        QCOMPARE(failed.size(), 0); // that signal answers the creating request only
        const QJsonObject last = h.events().last().toObject();
        QCOMPARE(last.value(QStringLiteral("type")).toString(), QStringLiteral("closed"));
        QCOMPARE(last.value(QStringLiteral("status")).toString(), QStringLiteral("not-authorized"));
    }

    void idleWhileReconnectingEnds()
    {
        Harness h([](Config &c) { c.restIdleTimeout = 100; });
        h.session->setBackoffRandom([] { return 0.0; });
        h.login();
        QSignalSpy finished(h.session.get(), &RestSession::finished);
        h.drop();
        // The server stays away: tries go on, with backoff, until no call came for rest_idle_timeout.
        int tries = 0;
        while (finished.isEmpty() && tries < 1000) {
            h.untilReopen();
            ++tries;
            h.session->upstreamFailed(h.session->id(), Xmpp::LinkFailure::RemoteConnectionFailed, {}, {});
        }
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.at(0).at(1).value<Stream::Condition>(), Stream::Condition::ConnectionTimeout);
        QVERIFY(tries > 3);
    }

    void reconnectingIsNotClientActivity()
    {
        // A client that is gone does not keep its session alive because the server link comes back
        // (a nightly server restart): rest_idle_timeout counts from the client's last call.
        Harness h([](Config &c) { c.restIdleTimeout = 100; });
        h.session->setBackoffRandom([] { return 0.0; });
        h.login();
        QSignalSpy finished(h.session.get(), &RestSession::finished);
        h.now += 90 * 1000;
        h.drop();
        h.untilReopen();
        h.authenticateAgain();
        h.element(kFeaturesBind);
        h.element(kBound);
        h.element(kRoster);
        QVERIFY(h.session->isReady());
        h.now += 11 * 1000;
        h.session->checkTimers();
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.at(0).at(1).value<Stream::Condition>(), Stream::Condition::ConnectionTimeout);
    }

    void unansweredAckRequestDropsTheLink()
    {
        // XEP-0198 §4: an <r/> the server does not answer within connect_timeout means a dead link.
        Harness h([](Config &c) { c.connectTimeout = 10; });
        h.loginWithSm();
        QVERIFY(h.session->send(message("one", "c1")));
        QVERIFY(h.upstream->sent.contains("<r xmlns='urn:xmpp:sm:3'/>"));
        h.now += 9 * 1000;
        h.session->checkTimers();
        h.element("<a xmlns='urn:xmpp:sm:3' h='1'/>");
        h.now += 5 * 1000;
        h.session->checkTimers();
        QVERIFY(h.session->isReady()); // answered in time
        QVERIFY(h.session->send(message("two", "c2")));
        h.now += 10 * 1000;
        h.session->checkTimers();
        QVERIFY(h.session->isReconnecting());
    }

    void streamManagementCountsAndResumes()
    {
        Harness h;
        h.session->setBackoffRandom([] { return 0.0; });
        h.loginWithSm();
        // XEP-0198 §4: the server's <r/> gets the count of stanzas handled since <enabled/> (the roster).
        h.element(message("a", "s1"));
        h.element("<presence xmlns='jabber:client' from='bob@example.com/pc'/>");
        h.element("<r xmlns='urn:xmpp:sm:3'/>");
        QCOMPARE(h.upstream->sent.last(), QByteArray("<a xmlns='urn:xmpp:sm:3' h='3'/>"));
        // Outbound: the roster get and the presence count too; a client send asks for an ack.
        h.upstream->sent.clear();
        QVERIFY(h.session->send(message("first", "c1")));
        QCOMPARE(h.upstream->sent, (QList<QByteArray>{message("first", "c1"), "<r xmlns='urn:xmpp:sm:3'/>"}));
        QVERIFY(h.session->send(message("second", "c2")));
        QCOMPARE(h.upstream->sent.last(), message("second", "c2")); // one request outstanding is enough
        h.element("<a xmlns='urn:xmpp:sm:3' h='3'/>");              // roster get, presence, first
        bool answered = false;
        std::optional<QByteArray> reply;
        h.session->sendIq("<iq xmlns='jabber:client' type='get' id='q1'/>", QStringLiteral("q1"), 60000,
                          [&](const std::optional<QByteArray> &r) {
                              answered = true;
                              reply = r;
                          });
        h.drop();
        QVERIFY(!answered); // a resumed session will answer it
        QVERIFY(h.session->send(message("third", "c3")));
        h.untilReopen();
        h.upstream->sent.clear();
        h.authenticateAgain();
        h.element(kFeaturesBindSm);
        // XEP-0198 §5: resume, with what was handled; no bind.
        QCOMPARE(h.upstream->sent.last(), QByteArray("<resume xmlns='urn:xmpp:sm:3' previd='sm-1' h='3'/>"));
        h.upstream->sent.clear();
        h.element("<resumed xmlns='urn:xmpp:sm:3' previd='sm-1' h='3'/>");
        QVERIFY(h.session->isReady());
        // What the server did not get, then what the client sent meanwhile; no bind, no roster, no archive.
        QCOMPARE(h.upstream->sent.size(), 4);
        QCOMPARE(h.upstream->sent.at(0), message("second", "c2"));
        QVERIFY(h.upstream->sent.at(1).contains("id='q1'"));
        QCOMPARE(h.upstream->sent.at(2), message("third", "c3"));
        QCOMPARE(h.upstream->sent.at(3), QByteArray("<r xmlns='urn:xmpp:sm:3'/>"));
        QCOMPARE(h.events().last().toObject().value(QStringLiteral("type")).toString(),
                 QStringLiteral("resumed"));
        h.element("<iq xmlns='jabber:client' type='result' id='q1'/>");
        QVERIFY(answered && reply);
        // Counting goes on from the old stream's numbers.
        h.element("<r xmlns='urn:xmpp:sm:3'/>");
        QCOMPARE(h.upstream->sent.last(), QByteArray("<a xmlns='urn:xmpp:sm:3' h='4'/>"));
        // An ack of more than was ever sent is the server's error: the link is dropped.
        h.element("<a xmlns='urn:xmpp:sm:3' h='100'/>");
        QVERIFY(h.session->isReconnecting());
    }

    void failedResumptionBindsAgain()
    {
        Harness h;
        h.session->setBackoffRandom([] { return 0.0; });
        h.loginWithSm();
        QVERIFY(h.session->send(message("unacked", "c1")));
        bool iqFailed = false;
        h.session->sendIq("<iq xmlns='jabber:client' type='get' id='q1'/>", QStringLiteral("q1"), 60000,
                          [&](const std::optional<QByteArray> &r) { iqFailed = !r; });
        h.drop();
        h.untilReopen();
        h.authenticateAgain();
        h.element(kFeaturesBindSm);
        h.upstream->sent.clear();
        h.element("<failed xmlns='urn:xmpp:sm:3'><item-not-found "
                  "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>");
        QVERIFY(iqFailed);
        QVERIFY(h.upstream->sent.last().contains("id='sb-bind'"));
        h.element(kBound);
        QCOMPARE(h.upstream->sent.at(h.upstream->sent.size() - 2),
                 QByteArray("<enable xmlns='urn:xmpp:sm:3' resume='true'/>"));
        h.element("<enabled xmlns='urn:xmpp:sm:3' id='sm-2' resume='true'/>");
        h.element(kRoster);
        QVERIFY(h.session->isReady());
        // The message the old session never acknowledged is sent on the new one (XEP-0198 §4).
        QVERIFY(h.upstream->sent.contains(message("unacked", "c1")));
        QCOMPARE(h.events().last().toObject().value(QStringLiteral("type")).toString(),
                 QStringLiteral("online"));
    }

    void archiveCatchupOnceAndInOrder()
    {
        Harness h;
        h.session->setBackoffRandom([] { return 0.0; });
        h.login();
        auto archived = [](const QByteArray &body, const QByteArray &sid) -> QByteArray {
            return "<message xmlns='jabber:client' from='bob@example.com/pc' to='alice@example.com/phone' "
                   "type='chat' id='m-" +
                   body + "'><body>" + body +
                   "</body><stanza-id xmlns='urn:xmpp:sid:0' by='alice@example.com' id='" + sid +
                   "'/></message>";
        };
        auto result = [](const QByteArray &queryId, const QByteArray &body, const QByteArray &sid,
                         const QByteArray &from = "alice@example.com") -> QByteArray {
            return "<message xmlns='jabber:client' from='" + from +
                   "' to='alice@example.com/phone'><result xmlns='urn:xmpp:mam:2' queryid='" + queryId +
                   "' id='" + sid +
                   "'><forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' "
                   "stamp='2026-01-01T00:00:00Z'/><message xmlns='jabber:client' from='bob@example.com/pc' "
                   "to='alice@example.com' type='chat' id='m-" +
                   body + "'><body>" + body + "</body></message></forwarded></result></message>";
        };
        h.element(archived("one", "A1"));
        const qint64 acked = h.poll(0).next;
        h.drop();
        h.untilReopen();
        h.authenticateAgain();
        h.element(kFeaturesBind);
        h.element(kBound);
        h.upstream->sent.clear();
        h.element(kRoster);
        // XEP-0313 §4, XEP-0059: after the last id the session saw.
        const QByteArray query = h.upstream->sent.last();
        QVERIFY(query.contains("<query xmlns='urn:xmpp:mam:2' queryid='sb-mam1-q'>"));
        QVERIFY(query.contains("<after>A1</after>"));
        QVERIFY(query.contains("id='sb-mam1-0'"));
        h.element(result("sb-mam1-q", "one", "A1")); // already given before the drop
        h.element(result("sb-mam1-q", "two", "A2"));
        h.element(result("sb-mam1-q", "forged", "F1", "mallory@example.com")); // not the account's own
        h.element(archived("four", "A4")); // live, while the catch-up runs
        h.element(result("sb-mam1-q", "three", "A3"));
        h.upstream->sent.clear();
        h.element("<iq xmlns='jabber:client' type='result' id='sb-mam1-0'><fin xmlns='urn:xmpp:mam:2'><set "
                  "xmlns='http://jabber.org/protocol/rsm'><first>A1</first><last>A3</last></set></fin></iq>");
        QVERIFY(h.upstream->sent.last().contains("<after>A3</after>"));
        QVERIFY(h.upstream->sent.last().contains("id='sb-mam1-1'"));
        h.element(result("sb-mam1-q", "four", "A4"));
        h.element("<iq xmlns='jabber:client' type='result' id='sb-mam1-1'><fin xmlns='urn:xmpp:mam:2' "
                  "complete='true'><set xmlns='http://jabber.org/protocol/rsm'><first>A4</first>"
                  "<last>A4</last></set></fin></iq>");
        // Offline storage delivers again what the archive gave.
        h.element(archived("three", "A3"));
        h.element(archived("five", "A5"));
        QStringList bodies;
        int fromMallory = 0;
        for (const QJsonValue &e : h.events(acked)) {
            const QJsonObject o = e.toObject();
            if (o.value(QStringLiteral("from")).toString() == QLatin1String("mallory@example.com")) {
                // Not the account's archive: given as the stanza it is, not as bob's message.
                ++fromMallory;
                QVERIFY(!o.contains(QStringLiteral("body")));
                continue;
            }
            if (o.value(QStringLiteral("kind")).toString() == QLatin1String("message"))
                bodies << o.value(QStringLiteral("body")).toString();
        }
        QCOMPARE(bodies, (QStringList{QStringLiteral("two"), QStringLiteral("three"), QStringLiteral("four"),
                                      QStringLiteral("five")}));
        QCOMPARE(fromMallory, 1);
    }

    void silentArchiveDoesNotHoldMessagesBack()
    {
        Harness h;
        h.session->setBackoffRandom([] { return 0.0; });
        h.login();
        h.drop();
        h.untilReopen();
        h.authenticateAgain();
        h.element(kFeaturesBind);
        h.element(kBound);
        h.element(kRoster);
        const qint64 acked = h.poll(0).next;
        h.element(message("live", "l1")); // held for the archive's answer, which never comes
        QCOMPARE(h.events(acked).size(), 0);
        h.now += 2 * qint64(h.config.connectTimeout) * 1000;
        h.session->checkTimers();
        const QJsonArray events = h.events(acked);
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.at(0).toObject().value(QStringLiteral("body")).toString(), QStringLiteral("live"));
        // Late parts of the query given up (a result, the page's answer) are dropped, not events.
        h.element(
            "<message xmlns='jabber:client' to='alice@example.com/phone'><result xmlns='urn:xmpp:mam:2' "
            "queryid='sb-mam1-q' id='A9'><forwarded xmlns='urn:xmpp:forward:0'><message "
            "xmlns='jabber:client' from='bob@example.com/pc' type='chat'><body>late</body></message>"
            "</forwarded></result></message>");
        h.element("<iq xmlns='jabber:client' type='result' id='sb-mam1-0'><fin xmlns='urn:xmpp:mam:2' "
                  "complete='true'/></iq>");
        h.element(message("next", "l2"));
        const QJsonArray after = h.events(acked);
        QCOMPARE(after.size(), 2);
        QCOMPARE(after.at(1).toObject().value(QStringLiteral("body")).toString(), QStringLiteral("next"));
    }

    void archiveCatchupUnit()
    {
        ArchiveCatchup archive(QStringLiteral("Alice@example.com"));
        // Ids are taken from the own archive only (XEP-0359 by=).
        QVERIFY(archive.noteLive("<message xmlns='jabber:client'><stanza-id xmlns='urn:xmpp:sid:0' "
                                 "by='room@muc.example.com' id='X'/></message>"));
        QVERIFY(archive.lastId().isEmpty());
        QVERIFY(archive.noteLive("<message xmlns='jabber:client'><stanza-id xmlns='urn:xmpp:sid:0' "
                                 "by='alice@example.com' id='B'/></message>"));
        QCOMPARE(archive.lastId(), QStringLiteral("B"));
        QVERIFY(!archive.noteLive("<message xmlns='jabber:client'><stanza-id xmlns='urn:xmpp:sid:0' "
                                  "by='alice@example.com' id='B'/></message>"));
        // What the account sent is in its archive too: not caught up as if it had arrived.
        {
            ArchiveCatchup own(QStringLiteral("alice@example.com"));
            own.start(QStringLiteral("o"), {});
            const auto result = [](const QByteArray &id, const QByteArray &from,
                                   const QByteArray &to) -> QByteArray {
                return "<message xmlns='jabber:client' to='alice@example.com/phone'><result "
                       "xmlns='urn:xmpp:mam:2' "
                       "queryid='o-q' id='" +
                       id + "'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' from='" +
                       from + "' to='" + to +
                       "' type='chat'><body>x</body></message></forwarded></result></message>";
            };
            QByteArray got;
            QString why;
            QCOMPARE(own.handle(result("S1", "alice@example.com/pc", "bob@example.com"), &got, &why),
                     ArchiveCatchup::Step::Duplicate);
            QCOMPARE(own.lastId(), QStringLiteral("S1")); // paging goes on past it
            QCOMPARE(own.handle(result("S2", "bob@example.com/pc", "alice@example.com"), &got, &why),
                     ArchiveCatchup::Step::Message);
            QCOMPARE(own.handle(result("S3", "alice@example.com/pc", "alice@example.com/phone"), &got, &why),
                     ArchiveCatchup::Step::Message); // to itself: it did arrive
        }
        // Without an id, a query by time (XEP-0313 §4.1.1 start).
        ArchiveCatchup fresh(QStringLiteral("alice@example.com"));
        const QByteArray byTime =
            fresh.start(QStringLiteral("q"), QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC));
        QVERIFY(byTime.contains("<field var='start'><value>2026-01-02T03:04:05Z</value></field>"));
        QVERIFY(!byTime.contains("<after>"));
        // An error ends it; the page bound ends it too.
        QByteArray out;
        QString error;
        QCOMPARE(fresh.handle("<iq xmlns='jabber:client' type='error' id='q-0'/>", &out, &error),
                 ArchiveCatchup::Step::Done);
        QVERIFY(!error.isEmpty());
        QVERIFY(!fresh.isRunning());
        fresh.start(QStringLiteral("p"), {});
        int pages = 0;
        ArchiveCatchup::Step step = ArchiveCatchup::Step::NextPage;
        while (step == ArchiveCatchup::Step::NextPage && pages < 100) {
            step =
                fresh.handle("<iq xmlns='jabber:client' type='result' id='p-" + QByteArray::number(pages) +
                                 "'><fin xmlns='urn:xmpp:mam:2'><set xmlns='http://jabber.org/protocol/rsm'>"
                                 "<last>L</last></set></fin></iq>",
                             &out, &error);
            ++pages;
        }
        QCOMPARE(step, ArchiveCatchup::Step::Done);
        QCOMPARE(pages, ArchiveCatchup::kMaxPages);
    }

    void streamManagementUnit()
    {
        StreamManagement sm;
        QVERIFY(!StreamManagement::offered(kFeaturesBind));
        QVERIFY(StreamManagement::offered(kFeaturesBindSm));
        sm.sent("<message/>"); // before enable: not counted
        QCOMPARE(sm.unacked(), 0);
        sm.enable();
        for (int i = 0; i < 5; ++i)
            sm.sent("<message id='" + QByteArray::number(i) + "'/>");
        sm.sent("<presence/>");
        QVERIFY(sm.request().isEmpty()); // not enabled yet
        sm.enabled(StreamManagement::parse("<enabled xmlns='urn:xmpp:sm:3' id='x' resume='1'/>"));
        QVERIFY(sm.canResume());
        QCOMPARE(sm.request(), QByteArray("<r xmlns='urn:xmpp:sm:3'/>"));
        QVERIFY(sm.request().isEmpty());
        QVERIFY(sm.acknowledge(2));
        QCOMPARE(sm.unacked(), 4);
        QVERIFY(!sm.acknowledge(1)); // wraps to 2^32 - 1: more than was sent
        QVERIFY(!sm.acknowledge(7));
        // <failed h/> (XEP-0198 §4): only the messages beyond h go again.
        const QList<QByteArray> again =
            sm.failed(StreamManagement::parse("<failed xmlns='urn:xmpp:sm:3' h='3'/>"));
        QCOMPARE(again, (QList<QByteArray>{"<message id='3'/>", "<message id='4'/>"}));
        QVERIFY(!sm.isCounting());
        QCOMPARE(StreamManagement::parse("<a xmlns='urn:xmpp:sm:3' h='x'/>").kind,
                 StreamManagement::Element::Kind::None);
        // A refused <enable/> keeps nothing to send again.
        StreamManagement refused;
        refused.enable();
        refused.sent("<message id='r'/>");
        refused.enableFailed();
        QCOMPARE(refused.unacked(), 0);
        QVERIFY(refused.failed({}).isEmpty());
        // Enabled without resumption: counted and acknowledged, but not resumable.
        StreamManagement wrap;
        wrap.enable();
        wrap.enabled({});
        for (int i = 0; i < 3; ++i)
            wrap.sent("<iq/>");
        QVERIFY(wrap.acknowledge(3));
        QCOMPARE(wrap.unacked(), 0);
        QVERIFY(!wrap.canResume());
    }
};

QTEST_GUILESS_MAIN(tst_rest_session)
#include "tst_rest_session.moc"
