// SPDX-License-Identifier: GPL-3.0-or-later
// A REST session whose server link drops, end to end: Switchboard in front of a real Prosody with
// mod_smacks (XEP-0198) and mod_mam (XEP-0313), and between them a TCP relay the test can cut or keep
// shut. Prosody restarted under a live session (a new log-in from the kept SCRAM credentials, the same
// resource and presence, the archive's catch-up: every message once, in order), a cut link resumed
// with XEP-0198 (what either side sent meanwhile arrives once), and a password changed while the link
// was down (the session ends with a clear event).
#include "prosodyfixture.h"
#include "restapi.h"
#include "server.h"
#include "testclient.h"
#include "testmain.h"

#include "monitor/registry.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Switchboard;

namespace {

/// A TCP relay from a loopback port to Prosody's c2s port. shut() refuses new connections (as a
/// server that is not back yet), cut() drops every relayed connection at once (a network failure:
/// neither side sees a stream close).
class Relay final : public QObject
{
public:
    explicit Relay(quint16 target) : m_target(target)
    {
        connect(&m_server, &QTcpServer::newConnection, this, &Relay::accept);
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost); }
    quint16 port() const { return m_server.serverPort(); }
    void setOpen(bool open) { m_open = open; }
    int accepted() const { return m_accepted; }
    void cut()
    {
        for (const auto &[a, b] : std::exchange(m_pairs, {})) {
            if (a)
                a->abort();
            if (b)
                b->abort();
        }
    }

private:
    void accept()
    {
        while (QTcpSocket *client = m_server.nextPendingConnection()) {
            client->setParent(this);
            if (!m_open) {
                client->abort();
                client->deleteLater();
                continue;
            }
            ++m_accepted;
            auto *server = new QTcpSocket(this);
            auto pending = std::make_shared<QByteArray>();
            QPointer<QTcpSocket> c(client), s(server);
            connect(client, &QTcpSocket::readyRead, this, [c, s, pending] {
                if (!c || !s)
                    return;
                if (s->state() == QAbstractSocket::ConnectedState)
                    s->write(c->readAll());
                else
                    *pending += c->readAll();
            });
            connect(server, &QTcpSocket::connected, this, [s, pending] {
                if (s && !pending->isEmpty())
                    s->write(std::exchange(*pending, {}));
            });
            connect(server, &QTcpSocket::readyRead, this, [c, s] {
                if (c && s)
                    c->write(s->readAll());
            });
            connect(client, &QTcpSocket::disconnected, this, [s] {
                if (s)
                    s->disconnectFromHost();
            });
            connect(server, &QTcpSocket::disconnected, this, [c] {
                if (c)
                    c->disconnectFromHost();
            });
            connect(server, &QTcpSocket::errorOccurred, this, [c] {
                if (c)
                    c->abort();
            });
            server->connectToHost(QHostAddress::LocalHost, m_target);
            m_pairs.append({c, s});
        }
    }

    QTcpServer m_server;
    quint16 m_target;
    bool m_open = true;
    int m_accepted = 0;
    QList<std::pair<QPointer<QTcpSocket>, QPointer<QTcpSocket>>> m_pairs;
};

using Answer = Test::RestAnswer;
using Api = Test::RestApi;
using Test::toJson;

/// One REST session and every event it has read so far.
struct Session
{
    Api *api = nullptr;
    QString id;
    QByteArray token;
    QString jid;
    qint64 next = 0;
    QJsonArray events;

    QString path(const QString &tail = {}) const { return QStringLiteral("/sessions/") + id + tail; }
    /// Reads events (long polls of up to 2 s) until `done` holds for what was read, or `timeoutMs`.
    bool readUntil(const std::function<bool(const QJsonArray &)> &done, int timeoutMs = 30000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!done(events)) {
            if (deadline.hasExpired())
                return false;
            const Answer a =
                api->call("GET", path(QStringLiteral("/events?after=%1&wait=2").arg(next)), {}, token);
            if (a.status != 200)
                return false;
            for (const QJsonValue &v : a.json.value(QStringLiteral("events")).toArray())
                events.append(v);
            next = a.json.value(QStringLiteral("next")).toInteger();
        }
        return true;
    }
    Answer send(const QString &to, const QString &body)
    {
        return api->call("POST", path(QStringLiteral("/messages")),
                         toJson({{QStringLiteral("to"), to}, {QStringLiteral("body"), body}}), token);
    }
};

/// The bodies of the message events, in order.
QStringList bodies(const QJsonArray &events)
{
    QStringList out;
    for (const QJsonValue &v : events) {
        const QJsonObject o = v.toObject();
        if (o.value(QStringLiteral("kind")).toString() == QLatin1String("message"))
            out << o.value(QStringLiteral("body")).toString();
    }
    return out;
}

/// The index of the first session event of `type` after `from`, or -1.
qsizetype sessionEvent(const QJsonArray &events, const QString &type, qsizetype from = 0)
{
    for (qsizetype i = from; i < events.size(); ++i) {
        const QJsonObject o = events.at(i).toObject();
        if (o.value(QStringLiteral("kind")).toString() == QLatin1String("session") &&
            o.value(QStringLiteral("type")).toString() == type)
            return i;
    }
    return -1;
}

} // namespace

class tst_RestReconnect : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void prosodyRestartedUnderLiveSession();
    void cutLinkResumedWithStreamManagement();
    void changedPasswordEndsTheSession();

private:
    Session login(const QString &user, const QString &resource);
    /// bob, logged in directly to Prosody (not through the relay), sends `bodies` to `to`.
    bool bobSends(const QString &to, const QStringList &texts);

    ProsodyFixture m_prosody;
    std::unique_ptr<Relay> m_relay;
    std::unique_ptr<Server> m_server;
    std::unique_ptr<Api> m_api;
};

void tst_RestReconnect::init()
{
    ProsodyFixture::Options options;
    options.http = false;
    options.smacks = true;
    options.mam = true;
    options.offline = true;
    options.hashedPasswords = true; // the same salt at every log-in, as on a real server
    QVERIFY2(m_prosody.start({QStringLiteral("alice"), QStringLiteral("bob")}, options),
             "Prosody did not start");
    m_relay = std::make_unique<Relay>(m_prosody.c2sPort());
    QVERIFY(m_relay->listen());
    Config config = m_prosody.backendConfig();
    config.routes = {Route{m_prosody.domain(), m_prosody.host(), m_relay->port()}};
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.connectTimeout = 5;
    // Short, so the test does not wait long; the relay decides when the server is reachable again.
    config.restReconnectDelay = 200;
    config.restReconnectMaxDelay = 1;
    m_server = std::make_unique<Server>(config);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    QUrl base = m_server->boshUrl();
    base.setPath(QStringLiteral("/api/v1"));
    m_api = std::make_unique<Api>(base);
}

void tst_RestReconnect::cleanup()
{
    m_api.reset();
    m_server.reset();
    m_relay.reset();
    m_prosody.stop();
}

Session tst_RestReconnect::login(const QString &user, const QString &resource)
{
    Session s;
    s.api = m_api.get();
    const Answer a =
        m_api->call("POST", QStringLiteral("/sessions"),
                    toJson({{QStringLiteral("jid"), QString(user + QStringLiteral("@localhost"))},
                            {QStringLiteral("password"), m_prosody.password(user)},
                            {QStringLiteral("resource"), resource},
                            {QStringLiteral("presence"),
                             QJsonObject{{QStringLiteral("show"), QStringLiteral("away")},
                                         {QStringLiteral("status"), QStringLiteral("on REST")}}}}));
    if (a.status != 201) {
        qWarning() << "login failed:" << a.status << a.body;
        return s;
    }
    s.id = a.json.value(QStringLiteral("id")).toString();
    s.token = a.json.value(QStringLiteral("token")).toString().toLatin1();
    s.jid = a.json.value(QStringLiteral("jid")).toString();
    // RFC 6121 §4.2.2: our own presence comes back; what follows is what the test does.
    s.readUntil([&s](const QJsonArray &events) {
        return std::any_of(events.begin(), events.end(), [&s](const QJsonValue &v) {
            return v.toObject().value(QStringLiteral("kind")).toString() == QLatin1String("presence") &&
                   v.toObject().value(QStringLiteral("from")).toString() == s.jid;
        });
    });
    return s;
}

bool tst_RestReconnect::bobSends(const QString &to, const QStringList &texts)
{
    Test::TestClient bob;
    if (!bob.login(m_prosody, QStringLiteral("bob"), QStringLiteral("pc"), false)) {
        qWarning() << "bob:" << bob.lastError();
        return false;
    }
    int n = 0;
    for (const QString &text : texts) {
        bob.send("<message to='" + to.toUtf8() + "' type='chat' id='b" + QByteArray::number(++n) +
                 "'><body>" + text.toUtf8() + "</body></message>");
    }
    // A ping answered after the messages: Prosody has handled them (in order, one stream).
    bob.send("<iq type='get' id='sync' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
    const bool synced = !bob.waitForElement("id='sync'", 10000).isEmpty();
    bob.disconnectFromServer();
    return synced;
}

void tst_RestReconnect::prosodyRestartedUnderLiveSession()
{
    Session alice = login(QStringLiteral("alice"), QStringLiteral("rest"));
    QVERIFY(!alice.id.isEmpty());
    QCOMPARE(alice.jid, QStringLiteral("alice@localhost/rest"));
    // Before: live.
    QVERIFY(bobSends(alice.jid, {QStringLiteral("before-1"), QStringLiteral("before-2")}));
    QVERIFY(alice.readUntil([](const QJsonArray &e) { return bodies(e).size() == 2; }));
    // An IQ to a resource that never answers is still waiting when the server goes down.
    Test::TestClient mute;
    QVERIFY(mute.login(m_prosody, QStringLiteral("bob"), QStringLiteral("mute"), false));
    QNetworkReply *iq = m_api->start("POST", alice.path(QStringLiteral("/stanzas?timeout=60")),
                                     "<iq type='get' id='lost-1' to='bob@localhost/mute'><query "
                                     "xmlns='jabber:iq:version'/></iq>",
                                     alice.token, "application/xmpp+xml");
    QVERIFY(!mute.waitForElement("id='lost-1'", 10000).isEmpty());

    // The server restarts (system-shutdown); the relay keeps Switchboard out until bob has sent.
    m_relay->setOpen(false);
    m_prosody.stop();
    QVERIFY(alice.readUntil(
        [](const QJsonArray &e) { return sessionEvent(e, QStringLiteral("reconnecting")) >= 0; }));
    // The API still serves the session; what the client sends is held.
    const Answer held = alice.send(QStringLiteral("bob@localhost"), QStringLiteral("from REST while down"));
    QCOMPARE(held.status, 202);
    QVERIFY2(m_prosody.startAgain(), qPrintable(m_prosody.log()));
    // During: to the account while its REST session is away (the archive keeps them).
    QVERIFY(bobSends(QStringLiteral("alice@localhost"),
                     {QStringLiteral("during-1"), QStringLiteral("during-2"), QStringLiteral("during-3")}));
    const int acceptedBefore = m_relay->accepted();
    m_relay->setOpen(true);
    QVERIFY(
        alice.readUntil([](const QJsonArray &e) { return sessionEvent(e, QStringLiteral("online")) >= 0; }));
    QVERIFY(m_relay->accepted() > acceptedBefore);
    // The server session that would have answered the IQ went with the restart: 503, not a 504 later.
    const Answer lost = Api::finish(iq);
    QCOMPARE(lost.status, 503);
    QVERIFY(lost.header("Retry-After").toInt() >= 1);
    QVERIFY(alice.readUntil([](const QJsonArray &e) { return bodies(e).size() >= 5; }));
    // After: live again.
    QVERIFY(bobSends(alice.jid, {QStringLiteral("after-1"), QStringLiteral("after-2")}));
    QVERIFY(alice.readUntil([](const QJsonArray &e) { return bodies(e).size() >= 7; }));
    // A last live message, to see nothing else was on its way.
    QVERIFY(bobSends(alice.jid, {QStringLiteral("end")}));
    QVERIFY(alice.readUntil([](const QJsonArray &e) { return bodies(e).contains(QStringLiteral("end")); }));
    QCOMPARE(bodies(alice.events),
             (QStringList{QStringLiteral("before-1"), QStringLiteral("before-2"), QStringLiteral("during-1"),
                          QStringLiteral("during-2"), QStringLiteral("during-3"), QStringLiteral("after-1"),
                          QStringLiteral("after-2"), QStringLiteral("end")}));

    // The same full JID, and the presence the client had (the server echoes it after "online").
    const qsizetype online = sessionEvent(alice.events, QStringLiteral("online"));
    QCOMPARE(alice.events.at(online).toObject().value(QStringLiteral("status")).toString(), alice.jid);
    QTRY_COMPARE(m_server->registry()->session(alice.id).jid, alice.jid);
    bool presenceBack = false;
    for (qsizetype i = online; i < alice.events.size(); ++i) {
        const QJsonObject o = alice.events.at(i).toObject();
        if (o.value(QStringLiteral("kind")).toString() == QLatin1String("presence") &&
            o.value(QStringLiteral("from")).toString() == alice.jid)
            presenceBack = o.value(QStringLiteral("show")).toString() == QLatin1String("away") &&
                           o.value(QStringLiteral("status")).toString() == QLatin1String("on REST");
    }
    QVERIFY(presenceBack);

    // What the REST client sent while the link was down reached bob (offline storage, his next log-in).
    Test::TestClient bob;
    QVERIFY(bob.login(m_prosody, QStringLiteral("bob"), QStringLiteral("phone"), true));
    QVERIFY(!bob.waitForElement("from REST while down", 10000).isEmpty());
    QCOMPARE(m_api->call("DELETE", alice.path(), {}, alice.token).status, 204);
}

void tst_RestReconnect::cutLinkResumedWithStreamManagement()
{
    Session alice = login(QStringLiteral("alice"), QStringLiteral("rest"));
    QVERIFY(!alice.id.isEmpty());
    Test::TestClient bob;
    QVERIFY(bob.login(m_prosody, QStringLiteral("bob"), QStringLiteral("pc"), false));
    bob.send("<message to='alice@localhost/rest' type='chat' id='b1'><body>before</body></message>");
    QVERIFY(alice.readUntil([](const QJsonArray &e) { return bodies(e).size() == 1; }));

    // The network fails: no stream close either way. Prosody keeps the session for resumption.
    m_relay->setOpen(false);
    m_relay->cut();
    QVERIFY(alice.readUntil(
        [](const QJsonArray &e) { return sessionEvent(e, QStringLiteral("reconnecting")) >= 0; }));
    QCOMPARE(alice.send(QStringLiteral("bob@localhost/pc"), QStringLiteral("rest-1")).status, 202);
    QCOMPARE(alice.send(QStringLiteral("bob@localhost/pc"), QStringLiteral("rest-2")).status, 202);
    bob.send("<message to='alice@localhost/rest' type='chat' id='b2'><body>during-1</body></message>");
    bob.send("<message to='alice@localhost/rest' type='chat' id='b3'><body>during-2</body></message>");
    bob.send("<iq type='get' id='sync' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
    QVERIFY(!bob.waitForElement("id='sync'", 10000).isEmpty());
    m_relay->setOpen(true);
    // XEP-0198 §5: resumed, not a new log-in.
    QVERIFY(
        alice.readUntil([](const QJsonArray &e) { return sessionEvent(e, QStringLiteral("resumed")) >= 0; }));
    QCOMPARE(sessionEvent(alice.events, QStringLiteral("online")), -1);
    const auto hasRest2 = [&bob] {
        return std::any_of(bob.received().begin(), bob.received().end(),
                           [](const QByteArray &x) { return x.contains("<body>rest-2</body>"); });
    };
    QTRY_VERIFY_WITH_TIMEOUT(hasRest2(), 10000);
    bob.send("<message to='alice@localhost/rest' type='chat' id='b4'><body>after</body></message>");
    QVERIFY(alice.readUntil([](const QJsonArray &e) { return bodies(e).contains(QStringLiteral("after")); }));
    QCOMPARE(bodies(alice.events), (QStringList{QStringLiteral("before"), QStringLiteral("during-1"),
                                                QStringLiteral("during-2"), QStringLiteral("after")}));
    // What the REST client sent while the link was down reached bob once each, in order.
    int rest1 = 0, rest2 = 0;
    qsizetype at1 = -1, at2 = -1;
    const QList<QByteArray> received = bob.received();
    for (qsizetype i = 0; i < received.size(); ++i) {
        if (received.at(i).contains("<body>rest-1</body>"))
            ++rest1, at1 = i;
        if (received.at(i).contains("<body>rest-2</body>"))
            ++rest2, at2 = i;
    }
    QCOMPARE(rest1, 1);
    QCOMPARE(rest2, 1);
    QVERIFY(at1 < at2);
    // No new roster fetch either: the roster event of the log-in is the only one.
    int rosters = 0;
    for (const QJsonValue &v : alice.events)
        rosters += v.toObject().value(QStringLiteral("id")).toString() == QLatin1String("sb-roster");
    QCOMPARE(rosters, 1);
    QCOMPARE(m_api->call("DELETE", alice.path(), {}, alice.token).status, 204);
}

void tst_RestReconnect::changedPasswordEndsTheSession()
{
    Session alice = login(QStringLiteral("alice"), QStringLiteral("rest"));
    QVERIFY(!alice.id.isEmpty());
    m_relay->setOpen(false);
    m_prosody.stop();
    QVERIFY(alice.readUntil(
        [](const QJsonArray &e) { return sessionEvent(e, QStringLiteral("reconnecting")) >= 0; }));
    // While the link is down, sends are held up to the bound; past it, 503 with Retry-After.
    for (int i = 0; i < 100; ++i)
        QCOMPARE(alice.send(QStringLiteral("bob@localhost"), QStringLiteral("held %1").arg(i)).status, 202);
    const Answer full = alice.send(QStringLiteral("bob@localhost"), QStringLiteral("one too many"));
    QCOMPARE(full.status, 503);
    QVERIFY(full.header("Retry-After").toInt() >= 1);
    QVERIFY(full.json.value(QStringLiteral("error")).toString().contains(QLatin1String("down")));
    // The password changes while the link is down: the server salts the new one afresh, and the kept
    // SCRAM salted password opens nothing.
    QVERIFY(m_prosody.setPassword(QStringLiteral("alice"), QStringLiteral("a new password")));
    QVERIFY2(m_prosody.startAgain(), qPrintable(m_prosody.log()));
    m_relay->setOpen(true);
    QVERIFY(
        alice.readUntil([](const QJsonArray &e) { return sessionEvent(e, QStringLiteral("closed")) >= 0; }));
    const QJsonObject closed =
        alice.events.at(sessionEvent(alice.events, QStringLiteral("closed"))).toObject();
    QCOMPARE(closed.value(QStringLiteral("status")).toString(), QStringLiteral("not-authorized"));
    QCOMPARE(sessionEvent(alice.events, QStringLiteral("online")), -1);
    // The session is over: the client must log in again with the (new) password.
    QTRY_COMPARE(m_api->call("GET", alice.path(QStringLiteral("/events")), {}, alice.token).status, 404);
}

SWITCHBOARD_TEST_MAIN(tst_RestReconnect)
#include "tst_rest_reconnect.moc"
