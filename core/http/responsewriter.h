// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "http/httpmessage.h"

#include <QByteArray>
#include <QByteArrayView>

namespace Switchboard {
struct Config;
}

namespace Switchboard::Http {

/// What the response writer needs to know about the request it answers.
struct ResponseContext
{
    int versionMajor = 1;
    int versionMinor = 1;
    bool keepAlive = false;
    bool head = false;
    QByteArray origin; ///< null when the request had no Origin header
    bool cors = true;  ///< the path may be answered with CORS headers
    QByteArray acceptEncoding;
};

/// How a response's body is delimited (RFC 9112 §6.3).
enum class Framing { Length, Chunked, Close };

/// Turns Responses into the bytes of HTTP/1.x responses (internal to core/http, and the WebSocket
/// front's refusals): status line, headers, CORS, the compression choice, the framing of the body
/// (Content-Length, chunked, or the end of the connection) and HEAD. It never touches a socket: its
/// callers write what it returns.
///
/// Holds a reference to the configuration (compression, allowed origins, extra headers), which must
/// outlive it, and no other state. serialize() runs on the thread of the HTTP front (the Date value it
/// writes is cached, unsynchronised, for a second); the static functions on any thread.
class ResponseWriter
{
public:
    explicit ResponseWriter(const Config &config) : m_config(config) {}

    /// The whole response (head and, unless context.head, body). `close`: it says "Connection: close";
    /// HTTP/1.0 answers that stay open say "Connection: keep-alive". Headers of the handler that would
    /// break the framing (Content-Length, Transfer-Encoding, Connection, Keep-Alive, or any with CR, LF
    /// or NUL) are left out.
    QByteArray serialize(const ResponseContext &context, Response response, bool close,
                         Framing framing = Framing::Length) const;

    /// One chunk of a chunked body (RFC 9112 §7.1).
    static QByteArray chunk(QByteArrayView data);
    /// The last chunk, no trailer (RFC 9112 §7.1).
    static QByteArray lastChunk();
    /// An interim response with no header fields (RFC 9110 §15.2), e.g. "100 Continue".
    static QByteArray interim(int status);
    /// A plain-text refusal sent outside a request's answer (a connection turned away before a request,
    /// a refused WebSocket handshake): HTTP/1.1, `reason` and a line feed as the body, `extraHeaders`,
    /// and "Connection: close". No Date, CORS or configured headers.
    static QByteArray refusal(int status, QByteArrayView reason, const HeaderList &extraHeaders = {});

private:
    const Config &m_config;
};

} // namespace Switchboard::Http
