// SPDX-License-Identifier: GPL-3.0-or-later
#include "wait.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QTimer>

namespace Switchboard::Check {

bool waitUntil(const std::function<bool()> &done, int ms)
{
    const QDeadlineTimer deadline(ms);
    // A tick wakes the loop, so the deadline is seen even when no socket has news.
    QTimer tick;
    tick.start(10);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}

void pause(int ms)
{
    waitUntil([] { return false; }, ms);
}

} // namespace Switchboard::Check
