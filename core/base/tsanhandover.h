// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMetaObject>
#include <QObject>

#include <atomic>
#include <future>
#include <type_traits>
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
#endif

/// Tells ThreadSanitizer about Qt's hand-overs between threads, in ThreadSanitizer builds only; in
/// every other build each call here is nothing, or a plain QMetaObject::invokeMethod().
///
/// Why: Debian's Qt is not built with ThreadSanitizer, and QMutex, QSemaphore and QWaitCondition
/// use futexes directly, so it never sees that what a thread did before posting an event happens
/// before that event is delivered (a queued call or signal, deleteLater(), the wake-up of a blocking
/// queued call). Every such hand-over is then reported as a race, in our frames (docs/ARCHITECTURE.md,
/// "Threads"). Qt's own hooks mark the two ends:
/// - before anything is posted: the beginning and the end of every signal emission (Qt's signal spy
///   callbacks, the ones QtTest's `-vs` uses; a set registered before install() is chained to, one
///   registered after replaces this one, so `-vs` given to a test binary turns these hooks off; the
///   end comes after the argument copies a queued connection posts) and each of our own posts to
///   another thread (post(), callBlocking(): see Handed) release;
/// - before anything is delivered: QCoreApplication::notify()'s EventNotifyCallback, which Qt calls
///   on the receiving thread for every event sent or posted, acquires.
/// What Qt itself allocates and frees for the hand-over (the posted event) is out of sight with
/// TSAN_OPTIONS=ignore_noninstrumented_modules=1, which scripts/test.sh --tsan sets.
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

#ifdef SWITCHBOARD_TSAN_BUILD
/// The one address every release() and acquire() names.
extern char g_token;
#endif

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

/// A call handed to Qt for another thread. Qt moves it into the object it posts (a slot object),
/// runs it on the receiving thread and destroys it on whichever thread lets go of that object last
/// (an atomic count inside Qt, which orders that for real): the move releases, so the copy Qt posts
/// is complete before the hand-over; running it releases at its end; destroying it on another thread
/// than the one that ran it (a poster that let go last), or when it never ran (its receiver went
/// first), acquires before the captures go. Only the posted copy does any of that.
template <typename Call> class Handed
{
public:
    explicit Handed(Call &&call) : m_call(std::move(call)) {}
    Handed(Handed &&other) noexcept(std::is_nothrow_move_constructible_v<Call>)
        : m_call(std::move(other.m_call))
    {
        other.m_posted = false;
        release();
    }
    Handed(const Handed &) = delete;
    Handed &operator=(const Handed &) = delete;
    Handed &operator=(Handed &&) = delete;
    ~Handed()
    {
        if (m_posted && m_ranOn.load(std::memory_order_relaxed) != threadMark())
            acquire();
    }
    void operator()()
    {
        m_ranOn.store(threadMark(), std::memory_order_relaxed);
        m_call();
        release();
    }

private:
    /// An address that is different on every thread.
    static const void *threadMark()
    {
        static thread_local const char mark = 0;
        return &mark;
    }

    Call m_call;
    bool m_posted = true;
    std::atomic<const void *> m_ranOn{nullptr}; ///< atomic: read where it is destroyed, before acquire()
};

/// Queues `call` (a functor, or a member function of `context`) to `context`'s thread: what this
/// thread did before happens before the call, also for ThreadSanitizer. For a post to another thread
/// (to this thread, a plain invokeMethod() does).
template <typename Context, typename Call> void post(const Context &context, Call &&call)
{
#ifdef SWITCHBOARD_TSAN_BUILD
    using Functor = std::decay_t<Call>;
    if constexpr (!std::is_member_function_pointer_v<Functor>) {
        QMetaObject::invokeMethod(context, Handed<Functor>(Functor(std::forward<Call>(call))),
                                  Qt::QueuedConnection);
    } else {
        release(); // Qt's slot object for a member function holds nothing of ours
        QMetaObject::invokeMethod(context, call, Qt::QueuedConnection);
    }
#else
    QMetaObject::invokeMethod(context, std::forward<Call>(call), Qt::QueuedConnection);
#endif
}

/// Runs `call` on `context`'s thread, which is not this one, and returns when it has run (a blocking
/// queued call): what this thread did before happens before the call and the call before what this
/// thread does next, also for ThreadSanitizer. If `context` is destroyed before the call is delivered,
/// returns without it having run (as Qt's blocking queued call does).
template <typename Call> void callBlocking(QObject *context, Call &&call)
{
#ifdef SWITCHBOARD_TSAN_BUILD
    // Not Qt's blocking queued call: after the call returned, its receiving thread still reads the
    // return value's slot on the caller's stack, which ThreadSanitizer would see race with whatever
    // the caller does next. A posted call and a std::promise instead, both of which it sees.
    class Answer
    {
    public:
        explicit Answer(std::promise<void> *promise) : m_promise(promise) {}
        Answer(Answer &&other) noexcept : m_promise(std::exchange(other.m_promise, nullptr)) {}
        Answer(const Answer &) = delete;
        Answer &operator=(const Answer &) = delete;
        Answer &operator=(Answer &&) = delete;
        ~Answer() { give(); }
        /// The caller goes on: nothing of its stack is touched after this.
        void give()
        {
            if (std::promise<void> *promise = std::exchange(m_promise, nullptr))
                promise->set_value();
        }

    private:
        std::promise<void> *m_promise;
    };
    std::promise<void> ran;
    std::future<void> returned = ran.get_future();
    post(context, [&call, answer = Answer(&ran)]() mutable {
        call();
        answer.give();
    });
    returned.wait();
#else
    QMetaObject::invokeMethod(context, std::forward<Call>(call), Qt::BlockingQueuedConnection);
#endif
}

} // namespace Switchboard::TsanHandover
