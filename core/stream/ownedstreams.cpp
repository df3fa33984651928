// SPDX-License-Identifier: GPL-3.0-or-later
#include "stream/ownedstreams.h"

#include "base/childlist.h"
#include "stream/clientstream.h"
#include "stream/streamregistry.h"

namespace Switchboard::Stream {

OwnedStreams::OwnedStreams(StreamRegistry *registry, int tickMs, QObject *parent)
    : QObject(parent), m_registry(registry)
{
    m_timer.setInterval(tickMs);
    connect(&m_timer, &QTimer::timeout, this, &OwnedStreams::tick);
}

OwnedStreams::~OwnedStreams()
{
    const QSet<ClientStream *> streams = std::exchange(m_streams, {});
    for (ClientStream *stream : streams) {
        stream->m_owner = nullptr;
        delete stream;
    }
}

void OwnedStreams::adopt(ClientStream *stream)
{
    stream->setParent(this);
    m_streams.insert(stream);
    m_registry->add(stream);
    stream->m_owner = this;
    if (!m_timer.isActive())
        m_timer.start();
}

void OwnedStreams::streamFinished(ClientStream *stream)
{
    if (m_streams.remove(stream))
        stream->deleteLater();
    shrink();
}

void OwnedStreams::streamDeleted(ClientStream *stream)
{
    m_streams.remove(stream);
    shrink();
}

void OwnedStreams::shrink()
{
    // As StreamRegistry::forget(): the set's storage goes back after a logout wave.
    if (m_streams.isEmpty()) {
        m_timer.stop();
        m_streams.clear();
    } else if (m_streams.capacity() >= 256 && m_streams.size() < m_streams.capacity() / 8) {
        m_streams.squeeze();
    }
}

void OwnedStreams::tick()
{
    // Streams may finish (and leave the set) while we go through them.
    const QList<ClientStream *> streams = m_streams.values();
    for (ClientStream *stream : streams) {
        if (m_streams.contains(stream) && !stream->isFinished())
            stream->checkTimers();
    }
}

void OwnedStreams::childEvent(QChildEvent *event)
{
    squeezeChildListWhenSparse(this, event);
    QObject::childEvent(event);
}

} // namespace Switchboard::Stream
