// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "push/eckey.h"

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace Switchboard::Push {

/// Encrypted Content-Encoding for HTTP, the "aes128gcm" coding (RFC 8188), and its use for Web Push
/// messages (RFC 8291). Free functions over OpenSSL's libcrypto (HKDF-SHA-256, AES-128-GCM, P-256 ECDH);
/// they keep no state and may be called from any thread.
namespace Ece {

/// RFC 8188 §2: record size of every message Switchboard writes (RFC 8291 §4 asks for one record
/// of at most 4096 octets).
constexpr quint32 RecordSize = 4096;
/// RFC 8188 §2.1: salt length.
constexpr int SaltSize = 16;
/// RFC 8291 §3.2: the user agent's authentication secret.
constexpr int AuthSecretSize = 16;
/// RFC 8291 §4: the largest plaintext one Web Push record carries: 4096 octets minus the header
/// (86 octets with a 65-octet key id), the 16-octet tag and the padding delimiter.
constexpr int MaxWebPushPlaintext = 4096 - (21 + 65) - 16 - 1;

/// HKDF (RFC 5869) with SHA-256, extract then expand; empty on failure.
QByteArray hkdfSha256(QByteArrayView salt, QByteArrayView ikm, QByteArrayView info, int length);

/// RFC 8188 §2: the content-encoding key (16 octets) and nonce (12 octets) of `ikm` and `salt`.
struct ContentKeys
{
    QByteArray cek;
    QByteArray nonce;
};
ContentKeys deriveContentKeys(QByteArrayView ikm, QByteArrayView salt);

/// RFC 8188 §2: the "aes128gcm" body of `plaintext`: the header (salt, rs, idlen, keyid) and records of
/// `rs` octets, each record's data followed by its delimiter (0x01, or 0x02 for the last record) and no
/// further padding. Empty when rs is below 18, keyid is over 255 octets or a libcrypto call fails.
QByteArray encrypt(QByteArrayView plaintext, QByteArrayView ikm, QByteArrayView salt, QByteArrayView keyId,
                   quint32 rs = RecordSize);

/// RFC 8188 §2: the plaintext of an "aes128gcm" body, or nullopt when the header, a record, its tag or its
/// padding is bad. For tests and diagnostics: Switchboard itself only encrypts.
std::optional<QByteArray> decrypt(QByteArrayView body, QByteArrayView ikm);

/// What RFC 8291 leaves to the sender's random choice. Production code passes nothing and gets fresh
/// values per message; a test passes the fixed values of RFC 8291 §5 to reproduce its example.
struct WebPushSenderSecrets
{
    QByteArrayView ephemeralPrivateScalar; ///< 32 octets: the application server's ECDH key (§3.1)
    QByteArrayView salt;                   ///< 16 octets (RFC 8188 §2.1)
};

/// RFC 8291 §3.4 and §4: encrypts `plaintext` for a push subscription whose P-256 public key (65 octets,
/// `keys.p256dh`) and authentication secret (16 octets, `keys.auth`) are given. The body carries the
/// sender's ephemeral public key as key id, a fresh salt and one record of at most 4096 octets. Empty
/// when a key is malformed, the plaintext exceeds MaxWebPushPlaintext or libcrypto fails.
QByteArray encryptWebPush(QByteArrayView plaintext, QByteArrayView userAgentPublicKey,
                          QByteArrayView authSecret, const std::optional<WebPushSenderSecrets> &fixed = {});

} // namespace Ece
} // namespace Switchboard::Push
