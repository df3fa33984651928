// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace Switchboard::Http {
class Exchange;
}

namespace Switchboard::Rest {

class RestSession;

/// One Server-Sent Events stream (HTML Living Standard, "Server-sent events") of a RestSession's
/// events over one HTTP answer (Http::Exchange::startStream): each event goes out as `id: <seq>` and
/// `data: <its JSON on one line>`, in order, as it is queued; a comment line `: keep-alive` every
/// `keepAliveMs` keeps proxies from cutting a quiet stream.
///
/// The stream only reads the session's queue: events stay there until the client acknowledges them
/// (Last-Event-ID on its next connection, or a poll's `after`), so a stream lost on the way loses
/// nothing. To keep a long-lived stream from filling the queue, the stream ends itself after
/// `recycleAfter` events; the client reconnects (after `retry: 1000`, the stream's first line) with
/// Last-Event-ID, which acknowledges what it got. It also ends after the session's final event
/// (kind session, type closed), and when the session goes away.
///
/// While attached it counts as a waiting reader of the session (RestSession::attachReader()). The
/// client closing the connection detaches it at once. A child of its Exchange, so it is deleted with
/// it; lives in the REST front's thread.
class EventStream final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventStream)
public:
    /// Starts the answer on `exchange` (headers: text/event-stream, no-store, X-Accel-Buffering no)
    /// and sends the events after `after`. Returns the stream, or null when none was made (the client
    /// had gone, or a HEAD request got the head alone).
    static EventStream *start(RestSession *session, Http::Exchange *exchange, qint64 after, int keepAliveMs,
                              int recycleAfter);
    /// Ends the stream now (the answer's last chunk) and detaches from the session.
    void end() { close(); }

    /// The reconnection time the stream asks of an EventSource (ms).
    static constexpr int kRetryMs = 1000;

    ~EventStream() override;

private:
    EventStream(RestSession *session, Http::Exchange *exchange, qint64 after, int keepAliveMs,
                int recycleAfter);
    /// Writes the events after the last one sent, as long as the connection takes them.
    void pump();
    void keepAlive();
    /// Ends the answer (if the connection is still there) and detaches from the session.
    void close();
    void detach();

    QPointer<RestSession> m_session;
    QPointer<Http::Exchange> m_exchange;
    qint64 m_sent = 0; ///< seq of the last event written
    int m_delivered = 0;
    int m_recycleAfter = 0;
    bool m_attached = false;
    QTimer m_keepAlive;
};

} // namespace Switchboard::Rest
