// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QLatin1String>
#include <QString>

#include <functional>

class QSignalSpy;
class WsClient;

/// Filling what waits toward a client that stops reading (max_client_backlog), as a contact that keeps
/// sending would: for the suites that check the cut-off over ws:// and wss://.
namespace Switchboard::Test {

/// True once `terminated`, a spy on Monitor::Hub::streamTerminated, holds a stream ended with
/// `condition`.
bool streamTerminatedWith(const QSignalSpy &terminated, QLatin1String condition);

/// Sends 16 KiB chat messages from `sender` to `recipient` (a full JID) in batches of 16, each closed
/// by a ping to the server whose answer is awaited: it comes once the server has routed the batch, so
/// the sender never floods its own link and only the recipient's backlog grows. Stops when `stop()`
/// holds, or after 1024 messages (16 MiB: far more than the kernel's buffers on both sides). Message
/// ids are `idPrefix` and a number. Returns the number of messages sent, or -1 when a ping went
/// unanswered.
int floodInPingedBatches(WsClient &sender, const QString &recipient, const QByteArray &idPrefix,
                         const std::function<bool()> &stop);

} // namespace Switchboard::Test
