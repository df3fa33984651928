// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/registry.h"

#include <QDataStream>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcMonitor, "switchboard.monitor", QtWarningMsg)

namespace Switchboard::Monitor {

namespace {
constexpr qsizetype kTimelineStep = 4; ///< events a full timeline grows by
} // namespace

QString eventKindName(SessionEvent::Kind kind)
{
    switch (kind) {
    case SessionEvent::Kind::Created:
        return QStringLiteral("created");
    case SessionEvent::Kind::StreamAdded:
        return QStringLiteral("stream-added");
    case SessionEvent::Kind::BackendConnected:
        return QStringLiteral("backend-connected");
    case SessionEvent::Kind::Restarted:
        return QStringLiteral("restarted");
    case SessionEvent::Kind::Bound:
        return QStringLiteral("bound");
    case SessionEvent::Kind::Paused:
        return QStringLiteral("paused");
    case SessionEvent::Kind::Error:
        return QStringLiteral("error");
    case SessionEvent::Kind::Undelivered:
        return QStringLiteral("undelivered");
    case SessionEvent::Kind::StreamTerminated:
        return QStringLiteral("stream-terminated");
    case SessionEvent::Kind::Closed:
        return QStringLiteral("closed");
    }
    return {};
}

QString transportName(Transport transport)
{
    switch (transport) {
    case Transport::Bosh:
        return QStringLiteral("bosh");
    case Transport::WebSocket:
        return QStringLiteral("websocket");
    case Transport::Rest:
        return QStringLiteral("rest");
    }
    return {};
}

Registry::Registry(Hub *hub, QObject *parent) : QObject(parent), m_hub(hub)
{
    m_timer.setInterval(250);
    m_timer.setSingleShot(false);
    connect(&m_timer, &QTimer::timeout, this, &Registry::flush);

    connect(hub, &Hub::sessionOpened, this, &Registry::onOpened);
    connect(hub, &Hub::sessionClosed, this, &Registry::onClosed);
    connect(hub, &Hub::streamAdded, this,
            [this](const QString &sid, const QString &stream, const QString &domain) {
                Entry *entry = find(sid);
                if (!entry)
                    return;
                if (!findStream(*entry, stream)) {
                    StreamRecord record;
                    record.name = stream;
                    record.domain = domain;
                    entry->record.streams.append(record);
                }
                addEvent(*entry, SessionEvent::Kind::StreamAdded, stream, domain);
            });
    connect(hub, &Hub::streamRestarted, this, [this](const QString &sid, const QString &stream) {
        if (Entry *entry = find(sid))
            addEvent(*entry, SessionEvent::Kind::Restarted, stream, {});
    });
    connect(hub, &Hub::streamTerminated, this,
            [this](const QString &sid, const QString &stream, const QString &condition) {
                Entry *entry = find(sid);
                if (!entry)
                    return;
                if (StreamRecord *s = findStream(*entry, stream)) {
                    if (!s->open)
                        return; // already told (a session end repeats it for every stream)
                    s->open = false;
                    s->condition = condition;
                }
                addEvent(*entry, SessionEvent::Kind::StreamTerminated, stream, condition);
            });
    connect(hub, &Hub::backendConnected, this,
            [this](const QString &sid, const QString &stream, const QString &peer, bool encrypted) {
                Entry *entry = find(sid);
                if (!entry)
                    return;
                if (StreamRecord *s = findStream(*entry, stream)) {
                    s->backendPeer = peer;
                    s->backendEncrypted = encrypted;
                    s->backendConnected = true;
                }
                if (entry->record.backendPeer.isEmpty() || entry->record.streams.value(0).name == stream) {
                    entry->record.backendPeer = peer;
                    entry->record.backendEncrypted = encrypted;
                }
                addEvent(*entry, SessionEvent::Kind::BackendConnected, stream,
                         peer + (encrypted ? QStringLiteral(" TLS") : QStringLiteral(" no TLS")));
            });
    connect(hub, &Hub::backendFailed, this,
            [this](const QString &sid, const QString &stream, const QString &condition, bool connected) {
                // A stream error means the server was reached: not a connect failure.
                if (!connected && condition != QLatin1String("remote-stream-error")) {
                    ++m_counters.backendConnectFailures;
                    m_statsDirty = true;
                    schedule();
                }
                if (Entry *entry = find(sid))
                    addEvent(*entry, SessionEvent::Kind::Error, stream, condition);
            });
    connect(hub, &Hub::streamBound, this,
            [this](const QString &sid, const QString &stream, const QString &jid) {
                Entry *entry = find(sid);
                if (!entry)
                    return;
                if (StreamRecord *s = findStream(*entry, stream))
                    s->jid = jid;
                if (entry->record.jid.isEmpty())
                    entry->record.jid = jid;
                addEvent(*entry, SessionEvent::Kind::Bound, stream, jid);
            });
    connect(hub, &Hub::sessionPaused, this, [this](const QString &sid, int seconds) {
        if (Entry *entry = find(sid))
            addEvent(*entry, SessionEvent::Kind::Paused, {}, QString::number(seconds));
    });
    connect(hub, &Hub::limitRefused, this, [this](const QString &limit, const QHostAddress &) {
        ++m_counters.refusals[limit];
        m_statsDirty = true;
        schedule();
    });
    connect(hub, &Hub::pushCounted, this, [this] {
        m_statsDirty = true;
        schedule();
    });
    connect(hub, &Hub::noClient, this, [this](const QString &sid, const QString &stream, const QByteArray &) {
        ++m_counters.undelivered;
        m_statsDirty = true;
        if (Entry *entry = find(sid))
            addEvent(*entry, SessionEvent::Kind::Undelivered, stream, {});
        schedule();
    });
}

Registry::~Registry() = default;

void Registry::setKnownLimits(const QStringList &limits)
{
    for (const QString &limit : limits)
        m_counters.refusals.insert(limit, m_counters.refusals.value(limit));
    m_statsDirty = true;
    schedule();
}

void Registry::setInterval(int ms)
{
    m_timer.setInterval(std::max(1, ms));
}

int Registry::interval() const
{
    return m_timer.interval();
}

void Registry::setTimelineLimit(int events)
{
    m_timelineLimit = std::max(2, events);
}

void Registry::setClosedLimit(int sessions)
{
    m_closedLimit = std::max(0, sessions);
    while (int(m_closed.size()) > m_closedLimit)
        dropOldestClosed();
}

namespace {
// Strings as UTF-8: the packed form is kept, and half the size of QString's own.
void putString(QDataStream &out, const QString &s)
{
    out << s.toUtf8();
}
QString takeString(QDataStream &in)
{
    QByteArray utf8;
    in >> utf8;
    return QString::fromUtf8(utf8);
}
void putCounters(QDataStream &out, const SessionCounters &c)
{
    out << quint64(c.stanzasToServer) << quint64(c.stanzasToClient) << quint64(c.bytesToServer)
        << quint64(c.bytesToClient) << quint64(c.requests) << qint32(c.held);
}
SessionCounters takeCounters(QDataStream &in)
{
    SessionCounters c;
    quint64 stanzasToServer = 0, stanzasToClient = 0, bytesToServer = 0, bytesToClient = 0, requests = 0;
    qint32 held = 0;
    in >> stanzasToServer >> stanzasToClient >> bytesToServer >> bytesToClient >> requests >> held;
    c.stanzasToServer = stanzasToServer;
    c.stanzasToClient = stanzasToClient;
    c.bytesToServer = bytesToServer;
    c.bytesToClient = bytesToClient;
    c.requests = requests;
    c.held = held;
    return c;
}
} // namespace

QByteArray Registry::pack(const Entry &entry)
{
    const SessionRecord &r = entry.record;
    QByteArray packed;
    {
        QDataStream out(&packed, QIODevice::WriteOnly);
        putString(out, r.id); // first: packedId() reads only this
        out << qint32(r.transport) << r.clientAddress;
        putString(out, r.userAgent);
        putString(out, r.domain);
        out << r.clientSecure;
        putString(out, r.backendPeer);
        out << r.backendEncrypted;
        putString(out, r.jid);
        out << r.created << r.lastActivity;
        putCounters(out, r.counters);
        out << qint32(r.streams.size());
        for (const StreamRecord &stream : r.streams) {
            putString(out, stream.name);
            putString(out, stream.domain);
            putString(out, stream.backendPeer);
            out << stream.backendEncrypted << stream.backendConnected;
            putString(out, stream.jid);
            out << stream.open;
            putString(out, stream.condition);
        }
        out << r.closed;
        putString(out, r.condition);
        out << r.ended;
        out << qint32(entry.events.size());
        for (const SessionEvent &event : entry.events) {
            out << event.time << qint32(event.kind);
            putString(out, event.stream);
            putString(out, event.detail);
        }
    }
    packed.squeeze();
    return packed;
}

Registry::Entry Registry::unpack(const QByteArray &packed)
{
    Entry entry;
    SessionRecord &r = entry.record;
    QDataStream in(packed);
    qint32 number = 0;
    r.id = takeString(in);
    in >> number >> r.clientAddress;
    r.transport = Transport(number);
    r.userAgent = takeString(in);
    r.domain = takeString(in);
    in >> r.clientSecure;
    r.backendPeer = takeString(in);
    in >> r.backendEncrypted;
    r.jid = takeString(in);
    in >> r.created >> r.lastActivity;
    r.counters = takeCounters(in);
    in >> number;
    r.streams.reserve(number);
    for (qint32 i = 0; i < number; ++i) {
        StreamRecord stream;
        stream.name = takeString(in);
        stream.domain = takeString(in);
        stream.backendPeer = takeString(in);
        in >> stream.backendEncrypted >> stream.backendConnected;
        stream.jid = takeString(in);
        in >> stream.open;
        stream.condition = takeString(in);
        r.streams.append(stream);
    }
    in >> r.closed;
    r.condition = takeString(in);
    in >> r.ended >> number;
    entry.events.reserve(number);
    for (qint32 i = 0; i < number; ++i) {
        SessionEvent event;
        qint32 kind = 0;
        in >> event.time >> kind;
        event.kind = SessionEvent::Kind(kind);
        event.stream = takeString(in);
        event.detail = takeString(in);
        entry.events.append(event);
    }
    return entry;
}

QString Registry::packedId(const QByteArray &packed)
{
    QDataStream in(packed);
    return takeString(in);
}

const QByteArray *Registry::findClosed(const QString &id) const
{
    for (auto c = m_closed.crbegin(); c != m_closed.crend(); ++c) {
        if (packedId(*c) == id)
            return &*c;
    }
    return nullptr;
}

Registry::Entry *Registry::find(const QString &id)
{
    const auto it = m_live.find(id);
    return it == m_live.end() ? nullptr : &*it;
}

StreamRecord *Registry::findStream(Entry &entry, const QString &stream)
{
    for (StreamRecord &s : entry.record.streams) {
        if (s.name == stream)
            return &s;
    }
    return nullptr;
}

void Registry::addEvent(Entry &entry, SessionEvent::Kind kind, const QString &stream, const QString &detail)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    // Grown a few events at a time (a QList doubles): a session's timeline is held as long as it lives.
    if (entry.events.size() == entry.events.capacity())
        entry.events.reserve(entry.events.size() + kTimelineStep);
    entry.events.push_back(SessionEvent{now, kind, stream, detail});
    // Bounded: drop the oldest after "created", which says when and for what the session began.
    while (entry.events.size() > m_timelineLimit)
        entry.events.remove(entry.events.size() > 1 ? 1 : 0);
    entry.record.lastActivity = now;
    touch(entry.record.id);
}

void Registry::touch(const QString &id)
{
    m_changed.insert(id);
    schedule();
}

void Registry::schedule()
{
    if (!m_timer.isActive())
        m_timer.start();
}

void Registry::onOpened(const SessionInfo &info)
{
    Entry entry;
    SessionRecord &r = entry.record;
    r.id = info.sid;
    r.transport = info.transport;
    r.clientAddress = info.clientAddress;
    r.userAgent = info.userAgent;
    r.domain = info.domain;
    r.clientSecure = info.secure;
    r.created = info.created.isValid() ? info.created : QDateTime::currentDateTimeUtc();
    r.lastActivity = r.created;
    // Room for what a session's start brings (created, stream added, backend connected, restarted,
    // backend connected again with the restarted stream, bound), which an idle session then keeps.
    entry.events.reserve(6);
    entry.events.push_back(SessionEvent{r.created, SessionEvent::Kind::Created, {}, info.domain});
    entry.counters = m_hub->sharedCounters(info.sid);
    qCDebug(lcMonitor).noquote() << "session" << info.sid << transportName(info.transport) << "from"
                                 << info.clientAddress.toString() << "to" << info.domain;
    m_live.insert(info.sid, std::move(entry));
    m_order.append(info.sid);
    m_added.append(info.sid);
    switch (info.transport) {
    case Transport::Bosh:
        ++m_counters.liveBosh;
        ++m_counters.totalBosh;
        break;
    case Transport::WebSocket:
        ++m_counters.liveWebSocket;
        ++m_counters.totalWebSocket;
        break;
    case Transport::Rest:
        ++m_counters.liveRest;
        ++m_counters.totalRest;
        break;
    }
    m_statsDirty = true;
    schedule();
}

void Registry::onClosed(const QString &sid, const QString &condition)
{
    const auto it = m_live.find(sid);
    if (it == m_live.end())
        return;
    Entry entry = std::move(*it);
    m_live.erase(it);
    m_order.removeOne(sid);
    // A QHash keeps its storage (about 0.5 KB per entry here) after erasures, a QList its capacity:
    // give them back once the live sessions are far fewer than they were sized for (after a logout
    // wave), which happens a few times per wave, not per session.
    if (m_live.isEmpty()) { // all of it once none is left
        m_live.clear();
        m_order = QStringList();
    } else if (m_live.capacity() >= 256 && m_live.size() < m_live.capacity() / 8) {
        m_live.squeeze();
        m_order.squeeze();
    }
    m_changed.remove(sid);
    SessionRecord &r = entry.record;
    // The last reading: the Hub forgets the counters right after this signal.
    r.counters = entry.counters ? *entry.counters : m_hub->sessionCounters(sid);
    entry.counters.reset(); // a closed record keeps its copy, not the Hub's block
    r.counters.held = 0;
    r.closed = true;
    r.condition = condition;
    r.ended = QDateTime::currentDateTimeUtc();
    r.lastActivity = r.ended;
    for (StreamRecord &s : r.streams) {
        if (s.open) {
            s.open = false;
            s.condition = condition;
        }
    }
    entry.events.push_back(SessionEvent{r.ended, SessionEvent::Kind::Closed, {}, condition});
    qCDebug(lcMonitor).noquote() << "session" << sid
                                 << "closed:" << (condition.isEmpty() ? QStringLiteral("normal") : condition);
    switch (r.transport) {
    case Transport::Bosh:
        --m_counters.liveBosh;
        break;
    case Transport::WebSocket:
        --m_counters.liveWebSocket;
        break;
    case Transport::Rest:
        --m_counters.liveRest;
        break;
    }
    ++m_counters.conditions[condition.isEmpty() ? QStringLiteral("normal") : condition];
    m_removed.append(sid);
    if (m_closedLimit > 0) {
        m_closed.push_back(pack(entry));
        while (int(m_closed.size()) > m_closedLimit)
            dropOldestClosed();
    }
    m_statsDirty = true;
    schedule();
}

void Registry::flush()
{
    // Counters move without signals: read them for every live session once per batch.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (auto it = m_live.begin(); it != m_live.end(); ++it) {
        const SessionCounters current = it->counters ? *it->counters : m_hub->sessionCounters(it.key());
        if (current == it->record.counters)
            continue;
        const bool active = current.stanzasToServer != it->record.counters.stanzasToServer ||
                            current.stanzasToClient != it->record.counters.stanzasToClient ||
                            current.requests != it->record.counters.requests;
        it->record.counters = current;
        if (active)
            it->record.lastActivity = now;
        m_changed.insert(it.key());
    }

    const QStringList added = std::exchange(m_added, {});
    QStringList changed;
    changed.reserve(m_changed.size());
    for (const QString &id : std::as_const(m_order)) {
        if (m_changed.contains(id) && !added.contains(id))
            changed.append(id);
    }
    m_changed.clear();
    const QStringList removed = std::exchange(m_removed, {});

    const RegistryCounters current = counters();
    const bool stats = m_statsDirty || !(current == m_published);
    m_statsDirty = false;
    m_published = current;

    if (m_live.isEmpty())
        m_timer.stop();

    // A session added and removed in one batch: announce both, in that order (see the header).
    if (!added.isEmpty())
        Q_EMIT sessionsAdded(added);
    if (!changed.isEmpty())
        Q_EMIT sessionsChanged(changed);
    if (!removed.isEmpty())
        Q_EMIT sessionsRemoved(removed);
    if (stats)
        Q_EMIT statsUpdated();
}

void Registry::compact()
{
    if (m_closed.empty())
        return;
    // One block for them all (a hundred records of about 1 KB: some 25 pages side by side, or an
    // mmap of its own when large), copied from the records as they are, views into the old block
    // included; then each record becomes a view into the new block, and the old one goes.
    qsizetype total = 0;
    for (const QByteArray &packed : m_closed)
        total += packed.size();
    QByteArray arena;
    arena.reserve(total);
    for (const QByteArray &packed : m_closed)
        arena.append(packed);
    qsizetype offset = 0;
    for (QByteArray &packed : m_closed) {
        const qsizetype size = packed.size();
        packed = QByteArray::fromRawData(arena.constData() + offset, size);
        offset += size;
    }
    m_closedArena = std::move(arena); // the data stays where the views point
    m_closedInArena = qsizetype(m_closed.size());
}

void Registry::dropOldestClosed()
{
    m_closed.pop_front();
    if (m_closedInArena > 0 && --m_closedInArena == 0)
        m_closedArena = QByteArray();
}

QList<SessionRecord> Registry::sessions() const
{
    QList<SessionRecord> out;
    out.reserve(m_order.size());
    for (const QString &id : m_order)
        out.append(m_live.value(id).record);
    return out;
}

QStringList Registry::sessionIds() const
{
    return m_order;
}

SessionRecord Registry::session(const QString &id) const
{
    const auto it = m_live.constFind(id);
    if (it != m_live.cend())
        return it->record;
    if (const QByteArray *closed = findClosed(id))
        return unpack(*closed).record;
    return {};
}

bool Registry::contains(const QString &id) const
{
    return m_live.contains(id);
}

QList<SessionEvent> Registry::events(const QString &id) const
{
    const auto it = m_live.constFind(id);
    if (it != m_live.cend())
        return it->events;
    if (const QByteArray *closed = findClosed(id))
        return unpack(*closed).events;
    return {};
}

QList<SessionRecord> Registry::closedSessions() const
{
    QList<SessionRecord> out;
    out.reserve(qsizetype(m_closed.size()));
    for (const QByteArray &packed : m_closed)
        out.append(unpack(packed).record);
    return out;
}

RegistryCounters Registry::counters() const
{
    RegistryCounters out = m_counters;
    const HubTotals &totals = m_hub->totals();
    out.requests = totals.requests;
    out.stanzasToServer = totals.stanzasToServer;
    out.stanzasToClient = totals.stanzasToClient;
    out.bytesToServer = totals.bytesToServer;
    out.bytesToClient = totals.bytesToClient;
    out.answerLatency = totals.answerLatency;
    out.push = totals.push;
    return out;
}

} // namespace Switchboard::Monitor
