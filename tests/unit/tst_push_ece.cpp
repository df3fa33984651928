// SPDX-License-Identifier: GPL-3.0-or-later
// Encrypted content coding for push messages: the "aes128gcm" coding reproduces RFC 8188 §3.1 byte for
// byte, Web Push encryption reproduces RFC 8291 §5 with its fixed keys and salt, fresh messages decrypt
// with the subscription's private key and never repeat a salt or sender key, and malformed
// subscription keys or oversized payloads are refused.
#include "push/ece.h"
#include "push/eckey.h"
#include "push/vapid.h"

#include <QTest>

using namespace Switchboard::Push;

namespace {

QByteArray b64(const char *text)
{
    const auto decoded = fromBase64Url(QByteArray(text));
    return decoded.value_or(QByteArray());
}

// RFC 8291 §5 and Appendix A.
const char *const Rfc8291Plaintext = "When I grow up, I want to be a watermelon";
const char *const Rfc8291AuthSecret = "BTBZMqHH6r4Tts7J_aSIgg";
const char *const Rfc8291UaPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
const char *const Rfc8291UaPublic =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
const char *const Rfc8291AsPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
const char *const Rfc8291AsPublic =
    "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
const char *const Rfc8291Salt = "DGv6ra1nlYgDCS1FRnbzlw";
const char *const Rfc8291Body =
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYL"
    "ocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouB"
    "WLVWGNWQexSgSxsj_Qulcy4a-fN";

/// The user agent's side of RFC 8291 §3.4, to read what we send.
std::optional<QByteArray> decryptWebPush(const QByteArray &body, const EcKey &userAgent,
                                         const QByteArray &auth)
{
    if (body.size() < 21 + 65 || quint8(body[20]) != 65)
        return std::nullopt;
    const QByteArray senderPublic = body.mid(21, 65);
    const QByteArray ecdh = userAgent.sharedSecret(EcKey::fromPublicPoint(senderPublic));
    QByteArray keyInfo("WebPush: info\0", 14);
    keyInfo += userAgent.publicPoint() + senderPublic;
    return Ece::decrypt(body, Ece::hkdfSha256(auth, ecdh, keyInfo, 32));
}

} // namespace

class tst_PushEce : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rfc8188Example();
    void rfc8188RoundTripAcrossRecords();
    void rfc8188RefusesTamperingAndBadHeaders();
    void rfc8291Example();
    void webPushMessagesAreFreshAndDecrypt();
    void webPushRefusesBadSubscriptionKeys();
    void webPushRefusesOversizedPayload();
};

void tst_PushEce::rfc8188Example()
{
    // RFC 8188 §3.1: "I am the walrus", rs 4096, no key id, no padding beyond the delimiter.
    const QByteArray ikm = b64("yqdlZ-tYemfogSmv7Ws5PQ");
    const QByteArray salt = b64("I1BsxtFttlv3u_Oo94xnmw");
    const Ece::ContentKeys keys = Ece::deriveContentKeys(ikm, salt);
    QCOMPARE(base64Url(keys.cek), QByteArray("_wniytB-ofscZDh4tbSjHw"));
    QCOMPARE(base64Url(keys.nonce), QByteArray("Bcs8gkIRKLI8GeI8"));

    const QByteArray body = Ece::encrypt("I am the walrus", ikm, salt, {}, 4096);
    QCOMPARE(base64Url(body),
             QByteArray("I1BsxtFttlv3u_Oo94xnmwAAEAAA-NAVub2qFgBEuQKRapoZu-IxkIva3MEB1PD-ly8Thjg"));
    QCOMPARE(Ece::decrypt(body, ikm), std::optional<QByteArray>("I am the walrus"));
}

void tst_PushEce::rfc8188RoundTripAcrossRecords()
{
    const QByteArray ikm(16, 'k');
    const QByteArray salt(16, 's');
    QByteArray plaintext;
    for (int i = 0; i < 100; ++i)
        plaintext += QByteArray::number(i) + ' ';
    // rs 25: 8 octets of data per record (25 - 16 tag - 1 delimiter), so dozens of records.
    const QByteArray body = Ece::encrypt(plaintext, ikm, salt, "id", 25);
    QCOMPARE(body.mid(16, 4), QByteArray::fromHex("00000019"));
    QCOMPARE(quint8(body[20]), quint8(2));
    QCOMPARE(body.mid(21, 2), QByteArray("id"));
    const qsizetype records = (plaintext.size() + 7) / 8;
    QCOMPARE(body.size(), 23 + plaintext.size() + records * 17);
    QCOMPARE(Ece::decrypt(body, ikm), std::optional<QByteArray>(plaintext));
    // An exact multiple ends with a full record holding the 0x02 delimiter.
    const QByteArray eight = Ece::encrypt("12345678", ikm, salt, {}, 25);
    QCOMPARE(eight.size(), 21 + 25);
    QCOMPARE(Ece::decrypt(eight, ikm), std::optional<QByteArray>("12345678"));
    QVERIFY(Ece::encrypt("x", ikm, salt, {}, 17).isEmpty()); // no room for data
}

void tst_PushEce::rfc8188RefusesTamperingAndBadHeaders()
{
    const QByteArray ikm = b64("yqdlZ-tYemfogSmv7Ws5PQ");
    const QByteArray body = b64("I1BsxtFttlv3u_Oo94xnmwAAEAAA-NAVub2qFgBEuQKRapoZu-IxkIva3MEB1PD-ly8Thjg");
    QVERIFY(Ece::decrypt(body, ikm));
    QByteArray flipped = body;
    flipped[30] = char(flipped[30] ^ 1);
    QVERIFY(!Ece::decrypt(flipped, ikm));
    QVERIFY(!Ece::decrypt(body.left(40), ikm));
    QVERIFY(!Ece::decrypt(body.left(21), ikm));
    QVERIFY(!Ece::decrypt(body, QByteArray(16, 'x')));
}

void tst_PushEce::rfc8291Example()
{
    const EcKey sender = EcKey::fromPrivateScalar(b64(Rfc8291AsPrivate));
    QVERIFY(!sender.isNull());
    QCOMPARE(base64Url(sender.publicPoint()), QByteArray(Rfc8291AsPublic));
    const EcKey userAgent = EcKey::fromPrivateScalar(b64(Rfc8291UaPrivate));
    QCOMPARE(base64Url(userAgent.publicPoint()), QByteArray(Rfc8291UaPublic));
    // RFC 8291 Appendix A: the ECDH secret.
    QCOMPARE(base64Url(sender.sharedSecret(EcKey::fromPublicPoint(b64(Rfc8291UaPublic)))),
             QByteArray("kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs"));

    const QByteArray scalar = b64(Rfc8291AsPrivate);
    const QByteArray salt = b64(Rfc8291Salt);
    const QByteArray body =
        Ece::encryptWebPush(Rfc8291Plaintext, b64(Rfc8291UaPublic), b64(Rfc8291AuthSecret),
                            Ece::WebPushSenderSecrets{scalar, salt});
    QCOMPARE(base64Url(body), QByteArray(Rfc8291Body));
    // And the user agent's side reads it back.
    QCOMPARE(decryptWebPush(body, userAgent, b64(Rfc8291AuthSecret)),
             std::optional<QByteArray>(Rfc8291Plaintext));
}

void tst_PushEce::webPushMessagesAreFreshAndDecrypt()
{
    const EcKey userAgent = EcKey::generate();
    const QByteArray auth(16, '\x07');
    const QByteArray plaintext = R"({"session":"s","pending":1,"last_seq":7})";
    const QByteArray first = Ece::encryptWebPush(plaintext, userAgent.publicPoint(), auth);
    const QByteArray second = Ece::encryptWebPush(plaintext, userAgent.publicPoint(), auth);
    QVERIFY(!first.isEmpty());
    // RFC 8188 §2.1 header: salt, rs = 4096, idlen = 65, key id = the sender's uncompressed point.
    QCOMPARE(first.mid(16, 4), QByteArray::fromHex("00001000"));
    QCOMPARE(quint8(first[20]), quint8(65));
    QCOMPARE(first[21], '\x04');
    QCOMPARE(first.size(), 86 + plaintext.size() + 1 + 16);
    // RFC 8291 §3.1 and RFC 8188 §4.1: a new key pair and salt for every message.
    QVERIFY(first.left(16) != second.left(16));
    QVERIFY(first.mid(21, 65) != second.mid(21, 65));
    QCOMPARE(decryptWebPush(first, userAgent, auth), std::optional<QByteArray>(plaintext));
    QCOMPARE(decryptWebPush(second, userAgent, auth), std::optional<QByteArray>(plaintext));
    QVERIFY(!decryptWebPush(first, userAgent, QByteArray(16, '\x08')));
    QVERIFY(!decryptWebPush(first, EcKey::generate(), auth));
}

void tst_PushEce::webPushRefusesBadSubscriptionKeys()
{
    const QByteArray auth(16, 'a');
    const QByteArray point = EcKey::generate().publicPoint();
    QVERIFY(!Ece::encryptWebPush("x", point, auth).isEmpty());
    QVERIFY(Ece::encryptWebPush("x", point.left(64), auth).isEmpty());
    QByteArray compressed = point.left(33);
    compressed[0] = 0x02;
    QVERIFY(Ece::encryptWebPush("x", compressed, auth).isEmpty());
    QByteArray offCurve = point;
    offCurve[64] = char(offCurve[64] ^ 1);
    QVERIFY(Ece::encryptWebPush("x", offCurve, auth).isEmpty());
    QVERIFY(Ece::encryptWebPush("x", point, auth.left(15)).isEmpty());
    QVERIFY(EcKey::fromPublicPoint(offCurve).isNull());
    QVERIFY(EcKey::fromPrivateScalar(QByteArray(31, 'x')).isNull());
    QVERIFY(EcKey::fromPrivateScalar(QByteArray(32, '\0')).isNull());
}

void tst_PushEce::webPushRefusesOversizedPayload()
{
    const EcKey userAgent = EcKey::generate();
    const QByteArray auth(16, 'a');
    const QByteArray largest(Ece::MaxWebPushPlaintext, 'x');
    const QByteArray body = Ece::encryptWebPush(largest, userAgent.publicPoint(), auth);
    QCOMPARE(body.size(), 4096); // RFC 8291 §4: one record, the whole body at most 4096 octets
    QCOMPARE(decryptWebPush(body, userAgent, auth), std::optional<QByteArray>(largest));
    QVERIFY(Ece::encryptWebPush(QByteArray(largest + 'x'), userAgent.publicPoint(), auth).isEmpty());
}

QTEST_GUILESS_MAIN(tst_PushEce)
#include "tst_push_ece.moc"
