// SPDX-License-Identifier: GPL-3.0-or-later
#include "rest/backoff.h"

#include <QRandomGenerator>

namespace Switchboard::Rest {

Backoff::Backoff(qint64 firstMs, qint64 capMs, Random random)
    : m_first(qMax<qint64>(1, firstMs)), m_cap(qMax(capMs, m_first)), m_random(std::move(random))
{
    if (!m_random)
        m_random = [] { return QRandomGenerator::global()->generateDouble(); };
}

qint64 Backoff::ceiling() const
{
    qint64 delay = m_first;
    for (int i = 0; i < m_attempts && delay < m_cap; ++i)
        delay *= 2;
    return qMin(delay, m_cap);
}

qint64 Backoff::next()
{
    const qint64 delay = ceiling();
    ++m_attempts;
    const double r = qBound(0.0, m_random(), 1.0);
    return delay / 2 + qint64(double(delay - delay / 2) * r);
}

} // namespace Switchboard::Rest
