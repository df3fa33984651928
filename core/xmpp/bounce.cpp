// SPDX-License-Identifier: GPL-3.0-or-later
#include "xmpp/bounce.h"

#include <QXmlStreamReader>
#include <QXmlStreamWriter>

namespace Switchboard::Xmpp {

QByteArray bounceStanza(const QByteArray &stanza)
{
    QXmlStreamReader reader(stanza);
    if (!reader.readNextStartElement())
        return {};
    const QString name = reader.name().toString();
    const QXmlStreamAttributes attributes = reader.attributes();
    const QString type = attributes.value(QLatin1String("type")).toString();
    const QString ns = reader.namespaceUri().toString();
    if (ns != QLatin1String("jabber:client"))
        return {};

    QString condition;
    QString errorType;
    if (name == QLatin1String("message") && type != QLatin1String("error")) {
        condition = QStringLiteral("recipient-unavailable");
        errorType = QStringLiteral("wait");
    } else if (name == QLatin1String("iq") &&
               (type == QLatin1String("get") || type == QLatin1String("set"))) {
        condition = QStringLiteral("service-unavailable");
        errorType = QStringLiteral("cancel");
    } else {
        return {};
    }

    QByteArray out;
    QXmlStreamWriter writer(&out);
    writer.writeStartElement(name);
    writer.writeDefaultNamespace(QStringLiteral("jabber:client"));
    const QString to = attributes.value(QLatin1String("to")).toString();
    const QString from = attributes.value(QLatin1String("from")).toString();
    if (!to.isEmpty())
        writer.writeAttribute(QStringLiteral("from"), to);
    if (!from.isEmpty())
        writer.writeAttribute(QStringLiteral("to"), from);
    writer.writeAttribute(QStringLiteral("type"), QStringLiteral("error"));
    if (attributes.hasAttribute(QLatin1String("id")))
        writer.writeAttribute(QStringLiteral("id"), attributes.value(QLatin1String("id")).toString());
    writer.writeStartElement(QStringLiteral("error"));
    writer.writeAttribute(QStringLiteral("type"), errorType);
    writer.writeStartElement(condition);
    writer.writeDefaultNamespace(QStringLiteral("urn:ietf:params:xml:ns:xmpp-stanzas"));
    writer.writeEndElement();
    writer.writeEndElement();
    writer.writeEndElement();
    return out;
}

} // namespace Switchboard::Xmpp
