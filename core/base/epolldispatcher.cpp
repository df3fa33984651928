// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/epolldispatcher.h"

#include "base/childlist.h"
#include "base/tsanhandover.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QThread>
#include <QTimerEvent>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <set>
#include <unordered_map>
#include <vector>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace Switchboard {

namespace {
/// Rounds of posted events delivered after the descriptors and timers of one wake-up (see processEvents).
constexpr int kPostedPasses = 3;
/// Ready descriptors taken per epoll_wait (level-triggered: the rest are reported by the next one).
/// Fixed rather than grown with the load: what the handlers of one batch post (deleteLater(), queued
/// calls) is delivered before the next batch, and Qt's posted-event list keeps the capacity of its
/// peak for good, so a batch of thousands of closing connections (a logout wave) left it at 128 KB.
constexpr std::size_t kEventSlots = 256;
/// Tables and lists this small are never shrunk (a few KB).
constexpr std::size_t kSmallBuckets = 256;
constexpr std::size_t kSmallPending = 1024;

/// Gives a hash table's bucket array back once under an eighth of it is in use: the table keeps the
/// size of its peak otherwise (libstdc++ never shrinks on erase). Amortised: the next shrink needs
/// another eightfold drop, growth needs the table to fill up again.
template <typename Table> void shrinkWhenSparse(Table &table)
{
    const std::size_t buckets = table.bucket_count();
    if (buckets > kSmallBuckets && table.size() * 8 < buckets)
        table.rehash(table.size() * 2);
}

qint64 nowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}
} // namespace

struct EpollEventDispatcher::Private
{
    struct Watch
    {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
        QSocketNotifier *exception = nullptr;
        uint32_t kernelMask = 0; ///< what the epoll set holds for this descriptor
        bool fresh = true;       ///< every notifier went away since: the descriptor may be a new one
        bool dirty = false;
        uint32_t mask() const
        {
            return (read ? uint32_t(EPOLLIN) : 0u) | (write ? uint32_t(EPOLLOUT) : 0u) |
                   (exception ? uint32_t(EPOLLPRI) : 0u);
        }
    };
    struct Timer
    {
        qint64 interval = 0;
        Qt::TimerType type = Qt::CoarseTimer;
        QObject *object = nullptr;
        qint64 deadline = 0;
    };

    int epoll = -1;
    int wake = -1;
    std::unordered_map<int, Watch> watches;
    std::vector<int> dirty; ///< descriptors whose interest changed since the last epoll_wait
    std::unordered_map<int, Timer> timers;
    std::set<std::pair<qint64, int>> queue; ///< (deadline, timer id)
    // Nodes of both kept for reuse: a timer started and stopped for every message (BOSH coalescing)
    // would otherwise allocate and free two nodes each time.
    std::vector<decltype(timers)::node_type> spareTimers;
    std::vector<decltype(queue)::node_type> spareQueue;
    static constexpr std::size_t kSpareNodes = 64;
    std::atomic<bool> interrupted{false};
    bool wokenHere = false; ///< wakeUp() from our own thread: do not block, no eventfd write needed
    std::array<epoll_event, kEventSlots> events{};

    void touch(int fd, Watch &watch)
    {
        if (watch.mask() == 0)
            watch.fresh = true;
        if (!watch.dirty) {
            watch.dirty = true;
            dirty.push_back(fd);
        }
    }

    /// Brings the epoll set up to date, once per wait. QAbstractSocket enables its write notifier on
    /// every write and disables it once flushed; batching means that round trip costs no system call.
    void applyChanges()
    {
        if (dirty.empty()) {
            if (dirty.capacity() > kSmallPending)
                std::vector<int>().swap(dirty); // a wave of changes is over: not kept for the next one
            return;
        }
        std::size_t erased = 0;
        for (int fd : dirty) {
            auto found = watches.find(fd);
            if (found == watches.end())
                continue;
            Watch &watch = found->second;
            watch.dirty = false;
            const uint32_t wanted = watch.mask();
            epoll_event ev{};
            ev.events = wanted;
            ev.data.fd = fd;
            if (wanted == 0) {
                // The descriptor may already be closed (then the kernel dropped it from the set).
                if (watch.kernelMask != 0)
                    ::epoll_ctl(epoll, EPOLL_CTL_DEL, fd, &ev);
                watches.erase(found);
                ++erased;
                continue;
            }
            if (wanted == watch.kernelMask && !watch.fresh)
                continue;
            // After all notifiers went away the number may belong to a new socket the set never saw:
            // add, and fall back to modify when it is still there (and the other way round).
            const int op = (watch.fresh || watch.kernelMask == 0) ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
            if (::epoll_ctl(epoll, op, fd, &ev) != 0) {
                if (errno == EEXIST)
                    ::epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &ev);
                else if (errno == ENOENT)
                    ::epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &ev);
            }
            watch.kernelMask = wanted;
            watch.fresh = false;
        }
        dirty.clear();
        if (erased > 0)
            shrinkWhenSparse(watches);
    }

    /// After timers went: the table's buckets and, once it is sparse, the spare nodes, which were
    /// allocated at the peak among the blocks of the sessions that are gone now.
    void timersRemoved()
    {
        const std::size_t buckets = timers.bucket_count();
        if (buckets <= kSmallBuckets || timers.size() * 8 >= buckets)
            return;
        shrinkWhenSparse(timers);
        spareTimers.clear();
        spareQueue.clear();
    }

    void schedule(int id, Timer &timer, qint64 from)
    {
        timer.deadline = from + timer.interval;
        if (spareQueue.empty()) {
            queue.emplace(timer.deadline, id);
            return;
        }
        auto node = std::move(spareQueue.back());
        spareQueue.pop_back();
        node.value() = {timer.deadline, id};
        queue.insert(std::move(node));
    }

    /// Takes (deadline, id) out of the queue, keeping its node.
    void unqueue(qint64 deadline, int id)
    {
        auto node = queue.extract({deadline, id});
        if (!node.empty() && spareQueue.size() < kSpareNodes)
            spareQueue.push_back(std::move(node));
    }

    Timer &addTimer(int id)
    {
        if (spareTimers.empty())
            return timers[id];
        auto node = std::move(spareTimers.back());
        spareTimers.pop_back();
        node.key() = id;
        node.mapped() = Timer();
        return timers.insert(std::move(node)).position->second;
    }

    void removeTimer(std::unordered_map<int, Timer>::iterator it)
    {
        unqueue(it->second.deadline, it->first);
        auto node = timers.extract(it);
        if (spareTimers.size() < kSpareNodes)
            spareTimers.push_back(std::move(node));
    }

    /// Fires the timers due now, each once. Returns whether any fired.
    bool fireTimers()
    {
        const qint64 now = nowMs();
        std::vector<int> due;
        while (!queue.empty() && queue.begin()->first <= now) {
            due.push_back(queue.begin()->second);
            auto node = queue.extract(queue.begin());
            if (spareQueue.size() < kSpareNodes)
                spareQueue.push_back(std::move(node));
        }
        for (int id : due) {
            auto found = timers.find(id);
            if (found == timers.end() || found->second.deadline > now)
                continue; // unregistered, or restarted, by an earlier timer's slot
            // Next deadline first: the slot may unregister or restart the timer.
            schedule(id, found->second, std::max(found->second.deadline, now - found->second.interval));
            QTimerEvent event(id);
            QCoreApplication::sendEvent(found->second.object, &event);
        }
        return !due.empty();
    }

    int timeoutMs() const
    {
        if (queue.empty())
            return -1;
        const qint64 wait = queue.begin()->first - nowMs();
        return wait <= 0 ? 0 : int(std::min<qint64>(wait, 24 * 3600 * 1000));
    }
};

EpollEventDispatcher::EpollEventDispatcher(QObject *parent) : QAbstractEventDispatcher(parent), d(new Private)
{
    d->epoll = ::epoll_create1(EPOLL_CLOEXEC);
    d->wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (d->epoll >= 0 && d->wake >= 0) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = d->wake;
        ::epoll_ctl(d->epoll, EPOLL_CTL_ADD, d->wake, &ev);
    }
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    // After every wakeUp() from another thread (see there), for ThreadSanitizer.
    TsanHandover::acquire();
    if (d->wake >= 0)
        ::close(d->wake);
    if (d->epoll >= 0)
        ::close(d->epoll);
}

bool EpollEventDispatcher::isValid() const
{
    return d->epoll >= 0 && d->wake >= 0;
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    d->interrupted.store(false);
    Q_EMIT awake();
    // Posted events first; posting wakes us up (QCoreApplication::postEvent calls wakeUp()), so a
    // blocking wait below cannot sleep on an event posted meanwhile.
    QCoreApplication::sendPostedEvents();
    if (d->interrupted.load())
        return false;

    const bool wait = flags.testFlag(QEventLoop::WaitForMoreEvents) && !d->wokenHere;
    d->wokenHere = false;
    const bool timersAllowed = !flags.testFlag(QEventLoop::X11ExcludeTimers);
    int timeout = wait ? (timersAllowed ? d->timeoutMs() : -1) : 0;
    d->applyChanges();
    if (timeout != 0)
        Q_EMIT aboutToBlock();
    int ready = ::epoll_wait(d->epoll, d->events.data(), int(d->events.size()), timeout);
    if (timeout != 0)
        Q_EMIT awake();
    if (ready < 0)
        ready = 0; // EINTR: a signal; go round again

    bool handled = false;
    const bool socketsAllowed = !flags.testFlag(QEventLoop::ExcludeSocketNotifiers);
    for (int i = 0; i < ready; ++i) {
        const int fd = d->events[size_t(i)].data.fd;
        const uint32_t what = d->events[size_t(i)].events;
        if (fd == d->wake) {
            eventfd_t value;
            ::eventfd_read(d->wake, &value);
            continue;
        }
        if (!socketsAllowed)
            continue;
        // Look the descriptor up again before each notifier: an earlier slot may have removed it.
        QEvent event(QEvent::SockAct);
        auto deliver = [&](QSocketNotifier *Private::Watch::*which) {
            auto found = d->watches.find(fd);
            if (found == d->watches.end())
                return;
            if (QSocketNotifier *notifier = found->second.*which) {
                QCoreApplication::sendEvent(notifier, &event);
                handled = true;
            }
        };
        if (what & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP))
            deliver(&Private::Watch::read);
        if (what & (EPOLLOUT | EPOLLHUP | EPOLLERR))
            deliver(&Private::Watch::write);
        if (what & EPOLLPRI)
            deliver(&Private::Watch::exception);
    }
    if (timersAllowed && !d->interrupted.load())
        handled = d->fireTimers() || handled;
    // What the handlers just posted (a queued call, then the deleteLater() that call makes) is
    // delivered now rather than by further rounds of the loop: each round would cost a non-blocking
    // epoll_wait and the loop's own work, on every wake-up. Bounded, so that events that keep posting
    // events cannot starve the descriptors: what is still posted after that sets wokenHere, and the next
    // round does not block on it. Delivered at the nesting level of the top of this function.
    for (int pass = 0; pass < kPostedPasses && d->wokenHere && !d->interrupted.load(); ++pass) {
        d->wokenHere = false;
        QCoreApplication::sendPostedEvents();
        handled = true;
    }
    return handled;
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    Private::Watch &watch = d->watches[fd];
    switch (notifier->type()) {
    case QSocketNotifier::Read:
        watch.read = notifier;
        break;
    case QSocketNotifier::Write:
        watch.write = notifier;
        break;
    case QSocketNotifier::Exception:
        watch.exception = notifier;
        break;
    }
    d->touch(fd, watch);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    auto found = d->watches.find(fd);
    if (found == d->watches.end())
        return;
    Private::Watch &watch = found->second;
    if (watch.read == notifier)
        watch.read = nullptr;
    if (watch.write == notifier)
        watch.write = nullptr;
    if (watch.exception == notifier)
        watch.exception = nullptr;
    if (watch.mask() == 0 && watch.kernelMask != 0) {
        // Out of the set now, not at the next wait: the descriptor is usually closed right after its
        // last notifier goes, and if a duplicate keeps the socket open (a lingering TLS close), the
        // kernel would keep reporting events under the closed number, which a new socket may reuse.
        epoll_event ev{};
        ::epoll_ctl(d->epoll, EPOLL_CTL_DEL, fd, &ev);
        watch.kernelMask = 0;
    }
    d->touch(fd, watch);
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                                         QObject *object)
{
    auto existing = d->timers.find(timerId);
    if (existing != d->timers.end())
        d->removeTimer(existing); // an id registered twice: the later registration counts
    Private::Timer &timer = d->addTimer(timerId);
    timer.interval = std::max<qint64>(0, interval);
    timer.type = timerType;
    timer.object = object;
    d->schedule(timerId, timer, nowMs());
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    auto found = d->timers.find(timerId);
    if (found == d->timers.end())
        return false;
    d->removeTimer(found);
    d->timersRemoved();
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    bool any = false;
    for (auto it = d->timers.begin(); it != d->timers.end();) {
        if (it->second.object == object) {
            d->queue.erase({it->second.deadline, it->first});
            it = d->timers.erase(it);
            any = true;
        } else {
            ++it;
        }
    }
    if (any)
        d->timersRemoved();
    return any;
}

QList<QAbstractEventDispatcher::TimerInfo> EpollEventDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> list;
    for (const auto &[id, timer] : d->timers) {
        if (timer.object == object)
            list.append(TimerInfo(id, int(timer.interval), timer.type));
    }
    return list;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    auto found = d->timers.find(timerId);
    if (found == d->timers.end())
        return -1;
    return int(std::max<qint64>(0, found->second.deadline - nowMs()));
}

void EpollEventDispatcher::squeeze()
{
    d->spareTimers.clear();
    d->spareQueue.clear();
    d->watches.rehash(0); // to the smallest bucket array that holds what is there
    d->timers.rehash(0);
    if (d->dirty.empty())
        std::vector<int>().swap(d->dirty);
}

EpollEventDispatcher::Footprint EpollEventDispatcher::footprint() const
{
    Footprint f;
    f.watches = d->watches.size();
    f.watchBuckets = d->watches.bucket_count();
    f.timers = d->timers.size();
    f.timerBuckets = d->timers.bucket_count();
    f.spareNodes = d->spareTimers.size() + d->spareQueue.size();
    f.pendingCapacity = d->dirty.capacity();
    return f;
}

void EpollEventDispatcher::childEvent(QChildEvent *event)
{
    // Qt's single-shot timer objects are the dispatcher's children until they fire.
    squeezeChildListWhenSparse(this, event);
    QAbstractEventDispatcher::childEvent(event);
}

void EpollEventDispatcher::wakeUp()
{
    // Posting from our own thread happens between waits: a flag is enough, no system call. The
    // thread is asked now, not at construction: a worker thread's dispatcher is made on the thread
    // that starts it and moved to it by QThread::setEventDispatcher().
    if (QThread::currentThread() == thread()) {
        d->wokenHere = true;
        return;
    }
    ::eventfd_write(d->wake, 1);
    // QCoreApplication::postEvent() calls this after it let go of its lock: a thread whose last posted
    // event ends it could destroy this dispatcher meanwhile (Qt's window, not ours). Its destructor
    // acquires: ThreadSanitizer reports that only if it really came first.
    TsanHandover::release();
}

void EpollEventDispatcher::interrupt()
{
    d->interrupted.store(true);
    ::eventfd_write(d->wake, 1);
    // QThread::exit() calls this under the thread's lock, which its end takes before destroying
    // this dispatcher; ThreadSanitizer does not see Qt's lock, so the destructor acquires this.
    TsanHandover::release();
}

} // namespace Switchboard
