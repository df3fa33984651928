// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "websocket/channel.h"

#include <QPointer>
#include <QTcpSocket>
#include <QWebSocket>

namespace Switchboard::WebSocket {

class WebSocketStream;

/// The real Channel: a QWebSocket (owned by `stream`, whose Qt child it becomes) over the TCP or TLS
/// socket it was made from. Wires the socket's signals to the stream's on*() calls, and applies the
/// size caps before any frame is read: Qt collects a frame's whole payload before it hands it on, so
/// without them one frame header could make us buffer gigabytes.
class SocketChannel final : public Channel
{
public:
    /// `transport` may be null; it is read for what waits toward the client (Qt deletes it with the
    /// WebSocket).
    SocketChannel(QWebSocket *socket, QTcpSocket *transport, WebSocketStream *stream);

    void sendText(const QByteArray &utf8) override;
    void flush() override;
    void ping() override;
    void close() override;
    void abort() override;
    qint64 backlog() const override;
    /// What the frames sent through this channel added to backlog() (QWebSocket's own Pongs are not
    /// seen).
    qint64 written() const override { return m_written; }

private:
    /// Runs `send` and counts what it added to backlog().
    template <typename Send> void counted(Send send);

    QPointer<QWebSocket> m_socket;
    QPointer<QTcpSocket> m_transport;
    qint64 m_written = 0;
};

} // namespace Switchboard::WebSocket
