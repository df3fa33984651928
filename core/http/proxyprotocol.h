// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>

namespace Switchboard::Http {

/// What a PROXY protocol header says about the connection it precedes (HAProxy's "The PROXY protocol",
/// versions 1 and 2).
struct ProxyHeader
{
    int version = 0; ///< 1 (text) or 2 (binary)
    /// True when the header names the original TCP connection (v1 TCP4/TCP6, v2 PROXY command with an
    /// INET/INET6 family over STREAM). False for a v2 LOCAL command (the proxy's own connection, e.g. a
    /// health check), v1 UNKNOWN and v2 unspecified or UNIX families: the spec tells the receiver to
    /// use the connection's real endpoints then.
    bool proxied = false;
    QHostAddress source;
    QHostAddress destination;
    quint16 sourcePort = 0;
    quint16 destinationPort = 0;
};

/// An incremental, capped parser of one PROXY protocol header (v1 or v2, told apart by the first
/// bytes). Feed it the connection's first bytes in any split: it takes bytes only up to the end of the
/// header and says how many it took, so everything after the header (an HTTP request, a TLS
/// ClientHello) stays with the caller. It never holds more than MaxHeaderSize bytes.
///
/// Anything that does not match the spec exactly is Invalid (spec §2.1: "Any sequence which does not
/// exactly match the protocol must be discarded and cause the receiver to abort the connection"):
/// other leading bytes, a v1 line without CRLF within 107 bytes or ended by a lone CR or LF, bad
/// addresses or ports (no leading zeros), a v2 version other than 2, an unassigned command, family or
/// transport, an address block shorter than its family needs, and any header over the cap.
class ProxyHeaderParser
{
public:
    enum class Status { NeedMore, Complete, Invalid };

    /// Spec §2.1: the longest v1 line a receiver must accept, CRLF included.
    static constexpr qsizetype MaxV1Size = 107;
    /// v2 headers are 16 bytes plus the announced length (addresses and TLVs). The spec keeps a header
    /// within one TCP segment (§2.2: "always smaller than an MSS"); the largest address block (AF_UNIX)
    /// is 216 bytes. This cap leaves room for the usual TLVs (ALPN, authority, TLS details).
    static constexpr qsizetype MaxHeaderSize = 1536;

    /// Takes bytes from the front of `data`, never beyond the end of the header, and returns the new
    /// status. `*consumed` (if given) is set to the number of bytes taken. After Complete or Invalid,
    /// further calls take nothing and return the same status.
    Status feed(QByteArrayView data, qsizetype *consumed = nullptr);

    Status status() const { return m_status; }
    /// Valid once status() is Complete.
    const ProxyHeader &header() const { return m_header; }
    /// Bytes the header took so far (its whole size once Complete).
    qsizetype size() const { return m_buffer.size(); }
    /// Why the header is Invalid (for logs).
    const QByteArray &error() const { return m_error; }

private:
    Status fail(QByteArray reason);
    Status finishV1();
    Status finishV2();

    enum class Kind { Unknown, V1, V2 };
    Kind m_kind = Kind::Unknown;
    Status m_status = Status::NeedMore;
    qsizetype m_v2Size = 0; ///< total size of a v2 header, once its fixed part is in
    QByteArray m_buffer;
    ProxyHeader m_header;
    QByteArray m_error;
};

} // namespace Switchboard::Http
