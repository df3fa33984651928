// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/epolldispatcher.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimerEvent>

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
    std::unordered_map<int, Timer> timers;
    std::set<std::pair<qint64, int>> queue; ///< (deadline, timer id)
    std::atomic<bool> interrupted{false};
    std::vector<epoll_event> events = std::vector<epoll_event>(256);

    void update(int fd, uint32_t oldMask, uint32_t newMask)
    {
        epoll_event ev{};
        ev.events = newMask;
        ev.data.fd = fd;
        if (newMask == 0) {
            // The descriptor may already be closed (then the kernel dropped it from the set).
            ::epoll_ctl(epoll, EPOLL_CTL_DEL, fd, &ev);
            return;
        }
        const int op = oldMask == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
        if (::epoll_ctl(epoll, op, fd, &ev) == 0)
            return;
        // A descriptor number reused after a close the set has already forgotten, or the other way round.
        if (errno == ENOENT)
            ::epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &ev);
        else if (errno == EEXIST)
            ::epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &ev);
    }

    void schedule(int id, Timer &timer, qint64 from)
    {
        timer.deadline = from + timer.interval;
        queue.emplace(timer.deadline, id);
    }

    /// Fires the timers due now, each once. Returns whether any fired.
    bool fireTimers()
    {
        const qint64 now = nowMs();
        std::vector<int> due;
        for (auto it = queue.begin(); it != queue.end() && it->first <= now;) {
            due.push_back(it->second);
            it = queue.erase(it);
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

    const bool wait = flags.testFlag(QEventLoop::WaitForMoreEvents);
    const bool timersAllowed = !flags.testFlag(QEventLoop::X11ExcludeTimers);
    int timeout = wait ? (timersAllowed ? d->timeoutMs() : -1) : 0;
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
    if (size_t(ready) == d->events.size())
        d->events.resize(d->events.size() * 2);
    return handled;
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    Private::Watch &watch = d->watches[fd];
    const uint32_t before = watch.mask();
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
    d->update(fd, before, watch.mask());
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    auto found = d->watches.find(fd);
    if (found == d->watches.end())
        return;
    Private::Watch &watch = found->second;
    const uint32_t before = watch.mask();
    if (watch.read == notifier)
        watch.read = nullptr;
    if (watch.write == notifier)
        watch.write = nullptr;
    if (watch.exception == notifier)
        watch.exception = nullptr;
    const uint32_t after = watch.mask();
    if (after != before)
        d->update(fd, before, after);
    if (after == 0)
        d->watches.erase(found);
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                                         QObject *object)
{
    Private::Timer &timer = d->timers[timerId];
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
    d->queue.erase({found->second.deadline, timerId});
    d->timers.erase(found);
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

void EpollEventDispatcher::wakeUp()
{
    ::eventfd_write(d->wake, 1);
}

void EpollEventDispatcher::interrupt()
{
    d->interrupted.store(true);
    wakeUp();
}

} // namespace Switchboard
