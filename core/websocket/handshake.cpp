// SPDX-License-Identifier: GPL-3.0-or-later
#include "websocket/handshake.h"

#include "websocket/framing.h"

#include <QCryptographicHash>

namespace Switchboard::WebSocket::Handshake {

namespace {
/// Does the comma-separated header value list `token` (case-insensitively, RFC 9110 §5.6.1)?
bool listsToken(const QByteArray &value, QByteArrayView token)
{
    for (const QByteArray &item : value.split(',')) {
        if (item.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

Refusal badRequest(const char *reason)
{
    return Refusal{400, QByteArray(reason), {}};
}
} // namespace

std::optional<Refusal> check(const Http::Request &head)
{
    if (head.versionMajor < 1 || (head.versionMajor == 1 && head.versionMinor < 1))
        return badRequest("the WebSocket handshake needs HTTP/1.1");
    if (!head.hasHeader("host"))
        return badRequest("no Host header");
    if (!listsToken(head.header("upgrade"), "websocket"))
        return badRequest("Upgrade must name websocket");
    if (!listsToken(head.header("connection"), "upgrade"))
        return badRequest("Connection must name Upgrade");
    // RFC 6455 §4.2.2 item 4: a version we do not speak gets 426 and the version we do.
    if (head.header("sec-websocket-version").trimmed() != "13")
        return Refusal{426,
                       QByteArrayLiteral("only WebSocket version 13 is spoken"),
                       {{QByteArrayLiteral("Sec-WebSocket-Version"), QByteArrayLiteral("13")}}};
    // RFC 6455 §4.1: the key is a nonce of 16 bytes, base64-encoded (24 characters).
    const QByteArray key = head.header("sec-websocket-key").trimmed();
    const auto decoded = QByteArray::fromBase64Encoding(key, QByteArray::AbortOnBase64DecodingErrors);
    if (key.size() != 24 || !decoded || decoded.decoded.size() != 16)
        return badRequest("Sec-WebSocket-Key must be the base64 of 16 bytes");
    return std::nullopt;
}

QByteArray acceptValue(QByteArrayView key)
{
    QCryptographicHash sha1(QCryptographicHash::Sha1);
    sha1.addData(key);
    sha1.addData(QByteArrayView("258EAFA5-E914-47DA-95CA-C5AB0DC85B11")); // RFC 6455 §1.3
    return sha1.result().toBase64();
}

QByteArray switchingProtocols(QByteArrayView key)
{
    return QByteArrayLiteral(
               "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Accept: ") +
           acceptValue(key) + QByteArrayLiteral("\r\nSec-WebSocket-Protocol: ") + kSubprotocol +
           QByteArrayLiteral("\r\n\r\n");
}

qsizetype headSize(QByteArrayView received)
{
    // The HTTP front hands over only heads whose lines end with CR LF, so the first empty line ends it.
    const qsizetype end = received.indexOf(QByteArrayView("\r\n\r\n"));
    return end < 0 ? -1 : end + 4;
}

} // namespace Switchboard::WebSocket::Handshake
