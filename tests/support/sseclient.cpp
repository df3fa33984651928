// SPDX-License-Identifier: GPL-3.0-or-later
#include "sseclient.h"

#include <QJsonDocument>
#include <QTest>

namespace Switchboard::Test {

SseClient::SseClient()
{
    QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket, [this] { onReadyRead(); });
    QObject::connect(&m_socket, &QTcpSocket::disconnected, &m_socket, [this] {
        if (m_headDone && !m_chunked)
            m_ended = true; // a close-delimited body ends with the connection
    });
}

void SseClient::open(quint16 port, const QByteArray &target, const QByteArray &extraHeaders)
{
    m_socket.connectToHost(QHostAddress::LocalHost, port);
    m_socket.write("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n" +
                   extraHeaders + "\r\n");
}

bool SseClient::waitHead(int timeoutMs)
{
    return QTest::qWaitFor([this] { return m_headDone; }, timeoutMs);
}

bool SseClient::waitEvents(qsizetype count, int timeoutMs)
{
    return QTest::qWaitFor([this, count] { return m_events.size() >= count; }, timeoutMs);
}

bool SseClient::waitEnd(int timeoutMs)
{
    return QTest::qWaitFor([this] { return m_ended; }, timeoutMs);
}

QByteArray SseClient::header(QByteArrayView name) const
{
    for (const auto &[key, value] : m_headers) {
        if (key == name)
            return value;
    }
    return {};
}

QList<QJsonObject> SseClient::ofKind(const QString &kind) const
{
    QList<QJsonObject> out;
    for (const Event &e : m_events) {
        if (e.data.value(QStringLiteral("kind")).toString() == kind)
            out.append(e.data);
    }
    return out;
}

void SseClient::onReadyRead()
{
    m_raw += m_socket.readAll();
    if (!m_headDone) {
        const qsizetype end = m_raw.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> lines = m_raw.first(end).split('\n');
        const QList<QByteArray> status = lines.first().trimmed().split(' ');
        m_status = status.size() > 1 ? status.at(1).toInt() : 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon > 0)
                m_headers.append({line.first(colon).toLower(), line.sliced(colon + 1).trimmed()});
        }
        m_chunked = header("transfer-encoding").toLower() == "chunked";
        m_raw.remove(0, end + 4);
        m_headDone = true;
        if (m_status != 200 && !header("content-length").isEmpty()) {
            m_text = m_raw; // an error answer: its JSON, kept as text
            return;
        }
    }
    parseBody();
}

void SseClient::parseBody()
{
    if (!m_chunked) {
        m_text += std::exchange(m_raw, {});
    } else {
        // RFC 9112 §7.1: size in hex, CR LF, the data, CR LF; a zero size ends the body.
        while (!m_ended) {
            const qsizetype lineEnd = m_raw.indexOf("\r\n");
            if (lineEnd < 0)
                break;
            bool ok = false;
            const qsizetype size = m_raw.first(lineEnd).toLongLong(&ok, 16);
            if (!ok)
                break;
            if (size == 0) {
                m_ended = true;
                break;
            }
            if (m_raw.size() < lineEnd + 2 + size + 2)
                break;
            m_text += m_raw.mid(lineEnd + 2, size);
            m_raw.remove(0, lineEnd + 2 + size + 2);
        }
    }
    parseEvents();
}

void SseClient::parseEvents()
{
    // Events end with an empty line; the fields are "name: value" lines, comments start with ':'.
    qsizetype end;
    while ((end = m_text.indexOf("\n\n")) >= 0) {
        const QByteArray block = m_text.first(end);
        m_text.remove(0, end + 2);
        Event event;
        bool hasData = false;
        for (const QByteArray &line : block.split('\n')) {
            if (line.startsWith(':')) {
                m_comments.append(line.mid(1).trimmed());
            } else if (line.startsWith("id: ")) {
                event.id = line.mid(4).toLongLong();
            } else if (line.startsWith("data: ")) {
                event.data = QJsonDocument::fromJson(line.mid(6)).object();
                hasData = true;
            } else if (line.startsWith("retry: ")) {
                m_retry = line.mid(7);
            }
        }
        if (hasData)
            m_events.append(event);
    }
}

} // namespace Switchboard::Test
