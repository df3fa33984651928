// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>

namespace Switchboard::Check {

/// Runs the main thread's event loop until `done()` is true or `ms` milliseconds have passed; true when
/// done. The checker is a command-line script that takes one step after another, each waiting on its
/// own sockets: a bounded local wait is the plain way to write that, and nothing else in the process
/// can be starved by it (the server side of Switchboard never waits like this).
bool waitUntil(const std::function<bool()> &done, int ms);

/// Lets `ms` milliseconds pass with the event loop running (a slow client's pause between bytes).
void pause(int ms);

} // namespace Switchboard::Check
