// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "rest/credentials.h"
#include "rest/restevent.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>
#include <vector>

namespace Switchboard::Rest {

/// What a REST session is, as the session store keeps it over a graceful restart (docs/REST.md "When
/// Switchboard restarts"): enough to take the same session up again with the same id and token, log it
/// in again without its client and hand the client exactly the events it has not acknowledged.
///
/// Never the bearer token itself: only its SHA-256, compared in constant time. A plain value type, no
/// thread ties; the Credentials in it wipe their secrets when it goes.
struct SessionSnapshot
{
    QString id;
    QByteArray tokenHash; ///< SHA-256 of the bearer token (tokenHashOf)
    QString jid;          ///< bare JID
    QString resource;     ///< the resource bound, bound again on restore
    /// The presence sent after logging in ({show, status, priority}); nullopt: none.
    std::optional<QJsonObject> presence;
    Credentials credentials;
    QJsonObject push;        ///< the push target as its owner keeps it; empty: none. Opaque here
    qint64 nextSeq = 1;      ///< the seq the next event gets
    qint64 acknowledged = 0; ///< the highest `after` the client passed
    qint64 refused = 0;      ///< stanzas refused at a full queue so far
    /// The session has ended (its log-in again was refused): only its events are left, to be read once.
    bool ended = false;
    std::vector<Event> events; ///< unacknowledged, in seq order

    /// SHA-256 of a bearer token, as tokenHash holds it.
    static QByteArray tokenHashOf(QByteArrayView token);
};

} // namespace Switchboard::Rest
