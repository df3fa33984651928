// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/config.h"
#include "push/pushrequest.h"
#include "push/pushtarget.h"
#include "push/pushtransport.h"
#include "push/vapid.h"
#include "push/webhook.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>
#include <optional>

namespace Switchboard::Push {

/// Counters for /metrics (cumulative since start). Monitor exports them as switchboard_push_*_total.
struct PushCounters
{
    quint64 attempts = 0;  ///< requests handed to the transport
    quint64 delivered = 0; ///< answered 2xx
    quint64 retries = 0;   ///< attempts scheduled again after a network error, a timeout, 429 or 5xx
    quint64 failures = 0;  ///< attempts that failed (every kind, retried or not)
    quint64 refused = 0;   ///< attempts the target policy stopped (private address...)
    quint64 gone = 0;      ///< subscriptions dropped on 404 or 410 (RFC 8030 §7.3)
    quint64 disabled = 0;  ///< targets disabled after push_max_failures failures in a row
    quint64 coalesced = 0; ///< notices folded into a later push by push_interval
    friend bool operator==(const PushCounters &, const PushCounters &) = default;
};

/// Delivers pushes for many targets (one per key, e.g. a REST session id) with the delivery rules:
///  - at most one push per `interval` per target while its events stay unread: a notice arriving
///    sooner is folded into one push at the end of the interval, carrying the newest notice;
///    acknowledge() (the client read its events) ends the interval;
///  - network errors, timeouts, 429 and 5xx are retried with exponential backoff (base doubled per
///    attempt, capped, with jitter: half the delay plus a random part of the other half);
///  - 404 and 410 mean the subscription is gone: the target is removed and subscriptionGone() fires;
///  - after `maxFailures` failed attempts in a row the target is disabled (targetDisabled()); a
///    successful push, or setting the target again, resets the count.
///
/// Owns no sockets: requests go to a PushTransport (HttpsPushTransport, or a fake in tests). One
/// QTimer serves all targets, set for the earliest due time. Lives on one thread; not thread-safe.
/// Signals are emitted from the event loop (from the transport's callback or the timer), never from
/// inside a call to setTarget()/notify()/acknowledge().
class PushDispatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PushDispatcher)
public:
    struct Settings
    {
        std::chrono::milliseconds interval{std::chrono::seconds(30)}; ///< push_interval
        int maxFailures = 16;                                         ///< push_max_failures
        std::chrono::milliseconds backoffBase{std::chrono::seconds(2)};
        std::chrono::milliseconds backoffMax{std::chrono::minutes(10)};
        int webPushTtl = 3600; ///< seconds a push service may keep a message (RFC 8030 §5.2)

        /// push_interval and push_max_failures from the config; the rest stays at its default.
        static Settings fromConfig(const Config &config);
    };
    /// Milliseconds on a monotonic clock.
    using Clock = std::function<qint64()>;

    /// `transport` and `vapid` are not owned and must outlive the dispatcher.
    PushDispatcher(PushTransport *transport, const Vapid *vapid, Settings settings,
                   QObject *parent = nullptr);
    ~PushDispatcher() override;

    /// Replaces the clock (default: QDeadlineTimer's monotonic clock) and the random source for jitter
    /// (values in [0, 1)). With a clock of its own the dispatcher stops using its timer: the caller calls
    /// processDue() after moving the clock.
    void setClock(Clock clock, std::function<double()> random = {});

    /// Sets (or replaces) the target of `key`, resetting its failure count and interval.
    void setTarget(const QString &key, const PushTarget &target);
    void removeTarget(const QString &key);
    bool hasTarget(const QString &key) const;
    /// Is the target of `key` disabled (too many failures in a row)? It stays until set again.
    bool isDisabled(const QString &key) const;

    /// Events wait for the client of `key` and no client call is waiting for them: push (now, or when
    /// the interval or a backoff allows). A later notice replaces an earlier one not yet sent.
    void notify(const QString &key, const PushNotice &notice);
    /// The client read its events: nothing more to push for now, and the next event pushes at once.
    void acknowledge(const QString &key);

    /// Sends what is due now. The timer calls it; tests with their own clock call it themselves.
    void processDue();

    PushCounters counters() const { return m_counters; }

Q_SIGNALS:
    /// A push was accepted (2xx) by the receiver.
    void delivered(const QString &key, int status);
    /// The receiver answered 404 or 410: the subscription no longer exists; the target was removed.
    void subscriptionGone(const QString &key, int status);
    /// The target failed `maxFailures` times in a row and was disabled.
    void targetDisabled(const QString &key, const QString &lastError);

private:
    struct State
    {
        PushTarget target;
        std::optional<PushNotice> pending; ///< not yet sent
        std::optional<qint64> lastSent;    ///< when the last push went out (interval start)
        qint64 retryAt = 0;                ///< no attempt before (backoff)
        int failuresInRow = 0;
        bool inFlight = false;
        bool disabled = false;
        quint64 generation = 0; ///< changes with setTarget/removeTarget: stale results are ignored
    };
    qint64 now() const;
    qint64 dueAt(const State &state) const;
    void send(const QString &key, State &state);
    void finished(const QString &key, quint64 generation, const TransportResult &result);
    void failed(const QString &key, State &state, const QString &error, bool retry);
    void reschedule();

    PushTransport *m_transport;
    const Vapid *m_vapid;
    Settings m_settings;
    Clock m_clock;
    std::function<double()> m_random;
    bool m_ownTimer = true;
    QTimer m_timer;
    QHash<QString, State> m_states;
    quint64 m_nextGeneration = 1;
    PushCounters m_counters;
};

} // namespace Switchboard::Push
