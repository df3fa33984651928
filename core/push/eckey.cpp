// SPDX-License-Identifier: GPL-3.0-or-later
#include "push/eckey.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstring>

namespace Switchboard::Push {

namespace {

constexpr int ScalarSize = 32;
constexpr int PointSize = 1 + 2 * ScalarSize;

struct BioFree
{
    void operator()(BIO *bio) const { BIO_free(bio); }
};
struct CtxFree
{
    void operator()(EVP_PKEY_CTX *ctx) const { EVP_PKEY_CTX_free(ctx); }
};
struct MdCtxFree
{
    void operator()(EVP_MD_CTX *ctx) const { EVP_MD_CTX_free(ctx); }
};
struct SigFree
{
    void operator()(ECDSA_SIG *sig) const { ECDSA_SIG_free(sig); }
};
struct BnFree
{
    void operator()(BIGNUM *bn) const { BN_free(bn); }
};

bool isP256(EVP_PKEY *key)
{
    if (!key || !EVP_PKEY_is_a(key, "EC"))
        return false;
    char group[64] = {};
    size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &length) != 1)
        return false;
    return std::strcmp(group, SN_X9_62_prime256v1) == 0;
}

bool hasPrivatePart(EVP_PKEY *key)
{
    BIGNUM *scalar = nullptr;
    const bool has = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &scalar) == 1;
    BN_clear_free(scalar);
    return has;
}

} // namespace

void EcKey::Free::operator()(EVP_PKEY *key) const
{
    EVP_PKEY_free(key);
}

EcKey::EcKey() = default;
EcKey::~EcKey() = default;
EcKey::EcKey(EcKey &&) noexcept = default;
EcKey &EcKey::operator=(EcKey &&) noexcept = default;

EcKey::EcKey(EVP_PKEY *key, bool hasPrivate) : m_key(key), m_private(key && hasPrivate) {}

EcKey EcKey::generate()
{
    return EcKey(EVP_EC_gen(SN_X9_62_prime256v1), true);
}

EcKey EcKey::fromPrivateScalar(QByteArrayView scalar)
{
    if (scalar.size() != ScalarSize)
        return {};
    // A SEC 1 ECPrivateKey (RFC 5915 §3) without the optional public key: OpenSSL's decoder derives the
    // public point from the scalar, which spares us any curve arithmetic of our own.
    static const unsigned char head[] = {0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20};
    static const unsigned char tail[] = {0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                         0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
    QByteArray der;
    der.append(reinterpret_cast<const char *>(head), sizeof head);
    der.append(scalar.data(), scalar.size());
    der.append(reinterpret_cast<const char *>(tail), sizeof tail);
    const auto *cursor = reinterpret_cast<const unsigned char *>(der.constData());
    EVP_PKEY *key = d2i_PrivateKey(EVP_PKEY_EC, nullptr, &cursor, long(der.size()));
    der.fill('\0');
    // A scalar of zero or at least the group order is no key (SEC 1 §3.2.1): the full check refuses it.
    std::unique_ptr<EVP_PKEY_CTX, CtxFree> check(key ? EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr)
                                                     : nullptr);
    if (!isP256(key) || !check || EVP_PKEY_check(check.get()) != 1) {
        EVP_PKEY_free(key);
        return {};
    }
    return EcKey(key, true);
}

EcKey EcKey::fromPublicPoint(QByteArrayView point)
{
    if (point.size() != PointSize || point[0] != 0x04)
        return {};
    std::unique_ptr<EVP_PKEY_CTX, CtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1)
        return {};
    char group[] = SN_X9_62_prime256v1;
    QByteArray copy = point.toByteArray();
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, copy.data(), size_t(copy.size())),
        OSSL_PARAM_construct_end(),
    };
    EVP_PKEY *key = nullptr;
    // The import decodes the point and refuses one that is not on the curve.
    if (EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, const_cast<OSSL_PARAM *>(params)) != 1)
        return {};
    return EcKey(key, false);
}

EcKey EcKey::fromPem(const QByteArray &pem)
{
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    if (!bio)
        return {};
    // No passphrase: without a callback of its own OpenSSL would ask for one on the terminal and block
    // start-up; an encrypted key simply fails to load.
    const auto noPassphrase = [](char *, int, int, void *) { return 0; };
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr);
    if (!isP256(key) || !hasPrivatePart(key)) {
        EVP_PKEY_free(key);
        return {};
    }
    return EcKey(key, true);
}

QByteArray EcKey::toPem() const
{
    if (!m_key || !m_private)
        return {};
    std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), m_key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return {};
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return QByteArray(data, qsizetype(size));
}

QByteArray EcKey::publicPoint() const
{
    if (!m_key)
        return {};
    QByteArray point(PointSize, Qt::Uninitialized);
    size_t length = 0;
    if (EVP_PKEY_get_octet_string_param(m_key.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                        reinterpret_cast<unsigned char *>(point.data()), size_t(point.size()),
                                        &length) != 1 ||
        length != size_t(PointSize) || point[0] != 0x04)
        return {};
    return point;
}

QByteArray EcKey::sharedSecret(const EcKey &peer) const
{
    if (!m_key || !m_private || !peer.m_key)
        return {};
    std::unique_ptr<EVP_PKEY_CTX, CtxFree> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, m_key.get(), nullptr));
    size_t length = 0;
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
        EVP_PKEY_derive_set_peer(ctx.get(), peer.m_key.get()) != 1 ||
        EVP_PKEY_derive(ctx.get(), nullptr, &length) != 1 || length != size_t(ScalarSize))
        return {};
    QByteArray secret(qsizetype(length), Qt::Uninitialized);
    if (EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char *>(secret.data()), &length) != 1)
        return {};
    secret.resize(qsizetype(length));
    return secret;
}

QByteArray EcKey::signEs256(QByteArrayView data) const
{
    if (!m_key || !m_private)
        return {};
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    size_t length = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, m_key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char *>(data.data()),
                       size_t(data.size())) != 1)
        return {};
    QByteArray der(qsizetype(length), Qt::Uninitialized);
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(der.data()), &length,
                       reinterpret_cast<const unsigned char *>(data.data()), size_t(data.size())) != 1)
        return {};
    // OpenSSL writes an ECDSA-Sig-Value (DER, RFC 3279 §2.2.3); JWS wants R and S as fixed 32-byte
    // big-endian integers side by side (RFC 7518 §3.4).
    const auto *cursor = reinterpret_cast<const unsigned char *>(der.constData());
    std::unique_ptr<ECDSA_SIG, SigFree> sig(d2i_ECDSA_SIG(nullptr, &cursor, long(length)));
    if (!sig)
        return {};
    QByteArray raw(2 * ScalarSize, '\0');
    auto *out = reinterpret_cast<unsigned char *>(raw.data());
    if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, ScalarSize) != ScalarSize ||
        BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + ScalarSize, ScalarSize) != ScalarSize)
        return {};
    return raw;
}

bool EcKey::verifyEs256(QByteArrayView data, QByteArrayView signature) const
{
    if (!m_key || signature.size() != 2 * ScalarSize)
        return false;
    const auto *raw = reinterpret_cast<const unsigned char *>(signature.data());
    std::unique_ptr<BIGNUM, BnFree> r(BN_bin2bn(raw, ScalarSize, nullptr));
    std::unique_ptr<BIGNUM, BnFree> s(BN_bin2bn(raw + ScalarSize, ScalarSize, nullptr));
    std::unique_ptr<ECDSA_SIG, SigFree> sig(ECDSA_SIG_new());
    if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1)
        return false;
    r.release(); // owned by sig now
    s.release();
    unsigned char *der = nullptr;
    const int derLength = i2d_ECDSA_SIG(sig.get(), &der);
    if (derLength <= 0)
        return false;
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    const bool ok =
        ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, m_key.get()) == 1 &&
        EVP_DigestVerify(ctx.get(), der, size_t(derLength),
                         reinterpret_cast<const unsigned char *>(data.data()), size_t(data.size())) == 1;
    OPENSSL_free(der);
    return ok;
}

} // namespace Switchboard::Push
