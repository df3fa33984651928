// SPDX-License-Identifier: GPL-3.0-or-later
#include "bosh/boshsession.h"

#include "bosh/streamattrs.h"

#include "base/constanttime.h"
#include "xmpp/bounce.h"

#include <QCryptographicHash>
#include <QLoggingCategory>
#include <QPointer>
#include <QRandomGenerator>
#include <QScopeGuard>

#include <algorithm>

Q_LOGGING_CATEGORY(lcBosh, "switchboard.bosh", QtWarningMsg)

namespace Switchboard::Bosh {

namespace {
// Highest protocol version we speak (XEP-0124 1.11).
constexpr int kVerMajor = 1;
constexpr int kVerMinor = 11;
// Responses kept for resends when acks are on and the client never acknowledges (bounded memory).
constexpr int kMaxUnacknowledged = 64;
// A client ack lower than the last response only means a lost response when that response went out
// a while ago; below this it is still in flight (XEP-0124 §9.3).
constexpr qint64 kReportAfterMs = 1000;

// rid is a positive integer below 2^53 (XEP-0124 §14.1).
constexpr qint64 kMaxRid = (qint64(1) << 53) - 1;

qint64 parseRid(const QString &text, bool *ok)
{
    const qint64 rid = text.toLongLong(ok);
    if (*ok && (rid <= 0 || rid > kMaxRid))
        *ok = false;
    return rid;
}

QString negotiatedVersion(const QString &clientVer)
{
    const QStringList parts = clientVer.split(QLatin1Char('.'));
    bool okMajor = false;
    bool okMinor = false;
    const int major = parts.value(0).toInt(&okMajor);
    const int minor = parts.value(1).toInt(&okMinor);
    if (!okMajor || !okMinor || major > kVerMajor || (major == kVerMajor && minor > kVerMinor))
        return QStringLiteral("%1.%2").arg(kVerMajor).arg(kVerMinor);
    return QStringLiteral("%1.%2").arg(major).arg(minor);
}

QByteArray joined(const QList<QByteArray> &payloads)
{
    qsizetype size = 0;
    for (const QByteArray &p : payloads)
        size += p.size();
    QByteArray out;
    out.reserve(size);
    for (const QByteArray &p : payloads)
        out += p;
    return out;
}
} // namespace

namespace {

Stream::ClientStream::Client clientOf(const BoshSession::Context &context)
{
    Stream::ClientStream::Client client;
    client.id = context.sid;
    client.transport = Monitor::Transport::Bosh;
    client.address = context.clientAddress;
    client.userAgent = context.userAgent;
    client.secure = context.clientSecure;
    return client;
}

/// What the client lint needs of a request (Monitor::SessionLint).
Monitor::SessionLint::BoshRequest lintFacts(const Body &body)
{
    Monitor::SessionLint::BoshRequest facts;
    bool ok = false;
    const qint64 rid = body.attribute(QStringLiteral("rid")).toLongLong(&ok);
    facts.rid = ok && rid >= 0 ? rid : -1;
    size_t hash = 0;
    for (const QByteArray &payload : body.payloads)
        hash = qHashMulti(hash, payload);
    facts.contentHash = hash;
    facts.payloads = int(body.payloads.size());
    facts.restart = body.attribute(QStringLiteral("xmpp:restart")) == QLatin1String("true");
    facts.terminate = body.attribute(QStringLiteral("type")) == QLatin1String("terminate");
    facts.pause = body.has(QStringLiteral("pause"));
    facts.hasTo = body.has(QStringLiteral("to"));
    facts.hasLang = body.has(QStringLiteral("xml:lang"));
    return facts;
}

} // namespace

BoshSession::BoshSession(const Config &config, const Context &context, UpstreamFactory factory, Clock clock,
                         Monitor::Hub *hub, QObject *parent)
    : Switchboard::Stream::ClientStream(
          config, clientOf(context),
          [factory = std::move(factory)](Switchboard::Stream::ClientStream *owner, const QString &stream) {
              return factory ? factory(static_cast<BoshSession *>(owner), stream) : nullptr;
          },
          hub, context.limits, parent),
      m_resolver(context.resolver), m_coalescer(context.coalescer), m_ended(context.ended),
      m_clock(std::move(clock))
{
    startLint(m_clock);
}

BoshSession::~BoshSession()
{
    stopCoalescing();
    // Upstreams may hold QObjects parented to this session; release them while we are still whole.
    m_streams.clear();
}

// --- creation (XEP-0124 §7.1, XEP-0206 §3) ---

void BoshSession::create(const Body &body, ResponderPtr responder)
{
    if (const std::optional<Limits::Limit> limit = admit()) {
        // 503 when the server is full, 429 (RFC 6585) when this client has its share; the body carries
        // the BOSH condition for clients that read it.
        responder->send(*limit == Limits::Limit::MaxSessions ? 503 : 429,
                        terminateBody(Condition::PolicyViolation, {}, {}));
        finishStream(Condition::PolicyViolation, QStringLiteral("refused"));
        return;
    }
    const qint64 now = m_clock();
    if (lint())
        lint()->boshSessionRequest(lintFacts(body));
    m_legacy = !body.has(QStringLiteral("ver"));
    bool ok = false;
    const qint64 rid = parseRid(body.attribute(QStringLiteral("rid")), &ok);
    if (!ok) {
        fail(Condition::BadRequest, {}, responder);
        return;
    }
    m_lastRid = rid;
    m_lastActivity = now;

    const QString to = body.attribute(QStringLiteral("to"));
    if (to.isEmpty()) {
        fail(Condition::ImproperAddressing, {}, responder);
        return;
    }
    if (!targetAllowed(body)) {
        fail(Condition::HostUnknown, {}, responder);
        return;
    }

    // Each value is the client's, capped by ours (§7.1: wait and hold never above what was asked).
    auto intAttribute = [&body](const QString &name, int fallback, bool *valid) {
        if (!body.has(name))
            return fallback;
        bool good = false;
        const int value = body.attribute(name).toInt(&good);
        if (!good || value < 0)
            *valid = false;
        return value;
    };
    bool valid = true;
    m_wait = std::min(intAttribute(QStringLiteral("wait"), m_config.defaultWait, &valid), m_config.maxWait);
    m_hold = std::min(intAttribute(QStringLiteral("hold"), 1, &valid), m_config.maxBoshConnections);
    if (!valid) {
        fail(Condition::BadRequest, {}, responder);
        return;
    }
    // `requests` must exceed hold (§7.1); the configured window can widen it.
    m_requests = std::max(m_hold + 1, m_config.windowSize);
    m_inactivity = m_config.defaultInactivity;
    m_polling = m_config.polling;
    m_maxPause = m_config.maxPause;
    if (lint())
        lint()->boshNegotiated(m_wait, m_hold, m_requests, m_polling);
    m_ver = negotiatedVersion(body.attribute(QStringLiteral("ver")));
    m_acks = body.attribute(QStringLiteral("ack")) == QLatin1String("1");
    m_lang = body.attribute(QStringLiteral("xml:lang"));
    m_from = body.attribute(QStringLiteral("from"));
    if (m_config.useKeySequencing && body.has(QStringLiteral("newkey")))
        m_key = body.attribute(QStringLiteral("newkey")).toLower();

    if (!body.payloads.isEmpty()) {
        // §7.1: the session creation request carries no payload.
        fail(Condition::BadRequest, {}, responder);
        return;
    }

    XmppStream *stream = openStream(body, to);
    reportOpened(to, body.attribute(QStringLiteral("ua")));
    if (Monitor::SessionCounters *c = counters())
        ++c->requests;
    if (hub())
        Q_EMIT hub()->streamAdded(id(), stream->name, to);

    // The creation response waits for the server's stream features (XEP-0206 §3), bounded by the
    // backend connect deadline.
    Held held;
    held.rid = rid;
    held.responder = std::move(responder);
    held.deadline = now + qint64(m_config.connectTimeout + 5) * 1000;
    held.stream = stream->name;
    held.announce = true;
    m_held.push_back(std::move(held));
    if (counters())
        counters()->held = int(m_held.size());
}

BoshSession::XmppStream *BoshSession::openStream(const Body &body, const QString &domain)
{
    XmppStream stream;
    stream.name = newStreamName();
    stream.domain = domain.toLower();
    stream.upstream = makeUpstream(stream.name);
    Upstream::OpenParams params;
    params.domain = stream.domain;
    params.lang = body.attribute(QStringLiteral("xml:lang"));
    params.from = body.attribute(QStringLiteral("from"));
    if (m_resolver && body.has(QStringLiteral("route"))) {
        Xmpp::Target target;
        if (m_resolver->checkRoute(body.attribute(QStringLiteral("route")), &target) ==
            Xmpp::Resolver::Refusal::None)
            params.route = target;
    }
    m_streams.push_back(std::move(stream));
    XmppStream &added = m_streams.back();
    added.upstream->open(params);
    return &added;
}

QString BoshSession::newStreamName() const
{
    // XmppStream names are opaque and unpredictable (XEP-0124 §16.2).
    quint64 words[2];
    QRandomGenerator::system()->fillRange(words);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(words), sizeof words).toHex());
}

// --- requests ---

void BoshSession::handleRequest(const Body &body, ResponderPtr responder)
{
    if (counters())
        ++counters()->requests;
    const auto countHeld = qScopeGuard([this] {
        if (counters())
            counters()->held = int(m_held.size());
    });
    if (lint())
        lint()->boshRequest(lintFacts(body));
    if (isFinished()) {
        fail(Condition::ItemNotFound, {}, responder);
        return;
    }
    bool ok = false;
    const qint64 rid = parseRid(body.attribute(QStringLiteral("rid")), &ok);
    if (!ok) {
        fail(Condition::BadRequest, {}, responder);
        return;
    }
    // A new request ends a coalescing wait first: what is above `hold` is answered, as it would have
    // been without the delay, so the rid window and overactivity (§11) are judged as before.
    if (rid > m_lastRid)
        endCoalescing();

    if (rid <= m_lastRid) {
        // §15: a repeated rid carries the key its first request carried; without it, nobody may take
        // over the held request or read the cached answer.
        if (!repeatKeyMatches(body, rid)) {
            fail(Condition::ItemNotFound, {}, responder);
            return;
        }
        // §14.3: a repeated rid. Still held: the earlier connection gets a recoverable error and the new
        // one takes its place. Answered: the same response again. Gone: item-not-found.
        for (Held &held : m_held) {
            if (held.rid == rid) {
                held.responder->send(200, buildBody({{QStringLiteral("type"), QStringLiteral("error")}}));
                held.responder = std::move(responder);
                return;
            }
        }
        if (const qsizetype gone = m_abandoned.indexOf(rid); gone >= 0) {
            // Its first connection closed before the answer (nothing was sent on it): the resend is
            // held as the original would have been (XEP-0124 §14.3, resending after a network failure).
            m_abandoned.removeAt(gone);
            Held held;
            held.rid = rid;
            held.responder = std::move(responder);
            held.deadline = m_clock() + qint64(m_wait) * 1000;
            hold(std::move(held));
            return;
        }
        auto cached = m_cache.find(rid);
        if (cached != m_cache.end()) {
            qCDebug(lcBosh) << id() << "resending response to rid" << rid;
            if (responder->send(cached->second.status, cached->second.body))
                cached->second.markDelivered();
            return;
        }
        fail(Condition::ItemNotFound, {}, responder);
        return;
    }

    if (rid > m_lastRid + m_requests) {
        // §14.2: outside the window.
        fail(Condition::ItemNotFound, {}, responder);
        return;
    }

    auto pending = m_outOfOrder.find(rid);
    if (pending != m_outOfOrder.end()) {
        // §15: only the holder of the same key may replace a request waiting for its turn.
        if (keyed() && !constantTimeEquals(body.attribute(QStringLiteral("key")).toUtf8(),
                                           pending->body.attribute(QStringLiteral("key")).toUtf8())) {
            fail(Condition::ItemNotFound, {}, responder);
            return;
        }
        pending->responder->send(200, buildBody({{QStringLiteral("type"), QStringLiteral("error")}}));
        *pending = Incoming{body, std::move(responder)};
        return;
    }
    // §12: a client with more than `requests` requests unanswered (pause and terminate aside) is
    // overactive.
    const bool exempt = body.attribute(QStringLiteral("type")) == QLatin1String("terminate") ||
                        body.has(QStringLiteral("pause"));
    if (!exempt && rid - m_lastRespondedRid > m_requests) {
        qCInfo(lcBosh) << id() << "overactive: rid" << rid << "arrived while only rids up to"
                       << m_lastRespondedRid << "are answered (requests =" << m_requests << ")";
        fail(Condition::PolicyViolation, {}, responder);
        return;
    }

    if (rid > m_lastRid + 1) {
        // §14.2: keep it until the gap is filled, then forward in order.
        m_outOfOrder.insert(rid, Incoming{body, std::move(responder)});
        return;
    }

    process(Incoming{body, std::move(responder)});
    while (!isFinished() && !m_outOfOrder.empty() && m_outOfOrder.firstKey() == m_lastRid + 1) {
        Incoming next = std::move(m_outOfOrder.first());
        m_outOfOrder.erase(m_outOfOrder.begin());
        process(std::move(next));
    }
}

bool BoshSession::keyed() const
{
    return m_config.useKeySequencing && !m_key.isEmpty();
}

bool BoshSession::repeatKeyMatches(const Body &body, qint64 rid) const
{
    if (!keyed())
        return true;
    // A rid from before the key chain started carried no key.
    const QString expected = m_usedKeys.value(rid);
    return constantTimeEquals(body.attribute(QStringLiteral("key")).toUtf8(), expected.toUtf8());
}

bool BoshSession::checkKey(const Body &body)
{
    // §15: each key hashes (SHA-1, hex) to the previous one; newkey starts a new chain.
    if (m_key.isEmpty() || !m_config.useKeySequencing)
        return true;
    const QString key = body.attribute(QStringLiteral("key"));
    if (key.isEmpty())
        return false;
    const QByteArray hash = QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha1).toHex();
    if (hash != m_key.toLatin1())
        return false;
    m_key = body.has(QStringLiteral("newkey")) ? body.attribute(QStringLiteral("newkey")).toLower()
                                               : key.toLower();
    return true;
}

void BoshSession::handleAck(qint64 ack, qint64 rid, const ResponderPtr &responder, bool *answered)
{
    // §9.2: everything up to `ack` reached the client; forget it.
    while (!m_cache.empty() && m_cache.begin()->first <= ack) {
        const qint64 acked = m_cache.begin()->first;
        m_cache.erase(m_cache.begin());
        if (hub())
            Q_EMIT hub()->responseAcknowledged(id(), acked);
    }
    // §9.3: the client has not seen a response we sent a while ago: tell it at once which one.
    if (ack < m_lastRespondedRid && !m_cache.empty()) {
        const auto &[lostRid, lost] = *m_cache.begin();
        const qint64 age = m_clock() - lost.sentAt;
        if (lostRid > ack && age >= kReportAfterMs) {
            QList<QPair<QString, QString>> attrs{{QStringLiteral("report"), QString::number(lostRid)},
                                                 {QStringLiteral("time"), QString::number(age)}};
            send(rid, responder, 200, buildBody(attrs));
            *answered = true;
        }
    }
}

BoshSession::XmppStream *BoshSession::findStream(const QString &name)
{
    for (XmppStream &stream : m_streams) {
        if (stream.name == name)
            return &stream;
    }
    return nullptr;
}

BoshSession::XmppStream *BoshSession::streamFor(const Body &body, bool *ambiguous)
{
    *ambiguous = false;
    if (body.has(QStringLiteral("stream")))
        return findStream(body.attribute(QStringLiteral("stream")));
    if (m_streams.empty())
        return nullptr;
    if (multiStream()) {
        // §16.4: with several streams, a request with payloads names its stream.
        *ambiguous = true;
        return nullptr;
    }
    return &m_streams.front();
}

void BoshSession::process(Incoming incoming)
{
    const Body &body = incoming.body;
    ResponderPtr responder = std::move(incoming.responder);
    const qint64 now = m_clock();
    const qint64 rid = m_lastRid + 1;
    m_lastRid = rid;
    m_lastActivity = now;
    m_pauseUntil = 0;

    if (!checkKey(body)) {
        fail(Condition::ItemNotFound, {}, responder);
        return;
    }
    if (keyed()) {
        // Remembered while the rid can still be repeated: held, cached or resent (§14.3).
        m_usedKeys[rid] = body.attribute(QStringLiteral("key"));
        while (!m_usedKeys.empty() && m_usedKeys.firstKey() <= rid - kMaxUnacknowledged - m_requests)
            m_usedKeys.erase(m_usedKeys.begin());
    }

    bool answered = false;
    if (m_acks && body.has(QStringLiteral("ack"))) {
        bool ok = false;
        const qint64 ack = body.attribute(QStringLiteral("ack")).toLongLong(&ok);
        if (ok)
            handleAck(ack, rid, responder, &answered);
    } else if (m_acks) {
        // §9.1: after the creation request, a client using acks leaves `ack` out exactly when it has
        // received the responses to all its earlier requests.
        forgetResponsesUpTo(rid - 1, true);
    } else {
        // §11, §14.3: a client keeps at most `requests` requests open, so the responses of rids up to
        // rid - requests have reached it; only the newer ones may be asked for again.
        forgetResponsesUpTo(rid - m_requests, false);
    }

    bool carriedPayload = false; // forwarded to the server: its reply may be imminent (coalescing)
    const QString type = body.attribute(QStringLiteral("type"));
    const bool terminate = type == QLatin1String("terminate");
    const bool restart = body.attribute(QStringLiteral("xmpp:restart")) == QLatin1String("true");
    const bool pause = body.has(QStringLiteral("pause"));

    // XEP-0124 §16.3: an empty body with `to` (and no stream) asks for another stream.
    if (!terminate && !restart && !pause && body.has(QStringLiteral("to")) &&
        !body.has(QStringLiteral("stream")) && body.payloads.isEmpty()) {
        processAddStream(body, rid, answered ? ResponderPtr{} : responder);
        return;
    }

    bool ambiguous = false;
    XmppStream *stream = streamFor(body, &ambiguous);
    if (!stream && (body.has(QStringLiteral("stream")) || !body.payloads.isEmpty() || restart)) {
        // An unknown stream name, or payloads without the stream name that several streams require.
        fail(ambiguous ? Condition::BadRequest : Condition::ItemNotFound, {}, responder,
             body.attribute(QStringLiteral("stream")));
        return;
    }

    if (terminate) {
        if (stream && !body.payloads.isEmpty())
            forward(*stream, body.payloads);
        if (stream && multiStream() && body.has(QStringLiteral("stream"))) {
            // §16.5: close one stream; the session goes on.
            closeStream(*stream, true);
            const QString name = stream->name;
            std::erase_if(m_streams, [&name](const XmppStream &s) { return s.name == name; });
            if (hub())
                Q_EMIT hub()->streamTerminated(id(), name, {});
            if (!answered) {
                Held held{rid, responder, now + qint64(m_wait) * 1000, {}, false};
                hold(std::move(held));
            }
            return;
        }
        // §13: earlier held requests get empty bodies (the first takes what is queued), this one
        // type='terminate'; then the server stream closes (payloads such as unavailable presence first).
        while (!m_held.empty())
            answerOldest(false);
        if (!answered)
            send(rid, responder, 200, buildBody({{QStringLiteral("type"), QStringLiteral("terminate")}}));
        for (XmppStream &s : m_streams)
            closeStream(s, true);
        finish(Condition::None, QStringLiteral("client terminated"));
        return;
    }

    if (pause) {
        bool ok = false;
        const int seconds = body.attribute(QStringLiteral("pause")).toInt(&ok);
        if (!ok || seconds < 0 || seconds > m_maxPause) {
            // §10: a pause above maxpause is a policy violation.
            fail(Condition::PolicyViolation, {}, responder);
            return;
        }
        if (stream && !body.payloads.isEmpty())
            forward(*stream, body.payloads);
        // §10: answer every held request now (a pause response has no payload), the pause request too,
        // and allow `seconds` of inactivity until the next request.
        while (!m_held.empty()) {
            Held held = std::move(m_held.front());
            m_held.pop_front();
            answer(held, {});
        }
        stopCoalescing();
        if (!answered)
            send(rid, responder, 200, buildBody({}));
        m_pauseUntil = m_clock() + qint64(seconds) * 1000;
        m_lastActivity = m_clock();
        if (hub())
            Q_EMIT hub()->sessionPaused(id(), seconds);
        return;
    }

    if (restart) {
        if (!body.payloads.isEmpty()) {
            // XEP-0206 §5: a restart request carries no payload.
            fail(Condition::BadRequest, {}, responder);
            return;
        }
        Xmpp::StreamAttributes extra;
        if (body.has(QStringLiteral("stream_attrs"))) {
            // node-xmpp-bosh's extension: the client's own attributes for the new stream header, never
            // ones that would change where the stream goes or what it is (docs/COMPATIBILITY.md).
            QString why;
            std::optional<Xmpp::StreamAttributes> parsed =
                parseStreamAttrs(body.attribute(QStringLiteral("stream_attrs")), &why);
            if (!parsed) {
                qCInfo(lcBosh) << id() << why;
                fail(Condition::BadRequest, {}, responder);
                return;
            }
            extra = std::move(*parsed);
        }
        stream->restarting = true;
        stream->bindWatch = kBindWatch;
        stream->upstream->restart(
            body.has(QStringLiteral("xml:lang")) ? body.attribute(QStringLiteral("xml:lang")) : m_lang,
            extra);
        if (hub())
            Q_EMIT hub()->streamRestarted(id(), stream->name);
    } else if (!body.payloads.isEmpty()) {
        forward(*stream, body.payloads);
        carriedPayload = true;
    } else if (m_hold > 0 && !answered) {
        // XEP-0124 §11: a client that keeps more than `requests` requests open is overactive. Each
        // empty request beyond `hold` makes us answer an older one at once, so a client can churn
        // through requests while none was ever left waiting. The sign: more than `requests` new empty
        // requests within `polling` seconds while nothing was answered with payloads.
        const qint64 window = qint64(qMax(m_polling, 1)) * 1000;
        while (!m_emptyArrivals.isEmpty() && now - m_emptyArrivals.front() >= window)
            m_emptyArrivals.removeFirst();
        m_emptyArrivals.append(now);
        if (m_emptyArrivals.size() > m_requests) {
            qCInfo(lcBosh) << id() << "overactive:" << m_emptyArrivals.size() << "empty requests within"
                           << window << "ms";
            fail(Condition::PolicyViolation, {}, responder);
            return;
        }
    } else if (m_hold == 0 && !answered) {
        // §12: in a polling session, two empty requests closer than `polling` seconds when the first
        // got nothing back are overactivity.
        if (m_lastEmptyPoll != 0 && m_lastResponseEmpty && now - m_lastEmptyPoll < qint64(m_polling) * 1000) {
            fail(Condition::PolicyViolation, {}, responder);
            return;
        }
        m_lastEmptyPoll = now;
    }

    if (answered)
        return;
    Held held;
    held.rid = rid;
    held.responder = std::move(responder);
    held.deadline = now + qint64(m_wait) * 1000;
    hold(std::move(held), carriedPayload);
}

bool BoshSession::targetAllowed(const Body &body) const
{
    // XEP-0124 §7.1, and never an open relay: `to` must be a served domain and `route` a configured target.
    if (!m_resolver)
        return true;
    if (!m_resolver->domainAllowed(body.attribute(QStringLiteral("to"))))
        return false;
    Xmpp::Target target;
    return !body.has(QStringLiteral("route")) ||
           m_resolver->checkRoute(body.attribute(QStringLiteral("route")), &target) ==
               Xmpp::Resolver::Refusal::None;
}

void BoshSession::processAddStream(const Body &body, qint64 rid, ResponderPtr responder)
{
    const QString to = body.attribute(QStringLiteral("to"));
    if (!targetAllowed(body)) {
        fail(Condition::HostUnknown, {}, responder);
        return;
    }
    if (int(m_streams.size()) >= m_config.maxStreamsPerSession) {
        fail(Condition::PolicyViolation, {}, responder);
        return;
    }
    XmppStream *stream = openStream(body, to);
    if (hub())
        Q_EMIT hub()->streamAdded(id(), stream->name, to);
    if (!responder)
        return;
    // §16.3: answered with the new stream's name; its features follow in later responses that carry
    // the stream attribute.
    Held held;
    held.rid = rid;
    held.responder = std::move(responder);
    held.deadline = m_clock() + qint64(m_wait) * 1000;
    held.stream = stream->name;
    held.announce = true;
    hold(std::move(held));
}

void BoshSession::forward(XmppStream &stream, const QList<QByteArray> &all)
{
    QList<QByteArray> passed;
    const bool hooked = hasFaults() || hasBreakpoint();
    if (hooked) {
        // A stanza a breakpoint holds comes back through deliverToServer(); an IQ the iq-error fault
        // answers goes no further.
        for (const QByteArray &payload : all) {
            if (!breakpointHolds(stream.name, Monitor::Direction::ToServer, payload) &&
                !faultAnswers(stream.name, payload))
                passed.append(payload);
        }
        if (passed.isEmpty())
            return;
    }
    const QList<QByteArray> &payloads = hooked ? passed : all;
    for (const QByteArray &payload : payloads)
        forwarded(stream.name, Monitor::Direction::ToServer, payload);
    stream.upstream->send(joined(payloads));
}

void BoshSession::hold(Held held, bool carriedPayload)
{
    held.arrived = m_clock();
    if (held.responder) {
        // A held request whose client goes away (a page reload, a dropped network) must not take
        // payloads with it into a dead connection.
        held.responder->onGone([session = QPointer<BoshSession>(this)] {
            if (!session || session->m_dropScheduled)
                return;
            session->m_dropScheduled = true;
            QMetaObject::invokeMethod(session, &BoshSession::dropGoneRequests, Qt::QueuedConnection);
        });
    }
    // In rid order: a resent rid (see handleRequest) may be older than requests already held.
    auto at = m_held.end();
    while (at != m_held.begin() && std::prev(at)->rid > held.rid)
        --at;
    m_held.insert(at, std::move(held));
    // Coalescing (see the header): the request just held sent payload to the server, one request is
    // above `hold`, still within `requests`, nothing is queued for the client yet, and no other request
    // is already waiting this way. The oldest then waits up to the delay for the server's reply.
    const bool coalesce = carriedPayload && m_coalescer && m_config.boshCoalesceDelay > 0 && m_hold > 0 &&
                          m_wait > 0 && !m_coalescing && m_queue.empty() &&
                          qsizetype(m_held.size()) == m_hold + 1 && qsizetype(m_held.size()) <= m_requests &&
                          !(m_held.front().announce && m_creating) && !isFinished();
    // §7.2, §8 (hold): never keep more than `hold` requests waiting; the oldest goes back now. With wait=0
    // nothing waits at all. A request arriving while one waits for coalescing ends that wait too.
    const qsizetype limit = m_hold + (coalesce ? 1 : 0);
    while (!m_held.empty() && (qsizetype(m_held.size()) > limit || m_wait == 0) && !isFinished()) {
        if (m_held.front().announce && m_creating)
            break; // the creation response still waits for the stream features
        answerOldest(false);
    }
    if (coalesce && qsizetype(m_held.size()) > m_hold) {
        m_coalescing = true;
        m_coalescer->schedule(this, m_config.boshCoalesceDelay);
    }
    if (!m_queue.empty())
        flush();
}

void BoshSession::stopCoalescing()
{
    if (!m_coalescing)
        return;
    m_coalescing = false;
    m_coalescer->cancel(this);
}

void BoshSession::coalescingDue()
{
    const auto countHeld = qScopeGuard([this] {
        if (counters())
            counters()->held = int(m_held.size());
    });
    endCoalescing();
}

void BoshSession::endCoalescing()
{
    if (!m_coalescing)
        return;
    stopCoalescing();
    // The delay is over (or another request came) and the server said nothing for the client: the
    // oldest goes back with whatever is queued by now (empty if nothing), as it would have without
    // the delay.
    while (!isFinished() && qsizetype(m_held.size()) > m_hold) {
        if (m_held.front().announce && m_creating)
            break;
        answerOldest(false);
    }
}

void BoshSession::dropGoneRequests()
{
    m_dropScheduled = false;
    if (isFinished())
        return;
    bool dropped = false;
    for (auto it = m_held.begin(); it != m_held.end();) {
        // The creation or add-stream response carries the session's or stream's attributes: the
        // client needs it, so it is answered (and cached) as usual.
        if (it->announce || !it->responder || it->responder->isAlive()) {
            ++it;
            continue;
        }
        if (lint())
            lint()->boshGone(it->rid, it->arrived);
        abandon(*it);
        it = m_held.erase(it);
        dropped = true;
    }
    if (!dropped)
        return;
    if (qsizetype(m_held.size()) <= m_hold)
        stopCoalescing();
    // Inactivity counts from here: nothing is held for the client any more.
    m_lastActivity = m_clock();
    if (counters())
        counters()->held = int(m_held.size());
}

void BoshSession::abandon(const Held &held)
{
    qCDebug(lcBosh) << id() << "client connection of rid" << held.rid << "closed before its answer";
    m_abandoned.append(held.rid);
    // Only rids inside the window can come back (XEP-0124 §14.2).
    while (m_abandoned.size() > m_requests)
        m_abandoned.removeFirst();
}

void BoshSession::answerOldest(bool forceEmpty)
{
    // A request whose connection has closed gets nothing: its payloads stay queued for the next one.
    while (!m_held.empty() && !m_held.front().announce && m_held.front().responder &&
           !m_held.front().responder->isAlive()) {
        abandon(m_held.front());
        m_held.pop_front();
    }
    if (m_held.empty())
        return;
    Held held = std::move(m_held.front());
    m_held.pop_front();
    QList<Outgoing> payloads;
    // An "add stream" response only carries that stream's payloads (they follow its announcement).
    if (!forceEmpty && !m_queue.empty() && (!held.announce || m_queue.front().stream == held.stream)) {
        // One response carries the payloads of one stream (§16.4), up to and including a terminal marker.
        const QString stream = m_queue.front().stream;
        while (!m_queue.empty() && m_queue.front().stream == stream) {
            Outgoing out = std::move(m_queue.front());
            m_queue.pop_front();
            m_queuedBytes -= out.xml.size();
            const bool terminal = out.terminal;
            payloads.append(std::move(out));
            if (terminal)
                break;
        }
        // An idle session holds an empty queue for long: without the storage its last burst needed.
        if (m_queue.isEmpty())
            m_queue = QList<Outgoing>();
    }
    if (qsizetype(m_held.size()) <= m_hold)
        stopCoalescing(); // nothing above `hold` waits any more
    answer(held, std::move(payloads));
}

void BoshSession::answer(Held &held, QList<Outgoing> payloads, QList<QPair<QString, QString>> extra)
{
    const Outgoing *terminal = nullptr;
    QList<QByteArray> stanzas;
    QString stream = held.stream;
    for (const Outgoing &out : payloads) {
        stream = out.stream;
        if (out.terminal)
            terminal = &out;
        else
            stanzas.append(out.xml);
    }

    QList<QPair<QString, QString>> attrs = std::move(extra);
    XmppStream *s = findStream(held.stream);
    if (terminal) {
        attrs.append({QStringLiteral("type"), QStringLiteral("terminate")});
        if (terminal->condition != Condition::None)
            attrs.append({QStringLiteral("condition"), conditionName(terminal->condition)});
        if (multiStream())
            attrs.append({QStringLiteral("stream"), terminal->stream});
        if (!terminal->xml.isEmpty())
            stanzas.append(terminal->xml);
    } else if (held.announce && s && !s->announced && m_creating) {
        attrs += creationAttributes(*s);
        s->announced = true;
        m_creating = false;
    } else if (held.announce && s && !s->announced) {
        attrs.append({QStringLiteral("stream"), s->name});
        attrs.append({QStringLiteral("from"), s->domain});
        if (s->opened)
            attrs.append({QStringLiteral("authid"), s->streamId});
        s->announced = true;
    } else if (!stanzas.isEmpty() && multiStream()) {
        attrs.append({QStringLiteral("stream"), stream});
    }
    if (m_acks && m_lastRid > held.rid && !terminal)
        attrs.append({QStringLiteral("ack"), QString::number(m_lastRid)}); // §9.1: later rids arrived

    const bool legacyError = terminal && m_legacy && legacyStatus(terminal->condition) != 200;
    const int status = legacyError ? legacyStatus(terminal->condition) : 200;
    if (hub() && held.arrived >= 0)
        hub()->countAnswer(m_clock() - held.arrived);
    send(held.rid, held.responder, status, legacyError ? QByteArray() : buildBody(attrs, stanzas), stanzas,
         stream, !terminal);
    m_lastActivity = m_clock();

    if (terminal) {
        const Condition condition = terminal->condition;
        const QString name = terminal->stream;
        if (multiStream()) {
            std::erase_if(m_streams, [&name](const XmppStream &st) { return st.name == name; });
            if (hub())
                Q_EMIT hub()->streamTerminated(id(), name, conditionName(condition));
        } else {
            // The session ends with its only stream: everyone else waiting gets the same answer, and so
            // does a request still on its way (EndedSessions).
            const QByteArray body = terminateBody(condition, {}, {});
            if (m_ended)
                m_ended->remember(id(), EndedSessions::Answer{legacyError ? status : 200,
                                                              legacyError ? QByteArray() : body});
            while (!m_held.empty()) {
                Held other = std::move(m_held.front());
                m_held.pop_front();
                send(other.rid, other.responder, legacyError ? status : 200,
                     legacyError ? QByteArray() : body);
            }
            for (XmppStream &st : m_streams)
                closeStream(st, false);
            finish(condition, QStringLiteral("stream ended"));
        }
    }
}

void BoshSession::send(qint64 rid, const ResponderPtr &responder, int status, QByteArray body,
                       QList<QByteArray> stanzas, const QString &stream, bool mayDrop)
{
    // The drop fault (ordinary answers only, never a terminal one): the connection closes unanswered,
    // the response stays cached for the resend of the same rid (XEP-0124 §14.3), as when a response is
    // lost on the wire.
    const bool dropped = mayDrop && rid > 0 && responder && status == 200 && faultDropsResponse(rid);
    if (dropped)
        responder->abandon();
    const bool delivered = !dropped && responder && responder->send(status, body);
    if (lint() && rid > 0)
        lint()->boshAnswered(rid, stanzas.isEmpty());
    for (const QByteArray &stanza : std::as_const(stanzas))
        forwarded(stream, Monitor::Direction::ToClient, stanza);
    m_lastResponseEmpty = stanzas.isEmpty();
    if (!stanzas.isEmpty())
        m_emptyArrivals.clear();
    if (rid <= 0)
        return;
    m_lastRespondedRid = std::max(m_lastRespondedRid, rid);
    Cached cached;
    cached.status = status;
    // Resent byte for byte: an empty body is the same bytes for every session, so all share one copy;
    // any other is kept at its size, without the room buildBody() reserved.
    static const QByteArray kEmptyBody = buildBody({});
    if (body == kEmptyBody)
        body = kEmptyBody;
    else if (body.capacity() - body.size() > 32)
        body.squeeze();
    cached.body = std::move(body);
    cached.sentAt = m_clock();
    cached.delivered = delivered;
    if (!delivered) {
        cached.stanzas = std::move(stanzas);
        cached.stream = stream;
    }
    m_cache[rid] = std::move(cached);
    trimCache();
}

void BoshSession::Cached::markDelivered()
{
    delivered = true;
    stanzas = QList<QByteArray>();
    stream = QString();
}

void BoshSession::forgetResponsesUpTo(qint64 rid, bool acknowledged)
{
    while (!m_cache.empty() && m_cache.begin()->first <= rid) {
        const auto oldest = m_cache.begin();
        if (!oldest->second.delivered) {
            XmppStream *stream = findStream(oldest->second.stream);
            for (const QByteArray &stanza : std::as_const(oldest->second.stanzas)) {
                if (hub())
                    Q_EMIT hub()->noClient(id(), oldest->second.stream, stanza);
                const QByteArray bounce = Xmpp::bounceStanza(stanza);
                if (stream && !bounce.isEmpty())
                    stream->upstream->send(bounce);
            }
        }
        const qint64 forgotten = oldest->first;
        m_cache.erase(oldest);
        if (acknowledged && hub())
            Q_EMIT hub()->responseAcknowledged(id(), forgotten);
    }
}

void BoshSession::trimCache()
{
    // §14.3 / §9: without acks, keep the window's worth of responses; with acks, every unacknowledged
    // one up to a bound. A response dropped while undelivered is bounced (XEP-0206 §7).
    const qsizetype keep = m_acks ? kMaxUnacknowledged : m_requests;
    while (qsizetype(m_cache.size()) > keep)
        forgetResponsesUpTo(m_cache.begin()->first, false);
}

void BoshSession::scheduleFlush()
{
    if (m_flushScheduled)
        return;
    m_flushScheduled = true;
    // Batch the stanzas of one read from the server into one response: flush once control returns to
    // the event loop (the upstream may emit several elements in a row).
    QMetaObject::invokeMethod(this, &BoshSession::flush, Qt::QueuedConnection);
}

void BoshSession::flush()
{
    m_flushScheduled = false;
    const auto countHeld = qScopeGuard([this] {
        if (counters())
            counters()->held = int(m_held.size());
    });
    while (!isFinished() && !m_queue.empty() && !m_held.empty())
        answerOldest(false);
}

// --- timers ---

qint64 BoshSession::nextDeadline() const
{
    if (isFinished())
        return 0;
    if (!m_held.empty()) {
        qint64 earliest = 0;
        for (const Held &held : m_held) {
            if (held.deadline && (!earliest || held.deadline < earliest))
                earliest = held.deadline;
        }
        return earliest;
    }
    return m_pauseUntil ? m_pauseUntil : m_lastActivity + qint64(m_inactivity) * 1000;
}

void BoshSession::checkTimers()
{
    if (isFinished())
        return;
    const auto countHeld = qScopeGuard([this] {
        if (counters())
            counters()->held = int(m_held.size());
    });
    if (lint())
        lint()->tick();
    const qint64 now = m_clock();
    // §7.1 (wait): a held request with nothing to say is answered empty when its time is up.
    while (!isFinished() && !m_held.empty() && m_held.front().deadline && m_held.front().deadline <= now) {
        if (m_held.front().announce && m_creating) {
            // The server never sent its features within the connect deadline.
            if (hub())
                Q_EMIT hub()->backendFailed(id(), m_held.front().stream,
                                            conditionName(Condition::RemoteConnectionFailed), false);
            fail(Condition::RemoteConnectionFailed);
            return;
        }
        if (const int held = heldByBreakpoint(); held && m_queue.empty())
            noteFault(m_held.front().stream, true,
                      QStringLiteral("wait: request rid %1 answered empty after its wait of %2 s while a "
                                     "breakpoint holds %3 stanza(s) toward the client (XEP-0124 §7.1)")
                          .arg(m_held.front().rid)
                          .arg(m_wait)
                          .arg(held));
        answerOldest(false);
    }
    if (isFinished() || !m_held.empty())
        return;
    // §7.1 (inactivity) and §10 (pause): no request waiting for too long ends the session silently.
    const qint64 limit = m_pauseUntil ? m_pauseUntil : m_lastActivity + qint64(m_inactivity) * 1000;
    if (now > limit) {
        qCDebug(lcBosh) << id() << "inactive, ending";
        releaseFaults(); // into the queue, bounced with it
        for (XmppStream &stream : m_streams)
            closeStream(stream, true);
        finish(Condition::None, QStringLiteral("inactivity"));
    }
}

// --- upstream events ---

void BoshSession::upstreamOpened(const QString &stream, const Xmpp::StreamHeader &header)
{
    XmppStream *s = findStream(stream);
    if (!s)
        return;
    s->opened = true;
    s->restarting = false;
    s->streamId = header.id;
    s->streamVersion = header.version;
    if (hub())
        Q_EMIT hub()->backendConnected(id(), stream, s->upstream->peer(), s->upstream->isEncrypted());
}

void BoshSession::upstreamElement(const QString &stream, const QByteArray &xml)
{
    XmppStream *s = findStream(stream);
    if (isFinished() || !s)
        return;
    if (breakpointHolds(stream, Monitor::Direction::ToClient, xml) || faultKeeps(stream, xml))
        return; // a breakpoint, delay, hold or reorder: back here when it goes on
    checkBind(s->bindWatch, stream, xml);
    m_queue.push_back(Outgoing{stream, xml});
    m_queuedBytes += xml.size();
    if (m_queuedBytes > m_config.maxClientBacklog && !m_overflowing) {
        // A client that does not come back for what the server sends (a busy room, a long archive
        // query) must not make us buffer without bound: the session ends, and what is queued goes back
        // to its senders. From the event loop: we are inside the server link's signal here.
        qCInfo(lcBosh) << id() << "more than" << m_config.maxClientBacklog
                       << "bytes waiting for the client; ending the session";
        m_overflowing = true;
        refused(Limits::Limit::MaxClientBacklog);
        QMetaObject::invokeMethod(
            this, [this] { terminate(Condition::PolicyViolation); }, Qt::QueuedConnection);
        return;
    }
    if (!m_overflowing)
        scheduleFlush();
}

void BoshSession::upstreamClosed(const QString &stream)
{
    XmppStream *s = findStream(stream);
    if (!s || s->closing || isFinished())
        return;
    releaseFaults(); // what faults keep came before the close
    // The server ended the stream: deliver what came before, then tell the client (nothing lost).
    s->closing = true;
    m_queue.push_back(Outgoing{stream, {}, true, Condition::None});
    scheduleFlush();
}

void BoshSession::upstreamFailed(const QString &stream, Xmpp::LinkFailure failure,
                                 const QByteArray &streamErrorXml, const QString &)
{
    releaseFaults();
    XmppStream *s = findStream(stream);
    if (!s || s->closing || isFinished())
        return;
    s->closing = true;
    const Condition condition = linkFailed(stream, failure, s->opened);
    // XEP-0206 §6: the server's stream error goes to the client inside the terminate body.
    const QByteArray inner = condition == Condition::RemoteStreamError ? streamErrorXml : QByteArray();
    qCDebug(lcBosh) << id() << "stream" << stream << "failed:" << conditionName(condition);
    m_queue.push_back(Outgoing{stream, inner, true, condition});
    scheduleFlush();
}

// --- endings ---

QByteArray BoshSession::terminateBody(Condition condition, const QByteArray &inner,
                                      const QString &stream) const
{
    QList<QPair<QString, QString>> attrs{{QStringLiteral("type"), QStringLiteral("terminate")}};
    if (condition != Condition::None)
        attrs.append({QStringLiteral("condition"), conditionName(condition)});
    if (!stream.isEmpty())
        attrs.append({QStringLiteral("stream"), stream});
    return buildBody(attrs, inner.isEmpty() ? QList<QByteArray>{} : QList<QByteArray>{inner});
}

int BoshSession::legacyStatus(Condition condition) const
{
    // §17.1: clients without `ver` understand only HTTP errors for these.
    switch (condition) {
    case Condition::BadRequest:
        return 400;
    case Condition::PolicyViolation:
        return 403;
    case Condition::ItemNotFound:
        return 404;
    default:
        return 200;
    }
}

void BoshSession::fail(Condition condition, const QByteArray &inner, const ResponderPtr &extra,
                       const QString &stream)
{
    const bool legacy = m_legacy && legacyStatus(condition) != 200;
    const int status = legacy ? legacyStatus(condition) : 200;
    const QByteArray body = legacy ? QByteArray() : terminateBody(condition, inner, stream);
    if (extra)
        extra->send(status, body);
    if (isFinished())
        return;
    // An end this side chose (no request of the client's caused it): a request that comes after the
    // session is gone learns it too, not item-not-found (EndedSessions).
    if (!extra && m_ended)
        m_ended->remember(id(), EndedSessions::Answer{status, body});
    // §17.2: the other requests waiting when one request ends the session learn it as other-request;
    // without a triggering request (timeouts, operator, shutdown) everyone gets the condition itself.
    const QByteArray others = extra ? terminateBody(Condition::OtherRequest, {}, stream) : body;
    const int othersStatus = extra ? 200 : status;
    while (!m_held.empty()) {
        Held held = std::move(m_held.front());
        m_held.pop_front();
        held.responder->send(othersStatus, others);
    }
    for (const Incoming &pending : std::as_const(m_outOfOrder))
        pending.responder->send(othersStatus, others);
    m_outOfOrder.clear();
    for (XmppStream &s : m_streams)
        closeStream(s, true);
    finish(condition, QStringLiteral("terminated"));
}

void BoshSession::terminate(Condition condition, const QString &text)
{
    if (isFinished())
        return;
    releaseFaults();
    QByteArray inner;
    if (condition == Condition::SeeOtherUri && !text.isEmpty())
        inner = "<uri>" + escapeAttribute(text) + "</uri>";
    fail(condition, inner);
}

void BoshSession::refuse(Condition condition, const ResponderPtr &request)
{
    if (isFinished())
        return;
    releaseFaults();
    fail(condition, {}, request);
}

bool BoshSession::cutUpstreams()
{
    bool cut = false;
    for (XmppStream &stream : m_streams) {
        if (stream.upstream && !stream.closing)
            cut = stream.upstream->cut() || cut;
    }
    return cut;
}

void BoshSession::deliverToServer(const QString &stream, const QByteArray &xml)
{
    XmppStream *s = findStream(stream);
    if (isFinished() || !s || !s->upstream || s->closing)
        return;
    forward(*s, {xml});
}

bool BoshSession::inject(Monitor::Direction direction, const QByteArray &xml)
{
    if (isFinished())
        return false;
    for (XmppStream &stream : m_streams) {
        // Not while a restart is under way: the server is between streams (RFC 6120 §4.3.3).
        if (!stream.upstream || !stream.opened || stream.closing || stream.restarting)
            continue;
        if (direction == Monitor::Direction::ToServer) {
            forward(stream, {xml});
        } else {
            m_queue.push_back(Outgoing{stream.name, xml});
            m_queuedBytes += xml.size();
            scheduleFlush();
        }
        return true;
    }
    return false;
}

void BoshSession::closeStream(XmppStream &stream, bool bounceQueued)
{
    if (!stream.upstream)
        return;
    // What a fault still keeps is queued like the rest: bounced below, or delivered on another stream.
    const QList<QPair<QString, QByteArray>> kept = takeKeptByFaults();
    for (const auto &[name, xml] : kept) {
        m_queue.push_back(Outgoing{name, xml});
        m_queuedBytes += xml.size();
    }
    // XEP-0206 §7: stanzas the client will never get go back to their senders before the stream closes.
    for (auto it = m_queue.begin(); it != m_queue.end();) {
        if (it->stream != stream.name) {
            ++it;
            continue;
        }
        if (!it->terminal) {
            if (hub())
                Q_EMIT hub()->noClient(id(), stream.name, it->xml);
            const QByteArray bounce = Xmpp::bounceStanza(it->xml);
            if (bounceQueued && !stream.closing && !bounce.isEmpty())
                stream.upstream->send(bounce);
        }
        m_queuedBytes -= it->xml.size();
        it = m_queue.erase(it);
    }
    for (auto &[rid, cached] : m_cache) {
        if (cached.delivered || cached.stream != stream.name)
            continue;
        for (const QByteArray &stanza : std::as_const(cached.stanzas)) {
            if (hub())
                Q_EMIT hub()->noClient(id(), stream.name, stanza);
            const QByteArray bounce = Xmpp::bounceStanza(stanza);
            if (bounceQueued && !stream.closing && !bounce.isEmpty())
                stream.upstream->send(bounce);
        }
        cached.markDelivered();
    }
    stream.closing = true;
    stream.upstream->close();
}

void BoshSession::finish(Condition condition, const QString &reason)
{
    if (isFinished())
        return;
    stopCoalescing();
    qCDebug(lcBosh) << id() << "finished:" << reason << conditionName(condition);
    if (hub() && isReported()) {
        for (const XmppStream &s : m_streams)
            Q_EMIT hub()->streamTerminated(id(), s.name, conditionName(condition));
    }
    finishStream(condition, reason);
}

QList<QPair<QString, QString>> BoshSession::creationAttributes(const XmppStream &stream) const
{
    // XEP-0124 §7.1 and XEP-0206 §3 (session creation response).
    QList<QPair<QString, QString>> attrs{
        {QStringLiteral("sid"), id()},
        {QStringLiteral("wait"), QString::number(m_wait)},
        {QStringLiteral("requests"), QString::number(m_requests)},
        {QStringLiteral("hold"), QString::number(m_hold)},
        {QStringLiteral("inactivity"), QString::number(m_inactivity)},
        {QStringLiteral("polling"), QString::number(m_polling)},
        {QStringLiteral("maxpause"), QString::number(m_maxPause)},
        {QStringLiteral("ver"), m_ver},
        {QStringLiteral("from"), stream.domain},
        {QStringLiteral("stream"), stream.name},
    };
    if (!m_from.isEmpty())
        attrs.append({QStringLiteral("to"), m_from});
    if (!stream.streamId.isEmpty())
        attrs.append({QStringLiteral("authid"), stream.streamId});
    if (stream.upstream && stream.upstream->isEncrypted())
        attrs.append({QStringLiteral("secure"), QStringLiteral("true")});
    if (m_acks)
        attrs.append({QStringLiteral("ack"), QString::number(m_lastRid)});
    attrs.append({QStringLiteral("xmpp:version"),
                  stream.streamVersion.isEmpty() ? QStringLiteral("1.0") : stream.streamVersion});
    attrs.append({QStringLiteral("xmpp:restartlogic"), QStringLiteral("true")});
    return attrs;
}

} // namespace Switchboard::Bosh
