// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>
#include <QJsonObject>

#include <functional>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QStackedWidget;

namespace Switchboard::Gui {

/// Faults on demand for one session (docs/ADMIN.md): pick a fault and its settings, Apply, and Undo
/// to end them all. It builds the same JSON object the admin API takes and hands it to `apply`
/// (the window calls Server::applyFault(), as the API does), so both check it the same way. Not modal;
/// deletes itself when closed.
class FaultsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FaultsDialog)
public:
    /// Applies one fault (the admin API's JSON object) to the session; false with `error` set.
    using Apply = std::function<bool(const QString &sid, const QJsonObject &fault, QString *error)>;
    /// Undo: ends every fault of the session; false when it is gone.
    using Undo = std::function<bool(const QString &sid)>;

    FaultsDialog(const QString &sid, Apply applyCall, Undo undoCall, QWidget *parent = nullptr);

    QString session() const { return m_sid; }
    /// The fault the widgets describe, as the admin API takes it.
    QJsonObject fault() const;
    /// Selects a fault by its API name ("drop", "delay", ...).
    void setFault(const QString &name);
    /// What the last Apply or Undo did (also shown in the dialog).
    QString lastResult() const;

    bool applyFault();
    bool undo();

private:
    QString m_sid;
    Apply m_apply;
    Undo m_undo;
    QComboBox *m_kind = nullptr;
    QStackedWidget *m_pages = nullptr;
    QSpinBox *m_delayMs = nullptr;
    QSpinBox *m_delaySeconds = nullptr;
    QSpinBox *m_dropCount = nullptr;
    QSpinBox *m_holdSeconds = nullptr;
    QComboBox *m_terminateCondition = nullptr;
    QLineEdit *m_uri = nullptr;
    QComboBox *m_iqCondition = nullptr;
    QComboBox *m_iqType = nullptr;
    QLabel *m_result = nullptr;
};

} // namespace Switchboard::Gui
