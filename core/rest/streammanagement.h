// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <deque>

namespace Switchboard::Rest {

/// Stream management (XEP-0198, urn:xmpp:sm:3) on a REST session's server link, as the client: the
/// counters and the copy of what was sent but not yet acknowledged, apart from the stream itself.
/// RestSession enables it after bind (XEP-0198 §3) when the server offers it, tells it of every stanza
/// each way, and, when the link drops, asks the server to resume (§5) before logging in again.
///
/// - Inbound: `h` counts the stanzas handled since <enabled/> (§4); <r/> is answered with <a h/>.
/// - Outbound: every stanza sent since <enable/> is kept until an <a h/> covers it. The copy is
///   bounded (kMaxUnacked); past it the caller treats the link as dead (a server that acknowledges
///   nothing is not there), so nothing sent is ever dropped unseen.
/// - After <resumed h/>, the stanzas beyond h are sent again; after <failed/>, the messages among them
///   are what a new session should send again (§4: the client may resend them).
///
/// Counters wrap at 2^32 (§4). A plain value type, no thread ties.
class StreamManagement final
{
public:
    static constexpr int kMaxUnacked = 1000;

    /// One urn:xmpp:sm:3 element from the server.
    struct Element
    {
        enum class Kind { None, Enabled, Resumed, Failed, Request, Ack } kind = Kind::None;
        bool hasH = false;
        quint32 h = 0;
        QString id;          ///< enabled: the stream id to resume (SM-ID)
        bool resume = false; ///< enabled: the server will let it be resumed
        QString condition;   ///< failed: the stanza error condition
    };
    /// Parses `xml`; Kind::None when it is not an SM element (or is malformed).
    static Element parse(const QByteArray &xml);
    /// The server's <stream:features/> offer stream management (<sm xmlns='urn:xmpp:sm:3'/>).
    static bool offered(const QByteArray &featuresXml);
    /// True for a top-level stanza (RFC 6120 §8: message, presence, iq), which the counters count.
    static bool isStanza(const QByteArray &xml);

    /// <enable resume='true'/>: counting outbound starts now (a fresh stream: nothing is unacked).
    QByteArray enable();
    /// The server's <enabled/>: inbound counting starts now.
    void enabled(const Element &element);
    /// The server's <failed/> to <enable/>: no stream management on this stream (and nothing kept to
    /// send again: the server had it all, without counting).
    void enableFailed()
    {
        m_enabled = false;
        m_enableSent = false;
        m_unacked.clear();
    }
    bool isEnabled() const { return m_enabled; }
    /// Enable was sent (outbound stanzas count from then on, even before <enabled/> comes).
    bool isCounting() const { return m_enableSent; }
    /// The stream can be resumed after the link drops: enabled with resume, and an id.
    bool canResume() const { return m_enabled && m_resumable && !m_id.isEmpty(); }

    /// One stanza sent (counted and kept when counting).
    void sent(const QByteArray &stanza);
    /// One stanza from the server handled.
    void received();
    quint32 handled() const { return m_inbound; }
    int unacked() const { return int(m_unacked.size()); }
    /// <a h/> for the server's <r/>.
    QByteArray answer() const;
    /// <r/>, or empty when one is outstanding already or nothing waits for an ack.
    QByteArray request();
    /// The server's <a h/> (or the h of <resumed/> / <failed/>): frees what it covers. False when h
    /// acknowledges more than was sent (XEP-0198 §4: the server is broken; the caller ends the link).
    bool acknowledge(quint32 h);

    /// The link dropped: no ack request is outstanding on the next one.
    void linkLost() { m_requested = false; }
    /// <resume previd h/> for the next stream.
    QByteArray resume() const;
    /// <resumed h/>: acknowledges up to h and returns the stanzas to send again, oldest first (they are
    /// counted again as they are sent). Empty list and false in `ok` when h is impossible.
    QList<QByteArray> resumed(const Element &element, bool *ok);
    /// <failed/> to <resume/> (or giving up on resumption): the session is gone on the server. Returns
    /// the messages sent but not acknowledged (beyond the failed's h when it has one), for the new
    /// session; other stanzas (IQs, presence) are not resent. Everything else is reset.
    QList<QByteArray> failed(const Element &element);

private:
    bool m_enableSent = false;
    bool m_enabled = false;
    bool m_resumable = false;
    bool m_requested = false;
    QString m_id;
    quint32 m_inbound = 0;
    quint32 m_acked = 0; ///< the last h from the server
    std::deque<QByteArray> m_unacked;
};

} // namespace Switchboard::Rest
