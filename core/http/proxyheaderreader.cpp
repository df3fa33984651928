// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/proxyheaderreader.h"

#include <QTcpSocket>

#include <chrono>

namespace Switchboard::Http {

ProxyHeaderReader::ProxyHeaderReader(QTcpSocket *socket, int timeoutSeconds, QObject *parent)
    : QObject(parent), m_socket(socket)
{
    socket->setParent(this);
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this,
            [this] { fail(QByteArrayLiteral("PROXY protocol header not complete in time")); });
    if (timeoutSeconds > 0)
        m_deadline.start(std::chrono::seconds(qMin(timeoutSeconds, 7 * 24 * 3600)));
    connect(socket, &QTcpSocket::readyRead, this, &ProxyHeaderReader::onReadyRead);
    connect(socket, &QTcpSocket::disconnected, this,
            [this] { fail(QByteArrayLiteral("connection closed before the PROXY protocol header")); });
    // Bytes that came with the connection do not announce themselves again; queued, so that the
    // signals fire only once the creator has connected to them.
    QMetaObject::invokeMethod(this, &ProxyHeaderReader::onReadyRead, Qt::QueuedConnection);
}

ProxyHeaderReader::~ProxyHeaderReader() = default;

QTcpSocket *ProxyHeaderReader::takeSocket()
{
    QTcpSocket *socket = m_socket;
    if (socket && m_done && m_parser.status() == ProxyHeaderParser::Status::Complete) {
        socket->setParent(nullptr);
        m_socket = nullptr;
        return socket;
    }
    return nullptr;
}

void ProxyHeaderReader::onReadyRead()
{
    if (m_done || !m_socket)
        return;
    // Never more than the parser may still take: the header is capped, and the bytes after it are not
    // ours to read.
    const qint64 room = ProxyHeaderParser::MaxHeaderSize - m_parser.size();
    // At least one byte is asked for: on an unbuffered socket only a read sees the end of the stream
    // (Qt then closes the socket without disconnected()).
    const QByteArray data = m_socket->peek(qBound<qint64>(1, m_socket->bytesAvailable(), room));
    if (data.isEmpty()) {
        if (m_socket->state() != QAbstractSocket::ConnectedState)
            fail(QByteArrayLiteral("connection closed before the PROXY protocol header"));
        return;
    }
    qsizetype consumed = 0;
    const ProxyHeaderParser::Status status = m_parser.feed(data, &consumed);
    // skip(), not read(): read() of a few bytes fills QIODevice's read-ahead buffer, and on a QSslSocket
    // in unencrypted mode that would swallow the ClientHello behind the header, which the TLS backend
    // then never sees (it reads the plain socket). QSslSocket::skipData() takes exactly these bytes.
    if (consumed > 0 && m_socket->skip(consumed) != consumed) {
        fail(QByteArrayLiteral("cannot consume the PROXY protocol header"));
        return;
    }
    if (status == ProxyHeaderParser::Status::Invalid) {
        fail(m_parser.error());
        return;
    }
    if (status == ProxyHeaderParser::Status::NeedMore)
        return;
    m_done = true;
    m_deadline.stop();
    QObject::disconnect(m_socket, nullptr, this, nullptr);
    Q_EMIT finished(m_parser.header());
}

void ProxyHeaderReader::fail(const QByteArray &reason)
{
    if (m_done)
        return;
    m_done = true;
    m_deadline.stop();
    if (m_socket) {
        QObject::disconnect(m_socket, nullptr, this, nullptr);
        // Spec §2.1: abort "as soon as possible so that the sender gets a chance to notice the anomaly".
        m_socket->abort();
    }
    Q_EMIT failed(reason);
}

} // namespace Switchboard::Http
