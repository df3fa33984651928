// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

class QCheckBox;
class QSpinBox;

namespace Switchboard::Gui {

/// The window's settings: capture size and the "show secrets" switch. Not modal; applies on OK.
class PreferencesDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreferencesDialog)
public:
    struct Values
    {
        int captureCapacity = 10000; ///< stanzas kept by the capture ring and the traffic list (this run)
        bool showSecrets = false;    ///< SASL payloads and passwords unredacted (local debugging)
        bool followNewest = true;    ///< the traffic list scrolls to new stanzas
    };

    explicit PreferencesDialog(const Values &values, QWidget *parent = nullptr);
    Values values() const;

private:
    QSpinBox *m_capacity = nullptr;
    QCheckBox *m_showSecrets = nullptr;
    QCheckBox *m_follow = nullptr;
};

} // namespace Switchboard::Gui
