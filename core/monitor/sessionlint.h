// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "monitor/hub.h"
#include "monitor/problem.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <array>
#include <functional>

namespace Switchboard::Monitor {

/// The client lint of one session (docs/MONITORING.md, "Problems"): the front tells it what the
/// session sees (requests, answers, messages, stanzas each way, pings) and it reports what breaks the
/// specs as Hub::problemFound, on its own bookkeeping, without changing what the session does (a rule
/// the session enforces with an error is still reported here).
///
/// Made only while Hub::wantsLint() when the session starts (Stream::ClientStream::startLint()); the
/// session owns it and calls it on the session's thread, so nothing here locks. Small and capped: a
/// few counters, eight remembered rids, sixteen open IQs each way, and at most kMaxProblems reports.
class SessionLint
{
public:
    using Clock = std::function<qint64()>;
    static constexpr int kMaxProblems = 32;   ///< reports per session; later ones are dropped
    static constexpr int kMaxPendingIqs = 16; ///< IQs awaiting an answer, per direction
    static constexpr qint64 kRidGapMs = 2000; ///< a missing rid is skipped when still missing after this
    static constexpr qint64 kMaxHoldGraceMs = 5000; ///< the longest time a hold>0 session may hold nothing

    /// `hub` must outlive the lint. `timeoutMs`: how long an IQ may wait for its answer, and a ping for
    /// its pong (lint_timeout).
    SessionLint(Hub *hub, const QString &sid, Transport transport, qint64 timeoutMs, Clock clock);

    // --- BOSH (XEP-0124, XEP-0206) ---
    struct BoshRequest
    {
        qint64 rid = -1;        ///< -1: none or unreadable
        size_t contentHash = 0; ///< of the payloads, to tell a resend from a different request
        int payloads = 0;
        bool restart = false;
        bool terminate = false;
        bool pause = false;
        bool hasTo = false;
        bool hasLang = false;
    };
    /// The session creation request.
    void boshSessionRequest(const BoshRequest &request);
    /// What the session granted (after the creation request was accepted).
    void boshNegotiated(int wait, int hold, int requests, int polling);
    /// Any later request.
    void boshRequest(const BoshRequest &request);
    /// A response went out for `rid`; `empty`: it carried no payload.
    void boshAnswered(qint64 rid, bool empty);
    /// A held request's connection closed before its answer; it had been held since `heldSince`.
    void boshGone(qint64 rid, qint64 heldSince);
    /// A request for this session after it ended.
    void afterEnd();

    // --- WebSocket (RFC 7395) ---
    /// An <open/>: the first one, or a restart.
    void wsOpen(bool restart, bool hasTo);
    /// A stanza (any element but <open/> and <close/>) in one message; `beforeOpen`: no stream yet.
    void wsElement(bool beforeOpen);
    /// A message that is not one well-formed element; `error` is the parser's.
    void wsBadMessage(const QString &error);
    void wsClose();
    /// A message arrived after the stream closed; a problem when the client had sent <close/>.
    void wsMessageAfterClose();
    /// The connection ended; `closedBefore`: a <close/> went either way first.
    void wsDisconnected(bool closedBefore);
    void wsPingSent();
    void wsPong();

    // --- Both ---
    /// One stanza forwarded, as forwarded (Stream::ClientStream::forwarded()).
    void stanza(Direction direction, const QByteArray &xml);
    /// Deadlines: skipped rids, an empty hold, unanswered IQs and pings. Called on the session's tick.
    void tick();

    int reported() const { return m_reported; }

private:
    void report(ProblemKind kind, ProblemSide side, const QString &detail, Direction direction = {},
                const QByteArray *stanza = nullptr, qsizetype stanzaSize = 0);
    void requestArrived(const BoshRequest &request, qint64 now);
    void closeRid(qint64 rid);

    struct PendingIq
    {
        size_t idHash = 0;
        qint64 deadline = 0; ///< 0: free slot
        qsizetype size = 0;  ///< of the IQ as forwarded, to find its traffic record
        QByteArray id;       ///< for the report
    };

    Hub *m_hub = nullptr;
    QString m_sid;
    Transport m_transport;
    qint64 m_timeoutMs = 30000;
    Clock m_clock;
    int m_reported = 0;

    // BOSH
    int m_wait = 0;
    int m_hold = 1;
    int m_requests = 2;
    int m_polling = 0;
    qint64 m_next = -1;    ///< the next rid in sequence (-1: no session request yet)
    quint64 m_ahead = 0;   ///< bit i: rid m_next + 1 + i arrived already
    qint64 m_gapSince = 0; ///< a later rid arrived while m_next had not (0: no gap)
    std::array<std::pair<qint64, size_t>, 8> m_contents{}; ///< (rid, content hash) by rid % 8
    std::array<qint64, 16> m_open{};                       ///< rids awaiting their answer (0: free)
    qint64 m_lastAnswered = -1;                            ///< the highest rid answered
    qint64 m_lastEmptyPoll = 0;
    bool m_lastAnswerEmpty = false;
    qint64 m_holdEmptySince = 0; ///< hold>0 and nothing held since then (0: something is held)
    bool m_paused = false;
    bool m_terminated = false;
    bool m_saslSucceeded = false; ///< SASL success went to the client; a restart is due

    // WebSocket
    bool m_wsOpened = false;
    bool m_wsClosed = false;
    qint64 m_pingSent = 0;

    std::array<PendingIq, kMaxPendingIqs> m_fromClient{}; ///< IQ get/set sent by the client
    std::array<PendingIq, kMaxPendingIqs> m_toClient{};   ///< IQ get/set sent to the client
};

} // namespace Switchboard::Monitor
