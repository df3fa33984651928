// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/limits.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcLimits, "switchboard.limits", QtWarningMsg)

namespace Switchboard {

namespace {
constexpr qint64 kMinuteMs = 60 * 1000;
} // namespace

Limits::Limits(const Config &config, QObject *parent) : QObject(parent), m_config(config)
{
    m_clock.start();
}

Limits::~Limits() = default;

QString Limits::addressKey(const QHostAddress &peer)
{
    bool isV4 = false;
    const quint32 v4 = peer.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4).toString() : peer.toString();
}

QString Limits::tryOpenConnection(const QHostAddress &peer)
{
    const QString key = addressKey(peer);
    QString limit;
    if (m_connections >= m_config.maxConnections)
        limit = QStringLiteral("max_connections");
    else if (m_perAddress.value(key).connections >= m_config.maxConnectionsPerIp)
        limit = QStringLiteral("max_connections_per_ip");
    if (!limit.isEmpty()) {
        refused(limit, peer);
        return limit;
    }
    ++m_connections;
    ++m_perAddress[key].connections;
    return {};
}

void Limits::closeConnection(const QHostAddress &peer)
{
    const QString key = addressKey(peer);
    auto it = m_perAddress.find(key);
    if (it == m_perAddress.end() || it->connections <= 0)
        return;
    --it->connections;
    --m_connections;
    forgetIfIdle(key);
}

QString Limits::tryOpenSharedConnection(const QHostAddress &proxy)
{
    if (m_connections >= m_config.maxConnections) {
        const QString limit = QStringLiteral("max_connections");
        refused(limit, proxy);
        return limit;
    }
    ++m_connections;
    return {};
}

void Limits::closeSharedConnection()
{
    if (m_connections > 0)
        --m_connections;
}

QString Limits::tryOpenSession(const QHostAddress &peer)
{
    const QString key = addressKey(peer);
    const qint64 now = m_clock.elapsed();
    PerAddress &entry = m_perAddress[key];
    while (!entry.recentSessions.empty() && entry.recentSessions.front() <= now - kMinuteMs)
        entry.recentSessions.pop_front();
    QString limit;
    if (m_sessions >= m_config.maxSessions)
        limit = QStringLiteral("max_sessions");
    else if (entry.sessions >= m_config.maxSessionsPerIp)
        limit = QStringLiteral("max_sessions_per_ip");
    else if (qsizetype(entry.recentSessions.size()) >= m_config.maxNewSessionsPerIp)
        limit = QStringLiteral("max_new_sessions_per_ip");
    if (!limit.isEmpty()) {
        forgetIfIdle(key);
        refused(limit, peer);
        return limit;
    }
    ++m_sessions;
    ++entry.sessions;
    entry.recentSessions.push_back(now);
    return {};
}

void Limits::closeSession(const QHostAddress &peer)
{
    const QString key = addressKey(peer);
    auto it = m_perAddress.find(key);
    if (it == m_perAddress.end() || it->sessions <= 0)
        return;
    --it->sessions;
    --m_sessions;
    forgetIfIdle(key);
}

void Limits::forgetIfIdle(const QString &key)
{
    // Entries go once nothing refers to them and the rate window is empty, so the table stays as
    // small as the set of active clients.
    auto it = m_perAddress.find(key);
    if (it == m_perAddress.end() || it->connections > 0 || it->sessions > 0)
        return;
    const qint64 now = m_clock.elapsed();
    while (!it->recentSessions.empty() && it->recentSessions.front() <= now - kMinuteMs)
        it->recentSessions.pop_front();
    if (it->recentSessions.empty())
        m_perAddress.erase(it);
}

void Limits::refused(const QString &limit, const QHostAddress &peer)
{
    ++m_hits[limit];
    // Logged once a minute per limit at most: a flood must not become a log flood.
    LogState &log = m_log[limit];
    const qint64 now = m_clock.elapsed();
    if (log.lastLogged < 0 || now - log.lastLogged >= kMinuteMs) {
        if (log.suppressed > 0)
            qCWarning(lcLimits).noquote() << "limit" << limit << "reached by" << peer.toString() << "(and"
                                          << log.suppressed << "more times in the last minute)";
        else
            qCWarning(lcLimits).noquote() << "limit" << limit << "reached by" << peer.toString();
        log.lastLogged = now;
        log.suppressed = 0;
    } else {
        ++log.suppressed;
    }
    Q_EMIT exceeded(limit, peer);
}

} // namespace Switchboard
