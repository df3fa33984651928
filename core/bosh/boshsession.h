// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/config.h"
#include "bosh/boshbody.h"
#include "bosh/coalescer.h"
#include "bosh/endedsessions.h"
#include "bosh/responder.h"
#include "monitor/hub.h"
#include "stream/clientstream.h"
#include "xmpp/serverlink.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QMap>
#include <QObject>
#include <QString>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace Switchboard::Bosh {

/// Terminal binding conditions (XEP-0124 §17.2): the conditions every client stream shares.
using Condition = Stream::Condition;
using Stream::conditionName;
using Stream::Upstream;

/// One BOSH session (XEP-0124 + XEP-0206): the rid window and in-order forwarding, held requests,
/// the response cache and resends, acks, wait/inactivity/pause timers, overactivity, key sequencing,
/// stream restarts and several streams. It knows nothing about sockets: requests come in as parsed
/// bodies with a Responder; the XMPP side is one Upstream per stream, made by the factory. Time is
/// whatever the clock says (milliseconds), and checkTimers() is called by the owner, so every rule is
/// testable without a network.
///
/// Coalescing (XEP-0124 §8 asks for at most `hold` requests waiting, answers in rid order, and payloads
/// returned as soon as they arrive; §11 lets the client have `requests` open): a client like strophe.js
/// keeps one poll held (hold=1, requests=2) and sends each stanza in a new request. Answering the held
/// poll empty the moment that request arrives costs a second exchange when the server's reply follows a
/// millisecond later. So when a request that carried payload (forwarded to the server) pushes the held
/// count past `hold`, the oldest held request is kept for at most `bosh_coalesce_delay` ms more:
/// - only for such a request, only one request above `hold`, and only while that stays within
///   `requests`, so what is held never exceeds what the client may have open;
/// - the first server payload answers it (payload instead of an empty body); when the delay passes, it
///   is answered with whatever arrived by then, empty if nothing did;
/// - any other request arriving meanwhile, a terminate, a pause or the end of the session answers it at
///   once, as without the delay; answers still go out in rid order (always the oldest first);
/// - no timer of its own: the owner's Coalescer (Context::coalescer) keeps one entry while a request
///   waits this way, removed as soon as it is answered. A delay of 0 (or no Coalescer) turns it off.
///
/// A ClientStream: the hub, the admission, the upstreams and finished() are handled there. Lives in one
/// thread. finished() is emitted once, after which the owner deletes the session (deleteLater: it may
/// fire from inside handleRequest()).
class BoshSession final : public Stream::ClientStream
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BoshSession)
public:
    using UpstreamFactory =
        std::function<std::unique_ptr<Upstream>(BoshSession *session, const QString &stream)>;
    using Clock = std::function<qint64()>;

    struct Context
    {
        QString sid;
        QHostAddress clientAddress;
        QString userAgent;
        bool clientSecure = false; ///< the HTTP request came over TLS
        /// Checks `to` and `route` against the allowlist (null: everything allowed, for tests).
        const Xmpp::Resolver *resolver = nullptr;
        /// Session admission (null: none, for tests).
        Limits *limits = nullptr;
        /// The shared timer of the coalescing waits (null: no coalescing). Must outlive the session.
        Coalescer *coalescer = nullptr;
        /// Where an end the session chose is kept for its late requests (null: not kept). Must
        /// outlive the session.
        EndedSessions *ended = nullptr;
    };

    /// `config` must outlive the session.
    BoshSession(const Config &config, const Context &context, UpstreamFactory factory, Clock clock,
                Monitor::Hub *hub, QObject *parent = nullptr);
    BoshSession(Config &&config, const Context &context, UpstreamFactory factory, Clock clock,
                Monitor::Hub *hub, QObject *parent = nullptr) = delete;
    ~BoshSession() override;

    /// The session creation request (no sid). Validates, opens the first stream and answers once the
    /// server's stream features arrive (or with the terminal condition).
    void create(const Body &body, ResponderPtr responder);
    /// Any later request of this session.
    void handleRequest(const Body &body, ResponderPtr responder);
    /// Fires wait, inactivity and pause deadlines that have passed. Called by the owner periodically.
    void checkTimers() override;
    /// The earliest time (clock ms) at which checkTimers() has something to do; 0 when nothing pends.
    qint64 nextDeadline() const;
    /// Ends the session from the outside (shutdown, operator): held requests get the condition, and so
    /// does a request that comes after the end (EndedSessions).
    void terminate(Condition condition, const QString &text = {}) override;
    /// Ends the session because of `request` (one the front refused, a stanza over the size cap, say):
    /// it gets `condition`, held requests get other-request (XEP-0124 §17.2), and later requests find
    /// no session (item-not-found), as for any end the client caused.
    void refuse(Condition condition, const ResponderPtr &request);
    /// Workbench action (the monitor window's "inject"): puts one stanza into the first open stream,
    /// toward the server (as if the client had sent it) or toward the client (as if the server had).
    /// It is counted and recorded like any other. False when no stream is open.
    bool inject(Monitor::Direction direction, const QByteArray &xml) override;

    // Events from the upstream of a stream (Stream::UpstreamEvents).
    void upstreamOpened(const QString &stream, const Xmpp::StreamHeader &header) override;
    void upstreamElement(const QString &stream, const QByteArray &xml) override;
    void upstreamClosed(const QString &stream) override;
    void upstreamFailed(const QString &stream, Xmpp::LinkFailure failure, const QByteArray &streamErrorXml,
                        const QString &reason = {}) override;

    const QString &sid() const { return id(); }
    bool canDropResponses() const override { return true; }
    bool hasFaultHooks() const override { return true; }
    void deliverToServer(const QString &stream, const QByteArray &xml) override;
    bool cutUpstreams() override;
    int heldCount() const { return int(m_held.size()); }
    int streamCount() const { return int(m_streams.size()); }
    int wait() const { return m_wait; }
    int hold() const { return m_hold; }
    int requests() const { return m_requests; }
    int inactivity() const { return m_inactivity; }
    /// A held request above `hold` waits for the server's reply (see above).
    bool coalescing() const { return m_coalescing; }

private:
    friend class Coalescer;
    /// From the Coalescer: the delay is over.
    void coalescingDue();
    struct XmppStream
    {
        QString name;
        QString domain;
        std::unique_ptr<Upstream> upstream;
        bool opened = false;     ///< the server answered the stream header
        bool restarting = false; ///< a restart was asked; features not back yet
        bool announced = false;  ///< the client was told about this stream (creation/add response)
        bool closing = false;
        int bindWatch = 0; ///< server stanzas still checked for the bind result (monitor)
        /// Of the server's stream header, what the client is told (authid, xmpp:version): the whole
        /// header is the server link's.
        QString streamId;
        QString streamVersion;
    };
    struct Incoming
    {
        Body body;
        ResponderPtr responder;
    };
    struct Held
    {
        qint64 rid = 0;
        ResponderPtr responder;
        qint64 deadline = 0; ///< answer with an empty body at this time
        QString stream;      ///< for an "add stream" or creation request: the stream to announce
        bool announce = false;
        qint64 arrived = -1; ///< when it was held (monitor: answer latency); -1: the creation request
    };
    struct Outgoing
    {
        QString stream;
        QByteArray xml;
        /// A terminal marker: the stream (or, with one stream, the session) ends here with this
        /// condition once the payloads before it are delivered. `xml` then holds the inner element.
        bool terminal = false;
        Condition condition = Condition::None;
    };
    /// A response kept for a resend (§14.3). What an idle session keeps, so kept small: the body at
    /// its exact size (an empty body shares one static copy), and the payloads and stream only while
    /// the body has not been written (they are what gets bounced if it never reaches the client).
    struct Cached
    {
        QByteArray body;
        QList<QByteArray> stanzas; ///< while undelivered: the payloads in it, for bouncing
        QString stream;            ///< while undelivered
        qint64 sentAt = 0;
        int status = 200;
        bool delivered = true;
        /// Written to the client's connection: the payloads need no bouncing any more.
        void markDelivered();
    };

    void process(Incoming incoming);
    void processAddStream(const Body &body, qint64 rid, ResponderPtr responder);
    bool targetAllowed(const Body &body) const;
    bool checkKey(const Body &body);
    bool keyed() const; ///< the client uses key sequencing (§15)
    /// A repeated rid must carry the key its first request carried (§15).
    bool repeatKeyMatches(const Body &body, qint64 rid) const;
    void handleAck(qint64 ack, qint64 rid, const ResponderPtr &responder, bool *answered);
    XmppStream *streamFor(const Body &body, bool *ambiguous);
    XmppStream *findStream(const QString &name);
    XmppStream *openStream(const Body &body, const QString &domain);
    /// Holds a request in rid order and answers the oldest beyond `hold`. `carriedPayload`: the
    /// request's payloads went to the server, so the oldest may wait for the reply (coalescing).
    void hold(Held held, bool carriedPayload = false);
    void stopCoalescing();
    /// Answers what waits above `hold` now (the delay passed, or a new request came).
    void endCoalescing();
    /// Drops held requests whose client connection closed (queued after Responder::onGone): what would
    /// have gone to them stays queued for the session's next request.
    void dropGoneRequests();
    void abandon(const Held &held);
    void answerOldest(bool forceEmpty);
    void answer(Held &held, QList<Outgoing> payloads, QList<QPair<QString, QString>> extra = {});
    /// `mayDrop`: an ordinary answer, which the drop fault may keep from the client.
    void send(qint64 rid, const ResponderPtr &responder, int status, QByteArray body,
              QList<QByteArray> stanzas = {}, const QString &stream = {}, bool mayDrop = false);
    void scheduleFlush();
    void flush();
    void fail(Condition condition, const QByteArray &inner = {}, const ResponderPtr &extra = {},
              const QString &stream = {});
    void closeStream(XmppStream &stream, bool bounceQueued);
    void finish(Condition condition, const QString &reason = {});
    void bounceUndelivered();
    void forward(XmppStream &stream, const QList<QByteArray> &payloads);
    QList<QPair<QString, QString>> creationAttributes(const XmppStream &stream) const;
    QByteArray terminateBody(Condition condition, const QByteArray &inner, const QString &stream) const;
    int legacyStatus(Condition condition) const;
    void trimCache();
    /// Forgets the kept responses up to `rid`: the client's requests show it has them (§9, §14.3),
    /// `acknowledged` by acks (the monitor hears of it), or there is no room left. One that was never
    /// written is bounced.
    void forgetResponsesUpTo(qint64 rid, bool acknowledged);
    QString newStreamName() const;
    bool multiStream() const { return m_streams.size() > 1; }

    // Of the Context, what is not the ClientStream's already (id, address, user agent, limits).
    const Xmpp::Resolver *m_resolver = nullptr;
    Coalescer *m_coalescer = nullptr;
    EndedSessions *m_ended = nullptr;
    Clock m_clock;

    // Negotiated at creation (XEP-0124 §7.1).
    int m_wait = 60;
    int m_hold = 1;
    int m_requests = 2;
    int m_inactivity = 60;
    int m_polling = 2;
    int m_maxPause = 120;
    QString m_ver;
    bool m_legacy = false; ///< no `ver` at creation: legacy HTTP error codes (§17.1)
    bool m_acks = false;
    bool m_coalescing = false; ///< a request above `hold` waits (an entry in the Coalescer)
    QString m_lang;
    QString m_from;
    QString m_key; ///< expected SHA-1 (hex) of the next key (§15)
    // QMaps, not std::maps, where mostly empty: a null pointer rather than 48 bytes in every session.
    QMap<qint64, QString> m_usedKeys; ///< key sequencing only: the key each recent rid carried

    qint64 m_lastRid = 0;                ///< highest rid processed in order
    qint64 m_lastRespondedRid = 0;       ///< highest rid answered
    QMap<qint64, Incoming> m_outOfOrder; ///< rids above m_lastRid + 1, waiting for the gap
    QList<Held> m_held;                  ///< in rid order (QList: an empty std::deque allocates)
    /// A std::map: an idle session keeps one response, and a QMap would add a block of its own.
    std::map<qint64, Cached> m_cache; ///< responses kept for resends (§14.3)
    QList<Outgoing> m_queue;          ///< server payloads waiting for a request
    qint64 m_queuedBytes = 0;         ///< bytes of the stanzas in m_queue (max_client_backlog)
    /// rids whose held request lost its connection before an answer; a resend of one is held again
    QList<qint64> m_abandoned;
    /// arrivals of new empty requests since the last answer with payloads, within `polling` (overactivity)
    QList<qint64> m_emptyArrivals;
    std::vector<XmppStream> m_streams;

    qint64 m_lastActivity = 0;  ///< when the last request arrived or the last held one was answered
    qint64 m_pauseUntil = 0;    ///< while paused, inactivity is stretched to this time (§10)
    qint64 m_lastEmptyPoll = 0; ///< arrival of the last empty request answered without payload
    bool m_lastResponseEmpty = false;
    bool m_flushScheduled = false;
    bool m_dropScheduled = false;
    bool m_overflowing = false; ///< max_client_backlog exceeded; the session ends from the event loop
    bool m_creating = true;
};

} // namespace Switchboard::Bosh
