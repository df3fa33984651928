// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "monitor/problemlog.h"

#include <QAbstractTableModel>
#include <QPointer>

#include <deque>

namespace Switchboard::Gui {

/// The client lint's problems (Monitor::ProblemLog) as a table, for the Problems view: one row per
/// problem, oldest first, appended as the log takes them (problems are rare: one insert each) and
/// dropped from the top when the log drops its oldest. Display strings are computed in data(); the
/// problem's text is translated there (context Monitor::kProblemContext).
///
/// Lives in the GUI thread, which is the log's.
class ProblemModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProblemModel)
public:
    enum Column { Time, Session, Problem, Clause, Side, Detail, Stanza, ColumnCount };
    Q_ENUM(Column)
    enum Role {
        ProblemIdRole = Qt::UserRole + 1, ///< quint64 id of the problem
        TrafficIdRole,                    ///< quint64 id of the offending stanza's record (0: none)
        CodeRole,                         ///< the stable code ("rid-skipped")
        SessionRole,                      ///< the session id
    };

    /// Shows what `log` holds now and follows it (not owned; may be destroyed first).
    explicit ProblemModel(Monitor::ProblemLog *log, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    const Monitor::Problem &problem(int row) const { return m_rows.at(std::size_t(row)); }

private:
    void onAdded(const Monitor::Problem &problem, bool dropped);
    void onCleared();

    QPointer<Monitor::ProblemLog> m_log;
    std::deque<Monitor::Problem> m_rows;
};

} // namespace Switchboard::Gui
