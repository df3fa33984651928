// SPDX-License-Identifier: GPL-3.0-or-later
// Faults on demand (docs/ADMIN.md) against a real Prosody: the admin API's token rules, and each fault
// doing what it says to a real BOSH session — a dropped response resent from the cache for the same
// rid (XEP-0124 §14.3), delayed, held and reordered stanzas that all arrive, Undo, a cut server link,
// see-other-uri, an IQ answered with an error — each shown in the traffic capture.
#include "adminsuite.h"
#include "boshclient.h"
#include "monitor/registry.h"
#include "monitor/trafficrecorder.h"
#include "prosodyfixture.h"
#include "restapi.h"
#include "server.h"
#include "testclient.h"
#include "workerblock.h"
#include "wsclient.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <algorithm>
#include <vector>

using namespace Switchboard;
using Switchboard::Test::arrivalOrder;
using Switchboard::Test::ProsodyFixture;
using Switchboard::Test::TestClient;

using Switchboard::Test::AdminSuite;

namespace {

// Deadlines for waits, generous for a loaded machine: the tests assert what happens, never how fast.
constexpr int kWaitMs = AdminSuite::kWaitMs;
// How long a fault keeps stanzas in the tests that watch them being kept: long enough to be seen
// kept even on a slow machine.
constexpr int kKeepMs = 10000;

constexpr const char *kToken = AdminSuite::kToken;

using Answer = Test::AdminAnswer;

Answer call(const QUrl &url, const QByteArray &method, const QByteArray &authorization = {},
            const QByteArray &body = {})
{
    return Test::adminCall(url, method, body, authorization);
}

bool hasId(const QList<QDomElement> &stanzas, const QString &id)
{
    return std::any_of(stanzas.cbegin(), stanzas.cend(),
                       [&id](const QDomElement &e) { return e.attribute(QStringLiteral("id")) == id; });
}

} // namespace

class tst_FaultsOnDemand : public Test::AdminSuite
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();

    void adminApiIsOffWithoutToken();
    void adminApiNeedsTheBearerToken();
    void adminApiRefusesBadFaults();
    void droppedResponseIsResentForTheSameRid();
    void delayKeepsStanzasThenDeliversThem();
    void holdStallsThenDeliversEverythingInOrder();
    void undoReleasesWhatIsHeldAtOnce();
    void keptStanzasGoBackToTheirSendersWhenTheClientLeaves();
    void reorderSwapsTheNextTwoStanzas();
    void iqErrorAnswersTheNextIqInsteadOfTheServer();
    void cutLinkEndsTheSessionAsIfTheServerCrashed();
    void terminateSendsSeeOtherUri();
    void aRequestAfterTheEndLearnsIt();
    void webSocketSessionsTakeTheSameFaults();
    void restSessionReconnectsAfterACutLink();
    void faultCallsForABusyWorkerReturnAtOnceAndAreAnsweredLater();
    void adminApiAnswersWhenTheBusyWorkerHasOr503AtTheDeadline();
    void everyCallerIsAnsweredOnceAtTheDeadlineWhenTheWorkerIsBusy();

private:
    QUrl adminUrl(const QString &sid) const;
    bool apply(const QString &sid, const QJsonObject &fault);
    int kept(const QString &sid) const;
    void sendFromBob(const QString &to, const QString &id);
};

void tst_FaultsOnDemand::initTestCase()
{
    ProsodyFixture::Options options;
    // The same SCRAM salt at every log-in, as on a real server: a REST session logs in again after a
    // cut link with what it kept.
    options.hashedPasswords = true;
    startSuite(options, [](Config &config) {
        config.restReconnectDelay = 200; // the REST session comes back soon after a cut link
        config.restReconnectMaxDelay = 1;
    });
}

QUrl tst_FaultsOnDemand::adminUrl(const QString &sid) const
{
    QUrl url = m_server->boshUrl();
    url.setPath(QStringLiteral("/admin/sessions/%1/faults").arg(sid));
    return url;
}

bool tst_FaultsOnDemand::apply(const QString &sid, const QJsonObject &fault)
{
    const Answer answer = call(adminUrl(sid), "POST", QByteArray("Bearer ") + kToken,
                               QJsonDocument(fault).toJson(QJsonDocument::Compact));
    if (answer.status != 200)
        qWarning() << "fault refused:" << answer.status << answer.body;
    return answer.status == 200;
}

int tst_FaultsOnDemand::kept(const QString &sid) const
{
    // -1 when the session did not answer: "nothing kept" must be an answer.
    const std::optional<QJsonObject> state = faultState(sid);
    return state ? state->value(QStringLiteral("kept")).toInt() : -1;
}

void tst_FaultsOnDemand::sendFromBob(const QString &to, const QString &id)
{
    m_bob->send("<message type='chat' to='" + to.toUtf8() + "' id='" + id.toUtf8() + "'><body>" +
                id.toUtf8() + "</body></message>");
}

void tst_FaultsOnDemand::adminApiIsOffWithoutToken()
{
    Config config = m_prosody.backendConfig();
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    Server server(config); // no admin_token
    QVERIFY(server.start());
    QUrl url = server.boshUrl();
    for (const QString &path :
         {QStringLiteral("/admin"), QStringLiteral("/admin/"), QStringLiteral("/admin/sessions/x/faults")}) {
        url.setPath(path);
        // Off means absent: 404 for loopback clients too, with or without a token.
        QCOMPARE(call(url, "GET").status, 404);
        QCOMPARE(call(url, "POST", "Bearer anything", "{}").status, 404);
    }
}

void tst_FaultsOnDemand::adminApiNeedsTheBearerToken()
{
    const QString sid = m_alice->sid();
    const Answer none = call(adminUrl(sid), "GET");
    QCOMPARE(none.status, 401);
    QVERIFY2(none.wwwAuthenticate.startsWith("Bearer"), none.wwwAuthenticate.constData()); // RFC 6750 §3
    const Answer wrong = call(adminUrl(sid), "GET", "Bearer not-the-token");
    QCOMPARE(wrong.status, 401);
    QVERIFY(wrong.wwwAuthenticate.contains("invalid_token"));
    QCOMPARE(call(adminUrl(sid), "GET", QByteArray("Basic ") + kToken).status, 401);
    QUrl inQuery = adminUrl(sid);
    inQuery.setQuery(QStringLiteral("token=%1").arg(QLatin1String(kToken)));
    QCOMPARE(call(inQuery, "GET").status, 401); // the header only: a URL ends up in logs
    // A fault refused for lack of the token changes nothing.
    QCOMPARE(call(adminUrl(sid), "POST", {}, R"({"fault":"hold","seconds":60})").status, 401);
    QVERIFY(faultState(sid));
    QCOMPARE(faultState(sid)->contains(QStringLiteral("hold")), false);

    const Answer right = call(adminUrl(sid), "GET", QByteArray("Bearer ") + kToken);
    QCOMPARE(right.status, 200);
    QCOMPARE(right.json().value(QStringLiteral("session")).toString(), sid);
    QCOMPARE(call(adminUrl(QStringLiteral("no-such-session")), "GET", QByteArray("Bearer ") + kToken).status,
             404);
    // Undo of nothing is fine.
    QCOMPARE(call(adminUrl(sid), "DELETE", QByteArray("Bearer ") + kToken).status, 200);
}

void tst_FaultsOnDemand::adminApiRefusesBadFaults()
{
    const QString sid = m_alice->sid();
    const QByteArray auth = QByteArray("Bearer ") + kToken;
    QCOMPARE(call(adminUrl(sid), "POST", auth, "not json").status, 400);
    QCOMPARE(call(adminUrl(sid), "POST", auth, R"({"fault":"explode"})").status, 400);
    QCOMPARE(call(adminUrl(sid), "POST", auth, R"({"fault":"delay"})").status, 400); // no ms
    QCOMPARE(call(adminUrl(sid), "POST", auth, R"({"fault":"hold","seconds":100000})").status, 400);
    QCOMPARE(call(adminUrl(sid), "POST", auth, R"({"fault":"terminate","condition":"see-other-uri"})").status,
             400); // no uri
    QCOMPARE(call(adminUrl(sid), "POST", auth, R"({"fault":"iq-error","condition":"oops"})").status, 400);
    QCOMPARE(call(adminUrl(sid), "PUT", auth, "{}").status, 405);
    QCOMPARE(kept(sid), 0);
}

void tst_FaultsOnDemand::droppedResponseIsResentForTheSameRid()
{
    const QString sid = m_alice->sid();
    QVERIFY(apply(
        sid, QJsonObject{{QStringLiteral("fault"), QStringLiteral("drop")}, {QStringLiteral("count"), 1}}));

    // A long poll on a connection of its own, so that we see exactly what happens to it.
    const qint64 rid = m_alice->takeRid();
    const QByteArray poll = "<body xmlns='http://jabber.org/protocol/httpbind' rid='" +
                            QByteArray::number(rid) + "' sid='" + sid.toUtf8() + "'/>";
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server->port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write("POST " + m_server->boshUrl().path().toUtf8() +
                 " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + QByteArray::number(poll.size()) +
                 "\r\n\r\n" + poll);

    sendFromBob(m_alice->jid(), QStringLiteral("dropped1"));
    // The response carrying it is not sent: its connection closes unanswered.
    QSignalSpy closed(&socket, &QTcpSocket::disconnected);
    QVERIFY(closed.wait(10000));
    QCOMPARE(socket.readAll(), QByteArray());
    QTRY_VERIFY(faultNotes(sid).join(u'\n').contains(QStringLiteral("rid %1").arg(rid)));

    // The client resends the same rid and gets the response it missed (XEP-0124 §14.3).
    const BoshClient::Response resent = m_alice->request({}, {}, rid);
    QCOMPARE(resent.status, 200);
    QVERIFY2(hasId(resent.children, QStringLiteral("dropped1")), resent.raw.constData());

    // The count is used up: the next response arrives as usual.
    m_alice->startPolling();
    sendFromBob(m_alice->jid(), QStringLiteral("after1"));
    QVERIFY(!m_alice
                 ->waitForStanza(
                     [](const QDomElement &e) {
                         return e.attribute(QStringLiteral("id")) == QLatin1String("after1");
                     },
                     kWaitMs)
                 .isNull());
}

void tst_FaultsOnDemand::delayKeepsStanzasThenDeliversThem()
{
    const QString sid = m_alice->sid();
    m_alice->startPolling();
    QVERIFY(apply(sid, QJsonObject{{QStringLiteral("fault"), QStringLiteral("delay")},
                                   {QStringLiteral("ms"), kKeepMs},
                                   {QStringLiteral("seconds"), 60}}));
    sendFromBob(m_alice->jid(), QStringLiteral("late1"));
    QTRY_COMPARE_WITH_TIMEOUT(kept(sid), 1, kKeepMs); // the stanza reached Switchboard and waits there
    QVERIFY(!hasId(m_alice->received(), QStringLiteral("late1")));
    QVERIFY(!m_alice
                 ->waitForStanza(
                     [](const QDomElement &e) {
                         return e.attribute(QStringLiteral("id")) == QLatin1String("late1");
                     },
                     kWaitMs)
                 .isNull());
    QCOMPARE(kept(sid), 0);
    QTRY_VERIFY(faultNotes(sid).join(u'\n').contains(QStringLiteral("delay")));
}

void tst_FaultsOnDemand::holdStallsThenDeliversEverythingInOrder()
{
    const QString sid = m_alice->sid();
    m_alice->startPolling();
    QVERIFY(apply(sid, QJsonObject{{QStringLiteral("fault"), QStringLiteral("hold")},
                                   {QStringLiteral("seconds"), kKeepMs / 1000}}));
    const QStringList ids = {QStringLiteral("h1"), QStringLiteral("h2"), QStringLiteral("h3")};
    for (const QString &id : ids)
        sendFromBob(m_alice->jid(), id);
    QTRY_COMPARE_WITH_TIMEOUT(kept(sid), 3, kKeepMs);
    QCOMPARE(arrivalOrder(m_alice->received(), ids), QStringList());
    QTRY_COMPARE_WITH_TIMEOUT(arrivalOrder(m_alice->received(), ids), ids, kWaitMs);
    QTRY_VERIFY(faultNotes(sid).join(u'\n').contains(QStringLiteral("hold")));
}

void tst_FaultsOnDemand::undoReleasesWhatIsHeldAtOnce()
{
    const QString sid = m_alice->sid();
    m_alice->startPolling();
    QVERIFY(apply(sid, QJsonObject{{QStringLiteral("fault"), QStringLiteral("hold")},
                                   {QStringLiteral("seconds"), 600}}));
    sendFromBob(m_alice->jid(), QStringLiteral("u1"));
    QTRY_COMPARE_WITH_TIMEOUT(kept(sid), 1, kWaitMs);
    QCOMPARE(call(adminUrl(sid), "DELETE", QByteArray("Bearer ") + kToken).status, 200);
    // Well before the hold's 600 s.
    QVERIFY(!m_alice
                 ->waitForStanza(
                     [](const QDomElement &e) {
                         return e.attribute(QStringLiteral("id")) == QLatin1String("u1");
                     },
                     kWaitMs)
                 .isNull());
    QVERIFY(faultState(sid));
    QCOMPARE(faultState(sid)->contains(QStringLiteral("hold")), false);
}

void tst_FaultsOnDemand::keptStanzasGoBackToTheirSendersWhenTheClientLeaves()
{
    const QString sid = m_alice->sid();
    QVERIFY(apply(sid, QJsonObject{{QStringLiteral("fault"), QStringLiteral("hold")},
                                   {QStringLiteral("seconds"), 600}}));
    sendFromBob(m_alice->jid(), QStringLiteral("k1"));
    QTRY_COMPARE_WITH_TIMEOUT(kept(sid), 1, kWaitMs);
    // The client ends its session while the stanza is held: it is bounced, never lost (XEP-0206 §7).
    QVERIFY(m_alice->terminate().isTerminate());
    const QByteArray bounced = m_bob->waitForElement(
        [](const QByteArray &xml) {
            return TestClient::attribute(xml, u"id") == QLatin1String("k1") &&
                   TestClient::attribute(xml, u"type") == QLatin1String("error");
        },
        kWaitMs);
    QVERIFY2(!bounced.isEmpty(), "the held stanza was not bounced to its sender");
}

void tst_FaultsOnDemand::reorderSwapsTheNextTwoStanzas()
{
    const QString sid = m_alice->sid();
    m_alice->startPolling();
    QVERIFY(apply(sid, QJsonObject{{QStringLiteral("fault"), QStringLiteral("reorder")},
                                   {QStringLiteral("seconds"), 120}}));
    sendFromBob(m_alice->jid(), QStringLiteral("first"));
    QTRY_COMPARE_WITH_TIMEOUT(kept(sid), 1, kWaitMs);
    sendFromBob(m_alice->jid(), QStringLiteral("second"));
    const QStringList ids = {QStringLiteral("first"), QStringLiteral("second")};
    QTRY_COMPARE_WITH_TIMEOUT(arrivalOrder(m_alice->received(), ids),
                              (QStringList{QStringLiteral("second"), QStringLiteral("first")}), kWaitMs);
    // Only two: the next ones keep their order.
    sendFromBob(m_alice->jid(), QStringLiteral("third"));
    sendFromBob(m_alice->jid(), QStringLiteral("fourth"));
    const QStringList later = {QStringLiteral("third"), QStringLiteral("fourth")};
    QTRY_COMPARE_WITH_TIMEOUT(arrivalOrder(m_alice->received(), later), later, kWaitMs);
}

void tst_FaultsOnDemand::iqErrorAnswersTheNextIqInsteadOfTheServer()
{
    const QString sid = m_alice->sid();
    m_alice->startPolling();
    QVERIFY(apply(sid, QJsonObject{{QStringLiteral("fault"), QStringLiteral("iq-error")},
                                   {QStringLiteral("condition"), QStringLiteral("feature-not-implemented")},
                                   {QStringLiteral("type"), QStringLiteral("cancel")}}));
    m_alice->sendStanza("<iq type='get' id='ping1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
    const QDomElement error = m_alice->waitForStanza(
        [](const QDomElement &e) { return e.attribute(QStringLiteral("id")) == QLatin1String("ping1"); },
        kWaitMs);
    QVERIFY(!error.isNull());
    QCOMPARE(error.attribute(QStringLiteral("type")), QStringLiteral("error"));
    QCOMPARE(error.attribute(QStringLiteral("from")), QStringLiteral("localhost"));
    const QDomElement condition = error.firstChildElement(QStringLiteral("error")).firstChildElement();
    QCOMPARE(condition.tagName(), QStringLiteral("feature-not-implemented"));
    QCOMPARE(condition.namespaceURI(), QStringLiteral("urn:ietf:params:xml:ns:xmpp-stanzas"));

    // The next IQ reaches the server, which answers it.
    m_alice->sendStanza("<iq type='get' id='ping2' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
    const QDomElement result = m_alice->waitForStanza(
        [](const QDomElement &e) { return e.attribute(QStringLiteral("id")) == QLatin1String("ping2"); },
        kWaitMs);
    QCOMPARE(result.attribute(QStringLiteral("type")), QStringLiteral("result"));
    QTRY_VERIFY(faultNotes(sid).join(u'\n').contains(QStringLiteral("feature-not-implemented")));
}

void tst_FaultsOnDemand::cutLinkEndsTheSessionAsIfTheServerCrashed()
{
    const QString sid = m_alice->sid();
    QSignalSpy terminated(m_alice.get(), &BoshClient::terminated);
    m_alice->startPolling();
    // The poll is held, so the end has a request to travel on (not the next one, after the session).
    QTRY_COMPARE_WITH_TIMEOUT(m_server->hub()->sessionCounters(sid).held, 1, kWaitMs);
    QVERIFY(apply(sid, QJsonObject{{QStringLiteral("fault"), QStringLiteral("cut-link")}}));
    QVERIFY(terminated.count() > 0 || terminated.wait(kWaitMs));
    // XEP-0124 §17.2: the server connection is gone.
    QCOMPARE(m_alice->lastTerminate().attr(QStringLiteral("condition")),
             QStringLiteral("remote-connection-failed"));
    QTRY_VERIFY(faultNotes(sid).join(u'\n').contains(QStringLiteral("cut-link")));
    // The session is over: a fault for it is refused as for any unknown session.
    QTRY_COMPARE(call(adminUrl(sid), "GET", QByteArray("Bearer ") + kToken).status, 404);
}

void tst_FaultsOnDemand::terminateSendsSeeOtherUri()
{
    const QString sid = m_alice->sid();
    QSignalSpy terminated(m_alice.get(), &BoshClient::terminated);
    m_alice->startPolling();
    QTRY_COMPARE_WITH_TIMEOUT(m_server->hub()->sessionCounters(sid).held, 1, kWaitMs); // as above
    QVERIFY(
        apply(sid, QJsonObject{{QStringLiteral("fault"), QStringLiteral("terminate")},
                               {QStringLiteral("condition"), QStringLiteral("see-other-uri")},
                               {QStringLiteral("uri"), QStringLiteral("https://other.example/http-bind")}}));
    QVERIFY(terminated.count() > 0 || terminated.wait(kWaitMs));
    const BoshClient::Response end = m_alice->lastTerminate();
    QCOMPARE(end.attr(QStringLiteral("condition")), QStringLiteral("see-other-uri"));
    QVERIFY2(end.raw.contains("<uri>https://other.example/http-bind</uri>"), end.raw.constData());
}

void tst_FaultsOnDemand::aRequestAfterTheEndLearnsIt()
{
    // Terminated while alice has no request open (she is between requests): her next request comes
    // after the session is gone, and learns the same end with its URI (XEP-0124 §17.2), not
    // item-not-found. On any worker.
    const QString sid = m_alice->sid();
    QCOMPARE(m_server->hub()->sessionCounters(sid).held, 0);
    QVERIFY(
        apply(sid, QJsonObject{{QStringLiteral("fault"), QStringLiteral("terminate")},
                               {QStringLiteral("condition"), QStringLiteral("see-other-uri")},
                               {QStringLiteral("uri"), QStringLiteral("https://other.example/http-bind")}}));
    QTRY_COMPARE_WITH_TIMEOUT(m_server->sessionCount(), 0, kWaitMs);
    for (int request = 0; request < 2; ++request) {
        const BoshClient::Response late = m_alice->request({});
        QVERIFY2(late.isTerminate(), late.raw.constData());
        QCOMPARE(late.attr(QStringLiteral("condition")), QStringLiteral("see-other-uri"));
        QVERIFY2(late.raw.contains("<uri>https://other.example/http-bind</uri>"), late.raw.constData());
    }
    // A sid never issued is still unknown.
    BoshClient stranger(m_server->boshUrl());
    const BoshClient::Response unknown =
        stranger.request({{QStringLiteral("sid"), QStringLiteral("no-such-sid")}}, {}, 1);
    QCOMPARE(unknown.attr(QStringLiteral("condition")), QStringLiteral("item-not-found"));
}

void tst_FaultsOnDemand::webSocketSessionsTakeTheSameFaults()
{
    WsClient ws(m_server->webSocketUrl());
    QVERIFY(ws.connectSocket());
    QString error;
    QVERIFY2(ws.login(m_prosody.domain(), QStringLiteral("alice"),
                      m_prosody.password(QStringLiteral("alice")), &error, QStringLiteral("ws")),
             qPrintable(error));
    // No presence: a message to the full JID reaches the resource all the same, and no presence
    // broadcast can come between the two stanzas the reorder fault swaps.
    QString id;
    QTRY_VERIFY([&] {
        const QList<Monitor::SessionRecord> sessions = m_server->registry()->sessions();
        for (const Monitor::SessionRecord &r : sessions) {
            if (r.jid == ws.jid() && !r.closed)
                id = r.id;
        }
        return !id.isEmpty();
    }());
    const QByteArray auth = QByteArray("Bearer ") + kToken;
    // No responses to drop on a WebSocket: refused, and said why.
    const Answer drop = call(adminUrl(id), "POST", auth, R"({"fault":"drop"})");
    QCOMPARE(drop.status, 409);
    QVERIFY(drop.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("BOSH")));

    QVERIFY(apply(id, QJsonObject{{QStringLiteral("fault"), QStringLiteral("reorder")},
                                  {QStringLiteral("seconds"), 120}}));
    sendFromBob(ws.jid(), QStringLiteral("ws1"));
    QTRY_COMPARE_WITH_TIMEOUT(kept(id), 1, kWaitMs);
    sendFromBob(ws.jid(), QStringLiteral("ws2"));
    QVERIFY(
        !ws.waitFor(
               [](const QDomElement &e) { return e.attribute(QStringLiteral("id")) == QLatin1String("ws1"); },
               kWaitMs)
             .isNull());
    QStringList order;
    for (const QByteArray &raw : ws.rawMessages()) {
        if (raw.contains("id='ws1'") || raw.contains("id=\"ws1\""))
            order.append(QStringLiteral("ws1"));
        if (raw.contains("id='ws2'") || raw.contains("id=\"ws2\""))
            order.append(QStringLiteral("ws2"));
    }
    QCOMPARE(order, (QStringList{QStringLiteral("ws2"), QStringLiteral("ws1")}));

    QVERIFY(apply(id, QJsonObject{{QStringLiteral("fault"), QStringLiteral("iq-error")}}));
    ws.sendText(
        "<iq xmlns='jabber:client' type='get' id='wsping' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
    const QDomElement reply = ws.waitFor(
        [](const QDomElement &e) { return e.attribute(QStringLiteral("id")) == QLatin1String("wsping"); },
        kWaitMs);
    QCOMPARE(reply.attribute(QStringLiteral("type")), QStringLiteral("error"));
    QCOMPARE(reply.firstChildElement(QStringLiteral("error")).firstChildElement().tagName(),
             QStringLiteral("service-unavailable"));

    // The server "crashes": RFC 6120 §4.9.3.15 remote-connection-failed, then the close (RFC 7395 §3.6).
    QVERIFY(apply(id, QJsonObject{{QStringLiteral("fault"), QStringLiteral("cut-link")}}));
    const QDomElement streamError = ws.waitForName(QStringLiteral("error"));
    QVERIFY(!streamError.firstChildElement(QStringLiteral("remote-connection-failed")).isNull());
    QVERIFY(ws.waitForDisconnected());
}

void tst_FaultsOnDemand::restSessionReconnectsAfterACutLink()
{
    if (ProsodyFixture::testWorkers() > 1)
        QSKIP("REST is served by the first worker only (docs/ARCHITECTURE.md, Threads)");
    QUrl base = m_server->boshUrl();
    base.setPath(m_server->config().restPath);
    Test::RestApi api(base);
    const Test::RestAnswer created =
        api.call("POST", QStringLiteral("/sessions"),
                 Test::toJson({{QStringLiteral("jid"), QStringLiteral("alice@localhost")},
                               {QStringLiteral("password"), m_prosody.password(QStringLiteral("alice"))},
                               {QStringLiteral("resource"), QStringLiteral("rest")}}));
    QCOMPARE(created.status, 201);
    const QString id = created.json.value(QStringLiteral("id")).toString();
    const QByteArray token = created.json.value(QStringLiteral("token")).toString().toLatin1();
    // Delay and the like act on stanzas toward a client that Switchboard is itself: not for REST.
    QCOMPARE(
        call(adminUrl(id), "POST", QByteArray("Bearer ") + kToken, R"({"fault":"hold","seconds":5})").status,
        409);

    QStringList seen; // kind/type of every event read
    qint64 next = 0;
    const auto readUntil = [&](const QString &wanted) {
        QDeadlineTimer deadline(30000);
        while (!seen.contains(wanted) && !deadline.hasExpired()) {
            const Test::RestAnswer events = api.call(
                "GET", QStringLiteral("/sessions/%1/events?after=%2&wait=2").arg(id).arg(next), {}, token);
            if (events.status != 200) {
                qWarning() << "events:" << events.status << events.body;
                return false;
            }
            for (const QJsonValue &v : events.json.value(QStringLiteral("events")).toArray()) {
                const QJsonObject o = v.toObject();
                seen.append(o.value(QStringLiteral("kind")).toString() + u'/' +
                            o.value(QStringLiteral("type")).toString());
            }
            next = events.json.value(QStringLiteral("next")).toInteger();
        }
        return seen.contains(wanted);
    };
    // Logged in and online (its own presence came back, RFC 6121 §4.2.2) before the link is cut.
    QVERIFY2(readUntil(QStringLiteral("presence/available")), qPrintable(seen.join(u' ')));

    QVERIFY(apply(id, QJsonObject{{QStringLiteral("fault"), QStringLiteral("cut-link")}}));
    // The session lives on: it tells its client the link dropped, and comes back (docs/REST.md).
    QVERIFY2(readUntil(QStringLiteral("session/online")), qPrintable(seen.join(u' ')));
    QVERIFY2(seen.contains(QStringLiteral("session/reconnecting")), qPrintable(seen.join(u' ')));
    QCOMPARE(api.call("DELETE", QStringLiteral("/sessions/%1").arg(id), {}, token).status / 100, 2);
}

void tst_FaultsOnDemand::faultCallsForABusyWorkerReturnAtOnceAndAreAnsweredLater()
{
    if (m_server->workerCount() < 2)
        QSKIP("needs a second worker (the _workers2 run)");
    const QString sid = aliceOnWorker(1);
    QVERIFY(!sid.isEmpty());
    QString error;
    const std::optional<Stream::FaultRequest> hold = Stream::FaultRequest::fromJson(
        QJsonObject{{QStringLiteral("fault"), QStringLiteral("hold")}, {QStringLiteral("seconds"), 60}},
        &error);
    QVERIFY2(hold, qPrintable(error));

    // The session's worker is busy: every call returns without waiting for it (a wait would last
    // until the block gives up, and say so).
    Test::WorkerBlock busy(m_server->workerContext(1));
    QVERIFY(busy.isBlocking());
    QObject context;
    std::optional<SessionAnswer> applied;
    std::optional<SessionAnswer> stateAfter;
    m_server->applyFault(sid, *hold, &context, [&applied](const SessionAnswer &answer) { applied = answer; });
    m_server->faultState(sid, &context, [&stateAfter](const SessionAnswer &answer) { stateAfter = answer; });
    // A caller gone before the answer (a dialog closed meanwhile) is not called; the call still runs.
    bool goneCalled = false;
    auto gone = std::make_unique<QObject>();
    m_server->clearFaults(sid, gone.get(), [&goneCalled](const SessionAnswer &) { goneCalled = true; });
    gone.reset();
    std::optional<SessionAnswer> stateLast;
    m_server->faultState(sid, &context, [&stateLast](const SessionAnswer &answer) { stateLast = answer; });
    QVERIFY(!busy.timedOut());
    QVERIFY(!applied && !stateAfter && !stateLast); // nothing before the worker has run them

    // Once the worker runs them, in order: the fault was in force, then Undo ended it.
    busy.release();
    QTRY_VERIFY_WITH_TIMEOUT(applied && stateAfter && stateLast, kWaitMs);
    QVERIFY(!busy.timedOut());
    QVERIFY2(applied->done(), qPrintable(applied->error));
    QVERIFY(applied->state.contains(QStringLiteral("hold")));
    QVERIFY(stateAfter->done());
    QVERIFY(stateAfter->state.contains(QStringLiteral("hold")));
    QVERIFY(stateLast->done());
    QVERIFY(!stateLast->state.contains(QStringLiteral("hold")));
    QVERIFY(!goneCalled); // answered before stateLast, had its caller still been there
    QTRY_VERIFY(faultNotes(sid).join(u'\n').contains(QStringLiteral("undo")));

    // A session no worker has is answered the same way, later.
    const SessionAnswer none = Test::answerOf([this](const QObject *c, SessionDone done) {
        m_server->faultState(QStringLiteral("no-such-session"), c, std::move(done));
    });
    QCOMPARE(none.outcome, SessionAnswer::Outcome::NoSession);
    QVERIFY(none.error.contains(QStringLiteral("no session")));
}

void tst_FaultsOnDemand::adminApiAnswersWhenTheBusyWorkerHasOr503AtTheDeadline()
{
    if (m_server->workerCount() < 2)
        QSKIP("needs a second worker (the _workers2 run)");
    const QString sid = aliceOnWorker(1);
    QVERIFY(!sid.isEmpty());
    const QByteArray faults = "/admin/sessions/" + sid.toUtf8() + "/faults";
    // A fault for the session on the second worker, and behind it on the same connection a call that
    // needs no worker (the breakpoint for all sessions).
    const QByteArray pipelined =
        Test::rawAdminRequest("POST", faults, R"({"fault":"delay","ms":1,"seconds":60})") +
        Test::rawAdminRequest("GET", "/admin/breakpoint");

    // Connections land on either worker's listener (SO_REUSEPORT): the admin API answers those of the
    // first worker on this thread, whatever the second is doing. Many, so that some are on each.
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    for (int i = 0; i < 16; ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(socket->waitForConnected(kWaitMs));
        sockets.push_back(std::move(socket));
    }
    auto answers = [](const std::unique_ptr<QTcpSocket> &socket) {
        return Test::completeResponses(socket->peek(1 << 20));
    };
    {
        Test::WorkerBlock busy(m_server->workerContext(1), kWaitMs);
        QVERIFY(busy.isBlocking());
        for (const std::unique_ptr<QTcpSocket> &socket : sockets)
            socket->write(pipelined);
        // The session's worker does not answer: at the deadline the fault is answered 503, and only
        // then the call behind it, which had its answer at once (pipelined answers keep their order).
        QTRY_VERIFY_WITH_TIMEOUT(
            std::any_of(sockets.cbegin(), sockets.cend(),
                        [&answers](const auto &socket) { return answers(socket).size() == 2; }),
            kWaitMs);
        QVERIFY(!busy.timedOut()); // nothing waited for the busy worker
        for (const std::unique_ptr<QTcpSocket> &socket : sockets) {
            const QList<QByteArray> got = answers(socket);
            if (got.isEmpty())
                continue; // a connection of the busy worker: not even read yet
            QVERIFY2(got.first().startsWith("HTTP/1.1 503"), got.first().constData());
            QVERIFY(got.first().contains("did not answer within 5 s"));
            QVERIFY(got.first().contains("Retry-After: 1"));
        }
    }
    // Then every connection has both answers: the fault's (503, or 200 for a connection of the
    // second worker, read once it was free) before the other's.
    QList<QTcpSocket *> home; // connections of the first worker
    for (const std::unique_ptr<QTcpSocket> &socket : sockets) {
        QTRY_COMPARE_WITH_TIMEOUT(int(answers(socket).size()), 2, kWaitMs);
        const QList<QByteArray> got = answers(socket);
        if (got.first().startsWith("HTTP/1.1 503")) {
            home.append(socket.get());
        } else {
            QVERIFY2(got.first().startsWith("HTTP/1.1 200"), got.first().constData());
            QVERIFY(got.first().contains("\"applied\""));
        }
        QVERIFY2(got.last().startsWith("HTTP/1.1 200"), got.last().constData());
        QVERIFY(!got.last().contains("\"applied\""));
        socket->readAll();
    }
    // The call answered 503 still took effect when the worker got to it, as the answer says.
    QVERIFY(faultState(sid).value_or(QJsonObject()).contains(QStringLiteral("delay")));
    QVERIFY2(home.size() >= 2, "fewer than two of 16 connections on the first worker");

    // A worker busy for less than the deadline: the answer is the worker's, when it comes.
    Test::WorkerBlock busy(m_server->workerContext(1), kWaitMs);
    QVERIFY(busy.isBlocking());
    home.at(0)->write(Test::rawAdminRequest("DELETE", faults));
    home.at(1)->write(Test::rawAdminRequest("GET", "/admin/breakpoint"));
    // The second connection's answer needs no worker; once it is here, this thread has read the
    // first connection's request too (it was in the socket before).
    QTRY_COMPARE_WITH_TIMEOUT(int(Test::completeResponses(home.at(1)->peek(1 << 20)).size()), 1, kWaitMs);
    QCOMPARE(home.at(0)->bytesAvailable(), qint64(0)); // waits for the worker
    QVERIFY(!busy.timedOut());
    busy.release();
    QTRY_COMPARE_WITH_TIMEOUT(int(Test::completeResponses(home.at(0)->peek(1 << 20)).size()), 1, kWaitMs);
    const QByteArray undone = home.at(0)->readAll();
    QVERIFY2(undone.startsWith("HTTP/1.1 200"), undone.constData());
    QVERIFY(!undone.contains("delay"));
}

void tst_FaultsOnDemand::everyCallerIsAnsweredOnceAtTheDeadlineWhenTheWorkerIsBusy()
{
    if (m_server->workerCount() < 2)
        QSKIP("needs a second worker (the _workers2 run)");
    const QString sid = aliceOnWorker(1);
    QVERIFY(!sid.isEmpty());
    QString error;
    const std::optional<Stream::FaultRequest> delay =
        Stream::FaultRequest::fromJson(QJsonObject{{QStringLiteral("fault"), QStringLiteral("delay")},
                                                   {QStringLiteral("ms"), 1},
                                                   {QStringLiteral("seconds"), 60}},
                                       &error);
    QVERIFY2(delay, qPrintable(error));

    // The session's worker stays busy past the deadline: the window's calls (a fault, an inject, the
    // breakpoint for all sessions) are answered for it at the deadline, not left waiting.
    QObject context;
    QList<SessionAnswer> applied;
    QStringList injected;
    QList<bool> forAll;
    QElapsedTimer clock;
    {
        Test::WorkerBlock busy(m_server->workerContext(1), kWaitMs);
        QVERIFY(busy.isBlocking());
        clock.start();
        m_server->applyFault(sid, *delay, &context,
                             [&applied](const SessionAnswer &answer) { applied.append(answer); });
        m_server->injectStanza(sid, Monitor::Direction::ToClient, "<message><body>late</body></message>",
                               &context, [&injected](const QString &why) { injected.append(why); });
        m_server->setBreakpointForAll(std::nullopt, &context,
                                      [&forAll](bool every) { forAll.append(every); });
        QTRY_VERIFY_WITH_TIMEOUT(!applied.isEmpty() && !injected.isEmpty() && !forAll.isEmpty(), kWaitMs);
        // Not before the deadline (a coarse timer may fire up to 5 % early).
        QVERIFY2(clock.elapsed() >= SessionAnswer::kDeadlineMs * 95 / 100,
                 qPrintable(QString::number(clock.elapsed())));
        QVERIFY(!busy.timedOut());
    }
    QCOMPARE(applied.first().outcome, SessionAnswer::Outcome::NoAnswer);
    QVERIFY2(applied.first().error.contains(QStringLiteral("did not answer within 5 s")),
             qPrintable(applied.first().error));
    QVERIFY2(injected.first().contains(QStringLiteral("did not answer within 5 s")),
             qPrintable(injected.first()));
    QCOMPARE(forAll.first(), false);

    // The worker, free again, runs the calls in order: the fault took effect, as the answer said it
    // might. Its own answers came too late and are not passed on. Two round trips to the worker: the
    // breakpoint's answer takes one more hop on this thread once the worker has answered.
    QVERIFY(Test::faultStateOf(*m_server, sid).value_or(QJsonObject()).contains(QStringLiteral("delay")));
    QVERIFY(Test::faultStateOf(*m_server, sid));
    QCOMPARE(applied.size(), 1);
    QCOMPARE(injected.size(), 1);
    QCOMPARE(forAll.size(), 1);
}

QTEST_GUILESS_MAIN(tst_FaultsOnDemand)
#include "tst_faults_ondemand.moc"
