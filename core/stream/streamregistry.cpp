// SPDX-License-Identifier: GPL-3.0-or-later
#include "stream/streamregistry.h"

#include "base/childlist.h"
#include "base/constanttime.h"
#include "stream/clientstream.h"
#include "stream/streamdirectory.h"

#include <QRandomGenerator>

#include <openssl/core_names.h>
#include <openssl/evp.h>

namespace Switchboard::Stream {

namespace {
QByteArrayView utf16Bytes(const QString &text)
{
    return {reinterpret_cast<const char *>(text.constData()), text.size() * qsizetype(sizeof(QChar))};
}
} // namespace

void StreamRegistry::MacDeleter::operator()(evp_mac_ctx_st *context) const
{
    EVP_MAC_CTX_free(context);
}

StreamRegistry::StreamRegistry(QObject *parent) : QObject(parent)
{
    QRandomGenerator::system()->fillRange(m_secret);
    EVP_MAC *siphash = EVP_MAC_fetch(nullptr, "SIPHASH", nullptr);
    m_mac.reset(siphash ? EVP_MAC_CTX_new(siphash) : nullptr);
    EVP_MAC_free(siphash); // the context holds its own reference
    // Keyed once: each key() then starts from the keyed state (a null key), without setting the key up
    // again.
    if (!m_mac || EVP_MAC_init(m_mac.get(), reinterpret_cast<const unsigned char *>(m_secret),
                               sizeof m_secret, nullptr) != 1)
        qFatal("StreamRegistry: OpenSSL has no SipHash");
}

StreamRegistry::~StreamRegistry()
{
    for (ClientStream *stream : std::as_const(m_streams)) {
        stream->m_registry = nullptr;
        if (m_directory)
            m_directory->remove(stream->id());
    }
}

StreamRegistry::Key StreamRegistry::key(const QString &id) const
{
    // SipHash-2-4 (OpenSSL's default output, 128 bits): a keyed pseudo-random function made for
    // hash-table keys, set up without allocating. It hashes the id's UTF-16 as it is stored.
    Key out;
    std::size_t length = 0;
    if (EVP_MAC_init(m_mac.get(), nullptr, 0, nullptr) != 1 ||
        EVP_MAC_update(m_mac.get(), reinterpret_cast<const unsigned char *>(id.constData()),
                       std::size_t(id.size()) * sizeof(QChar)) != 1 ||
        EVP_MAC_final(m_mac.get(), reinterpret_cast<unsigned char *>(out.words), &length, sizeof out.words) !=
            1 ||
        length != sizeof out.words)
        qFatal("StreamRegistry: SipHash failed");
    return out;
}

void StreamRegistry::add(ClientStream *stream)
{
    m_streams.insert(key(stream->id()), stream);
    m_count = int(m_streams.size());
    if (m_directory)
        m_directory->insert(stream->id(), m_worker);
    // It leaves once it finishes or is deleted (ClientStream::finishStream(), ~ClientStream()).
    stream->m_registry = this;
    if (m_breakpointForAll)
        stream->setBreakpoint(*m_breakpointForAll); // refused by fronts without breakpoints
}

void StreamRegistry::setBreakpointForAll(const std::optional<BreakpointFilter> &filter)
{
    m_breakpointForAll = filter;
    const QList<ClientStream *> all = streams();
    for (ClientStream *stream : all) {
        if (filter)
            stream->setBreakpoint(*filter);
        else
            stream->clearBreakpoint();
    }
}

void StreamRegistry::forget(const QString &id)
{
    if (m_streams.remove(key(id)) == 0)
        return;
    m_count = int(m_streams.size());
    if (m_directory)
        m_directory->remove(id);
    // A QHash keeps the storage it grew to after erasures, allocated in pieces while the sessions
    // came: after a logout wave it pinned pages of the freed heap (docs/BENCHMARKS.md, "Memory after
    // logout: what pinned it"). Given back once far fewer are left, all of it once none is: a few
    // times per wave, not per stream.
    if (m_streams.isEmpty())
        m_streams.clear();
    else if (m_streams.capacity() >= 256 && m_streams.size() < m_streams.capacity() / 8)
        m_streams.squeeze();
    checkIdle();
}

ClientStream *StreamRegistry::find(const QString &id) const
{
    ClientStream *stream = m_streams.value(key(id));
    if (!stream || !constantTimeEquals(utf16Bytes(stream->id()), utf16Bytes(id)))
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
        m_closingLinks = m_closingLinks - 1;
        checkIdle();
    });
}

void StreamRegistry::checkIdle()
{
    if (m_streams.isEmpty() && m_closingLinks == 0)
        Q_EMIT idle();
}

void StreamRegistry::childEvent(QChildEvent *event)
{
    squeezeChildListWhenSparse(this, event);
    QObject::childEvent(event);
}

} // namespace Switchboard::Stream
