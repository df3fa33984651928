// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "http/httpmessage.h"
#include "stream/faults.h"

#include <QJsonObject>
#include <QString>

#include <functional>
#include <optional>

namespace Switchboard {

/// The admin HTTP API under /admin/ (docs/ADMIN.md): faults on demand for one session. Off — 404 for
/// every path under /admin/, as for any unknown path — unless `admin_token` is set; then every call
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
    };

    static constexpr QByteArrayView kPrefix = "/admin";
    static constexpr int kMaxBody = 4096; ///< a fault is a small JSON object

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
    QByteArray m_token;
    Operations m_ops;
};

} // namespace Switchboard
