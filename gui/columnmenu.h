// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

class QHeaderView;

namespace Switchboard::Gui {

/// Gives a header a context menu with one checkable entry per column to hide or show it (the last
/// visible column cannot be hidden). The header's saveState() keeps the choice.
void installColumnMenu(QHeaderView *header);

} // namespace Switchboard::Gui
