// SPDX-License-Identifier: GPL-3.0-or-later
#include "endedsessions.h"

namespace Switchboard::Bosh {

void EndedSessions::remember(const QString &sid, const Answer &answer, Clock::time_point now)
{
    const std::lock_guard locker(m_lock);
    if (m_answers.contains(sid))
        return; // a session ends once; the first end is the one to tell
    m_order.push_back(sid);
    m_answers.insert(sid, Entry{answer, now + kKeep});
    prune(now);
}

std::optional<EndedSessions::Answer> EndedSessions::find(const QString &sid, Clock::time_point now)
{
    const std::lock_guard locker(m_lock);
    prune(now);
    const auto it = m_answers.constFind(sid);
    if (it == m_answers.constEnd() || it->until <= now)
        return std::nullopt;
    return it->answer;
}

int EndedSessions::count() const
{
    const std::lock_guard locker(m_lock);
    return int(m_answers.size());
}

void EndedSessions::prune(Clock::time_point now)
{
    // Entries are remembered in time order, so the expired ones are at the front.
    while (!m_order.empty()) {
        const auto it = m_answers.constFind(m_order.front());
        const bool expired = it == m_answers.constEnd() || it->until <= now;
        if (!expired && qsizetype(m_order.size()) <= kMaxEntries)
            break;
        if (it != m_answers.constEnd())
            m_answers.erase(it);
        m_order.pop_front();
    }
}

} // namespace Switchboard::Bosh
