// SPDX-License-Identifier: GPL-3.0-or-later
#include "stream/linkupstream.h"

#include "monitor/hub.h"
#include "stream/clientstream.h"
#include "stream/streamregistry.h"

namespace Switchboard::Stream {

LinkUpstream::LinkUpstream(const Config &config, Xmpp::Resolver *resolver, ClientStream *owner,
                           const QString &stream, StreamRegistry *registry, Monitor::Hub *hub)
    : m_owner(owner), m_link(new Xmpp::ServerLink(config, resolver, owner)), m_registry(registry), m_hub(hub),
      m_stream(stream), m_client(owner->client().address)
{
    m_link->setListener(this);
}

LinkUpstream::~LinkUpstream()
{
    if (m_link) {
        m_link->setListener(nullptr);
        m_link->disconnect();
        m_link->deleteLater();
    }
}

void LinkUpstream::linkOpened(const Xmpp::StreamHeader &header)
{
    const QString stream = m_stream; // this upstream may be gone before the call returns
    m_owner->upstreamOpened(stream, header);
}

void LinkUpstream::linkElement(const QByteArray &xml)
{
    const QString stream = m_stream;
    m_owner->upstreamElement(stream, xml);
}

void LinkUpstream::linkClosed()
{
    const QString stream = m_stream;
    m_owner->upstreamClosed(stream);
}

void LinkUpstream::linkFailed(Xmpp::LinkFailure failure, const QByteArray &streamErrorXml,
                              const QString &reason)
{
    const QString stream = m_stream;
    m_owner->upstreamFailed(stream, failure, streamErrorXml, reason);
}

void LinkUpstream::open(const OpenParams &params)
{
    Xmpp::ServerLink::Params p;
    p.domain = params.domain;
    p.lang = params.lang;
    p.from = params.from;
    p.route = params.route;
    p.clientAddress = m_client;
    m_link->open(p);
}

void LinkUpstream::restart(const QString &lang, const Xmpp::StreamAttributes &extra)
{
    if (m_link)
        m_link->restart(lang, extra);
}

void LinkUpstream::send(const QByteArray &xml)
{
    if (m_link)
        m_link->send(xml);
}

bool LinkUpstream::cut()
{
    if (!m_link)
        return false;
    m_link->cut();
    return true;
}

void LinkUpstream::close()
{
    if (!m_link)
        return;
    // The link finishes on its own while the client stream goes away: it moves to the registry, which
    // outlives it and counts it until it is gone, bounces what the server still sends before it sees
    // our close (XEP-0206 §7), closes the stream and deletes itself.
    m_link->retire(m_registry, [hub = m_hub, id = m_owner->id(), stream = m_stream](const QByteArray &xml) {
        if (hub)
            Q_EMIT hub->noClient(id, stream, xml);
    });
    // After retire(): it disconnects everything connected to the link's signals, destroyed() too (Qt's
    // QObject::disconnect()), which the registry counts the link down with.
    if (m_registry)
        m_registry->linkRetired(m_link);
    m_link = nullptr;
}

bool LinkUpstream::isEncrypted() const
{
    return m_link && m_link->isEncrypted();
}

QString LinkUpstream::peer() const
{
    return m_link ? m_link->peerDescription() : QString();
}

} // namespace Switchboard::Stream
