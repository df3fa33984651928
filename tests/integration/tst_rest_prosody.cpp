// SPDX-License-Identifier: GPL-3.0-or-later
// The REST gateway end to end: Switchboard in front of a real Prosody, HTTP calls over real sockets,
// and on the other side a raw TCP user and a BOSH user. Login with SCRAM, messages both ways, long
// polls, acknowledgement, an IQ round trip, logout, and every error status.
#include "boshclient.h"
#include "monitor/registry.h"
#include "monitor/trafficrecorder.h"
#include "prosodyfixture.h"
#include "restapi.h"
#include "server.h"
#include "testclient.h"
#include "testmain.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <optional>

using namespace Switchboard;

namespace {

using Answer = Test::RestAnswer;
using Api = Test::RestApi;
using Test::toJson;

/// The message events of a list (a test counts what it sent, not presence that may come with it).
QJsonArray messages(const QJsonArray &events)
{
    QJsonArray out;
    for (const QJsonValue &v : events) {
        if (v.toObject().value(QStringLiteral("kind")).toString() == QLatin1String("message"))
            out.append(v);
    }
    return out;
}

struct Session
{
    QString id;
    QByteArray token;
    QString jid;
    qint64 next = 0; ///< after the events of the login (the roster, our own presence)
    QString path(const QString &tail = {}) const { return QStringLiteral("/sessions/") + id + tail; }
};

} // namespace

class tst_RestProsody : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void loginWithScram();
    void wrongPasswordIs401();
    void messagesWithTcpUser();
    void messagesWithBoshUser();
    void longPollWokenByMessage();
    void repeatedAfterReturnsSameEvents();
    void iqRoundTripAndPingAnswered();
    void errors();
    void unreachableServerIs502();
    void perAddressLimitIs429();
    void deleteLogsOut();
    void openApiWithoutToken();

private:
    Session login(const QString &user, const QString &resource = QStringLiteral("rest"));
    QJsonArray events(const Session &s, qint64 after, int wait = 0, qint64 *next = nullptr);

    ProsodyFixture m_prosody;
    std::unique_ptr<Server> m_server;
    std::unique_ptr<Api> m_api;
    QStringList m_mechanisms; ///< <auth mechanism=.../> seen going to the server
    quint16 m_closedPort = 0;
};

void tst_RestProsody::initTestCase()
{
    QVERIFY2(m_prosody.start({QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol"),
                              QStringLiteral("dave")}),
             "Prosody did not start");
    // A port nothing listens on, for the unreachable server.
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        m_closedPort = probe.serverPort();
    }
    Config config = m_prosody.backendConfig();
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.routes.append(Route{QStringLiteral("down.localhost"), QStringLiteral("127.0.0.1"), m_closedPort});
    config.noTlsDomains.append(QStringLiteral("down.localhost"));
    config.connectTimeout = 3;
    m_server = std::make_unique<Server>(config);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    QUrl base = m_server->boshUrl();
    base.setPath(QStringLiteral("/api/v1"));
    m_api = std::make_unique<Api>(base);
    // Raw stanzas as the front hands them over, to see which SASL mechanism was used.
    connect(m_server->hub(), &Monitor::Hub::stanzaForwarded, this,
            [this](const QString &, const QString &, Monitor::Direction direction, const QByteArray &xml) {
                if (direction == Monitor::Direction::ToServer && xml.startsWith("<auth ")) {
                    const qsizetype at = xml.indexOf("mechanism='") + 11;
                    m_mechanisms.append(QString::fromLatin1(xml.mid(at, xml.indexOf('\'', at) - at)));
                }
            });
    m_server->traffic()->setEnabled(true);
}

void tst_RestProsody::cleanupTestCase()
{
    m_api.reset();
    m_server.reset();
    m_prosody.stop();
}

Session tst_RestProsody::login(const QString &user, const QString &resource)
{
    const Answer a =
        m_api->call("POST", QStringLiteral("/sessions"),
                    toJson({{QStringLiteral("jid"), QString(user + QStringLiteral("@localhost"))},
                            {QStringLiteral("password"), m_prosody.password(user)},
                            {QStringLiteral("resource"), resource}}));
    if (a.status != 201)
        qWarning() << "login failed:" << a.status << a.body;
    Session s{a.json.value(QStringLiteral("id")).toString(),
              a.json.value(QStringLiteral("token")).toString().toLatin1(),
              a.json.value(QStringLiteral("jid")).toString()};
    // RFC 6121 §4.2.2: the server echoes our initial presence to us; once it is there, what follows is
    // what a test sends.
    for (int i = 0; i < 10 && !s.id.isEmpty(); ++i) {
        qint64 next = 0;
        const QJsonArray e = events(s, 0, 5, &next);
        const bool echoed = std::any_of(e.begin(), e.end(), [&s](const QJsonValue &v) {
            const QJsonObject o = v.toObject();
            return o.value(QStringLiteral("kind")).toString() == QLatin1String("presence") &&
                   o.value(QStringLiteral("from")).toString() == s.jid;
        });
        if (echoed) {
            s.next = next;
            break;
        }
    }
    return s;
}

QJsonArray tst_RestProsody::events(const Session &s, qint64 after, int wait, qint64 *next)
{
    const Answer a = m_api->call(
        "GET", s.path(QStringLiteral("/events?after=%1&wait=%2").arg(after).arg(wait)), {}, s.token);
    if (a.status != 200)
        qWarning() << "events:" << a.status << a.body;
    if (next)
        *next = a.json.value(QStringLiteral("next")).toInteger();
    return a.json.value(QStringLiteral("events")).toArray();
}

void tst_RestProsody::loginWithScram()
{
    m_mechanisms.clear();
    const Answer a =
        m_api->call("POST", QStringLiteral("/sessions"),
                    toJson({{QStringLiteral("jid"), QStringLiteral("alice@localhost")},
                            {QStringLiteral("password"), m_prosody.password(QStringLiteral("alice"))},
                            {QStringLiteral("resource"), QStringLiteral("api")}}));
    QCOMPARE(a.status, 201);
    QCOMPARE(a.json.value(QStringLiteral("jid")).toString(), QStringLiteral("alice@localhost/api"));
    const QByteArray token = a.json.value(QStringLiteral("token")).toString().toLatin1();
    // 128 bits, base64url without padding.
    QCOMPARE(QByteArray::fromBase64(token, QByteArray::Base64UrlEncoding).size(), 16);
    QCOMPARE(a.header("Cache-Control"), QByteArray("no-store"));
    // Prosody offers SCRAM over this plaintext loopback link; Switchboard takes the strongest SCRAM.
    QCOMPARE(m_mechanisms.size(), 1);
    QVERIFY2(m_mechanisms.first().startsWith(QLatin1String("SCRAM-SHA-")), qPrintable(m_mechanisms.first()));
    // Credentials never reach the capture.
    const QByteArray password = m_prosody.password(QStringLiteral("alice")).toUtf8();
    for (const Monitor::TrafficRecord &r : m_server->traffic()->records())
        QVERIFY2(!r.xml.contains(password) && !r.xml.contains(password.toBase64()), r.xml.constData());
    // Seen like the other fronts: transport REST, bound JID.
    const QString id = a.json.value(QStringLiteral("id")).toString();
    QTRY_VERIFY(m_server->registry()->contains(id));
    QCOMPARE(m_server->registry()->session(id).transport, Monitor::Transport::Rest);
    QTRY_COMPARE(m_server->registry()->session(id).jid, QStringLiteral("alice@localhost/api"));
    // The roster is the first event.
    Session s{id, token, {}};
    const QJsonArray first = events(s, 0);
    QVERIFY(!first.isEmpty());
    QCOMPARE(first.at(0).toObject().value(QStringLiteral("id")).toString(), QStringLiteral("sb-roster"));
    QCOMPARE(m_api->call("DELETE", s.path(), {}, token).status, 204);
}

void tst_RestProsody::wrongPasswordIs401()
{
    const Answer a = m_api->call("POST", QStringLiteral("/sessions"),
                                 toJson({{QStringLiteral("jid"), QStringLiteral("alice@localhost")},
                                         {QStringLiteral("password"), QStringLiteral("wrong")}}));
    QCOMPARE(a.status, 401);
    QVERIFY(!a.json.contains(QStringLiteral("token")));
}

void tst_RestProsody::messagesWithTcpUser()
{
    const Session alice = login(QStringLiteral("alice"), QStringLiteral("tcp"));
    QVERIFY(!alice.id.isEmpty());
    qint64 next = alice.next;
    Test::TestClient bob;
    QVERIFY2(bob.login(m_prosody, QStringLiteral("bob")), qPrintable(bob.lastError()));
    // REST -> TCP
    const Answer sent = m_api->call("POST", alice.path(QStringLiteral("/messages")),
                                    toJson({{QStringLiteral("to"), bob.jid()},
                                            {QStringLiteral("body"), QStringLiteral("hi bob <&>")},
                                            {QStringLiteral("id"), QStringLiteral("m-1")}}),
                                    alice.token);
    QCOMPARE(sent.status, 202);
    QCOMPARE(sent.json.value(QStringLiteral("id")).toString(), QStringLiteral("m-1"));
    const QByteArray got = bob.waitForElement("hi bob");
    QVERIFY(!got.isEmpty());
    QCOMPARE(Test::TestClient::text(got, u"body"), QStringLiteral("hi bob <&>"));
    QCOMPARE(Test::TestClient::attribute(got, u"from"), alice.jid);
    // TCP -> REST
    bob.send("<message to='" + alice.jid.toUtf8() + "' type='chat' id='b1'><body>hi alice</body></message>");
    QJsonArray got2;
    for (int i = 0; i < 10 && got2.isEmpty(); ++i)
        got2 = messages(events(alice, next, 5, nullptr));
    QCOMPARE(got2.size(), 1);
    const QJsonObject e = got2.at(0).toObject();
    QCOMPARE(e.value(QStringLiteral("kind")).toString(), QStringLiteral("message"));
    QCOMPARE(e.value(QStringLiteral("body")).toString(), QStringLiteral("hi alice"));
    QCOMPARE(e.value(QStringLiteral("from")).toString(), bob.jid());
    QCOMPARE(e.value(QStringLiteral("id")).toString(), QStringLiteral("b1"));
    QVERIFY(e.value(QStringLiteral("xml")).toString().contains(QLatin1String("hi alice")));
    QCOMPARE(m_api->call("DELETE", alice.path(), {}, alice.token).status, 204);
}

void tst_RestProsody::messagesWithBoshUser()
{
    const Session alice = login(QStringLiteral("alice"), QStringLiteral("bosh"));
    QVERIFY(!alice.id.isEmpty());
    qint64 next = alice.next;
    BoshClient carol(m_server->boshUrl());
    QString error;
    QVERIFY2(carol.login(QStringLiteral("localhost"), QStringLiteral("carol"),
                         m_prosody.password(QStringLiteral("carol")), &error),
             qPrintable(error));
    carol.startPolling();
    QCOMPARE(m_api
                 ->call("POST", alice.path(QStringLiteral("/messages")),
                        toJson({{QStringLiteral("to"), carol.jid()},
                                {QStringLiteral("body"), QStringLiteral("to bosh")}}),
                        alice.token)
                 .status,
             202);
    const QDomElement got = carol.waitForStanza([](const QDomElement &e) {
        return e.tagName() == QLatin1String("message") &&
               e.firstChildElement(QStringLiteral("body")).text() == QLatin1String("to bosh");
    });
    QVERIFY(!got.isNull());
    carol.sendStanza("<message xmlns='jabber:client' to='" + alice.jid.toUtf8() +
                     "' type='chat'><body>from bosh</body></message>");
    // Only carol's message counts: a login may also bring messages the server kept for the account
    // (RFC 6121 §8.5.2.1.1, offline storage of messages to an earlier resource of an earlier test).
    QJsonArray fromCarol;
    for (int i = 0; i < 5 && fromCarol.isEmpty(); ++i) {
        for (const QJsonValue &m : messages(events(alice, next, 15, &next))) {
            if (m.toObject().value(QStringLiteral("from")).toString() == carol.jid())
                fromCarol.append(m);
        }
    }
    QCOMPARE(fromCarol.size(), 1);
    QCOMPARE(fromCarol.at(0).toObject().value(QStringLiteral("body")).toString(),
             QStringLiteral("from bosh"));
    carol.stopPolling();
    carol.terminate();
    QCOMPARE(m_api->call("DELETE", alice.path(), {}, alice.token).status, 204);
}

void tst_RestProsody::longPollWokenByMessage()
{
    const Session alice = login(QStringLiteral("alice"), QStringLiteral("poll"));
    qint64 next = alice.next;
    Test::TestClient bob;
    QVERIFY2(bob.login(m_prosody, QStringLiteral("bob")), qPrintable(bob.lastError()));
    // The poll may wait 60 s; it is answered as soon as the message is there.
    QNetworkReply *poll = m_api->start(
        "GET", alice.path(QStringLiteral("/events?after=%1&wait=60").arg(next)), {}, alice.token);
    // A round trip behind it: the poll has reached the server by now, and it is still waiting.
    QCOMPARE(m_api->call("GET", QStringLiteral("/openapi.json")).status, 200);
    QVERIFY(!poll->isFinished());
    bob.send("<message to='" + alice.jid.toUtf8() + "' type='chat'><body>wake</body></message>");
    const Answer a = Api::finish(poll, 20000);
    QCOMPARE(a.status, 200);
    const QJsonArray e = messages(a.json.value(QStringLiteral("events")).toArray());
    QCOMPARE(e.size(), 1);
    QCOMPARE(e.at(0).toObject().value(QStringLiteral("body")).toString(), QStringLiteral("wake"));
    QCOMPARE(a.json.value(QStringLiteral("next")).toInteger(),
             e.at(0).toObject().value(QStringLiteral("seq")).toInteger());
    QCOMPARE(m_api->call("DELETE", alice.path(), {}, alice.token).status, 204);
}

void tst_RestProsody::repeatedAfterReturnsSameEvents()
{
    const Session alice = login(QStringLiteral("alice"), QStringLiteral("after"));
    qint64 next = alice.next;
    Test::TestClient bob;
    QVERIFY2(bob.login(m_prosody, QStringLiteral("bob")), qPrintable(bob.lastError()));
    for (int i = 0; i < 3; ++i)
        bob.send("<message to='" + alice.jid.toUtf8() + "' type='chat'><body>n" + QByteArray::number(i) +
                 "</body></message>");
    QJsonArray first;
    qint64 after = next;
    QTRY_VERIFY_WITH_TIMEOUT(messages(first = events(alice, after, 0, &next)).size() == 3, 10000);
    // A lost answer loses nothing: the same after gives the same events.
    qint64 again = 0;
    QCOMPARE(events(alice, after, 0, &again), first);
    QCOMPARE(again, next);
    // Passing next acknowledges them.
    QCOMPARE(events(alice, next, 0).size(), 0);
    QCOMPARE(m_api->call("DELETE", alice.path(), {}, alice.token).status, 204);
}

void tst_RestProsody::iqRoundTripAndPingAnswered()
{
    const Session alice = login(QStringLiteral("alice"), QStringLiteral("iq"));
    // An IQ get to the server, answered in the HTTP response.
    const Answer version =
        m_api->call("POST", alice.path(QStringLiteral("/stanzas")),
                    "<iq type='get' id='v1' to='localhost'><query xmlns='jabber:iq:version'/></iq>",
                    alice.token, "application/xmpp+xml");
    QCOMPARE(version.status, 200);
    QVERIFY2(version.body.contains("type='result'") || version.body.contains("type=\"result\""),
             version.body.constData());
    QVERIFY2(version.body.contains("Prosody"), version.body.constData());
    // A presence is just sent.
    QCOMPARE(m_api
                 ->call("POST", alice.path(QStringLiteral("/stanzas")),
                        "<presence><show>dnd</show></presence>", alice.token, "application/xmpp+xml")
                 .status,
             202);
    // XEP-0199: a contact's ping is answered by Switchboard for the REST client.
    Test::TestClient bob;
    QVERIFY2(bob.login(m_prosody, QStringLiteral("bob")), qPrintable(bob.lastError()));
    bob.send("<iq type='get' id='p1' to='" + alice.jid.toUtf8() + "'><ping xmlns='urn:xmpp:ping'/></iq>");
    const QByteArray pong = bob.waitForElement("id='p1'");
    QVERIFY2(pong.contains("type='result'"), pong.constData());
    // XEP-0030: disco#info too.
    bob.send("<iq type='get' id='d1' to='" + alice.jid.toUtf8() +
             "'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
    QVERIFY(bob.waitForElement("id='d1'").contains("urn:xmpp:ping"));
    // An IQ with an id already waiting: 409 (bob does not answer the first one until told).
    QNetworkReply *waiting = m_api->start("POST", alice.path(QStringLiteral("/stanzas?timeout=20")),
                                          "<iq type='get' id='dup' to='" + bob.jid().toUtf8() +
                                              "'><query xmlns='urn:example'/></iq>",
                                          alice.token, "application/xmpp+xml");
    const QByteArray request = bob.waitForElement("id='dup'");
    QVERIFY(!request.isEmpty());
    const Answer dup = m_api->call("POST", alice.path(QStringLiteral("/stanzas")),
                                   "<iq type='get' id='dup' to='" + bob.jid().toUtf8() +
                                       "'><query xmlns='urn:example'/></iq>",
                                   alice.token, "application/xmpp+xml");
    QCOMPARE(dup.status, 409);
    QCOMPARE(dup.json.value(QStringLiteral("field")).toString(), QStringLiteral("id"));
    bob.send("<iq type='result' id='dup' to='" + alice.jid.toUtf8() + "'/>");
    const Answer answered = Api::finish(waiting);
    QCOMPARE(answered.status, 200);
    QCOMPARE(answered.header("Content-Type"), QByteArray("application/xmpp+xml"));
    // No answer in time: 504.
    const Answer late = m_api->call("POST", alice.path(QStringLiteral("/stanzas?timeout=1")),
                                    "<iq type='get' id='late' to='" + bob.jid().toUtf8() +
                                        "'><query xmlns='urn:example'/></iq>",
                                    alice.token, "application/xmpp+xml");
    QCOMPARE(late.status, 504);
    QCOMPARE(m_api->call("DELETE", alice.path(), {}, alice.token).status, 204);
}

void tst_RestProsody::errors()
{
    const Session alice = login(QStringLiteral("alice"), QStringLiteral("errors"));
    auto post = [this](const QByteArray &body) {
        return m_api->call("POST", QStringLiteral("/sessions"), body);
    };
    auto field = [](const Answer &a) { return a.json.value(QStringLiteral("field")).toString(); };
    // 400: bad JSON, missing and bad fields, each named.
    Answer a = post("{not json");
    QCOMPARE(a.status, 400);
    QVERIFY(a.json.value(QStringLiteral("error")).toString().contains(QLatin1String("JSON")));
    a = post("[]");
    QCOMPARE(a.status, 400);
    a = post(R"({"password":"x"})");
    QCOMPARE(a.status, 400);
    QCOMPARE(field(a), QStringLiteral("jid"));
    a = post(R"({"jid":"alice@localhost/res","password":"x"})");
    QCOMPARE(field(a), QStringLiteral("jid"));
    a = post(R"({"jid":"alice@localhost"})");
    QCOMPARE(field(a), QStringLiteral("password"));
    a = post(R"({"jid":"alice@localhost","password":"x","presence":{"show":"busy"}})");
    QCOMPARE(field(a), QStringLiteral("presence.show"));
    a = post(R"({"jid":"alice@localhost","password":"x","presence":{"priority":200}})");
    QCOMPARE(field(a), QStringLiteral("presence.priority"));
    a = post(R"({"jid":"alice@localhost","password":"x","presence":true})");
    QCOMPARE(field(a), QStringLiteral("presence"));
    a = post(R"({"jid":"alice@elsewhere.example","password":"x"})");
    QCOMPARE(a.status, 400);
    QCOMPARE(field(a), QStringLiteral("jid"));
    a = m_api->call("POST", alice.path(QStringLiteral("/messages")), R"({"to":"bob@localhost"})",
                    alice.token);
    QCOMPARE(a.status, 400);
    QCOMPARE(field(a), QStringLiteral("body"));
    a = m_api->call("POST", alice.path(QStringLiteral("/messages")),
                    R"({"to":"bob@localhost","body":"x","type":"x"})", alice.token);
    QCOMPARE(field(a), QStringLiteral("type"));
    a = m_api->call("POST", alice.path(QStringLiteral("/messages")), R"({"to":"a b@localhost","body":"x"})",
                    alice.token);
    QCOMPARE(field(a), QStringLiteral("to"));
    a = m_api->call("GET", alice.path(QStringLiteral("/events?limit=0")), {}, alice.token);
    QCOMPARE(a.status, 400);
    QCOMPARE(field(a), QStringLiteral("limit"));
    a = m_api->call("GET", alice.path(QStringLiteral("/events?after=x")), {}, alice.token);
    QCOMPARE(field(a), QStringLiteral("after"));
    a = m_api->call("POST", alice.path(QStringLiteral("/stanzas?timeout=121")), "<message/>", alice.token,
                    "application/xmpp+xml");
    QCOMPARE(field(a), QStringLiteral("timeout"));
    for (const QByteArray &bad :
         {QByteArray("<foo/>"), QByteArray("<message><body>x</body>"), QByteArray("<message/><message/>"),
          QByteArray("<message xmlns='urn:other'/>"), QByteArray("<?xml version='1.0'?><message/>"),
          QByteArray("<!DOCTYPE x [<!ENTITY a 'b'>]><message/>")}) {
        a = m_api->call("POST", alice.path(QStringLiteral("/stanzas")), bad, alice.token,
                        "application/xmpp+xml");
        QCOMPARE(a.status, 400);
        QCOMPARE(field(a), QStringLiteral("stanza"));
    }
    a = m_api->call("POST", alice.path(QStringLiteral("/stanzas")),
                    "<iq type='get'><ping xmlns='urn:xmpp:ping'/></iq>", alice.token, "application/xmpp+xml");
    QCOMPARE(field(a), QStringLiteral("id"));
    // 415: not application/xmpp+xml.
    QCOMPARE(
        m_api->call("POST", alice.path(QStringLiteral("/stanzas")), "<message/>", alice.token, "text/plain")
            .status,
        415);
    // 401: no token, a wrong one, another session's.
    a = m_api->call("GET", alice.path(QStringLiteral("/events")));
    QCOMPARE(a.status, 401);
    QCOMPARE(a.header("WWW-Authenticate"), QByteArray("Bearer"));
    QCOMPARE(m_api->call("GET", alice.path(QStringLiteral("/events")), {}, "AAAAAAAAAAAAAAAAAAAAAA").status,
             401);
    const Session dave = login(QStringLiteral("dave"));
    QCOMPARE(m_api->call("GET", alice.path(QStringLiteral("/events")), {}, dave.token).status, 401);
    // The scheme name is case-insensitive (RFC 9110 §11.1); another scheme is no token.
    QCOMPARE(m_api
                 ->call("GET", alice.path(QStringLiteral("/events")), {}, {}, "application/json",
                        {{"Authorization", "bearer " + alice.token}})
                 .status,
             200);
    QCOMPARE(m_api
                 ->call("GET", alice.path(QStringLiteral("/events")), {}, {}, "application/json",
                        {{"Authorization", "Basic " + alice.token}})
                 .status,
             401);
    // 404: unknown session, unknown resource.
    QCOMPARE(m_api->call("GET", QStringLiteral("/sessions/0123/events"), {}, alice.token).status, 404);
    QCOMPARE(m_api->call("GET", alice.path(QStringLiteral("/contacts")), {}, alice.token).status, 404);
    QCOMPARE(m_api->call("GET", QStringLiteral("/nothing")).status, 404);
    // 405 with Allow.
    a = m_api->call("GET", QStringLiteral("/sessions"));
    QCOMPARE(a.status, 405);
    QCOMPARE(a.header("Allow"), QByteArray("POST"));
    a = m_api->call("POST", alice.path(QStringLiteral("/events")), "{}", alice.token);
    QCOMPARE(a.status, 405);
    QCOMPARE(a.header("Allow"), QByteArray("GET"));
    QCOMPARE(m_api->call("DELETE", alice.path(), {}, alice.token).status, 204);
    QCOMPARE(m_api->call("DELETE", dave.path(), {}, dave.token).status, 204);
}

void tst_RestProsody::unreachableServerIs502()
{
    const Answer a = m_api->call("POST", QStringLiteral("/sessions"),
                                 toJson({{QStringLiteral("jid"), QStringLiteral("alice@down.localhost")},
                                         {QStringLiteral("password"), QStringLiteral("x")}}));
    QCOMPARE(a.status, 502);
}

void tst_RestProsody::perAddressLimitIs429()
{
    Config config = m_prosody.backendConfig();
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.maxSessionsPerIp = 1;
    Server server(config);
    QVERIFY(server.start());
    QUrl base = server.boshUrl();
    base.setPath(QStringLiteral("/api/v1"));
    Api api(base);
    const QByteArray body = toJson({{QStringLiteral("jid"), QStringLiteral("bob@localhost")},
                                    {QStringLiteral("password"), m_prosody.password(QStringLiteral("bob"))}});
    const Answer first = api.call("POST", QStringLiteral("/sessions"), body);
    QCOMPARE(first.status, 201);
    const Answer second = api.call("POST", QStringLiteral("/sessions"), body);
    QCOMPARE(second.status, 429);
    QVERIFY(
        second.json.value(QStringLiteral("error")).toString().contains(QLatin1String("max_sessions_per_ip")));
    QCOMPARE(server.sessionCount(), 1);
}

void tst_RestProsody::deleteLogsOut()
{
    const int before = m_server->sessionCount();
    const Session alice = login(QStringLiteral("alice"), QStringLiteral("delete"));
    QCOMPARE(m_server->sessionCount(), before + 1);
    QCOMPARE(m_api->call("DELETE", alice.path(), {}, alice.token).status, 204);
    QTRY_COMPARE(m_server->sessionCount(), before);
    QCOMPARE(m_api->call("GET", alice.path(QStringLiteral("/events")), {}, alice.token).status, 404);
    QCOMPARE(m_api->call("DELETE", alice.path(), {}, alice.token).status, 404);
    // The operator's inject and terminate work on REST sessions too.
    const Session again = login(QStringLiteral("alice"), QStringLiteral("inject"));
    qint64 next = again.next;
    std::optional<QString> error;
    m_server->injectStanza(again.id, Monitor::Direction::ToClient,
                           "<message from='x@localhost' type='chat'><body>injected</body></message>", this,
                           [&error](const QString &answer) { error = answer; });
    QTRY_VERIFY(error.has_value());
    QVERIFY2(error->isEmpty(), qPrintable(*error));
    const QJsonArray injected = messages(events(again, next));
    QCOMPARE(injected.size(), 1);
    QCOMPARE(injected.at(0).toObject().value(QStringLiteral("body")).toString(), QStringLiteral("injected"));
    QVERIFY(m_server->terminateSession(again.id));
    QTRY_COMPARE(m_server->sessionCount(), before);
}

void tst_RestProsody::openApiWithoutToken()
{
    const Answer a = m_api->call("GET", QStringLiteral("/openapi.json"));
    QCOMPARE(a.status, 200);
    QCOMPARE(a.json.value(QStringLiteral("openapi")).toString().left(2), QStringLiteral("3."));
    QVERIFY(
        a.json.value(QStringLiteral("paths")).toObject().contains(QStringLiteral("/sessions/{id}/events")));
}

SWITCHBOARD_TEST_MAIN(tst_RestProsody)
#include "tst_rest_prosody.moc"
