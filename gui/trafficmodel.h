// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "monitor/trafficrecorder.h"

#include <QAbstractTableModel>
#include <QPointer>
#include <QSortFilterProxyModel>
#include <QTimer>

#include <deque>

namespace Switchboard::Gui {

/// The live traffic list (Wireshark's PacketListModel shape): append-only, pulled from the
/// TrafficRecorder with records(sinceId) on a short timer, so however many stanzas go through, the view
/// sees at most one insert (and one remove) per tick. The model keeps its own bounded ring: when a
/// batch would go over capacity() the oldest rows are removed first, then the batch is inserted.
/// Display strings are computed in data(); the XML stays as captured (already redacted by the recorder).
class TrafficModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficModel)
public:
    enum Column { Time, Session, Direction, Size, Element, Type, To, From, ColumnCount };
    Q_ENUM(Column)
    enum Role {
        RecordIdRole = Qt::UserRole + 1, ///< quint64 id of the record
        DirectionRole,                   ///< int(Monitor::Direction)
        SessionRole,                     ///< the session id
    };

    /// Pulls from `recorder` (not owned; may be destroyed first).
    explicit TrafficModel(Monitor::TrafficRecorder *recorder, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const Monitor::TrafficRecord &record(int row) const;
    /// Rows kept at most (default: the recorder's capacity at construction). Shrinking drops the oldest.
    void setCapacity(int rows);
    int capacity() const { return m_capacity; }
    /// How often to pull (ms, default 200).
    void setInterval(int ms) { m_timer.setInterval(ms); }
    /// The newest record id the model has seen.
    quint64 lastId() const { return m_lastId; }

    /// Pulls what the recorder has beyond lastId() now (the timer calls it). Returns the rows added.
    int pull();
    /// Empties the model (the recorder's records stay unless the caller clears it too).
    void clear();

Q_SIGNALS:
    /// A pull added rows (after endInsertRows): views use it to follow the tail.
    void rowsAppended(int count);

private:
    QPointer<Monitor::TrafficRecorder> m_recorder;
    std::deque<Monitor::TrafficRecord> m_rows;
    quint64 m_lastId = 0;
    int m_capacity = Monitor::TrafficRecorder::kDefaultCapacity;
    QTimer m_timer;
};

/// Filters for the traffic list: by session, direction, element name, and free text (case-insensitive,
/// in the whole stanza and its session id). Reads the records straight from the TrafficModel rather
/// than through display strings.
class TrafficFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficFilterProxy)
public:
    enum class DirectionFilter { Both, ToServer, ToClient };

    explicit TrafficFilterProxy(QObject *parent = nullptr);

    void setSessionFilter(const QString &session); ///< empty: every session
    void setDirectionFilter(DirectionFilter direction);
    void setElementFilter(const QString &element); ///< empty: every element
    void setTextFilter(const QString &text);       ///< empty: no text filter
    QString sessionFilter() const { return m_session; }
    QString elementFilter() const { return m_element; }
    QString textFilter() const { return m_text; }
    DirectionFilter directionFilter() const { return m_direction; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    void refilter();

    QString m_session;
    QString m_element;
    QString m_text;
    QByteArray m_textUtf8;
    DirectionFilter m_direction = DirectionFilter::Both;
};

} // namespace Switchboard::Gui
