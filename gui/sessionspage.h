// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "monitor/registry.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QSettings;
class QSortFilterProxyModel;
class QSplitter;
class QTreeView;
class QTreeWidget;

namespace Switchboard::Gui {

class SessionModel;

/// The Sessions tab: the live session table (SessionModel behind a sorting, filtering proxy) and, for
/// the selected session, its streams and its timeline, read from the registry's snapshots.
class SessionsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionsPage)
public:
    explicit SessionsPage(Monitor::Registry *registry, QWidget *parent = nullptr);

    SessionModel *model() const { return m_model; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    QTreeView *view() const { return m_view; }
    QTreeWidget *streamsView() const { return m_streams; }
    QTreeWidget *timelineView() const { return m_timeline; }
    QLineEdit *filterEdit() const { return m_filter; }

    /// The session of the current row (empty when none).
    QString currentSession() const;
    /// Every selected session.
    QStringList selectedSessions() const;
    /// Makes a session the current row (when it is shown).
    void selectSession(const QString &id);

    void saveState(QSettings &settings) const;
    void restoreState(QSettings &settings);

Q_SIGNALS:
    void selectionChanged();

private:
    void showDetails();
    void onRegistryChanged(const QStringList &ids);

    QPointer<Monitor::Registry> m_registry;
    SessionModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QLineEdit *m_filter = nullptr;
    QTreeView *m_view = nullptr;
    QLabel *m_detailTitle = nullptr;
    QTreeWidget *m_streams = nullptr;
    QTreeWidget *m_timeline = nullptr;
    QSplitter *m_splitter = nullptr;
    QSplitter *m_detailSplitter = nullptr;
    QString m_shown; ///< the session whose details are on screen
};

} // namespace Switchboard::Gui
