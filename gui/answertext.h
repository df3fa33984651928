// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sessionanswer.h"

#include <QString>

namespace Switchboard::Gui {

/// What a dialog shows for a session's answer to an operator's call (Server::applyFault() and the
/// rest): `doneText` when it was done; "No answer yet" and why when the session's worker did not
/// answer in time (the call may still take effect, so nothing is said to have failed); else `failed`
/// with the session's reason put in its lowest placeholder.
QString answerText(const SessionAnswer &answer, const QString &doneText, const QString &failed);

} // namespace Switchboard::Gui
