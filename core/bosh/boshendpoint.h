// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/config.h"
#include "bosh/boshsession.h"
#include "monitor/hub.h"

#include <QElapsedTimer>
#include <QObject>

namespace Switchboard {
class Limits;
}
namespace Switchboard::Http {
class Exchange;
}
namespace Switchboard::Stream {
class OwnedStreams;
class StreamRegistry;
} // namespace Switchboard::Stream
namespace Switchboard::Xmpp {
class Resolver;
}

namespace Switchboard::Bosh {

/// The BOSH front: turns HTTP requests at the BOSH path into session calls (POST bodies, and GET with
/// `data=` plus JSONP `callback=`, XEP-0252), owns every BoshSession (each a Stream::ClientStream in
/// the server's StreamRegistry), gives each stream a LinkUpstream, and drives the sessions' timers from
/// one coarse timer (no QTimer per request).
class BoshEndpoint final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BoshEndpoint)
public:
    /// New sessions are added to `registry` (which must outlive this object), and drain follows it.
    /// `config` must outlive this object and the server links its sessions retire into the registry.
    BoshEndpoint(const Config &config, Xmpp::Resolver *resolver, Monitor::Hub *hub,
                 Stream::StreamRegistry *registry, QObject *parent = nullptr);
    ~BoshEndpoint() override;

    /// Answers one HTTP request addressed to the BOSH path (now or later).
    void handle(Http::Exchange *exchange);
    int sessionCount() const;
    /// Session admission (max_sessions, per address, per minute) and refusal reporting; may be null.
    /// Must outlive this object.
    void setLimits(Limits *limits) { m_limits = limits; }

    /// With several workers (docs/ARCHITECTURE.md, "Threads"): asked when a request names a `sid` this
    /// worker's registry does not hold, with the parsed body and the Responder of its exchange. Returns
    /// true when it took the request (relayed it to the worker that owns the session), false to answer
    /// item-not-found here.
    using ForeignSessions = std::function<bool(const QString &sid, const Body &body, ResponderPtr responder,
                                               const QHostAddress &peer)>;
    void setForeignSessions(ForeignSessions hook) { m_foreignSessions = std::move(hook); }
    /// Where sessions keep the ends they chose for their late requests (the Server's, shared by its
    /// workers; must outlive this endpoint). Without it a late request gets item-not-found.
    void setEndedSessions(EndedSessions *ended) { m_ended = ended; }
    /// A request another worker relayed for one of this worker's sessions: answered through `responder`
    /// as a request on this worker would be (item-not-found when the session is gone meanwhile).
    void handleRelayed(const Body &body, ResponderPtr responder, const QHostAddress &peer);

    /// How often session timers are checked; answers to `wait` are late by at most this much.
    static constexpr int kTickMs = 250;

private:
    void handleBody(const QByteArray &data, Http::Exchange *exchange, const QByteArray &callback);
    void createSession(const Body &body, Http::Exchange *exchange, const QByteArray &callback);
    /// The checks of a request for an existing session (null: unknown), then the session takes it.
    void deliver(BoshSession *session, const Body &body, ResponderPtr responder, const QHostAddress &peer);
    QString newSid() const;
    BoshSession *findSession(const QString &sid) const;

    const Config &m_config; ///< the Server's, which outlives this endpoint and every link it made
    Xmpp::Resolver *m_resolver = nullptr;
    Monitor::Hub *m_hub = nullptr;
    Stream::StreamRegistry *m_registry = nullptr;
    Stream::OwnedStreams *m_sessions; ///< owns and ticks the sessions; lookups go through the registry
    /// The sessions' coalescing timer; a child made after m_sessions, so deleted after the sessions.
    Coalescer *m_coalescer;
    Limits *m_limits = nullptr;
    ForeignSessions m_foreignSessions;
    EndedSessions *m_ended = nullptr;
    QElapsedTimer m_clock;
};

} // namespace Switchboard::Bosh
