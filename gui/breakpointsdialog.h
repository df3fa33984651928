// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sessionanswer.h"

#include <QDialog>
#include <QJsonArray>
#include <QJsonObject>
#include <QTimer>

#include <functional>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace Switchboard::Gui {

/// Breakpoints for one session (docs/ADMIN.md, "Breakpoints"): set a filter, watch the stanzas it
/// holds, and forward one unchanged, edit it and forward the edit, or drop it. It speaks the admin
/// API's JSON through the Operations it is given (the window's call Server::setBreakpoint() and the
/// rest, as the API does), so both check alike. It reads the held stanzas again every half second
/// while open (refresh()). Never waits for the session: every answer comes later (the session may live
/// on a busy worker) and is shown when it does, unless the dialog is gone by then. Not modal; deletes
/// itself when closed. GUI thread only.
class BreakpointsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BreakpointsDialog)
public:
    /// Each operation calls its callback once, on this thread, later or before it returns; a dialog
    /// destroyed meanwhile ignores the answer.
    struct Operations
    {
        /// The session's answer: Done, or why not in `error` (NoAnswer: its worker did not answer in
        /// time, and the call may still take effect).
        using Answered = std::function<void(const SessionAnswer &answer)>;
        /// The same, with {"breakpoint": {...}, "held": [...]} in `state` when Done.
        using StateAnswered = Answered;
        /// Sets the breakpoint (the API's filter object).
        std::function<void(const QString &sid, const QJsonObject &filter, Answered answered)> set;
        /// Removes it (not done when the session is gone).
        std::function<void(const QString &sid, Answered answered)> clear;
        /// Reads the breakpoint and the held stanzas.
        std::function<void(const QString &sid, StateAnswered answered)> state;
        /// "forward", "edit" (with `xml`) or "drop" on held stanza `id`.
        std::function<void(const QString &sid, int id, const QString &action, const QByteArray &xml,
                           Answered answered)>
            act;
    };

    BreakpointsDialog(const QString &sid, Operations operations, QWidget *parent = nullptr);

    QString session() const { return m_sid; }
    /// The filter the widgets describe, as the admin API takes it.
    QJsonObject filter() const;
    /// Fills the filter widgets (direction "to-client", "to-server" or "both").
    void setFilter(const QString &direction, const QString &element, const QString &type,
                   const QString &text);
    /// What the buttons do. Each returns whether the call was handed over (not when the dialog refuses
    /// it itself: no stanza selected, an edit that is not one stanza); answered() follows with the
    /// session's answer, and the held stanzas are read again.
    bool setBreakpoint();
    bool removeBreakpoint();
    bool forward();
    bool editAndForward();
    bool drop();
    /// Reads the held stanzas again (keeps the selection when it is still held); refreshed() follows.
    /// While a read is under way another is asked for only once it has been answered.
    void refresh();
    /// The held stanzas as last read, and the one selected (0: none).
    QJsonArray held() const { return m_held; }
    int selectedId() const;
    void selectHeld(int id);
    /// The editor's text (the selected stanza, as edited so far).
    QString editedXml() const;
    void setEditedXml(const QString &xml);
    /// Whether Edit and Forward is offered: the text was changed and is one well-formed stanza.
    bool canEdit() const;
    /// What the last action did (also shown in the dialog), or that its answer is awaited.
    QString lastResult() const;
    /// The session's breakpoint as last read (shown above the held stanzas), or why it could not be read.
    QString stateText() const;
    /// Calls handed over whose answer has not come yet (reads of the held stanzas not counted).
    int waiting() const { return m_waiting; }

Q_SIGNALS:
    /// The session answered a set, remove, forward, edit or drop (lastResult() says what it did).
    void answered(bool done);
    /// The held stanzas were read again (held() has them).
    void refreshed();

private:
    /// Hands `action` on the selected stanza over.
    bool act(const QString &action, const QByteArray &xml);
    /// Shows an answer that came (`text`: what was done), then reads the held stanzas again.
    void showAnswer(bool done, const QString &text);
    /// Shows the breakpoint and the held stanzas read.
    void showState(const SessionAnswer &answer);
    void showSelected();
    void checkEdit();
    void updateButtons();
    void setResult(const QString &text);

    QString m_sid;
    Operations m_ops;
    QJsonArray m_held;
    QString m_original; ///< the selected stanza as held
    QComboBox *m_direction = nullptr;
    QLineEdit *m_element = nullptr;
    QLineEdit *m_type = nullptr;
    QLineEdit *m_text = nullptr;
    QSpinBox *m_seconds = nullptr;
    QLabel *m_current = nullptr;
    QListWidget *m_list = nullptr;
    QPlainTextEdit *m_editor = nullptr;
    QLabel *m_check = nullptr;
    QPushButton *m_forward = nullptr;
    QPushButton *m_edit = nullptr;
    QPushButton *m_drop = nullptr;
    QLabel *m_result = nullptr;
    QTimer m_refresh;
    bool m_editValid = false;
    int m_waiting = 0;
    bool m_reading = false;   ///< a read of the held stanzas is under way
    bool m_readAgain = false; ///< and another was asked for meanwhile
};

} // namespace Switchboard::Gui
