// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractEventDispatcher>

#include <memory>

namespace Switchboard {

/// An event dispatcher on Linux epoll for the headless server. Qt's own dispatchers (GLib's and the
/// UNIX one) hand every registered descriptor to poll() on each wake-up, so with thousands of idle
/// sessions every single stanza pays for all of them; epoll only reports the descriptors that are
/// ready. Socket notifiers map to epoll interest sets (level-triggered, as QSocketNotifier expects),
/// timers live in an ordered set, wakeUp() is an eventfd. Install it before the QCoreApplication exists
/// (QCoreApplication::setEventDispatcher); one per thread.
///
/// Its tables grow with the peak (thousands of sessions: a descriptor and a timer or two each) and
/// shrink again when they empty out: a bucket array or the list of changed descriptors sized for the
/// peak is given back once an eighth of it is used, so that after a logout wave they neither stay
/// resident nor pin heap pages among the freed sessions'.
class EpollEventDispatcher final : public QAbstractEventDispatcher
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EpollEventDispatcher)
public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    /// False when the kernel refused epoll or eventfd (then use Qt's dispatcher).
    bool isValid() const;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;
    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;
    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;
    void wakeUp() override;
    void interrupt() override;

    /// Gives back what is kept for reuse (spare timer nodes) and sizes every table and list to what it
    /// holds now. For HeapTrimmer, just before a trim: what was kept from the peak lies among the
    /// freed sessions' blocks and would pin their pages.
    void squeeze();

    /// What the dispatcher holds, for tests and diagnostics.
    struct Footprint
    {
        std::size_t watches = 0;      ///< descriptors with a notifier (or an epoll entry to drop)
        std::size_t watchBuckets = 0; ///< the bucket array of their table
        std::size_t timers = 0;
        std::size_t timerBuckets = 0;
        std::size_t spareNodes = 0;      ///< timer and queue nodes kept for reuse
        std::size_t pendingCapacity = 0; ///< the changed-descriptor list's capacity
    };
    Footprint footprint() const;

protected:
    /// Keeps the children list (Qt's single-shot timer objects) from staying at its peak.
    void childEvent(QChildEvent *event) override;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace Switchboard
