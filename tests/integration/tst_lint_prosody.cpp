// SPDX-License-Identifier: GPL-3.0-or-later
// The client lint end to end: scripted BOSH and WebSocket clients that break one rule each, against a
// real Server in front of a real Prosody; each problem is found with its code and the clause it
// breaks, in the ProblemLog and in /status.json.
#include "boshclient.h"
#include "monitor/problemlog.h"
#include "monitor/registry.h"
#include "prosodyfixture.h"
#include "rawwebsocket.h"
#include "server.h"
#include "testmain.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

using namespace Switchboard;
using Switchboard::Test::RawWebSocket;

namespace {

const QString kDomain = QStringLiteral("localhost");
const QByteArray kOpen = "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0' "
                         "xml:lang='en'/>";

QByteArray authPlain(const QString &user, const QString &password)
{
    return "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + saslPlain(user, password) +
           "</auth>";
}

QMap<QString, QString> sessionAttrs()
{
    return {{QStringLiteral("to"), kDomain},
            {QStringLiteral("wait"), QStringLiteral("10")},
            {QStringLiteral("hold"), QStringLiteral("1")},
            {QStringLiteral("ver"), QStringLiteral("1.6")},
            {QStringLiteral("xml:lang"), QStringLiteral("en")},
            {QStringLiteral("xmpp:version"), QStringLiteral("1.0")}};
}

/// Reads BOSH responses until one carries children (or fails).
BoshClient::Response untilChildren(BoshClient &client, BoshClient::Response response)
{
    while (response.status == 200 && response.children.isEmpty() && !response.isTerminate())
        response = client.request({});
    return response;
}

} // namespace

class tst_LintProsody : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void eachProblemIsFoundWithItsClause_data();
    void eachProblemIsFoundWithItsClause();
    void problemsAreListedInStatusJson();
    void noLintStateWhenNobodyListens();

private:
    /// Runs one misbehaving client; returns the session it used (empty when it never had one).
    QString run(const QString &scenario);
    QString boshLoggedIn(BoshClient &client, const QString &user, QMap<QString, QString> extra = {});
    QString wsSession(const QString &jid) const;
    std::optional<Monitor::Problem> waitForProblem(const QString &code, const QString &sid, quint64 after,
                                                   const QSet<QString> &known, int timeoutMs = 15000);
    QString password(const QString &user) const { return m_prosody.password(user); }

    ProsodyFixture m_prosody;
    std::unique_ptr<Server> m_server;
    // Clients of the scenario that must outlive run() (the problem comes later).
    std::vector<std::unique_ptr<BoshClient>> m_bosh;
    std::vector<std::unique_ptr<RawWebSocket>> m_ws;
};

void tst_LintProsody::initTestCase()
{
    QVERIFY2(m_prosody.start({QStringLiteral("alice"), QStringLiteral("bob")}), qPrintable(m_prosody.log()));
    Config config = m_prosody.backendConfig();
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.connectTimeout = 5;
    config.workers = ProsodyFixture::testWorkers();
    config.lint = true;
    config.lintTimeout = 1;    // IQ answers and pongs: 1 s
    config.wsPingInterval = 1; // a quiet WebSocket is pinged after 1 s
    m_server = std::make_unique<Server>(config);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    QVERIFY(m_server->problems()->isEnabled());
}

void tst_LintProsody::cleanupTestCase()
{
    m_bosh.clear();
    m_ws.clear();
    m_server.reset();
    m_prosody.stop();
}

QString tst_LintProsody::boshLoggedIn(BoshClient &client, const QString &user, QMap<QString, QString> extra)
{
    QString error;
    static int logins = 0;
    const QString resource = QStringLiteral("lint-bosh-%1").arg(++logins);
    if (!client.login(kDomain, user, password(user), &error, resource, std::move(extra))) {
        qWarning() << "login failed:" << error;
        return {};
    }
    return client.sid();
}

QString tst_LintProsody::wsSession(const QString &jid) const
{
    const QList<Monitor::SessionRecord> sessions = m_server->registry()->sessions();
    for (const Monitor::SessionRecord &r : sessions) {
        if (r.jid == jid)
            return r.id;
    }
    return {};
}

std::optional<Monitor::Problem> tst_LintProsody::waitForProblem(const QString &code, const QString &sid,
                                                                quint64 after, const QSet<QString> &known,
                                                                int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    do {
        const QList<Monitor::Problem> problems = m_server->problems()->problems(after);
        for (const Monitor::Problem &p : problems) {
            if (Monitor::problemCode(p.kind) != code)
                continue;
            // With no session to name, the problem must come from a session new to this row.
            if (sid.isEmpty() ? !known.contains(p.session) : p.session == sid)
                return p;
        }
        QTest::qWait(20);
    } while (!deadline.hasExpired());
    return std::nullopt;
}

void tst_LintProsody::eachProblemIsFoundWithItsClause_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("clause");
    QTest::addColumn<QString>("side");
    auto row = [](const char *scenario, const char *code, const char *clause, const char *side = "client") {
        QTest::newRow(scenario) << QString::fromLatin1(scenario) << QString::fromLatin1(code)
                                << QString::fromUtf8(clause) << QString::fromLatin1(side);
    };
    // BOSH (XEP-0124, XEP-0206)
    row("bosh-rid-skipped", "rid-skipped", "XEP-0124 §14.1");
    row("bosh-rid-reused", "rid-reused", "XEP-0124 §14.3");
    row("bosh-rid-out-of-window", "rid-out-of-window", "XEP-0124 §14.2");
    row("bosh-too-many-requests", "too-many-requests", "XEP-0124 §11");
    row("bosh-polling-too-fast", "polling-too-fast", "XEP-0124 §12");
    row("bosh-no-restart-after-sasl", "no-restart-after-sasl", "XEP-0206 §5");
    row("bosh-session-missing-to", "session-missing-to", "XEP-0124 §7.1");
    row("bosh-session-missing-lang", "session-missing-lang", "XEP-0124 §7.1");
    row("bosh-restart-missing-to", "restart-missing-to", "XEP-0206 §5");
    row("bosh-restart-missing-lang", "restart-missing-lang", "XEP-0206 §5");
    row("bosh-traffic-after-terminate", "traffic-after-terminate", "XEP-0124 §13");
    row("bosh-wait-ignored", "wait-ignored", "XEP-0124 §7.1");
    row("bosh-hold-ignored", "hold-ignored", "XEP-0124 §8");
    row("bosh-wrong-namespace", "wrong-namespace", "RFC 6120 §4.8.3");
    row("bosh-iq-without-id", "iq-without-id", "RFC 6120 §8.2.3");
    row("bosh-iq-unanswered-by-client", "iq-unanswered", "RFC 6120 §8.2.3");
    row("bosh-iq-unanswered-by-server", "iq-unanswered", "RFC 6120 §8.2.3", "server");
    // WebSocket (RFC 7395)
    row("ws-stanza-before-open", "stanza-before-open", "RFC 7395 §3.4");
    row("ws-several-elements", "several-elements-in-message", "RFC 7395 §3.3.3");
    row("ws-no-close-before-disconnect", "no-close-before-disconnect", "RFC 7395 §3.6");
    row("ws-ping-unanswered", "ping-unanswered", "RFC 6455 §5.5.2");
    row("ws-no-restart-after-sasl", "no-restart-after-sasl", "RFC 7395 §3.7");
    row("ws-session-missing-to", "session-missing-to", "RFC 7395 §3.4");
    row("ws-wrong-namespace", "wrong-namespace", "RFC 6120 §4.8.3");
    row("ws-iq-without-id", "iq-without-id", "RFC 6120 §8.2.3");
}

void tst_LintProsody::eachProblemIsFoundWithItsClause()
{
    QFETCH(QString, scenario);
    QFETCH(QString, code);
    QFETCH(QString, clause);
    QFETCH(QString, side);
    const quint64 before = m_server->problems()->lastId();
    QSet<QString> known;
    for (const Monitor::Problem &p : m_server->problems()->problems())
        known.insert(p.session);
    for (const Monitor::SessionRecord &r : m_server->registry()->sessions())
        known.insert(r.id);

    const QString sid = run(scenario);
    if (QTest::currentTestFailed())
        return;
    const std::optional<Monitor::Problem> problem = waitForProblem(code, sid, before, known);
    QVERIFY2(problem, qPrintable(QStringLiteral("no %1 in session '%2'").arg(code, sid)));
    QCOMPARE(problem->clause, clause);
    QCOMPARE(Monitor::problemSideName(problem->side), side);
    QVERIFY(!problem->detail.isEmpty());
    m_bosh.clear();
    m_ws.clear();
}

QString tst_LintProsody::run(const QString &scenario)
{
    const QString alice = QStringLiteral("alice");
    auto bosh = [this]() -> BoshClient & {
        m_bosh.push_back(std::make_unique<BoshClient>(m_server->boshUrl()));
        return *m_bosh.back();
    };
    auto ws = [this]() -> RawWebSocket & {
        m_ws.push_back(std::make_unique<RawWebSocket>());
        RawWebSocket &socket = *m_ws.back();
        if (!socket.open(m_server->port(), "/xmpp-websocket"))
            qWarning() << "WebSocket handshake failed";
        return socket;
    };

    if (scenario == QLatin1String("bosh-rid-skipped")) {
        BoshClient &c = bosh();
        const QString sid = boshLoggedIn(c, alice);
        c.takeRid(); // never sent
        c.send({});  // the next one arrives; the one before it never does
        return sid;
    }
    if (scenario == QLatin1String("bosh-rid-reused")) {
        BoshClient &c = bosh();
        const QString sid = boshLoggedIn(c, alice);
        const qint64 rid = c.takeRid();
        BoshClient::wait(c.send({}, "<presence xmlns='jabber:client'/>", rid));
        c.send({}, "<presence xmlns='jabber:client'><show>away</show></presence>", rid);
        return sid;
    }
    if (scenario == QLatin1String("bosh-rid-out-of-window")) {
        BoshClient &c = bosh();
        const QString sid = boshLoggedIn(c, alice);
        c.send({}, {}, c.peekRid() + 10);
        return sid;
    }
    if (scenario == QLatin1String("bosh-too-many-requests")) {
        // hold=1, requests=2: one held, one skipped, and a third is one more than may be open.
        BoshClient &c = bosh();
        const QString sid = boshLoggedIn(c, alice);
        c.send({});
        // The held one must be the session's before the third is sent: over separate connections (and,
        // with several workers, a relay) the third could otherwise arrive first and be out of window.
        if (!QTest::qWaitFor([&] { return m_server->hub()->sessionCounters(sid).held == 1; }, 10000))
            qWarning() << "the first request was never held";
        c.takeRid();
        c.send({});
        return sid;
    }
    if (scenario == QLatin1String("bosh-polling-too-fast")) {
        // A polling session (hold=0): two empty polls at once, where `polling` asks for 2 s between.
        BoshClient &c = bosh();
        QMap<QString, QString> attrs = sessionAttrs();
        attrs.insert(QStringLiteral("hold"), QStringLiteral("0"));
        const BoshClient::Response created = c.request(attrs);
        const QString sid = created.attr(QStringLiteral("sid"));
        BoshClient::wait(c.send({{QStringLiteral("sid"), sid}}));
        BoshClient::wait(c.send({{QStringLiteral("sid"), sid}}));
        return sid;
    }
    if (scenario == QLatin1String("bosh-no-restart-after-sasl")) {
        BoshClient &c = bosh();
        const BoshClient::Response created = untilChildren(c, c.request(sessionAttrs()));
        const QString sid = created.attr(QStringLiteral("sid"));
        untilChildren(c, c.request({{QStringLiteral("sid"), sid}}, authPlain(alice, password(alice))));
        // Straight on with a stanza, no xmpp:restart.
        c.send({{QStringLiteral("sid"), sid}}, "<presence xmlns='jabber:client'/>");
        return sid;
    }
    if (scenario == QLatin1String("bosh-session-missing-to")) {
        BoshClient &c = bosh();
        QMap<QString, QString> attrs = sessionAttrs();
        attrs.remove(QStringLiteral("to"));
        c.request(attrs); // refused (improper-addressing): there is no sid to name
        return {};
    }
    if (scenario == QLatin1String("bosh-session-missing-lang")) {
        BoshClient &c = bosh();
        QMap<QString, QString> attrs = sessionAttrs();
        attrs.remove(QStringLiteral("xml:lang"));
        return c.request(attrs).attr(QStringLiteral("sid"));
    }
    if (scenario == QLatin1String("bosh-restart-missing-to") ||
        scenario == QLatin1String("bosh-restart-missing-lang")) {
        BoshClient &c = bosh();
        const BoshClient::Response created = untilChildren(c, c.request(sessionAttrs()));
        const QString sid = created.attr(QStringLiteral("sid"));
        untilChildren(c, c.request({{QStringLiteral("sid"), sid}}, authPlain(alice, password(alice))));
        QMap<QString, QString> restart{{QStringLiteral("sid"), sid},
                                       {QStringLiteral("xmpp:restart"), QStringLiteral("true")}};
        if (scenario.endsWith(QLatin1String("-lang")))
            restart.insert(QStringLiteral("to"), kDomain);
        else
            restart.insert(QStringLiteral("xml:lang"), QStringLiteral("en"));
        c.send(restart);
        return sid;
    }
    if (scenario == QLatin1String("bosh-traffic-after-terminate")) {
        BoshClient &c = bosh();
        const QString sid = boshLoggedIn(c, alice);
        c.terminate();
        c.request({}); // the session is over
        return sid;
    }
    if (scenario == QLatin1String("bosh-wait-ignored")) {
        // wait=10 asked for, but the client gives its held request up after a moment.
        BoshClient &c = bosh();
        const QString sid = boshLoggedIn(c, alice);
        QNetworkReply *held = c.send({});
        QTest::qWait(300);
        held->abort();
        held->deleteLater();
        return sid;
    }
    if (scenario == QLatin1String("bosh-hold-ignored")) {
        // hold=1, wait=2 asked for, then nothing held: the client does not poll.
        BoshClient &c = bosh();
        return boshLoggedIn(c, alice, {{QStringLiteral("wait"), QStringLiteral("2")}});
    }
    if (scenario == QLatin1String("bosh-wrong-namespace")) {
        BoshClient &c = bosh();
        const QString sid = boshLoggedIn(c, alice);
        c.send({}, "<message xmlns='jabber:server' to='alice@localhost'><body>hi</body></message>");
        return sid;
    }
    if (scenario == QLatin1String("bosh-iq-without-id")) {
        BoshClient &c = bosh();
        const QString sid = boshLoggedIn(c, alice);
        c.send({}, "<iq xmlns='jabber:client' type='get'><ping xmlns='urn:xmpp:ping'/></iq>");
        return sid;
    }
    if (scenario == QLatin1String("bosh-iq-unanswered-by-client") ||
        scenario == QLatin1String("bosh-iq-unanswered-by-server")) {
        // Alice asks Bob's resource; Bob's client never answers. Alice's IQ is unanswered from her
        // server's side, Bob's client leaves the IQ it got unanswered.
        BoshClient &a = bosh();
        BoshClient &b = bosh();
        const QString aliceSid = boshLoggedIn(a, alice);
        const QString bobSid = boshLoggedIn(b, QStringLiteral("bob"));
        b.startPolling();
        a.startPolling();
        a.sendStanza("<iq xmlns='jabber:client' type='get' id='lint-ping' to='" + b.jid().toUtf8() +
                     "'><ping xmlns='urn:xmpp:ping'/></iq>");
        b.waitForStanza([](const QDomElement &e) {
            return e.attribute(QStringLiteral("id")) == QLatin1String("lint-ping");
        });
        return scenario.endsWith(QLatin1String("client")) ? bobSid : aliceSid;
    }

    // A resource of the row's own: a JID names one session in the registry.
    const QString resource = QStringLiteral("lint-") + scenario;
    RawWebSocket *socket = nullptr;
    if (scenario.startsWith(QLatin1String("ws-")))
        socket = &ws();
    if (scenario == QLatin1String("ws-stanza-before-open")) {
        socket->sendText("<presence xmlns='jabber:client'/>");
        socket->waitForClose();
        return {};
    }
    if (scenario == QLatin1String("ws-no-restart-after-sasl")) {
        socket->sendText(kOpen);
        socket->waitForText("<stream:features");
        socket->sendText(authPlain(alice, password(alice)));
        socket->waitForText("<success");
        socket->sendText("<presence xmlns='jabber:client'/>");
        socket->roundTrip();
        return {};
    }
    if (scenario == QLatin1String("ws-session-missing-to")) {
        // Refused (host-unknown) before any session: there is no id to name.
        socket->sendText("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' version='1.0' xml:lang='en'/>");
        socket->waitForClose();
        return {};
    }
    if (!socket->login(kDomain, alice, password(alice), resource)) {
        qWarning() << "WebSocket login failed";
        return {};
    }
    // The registry learns the bound JID from the bind result on its next batch.
    QString sid;
    for (QDeadlineTimer deadline(10000); sid.isEmpty() && !deadline.hasExpired(); QTest::qWait(20))
        sid = wsSession(socket->jid());
    if (scenario == QLatin1String("ws-several-elements")) {
        socket->sendText("<presence xmlns='jabber:client'/><presence xmlns='jabber:client'/>");
    } else if (scenario == QLatin1String("ws-no-close-before-disconnect")) {
        socket->socket().abort();
    } else if (scenario == QLatin1String("ws-ping-unanswered")) {
        // RawWebSocket never answers a ping: stay quiet until one is sent and its pong is due.
    } else if (scenario == QLatin1String("ws-wrong-namespace")) {
        socket->sendText("<message xmlns='jabber:server' to='alice@localhost'><body>hi</body></message>");
    } else if (scenario == QLatin1String("ws-iq-without-id")) {
        socket->sendText("<iq xmlns='jabber:client' type='get'><ping xmlns='urn:xmpp:ping'/></iq>");
    } else {
        qWarning() << "unknown scenario" << scenario;
        return {};
    }
    return sid;
}

void tst_LintProsody::problemsAreListedInStatusJson()
{
    // One more problem of a known session, then the JSON names it under its session.
    m_bosh.push_back(std::make_unique<BoshClient>(m_server->boshUrl()));
    BoshClient &c = *m_bosh.back();
    const QString sid = boshLoggedIn(c, QStringLiteral("alice"));
    QVERIFY(!sid.isEmpty());
    c.send({}, "<iq xmlns='jabber:client' type='get'><ping xmlns='urn:xmpp:ping'/></iq>");
    QVERIFY(waitForProblem(QStringLiteral("iq-without-id"), sid, 0, {}));

    QNetworkAccessManager nam;
    QUrl url = m_server->boshUrl();
    url.setPath(QStringLiteral("/status.json"));
    QNetworkReply *reply = nam.get(QNetworkRequest(url));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    const QJsonObject status = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    QCOMPARE(status.value(QStringLiteral("lint")).toBool(), true);
    const QJsonArray problems = status.value(QStringLiteral("problems")).toObject().value(sid).toArray();
    QVERIFY(!problems.isEmpty());
    bool found = false;
    for (const QJsonValue &v : problems) {
        const QJsonObject p = v.toObject();
        // The server's error answer to it has no id either: that one is the server's.
        if (p.value(QStringLiteral("code")).toString() != QLatin1String("iq-without-id") ||
            p.value(QStringLiteral("side")).toString() != QLatin1String("client"))
            continue;
        found = true;
        QCOMPARE(p.value(QStringLiteral("clause")).toString(), QStringLiteral("RFC 6120 §8.2.3"));
        QCOMPARE(p.value(QStringLiteral("session")).toString(), sid);
        QVERIFY(!p.value(QStringLiteral("text")).toString().isEmpty());
        QVERIFY(p.value(QStringLiteral("id")).toInteger() > 0);
    }
    QVERIFY(found);
    m_bosh.clear();
}

void tst_LintProsody::noLintStateWhenNobodyListens()
{
    // Lint off: a session that opens now carries no lint state and reports nothing, whatever it does.
    m_server->problems()->setEnabled(false);
    QVERIFY(!m_server->hub()->wantsLint());
    m_bosh.push_back(std::make_unique<BoshClient>(m_server->boshUrl()));
    BoshClient &unlinted = *m_bosh.back();
    const QString unlintedSid = boshLoggedIn(unlinted, QStringLiteral("alice"));
    QVERIFY(!unlintedSid.isEmpty());
    m_server->problems()->setEnabled(true);
    QVERIFY(m_server->hub()->wantsLint());
    // Both sessions now send an IQ without id: only the one that opened with lint on is judged. Its
    // problem arriving means the other's would have by then (same requests, same path).
    m_bosh.push_back(std::make_unique<BoshClient>(m_server->boshUrl()));
    BoshClient &linted = *m_bosh.back();
    const QString lintedSid = boshLoggedIn(linted, QStringLiteral("alice"));
    const QByteArray iq = "<iq xmlns='jabber:client' type='get'><ping xmlns='urn:xmpp:ping'/></iq>";
    unlinted.request({}, iq);
    linted.request({}, iq);
    QVERIFY(waitForProblem(QStringLiteral("iq-without-id"), lintedSid, 0, {}));
    QVERIFY(m_server->problems()->problemsOf(unlintedSid).isEmpty());
    m_bosh.clear();
}

SWITCHBOARD_TEST_MAIN(tst_LintProsody)
#include "tst_lint_prosody.moc"
