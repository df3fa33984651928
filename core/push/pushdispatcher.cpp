// SPDX-License-Identifier: GPL-3.0-or-later
#include "push/pushdispatcher.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QPointer>
#include <QRandomGenerator>

#include <limits>

Q_DECLARE_LOGGING_CATEGORY(lcPush)

namespace Switchboard::Push {

namespace {

constexpr qint64 Never = std::numeric_limits<qint64>::max();

bool retryable(int status)
{
    // RFC 9110 §15.6: a server error may pass; RFC 6585 §4: 429 asks us to come back later.
    return status == 0 || status == 429 || (status >= 500 && status <= 599);
}

} // namespace

PushDispatcher::Settings PushDispatcher::Settings::fromConfig(const Config &config)
{
    Settings settings;
    settings.interval = std::chrono::seconds(config.pushInterval);
    settings.maxFailures = config.pushMaxFailures;
    return settings;
}

PushDispatcher::PushDispatcher(PushTransport *transport, const Vapid *vapid, Settings settings,
                               QObject *parent)
    : QObject(parent), m_transport(transport), m_vapid(vapid), m_settings(settings)
{
    auto started = std::make_shared<QElapsedTimer>();
    started->start();
    m_clock = [started] { return started->elapsed(); };
    m_random = [] { return QRandomGenerator::global()->generateDouble(); };
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &PushDispatcher::processDue);
}

PushDispatcher::~PushDispatcher() = default;

void PushDispatcher::setClock(Clock clock, std::function<double()> random)
{
    m_clock = std::move(clock);
    if (random)
        m_random = std::move(random);
    m_ownTimer = false;
    m_timer.stop();
}

qint64 PushDispatcher::now() const
{
    return m_clock();
}

void PushDispatcher::setTarget(const QString &key, const PushTarget &target)
{
    State state;
    state.target = target;
    state.generation = m_nextGeneration++;
    m_states.insert(key, state);
    reschedule();
}

void PushDispatcher::removeTarget(const QString &key)
{
    m_states.remove(key);
    reschedule();
}

bool PushDispatcher::hasTarget(const QString &key) const
{
    return m_states.contains(key);
}

bool PushDispatcher::isDisabled(const QString &key) const
{
    const auto it = m_states.constFind(key);
    return it != m_states.cend() && it->disabled;
}

qint64 PushDispatcher::dueAt(const State &state) const
{
    if (state.disabled || state.inFlight || !state.pending)
        return Never;
    qint64 due = state.retryAt;
    if (state.lastSent)
        due = std::max(due, *state.lastSent + qint64(m_settings.interval.count()));
    return due;
}

void PushDispatcher::notify(const QString &key, const PushNotice &notice)
{
    const auto it = m_states.find(key);
    if (it == m_states.end() || it->disabled)
        return;
    if (it->pending)
        ++m_counters.coalesced; // folded into the push still waiting
    it->pending = notice;
    if (dueAt(*it) <= now())
        send(key, *it);
    reschedule();
}

void PushDispatcher::acknowledge(const QString &key)
{
    const auto it = m_states.find(key);
    if (it == m_states.end())
        return;
    it->pending.reset();
    it->lastSent.reset(); // the interval holds only while events stay unread
    reschedule();
}

void PushDispatcher::processDue()
{
    const qint64 t = now();
    QStringList due;
    for (auto it = m_states.cbegin(); it != m_states.cend(); ++it) {
        if (dueAt(*it) <= t)
            due.append(it.key());
    }
    for (const QString &key : std::as_const(due)) {
        const auto it = m_states.find(key);
        if (it != m_states.end() && dueAt(*it) <= t)
            send(key, *it);
    }
    reschedule();
}

void PushDispatcher::send(const QString &key, State &state)
{
    const PushNotice notice = *state.pending;
    state.pending.reset();
    static const Vapid noVapid;
    const PushRequest request = PushRequest::build(state.target, notice, m_vapid ? *m_vapid : noVapid,
                                                   QDateTime::currentDateTimeUtc(), m_settings.webPushTtl);
    ++m_counters.attempts;
    state.inFlight = true;
    const quint64 generation = state.generation;
    const qint64 started = now();
    if (request.url.isEmpty()) {
        // Nothing to send (a key the encryption refused, or no VAPID key): a failure, not retried.
        QMetaObject::invokeMethod(
            this,
            [this, key, generation] {
                const auto it = m_states.find(key);
                if (it == m_states.end() || it->generation != generation)
                    return;
                it->inFlight = false;
                failed(key, *it, QStringLiteral("cannot build the request"), false);
            },
            Qt::QueuedConnection);
        return;
    }
    QPointer<PushDispatcher> self(this);
    m_transport->send(request, [self, key, generation, notice, started](const TransportResult &result) {
        if (!self)
            return;
        const auto it = self->m_states.find(key);
        if (it != self->m_states.end() && it->generation == generation) {
            if (!it->pending && retryable(result.status) && !result.refused)
                it->pending = notice; // a retry carries the notice unless a newer one came
            if (result.status >= 200 && result.status <= 299)
                it->lastSent = started;
        }
        self->finished(key, generation, result);
    });
}

void PushDispatcher::finished(const QString &key, quint64 generation, const TransportResult &result)
{
    const auto it = m_states.find(key);
    if (it == m_states.end() || it->generation != generation)
        return; // removed or replaced while in flight
    State &state = *it;
    state.inFlight = false;
    const int status = result.status;
    if (status >= 200 && status <= 299) {
        ++m_counters.delivered;
        state.failuresInRow = 0;
        state.retryAt = 0;
        reschedule();
        Q_EMIT delivered(key, status);
        return;
    }
    if (state.target.kind == PushTarget::Kind::WebPush && (status == 404 || status == 410)) {
        // RFC 8030 §7.3: the subscription has expired or been removed; it will not come back.
        ++m_counters.gone;
        m_states.erase(it);
        reschedule();
        Q_EMIT subscriptionGone(key, status);
        return;
    }
    if (result.refused)
        ++m_counters.refused;
    const QString error = status ? QStringLiteral("HTTP %1").arg(status) : result.error;
    qCInfo(lcPush) << "push for" << key << "failed:" << error;
    failed(key, state, error, !result.refused && retryable(status));
}

void PushDispatcher::failed(const QString &key, State &state, const QString &error, bool retry)
{
    ++m_counters.failures;
    ++state.failuresInRow;
    if (state.failuresInRow >= m_settings.maxFailures) {
        state.disabled = true;
        state.pending.reset();
        ++m_counters.disabled;
        reschedule();
        Q_EMIT targetDisabled(key, error);
        return;
    }
    if (retry) {
        ++m_counters.retries;
        // Exponential backoff: base * 2^(n-1), capped; half fixed, half random so that many targets
        // failing together (a push service outage) do not come back in lockstep.
        const int shift = std::min(state.failuresInRow - 1, 30);
        const qint64 base = qint64(m_settings.backoffBase.count());
        const qint64 delay = std::min<qint64>(qint64(m_settings.backoffMax.count()), base << shift);
        state.retryAt = now() + delay / 2 + qint64(m_random() * double(delay - delay / 2));
    } else {
        state.pending.reset();
    }
    reschedule();
}

void PushDispatcher::reschedule()
{
    if (!m_ownTimer)
        return;
    qint64 earliest = Never;
    for (const State &state : std::as_const(m_states))
        earliest = std::min(earliest, dueAt(state));
    if (earliest == Never) {
        m_timer.stop();
        return;
    }
    m_timer.start(int(std::clamp<qint64>(earliest - now(), 0, std::numeric_limits<int>::max())));
}

} // namespace Switchboard::Push
