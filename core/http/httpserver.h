// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/config.h"
#include "http/httpmessage.h"

#include <QObject>
#include <QPointer>
#include <QTcpServer>

#include <functional>

class QTcpSocket;

namespace Switchboard::Http {

class Connection;

/// One request waiting for its answer. Owned by its Connection; a handler keeps a QPointer to it and
/// calls respond() now or later (a BOSH long poll answers after up to `wait` seconds). If the client
/// goes away first, aborted() fires and the Exchange is deleted soon after.
class Exchange final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Exchange)
public:
    explicit Exchange(Request request, Connection *connection);
    ~Exchange() override;

    const Request &request() const { return m_request; }
    /// Sends the response (once; later calls are ignored). Safe to call from any slot.
    void respond(Response response);
    bool isAnswered() const { return m_answered; }

Q_SIGNALS:
    /// The connection closed before respond() was called.
    void aborted();

private:
    friend class Connection;
    Request m_request;
    QPointer<Connection> m_connection;
    bool m_answered = false;
};

/// The HTTP/1.x front: accepts TCP connections, parses requests with the http_parser library, enforces
/// size and time limits, and hands each complete request to the handler. Responses go out in request
/// order (HTTP/1.1 pipelining) with Content-Length, optional gzip/deflate, the CORS headers and the
/// configured extra headers.
class HttpServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpServer)
public:
    using Handler = std::function<void(Exchange *)>;
    /// Asked with the raw request head before any byte is consumed; returns true when it took the
    /// socket (WebSocket upgrade: the socket is handed over unread, QWebSocketServer re-reads it).
    using UpgradeHandler = std::function<bool(QTcpSocket *, const Request &head)>;

    explicit HttpServer(const Config &config, QObject *parent = nullptr);
    ~HttpServer() override;

    void setHandler(Handler handler) { m_handler = std::move(handler); }
    void setUpgradeHandler(UpgradeHandler handler) { m_upgradeHandler = std::move(handler); }

    bool listen(const QHostAddress &address, quint16 port);
    void close();
    quint16 serverPort() const;
    QHostAddress serverAddress() const;
    QString errorString() const;
    int connectionCount() const;

    /// True when `origin` matches the configured allowlist ('*' and '?' wildcards; empty list: any).
    bool originAllowed(const QByteArray &origin) const;

Q_SIGNALS:
    void connectionOpened(const QHostAddress &peer);
    void connectionClosed();
    /// A request was refused by a limit (status 400, 408, 413, 431...).
    void requestRefused(int status, const QByteArray &reason);

private:
    friend class Connection;
    void handleNewConnection(QTcpSocket *socket);
    Config m_config;
    Handler m_handler;
    UpgradeHandler m_upgradeHandler;
    QTcpServer *m_server = nullptr;
    int m_connections = 0;
};

} // namespace Switchboard::Http
