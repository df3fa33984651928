// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/limits.h"

#include "base/tsanhandover.h"

#include <QThread>

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcLimits, "switchboard.limits", QtWarningMsg)

namespace Switchboard {

namespace {
constexpr qint64 kMinuteMs = 60 * 1000;
} // namespace

QString Limits::key(Limit limit)
{
    switch (limit) {
    case Limit::MaxConnections:
        return QStringLiteral("max_connections");
    case Limit::MaxConnectionsPerIp:
        return QStringLiteral("max_connections_per_ip");
    case Limit::MaxSessions:
        return QStringLiteral("max_sessions");
    case Limit::MaxSessionsPerIp:
        return QStringLiteral("max_sessions_per_ip");
    case Limit::MaxNewSessionsPerIp:
        return QStringLiteral("max_new_sessions_per_ip");
    case Limit::MaxHeaderSize:
        return QStringLiteral("max_header_size");
    case Limit::MaxHeaderCount:
        return QStringLiteral("max_header_count");
    case Limit::MaxDataHeld:
        return QStringLiteral("max_data_held");
    case Limit::HttpRequestTimeout:
        return QStringLiteral("http_request_timeout");
    case Limit::MaxStanzaSize:
        return QStringLiteral("max_stanza_size");
    case Limit::MaxXmlDepth:
        return QStringLiteral("max_xml_depth");
    case Limit::WsMaxMessageSize:
        return QStringLiteral("ws_max_message_size");
    case Limit::MaxClientBacklog:
        return QStringLiteral("max_client_backlog");
    case Limit::RestMaxQueue:
        return QStringLiteral("rest_max_queue");
    case Limit::RestMaxSessionsPerAccount:
        return QStringLiteral("rest_max_sessions_per_account");
    case Limit::RestMaxSessionsPerIp:
        return QStringLiteral("rest_max_sessions_per_ip");
    case Limit::RestMaxEventAge:
        return QStringLiteral("rest_max_event_age");
    }
    Q_UNREACHABLE();
    return {};
}

std::array<Limits::Limit, Limits::kLimitCount> Limits::all()
{
    std::array<Limit, kLimitCount> limits{};
    for (int i = 0; i < kLimitCount; ++i)
        limits[std::size_t(i)] = Limit(i);
    return limits;
}

Limits::Limits(const Config &config, QObject *parent) : QObject(parent), m_config(config)
{
    m_clock.start();
    m_sweep.setInterval(std::chrono::milliseconds(kMinuteMs));
    connect(&m_sweep, &QTimer::timeout, this, &Limits::sweep);
}

Limits::~Limits() = default;

void Limits::setSweepInterval(std::chrono::milliseconds interval)
{
    const std::lock_guard lock(m_mutex);
    m_sweep.setInterval(interval);
}

QString Limits::addressKey(const QHostAddress &peer)
{
    bool isV4 = false;
    const quint32 v4 = peer.toIPv4Address(&isV4);
    if (isV4)
        return QHostAddress(v4).toString();
    if (peer.protocol() != QAbstractSocket::IPv6Protocol)
        return peer.toString();
    // One IPv6 client usually holds a whole /64 (RFC 6177 and every SLAAC network): counting /128s
    // would give it 2^64 shares.
    Q_IPV6ADDR address = peer.toIPv6Address();
    for (int i = 8; i < 16; ++i)
        address[i] = 0;
    return QHostAddress(address).toString() + QStringLiteral("/64");
}

void Limits::sweep()
{
    const std::lock_guard lock(m_mutex);
    // Entries of addresses that have gone and whose rate window emptied are removed here too, not
    // only when the address comes back: otherwise many addresses with one short session each would
    // grow the table for ever.
    const QStringList keys = m_perAddress.keys();
    for (const QString &key : keys)
        forgetIfIdle(key);
    if (m_perAddress.isEmpty()) {
        m_sweep.stop();
        m_sweepArmed = false;
    }
}

void Limits::track()
{
    if (m_sweepArmed)
        return;
    m_sweepArmed = true;
    // The timer belongs to this object's thread; a worker's call starts it there.
    if (QThread::currentThread() == thread())
        m_sweep.start();
    else
        TsanHandover::post(&m_sweep, qOverload<>(&QTimer::start));
}

std::optional<Limits::Limit> Limits::tryOpenConnection(const QHostAddress &peer)
{
    const std::lock_guard lock(m_mutex);
    const QString key = addressKey(peer);
    std::optional<Limit> limit;
    if (m_connections >= m_config.maxConnections)
        limit = Limit::MaxConnections;
    else if (m_perAddress.value(key).connections >= m_config.maxConnectionsPerIp)
        limit = Limit::MaxConnectionsPerIp;
    if (limit) {
        refused(*limit, peer);
        return limit;
    }
    ++m_connections;
    ++m_perAddress[key].connections;
    track();
    return {};
}

void Limits::closeConnection(const QHostAddress &peer)
{
    const std::lock_guard lock(m_mutex);
    const QString key = addressKey(peer);
    auto it = m_perAddress.find(key);
    if (it == m_perAddress.end() || it->connections <= 0)
        return;
    --it->connections;
    --m_connections;
    forgetIfIdle(key);
}

std::optional<Limits::Limit> Limits::tryOpenSharedConnection(const QHostAddress &proxy)
{
    const std::lock_guard lock(m_mutex);
    if (m_connections >= m_config.maxConnections) {
        refused(Limit::MaxConnections, proxy);
        return Limit::MaxConnections;
    }
    ++m_connections;
    return {};
}

void Limits::closeSharedConnection()
{
    const std::lock_guard lock(m_mutex);
    if (m_connections > 0)
        --m_connections;
}

std::optional<Limits::Limit> Limits::tryOpenSession(const QHostAddress &peer)
{
    const std::lock_guard lock(m_mutex);
    const QString key = addressKey(peer);
    const qint64 now = this->now();
    PerAddress &entry = m_perAddress[key];
    while (!entry.recentSessions.empty() && entry.recentSessions.front() <= now - kMinuteMs)
        entry.recentSessions.pop_front();
    std::optional<Limit> limit;
    if (m_sessions >= m_config.maxSessions)
        limit = Limit::MaxSessions;
    else if (entry.sessions >= m_config.maxSessionsPerIp)
        limit = Limit::MaxSessionsPerIp;
    else if (qsizetype(entry.recentSessions.size()) >= m_config.maxNewSessionsPerIp)
        limit = Limit::MaxNewSessionsPerIp;
    if (limit) {
        forgetIfIdle(key);
        refused(*limit, peer);
        return limit;
    }
    ++m_sessions;
    ++entry.sessions;
    entry.recentSessions.push_back(now);
    track();
    return {};
}

void Limits::closeSession(const QHostAddress &peer)
{
    const std::lock_guard lock(m_mutex);
    const QString key = addressKey(peer);
    auto it = m_perAddress.find(key);
    if (it == m_perAddress.end() || it->sessions <= 0)
        return;
    --it->sessions;
    --m_sessions;
    forgetIfIdle(key);
}

std::optional<Limits::Limit> Limits::tryOpenRestSession(const QHostAddress &peer, const QString &account)
{
    const std::lock_guard lock(m_mutex);
    const QString key = addressKey(peer);
    const QString accountKey = account.toLower();
    std::optional<Limit> limit;
    if (m_accounts.value(accountKey) >= m_config.restMaxSessionsPerAccount)
        limit = Limit::RestMaxSessionsPerAccount;
    else if (m_perAddress.value(key).restSessions >= m_config.restMaxSessionsPerIp)
        limit = Limit::RestMaxSessionsPerIp;
    if (limit) {
        refused(*limit, peer);
        return limit;
    }
    ++m_accounts[accountKey];
    ++m_perAddress[key].restSessions;
    track();
    return {};
}

void Limits::closeRestSession(const QHostAddress &peer, const QString &account)
{
    const std::lock_guard lock(m_mutex);
    const auto account_ = m_accounts.find(account.toLower());
    if (account_ != m_accounts.end() && --*account_ <= 0)
        m_accounts.erase(account_);
    const QString key = addressKey(peer);
    auto it = m_perAddress.find(key);
    if (it == m_perAddress.end() || it->restSessions <= 0)
        return;
    --it->restSessions;
    forgetIfIdle(key);
}

void Limits::forgetIfIdle(const QString &key)
{
    // Entries go once nothing refers to them and the rate window is empty, so the table stays as
    // small as the set of active clients.
    auto it = m_perAddress.find(key);
    if (it == m_perAddress.end() || it->connections > 0 || it->sessions > 0 || it->restSessions > 0)
        return;
    const qint64 now = this->now();
    while (!it->recentSessions.empty() && it->recentSessions.front() <= now - kMinuteMs)
        it->recentSessions.pop_front();
    if (it->recentSessions.empty())
        m_perAddress.erase(it);
}

void Limits::refused(Limit limit, const QHostAddress &peer)
{
    const std::lock_guard lock(m_mutex);
    ++m_hits[std::size_t(limit)];
    // Logged once a minute per limit at most: a flood must not become a log flood.
    LogState &log = m_log[std::size_t(limit)];
    const qint64 now = this->now();
    if (log.lastLogged < 0 || now - log.lastLogged >= kMinuteMs) {
        if (log.suppressed > 0)
            qCWarning(lcLimits).noquote() << "limit" << key(limit) << "reached by" << peer.toString()
                                          << "(and" << log.suppressed << "more times in the last minute)";
        else
            qCWarning(lcLimits).noquote() << "limit" << key(limit) << "reached by" << peer.toString();
        log.lastLogged = now;
        log.suppressed = 0;
    } else {
        ++log.suppressed;
    }
    Q_EMIT exceeded(limit, peer);
}

} // namespace Switchboard
