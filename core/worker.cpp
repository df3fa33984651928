// SPDX-License-Identifier: GPL-3.0-or-later
#include "worker.h"

#include "base/limits.h"
#include "base/plainsocket.h"
#include "base/tsanhandover.h"
#include "bosh/boshendpoint.h"
#include "http/httpserver.h"
#include "monitor/hub.h"
#include "stream/streamdirectory.h"
#include "stream/streamregistry.h"
#include "websocket/websocketfront.h"
#include "xmpp/resolver.h"

#include <QPointer>
#include <QTcpSocket>

#include <algorithm>
#include <atomic>
#include <functional>
#include <utility>

namespace Switchboard {

namespace {

/// The session's side of a BOSH request that arrived on another worker's connection. send() posts the
/// answer to the connection's worker, where the exchange's own Responder writes it (the socket is only
/// touched on its thread, and the connection keeps answers in request order). isAlive() reads a flag
/// the connection's side clears when the client goes; onGone()'s handler runs on the session's thread.
class RelayedResponder final : public Bosh::Responder
{
public:
    /// Made on the connection's thread. `settled` is called there once, when the exchange has its
    /// answer, the client left, or the session dropped the request unanswered.
    RelayedResponder(Bosh::ResponderPtr local, QObject *connectionSide, QObject *sessionSide,
                     std::function<void()> settled)
        : m_state(std::make_shared<State>()), m_connectionSide(connectionSide)
    {
        m_state->local = std::move(local);
        m_state->sessionSide = sessionSide;
        m_state->settled = std::move(settled);
        // On the connection's thread, now: the exchange's abort is told to the session's thread.
        m_state->local->onGone([state = std::weak_ptr<State>(m_state)] {
            const std::shared_ptr<State> alive = state.lock();
            if (!alive)
                return;
            alive->alive.store(false);
            alive->settle();
            TsanHandover::post(alive->sessionSide, [alive] {
                if (const std::function<void()> handler = std::exchange(alive->onGone, {}))
                    handler();
            });
        });
    }
    bool send(int httpStatus, const QByteArray &body) override
    {
        if (!m_state->alive.exchange(false))
            return false;
        TsanHandover::post(m_connectionSide, [state = m_state, httpStatus, body] {
            state->local->send(httpStatus, body);
            state->settle();
        });
        return true;
    }
    ~RelayedResponder() override
    {
        // Dropped by the session without an answer: the exchange waits no more for one. (Once sent,
        // or once the client left, settle() has been or will be called on the connection's side.)
        if (m_state->alive.load() && m_connectionSide)
            TsanHandover::post(m_connectionSide, [state = m_state] { state->settle(); });
    }
    bool isAlive() const override { return m_state->alive.load(); }
    void abandon() override
    {
        if (!m_state->alive.exchange(false))
            return;
        TsanHandover::post(m_connectionSide, [state = m_state] { state->local->abandon(); });
    }
    void onGone(std::function<void()> handler) override { m_state->onGone = std::move(handler); }

private:
    struct State
    {
        std::atomic<bool> alive{true};
        Bosh::ResponderPtr local;       ///< used on the connection's thread only
        QObject *sessionSide = nullptr; ///< the session's worker (outlives its sessions)
        std::function<void()> onGone;   ///< set and called on the session's thread only
        std::function<void()> settled;  ///< called once, on the connection's thread
        bool isSettled = false;         ///< the connection's thread only
        void settle()
        {
            if (std::exchange(isSettled, true))
                return;
            if (settled)
                settled();
        }
    };
    std::shared_ptr<State> m_state;
    QPointer<QObject> m_connectionSide;
};

} // namespace

Worker::Worker(int index, const Shared &shared, QObject *parent)
    : QObject(parent), m_index(index), m_shared(shared)
{
    const Config &config = *shared.config;
    if (index == 0) {
        m_hub = shared.serverHub;
    } else {
        m_ownHub = std::make_unique<Monitor::Hub>();
        m_hub = m_ownHub.get();
        bridgeHub();
    }
    m_resolver = std::make_unique<Xmpp::Resolver>(config);
    m_streams = std::make_unique<Stream::StreamRegistry>();
    if (shared.directory)
        m_streams->setDirectory(shared.directory, index);
    m_bosh = std::make_unique<Bosh::BoshEndpoint>(config, m_resolver.get(), m_hub, m_streams.get());
    m_bosh->setLimits(shared.limits);
    m_bosh->setEndedSessions(shared.endedBosh);
    m_websocket =
        std::make_unique<WebSocket::WebSocketFront>(config, m_resolver.get(), m_hub, m_streams.get());
    m_websocket->setLimits(shared.limits);
    m_http = std::make_unique<Http::HttpServer>(config);
    m_http->setLimits(shared.limits);
    // Several workers listen on one port each (SO_REUSEPORT), unless worker 0 alone accepts for all
    // (worker_accept = acceptor: the Server gives its listeners an Http::Acceptor).
    m_http->setReusePort(shared.directory != nullptr && config.workerAccept != QLatin1String("acceptor"));
    if (shared.directory) {
        m_bosh->setForeignSessions([this](const QString &sid, const Bosh::Body &body,
                                          Bosh::ResponderPtr local, const QHostAddress &peer) {
            const int owner = m_shared.directory->owner(sid);
            if (owner < 0 || owner == m_index || owner >= m_peers.size())
                return false;
            Worker *target = m_peers.at(owner);
            // Until its answer is written here, this worker is not quiet (shutdown waits for it).
            ++m_relayedWaiting;
            auto relayed = std::make_shared<RelayedResponder>(std::move(local), this, target,
                                                              [worker = QPointer<Worker>(this)] {
                                                                  if (worker)
                                                                      --worker->m_relayedWaiting;
                                                              });
            TsanHandover::post(target, [target, body, relayed, peer] {
                target->hub()->countRelayed();
                target->bosh()->handleRelayed(body, relayed, peer);
            });
            return true;
        });
    }
}

Worker::~Worker()
{
    // Sessions first: they talk to the resolver and the hub while closing.
    m_http.reset();
    m_websocket.reset();
    m_bosh.reset();
    m_streams.reset();
}

void Worker::closeHttp()
{
    m_http.reset();
}

void Worker::bridgeHub()
{
    Monitor::Hub *server = m_shared.serverHub;
    Monitor::Hub *own = m_hub;
    // A session's counters go with its sessionOpened; the Server's hub reads them where they are.
    // The info says which worker owns the session (the window's Worker column).
    connect(
        own, &Monitor::Hub::sessionOpened, this, [server, own, index = m_index](Monitor::SessionInfo info) {
            auto counters = std::const_pointer_cast<Monitor::SessionCounters>(own->sharedCounters(info.sid));
            info.worker = index;
            TsanHandover::post(server, [server, info, counters] { server->adoptSession(info, counters); });
        });
    connect(own, &Monitor::Hub::sessionClosed, this, [server](const QString &sid, const QString &condition) {
        TsanHandover::post(server, [server, sid, condition] { server->reportSessionClosed(sid, condition); });
    });
    // The rest as they are; queued, in the order they were emitted (one sender thread, one receiver).
    connect(own, &Monitor::Hub::streamAdded, server, &Monitor::Hub::streamAdded);
    connect(own, &Monitor::Hub::streamRestarted, server, &Monitor::Hub::streamRestarted);
    connect(own, &Monitor::Hub::streamTerminated, server, &Monitor::Hub::streamTerminated);
    connect(own, &Monitor::Hub::backendConnected, server, &Monitor::Hub::backendConnected);
    connect(own, &Monitor::Hub::backendFailed, server, &Monitor::Hub::backendFailed);
    connect(own, &Monitor::Hub::streamBound, server, &Monitor::Hub::streamBound);
    connect(own, &Monitor::Hub::sessionPaused, server, &Monitor::Hub::sessionPaused);
    connect(own, &Monitor::Hub::responseAcknowledged, server, &Monitor::Hub::responseAcknowledged);
    connect(own, &Monitor::Hub::faultApplied, server, &Monitor::Hub::faultApplied);
    connect(own, &Monitor::Hub::noClient, server, &Monitor::Hub::noClient);
    connect(own, &Monitor::Hub::limitRefused, server, &Monitor::Hub::limitRefused);
    // The client lint: on when the Server's hub has a ProblemLog listening; its reports are rare and
    // come after the stanzas they name (same sender, same receiver), so they are always bridged.
    own->followLint(server);
    connect(own, &Monitor::Hub::problemFound, server, &Monitor::Hub::problemFound);
    connect(own, &Monitor::Hub::requestForEndedSession, server, &Monitor::Hub::requestForEndedSession);
    // Stanza copies only while the Server's hub has someone for them (a traffic capture).
    connect(server, &Monitor::Hub::trafficWantedChanged, this, [this, server, own](bool wanted) {
        disconnect(m_trafficBridge);
        if (wanted)
            m_trafficBridge =
                connect(own, &Monitor::Hub::stanzaForwarded, server, &Monitor::Hub::stanzaForwarded);
    });
    server->addWorkerHub(own);
}

bool Worker::isQuiet() const
{
    if (m_streams->count() > 0 || m_streams->closingLinks() > 0)
        return false;
    // A request relayed to another worker's session: its answer may be on its way back here, posted
    // but not yet written, while the owning worker already says it is quiet.
    if (m_relayedWaiting > 0)
        return false;
    if (!m_http)
        return true;
    const QList<QTcpSocket *> sockets = m_http->findChildren<QTcpSocket *>();
    const QList<PlainSocket *> plain = m_http->findChildren<PlainSocket *>();
    return std::all_of(sockets.cbegin(), sockets.cend(),
                       [](const QTcpSocket *socket) { return socket->bytesToWrite() == 0; }) &&
           std::all_of(plain.cbegin(), plain.cend(),
                       [](const PlainSocket *socket) { return socket->bytesToWrite() == 0; });
}

int Worker::closingLinks() const
{
    return m_streams ? m_streams->closingLinks() : 0;
}

} // namespace Switchboard
