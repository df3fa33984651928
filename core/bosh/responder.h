// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

#include <functional>
#include <memory>

namespace Switchboard::Bosh {

/// One HTTP request waiting for its answer, as the session sees it. The real one wraps an
/// Http::Exchange (and JSONP for GET requests); unit tests record what was sent.
class Responder
{
public:
    virtual ~Responder() = default;
    /// Sends the HTTP answer (once). Returns false when the client is gone: the response could not be
    /// written (the session then keeps its payloads for a resend or bounces them later).
    virtual bool send(int httpStatus, const QByteArray &body) = 0;
    /// Whether the HTTP connection is still there.
    virtual bool isAlive() const = 0;
    /// Calls `handler` once if the client's connection closes before send() (its FIN, a reset, or a
    /// failed write). It may run from inside another Responder's send() (a response that closes a
    /// pipelined connection ends the requests behind it), so the handler must only schedule work.
    /// A later call replaces the handler.
    virtual void onGone(std::function<void()> handler) = 0;
    /// Closes the HTTP connection without an answer (the workbench's dropped-response fault: the
    /// client must resend the same rid, XEP-0124 §14.3). Nothing when it is gone already.
    virtual void abandon() {}
};

using ResponderPtr = std::shared_ptr<Responder>;

} // namespace Switchboard::Bosh
