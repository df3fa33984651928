// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QString>

#include <optional>

namespace Switchboard::Push {

/// What a push says: that a session has unread events. Content is left out unless the target opted in
/// (the receiver is a third party; the event queue itself is the place to read messages from).
struct PushNotice
{
    QString session;    ///< the session id
    qint64 pending = 0; ///< events not yet acknowledged
    qint64 lastSeq = 0; ///< seq of the newest event
    QString sender;     ///< bare or full JID of the newest message's sender, if known
    QString body;       ///< body of the newest message, if any
    friend bool operator==(const PushNotice &, const PushNotice &) = default;
};

/// Which optional fields a target asked for ("include": ["sender", "body"]).
struct NoticeFields
{
    bool sender = false;
    bool body = false;
    friend bool operator==(const NoticeFields &, const NoticeFields &) = default;
};

/// Webhook signing: a JSON body and an HMAC-SHA256 over the timestamp and the body, so a receiver that
/// knows the shared secret can check origin, integrity and freshness (and refuse replays by timestamp).
/// Pure functions, any thread.
namespace Webhook {

/// {"session","pending","last_seq"} plus "sender" and "body" when asked for (and known). The same JSON
/// is the Web Push payload before encryption.
QByteArray body(const PushNotice &notice, NoticeFields fields);
/// The X-Switchboard-Timestamp value: seconds since the Unix epoch, in decimal.
QByteArray timestamp(const QDateTime &now);
/// The X-Switchboard-Signature value: "sha256=" and the lowercase hex HMAC-SHA256 (RFC 2104) keyed with
/// `secret` over `timestamp` "." `body`.
QByteArray signature(QByteArrayView secret, QByteArrayView timestamp, QByteArrayView body);

} // namespace Webhook
} // namespace Switchboard::Push
