// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>
#include <QJsonArray>
#include <QJsonObject>
#include <QTimer>

#include <functional>
#include <optional>

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
/// while open (refresh()). Not modal; deletes itself when closed. GUI thread only.
class BreakpointsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BreakpointsDialog)
public:
    struct Operations
    {
        /// Sets the breakpoint (the API's filter object); false with `error` set.
        std::function<bool(const QString &sid, const QJsonObject &filter, QString *error)> set;
        /// Removes it; false when the session is gone.
        std::function<bool(const QString &sid)> clear;
        /// {"breakpoint": {...}, "held": [...]}; nothing when the session is gone.
        std::function<std::optional<QJsonObject>(const QString &sid)> state;
        /// "forward", "edit" (with `xml`) or "drop" on held stanza `id`; false with `error` set.
        std::function<bool(const QString &sid, int id, const QString &action, const QByteArray &xml,
                           QString *error)>
            act;
    };

    BreakpointsDialog(const QString &sid, Operations operations, QWidget *parent = nullptr);

    QString session() const { return m_sid; }
    /// The filter the widgets describe, as the admin API takes it.
    QJsonObject filter() const;
    /// Fills the filter widgets (direction "to-client", "to-server" or "both").
    void setFilter(const QString &direction, const QString &element, const QString &type,
                   const QString &text);
    bool setBreakpoint();
    bool removeBreakpoint();
    /// Reads the held stanzas again (keeps the selection when it is still held).
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
    bool forward();
    bool editAndForward();
    bool drop();
    /// What the last action did (also shown in the dialog).
    QString lastResult() const;

private:
    bool act(const QString &action, const QByteArray &xml);
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
};

} // namespace Switchboard::Gui
