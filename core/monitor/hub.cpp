// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/hub.h"

namespace Switchboard::Monitor {

void Hub::reportSessionOpened(const SessionInfo &info)
{
    ++m_sessions;
    Q_EMIT sessionOpened(info);
}

void Hub::reportSessionClosed(const QString &sid, const QString &condition)
{
    --m_sessions;
    Q_EMIT sessionClosed(sid, condition);
}

} // namespace Switchboard::Monitor
