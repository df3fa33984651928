// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "stream/upstream.h"
#include "xmpp/serverlink.h"

#include <QHostAddress>
#include <QPointer>

namespace Switchboard::Monitor {
class Hub;
}

namespace Switchboard::Stream {

class ClientStream;
class StreamRegistry;

/// The real Upstream: one Xmpp::ServerLink, which it listens to (Xmpp::ServerLink::Listener: no signal
/// connection per link), fed into the owning stream's UpstreamEvents.
/// The link is a Qt child of the owner while it serves it. close() retires it: it moves to the
/// registry (which outlives every stream and counts the links still closing, for shutdown), bounces
/// what the server sent before it saw our close, reporting each to the hub as Hub::noClient, then
/// deletes itself.
class LinkUpstream final : public Upstream, private Xmpp::ServerLink::Listener
{
public:
    /// `config` and `registry` must outlive the link; `registry` and `hub` may be null (then a retired
    /// link stays under nobody, and deletes itself when done).
    LinkUpstream(const Config &config, Xmpp::Resolver *resolver, ClientStream *owner, const QString &stream,
                 StreamRegistry *registry, Monitor::Hub *hub);
    ~LinkUpstream() override;

    void open(const OpenParams &params) override;
    void restart(const QString &lang, const Xmpp::StreamAttributes &extra) override;
    void send(const QByteArray &xml) override;
    void close() override;
    bool isEncrypted() const override;
    QString peer() const override;
    bool cut() override;

private:
    // The owner may delete this upstream from inside any of these: each passes copies of what it needs.
    void linkOpened(const Xmpp::StreamHeader &header) override;
    void linkElement(const QByteArray &xml) override;
    void linkClosed() override;
    void linkFailed(Xmpp::LinkFailure failure, const QByteArray &streamErrorXml,
                    const QString &reason) override;

    ClientStream *m_owner; ///< owns this upstream (and the link, a Qt child, until close())
    QPointer<Xmpp::ServerLink> m_link;
    StreamRegistry *m_registry = nullptr;
    QPointer<Monitor::Hub> m_hub;
    QString m_stream;
    QHostAddress m_client; ///< the owner's client address, for a route's PROXY protocol header
};

} // namespace Switchboard::Stream
