// SPDX-License-Identifier: GPL-3.0-or-later
// Layering probe, built by CTest: a module may include the modules below it. This must build; it is the
// control for the probes that must not.
#include "base/config.h"

int switchboardLayeringProbe()
{
    return Switchboard::Config{}.port;
}
