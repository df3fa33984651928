// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "http/httpmessage.h"
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
/// Operations it is given (the Server's, which reach the session's worker). Plain value object; call it
/// on the thread where the operations may run (the Server's).
class AdminApi
{
public:
    struct Operations
    {
        /// Applies a fault to session `id`; false with `error` set. `found` tells an unknown session.
        std::function<bool(const QString &id, const Stream::FaultRequest &request, bool *found,
                           QString *error)>
            apply;
        /// Undo: ends every fault of session `id`; false for an unknown session.
        std::function<bool(const QString &id)> clear;
        /// The faults in force in session `id`; nothing for an unknown session.
        std::function<std::optional<QJsonObject>(const QString &id)> state;
        /// Sets the breakpoint of session `id`; false with `error` set, `found` false when unknown.
        std::function<bool(const QString &id, const Stream::BreakpointFilter &filter, bool *found,
                           QString *error)>
            setBreakpoint;
        /// Removes the breakpoint of session `id` (held stanzas go on); false for an unknown session.
        std::function<bool(const QString &id)> clearBreakpoint;
        /// The breakpoint and held stanzas of session `id`; nothing for an unknown session.
        std::function<std::optional<QJsonObject>(const QString &id)> breakpointState;
        /// Sets (or, with nothing, removes) the breakpoint for all sessions.
        std::function<void(const std::optional<Stream::BreakpointFilter> &filter)> setBreakpointForAll;
        /// The breakpoint for all sessions, if any.
        std::function<std::optional<Stream::BreakpointFilter>()> breakpointForAll;
        /// Forwards, edits then forwards, or drops held stanza `heldId` of session `id`. Returns the
        /// HTTP status: 200 done; else `error` set and 400 (the edited XML is not one stanza), 404 (no
        /// such session) or 409 (no such held stanza, or not one to act on).
        std::function<int(const QString &id, int heldId, Stream::Breakpoints::Action action,
                          const QByteArray &xml, QString *error)>
            actOnHeld;
    };

    static constexpr QByteArrayView kPrefix = "/admin";
    static constexpr int kMaxBody = 4096;       ///< a fault or a breakpoint is a small JSON object
    static constexpr int kMaxHeldBody = 262144; ///< an edited stanza, in JSON

    AdminApi(QString token, Operations operations);

    /// Whether `path` is the API's: /admin or anything under /admin/.
    static bool matches(QByteArrayView path);
    bool isEnabled() const { return !m_token.isEmpty(); }
    /// Whether `authorization` (the header's value) carries the token.
    bool authorized(QByteArrayView authorization) const;
    /// The answer to one request under matches().
    Http::Response handle(const QByteArray &method, const QByteArray &path, QByteArrayView authorization,
                          const QByteArray &body) const;

private:
    Http::Response handleBreakpointForAll(const QByteArray &method, const QByteArray &body) const;
    Http::Response handleBreakpoint(const QByteArray &method, const QString &id,
                                    const QByteArray &body) const;
    Http::Response handleHeld(const QByteArray &method, const QString &id, const QByteArray &number,
                              const QByteArray &body) const;
    static Http::Response notAllowed();

    QByteArray m_token;
    Operations m_ops;
};

} // namespace Switchboard
