// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/config.h"

#include <QString>

namespace Switchboard::App {

/// What only the application needs, read from the same config file and command line as the core's
/// Config (through a ConfigExtension): the core has no use for a window or a UI language.
struct AppSettings
{
    bool gui = true; ///< `gui`: open the monitor window when there is a display (`--no-gui`: never)
    QString lang;    ///< `lang`: UI language (e.g. "de", "fr_CH"); empty: the system locale
    friend bool operator==(const AppSettings &, const AppSettings &) = default;
};

/// The keys `gui` and `lang` for ConfigLoader, reading and writing `settings` (which must outlive the
/// returned extension). Stage into a copy when the load must be all-or-nothing.
ConfigExtension appSettingsExtension(AppSettings &settings);

} // namespace Switchboard::App
