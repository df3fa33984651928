// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "monitor/registry.h"
#include "monitor/trafficrecorder.h"

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSettings;
class QSplitter;
class QTreeView;

namespace Switchboard::Gui {

class TrafficFilterProxy;
class TrafficModel;

/// The Traffic tab (Wireshark's list and detail panes): the captured stanzas with filters by session,
/// direction, element and free text, and the selected stanza pretty-printed and highlighted below.
class TrafficPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficPage)
public:
    TrafficPage(Monitor::TrafficRecorder *recorder, Monitor::Registry *registry, QWidget *parent = nullptr);

    TrafficModel *model() const { return m_model; }
    TrafficFilterProxy *proxy() const { return m_proxy; }
    QTreeView *view() const { return m_view; }
    QPlainTextEdit *detailView() const { return m_detail; }
    QLineEdit *textFilterEdit() const { return m_text; }
    QComboBox *sessionFilterBox() const { return m_session; }

    /// Shows only one session's traffic (empty: all sessions).
    void setSessionFilter(const QString &id);
    /// Follow the newest stanza as it arrives (when the list is scrolled to the end).
    void setFollowNewest(bool follow) { m_follow = follow; }
    bool followNewest() const { return m_follow; }

    /// Selects and shows the record `id` (the offending stanza of a lint problem), first showing its
    /// session's traffic only, and dropping the other filters when they hide it. False when the
    /// capture no longer holds it.
    bool showRecord(quint64 id);
    /// The records of the selected rows, in capture order.
    QList<Monitor::TrafficRecord> selectedRecords() const;
    /// Puts the selected stanzas on the clipboard (XML, one per line).
    void copySelection() const;

    void saveState(QSettings &settings) const;
    void restoreState(QSettings &settings);

Q_SIGNALS:
    void selectionChanged();

private:
    void showDetail();
    void onAppended();
    void addSession(const QString &id);
    void applyFilters();

    QPointer<Monitor::TrafficRecorder> m_recorder;
    TrafficModel *m_model = nullptr;
    TrafficFilterProxy *m_proxy = nullptr;
    QComboBox *m_session = nullptr;
    QComboBox *m_direction = nullptr;
    QComboBox *m_element = nullptr;
    QLineEdit *m_text = nullptr;
    QTreeView *m_view = nullptr;
    QLabel *m_detailTitle = nullptr;
    QPlainTextEdit *m_detail = nullptr;
    QSplitter *m_splitter = nullptr;
    bool m_follow = true;
};

} // namespace Switchboard::Gui
