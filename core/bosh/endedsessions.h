// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

#include <chrono>
#include <deque>
#include <mutex>
#include <optional>

namespace Switchboard::Bosh {

/// The terminal answers of BOSH sessions that the connection manager ended on its own (the server link
/// lost, the operator's terminate, a shutdown), kept a short while after the session is gone: a request
/// that comes too late to be held (the client was between requests, or a second request was on its
/// way) learns the session's real condition (XEP-0124 §17.2: remote-connection-failed, see-other-uri
/// with its URI, system-shutdown…) instead of item-not-found. Ends the client chose (its own terminate,
/// a refused request) are not kept: it already has the answer.
///
/// Bounded: each answer is kept kKeep, and at most kMaxEntries at once (the oldest go first). One per
/// Server, shared by every worker's BOSH endpoint, so a late request on any worker finds it:
/// thread-safe (a mutex; touched only when a session ends and for a sid no worker holds).
class EndedSessions final
{
    Q_DISABLE_COPY_MOVE(EndedSessions)
public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::seconds kKeep{60};
    static constexpr int kMaxEntries = 10000;

    /// What a late request for an ended session is answered: an HTTP status and the terminate body.
    struct Answer
    {
        int status = 200;
        QByteArray body;
    };

    EndedSessions() = default;

    /// Keeps `answer` for session `sid` until kKeep after `now` (a session ends once: a second answer
    /// for the same `sid` is ignored).
    void remember(const QString &sid, const Answer &answer, Clock::time_point now = Clock::now());
    /// The answer kept for `sid`, while it is kept; every late request of the session gets it.
    std::optional<Answer> find(const QString &sid, Clock::time_point now = Clock::now());
    /// Answers kept now (expired ones are dropped as new ones come and on find()).
    int count() const;

private:
    struct Entry
    {
        Answer answer;
        Clock::time_point until;
    };
    /// Drops expired entries from the front of m_order, then the oldest beyond kMaxEntries.
    void prune(Clock::time_point now);

    mutable std::mutex m_lock;
    QHash<QString, Entry> m_answers;
    std::deque<QString> m_order; ///< sids in the order they were remembered (oldest first)
};

} // namespace Switchboard::Bosh
