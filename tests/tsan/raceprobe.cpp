// SPDX-License-Identifier: GPL-3.0-or-later
// A deliberate data race between two threads, for the ThreadSanitizer build only: proof that the
// options scripts/test.sh --tsan sets still report a race of ours where the project's threads meet,
// inside Qt's hand-over of a queued call or signal (docs/ARCHITECTURE.md, "Threads"). A suppression
// naming a Qt frame of that hand-over (QObject::event, QMetaObject::invokeMethodImpl, ...) hides it.
//
//   tsan-race-probe queued-call           a functor run on another thread by a queued call writes
//                                         a counter that the posting thread writes too
//   tsan-race-probe queued-signal         the same from a slot reached through a queued signal
//   tsan-race-probe after-child-process   a queued call as above, after a child process was started
//                                         while a second thread ran (as every QtTest binary that
//                                         starts Prosody does: QtTest's watchdog is that thread)
//
// The other thread writes first; the posting thread writes once it sees a relaxed flag the other
// set after its write, which orders nothing: neither write happens before the other, whatever Qt's
// hand-over does (it orders only what came before the post), so every run has the race. Both threads
// run the epoll dispatcher, as in the headless binary, and the hooks that show ThreadSanitizer Qt's
// hand-overs are installed (base/tsanhandover.h), the queued call posted through them as ours are:
// they must not hide a race across the hand-over. Exits 0 if ThreadSanitizer stayed silent.
#include "base/epolldispatcher.h"
#include "base/tsanhandover.h"

#include <QCoreApplication>
#include <QObject>
#include <QProcess>
#include <QThread>

#include <atomic>
#include <cstdio>
#include <cstring>

namespace {

int g_counter = 0;                   // written by both threads, unsynchronised: the race
std::atomic<bool> g_written{false};  // relaxed: tells, without ordering anything
std::atomic<bool> g_returned{false}; // relaxed: the post returned on the posting thread

void writeOnOtherThread()
{
    // Not before the post has returned: the posting thread then no longer holds Qt's slot object,
    // whose release by the last holder (an atomic count, which TSanHandover makes visible) would
    // order this write before everything the poster does after, if the poster let go last.
    while (!g_returned.load(std::memory_order_relaxed))
        QThread::yieldCurrentThread();
    ++g_counter;
    g_written.store(true, std::memory_order_relaxed);
}

/// Emits a signal that is connected across threads (queued).
class Emitter : public QObject
{
    Q_OBJECT
Q_SIGNALS:
    void fired();
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication::setEventDispatcher(new Switchboard::EpollEventDispatcher);
    QCoreApplication app(argc, argv);
    Switchboard::TsanHandover::install();
    const char *shape = argc > 1 ? argv[1] : "";
    QThread thread;
    thread.setEventDispatcher(new Switchboard::EpollEventDispatcher);
    QObject target;
    target.moveToThread(&thread);
    thread.start();
    Emitter emitter;
    if (std::strcmp(shape, "queued-call") == 0) {
        Switchboard::TsanHandover::post(&target, [] { writeOnOtherThread(); });
        g_returned.store(true, std::memory_order_relaxed);
    } else if (std::strcmp(shape, "queued-signal") == 0) {
        QObject::connect(
            &emitter, &Emitter::fired, &target, [] { writeOnOtherThread(); }, Qt::QueuedConnection);
        Q_EMIT emitter.fired();
        g_returned.store(true, std::memory_order_relaxed);
    } else if (std::strcmp(shape, "after-child-process") == 0) {
        QProcess child;
        child.start(QStringLiteral("true"), {});
        if (!child.waitForFinished(30000)) {
            std::fprintf(stderr, "tsan-race-probe: could not run 'true'\n");
            return 2;
        }
        Switchboard::TsanHandover::post(&target, [] { writeOnOtherThread(); });
        g_returned.store(true, std::memory_order_relaxed);
    } else {
        std::fprintf(stderr, "usage: tsan-race-probe queued-call|queued-signal|after-child-process\n");
        return 2;
    }
    while (!g_written.load(std::memory_order_relaxed))
        QThread::yieldCurrentThread();
    ++g_counter;
    QMetaObject::invokeMethod(
        &target, [] { QThread::currentThread()->quit(); }, Qt::QueuedConnection);
    thread.wait();
    return 0;
}

#include "raceprobe.moc"
