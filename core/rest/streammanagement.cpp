// SPDX-License-Identifier: GPL-3.0-or-later
#include "rest/streammanagement.h"

#include "xmpp/xmlescape.h"

#include <QXmlStreamReader>

namespace Switchboard::Rest {

namespace {

const QLatin1String kSmNs("urn:xmpp:sm:3");

} // namespace

StreamManagement::Element StreamManagement::parse(const QByteArray &xml)
{
    Element element;
    QXmlStreamReader reader(xml);
    if (!reader.readNextStartElement() || reader.namespaceUri() != kSmNs)
        return element;
    const QStringView name = reader.name();
    const QXmlStreamAttributes attributes = reader.attributes();
    if (attributes.hasAttribute(QLatin1String("h"))) {
        bool ok = false;
        element.h = attributes.value(QLatin1String("h")).toUInt(&ok);
        if (!ok)
            return element; // an h that is not a 32-bit count is no element we can trust
        element.hasH = true;
    }
    element.id = attributes.value(QLatin1String("id")).toString();
    const QStringView resume = attributes.value(QLatin1String("resume"));
    element.resume = resume == QLatin1String("true") || resume == QLatin1String("1");
    if (name == QLatin1String("enabled")) {
        element.kind = Element::Kind::Enabled;
    } else if (name == QLatin1String("resumed")) {
        if (!element.hasH)
            return element;
        element.kind = Element::Kind::Resumed;
    } else if (name == QLatin1String("failed")) {
        element.kind = Element::Kind::Failed;
        if (reader.readNextStartElement())
            element.condition = reader.name().toString();
    } else if (name == QLatin1String("r")) {
        element.kind = Element::Kind::Request;
    } else if (name == QLatin1String("a")) {
        if (!element.hasH)
            return element;
        element.kind = Element::Kind::Ack;
    }
    return element;
}

bool StreamManagement::offered(const QByteArray &featuresXml)
{
    QXmlStreamReader reader(featuresXml);
    int depth = 0;
    while (!reader.atEnd()) {
        const auto token = reader.readNext();
        if (token == QXmlStreamReader::StartElement) {
            if (depth == 1 && reader.name() == QLatin1String("sm") && reader.namespaceUri() == kSmNs)
                return true;
            ++depth;
        } else if (token == QXmlStreamReader::EndElement) {
            --depth;
        }
    }
    return false;
}

bool StreamManagement::isStanza(const QByteArray &xml)
{
    return xml.startsWith("<message") || xml.startsWith("<presence") || xml.startsWith("<iq");
}

QByteArray StreamManagement::enable()
{
    m_enableSent = true;
    m_enabled = false;
    m_resumable = false;
    m_requested = false;
    m_id.clear();
    m_acked = 0;
    m_unacked.clear();
    return QByteArrayLiteral("<enable xmlns='urn:xmpp:sm:3' resume='true'/>");
}

void StreamManagement::enabled(const Element &element)
{
    m_enabled = true;
    m_resumable = element.resume;
    m_id = element.id;
    m_inbound = 0;
}

void StreamManagement::sent(const QByteArray &stanza)
{
    if (m_enableSent)
        m_unacked.push_back(stanza);
}

void StreamManagement::received()
{
    if (m_enabled)
        ++m_inbound; // wraps at 2^32 (XEP-0198 §4)
}

QByteArray StreamManagement::answer() const
{
    return "<a xmlns='urn:xmpp:sm:3' h='" + QByteArray::number(m_inbound) + "'/>";
}

QByteArray StreamManagement::request()
{
    if (!m_enabled || m_requested || m_unacked.empty())
        return {};
    m_requested = true;
    return QByteArrayLiteral("<r xmlns='urn:xmpp:sm:3'/>");
}

bool StreamManagement::acknowledge(quint32 h)
{
    const quint32 count = h - m_acked; // modulo 2^32
    if (count > m_unacked.size())
        return false;
    for (quint32 i = 0; i < count; ++i)
        m_unacked.pop_front();
    m_acked = h;
    m_requested = false;
    return true;
}

QByteArray StreamManagement::resume() const
{
    return "<resume xmlns='urn:xmpp:sm:3' previd='" + Xmpp::xmlEscaped(m_id) + "' h='" +
           QByteArray::number(m_inbound) + "'/>";
}

QList<QByteArray> StreamManagement::resumed(const Element &element, bool *ok)
{
    *ok = element.hasH && acknowledge(element.h);
    if (!*ok)
        return {};
    // What follows is sent again through sent(), which keeps it again until acknowledged.
    QList<QByteArray> again(m_unacked.begin(), m_unacked.end());
    m_unacked.clear();
    return again;
}

QList<QByteArray> StreamManagement::failed(const Element &element)
{
    if (element.hasH)
        acknowledge(element.h); // an impossible h acknowledges nothing: everything is resent
    QList<QByteArray> again;
    for (const QByteArray &stanza : m_unacked) {
        if (stanza.startsWith("<message"))
            again.append(stanza);
    }
    m_unacked.clear();
    m_enableSent = m_enabled = m_resumable = m_requested = false;
    m_id.clear();
    m_inbound = m_acked = 0;
    return again;
}

} // namespace Switchboard::Rest
