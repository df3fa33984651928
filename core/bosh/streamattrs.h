// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "xmpp/serverlink.h"

#include <QString>

#include <optional>

namespace Switchboard::Bosh {

/// node-xmpp-bosh's `stream_attrs` extension: on a restart request (XEP-0206 §5), a JSON object whose
/// members become attributes of the stream header sent to the server. What is accepted
/// (docs/COMPATIBILITY.md):
/// - at most kMaxStreamAttrsSize characters of JSON: one flat object, every value a string;
/// - names from the ASCII subset of an XML NCName (a letter or '_', then letters, digits, '_', '-',
///   '.'), so no prefix and no namespace declaration;
/// - none of the header's own attributes, which carry the routing and the stream's identity: `to`,
///   `from`, `version`, `id` (RFC 6120 §4.7), `xmlns`, and no name starting with "xml" in any case
///   (XML 1.0 §2.3 reserves them; xml:lang comes from the restart request's own xml:lang);
/// - values without characters XML forbids (they are escaped when written).
/// Anything else: std::nullopt and `why` says what, for the caller's bad-request (XEP-0124 §17).
inline constexpr qsizetype kMaxStreamAttrsSize = 2048;
std::optional<Xmpp::StreamAttributes> parseStreamAttrs(const QString &json, QString *why);

} // namespace Switchboard::Bosh
