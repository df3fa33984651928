// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/config.h"

#include <QList>
#include <QObject>

#include <memory>

namespace Switchboard {

class Limits;

namespace Bosh {
class BoshEndpoint;
class EndedSessions;
} // namespace Bosh
namespace Http {
class HttpServer;
}
namespace Monitor {
class Hub;
}
namespace Stream {
class StreamDirectory;
class StreamRegistry;
} // namespace Stream
namespace WebSocket {
class WebSocketFront;
}
namespace Xmpp {
class Resolver;
}

/// One event loop that serves connections (docs/ARCHITECTURE.md, "Threads"): its HTTP listeners and
/// connections, the BOSH and WebSocket sessions it creates, their server links, its resolver and its
/// StreamRegistry. Made, used and destroyed on its own thread; worker 0 is the Server's thread.
///
/// A worker other than 0 has a Hub of its own, whose signals it passes to the Server's hub queued
/// (sessionOpened with the session's counters; stanzaForwarded only while the Server's hub has a
/// listener). A BOSH request for a session another worker owns is relayed to it (the owner found in
/// the StreamDirectory) and answered back here, without waiting.
class Worker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Worker)
public:
    /// What every worker shares; each must outlive the worker. `directory` is null with one worker.
    struct Shared
    {
        const Config *config = nullptr;
        Limits *limits = nullptr;
        Stream::StreamDirectory *directory = nullptr;
        Bosh::EndedSessions *endedBosh = nullptr; ///< every worker's BOSH sessions' ends, kept a while
        Monitor::Hub *serverHub = nullptr;
    };
    /// Worker 0 reports to the Server's hub itself; the others make their own.
    Worker(int index, const Shared &shared, QObject *parent = nullptr);
    ~Worker() override;

    int index() const { return m_index; }
    Monitor::Hub *hub() const { return m_hub; }
    Xmpp::Resolver *resolver() const { return m_resolver.get(); }
    Stream::StreamRegistry *streams() const { return m_streams.get(); }
    Http::HttpServer *http() const { return m_http.get(); }
    Bosh::BoshEndpoint *bosh() const { return m_bosh.get(); }
    WebSocket::WebSocketFront *websocket() const { return m_websocket.get(); }

    /// Every worker of the Server, by index, for relaying; set once, before any connection.
    void setPeers(const QList<Worker *> &peers) { m_peers = peers; }
    /// Closes every HTTP connection of this worker at once (the first step of its destruction).
    void closeHttp();
    /// No stream, no server link closing, no HTTP output waiting, and no request of this worker's
    /// connections relayed to another worker still waiting for its answer to be written here.
    bool isQuiet() const;
    /// Server links of this worker still closing; may be read from any thread.
    int closingLinks() const;

private:
    void bridgeHub();
    const int m_index;
    const Shared m_shared;
    std::unique_ptr<Monitor::Hub> m_ownHub; ///< workers other than 0
    Monitor::Hub *m_hub = nullptr;
    QList<Worker *> m_peers;
    /// Requests of this worker's connections relayed to another worker whose answer has not been
    /// written here yet, nor their client gone (this thread only).
    int m_relayedWaiting = 0;
    QMetaObject::Connection m_trafficBridge;
    std::unique_ptr<Xmpp::Resolver> m_resolver;
    std::unique_ptr<Stream::StreamRegistry> m_streams;
    std::unique_ptr<Http::HttpServer> m_http;
    std::unique_ptr<Bosh::BoshEndpoint> m_bosh;
    std::unique_ptr<WebSocket::WebSocketFront> m_websocket;
};

} // namespace Switchboard
