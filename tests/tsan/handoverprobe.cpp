// SPDX-License-Identifier: GPL-3.0-or-later
// Hand-overs between two threads that Qt orders, for the ThreadSanitizer build only: with the hooks of
// base/tsanhandover.h installed, ThreadSanitizer must see each as ordered and stay silent; without
// them (`without-hooks`) it must report each, since Debian's Qt is not built with it and QMutex,
// QSemaphore and QWaitCondition use futexes it cannot see (docs/ARCHITECTURE.md, "Threads").
//
//   tsan-handover-probe SHAPE [without-hooks]
//
//   queued-call     this thread writes a value, then posts (TsanHandover::post) a call that writes it
//                   on the other thread
//   queued-signal   the same through a queued signal
//   blocking-call   the same through a blocking queued call (TsanHandover::callBlocking); this thread
//                   writes the value again once the call returned
//   thread-wait     the same through a queued signal, whose next slot ends the other thread; this
//                   thread writes the value again after QThread::wait() and TsanHandover::acquire()
//
// `without-hooks` leaves out TsanHandover::install(): the helpers still release and acquire where
// they are called, but nothing acquires where Qt delivers, so the first write of each shape races
// (blocking-call's too, unless its receiving thread sleeps when the post comes: tests/tsan leaves
// that shape out).
//
// In all but blocking-call the receiving thread is busy (in an earlier queued call) when the post comes and
// delivers it from there, without reading its dispatcher's eventfd: that read, a synchronisation
// ThreadSanitizer sees on its own, would otherwise order the two writes whether the hooks work or
// not (a thread that sleeps when the post comes reads it first). Exits 0 when the value is the one expected
// (and, under halt_on_error=1, when ThreadSanitizer reported nothing); 1 when it is not; 2 on bad usage.
#include "base/epolldispatcher.h"
#include "base/tsanhandover.h"

#include <QCoreApplication>
#include <QObject>
#include <QThread>

#include <atomic>
#include <cstdio>
#include <cstring>

namespace {

int g_value = 0; // plain int: only the hand-over under test orders the two threads' writes

std::atomic<bool> g_busy{false};   // relaxed: the other thread is inside the busy call
std::atomic<bool> g_posted{false}; // relaxed: the hand-over under test was posted

/// Emits a signal that is connected across threads (queued).
class Emitter : public QObject
{
    Q_OBJECT
Q_SIGNALS:
    void fired();
};

/// Keeps `target`'s thread in a queued call until g_posted, then delivers what was posted meanwhile
/// from there, with no read of its dispatcher's eventfd in between.
void occupy(QObject *target)
{
    Switchboard::TsanHandover::post(target, [] {
        g_busy.store(true, std::memory_order_relaxed);
        while (!g_posted.load(std::memory_order_relaxed))
            QThread::yieldCurrentThread();
        QCoreApplication::sendPostedEvents();
    });
    while (!g_busy.load(std::memory_order_relaxed))
        QThread::yieldCurrentThread();
}

} // namespace

int main(int argc, char **argv)
{
    using namespace Switchboard;
    QCoreApplication::setEventDispatcher(new EpollEventDispatcher);
    QCoreApplication app(argc, argv);
    const char *shape = argc > 1 ? argv[1] : "";
    if (argc <= 2 || std::strcmp(argv[2], "without-hooks") != 0)
        TsanHandover::install();
    QThread thread;
    thread.setEventDispatcher(new EpollEventDispatcher);
    QObject target;
    target.moveToThread(&thread);
    thread.start();
    Emitter emitter;
    QObject::connect(
        &emitter, &Emitter::fired, &target, [] { g_value += 1; }, Qt::QueuedConnection);
    int expected = 2;
    if (std::strcmp(shape, "queued-call") == 0 || std::strcmp(shape, "queued-signal") == 0) {
        occupy(&target);
        g_value = 1;
        if (shape[7] == 'c')
            TsanHandover::post(&target, [] { g_value += 1; });
        else
            Q_EMIT emitter.fired();
        g_posted.store(true, std::memory_order_relaxed);
    } else if (std::strcmp(shape, "blocking-call") == 0) {
        g_value = 1;
        TsanHandover::callBlocking(&target, [] { g_value += 1; });
        g_value += 1;
        expected = 3;
    } else if (std::strcmp(shape, "thread-wait") == 0) {
        // The other thread ends itself after its write: nothing of ours runs there after that.
        QObject::connect(&emitter, &Emitter::fired, &target, [] { QThread::currentThread()->quit(); });
        occupy(&target);
        g_value = 1;
        Q_EMIT emitter.fired();
        g_posted.store(true, std::memory_order_relaxed);
        thread.wait();
        TsanHandover::acquire();
        g_value += 1;
        expected = 3;
    } else {
        std::fprintf(stderr, "usage: tsan-handover-probe "
                             "queued-call|queued-signal|blocking-call|thread-wait [without-hooks]\n");
        return 2;
    }
    int seen = 0;
    if (thread.isRunning()) {
        // The value as the other thread left it (after the hand-over under test, in posting order).
        TsanHandover::callBlocking(&target, [&seen] {
            seen = g_value;
            QThread::currentThread()->quit();
        });
        thread.wait();
    } else {
        seen = g_value;
    }
    if (seen != expected) {
        std::fprintf(stderr, "tsan-handover-probe: read %d, not %d\n", seen, expected);
        return 1;
    }
    return 0;
}

#include "handoverprobe.moc"
