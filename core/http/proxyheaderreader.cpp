// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/proxyheaderreader.h"

#include <QSslSocket>

#include <chrono>

namespace Switchboard::Http {

ProxyHeaderReader::ProxyHeaderReader(Transport socket, int timeoutSeconds, QObject *parent)
    : QObject(parent), m_socket(socket)
{
    socket.setParent(this);
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this,
            [this] { fail(QByteArrayLiteral("PROXY protocol header not complete in time")); });
    if (timeoutSeconds > 0)
        m_deadline.start(std::chrono::seconds(qMin(timeoutSeconds, 7 * 24 * 3600)));
    using Slot = void (ProxyHeaderReader::*)();
    socket.connectTo(this, &ProxyHeaderReader::onReadyRead, Slot{}, &ProxyHeaderReader::onDisconnected);
    // Bytes that came with the connection do not announce themselves again; queued, so that the
    // signals fire only once the creator has connected to them.
    QMetaObject::invokeMethod(this, &ProxyHeaderReader::onReadyRead, Qt::QueuedConnection);
}

ProxyHeaderReader::~ProxyHeaderReader() = default;

Transport ProxyHeaderReader::takeSocket()
{
    const Transport socket = m_socket;
    if (!socket.isNull() && m_done && m_parser.status() == ProxyHeaderParser::Status::Complete) {
        socket.setParent(nullptr);
        m_socket = Transport();
        return socket;
    }
    return {};
}

void ProxyHeaderReader::onDisconnected()
{
    fail(QByteArrayLiteral("connection closed before the PROXY protocol header"));
}

void ProxyHeaderReader::onReadyRead()
{
    if (m_done || m_socket.isNull())
        return;
    // Never more than the parser may still take: the header is capped, and the bytes after it are not
    // ours to read. At least one byte is asked for: only a read sees the end of the stream on an
    // unbuffered socket.
    const qint64 room = ProxyHeaderParser::MaxHeaderSize - m_parser.size();
    const qint64 want = m_socket.isSecure() ? qBound<qint64>(1, m_socket.bytesBuffered(), room) : room;
    const SocketInput input = m_socket.peek(want);
    const QByteArray &data = input.data;
    if (data.isEmpty()) {
        if (input.closed)
            fail(QByteArrayLiteral("connection closed before the PROXY protocol header"));
        return;
    }
    qsizetype consumed = 0;
    const ProxyHeaderParser::Status status = m_parser.feed(data, &consumed);
    // skip(), not read(): read() of a few bytes fills QIODevice's read-ahead buffer, and on a QSslSocket
    // in unencrypted mode that would swallow the ClientHello behind the header, which the TLS backend
    // then never sees (it reads the plain socket). QSslSocket::skipData() takes exactly these bytes.
    if (consumed > 0 && !m_socket.skip(consumed)) {
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
    m_socket.disconnectFrom(this);
    Q_EMIT finished(m_parser.header());
}

void ProxyHeaderReader::fail(const QByteArray &reason)
{
    if (m_done)
        return;
    m_done = true;
    m_deadline.stop();
    if (!m_socket.isNull()) {
        m_socket.disconnectFrom(this);
        // Spec §2.1: abort "as soon as possible so that the sender gets a chance to notice the anomaly".
        m_socket.abort();
    }
    Q_EMIT failed(reason);
}

} // namespace Switchboard::Http
