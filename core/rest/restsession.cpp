// SPDX-License-Identifier: GPL-3.0-or-later
#include "rest/restsession.h"

#include "base/constanttime.h"
#include "rest/restrequest.h"
#include "xmpp/xmlescape.h"

#include <QLoggingCategory>
#include <QScopedValueRollback>

Q_LOGGING_CATEGORY(lcRest, "switchboard.rest", QtWarningMsg)

namespace Switchboard::Rest {

using Stream::Condition;
using Xmpp::xmlEscaped;

namespace {

const QLatin1String kStreamNs("http://etherx.jabber.org/streams");
const QLatin1String kBindId("sb-bind");
const QLatin1String kRosterId = Roster::kQueryId;
constexpr QByteArrayView kUnavailable = "<presence type='unavailable' xmlns='jabber:client'/>";

/// An IQ result (RFC 6120 §8.2.3) to `request`, with `payload` inside.
QByteArray iqResult(const StanzaSummary &request, const QByteArray &payload = {})
{
    QByteArray xml = "<iq xmlns='jabber:client' type='result' id='" + xmlEscaped(request.id) + '\'';
    if (!request.from.isEmpty())
        xml += " to='" + xmlEscaped(request.from) + '\'';
    if (payload.isEmpty())
        return xml + "/>";
    return xml + '>' + payload + "</iq>";
}

/// The error reply to a stanza refused at a full queue: RFC 6120 §8.3.3.18 resource-constraint, type
/// wait (the sender may retry later).
QByteArray resourceConstraint(const StanzaSummary &stanza)
{
    QByteArray xml = '<' + stanza.name.toLatin1() + " xmlns='jabber:client' type='error'";
    if (!stanza.id.isEmpty())
        xml += " id='" + xmlEscaped(stanza.id) + '\'';
    if (!stanza.from.isEmpty())
        xml += " to='" + xmlEscaped(stanza.from) + '\'';
    return xml +
           "><error type='wait'><resource-constraint "
           "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></" +
           stanza.name.toLatin1() + '>';
}

} // namespace

RestSession::RestSession(const Config &config, Client client, Login login, UpstreamFactory factory,
                         Clock clock, Monitor::Hub *hub, Limits *limits, QObject *parent)
    : Stream::ClientStream(config, std::move(client), std::move(factory), hub, limits, parent),
      m_clock(std::move(clock)), m_resource(login.resource), m_presence(std::move(login.presence)),
      m_backoff(config.restReconnectDelay, qint64(config.restReconnectMaxDelay) * 1000)
{
    const qsizetype at = login.jid.indexOf(QLatin1Char('@'));
    m_username = login.jid.left(at);
    m_domain = login.jid.mid(at + 1).toLower();
    m_archive.setOwnBareJid(m_username + QLatin1Char('@') + m_domain);
    // SASL takes the password; this object keeps no other copy (only the Credentials SASL leaves).
    if (login.credentials && login.credentials->isValid()) {
        m_credentials = login.credentials;
        m_sasl = std::make_unique<SaslLogin>(*login.credentials, false);
    } else {
        m_sasl = std::make_unique<SaslLogin>(m_username, login.password, false);
    }
    login.password.fill(QChar(0));
    m_started = m_lastCall = m_clock();
    m_roster.setAccount(m_username + QLatin1Char('@') + m_domain);
}

RestSession::~RestSession() = default;

std::optional<Limits::Limit> RestSession::start()
{
    // A restored session was admitted when its client created it; it is not turned away again (a
    // restart would refuse many at once), and it does not count toward the totals.
    if (const std::optional<Limits::Limit> limit = m_restored ? std::nullopt : admit()) {
        m_state = State::Closed;
        m_sasl.reset();
        finishStream(Condition::PolicyViolation, Limits::key(*limit));
        return limit;
    }
    m_state = State::Connecting;
    m_started = m_lastCall = m_clock();
    m_upstream = makeUpstream(id());
    Stream::Upstream::OpenParams params;
    params.domain = m_domain;
    m_upstream->open(params);
    reportOpened(m_domain);
    if (hub())
        Q_EMIT hub()->streamAdded(id(), id(), m_domain);
    return std::nullopt;
}

void RestSession::touch()
{
    m_lastCall = m_clock();
}

// --- from the server ---

void RestSession::upstreamOpened(const QString &, const Xmpp::StreamHeader &)
{
    if (m_state == State::Closed)
        return;
    if (m_state == State::Connecting) {
        m_state = State::Authenticating;
        if (hub() && m_upstream)
            Q_EMIT hub()->backendConnected(id(), id(), m_upstream->peer(), m_upstream->isEncrypted());
    }
}

void RestSession::upstreamElement(const QString &, const QByteArray &xml)
{
    if (m_state == State::Closed)
        return;
    // The traffic capture redacts SASL payloads (Monitor::TrafficRecorder::redact) unless show_secrets.
    forwarded(id(), Monitor::Direction::ToClient, xml);
    const StanzaSummary stanza = summarize(xml);
    if (stanza.name == QLatin1String("features") && stanza.ns == kStreamNs) {
        onFeatures(xml);
        return;
    }
    if (stanza.ns == QLatin1String("urn:xmpp:sm:3")) {
        onStreamManagement(StreamManagement::parse(xml));
        return;
    }
    // XEP-0198 §4: every stanza handled counts, whatever becomes of it.
    if (stanza.ns == QLatin1String("jabber:client") && StreamManagement::isStanza(xml))
        m_sm.received();
    switch (m_state) {
    case State::Authenticating: {
        if (!m_sasl) {
            failLogin(LoginError::Failed, QStringLiteral("SASL element before the features"),
                      Condition::UndefinedCondition);
            return;
        }
        QByteArray reply;
        QString error;
        switch (m_sasl->handle(xml, &reply, &error)) {
        case SaslLogin::Outcome::Continue:
            sendToServer(reply);
            return;
        case SaslLogin::Outcome::Success:
            qCDebug(lcRest) << id() << (m_relogin ? "authenticated again with" : "authenticated with")
                            << m_sasl->mechanism();
            if (std::optional<Credentials> kept = m_sasl->credentials())
                m_credentials = std::move(kept);
            m_sasl.reset();
            m_authenticated = true;
            m_state = State::Binding;
            // RFC 6120 §6.4.6: after SASL success, a new stream.
            m_upstream->restart({}, {});
            if (hub())
                Q_EMIT hub()->streamRestarted(id(), id());
            return;
        case SaslLogin::Outcome::NotAuthorized:
            failLogin(LoginError::NotAuthorized, error, Condition::NotAuthorized);
            return;
        case SaslLogin::Outcome::Failed:
            failLogin(LoginError::Failed, error, Condition::UndefinedCondition);
            return;
        }
        return;
    }
    case State::Binding:
        if (stanza.name == QLatin1String("iq") && stanza.id == kBindId) {
            m_boundJid = Monitor::Hub::boundJid(xml);
            if (stanza.type != QLatin1String("result") || m_boundJid.isEmpty()) {
                failLogin(LoginError::Failed, QStringLiteral("resource binding failed"),
                          Condition::UndefinedCondition);
                return;
            }
            if (hub())
                hub()->reportBound(id(), id(), m_boundJid);
            // XEP-0198 §3: stream management is enabled after bind, with resumption asked for.
            if (m_smOffered)
                sendToServer(m_sm.enable());
            // RFC 6121 §2.1.3: the roster first, so presence that follows finds its contacts.
            m_state = State::Roster;
            sendToServer("<iq xmlns='jabber:client' type='get' id='" + QByteArray(kRosterId.data()) +
                         "'><query xmlns='jabber:iq:roster'/></iq>");
            return;
        }
        break;
    case State::Roster:
        if (stanza.name == QLatin1String("iq") && stanza.id == kRosterId) {
            // The roster answer is the client's first event (kind iq, id sb-roster); after a new log-in
            // it comes again, as the server has it now, and contacts' presence comes afresh.
            if (m_relogin)
                m_roster.clearPresence();
            queueEvent(Event::fromStanza(stanza, xml));
            if (m_relogin && m_lastPresence) {
                sendToServer(*m_lastPresence);
            } else if (m_presence) {
                QByteArray presence = "<presence xmlns='jabber:client'>";
                const QString show = m_presence->value(QStringLiteral("show")).toString();
                const QString status = m_presence->value(QStringLiteral("status")).toString();
                if (!show.isEmpty())
                    presence += "<show>" + xmlEscaped(show) + "</show>";
                if (!status.isEmpty())
                    presence += "<status>" + xmlEscaped(status) + "</status>";
                if (m_presence->contains(QStringLiteral("priority")))
                    presence += "<priority>" +
                                QByteArray::number(m_presence->value(QStringLiteral("priority")).toInt()) +
                                "</priority>";
                sendToServer(presence + "</presence>");
            }
            if (m_relogin) {
                // XEP-0313 §4: what arrived while the link was down. What the presence brings from
                // offline storage meanwhile waits for the archive's answer, and is dropped as the
                // duplicate it is.
                m_droppedAt = m_droppedAt.isValid() ? m_droppedAt : QDateTime::currentDateTimeUtc();
                sendToServer(m_archive.start(QStringLiteral("sb-mam%1").arg(++m_catchups), m_droppedAt));
                m_catchupStarted = m_clock();
                backOnline(QStringLiteral("online"));
                return;
            }
            m_state = State::Ready;
            m_everReady = true;
            m_lastCall = m_clock();
            Q_EMIT loggedIn(m_boundJid);
            return;
        }
        break;
    default:
        break;
    }
    if (m_state == State::Binding || m_state == State::Roster || m_state == State::Ready ||
        m_state == State::Resuming)
        onReadyStanza(xml);
}

void RestSession::onFeatures(const QByteArray &xml)
{
    if (m_state == State::Authenticating && m_sasl) {
        // PLAIN shows the password to whoever reads the stream: only over TLS, or to a server the
        // operator named in no_tls_domains (RFC 6120 §13.8, RFC 4616 §6).
        const bool plainAllowed = (m_upstream && m_upstream->isEncrypted()) ||
                                  m_config.noTlsDomains.contains(m_domain, Qt::CaseInsensitive);
        QByteArray reply;
        QString error;
        if (plainAllowed)
            m_sasl->allowPlain();
        if (m_sasl->start(xml, &reply, &error) != SaslLogin::Outcome::Continue) {
            failLogin(LoginError::Failed, error, Condition::UndefinedCondition);
            return;
        }
        sendToServer(reply);
        return;
    }
    if (m_state == State::Binding) {
        m_smOffered = StreamManagement::offered(xml);
        if (m_relogin && m_sm.canResume() && m_smOffered) {
            // XEP-0198 §5: resume the old session instead of binding a new one.
            m_state = State::Resuming;
            sendToServer(m_sm.resume());
            return;
        }
        if (m_relogin && m_sm.isCounting()) {
            // No resumption: the old server session is gone, and what it never acknowledged with it.
            m_resend += m_sm.failed({});
            failIqs();
        }
        bind();
    }
}

void RestSession::bind()
{
    // RFC 6120 §7.6: bind the requested resource, or let the server choose; after a drop, the one
    // the server bound before.
    QByteArray request = "<iq xmlns='jabber:client' type='set' id='" + QByteArray(kBindId.data()) +
                         "'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'";
    if (m_relogin && !m_boundJid.isEmpty() && m_boundJid.contains(QLatin1Char('/')))
        m_resource = m_boundJid.mid(m_boundJid.indexOf(QLatin1Char('/')) + 1);
    if (m_resource.isEmpty())
        request += "/>";
    else
        request += "><resource>" + xmlEscaped(m_resource) + "</resource></bind>";
    sendToServer(request + "</iq>");
}

void RestSession::onReadyStanza(const QByteArray &xml)
{
    const StanzaSummary stanza = summarize(xml);
    if (!stanza.valid || stanza.ns != QLatin1String("jabber:client"))
        return; // stream-level elements are not the client's business
    if (!m_archive.isRunning() && m_archive.isLate(xml)) {
        qCDebug(lcRest) << id() << "dropped a late answer to an archive query that was given up";
        return;
    }
    if (m_archive.isRunning()) {
        QByteArray out;
        QString error;
        switch (m_archive.handle(xml, &out, &error)) {
        case ArchiveCatchup::Step::Message:
            queueEvent(Event::fromStanza(summarize(out), out));
            return;
        case ArchiveCatchup::Step::Duplicate:
            return;
        case ArchiveCatchup::Step::NextPage:
            sendToServer(out);
            return;
        case ArchiveCatchup::Step::Done:
            endCatchup(error);
            return;
        case ArchiveCatchup::Step::NotMine:
            break;
        }
        // Live messages wait for the archive's older ones, so events keep the server's order.
        if (stanza.name == QLatin1String("message") && m_archive.hold(xml))
            return;
    }
    if (stanza.name == QLatin1String("message") && !m_archive.noteLive(xml)) {
        qCDebug(lcRest) << id() << "dropped a message given already (XEP-0359 stanza-id)";
        return;
    }
    deliver(stanza, xml);
}

bool RestSession::answersFrom(const PendingIq &request, const StanzaSummary &reply) const
{
    const QString from = reply.from.toLower();
    const QString account = m_username.toLower() + QLatin1Char('@') + m_domain;
    // RFC 6120 §8.1.2.1: a request without `to` goes to the account itself, whose server answers with
    // no `from`, the bare JID, or (some servers) the domain.
    if (request.to.isEmpty())
        return from.isEmpty() || from == account || from == m_domain ||
               (!m_boundJid.isEmpty() && from == m_boundJid.toLower());
    const QString to = request.to.toLower();
    // A request to the bare JID of the account may be answered by the server without `from`.
    return from == to || (to == account && from.isEmpty());
}

void RestSession::deliver(const StanzaSummary &stanza, const QByteArray &xml)
{
    if (stanza.name == QLatin1String("iq")) {
        if (stanza.type == QLatin1String("result") || stanza.type == QLatin1String("error")) {
            const auto it = m_iqs.find(stanza.id);
            if (it != m_iqs.end() && answersFrom(*it, stanza)) {
                const IqReply reply = std::move(it->reply);
                m_iqs.erase(it);
                reply(xml);
                return;
            }
        } else if (answerIq(stanza)) {
            return;
        }
    } else if (stanza.name != QLatin1String("message") && stanza.name != QLatin1String("presence")) {
        return;
    }
    queueEvent(Event::fromStanza(stanza, xml));
}

bool RestSession::answerIq(const StanzaSummary &iq)
{
    if (iq.type == QLatin1String("set") && iq.childNs == QLatin1String("jabber:iq:roster")) {
        // RFC 6121 §2.1.6: a roster push is acknowledged; the client still gets it as an event.
        sendToServer(iqResult(iq));
        return false;
    }
    if (iq.type != QLatin1String("get"))
        return false;
    if (iq.childNs == QLatin1String("urn:xmpp:ping")) {
        // XEP-0199 §4.2: the client is alive as long as Switchboard holds its session.
        sendToServer(iqResult(iq));
        return true;
    }
    if (iq.childNs == QLatin1String("jabber:iq:version")) {
        // XEP-0092: the software that answers is Switchboard.
        sendToServer(iqResult(iq, "<query xmlns='jabber:iq:version'><name>Switchboard</name><version>" +
                                      QByteArrayLiteral(SWITCHBOARD_VERSION) + "</version></query>"));
        return true;
    }
    if (iq.childNs == QLatin1String("http://jabber.org/protocol/disco#info")) {
        // XEP-0030 §3.1: what this client entity supports (what Switchboard answers itself).
        sendToServer(iqResult(iq, "<query xmlns='http://jabber.org/protocol/disco#info'>"
                                  "<identity category='client' type='web' name='Switchboard REST'/>"
                                  "<feature var='http://jabber.org/protocol/disco#info'/>"
                                  "<feature var='urn:xmpp:ping'/>"
                                  "<feature var='jabber:iq:version'/></query>"));
        return true;
    }
    return false;
}

void RestSession::sendToServer(const QByteArray &xml)
{
    if (!m_upstream)
        return;
    // XEP-0198 §4: every stanza sent after <enable/> is kept until the server acknowledges it.
    if (m_sm.isCounting() && StreamManagement::isStanza(xml))
        m_sm.sent(xml);
    forwarded(id(), Monitor::Direction::ToServer, xml);
    m_upstream->send(xml);
}

// --- the event queue ---

void RestSession::queueEvent(Event event)
{
    m_roster.handle(event); // the roster state follows what arrived, queued or refused
    if (int(m_events.size()) >= m_config.restMaxQueue && event.kind != QLatin1String("session")) {
        refuse(summarize(event.xml));
        return;
    }
    const qint64 seq = event.seq = m_nextSeq++;
    event.queuedAt = m_clock();
    m_events.push_back(std::move(event));
    const std::size_t waiting = m_polls.size();
    answerPolls();
    Q_EMIT eventQueued(seq, int(m_events.size()), m_polls.size() < waiting || m_readers > 0);
}

const Event *RestSession::findEvent(qint64 seq) const
{
    for (auto it = m_events.crbegin(); it != m_events.crend(); ++it) {
        if (it->seq == seq)
            return &*it;
    }
    return nullptr;
}

void RestSession::refuse(const StanzaSummary &stanza)
{
    // Never a silent drop: counted (the monitor's refusals, the next poll's `refused`), and what
    // expects an answer gets one.
    ++m_refused;
    refused(Limits::Limit::RestMaxQueue);
    qCDebug(lcRest) << id() << "queue full; refused a" << stanza.name;
    const bool request = stanza.name == QLatin1String("iq") &&
                         (stanza.type == QLatin1String("get") || stanza.type == QLatin1String("set"));
    const bool message = stanza.name == QLatin1String("message") && stanza.type != QLatin1String("error");
    if (request || message)
        sendToServer(resourceConstraint(stanza));
}

void RestSession::pollEvents(qint64 after, int limit, qint64 waitMs, PollReply reply)
{
    touch();
    // Everything up to `after` is acknowledged: the client has it, so it can go.
    acknowledge(after);
    Poll poll;
    poll.refused = m_refused;
    poll.next = qMin(after, m_nextSeq - 1);
    for (const Event &event : m_events) {
        if (poll.events.size() >= limit)
            break;
        poll.events.append(event.toJson());
        poll.next = event.seq;
    }
    if (!poll.events.isEmpty() || waitMs <= 0 || isFinished()) {
        reply(poll);
        return;
    }
    m_polls.push_back(
        {after, limit, m_clock() + qMin<qint64>(waitMs, kMaxWaitSeconds * 1000), std::move(reply)});
    if (int(m_polls.size()) > kMaxWaitingPolls) {
        Waiting oldest = std::move(m_polls.front());
        m_polls.pop_front();
        Poll empty;
        empty.next = qMin(oldest.after, m_nextSeq - 1);
        empty.refused = m_refused;
        oldest.reply(empty);
    }
}

void RestSession::answerPolls()
{
    // Answering may start work elsewhere; take the list first so a reply cannot change it under us.
    std::deque<Waiting> waiting;
    waiting.swap(m_polls);
    for (Waiting &w : waiting) {
        Poll poll;
        poll.refused = m_refused;
        poll.next = qMin(w.after, m_nextSeq - 1);
        for (const Event &event : m_events) {
            if (event.seq <= w.after)
                continue;
            if (poll.events.size() >= w.limit)
                break;
            poll.events.append(event.toJson());
            poll.next = event.seq;
        }
        if (poll.events.isEmpty())
            m_polls.push_back(std::move(w));
        else
            w.reply(poll);
    }
}

// --- from the client ---

bool RestSession::canSend() const
{
    return m_state == State::Ready || (isReconnecting() && int(m_held.size()) < kMaxHeld);
}

int RestSession::retryAfter() const
{
    if (m_state != State::Reconnecting)
        return 1 + m_config.connectTimeout; // a log-in under way: at most its deadline
    return int(qMax<qint64>(1, (m_retryAt - m_clock() + 999) / 1000));
}

void RestSession::setBackoffRandom(Backoff::Random random)
{
    m_backoff = Backoff(m_config.restReconnectDelay, qint64(m_config.restReconnectMaxDelay) * 1000,
                        std::move(random));
}

bool RestSession::send(const QByteArray &stanza)
{
    if (!canSend())
        return false;
    touch();
    const StanzaSummary summary = summarize(stanza);
    // RFC 6121 §4.2, §4.4: presence without a `to` is what the account shows everyone; a new log-in
    // shows it again.
    if (summary.name == QLatin1String("presence") && summary.to.isEmpty() &&
        (summary.type.isEmpty() || summary.type == QLatin1String("unavailable")))
        m_lastPresence = stanza;
    if (m_state != State::Ready) {
        m_held.push_back({stanza, {}});
        return true;
    }
    sendToServer(stanza);
    requestAck();
    return true;
}

bool RestSession::sendIq(const QByteArray &stanza, const QString &iqId, qint64 timeoutMs, IqReply reply)
{
    if (!canSend() || m_iqs.contains(iqId))
        return false;
    touch();
    m_iqs.insert(iqId,
                 {m_clock() + timeoutMs, std::move(reply), m_state == State::Ready, summarize(stanza).to});
    if (m_state != State::Ready) {
        m_held.push_back({stanza, iqId});
        return true;
    }
    sendToServer(stanza);
    requestAck();
    return true;
}

void RestSession::requestAck()
{
    if (!m_sm.isEnabled())
        return;
    if (m_sm.unacked() > StreamManagement::kMaxUnacked) {
        // A server that acknowledges nothing for this long is not listening: drop the link; what is
        // unacknowledged is sent again on the next one.
        linkDropped(QStringLiteral("the server does not acknowledge stanzas (XEP-0198)"));
        return;
    }
    if (const QByteArray r = m_sm.request(); !r.isEmpty()) {
        sendToServer(r);
        m_ackRequestedAt = m_clock();
    }
}

void RestSession::logout()
{
    if (isFinished())
        return;
    // RFC 6121 §4.5.1: unavailable presence before the stream closes.
    if (m_state == State::Ready)
        sendToServer(kUnavailable.toByteArray());
    end(Condition::None, QStringLiteral("logged out"));
}

void RestSession::terminate(Condition condition, const QString &text)
{
    if (isFinished())
        return;
    if (m_state == State::Ready)
        sendToServer(kUnavailable.toByteArray());
    // A first log-in cut short fails as such; a restored session still logging in again just ends (it
    // would otherwise take the terminate for a server down and try again).
    if (!m_everReady && !m_restored && m_state != State::Ready && m_state != State::Closed) {
        failLogin(LoginError::Unreachable, text.isEmpty() ? Stream::conditionName(condition) : text,
                  condition);
        return;
    }
    end(condition, text);
}

bool RestSession::inject(Monitor::Direction direction, const QByteArray &xml)
{
    if (m_state != State::Ready)
        return false;
    if (direction == Monitor::Direction::ToServer) {
        sendToServer(xml);
        return true;
    }
    forwarded(id(), Monitor::Direction::ToClient, xml);
    onReadyStanza(xml);
    return true;
}

// --- time ---

void RestSession::checkTimers()
{
    if (isFinished())
        return;
    const qint64 now = m_clock();
    if (!m_everReady && !m_restored) {
        // ServerLink's connect_timeout covers the way to an open stream; SASL, bind and the roster get
        // as long again.
        if (m_state != State::Ready && now - m_started >= 2 * qint64(m_config.connectTimeout) * 1000)
            failLogin(LoginError::Unreachable, QStringLiteral("login took too long"),
                      Condition::ConnectionTimeout);
        return;
    }
    for (auto it = m_iqs.begin(); it != m_iqs.end();) {
        if (it->deadline <= now) {
            const IqReply reply = std::move(it->reply);
            it = m_iqs.erase(it);
            const QScopedValueRollback<bool> deadline(m_iqDeadline, true);
            reply(std::nullopt);
        } else {
            ++it;
        }
    }
    expireEvents(now);
    if (m_readers > 0)
        m_lastCall = now; // a client reading a Server-Sent Events stream is not idle
    if (!m_polls.empty()) {
        m_lastCall = now; // a client waiting on a poll is not idle
        std::deque<Waiting> waiting;
        waiting.swap(m_polls);
        for (Waiting &w : waiting) {
            if (w.deadline > now) {
                m_polls.push_back(std::move(w));
                continue;
            }
            Poll empty;
            empty.next = qMin(w.after, m_nextSeq - 1);
            empty.refused = m_refused;
            w.reply(empty);
        }
    }
    if (now - m_lastCall >= qint64(m_config.restIdleTimeout) * 1000) {
        if (m_state == State::Ready)
            sendToServer(kUnavailable.toByteArray());
        end(Condition::ConnectionTimeout, QStringLiteral("idle"));
        return;
    }
    if (m_state == State::Reconnecting) {
        if (now >= m_retryAt)
            reconnect();
    } else if (m_state != State::Ready) {
        if (now - m_started >= 2 * qint64(m_config.connectTimeout) * 1000)
            linkDropped(QStringLiteral("logging in again took too long"));
    } else {
        if (m_ackRequestedAt >= 0 && now - m_ackRequestedAt >= qint64(m_config.connectTimeout) * 1000) {
            // A link that answers no <r/> in time is dead (a host gone, a NAT that forgot us): what it
            // did not acknowledge goes again on the next one (XEP-0198 §4).
            linkDropped(QStringLiteral("no acknowledgement from the server in time (XEP-0198)"));
            return;
        }
        if (m_sm.isEnabled() && m_sm.unacked() > 0)
            requestAck();
        if (m_archive.isRunning() && now - m_catchupStarted >= 2 * qint64(m_config.connectTimeout) * 1000) {
            // An archive that does not answer must not hold live messages back for ever.
            m_archive.abort();
            endCatchup(QStringLiteral("the archive did not answer in time"));
        }
    }
}

// --- when the link drops ---

void RestSession::linkDropped(const QString &reason)
{
    if (isFinished())
        return;
    const bool wasReady = m_state == State::Ready;
    qCInfo(lcRest) << id() << "server link lost:" << reason;
    m_state = State::Reconnecting;
    m_ackRequestedAt = -1;
    retireUpstream();
    m_sasl.reset();
    m_sm.linkLost();
    if (wasReady)
        m_droppedAt = QDateTime::currentDateTimeUtc();
    if (m_archive.isRunning()) {
        m_archive.abort();
        endCatchup(QStringLiteral("the link dropped"));
    }
    // Without a session to resume, nothing will answer the IQs that wait.
    if (!m_sm.canResume()) {
        m_resend += m_sm.failed({});
        failIqs();
    }
    if (wasReady)
        sessionEvent(QStringLiteral("reconnecting"), reason);
    m_retryAt = m_clock() + m_backoff.next();
}

void RestSession::reconnect()
{
    if (!m_credentials) {
        end(Condition::NotAuthorized, QStringLiteral("nothing to log in again with"));
        return;
    }
    qCDebug(lcRest) << id() << "reconnecting, try" << m_backoff.attempts();
    m_state = State::Connecting;
    m_relogin = true;
    m_started = m_clock();
    m_sasl = std::make_unique<SaslLogin>(*m_credentials, false);
    m_upstream = makeUpstream(id());
    Stream::Upstream::OpenParams params;
    params.domain = m_domain;
    m_upstream->open(params);
}

void RestSession::backOnline(const QString &type)
{
    m_state = State::Ready;
    m_backoff.reset();
    // rest_idle_timeout counts from the client's last call, not from the link's return.
    qCInfo(lcRest) << id() << "server link back:" << type;
    sessionEvent(type, m_boundJid);
    // A restored session whose first try found the server down is logged in from here on.
    const bool first = !m_everReady;
    m_everReady = true;
    if (first)
        Q_EMIT loggedIn(m_boundJid);
    // What the old session never acknowledged first, then what the client sent meanwhile: the order
    // the client sent them in.
    for (const QByteArray &stanza : std::exchange(m_resend, {}))
        sendToServer(stanza);
    for (const Held &held : std::exchange(m_held, {})) {
        if (!held.iqId.isEmpty()) {
            if (const auto it = m_iqs.find(held.iqId); it != m_iqs.end())
                it->sent = true;
            else
                continue; // its deadline passed while held: answered already, not sent
        }
        sendToServer(held.xml);
    }
    requestAck();
}

void RestSession::failIqs()
{
    QList<IqReply> lost;
    for (auto it = m_iqs.begin(); it != m_iqs.end();) {
        if (it->sent) {
            lost.append(std::move(it->reply));
            it = m_iqs.erase(it);
        } else {
            ++it;
        }
    }
    for (const IqReply &reply : lost)
        reply(std::nullopt);
}

void RestSession::onStreamManagement(const StreamManagement::Element &element)
{
    using Kind = StreamManagement::Element::Kind;
    switch (element.kind) {
    case Kind::Enabled:
        m_sm.enabled(element);
        return;
    case Kind::Request:
        sendToServer(m_sm.answer());
        return;
    case Kind::Ack:
        m_ackRequestedAt = -1;
        if (!m_sm.acknowledge(element.h)) {
            // XEP-0198 §4: an h beyond what was sent is the server's error; start afresh.
            m_resend += m_sm.failed({});
            linkDropped(QStringLiteral("the server acknowledged stanzas never sent (XEP-0198)"));
        }
        return;
    case Kind::Resumed: {
        if (m_state != State::Resuming)
            return;
        bool ok = false;
        const QList<QByteArray> again = m_sm.resumed(element, &ok);
        if (!ok) {
            m_resend += m_sm.failed({});
            linkDropped(QStringLiteral("the server resumed with an impossible count (XEP-0198)"));
            return;
        }
        // XEP-0198 §5: what the server did not get goes again; nothing else is needed.
        m_resend = again + std::exchange(m_resend, {});
        backOnline(QStringLiteral("resumed"));
        return;
    }
    case Kind::Failed:
        if (m_state == State::Resuming) {
            qCDebug(lcRest) << id() << "resumption refused:" << element.condition;
            m_resend += m_sm.failed(element);
            failIqs();
            m_state = State::Binding;
            bind();
            return;
        }
        m_sm.enableFailed();
        return;
    case Kind::None:
        return;
    }
}

void RestSession::endCatchup(const QString &error)
{
    if (!error.isEmpty())
        qCInfo(lcRest) << id() << "archive catch-up ended early:" << error;
    const int held = m_archive.held();
    const QList<QByteArray> fresh = m_archive.takeHeld();
    qCDebug(lcRest) << id() << "caught up on" << m_archive.caughtUp() << "messages; of" << held
                    << "held meanwhile," << held - fresh.size() << "were duplicates";
    for (const QByteArray &xml : fresh)
        deliver(summarize(xml), xml);
}

void RestSession::sessionEvent(const QString &type, const QString &status)
{
    Event event;
    event.kind = QStringLiteral("session");
    event.type = type;
    event.status = status;
    queueEvent(std::move(event));
}

// --- the end ---

void RestSession::upstreamClosed(const QString &)
{
    if (m_state == State::Closed)
        return;
    if (m_everReady) {
        linkDropped(QStringLiteral("the server closed the stream"));
        return;
    }
    if (m_state != State::Ready) {
        failLogin(LoginError::Unreachable, QStringLiteral("the server closed the stream"), Condition::None);
        return;
    }
    end(Condition::None, QStringLiteral("the server closed the stream"));
}

void RestSession::upstreamFailed(const QString &stream, Xmpp::LinkFailure failure, const QByteArray &,
                                 const QString &reason)
{
    if (m_state == State::Closed)
        return;
    const Condition condition = linkFailed(stream, failure, m_state != State::Connecting);
    if (m_everReady) {
        // A server restart (system-shutdown), a network failure: the session outlives its link.
        linkDropped(reason.isEmpty() ? Stream::conditionName(condition) : reason);
        return;
    }
    if (m_state != State::Ready) {
        failLogin(LoginError::Unreachable, reason.isEmpty() ? Stream::conditionName(condition) : reason,
                  condition);
        return;
    }
    end(condition, reason);
}

void RestSession::failLogin(LoginError error, const QString &reason, Condition condition)
{
    if (isFinished() || m_state == State::Ready)
        return;
    if (m_everReady || (m_restored && m_credentials && error != LoginError::NotAuthorized)) {
        // Logging in again (after a dropped link, or a restart of Switchboard): only the server's
        // refusal of the kept credentials ends the session (the client must log in with the password);
        // anything else, a server still down among it, is tried again.
        qCInfo(lcRest) << id() << "log-in again failed:" << error << reason;
        if (error == LoginError::NotAuthorized)
            end(Condition::NotAuthorized, reason);
        else
            linkDropped(reason);
        return;
    }
    qCDebug(lcRest) << id() << "login failed:" << error << reason;
    m_sasl.reset();
    m_state = State::Closed;
    Q_EMIT loginFailed(error, reason);
    end(condition, reason);
}

void RestSession::end(Condition condition, const QString &reason)
{
    if (isFinished())
        return;
    m_state = State::Closed;
    m_sasl.reset();
    // The client learns why in its last event; waiting polls get it now. Not when the session is saved
    // for a restart: it goes on then, and the next event's seq is the one this would take.
    if (!m_persisted) {
        Event last;
        last.kind = QStringLiteral("session");
        last.type = QStringLiteral("closed");
        last.status = condition == Condition::None ? reason : Stream::conditionName(condition);
        queueEvent(std::move(last));
    }
    std::deque<Waiting> waiting;
    waiting.swap(m_polls);
    for (Waiting &w : waiting) {
        Poll empty;
        empty.next = qMin(w.after, m_nextSeq - 1);
        w.reply(empty);
    }
    const QHash<QString, PendingIq> iqs = std::exchange(m_iqs, {});
    for (const PendingIq &iq : iqs)
        iq.reply(std::nullopt);
    retireUpstream();
    if (hub() && isReported())
        Q_EMIT hub()->streamTerminated(
            id(), id(), condition == Condition::None ? reason : Stream::conditionName(condition));
    finishStream(condition, reason);
}

void RestSession::retireUpstream()
{
    if (!m_upstream)
        return;
    m_upstream->close();
    m_upstream.reset();
}

// --- Server-Sent Events readers, presence, event age ---

void RestSession::acknowledge(qint64 upTo)
{
    while (!m_events.empty() && m_events.front().seq <= upTo)
        m_events.pop_front();
    m_acknowledged = qMax(m_acknowledged, qMin(upTo, m_nextSeq - 1));
}

void RestSession::attachReader()
{
    touch();
    ++m_readers;
}

void RestSession::detachReader()
{
    touch();
    if (m_readers > 0)
        --m_readers;
}

bool RestSession::sendPresence(const QJsonObject &presence)
{
    // Held like any other send while the link is down (send() refuses when the hold is full).
    if (!canSend())
        return false;
    m_presence = presence; // what a new login would announce again
    return send(presenceStanza(presence));
}

void RestSession::expireEvents(qint64 now)
{
    const qint64 maxAge = qint64(m_config.restMaxEventAge) * 1000;
    qint64 count = 0;
    while (!m_events.empty() && now - m_events.front().queuedAt >= maxAge) {
        m_events.pop_front();
        ++count;
        // Counted like a refusal (rest_max_event_age in the monitor and /metrics): never unseen.
        refused(Limits::Limit::RestMaxEventAge);
    }
    if (count == 0)
        return;
    m_expired += count;
    Event note;
    note.kind = QStringLiteral("session");
    note.type = QStringLiteral("expired");
    note.status = QStringLiteral("%1 unread events were older than rest_max_event_age").arg(count);
    note.expired = count;
    queueEvent(std::move(note));
}

// --- the session store ---

RestSession::Snapshot RestSession::snapshot() const
{
    Snapshot s;
    s.id = id();
    s.tokenHash = m_tokenHash;
    s.jid = m_username + QLatin1Char('@') + m_domain;
    // The resource the server bound (it may have picked it), else the one asked for.
    const qsizetype slash = m_boundJid.indexOf(QLatin1Char('/'));
    s.resource = slash >= 0 ? m_boundJid.mid(slash + 1) : m_resource;
    s.presence = m_presence;
    if (m_credentials)
        s.credentials = *m_credentials;
    s.push = m_storedPush;
    s.nextSeq = m_nextSeq;
    s.acknowledged = m_acknowledged;
    s.refused = m_refused;
    s.ended = isFinished();
    for (const Event &event : m_events) {
        if (event.seq > m_acknowledged)
            s.events.push_back(event);
    }
    return s;
}

void RestSession::restore(const Snapshot &snapshot)
{
    m_restored = true;
    m_tokenHash = snapshot.tokenHash;
    m_nextSeq = qMax<qint64>(1, snapshot.nextSeq);
    m_acknowledged = snapshot.acknowledged;
    m_refused = snapshot.refused;
    m_storedPush = snapshot.push;
    m_events.assign(snapshot.events.begin(), snapshot.events.end());
    // rest_max_event_age counts from the restart: the store keeps no time.
    const qint64 now = m_clock();
    for (Event &event : m_events)
        event.queuedAt = now;
}

bool RestSession::tokenMatches(QByteArrayView token) const
{
    return !m_tokenHash.isEmpty() && constantTimeEquals(SessionSnapshot::tokenHashOf(token), m_tokenHash);
}

} // namespace Switchboard::Rest
