// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

class QChildEvent;
class QObject;

namespace Switchboard {

/// Keeps the children list of a long-lived parent (the owner of every stream, the HTTP server, the
/// graveyard of retired server links) from staying at the size of its peak. A QObject's children are
/// a QList that grows with every child and never shrinks when they go: after thousands of sessions
/// ended, the parents kept arrays of up to 9500 pointers (76 KB each), allocated while the sessions
/// were made and so among their blocks, where they kept heap pages from going back to the kernel
/// (docs/BENCHMARKS.md, "Memory after logout: the last pins").
///
/// Call it from the parent's childEvent(): on QEvent::ChildRemoved (Qt sends it once the child has
/// left the list) the list is given back once under an eighth of it is in use (amortised: another
/// eightfold drop before the next time). Qt offers no call for this; the list is the parent's own
/// member behind children()'s const reference, and is left alone while Qt deletes the children
/// (no ChildRemoved is sent then). Lives in the parent's thread, like the event.
void squeezeChildListWhenSparse(QObject *parent, const QChildEvent *event);

} // namespace Switchboard
