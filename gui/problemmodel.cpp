// SPDX-License-Identifier: GPL-3.0-or-later
#include "problemmodel.h"

#include <QCoreApplication>

namespace Switchboard::Gui {

ProblemModel::ProblemModel(Monitor::ProblemLog *log, QObject *parent)
    : QAbstractTableModel(parent), m_log(log)
{
    if (!log)
        return;
    const QList<Monitor::Problem> problems = log->problems();
    m_rows.assign(problems.cbegin(), problems.cend());
    connect(log, &Monitor::ProblemLog::problemAdded, this, &ProblemModel::onAdded);
    connect(log, &Monitor::ProblemLog::cleared, this, &ProblemModel::onCleared);
}

int ProblemModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ProblemModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ProblemModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Monitor::Problem &p = m_rows.at(std::size_t(index.row()));
    switch (role) {
    case ProblemIdRole:
        return p.id;
    case TrafficIdRole:
        return p.trafficId;
    case CodeRole:
        return Monitor::problemCode(p.kind);
    case SessionRole:
        return p.session;
    case Qt::ToolTipRole:
        if (index.column() == Problem)
            return Monitor::problemCode(p.kind);
        return {};
    case Qt::DisplayRole:
        switch (index.column()) {
        case Time:
            return p.time.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
        case Session:
            return p.session;
        case Problem:
            return QCoreApplication::translate(Monitor::kProblemContext, Monitor::problemText(p.kind));
        case Clause:
            return p.clause;
        case Side:
            return p.side == Monitor::ProblemSide::Client ? tr("client") : tr("server");
        case Detail:
            return p.detail;
        case Stanza:
            return p.trafficId ? QVariant(p.trafficId) : QVariant();
        default:
            return {};
        }
    default:
        return {};
    }
}

QVariant ProblemModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Session:
        return tr("Session");
    case Problem:
        return tr("Problem");
    case Clause:
        return tr("Clause");
    case Side:
        return tr("Side");
    case Detail:
        return tr("Detail");
    case Stanza:
        return tr("Stanza");
    default:
        return {};
    }
}

void ProblemModel::onAdded(const Monitor::Problem &problem, bool dropped)
{
    // Remove before insert, as the log did.
    if (dropped && !m_rows.empty()) {
        beginRemoveRows({}, 0, 0);
        m_rows.pop_front();
        endRemoveRows();
    }
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.push_back(problem);
    endInsertRows();
}

void ProblemModel::onCleared()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

} // namespace Switchboard::Gui
