// SPDX-License-Identifier: GPL-3.0-or-later
#include "websocket/legacyframing.h"

#include "xmpp/xmlescape.h"

namespace Switchboard::WebSocket {

namespace {
constexpr QByteArrayView kHeaderStart = "<stream:stream";

/// Past leading blanks and an XML declaration (`<?xml … ?>`), which some of the old clients sent.
QByteArrayView skipProlog(QByteArrayView message)
{
    QByteArrayView rest = message.trimmed();
    if (rest.startsWith("<?xml")) {
        const qsizetype end = rest.indexOf("?>");
        if (end < 0)
            return {};
        rest = rest.sliced(end + 2).trimmed();
    }
    return rest;
}
} // namespace

LegacyFraming::LegacyFraming(qint64 maxElementSize) : m_reader(maxElementSize) {}

bool LegacyFraming::isStreamHeader(QByteArrayView message)
{
    const QByteArrayView rest = skipProlog(message);
    if (!rest.startsWith(kHeaderStart) || rest.size() == kHeaderStart.size())
        return false;
    const char next = rest.at(kHeaderStart.size());
    return next == ' ' || next == '\t' || next == '\r' || next == '\n' || next == '>';
}

void LegacyFraming::read(QByteArrayView message, QList<Xmpp::StanzaReader::Event> &events)
{
    using Event = Xmpp::StanzaReader::Event;
    if (m_reader.hasFailed())
        return;
    // A header after the first starts the stream again (the restart after SASL, RFC 6120 §4.3.3):
    // the reader would otherwise take it for an element inside the old stream.
    if (isStreamHeader(message))
        m_reader.reset();
    const qsizetype before = events.size();
    m_reader.feed(message, events);
    const bool failed = events.size() > before && events.constLast().type == Event::Error;
    if (!failed && m_reader.isMidElement()) {
        Event error{Event::Error, {}, {}, {}, {}, {}, {}};
        error.condition = QStringLiteral("not-well-formed");
        error.errorText = QStringLiteral("a message must hold complete elements");
        events.append(error);
        m_reader.reset();
    }
}

QByteArray LegacyFraming::header(const Xmpp::StreamHeader &server, const QString &lang)
{
    m_headerSent = true;
    QByteArray out = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'";
    if (!server.from.isEmpty())
        out += " from='" + Xmpp::xmlEscaped(server.from) + '\'';
    if (!server.id.isEmpty())
        out += " id='" + Xmpp::xmlEscaped(server.id) + '\'';
    out += " version='" +
           Xmpp::xmlEscaped(server.version.isEmpty() ? QStringLiteral("1.0") : server.version) + '\'';
    const QString language = server.lang.isEmpty() ? lang : server.lang;
    if (!language.isEmpty())
        out += " xml:lang='" + Xmpp::xmlEscaped(language) + '\'';
    out += '>';
    return out;
}

} // namespace Switchboard::WebSocket
