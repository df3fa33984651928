// SPDX-License-Identifier: GPL-3.0-or-later
#include "hostilerules.h"

#include "boshprobe.h"
#include "report.h"
#include "wait.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QNetworkInterface>
#include <QTcpServer>

namespace Switchboard::Check {

namespace {

/// A new session can be created and ended: the endpoint survived the case before.
bool alive(const Options &options, QString &seen)
{
    BoshProbe probe(options);
    const BoshReply reply = probe.create();
    if (probe.sid().isEmpty()) {
        seen = u"not alive after it: a new session got " + reply.describe(options.httpBoundMs());
        return false;
    }
    probe.terminate();
    seen = QStringLiteral("alive after it");
    return true;
}

/// Judges one case: `ok` and `seen` from the case, then the liveness check.
void judge(const Options &options, Report &report, const QString &rule, const QString &clause, Level level,
           bool ok, const QString &seen)
{
    QString liveness;
    const bool live = alive(options, liveness);
    report.judge(rule, clause, level, ok && live, seen + u"; " + liveness);
}

/// A refusal in any of the forms the specs allow: an HTTP error, a terminate body, or the connection
/// closed.
bool isRefusal(const BoshReply &reply)
{
    return (reply.answered && (reply.http.status >= 400 || reply.isTerminate())) ||
           (!reply.answered && reply.closed);
}

bool isBadRequest(const BoshReply &reply)
{
    return reply.answered && ((reply.isTerminate() && reply.condition() == u"bad-request") ||
                              (reply.body.isNull() && reply.http.status == 400));
}

/// A live session for cases that need one; terminated when the case is over.
struct Session
{
    explicit Session(const Options &options) : probe(options) { probe.create(); }
    ~Session() { probe.terminate(); }
    BoshProbe probe;
};

void malformed(const Options &options, Report &report)
{
    BoshProbe probe(options);
    const QByteArray body =
        probe.creationBody().replace("/>", "><message xmlns='jabber:client'></presence></body>");
    const BoshReply reply = probe.send(body);
    judge(options, report, QStringLiteral("hostile.malformed"),
          QStringLiteral("XEP-0124 §17.2 (bad-request)"), Level::Must, isBadRequest(reply),
          u"mismatched tags: " + reply.describe(options.httpBoundMs()));
}

void truncated(const Options &options, Report &report)
{
    BoshProbe probe(options);
    // The start tag complete, a payload cut short; Content-Length counts exactly what is sent, so the
    // request is complete and its XML is not.
    const QByteArray body = probe.creationBody().replace("/>", "><presence xmlns='jabber:client'");
    const BoshReply reply = probe.send(body);
    judge(options, report, QStringLiteral("hostile.truncated"),
          QStringLiteral("XEP-0124 §17.2 (bad-request)"), Level::Must, isBadRequest(reply),
          u"session creation cut inside a complete Content-Length: " + reply.describe(options.httpBoundMs()));
}

void entities(const Options &options, Report &report)
{
    BoshProbe probe(options);
    // A billion laughs, ten levels deep: expanded it is gigabytes.
    QByteArray dtd = "<!DOCTYPE body [<!ENTITY e0 'lol'>";
    for (int i = 1; i < 10; ++i) {
        dtd += "<!ENTITY e" + QByteArray::number(i) + " '";
        for (int j = 0; j < 10; ++j)
            dtd += "&e" + QByteArray::number(i - 1) + ';';
        dtd += "'>";
    }
    dtd += "]>";
    const QByteArray body =
        "<?xml version='1.0'?>" + dtd + probe.creationBody().replace("/>", ">&e9;</body>");
    const BoshReply reply = probe.send(body);
    const bool expanded = reply.http.body.contains("lollol");
    judge(options, report, QStringLiteral("hostile.entities"), QStringLiteral("RFC 6120 §11.1"), Level::Must,
          isBadRequest(reply) && !expanded,
          u"entity expansion in a DTD: " + reply.describe(options.httpBoundMs()) +
              (expanded ? QStringLiteral(" (expanded in the answer)") : QString()));
}

void oversized(const Options &options, Report &report)
{
    Session session(options);
    if (session.probe.sid().isEmpty()) {
        report.skip(QStringLiteral("hostile.oversized"), QStringLiteral("XEP-0124 §17.2"), Level::Should,
                    QStringLiteral("no session was created"));
        return;
    }
    const QByteArray big(8 * 1024 * 1024, 'a');
    const BoshReply reply = session.probe.send(
        session.probe.nextBody("<message type='chat' xmlns='jabber:client'" +
                               xmlAttribute("to", options.domain) + "><body>" + big + "</body></message>"));
    judge(options, report, QStringLiteral("hostile.oversized"),
          QStringLiteral("XEP-0124 §17.2, RFC 9110 §15.5.14"), Level::Should, isRefusal(reply),
          u"an 8 MiB body: " + reply.describe(options.httpBoundMs()));
}

void nested(const Options &options, Report &report)
{
    Session session(options);
    if (session.probe.sid().isEmpty()) {
        report.skip(QStringLiteral("hostile.nested"), QStringLiteral("XEP-0124 §17.2"), Level::Should,
                    QStringLiteral("no session was created"));
        return;
    }
    constexpr int depth = 4000; // 28 KB: under common body limits, so the depth is what is judged
    QByteArray payload =
        "<message type='chat' xmlns='jabber:client'" + xmlAttribute("to", options.domain) + '>';
    payload += QByteArray("<x>").repeated(depth) + QByteArray("</x>").repeated(depth) + "</message>";
    const BoshReply reply = session.probe.send(session.probe.nextBody(payload));
    judge(options, report, QStringLiteral("hostile.nested"), QStringLiteral("XEP-0124 §17.2"), Level::Should,
          isRefusal(reply),
          QString::number(depth) + u" nested elements: " + reply.describe(options.httpBoundMs()));
}

void slow(const Options &options, Report &report)
{
    HttpConnection connection(options.bosh);
    const QByteArray request = HttpConnection::post(options.bosh, BoshProbe(options).creationBody());
    QElapsedTimer clock;
    clock.start();
    if (!connection.open(options.boundMs())) {
        judge(options, report, QStringLiteral("hostile.slow"),
              QStringLiteral("RFC 9110 §15.5.9, RFC 9112 §9.5"), Level::Should, false,
              QStringLiteral("could not connect"));
        return;
    }
    bool cut = false;
    qsizetype sent = 0;
    // One byte a second, the way a slow-loris client holds a connection and a buffer.
    while (!cut && sent < request.size() && clock.elapsed() < qint64(options.slowLimitS) * 1000) {
        connection.write(request.mid(sent, 1));
        ++sent;
        cut = connection.waitForClosed(1000) || !connection.responses().isEmpty();
    }
    const bool answered = !connection.responses().isEmpty();
    const int status = answered ? connection.responses().constFirst().status : 0;
    const bool ok = cut && (!answered || status == 408 || status == 400);
    judge(options, report, QStringLiteral("hostile.slow"), QStringLiteral("RFC 9110 §15.5.9, RFC 9112 §9.5"),
          Level::Should, ok,
          ok ? QString(u"a request sent a byte a second was cut after " +
                       QString::number(clock.elapsed() / 1000) + u" s (" + QString::number(sent) + u" bytes" +
                       (answered ? u", HTTP " + QString::number(status) : QString()) + u')')
          : answered
              ? QString(u"the trickled request was answered HTTP " + QString::number(status))
              : u"a request sent a byte a second was still open after " +
                    QString::number(options.slowLimitS) + u" s (" + QString::number(sent) + u" bytes)");
}

void framing(const Options &options, Report &report)
{
    BoshProbe probe(options);
    // RFC 9112 §6.3: with Transfer-Encoding, Content-Length is ignored (or the request refused). A
    // server that frames by Content-Length reads only the chunk size line as the body, then takes the
    // chunk's content, a complete session creation, as the next request on the connection.
    const QByteArray hidden = HttpConnection::post(options.bosh, probe.creationBody());
    const QByteArray sizeLine = QByteArray::number(hidden.size(), 16) + "\r\n";
    const QByteArray chunked = sizeLine + hidden + "\r\n0\r\n\r\n";
    QByteArray path = options.bosh.path(QUrl::FullyEncoded).toLatin1();
    const QByteArray bytes = "POST " + (path.isEmpty() ? QByteArray("/") : path) +
                             " HTTP/1.1\r\nHost: " + options.bosh.authority(QUrl::FullyEncoded).toLatin1() +
                             "\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: " +
                             QByteArray::number(sizeLine.size()) + "\r\nTransfer-Encoding: chunked\r\n\r\n" +
                             chunked;
    HttpConnection connection(options.bosh);
    connection.write(bytes, options.boundMs());
    connection.waitForResponses(2, options.httpBoundMs());
    QStringList seen;
    QString hiddenSid;
    for (const HttpResponse &response : connection.responses()) {
        seen.append(u"HTTP " + QString::number(response.status));
        QDomDocument document;
        if (document.setContent(response.body, true) &&
            document.documentElement().hasAttribute(QStringLiteral("sid")))
            hiddenSid = document.documentElement().attribute(QStringLiteral("sid"));
    }
    if (!hiddenSid.isEmpty()) {
        // End the session the hidden request made.
        BoshReply made;
        made.answered = true;
        made.document.setContent(QByteArray("<body xmlns='http://jabber.org/protocol/httpbind' sid='") +
                                     hiddenSid.toUtf8() + "'/>",
                                 true);
        made.body = made.document.documentElement();
        probe.adopt(made);
        probe.terminate();
    }
    const bool refusedOrChunked = hiddenSid.isEmpty() && !connection.responses().isEmpty();
    judge(
        options, report, QStringLiteral("hostile.framing"), QStringLiteral("RFC 9112 §6.3, §11.2"),
        Level::Must, refusedOrChunked,
        u"Content-Length with Transfer-Encoding: chunked: " +
            (seen.isEmpty() ? QStringLiteral("no answer") : seen.join(QStringLiteral(", "))) +
            (hiddenSid.isEmpty()
                 ? QString()
                 : QStringLiteral("; the request hidden in the chunk was executed (a session was created)")));
}

bool isLocalAddress(const QHostAddress &address)
{
    return address.isLoopback() || QNetworkInterface::allAddresses().contains(address);
}

void route(const Options &options, Report &report)
{
    const QString rule = QStringLiteral("hostile.route");
    const QString clause = QStringLiteral("XEP-0124 §7.1 (route)");
    // The probe names an address on the BOSH host itself: when that is this machine, a listener here
    // sees whether the endpoint connects where a client tells it to.
    const QHostAddress host(options.bosh.host());
    QTcpServer trap;
    bool trapped = false;
    quint16 port = 9; // discard: nothing listens, nothing is reached
    if (!host.isNull() && isLocalAddress(host) && trap.listen(host, 0)) {
        port = trap.serverPort();
        QObject::connect(&trap, &QTcpServer::newConnection, &trap, [&] {
            trapped = true;
            while (QTcpSocket *socket = trap.nextPendingConnection())
                socket->abort();
        });
    }
    BoshProbe probe(options);
    const QByteArray target =
        "xmpp:" + options.bosh.host(QUrl::FullyEncoded).toLatin1() + ':' + QByteArray::number(port);
    const BoshReply reply = probe.create(xmlAttribute("route", QString::fromLatin1(target)));
    pause(200); // a connection attempt may trail the answer
    const bool triedToConnect = trapped || reply.condition() == u"remote-connection-failed";
    probe.terminate();
    judge(options, report, rule, clause, Level::Should, !triedToConnect,
          u"route='" + QString::fromLatin1(target) + u"': " + reply.describe(options.httpBoundMs()) +
              (trapped ? QStringLiteral("; it connected there") : QString()));
}

void to(const Options &options, Report &report)
{
    BoshProbe probe(options);
    QByteArray body = probe.creationBody();
    body.replace(xmlAttribute("to", options.domain),
                 xmlAttribute("to", QStringLiteral("switchboard-check.invalid")));
    const BoshReply reply = probe.send(body);
    probe.adopt(reply);
    probe.terminate();
    const bool refused = reply.isTerminate() && (reply.condition() == u"host-unknown" ||
                                                 reply.condition() == u"improper-addressing");
    judge(options, report, QStringLiteral("hostile.to"), QStringLiteral("XEP-0124 §17.2 (host-unknown)"),
          Level::Should, refused,
          u"to='switchboard-check.invalid': " + reply.describe(options.httpBoundMs()));
}

} // namespace

void runHostileRules(const Options &options, Report &report)
{
    malformed(options, report);
    truncated(options, report);
    entities(options, report);
    oversized(options, report);
    nested(options, report);
    framing(options, report);
    route(options, report);
    to(options, report);
    slow(options, report);
}

} // namespace Switchboard::Check
