// SPDX-License-Identifier: GPL-3.0-or-later
#include "rest/restevent.h"

#include <QXmlStreamReader>

namespace Switchboard::Rest {

StanzaSummary summarize(const QByteArray &xml)
{
    StanzaSummary s;
    QXmlStreamReader reader(xml);
    int depth = 0;
    int roots = 0;
    QString *text = nullptr; ///< the direct child whose text is being read
    while (!reader.atEnd()) {
        const auto token = reader.readNext();
        if (token == QXmlStreamReader::StartElement) {
            ++depth;
            if (depth == 1) {
                if (++roots > 1)
                    return s;
                s.name = reader.name().toString();
                s.ns = reader.namespaceUri().toString();
                const QXmlStreamAttributes attributes = reader.attributes();
                s.from = attributes.value(QLatin1String("from")).toString();
                s.to = attributes.value(QLatin1String("to")).toString();
                s.type = attributes.value(QLatin1String("type")).toString();
                s.id = attributes.value(QLatin1String("id")).toString();
            } else if (depth == 2) {
                const QStringView name = reader.name();
                const bool client = reader.namespaceUri() == s.ns;
                text = nullptr;
                if (client && name == QLatin1String("body") && s.body.isNull())
                    text = &s.body;
                else if (client && name == QLatin1String("subject") && s.subject.isNull())
                    text = &s.subject;
                else if (client && name == QLatin1String("show") && s.show.isNull())
                    text = &s.show;
                else if (client && name == QLatin1String("status") && s.status.isNull())
                    text = &s.status;
                if (text)
                    *text = QLatin1String(""); // present, possibly empty
                if (s.childName.isEmpty() && !(client && text)) {
                    s.childName = name.toString();
                    s.childNs = reader.namespaceUri().toString();
                }
            }
        } else if (token == QXmlStreamReader::EndElement) {
            if (depth == 2)
                text = nullptr;
            --depth;
        } else if (token == QXmlStreamReader::Characters && depth == 2 && text) {
            *text += reader.text();
        }
    }
    s.valid = !reader.hasError() && roots == 1;
    return s;
}

Event Event::fromStanza(const StanzaSummary &stanza, const QByteArray &xml)
{
    Event e;
    e.kind = stanza.name;
    if (stanza.type == QLatin1String("error")) {
        e.kind = QStringLiteral("error");
    } else if (stanza.name == QLatin1String("presence") &&
               (stanza.type == QLatin1String("subscribe") || stanza.type == QLatin1String("subscribed") ||
                stanza.type == QLatin1String("unsubscribe") ||
                stanza.type == QLatin1String("unsubscribed"))) {
        e.kind = QStringLiteral("subscription");
    }
    e.from = stanza.from;
    e.to = stanza.to;
    // RFC 6120 §8.2.3 / RFC 6121 §5.2.2: a message without type is "normal", a presence "available".
    e.type = stanza.type;
    if (e.type.isEmpty() && stanza.name == QLatin1String("message"))
        e.type = QStringLiteral("normal");
    else if (e.type.isEmpty() && stanza.name == QLatin1String("presence"))
        e.type = QStringLiteral("available");
    e.id = stanza.id;
    e.body = stanza.body;
    e.subject = stanza.subject;
    e.show = stanza.show;
    e.status = stanza.status;
    e.xml = xml;
    return e;
}

QJsonObject Event::toJson() const
{
    QJsonObject o{{QStringLiteral("seq"), seq},
                  {QStringLiteral("kind"), kind},
                  {QStringLiteral("from"), from},
                  {QStringLiteral("to"), to},
                  {QStringLiteral("type"), type},
                  {QStringLiteral("id"), id},
                  {QStringLiteral("xml"), QString::fromUtf8(xml)}};
    if (!body.isNull())
        o.insert(QStringLiteral("body"), body);
    if (!subject.isNull())
        o.insert(QStringLiteral("subject"), subject);
    if (!show.isNull())
        o.insert(QStringLiteral("show"), show);
    if (!status.isNull())
        o.insert(QStringLiteral("status"), status);
    if (expired >= 0)
        o.insert(QStringLiteral("expired"), expired);
    return o;
}

std::optional<Event> Event::fromJson(const QJsonObject &object)
{
    Event e;
    const QJsonValue seq = object.value(QStringLiteral("seq"));
    if (!seq.isDouble() || seq.toInteger(-1) < 1)
        return std::nullopt;
    e.seq = seq.toInteger();
    const auto text = [&object](const char *name, QString *out, bool required) {
        const QJsonValue value = object.value(QLatin1String(name));
        if (value.isUndefined())
            return !required;
        if (!value.isString())
            return false;
        *out = value.toString();
        if (out->isNull())
            *out = QStringLiteral(""); // present but empty stays present (toJson() writes it)
        return true;
    };
    QString xml;
    if (!text("kind", &e.kind, true) || !text("from", &e.from, true) || !text("to", &e.to, true) ||
        !text("type", &e.type, true) || !text("id", &e.id, true) || !text("xml", &xml, true) ||
        !text("body", &e.body, false) || !text("subject", &e.subject, false) ||
        !text("show", &e.show, false) || !text("status", &e.status, false) || e.kind.isEmpty())
        return std::nullopt;
    const QJsonValue expired = object.value(QStringLiteral("expired"));
    if (!expired.isUndefined()) {
        if (!expired.isDouble() || expired.toInteger(-1) < 0)
            return std::nullopt;
        e.expired = expired.toInteger();
    }
    e.xml = xml.toUtf8();
    return e;
}

} // namespace Switchboard::Rest
