// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringView>

/// Session ids that name the node they live on, so a load balancer in front of many Switchboard
/// processes can send every later request of a session to its node (docs/SCALING.md).
///
/// With a `node_id` of `sb1`, a BOSH sid reads `sb1.` followed by 32 hex digits from the system CSPRNG
/// and a WebSocket session id `sb1.ws-` followed by the same; without one, the ids are the random part
/// alone, as before. The node id is 1 to 32 characters of `A-Z a-z 0-9 _ -`: no `.`, so the first `.` of
/// an id ends the node id, and nothing a proxy's pattern or an XML attribute would need to escape.
/// Pure functions, callable from any thread.
namespace Switchboard::NodeId {

/// The longest node id; a sid stays well under the 64 characters some BOSH clients store.
constexpr qsizetype kMaxLength = 32;

/// Whether `nodeId` may be a `node_id` (the empty id, "no node id", is not valid here).
bool isValid(QStringView nodeId);

/// A new unpredictable session id (XEP-0124 §7.1: sids must be unguessable), `nodeId.` first when
/// `nodeId` is not empty, then `kind` (e.g. "ws-"), then 128 random bits in hex.
QString newSessionId(QStringView nodeId, QStringView kind = {});

/// The node id a session id names: what precedes its first `.` when that is a valid node id, else
/// empty (an id from a node without `node_id`, or not one of ours).
QStringView nodeOf(QStringView sessionId);

} // namespace Switchboard::NodeId
