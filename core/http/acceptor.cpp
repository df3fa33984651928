// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/acceptor.h"

#include "base/tsanhandover.h"
#include "http/httpserver.h"

#include <QThread>

#include <atomic>
#include <utility>

#include <unistd.h>

namespace Switchboard::Http {

struct Acceptor::Target
{
    HttpServer *server = nullptr;
    /// Handed to the server and not yet taken (decremented on the server's thread, or wherever Qt
    /// drops an undelivered call).
    std::atomic<int> inFlight{0};
};

namespace {

/// An accepted descriptor on its way to a server's thread. Whoever destroys it without take() (Qt
/// dropping the queued call: its server was destroyed first) closes the descriptor.
class HandedDescriptor
{
public:
    HandedDescriptor(qintptr descriptor, std::shared_ptr<std::atomic<int>> inFlight)
        : m_descriptor(descriptor), m_inFlight(std::move(inFlight))
    {
        m_inFlight->fetch_add(1, std::memory_order_relaxed);
    }
    ~HandedDescriptor()
    {
        if (m_descriptor < 0)
            return;
        ::close(int(m_descriptor));
        m_inFlight->fetch_sub(1, std::memory_order_relaxed);
    }
    Q_DISABLE_COPY_MOVE(HandedDescriptor)
    /// On the server's thread, just before the server counts the connection as its own.
    qintptr take()
    {
        m_inFlight->fetch_sub(1, std::memory_order_relaxed);
        return std::exchange(m_descriptor, -1);
    }

private:
    qintptr m_descriptor;
    std::shared_ptr<std::atomic<int>> m_inFlight;
};

} // namespace

Acceptor::Acceptor(const QList<HttpServer *> &servers)
{
    m_targets.reserve(size_t(servers.size()));
    for (HttpServer *server : servers) {
        auto target = std::make_shared<Target>();
        target->server = server;
        m_targets.push_back(std::move(target));
    }
}

Acceptor::~Acceptor() = default;

qsizetype Acceptor::pick()
{
    const auto count = qsizetype(m_targets.size());
    qsizetype best = m_next % count;
    int bestLoad = -1;
    for (qsizetype i = 0; i < count; ++i) {
        const qsizetype at = (m_next + i) % count;
        const Target &target = *m_targets[size_t(at)];
        const int load = target.server->openConnections() + target.inFlight.load(std::memory_order_relaxed);
        if (bestLoad < 0 || load < bestLoad) {
            best = at;
            bestLoad = load;
        }
    }
    m_next = (best + 1) % count;
    return best;
}

void Acceptor::handOff(qintptr descriptor, bool tls)
{
    if (m_targets.empty()) {
        ::close(int(descriptor));
        return;
    }
    const std::shared_ptr<Target> &target = m_targets[size_t(pick())];
    HttpServer *server = target->server;
    if (server->thread() == QThread::currentThread()) {
        server->takeDescriptor(descriptor, tls);
        return;
    }
    // The in-flight count lives as long as the call does (the aliasing constructor shares the Target).
    auto handed = std::make_shared<HandedDescriptor>(
        descriptor, std::shared_ptr<std::atomic<int>>(target, &target->inFlight));
    TsanHandover::post(server, [server, handed, tls] { server->takeDescriptor(handed->take(), tls); });
}

} // namespace Switchboard::Http
