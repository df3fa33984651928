// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/httpserver.h"

#include "http/connection.h"
#include "http/cors.h"

#include <QTcpSocket>

namespace Switchboard::Http {

Exchange::Exchange(Request request, Connection *connection)
    : QObject(connection), m_request(std::move(request)), m_connection(connection)
{}

Exchange::~Exchange()
{
    // Not supposed to happen (the connection owns us), but a pending request must never block the
    // pipeline: answer it with a server error.
    if (!m_answered && m_connection) {
        m_answered = true;
        m_connection->exchangeAnswered(this, Response::error(500), true);
    }
}

bool Exchange::respond(Response response)
{
    if (m_answered || m_aborted || !m_connection)
        return false;
    m_answered = true;
    return m_connection->exchangeAnswered(this, std::move(response));
}

HttpServer::HttpServer(const Config &config, QObject *parent)
    : QObject(parent), m_config(config), m_server(new QTcpServer(this))
{
    connect(m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server->nextPendingConnection())
            handleNewConnection(socket);
    });
}

HttpServer::~HttpServer()
{
    // Delete the connections before the members they refer to (m_config, the handlers) go away.
    const QList<Connection *> connections = findChildren<Connection *>(Qt::FindDirectChildrenOnly);
    for (Connection *connection : connections)
        delete connection;
}

bool HttpServer::listen(const QHostAddress &address, quint16 port)
{
    return m_server->listen(address, port);
}

void HttpServer::close()
{
    m_server->close();
}

quint16 HttpServer::serverPort() const
{
    return m_server->serverPort();
}

QHostAddress HttpServer::serverAddress() const
{
    return m_server->serverAddress();
}

QString HttpServer::errorString() const
{
    return m_server->errorString();
}

int HttpServer::connectionCount() const
{
    return m_connections;
}

bool HttpServer::originAllowed(const QByteArray &origin) const
{
    return originAllowedBy(m_config.allowedOrigins, origin);
}

void HttpServer::handleNewConnection(QTcpSocket *socket)
{
    // Small request/response exchanges: Nagle plus delayed ACKs would add ~40 ms per round trip.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    const QHostAddress peer = socket->peerAddress();
    ++m_connections;
    new Connection(socket, this); // owns itself: deleteLater() once closed
    qCDebug(lcHttp) << "connection from" << peer;
    Q_EMIT connectionOpened(peer);
}

void HttpServer::connectionFinished()
{
    --m_connections;
    Q_EMIT connectionClosed();
}

} // namespace Switchboard::Http
