// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "push/pushrequest.h"

#include <QString>

#include <functional>

namespace Switchboard::Push {

/// How one attempt ended, as seen on the wire.
struct TransportResult
{
    int status = 0;       ///< the HTTP status code; 0 when no response came
    bool refused = false; ///< the target policy refused every address (no connection was made)
    QString error;        ///< why there is no status (network, TLS, timeout, policy)
};

/// Sends push requests. PushDispatcher owns no sockets: it hands each request to a transport, which
/// tests replace with a fake. Called on the dispatcher's thread; `done` must be called exactly once,
/// later (never from inside send()), on the same thread.
class PushTransport
{
public:
    virtual ~PushTransport() = default;
    virtual void send(const PushRequest &request, std::function<void(const TransportResult &)> done) = 0;
};

} // namespace Switchboard::Push
