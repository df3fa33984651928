// SPDX-License-Identifier: GPL-3.0-or-later
// Proves that HeapTrimmer trims once a logout wave is over (a large drop of live sessions, or all of
// them gone), never per session, not for a few sessions, a smaller drop, churn or without a trim
// function, and not later than its maximum delay while sessions keep ending; and that after a trim it
// trims again only when enough was freed since; and that a pass empties glibc's thread cache, on
// every thread registered with it.
#include "base/heaptrimmer.h"

#include <QPointer>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <cerrno>
#include <cstdlib>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

using Switchboard::HeapTrimmer;
using namespace std::chrono_literals;

namespace {

/// A logout wave: `sessions` sessions open, then all of them end.
void logoutWave(HeapTrimmer &trimmer, int sessions = 20)
{
    for (int i = 0; i < sessions; ++i)
        trimmer.sessionOpened();
    for (int i = 0; i < sessions; ++i)
        trimmer.sessionClosed();
}

/// A trimmer that watches the heap for `watch` after a trim, looking every 50 ms and passing again
/// once 1000 more bytes are free since the last pass. The heap has `inUse` bytes in use, looked at
/// `looks` times; `calls` counts the passes.
struct WatchingTrimmer
{
    WatchingTrimmer(HeapTrimmer::Tuning tuning, std::chrono::milliseconds watch)
        : trimmer(
              withWatch(tuning, watch),
              [this] {
                  ++calls;
                  return true;
              },
              [this] {
                  ++looks;
                  return inUse;
              })
    {}
    static HeapTrimmer::Tuning withWatch(HeapTrimmer::Tuning tuning, std::chrono::milliseconds watch)
    {
        tuning.followUp = 50ms;
        tuning.watch = watch;
        tuning.minFreed = 1000;
        return tuning;
    }

    qint64 inUse = 50000;
    int looks = 0;
    int calls = 0;
    HeapTrimmer trimmer;
    QSignalSpy trimmed{&trimmer, &HeapTrimmer::trimmed};
};

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
// (The sanitizers replace glibc's malloc: the tests below that use these are skipped there.)
/// Freed small blocks, each alone on its page between larger freed blocks (what a logout wave
/// leaves), on the calling thread: glibc's thread cache keeps the last 7 of each size, and to
/// malloc_trim() they are in use. Returns where they were.
std::vector<void *> leaveCachedSmallBlocks()
{
    constexpr std::size_t kSizes = 64;
    constexpr std::size_t kPerSize = 7;
    std::vector<void *> spacers;
    std::vector<void *> small;
    for (std::size_t bin = 0; bin < kSizes; ++bin) {
        for (std::size_t i = 0; i < kPerSize; ++i) {
            spacers.push_back(std::malloc(16 * 1024));
            small.push_back(std::malloc(24 + 16 * bin));
        }
    }
    spacers.push_back(std::malloc(16 * 1024));
    for (void *block : spacers)
        std::free(block);
    for (void *block : small)
        std::free(block); // the thread cache takes them
    return small;
}

/// How many of the pages that held `blocks` are resident; -1 when mincore() failed other than for a
/// page the heap gave back altogether (ENOMEM).
int residentPages(const std::vector<void *> &blocks)
{
    const long page = ::sysconf(_SC_PAGESIZE);
    int resident = 0;
    for (void *block : blocks) {
        auto *start = reinterpret_cast<void *>(reinterpret_cast<quintptr>(block) & ~quintptr(page - 1));
        unsigned char in = 0;
        if (::mincore(start, std::size_t(page), &in) != 0) {
            if (errno != ENOMEM)
                return -1;
            continue; // the top of the heap went back to the kernel altogether
        }
        if (in & 1)
            ++resident;
    }
    return resident;
}
#endif

} // namespace

class tst_BaseHeapTrimmer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void trimsOnceAfterAllSessionsEnded();
    void trimsAfterLargeDrop();
    void noTrim_data();
    void noTrim();
    void maxDelayBoundsTheWait();
    void waitsWhileSettling();
    void followUpPass();
    void watchTrimsWhatIsFreedLater();
    void watchEnds();
    void releaseFreeMemoryEmptiesTheThreadCache();
    void aPassReachesTheThreadCachesOfOtherThreads();
    void aPassDoesWithoutAThreadThatIsGone();

private:
    static HeapTrimmer::Tuning tuning()
    {
        HeapTrimmer::Tuning t;
        t.minDrop = 100;
        t.minPeakForZero = 10;
        t.quiet = 50ms;
        t.maxDelay = 5000ms;
        t.followUp = 0ms;
        return t;
    }
};

void tst_BaseHeapTrimmer::trimsOnceAfterAllSessionsEnded()
{
    int calls = 0;
    HeapTrimmer trimmer(tuning(), [&calls] {
        ++calls;
        return true;
    });
    QSignalSpy trimmed(&trimmer, &HeapTrimmer::trimmed);
    logoutWave(trimmer);
    QCOMPARE(trimmer.liveSessions(), 0);
    QCOMPARE(calls, 0); // not from within the session's end
    QVERIFY(trimmed.wait(2000));
    QCOMPARE(calls, 1);
    QCOMPARE(trimmed.first().first().toBool(), true);
    // Nothing more to trim until sessions come and go again.
    trimmer.sessionOpened();
    trimmer.sessionClosed();
    QVERIFY(!trimmed.wait(200));
    QCOMPARE(calls, 1);
}

void tst_BaseHeapTrimmer::trimsAfterLargeDrop()
{
    int calls = 0;
    HeapTrimmer trimmer(tuning(), [&calls] {
        ++calls;
        return false;
    });
    QSignalSpy trimmed(&trimmer, &HeapTrimmer::trimmed);
    for (int i = 0; i < 300; ++i)
        trimmer.sessionOpened();
    for (int i = 0; i < 99; ++i)
        trimmer.sessionClosed();
    QVERIFY(!trimmed.wait(200)); // a drop of 99 is not enough
    trimmer.sessionClosed();
    QVERIFY(trimmed.wait(2000));
    QCOMPARE(calls, 1);
    QCOMPARE(trimmer.liveSessions(), 200);
    // The high-water mark is now 200: another 100 gone trim again, fewer do not.
    for (int i = 0; i < 50; ++i)
        trimmer.sessionClosed();
    QVERIFY(!trimmed.wait(200));
    for (int i = 0; i < 50; ++i)
        trimmer.sessionClosed();
    QVERIFY(trimmed.wait(2000));
    QCOMPARE(calls, 2);
}

void tst_BaseHeapTrimmer::noTrim_data()
{
    // Each step opens (> 0) or closes (< 0) that many sessions.
    QTest::addColumn<QList<int>>("steps");
    QTest::addColumn<bool>("trimFunction");
    QTest::newRow("fewer sessions than minPeakForZero") << QList<int>{9, -9} << true;
    QTest::newRow("a drop just under minDrop") << QList<int>{300, -99} << true;
    // Sessions ending and new ones taking their place: the live count never drops.
    QList<int> churn{50};
    for (int i = 0; i < 1000; ++i)
        churn << -1 << 1;
    QTest::newRow("churn") << churn << true;
    QTest::newRow("no trim function, no timer") << QList<int>{200, -200} << false;
}

void tst_BaseHeapTrimmer::noTrim()
{
    QFETCH(QList<int>, steps);
    QFETCH(bool, trimFunction);
    int calls = 0;
    HeapTrimmer::TrimFunction trim;
    if (trimFunction) {
        trim = [&calls] {
            ++calls;
            return true;
        };
    }
    HeapTrimmer trimmer(tuning(), trim);
    QSignalSpy trimmed(&trimmer, &HeapTrimmer::trimmed);
    for (const int step : std::as_const(steps)) {
        for (int i = 0; i < qAbs(step); ++i)
            step > 0 ? trimmer.sessionOpened() : trimmer.sessionClosed();
    }
    QVERIFY(!trimmed.wait(300));
    QCOMPARE(calls, 0);
    QCOMPARE(trimmer.trims(), 0);
}

void tst_BaseHeapTrimmer::maxDelayBoundsTheWait()
{
    // Sessions that keep ending every few ms postpone the trim only up to maxDelay.
    HeapTrimmer::Tuning t = tuning();
    t.quiet = 400ms;
    t.maxDelay = 300ms;
    int calls = 0;
    HeapTrimmer trimmer(t, [&calls] {
        ++calls;
        return true;
    });
    for (int i = 0; i < 1000; ++i)
        trimmer.sessionOpened();
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < 100; ++i)
        trimmer.sessionClosed(); // the drop is reached here
    // Keep ending one session every 20 ms, each would restart a plain quiet-period timer.
    while (calls == 0 && clock.elapsed() < 3000) {
        trimmer.sessionClosed();
        QTest::qWait(20);
    }
    QCOMPARE(calls, 1);
    QVERIFY2(clock.elapsed() < 1500, qPrintable(QString::number(clock.elapsed())));
}

void tst_BaseHeapTrimmer::waitsWhileSettling()
{
    // What the ended sessions hold (closing server links) is freed after their end: the trim waits
    // for it, then runs once.
    int calls = 0;
    bool settling = true;
    int checks = 0;
    HeapTrimmer trimmer(tuning(), [&calls] {
        ++calls;
        return true;
    });
    trimmer.setSettling([&settling, &checks] {
        ++checks;
        return settling;
    });
    QSignalSpy trimmed(&trimmer, &HeapTrimmer::trimmed);
    logoutWave(trimmer);
    QTRY_VERIFY(checks >= 3); // asked again every quiet period
    QCOMPARE(calls, 0);
    settling = false;
    QVERIFY(trimmed.wait(2000));
    QCOMPARE(calls, 1);

    // Not forever: maxDelay after the drop it trims anyway.
    HeapTrimmer::Tuning t = tuning();
    t.maxDelay = 300ms;
    int boundedCalls = 0;
    HeapTrimmer bounded(t, [&boundedCalls] {
        ++boundedCalls;
        return true;
    });
    bounded.setSettling([] { return true; });
    QSignalSpy boundedTrimmed(&bounded, &HeapTrimmer::trimmed);
    logoutWave(bounded);
    QVERIFY(boundedTrimmed.wait(3000));
    QCOMPARE(boundedCalls, 1);
}

void tst_BaseHeapTrimmer::followUpPass()
{
    // A second pass follows the first after followUp, once per trim.
    HeapTrimmer::Tuning t = tuning();
    t.followUp = 300ms;
    int calls = 0;
    HeapTrimmer trimmer(t, [&calls] {
        ++calls;
        return true;
    });
    QSignalSpy trimmed(&trimmer, &HeapTrimmer::trimmed);
    // aboutToTrim comes before the first pass of a trim, not before its follow-up.
    QList<int> callsAtAbout;
    connect(&trimmer, &HeapTrimmer::aboutToTrim, this, [&] { callsAtAbout.append(calls); });
    logoutWave(trimmer);
    QVERIFY(trimmed.wait(2000));
    QCOMPARE(calls, 1);
    QCOMPARE(callsAtAbout, QList<int>{0});
    QElapsedTimer clock;
    clock.start();
    QVERIFY(trimmed.wait(2000));
    QCOMPARE(calls, 2);
    QVERIFY(clock.elapsed() >= 250);
    QCOMPARE(trimmer.trims(), 1);
    QVERIFY(!trimmed.wait(600));
    QCOMPARE(calls, 2);
    QCOMPARE(callsAtAbout, QList<int>{0});
}

void tst_BaseHeapTrimmer::watchTrimsWhatIsFreedLater()
{
    // What ended sessions still held at the trim (close deadlines of their sockets) is freed a few
    // seconds later: the heap is looked at every followUp, and trimmed again once minFreed more is free.
    WatchingTrimmer w(tuning(), 5000ms);
    logoutWave(w.trimmer);
    QVERIFY(w.trimmed.wait(2000));
    QCOMPARE(w.calls, 1);
    // Nothing freed, or less than minFreed: looked at, not trimmed.
    const int looked = w.looks;
    QTRY_VERIFY(w.looks >= looked + 3);
    w.inUse -= 999;
    const int lookedAgain = w.looks;
    QTRY_VERIFY(w.looks >= lookedAgain + 3);
    QCOMPARE(w.calls, 1);
    // One more byte makes minFreed since the trim: one more pass, counted with the same trim.
    w.inUse -= 1;
    QVERIFY(w.trimmed.wait(2000));
    QCOMPARE(w.calls, 2);
    QCOMPARE(w.trimmer.trims(), 1);
    QCOMPARE(w.trimmer.passes(), 2);
    // Measured from that pass now: a further drop of minFreed trims again, a smaller one does not.
    w.inUse -= 500;
    QVERIFY(!w.trimmed.wait(300));
    w.inUse -= 500;
    QVERIFY(w.trimmed.wait(2000));
    QCOMPARE(w.calls, 3);
    QCOMPARE(w.trimmer.trims(), 1);
}

void tst_BaseHeapTrimmer::watchEnds()
{
    // The watch lasts `watch` after the trim; memory freed after that waits for the next wave.
    WatchingTrimmer w(tuning(), 300ms);
    logoutWave(w.trimmer);
    QVERIFY(w.trimmed.wait(2000));
    QElapsedTimer clock;
    clock.start();
    QVERIFY(w.trimmer.watching());
    QTRY_VERIFY(!w.trimmer.watching());
    QVERIFY2(clock.elapsed() >= 200, qPrintable(QString::number(clock.elapsed())));
    QVERIFY2(w.looks <= 8,
             qPrintable(QString::number(w.looks))); // one per followUp over 300 ms, and the pass's
    const int looked = w.looks;
    w.inUse -= 100000;
    QVERIFY(!w.trimmed.wait(300));
    QCOMPARE(w.calls, 1);

    // A new wave trims, and watches again.
    logoutWave(w.trimmer);
    QCOMPARE(w.looks, looked); // nothing looked at between the waves
    QVERIFY(w.trimmed.wait(2000));
    QCOMPARE(w.calls, 2);
    QVERIFY(w.trimmer.watching());
    QTRY_VERIFY(w.looks > looked + 2);
}

void tst_BaseHeapTrimmer::releaseFreeMemoryEmptiesTheThreadCache()
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    QSKIP("the sanitizer's allocator replaces glibc's malloc: there is no thread cache to empty");
#elif defined(__GLIBC__)
    const std::vector<void *> small = leaveCachedSmallBlocks();
    QCOMPARE(residentPages(small), int(small.size()));
    HeapTrimmer::releaseFreeMemory();
    // With malloc_trim(0) alone all of them stay (448 of 448); the cache's new chunks, and blocks of
    // this process allocated among them, may keep some (55 in a bare process, about 150 here).
    const int resident = residentPages(small);
    QVERIFY2(resident >= 0 && resident <= int(small.size() / 2),
             qPrintable(QStringLiteral("%1 of %2 pages resident").arg(resident).arg(small.size())));
#else
    QSKIP("glibc only");
#endif
}

void tst_BaseHeapTrimmer::aPassReachesTheThreadCachesOfOtherThreads()
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    QSKIP("the sanitizer's allocator replaces glibc's malloc: there is no thread cache to empty");
#elif defined(__GLIBC__)
    // A second event-loop thread (a worker) whose sessions ended: what it freed last is in its own
    // thread cache, which only that thread can empty. The trimmer's pass must reach it there.
    QThread worker;
    worker.start();
    const auto stop = qScopeGuard([&worker] {
        worker.quit();
        worker.wait();
    });
    auto *anchor = new QObject;
    anchor->moveToThread(&worker);
    connect(&worker, &QThread::finished, anchor, &QObject::deleteLater);
    std::vector<void *> small;
    QMetaObject::invokeMethod(
        anchor, [&small] { small = leaveCachedSmallBlocks(); }, Qt::BlockingQueuedConnection);
    HeapTrimmer::Tuning t = tuning();
    t.followUp = 0ms;
    HeapTrimmer trimmer(t, &HeapTrimmer::releaseFreeMemory);
    trimmer.addThread(anchor);
    QSignalSpy trimmed(&trimmer, &HeapTrimmer::trimmed);
    QCOMPARE(residentPages(small), int(small.size()));
    logoutWave(trimmer);
    QVERIFY(trimmed.wait(5000));
    // This thread's pass alone leaves every one of them resident (448 of 448).
    QTRY_VERIFY2(
        residentPages(small) >= 0 && residentPages(small) <= int(small.size() / 2),
        qPrintable(QStringLiteral("%1 of %2 pages resident").arg(residentPages(small)).arg(small.size())));
#else
    QSKIP("glibc only");
#endif
}

void tst_BaseHeapTrimmer::aPassDoesWithoutAThreadThatIsGone()
{
    // A worker's thread ended and its anchor went with it: later passes do without that thread.
    int calls = 0;
    HeapTrimmer trimmer(tuning(), [&calls] {
        ++calls;
        return true;
    });
    QPointer<QObject> gone;
    {
        QThread worker;
        worker.start();
        auto *anchor = new QObject;
        anchor->moveToThread(&worker);
        connect(&worker, &QThread::finished, anchor, &QObject::deleteLater);
        gone = anchor;
        trimmer.addThread(anchor);
        worker.quit();
        worker.wait();
    }
    QTRY_VERIFY(gone.isNull());
    QSignalSpy trimmed(&trimmer, &HeapTrimmer::trimmed);
    logoutWave(trimmer);
    QVERIFY(trimmed.wait(2000));
    QCOMPARE(calls, 1);
    QCOMPARE(trimmer.passes(), 1);
}

QTEST_GUILESS_MAIN(tst_BaseHeapTrimmer)
#include "tst_base_heaptrimmer.moc"
