// SPDX-License-Identifier: GPL-3.0-or-later
#include "websocket/wsframes.h"

#include <QtEndian>

#include <cstring>

namespace Switchboard::WebSocket::Wire {

namespace {
constexpr quint8 kFin = 0x80;
constexpr quint8 kReserved = 0x70;
constexpr quint8 kMasked = 0x80;
constexpr qsizetype kMaxControlPayload = 125; // RFC 6455 §5.5

bool isControl(Opcode opcode)
{
    return (quint8(opcode) & 0x8) != 0;
}

bool isKnown(quint8 opcode)
{
    switch (Opcode(opcode)) {
    case Opcode::Continuation:
    case Opcode::Text:
    case Opcode::Binary:
    case Opcode::Close:
    case Opcode::Ping:
    case Opcode::Pong:
        return true;
    }
    return false;
}

/// The header's size once its first two bytes are known (RFC 6455 §5.2).
quint8 headerSize(const quint8 *header)
{
    const quint8 length7 = header[1] & 0x7F;
    return quint8(2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + ((header[1] & kMasked) ? 4 : 0));
}
} // namespace

bool isValidCloseCode(quint16 code)
{
    // RFC 6455 §7.4.1/§7.4.2: 1004–1006 and 1015 are never sent; 1012–1014 are registered since (IANA
    // WebSocket Close Code Number Registry); 3000–4999 belong to libraries and applications.
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

QByteArray serverFrame(Opcode opcode, QByteArrayView payload)
{
    const quint64 length = quint64(payload.size());
    const qsizetype header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    QByteArray frame(header + payload.size(), Qt::Uninitialized);
    auto *out = reinterpret_cast<uchar *>(frame.data());
    out[0] = kFin | quint8(opcode);
    if (length < 126) {
        out[1] = quint8(length);
    } else if (length <= 0xFFFF) {
        out[1] = 126;
        qToBigEndian(quint16(length), out + 2);
    } else {
        out[1] = 127;
        qToBigEndian(length, out + 2);
    }
    if (!payload.isEmpty())
        std::memcpy(out + header, payload.data(), std::size_t(payload.size()));
    return frame;
}

QByteArray closeFrame(CloseCode code)
{
    if (code == CloseCode::NoStatus || code == CloseCode::None)
        return serverFrame(Opcode::Close, {});
    uchar body[2];
    qToBigEndian(quint16(code), body);
    return serverFrame(Opcode::Close, QByteArrayView(reinterpret_cast<const char *>(body), 2));
}

// --- UTF-8 ---

bool Utf8Validator::feed(QByteArrayView bytes)
{
    if (m_failed)
        return false;
    const auto *p = reinterpret_cast<const quint8 *>(bytes.data());
    const quint8 *const end = p + bytes.size();
    while (p < end) {
        if (m_needed == 0) {
            // Mostly ASCII (XML markup): eight bytes at a time while no high bit is set.
            while (end - p >= 8) {
                quint64 word;
                std::memcpy(&word, p, 8);
                if (word & 0x8080808080808080ULL)
                    break;
                p += 8;
            }
            if (p == end)
                break;
        }
        const quint8 c = *p++;
        if (m_needed > 0) {
            if (c < m_low || c > m_high) {
                m_failed = true;
                return false;
            }
            m_low = 0x80;
            m_high = 0xBF;
            --m_needed;
            continue;
        }
        if (c < 0x80)
            continue;
        // RFC 3629 §4: the second byte's range excludes overlong forms (E0, F0), the surrogates (ED)
        // and code points above U+10FFFF (F4).
        if (c >= 0xC2 && c <= 0xDF) {
            m_needed = 1;
        } else if (c == 0xE0) {
            m_needed = 2;
            m_low = 0xA0;
        } else if (c == 0xED) {
            m_needed = 2;
            m_high = 0x9F;
        } else if (c >= 0xE1 && c <= 0xEF) {
            m_needed = 2;
        } else if (c == 0xF0) {
            m_needed = 3;
            m_low = 0x90;
        } else if (c >= 0xF1 && c <= 0xF3) {
            m_needed = 3;
        } else if (c == 0xF4) {
            m_needed = 3;
            m_high = 0x8F;
        } else {
            m_failed = true;
            return false;
        }
    }
    return true;
}

// --- the decoder ---

bool Decoder::idle() const
{
    return m_headerSize == 0 && !m_inPayload && m_messageKind == Message::None && m_message.isNull() &&
           m_control.isNull();
}

CloseCode Decoder::fail(CloseCode code)
{
    m_finished = true;
    m_headerSize = 0;
    m_inPayload = false;
    m_message = QByteArray();
    m_control = QByteArray();
    return code;
}

void Decoder::unmask(const char *in, char *out, qsizetype n)
{
    // RFC 6455 §5.3: payload byte i is XORed with mask byte i mod 4, counted from the frame's start.
    quint8 key[8];
    for (int i = 0; i < 8; ++i)
        key[i] = m_mask[(m_maskOffset + i) & 3];
    quint64 wide;
    std::memcpy(&wide, key, 8);
    qsizetype i = 0;
    for (; i + 8 <= n; i += 8) {
        quint64 word;
        std::memcpy(&word, in + i, 8);
        word ^= wide;
        std::memcpy(out + i, &word, 8);
    }
    for (; i < n; ++i)
        out[i] = char(quint8(in[i]) ^ key[i & 7]);
    m_maskOffset = quint8((m_maskOffset + n) & 3);
}

CloseCode Decoder::startFrame()
{
    const quint8 length7 = m_header[1] & 0x7F;
    quint64 length = length7;
    qsizetype at = 2;
    if (length7 == 126) {
        length = qFromBigEndian<quint16>(m_header + 2);
        at = 4;
    } else if (length7 == 127) {
        length = qFromBigEndian<quint64>(m_header + 2);
        at = 10;
        // RFC 6455 §5.2: the most significant bit of a 64-bit length must be 0.
        if (length >> 63)
            return CloseCode::ProtocolError;
    }
    std::memcpy(m_mask, m_header + at, 4);
    m_maskOffset = 0;
    m_remaining = length;
    if (!isControl(m_opcode)) {
        // The caps apply before any payload is kept (RFC 6455 §7.4.1: 1009, too big to process).
        if (length > quint64(m_maxFrame) || quint64(m_messageSize) + length > quint64(m_maxMessage))
            return CloseCode::TooBig;
        m_messageSize += qint64(length);
    }
    return CloseCode::None;
}

CloseCode Decoder::endFrame(QByteArrayView control, Sink &sink, bool *stop)
{
    switch (m_opcode) {
    case Opcode::Close: {
        quint16 code = quint16(CloseCode::NoStatus);
        QByteArrayView reason;
        if (control.size() == 1)
            return CloseCode::ProtocolError; // RFC 6455 §5.5.1: a body starts with a 2-byte code
        if (control.size() >= 2) {
            code = qFromBigEndian<quint16>(control.data());
            if (!isValidCloseCode(code))
                return CloseCode::ProtocolError;
            reason = control.sliced(2);
            Utf8Validator utf8;
            if (!utf8.feed(reason) || !utf8.isComplete())
                return CloseCode::InvalidPayload;
        }
        // RFC 6455 §5.5.1: nothing after a Close frame is data.
        m_finished = true;
        *stop = !sink.closeReceived(code, reason);
        m_control = QByteArray();
        return CloseCode::None;
    }
    case Opcode::Ping:
        *stop = !sink.ping(control);
        m_control = QByteArray();
        return CloseCode::None;
    case Opcode::Pong:
        *stop = !sink.pong();
        m_control = QByteArray();
        return CloseCode::None;
    case Opcode::Text:
    case Opcode::Binary:
    case Opcode::Continuation:
        break;
    }
    if (!m_fin)
        return CloseCode::None;
    const Message kind = m_messageKind;
    m_messageKind = Message::None;
    m_messageSize = 0;
    if (kind == Message::Binary) {
        *stop = !sink.binaryMessage();
        return CloseCode::None;
    }
    // RFC 6455 §8.1: a message that ends inside a character is not UTF-8.
    if (!m_utf8.isComplete())
        return CloseCode::InvalidPayload;
    m_utf8.reset();
    const QByteArray message = std::exchange(m_message, QByteArray());
    *stop = !sink.textMessage(message);
    return CloseCode::None;
}

CloseCode Decoder::feed(QByteArrayView data, Sink &sink)
{
    const char *p = data.data();
    qsizetype left = data.size();
    // An empty payload ends its frame as soon as the header is whole, input left or not.
    while ((left > 0 || (m_inPayload && m_remaining == 0)) && !m_finished) {
        if (!m_inPayload) {
            // The header, byte by byte (at most 14): the first two bytes are checked as soon as they
            // are here, so a bad frame is refused before the rest of its header.
            const quint8 before = m_headerSize;
            quint8 need = m_headerSize < 2 ? 2 : headerSize(m_header);
            while (m_headerSize < need && left > 0) {
                m_header[m_headerSize++] = quint8(*p++);
                --left;
                if (m_headerSize == 2 && before < 2) {
                    const quint8 b0 = m_header[0];
                    const quint8 b1 = m_header[1];
                    // RFC 6455 §5.2: no extension was negotiated, so the reserved bits must be 0 and
                    // only the defined opcodes may appear.
                    if ((b0 & kReserved) != 0 || !isKnown(b0 & 0x0F))
                        return fail(CloseCode::ProtocolError);
                    // RFC 6455 §5.1: a server closes the connection on an unmasked client frame.
                    if ((b1 & kMasked) == 0)
                        return fail(CloseCode::ProtocolError);
                    m_opcode = Opcode(b0 & 0x0F);
                    m_fin = (b0 & kFin) != 0;
                    if (isControl(m_opcode)) {
                        // RFC 6455 §5.5: control frames are never fragmented and carry ≤ 125 bytes.
                        if (!m_fin || (b1 & 0x7F) > kMaxControlPayload)
                            return fail(CloseCode::ProtocolError);
                    } else if (m_opcode == Opcode::Continuation) {
                        // RFC 6455 §5.4: a continuation frame belongs to a message under way...
                        if (m_messageKind == Message::None)
                            return fail(CloseCode::ProtocolError);
                    } else {
                        // ...and a new message starts only once the last one has ended.
                        if (m_messageKind != Message::None)
                            return fail(CloseCode::ProtocolError);
                        m_messageKind = m_opcode == Opcode::Text ? Message::Text : Message::Binary;
                    }
                    need = headerSize(m_header);
                }
            }
            if (m_headerSize < need)
                return CloseCode::None; // the rest of the header comes later
            m_headerSize = 0;
            if (const CloseCode error = startFrame(); error != CloseCode::None)
                return fail(error);
            m_inPayload = true;
        }

        const qsizetype n = qsizetype(qMin<quint64>(quint64(left), m_remaining));
        bool stop = false;
        CloseCode error = CloseCode::None;
        if (isControl(m_opcode)) {
            if (m_control.isNull() && n == qsizetype(m_remaining)) {
                // The whole payload is here: no copy is kept.
                char payload[kMaxControlPayload];
                unmask(p, payload, n);
                m_remaining = 0;
                m_inPayload = false;
                p += n;
                left -= n;
                error = endFrame(QByteArrayView(payload, n), sink, &stop);
            } else {
                const qsizetype at = m_control.size();
                m_control.resize(at + n);
                unmask(p, m_control.data() + at, n);
                m_remaining -= quint64(n);
                p += n;
                left -= n;
                if (m_remaining == 0) {
                    m_inPayload = false;
                    const QByteArray payload = m_control;
                    error = endFrame(payload, sink, &stop);
                }
            }
        } else {
            if (m_messageKind == Message::Text && n > 0) {
                const qsizetype at = m_message.size();
                m_message.resize(at + n);
                unmask(p, m_message.data() + at, n);
                // RFC 6455 §8.1: fail as soon as the text cannot be UTF-8.
                if (!m_utf8.feed(QByteArrayView(m_message).sliced(at)))
                    return fail(CloseCode::InvalidPayload);
            } else {
                m_maskOffset = quint8((m_maskOffset + n) & 3);
            }
            m_remaining -= quint64(n);
            p += n;
            left -= n;
            if (m_remaining == 0) {
                m_inPayload = false;
                error = endFrame({}, sink, &stop);
            }
        }
        if (error != CloseCode::None)
            return fail(error);
        if (stop)
            return CloseCode::None;
    }
    return CloseCode::None;
}

} // namespace Switchboard::WebSocket::Wire
