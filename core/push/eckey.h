// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <memory>

typedef struct evp_pkey_st EVP_PKEY;

namespace Switchboard::Push {

/// A NIST P-256 key (a key pair, or a public key alone) held in an OpenSSL EVP_PKEY. The one place the
/// push module touches elliptic-curve keys: Web Push's ephemeral ECDH keys (RFC 8291 §3.1) and the VAPID
/// signing key (RFC 8292 §2, ES256). A movable value; a null key results from every failed construction.
/// Every operation is synchronous and touches no shared state, so it may run on any thread.
class EcKey
{
public:
    EcKey();
    ~EcKey();
    EcKey(EcKey &&) noexcept;
    EcKey &operator=(EcKey &&) noexcept;
    EcKey(const EcKey &) = delete;
    EcKey &operator=(const EcKey &) = delete;

    /// A fresh key pair from OpenSSL's random generator.
    static EcKey generate();
    /// The key pair of a 32-byte private scalar (big-endian); the public point is derived from it.
    static EcKey fromPrivateScalar(QByteArrayView scalar);
    /// A public key from its 65-byte uncompressed point (0x04 || X || Y, SEC 1 §2.3.3); null when the
    /// point is malformed or not on the curve.
    static EcKey fromPublicPoint(QByteArrayView point);
    /// A key pair from a PEM private key (PKCS #8 or SEC 1); null unless it is an unencrypted P-256 key
    /// (never asks for a passphrase).
    static EcKey fromPem(const QByteArray &pem);

    bool isNull() const { return !m_key; }
    bool hasPrivateKey() const { return m_private; }

    /// The private key as PKCS #8 PEM; empty for a public key.
    QByteArray toPem() const;
    /// The 65-byte uncompressed public point (0x04 || X || Y).
    QByteArray publicPoint() const;
    /// ECDH (SEC 1 §3.3.1) with `peer`'s public key: the 32-byte X coordinate; empty on failure.
    QByteArray sharedSecret(const EcKey &peer) const;
    /// ECDSA over SHA-256 as JWS ES256 wants it (RFC 7518 §3.4): R || S, 32 bytes each. Empty on failure.
    QByteArray signEs256(QByteArrayView data) const;
    /// Checks an R || S signature (RFC 7518 §3.4) of `data`.
    bool verifyEs256(QByteArrayView data, QByteArrayView signature) const;

private:
    struct Free
    {
        void operator()(EVP_PKEY *key) const;
    };
    explicit EcKey(EVP_PKEY *key, bool hasPrivate);

    std::unique_ptr<EVP_PKEY, Free> m_key;
    bool m_private = false;
};

} // namespace Switchboard::Push
