// SPDX-License-Identifier: GPL-3.0-or-later
#include "bosh/coalescer.h"

#include "bosh/boshsession.h"

#include <algorithm>

namespace Switchboard::Bosh {

Coalescer::Coalescer(QObject *parent) : QObject(parent)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer); // never early (a coarse one may be, by up to 5 %)
    connect(&m_timer, &QTimer::timeout, this, &Coalescer::fire);
    m_clock.start();
}

Coalescer::~Coalescer() = default;

void Coalescer::schedule(BoshSession *session, int delayMs)
{
    cancel(session);
    const qint64 due = m_clock.elapsed() + delayMs;
    const auto at = std::upper_bound(m_entries.begin(), m_entries.end(), due,
                                     [](qint64 value, const Entry &entry) { return value < entry.due; });
    const bool first = at == m_entries.begin();
    m_entries.insert(at, Entry{due, session});
    if (first)
        rearm();
}

void Coalescer::cancel(BoshSession *session)
{
    const auto it = std::find_if(m_entries.begin(), m_entries.end(),
                                 [session](const Entry &entry) { return entry.session == session; });
    if (it == m_entries.end())
        return;
    const bool first = it == m_entries.begin();
    m_entries.erase(it);
    if (first)
        rearm();
}

void Coalescer::fire()
{
    const qint64 now = m_clock.elapsed();
    // Taken out first: answering may make other sessions schedule or cancel.
    std::vector<BoshSession *> due;
    while (!m_entries.empty() && m_entries.front().due <= now) {
        due.push_back(m_entries.front().session);
        m_entries.erase(m_entries.begin());
    }
    for (BoshSession *session : due)
        session->coalescingDue();
    rearm();
}

void Coalescer::rearm()
{
    if (m_entries.empty()) {
        m_timer.stop();
        return;
    }
    m_timer.start(int(std::max<qint64>(0, m_entries.front().due - m_clock.elapsed())));
}

} // namespace Switchboard::Bosh
