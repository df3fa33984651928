// SPDX-License-Identifier: GPL-3.0-or-later
#include "push/webhook.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>

namespace Switchboard::Push::Webhook {

QByteArray body(const PushNotice &notice, NoticeFields fields)
{
    QJsonObject object{
        {QStringLiteral("session"), notice.session},
        {QStringLiteral("pending"), notice.pending},
        {QStringLiteral("last_seq"), notice.lastSeq},
    };
    if (fields.sender && !notice.sender.isEmpty())
        object.insert(QStringLiteral("sender"), notice.sender);
    if (fields.body && !notice.body.isEmpty())
        object.insert(QStringLiteral("body"), notice.body);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray timestamp(const QDateTime &now)
{
    return QByteArray::number(now.toSecsSinceEpoch());
}

QByteArray signature(QByteArrayView secret, QByteArrayView timestamp, QByteArrayView body)
{
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, secret.toByteArray());
    mac.addData(timestamp.data(), timestamp.size());
    mac.addData(".", 1);
    mac.addData(body.data(), body.size());
    return "sha256=" + mac.result().toHex();
}

} // namespace Switchboard::Push::Webhook
