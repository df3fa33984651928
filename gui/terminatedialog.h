// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>
#include <QStringList>

class QComboBox;

namespace Switchboard::Gui {

/// Asks which terminal condition to end the selected sessions with (the client sees it: a BOSH
/// `<body type='terminate' condition='…'/>` or an RFC 6120 stream error). Not modal.
class TerminateDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TerminateDialog)
public:
    TerminateDialog(const QStringList &sessions, QWidget *parent = nullptr);

    QStringList sessions() const { return m_sessions; }
    QString condition() const;
    void setCondition(const QString &condition);

    /// Conditions that mean the same with both transports (XEP-0124 §17.2 ∩ RFC 6120 §4.9.3), the
    /// default first.
    static QStringList conditions();

private:
    QStringList m_sessions;
    QComboBox *m_condition = nullptr;
};

} // namespace Switchboard::Gui
