// SPDX-License-Identifier: GPL-3.0-or-later
// Prints one Web Push request as Switchboard builds it, for independent implementations to check
// (push_crosscheck.test.mjs): the subscription comes from the command line, the VAPID key pair from a
// fresh key file (created the way the server creates it), and the output is JSON.
//
//   switchboard-push-sample ENDPOINT P256DH AUTH KEYFILE
#include "push/pushrequest.h"
#include "push/vapid.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

using namespace Switchboard::Push;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    QTextStream err(stderr);
    if (args.size() != 5) {
        err << "usage: switchboard-push-sample ENDPOINT P256DH AUTH KEYFILE\n";
        return 2;
    }
    QString error;
    const Vapid vapid = Vapid::loadOrCreate(args[4], QStringLiteral("mailto:ops@example.com"), &error);
    if (vapid.isNull()) {
        err << error << '\n';
        return 1;
    }
    const QJsonObject push{
        {QStringLiteral("type"), QStringLiteral("webpush")},
        {QStringLiteral("subscription"),
         QJsonObject{{QStringLiteral("endpoint"), args[1]},
                     {QStringLiteral("keys"),
                      QJsonObject{{QStringLiteral("p256dh"), args[2]}, {QStringLiteral("auth"), args[3]}}}}},
        {QStringLiteral("include"), QJsonArray{QStringLiteral("sender"), QStringLiteral("body")}},
    };
    const auto target = PushTarget::fromJson(push, TargetPolicy(), &error);
    if (!target) {
        err << error << '\n';
        return 1;
    }
    const PushNotice notice{QStringLiteral("s-1"), 2, 17, QStringLiteral("juliet@example.com"),
                            QStringLiteral("Wherefore art thou? \u263a")};
    const PushRequest request = PushRequest::build(*target, notice, vapid, QDateTime::currentDateTimeUtc());
    if (request.url.isEmpty()) {
        err << "cannot build the request\n";
        return 1;
    }
    QJsonObject headers;
    for (const auto &[name, value] : request.headers)
        headers.insert(QString::fromLatin1(name), QString::fromLatin1(value));
    const QJsonObject out{
        {QStringLiteral("url"), request.url.toString()},
        {QStringLiteral("headers"), headers},
        {QStringLiteral("body"), QString::fromLatin1(base64Url(request.body))},
        {QStringLiteral("plaintext"), QString::fromUtf8(Webhook::body(notice, target->include))},
        {QStringLiteral("vapidPublicKey"), QString::fromLatin1(vapid.publicKeyBase64Url())},
    };
    QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Compact) << '\n';
    return 0;
}
