// SPDX-License-Identifier: GPL-3.0-or-later
#include "stream/streamregistry.h"

#include "base/constanttime.h"
#include "stream/clientstream.h"

#include <QRandomGenerator>

#include <openssl/core_names.h>
#include <openssl/evp.h>

namespace Switchboard::Stream {

void StreamRegistry::MacDeleter::operator()(evp_mac_ctx_st *context) const
{
    EVP_MAC_CTX_free(context);
}

StreamRegistry::StreamRegistry(QObject *parent) : QObject(parent)
{
    quint32 secret[8];
    QRandomGenerator::system()->fillRange(secret);
    EVP_MAC *hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    m_mac.reset(hmac ? EVP_MAC_CTX_new(hmac) : nullptr);
    EVP_MAC_free(hmac); // the context holds its own reference
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_construct_end()};
    if (!m_mac || EVP_MAC_init(m_mac.get(), reinterpret_cast<const unsigned char *>(secret), sizeof secret,
                               params) != 1)
        qFatal("StreamRegistry: OpenSSL refused HMAC-SHA-256");
    OPENSSL_cleanse(secret, sizeof secret);
}

StreamRegistry::~StreamRegistry()
{
    for (ClientStream *stream : std::as_const(m_streams))
        stream->disconnect(this);
}

QByteArray StreamRegistry::key(const QString &id) const
{
    // No key given: HMAC starts again from the digests prepared for the secret (OpenSSL 3 hmac_init).
    const QByteArray bytes = id.toUtf8();
    QByteArray mac(32, Qt::Uninitialized);
    std::size_t length = 0;
    if (EVP_MAC_init(m_mac.get(), nullptr, 0, nullptr) != 1 ||
        EVP_MAC_update(m_mac.get(), reinterpret_cast<const unsigned char *>(bytes.constData()),
                       std::size_t(bytes.size())) != 1 ||
        EVP_MAC_final(m_mac.get(), reinterpret_cast<unsigned char *>(mac.data()), &length,
                      std::size_t(mac.size())) != 1 ||
        length != std::size_t(mac.size()))
        qFatal("StreamRegistry: HMAC-SHA-256 failed");
    return mac;
}

void StreamRegistry::add(ClientStream *stream)
{
    const QString id = stream->id();
    m_streams.insert(key(id), stream);
    connect(stream, &ClientStream::finished, this, [this, id] { forget(id); });
    connect(stream, &QObject::destroyed, this, [this, id] { forget(id); });
}

void StreamRegistry::forget(const QString &id)
{
    if (m_streams.remove(key(id)) > 0)
        checkIdle();
}

ClientStream *StreamRegistry::find(const QString &id) const
{
    ClientStream *stream = m_streams.value(key(id));
    if (!stream || !constantTimeEquals(stream->id().toUtf8(), id.toUtf8()))
        return nullptr;
    return stream;
}

void StreamRegistry::terminateAll(Condition condition, const QString &text)
{
    // Streams leave the hash as they finish.
    const QList<ClientStream *> streams = m_streams.values();
    for (ClientStream *stream : streams)
        stream->terminate(condition, text);
}

void StreamRegistry::setDraining(bool draining, const QString &uri)
{
    m_draining = draining;
    m_drainUri = uri;
}

void StreamRegistry::linkRetired(QObject *link)
{
    ++m_closingLinks;
    connect(link, &QObject::destroyed, this, [this] {
        --m_closingLinks;
        checkIdle();
    });
}

void StreamRegistry::checkIdle()
{
    if (m_streams.isEmpty() && m_closingLinks == 0)
        Q_EMIT idle();
}

} // namespace Switchboard::Stream
