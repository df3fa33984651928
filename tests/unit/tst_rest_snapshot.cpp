// SPDX-License-Identifier: GPL-3.0-or-later
// What a REST session gives the session store and how it takes it up again, without any socket (a fake
// upstream for the XMPP server, time a number): the snapshot holds the token only as its hash, the bare
// JID, the bound resource, the presence, the Credentials and exactly the unacknowledged events; a
// restored session serves those events with their seq before it has logged in, logs in from the
// Credentials binding the same resource, and numbers new events on from the stored counter. A session
// saved for a restart ends without a final event whose seq the restored one would give again.
#include "base/limits.h"
#include "rest/restevent.h"
#include "rest/restsession.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace Switchboard;
using namespace Switchboard::Rest;

namespace {

struct Record
{
    QList<QByteArray> sent;
};

struct FakeUpstream final : Stream::Upstream
{
    explicit FakeUpstream(Record *record) : r(record) {}
    Record *r;
    void open(const OpenParams &) override {}
    void restart(const QString &, const Xmpp::StreamAttributes &) override {}
    void send(const QByteArray &xml) override { r->sent << xml; }
    void close() override {}
    bool isEncrypted() const override { return false; }
    QString peer() const override { return QStringLiteral("127.0.0.1:5222"); }
};

const QByteArray kFeaturesPlain =
    "<stream:features xmlns:stream='http://etherx.jabber.org/streams'><mechanisms "
    "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>";
const QByteArray kFeaturesBind = "<stream:features xmlns:stream='http://etherx.jabber.org/streams'><bind "
                                 "xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>";

QByteArray message(const QByteArray &body)
{
    return "<message xmlns='jabber:client' from='bob@example.com/pc' to='alice@example.com/phone' "
           "type='chat'><body>" +
           body + "</body></message>";
}

struct Harness
{
    Config config;
    qint64 now = 1000;
    Record record;
    std::unique_ptr<RestSession> session;

    explicit Harness(RestSession::Login login, Limits *limits = nullptr, int maxQueue = 1000)
    {
        config.noTlsDomains = {QStringLiteral("example.com")};
        config.restMaxQueue = maxQueue;
        Stream::ClientStream::Client client;
        client.id = QStringLiteral("s1");
        client.transport = Monitor::Transport::Rest;
        session = std::make_unique<RestSession>(
            config, client, std::move(login),
            [this](Stream::ClientStream *, const QString &) {
                return std::make_unique<FakeUpstream>(&record);
            },
            [this] { return now; }, nullptr, limits);
    }
    void element(const QByteArray &xml) { session->upstreamElement(session->id(), xml); }
    /// PLAIN (allowed by no_tls_domains), bind as `jid`, roster.
    void login(const QByteArray &jid)
    {
        QVERIFY(!session->start());
        session->upstreamOpened(session->id(), {});
        element(kFeaturesPlain);
        element("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        session->upstreamOpened(session->id(), {});
        element(kFeaturesBind);
        element("<iq xmlns='jabber:client' type='result' id='sb-bind'><bind "
                "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>" +
                jid + "</jid></bind></iq>");
        element(
            "<iq xmlns='jabber:client' type='result' id='sb-roster'><query xmlns='jabber:iq:roster'/></iq>");
        QVERIFY(session->isReady());
    }
    RestSession::Poll poll(qint64 after)
    {
        RestSession::Poll out;
        session->pollEvents(after, 100, 0, [&](const RestSession::Poll &p) { out = p; });
        return out;
    }
};

RestSession::Login passwordLogin()
{
    RestSession::Login login;
    login.jid = QStringLiteral("alice@example.com");
    login.password = QStringLiteral("secret");
    login.presence = QJsonObject{{QStringLiteral("show"), QStringLiteral("dnd")}};
    return login; // no resource asked for: the server picks one, and the snapshot keeps that one
}

QStringList bodies(const QJsonArray &events)
{
    QStringList out;
    for (const QJsonValue &v : events)
        out.append(v.toObject().value(QStringLiteral("body")).toString());
    return out;
}

} // namespace

class tst_RestSnapshot : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void snapshotKeepsWhatARestartNeeds()
    {
        Harness h(passwordLogin());
        h.session->setToken("the-token");
        h.login("alice@example.com/picked-by-server");
        h.element(message("one"));
        h.element(message("two"));
        h.element(message("three"));
        const RestSession::Poll all = h.poll(0);
        const qint64 one = all.events.at(1).toObject().value(QStringLiteral("seq")).toInteger();
        h.poll(one); // acknowledges the roster and "one"

        const SessionSnapshot s = h.session->snapshot();
        QCOMPARE(s.id, QStringLiteral("s1"));
        QCOMPARE(s.tokenHash, SessionSnapshot::tokenHashOf("the-token"));
        QCOMPARE(s.jid, QStringLiteral("alice@example.com"));
        QCOMPARE(s.resource, QStringLiteral("picked-by-server"));
        QCOMPARE(s.presence, (QJsonObject{{QStringLiteral("show"), QStringLiteral("dnd")}}));
        QCOMPARE(s.credentials.mechanism, QStringLiteral("PLAIN"));
        QCOMPARE(s.credentials.password, QStringLiteral("secret"));
        QCOMPARE(s.acknowledged, one);
        QCOMPARE(s.nextSeq, one + 3);
        QCOMPARE(s.events.size(), size_t(2));
        QCOMPARE(s.events[0].body, QStringLiteral("two"));
        QCOMPARE(s.events[1].seq, one + 2);
        QVERIFY(!s.ended);
        // An `after` beyond what was given acknowledges only what was given.
        h.poll(1000);
        QCOMPARE(h.session->snapshot().acknowledged, one + 2);
    }

    void restoredSessionServesItsEventsAndLogsInAgain()
    {
        Harness before(passwordLogin());
        before.session->setToken("the-token");
        before.login("alice@example.com/phone");
        before.element(message("one"));
        before.element(message("two"));
        const qint64 roster = before.poll(0).events.at(0).toObject().value(QStringLiteral("seq")).toInteger();
        before.poll(roster);
        const SessionSnapshot s = before.session->snapshot();

        RestSession::Login login;
        login.jid = s.jid;
        login.resource = s.resource;
        login.presence = s.presence;
        login.credentials = s.credentials;
        Harness after(login);
        after.session->restore(s);
        QVERIFY(after.session->isRestored());
        QVERIFY(after.session->token().isEmpty()); // only the hash is known
        QVERIFY(after.session->tokenMatches("the-token"));
        QVERIFY(!after.session->tokenMatches("the-tokeN"));
        QVERIFY(!after.session->tokenMatches(""));
        // Before the log-in: the same events, with the same seq.
        const RestSession::Poll kept = after.poll(roster);
        QCOMPARE(bodies(kept.events), (QStringList{QStringLiteral("one"), QStringLiteral("two")}));
        QCOMPARE(kept.events.at(0).toObject(), s.events[0].toJson());
        QVERIFY(!after.session->send(message("not yet")));

        QSignalSpy loggedIn(after.session.get(), &RestSession::loggedIn);
        after.login("alice@example.com/phone");
        QCOMPARE(loggedIn.size(), 1);
        // From the Credentials (PLAIN keeps the password), binding the same resource, with the presence.
        const QByteArray sent = after.record.sent.join('\n');
        QVERIFY(sent.contains(QByteArray("\0alice\0secret", 13).toBase64()));
        QVERIFY(sent.contains("<resource>phone</resource>"));
        QVERIFY(sent.contains("<show>dnd</show>"));
        // New events go on from the stored counter: the roster answer, then a message.
        after.element(message("three"));
        const RestSession::Poll fresh = after.poll(s.nextSeq - 1);
        QCOMPARE(fresh.events.size(), 2);
        QCOMPARE(fresh.events.at(0).toObject().value(QStringLiteral("seq")).toInteger(), s.nextSeq);
        QCOMPARE(fresh.events.at(1).toObject().value(QStringLiteral("body")).toString(),
                 QStringLiteral("three"));
    }

    void restoredSessionRetriesUntilTerminated()
    {
        Harness before(passwordLogin());
        before.login("alice@example.com/phone");
        const SessionSnapshot s = before.session->snapshot();
        RestSession::Login login;
        login.jid = s.jid;
        login.resource = s.resource;
        login.credentials = s.credentials;
        Harness after(login);
        after.session->restore(s);
        QVERIFY(!after.session->start());
        // The server is down: the restored session tries again rather than ending.
        after.session->upstreamFailed(after.session->id(), Xmpp::LinkFailure::RemoteConnectionFailed, {},
                                      QStringLiteral("connection refused"));
        QVERIFY(!after.session->isFinished());
        // A terminate (the operator's, or a shutdown) ends it all the same.
        after.session->terminate(Stream::Condition::SystemShutdown);
        QVERIFY(after.session->isFinished());
    }

    void restoredSessionIsNotAdmittedButCounted()
    {
        Harness before(passwordLogin());
        before.login("alice@example.com/phone");
        const SessionSnapshot s = before.session->snapshot();
        RestSession::Login login;
        login.jid = s.jid;
        login.resource = s.resource;
        login.credentials = s.credentials;
        Config limitsConfig;
        limitsConfig.maxSessions = 1;
        Limits limits(limitsConfig);
        Harness after(login, &limits, int(s.events.size()) + 2);
        after.session->restore(s);
        after.login("alice@example.com/phone"); // start() refuses nothing, though...
        QCOMPARE(limits.sessions(), 0);         // ...it takes no place among the sessions
        after.element(message("fits"));
        after.element(message("refused"));
        QCOMPARE(limits.hits(Limits::Limit::RestMaxQueue), 1u);
    }

    void persistedSessionEndsWithoutFinalEvent()
    {
        for (const bool persisted : {false, true}) {
            Harness h(passwordLogin());
            h.login("alice@example.com/phone");
            const qint64 next = h.session->snapshot().nextSeq;
            RestSession::Poll waiting;
            bool answered = false;
            h.session->pollEvents(next - 1, 100, 30000, [&](const RestSession::Poll &p) {
                waiting = p;
                answered = true;
            });
            QVERIFY(!answered);
            if (persisted)
                h.session->setPersisted();
            h.session->terminate(Stream::Condition::SystemShutdown);
            QVERIFY(answered);
            QVERIFY(h.session->isFinished());
            if (persisted) {
                // The restored session gives seq `next` to its next event: nobody saw it used.
                QVERIFY(waiting.events.isEmpty());
                QCOMPARE(waiting.next, next - 1);
                QCOMPARE(h.session->snapshot().nextSeq, next);
            } else {
                QCOMPARE(waiting.events.size(), 1);
                QCOMPARE(waiting.events.at(0).toObject().value(QStringLiteral("kind")).toString(),
                         QStringLiteral("session"));
                QCOMPARE(h.session->snapshot().nextSeq, next + 1);
            }
        }
    }
};

QTEST_GUILESS_MAIN(tst_RestSnapshot)
#include "tst_rest_snapshot.moc"
