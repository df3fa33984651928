// SPDX-License-Identifier: GPL-3.0-or-later
#include "trafficmodel.h"

#include "guiformat.h"

#include <QColor>
#include <QLocale>

#include <algorithm>

namespace Switchboard::Gui {

using Monitor::TrafficRecord;

namespace {
/// Pull at most this many records per tick, so one tick never stalls the event loop; the rest comes
/// with the next ticks (at 1000 stanzas/s and 200 ms that is 200 a tick, well below).
constexpr int kMaxPerPull = 5000;
} // namespace

TrafficModel::TrafficModel(Monitor::TrafficRecorder *recorder, QObject *parent)
    : QAbstractTableModel(parent), m_recorder(recorder)
{
    if (recorder) {
        m_capacity = recorder->capacity();
        // Start after what is already there? No: show what the recorder kept, like opening a capture.
        connect(recorder, &Monitor::TrafficRecorder::cleared, this, &TrafficModel::clear);
    }
    m_timer.setInterval(200);
    connect(&m_timer, &QTimer::timeout, this, &TrafficModel::pull);
    m_timer.start();
}

int TrafficModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TrafficModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const TrafficRecord &TrafficModel::record(int row) const
{
    static const TrafficRecord empty;
    return row >= 0 && std::size_t(row) < m_rows.size() ? m_rows[std::size_t(row)] : empty;
}

void TrafficModel::setCapacity(int rows)
{
    m_capacity = std::max(1, rows);
    const int excess = int(m_rows.size()) - m_capacity;
    if (excess > 0) {
        beginRemoveRows({}, 0, excess - 1);
        m_rows.erase(m_rows.begin(), m_rows.begin() + excess);
        endRemoveRows();
    }
}

int TrafficModel::pull()
{
    if (!m_recorder || m_recorder->lastId() <= m_lastId)
        return 0;
    QList<TrafficRecord> batch = m_recorder->records(m_lastId, kMaxPerPull);
    if (batch.isEmpty()) {
        // Everything newer was already dropped by the recorder's ring (or cleared).
        m_lastId = m_recorder->lastId();
        return 0;
    }
    m_lastId = batch.last().id;
    // A batch bigger than the whole ring: only its newest `capacity` records can stay.
    if (batch.size() > m_capacity)
        batch.remove(0, batch.size() - m_capacity);
    const int incoming = int(batch.size());

    // Remove before insert (Wireshark, qBittorrent's log model): the view never holds more than
    // capacity rows, and both changes are one range each.
    const int excess = int(m_rows.size()) + incoming - m_capacity;
    if (excess > 0) {
        beginRemoveRows({}, 0, excess - 1);
        m_rows.erase(m_rows.begin(), m_rows.begin() + excess);
        endRemoveRows();
    }
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + incoming - 1);
    for (TrafficRecord &record : batch)
        m_rows.push_back(std::move(record));
    endInsertRows();
    Q_EMIT rowsAppended(incoming);
    return incoming;
}

void TrafficModel::clear()
{
    if (m_recorder)
        m_lastId = std::max(m_lastId, m_recorder->lastId());
    if (m_rows.empty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

QVariant TrafficModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TrafficRecord &r = m_rows[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Time:
            return r.time.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
        case Session:
            return r.session;
        case Direction:
            return Format::direction(r.direction);
        case Size:
            return QLocale().toString(qint64(r.size));
        case Element:
            return r.element;
        case Type:
            return r.note.isEmpty() ? r.type : r.note; // a fault record says what was done
        case To:
            return r.to;
        case From:
            return r.from;
        default:
            return {};
        }
    case Qt::TextAlignmentRole:
        return index.column() == Size ? QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::ForegroundRole:
        if (!r.note.isEmpty())
            return QColor::fromString(QLatin1String("#bc4c00")); // a fault, not a stanza
        if (index.column() == Direction)
            return QColor::fromString(
                QLatin1String(r.direction == Monitor::Direction::ToServer ? "#1f6feb" : "#2da44e"));
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Time)
            return QLocale().toString(r.time.toLocalTime(), QLocale::LongFormat);
        if (r.redacted)
            return tr("Secrets in this stanza were redacted");
        if (!r.note.isEmpty())
            return tr("Fault on demand: %1").arg(r.note);
        return {};
    case RecordIdRole:
        return r.id;
    case DirectionRole:
        return int(r.direction);
    case SessionRole:
        return r.session;
    default:
        return {};
    }
}

QVariant TrafficModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole)
        return section == Size ? QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Session:
        return tr("Session");
    case Direction:
        return tr("Direction");
    case Size:
        return tr("Size");
    case Element:
        return tr("Element");
    case Type:
        return tr("Type");
    case To:
        return tr("To");
    case From:
        return tr("From");
    default:
        return {};
    }
}

TrafficFilterProxy::TrafficFilterProxy(QObject *parent) : QSortFilterProxyModel(parent) {}

void TrafficFilterProxy::setSessionFilter(const QString &session)
{
    if (session == m_session)
        return;
    m_session = session;
    refilter();
}

void TrafficFilterProxy::setDirectionFilter(DirectionFilter direction)
{
    if (direction == m_direction)
        return;
    m_direction = direction;
    refilter();
}

void TrafficFilterProxy::setElementFilter(const QString &element)
{
    if (element == m_element)
        return;
    m_element = element;
    refilter();
}

void TrafficFilterProxy::setTextFilter(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    m_textUtf8 = text.toUtf8();
    refilter();
}

void TrafficFilterProxy::refilter()
{
    // Qt 6.4 has no begin/endFilterChange; invalidateFilter() is the one-shot re-run.
    invalidateFilter();
}

bool TrafficFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    const auto *model = qobject_cast<const TrafficModel *>(sourceModel());
    if (!model)
        return true;
    const TrafficRecord &r = model->record(sourceRow);
    if (!m_session.isEmpty() && r.session != m_session)
        return false;
    if (m_direction == DirectionFilter::ToServer && r.direction != Monitor::Direction::ToServer)
        return false;
    if (m_direction == DirectionFilter::ToClient && r.direction != Monitor::Direction::ToClient)
        return false;
    if (!m_element.isEmpty() && r.element.compare(m_element, Qt::CaseInsensitive) != 0)
        return false;
    if (!m_text.isEmpty()) {
        // Most stanzas are ASCII: try the raw bytes first, decode only when that misses.
        if (r.xml.contains(m_textUtf8) || r.session.contains(m_text, Qt::CaseInsensitive))
            return true;
        return QString::fromUtf8(r.xml).contains(m_text, Qt::CaseInsensitive);
    }
    return true;
}

} // namespace Switchboard::Gui
