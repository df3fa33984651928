// SPDX-License-Identifier: GPL-3.0-or-later
// Faults on demand (docs/ADMIN.md) against a real Prosody: the admin API's token rules, and each fault
// doing what it says to a real BOSH session — a dropped response resent from the cache for the same
// rid (XEP-0124 §14.3), delayed, held and reordered stanzas that all arrive, Undo, a cut server link,
// see-other-uri, an IQ answered with an error — each shown in the traffic capture.
#include "boshclient.h"
#include "monitor/registry.h"
#include "monitor/trafficrecorder.h"
#include "prosodyfixture.h"
#include "restapi.h"
#include "server.h"
#include "testclient.h"
#include "wsclient.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

using namespace Switchboard;
using Switchboard::Test::ProsodyFixture;
using Switchboard::Test::TestClient;

namespace {

// Deadlines for waits, generous for a loaded machine: the tests assert what happens, never how fast.
constexpr int kWaitMs = 30000;
// How long a fault keeps stanzas in the tests that watch them being kept: long enough to be seen
// kept even on a slow machine.
constexpr int kKeepMs = 10000;

constexpr char kToken[] = "s3cret-admin-t0ken";

struct Answer
{
    int status = 0;
    QByteArray body;
    QByteArray wwwAuthenticate;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

Answer call(const QUrl &url, const QByteArray &method, const QByteArray &authorization = {},
            const QByteArray &body = {})
{
    QNetworkAccessManager nam;
    QNetworkRequest request(url);
    if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply *reply = nam.sendCustomRequest(request, method, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(10000);
    Answer out;
    out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    out.body = reply->readAll();
    out.wwwAuthenticate = reply->rawHeader("WWW-Authenticate");
    reply->deleteLater();
    return out;
}

bool hasId(const QList<QDomElement> &stanzas, const QString &id)
{
    return std::any_of(stanzas.cbegin(), stanzas.cend(),
                       [&id](const QDomElement &e) { return e.attribute(QStringLiteral("id")) == id; });
}

/// The ids of the received stanzas among `ids`, in the order they arrived.
QStringList arrivalOrder(const QList<QDomElement> &stanzas, const QStringList &ids)
{
    QStringList order;
    for (const QDomElement &e : stanzas) {
        const QString id = e.attribute(QStringLiteral("id"));
        if (ids.contains(id))
            order.append(id);
    }
    return order;
}

} // namespace

class tst_FaultsOnDemand : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

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
    void webSocketSessionsTakeTheSameFaults();
    void restSessionReconnectsAfterACutLink();

private:
    QUrl adminUrl(const QString &sid) const;
    bool apply(const QString &sid, const QJsonObject &fault);
    int kept(const QString &sid) const;
    QStringList faultNotes(const QString &sid) const;
    void sendFromBob(const QString &to, const QString &id);

    ProsodyFixture m_prosody;
    std::unique_ptr<Server> m_server;
    std::unique_ptr<BoshClient> m_alice;
    std::unique_ptr<TestClient> m_bob;
};

void tst_FaultsOnDemand::initTestCase()
{
    ProsodyFixture::Options options;
    // The same SCRAM salt at every log-in, as on a real server: a REST session logs in again after a
    // cut link with what it kept.
    options.hashedPasswords = true;
    QVERIFY2(m_prosody.start({QStringLiteral("alice"), QStringLiteral("bob")}, options),
             qPrintable(m_prosody.log()));
    Config config = m_prosody.backendConfig();
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.connectTimeout = 5;
    config.adminToken = QString::fromLatin1(kToken);
    config.restReconnectDelay = 200; // the REST session comes back soon after a cut link
    config.restReconnectMaxDelay = 1;
    m_server = std::make_unique<Server>(config);
    QVERIFY(m_server->start());
    m_server->traffic()->setEnabled(true);
}

void tst_FaultsOnDemand::cleanupTestCase()
{
    m_server.reset();
    m_prosody.stop();
}

void tst_FaultsOnDemand::init()
{
    m_alice = std::make_unique<BoshClient>(m_server->boshUrl());
    QString error;
    QVERIFY2(m_alice->login(m_prosody.domain(), QStringLiteral("alice"),
                            m_prosody.password(QStringLiteral("alice")), &error),
             qPrintable(error));
    // Presence, so that Prosody routes bob's messages to this resource.
    m_alice->request({}, "<presence xmlns='jabber:client'/>");
    m_bob = std::make_unique<TestClient>();
    QVERIFY2(m_bob->login(m_prosody, QStringLiteral("bob")), qPrintable(m_bob->lastError()));
}

void tst_FaultsOnDemand::cleanup()
{
    if (m_alice && !m_alice->sid().isEmpty())
        m_server->terminateSession(m_alice->sid());
    m_alice.reset();
    if (m_bob)
        m_bob->disconnectFromServer();
    m_bob.reset();
    QTRY_COMPARE(m_server->sessionCount(), 0);
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
    return m_server->faultState(sid).value_or(QJsonObject()).value(QStringLiteral("kept")).toInt();
}

QStringList tst_FaultsOnDemand::faultNotes(const QString &sid) const
{
    QStringList notes;
    const QList<Monitor::TrafficRecord> records = m_server->traffic()->records();
    for (const Monitor::TrafficRecord &r : records) {
        if (r.session == sid && r.element == QLatin1String("fault"))
            notes.append(r.note);
    }
    return notes;
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
    QCOMPARE(m_server->faultState(sid).value_or(QJsonObject()).contains(QStringLiteral("hold")), false);

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
    QVERIFY(m_server->faultState(sid).value_or(QJsonObject()).value(QStringLiteral("kept")).toInt() == 0);
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
    QCOMPARE(m_server->faultState(sid).value_or(QJsonObject()).contains(QStringLiteral("hold")), false);
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
    QVERIFY(
        apply(sid, QJsonObject{{QStringLiteral("fault"), QStringLiteral("terminate")},
                               {QStringLiteral("condition"), QStringLiteral("see-other-uri")},
                               {QStringLiteral("uri"), QStringLiteral("https://other.example/http-bind")}}));
    QVERIFY(terminated.count() > 0 || terminated.wait(kWaitMs));
    const BoshClient::Response end = m_alice->lastTerminate();
    QCOMPARE(end.attr(QStringLiteral("condition")), QStringLiteral("see-other-uri"));
    QVERIFY2(end.raw.contains("<uri>https://other.example/http-bind</uri>"), end.raw.constData());
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

QTEST_GUILESS_MAIN(tst_FaultsOnDemand)
#include "tst_faults_ondemand.moc"
