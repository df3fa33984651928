// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/registry.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcMonitor, "switchboard.monitor", QtWarningMsg)

namespace Switchboard::Monitor {

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
                update(sid, [&](Entry &entry) {
                    if (!findStream(entry, stream)) {
                        StreamRecord record;
                        record.name = stream;
                        record.domain = domain;
                        entry.record.streams.append(record);
                    }
                    addEvent(entry, SessionEvent::Kind::StreamAdded, stream, domain);
                });
            });
    connect(hub, &Hub::streamRestarted, this, [this](const QString &sid, const QString &stream) {
        update(sid, [&](Entry &entry) { addEvent(entry, SessionEvent::Kind::Restarted, stream, {}); });
    });
    connect(hub, &Hub::streamTerminated, this,
            [this](const QString &sid, const QString &stream, const QString &condition) {
                Live *live = find(sid);
                if (!live)
                    return;
                Entry entry = unpackLive(*live);
                if (StreamRecord *s = findStream(entry, stream)) {
                    if (!s->open)
                        return; // already told (a session end repeats it for every stream)
                    s->open = false;
                    s->condition = condition;
                }
                addEvent(entry, SessionEvent::Kind::StreamTerminated, stream, condition);
                repackLive(*live, entry);
                touch(sid);
            });
    connect(hub, &Hub::backendConnected, this,
            [this](const QString &sid, const QString &stream, const QString &peer, bool encrypted) {
                update(sid, [&](Entry &entry) {
                    if (StreamRecord *s = findStream(entry, stream)) {
                        s->backendPeer = peer;
                        s->backendEncrypted = encrypted;
                        s->backendConnected = true;
                    }
                    if (entry.record.backendPeer.isEmpty() || entry.record.streams.value(0).name == stream) {
                        entry.record.backendPeer = peer;
                        entry.record.backendEncrypted = encrypted;
                    }
                    addEvent(entry, SessionEvent::Kind::BackendConnected, stream,
                             peer + (encrypted ? QStringLiteral(" TLS") : QStringLiteral(" no TLS")));
                });
            });
    connect(hub, &Hub::backendFailed, this,
            [this](const QString &sid, const QString &stream, const QString &condition, bool connected) {
                // A stream error means the server was reached: not a connect failure.
                if (!connected && condition != QLatin1String("remote-stream-error")) {
                    ++m_counters.backendConnectFailures;
                    m_statsDirty = true;
                    schedule();
                }
                update(sid,
                       [&](Entry &entry) { addEvent(entry, SessionEvent::Kind::Error, stream, condition); });
            });
    connect(hub, &Hub::streamBound, this,
            [this](const QString &sid, const QString &stream, const QString &jid) {
                update(sid, [&](Entry &entry) {
                    if (StreamRecord *s = findStream(entry, stream))
                        s->jid = jid;
                    if (entry.record.jid.isEmpty())
                        entry.record.jid = jid;
                    addEvent(entry, SessionEvent::Kind::Bound, stream, jid);
                });
            });
    connect(hub, &Hub::sessionPaused, this, [this](const QString &sid, int seconds) {
        update(sid, [&](Entry &entry) {
            addEvent(entry, SessionEvent::Kind::Paused, {}, QString::number(seconds));
        });
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
        update(sid, [&](Entry &entry) { addEvent(entry, SessionEvent::Kind::Undelivered, stream, {}); });
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

// The packed form (Registry::pack()): unsigned integers in 7-bit groups, low first (LEB128); signed
// ones zigzag-encoded first. A string is its UTF-8 (half the size of QString's own) after a length
// word: 0 for an empty string, 2n for n bytes that follow (a string met for the first time), 2i + 1
// for the i-th string met before in the same block (a session names its stream, domain, JID and
// peer again and again in its record and timeline).
class Packer
{
public:
    void number(quint64 value)
    {
        do {
            const auto byte = char((value & 0x7f) | (value > 0x7f ? 0x80 : 0));
            m_out.append(byte);
            value >>= 7;
        } while (value != 0);
    }
    void signedNumber(qint64 value) { number((quint64(value) << 1) ^ quint64(value >> 63)); }
    void string(const QString &s)
    {
        if (s.isEmpty()) {
            number(0);
            return;
        }
        const auto known = m_strings.constFind(s);
        if (known != m_strings.cend()) {
            number(quint64(*known) * 2 + 1);
            return;
        }
        m_strings.insert(s, m_strings.size());
        const QByteArray utf8 = s.toUtf8();
        number(quint64(utf8.size()) * 2);
        m_out.append(utf8);
    }
    /// A time as milliseconds after `base` (ms since the epoch); 0 for an invalid one.
    void time(const QDateTime &t, qint64 base)
    {
        if (!t.isValid()) {
            number(0);
            return;
        }
        const qint64 delta = t.toMSecsSinceEpoch() - base;
        number(((quint64(delta) << 1) ^ quint64(delta >> 63)) + 1);
    }
    QByteArray take()
    {
        m_out.squeeze();
        return std::move(m_out);
    }

private:
    QByteArray m_out;
    QHash<QString, qsizetype> m_strings;
};

class Unpacker
{
public:
    explicit Unpacker(const QByteArray &in) : m_p(in.constData()), m_end(in.constData() + in.size()) {}
    bool ok() const { return m_ok; }
    quint64 number()
    {
        quint64 value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_p == m_end) {
                m_ok = false;
                return 0;
            }
            const auto byte = quint8(*m_p++);
            value |= quint64(byte & 0x7f) << shift;
            if (!(byte & 0x80))
                return value;
        }
        m_ok = false;
        return 0;
    }
    qint64 signedNumber()
    {
        const quint64 v = number();
        return qint64(v >> 1) ^ -qint64(v & 1);
    }
    QString string()
    {
        const quint64 word = number();
        if (word == 0)
            return {};
        if (word & 1) {
            const quint64 index = word >> 1;
            if (index >= quint64(m_strings.size())) {
                m_ok = false;
                return {};
            }
            return m_strings.at(qsizetype(index)); // shared, not copied
        }
        const quint64 size = word >> 1;
        if (size > quint64(m_end - m_p)) {
            m_ok = false;
            return {};
        }
        QString s = QString::fromUtf8(m_p, qsizetype(size));
        m_p += size;
        m_strings.append(s);
        return s;
    }
    QDateTime time(qint64 base)
    {
        const quint64 word = number();
        if (word == 0)
            return {};
        const quint64 v = word - 1;
        const qint64 delta = qint64(v >> 1) ^ -qint64(v & 1);
        return QDateTime::fromMSecsSinceEpoch(base + delta, Qt::UTC);
    }

private:
    const char *m_p;
    const char *m_end;
    QList<QString> m_strings;
    bool m_ok = true;
};

enum PackedFlag : quint8 {
    ClientSecure = 1,
    BackendEncrypted = 2,
    BackendConnected = 4,
    Open = 8,
    Closed = 16,
};

} // namespace

QByteArray Registry::pack(const Entry &entry)
{
    const SessionRecord &r = entry.record;
    const qint64 base = r.created.isValid() ? r.created.toMSecsSinceEpoch() : 0;
    Packer out;
    out.string(r.id); // first: packedId() reads only this
    out.number(quint64(r.transport));
    out.number(quint64(r.worker));
    out.string(r.clientAddress.isNull() ? QString() : r.clientAddress.toString());
    out.string(r.userAgent);
    out.string(r.domain);
    out.number((r.clientSecure ? ClientSecure : 0) | (r.backendEncrypted ? BackendEncrypted : 0) |
               (r.closed ? Closed : 0));
    out.string(r.backendPeer);
    out.string(r.jid);
    out.time(r.created, 0);
    out.time(r.lastActivity, base);
    const SessionCounters &c = r.counters;
    out.number(quint64(c.stanzasToServer));
    out.number(quint64(c.stanzasToClient));
    out.number(quint64(c.bytesToServer));
    out.number(quint64(c.bytesToClient));
    out.number(quint64(c.requests));
    out.signedNumber(int(c.held));
    out.number(quint64(r.streams.size()));
    for (const StreamRecord &stream : r.streams) {
        out.string(stream.name);
        out.string(stream.domain);
        out.string(stream.backendPeer);
        out.number((stream.backendEncrypted ? BackendEncrypted : 0) |
                   (stream.backendConnected ? BackendConnected : 0) | (stream.open ? Open : 0));
        out.string(stream.jid);
        out.string(stream.condition);
    }
    out.string(r.condition);
    out.time(r.ended, base);
    out.number(quint64(entry.events.size()));
    for (const SessionEvent &event : entry.events) {
        out.time(event.time, base);
        out.number(quint64(event.kind));
        out.string(event.stream);
        out.string(event.detail);
    }
    return out.take();
}

Registry::Entry Registry::unpack(const QByteArray &packed)
{
    Entry entry;
    SessionRecord &r = entry.record;
    Unpacker in(packed);
    r.id = in.string();
    r.transport = Transport(in.number());
    r.worker = int(in.number());
    if (const QString address = in.string(); !address.isEmpty())
        r.clientAddress = QHostAddress(address);
    r.userAgent = in.string();
    r.domain = in.string();
    const quint64 flags = in.number();
    r.clientSecure = flags & ClientSecure;
    r.backendEncrypted = flags & BackendEncrypted;
    r.closed = flags & Closed;
    r.backendPeer = in.string();
    r.jid = in.string();
    r.created = in.time(0);
    const qint64 base = r.created.isValid() ? r.created.toMSecsSinceEpoch() : 0;
    r.lastActivity = in.time(base);
    SessionCounters &c = r.counters;
    c.stanzasToServer = in.number();
    c.stanzasToClient = in.number();
    c.bytesToServer = in.number();
    c.bytesToClient = in.number();
    c.requests = in.number();
    c.held = int(in.signedNumber());
    const quint64 streams = in.number();
    for (quint64 i = 0; i < streams && in.ok(); ++i) {
        StreamRecord stream;
        stream.name = in.string();
        stream.domain = in.string();
        stream.backendPeer = in.string();
        const quint64 streamFlags = in.number();
        stream.backendEncrypted = streamFlags & BackendEncrypted;
        stream.backendConnected = streamFlags & BackendConnected;
        stream.open = streamFlags & Open;
        stream.jid = in.string();
        stream.condition = in.string();
        r.streams.append(stream);
    }
    r.condition = in.string();
    r.ended = in.time(base);
    const quint64 events = in.number();
    for (quint64 i = 0; i < events && in.ok(); ++i) {
        SessionEvent event;
        event.time = in.time(base);
        event.kind = SessionEvent::Kind(in.number());
        event.stream = in.string();
        event.detail = in.string();
        entry.events.append(event);
    }
    if (!in.ok()) {
        qCWarning(lcMonitor) << "a packed session record is damaged";
        return {};
    }
    return entry;
}

QString Registry::packedId(const QByteArray &packed)
{
    Unpacker in(packed);
    return in.string();
}

Registry::Entry Registry::unpackLive(const Live &live)
{
    Entry entry = unpack(live.packed);
    entry.record.counters = live.counters;
    entry.record.lastActivity = QDateTime::fromMSecsSinceEpoch(live.lastActivity, Qt::UTC);
    return entry;
}

void Registry::repackLive(Live &live, const Entry &entry)
{
    if (entry.record.lastActivity.isValid())
        live.lastActivity = entry.record.lastActivity.toMSecsSinceEpoch();
    // What moves without events is kept beside the block, not in it.
    Entry packed = entry;
    packed.record.counters = {};
    packed.record.lastActivity = packed.record.created;
    live.packed = pack(packed);
}

bool Registry::update(const QString &id, const std::function<void(Entry &)> &change)
{
    Live *live = find(id);
    if (!live)
        return false;
    Entry entry = unpackLive(*live);
    change(entry);
    repackLive(*live, entry);
    touch(id);
    return true;
}

const QByteArray *Registry::findClosed(const QString &id) const
{
    for (auto c = m_closed.crbegin(); c != m_closed.crend(); ++c) {
        if (packedId(*c) == id)
            return &*c;
    }
    return nullptr;
}

Registry::Live *Registry::find(const QString &id)
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
    entry.events.push_back(SessionEvent{now, kind, stream, detail});
    // Bounded: drop the oldest after "created", which says when and for what the session began.
    while (entry.events.size() > m_timelineLimit)
        entry.events.remove(entry.events.size() > 1 ? 1 : 0);
    entry.record.lastActivity = now;
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
    r.worker = info.worker;
    r.created = info.created.isValid() ? info.created : QDateTime::currentDateTimeUtc();
    r.lastActivity = r.created;
    entry.events.push_back(SessionEvent{r.created, SessionEvent::Kind::Created, {}, info.domain});
    Live live;
    live.hubCounters = m_hub->sharedCounters(info.sid);
    repackLive(live, entry);
    qCDebug(lcMonitor).noquote() << "session" << info.sid << transportName(info.transport) << "from"
                                 << info.clientAddress.toString() << "to" << info.domain;
    m_live.insert(info.sid, std::move(live));
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
    Entry entry = unpackLive(*it);
    // The last reading: the Hub forgets the counters right after this signal.
    entry.record.counters = it->hubCounters ? *it->hubCounters : m_hub->sessionCounters(sid);
    m_live.erase(it);
    m_order.removeOne(sid);
    // A QHash keeps its storage (about 0.1 KB per entry here) after erasures, a QList its capacity:
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
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (auto it = m_live.begin(); it != m_live.end(); ++it) {
        const SessionCounters current = it->hubCounters ? *it->hubCounters : m_hub->sessionCounters(it.key());
        if (current == it->counters)
            continue;
        const bool active = current.stanzasToServer != it->counters.stanzasToServer ||
                            current.stanzasToClient != it->counters.stanzasToClient ||
                            current.requests != it->counters.requests;
        it->counters = current;
        if (active)
            it->lastActivity = now;
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
    for (const QString &id : m_order) {
        const auto it = m_live.constFind(id);
        if (it != m_live.cend())
            out.append(unpackLive(*it).record);
    }
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
        return unpackLive(*it).record;
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
        return unpack(it->packed).events;
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
    out.relayedRequests = totals.relayedRequests;
    out.stanzasToServer = totals.stanzasToServer;
    out.stanzasToClient = totals.stanzasToClient;
    out.bytesToServer = totals.bytesToServer;
    out.bytesToClient = totals.bytesToClient;
    out.answerLatency = totals.answerLatency;
    out.push = totals.push;
    return out;
}

} // namespace Switchboard::Monitor
