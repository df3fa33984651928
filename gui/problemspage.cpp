// SPDX-License-Identifier: GPL-3.0-or-later
#include "problemspage.h"

#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QVBoxLayout>

namespace Switchboard::Gui {

ProblemsPage::ProblemsPage(Monitor::ProblemLog *log, QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("problemsPage"));
    m_model = new ProblemModel(log, this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterKeyColumn(-1);

    auto *hint = new QLabel(tr("What clients do against the specs, per session, as it happens. "
                               "Double-click a problem to see its stanza in the traffic view."),
                            this);
    hint->setWordWrap(true);
    m_view = new QTreeView(this);
    m_view->setObjectName(QStringLiteral("problemsView"));
    m_view->setModel(m_proxy);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->header()->setStretchLastSection(true);
    m_view->setColumnWidth(ProblemModel::Session, 150);
    m_view->setColumnWidth(ProblemModel::Problem, 320);
    connect(m_view, &QTreeView::activated, this, [this](const QModelIndex &index) {
        const quint64 id = index.data(ProblemModel::TrafficIdRole).toULongLong();
        if (id)
            Q_EMIT stanzaRequested(id);
    });

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addWidget(m_view);
}

} // namespace Switchboard::Gui
