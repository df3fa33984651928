// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/config.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QString>

#include <deque>

namespace Switchboard {

/// The protective limits every front shares (docs/SECURITY.md): connections and sessions in total and
/// per client address, new sessions per address per minute. Fronts ask before they take something
/// (tryOpen...) and give it back when done (close...). Every refusal, including those a front decides
/// alone (header size, body size, stanza size, nesting depth...), goes through refused(): it is counted
/// per limit, logged at most once a minute per limit (with the number of hits since), and signalled.
///
/// Lives in the server's thread; one per Server. Not thread-safe.
class Limits final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Limits)
public:
    /// `config` must outlive this object.
    explicit Limits(const Config &config, QObject *parent = nullptr);
    ~Limits() override;

    /// A connection from `peer` arrived. Returns the config key of the limit it exceeds (and reports
    /// it through refused()), or an empty string when it was counted.
    QString tryOpenConnection(const QHostAddress &peer);
    void closeConnection(const QHostAddress &peer);
    /// A connection from a trusted proxy that names its clients per request (forwarding headers) carries
    /// requests of many clients: it counts against max_connections only, not against the proxy's
    /// per-address share (docs/PROXIES.md). Returns the limit it exceeds (reported through refused()),
    /// or an empty string when it was counted.
    QString tryOpenSharedConnection(const QHostAddress &proxy);
    void closeSharedConnection();
    int connections() const { return m_connections; }

    /// A session (BOSH session or WebSocket stream) from `peer` wants to start. Returns the config key
    /// of the limit it exceeds (max_sessions, max_sessions_per_ip, max_new_sessions_per_ip), reported
    /// through refused(), or an empty string when it was counted.
    QString tryOpenSession(const QHostAddress &peer);
    void closeSession(const QHostAddress &peer);
    int sessions() const { return m_sessions; }

    /// Counts, logs (rate-limited) and signals one refusal by the limit named `limit` (a config key).
    void refused(const QString &limit, const QHostAddress &peer = {});
    /// Refusals so far, by limit (config key).
    const QHash<QString, quint64> &hits() const { return m_hits; }

    /// Identifies addresses for the per-address counts: IPv4-mapped IPv6 addresses count as IPv4.
    static QString addressKey(const QHostAddress &peer);

Q_SIGNALS:
    /// A limit refused something. `limit` is its config key (e.g. "max_sessions_per_ip",
    /// "max_header_size"); `peer` the client address, when known. For metrics and the monitor.
    void exceeded(const QString &limit, const QHostAddress &peer);

private:
    struct PerAddress
    {
        int connections = 0;
        int sessions = 0;
        std::deque<qint64> recentSessions; ///< start times (ms) within the last minute
    };
    struct LogState
    {
        qint64 lastLogged = -1;
        quint64 suppressed = 0;
    };
    void forgetIfIdle(const QString &key);

    const Config &m_config;
    QElapsedTimer m_clock;
    QHash<QString, PerAddress> m_perAddress;
    QHash<QString, quint64> m_hits;
    QHash<QString, LogState> m_log;
    int m_connections = 0;
    int m_sessions = 0;
};

} // namespace Switchboard
