// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "xmpp/resolver.h"
#include "xmpp/serverlink.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace Switchboard::Stream {

/// What a client stream needs from the XMPP server side of one stream. The real one is a LinkUpstream
/// over an Xmpp::ServerLink; unit tests use a recording fake. Events come back through
/// UpstreamEvents, from the event loop, never synchronously from inside these calls.
class Upstream
{
public:
    struct OpenParams
    {
        QString domain;
        QString lang;
        QString from;
        std::optional<Xmpp::Target> route;
    };
    virtual ~Upstream() = default;
    virtual void open(const OpenParams &params) = 0;
    /// A new stream header after SASL; `extra` attributes go on it (names checked by the caller).
    virtual void restart(const QString &lang, const Xmpp::StreamAttributes &extra) = 0;
    virtual void send(const QByteArray &xml) = 0;
    /// Closes the stream to the server and lets go of the connection; what the server still sends to
    /// a client that is gone is bounced (ServerLink::retire). No event follows.
    virtual void close() = 0;
    virtual bool isEncrypted() const = 0;
    virtual QString peer() const = 0;
    /// Ends the server connection as if the server had crashed: upstreamFailed() follows from the
    /// event loop (a fault on demand). False when there is no connection to cut.
    virtual bool cut() { return false; }
};

/// Where an Upstream's events go: the client stream that owns it. `stream` names the stream within
/// the client session (BOSH sessions may carry several, XEP-0124 §16; other fronts have one).
class UpstreamEvents
{
public:
    virtual ~UpstreamEvents() = default;
    /// The server answered the stream header (again after each restart).
    virtual void upstreamOpened(const QString &stream, const Xmpp::StreamHeader &header) = 0;
    /// One complete, standalone top-level element from the server.
    virtual void upstreamElement(const QString &stream, const QByteArray &xml) = 0;
    /// The server ended its stream.
    virtual void upstreamClosed(const QString &stream) = 0;
    /// The link failed; `streamErrorXml` is the server's <stream:error/> for RemoteStreamError (and
    /// empty when it came before TLS: the client must not read an unauthenticated peer's words).
    virtual void upstreamFailed(const QString &stream, Xmpp::LinkFailure failure,
                                const QByteArray &streamErrorXml, const QString &reason = {}) = 0;
};

} // namespace Switchboard::Stream
