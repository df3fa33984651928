// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpconnection.h"

#include "wait.h"

namespace Switchboard::Check {

namespace {
// A response larger than this is not a BOSH answer; stop reading rather than grow without end.
constexpr qsizetype kMaxBuffer = 16 * 1024 * 1024;
} // namespace

QByteArray HttpResponse::header(const QByteArray &lowerName) const
{
    for (const auto &[name, value] : headers) {
        if (name == lowerName)
            return value;
    }
    return {};
}

bool HttpResponse::hasHeader(const QByteArray &lowerName) const
{
    for (const auto &header : headers) {
        if (header.first == lowerName)
            return true;
    }
    return false;
}

HttpConnection::HttpConnection(const QUrl &server, QObject *parent) : QObject(parent), m_server(server)
{
    connect(&m_socket, &QSslSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(&m_socket, &QSslSocket::disconnected, this, [this] {
        m_closed = true;
        onReadyRead(); // a response framed by the close is complete now
    });
    connect(&m_socket, &QSslSocket::errorOccurred, this, [this] {
        if (m_socket.state() == QAbstractSocket::UnconnectedState)
            m_closed = true;
    });
}

HttpConnection::~HttpConnection()
{
    m_socket.abort();
}

bool HttpConnection::open(int ms)
{
    if (m_socket.state() == QAbstractSocket::ConnectedState)
        return true;
    const quint16 port = quint16(m_server.port(m_server.scheme() == u"https" ? 443 : 80));
    if (m_server.scheme() == u"https")
        m_socket.connectToHostEncrypted(m_server.host(), port);
    else
        m_socket.connectToHost(m_server.host(), port);
    m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    const bool tls = m_server.scheme() == u"https";
    return waitUntil(
               [&] {
                   return (tls ? m_socket.isEncrypted()
                               : m_socket.state() == QAbstractSocket::ConnectedState) ||
                          m_socket.state() == QAbstractSocket::UnconnectedState;
               },
               ms) &&
           m_socket.state() == QAbstractSocket::ConnectedState;
}

bool HttpConnection::write(const QByteArray &bytes, int ms)
{
    if (!open(ms))
        return false;
    return m_socket.write(bytes) == bytes.size();
}

bool HttpConnection::waitForResponses(int count, int ms)
{
    waitUntil([&] { return m_responses.size() >= count || m_closed || m_protocolError; }, ms);
    return m_responses.size() >= count;
}

bool HttpConnection::waitForClosed(int ms)
{
    return waitUntil([&] { return m_closed; }, ms);
}

void HttpConnection::close()
{
    m_socket.abort();
    m_closed = true;
}

QByteArray HttpConnection::request(const QByteArray &method, const QUrl &url, const QByteArray &headers,
                                   const QByteArray &body)
{
    QByteArray path = url.path(QUrl::FullyEncoded).toLatin1();
    if (path.isEmpty())
        path = "/";
    if (url.hasQuery())
        path += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    QByteArray out = method + ' ' + path +
                     " HTTP/1.1\r\nHost: " + url.authority(QUrl::FullyEncoded).toLatin1() + "\r\n" + headers;
    if (!body.isNull())
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "\r\n";
    out += body;
    return out;
}

QByteArray HttpConnection::post(const QUrl &url, const QByteArray &body, const QByteArray &extraHeaders)
{
    return request("POST", url, "Content-Type: text/xml; charset=utf-8\r\n" + extraHeaders,
                   body.isNull() ? QByteArray("") : body);
}

void HttpConnection::onReadyRead()
{
    if (m_socket.bytesAvailable() > 0)
        m_buffer += m_socket.readAll();
    if (m_buffer.size() > kMaxBuffer) {
        m_protocolError = true;
        m_socket.abort();
        return;
    }
    while (!m_protocolError && !m_switched && parseOne()) {
    }
}

bool HttpConnection::parseOne()
{
    const qsizetype headerEnd = m_buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return false;
    const QList<QByteArray> lines = m_buffer.left(headerEnd).split('\n');
    HttpResponse response;
    response.statusLine = lines.value(0).trimmed();
    const QList<QByteArray> parts = response.statusLine.split(' ');
    bool ok = false;
    response.status = parts.value(1).toInt(&ok);
    if (!response.statusLine.startsWith("HTTP/1.") || !ok) {
        m_protocolError = true;
        return false;
    }
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines.at(i).indexOf(':');
        if (colon > 0)
            response.headers.append(
                {lines.at(i).left(colon).trimmed().toLower(), lines.at(i).mid(colon + 1).trimmed()});
    }
    const qsizetype bodyStart = headerEnd + 4;
    qsizetype consumed = 0;
    if (response.status == 101) {
        // Switching Protocols: what follows is no longer HTTP; keep it unread.
        m_buffer.remove(0, bodyStart);
        m_responses.append(response);
        m_switched = true;
        return false;
    }
    if (response.status / 100 == 1) { // 100 Continue and friends: no body
        consumed = bodyStart;
    } else if (response.header("transfer-encoding").toLower().contains("chunked")) {
        qsizetype at = bodyStart;
        while (true) {
            const qsizetype lineEnd = m_buffer.indexOf("\r\n", at);
            if (lineEnd < 0)
                return false;
            const qsizetype size =
                m_buffer.mid(at, lineEnd - at).split(';').value(0).trimmed().toLongLong(&ok, 16);
            if (!ok || size < 0) {
                m_protocolError = true;
                return false;
            }
            if (m_buffer.size() < lineEnd + 2 + size + 2)
                return false;
            if (size == 0) {
                consumed = lineEnd + 4; // no trailers expected
                break;
            }
            response.body += m_buffer.mid(lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    } else if (response.hasHeader("content-length")) {
        const qsizetype length = response.header("content-length").toLongLong(&ok);
        if (!ok || length < 0) {
            m_protocolError = true;
            return false;
        }
        if (m_buffer.size() < bodyStart + length)
            return false;
        response.body = m_buffer.mid(bodyStart, length);
        consumed = bodyStart + length;
    } else if (response.status == 204 || response.status == 304) {
        consumed = bodyStart;
    } else {
        // Framed by the close of the connection.
        if (!m_closed)
            return false;
        response.body = m_buffer.mid(bodyStart);
        consumed = m_buffer.size();
    }
    m_buffer.remove(0, consumed);
    if (response.status / 100 != 1)
        m_responses.append(response);
    return true;
}

} // namespace Switchboard::Check
