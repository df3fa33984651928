// SPDX-License-Identifier: GPL-3.0-or-later
// Webhook signing: the body carries session, pending and last_seq and no content unless asked for, and
// the signature is "sha256=" plus the hex HMAC-SHA256 of timestamp "." body (checked against a value
// computed with `openssl dgst -sha256 -hmac`).
#include "push/webhook.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Switchboard::Push;

class tst_PushWebhook : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bodyWithoutContentByDefault();
    void bodyWithOptInFields();
    void signatureMatchesAnIndependentHmac();
    void signatureChangesWithEveryInput();
};

void tst_PushWebhook::bodyWithoutContentByDefault()
{
    const PushNotice notice{QStringLiteral("s1"), 3, 42, QStringLiteral("juliet@example.com"),
                            QStringLiteral("hi")};
    const QByteArray body = Webhook::body(notice, {});
    QCOMPARE(body, QByteArray(R"({"last_seq":42,"pending":3,"session":"s1"})"));
}

void tst_PushWebhook::bodyWithOptInFields()
{
    const PushNotice notice{QStringLiteral("s1"), 3, 42, QStringLiteral("juliet@example.com"),
                            QStringLiteral("hi")};
    const QJsonObject both = QJsonDocument::fromJson(Webhook::body(notice, {true, true})).object();
    QCOMPARE(both.value(QStringLiteral("sender")).toString(), QStringLiteral("juliet@example.com"));
    QCOMPARE(both.value(QStringLiteral("body")).toString(), QStringLiteral("hi"));
    const QJsonObject sender = QJsonDocument::fromJson(Webhook::body(notice, {true, false})).object();
    QVERIFY(sender.contains(QStringLiteral("sender")));
    QVERIFY(!sender.contains(QStringLiteral("body")));
}

void tst_PushWebhook::signatureMatchesAnIndependentHmac()
{
    const QByteArray timestamp = Webhook::timestamp(QDateTime::fromSecsSinceEpoch(1764759600));
    QCOMPARE(timestamp, QByteArray("1764759600"));
    const QByteArray body = R"({"last_seq":42,"pending":3,"session":"s1"})";
    // printf '%s' '1764759600.{"last_seq":42,"pending":3,"session":"s1"}' | openssl dgst -sha256 -hmac
    // hook-secret
    QCOMPARE(Webhook::signature("hook-secret", timestamp, body),
             QByteArray("sha256=3e39ae57c47dee30011e339e41df826b3c9e3888f5f0e2ca18d162bca452a017"));
}

void tst_PushWebhook::signatureChangesWithEveryInput()
{
    const QByteArray base = Webhook::signature("k", "1", "{}");
    QVERIFY(base != Webhook::signature("k2", "1", "{}"));
    QVERIFY(base != Webhook::signature("k", "2", "{}"));
    QVERIFY(base != Webhook::signature("k", "1", "{ }"));
    // The "." separator keeps timestamp and body apart: "1" + ".2{}" is not "1.2" + "{}".
    QVERIFY(Webhook::signature("k", "1", "2{}") != Webhook::signature("k", "1.2", "{}"));
}

QTEST_GUILESS_MAIN(tst_PushWebhook)
#include "tst_push_webhook.moc"
