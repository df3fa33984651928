// SPDX-License-Identifier: GPL-3.0-or-later
// Breakpoints (docs/ADMIN.md) against a real Prosody: a stanza in flight is held by a breakpoint, then
// edited and forwarded, forwarded unchanged or dropped through the admin API; later stanzas wait behind
// a held one so the order is kept; a held stanza nobody acts on goes on at its deadline; and the
// session's own timers keep running, so a BOSH request times out empty (XEP-0124 §7.1) while a
// breakpoint holds what it would have carried. Each step leaves a note in the traffic capture.
#include "adminsuite.h"
#include "boshclient.h"
#include "monitor/registry.h"
#include "monitor/trafficrecorder.h"
#include "prosodyfixture.h"
#include "server.h"
#include "testclient.h"
#include "workerblock.h"
#include "wsclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

using namespace Switchboard;
using Switchboard::Test::ProsodyFixture;
using Switchboard::Test::TestClient;

using Switchboard::Test::AdminSuite;
using Switchboard::Test::arrivalOrder;

namespace {

// Deadlines for waits, generous for a loaded machine: the tests assert what happens, never how fast.
constexpr int kWaitMs = AdminSuite::kWaitMs;

using Answer = Test::AdminAnswer;

Answer call(const QUrl &url, const QByteArray &method, const QJsonObject &body = {},
            const QByteArray &authorization = AdminSuite::bearer())
{
    return Test::adminCall(url, method, body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(),
                           authorization);
}

bool hasBody(const QList<QDomElement> &stanzas, const QString &text)
{
    return std::any_of(stanzas.cbegin(), stanzas.cend(), [&text](const QDomElement &e) {
        return e.firstChildElement(QStringLiteral("body")).text() == text;
    });
}

} // namespace

class tst_Breakpoints : public Test::AdminSuite
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();

    void messageToBobIsEditedInFlight();
    void heldStanzaIsForwardedUnchanged();
    void droppedStanzaNeverReachesTheServer();
    void laterStanzasWaitBehindAHeldOneInOrder();
    void heldStanzaGoesOnUnchangedAtItsDeadline();
    void boshWaitTimesOutWhileAStanzaIsHeld();
    void removingTheBreakpointReleasesWhatItHolds();
    void heldStanzasGoBackToTheirSendersWhenTheClientLeaves();
    void whatTheClientSentBeforeLeavingStillReachesTheServer();
    void webSocketStanzaIsEditedInFlight();
    void adminApiRefusesBadBreakpointsAndEdits();
    void breakpointForAllSessionsHoldsInExistingAndNewSessions();
    void breakpointCallsForABusyWorkerReturnAtOnceAndAreAnsweredLater();

private:
    QUrl url(const QString &sid, const QString &tail) const;
    bool setBreakpoint(const QString &sid, const QJsonObject &filter);
    QJsonArray held(const QString &sid) const;
    /// The id of the first held stanza that is stopped at the breakpoint (0 when none).
    int stoppedId(const QString &sid) const;
    Answer act(const QString &sid, int heldId, const QString &action, const QString &xml = {});
    QString notes(const QString &sid) const;
    void sendFromBob(const QString &id, const QString &body);
};

void tst_Breakpoints::initTestCase()
{
    startSuite();
}

QUrl tst_Breakpoints::url(const QString &sid, const QString &tail) const
{
    QUrl url = m_server->boshUrl();
    url.setPath(QStringLiteral("/admin/sessions/%1/%2").arg(sid, tail));
    return url;
}

bool tst_Breakpoints::setBreakpoint(const QString &sid, const QJsonObject &filter)
{
    const Answer answer = call(url(sid, QStringLiteral("breakpoint")), "POST", filter);
    if (answer.status != 200)
        qWarning() << "breakpoint refused:" << answer.status << answer.body;
    return answer.status == 200;
}

QJsonArray tst_Breakpoints::held(const QString &sid) const
{
    return call(url(sid, QStringLiteral("breakpoint")), "GET").json().value(QStringLiteral("held")).toArray();
}

int tst_Breakpoints::stoppedId(const QString &sid) const
{
    const QJsonArray all = held(sid);
    for (const QJsonValue &entry : all) {
        if (entry.toObject().value(QStringLiteral("stopped")).toBool())
            return entry.toObject().value(QStringLiteral("id")).toInt();
    }
    return 0;
}

Answer tst_Breakpoints::act(const QString &sid, int heldId, const QString &action, const QString &xml)
{
    QJsonObject body{{QStringLiteral("action"), action}};
    if (!xml.isEmpty())
        body.insert(QStringLiteral("xml"), xml);
    return call(url(sid, QStringLiteral("held/%1").arg(heldId)), "POST", body);
}

QString tst_Breakpoints::notes(const QString &sid) const
{
    return faultNotes(sid).join(u'\n');
}

void tst_Breakpoints::sendFromBob(const QString &id, const QString &body)
{
    m_bob->send("<message type='chat' to='" + m_alice->jid().toUtf8() + "' id='" + id.toUtf8() + "'><body>" +
                body.toUtf8() + "</body></message>");
}

void tst_Breakpoints::messageToBobIsEditedInFlight()
{
    const QString sid = m_alice->sid();
    m_alice->startPolling();
    QVERIFY(setBreakpoint(sid, QJsonObject{{QStringLiteral("direction"), QStringLiteral("to-server")},
                                           {QStringLiteral("element"), QStringLiteral("message")},
                                           {QStringLiteral("type"), QStringLiteral("chat")},
                                           {QStringLiteral("text"), QStringLiteral("meet at noon")}}));
    const QByteArray bob = m_bob->jid().toUtf8();
    m_alice->sendStanza("<message xmlns='jabber:client' type='chat' id='e1' to='" + bob +
                        "'><body>meet at noon</body></message>");
    QTRY_VERIFY_WITH_TIMEOUT(stoppedId(sid) > 0, kWaitMs);
    const int id = stoppedId(sid);
    QVERIFY(notes(sid).contains(QStringLiteral("stanza #%1 held (message)").arg(id)));

    const Answer edited = act(sid, id, QStringLiteral("edit"),
                              QString(u"<message xmlns='jabber:client' type='chat' id='e1' to='" +
                                      QString::fromUtf8(bob) + u"'><body>meet at five</body></message>"));
    QCOMPARE(edited.status, 200);
    const QByteArray received = m_bob->waitForElement("meet at five", kWaitMs);
    QVERIFY2(!received.isEmpty(), "bob never got the edited message");
    QVERIFY(TestClient::attribute(received, u"from").startsWith(m_alice->jid().section(u'/', 0, 0)));
    // The original text never reached the server.
    for (const QByteArray &xml : m_bob->received())
        QVERIFY2(!xml.contains("meet at noon"), xml.constData());
    QVERIFY(held(sid).isEmpty());
    QTRY_VERIFY(notes(sid).contains(QStringLiteral("stanza #%1 edited, then forwarded").arg(id)));
}

void tst_Breakpoints::heldStanzaIsForwardedUnchanged()
{
    const QString sid = m_alice->sid();
    m_alice->startPolling();
    QVERIFY(setBreakpoint(sid, QJsonObject{{QStringLiteral("direction"), QStringLiteral("to-client")},
                                           {QStringLiteral("element"), QStringLiteral("message")}}));
    sendFromBob(QStringLiteral("f1"), QStringLiteral("as it was"));
    QTRY_VERIFY_WITH_TIMEOUT(stoppedId(sid) > 0, kWaitMs);
    QVERIFY(!hasBody(m_alice->received(), QStringLiteral("as it was")));
    QCOMPARE(act(sid, stoppedId(sid), QStringLiteral("forward")).status, 200);
    const QDomElement got = m_alice->waitForStanza(
        [](const QDomElement &e) { return e.attribute(QStringLiteral("id")) == QLatin1String("f1"); },
        kWaitMs);
    QVERIFY(!got.isNull());
    QCOMPARE(got.firstChildElement(QStringLiteral("body")).text(), QStringLiteral("as it was"));
    QTRY_VERIFY(notes(sid).contains(QStringLiteral("forwarded unchanged")));
}

void tst_Breakpoints::droppedStanzaNeverReachesTheServer()
{
    const QString sid = m_alice->sid();
    m_alice->startPolling();
    QVERIFY(setBreakpoint(sid, QJsonObject{{QStringLiteral("direction"), QStringLiteral("to-server")},
                                           {QStringLiteral("text"), QStringLiteral("drop me")}}));
    const QByteArray bob = m_bob->jid().toUtf8();
    m_alice->sendStanza("<message xmlns='jabber:client' type='chat' id='d1' to='" + bob +
                        "'><body>drop me</body></message>");
    QTRY_VERIFY_WITH_TIMEOUT(stoppedId(sid) > 0, kWaitMs);
    QCOMPARE(act(sid, stoppedId(sid), QStringLiteral("drop")).status, 200);
    QVERIFY(held(sid).isEmpty());
    // The next message goes through; had the dropped one gone on, the server would have delivered it
    // first (RFC 6120 §10.1: in order).
    m_alice->sendStanza("<message xmlns='jabber:client' type='chat' id='d2' to='" + bob +
                        "'><body>after the drop</body></message>");
    QVERIFY(!m_bob->waitForElement("after the drop", kWaitMs).isEmpty());
    QVERIFY(m_bob->waitForElement("drop me", 0).isEmpty());
    QTRY_VERIFY(notes(sid).contains(QStringLiteral("dropped, never sent to the server")));
}

void tst_Breakpoints::laterStanzasWaitBehindAHeldOneInOrder()
{
    const QString sid = m_alice->sid();
    m_alice->startPolling();
    QVERIFY(setBreakpoint(sid, QJsonObject{{QStringLiteral("direction"), QStringLiteral("to-client")},
                                           {QStringLiteral("text"), QStringLiteral("first")}}));
    const QStringList ids = {QStringLiteral("o1"), QStringLiteral("o2"), QStringLiteral("o3")};
    sendFromBob(ids.at(0), QStringLiteral("first"));
    sendFromBob(ids.at(1), QStringLiteral("second"));
    sendFromBob(ids.at(2), QStringLiteral("third"));
    QTRY_COMPARE_WITH_TIMEOUT(held(sid).size(), 3, kWaitMs);
    QCOMPARE(arrivalOrder(m_alice->received(), ids), QStringList());
    const QJsonArray all = held(sid);
    QCOMPARE(all.at(0).toObject().value(QStringLiteral("stopped")).toBool(), true);
    QCOMPARE(all.at(1).toObject().value(QStringLiteral("stopped")).toBool(), false);
    // A stanza that only waits cannot jump the queue.
    QCOMPARE(
        act(sid, all.at(1).toObject().value(QStringLiteral("id")).toInt(), QStringLiteral("forward")).status,
        409);
    QCOMPARE(
        act(sid, all.at(0).toObject().value(QStringLiteral("id")).toInt(), QStringLiteral("forward")).status,
        200);
    QTRY_COMPARE_WITH_TIMEOUT(arrivalOrder(m_alice->received(), ids), ids, kWaitMs);
    QVERIFY(notes(sid).contains(QStringLiteral("waits behind held")));
}

void tst_Breakpoints::heldStanzaGoesOnUnchangedAtItsDeadline()
{
    const QString sid = m_alice->sid();
    m_alice->startPolling();
    QVERIFY(setBreakpoint(sid, QJsonObject{{QStringLiteral("direction"), QStringLiteral("to-client")},
                                           {QStringLiteral("element"), QStringLiteral("message")},
                                           {QStringLiteral("seconds"), 2}}));
    sendFromBob(QStringLiteral("t1"), QStringLiteral("nobody acts"));
    QTRY_VERIFY_WITH_TIMEOUT(notes(sid).contains(QStringLiteral("held (message)")), kWaitMs);
    QVERIFY(!m_alice
                 ->waitForStanza(
                     [](const QDomElement &e) {
                         return e.attribute(QStringLiteral("id")) == QLatin1String("t1");
                     },
                     kWaitMs)
                 .isNull());
    QVERIFY(notes(sid).contains(QStringLiteral("not acted on in time; forwarded unchanged")));
}

void tst_Breakpoints::boshWaitTimesOutWhileAStanzaIsHeld()
{
    // A session of its own with a short wait, polled by hand so that we see each response.
    BoshClient carol(m_server->boshUrl());
    QString error;
    QVERIFY2(carol.login(m_prosody.domain(), QStringLiteral("alice"),
                         m_prosody.password(QStringLiteral("alice")), &error, QStringLiteral("carol"),
                         {{QStringLiteral("wait"), QStringLiteral("2")}}),
             qPrintable(error));
    // No presence: a message to the full JID reaches the resource all the same, and no presence
    // broadcast can come into the response that is to time out empty.
    const QString sid = carol.sid();
    QVERIFY(setBreakpoint(sid, QJsonObject{{QStringLiteral("direction"), QStringLiteral("to-client")},
                                           {QStringLiteral("text"), QStringLiteral("to carol")}}));
    m_bob->send("<message type='chat' to='" + carol.jid().toUtf8() +
                "' id='w1'><body>to carol</body></message>");
    QTRY_VERIFY_WITH_TIMEOUT(stoppedId(sid) > 0, kWaitMs);
    // The session's timers keep honest time: the poll is answered empty when its wait is up.
    const qint64 rid = carol.peekRid();
    const BoshClient::Response empty = carol.request({}, {}, 0, kWaitMs);
    QCOMPARE(empty.status, 200);
    QVERIFY2(empty.children.isEmpty(), empty.raw.constData());
    QVERIFY(notes(sid).contains(QStringLiteral("wait: request rid %1 answered empty").arg(rid)));
    // Forwarded, the message comes with the next poll.
    QCOMPARE(act(sid, stoppedId(sid), QStringLiteral("forward")).status, 200);
    const BoshClient::Response next = carol.request({}, {}, 0, kWaitMs);
    QVERIFY2(next.raw.contains("to carol"), next.raw.constData());
    m_server->terminateSession(sid);
}

void tst_Breakpoints::removingTheBreakpointReleasesWhatItHolds()
{
    const QString sid = m_alice->sid();
    m_alice->startPolling();
    QVERIFY(setBreakpoint(sid, QJsonObject{{QStringLiteral("direction"), QStringLiteral("to-client")},
                                           {QStringLiteral("element"), QStringLiteral("message")}}));
    sendFromBob(QStringLiteral("r1"), QStringLiteral("released"));
    QTRY_VERIFY_WITH_TIMEOUT(stoppedId(sid) > 0, kWaitMs);
    const Answer removed = call(url(sid, QStringLiteral("breakpoint")), "DELETE");
    QCOMPARE(removed.status, 200);
    QVERIFY(!removed.json().contains(QStringLiteral("breakpoint")));
    QVERIFY(!m_alice
                 ->waitForStanza(
                     [](const QDomElement &e) {
                         return e.attribute(QStringLiteral("id")) == QLatin1String("r1");
                     },
                     kWaitMs)
                 .isNull());
    // Without the breakpoint, the next one is not held.
    sendFromBob(QStringLiteral("r2"), QStringLiteral("free"));
    QVERIFY(!m_alice
                 ->waitForStanza(
                     [](const QDomElement &e) {
                         return e.attribute(QStringLiteral("id")) == QLatin1String("r2");
                     },
                     kWaitMs)
                 .isNull());
}

void tst_Breakpoints::heldStanzasGoBackToTheirSendersWhenTheClientLeaves()
{
    const QString sid = m_alice->sid();
    QVERIFY(setBreakpoint(sid, QJsonObject{{QStringLiteral("direction"), QStringLiteral("to-client")},
                                           {QStringLiteral("element"), QStringLiteral("message")}}));
    sendFromBob(QStringLiteral("b1"), QStringLiteral("never read"));
    QTRY_VERIFY_WITH_TIMEOUT(stoppedId(sid) > 0, kWaitMs);
    // The client ends its session while the stanza is held: it is bounced, never lost (XEP-0206 §7).
    QVERIFY(m_alice->terminate().isTerminate());
    const QByteArray bounced = m_bob->waitForElement(
        [](const QByteArray &xml) {
            return TestClient::attribute(xml, u"id") == QLatin1String("b1") &&
                   TestClient::attribute(xml, u"type") == QLatin1String("error");
        },
        kWaitMs);
    QVERIFY2(!bounced.isEmpty(), "the held stanza was not bounced to its sender");
}

void tst_Breakpoints::whatTheClientSentBeforeLeavingStillReachesTheServer()
{
    const QString sid = m_alice->sid();
    QVERIFY(setBreakpoint(sid, QJsonObject{{QStringLiteral("direction"), QStringLiteral("to-server")},
                                           {QStringLiteral("text"), QStringLiteral("last words")}}));
    m_alice->sendStanza("<message xmlns='jabber:client' type='chat' id='l1' to='" + m_bob->jid().toUtf8() +
                        "'><body>last words</body></message>");
    QTRY_VERIFY_WITH_TIMEOUT(stoppedId(sid) > 0, kWaitMs);
    // The client ends its session while its message is held: the message still goes to the server,
    // before the stream closes.
    QVERIFY(m_alice->terminate().isTerminate());
    QVERIFY(!m_bob->waitForElement("last words", kWaitMs).isEmpty());
    QTRY_VERIFY(notes(sid).contains(QStringLiteral("toward the server go on first")));
}

void tst_Breakpoints::webSocketStanzaIsEditedInFlight()
{
    WsClient ws(m_server->webSocketUrl());
    QVERIFY(ws.connectSocket());
    QString error;
    QVERIFY2(ws.login(m_prosody.domain(), QStringLiteral("alice"),
                      m_prosody.password(QStringLiteral("alice")), &error, QStringLiteral("ws")),
             qPrintable(error));
    QString sid;
    QTRY_VERIFY([&] {
        const QList<Monitor::SessionRecord> sessions = m_server->registry()->sessions();
        for (const Monitor::SessionRecord &r : sessions) {
            if (r.jid == ws.jid() && !r.closed)
                sid = r.id;
        }
        return !sid.isEmpty();
    }());
    QVERIFY(setBreakpoint(sid, QJsonObject{{QStringLiteral("direction"), QStringLiteral("to-server")},
                                           {QStringLiteral("element"), QStringLiteral("message")}}));
    const QString bob = m_bob->jid();
    ws.sendText("<message xmlns='jabber:client' type='chat' id='ws1' to='" + bob.toUtf8() +
                "'><body>over websocket</body></message>");
    QTRY_VERIFY_WITH_TIMEOUT(stoppedId(sid) > 0, kWaitMs);
    QCOMPARE(act(sid, stoppedId(sid), QStringLiteral("edit"),
                 QString(u"<message xmlns='jabber:client' type='chat' id='ws1' to='" + bob +
                         u"'><body>edited over websocket</body></message>"))
                 .status,
             200);
    QVERIFY(!m_bob->waitForElement("edited over websocket", kWaitMs).isEmpty());
    for (const QByteArray &xml : m_bob->received())
        QVERIFY2(!xml.contains(">over websocket<"), xml.constData());
    m_server->terminateSession(sid);
}

void tst_Breakpoints::adminApiRefusesBadBreakpointsAndEdits()
{
    const QString sid = m_alice->sid();
    const QUrl breakpoint = url(sid, QStringLiteral("breakpoint"));
    QCOMPARE(call(breakpoint, "GET", {}, {}).status, 401);
    QCOMPARE(call(breakpoint, "POST", QJsonObject{{QStringLiteral("direction"), QStringLiteral("sideways")}})
                 .status,
             400);
    QCOMPARE(call(breakpoint, "POST", QJsonObject{{QStringLiteral("seconds"), 100000}}).status, 400);
    QCOMPARE(call(breakpoint, "POST", QJsonObject{{QStringLiteral("element"), 3}}).status, 400);
    QCOMPARE(call(url(QStringLiteral("no-such-session"), QStringLiteral("breakpoint")), "POST",
                  QJsonObject{{QStringLiteral("element"), QStringLiteral("message")}})
                 .status,
             404);
    QCOMPARE(act(sid, 99999, QStringLiteral("forward")).status, 409);
    QCOMPARE(
        call(breakpoint, "PUT", QJsonObject{{QStringLiteral("element"), QStringLiteral("message")}}).status,
        405);

    m_alice->startPolling();
    QVERIFY(setBreakpoint(sid, QJsonObject{{QStringLiteral("direction"), QStringLiteral("to-client")},
                                           {QStringLiteral("element"), QStringLiteral("message")}}));
    sendFromBob(QStringLiteral("x1"), QStringLiteral("kept safe"));
    QTRY_VERIFY_WITH_TIMEOUT(stoppedId(sid) > 0, kWaitMs);
    const int id = stoppedId(sid);
    // The edited XML must be exactly one well-formed stanza; a refused edit leaves the stanza held.
    QCOMPARE(act(sid, id, QStringLiteral("edit"), QStringLiteral("<message><body>open")).status, 400);
    QCOMPARE(act(sid, id, QStringLiteral("edit"), QStringLiteral("<message/><message/>")).status, 400);
    QCOMPARE(act(sid, id, QStringLiteral("edit"), QStringLiteral("<?xml version='1.0'?><message/>")).status,
             400);
    QCOMPARE(act(sid, id, QStringLiteral("edit")).status, 400); // no xml
    QCOMPARE(act(sid, id, QStringLiteral("explode")).status, 400);
    QCOMPARE(stoppedId(sid), id);
    QCOMPARE(act(sid, id, QStringLiteral("forward")).status, 200);
    QCOMPARE(act(sid, id, QStringLiteral("forward")).status, 409); // gone on already
    QVERIFY(!m_alice
                 ->waitForStanza(
                     [](const QDomElement &e) {
                         return e.attribute(QStringLiteral("id")) == QLatin1String("x1");
                     },
                     kWaitMs)
                 .isNull());
}

void tst_Breakpoints::breakpointForAllSessionsHoldsInExistingAndNewSessions()
{
    QUrl all = m_server->boshUrl();
    all.setPath(QStringLiteral("/admin/breakpoint"));
    QCOMPARE(call(all, "GET", {}, {}).status, 401);
    QCOMPARE(call(all, "POST", QJsonObject{{QStringLiteral("direction"), QStringLiteral("up")}}).status, 400);
    const Answer set = call(all, "POST",
                            QJsonObject{{QStringLiteral("direction"), QStringLiteral("to-server")},
                                        {QStringLiteral("element"), QStringLiteral("message")}});
    QCOMPARE(set.status, 200);
    QCOMPARE(
        set.json().value(QStringLiteral("breakpoint")).toObject().value(QStringLiteral("element")).toString(),
        QStringLiteral("message"));
    // A session that existed before, and one that comes after.
    BoshClient carol(m_server->boshUrl());
    QString error;
    QVERIFY2(carol.login(m_prosody.domain(), QStringLiteral("alice"),
                         m_prosody.password(QStringLiteral("alice")), &error, QStringLiteral("later")),
             qPrintable(error));
    const QByteArray bob = m_bob->jid().toUtf8();
    m_alice->sendStanza("<message xmlns='jabber:client' type='chat' id='a1' to='" + bob +
                        "'><body>from the old session</body></message>");
    carol.sendStanza("<message xmlns='jabber:client' type='chat' id='a2' to='" + bob +
                     "'><body>from the new session</body></message>");
    QTRY_VERIFY_WITH_TIMEOUT(stoppedId(m_alice->sid()) > 0 && stoppedId(carol.sid()) > 0, kWaitMs);
    // Removing it lets both go on.
    const Answer removed = call(all, "DELETE");
    QCOMPARE(removed.status, 200);
    QVERIFY(!removed.json().contains(QStringLiteral("breakpoint")));
    QVERIFY(!m_bob->waitForElement("from the old session", kWaitMs).isEmpty());
    QVERIFY(!m_bob->waitForElement("from the new session", kWaitMs).isEmpty());
    QVERIFY(held(carol.sid()).isEmpty());
    m_server->terminateSession(carol.sid());
}

void tst_Breakpoints::breakpointCallsForABusyWorkerReturnAtOnceAndAreAnsweredLater()
{
    if (m_server->workerCount() < 2)
        QSKIP("needs a second worker (the _workers2 run)");
    const QString sid = aliceOnWorker(1);
    QVERIFY(!sid.isEmpty());
    QString error;
    const std::optional<Stream::BreakpointFilter> filter = Stream::BreakpointFilter::fromJson(
        QJsonObject{{QStringLiteral("direction"), QStringLiteral("to-client")},
                    {QStringLiteral("element"), QStringLiteral("message")}},
        &error);
    QVERIFY2(filter, qPrintable(error));

    // The session's worker is busy: every call returns without waiting for it (a wait would last
    // until the block gives up, and say so).
    Test::WorkerBlock busy(m_server->workerContext(1));
    QVERIFY(busy.isBlocking());
    QObject context;
    auto keep = [](std::optional<SessionAnswer> &into) {
        return [&into](const SessionAnswer &answer) { into = answer; };
    };
    std::optional<bool> forAllSet, forAllRemoved; // whether every worker had it in time
    std::optional<SessionAnswer> set, badEdit, noSuchHeld, state, removed;
    m_server->setBreakpointForAll(filter, &context, [&forAllSet](bool every) { forAllSet = every; });
    QVERIFY(m_server->breakpointForAll()); // the first worker (this thread's) has it at once
    m_server->setBreakpoint(sid, *filter, &context, keep(set));
    m_server->actOnHeld(sid, 1, Stream::Breakpoints::Action::Edit, "<message><body>open", &context,
                        keep(badEdit));
    m_server->actOnHeld(sid, 1, Stream::Breakpoints::Action::Forward, {}, &context, keep(noSuchHeld));
    m_server->breakpointState(sid, &context, keep(state));
    m_server->setBreakpointForAll(std::nullopt, &context,
                                  [&forAllRemoved](bool every) { forAllRemoved = every; });
    m_server->clearBreakpoint(sid, &context, keep(removed));
    QVERIFY(!busy.timedOut());
    // Nothing before the worker has run them, not even the refusal of a bad edit made here.
    QVERIFY(!forAllSet && !set && !badEdit && !noSuchHeld && !state && !forAllRemoved && !removed);

    busy.release();
    QTRY_VERIFY_WITH_TIMEOUT(forAllSet && set && badEdit && noSuchHeld && state && forAllRemoved && removed,
                             kWaitMs);
    QVERIFY(!busy.timedOut());
    QVERIFY(*forAllSet && *forAllRemoved);
    QVERIFY2(set->done(), qPrintable(set->error));
    QCOMPARE(set->state.value(QStringLiteral("breakpoint")).toObject(), filter->toJson());
    QCOMPARE(badEdit->outcome, SessionAnswer::Outcome::BadInput);
    QVERIFY(!badEdit->error.isEmpty());
    QCOMPARE(noSuchHeld->outcome, SessionAnswer::Outcome::Refused);
    QVERIFY(state->done());
    QVERIFY(state->state.contains(QStringLiteral("breakpoint")));
    QVERIFY(state->state.value(QStringLiteral("held")).toArray().isEmpty());
    QVERIFY(!m_server->breakpointForAll());
    QVERIFY(removed->done());
    QVERIFY(!removed->state.contains(QStringLiteral("breakpoint")));
}

QTEST_MAIN(tst_Breakpoints)
#include "tst_breakpoints.moc"
