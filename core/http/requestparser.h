// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "http/httpmessage.h"

#include <QByteArrayView>
#include <QList>

namespace Switchboard {
struct Config;
}

namespace Switchboard::Http {

/// What parseRequests() made of a byte stream.
struct ParsedRequests
{
    QList<Request> requests; ///< complete requests, in order
    int refusedStatus = 0;   ///< non-zero: the stream was refused with this status (400, 413, 431, 505...)
    QByteArray refusedReason;
    bool incomplete = false; ///< the bytes ended inside a request
};

/// Runs the connection's request parser and limits (max_data_held, max_header_size, max_header_count,
/// framing checks) over `data` as if it arrived on one connection, without a socket: the same code
/// Connection uses, for the fuzzer and unit tests. Stops at the first refusal, as a connection would.
ParsedRequests parseRequests(QByteArrayView data, const Config &config);

} // namespace Switchboard::Http
