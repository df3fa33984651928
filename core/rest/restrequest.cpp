// SPDX-License-Identifier: GPL-3.0-or-later
#include "rest/restrequest.h"

#include "xmpp/singlestanza.h"
#include "xmpp/xmlescape.h"

#include <QHash>
#include <QJsonDocument>

#include <algorithm>

namespace Switchboard::Rest {

namespace {

using Xmpp::xmlEscaped;

std::nullopt_t refuse(Refusal *refusal, const QString &message, const QString &field = {})
{
    refusal->status = 400;
    refusal->message = message;
    refusal->field = field;
    return std::nullopt;
}

/// XML 1.0 §2.2 Char: only what a stanza can carry (no C0 control but tab, LF and CR, no U+FFFE or
/// U+FFFF, no lone surrogate). JSON lets a client send any of them; one inside a stanza would be a
/// not-well-formed error that closes the session's stream (RFC 6120 §4.9.3.13).
bool xmlChars(QStringView text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text[i].unicode();
        if ((c < 0x20 && c != 0x9 && c != 0xA && c != 0xD) || c == 0xFFFE || c == 0xFFFF ||
            QChar::isLowSurrogate(c))
            return false;
        if (QChar::isHighSurrogate(c)) {
            if (i + 1 == text.size() || !QChar::isLowSurrogate(text[i + 1].unicode()))
                return false;
            ++i;
        }
    }
    return true;
}

std::nullopt_t refuseChars(Refusal *refusal, const QString &field)
{
    return refuse(refusal,
                  QStringLiteral("'%1' holds a character XML cannot carry (a control character, U+FFFE, "
                                 "U+FFFF or a lone surrogate)")
                      .arg(field),
                  field);
}

/// A string field: absent is fine when not `required`; anything but a string is not, nor an empty
/// required one, nor one with characters XML cannot carry.
bool stringField(const QJsonObject &object, const QString &name, bool required, QString *value,
                 Refusal *refusal)
{
    const QJsonValue v = object.value(name);
    if (v.isUndefined() && !required)
        return true;
    if (!v.isString() || (required && v.toString().isEmpty())) {
        refuse(refusal,
               QStringLiteral("'%1' must be a %2string")
                   .arg(name, required ? QStringLiteral("non-empty ") : QString()),
               name);
        return false;
    }
    if (!xmlChars(v.toString())) {
        refuseChars(refusal, name);
        return false;
    }
    *value = v.toString();
    return true;
}

} // namespace

std::optional<QJsonObject> parseJsonObject(const QByteArray &body, Refusal *refusal)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return refuse(
            refusal,
            QStringLiteral("bad JSON at offset %1: %2").arg(parseError.offset).arg(parseError.errorString()));
    if (!document.isObject())
        return refuse(refusal, QStringLiteral("the body must be a JSON object"));
    return document.object();
}

bool plausibleJid(const QString &jid, bool bare)
{
    if (jid.isEmpty() || jid.size() > 3071)
        return false;
    for (const QChar c : jid) {
        if (c.isSpace() || c.category() == QChar::Other_Control)
            return false;
    }
    const qsizetype slash = jid.indexOf(QLatin1Char('/'));
    if (bare && slash >= 0)
        return false;
    const QString address = slash >= 0 ? jid.left(slash) : jid;
    const qsizetype at = address.indexOf(QLatin1Char('@'));
    if (address.count(QLatin1Char('@')) > 1 || at == 0 || at == address.size() - 1 || address.isEmpty())
        return false;
    return !bare || at > 0;
}

bool checkPresence(const QJsonObject &presence, const QString &prefix, Refusal *refusal)
{
    static const QStringList shows = {QStringLiteral("away"), QStringLiteral("chat"), QStringLiteral("dnd"),
                                      QStringLiteral("xa")};
    const QJsonValue show = presence.value(QStringLiteral("show"));
    const QJsonValue status = presence.value(QStringLiteral("status"));
    const QJsonValue priority = presence.value(QStringLiteral("priority"));
    // RFC 6121 §4.7.2: show is one of four words, priority an integer from -128 to 127.
    if (!show.isUndefined() && (!show.isString() || !shows.contains(show.toString()))) {
        refuse(refusal, QStringLiteral("'%1show' must be away, chat, dnd or xa").arg(prefix),
               prefix + QStringLiteral("show"));
        return false;
    }
    if (!status.isUndefined() && !status.isString()) {
        refuse(refusal, QStringLiteral("'%1status' must be a string").arg(prefix),
               prefix + QStringLiteral("status"));
        return false;
    }
    if (!xmlChars(status.toString())) {
        refuseChars(refusal, prefix + QStringLiteral("status"));
        return false;
    }
    if (status.toString().toUtf8().size() > kMaxStatusBytes) {
        refuse(refusal,
               QStringLiteral("'%1status' must be at most %2 bytes").arg(prefix).arg(kMaxStatusBytes),
               prefix + QStringLiteral("status"));
        return false;
    }
    if (!priority.isUndefined() && (!priority.isDouble() || priority.toDouble() != double(priority.toInt()) ||
                                    priority.toInt() < -128 || priority.toInt() > 127)) {
        refuse(refusal, QStringLiteral("'%1priority' must be an integer from -128 to 127").arg(prefix),
               prefix + QStringLiteral("priority"));
        return false;
    }
    return true;
}

QByteArray presenceStanza(const QJsonObject &presence)
{
    QByteArray xml = "<presence xmlns='jabber:client'>";
    const QString show = presence.value(QStringLiteral("show")).toString();
    const QString status = presence.value(QStringLiteral("status")).toString();
    if (!show.isEmpty())
        xml += "<show>" + xmlEscaped(show) + "</show>";
    if (!status.isEmpty())
        xml += "<status>" + xmlEscaped(status) + "</status>";
    if (presence.contains(QStringLiteral("priority")))
        xml += "<priority>" + QByteArray::number(presence.value(QStringLiteral("priority")).toInt()) +
               "</priority>";
    return xml + "</presence>";
}

std::optional<QJsonObject> parsePresence(const QByteArray &body, Refusal *refusal)
{
    std::optional<QJsonObject> presence = parseJsonObject(body, refusal);
    if (!presence || !checkPresence(*presence, {}, refusal))
        return std::nullopt;
    return presence;
}

std::optional<QByteArray> parseSubscription(const QByteArray &data, Refusal *refusal)
{
    const std::optional<QJsonObject> body = parseJsonObject(data, refusal);
    if (!body)
        return std::nullopt;
    QString jid, action;
    if (!stringField(*body, QStringLiteral("jid"), true, &jid, refusal) ||
        !stringField(*body, QStringLiteral("action"), true, &action, refusal))
        return std::nullopt;
    // RFC 6121 §3.1.1: subscription requests and answers go to the contact's bare JID.
    if (!plausibleJid(jid, false) || jid.contains(QLatin1Char('/')))
        return refuse(refusal, QStringLiteral("'jid' must be a bare JID"), QStringLiteral("jid"));
    // RFC 6121 §3.1 (subscribe), §3.1.4 (approve: subscribed), §3.2.1 (deny, or cancel the contact's
    // subscription: unsubscribed), §3.3.1 (unsubscribe).
    static const QHash<QString, QByteArray> types = {{QStringLiteral("subscribe"), "subscribe"},
                                                     {QStringLiteral("approve"), "subscribed"},
                                                     {QStringLiteral("deny"), "unsubscribed"},
                                                     {QStringLiteral("unsubscribe"), "unsubscribe"}};
    const auto type = types.constFind(action);
    if (type == types.constEnd())
        return refuse(refusal, QStringLiteral("'action' must be subscribe, approve, deny or unsubscribe"),
                      QStringLiteral("action"));
    return "<presence xmlns='jabber:client' to='" + xmlEscaped(jid) + "' type='" + *type + "'/>";
}

std::optional<RestSession::Login> parseLogin(const QByteArray &data, Refusal *refusal)
{
    const std::optional<QJsonObject> body = parseJsonObject(data, refusal);
    if (!body)
        return std::nullopt;
    RestSession::Login login;
    if (!stringField(*body, QStringLiteral("jid"), true, &login.jid, refusal) ||
        !stringField(*body, QStringLiteral("password"), true, &login.password, refusal) ||
        !stringField(*body, QStringLiteral("resource"), false, &login.resource, refusal))
        return std::nullopt;
    if (!plausibleJid(login.jid, true))
        return refuse(refusal, QStringLiteral("'jid' must be a bare JID, user@domain"),
                      QStringLiteral("jid"));
    // RFC 6120 §7.7.2.1: a resourcepart is at most 1023 bytes.
    if (body->contains(QStringLiteral("resource")) &&
        (login.resource.isEmpty() || login.resource.toUtf8().size() > 1023))
        return refuse(refusal, QStringLiteral("'resource' must be 1 to 1023 bytes"),
                      QStringLiteral("resource"));
    const QJsonValue presence = body->value(QStringLiteral("presence"));
    if (presence.isUndefined() || presence.isNull()) {
        login.presence = QJsonObject();
    } else if (presence.isBool() && !presence.toBool()) {
        login.presence.reset();
    } else if (presence.isObject()) {
        const QJsonObject p = presence.toObject();
        if (!checkPresence(p, QStringLiteral("presence."), refusal))
            return std::nullopt;
        login.presence = p;
    } else {
        return refuse(refusal, QStringLiteral("'presence' must be an object or false"),
                      QStringLiteral("presence"));
    }
    return login;
}

std::optional<OutgoingMessage> parseMessage(const QByteArray &data, const std::function<QString()> &makeId,
                                            Refusal *refusal)
{
    const std::optional<QJsonObject> body = parseJsonObject(data, refusal);
    if (!body)
        return std::nullopt;
    QString to, text, type = QStringLiteral("chat"), id, subject, thread;
    if (!stringField(*body, QStringLiteral("to"), true, &to, refusal) ||
        !stringField(*body, QStringLiteral("body"), true, &text, refusal) ||
        !stringField(*body, QStringLiteral("type"), false, &type, refusal) ||
        !stringField(*body, QStringLiteral("id"), false, &id, refusal) ||
        !stringField(*body, QStringLiteral("subject"), false, &subject, refusal) ||
        !stringField(*body, QStringLiteral("thread"), false, &thread, refusal))
        return std::nullopt;
    if (!plausibleJid(to, false))
        return refuse(refusal, QStringLiteral("'to' must be a JID"), QStringLiteral("to"));
    // RFC 6121 §5.2.2: the message types.
    static const QStringList types = {QStringLiteral("chat"), QStringLiteral("normal"),
                                      QStringLiteral("headline"), QStringLiteral("groupchat")};
    if (!types.contains(type))
        return refuse(refusal, QStringLiteral("'type' must be chat, normal, headline or groupchat"),
                      QStringLiteral("type"));
    OutgoingMessage out;
    out.id = id.isEmpty() ? makeId() : id;
    out.xml = "<message xmlns='jabber:client' to='" + xmlEscaped(to) + "' type='" + type.toLatin1() +
              "' id='" + xmlEscaped(out.id) + "'>";
    if (!subject.isEmpty())
        out.xml += "<subject>" + xmlEscaped(subject) + "</subject>";
    out.xml += "<body>" + xmlEscaped(text) + "</body>";
    if (!thread.isEmpty())
        out.xml += "<thread>" + xmlEscaped(thread) + "</thread>";
    out.xml += "</message>";
    return out;
}

std::optional<CheckedStanza> checkStanza(const QByteArray &body, int maxDepth, Refusal *refusal)
{
    using Problem = Xmpp::SingleStanza::Problem;
    refusal->field = QStringLiteral("stanza");
    const Xmpp::SingleStanza stanza = Xmpp::parseSingleStanza(body, maxDepth);
    switch (stanza.problem) {
    case Problem::None:
        break;
    case Problem::TooDeep:
        refusal->message = QStringLiteral("nesting deeper than %1").arg(maxDepth);
        return std::nullopt;
    case Problem::Prolog:
        refusal->message = QStringLiteral(
            "only one element, without XML declaration, DOCTYPE, comment or processing instruction");
        return std::nullopt;
    case Problem::NotWellFormed:
        refusal->message = QStringLiteral("not well-formed XML: ") + stanza.parserError;
        return std::nullopt;
    case Problem::NotOne:
        refusal->message = QStringLiteral("exactly one element is needed");
        return std::nullopt;
    case Problem::NotAtStart:
        refusal->message = QStringLiteral("the stanza must begin with its element");
        return std::nullopt;
    }
    if (!stanza.namespaceUri.isEmpty() && stanza.namespaceUri != QLatin1String("jabber:client")) {
        refusal->message = QStringLiteral("the stanza must be in the jabber:client namespace");
        return std::nullopt;
    }
    if (stanza.prefixed) {
        // The stream counts and resends stanzas by their element (XEP-0198): a stanza is written the
        // way the server writes them, <message xmlns='jabber:client'>, not with a prefix.
        refusal->message = QStringLiteral("the stanza's element must not carry a namespace prefix");
        return std::nullopt;
    }
    if (stanza.name != QLatin1String("message") && stanza.name != QLatin1String("presence") &&
        stanza.name != QLatin1String("iq")) {
        refusal->message = QStringLiteral("the element must be <message/>, <presence/> or <iq/>");
        return std::nullopt;
    }
    CheckedStanza out;
    out.xml = stanza.xml;
    out.name = stanza.name;
    out.type = stanza.type;
    out.id = stanza.id;
    return out;
}

} // namespace Switchboard::Rest
