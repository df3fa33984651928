// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/heaptrimmer.h"

#include <QLoggingCategory>

#include <algorithm>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace Switchboard {

Q_LOGGING_CATEGORY(lcHeapTrimmer, "switchboard.server", QtInfoMsg)

namespace {
HeapTrimmer::TrimFunction defaultTrim()
{
#if defined(__GLIBC__)
    return [] { return malloc_trim(0) != 0; };
#else
    return {};
#endif
}
} // namespace

HeapTrimmer::HeapTrimmer(QObject *parent) : HeapTrimmer(Tuning{}, defaultTrim(), parent) {}

HeapTrimmer::HeapTrimmer(Tuning tuning, TrimFunction trim, QObject *parent)
    : QObject(parent), m_tuning(tuning), m_trim(std::move(trim))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &HeapTrimmer::trimNow);
}

HeapTrimmer::~HeapTrimmer() = default;

void HeapTrimmer::sessionOpened()
{
    ++m_live;
    m_peak = std::max(m_peak, m_live);
}

void HeapTrimmer::sessionClosed()
{
    if (m_live > 0)
        --m_live;
    if (!m_trim)
        return;
    const bool bigDrop = m_peak - m_live >= m_tuning.minDrop;
    const bool allGone = m_live == 0 && m_peak >= m_tuning.minPeakForZero;
    if (!bigDrop && !allGone)
        return;
    if (!m_pendingSince.isValid())
        m_pendingSince.start();
    // Wait for the wave to end, but not past maxDelay after it was first seen.
    const auto waited = std::chrono::milliseconds(m_pendingSince.elapsed());
    m_timer.start(std::clamp(m_tuning.maxDelay - waited, std::chrono::milliseconds(0), m_tuning.quiet));
}

void HeapTrimmer::trimNow()
{
    m_pendingSince.invalidate();
    m_peak = m_live;
    ++m_trims;
    QElapsedTimer took;
    took.start();
    const bool released = m_trim();
    qCDebug(lcHeapTrimmer) << "heap trimmed after sessions ended:" << m_live << "live, took" << took.elapsed()
                           << "ms";
    Q_EMIT trimmed(released);
}

} // namespace Switchboard
