// SPDX-License-Identifier: GPL-3.0-or-later
#include "stream/streamregistry.h"

#include "base/constanttime.h"
#include "stream/clientstream.h"

#include <QMessageAuthenticationCode>
#include <QRandomGenerator>

namespace Switchboard::Stream {

StreamRegistry::StreamRegistry(QObject *parent) : QObject(parent)
{
    m_secret.resize(32);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(m_secret.data()),
                                          m_secret.size() / qsizetype(sizeof(quint32)));
}

StreamRegistry::~StreamRegistry()
{
    for (ClientStream *stream : std::as_const(m_streams))
        stream->disconnect(this);
}

QByteArray StreamRegistry::key(const QString &id) const
{
    return QMessageAuthenticationCode::hash(id.toUtf8(), m_secret, QCryptographicHash::Sha256);
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
