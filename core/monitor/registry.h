// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "monitor/hub.h"

#include <QDateTime>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QMap>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <deque>
#include <functional>

namespace Switchboard::Monitor {

/// One entry of a session's timeline.
struct SessionEvent
{
    enum class Kind {
        Created,          ///< detail: domain
        StreamAdded,      ///< detail: domain
        BackendConnected, ///< detail: "host:port" and "TLS"/"no TLS"
        Restarted,
        Bound,            ///< detail: the JID
        Paused,           ///< detail: seconds
        Error,            ///< detail: the condition (backend failure)
        Undelivered,      ///< a server stanza could not reach the client (bounced)
        StreamTerminated, ///< detail: condition or empty
        Closed,           ///< detail: condition or reason
    };
    QDateTime time; ///< UTC
    Kind kind = Kind::Created;
    QString stream; ///< empty for session-wide events
    QString detail;
};
/// "created", "stream-added", "backend-connected", "restarted", "bound", "paused", "error",
/// "undelivered", "stream-terminated", "closed" (stable: used in JSON and tests).
QString eventKindName(SessionEvent::Kind kind);
QString transportName(Transport transport); ///< "bosh", "websocket" or "rest"

/// One stream of a session.
struct StreamRecord
{
    QString name;
    QString domain;
    QString backendPeer; ///< "host:port" once connected
    bool backendEncrypted = false;
    bool backendConnected = false;
    QString jid; ///< bound full JID once known
    bool open = true;
    QString condition; ///< when closed
};

/// What the registry knows about one session (a value snapshot).
struct SessionRecord
{
    QString id;
    Transport transport = Transport::Bosh;
    QHostAddress clientAddress;
    QString userAgent;
    QString domain;            ///< target domain (first stream)
    bool clientSecure = false; ///< the client side came over TLS
    QString backendPeer;       ///< of the first stream with a backend
    bool backendEncrypted = false;
    QString jid;              ///< of the first bound stream
    int worker = 0;           ///< the worker that owns it (SessionInfo::worker)
    QDateTime created;        ///< UTC
    QDateTime lastActivity;   ///< UTC; resolution: the registry's batch interval
    SessionCounters counters; ///< stanzas/bytes each way, requests, held (BOSH)
    QList<StreamRecord> streams;
    bool closed = false;
    QString condition; ///< once closed
    QDateTime ended;   ///< once closed
};

/// Counters over the life of the registry (the server), for the overview, the status page and metrics.
struct RegistryCounters
{
    int liveBosh = 0; ///< sessions open now, by transport
    int liveWebSocket = 0;
    int liveRest = 0;
    quint64 totalBosh = 0; ///< sessions opened since start, by transport
    quint64 totalWebSocket = 0;
    quint64 totalRest = 0;
    quint64 requests = 0;        ///< BOSH HTTP requests
    quint64 relayedRequests = 0; ///< BOSH and REST requests relayed between workers
    quint64 stanzasToServer = 0;
    quint64 stanzasToClient = 0;
    quint64 bytesToServer = 0;
    quint64 bytesToClient = 0;
    quint64 backendConnectFailures = 0; ///< backend links that failed before they were up
    quint64 undelivered = 0;            ///< server stanzas the client never got
    QMap<QString, quint64> conditions;  ///< ended sessions by condition ("normal" for an empty one)
    QMap<QString, quint64> refusals;    ///< refusals by limit (config key); every known limit, 0 included
    LatencyHistogram answerLatency;     ///< BOSH held-request answers
    PushTotals push;                    ///< push on arrival (docs/PUSH.md)
    friend bool operator==(const RegistryCounters &, const RegistryCounters &) = default;
};

/// The monitor's model of every live session, built only from Hub signals and counters, for every
/// front (window, status page, metrics). Changes are collected and announced in batches from one
/// short timer, so a watcher sees at most a few signals per second whatever the traffic; the timer runs
/// only while there are sessions or pending changes.
///
/// Lives in the Hub's thread. Signals fire from the batch timer, past tense: the data they name is
/// already in the snapshot getters.
class Registry final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Registry)
public:
    /// Listens to `hub` (which must outlive the registry or be destroyed with it).
    explicit Registry(Hub *hub, QObject *parent = nullptr);
    ~Registry() override;

    /// Batch interval in ms (default 250).
    void setInterval(int ms);
    int interval() const;
    /// Timeline entries kept per session (default 200; the oldest go first, "created" stays).
    void setTimelineLimit(int events);
    /// Ended sessions kept for session()/events() after they left sessions() (default 100).
    void setClosedLimit(int sessions);
    /// The limits that may refuse something (config keys): counters().refusals lists each, from 0.
    void setKnownLimits(const QStringList &limits);

    /// Live sessions, oldest first.
    QList<SessionRecord> sessions() const;
    QStringList sessionIds() const;
    /// A live or recently closed session; a default record (empty id) when unknown.
    SessionRecord session(const QString &id) const;
    bool contains(const QString &id) const;
    /// Its timeline, oldest first (live or recently closed; empty when unknown).
    QList<SessionEvent> events(const QString &id) const;
    /// Recently closed sessions, most recent last.
    QList<SessionRecord> closedSessions() const;
    RegistryCounters counters() const;

    /// Applies pending changes and emits the batch signals now (tests; a front before a snapshot).
    void flush();
    /// Moves the recently closed sessions' records into one block allocated now. Before a heap trim
    /// after a logout wave (HeapTrimmer::aboutToTrim): allocated when each session ended, one by one,
    /// they lie among the pages the ended sessions freed and keep those resident. What they read back
    /// does not change.
    void compact();

Q_SIGNALS:
    /// Sessions that opened since the last batch (now in sessions()).
    void sessionsAdded(const QStringList &ids);
    /// Live sessions whose record changed (counters, backend, JID, streams, timeline).
    void sessionsChanged(const QStringList &ids);
    /// Sessions that ended (no longer in sessions(); session(id) still has the final record while it
    /// is among the recently closed). A session opened and closed within one batch appears in
    /// sessionsAdded and sessionsRemoved of the same batch, in that order.
    void sessionsRemoved(const QStringList &ids);
    /// counters() changed; once per batch at most, after the session signals.
    void statsUpdated();

private:
    /// A session's record and timeline, unpacked (what the readers get).
    struct Entry
    {
        SessionRecord record;
        QList<SessionEvent> events;
    };
    /// A live session: its record and timeline packed into one block (see pack()), rewritten at each
    /// event (a handful in a session's life), beside what moves without events. Unpacked, a record
    /// with its timeline is some twenty blocks and 1.3 KB per idle session; packed, about 0.3 KB.
    struct Live
    {
        QByteArray packed;        ///< the Entry without its counters and last activity
        SessionCounters counters; ///< as read at the last batch
        qint64 lastActivity = 0;  ///< ms since the epoch (UTC)
        /// The session's counters in the Hub: flush() reads every live session's, with no hash lookup.
        std::shared_ptr<const SessionCounters> hubCounters;
    };
    /// An Entry packed into one block, its id first: strings as UTF-8, each distinct one written once
    /// (later uses refer to the first), times and numbers as variable-length integers.
    static QByteArray pack(const Entry &entry);
    /// The Entry of pack(); a default one (empty id) if the block is damaged.
    static Entry unpack(const QByteArray &packed);
    static QString packedId(const QByteArray &packed);
    /// A live session's Entry, counters and last activity included.
    static Entry unpackLive(const Live &live);
    /// Stores `entry` back into `live` (its last activity too).
    static void repackLive(Live &live, const Entry &entry);
    const QByteArray *findClosed(const QString &id) const;
    void dropOldestClosed();
    Live *find(const QString &id);
    /// Unpacks a live session, lets `change` change it, packs it back and marks it changed; false
    /// (and nothing called) for an unknown session.
    bool update(const QString &id, const std::function<void(Entry &)> &change);
    void addEvent(Entry &entry, SessionEvent::Kind kind, const QString &stream, const QString &detail);
    static StreamRecord *findStream(Entry &entry, const QString &stream);
    void touch(const QString &id);
    void schedule();
    void onOpened(const SessionInfo &info);
    void onClosed(const QString &sid, const QString &condition);

    Hub *m_hub = nullptr;
    QTimer m_timer;
    int m_timelineLimit = 200;
    int m_closedLimit = 100;
    QHash<QString, Live> m_live;
    QStringList m_order; ///< live ids, oldest first
    /// Recently closed sessions, oldest first, each packed into one block: an Entry is some twenty
    /// blocks (strings, lists, the address) allocated over the session's life among its other
    /// blocks, and kept as they were they pinned pages of the freed heap after a logout wave (one
    /// live block keeps a whole page resident; docs/BENCHMARKS.md, "Memory after logout: what pinned
    /// it").
    std::deque<QByteArray> m_closed;
    /// compact() copies them all into this one block: the oldest m_closedInArena records of
    /// m_closed are views into it (QByteArray::fromRawData), and it goes with the last of them.
    QByteArray m_closedArena;
    qsizetype m_closedInArena = 0;
    QStringList m_added;
    QSet<QString> m_changed;
    QStringList m_removed;
    RegistryCounters m_counters; ///< the parts that come from signals
    RegistryCounters m_published;
    bool m_statsDirty = false;
};

} // namespace Switchboard::Monitor
