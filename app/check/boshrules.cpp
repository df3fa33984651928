// SPDX-License-Identifier: GPL-3.0-or-later
#include "boshrules.h"

#include "boshprobe.h"
#include "report.h"

namespace Switchboard::Check {

namespace {

const QString kCreate = QStringLiteral("XEP-0124 §7.1");

/// XEP-0124 §17.2 item-not-found, or its legacy HTTP form (404, §17.1).
bool isItemNotFound(const BoshReply &reply)
{
    return reply.answered && ((reply.isTerminate() && reply.condition() == u"item-not-found") ||
                              (reply.body.isNull() && reply.http.status == 404));
}

void skipAll(Report &report, const QStringList &rules, const QString &clause, Level level, const QString &why)
{
    for (const QString &rule : rules)
        report.skip(rule, clause, level, why);
}

void creationRules(const Options &options, Report &report, BoshProbe &session)
{
    const BoshReply &reply = session.creation();
    const QString sid = reply.attribute(QStringLiteral("sid"));
    report.judge(QStringLiteral("bosh.create.sid"), kCreate, Level::Must, !sid.isEmpty(),
                 sid.isEmpty() ? reply.describe(options.httpBoundMs())
                               : u"sid of " + QString::number(sid.size()) + u" characters");
    if (sid.isEmpty()) {
        skipAll(report,
                {QStringLiteral("bosh.create.wait"), QStringLiteral("bosh.create.requests"),
                 QStringLiteral("bosh.create.hold"), QStringLiteral("bosh.create.inactivity"),
                 QStringLiteral("bosh.create.polling"), QStringLiteral("bosh.create.ver"),
                 QStringLiteral("bosh.content-type"), QStringLiteral("xbosh.version"),
                 QStringLiteral("xbosh.restartlogic")},
                kCreate, Level::Should, QStringLiteral("no session was created"));
        return;
    }
    bool ok = false;
    const int wait = reply.attribute(QStringLiteral("wait")).toInt(&ok);
    report.judge(QStringLiteral("bosh.create.wait"), kCreate, Level::Must,
                 ok && wait <= options.boshWait() && wait >= 0,
                 ok ? u"wait='" + QString::number(wait) + u"' for wait='" +
                          QString::number(options.boshWait()) + u"' asked"
                    : QStringLiteral("no wait attribute"));
    const int hold = reply.attribute(QStringLiteral("hold")).toInt(&ok);
    const bool holdOk = ok;
    report.judge(QStringLiteral("bosh.create.hold"), kCreate, Level::Should, holdOk && hold <= 1 && hold >= 0,
                 holdOk ? u"hold='" + QString::number(hold) + u"' for hold='1' asked"
                        : QStringLiteral("no hold attribute"));
    const int requests = reply.attribute(QStringLiteral("requests")).toInt(&ok);
    report.judge(
        QStringLiteral("bosh.create.requests"), kCreate, Level::Should, ok && requests > (holdOk ? hold : 0),
        ok ? u"requests='" + QString::number(requests) + u"' with hold='" + QString::number(hold) + u'\''
           : QStringLiteral("no requests attribute"));
    for (const char *name : {"inactivity", "polling"}) {
        const QString value = reply.attribute(QLatin1String(name));
        value.toInt(&ok);
        report.judge(u"bosh.create." + QLatin1String(name), kCreate, Level::Should, ok,
                     ok ? QString(QLatin1String(name) + u"='" + value + u'\'')
                        : u"no " + QLatin1String(name) + u" attribute" +
                              (value.isEmpty() ? QString() : u" (" + value + u')'));
    }
    const QString ver = reply.attribute(QStringLiteral("ver"));
    report.judge(QStringLiteral("bosh.create.ver"), kCreate, Level::Should, ver.startsWith(u"1."),
                 ver.isEmpty() ? QStringLiteral("no ver attribute") : u"ver='" + ver + u'\'');
    const QByteArray contentType = reply.http.header("content-type");
    report.judge(QStringLiteral("bosh.content-type"), QStringLiteral("XEP-0124 §7.1 (content)"),
                 Level::Should, contentType.toLower().replace(' ', "") == "text/xml;charset=utf-8",
                 u"Content-Type: " + QString::fromLatin1(contentType));
    const QString version = reply.xmppAttribute(QStringLiteral("version"));
    report.judge(
        QStringLiteral("xbosh.version"), QStringLiteral("XEP-0206 §4"), Level::Should, version == u"1.0",
        version.isEmpty() ? QStringLiteral("no xmpp:version (urn:xmpp:xbosh) in the creation response")
                          : u"xmpp:version='" + version + u'\'');
    const QString restartLogic = reply.xmppAttribute(QStringLiteral("restartlogic"));
    report.judge(QStringLiteral("xbosh.restartlogic"), QStringLiteral("XEP-0206 §4 (restartlogic)"),
                 Level::May, restartLogic == u"true",
                 restartLogic.isEmpty() ? QStringLiteral("no xmpp:restartlogic (urn:xmpp:xbosh)")
                                        : u"xmpp:restartlogic='" + restartLogic + u'\'');
}

} // namespace

void runBoshSessionRules(const Options &options, Report &report, BoshProbe &session)
{
    session.create();
    creationRules(options, report, session);
    const QStringList loginRules{QStringLiteral("xbosh.features"), QStringLiteral("xbosh.login"),
                                 QStringLiteral("xbosh.restart"), QStringLiteral("xbosh.bind"),
                                 QStringLiteral("xbosh.namespace")};
    if (session.sid().isEmpty()) {
        skipAll(report, loginRules, QStringLiteral("XEP-0206"), Level::Must,
                QStringLiteral("no session was created"));
        return;
    }
    QString seen;
    const bool features = session.waitForFeatures(seen);
    report.judge(QStringLiteral("xbosh.features"), QStringLiteral("XEP-0206 §4"), Level::Should, features,
                 features ? QStringLiteral("stream features in a <body/> with the streams namespace") : seen);
    if (options.users.isEmpty()) {
        skipAll(report, loginRules.mid(1), QStringLiteral("XEP-0206"), Level::Must,
                QStringLiteral("no --user given"));
        return;
    }
    const auto &[user, password] = options.users.constFirst();
    const bool login = features && session.authenticate(user, password, seen);
    report.judgeAfter(QStringLiteral("xbosh.login"), QStringLiteral("XEP-0206 §5, RFC 6120 §6"), Level::Must,
                      features, QStringLiteral("no stream features"), login,
                      u"SASL PLAIN success for " + localPart(user), seen);
    const bool restart = login && session.restart(seen);
    report.judgeAfter(QStringLiteral("xbosh.restart"), QStringLiteral("XEP-0206 §5"), Level::Should, login,
                      QStringLiteral("not logged in"), restart,
                      QStringLiteral("new stream features with <bind/>"), seen);
    const bool bind = restart && session.bind(seen);
    report.judgeAfter(QStringLiteral("xbosh.bind"), QStringLiteral("RFC 6120 §7"), Level::Must, restart,
                      QStringLiteral("no restart"), bind, u"bound " + session.jid(), seen);
    const QString bindNamespace = u"the bind result's namespace: '" + session.bindNamespace() + u'\'';
    report.judgeAfter(QStringLiteral("xbosh.namespace"), QStringLiteral("XEP-0206 §2"), Level::Should, bind,
                      QStringLiteral("no bind result"), session.bindNamespace() == kClientNs, bindNamespace,
                      bindNamespace);
}

namespace {

void resendRule(const Options &options, Report &report, BoshProbe &session)
{
    const QString rule = QStringLiteral("bosh.rid.resend");
    const QString clause = QStringLiteral("XEP-0124 §14.3");
    if (session.jid().isEmpty() || session.ended()) {
        report.skip(rule, clause, Level::Must, QStringLiteral("needs a logged-in session"));
        return;
    }
    // A ping, so the answer carries a payload a held-again request would not.
    const QByteArray body =
        session.nextBody("<iq type='get' id='resend1' xmlns='jabber:client'" +
                         xmlAttribute("to", options.domain) + "><ping xmlns='urn:xmpp:ping'/></iq>");
    const BoshReply first = session.send(body);
    session.take(first);
    if (!first.answered || first.http.status != 200) {
        report.fail(rule, clause, Level::Must,
                    u"the original request: " + first.describe(options.httpBoundMs()));
        return;
    }
    const BoshReply again = session.send(body);
    session.take(again);
    const bool same = again.answered && again.http.status == 200 && again.http.body == first.http.body;
    QString seen =
        same ? QString(u"the same response again (" + QString::number(first.http.body.size()) + u" bytes)")
             : u"first " + first.describe() + u", the resend got " + again.describe(options.httpBoundMs());
    if (same && first.children().isEmpty())
        seen += QStringLiteral(" (both without payload: the cache was not distinguishable)");
    report.judge(rule, clause, Level::Must, same, seen);
}

void unknownSidRule(const Options &options, Report &report)
{
    BoshProbe probe(options);
    const BoshReply reply = probe.send("<body rid='1' sid='switchboard-check-no-such-sid' "
                                       "xmlns='http://jabber.org/protocol/httpbind'/>");
    report.judge(QStringLiteral("bosh.sid.unknown"), QStringLiteral("XEP-0124 §17.2 (item-not-found)"),
                 Level::Must, isItemNotFound(reply), reply.describe(options.httpBoundMs()));
}

void windowRules(const Options &options, Report &report)
{
    const QString clause = QStringLiteral("XEP-0124 §14.1");
    BoshProbe probe(options);
    probe.create();
    if (probe.sid().isEmpty()) {
        report.skip(QStringLiteral("bosh.rid.window"), clause, Level::Must,
                    QStringLiteral("no session was created"));
        report.skip(QStringLiteral("bosh.rid.window.ends"), clause, Level::Must,
                    QStringLiteral("no session was created"));
        return;
    }
    const qint64 far = probe.lastRid() + probe.requests() + 10;
    const BoshReply beyond = probe.send(probe.bodyWithRid(far));
    report.judge(QStringLiteral("bosh.rid.window"), clause, Level::Must, isItemNotFound(beyond),
                 u"rid " + QString::number(far - probe.lastRid()) + u" past the last (requests='" +
                     QString::number(probe.requests()) + u"'): " + beyond.describe(options.httpBoundMs()));
    // §14.1: the session MUST be terminated, so the next rid in the window finds no session.
    const BoshReply next = probe.send(probe.nextBody());
    report.judge(QStringLiteral("bosh.rid.window.ends"), clause, Level::Must, isItemNotFound(next),
                 isItemNotFound(next) ? QString(u"then the next rid in the window: " + next.describe())
                                      : u"the session stayed usable: the next rid in the window got " +
                                            next.describe(options.httpBoundMs()));
    probe.terminate();
}

void overactivityRule(const Options &options, Report &report)
{
    const QString rule = QStringLiteral("bosh.overactivity");
    const QString clause = QStringLiteral("XEP-0124 §11");
    BoshProbe probe(options);
    probe.create();
    if (probe.sid().isEmpty()) {
        report.skip(rule, clause, Level::Should, QStringLiteral("no session was created"));
        return;
    }
    // requests + 1 new empty requests at once: one more than the session allows open.
    std::vector<std::unique_ptr<HttpConnection>> open;
    for (int i = 0; i <= probe.requests(); ++i)
        open.push_back(probe.start(probe.nextBody()));
    bool refused = false;
    QStringList seen;
    for (const auto &connection : open) {
        const BoshReply reply = probe.finish(*connection, options.httpBoundMs());
        refused = refused || (reply.isTerminate() && reply.condition() == u"policy-violation") ||
                  (reply.body.isNull() && reply.http.status == 403);
        seen.append(reply.describe(options.httpBoundMs()));
    }
    report.judge(rule, clause, Level::Should, refused,
                 QString::number(open.size()) + u" requests open with requests='" +
                     QString::number(probe.requests()) + u"': " + seen.join(QStringLiteral("; ")));
    probe.terminate();
}

void pauseRules(const Options &options, Report &report)
{
    const QString clause = QStringLiteral("XEP-0124 §10");
    BoshProbe probe(options);
    probe.create();
    const QString maxPause = probe.creation().attribute(QStringLiteral("maxpause"));
    if (probe.sid().isEmpty()) {
        report.skip(QStringLiteral("bosh.pause"), clause, Level::May,
                    QStringLiteral("no session was created"));
        report.skip(QStringLiteral("bosh.pause.honoured"), clause, Level::Must,
                    QStringLiteral("no session was created"));
        return;
    }
    report.judge(QStringLiteral("bosh.pause"), clause, Level::May, !maxPause.isEmpty(),
                 maxPause.isEmpty()
                     ? QStringLiteral("no maxpause in the creation response: pausing not offered")
                     : u"maxpause='" + maxPause + u'\'');
    if (maxPause.isEmpty()) {
        report.skip(QStringLiteral("bosh.pause.honoured"), clause, Level::Must,
                    QStringLiteral("pausing not offered"));
        probe.terminate();
        return;
    }
    const int seconds = qBound(1, qMin(maxPause.toInt(), options.timeoutS), 3600);
    const auto held = probe.start(probe.nextBody());
    const BoshReply pause = probe.send(probe.nextBody({}, " pause='" + QByteArray::number(seconds) + '\''));
    // §10: the pause answers every held request at once.
    const BoshReply heldReply = probe.finish(*held, options.boundMs());
    const BoshReply after = probe.send(probe.nextBody());
    const bool ok = pause.answered && pause.http.status == 200 && !pause.isTerminate() &&
                    heldReply.answered && heldReply.http.status == 200 && after.answered &&
                    after.http.status == 200 && !after.isTerminate();
    report.judge(QStringLiteral("bosh.pause.honoured"), clause, Level::Must, ok,
                 u"pause='" + QString::number(seconds) + u"': " + pause.describe(options.httpBoundMs()) +
                     u"; the held request: " + heldReply.describe(options.boundMs()) +
                     u"; the next request: " + after.describe(options.httpBoundMs()));
    probe.terminate();
}

void corsRule(const Options &options, Report &report)
{
    const QString rule = QStringLiteral("bosh.cors");
    const QString clause = QStringLiteral("Fetch (CORS preflight)");
    const QByteArray origin = options.origin.isEmpty() ? QByteArray("https://check.invalid") : options.origin;
    BoshProbe probe(options);
    const BoshReply created = probe.create({}, "Origin: " + origin + "\r\n");
    const QByteArray allowed = created.http.header("access-control-allow-origin");
    if (allowed.isEmpty()) {
        report.skip(rule, clause, Level::Should,
                    u"no Access-Control-Allow-Origin for Origin " + QString::fromUtf8(origin) +
                        u": CORS not offered");
    } else {
        const auto connection = std::make_unique<HttpConnection>(options.bosh);
        connection->write(HttpConnection::request("OPTIONS", options.bosh,
                                                  "Origin: " + origin +
                                                      "\r\nAccess-Control-Request-Method: POST\r\n"
                                                      "Access-Control-Request-Headers: content-type\r\n",
                                                  QByteArray()),
                          options.boundMs());
        const bool answered = connection->waitForResponses(1, options.boundMs());
        const HttpResponse response = answered ? connection->responses().constFirst() : HttpResponse{};
        const QByteArray preflightOrigin = response.header("access-control-allow-origin");
        const QByteArray methods = response.header("access-control-allow-methods");
        const bool ok = answered && response.status / 100 == 2 &&
                        (preflightOrigin == origin || preflightOrigin == "*") &&
                        methods.toUpper().contains("POST");
        report.judge(rule, clause, Level::Should, ok,
                     answered ? u"OPTIONS: HTTP " + QString::number(response.status) + u", Allow-Origin '" +
                                    QString::fromUtf8(preflightOrigin) + u"', Allow-Methods '" +
                                    QString::fromUtf8(methods) + u'\''
                              : QStringLiteral("OPTIONS unanswered"));
    }
    probe.terminate(); // the session the POST made is not needed
}

void getRule(const Options &options, Report &report)
{
    BoshProbe probe(options);
    QUrl url = options.bosh;
    url.setQuery(u"data=" +
                 QString::fromLatin1(QUrl::toPercentEncoding(QString::fromUtf8(probe.creationBody()))));
    const BoshReply reply =
        probe.exchange(HttpConnection::request("GET", url, {}, QByteArray()), options.httpBoundMs());
    const QString sid = reply.attribute(QStringLiteral("sid"));
    report.judge(QStringLiteral("bosh.get"), QStringLiteral("XEP-0124 Script Syntax (GET form)"), Level::May,
                 !sid.isEmpty(),
                 sid.isEmpty() ? u"GET ?data=: " + reply.describe(options.httpBoundMs())
                               : QStringLiteral("GET ?data= created a session"));
    if (!sid.isEmpty()) {
        BoshProbe ender(options);
        ender.adopt(reply);
        ender.terminate();
    }
}

void terminateRules(const Options &options, Report &report, BoshProbe &session)
{
    const QString clause = QStringLiteral("XEP-0124 §13");
    if (session.sid().isEmpty() || session.ended()) {
        report.skip(QStringLiteral("bosh.terminate"), clause, Level::Must, QStringLiteral("no live session"));
        report.skip(QStringLiteral("bosh.terminate.ends"), clause, Level::Must,
                    QStringLiteral("no live session"));
        return;
    }
    const BoshReply reply = session.send(
        session.nextBody("<presence type='unavailable' xmlns='jabber:client'/>", " type='terminate'"));
    report.judge(QStringLiteral("bosh.terminate"), clause, Level::Must, reply.isTerminate(),
                 reply.describe(options.httpBoundMs()));
    const BoshReply after = session.send(session.nextBody());
    report.judge(QStringLiteral("bosh.terminate.ends"), clause, Level::Must, isItemNotFound(after),
                 u"the next request: " + after.describe(options.httpBoundMs()));
}

} // namespace

void runBoshRules(const Options &options, Report &report, BoshProbe &session)
{
    resendRule(options, report, session);
    unknownSidRule(options, report);
    windowRules(options, report);
    overactivityRule(options, report);
    pauseRules(options, report);
    corsRule(options, report);
    getRule(options, report);
    terminateRules(options, report, session);
}

} // namespace Switchboard::Check
