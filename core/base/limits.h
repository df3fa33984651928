// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/config.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QString>

#include <QTimer>

#include <array>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>

namespace Switchboard {

/// The protective limits every front shares (docs/SECURITY.md): connections and sessions in total and
/// per client address, new sessions per address per minute. Fronts ask before they take something
/// (tryOpen...) and give it back when done (close...). Every refusal, including those a front decides
/// alone (header size, body size, stanza size, nesting depth...), goes through refused(): it is counted
/// per limit, logged at most once a minute per limit (with the number of hits since), and signalled.
///
/// Lives in the server's thread; one per Server, shared by its workers: every call is thread-safe (one
/// mutex, taken per connection, session or refusal, never per stanza), and exceeded() is emitted on the
/// calling thread (a listener on another thread gets it queued).
class Limits final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Limits)
public:
    /// Every limit that refuses something. Each is a config key (key()), which names it in the log,
    /// the metrics and the monitor.
    enum class Limit {
        MaxConnections,
        MaxConnectionsPerIp,
        MaxSessions,
        MaxSessionsPerIp,
        MaxNewSessionsPerIp,
        MaxHeaderSize,
        MaxHeaderCount,
        MaxDataHeld,
        HttpRequestTimeout,
        MaxStanzaSize,
        MaxXmlDepth,
        WsMaxMessageSize,
        MaxClientBacklog,
        RestMaxQueue,
        RestMaxSessionsPerAccount,
        RestMaxSessionsPerIp,
        RestMaxEventAge,
    };
    Q_ENUM(Limit)
    static constexpr int kLimitCount = int(Limit::RestMaxEventAge) + 1;
    /// The config key of `limit`, e.g. "max_sessions_per_ip".
    static QString key(Limit limit);
    /// Every limit, in declaration order.
    static std::array<Limit, kLimitCount> all();

    /// `config` must outlive this object.
    explicit Limits(const Config &config, QObject *parent = nullptr);
    ~Limits() override;

    /// A connection from `peer` arrived. Returns the limit it exceeds (max_connections,
    /// max_connections_per_ip; reported through refused()), or nothing when it was counted.
    std::optional<Limit> tryOpenConnection(const QHostAddress &peer);
    void closeConnection(const QHostAddress &peer);
    /// A connection from a trusted proxy that names its clients per request (forwarding headers) carries
    /// requests of many clients: it counts against max_connections only, not against the proxy's
    /// per-address share (docs/PROXIES.md). Returns the limit it exceeds (reported through refused()),
    /// or nothing when it was counted.
    std::optional<Limit> tryOpenSharedConnection(const QHostAddress &proxy);
    void closeSharedConnection();
    int connections() const
    {
        const std::lock_guard lock(m_mutex);
        return m_connections;
    }

    /// A session (BOSH session or WebSocket stream) from `peer` wants to start. Returns the limit it
    /// exceeds (max_sessions, max_sessions_per_ip, max_new_sessions_per_ip), reported through
    /// refused(), or nothing when it was counted.
    std::optional<Limit> tryOpenSession(const QHostAddress &peer);
    void closeSession(const QHostAddress &peer);
    int sessions() const
    {
        const std::lock_guard lock(m_mutex);
        return m_sessions;
    }

    /// A REST session for `account` (a bare JID, compared case-insensitively) from `peer` wants to
    /// start. Returns the limit it exceeds (rest_max_sessions_per_account, rest_max_sessions_per_ip;
    /// reported through refused()), or nothing when it was counted; closeRestSession() gives it back.
    /// On top of tryOpenSession(), which every session passes.
    std::optional<Limit> tryOpenRestSession(const QHostAddress &peer, const QString &account);
    void closeRestSession(const QHostAddress &peer, const QString &account);
    /// REST sessions of `account` counted now.
    int restSessions(const QString &account) const
    {
        const std::lock_guard lock(m_mutex);
        return m_accounts.value(account.toLower());
    }

    /// Counts, logs (rate-limited) and signals one refusal by `limit`.
    void refused(Limit limit, const QHostAddress &peer = {});
    /// Refusals by `limit` so far.
    quint64 hits(Limit limit) const
    {
        const std::lock_guard lock(m_mutex);
        return m_hits[std::size_t(limit)];
    }

    /// Identifies clients for the per-address counts: an IPv4 address (IPv4-mapped IPv6 counts as
    /// IPv4), or the /64 prefix of an IPv6 address ("2001:db8:1:2::/64").
    static QString addressKey(const QHostAddress &peer);

    /// Per-address entries held now (an address with open connections or sessions, or sessions
    /// started within the last minute).
    int trackedAddresses() const
    {
        const std::lock_guard lock(m_mutex);
        return int(m_perAddress.size());
    }
    /// The monotonic clock, in milliseconds (injectable for tests).
    void setClock(std::function<qint64()> nowMs) { m_now = std::move(nowMs); }
    /// How often entries that ended are looked for and removed (default: one minute).
    void setSweepInterval(std::chrono::milliseconds interval);

Q_SIGNALS:
    /// `limit` refused something (emitted from refused(), after counting); `peer` is the client
    /// address, when known. The server counts these per limit for the metrics and the monitor.
    void exceeded(Switchboard::Limits::Limit limit, const QHostAddress &peer);

private:
    struct PerAddress
    {
        int connections = 0;
        int sessions = 0;
        int restSessions = 0;
        /// Start times (ms) within the last minute. One block (QList takes from the front without
        /// moving the rest), not a std::deque's blocks of 64: kept for a minute after a wave of
        /// logins from one address, those were spread over the heap the wave's sessions had freed.
        QList<qint64> recentSessions;
    };
    struct LogState
    {
        qint64 lastLogged = -1;
        quint64 suppressed = 0;
    };
    void forgetIfIdle(const QString &key);
    /// Removes every entry forgetIfIdle() would; runs on m_sweep while entries exist.
    void sweep();
    /// An entry was added or used: make sure the sweep runs.
    void track();

    qint64 now() const { return m_now ? m_now() : m_clock.elapsed(); }

    /// Guards everything below. Recursive: refused() runs inside the tryOpen...() calls, and a
    /// listener of exceeded() on the same thread may ask for hits(). A standard mutex, which
    /// ThreadSanitizer understands (Qt's own are out of its sight in an uninstrumented Qt).
    mutable std::recursive_mutex m_mutex;
    bool m_sweepArmed = false; ///< m_sweep runs or its start is queued to this object's thread
    const Config &m_config;
    QElapsedTimer m_clock;
    std::function<qint64()> m_now;
    QTimer m_sweep;
    QHash<QString, PerAddress> m_perAddress;
    QHash<QString, int> m_accounts; ///< REST sessions per account (lower-cased bare JID)
    std::array<quint64, kLimitCount> m_hits{};
    std::array<LogState, kLimitCount> m_log{};
    int m_connections = 0;
    int m_sessions = 0;
};

} // namespace Switchboard
