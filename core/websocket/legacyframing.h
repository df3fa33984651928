// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "xmpp/stanzareader.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace Switchboard::WebSocket {

/// The framing of the drafts before RFC 7395 (draft-moffitt-xmpp-over-websocket-00, which early
/// clients and connection managers such as node-xmpp-bosh spoke under the same `xmpp` subprotocol):
/// the client's first message is an unclosed `<stream:stream xmlns='jabber:client'
/// xmlns:stream='http://etherx.jabber.org/streams' to=… version='1.0'>` header, then each message holds
/// complete stanzas in the stream's default namespace, a new header restarts the stream after SASL, and
/// `</stream:stream>` alone in a message ends it. The server answers the same way.
///
/// Reads one client connection's messages as that one XMPP stream, split into messages: an
/// Xmpp::StanzaReader does the XML (namespaces made explicit on each stanza, DTDs and entities refused,
/// the element size capped). Made only for a connection that spoke this framing first, so an RFC 7395
/// connection never pays for it. Owned by its WebSocketStream, on that stream's thread.
class LegacyFraming
{
public:
    /// `maxElementSize`: bytes of one unfinished stanza (the stream's message cap bounds it anyway).
    explicit LegacyFraming(qint64 maxElementSize);

    /// True when `message` opens a stream the draft way: `<stream:stream` after optional blanks and an
    /// optional XML declaration. Looks at the first bytes only.
    static bool isStreamHeader(QByteArrayView message);

    /// Reads one message; appends what it completes to `events` (StreamOpened for a header, including
    /// a restart's; Element; StreamClosed for `</stream:stream>`; Error, after which the stream is
    /// over). A message that ends inside an element is an Error (not-well-formed): the drafts put
    /// whole stanzas in each message, as RFC 7395 §3.3.3 still does.
    void read(QByteArrayView message, QList<Xmpp::StanzaReader::Event> &events);

    /// `<stream:stream …>` toward the client, unclosed: the server's id, from and version, and
    /// xml:lang (the server's, else `lang`). Marks the header as sent.
    QByteArray header(const Xmpp::StreamHeader &server, const QString &lang);
    /// Whether header() was sent on this connection: a stream error needs a header before it (RFC 6120
    /// §4.9.1.1).
    bool headerSent() const { return m_headerSent; }
    /// The end of the stream toward the client.
    static QByteArray close() { return QByteArrayLiteral("</stream:stream>"); }

private:
    Xmpp::StanzaReader m_reader;
    bool m_headerSent = false;
};

} // namespace Switchboard::WebSocket
