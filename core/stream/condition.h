// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMetaType>
#include <QString>
#include <QStringView>

#include <optional>

namespace Switchboard::Stream {

/// Why a client stream ends: one list for every front. Each front tells its client in its own terms:
/// BOSH as a terminal binding condition (XEP-0124 §17.2), WebSocket as an RFC 6120 §4.9.3 stream error
/// followed by `<close/>` (RFC 7395 §3.6). The first group is the BOSH list; the names are the same
/// words in both specs where both have them.
enum class Condition {
    None, ///< the stream ended normally (the client or the server closed it)
    BadRequest,
    HostGone,
    HostUnknown,
    ImproperAddressing,
    InternalServerError,
    ItemNotFound,
    OtherRequest,
    PolicyViolation,
    RemoteConnectionFailed,
    RemoteStreamError,
    SeeOtherUri,
    SystemShutdown,
    UndefinedCondition,
    // RFC 6120 §4.9.3 stream errors with no BOSH counterpart (WebSocket, REST).
    ConnectionTimeout,
    InvalidNamespace,
    NotAuthorized,
    NotWellFormed,
    UnsupportedEncoding,
    UnsupportedStanzaType,
    UnsupportedVersion,
};

/// The condition's element name ("policy-violation"); empty for None.
QString conditionName(Condition condition);
/// The condition named `name`, if there is one (None is never returned).
std::optional<Condition> conditionFromName(QStringView name);

} // namespace Switchboard::Stream

Q_DECLARE_METATYPE(Switchboard::Stream::Condition)
