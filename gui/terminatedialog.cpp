// SPDX-License-Identifier: GPL-3.0-or-later
#include "terminatedialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace Switchboard::Gui {

QStringList TerminateDialog::conditions()
{
    // system-shutdown first: it tells the client plainly that the connection manager ended the
    // session and that reconnecting later is fine, which is what an operator's "terminate" means.
    return {QStringLiteral("system-shutdown"),
            QStringLiteral("policy-violation"),
            QStringLiteral("host-gone"),
            QStringLiteral("remote-connection-failed"),
            QStringLiteral("internal-server-error"),
            QStringLiteral("undefined-condition")};
}

TerminateDialog::TerminateDialog(const QStringList &sessions, QWidget *parent)
    : QDialog(parent), m_sessions(sessions)
{
    setWindowTitle(tr("Terminate Session"));
    setObjectName(QStringLiteral("terminateDialog"));

    auto *text = new QLabel(this);
    text->setWordWrap(true);
    text->setText(
        sessions.size() == 1
            ? tr("End session %1? The client is told why with the condition below.").arg(sessions.first())
            : tr("End %n session(s)? Their clients are told why with the condition below.", nullptr,
                 int(sessions.size())));

    m_condition = new QComboBox(this);
    m_condition->setObjectName(QStringLiteral("terminateCondition"));
    const QStringList names = conditions();
    const QStringList help = {
        tr("The connection manager is ending the session; reconnecting later is fine"),
        tr("The client broke a local policy"),
        tr("The XMPP service is no longer available at this address"),
        tr("The connection to the XMPP server was lost"),
        tr("The connection manager had an internal problem"),
        tr("No specific reason"),
    };
    for (qsizetype i = 0; i < names.size(); ++i) {
        m_condition->addItem(names[i], names[i]);
        m_condition->setItemData(int(i), help.value(i), Qt::ToolTipRole);
    }

    auto *form = new QFormLayout;
    form->addRow(tr("&Condition:"), m_condition);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    QPushButton *terminate = buttons->addButton(tr("&Terminate"), QDialogButtonBox::AcceptRole);
    terminate->setObjectName(QStringLiteral("terminateButton"));
    terminate->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(text);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

QString TerminateDialog::condition() const
{
    return m_condition->currentData().toString();
}

void TerminateDialog::setCondition(const QString &condition)
{
    const int index = m_condition->findData(condition);
    if (index >= 0)
        m_condition->setCurrentIndex(index);
}

} // namespace Switchboard::Gui
