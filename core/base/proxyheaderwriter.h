// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHostAddress>

namespace Switchboard {

/// Which PROXY protocol header (HAProxy's "The PROXY protocol", versions 1 and 2) a connection we open
/// starts with: none, the text line (v1) or the binary block (v2).
enum class ProxyProtocolVersion : quint8 { None, V1, V2 };

/// The header that makes the receiver take `source` as the peer of the connection it precedes (the
/// sending side of the spec; Http::ProxyHeaderParser is the receiving side, in core/http: the layers
/// below http, such as the server links, write headers too). A pure function, thread-safe.
///
/// - Both addresses IPv4 (IPv4-mapped IPv6 counts as IPv4): v1 "PROXY TCP4 ...", v2 AF_INET over
///   STREAM. Otherwise both are written as IPv6, an IPv4 one as ::ffff:a.b.c.d (spec §2.1: both
///   addresses of a line are of one family): "PROXY TCP6 ...", v2 AF_INET6.
/// - `source` null (or not an IP address): the spec's "unknown" forms, which tell the receiver to use
///   the connection's real endpoints: v1 "PROXY UNKNOWN\r\n", v2 the LOCAL command with AF_UNSPEC.
/// - None gives an empty array.
QByteArray proxyProtocolHeader(ProxyProtocolVersion version, const QHostAddress &source, quint16 sourcePort,
                               const QHostAddress &destination, quint16 destinationPort);

} // namespace Switchboard
