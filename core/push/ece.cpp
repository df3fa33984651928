// SPDX-License-Identifier: GPL-3.0-or-later
#include "push/ece.h"

#include <QtEndian>

#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <memory>

namespace Switchboard::Push::Ece {

namespace {

constexpr int TagSize = 16;
constexpr int KeySize = 16;
constexpr int NonceSize = 12;
constexpr int HeaderSize = SaltSize + 4 + 1; // RFC 8188 §2.1: salt, rs, idlen (then keyid)

struct CtxFree
{
    void operator()(EVP_PKEY_CTX *ctx) const { EVP_PKEY_CTX_free(ctx); }
};
struct CipherFree
{
    void operator()(EVP_CIPHER_CTX *ctx) const { EVP_CIPHER_CTX_free(ctx); }
};

const unsigned char *bytes(QByteArrayView view)
{
    return reinterpret_cast<const unsigned char *>(view.data());
}

/// RFC 8188 §2.3: the nonce of record `seq` is the derived nonce XOR the sequence number (big-endian,
/// right-aligned in 96 bits).
QByteArray recordNonce(const QByteArray &nonce, quint64 seq)
{
    QByteArray result = nonce;
    for (int i = 0; i < 8; ++i)
        result[NonceSize - 1 - i] = char(quint8(result[NonceSize - 1 - i]) ^ quint8(seq >> (8 * i)));
    return result;
}

QByteArray aesGcm(bool encrypting, const QByteArray &key, const QByteArray &nonce, QByteArrayView input,
                  bool *ok)
{
    *ok = false;
    std::unique_ptr<EVP_CIPHER_CTX, CipherFree> ctx(EVP_CIPHER_CTX_new());
    if (!ctx)
        return {};
    QByteArray output(input.size() + TagSize, Qt::Uninitialized);
    auto *out = reinterpret_cast<unsigned char *>(output.data());
    int length = 0;
    int total = 0;
    if (encrypting) {
        if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, bytes(key), bytes(nonce)) != 1 ||
            EVP_EncryptUpdate(ctx.get(), out, &length, bytes(input), int(input.size())) != 1)
            return {};
        total = length;
        if (EVP_EncryptFinal_ex(ctx.get(), out + total, &length) != 1)
            return {};
        total += length;
        if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, TagSize, out + total) != 1)
            return {};
        output.resize(total + TagSize);
    } else {
        if (input.size() < TagSize)
            return {};
        const qsizetype cipherSize = input.size() - TagSize;
        QByteArray tag = input.sliced(cipherSize).toByteArray();
        if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, bytes(key), bytes(nonce)) != 1 ||
            EVP_DecryptUpdate(ctx.get(), out, &length, bytes(input), int(cipherSize)) != 1 ||
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, TagSize, tag.data()) != 1)
            return {};
        total = length;
        if (EVP_DecryptFinal_ex(ctx.get(), out + total, &length) != 1)
            return {};
        output.resize(total + length);
    }
    *ok = true;
    return output;
}

} // namespace

QByteArray hkdfSha256(QByteArrayView salt, QByteArrayView ikm, QByteArrayView info, int length)
{
    std::unique_ptr<EVP_PKEY_CTX, CtxFree> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
    QByteArray out(length, Qt::Uninitialized);
    size_t outLength = size_t(length);
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_hkdf_mode(ctx.get(), EVP_PKEY_HKDEF_MODE_EXTRACT_AND_EXPAND) != 1 ||
        EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) != 1 ||
        EVP_PKEY_CTX_set1_hkdf_salt(ctx.get(), bytes(salt), int(salt.size())) != 1 ||
        EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), bytes(ikm), int(ikm.size())) != 1 ||
        EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), bytes(info), int(info.size())) != 1 ||
        EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char *>(out.data()), &outLength) != 1 ||
        outLength != size_t(length))
        return {};
    return out;
}

ContentKeys deriveContentKeys(QByteArrayView ikm, QByteArrayView salt)
{
    // RFC 8188 §2.2 and §2.3; the info strings end in one zero octet.
    static const QByteArray cekInfo("Content-Encoding: aes128gcm\0", 28);
    static const QByteArray nonceInfo("Content-Encoding: nonce\0", 24);
    return {hkdfSha256(salt, ikm, cekInfo, KeySize), hkdfSha256(salt, ikm, nonceInfo, NonceSize)};
}

QByteArray encrypt(QByteArrayView plaintext, QByteArrayView ikm, QByteArrayView salt, QByteArrayView keyId,
                   quint32 rs)
{
    // RFC 8188 §2: a record holds at least one octet of data besides the delimiter and the tag.
    if (rs < TagSize + 2 || keyId.size() > 255 || salt.size() != SaltSize)
        return {};
    const ContentKeys keys = deriveContentKeys(ikm, salt);
    if (keys.cek.size() != KeySize || keys.nonce.size() != NonceSize)
        return {};

    QByteArray body;
    body.append(salt.data(), salt.size());
    char rsBytes[4];
    qToBigEndian(rs, rsBytes);
    body.append(rsBytes, 4);
    body.append(char(keyId.size()));
    body.append(keyId.data(), keyId.size());

    const qsizetype dataPerRecord = qsizetype(rs) - TagSize - 1;
    qsizetype offset = 0;
    quint64 seq = 0;
    do {
        const qsizetype chunk = std::min(dataPerRecord, plaintext.size() - offset);
        const bool last = offset + chunk >= plaintext.size();
        QByteArray record = plaintext.sliced(offset, chunk).toByteArray();
        record.append(last ? '\x02' : '\x01'); // RFC 8188 §2: the padding delimiter
        bool ok = false;
        const QByteArray sealed = aesGcm(true, keys.cek, recordNonce(keys.nonce, seq), record, &ok);
        if (!ok)
            return {};
        body.append(sealed);
        offset += chunk;
        ++seq;
    } while (offset < plaintext.size());
    return body;
}

std::optional<QByteArray> decrypt(QByteArrayView body, QByteArrayView ikm)
{
    if (body.size() < HeaderSize)
        return std::nullopt;
    const QByteArrayView salt = body.first(SaltSize);
    const quint32 rs = qFromBigEndian<quint32>(body.data() + SaltSize);
    const int idLength = quint8(body[SaltSize + 4]);
    if (rs < TagSize + 2 || body.size() < HeaderSize + idLength)
        return std::nullopt;
    const ContentKeys keys = deriveContentKeys(ikm, salt);
    QByteArrayView records = body.sliced(HeaderSize + idLength);
    if (records.isEmpty())
        return std::nullopt;
    QByteArray plaintext;
    quint64 seq = 0;
    while (!records.isEmpty()) {
        const qsizetype size = std::min<qsizetype>(qsizetype(rs), records.size());
        bool ok = false;
        QByteArray record = aesGcm(false, keys.cek, recordNonce(keys.nonce, seq), records.first(size), &ok);
        if (!ok)
            return std::nullopt;
        records = records.sliced(size);
        // RFC 8188 §2: strip zero padding back to the delimiter, which must match the record's place.
        qsizetype end = record.size();
        while (end > 0 && record[end - 1] == '\0')
            --end;
        if (end == 0)
            return std::nullopt;
        const char delimiter = record[end - 1];
        if (delimiter != (records.isEmpty() ? '\x02' : '\x01'))
            return std::nullopt;
        plaintext.append(record.constData(), end - 1);
        ++seq;
    }
    return plaintext;
}

QByteArray encryptWebPush(QByteArrayView plaintext, QByteArrayView userAgentPublicKey,
                          QByteArrayView authSecret, const std::optional<WebPushSenderSecrets> &fixed)
{
    if (plaintext.size() > MaxWebPushPlaintext || authSecret.size() != AuthSecretSize)
        return {};
    const EcKey userAgent = EcKey::fromPublicPoint(userAgentPublicKey);
    if (userAgent.isNull())
        return {};
    // RFC 8291 §3.1: a new ECDH key pair for every message, unless a test fixes it.
    const EcKey sender = fixed ? EcKey::fromPrivateScalar(fixed->ephemeralPrivateScalar) : EcKey::generate();
    QByteArray salt(SaltSize, Qt::Uninitialized);
    if (fixed) {
        salt = fixed->salt.toByteArray();
    } else if (RAND_bytes(reinterpret_cast<unsigned char *>(salt.data()), SaltSize) != 1) {
        return {};
    }
    const QByteArray senderPublic = sender.publicPoint();
    const QByteArray ecdhSecret = sender.sharedSecret(userAgent);
    if (senderPublic.isEmpty() || ecdhSecret.isEmpty() || salt.size() != SaltSize)
        return {};
    // RFC 8291 §3.3 and §3.4: IKM = HKDF(auth_secret, ecdh_secret, "WebPush: info" || 0x00 || ua_public ||
    // as_public, 32); the body's key id is the sender's public key (§4).
    QByteArray keyInfo("WebPush: info\0", 14);
    keyInfo += userAgentPublicKey.toByteArray();
    keyInfo += senderPublic;
    const QByteArray ikm = hkdfSha256(authSecret, ecdhSecret, keyInfo, 32);
    if (ikm.isEmpty())
        return {};
    return encrypt(plaintext, ikm, salt, senderPublic, RecordSize);
}

} // namespace Switchboard::Push::Ece
