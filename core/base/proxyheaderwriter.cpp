// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/proxyheaderwriter.h"

namespace Switchboard {

namespace {

/// Spec §2.2: the v2 signature.
constexpr char kV2Signature[12] = {'\r', '\n', '\r', '\n', '\0', '\r', '\n', 'Q', 'U', 'I', 'T', '\n'};

bool asIpv4(const QHostAddress &address, quint32 *ipv4)
{
    bool ok = false;
    const quint32 value = address.toIPv4Address(&ok); // also takes ::ffff:a.b.c.d
    if (ok)
        *ipv4 = value;
    return ok;
}

bool isIp(const QHostAddress &address)
{
    return address.protocol() == QAbstractSocket::IPv4Protocol ||
           address.protocol() == QAbstractSocket::IPv6Protocol;
}

Q_IPV6ADDR asIpv6(const QHostAddress &address)
{
    quint32 ipv4 = 0;
    if (asIpv4(address, &ipv4))
        return QHostAddress(QStringLiteral("::ffff:") + QHostAddress(ipv4).toString()).toIPv6Address();
    return address.toIPv6Address();
}

void appendBigEndian16(QByteArray &out, quint16 value)
{
    out.append(char(value >> 8));
    out.append(char(value & 0xff));
}

void appendBigEndian32(QByteArray &out, quint32 value)
{
    for (int shift = 24; shift >= 0; shift -= 8)
        out.append(char((value >> shift) & 0xff));
}

QByteArray ipv6Text(const Q_IPV6ADDR &address)
{
    // Spec §2.1: IPv6 "as specified in RFC 4291"; Qt writes the compressed form RFC 5952 recommends.
    return QHostAddress(address).toString().toLatin1();
}

} // namespace

QByteArray proxyProtocolHeader(ProxyProtocolVersion version, const QHostAddress &source, quint16 sourcePort,
                               const QHostAddress &destination, quint16 destinationPort)
{
    if (version == ProxyProtocolVersion::None)
        return {};
    const bool known = isIp(source) && isIp(destination);
    quint32 source4 = 0;
    quint32 destination4 = 0;
    const bool ipv4 = known && asIpv4(source, &source4) && asIpv4(destination, &destination4);

    if (version == ProxyProtocolVersion::V1) {
        // Spec §2.1: "PROXY" SP family SP source SP destination SP sport SP dport CRLF.
        if (!known)
            return QByteArrayLiteral("PROXY UNKNOWN\r\n");
        QByteArray line = ipv4 ? QByteArrayLiteral("PROXY TCP4 ") : QByteArrayLiteral("PROXY TCP6 ");
        if (ipv4) {
            line += QHostAddress(source4).toString().toLatin1() + ' ' +
                    QHostAddress(destination4).toString().toLatin1();
        } else {
            line += ipv6Text(asIpv6(source)) + ' ' + ipv6Text(asIpv6(destination));
        }
        line += ' ' + QByteArray::number(sourcePort) + ' ' + QByteArray::number(destinationPort) + "\r\n";
        return line;
    }

    // Spec §2.2: signature, version 2 and command (PROXY 0x1, LOCAL 0x0), family and transport, the
    // length of what follows (big endian), the addresses, the ports.
    QByteArray header(kV2Signature, sizeof kV2Signature);
    if (!known) {
        header.append(char(0x20)); // version 2, LOCAL
        header.append(char(0x00)); // AF_UNSPEC, UNSPEC
        appendBigEndian16(header, 0);
        return header;
    }
    header.append(char(0x21)); // version 2, PROXY
    if (ipv4) {
        header.append(char(0x11)); // AF_INET, STREAM
        appendBigEndian16(header, 12);
        appendBigEndian32(header, source4);
        appendBigEndian32(header, destination4);
    } else {
        header.append(char(0x21)); // AF_INET6, STREAM
        appendBigEndian16(header, 36);
        const Q_IPV6ADDR s = asIpv6(source);
        const Q_IPV6ADDR d = asIpv6(destination);
        header.append(reinterpret_cast<const char *>(s.c), 16);
        header.append(reinterpret_cast<const char *>(d.c), 16);
    }
    appendBigEndian16(header, sourcePort);
    appendBigEndian16(header, destinationPort);
    return header;
}

} // namespace Switchboard
