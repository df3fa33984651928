// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sessionanswer.h"

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
/// (the window calls Server::applyFault(), as the API does), so both check it the same way. Never waits
/// for the session: the answer comes later (the session may live on a busy worker) and is shown when it
/// does, unless the dialog is gone by then. Not modal; deletes itself when closed. GUI thread only.
class FaultsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FaultsDialog)
public:
    /// The session's answer to Apply or Undo (Done, or why not in `error`; NoAnswer when its worker
    /// did not answer in time). Called once, on this thread, later or before the call returns; a
    /// dialog destroyed meanwhile ignores it.
    using Answered = std::function<void(const SessionAnswer &answer)>;
    /// Applies one fault (the admin API's JSON object) to the session.
    using Apply = std::function<void(const QString &sid, const QJsonObject &fault, Answered answered)>;
    /// Undo: ends every fault of the session (not done when it is gone).
    using Undo = std::function<void(const QString &sid, Answered answered)>;

    FaultsDialog(const QString &sid, Apply applyCall, Undo undoCall, QWidget *parent = nullptr);

    QString session() const { return m_sid; }
    /// The fault the widgets describe, as the admin API takes it.
    QJsonObject fault() const;
    /// Selects a fault by its API name ("drop", "delay", ...).
    void setFault(const QString &name);
    /// What the last Apply or Undo did (also shown in the dialog), or that its answer is awaited.
    QString lastResult() const;

    /// What the Apply and Undo buttons do: hand the call over (false without an operation to call);
    /// answered() follows with the session's answer.
    bool applyFault();
    bool undo();
    /// Calls handed over whose answer has not come yet.
    int waiting() const { return m_waiting; }

Q_SIGNALS:
    /// The session answered an Apply or Undo (lastResult() says what it did).
    void answered(bool done);

private:
    void showAnswer(bool done, const QString &text);

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
    int m_waiting = 0;
};

} // namespace Switchboard::Gui
