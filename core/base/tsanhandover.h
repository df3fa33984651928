// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMetaObject>
#include <QObject>

#include <utility>

// ThreadSanitizer build: -fsanitize=thread (GCC says __SANITIZE_THREAD__, Clang __has_feature).
#if defined(__SANITIZE_THREAD__)
#define SWITCHBOARD_TSAN_BUILD 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SWITCHBOARD_TSAN_BUILD 1
#endif
#endif

#ifdef SWITCHBOARD_TSAN_BUILD
extern "C" void __tsan_acquire(void *addr);
extern "C" void __tsan_release(void *addr);
namespace Switchboard::TsanHandover {
/// The one address every release() and acquire() names (one token for every thread, see below).
extern char g_token;
} // namespace Switchboard::TsanHandover
#endif

/// Tells ThreadSanitizer about Qt's hand-overs between threads, in ThreadSanitizer builds only; in
/// every other build each call here is nothing, or a plain QMetaObject::invokeMethod().
///
/// Why: Debian's Qt is not built with ThreadSanitizer, and QMutex, QSemaphore and QWaitCondition
/// use futexes directly, so it never sees that what a thread did before posting an event happens
/// before that event is delivered (a queued call or signal, deleteLater(), the wake-up of a blocking
/// queued call). Every such hand-over is then reported as a race, in our frames (docs/ARCHITECTURE.md,
/// "Threads"). Qt's own hooks mark the two ends:
/// - before anything is posted: every signal emission (Qt's signal spy callbacks, the ones QtTest's
///   `-vs` uses; a set registered before install() is chained to, one registered after replaces this
///   one, so `-vs` given to a test binary turns these hooks off) and each of our own posts to another
///   thread (post(), callBlocking()) release;
/// - before anything is delivered: QCoreApplication::notify()'s EventNotifyCallback, which Qt calls
///   on the receiving thread for every event sent or posted, acquires.
///
/// One token for every thread: what a thread did before any signal or post happens, for
/// ThreadSanitizer, before every later delivery on any thread, including threads the two did not
/// talk to. Qt guarantees less (only the receiver of that post), so a race between two threads that
/// each hand something over to a third, or that each emit a signal and receive events in between, can
/// go unseen; a race across one hand-over, a write after the post on one side and an access in the
/// delivered call on the other, is still seen (tests/tsan, tsan_reports_race_in_*). A token per
/// receiving thread would narrow our own posts, but the signal hook cannot know a signal's receivers,
/// and every thread emits signals all the time, so it would narrow nothing.
///
/// Threads that QThread starts go through pthread_create(), which ThreadSanitizer sees; QThread::wait()
/// does not (Qt's threads are detached): call acquire() after it (the thread's last signal,
/// QThread::finished, released).
namespace Switchboard::TsanHandover {

/// Registers the two hooks, once per process (later calls do nothing); thread-safe. Server's
/// constructor calls it; a program that hands over between threads without a Server calls it itself.
void install();

/// What this thread did so far happens before every later acquire() (ThreadSanitizer builds only).
inline void release()
{
#ifdef SWITCHBOARD_TSAN_BUILD
    __tsan_release(&g_token);
#endif
}

/// Every release() so far happens before what this thread does next (ThreadSanitizer builds only).
inline void acquire()
{
#ifdef SWITCHBOARD_TSAN_BUILD
    __tsan_acquire(&g_token);
#endif
}

/// Queues `call` to `context`'s thread: what this thread did before happens before the call, also for
/// ThreadSanitizer. For a post to another thread (to this thread, a plain invokeMethod() does).
template <typename Context, typename Call> void post(const Context &context, Call &&call)
{
    release();
    QMetaObject::invokeMethod(context, std::forward<Call>(call), Qt::QueuedConnection);
}

/// Runs `call` on `context`'s thread, which is not this one, and returns when it has run (a blocking
/// queued call): what this thread did before happens before the call and the call before what this
/// thread does next, also for ThreadSanitizer.
template <typename Call> void callBlocking(QObject *context, Call &&call)
{
    release();
    QMetaObject::invokeMethod(
        context,
        [&call] {
            call();
            release();
        },
        Qt::BlockingQueuedConnection);
    acquire();
}

} // namespace Switchboard::TsanHandover
