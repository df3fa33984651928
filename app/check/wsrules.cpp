// SPDX-License-Identifier: GPL-3.0-or-later
#include "wsrules.h"

#include "boshprobe.h"
#include "httpconnection.h"
#include "report.h"
#include "wsprobe.h"

#include <QRandomGenerator>

namespace Switchboard::Check {

namespace {

/// What a WebSocket upgrade with these settings met: refused (any answer but 101 Switching Protocols,
/// or the connection closed after the request), accepted, or no connection at all. A raw request, so a
/// refusal that keeps the connection open (an HTTP error page with keep-alive) is seen at once.
enum class Upgrade { Refused, Accepted, Unreachable };

Upgrade upgrade(const Options &options, const QByteArray &subprotocol, const QByteArray &origin,
                QString &seen)
{
    QUrl server = options.ws;
    server.setScheme(options.ws.scheme() == u"wss" ? QStringLiteral("https") : QStringLiteral("http"));
    QByteArray nonce(16, '\0'); // RFC 6455 §4.1: 16 random bytes, base64
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(nonce.data()), 4);
    QByteArray headers =
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + nonce.toBase64() +
        "\r\nSec-WebSocket-Version: 13\r\n";
    if (!subprotocol.isEmpty())
        headers += "Sec-WebSocket-Protocol: " + subprotocol + "\r\n";
    if (!origin.isEmpty())
        headers += "Origin: " + origin + "\r\n";
    HttpConnection connection(server);
    if (!connection.write(HttpConnection::request("GET", server, headers, QByteArray()), options.boundMs())) {
        seen = QStringLiteral("could not connect");
        return Upgrade::Unreachable;
    }
    if (!connection.waitForResponses(1, options.boundMs())) {
        if (connection.isClosed()) {
            seen = QStringLiteral("connection closed unanswered");
            return Upgrade::Refused;
        }
        seen = u"no answer to the upgrade in " + QString::number(options.timeoutS) + u" s";
        return Upgrade::Accepted;
    }
    const HttpResponse &response = connection.responses().constFirst();
    seen = u"HTTP " + QString::number(response.status);
    if (response.status != 101)
        return Upgrade::Refused;
    seen += u", Sec-WebSocket-Protocol: '" + QString::fromLatin1(response.header("sec-websocket-protocol")) +
            u"': the upgrade was accepted";
    return Upgrade::Accepted;
}

/// A SHOULD-refuse rule: PASS when refused, SKIP when the endpoint could not be reached at all.
void judgeRefusal(Report &report, const QString &rule, const QString &clause, Upgrade outcome,
                  const QString &seen)
{
    if (outcome == Upgrade::Unreachable)
        report.skip(rule, clause, Level::Should, seen);
    else
        report.judge(rule, clause, Level::Should, outcome == Upgrade::Refused, seen);
}

} // namespace

void runWebSocketRules(const Options &options, Report &report, WsProbe &session)
{
    const QString handshake = QStringLiteral("RFC 7395 §3.1");
    QString seen;
    const bool connected = session.connectSocket({QStringLiteral("xmpp")}, options.origin);
    report.judge(QStringLiteral("ws.subprotocol"), handshake, Level::Must,
                 connected && session.subprotocol() == u"xmpp",
                 connected ? u"Sec-WebSocket-Protocol: '" + session.subprotocol() + u'\''
                           : session.failure());

    const Upgrade without = upgrade(options, {}, options.origin, seen);
    judgeRefusal(report, QStringLiteral("ws.subprotocol.required"), handshake, without,
                 u"no subprotocol offered: " + seen);

    const QString originClause = QStringLiteral("RFC 6455 §10.2, RFC 7395 §9");
    if (options.origin.isEmpty()) {
        report.skip(QStringLiteral("ws.origin"), originClause, Level::Should,
                    QStringLiteral("no --origin given: an accepted origin is needed to judge a refusal"));
    } else if (!connected) {
        report.skip(QStringLiteral("ws.origin"), originClause, Level::Should,
                    u"the given origin " + QString::fromUtf8(options.origin) + u" is not accepted either");
    } else {
        const Upgrade bad = upgrade(options, "xmpp", "https://switchboard-check.invalid", seen);
        judgeRefusal(report, QStringLiteral("ws.origin"), originClause, bad,
                     u"Origin https://switchboard-check.invalid: " + seen);
    }

    const QStringList later{QStringLiteral("ws.open"),  QStringLiteral("ws.features"),
                            QStringLiteral("ws.login"), QStringLiteral("ws.restart"),
                            QStringLiteral("ws.bind"),  QStringLiteral("ws.namespace")};
    if (!connected) {
        for (const QString &rule : later)
            report.skip(rule, QStringLiteral("RFC 7395"), Level::Must, u"no WebSocket: " + session.failure());
        return;
    }
    const bool opened = session.open(seen);
    const QDomElement open = session.lastOpen();
    const bool openOk = !open.isNull() && open.namespaceURI() == kFramingNs &&
                        !open.attribute(QStringLiteral("id")).isEmpty() &&
                        open.attribute(QStringLiteral("version")) == u"1.0" &&
                        !open.attribute(QStringLiteral("from")).isEmpty();
    report.judge(QStringLiteral("ws.open"), QStringLiteral("RFC 7395 §3.4"), Level::Must, openOk,
                 open.isNull() ? seen
                               : u"<open xmlns='" + open.namespaceURI() + u"' from='" +
                                     open.attribute(QStringLiteral("from")) + u"' id='" +
                                     open.attribute(QStringLiteral("id")) + u"' version='" +
                                     open.attribute(QStringLiteral("version")) + u"'/>");
    report.judge(QStringLiteral("ws.features"), QStringLiteral("RFC 7395 §3.4"), Level::Must,
                 opened && session.lastFeatures().namespaceURI() == kStreamNs,
                 opened ? u"<features xmlns='" + session.lastFeatures().namespaceURI() +
                              u"'/> in its own message"
                        : seen);
    if (options.users.isEmpty()) {
        for (const QString &rule : later.mid(2))
            report.skip(rule, QStringLiteral("RFC 7395"), Level::Must, QStringLiteral("no --user given"));
        return;
    }
    const auto &[user, password] =
        options.users.size() > 1 ? options.users.at(1) : options.users.constFirst();
    const bool login = opened && session.authenticate(user, password, seen);
    report.judgeAfter(QStringLiteral("ws.login"), QStringLiteral("RFC 7395 §3.5, RFC 6120 §6"), Level::Must,
                      opened, QStringLiteral("no stream"), login,
                      u"SASL PLAIN success for " + localPart(user), seen);
    const bool restart = login && session.restart(seen);
    report.judgeAfter(QStringLiteral("ws.restart"), QStringLiteral("RFC 7395 §3.7"), Level::Must, login,
                      QStringLiteral("not logged in"), restart,
                      QStringLiteral("a new <open/> and features with <bind/>"), seen);
    const bool bind = restart && session.bind(seen);
    report.judgeAfter(QStringLiteral("ws.bind"), QStringLiteral("RFC 6120 §7"), Level::Must, restart,
                      QStringLiteral("no restart"), bind, u"bound " + session.jid(), seen);
    const QString bindNamespace = u"the bind result's namespace: '" + session.bindNamespace() + u'\'';
    report.judgeAfter(QStringLiteral("ws.namespace"), QStringLiteral("RFC 7395 §3.3.3"), Level::Must, bind,
                      QStringLiteral("no bind result"), session.bindNamespace() == kClientNs, bindNamespace,
                      bindNamespace);
}

void runMessageRules(const Options &options, Report &report, BoshProbe &bosh, WsProbe &ws)
{
    const QString clause = QStringLiteral("XEP-0206 §2, RFC 7395 §3.3.3");
    const QString toBosh = QStringLiteral("xmpp.message.ws-to-bosh");
    const QString toWs = QStringLiteral("xmpp.message.bosh-to-ws");
    if (bosh.jid().isEmpty() || ws.jid().isEmpty() || bosh.ended()) {
        const QString why = options.users.size() < 2
                                ? QStringLiteral("needs two --user accounts")
                                : QStringLiteral("needs a bound BOSH and a bound WebSocket session");
        report.skip(toBosh, clause, Level::Must, why);
        report.skip(toWs, clause, Level::Must, why);
        return;
    }
    const QString token = QString::number(QRandomGenerator::global()->generate64(), 36);
    ws.sendText("<message type='chat' id='m1' xmlns='jabber:client'" + xmlAttribute("to", bosh.jid()) +
                "><body>ws-" + token.toUtf8() + "</body></message>");
    const QDomElement atBosh = bosh.waitFor(
        [&](const QDomElement &e) {
            return e.localName() == u"message" &&
                   e.firstChildElement(QStringLiteral("body")).text() == u"ws-" + token;
        },
        options.httpBoundMs());
    report.judge(toBosh, clause, Level::Must, !atBosh.isNull(),
                 atBosh.isNull() ? QString(u"the message from " + ws.jid() + u" did not reach " + bosh.jid())
                                 : u"delivered from " + atBosh.attribute(QStringLiteral("from")));
    const BoshReply sent = bosh.send(bosh.nextBody("<message type='chat' id='m2' xmlns='jabber:client'" +
                                                   xmlAttribute("to", ws.jid()) + "><body>bosh-" +
                                                   token.toUtf8() + "</body></message>"));
    bosh.take(sent);
    const QDomElement atWs = ws.waitFor(
        [&](const QDomElement &e) {
            return e.localName() == u"message" &&
                   e.firstChildElement(QStringLiteral("body")).text() == u"bosh-" + token;
        },
        options.boundMs());
    report.judge(toWs, clause, Level::Must, !atWs.isNull(),
                 atWs.isNull() ? QString(u"the message from " + bosh.jid() + u" did not reach " + ws.jid())
                               : u"delivered from " + atWs.attribute(QStringLiteral("from")));
}

void runWebSocketCloseRules(const Options &options, Report &report, WsProbe &session)
{
    const QString clause = QStringLiteral("RFC 7395 §3.6");
    if (!session.isConnected()) {
        report.skip(QStringLiteral("ws.close"), clause, Level::Must, QStringLiteral("no open WebSocket"));
    } else {
        session.sendText("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
        const QDomElement close = session.waitForName(QStringLiteral("close"), options.boundMs());
        const bool closed = session.waitForDisconnected(options.boundMs());
        report.judge(QStringLiteral("ws.close"), clause, Level::Must,
                     !close.isNull() && close.namespaceURI() == kFramingNs && closed,
                     QString(close.isNull() ? QStringLiteral("no <close/> answer")
                                            : QStringLiteral("<close/> answered")) +
                         (closed ? QStringLiteral(", then the WebSocket closed")
                                 : QStringLiteral(", the WebSocket stayed open")));
    }
    const QStringList bad = session.badMessages();
    report.add(QStringLiteral("ws.framing"), QStringLiteral("RFC 7395 §3.3.3"), Level::Must,
               session.messageCount() == 0 ? Status::Skip
               : bad.isEmpty()             ? Status::Pass
                                           : Status::Fail,
               bad.isEmpty() ? QString(QString::number(session.messageCount()) +
                                       u" messages, each one complete element")
                             : u"not one complete element: " + bad.constFirst());
}

} // namespace Switchboard::Check
