// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>

namespace Switchboard::Xmpp {

/// The error reply to send back to the server for a stanza that reached the connection manager but
/// can no longer reach its client (the client went away): RFC 6120 §8.3. Messages come back with
/// <recipient-unavailable/> (type 'wait': the sender may retry later); IQ get/set with
/// <service-unavailable/> (RFC 6120 §8.4: an IQ request must always get an answer). Returns an empty
/// array for stanzas that must not be answered: errors, IQ results, presence (RFC 6121 §4.3), and
/// non-stanza elements.
QByteArray bounceStanza(const QByteArray &stanza);

} // namespace Switchboard::Xmpp
