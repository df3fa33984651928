// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "push/targetpolicy.h"
#include "push/webhook.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QJsonObject>
#include <QString>
#include <QUrl>

#include <optional>

namespace Switchboard::Push {

/// Where one session's pushes go: a webhook or a browser's Web Push subscription. A value type.
struct PushTarget
{
    // tr() in the context "PushTarget", the one lupdate files these messages under whether it reads this
    // line or not (translations/ gives it no include path into core/).
    Q_DECLARE_TR_FUNCTIONS(PushTarget)
public:
    enum class Kind {
        Webhook, ///< POST a signed JSON notice to `url`
        WebPush, ///< an RFC 8030 message to the subscription's endpoint `url`
    };
    Kind kind = Kind::Webhook;
    QUrl url;             ///< the webhook URL, or the subscription's `endpoint`
    QByteArray secret;    ///< webhook: the HMAC key
    QByteArray p256dh;    ///< Web Push: the user agent's public key, 65 octets (RFC 8291 §3.1)
    QByteArray auth;      ///< Web Push: the authentication secret, 16 octets (RFC 8291 §3.2)
    NoticeFields include; ///< optional notice fields the target asked for

    /// Parses the API's "push" object:
    ///   {"type": "webhook", "url": "https://…", "secret": "…", "include"?: ["sender", "body"]}
    ///   {"type": "webpush", "subscription": {"endpoint": "https://…", "keys": {"p256dh", "auth"}},
    ///    "include"?: […]}
    /// and checks the URL against `policy` (TargetPolicy::checkUrl). Returns nullopt and sets `error` to
    /// a message that names the offending field ("push.subscription.keys.p256dh: …").
    static std::optional<PushTarget> fromJson(const QJsonObject &object, const TargetPolicy &policy,
                                              QString *error);
    /// The same object back (secrets included: for the session store, not for logs).
    QJsonObject toJson() const;

    friend bool operator==(const PushTarget &, const PushTarget &) = default;
};

} // namespace Switchboard::Push
