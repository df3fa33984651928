// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/heaptrimmer.h"

#include "base/epolldispatcher.h"
#include "base/tsanhandover.h"

#include <QAbstractEventDispatcher>
#include <QLoggingCategory>

#include <algorithm>
#include <array>
#include <cstdlib>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace Switchboard {

Q_LOGGING_CATEGORY(lcHeapTrimmer, "switchboard.server", QtInfoMsg)

namespace {
#if defined(__GLIBC__)
/// Called through volatile pointers: the compiler must not pair the calls up and drop them.
void *(*volatile allocateBlock)(std::size_t) = std::malloc;
void (*volatile freeBlock)(void *) = std::free;

/// glibc's per-thread cache (tcache) keeps up to 7 freed chunks of each of 64 small sizes (24 to
/// 1032 bytes) for reuse. To the arena they are in use, so malloc_trim() cannot release their pages:
/// after a logout wave they are the last blocks the wave freed, one per page here and there, and
/// they kept 1.3-1.9 MB resident after 5000 sessions (docs/BENCHMARKS.md, "Memory after logout: the
/// last pins"). This takes each size's cached chunks out, refills the cache with chunks taken from
/// the arena now (after a trim: exact fits between blocks in use, whose pages stay anyway, or pieces
/// split off one free chunk, side by side), then frees the old ones, which no longer fit in the cache
/// and go back to the arena, where the next trim releases their pages. Only mallocs and frees: the
/// cache keeps working as before, whatever its size (GLIBC_TUNABLES) is.
void refreshThreadCache()
{
    constexpr std::size_t kSizes = 64;  // tcache bins: chunks of 32 to 1040 bytes, 16 apart
    constexpr std::size_t kPerSize = 7; // glibc's default tcache_count
    std::array<void *, kPerSize> old{};
    std::array<void *, kPerSize> fresh{};
    for (std::size_t bin = 0; bin < kSizes; ++bin) {
        const std::size_t request = 24 + 16 * bin; // the largest request served by chunks of this bin
        for (void *&block : old)
            block = allocateBlock(request); // the cached ones first
        for (void *&block : fresh)
            block = allocateBlock(request);
        for (void *block : fresh)
            freeBlock(block); // into the cache, now empty
        for (void *block : old)
            freeBlock(block); // the cache is full: back to the arena
    }
}
#endif

HeapTrimmer::TrimFunction defaultTrim()
{
#if defined(__GLIBC__)
    return [] {
        const struct mallinfo2 before = mallinfo2();
        // The first pass also merges the arena's fast bins, so the refill takes its chunks from what
        // the second pass would keep anyway.
        malloc_trim(0);
        refreshThreadCache();
        const bool released = malloc_trim(0) != 0;
        qCDebug(lcHeapTrimmer).nospace()
            << "heap: " << before.uordblks / 1024 << " KiB in use, " << before.fordblks / 1024
            << " KiB free, of which " << before.keepcost / 1024 << " KiB at the top";
        return released;
    };
#else
    return {};
#endif
}

HeapTrimmer::InUseFunction defaultInUse()
{
#if defined(__GLIBC__)
    // Every arena's blocks in use, small and mmapped ones (mallinfo2() walks the arenas' free lists,
    // well under a millisecond after a logout wave; it is read once per followUp while watching).
    return [] {
        const struct mallinfo2 info = mallinfo2();
        return qint64(info.uordblks + info.hblkhd);
    };
#else
    return {};
#endif
}
} // namespace

bool HeapTrimmer::releaseFreeMemory()
{
    static const TrimFunction trim = defaultTrim();
    return trim && trim();
}

bool HeapTrimmer::threadPass()
{
    if (auto *epoll = qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance()))
        epoll->squeeze();
    return releaseFreeMemory();
}

HeapTrimmer::HeapTrimmer(QObject *parent) : HeapTrimmer(Tuning{}, defaultTrim(), defaultInUse(), parent) {}

HeapTrimmer::HeapTrimmer(Tuning tuning, TrimFunction trim, InUseFunction inUse, QObject *parent)
    : QObject(parent), m_tuning(tuning), m_trim(std::move(trim)), m_inUse(std::move(inUse))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &HeapTrimmer::trimNow);
    connect(&m_followUp, &QTimer::timeout, this, &HeapTrimmer::followUpNow);
}

HeapTrimmer::~HeapTrimmer() = default;

void HeapTrimmer::addThread(QObject *anchor)
{
    m_threads.append(anchor);
}

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
    const auto left = m_tuning.maxDelay - std::chrono::milliseconds(m_pendingSince.elapsed());
    if (m_settling && m_settling() && left > std::chrono::milliseconds(0)) {
        m_timer.start(std::min(left, m_tuning.quiet));
        return;
    }
    m_pendingSince.invalidate();
    m_peak = m_live;
    ++m_trims;
    Q_EMIT aboutToTrim();
    runTrim();
    // Watch what is freed after it: blocks still in use during this pass (the deadlines of closing
    // sockets, the event loop's scratch while it delivers the teardown) pin the pages around them,
    // one block per page is enough (docs/BENCHMARKS.md, "Memory after logout: what pinned it").
    if (m_tuning.followUp > std::chrono::milliseconds(0)) {
        m_watchSince.start();
        m_followUp.start(m_tuning.followUp);
    }
}

void HeapTrimmer::followUpNow()
{
    // A trim due meanwhile (more sessions ended) takes over.
    if (m_pendingSince.isValid()) {
        m_followUp.stop();
        m_watchSince.invalidate();
        return;
    }
    if (!m_inUse) { // nothing to look at: one more pass, once
        m_followUp.stop();
        m_watchSince.invalidate();
        runTrim();
        return;
    }
    if (m_inUseAtPass - m_inUse() >= m_tuning.minFreed)
        runTrim();
    if (std::chrono::milliseconds(m_watchSince.elapsed()) + m_tuning.followUp > m_tuning.watch) {
        m_followUp.stop();
        m_watchSince.invalidate();
    }
}

void HeapTrimmer::runTrim()
{
    QElapsedTimer took;
    took.start();
    // The headless event dispatcher keeps spare nodes and tables sized for the peak.
    if (auto *epoll = qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance(thread())))
        epoll->squeeze();
    const bool released = m_trim();
    // The other threads' caches and dispatchers: only they can empty their own.
    for (const QPointer<QObject> &anchor : std::as_const(m_threads)) {
        if (anchor)
            TsanHandover::post(anchor, [] { threadPass(); });
    }
    ++m_passes;
    if (m_inUse)
        m_inUseAtPass = m_inUse();
    qCDebug(lcHeapTrimmer) << "heap trimmed after sessions ended:" << m_live << "live, took" << took.elapsed()
                           << "ms";
    Q_EMIT trimmed(released);
}

} // namespace Switchboard
