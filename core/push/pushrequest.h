// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "push/pushtarget.h"
#include "push/vapid.h"
#include "push/webhook.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QPair>
#include <QUrl>

namespace Switchboard::Push {

/// One HTTP POST to send: what a PushTransport needs, and nothing about why. A value type.
struct PushRequest
{
    QUrl url;
    QList<QPair<QByteArray, QByteArray>> headers; ///< besides Host, Content-Length and Connection
    QByteArray body;

    QByteArray header(const QByteArray &name) const;

    /// The request for `notice` to `target` at `now`:
    ///  - webhook: the JSON body, Content-Type: application/json, X-Switchboard-Timestamp and
    ///    X-Switchboard-Signature (see Webhook);
    ///  - Web Push (RFC 8030 §5): the notice JSON encrypted per RFC 8291 (Content-Encoding: aes128gcm),
    ///    TTL (RFC 8030 §5.2) `ttlSeconds`, Urgency: high (§5.3: a message is waiting), and the VAPID
    ///    Authorization header (RFC 8292 §3). Empty url when encryption or signing fails (a null Vapid).
    static PushRequest build(const PushTarget &target, const PushNotice &notice, const Vapid &vapid,
                             const QDateTime &now, int ttlSeconds = 3600);
};

} // namespace Switchboard::Push
