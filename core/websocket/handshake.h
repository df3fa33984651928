// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "http/httpmessage.h"

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

/// The server's side of the WebSocket opening handshake (RFC 6455 §4.2) for plain ws:// streams. The
/// HTTP front has parsed the head and the WebSocket front has checked path, Origin, Host and the `xmpp`
/// subprotocol; what is left is the handshake proper. Pure functions; no extension is negotiated.
namespace Switchboard::WebSocket::Handshake {

/// Why a handshake is refused: the HTTP status, a short reason for the body, extra header lines.
struct Refusal
{
    int status = 400;
    QByteArray reason;
    Http::HeaderList headers; ///< extra header fields (426 names the version spoken, RFC 6455 §4.4)
};

/// RFC 6455 §4.2.1: HTTP/1.1 or later, a Host, `Upgrade: websocket`, `Connection: Upgrade`,
/// Sec-WebSocket-Key the base64 of 16 bytes, Sec-WebSocket-Version 13 (else 426 Upgrade Required with
/// `Sec-WebSocket-Version: 13`, §4.2.2). Returns nothing when the handshake may be accepted.
std::optional<Refusal> check(const Http::Request &head);

/// Sec-WebSocket-Accept for `key` (RFC 6455 §4.2.2 item 5.4): base64(SHA-1(key + the protocol GUID)).
QByteArray acceptValue(QByteArrayView key);

/// The whole 101 Switching Protocols answer, with the `xmpp` subprotocol (RFC 7395 §3.1).
QByteArray switchingProtocols(QByteArrayView key);

/// The size of the request head at the start of `received` (what the HTTP front read of a plain
/// socket), its empty line included: the first frame follows it. -1 when no complete head is there.
qsizetype headSize(QByteArrayView received);

} // namespace Switchboard::WebSocket::Handshake
