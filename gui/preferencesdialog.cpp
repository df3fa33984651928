// SPDX-License-Identifier: GPL-3.0-or-later
#include "preferencesdialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

namespace Switchboard::Gui {

PreferencesDialog::PreferencesDialog(const Values &values, QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Preferences"));
    setObjectName(QStringLiteral("preferencesDialog"));

    m_capacity = new QSpinBox(this);
    m_capacity->setRange(1, 10000000); // as traffic_capacity
    m_capacity->setSingleStep(1000);
    m_capacity->setGroupSeparatorShown(true);
    m_capacity->setSuffix(tr(" stanzas"));
    m_capacity->setValue(values.captureCapacity);
    m_capacity->setToolTip(tr("The capture is a ring: when it is full the oldest stanzas are dropped. For "
                              "this run; traffic_capacity in the configuration sets it at start."));

    m_follow = new QCheckBox(tr("Scroll to new stanzas"), this);
    m_follow->setChecked(values.followNewest);

    m_showSecrets = new QCheckBox(tr("Show secrets (for local debugging only)"), this);
    m_showSecrets->setChecked(values.showSecrets);
    auto *warning = new QLabel(tr("SASL payloads and passwords are captured as sent instead of "
                                  "\"[redacted]\". Applies to stanzas captured from now on, for this run; "
                                  "show_secrets in the configuration sets it at start."),
                               this);
    warning->setWordWrap(true);
    warning->setEnabled(false);

    auto *form = new QFormLayout;
    form->addRow(tr("&Capture size:"), m_capacity);
    form->addRow(QString(), m_follow);
    form->addRow(QString(), m_showSecrets);
    form->addRow(QString(), warning);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addStretch();
    layout->addWidget(buttons);
}

PreferencesDialog::Values PreferencesDialog::values() const
{
    return Values{m_capacity->value(), m_showSecrets->isChecked(), m_follow->isChecked()};
}

} // namespace Switchboard::Gui
