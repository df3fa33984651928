// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/childlist.h"

#include <QChildEvent>
#include <QObject>

namespace Switchboard {

namespace {
/// Lists this short are left as they are (2 KB).
constexpr qsizetype kSmallList = 256;
} // namespace

void squeezeChildListWhenSparse(QObject *parent, const QChildEvent *event)
{
    if (event->type() != QEvent::ChildRemoved)
        return;
    const QObjectList &children = parent->children();
    if (children.capacity() < kSmallList || children.size() * 8 >= children.capacity())
        return;
    // The list object itself is not const (QObjectData::children); only the accessor is.
    const_cast<QObjectList &>(children).squeeze();
}

} // namespace Switchboard
