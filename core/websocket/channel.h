// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QtGlobal>

namespace Switchboard::WebSocket {

/// The client side of one WebSocket stream, as the stream sees it: text messages out, pings, close.
/// The real one is a SocketChannel over a QWebSocket; unit tests record what is sent. What arrives
/// from the client is fed to the stream's on*() calls by the channel's owner.
class Channel
{
public:
    virtual ~Channel() = default;
    /// Queues one text message (UTF-8); backlog() grows by what it takes on the wire.
    virtual void sendText(const QByteArray &utf8) = 0;
    /// Writes what is queued to the kernel now, not on the next write notification.
    virtual void flush() = 0;
    /// A WebSocket ping (RFC 6455 §5.5.2).
    virtual void ping() = 0;
    /// Closes the WebSocket normally (1000) once what was sent is out.
    virtual void close() = 0;
    /// Drops the connection now, unsent bytes included.
    virtual void abort() = 0;
    /// Bytes sent that have not left this process yet (the socket's buffers, TLS records included).
    virtual qint64 backlog() const = 0;
    /// Bytes queued toward the client so far, in the units of backlog(), the frames the channel sends
    /// on its own (Pongs, Pings, the Close) included: written() - backlog() have left this process, so
    /// a message has left once that reaches the written() read right after its sendText().
    virtual qint64 written() const = 0;
};

} // namespace Switchboard::WebSocket
