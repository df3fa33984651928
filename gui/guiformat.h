// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "monitor/hub.h"

#include <QString>

namespace Switchboard::Gui {

/// Display strings shared by the window's models and panes (translated, locale-aware).
namespace Format {

/// "512 B", "1.5 KiB", "3.2 MiB" in the user's locale.
QString bytes(quint64 bytes);
/// A duration for the age and idle columns: "12 s", "3 min 05 s", "2 h 07 min", "3 d 04 h".
QString duration(qint64 seconds);
/// "BOSH" or "WebSocket".
QString transport(Monitor::Transport transport);
/// "→ server" / "→ client": where the stanza went, for the traffic list.
QString direction(Monitor::Direction direction);
/// A count in the user's locale ("12,345").
QString count(quint64 value);

} // namespace Format

} // namespace Switchboard::Gui
