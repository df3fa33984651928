// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/sessionlint.h"

#include <QHashFunctions>
#include <QXmlStreamReader>

namespace Switchboard::Monitor {

namespace {
constexpr QLatin1StringView kClientNs("jabber:client");
constexpr QLatin1StringView kSaslNs("urn:ietf:params:xml:ns:xmpp-sasl");

/// What the lint reads of a stanza: its top-level start tag.
struct StartTag
{
    QString name;
    QString ns;
    QString type;
    QString id;
    bool hasId = false;
    bool valid = false;
};

StartTag startTag(const QByteArray &xml)
{
    StartTag tag;
    QXmlStreamReader reader(xml);
    while (!reader.atEnd()) {
        if (reader.readNext() != QXmlStreamReader::StartElement)
            continue;
        tag.valid = true;
        tag.name = reader.name().toString();
        tag.ns = reader.namespaceUri().toString();
        const QXmlStreamAttributes attrs = reader.attributes();
        tag.type = attrs.value(QLatin1String("type")).toString();
        tag.hasId = attrs.hasAttribute(QLatin1String("id"));
        tag.id = attrs.value(QLatin1String("id")).toString();
        break;
    }
    return tag;
}

ProblemSide senderOf(Direction direction)
{
    return direction == Direction::ToServer ? ProblemSide::Client : ProblemSide::Server;
}
} // namespace

SessionLint::SessionLint(Hub *hub, const QString &sid, Transport transport, qint64 timeoutMs, Clock clock)
    : m_hub(hub), m_sid(sid), m_transport(transport), m_timeoutMs(timeoutMs), m_clock(std::move(clock))
{}

void SessionLint::report(ProblemKind kind, ProblemSide side, const QString &detail, Direction direction,
                         const QByteArray *stanza, qsizetype stanzaSize)
{
    if (m_reported >= kMaxProblems || !m_hub)
        return;
    ++m_reported;
    Problem problem;
    problem.time = QDateTime::currentDateTimeUtc();
    problem.session = m_sid;
    problem.kind = kind;
    problem.side = side;
    problem.clause = problemClause(kind, m_transport);
    problem.detail = detail;
    if (stanza || stanzaSize > 0) {
        problem.hasStanza = true;
        problem.direction = direction;
        problem.stanzaSize = stanza ? stanza->size() : stanzaSize;
    }
    Q_EMIT m_hub->problemFound(problem);
}

// --- BOSH ---

void SessionLint::boshSessionRequest(const BoshRequest &request)
{
    // XEP-0124 §7.1: `to` is required; `xml:lang` SHOULD be there (XEP-0206 §3 passes it on).
    if (!request.hasTo)
        report(ProblemKind::SessionMissingTo, ProblemSide::Client, QStringLiteral("no 'to'"));
    if (!request.hasLang)
        report(ProblemKind::SessionMissingLang, ProblemSide::Client, QStringLiteral("no 'xml:lang'"));
    if (request.rid >= 0) {
        m_next = request.rid + 1;
        m_contents[size_t(request.rid % 8)] = {request.rid, request.contentHash};
        m_open[0] = request.rid;
        m_lastAnswered = request.rid - 1;
    }
}

void SessionLint::boshNegotiated(int wait, int hold, int requests, int polling)
{
    m_wait = wait;
    m_hold = hold;
    m_requests = requests;
    m_polling = polling;
}

void SessionLint::boshRequest(const BoshRequest &request)
{
    const qint64 now = m_clock();
    if (m_terminated) {
        afterEnd();
        return;
    }
    if (request.rid < 0 || m_next < 0)
        return;
    const qint64 rid = request.rid;
    if (rid < m_next || (rid > m_next && rid - m_next - 1 < 64 && (m_ahead >> (rid - m_next - 1)) & 1)) {
        // A rid seen before: a resend (§14.3) must be the same request.
        const auto &[seen, hash] = m_contents[size_t(rid % 8)];
        if (seen == rid && hash != request.contentHash)
            report(ProblemKind::RidReused, ProblemSide::Client,
                   QStringLiteral("rid %1 sent again with other content").arg(rid));
        return;
    }
    if (rid >= m_next + m_requests) {
        // §14.2: at most `requests` ahead of the last rid in sequence.
        report(ProblemKind::RidOutOfWindow, ProblemSide::Client,
               QStringLiteral("rid %1 while %2 was next (requests=%3)").arg(rid).arg(m_next).arg(m_requests));
        return;
    }
    m_contents[size_t(rid % 8)] = {rid, request.contentHash};
    if (rid == m_next) {
        // In sequence: move past it and every later one that came early.
        bool more = true;
        while (more) {
            ++m_next;
            more = m_ahead & 1;
            m_ahead >>= 1;
        }
        m_gapSince = m_ahead ? now : 0;
    } else {
        m_ahead |= quint64(1) << (rid - m_next - 1);
        if (!m_gapSince)
            m_gapSince = now;
    }
    requestArrived(request, now);
}

void SessionLint::requestArrived(const BoshRequest &request, qint64 now)
{
    m_holdEmptySince = 0;
    m_paused = request.pause;
    if (request.terminate)
        m_terminated = true;

    // XEP-0206 §5: after SASL success the next request restarts the stream, with `to` and `xml:lang`.
    if (request.restart) {
        m_saslSucceeded = false;
        if (!request.hasTo)
            report(ProblemKind::RestartMissingTo, ProblemSide::Client, QStringLiteral("no 'to'"));
        if (!request.hasLang)
            report(ProblemKind::RestartMissingLang, ProblemSide::Client, QStringLiteral("no 'xml:lang'"));
    } else if (m_saslSucceeded && request.payloads > 0) {
        m_saslSucceeded = false;
        report(ProblemKind::NoRestartAfterSasl, ProblemSide::Client,
               QStringLiteral("rid %1 carries stanzas instead of xmpp:restart").arg(request.rid));
    }

    for (qint64 &slot : m_open) {
        if (!slot) {
            slot = request.rid;
            break;
        }
    }
    // §11: pause and terminate aside, no more than `requests` open at once: every rid after the last
    // one answered is open from the client's side, including one it skipped.
    if (!request.terminate && !request.pause && m_lastAnswered >= 0 &&
        request.rid - m_lastAnswered > m_requests)
        report(ProblemKind::TooManyRequests, ProblemSide::Client,
               QStringLiteral("rid %1 while %2 was the last answered, requests=%3")
                   .arg(request.rid)
                   .arg(m_lastAnswered)
                   .arg(m_requests));

    // §12: in a polling session, two empty requests closer than `polling` when the first got nothing.
    const bool empty = request.payloads == 0 && !request.restart && !request.terminate && !request.pause;
    if (empty && m_hold == 0) {
        if (m_lastEmptyPoll && m_lastAnswerEmpty && now - m_lastEmptyPoll < qint64(m_polling) * 1000)
            report(ProblemKind::PollingTooFast, ProblemSide::Client,
                   QStringLiteral("empty polls %1 ms apart, polling=%2 s")
                       .arg(now - m_lastEmptyPoll)
                       .arg(m_polling));
        m_lastEmptyPoll = now;
    }
}

void SessionLint::closeRid(qint64 rid)
{
    bool any = false;
    for (qint64 &slot : m_open) {
        if (slot == rid)
            slot = 0;
        any = any || slot;
    }
    // §8: with hold > 0 the client keeps a request waiting; from now on nothing waits.
    if (!any && m_hold > 0 && !m_terminated && !m_paused)
        m_holdEmptySince = m_clock();
}

void SessionLint::boshAnswered(qint64 rid, bool empty)
{
    m_lastAnswerEmpty = empty;
    m_lastAnswered = std::max(m_lastAnswered, rid);
    closeRid(rid);
}

void SessionLint::boshGone(qint64 rid, qint64 heldSince)
{
    const qint64 now = m_clock();
    // §7.1: the client asked the CM to hold for up to `wait` seconds; giving up well before means its
    // HTTP timeout is shorter than the wait it asked for (a second of slack for the network).
    if (m_wait > 0 && heldSince >= 0 && now - heldSince < qint64(m_wait) * 1000 - 1000)
        report(ProblemKind::WaitIgnored, ProblemSide::Client,
               QStringLiteral("rid %1 given up after %2 ms, wait=%3 s")
                   .arg(rid)
                   .arg(now - heldSince)
                   .arg(m_wait));
    closeRid(rid);
}

void SessionLint::afterEnd()
{
    report(ProblemKind::TrafficAfterTerminate, ProblemSide::Client,
           m_transport == Transport::WebSocket ? QStringLiteral("a message after <close/>")
                                               : QStringLiteral("a request after type='terminate'"));
}

// --- WebSocket ---

void SessionLint::wsOpen(bool restart, bool hasTo)
{
    if (m_wsClosed) {
        afterEnd();
        return;
    }
    m_wsOpened = true;
    m_saslSucceeded = false;
    // RFC 7395 §3.4: <open/> names the server (`to`). Its `xml:lang` is optional there (RFC 6120 §4.7.4
    // says SHOULD; RFC 7395's own examples, and strophe.js, leave it out), so it is not judged.
    if (!hasTo)
        report(restart ? ProblemKind::RestartMissingTo : ProblemKind::SessionMissingTo, ProblemSide::Client,
               QStringLiteral("<open/> without 'to'"));
}

void SessionLint::wsElement(bool beforeOpen)
{
    if (m_wsClosed) {
        afterEnd();
        return;
    }
    if (beforeOpen) {
        report(ProblemKind::StanzaBeforeOpen, ProblemSide::Client, QStringLiteral("a stanza before <open/>"));
        return;
    }
    if (m_saslSucceeded) {
        // RFC 7395 §3.7: after SASL success the client opens the stream again.
        m_saslSucceeded = false;
        report(ProblemKind::NoRestartAfterSasl, ProblemSide::Client,
               QStringLiteral("a stanza instead of a new <open/>"));
    }
}

void SessionLint::wsBadMessage(const QString &error)
{
    // Expat's words for a second element after the first (RFC 7395 §3.3.3: one element per message).
    if (error.contains(QLatin1String("junk after document element")))
        report(ProblemKind::SeveralElements, ProblemSide::Client, error);
}

void SessionLint::wsMessageAfterClose()
{
    if (m_wsClosed)
        afterEnd();
}

void SessionLint::wsClose()
{
    m_wsClosed = true;
}

void SessionLint::wsDisconnected(bool closedBefore)
{
    if (!closedBefore && !m_wsClosed)
        report(ProblemKind::NoCloseBeforeDisconnect, ProblemSide::Client,
               QStringLiteral("the WebSocket closed with no <close/> first"));
    m_pingSent = 0;
}

void SessionLint::wsPingSent()
{
    if (!m_pingSent)
        m_pingSent = m_clock();
}

void SessionLint::wsPong()
{
    m_pingSent = 0;
}

// --- stanzas ---

void SessionLint::stanza(Direction direction, const QByteArray &xml)
{
    const StartTag tag = startTag(xml);
    if (!tag.valid)
        return;
    if (direction == Direction::ToClient && tag.name == QLatin1String("success") && tag.ns == kSaslNs)
        m_saslSucceeded = true;
    const bool isStanza = tag.name == QLatin1String("iq") || tag.name == QLatin1String("message") ||
                          tag.name == QLatin1String("presence");
    if (!isStanza)
        return;
    const ProblemSide sender = senderOf(direction);
    if (tag.ns != kClientNs)
        report(ProblemKind::WrongNamespace, sender,
               QStringLiteral("<%1/> in namespace '%2'").arg(tag.name, tag.ns), direction, &xml);
    if (tag.name != QLatin1String("iq"))
        return;
    if (!tag.hasId || tag.id.isEmpty()) {
        report(ProblemKind::IqWithoutId, sender, QStringLiteral("<iq type='%1'/> without id").arg(tag.type),
               direction, &xml);
        return;
    }
    const size_t idHash = qHash(tag.id);
    if (tag.type == QLatin1String("get") || tag.type == QLatin1String("set")) {
        // RFC 6120 §8.2.3: every get or set gets a result or an error. Remember it; when all slots are
        // taken the one due first makes room (it is forgotten, not reported).
        auto &pending = direction == Direction::ToServer ? m_fromClient : m_toClient;
        PendingIq *slot = &pending[0];
        for (PendingIq &entry : pending) {
            if (!entry.deadline) {
                slot = &entry;
                break;
            }
            if (entry.deadline < slot->deadline)
                slot = &entry;
        }
        *slot = PendingIq{idHash, m_clock() + m_timeoutMs, xml.size(), tag.id.toUtf8()};
        return;
    }
    if (tag.type == QLatin1String("result") || tag.type == QLatin1String("error")) {
        auto &pending = direction == Direction::ToServer ? m_toClient : m_fromClient;
        for (PendingIq &entry : pending) {
            if (entry.deadline && entry.idHash == idHash && entry.id == tag.id.toUtf8()) {
                entry = PendingIq{};
                break;
            }
        }
    }
}

void SessionLint::tick()
{
    const qint64 now = m_clock();
    if (m_gapSince && now - m_gapSince >= kRidGapMs) {
        // §14.1: rids go up by one; this one never came while later ones did.
        report(ProblemKind::RidSkipped, ProblemSide::Client,
               QStringLiteral("rid %1 never arrived; later rids did").arg(m_next));
        // Count it as done so the rest of the window is judged as usual.
        bool more = true;
        while (more) {
            ++m_next;
            more = m_ahead & 1;
            m_ahead >>= 1;
        }
        m_gapSince = m_ahead ? now : 0;
    }
    if (m_holdEmptySince && !m_terminated && !m_paused) {
        const qint64 grace = qBound<qint64>(1000, qint64(m_wait) * 1000, kMaxHoldGraceMs);
        if (now - m_holdEmptySince >= grace) {
            report(ProblemKind::HoldIgnored, ProblemSide::Client,
                   QStringLiteral("nothing held for %1 ms, hold=%2").arg(now - m_holdEmptySince).arg(m_hold));
            m_holdEmptySince = 0;
        }
    }
    if (m_pingSent && now - m_pingSent >= m_timeoutMs) {
        report(ProblemKind::PingUnanswered, ProblemSide::Client,
               QStringLiteral("no pong within %1 ms").arg(m_timeoutMs));
        m_pingSent = 0;
    }
    for (int direction = 0; direction < 2; ++direction) {
        auto &pending = direction == 0 ? m_fromClient : m_toClient;
        for (PendingIq &entry : pending) {
            if (!entry.deadline || entry.deadline > now)
                continue;
            // Sent by the client: the server side did not answer; sent to the client: the client did not.
            const Direction sentTo = direction == 0 ? Direction::ToServer : Direction::ToClient;
            report(ProblemKind::IqUnanswered, direction == 0 ? ProblemSide::Server : ProblemSide::Client,
                   QStringLiteral("iq id '%1' unanswered after %2 ms")
                       .arg(QString::fromUtf8(entry.id))
                       .arg(m_timeoutMs),
                   sentTo, nullptr, entry.size);
            entry = PendingIq{};
        }
    }
}

} // namespace Switchboard::Monitor
