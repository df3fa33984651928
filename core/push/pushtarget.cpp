// SPDX-License-Identifier: GPL-3.0-or-later
#include "push/pushtarget.h"

#include "push/ece.h"
#include "push/vapid.h"

#include <QJsonArray>

namespace Switchboard::Push {

std::optional<PushTarget> PushTarget::fromJson(const QJsonObject &object, const TargetPolicy &policy,
                                               QString *error)
{
    const auto fail = [error](const QString &field, const QString &why) -> std::optional<PushTarget> {
        if (error)
            *error = field + QStringLiteral(": ") + why;
        return std::nullopt;
    };
    PushTarget target;
    const QString type = object.value(QStringLiteral("type")).toString();
    QString urlField;
    QString urlText;
    if (type == QLatin1String("webhook")) {
        target.kind = Kind::Webhook;
        urlField = QStringLiteral("push.url");
        urlText = object.value(QStringLiteral("url")).toString();
        const QString secret = object.value(QStringLiteral("secret")).toString();
        if (secret.isEmpty())
            return fail(QStringLiteral("push.secret"), tr("a non-empty string is required"));
        if (secret.size() > 1024)
            return fail(QStringLiteral("push.secret"), tr("at most 1024 characters"));
        target.secret = secret.toUtf8();
    } else if (type == QLatin1String("webpush")) {
        target.kind = Kind::WebPush;
        const QJsonObject subscription = object.value(QStringLiteral("subscription")).toObject();
        if (subscription.isEmpty())
            return fail(QStringLiteral("push.subscription"), tr("a PushSubscription object is required"));
        urlField = QStringLiteral("push.subscription.endpoint");
        urlText = subscription.value(QStringLiteral("endpoint")).toString();
        const QJsonObject keys = subscription.value(QStringLiteral("keys")).toObject();
        const auto p256dh = fromBase64Url(keys.value(QStringLiteral("p256dh")).toString().toLatin1());
        if (!p256dh || EcKey::fromPublicPoint(*p256dh).isNull())
            return fail(QStringLiteral("push.subscription.keys.p256dh"),
                        tr("base64url of an uncompressed P-256 point is required"));
        const auto auth = fromBase64Url(keys.value(QStringLiteral("auth")).toString().toLatin1());
        if (!auth || auth->size() != Ece::AuthSecretSize)
            return fail(QStringLiteral("push.subscription.keys.auth"),
                        tr("base64url of 16 octets is required"));
        target.p256dh = *p256dh;
        target.auth = *auth;
    } else {
        return fail(QStringLiteral("push.type"), tr("must be \"webhook\" or \"webpush\""));
    }
    if (urlText.isEmpty() || urlText.size() > 2048)
        return fail(urlField, tr("an https URL of at most 2048 characters is required"));
    target.url = QUrl(urlText, QUrl::StrictMode);
    QString reason;
    if (!policy.checkUrl(target.url, &reason))
        return fail(urlField, reason);

    const QJsonValue include = object.value(QStringLiteral("include"));
    if (!include.isUndefined()) {
        if (!include.isArray())
            return fail(QStringLiteral("push.include"),
                        tr("an array of \"sender\" and \"body\" is expected"));
        for (const QJsonValue &value : include.toArray()) {
            if (value.toString() == QLatin1String("sender"))
                target.include.sender = true;
            else if (value.toString() == QLatin1String("body"))
                target.include.body = true;
            else
                return fail(QStringLiteral("push.include"),
                            tr("only \"sender\" and \"body\" may be included"));
        }
    }
    return target;
}

QJsonObject PushTarget::toJson() const
{
    QJsonObject object;
    if (kind == Kind::Webhook) {
        object.insert(QStringLiteral("type"), QStringLiteral("webhook"));
        object.insert(QStringLiteral("url"), url.toString(QUrl::FullyEncoded));
        object.insert(QStringLiteral("secret"), QString::fromUtf8(secret));
    } else {
        object.insert(QStringLiteral("type"), QStringLiteral("webpush"));
        object.insert(
            QStringLiteral("subscription"),
            QJsonObject{{QStringLiteral("endpoint"), url.toString(QUrl::FullyEncoded)},
                        {QStringLiteral("keys"),
                         QJsonObject{{QStringLiteral("p256dh"), QString::fromLatin1(base64Url(p256dh))},
                                     {QStringLiteral("auth"), QString::fromLatin1(base64Url(auth))}}}});
    }
    QJsonArray fields;
    if (include.sender)
        fields.append(QStringLiteral("sender"));
    if (include.body)
        fields.append(QStringLiteral("body"));
    if (!fields.isEmpty())
        object.insert(QStringLiteral("include"), fields);
    return object;
}

} // namespace Switchboard::Push
