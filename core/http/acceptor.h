// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QtGlobal>

#include <memory>
#include <vector>

namespace Switchboard::Http {

class HttpServer;

/// One listening socket for every worker (`worker_accept = acceptor`; docs/ARCHITECTURE.md, "Threads").
/// Worker 0's HttpServer hands each connection its listeners accept to handOff() (HttpServer::
/// setHandoff()), which gives the descriptor to the server with the fewest open connections
/// (HttpServer::openConnections(), plus those handed to it and not yet taken); ties go round the
/// servers in turn. The server takes it with HttpServer::takeDescriptor() on its own thread: at once
/// for a server of the accepting thread, else by a queued call carrying the descriptor. Everything
/// after accept() (PROXY header, limits, TLS handshake, HTTP, the WebSocket upgrade) then runs where
/// the connection will live, as if its own listener had accepted it.
///
/// Nothing leaks: a queued call whose server is destroyed before it runs closes the descriptor when
/// Qt drops the call, and a server that is closed (shutting down) closes what reaches it.
///
/// Made and called on the accepting thread. `servers` (one per worker, in worker order) must outlive
/// it, and nothing may call handOff() once any of them is gone: the Server stops accepting first.
class Acceptor final
{
    Q_DISABLE_COPY_MOVE(Acceptor)
public:
    explicit Acceptor(const QList<HttpServer *> &servers);
    ~Acceptor();

    /// Gives an accepted `descriptor` (of the TLS listener when `tls`) to a server; owns it meanwhile.
    void handOff(qintptr descriptor, bool tls);

private:
    struct Target;
    /// The index of the server that takes the next connection.
    qsizetype pick();
    std::vector<std::shared_ptr<Target>> m_targets;
    qsizetype m_next = 0; ///< where the search for the least loaded server starts (ties go round)
};

} // namespace Switchboard::Http
