// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QSslSocket>
#include <QUrl>

#include <utility>

namespace Switchboard::Check {

/// One HTTP response as it came off the wire.
struct HttpResponse
{
    int status = 0;
    QByteArray statusLine;
    QList<std::pair<QByteArray, QByteArray>> headers; ///< names lower-cased, in order
    QByteArray body;                                  ///< de-chunked when the response was chunked

    QByteArray header(const QByteArray &lowerName) const;
    bool hasHeader(const QByteArray &lowerName) const;
};

/// A minimal HTTP/1.1 client connection over one socket: it writes exactly the bytes it is given (so a
/// check can send ambiguous framing, truncated bodies or a request a byte at a time) and splits what
/// comes back into responses (Content-Length, chunked, or until close). Buffers are capped. Lives on
/// the main thread; waits are bounded (wait.h).
class HttpConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpConnection)
public:
    explicit HttpConnection(const QUrl &server, QObject *parent = nullptr);
    ~HttpConnection() override;

    /// Connects (TLS for https://); false when not connected within `ms`.
    bool open(int ms);
    /// Writes `bytes` as they are; connects first (with `ms` as bound) when needed.
    bool write(const QByteArray &bytes, int ms = 10000);
    /// Waits until at least `count` responses have arrived in all, the peer closed, or `ms` passed; true
    /// when there are `count`.
    bool waitForResponses(int count, int ms);
    /// Waits until the peer closed the connection; true when it did within `ms`.
    bool waitForClosed(int ms);

    const QList<HttpResponse> &responses() const { return m_responses; }
    bool isClosed() const { return m_closed; }
    /// Set when the peer sent something that is not HTTP (or too much of it).
    bool protocolError() const { return m_protocolError; }
    void close();

    /// Request bytes: `METHOD path HTTP/1.1`, Host, then `headers` (each ending in CRLF), then
    /// Content-Length and `body` when `body` is not null.
    static QByteArray request(const QByteArray &method, const QUrl &url, const QByteArray &headers,
                              const QByteArray &body);
    /// A BOSH POST: Content-Type text/xml; charset=utf-8 and Content-Length.
    static QByteArray post(const QUrl &url, const QByteArray &body, const QByteArray &extraHeaders = {});

private:
    void onReadyRead();
    bool parseOne();

    QUrl m_server;
    QSslSocket m_socket;
    QByteArray m_buffer;
    QList<HttpResponse> m_responses;
    bool m_closed = false;
    bool m_protocolError = false;
    bool m_switched = false; ///< 101 seen: the rest is another protocol
};

} // namespace Switchboard::Check
