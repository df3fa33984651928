// SPDX-License-Identifier: GPL-3.0-or-later
#include "push/pushrequest.h"

#include "push/ece.h"

namespace Switchboard::Push {

QByteArray PushRequest::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

PushRequest PushRequest::build(const PushTarget &target, const PushNotice &notice, const Vapid &vapid,
                               const QDateTime &now, int ttlSeconds)
{
    PushRequest request;
    const QByteArray json = Webhook::body(notice, target.include);
    if (target.kind == PushTarget::Kind::Webhook) {
        const QByteArray timestamp = Webhook::timestamp(now);
        request.url = target.url;
        request.body = json;
        request.headers = {
            {"Content-Type", "application/json"},
            {"X-Switchboard-Timestamp", timestamp},
            {"X-Switchboard-Signature", Webhook::signature(target.secret, timestamp, json)},
        };
        return request;
    }
    // A notice with a long body could exceed one record (RFC 8291 §4): drop the body then, the client
    // reads it from the event queue anyway.
    QByteArray payload = json;
    if (payload.size() > Ece::MaxWebPushPlaintext)
        payload = Webhook::body(notice, NoticeFields{target.include.sender, false});
    const QByteArray body = Ece::encryptWebPush(payload, target.p256dh, target.auth);
    const QByteArray authorization = vapid.authorization(target.url, now);
    if (body.isEmpty() || authorization.isEmpty())
        return request;
    request.url = target.url;
    request.body = body;
    request.headers = {
        {"Content-Type", "application/octet-stream"},
        {"Content-Encoding", "aes128gcm"},
        {"TTL", QByteArray::number(ttlSeconds)},
        {"Urgency", "high"},
        {"Authorization", authorization},
    };
    return request;
}

} // namespace Switchboard::Push
