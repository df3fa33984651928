// SPDX-License-Identifier: GPL-3.0-or-later
#include "sessionmodel.h"

#include "guiformat.h"

#include <algorithm>

namespace Switchboard::Gui {

using Monitor::SessionRecord;

SessionModel::SessionModel(Monitor::Registry *registry, QObject *parent)
    : QAbstractTableModel(parent), m_registry(registry)
{
    connect(registry, &Monitor::Registry::sessionsAdded, this, &SessionModel::onAdded);
    connect(registry, &Monitor::Registry::sessionsChanged, this, &SessionModel::onChanged);
    connect(registry, &Monitor::Registry::sessionsRemoved, this, &SessionModel::onRemoved);
    connect(registry, &QObject::destroyed, this, [this] {
        beginResetModel();
        m_rows.clear();
        m_index.clear();
        endResetModel();
    });
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &SessionModel::onTick);
    reload();
}

int SessionModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int SessionModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const SessionRecord &SessionModel::record(int row) const
{
    static const SessionRecord empty;
    return row >= 0 && row < m_rows.size() ? m_rows[row] : empty;
}

int SessionModel::rowOf(const QString &id) const
{
    return m_index.value(id, -1);
}

void SessionModel::reload()
{
    beginResetModel();
    m_rows = m_registry ? m_registry->sessions() : QList<SessionRecord>{};
    reindex(0);
    endResetModel();
    if (m_rows.isEmpty())
        m_tick.stop();
    else if (!m_tick.isActive())
        m_tick.start();
}

void SessionModel::reindex(int from)
{
    if (from == 0)
        m_index.clear();
    for (int row = from; row < m_rows.size(); ++row)
        m_index.insert(m_rows[row].id, row);
}

void SessionModel::onAdded(const QStringList &ids)
{
    if (!m_registry)
        return;
    // One insert for the whole batch. A session that opened and closed in the same batch is still
    // known to the registry (recently closed) and is added here, then removed by onRemoved().
    QList<SessionRecord> added;
    added.reserve(ids.size());
    for (const QString &id : ids) {
        if (m_index.contains(id))
            continue;
        SessionRecord record = m_registry->session(id);
        if (!record.id.isEmpty())
            added.append(std::move(record));
    }
    if (added.isEmpty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(added.size()) - 1);
    m_rows.append(std::move(added));
    reindex(first);
    endInsertRows();
    if (!m_tick.isActive())
        m_tick.start();
}

void SessionModel::onChanged(const QStringList &ids)
{
    if (!m_registry)
        return;
    int top = int(m_rows.size());
    int bottom = -1;
    for (const QString &id : ids) {
        const int row = rowOf(id);
        if (row < 0)
            continue;
        SessionRecord record = m_registry->session(id);
        if (record.id.isEmpty())
            continue;
        m_rows[row] = std::move(record);
        top = std::min(top, row);
        bottom = std::max(bottom, row);
    }
    // One signal for the batch: views repaint the visible part of the span, which is cheap, and a
    // sorting proxy re-sorts once.
    if (bottom >= 0)
        Q_EMIT dataChanged(index(top, 0), index(bottom, ColumnCount - 1));
}

void SessionModel::onRemoved(const QStringList &ids)
{
    QList<int> rows;
    rows.reserve(ids.size());
    for (const QString &id : ids) {
        const int row = rowOf(id);
        if (row >= 0)
            rows.append(row);
    }
    if (rows.isEmpty())
        return;
    // Remove contiguous ranges from the bottom up so earlier row numbers stay valid.
    std::sort(rows.begin(), rows.end(), std::greater<>());
    qsizetype i = 0;
    while (i < rows.size()) {
        const int last = rows[i];
        int first = last;
        while (i + 1 < rows.size() && rows[i + 1] == first - 1) {
            ++i;
            --first;
        }
        ++i;
        beginRemoveRows({}, first, last);
        m_rows.remove(first, last - first + 1);
        endRemoveRows();
    }
    reindex(0);
    if (m_rows.isEmpty())
        m_tick.stop();
}

void SessionModel::onTick()
{
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, Age), index(int(m_rows.size()) - 1, Idle),
                           {Qt::DisplayRole, Qt::ToolTipRole, SortRole});
}

QDateTime SessionModel::now() const
{
    return m_clock ? m_clock() : QDateTime::currentDateTimeUtc();
}

QString SessionModel::display(const SessionRecord &r, int column) const
{
    switch (column) {
    case Id:
        return r.id;
    case Transport:
        return Format::transport(r.transport);
    case ClientAddress: {
        // Show IPv4-mapped IPv6 addresses as plain IPv4 (the listener may be dual-stack).
        bool isV4 = false;
        const quint32 v4 = r.clientAddress.toIPv4Address(&isV4);
        return isV4 ? QHostAddress(v4).toString() : r.clientAddress.toString();
    }
    case UserAgent:
        return r.userAgent;
    case Domain:
        return r.domain;
    case Backend:
        return r.backendPeer;
    case BackendTls:
        if (r.backendPeer.isEmpty())
            return {};
        return r.backendEncrypted ? tr("TLS") : tr("none");
    case Jid:
        return r.jid;
    case Age:
        return Format::duration(r.created.secsTo(now()));
    case Idle:
        return Format::duration(r.lastActivity.isValid() ? r.lastActivity.secsTo(now()) : 0);
    case Held:
        return r.transport == Monitor::Transport::Bosh ? Format::count(quint64(r.counters.held)) : QString();
    case StanzasToServer:
        return Format::count(r.counters.stanzasToServer);
    case StanzasToClient:
        return Format::count(r.counters.stanzasToClient);
    case BytesToServer:
        return Format::bytes(r.counters.bytesToServer);
    case BytesToClient:
        return Format::bytes(r.counters.bytesToClient);
    case Worker:
        return QString::number(r.worker);
    default:
        return {};
    }
}

QVariant SessionModel::sortValue(const SessionRecord &r, int column) const
{
    switch (column) {
    case Age:
        return r.created.isValid() ? r.created.secsTo(now()) : 0;
    case Idle:
        return r.lastActivity.isValid() ? r.lastActivity.secsTo(now()) : 0;
    case Held:
        return r.counters.held.load();
    case StanzasToServer:
        return r.counters.stanzasToServer.load();
    case StanzasToClient:
        return r.counters.stanzasToClient.load();
    case BytesToServer:
        return r.counters.bytesToServer.load();
    case BytesToClient:
        return r.counters.bytesToClient.load();
    case Worker:
        return r.worker;
    default:
        return display(r, column);
    }
}

QVariant SessionModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SessionRecord &r = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        return display(r, index.column());
    case SortRole:
        return sortValue(r, index.column());
    case SessionIdRole:
        return r.id;
    case Qt::TextAlignmentRole:
        if (index.column() >= Age)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole:
        switch (index.column()) {
        case Age:
            return tr("Opened %1").arg(QLocale().toString(r.created.toLocalTime(), QLocale::LongFormat));
        case Idle:
            return tr("Last activity %1")
                .arg(QLocale().toString(r.lastActivity.toLocalTime(), QLocale::LongFormat));
        case BytesToServer:
        case BytesToClient:
            return tr("%n byte(s)", nullptr,
                      int(std::min<quint64>(index.column() == BytesToServer ? r.counters.bytesToServer
                                                                            : r.counters.bytesToClient,
                                            quint64(std::numeric_limits<int>::max()))));
        case ClientAddress:
            return r.clientSecure ? tr("The client connected over TLS")
                                  : tr("The client connected without TLS");
        default:
            return display(r, index.column());
        }
    default:
        return {};
    }
}

QVariant SessionModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole)
        return section >= Age ? QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    const bool tip = role == Qt::ToolTipRole;
    switch (section) {
    case Id:
        return tip ? tr("The session id (BOSH sid or WebSocket stream id)") : tr("Session");
    case Transport:
        return tr("Transport");
    case ClientAddress:
        return tip ? tr("Where the client connected from") : tr("Client");
    case UserAgent:
        return tr("User agent");
    case Domain:
        return tip ? tr("The XMPP domain the client asked for") : tr("Domain");
    case Backend:
        return tip ? tr("The XMPP server this session is connected to") : tr("Backend");
    case BackendTls:
        return tip ? tr("Whether the link to the XMPP server is encrypted") : tr("Backend TLS");
    case Jid:
        return tip ? tr("The full JID bound by the server") : tr("JID");
    case Age:
        return tr("Age");
    case Idle:
        return tip ? tr("Time since the last activity") : tr("Idle");
    case Held:
        return tip ? tr("BOSH requests held by the connection manager right now") : tr("Held");
    case StanzasToServer:
        return tip ? tr("Stanzas from the client to the server") : tr("Stanzas →S");
    case StanzasToClient:
        return tip ? tr("Stanzas from the server to the client") : tr("Stanzas →C");
    case BytesToServer:
        return tip ? tr("Stanza bytes from the client to the server") : tr("Bytes →S");
    case BytesToClient:
        return tip ? tr("Stanza bytes from the server to the client") : tr("Bytes →C");
    case Worker:
        return tip ? tr("The worker (event loop) that owns the session; 0 is the first") : tr("Worker");
    default:
        return {};
    }
}

} // namespace Switchboard::Gui
