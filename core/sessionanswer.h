// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QString>

#include <functional>

namespace Switchboard {

/// What the session's worker answered to an operator's fault or breakpoint call (Server::applyFault()
/// and the rest; the window and the admin API make them). A plain value, copied from the worker's
/// thread to the caller's.
struct SessionAnswer
{
    enum class Outcome {
        Done,      ///< the call did what it was asked (a state call: the state is in `state`)
        NoSession, ///< no worker has the session (never had it, or it ended)
        Refused, ///< the session cannot do it (`error` says why: a drop on WebSocket, no such held stanza…)
        BadInput, ///< what the operator gave is not acceptable (`error` says why: an edit that is not one
                  ///< stanza)
        NoAnswer, ///< the session's worker did not answer within kDeadlineMs (busy); the call may still
                  ///< take effect when it gets to it, and a read of the state shows whether it did
    };
    /// How long a caller waits for the session's worker before it is answered NoAnswer.
    static constexpr int kDeadlineMs = 5000;

    Outcome outcome = Outcome::NoSession;
    QString error; ///< why not, in the operator's words (empty when Done)
    /// The session's state after the call, as the admin API shows it: its faults for the fault calls,
    /// its breakpoint and held stanzas for the breakpoint calls. Empty without a session.
    QJsonObject state;

    bool done() const { return outcome == Outcome::Done; }
};

/// Called once with a session's answer, on the thread that made the call (see Server): the worker's, or
/// NoAnswer at the deadline, whichever comes first.
using SessionDone = std::function<void(const SessionAnswer &answer)>;

} // namespace Switchboard
