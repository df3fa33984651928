// SPDX-License-Identifier: GPL-3.0-or-later
#include "stream/linkupstream.h"

#include "monitor/hub.h"
#include "stream/clientstream.h"
#include "stream/streamregistry.h"

namespace Switchboard::Stream {

LinkUpstream::LinkUpstream(const Config &config, Xmpp::Resolver *resolver, ClientStream *owner,
                           const QString &stream, StreamRegistry *registry, Monitor::Hub *hub)
    : m_link(new Xmpp::ServerLink(config, resolver, owner)), m_registry(registry), m_hub(hub),
      m_id(owner->id()), m_stream(stream), m_client(owner->client().address)
{
    QObject::connect(
        m_link, &Xmpp::ServerLink::streamOpened, owner,
        [owner, stream](const Xmpp::StreamHeader &header) { owner->upstreamOpened(stream, header); });
    QObject::connect(m_link, &Xmpp::ServerLink::elementReceived, owner,
                     [owner, stream](const QByteArray &xml) { owner->upstreamElement(stream, xml); });
    QObject::connect(m_link, &Xmpp::ServerLink::streamClosed, owner,
                     [owner, stream] { owner->upstreamClosed(stream); });
    QObject::connect(
        m_link, &Xmpp::ServerLink::failed, owner,
        [owner, stream](Xmpp::LinkFailure failure, const QByteArray &xml, const QString &reason) {
            owner->upstreamFailed(stream, failure, xml, reason);
        });
}

LinkUpstream::~LinkUpstream()
{
    if (m_link) {
        m_link->disconnect();
        m_link->deleteLater();
    }
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

void LinkUpstream::restart(const QString &lang)
{
    if (m_link)
        m_link->restart(lang);
}

void LinkUpstream::send(const QByteArray &xml)
{
    if (m_link)
        m_link->send(xml);
}

void LinkUpstream::close()
{
    if (!m_link)
        return;
    // The link finishes on its own while the client stream goes away: it moves to the registry, which
    // outlives it and counts it until it is gone, bounces what the server still sends before it sees
    // our close (XEP-0206 §7), closes the stream and deletes itself.
    m_link->retire(m_registry, [hub = m_hub, id = m_id, stream = m_stream](const QByteArray &xml) {
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
