// SPDX-License-Identifier: GPL-3.0-or-later
#include "columnmenu.h"

#include <QHeaderView>
#include <QMenu>

namespace Switchboard::Gui {

void installColumnMenu(QHeaderView *header)
{
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(header, &QWidget::customContextMenuRequested, header, [header](const QPoint &position) {
        auto *menu = new QMenu(header);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->setObjectName(QStringLiteral("columnMenu"));
        const QAbstractItemModel *model = header->model();
        const int visible = header->count() - header->hiddenSectionCount();
        for (int logical = 0; model && logical < header->count(); ++logical) {
            QAction *action = menu->addAction(model->headerData(logical, header->orientation()).toString());
            action->setCheckable(true);
            action->setChecked(!header->isSectionHidden(logical));
            action->setEnabled(header->isSectionHidden(logical) || visible > 1);
            QObject::connect(action, &QAction::toggled, header,
                             [header, logical](bool shown) { header->setSectionHidden(logical, !shown); });
        }
        menu->popup(header->viewport()->mapToGlobal(position)); // not exec(): no nested event loop
    });
}

} // namespace Switchboard::Gui
