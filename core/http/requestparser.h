// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "http/httpmessage.h"

#include <QByteArrayView>
#include <QList>

#include <memory>
#include <optional>

namespace Switchboard {
struct Config;
}

namespace Switchboard::Http {

struct ParseState;

/// The request side of one HTTP/1.x connection (internal to core/http): http_parser plus the limits
/// applied as bytes arrive (max_data_held, max_header_size, max_header_count) and the framing checks of
/// RFC 9112 §6 (Content-Length with Transfer-Encoding, several Content-Lengths, a Transfer-Encoding that
/// is not chunked), so nothing a peer sends is held beyond them.
///
/// Owned by its Connection (or by parseRequests()), used on that object's thread only; it never touches
/// a socket. It may be fed any split of the byte stream (one byte at a time, or many pipelined requests
/// at once): feed() stops after each complete request, so the caller can hand it on before the next
/// one is parsed, and yields the same requests and the same refusal whatever the split.
class RequestParser
{
    Q_DISABLE_COPY_MOVE(RequestParser)
public:
    /// What one feed() found.
    enum class Outcome {
        NeedMore, ///< every byte given was taken; no request is complete yet
        Complete, ///< a request is complete (takeRequest()); bytes after it were not taken
        Refused,  ///< the stream is refused (refusedStatus(), refusedReason()); parse nothing more
        Finished, ///< the last request ended the connection (no keep-alive): nothing more is parsed
    };
    struct Step
    {
        Outcome outcome = Outcome::NeedMore;
        qsizetype consumed = 0; ///< bytes of the input taken
    };

    /// `maxHeaderSize` 0: the head is bounded by `maxDataHeld` instead. 0 for the others: no limit.
    RequestParser(qint64 maxDataHeld, int maxHeaderCount, qint64 maxHeaderSize);
    /// The limits of `config` (max_data_held, max_header_count, max_header_size).
    explicit RequestParser(const Config &config);
    ~RequestParser();

    /// Parses as much of `data` as makes one request at most. On Complete, the bytes after the request
    /// (pipelined ones) were not taken: feed them again after takeRequest().
    Step feed(QByteArrayView data);
    /// The complete request (after Complete); the parser then starts on the next one.
    Request takeRequest();
    /// The request taken last may be followed by another on the connection (RFC 9112 §9.3; not after
    /// "Connection: close", HTTP/1.0 without keep-alive, CONNECT or an accepted Upgrade).
    bool keepAlive() const;

    int refusedStatus() const { return m_refusedStatus; }
    const QByteArray &refusedReason() const { return m_refusedReason; }

    /// Some of a request has arrived and it is not complete yet.
    bool inMessage() const;
    /// The request now arriving has its whole head (request line and header fields).
    bool headersDone() const;
    /// The request now arriving is an HTTP/1.1 one with "Expect: 100-continue" (RFC 9110 §10.1.1).
    bool expectContinue() const;
    /// The request being assembled: its header fields once headersDone(), for naming the client and
    /// answering a refusal in its version.
    const Request &partialRequest() const;
    /// Forgets the request being received (the connection refused it and parses nothing more).
    void abandon();

    // --- WebSocket upgrade detection (the head is looked at before any of it is read from the socket)

    /// Where the head in `data` ends: just after its empty line ("\r\n\r\n", or "\n\n" from lenient
    /// clients), or -1. The scan starts at `from` (a resumed scan of a growing buffer).
    static qsizetype findHeadEnd(QByteArrayView data, qsizetype from = 0);
    /// True when every LF in `head` ends a CR LF pair.
    static bool hasOnlyCrlfLineEnds(QByteArrayView head);
    /// Parses the complete head `head` (as found by findHeadEnd()) with the limits of `config`: the
    /// request when it asks for a WebSocket upgrade (an Upgrade header listing "websocket"), else
    /// nothing (not an upgrade, or a head the normal path will refuse).
    static std::optional<Request> webSocketUpgrade(QByteArrayView head, const Config &config);

private:
    Step refuse(int status, QByteArray reason);

    /// While a request is being parsed: made by feed() at its first byte, dropped by takeRequest().
    std::unique_ptr<ParseState> m_state;
    qint64 m_maxDataHeld = 0;
    qint64 m_maxHeaderSize = 0;
    int m_maxHeaderCount = 0;
    bool m_keepAlive = false; ///< of the request taken last
    int m_refusedStatus = 0;
    QByteArray m_refusedReason;
    bool m_finished = false;
};

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
