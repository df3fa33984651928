// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>
#include <functional>

namespace Switchboard {

/// Gives the heap pages freed by ended sessions back to the kernel. glibc's malloc returns memory
/// to the kernel only from the top of its heap, and a few long-lived blocks allocated among the
/// sessions' (a listener's buffer, a hash grown meanwhile) pin the top: after thousands of sessions
/// end, megabytes of free pages stay resident though nothing uses them (measured in
/// docs/BENCHMARKS.md). malloc_trim(0) releases the free pages in the middle of the heap too
/// (madvise(MADV_DONTNEED)), but it walks the whole heap, so it is never called per session or on
/// a hot path: only once the number of live sessions has dropped by `minDrop` from its high-water
/// mark, or to zero, and then after `quiet` without a further session end (a logout wave is trimmed
/// once, when it is over) and once what the ended sessions still hold is gone (setSettling(): their
/// server links close on their own, with round trips to the server), at most `maxDelay` after the
/// drop was first seen.
///
/// A page that still holds one live block stays resident, and what an ended session leaves behind
/// for a few seconds more (a close deadline of its socket, a timer object that outlives its
/// receiver) is spread over all of its pages. So after a trim the heap is watched: every `followUp`
/// for `watch`, the bytes in use are read (InUseFunction, mallinfo2() with glibc), and when at least
/// `minFreed` more were freed since the last pass, another pass runs. Without an InUseFunction one
/// follow-up pass runs `followUp` after the trim.
///
/// A pass of the default trim also empties glibc's per-thread cache of small freed chunks into the
/// arena (refilled from it at once): to malloc_trim() those chunks are in use, and after a wave they
/// lie one per page all over the heap (releaseFreeMemory()). And before each pass the headless event
/// dispatcher drops the nodes it kept for reuse since the peak (EpollEventDispatcher::squeeze()).
///
/// glibc's thread cache and the headless dispatcher's spare nodes are per thread: a process with
/// several event-loop threads (workers) registers the others with addThread(), and each pass then
/// runs on each of them too (threadPass(), queued to the thread, after this thread's pass).
///
/// Lives in the server's thread; one per Server, told of every session that opens and ends.
/// Not thread-safe. Does nothing where the C library has no malloc_trim (the trim function is null).
class HeapTrimmer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HeapTrimmer)
public:
    /// Returns true when memory was given back (malloc_trim's answer).
    using TrimFunction = std::function<bool()>;
    /// Bytes in use on the heap now (allocated and not yet freed).
    using InUseFunction = std::function<qint64()>;

    struct Tuning
    {
        int minDrop = 1000;      ///< sessions ended since the high-water mark that make a trim worth it
        int minPeakForZero = 64; ///< a drop to zero counts only after at least this many sessions
        std::chrono::milliseconds quiet{2000};     ///< no session end for this long: the wave is over
        std::chrono::milliseconds maxDelay{15000}; ///< trim at the latest this long after the drop
        std::chrono::milliseconds followUp{1000};  ///< after a trim, look at the heap this often (0: never)
        std::chrono::milliseconds watch{12000};    ///< ... for this long after the trim
        qint64 minFreed = 128 * 1024; ///< freed since the last pass that make another one worth it
    };

    /// One pass of the default trim, from this thread: malloc_trim(0), with glibc's thread cache of
    /// small freed chunks refilled from the arena in between (its old chunks pin pages otherwise).
    /// False where there is no malloc_trim or nothing was released.
    static bool releaseFreeMemory();
    /// What a pass does on a thread other than the trimmer's, on that thread: its event dispatcher's
    /// spare nodes (when it is the epoll dispatcher) and its thread cache go, then releaseFreeMemory().
    static bool threadPass();

    /// `trim`: defaults to releaseFreeMemory() with glibc, null elsewhere; `inUse`: mallinfo2()'s bytes in
    /// use.
    explicit HeapTrimmer(QObject *parent = nullptr);
    HeapTrimmer(Tuning tuning, TrimFunction trim, InUseFunction inUse = {}, QObject *parent = nullptr);
    ~HeapTrimmer() override;

    /// While `settling` returns true, ended sessions still hold memory that is on its way out (their
    /// server links are closing): a due trim waits for it, checked every `quiet`, up to `maxDelay`.
    void setSettling(std::function<bool()> settling) { m_settling = std::move(settling); }

    /// Each later pass also runs threadPass() on `anchor`'s thread (queued: this thread never waits).
    /// A thread whose anchor is gone is skipped.
    void addThread(QObject *anchor);
    void sessionOpened();
    void sessionClosed();

    int liveSessions() const { return m_live; }
    /// Trims done so far (a trim and its follow-up passes count once).
    int trims() const { return m_trims; }
    /// Passes run so far, follow-ups included.
    int passes() const { return m_passes; }
    /// The heap is being looked at after a trim (for `watch`).
    bool watching() const { return m_watchSince.isValid(); }

Q_SIGNALS:
    /// A trim is about to run (once per trim, before its first pass, not before follow-ups): what
    /// outlives the wave and was allocated during it can move to memory allocated now
    /// (Monitor::Registry::compact()).
    void aboutToTrim();
    /// A trim pass ran (after it returned; the follow-up pass too); `released` as malloc_trim answered.
    void trimmed(bool released);

private:
    void trimNow();
    void runTrim();
    void followUpNow();

    Tuning m_tuning;
    TrimFunction m_trim;
    InUseFunction m_inUse;
    std::function<bool()> m_settling;
    int m_live = 0;
    int m_peak = 0; ///< live sessions' high-water mark since the last trim
    int m_trims = 0;
    int m_passes = 0;
    qint64 m_inUseAtPass = 0; ///< bytes in use right after the last pass
    QTimer m_timer;
    QList<QPointer<QObject>> m_threads; ///< anchors of the other threads a pass reaches (addThread())
    QTimer m_followUp;                  ///< while the heap is watched after a trim
    QElapsedTimer m_pendingSince;       ///< valid while a trim is pending
    QElapsedTimer m_watchSince;         ///< valid while the heap is watched
};

} // namespace Switchboard
