// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "http/httpmessage.h"
#include "sessionanswer.h"
#include "stream/breakpoints.h"
#include "stream/faults.h"

#include <QJsonObject>
#include <QString>

#include <functional>
#include <optional>

namespace Switchboard {

/// The admin HTTP API under /admin/ (docs/ADMIN.md): faults on demand and breakpoints for one session. Off —
/// 404 for every path under /admin/, as for any unknown path — unless `admin_token` is set; then every call
/// must carry `Authorization: Bearer <token>` (compared in constant time), else 401 with
/// `WWW-Authenticate: Bearer` (RFC 6750 §3), whatever the client's address.
///
/// It knows no sockets and no sessions: handle() turns one request into one response through the
/// Operations it is given (the Server's, which reach the session's worker and answer later). Plain
/// value object; call it on the thread where the operations run and answer (the Server's).
class AdminApi
{
public:
    /// Each operation calls its `done` once with the session's answer, now or later, on the thread it
    /// was called on (Server::applyFault() and the rest never call it before they return).
    struct Operations
    {
        /// Applies a fault to session `id` (`state`: its faults now).
        std::function<void(const QString &id, const Stream::FaultRequest &request, SessionDone done)> apply;
        /// Undo: ends every fault of session `id` (`state`: its faults now).
        std::function<void(const QString &id, SessionDone done)> clear;
        /// The faults in force in session `id`.
        std::function<void(const QString &id, SessionDone done)> state;
        /// Sets the breakpoint of session `id` (`state`: its breakpoint and held stanzas).
        std::function<void(const QString &id, const Stream::BreakpointFilter &filter, SessionDone done)>
            setBreakpoint;
        /// Removes the breakpoint of session `id` (held stanzas go on).
        std::function<void(const QString &id, SessionDone done)> clearBreakpoint;
        /// The breakpoint and held stanzas of session `id`.
        std::function<void(const QString &id, SessionDone done)> breakpointState;
        /// Sets (or, with nothing, removes) the breakpoint for all sessions; `done(true)` once every
        /// worker has it, or `done(false)` when one did not answer in time (SessionAnswer::kDeadlineMs).
        std::function<void(const std::optional<Stream::BreakpointFilter> &filter,
                           std::function<void(bool everyWorker)> done)>
            setBreakpointForAll;
        /// The breakpoint for all sessions, if any (known at once).
        std::function<std::optional<Stream::BreakpointFilter>()> breakpointForAll;
        /// Forwards, edits then forwards, or drops held stanza `heldId` of session `id`.
        std::function<void(const QString &id, int heldId, Stream::Breakpoints::Action action,
                           const QByteArray &xml, SessionDone done)>
            actOnHeld;
    };
    /// Takes the one response to a request, now or later.
    using Reply = std::function<void(Http::Response response)>;

    static constexpr QByteArrayView kPrefix = "/admin";
    static constexpr int kMaxBody = 4096;       ///< a fault or a breakpoint is a small JSON object
    static constexpr int kMaxHeldBody = 262144; ///< an edited stanza, in JSON

    AdminApi(QString token, Operations operations);

    /// Whether `path` is the API's: /admin or anything under /admin/.
    static bool matches(QByteArrayView path);
    bool isEnabled() const { return !m_token.isEmpty(); }
    /// Whether `authorization` (the header's value) carries the token.
    bool authorized(QByteArrayView authorization) const;
    /// Answers one request under matches(): `reply` is called once, before this returns for what needs
    /// no session (refusals, the breakpoint for all sessions read), else when the operation answered.
    /// The API must outlive the operations' answers (the Server's are dropped with the Server).
    void handle(const QByteArray &method, const QByteArray &path, QByteArrayView authorization,
                const QByteArray &body, Reply reply) const;
    /// The answer when the session's worker (or, `everyWorker`, one of the workers asked to set the
    /// breakpoint for all sessions) has not answered within SessionAnswer::kDeadlineMs: 503 with
    /// Retry-After, saying that the call may still take effect.
    static Http::Response noAnswer(bool everyWorker = false);

private:
    void handleFaults(const QByteArray &method, const QString &id, const QByteArray &body, Reply reply) const;
    void handleBreakpointForAll(const QByteArray &method, const QByteArray &body, Reply reply) const;
    void handleBreakpoint(const QByteArray &method, const QString &id, const QByteArray &body,
                          Reply reply) const;
    void handleHeld(const QByteArray &method, const QString &id, const QByteArray &number,
                    const QByteArray &body, Reply reply) const;
    /// The filter a POST carries; else (another method, a body that is not a filter) nothing, and
    /// the refusal went to `reply`.
    static std::optional<Stream::BreakpointFilter> postedFilter(const QByteArray &method,
                                                                const QByteArray &body, const Reply &reply);
    /// The JSON object in a request body of at most `maxBody` bytes; else nothing, and the refusal
    /// went to `reply`: 413 for a larger body (naming `what`, e.g. "a fault"), 400 for anything but
    /// one JSON object.
    static std::optional<QJsonObject> postedObject(const QByteArray &body, qsizetype maxBody,
                                                   const QString &what, const Reply &reply);
    static Http::Response notAllowed();

    QByteArray m_token;
    Operations m_ops;
};

} // namespace Switchboard
