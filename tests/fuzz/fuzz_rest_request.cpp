// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the checks of what REST clients send (core/rest/restrequest.h): the log-in body of
// POST /sessions, the message body of POST /messages, the stanza of POST /stanzas, the presence of
// PUT /presence and the subscription of POST /subscriptions. Whatever they
// accept must become XML the server link can carry: one well-formed element in jabber:client, so a
// client can never break or inject into the session's XMPP stream (RFC 6120 §11.1, §4.9.3.13).
#include "rest/restrequest.h"
#include "xmpp/xmlescape.h"

#include <QXmlStreamReader>

#include <cstddef>
#include <cstdint>

namespace {

using namespace Switchboard::Rest;

/// `xml` is one element named `name` in jabber:client and nothing else but blanks around it: no
/// comment, DTD or processing instruction (RFC 6120 §11.1).
bool oneElement(const QByteArray &xml, QStringView name)
{
    QXmlStreamReader reader(xml);
    int depth = 0;
    int roots = 0;
    while (!reader.atEnd()) {
        switch (reader.readNext()) {
        case QXmlStreamReader::StartElement:
            if (depth++ == 0) {
                ++roots;
                if (reader.name() != name || reader.namespaceUri() != QLatin1String("jabber:client"))
                    return false;
            }
            break;
        case QXmlStreamReader::EndElement:
            --depth;
            break;
        case QXmlStreamReader::Characters:
            if (depth == 0 && !reader.isWhitespace())
                return false;
            break;
        case QXmlStreamReader::DTD:
        case QXmlStreamReader::Comment:
        case QXmlStreamReader::EntityReference:
        case QXmlStreamReader::ProcessingInstruction:
            return false;
        default:
            break;
        }
    }
    return !reader.hasError() && roots == 1 && xml.startsWith('<');
}

/// A string the client sent, as the session puts it into the stream.
bool escapesCleanly(const QString &text)
{
    return oneElement("<x xmlns='jabber:client' a='" + Switchboard::Xmpp::xmlEscaped(text) + "'>" +
                          Switchboard::Xmpp::xmlEscaped(text) + "</x>",
                      u"x");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    Refusal refusal;

    if (const auto login = parseLogin(input, &refusal)) {
        if (!plausibleJid(login->jid, true) || login->resource.toUtf8().size() > 1023 ||
            !escapesCleanly(login->jid) || !escapesCleanly(login->resource))
            __builtin_trap();
        if (login->presence && !escapesCleanly(login->presence->value(QStringLiteral("status")).toString()))
            __builtin_trap();
    } else if (refusal.status != 400 || refusal.message.isEmpty()) {
        __builtin_trap();
    }

    refusal = Refusal();
    if (const auto message = parseMessage(
            input, [] { return QStringLiteral("generated"); }, &refusal)) {
        if (message->id.isEmpty() || !oneElement(message->xml, u"message"))
            __builtin_trap();
    } else if (refusal.status != 400 || refusal.message.isEmpty() ||
               (refusal.field.isEmpty() && !refusal.message.contains(QLatin1String("JSON")))) {
        // Every refusal past the JSON level names its field.
        __builtin_trap();
    }

    refusal = Refusal();
    if (const auto presence = parsePresence(input, &refusal)) {
        if (!oneElement(presenceStanza(*presence), u"presence"))
            __builtin_trap();
    } else if (refusal.status != 400 || refusal.message.isEmpty()) {
        __builtin_trap();
    }

    refusal = Refusal();
    if (const auto subscription = parseSubscription(input, &refusal)) {
        if (!oneElement(*subscription, u"presence"))
            __builtin_trap();
    } else if (refusal.status != 400 || refusal.message.isEmpty()) {
        __builtin_trap();
    }

    refusal = Refusal();
    if (const auto stanza = checkStanza(input, 16, &refusal)) {
        if (!oneElement(stanza->xml, stanza->name))
            __builtin_trap();
    } else if (refusal.message.isEmpty() || refusal.field != QLatin1String("stanza")) {
        __builtin_trap();
    }
    return 0;
}
