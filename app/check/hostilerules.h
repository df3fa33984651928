// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace Switchboard::Check {

class Report;
struct Options;

/// The hostile-input group (--hostile): each case sends what an attacker might to the BOSH endpoint
/// and judges the answer, then checks that a new session can still be created (liveness); a case the
/// endpoint survives only by going silent fails.
void runHostileRules(const Options &options, Report &report);

} // namespace Switchboard::Check
