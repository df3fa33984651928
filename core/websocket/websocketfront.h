// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace Switchboard::WebSocket {
/// The RFC 7395 front (XMPP over WebSocket) lives here.
inline constexpr const char *kSubprotocol = "xmpp";
} // namespace Switchboard::WebSocket
