// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QSet>
#include <QString>

#include <deque>

namespace Switchboard::Rest {

/// Catching up from the account's own message archive (XEP-0313, urn:xmpp:mam:2) after a REST
/// session logged in again (not after a XEP-0198 resumption, which loses nothing), and the
/// deduplication that makes every message an event exactly once.
///
/// - Live messages: noteLive() records the archive id the server stamped on each (XEP-0359 <stanza-id
///   by='own bare JID'/>; only the account's own archive is trusted) as the point to catch up from, and
///   says whether the message was seen already (a bounded set of recent ids, kRecentIds).
/// - Catch-up: start() gives the query for what came after the last id (RSM `after`, XEP-0059), or
///   after the time the link dropped when no id is known; handle() takes the result messages and the
///   final answer, gives the archived messages that are new, and the query for the next page, up to
///   kMaxPages pages.
/// - While it runs, live messages are held (hold()) and given back, deduplicated, when it ends, so
///   events keep the order the server archived them in; messages the server also delivers from offline
///   storage after the new log-in are dropped as the duplicates they are.
///
/// Result messages are taken only from the account itself (no `from`, or the own bare JID: XEP-0313
/// §4.2), with the query's queryid. A plain value type, no thread ties.
class ArchiveCatchup final
{
public:
    static constexpr int kPageSize = 50;    ///< RSM <max/> per page
    static constexpr int kMaxPages = 20;    ///< the most messages one catch-up brings: 1000
    static constexpr int kRecentIds = 2000; ///< ids remembered for deduplication
    static constexpr int kMaxHeld = 1000;   ///< live messages held while a catch-up runs

    explicit ArchiveCatchup(const QString &ownBareJid = {});
    void setOwnBareJid(const QString &jid) { m_own = jid.toLower(); }

    /// A live message from the server: false when it is one already given (drop it). Records its
    /// archive id as where to catch up from.
    bool noteLive(const QByteArray &messageXml);
    /// The archive id of the newest message seen (empty: none yet).
    const QString &lastId() const { return m_lastId; }

    /// The first query (an <iq type='set'/> with id `iqId`); `since` is used when no id is known.
    QByteArray start(const QString &iqId, const QDateTime &since);
    bool isRunning() const { return m_running; }
    /// Stops the catch-up (the link dropped, or no answer in time); what is held stays for takeHeld(),
    /// and later answers to the query are not taken for archive results.
    void abort() { m_running = false; }
    /// After abort() or the end: whether `xml` is a late part of the last query (a result or the
    /// answer to one of its pages), which must not become an event.
    bool isLate(const QByteArray &xml) const;

    enum class Step {
        NotMine,   ///< not part of this catch-up: handle it as usual
        Message,   ///< an archived message that is new: `out` is the message stanza
        Duplicate, ///< an archived message already given: nothing to do
        NextPage,  ///< the page is done: send `out`, the query for the next one
        Done,      ///< the catch-up is over (complete, page limit, or an error: `error` says which)
    };
    Step handle(const QByteArray &xml, QByteArray *out, QString *error);

    /// While running: keeps a live message to give back after the catch-up; false when kMaxHeld are
    /// held already (the caller then queues it at once: out of order, but not lost).
    bool hold(const QByteArray &messageXml);
    /// The held live messages, oldest first, without those the catch-up gave already.
    QList<QByteArray> takeHeld();
    /// Live messages held now.
    int held() const { return int(m_held.size()); }
    /// Messages the last catch-up gave.
    int caughtUp() const { return m_caughtUp; }

private:
    /// XEP-0359: the id our own archive gave `messageXml`, or empty.
    QString stanzaId(const QByteArray &messageXml) const;
    /// Remembers `id`; false when it was remembered already.
    bool remember(const QString &id);
    QByteArray query(const QString &after, const QDateTime &since) const;

    QString m_own;
    QString m_lastId;
    QSet<QString> m_seen;
    std::deque<QString> m_order;
    bool m_running = false;
    QString m_iqId;
    QString m_queryId;
    int m_page = 0;
    int m_caughtUp = 0;
    QList<QByteArray> m_held;
};

} // namespace Switchboard::Rest
