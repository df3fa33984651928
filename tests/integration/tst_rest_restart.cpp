// SPDX-License-Identifier: GPL-3.0-or-later
// REST sessions survive a graceful restart of Switchboard (docs/REST.md "When Switchboard restarts"):
// against a real Prosody (hashed passwords, so a SCRAM salted password opens the account again, and
// offline storage), sessions receive messages and acknowledge some, Switchboard shuts down gracefully,
// a new Server on the same rest_store takes them up, and each client reads with its id and token
// exactly what it had not acknowledged, then what came meanwhile and after, nothing twice. The session
// is logged in again with its resource; one whose password changed meanwhile ends with a final event,
// readable once; a deleted session's token opens nothing.
#include "monitor/registry.h"
#include "prosodyfixture.h"
#include "rest/reststore.h"
#include "rest/sessionsnapshot.h"
#include "restapi.h"
#include "server.h"
#include "testclient.h"
#include "testmain.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace Switchboard;
using Switchboard::Rest::Event;
using Switchboard::Rest::RestStore;
using Switchboard::Rest::SessionSnapshot;

namespace {

using Answer = Test::RestAnswer;
using Api = Test::RestApi;
using Test::toJson;

struct Session
{
    QString id;
    QByteArray token;
    QString jid;
    QString path(const QString &tail = {}) const { return QStringLiteral("/sessions/") + id + tail; }
};

/// The bodies of the message events in `events`, in order.
QStringList bodies(const QJsonArray &events)
{
    QStringList out;
    for (const QJsonValue &v : events) {
        const QJsonObject o = v.toObject();
        if (o.value(QStringLiteral("kind")).toString() == QLatin1String("message"))
            out.append(o.value(QStringLiteral("body")).toString());
    }
    return out;
}

qint64 seqOf(const QJsonArray &events, const QString &body)
{
    for (const QJsonValue &v : events) {
        if (v.toObject().value(QStringLiteral("body")).toString() == body)
            return v.toObject().value(QStringLiteral("seq")).toInteger();
    }
    return -1;
}

} // namespace

class tst_RestRestart : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void sessionsSurviveGracefulRestart();
    void sessionsSurviveQuitWithoutShutdown();
    void restoredSessionWaitsForItsServer();
    void endedSessionIsReadToItsLastEvent();
    void storeThatCannotBeUsedStopsStart();

private:
    std::unique_ptr<Server> startServer(QString *error = nullptr, const QString &store = {});
    QUrl base() const;
    /// The REST API of the running Server.
    Api &api()
    {
        m_api.setBase(base());
        return m_api;
    }
    Session login(const QString &user, const QString &resource, const QJsonValue &presence = QJsonValue());
    /// Reads events from `after` on, as a client does (each long poll acknowledges what the one before
    /// returned), until `until` holds for all read so far; *next is the last seq read.
    QJsonArray readUntil(const Session &s, qint64 after, const std::function<bool(const QJsonArray &)> &until,
                         qint64 *next = nullptr);
    /// Waits until the server has handed a stanza containing `needle` to session `id`.
    bool waitForDelivery(const QString &id, const QByteArray &needle);

    ProsodyFixture m_prosody;
    QTemporaryDir m_dir;
    QString m_store;
    std::unique_ptr<Server> m_server;
    Api m_api;
};

void tst_RestRestart::initTestCase()
{
    ProsodyFixture::Options options;
    // Hashed passwords: the salt stays the same from one log-in to the next (internal_plain makes a new
    // one each time), so the SCRAM salted password Switchboard keeps opens the account again. Offline
    // storage on: what arrives while no resource is online waits (RFC 6121 §8.5.2.1.1).
    options.extraGlobalLua = "authentication = \"internal_hashed\"\n"
                             "modules_disabled = { \"tls\"; \"s2s\"; \"c2s_limits\"; \"posix\" }\n";
    options.http = false;
    QVERIFY2(m_prosody.start({QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol"),
                              QStringLiteral("dave")},
                             options),
             qPrintable(m_prosody.log()));
    QVERIFY(m_dir.isValid());
    m_store = m_dir.filePath(QStringLiteral("state/rest.sqlite"));
}

void tst_RestRestart::cleanupTestCase()
{
    m_server.reset();
    m_prosody.stop();
}

std::unique_ptr<Server> tst_RestRestart::startServer(QString *error, const QString &store)
{
    Config config = m_prosody.backendConfig();
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.restStore = store.isEmpty() ? m_store : store;
    config.restReconnectDelay = 200;
    auto server = std::make_unique<Server>(config);
    QString why;
    if (!server->start(&why)) {
        if (error)
            *error = why;
        return nullptr;
    }
    return server;
}

QUrl tst_RestRestart::base() const
{
    QUrl url = m_server->boshUrl();
    url.setPath(QStringLiteral("/api/v1"));
    return url;
}

Session tst_RestRestart::login(const QString &user, const QString &resource, const QJsonValue &presence)
{
    QJsonObject body{{QStringLiteral("jid"), QString(user + QStringLiteral("@localhost"))},
                     {QStringLiteral("password"), m_prosody.password(user)},
                     {QStringLiteral("resource"), resource}};
    if (!presence.isUndefined() && !presence.isNull())
        body.insert(QStringLiteral("presence"), presence);
    const Answer a = api().call("POST", QStringLiteral("/sessions"), toJson(body));
    if (a.status != 201)
        qWarning() << "login failed:" << a.status << a.body;
    return {a.json.value(QStringLiteral("id")).toString(),
            a.json.value(QStringLiteral("token")).toString().toLatin1(),
            a.json.value(QStringLiteral("jid")).toString()};
}

QJsonArray tst_RestRestart::readUntil(const Session &s, qint64 after,
                                      const std::function<bool(const QJsonArray &)> &until, qint64 *next)
{
    QJsonArray got;
    for (int i = 0; i < 20 && !until(got); ++i) {
        const Answer a =
            api().call("GET", s.path(QStringLiteral("/events?after=%1&wait=10").arg(after)), {}, s.token);
        if (a.status != 200) {
            qWarning() << "events:" << a.status << a.body;
            break;
        }
        for (const QJsonValue &v : a.json.value(QStringLiteral("events")).toArray())
            got.append(v);
        after = a.json.value(QStringLiteral("next")).toInteger();
    }
    if (next)
        *next = after;
    return got;
}

bool tst_RestRestart::waitForDelivery(const QString &id, const QByteArray &needle)
{
    bool seen = false;
    const QMetaObject::Connection c = connect(
        m_server->hub(), &Monitor::Hub::stanzaForwarded, this,
        [&](const QString &sid, const QString &, Monitor::Direction direction, const QByteArray &xml) {
            if (sid == id && direction == Monitor::Direction::ToClient && xml.contains(needle))
                seen = true;
        });
    const bool delivered = QTest::qWaitFor([&] { return seen; }, 10000);
    disconnect(c);
    return delivered;
}

void tst_RestRestart::sessionsSurviveGracefulRestart()
{
    QString error;
    m_server = startServer(&error);
    QVERIFY2(m_server, qPrintable(error));

    const Session alice = login(QStringLiteral("alice"), QStringLiteral("phone"),
                                QJsonObject{{QStringLiteral("show"), QStringLiteral("away")},
                                            {QStringLiteral("status"), QStringLiteral("restarting")}});
    QCOMPARE(alice.jid, QStringLiteral("alice@localhost/phone"));
    const Session dave = login(QStringLiteral("dave"), QStringLiteral("pc"));
    QVERIFY(!dave.id.isEmpty());
    const Session gone = login(QStringLiteral("carol"), QStringLiteral("tmp"));
    QVERIFY(!gone.id.isEmpty());
    QCOMPARE(api().call("DELETE", gone.path(), {}, gone.token).status, 204);

    Test::TestClient bob;
    QVERIFY2(bob.login(m_prosody, QStringLiteral("bob")), qPrintable(bob.lastError()));
    // alice reads "one" (and what came before it, the roster and her presence), acknowledging it all
    // with the poll that returned it.
    bob.send("<message to='alice@localhost/phone' type='chat'><body>one</body></message>");
    qint64 acknowledged = 0;
    const QJsonArray first = readUntil(
        alice, 0, [](const QJsonArray &e) { return bodies(e).contains(QStringLiteral("one")); },
        &acknowledged);
    QCOMPARE(bodies(first), QStringList{QStringLiteral("one")});
    QVERIFY(
        api()
            .call("GET", alice.path(QStringLiteral("/events?after=%1").arg(acknowledged)), {}, alice.token)
            .json.value(QStringLiteral("events"))
            .toArray()
            .isEmpty());
    // "two" and "three" arrive and are read, but not acknowledged.
    bob.send("<message to='alice@localhost/phone' type='chat'><body>two</body></message>");
    bob.send("<message to='alice@localhost/phone' type='chat'><body>three</body></message>");
    QVERIFY(waitForDelivery(alice.id, "<body>three</body>"));
    const Answer unread =
        api().call("GET", alice.path(QStringLiteral("/events?after=%1").arg(acknowledged)), {}, alice.token);
    const QJsonArray before = unread.json.value(QStringLiteral("events")).toArray();
    QCOMPARE(bodies(before), (QStringList{QStringLiteral("two"), QStringLiteral("three")}));
    const qint64 lastBefore = unread.json.value(QStringLiteral("next")).toInteger();

    // dave has read and acknowledged everything so far.
    qint64 daveAcknowledged = 0;
    readUntil(
        dave, 0, [](const QJsonArray &e) { return !e.isEmpty(); }, &daveAcknowledged);
    QCOMPARE(
        api()
            .call("GET", dave.path(QStringLiteral("/events?after=%1").arg(daveAcknowledged)), {}, dave.token)
            .status,
        200);

    // A graceful shutdown writes the sessions to the store.
    QSignalSpy finished(m_server.get(), &Server::shutdownFinished);
    m_server->shutdown();
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().first().toBool(), true);
    m_server.reset();
    struct stat st
    {
    };
    QCOMPARE(::stat(QFile::encodeName(m_store).constData(), &st), 0);
    QCOMPARE(st.st_mode & 0777, 0600u);
    QFile raw(m_store);
    QVERIFY(raw.open(QIODevice::ReadOnly));
    const QByteArray file = raw.readAll();
    QVERIFY(!file.contains(alice.token));                                          // only the token's hash
    QVERIFY(!file.contains(m_prosody.password(QStringLiteral("alice")).toUtf8())); // SCRAM: no password
    raw.close();

    // While Switchboard is down: a message waits in Prosody's offline storage, and dave's password
    // changes (the server salts the new one afresh: the salted password kept opens nothing any more).
    bob.send("<message to='alice@localhost' type='chat'><body>while down</body></message>");
    QFile account(m_prosody.directory() + QStringLiteral("/data/localhost/accounts/dave.dat"));
    QVERIFY(account.open(QIODevice::WriteOnly | QIODevice::Truncate));
    account.write("return { [\"password\"] = \"changed-meanwhile\"; };\n");
    account.close();

    m_server = startServer(&error);
    QVERIFY2(m_server, qPrintable(error));

    // Same id and token: exactly the unacknowledged events, then what came while down. Nothing twice,
    // nothing lost, seq going on where it was.
    qint64 acked = 0;
    const auto isEcho = [](const QJsonValue &v) {
        const QJsonObject o = v.toObject();
        return o.value(QStringLiteral("kind")).toString() == QLatin1String("presence") &&
               o.value(QStringLiteral("from")).toString() == QLatin1String("alice@localhost/phone");
    };
    const QJsonArray after = readUntil(
        alice, acknowledged,
        [&](const QJsonArray &e) {
            return bodies(e).contains(QStringLiteral("while down")) &&
                   std::any_of(e.begin(), e.end(), isEcho);
        },
        &acked);
    QCOMPARE(bodies(after),
             (QStringList{QStringLiteral("two"), QStringLiteral("three"), QStringLiteral("while down")}));
    QCOMPARE(after.first().toObject(), before.first().toObject()); // the same event, the same seq
    QCOMPARE(seqOf(after, QStringLiteral("three")), seqOf(before, QStringLiteral("three")));
    QVERIFY(seqOf(after, QStringLiteral("while down")) > lastBefore);
    for (qsizetype i = 1; i < after.size(); ++i)
        QVERIFY(after.at(i).toObject().value(QStringLiteral("seq")).toInteger() >
                after.at(i - 1).toObject().value(QStringLiteral("seq")).toInteger());

    // Its presence is restored: the server echoes it to the session (RFC 6121 §4.2.2).
    const auto echo = std::find_if(after.begin(), after.end(), isEcho);
    QVERIFY(echo != after.end());
    QCOMPARE(echo->toObject().value(QStringLiteral("show")).toString(), QStringLiteral("away"));
    QCOMPARE(echo->toObject().value(QStringLiteral("status")).toString(), QStringLiteral("restarting"));
    QVERIFY(echo->toObject().value(QStringLiteral("seq")).toInteger() > lastBefore);

    // Logged in again, with its resource: the registry shows it, and it sends and receives.
    QTRY_COMPARE_WITH_TIMEOUT(m_server->registry()->session(alice.id).jid,
                              QStringLiteral("alice@localhost/phone"), 10000);
    const Answer sent = api().call(
        "POST", alice.path(QStringLiteral("/messages")),
        toJson({{QStringLiteral("to"), bob.jid()}, {QStringLiteral("body"), QStringLiteral("back again")}}),
        alice.token);
    QCOMPARE(sent.status, 202);
    const QByteArray got = bob.waitForElement("back again", 10000);
    QVERIFY(!got.isEmpty());
    QCOMPARE(Test::TestClient::attribute(got, u"from"), QStringLiteral("alice@localhost/phone"));
    bob.send("<message to='alice@localhost/phone' type='chat'><body>after restart</body></message>");
    const QJsonArray newer = readUntil(alice, acked, [](const QJsonArray &e) {
        return bodies(e).contains(QStringLiteral("after restart"));
    });
    QCOMPARE(bodies(newer), QStringList{QStringLiteral("after restart")});

    // A wrong token is still refused; a deleted session's token opens nothing.
    QCOMPARE(api().call("GET", alice.path(QStringLiteral("/events")), {}, gone.token).status, 401);
    QCOMPARE(api().call("GET", gone.path(QStringLiteral("/events")), {}, gone.token).status, 404);

    // dave's log-in again was refused: the session ended; its client reads the final "session" event
    // once, then the session is gone.
    QTRY_VERIFY_WITH_TIMEOUT(!m_server->registry()->contains(dave.id), 10000);
    const Answer ended = api().call(
        "GET", dave.path(QStringLiteral("/events?after=%1").arg(daveAcknowledged)), {}, dave.token);
    QCOMPARE(ended.status, 200);
    const QJsonArray endedEvents = ended.json.value(QStringLiteral("events")).toArray();
    QVERIFY(!endedEvents.isEmpty());
    QVERIFY(bodies(endedEvents).isEmpty());
    const QJsonObject last = endedEvents.last().toObject();
    QCOMPARE(last.value(QStringLiteral("kind")).toString(), QStringLiteral("session"));
    QCOMPARE(last.value(QStringLiteral("type")).toString(), QStringLiteral("closed"));
    QCOMPARE(last.value(QStringLiteral("status")).toString(), QStringLiteral("not-authorized"));
    QCOMPARE(
        api()
            .call("GET", dave.path(QStringLiteral("/events?after=%1").arg(daveAcknowledged)), {}, dave.token)
            .status,
        404);

    QCOMPARE(api().call("DELETE", alice.path(), {}, alice.token).status, 204);
}

void tst_RestRestart::sessionsSurviveQuitWithoutShutdown()
{
    // The window closed: the Server goes without shutdown(), and its REST sessions are kept all the same.
    QVERIFY(m_server);
    const Session carol = login(QStringLiteral("carol"), QStringLiteral("desk"));
    QVERIFY(!carol.id.isEmpty());
    qint64 next = 0;
    readUntil(
        carol, 0, [](const QJsonArray &e) { return !e.isEmpty(); }, &next);
    Test::TestClient bob;
    QVERIFY2(bob.login(m_prosody, QStringLiteral("bob")), qPrintable(bob.lastError()));
    bob.send("<message to='carol@localhost/desk' type='chat'><body>before the quit</body></message>");
    QVERIFY(waitForDelivery(carol.id, "<body>before the quit</body>"));
    m_server.reset();
    QString error;
    m_server = startServer(&error);
    QVERIFY2(m_server, qPrintable(error));
    const QJsonArray after = readUntil(carol, next, [](const QJsonArray &e) {
        return bodies(e).contains(QStringLiteral("before the quit"));
    });
    QCOMPARE(bodies(after), QStringList{QStringLiteral("before the quit")});
    QTRY_COMPARE_WITH_TIMEOUT(m_server->registry()->session(carol.id).jid,
                              QStringLiteral("carol@localhost/desk"), 10000);
    QCOMPARE(api().call("DELETE", carol.path(), {}, carol.token).status, 204);
}

void tst_RestRestart::restoredSessionWaitsForItsServer()
{
    // Switchboard and its server restart together (a reboot): the restored session finds the server
    // down, tries again with backoff, and is back once the server is; its client meanwhile reads what it
    // had not acknowledged.
    QString error;
    if (!m_server)
        m_server = startServer(&error);
    QVERIFY2(m_server, qPrintable(error));
    QVERIFY(m_prosody.addAccount(QStringLiteral("erin")));
    const Session erin = login(QStringLiteral("erin"), QStringLiteral("laptop"));
    QVERIFY(!erin.id.isEmpty());
    qint64 next = 0;
    readUntil(
        erin, 0, [](const QJsonArray &e) { return !e.isEmpty(); }, &next);
    {
        Test::TestClient bob;
        QVERIFY2(bob.login(m_prosody, QStringLiteral("bob")), qPrintable(bob.lastError()));
        bob.send("<message to='erin@localhost/laptop' type='chat'><body>before the reboot</body></message>");
        QVERIFY(waitForDelivery(erin.id, "<body>before the reboot</body>"));
    }
    QSignalSpy finished(m_server.get(), &Server::shutdownFinished);
    m_server->shutdown();
    QVERIFY(finished.wait(20000));
    m_server.reset();
    m_prosody.stop();

    m_server = startServer(&error);
    QVERIFY2(m_server, qPrintable(error));
    const QJsonArray kept = readUntil(
        erin, next,
        [](const QJsonArray &e) { return bodies(e).contains(QStringLiteral("before the reboot")); }, &next);
    QCOMPARE(bodies(kept), QStringList{QStringLiteral("before the reboot")});
    QVERIFY(m_server->registry()->session(erin.id).jid.isEmpty()); // not logged in: the server is down

    QVERIFY2(m_prosody.startAgain(), qPrintable(m_prosody.log()));
    QTRY_COMPARE_WITH_TIMEOUT(m_server->registry()->session(erin.id).jid,
                              QStringLiteral("erin@localhost/laptop"), 20000);
    Test::TestClient bob;
    QVERIFY2(bob.login(m_prosody, QStringLiteral("bob")), qPrintable(bob.lastError()));
    bob.send("<message to='erin@localhost/laptop' type='chat'><body>after the reboot</body></message>");
    const QJsonArray later = readUntil(erin, next, [](const QJsonArray &e) {
        return bodies(e).contains(QStringLiteral("after the reboot"));
    });
    QCOMPARE(bodies(later), QStringList{QStringLiteral("after the reboot")});
    QCOMPARE(api().call("DELETE", erin.path(), {}, erin.token).status, 204);
}

void tst_RestRestart::endedSessionIsReadToItsLastEvent()
{
    // A restored session that could not log in again is read once, page by page, up to its final
    // "closed" event; a "session" event before that one (reconnecting) does not end the reading.
    const QString file = m_dir.filePath(QStringLiteral("ended/rest.sqlite"));
    {
        RestStore store;
        QString error;
        QVERIFY2(store.open(file, &error), qPrintable(error));
        SessionSnapshot ended;
        ended.id = QStringLiteral("ended1");
        ended.tokenHash = SessionSnapshot::tokenHashOf("tok");
        ended.jid = QStringLiteral("erin@localhost");
        ended.resource = QStringLiteral("laptop");
        ended.credentials.username = QStringLiteral("erin");
        ended.credentials.mechanism = QStringLiteral("PLAIN");
        ended.credentials.password = QStringLiteral("x");
        ended.ended = true;
        const auto event = [](qint64 seq, const char *kind, const char *type, const char *body = nullptr) {
            Event e;
            e.seq = seq;
            e.kind = QLatin1String(kind);
            e.type = QLatin1String(type);
            if (body)
                e.body = QLatin1String(body);
            return e;
        };
        ended.events = {event(1, "session", "reconnecting"), event(2, "message", "chat", "kept"),
                        event(3, "session", "closed")};
        ended.nextSeq = 4;
        QVERIFY2(store.save({ended}, &error), qPrintable(error));
    }
    m_server.reset();
    QString error;
    m_server = startServer(&error, file);
    QVERIFY2(m_server, qPrintable(error));
    const Session s{QStringLiteral("ended1"), "tok", {}};
    QStringList seen;
    for (qint64 after = 0; after < 3; ++after) {
        const Answer a =
            api().call("GET", s.path(QStringLiteral("/events?after=%1&limit=1").arg(after)), {}, s.token);
        QCOMPARE(a.status, 200);
        const QJsonArray events = a.json.value(QStringLiteral("events")).toArray();
        QCOMPARE(events.size(), 1);
        seen.append(events.first().toObject().value(QStringLiteral("type")).toString());
    }
    QCOMPARE(seen,
             (QStringList{QStringLiteral("reconnecting"), QStringLiteral("chat"), QStringLiteral("closed")}));
    QCOMPARE(api().call("GET", s.path(QStringLiteral("/events?after=3")), {}, s.token).status, 404);
    m_server.reset();
    m_server = startServer(&error); // back on the test's own store
    QVERIFY2(m_server, qPrintable(error));
}

void tst_RestRestart::storeThatCannotBeUsedStopsStart()
{
    // Held by a running Switchboard: a second one on the same file does not start.
    QVERIFY(m_server);
    QString error;
    std::unique_ptr<Server> second = startServer(&error);
    QVERIFY(!second);
    QVERIFY2(error.contains(QStringLiteral("in use by another Switchboard")), qPrintable(error));
    m_server.reset();
    // Not a session store: refused with a clear error, and left alone.
    QFile file(m_store);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(QByteArray(4096, 'z'));
    file.close();
    QVERIFY(!startServer(&error));
    QVERIFY2(error.contains(QStringLiteral("rest_store")) && error.contains(m_store), qPrintable(error));
    QCOMPARE(QFileInfo(m_store).size(), 4096);
}

SWITCHBOARD_TEST_MAIN(tst_RestRestart)
#include "tst_rest_restart.moc"
