// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "problemmodel.h"

#include <QPointer>
#include <QWidget>

class QSortFilterProxyModel;
class QTreeView;

namespace Switchboard::Gui {

/// The Problems view: what the client lint found (docs/GUI.md, "Problems"), newest at the bottom.
/// Activating a row whose stanza was captured asks for it with stanzaRequested(); the window then shows
/// it in the traffic view.
class ProblemsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProblemsPage)
public:
    /// `log` is not owned (may be null: an empty view).
    explicit ProblemsPage(Monitor::ProblemLog *log, QWidget *parent = nullptr);

    ProblemModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }

Q_SIGNALS:
    /// The user asked for the offending stanza of a problem: the traffic record `trafficId`.
    void stanzaRequested(quint64 trafficId);

private:
    ProblemModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTreeView *m_view = nullptr;
};

} // namespace Switchboard::Gui
