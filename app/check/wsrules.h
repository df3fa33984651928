// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace Switchboard::Check {

class BoshProbe;
class Report;
class WsProbe;
struct Options;

/// RFC 7395 rules up to a bound session: the subprotocol handshake, the Origin check (with --origin),
/// <open/> and features, login of the second --user (the first when only one) in `session`.
void runWebSocketRules(const Options &options, Report &report, WsProbe &session);
/// A message each way between the BOSH and the WebSocket session (needs both logged in).
void runMessageRules(const Options &options, Report &report, BoshProbe &bosh, WsProbe &ws);
/// <close/> of `session`, and the framing of every message it received.
void runWebSocketCloseRules(const Options &options, Report &report, WsProbe &session);

} // namespace Switchboard::Check
