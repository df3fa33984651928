// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace Switchboard::Check {

class BoshProbe;
class Report;
struct Options;

/// XEP-0124 session creation and XEP-0206 rules: the creation response's attributes, then a login of
/// the first --user in `session` (left logged in for the message rules). Rules that cannot run are
/// reported as SKIP with the reason.
void runBoshSessionRules(const Options &options, Report &report, BoshProbe &session);
/// The XEP-0124 rules that need sessions of their own or end one: response cache, unknown sid, rid
/// window, overactivity, pause, CORS, GET, and finally terminate of `session`.
void runBoshRules(const Options &options, Report &report, BoshProbe &session);

} // namespace Switchboard::Check
