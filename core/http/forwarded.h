// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "http/httpmessage.h"

#include <QByteArray>
#include <QHostAddress>

namespace Switchboard {
class AddressRanges;
}

namespace Switchboard::Http {

/// Which request header names the clients of trusted proxies (`forwarded_header`).
enum class ForwardedHeader {
    XForwardedFor, ///< X-Forwarded-For: a comma-separated list of addresses, the nearest hop last
    Forwarded,     ///< Forwarded (RFC 7239): the `for` parameter of each forwarded-element
    None,          ///< no header is believed (the PROXY protocol alone names clients)
};

/// The client a request came from, as far as the trusted proxies tell.
struct ClientAddress
{
    bool ok = true; ///< false: the header part that had to be read is malformed (see `error`)
    QHostAddress address = nullHostAddress();
    quint16 port = 0; ///< 0 when the hop that named the client gave no port
    QByteArray error;
};

/// Finds the client of a request that arrived from `hop` (the TCP peer, or the source named by a PROXY
/// protocol header): while the address in hand is one of `trusted`, the next address to the left in the
/// chosen header is taken (each proxy appends the address it received the request from, so the list
/// reads client, proxy 1, proxy 2...). The first address that is not trusted is the client; the
/// addresses left of it were written by parties that are not trusted and are never read. When every
/// address is trusted, the left-most one is the client.
///
/// Several header lines count as one list in order (RFC 9110 §5.3); empty list elements are skipped.
/// X-Forwarded-For items are IPv4, IPv6, [IPv6], IPv4:port or [IPv6]:port. Forwarded follows RFC 7239
/// §4 and §6: `for=` takes a token or a quoted string with IPv4[:port] or "[IPv6][:port]".
///
/// An element that names no address (X-Forwarded-For `unknown`, Forwarded `for=unknown`, an obfuscated
/// identifier such as `for=_hidden` (RFC 7239 §6.3), or a forwarded-element without `for`) stops the
/// walk: the trusted proxy that wrote it is the client's address then, since nothing further left can
/// be believed. A malformed element reached by the walk makes the result not ok, and so does an
/// unterminated quoted string anywhere in Forwarded.
ClientAddress findClientAddress(const QHostAddress &hop, quint16 hopPort, const HeaderList &headers,
                                ForwardedHeader which, const AddressRanges &trusted);

} // namespace Switchboard::Http
