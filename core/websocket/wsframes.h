// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QtGlobal>

namespace Switchboard::WebSocket::Wire {

/// RFC 6455 §5.2 opcodes.
enum class Opcode : quint8 {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA
};

/// RFC 6455 §7.4.1 status codes this server sends or names.
enum class CloseCode : quint16 {
    None = 0, ///< not a code: no error
    Normal = 1000,
    GoingAway = 1001,
    ProtocolError = 1002,
    NoStatus = 1005, ///< never on the wire: a Close frame without a body
    InvalidPayload = 1007,
    PolicyViolation = 1008,
    TooBig = 1009,
};

/// RFC 6455 §7.4: may `code` appear in a Close frame? (1000–1003, 1007–1014, 3000–4999.)
bool isValidCloseCode(quint16 code);

/// One server frame (RFC 6455 §5.2): FIN set, unmasked (§5.1: a server never masks).
QByteArray serverFrame(Opcode opcode, QByteArrayView payload);
/// A Close frame with `code` (and no reason); CloseCode::NoStatus gives an empty body (§5.5.1).
QByteArray closeFrame(CloseCode code);

/// Incremental UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF)
/// of a byte stream given in any split.
class Utf8Validator
{
public:
    /// Checks the next bytes; false at the first byte that cannot be UTF-8 (the validator stays failed).
    bool feed(QByteArrayView bytes);
    /// True when the bytes so far end on a character boundary.
    bool isComplete() const { return m_needed == 0 && !m_failed; }
    void reset() { *this = Utf8Validator(); }

private:
    quint8 m_needed = 0; ///< continuation bytes still due
    quint8 m_low = 0x80; ///< the range the next continuation byte must be in
    quint8 m_high = 0xBF;
    bool m_failed = false;
};

/// The client side of the wire, read (RFC 6455 §5): frames parsed from any split of the byte stream,
/// unmasked, text messages put together from their fragments and checked as UTF-8, control frames
/// answered by the caller. Rules and the close code each breaks:
/// - a client frame must be masked (§5.1), reserved bits clear (§5.2, no extension is negotiated), the
///   opcode known, the 64-bit length's top bit clear, a control frame unfragmented and ≤ 125 bytes
///   (§5.5), a continuation frame inside a message and a new message only after the last one ended
///   (§5.4), a Close body empty or a valid code (§7.4) with a UTF-8 reason: else 1002 (1007 for the
///   reason);
/// - text must be UTF-8 (§8.1), checked as it arrives, a character split across fragments included:
///   else 1007;
/// - a frame announcing more than the frame cap, or a message growing over the message cap, is
///   refused from its header, before any of it is kept: 1009.
///
/// What is kept between feed() calls: the header bytes of a frame not yet whole (in place, at most 14),
/// the payload of an unfinished control frame, and the text message being put together; nothing once a
/// message is delivered (idle() is then true). Binary messages are not kept, only reported.
///
/// Not a QObject; no allocation while idle. Used from one thread.
class Decoder
{
public:
    /// What the decoder found, delivered during feed(). Each call returns false to stop decoding (the
    /// caller closed or dropped the connection); feed() then returns at once.
    class Sink
    {
    public:
        virtual ~Sink() = default;
        /// A whole text message, valid UTF-8 (the view lives until the call returns).
        virtual bool textMessage(QByteArrayView utf8) = 0;
        /// A whole binary message (its payload is not kept).
        virtual bool binaryMessage() = 0;
        virtual bool ping(QByteArrayView payload) = 0;
        virtual bool pong() = 0;
        /// The client's Close frame: its code (NoStatus without one) and reason. Nothing after it is read.
        virtual bool closeReceived(quint16 code, QByteArrayView reason) = 0;
    };

    /// Frames over `maxFrame` payload bytes, and messages over `maxMessage`, are refused (1009).
    Decoder(qint64 maxFrame, qint64 maxMessage) : m_maxFrame(maxFrame), m_maxMessage(maxMessage) {}

    /// Reads `data`. Returns CloseCode::None while the input is good (or decoding was stopped by the
    /// sink), or the code to close with; after an error, or after a Close frame, everything is ignored.
    CloseCode feed(QByteArrayView data, Sink &sink);

    /// Nothing kept: no partial frame, no partial message.
    bool idle() const;
    /// Bytes kept for a frame or a message not yet whole.
    qint64 buffered() const { return m_headerSize + m_control.size() + m_message.size(); }
    /// A Close frame was read, or the input was refused: nothing more is decoded.
    bool finished() const { return m_finished; }

private:
    enum class Message : quint8 { None, Text, Binary };
    CloseCode fail(CloseCode code);
    /// Checks a whole header in m_header; sets up the frame.
    CloseCode startFrame();
    /// The payload of the current frame is whole (`control`: a control frame's payload): deliver what
    /// it completes.
    CloseCode endFrame(QByteArrayView control, Sink &sink, bool *stop);
    /// Unmasks `n` bytes of payload from `in` to `out`, continuing the mask at m_maskOffset.
    void unmask(const char *in, char *out, qsizetype n);

    qint64 m_maxFrame;
    qint64 m_maxMessage;
    quint64 m_remaining = 0; ///< payload bytes of the current frame still to come
    quint8 m_header[14] = {};
    quint8 m_headerSize = 0; ///< header bytes kept (0: between frames; the header is whole once parsed)
    bool m_inPayload = false;
    quint8 m_mask[4] = {};
    quint8 m_maskOffset = 0;
    Opcode m_opcode = Opcode::Continuation;
    bool m_fin = false;
    Message m_messageKind = Message::None;
    bool m_finished = false;
    qint64 m_messageSize = 0; ///< bytes of the message so far (binary ones included)
    QByteArray m_message;     ///< the text message so far
    QByteArray m_control;     ///< an unfinished control frame's payload
    Utf8Validator m_utf8;
};

} // namespace Switchboard::WebSocket::Wire
