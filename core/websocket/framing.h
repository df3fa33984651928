// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "xmpp/stanzareader.h"

#include <QByteArray>
#include <QMap>
#include <QString>

namespace Switchboard::WebSocket {

inline constexpr QStringView kFramingNs = u"urn:ietf:params:xml:ns:xmpp-framing";
inline constexpr const char *kSubprotocol = "xmpp";

/// One WebSocket text message from the client, read as XMPP framing (RFC 7395 §3.3): exactly one
/// complete element, well formed, no DTD, no processing instruction, no entity beyond the predefined.
struct Frame
{
    enum class Kind { Open, Close, Element };
    Kind kind = Kind::Element;
    QString name;                 ///< local name of the root element
    QString ns;                   ///< its namespace
    QMap<QString, QString> attrs; ///< root attributes (xml:lang as "xml:lang"), for <open/>/<close/>
    QByteArray xml; ///< for Element: the bytes to forward (xmlns='jabber:client' added if absent)
};

/// Parses a message. Returns false with a reason when it is not one well-formed element (RFC 7395 §3.3.3).
bool parseFrame(QByteArrayView message, Frame *frame, QString *error, int maxDepth = 64);

/// <open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from id version xml:lang/> for the client (RFC 7395
/// §3.4).
QByteArray openFrame(const Xmpp::StreamHeader &header, const QString &lang);
/// <close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>, with see-other-uri when `uri` is set (RFC 7395
/// §3.6).
QByteArray closeFrame(const QString &seeOtherUri = {});
/// A standalone <stream:error/> with the RFC 6120 §4.9.3 condition and optional text, declaring its
/// stream namespace (RFC 7395 §3.3.3).
QByteArray streamErrorFrame(const QString &condition, const QString &text = {});

} // namespace Switchboard::WebSocket
