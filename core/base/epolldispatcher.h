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

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace Switchboard
