// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/proxyprotocol.h"

#include "base/addressranges.h"

#include <QList>

namespace Switchboard::Http {

namespace {

constexpr QByteArrayView V1Prefix("PROXY ");
/// Spec §2.2: the v2 signature, then the version 2 in the high nibble of the 13th byte.
constexpr char V2Signature[] = "\r\n\r\n\0\r\nQUIT\n";
constexpr qsizetype V2SignatureSize = 12;
constexpr qsizetype V2FixedSize = 16;

quint16 readBigEndian16(const char *p)
{
    return quint16((quint16(quint8(p[0])) << 8) | quint8(p[1]));
}

} // namespace

ProxyHeaderParser::Status ProxyHeaderParser::fail(QByteArray reason)
{
    m_error = std::move(reason);
    m_status = Status::Invalid;
    return m_status;
}

ProxyHeaderParser::Status ProxyHeaderParser::feed(QByteArrayView data, qsizetype *consumed)
{
    qsizetype taken = 0;
    while (m_status == Status::NeedMore && taken < data.size()) {
        const char c = data[taken];
        const qsizetype at = m_buffer.size();
        if (m_kind == Kind::Unknown) {
            // Spec §2.2, end: "PROXY" starts v1, the binary signature v2; anything else is dropped.
            if (c == V1Prefix[0]) {
                m_kind = Kind::V1;
            } else if (c == V2Signature[0]) {
                m_kind = Kind::V2;
            } else {
                m_status = Status::Invalid;
                m_error = QByteArrayLiteral("no PROXY protocol header");
                break;
            }
        }
        if (m_kind == Kind::V1) {
            if (at < V1Prefix.size() && c != V1Prefix[at]) {
                fail(QByteArrayLiteral("no PROXY protocol header"));
                break;
            }
            m_buffer.append(c);
            ++taken;
            if (c == '\n') {
                // Spec §2.1: only CRLF ends the line, never a lone LF.
                if (at == 0 || m_buffer[at - 1] != '\r')
                    fail(QByteArrayLiteral("v1 line ended by a lone LF"));
                else
                    finishV1();
            } else if (at > 0 && m_buffer[at - 1] == '\r') {
                fail(QByteArrayLiteral("v1 line with a lone CR"));
            } else if (m_buffer.size() >= MaxV1Size) {
                fail(QByteArrayLiteral("v1 line without CRLF within 107 bytes"));
            }
            continue;
        }
        // Version 2: the signature byte by byte, then the fixed part, then exactly the announced length.
        if (at < V2SignatureSize) {
            if (c != V2Signature[at]) {
                fail(QByteArrayLiteral("no PROXY protocol header"));
                break;
            }
            m_buffer.append(c);
            ++taken;
            continue;
        }
        const qsizetype want = (at < V2FixedSize ? V2FixedSize : m_v2Size) - at;
        const qsizetype chunk = qMin(want, data.size() - taken);
        m_buffer.append(data.sliced(taken, chunk));
        taken += chunk;
        if (at < V2FixedSize && m_buffer.size() == V2FixedSize) {
            m_v2Size = V2FixedSize + readBigEndian16(m_buffer.constData() + 14);
            if (m_v2Size > MaxHeaderSize) {
                fail(QByteArrayLiteral("v2 header larger than ") + QByteArray::number(MaxHeaderSize) +
                     QByteArrayLiteral(" bytes"));
                break;
            }
        }
        if (m_buffer.size() >= V2FixedSize && m_buffer.size() == m_v2Size)
            finishV2();
    }
    if (consumed)
        *consumed = taken;
    return m_status;
}

ProxyHeaderParser::Status ProxyHeaderParser::finishV1()
{
    // Spec §2.1: "PROXY" SP protocol [SP src SP dst SP sport SP dport] CRLF, single spaces only.
    const QByteArrayView line = QByteArrayView(m_buffer).chopped(2);
    const QList<QByteArrayView> fields = [&line] {
        QList<QByteArrayView> result;
        qsizetype start = 0;
        while (true) {
            const qsizetype space = line.indexOf(' ', start);
            result.append(line.sliced(start, (space < 0 ? line.size() : space) - start));
            if (space < 0)
                return result;
            start = space + 1;
        }
    }();
    m_header = ProxyHeader();
    m_header.version = 1;
    if (fields.size() >= 2 && fields[1] == "UNKNOWN") {
        // The receiver "must ignore anything presented before the CRLF" and use the real endpoints.
        m_status = Status::Complete;
        return m_status;
    }
    if (fields.size() != 6)
        return fail(QByteArrayLiteral("v1 line without exactly six fields"));
    const bool v4 = fields[1] == "TCP4";
    if (!v4 && fields[1] != "TCP6")
        return fail(QByteArrayLiteral("v1 protocol is not TCP4, TCP6 or UNKNOWN"));
    // The address format must match the announced family; IPv6 in hexadecimal groups and colons only.
    auto address = [v4](QByteArrayView text) -> std::optional<QHostAddress> {
        if (v4)
            return parseIpv4(text);
        if (text.contains('.'))
            return std::nullopt;
        return parseIpv6(text);
    };
    const auto source = address(fields[2]);
    const auto destination = address(fields[3]);
    const auto sourcePort = parsePort(fields[4]);
    const auto destinationPort = parsePort(fields[5]);
    if (!source || !destination)
        return fail(QByteArrayLiteral("v1 address does not match its family"));
    if (!sourcePort || !destinationPort)
        return fail(QByteArrayLiteral("v1 port is not a number 0..65535 without leading zeros"));
    m_header.proxied = true;
    m_header.source = *source;
    m_header.destination = *destination;
    m_header.sourcePort = *sourcePort;
    m_header.destinationPort = *destinationPort;
    m_status = Status::Complete;
    return m_status;
}

ProxyHeaderParser::Status ProxyHeaderParser::finishV2()
{
    const auto *bytes = reinterpret_cast<const quint8 *>(m_buffer.constData());
    const int version = bytes[12] >> 4;
    const int command = bytes[12] & 0x0f;
    const int family = bytes[13] >> 4;
    const int transport = bytes[13] & 0x0f;
    const qsizetype length = m_buffer.size() - V2FixedSize;
    if (version != 2)
        return fail(QByteArrayLiteral("v2 header with version ") + QByteArray::number(version));
    // Commands: 0 LOCAL, 1 PROXY; families: 0 UNSPEC, 1 INET, 2 INET6, 3 UNIX; transports: 0 UNSPEC,
    // 1 STREAM, 2 DGRAM. Receivers must drop anything else.
    if (command > 1)
        return fail(QByteArrayLiteral("v2 header with unassigned command ") + QByteArray::number(command));
    if (family > 3 || transport > 2)
        return fail(QByteArrayLiteral("v2 header with unassigned family or transport"));
    m_header = ProxyHeader();
    m_header.version = 2;
    m_status = Status::Complete;
    // LOCAL: "the receiver must ... use the real connection endpoints and discard the protocol block
    // including the family". UNSPEC and UNIX carry nothing usable for an IP client; a non-STREAM
    // transport is not the TCP connection we are on: keep the real endpoints then as well.
    if (command == 0 || transport != 1 || (family != 1 && family != 2))
        return m_status;
    const qsizetype addressSize = family == 1 ? 4 : 16;
    if (length < 2 * addressSize + 4)
        return fail(QByteArrayLiteral("v2 address block shorter than its family needs"));
    const char *block = m_buffer.constData() + V2FixedSize;
    if (family == 1) {
        m_header.source = QHostAddress(quint32(readBigEndian16(block)) << 16 | readBigEndian16(block + 2));
        m_header.destination =
            QHostAddress(quint32(readBigEndian16(block + 4)) << 16 | readBigEndian16(block + 6));
    } else {
        m_header.source = QHostAddress(reinterpret_cast<const quint8 *>(block));
        m_header.destination = QHostAddress(reinterpret_cast<const quint8 *>(block + 16));
    }
    m_header.sourcePort = readBigEndian16(block + 2 * addressSize);
    m_header.destinationPort = readBigEndian16(block + 2 * addressSize + 2);
    m_header.proxied = true;
    // TLVs after the addresses are skipped (spec §2.2: "a receiver may choose to skip over and ignore").
    return m_status;
}

} // namespace Switchboard::Http
