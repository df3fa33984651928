// SPDX-License-Identifier: GPL-3.0-or-later
#include "rest/eventstream.h"

#include "http/httpserver.h"
#include "rest/restsession.h"

#include <QJsonDocument>

#include <algorithm>

namespace Switchboard::Rest {

EventStream *EventStream::start(RestSession *session, Http::Exchange *exchange, qint64 after, int keepAliveMs,
                                int recycleAfter)
{
    Http::Response head;
    head.contentType = QByteArrayLiteral("text/event-stream");
    // Events carry messages: never stored on the way (RFC 9111 §5.2.2.5); and nginx must pass each
    // one on as it comes rather than buffer the answer.
    head.headers.append({QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store")});
    head.headers.append({QByteArrayLiteral("X-Accel-Buffering"), QByteArrayLiteral("no")});
    head.headers.append({QByteArrayLiteral("X-Content-Type-Options"), QByteArrayLiteral("nosniff")});
    head.body = "retry: " + QByteArray::number(kRetryMs) + "\n\n";
    if (!exchange->startStream(std::move(head)) || !exchange->isStreaming())
        return nullptr; // gone, or HEAD: the head was the whole answer
    return new EventStream(session, exchange, after, keepAliveMs, recycleAfter);
}

EventStream::EventStream(RestSession *session, Http::Exchange *exchange, qint64 after, int keepAliveMs,
                         int recycleAfter)
    : QObject(exchange), m_session(session), m_exchange(exchange), m_sent(after),
      m_recycleAfter(qMax(1, recycleAfter))
{
    m_session->attachReader();
    m_attached = true;
    connect(session, &RestSession::eventQueued, this, &EventStream::pump);
    // The session ends: the final event went out through eventQueued; whatever happens, end here too.
    connect(session, &QObject::destroyed, this, &EventStream::close);
    connect(exchange, &Http::Exchange::writable, this, &EventStream::pump);
    // The client went away: detach now, not when the Exchange is deleted.
    connect(exchange, &Http::Exchange::aborted, this, &EventStream::detach);
    m_keepAlive.setInterval(keepAliveMs);
    connect(&m_keepAlive, &QTimer::timeout, this, &EventStream::keepAlive);
    m_keepAlive.start();
    pump();
}

EventStream::~EventStream()
{
    detach();
}

void EventStream::pump()
{
    if (!m_session || !m_exchange || !m_exchange->isStreaming())
        return;
    const std::deque<Event> &events = m_session->events();
    auto it = std::upper_bound(events.begin(), events.end(), m_sent,
                               [](qint64 seq, const Event &event) { return seq < event.seq; });
    for (; it != events.end(); ++it) {
        const Event &event = *it;
        // One line of JSON: QJsonDocument's compact form escapes every line break inside strings.
        const QByteArray frame = "id: " + QByteArray::number(event.seq) +
                                 "\ndata: " + QJsonDocument(event.toJson()).toJson(QJsonDocument::Compact) +
                                 "\n\n";
        if (!m_exchange->write(frame))
            return; // the client reads slowly: go on when it has taken enough (writable())
        m_sent = event.seq;
        ++m_delivered;
        m_keepAlive.start(); // a comment only after a quiet interval
        const bool last = event.kind == QLatin1String("session") && event.type == QLatin1String("closed");
        if (last || m_delivered >= m_recycleAfter) {
            close();
            return;
        }
    }
}

void EventStream::keepAlive()
{
    // A comment line (ignored by EventSource); refused only when the output is backed up anyway.
    if (m_exchange && m_exchange->isStreaming())
        m_exchange->write(": keep-alive\n\n");
}

void EventStream::close()
{
    m_keepAlive.stop();
    detach();
    if (m_exchange)
        m_exchange->endStream(); // deletes the Exchange, and with it this object, later
}

void EventStream::detach()
{
    m_keepAlive.stop();
    if (!m_attached)
        return;
    m_attached = false;
    if (m_session) {
        QObject::disconnect(m_session, nullptr, this, nullptr);
        m_session->detachReader();
    }
}

} // namespace Switchboard::Rest
