// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "monitor/registry.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QPointer>
#include <QTimer>

namespace Switchboard::Gui {

/// The live sessions table (qBittorrent's TransferListModel shape): one row per live session of the
/// Registry, a column enum, display strings computed in data() from a snapshot SessionRecord.
///
/// Fed only by the registry's batched signals: sessionsAdded inserts the batch as one row range,
/// sessionsChanged re-reads those records and emits one dataChanged spanning them, sessionsRemoved
/// removes contiguous ranges. The age and idle columns move with the clock: one dataChanged for those
/// two columns per second, not one per session. Sorting and filtering belong to a proxy (SortRole gives
/// numbers for the numeric columns).
class SessionModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionModel)
public:
    enum Column {
        Id,
        Transport,
        ClientAddress,
        UserAgent,
        Domain,
        Backend,
        BackendTls,
        Jid,
        Age,
        Idle,
        Held,
        StanzasToServer,
        StanzasToClient,
        BytesToServer,
        BytesToClient,
        Worker, ///< with several workers, the one that owns the session (last: saved layouts stay valid)
        ColumnCount
    };
    Q_ENUM(Column)
    enum Role {
        SortRole = Qt::UserRole + 1, ///< a value that sorts right (numbers, times)
        SessionIdRole,               ///< the session id, whatever the column
    };

    /// Watches `registry` (not owned; may be destroyed first).
    explicit SessionModel(Monitor::Registry *registry, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// The snapshot behind a row (a default record for a bad row).
    const Monitor::SessionRecord &record(int row) const;
    /// The row of a session, or -1.
    int rowOf(const QString &id) const;
    /// Drops everything and reads the registry's live sessions again.
    void reload();

    /// "Now" for the age and idle columns (tests pin it; default: the clock).
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }

private:
    void onAdded(const QStringList &ids);
    void onChanged(const QStringList &ids);
    void onRemoved(const QStringList &ids);
    void onTick();
    void reindex(int from);
    QString display(const Monitor::SessionRecord &record, int column) const;
    QVariant sortValue(const Monitor::SessionRecord &record, int column) const;
    QDateTime now() const;

    QPointer<Monitor::Registry> m_registry;
    QList<Monitor::SessionRecord> m_rows;
    QHash<QString, int> m_index;
    QTimer m_tick;
    std::function<QDateTime()> m_clock;
};

} // namespace Switchboard::Gui
