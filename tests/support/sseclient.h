// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QTcpSocket>

namespace Switchboard::Test {

/// A Server-Sent Events reader over a raw socket (HTML Living Standard, "Server-sent events"): sends
/// one GET, reads the head, decodes a chunked or close-delimited body and splits it into events
/// (`id:`, `data:` as JSON) and comment lines. For tests; every wait has a deadline.
class SseClient
{
public:
    struct Event
    {
        qint64 id = -1;
        QJsonObject data;
    };

    SseClient();
    /// Connects to 127.0.0.1:`port` and sends GET `target` with `Accept: text/event-stream` and
    /// `extraHeaders` (each line ending in CR LF).
    void open(quint16 port, const QByteArray &target, const QByteArray &extraHeaders = {});
    /// Waits for the response head; false after `timeoutMs`.
    [[nodiscard]] bool waitHead(int timeoutMs = 10000);
    /// Waits until at least `count` events came; false after `timeoutMs`.
    [[nodiscard]] bool waitEvents(qsizetype count, int timeoutMs = 10000);
    /// Waits until the body ended (the last chunk, or the connection closed).
    [[nodiscard]] bool waitEnd(int timeoutMs = 10000);
    /// Closes the connection from this side at once.
    void abort() { m_socket.abort(); }

    int status() const { return m_status; }
    QByteArray header(QByteArrayView name) const; ///< name lower-case
    const QList<Event> &events() const { return m_events; }
    const QList<QByteArray> &comments() const { return m_comments; }
    QByteArray retry() const { return m_retry; }
    bool ended() const { return m_ended; }
    /// The data of the events of `kind` (message, presence, session...).
    QList<QJsonObject> ofKind(const QString &kind) const;

private:
    void onReadyRead();
    void parseBody();
    void parseEvents();

    QTcpSocket m_socket;
    QByteArray m_raw;  ///< bytes not yet taken as head or chunk
    QByteArray m_text; ///< decoded body not yet split into events
    bool m_headDone = false;
    bool m_chunked = false;
    bool m_ended = false;
    int m_status = 0;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    QList<Event> m_events;
    QList<QByteArray> m_comments;
    QByteArray m_retry;
};

} // namespace Switchboard::Test
