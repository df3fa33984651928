// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/config.h"
#include "base/limits.h"
#include "monitor/hub.h"
#include "monitor/sessionlint.h"
#include "stream/breakpoints.h"
#include "stream/condition.h"
#include "stream/faults.h"
#include "stream/upstream.h"

#include <QHostAddress>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace Switchboard::Stream {

class OwnedStreams;
class StreamRegistry;

/// One client-side XMPP stream, whatever carries it: a BOSH session, a WebSocket connection, a REST
/// session. It owns the server side of its stream(s) (Upstream, normally a LinkUpstream over an
/// Xmpp::ServerLink) and hands complete stanzas between the two.
///
/// This class holds the lifecycle every front shares, so no front writes it again:
/// - admission against the session limits, released when the stream finishes;
/// - reporting to the hub: opened, stanzas and bytes each way with the traffic tap, the bound JID,
///   server-link failures mapped to one Condition, closed;
/// - making upstreams (the factory, so tests can put in a fake) and retiring them with bounce;
/// - finished(), once.
/// A front adds its transport: how stanzas reach the client, and how the client learns a Condition.
///
/// Lives in the thread of its front; signals fire there. The front owns the object and deletes it
/// (deleteLater) after finished(), which may fire from inside any call.
class ClientStream : public QObject, public UpstreamEvents
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientStream)
public:
    /// What the front knows of the client when the stream starts.
    struct Client
    {
        QString id; ///< BOSH sid, WebSocket stream id, REST session id: unpredictable, unique
        Monitor::Transport transport = Monitor::Transport::Bosh;
        QHostAddress address;
        QString userAgent;
        bool secure = false; ///< the client reached us over TLS
    };
    /// Makes the server side of stream `stream` of `owner`.
    using UpstreamFactory =
        std::function<std::unique_ptr<Upstream>(ClientStream *owner, const QString &stream)>;

    /// `config` must outlive the stream; `hub` and `limits` may be null.
    ClientStream(const Config &config, Client client, UpstreamFactory factory, Monitor::Hub *hub,
                 Limits *limits, QObject *parent = nullptr);
    ClientStream(Config &&, Client, UpstreamFactory, Monitor::Hub *, Limits *, QObject * = nullptr) = delete;
    ~ClientStream() override;

    const QString &id() const { return m_client.id; }
    const Client &client() const { return m_client; }
    bool isFinished() const { return m_finished; }

    /// Ends the stream from our side (operator, shutdown, a limit). The client learns `condition` in its
    /// transport's terms; for SeeOtherUri, `text` is the URI to go to.
    virtual void terminate(Condition condition, const QString &text = {}) = 0;
    /// Workbench action: one stanza toward the server (as if the client had sent it) or toward the
    /// client (as if the server had), counted and recorded like any other. False when no stream is open.
    virtual bool inject(Monitor::Direction direction, const QByteArray &xml) = 0;
    /// Fires the deadlines that have passed (wait, inactivity, keepalive...). Called by the owner on
    /// its coarse timer (OwnedStreams).
    virtual void checkTimers() = 0;

    /// Workbench: puts a fault into this stream (docs/ADMIN.md). Delay, hold, reorder and IQ errors
    /// work on the fronts with fault hooks (BOSH, WebSocket), a dropped response only on BOSH; cut-link
    /// and terminate act at once, on every front. False with `error` set when this stream cannot take
    /// it (not that front, no server link, already over).
    bool applyFault(const FaultRequest &request, QString *error = nullptr);
    /// Undo: every fault of this stream ends; what they kept goes to the client in order.
    void clearFaults();
    /// The faults in force (empty without any).
    QJsonObject faultState() const;

    /// Workbench: sets this stream's breakpoint (docs/ADMIN.md), replacing any. BOSH and WebSocket
    /// only; false with `error` set otherwise, or when the stream is over.
    bool setBreakpoint(const BreakpointFilter &filter, QString *error = nullptr);
    /// Removes the breakpoint; what it holds goes on unchanged, in order.
    void clearBreakpoint();
    /// The breakpoint and the stanzas it holds: {"breakpoint": {...}, "held": [...]}.
    QJsonObject breakpointState() const;
    /// The operator's decision on held stanza `heldId`; `xml` (for Edit) is one checked stanza.
    bool actOnHeld(int heldId, Breakpoints::Action action, const QByteArray &xml, QString *error = nullptr);

    /// The condition a server-link failure ends a client stream with.
    static Condition conditionFor(Xmpp::LinkFailure failure);

Q_SIGNALS:
    /// The stream is over (terminated, timed out, failed, closed by either side). Emitted once; the
    /// hub has been told and the admission released.
    void finished(const QString &id, Switchboard::Stream::Condition condition);

protected:
    /// Counts this stream against the session limits. Returns the limit that refuses it (already
    /// reported), or nothing; an admitted stream is released in finishStream().
    std::optional<Limits::Limit> admit();
    /// Reports a refusal by `limit` for this client (when there are limits).
    void refused(Limits::Limit limit);
    std::unique_ptr<Upstream> makeUpstream(const QString &stream);

    /// Tells the hub the session exists (once), for `domain`; a non-empty `userAgent` replaces the one
    /// the front saw (a BOSH client may name itself in its session request).
    void reportOpened(const QString &domain, const QString &userAgent = {});
    bool isReported() const { return m_reported; }
    Monitor::Hub *hub() const { return m_hub; }
    /// The hub's counters for this session, for the front's own ones (requests, held); null until
    /// reported, and without a hub.
    Monitor::SessionCounters *counters() const { return m_counters.get(); }
    /// Gives the stream its client lint when lint runs (Monitor::Hub::wantsLint()); called once by the
    /// front as the stream starts, with the front's clock. Without it lint() stays null.
    void startLint(Monitor::SessionLint::Clock clock);
    /// The stream's lint, or null (lint off when the stream started): fronts report to it under
    /// `if (lint())`, which is all the lint costs when nobody listens.
    Monitor::SessionLint *lint() const { return m_lint.get(); }
    /// Counts one stanza forwarded on `stream` and gives it to the traffic tap when someone listens.
    void forwarded(const QString &stream, Monitor::Direction direction, const QByteArray &xml);
    // Breakpoint hooks for the fronts, before the fault hooks: a null check while no breakpoint was
    // ever set.
    /// A stanza either way: true when the breakpoint holds it; it comes back through upstreamElement()
    /// (toward the client) or deliverToServer() (toward the server) when it goes on.
    bool breakpointHolds(const QString &stream, Monitor::Direction direction, const QByteArray &xml)
    {
        return m_breakpoints && m_breakpoints->hold(stream, direction, xml);
    }
    /// How many stanzas the breakpoint holds toward the client.
    int heldByBreakpoint() const { return m_breakpoints ? m_breakpoints->heldToClient() : 0; }
    /// The front sends one stanza a breakpoint let go toward the server, as if the client had just
    /// sent it (counted, recorded, subject to faults).
    virtual void deliverToServer(const QString &stream, const QByteArray &xml)
    {
        Q_UNUSED(stream)
        Q_UNUSED(xml)
    }
    // Fault hooks for the fronts: a null check while no fault was ever applied.
    /// A stanza from the server on its way to the client: true when a fault keeps it; it comes back
    /// through upstreamElement() when due.
    bool faultKeeps(const QString &stream, const QByteArray &xml)
    {
        return m_faults && m_faults->take(stream, xml);
    }
    /// A stanza from the client: true when a fault answers it instead of the server (not forwarded).
    bool faultAnswers(const QString &stream, const QByteArray &xml)
    {
        return m_faults && m_faults->answersIq(stream, xml);
    }
    bool hasFaults() const { return m_faults; }
    bool hasBreakpoint() const { return m_breakpoints; }
    /// Before the stream ends: what faults keep goes toward the client now (delivered, or bounced
    /// with the rest), never lost.
    void releaseFaults()
    {
        // A breakpoint's held stanzas are younger than what faults keep: into the faults, then out.
        if (m_breakpoints)
            m_breakpoints->releaseNow();
        if (m_faults)
            m_faults->releaseNow();
    }
    /// When the stream ends without its client: what faults keep, to be bounced with the rest.
    /// Also takes what a breakpoint holds toward the client (after them: it is younger).
    QList<QPair<QString, QByteArray>> takeKeptByFaults()
    {
        QList<QPair<QString, QByteArray>> kept =
            m_faults ? m_faults->takeKept() : QList<QPair<QString, QByteArray>>();
        if (m_breakpoints)
            kept.append(m_breakpoints->takeHeldToClient());
        return kept;
    }
    /// A BOSH response with `rid` about to be sent: true when it is to be dropped.
    bool faultDropsResponse(qint64 rid) { return m_faults && m_faults->dropsResponse(rid); }
    /// Tells the traffic view where a fault took effect.
    void noteFault(const QString &stream, bool toClient, const QString &text);
    /// The front's part of the faults: whether it can drop responses (BOSH), and cutting its server
    /// links as if the server crashed (false when there is none).
    virtual bool canDropResponses() const { return false; }
    /// Whether the front calls faultKeeps() and faultAnswers() (BOSH and WebSocket do).
    virtual bool hasFaultHooks() const { return false; }
    virtual bool cutUpstreams() { return false; }

    /// After a (re)start: the next few server stanzas are checked for the bind result.
    static constexpr int kBindWatch = 8; ///< RFC 6120 §7: the bind result is among the first stanzas
    /// Reports the bound JID if `xml` carries it while `watch` lasts.
    void checkBind(int &watch, const QString &stream, const QByteArray &xml);
    /// Reports a link failure of `stream` to the hub and returns the condition it ends the stream with.
    Condition linkFailed(const QString &stream, Xmpp::LinkFailure failure, bool wasOpen);
    /// Ends the stream: hub, admission, finished(). Once; later calls do nothing.
    void finishStream(Condition condition, const QString &reason);

    const Config &m_config;

private:
    friend class StreamRegistry;
    friend class OwnedStreams;
    /// Tells the registry the stream is gone (once).
    void leaveRegistry();

    Client m_client;
    UpstreamFactory m_factory;
    StreamRegistry *m_registry = nullptr; ///< set by StreamRegistry::add(), cleared when it goes first
    OwnedStreams *m_owner = nullptr;      ///< set by OwnedStreams::adopt(), cleared when it goes first
    Monitor::Hub *m_hub = nullptr;
    Limits *m_limits = nullptr;
    std::shared_ptr<Monitor::SessionCounters> m_counters; ///< the hub's, bumped here
    Faults *m_faults = nullptr;                           ///< a Qt child, made by the first applyFault()
    std::unique_ptr<Monitor::SessionLint> m_lint;         ///< null unless lint ran when we started
    Breakpoints *m_breakpoints = nullptr;                 ///< a Qt child, made by the first setBreakpoint()
    bool m_admitted = false;
    bool m_reported = false;
    bool m_finished = false;
};

} // namespace Switchboard::Stream
