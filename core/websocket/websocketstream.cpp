// SPDX-License-Identifier: GPL-3.0-or-later
#include "websocket/websocketstream.h"

#include "stream/streamregistry.h"
#include "websocket/framing.h"
#include "websocket/legacyframing.h"
#include "xmpp/bounce.h"
#include "xmpp/expatnames.h"
#include "xmpp/resolver.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcWs, "switchboard.ws", QtWarningMsg)

namespace Switchboard::WebSocket {

using Stream::Condition;
using Stream::conditionName;

WebSocketStream::WebSocketStream(
    const Config &config, Context context,
    const std::function<std::unique_ptr<Channel>(WebSocketStream *)> &makeChannel, UpstreamFactory factory,
    Clock clock, Monitor::Hub *hub, QObject *parent)
    : Stream::ClientStream(config, context.client, std::move(factory), hub, context.limits, parent),
      m_context(std::move(context)), m_clock(std::move(clock))
{
    m_started = m_clock();
    startLint(m_clock);
    m_channel = makeChannel(this);
}

WebSocketStream::~WebSocketStream() = default;

qint64 WebSocketStream::maxIncomingMessage(const Config &config)
{
    return config.wsMaxMessageSize + kIncomingMargin;
}

qint64 WebSocketStream::readBufferSize(const Config &config)
{
    return qMax<qint64>(maxIncomingMessage(config) + kMaxFrameHeader, config.maxHeaderSize + 8);
}

// --- from the client ---

void WebSocketStream::onText(QByteArrayView data)
{
    m_active = true;
    if (m_state == State::Closed) {
        if (lint())
            lint()->wsMessageAfterClose();
        return;
    }
    if (data.size() > m_config.wsMaxMessageSize) {
        refused(Limits::Limit::WsMaxMessageSize);
        fail(Condition::PolicyViolation, QStringLiteral("message too large"));
        return;
    }
    if (m_legacy ||
        (m_state == State::AwaitOpen && m_config.wsLegacyFraming && LegacyFraming::isStreamHeader(data))) {
        onLegacyText(data);
        return;
    }
    Frame frame;
    QString error;
    if (!parseFrame(data, &frame, &error, m_config.maxXmlDepth)) {
        // RFC 7395 §3.3.3: a message must be exactly one complete element.
        qCDebug(lcWs) << id() << "not well formed:" << error;
        if (lint())
            lint()->wsBadMessage(error);
        fail(Condition::NotWellFormed, error);
        return;
    }
    switch (frame.kind) {
    case Frame::Kind::Open:
        onOpenFrame(frame.attrs);
        return;
    case Frame::Kind::Close:
        onClientClose();
        return;
    case Frame::Kind::Element:
        onStanza(frame.xml, frame.ns);
        return;
    }
}

void WebSocketStream::onStanza(const QByteArray &xml, const QString &ns)
{
    if (lint())
        lint()->wsElement(m_state == State::AwaitOpen || !m_upstream);
    if (m_state == State::AwaitOpen || !m_upstream) {
        fail(Condition::NotAuthorized, QStringLiteral("send <open/> first"));
        return;
    }
    if (ns == QLatin1String("http://etherx.jabber.org/streams")) {
        // Stream-level elements from the client are not forwarded as stanzas.
        fail(Condition::UnsupportedStanzaType);
        return;
    }
    if (breakpointHolds(id(), Monitor::Direction::ToServer, xml))
        return; // back through deliverToServer() when it goes on
    deliverToServer(id(), xml);
}

void WebSocketStream::deliverToServer(const QString &, const QByteArray &xml)
{
    if (m_state == State::Closed || !m_upstream)
        return;
    if (faultAnswers(id(), xml))
        return; // the iq-error fault answers it instead of the server
    forwarded(id(), Monitor::Direction::ToServer, xml);
    m_upstream->send(xml);
}

void WebSocketStream::onClientClose()
{
    // RFC 7395 §3.6: the client ends the stream: close the server stream, answer <close/> (or
    // </stream:stream> in the draft framing), then the WebSocket.
    if (lint())
        lint()->wsClose();
    retireUpstream();
    sendText(closeText(), false);
    m_state = State::Closed;
    m_channel->close();
    finish(Condition::None);
}

void WebSocketStream::onLegacyText(QByteArrayView message)
{
    using Event = Xmpp::StanzaReader::Event;
    if (!m_legacy) {
        qCDebug(lcWs) << id() << "speaks the pre-RFC 7395 framing";
        m_legacy = std::make_unique<LegacyFraming>(m_config.wsMaxMessageSize);
    }
    QList<Event> events;
    m_legacy->read(message, events);
    for (const Event &event : std::as_const(events)) {
        if (m_state == State::Closed)
            return;
        switch (event.type) {
        case Event::StreamOpened: {
            if (event.header.defaultNamespace != QLatin1String(Xmpp::kJabberClientNs)) {
                // RFC 6120 §4.9.3.10: a client stream's content namespace is jabber:client.
                fail(Condition::InvalidNamespace);
                return;
            }
            // The header says what <open/> says in RFC 7395 (RFC 6120 §4.7).
            QMap<QString, QString> attrs;
            attrs.insert(QStringLiteral("to"), event.header.to);
            attrs.insert(QStringLiteral("version"), event.header.version);
            attrs.insert(QStringLiteral("xml:lang"), event.header.lang);
            attrs.insert(QStringLiteral("from"), event.header.from);
            onOpenFrame(attrs);
            break;
        }
        case Event::Element:
            onStanza(event.xml, event.ns);
            break;
        case Event::StreamClosed:
            onClientClose();
            return;
        case Event::Error: {
            qCDebug(lcWs) << id() << "draft framing:" << event.condition << event.errorText;
            const Condition condition =
                Stream::conditionFromName(event.condition).value_or(Condition::NotWellFormed);
            fail(condition, {}, streamErrorFrame(event.condition, event.errorText));
            return;
        }
        }
    }
}

QByteArray WebSocketStream::closeText() const
{
    return m_legacy ? LegacyFraming::close() : closeFrame();
}

void WebSocketStream::onBinary()
{
    m_active = true;
    // RFC 7395 §3.2: XMPP travels in text messages only.
    fail(Condition::UnsupportedEncoding);
}

void WebSocketStream::onPong()
{
    m_active = true;
    if (lint())
        lint()->wsPong();
}

void WebSocketStream::onBytesWritten()
{
    forgetDelivered();
}

void WebSocketStream::onDisconnected(bool tooLarge)
{
    if (lint() && !tooLarge)
        lint()->wsDisconnected(m_state == State::Closed);
    if (tooLarge && m_state != State::Closed) {
        refused(Limits::Limit::WsMaxMessageSize);
        retireUpstream();
        finish(Condition::PolicyViolation);
        return;
    }
    // The client went away without <close/>: end the server stream too.
    retireUpstream();
    finish(Condition::None, m_state == State::Closed ? QString() : QStringLiteral("client disconnected"));
}

void WebSocketStream::onOpenFrame(const QMap<QString, QString> &attrs)
{
    const QString to = attrs.value(QStringLiteral("to")).toLower();
    const QString lang = attrs.value(QStringLiteral("xml:lang"));
    if (lint())
        lint()->wsOpen(m_upstream != nullptr, attrs.contains(QStringLiteral("to")));
    if (m_upstream) {
        // RFC 7395 §3.7: a new <open/> after SASL restarts the server stream.
        if (!to.isEmpty() && to != m_domain) {
            fail(Condition::HostUnknown);
            return;
        }
        m_state = State::Opening;
        m_upstream->restart(lang.isEmpty() ? m_lang : lang, {});
        m_bindWatch = kBindWatch;
        if (hub())
            Q_EMIT hub()->streamRestarted(id(), id());
        return;
    }
    if (to.isEmpty()) {
        fail(Condition::HostUnknown, QStringLiteral("no 'to' in <open/>"));
        return;
    }
    if (attrs.value(QStringLiteral("version")) != QLatin1String("1.0")) {
        fail(Condition::UnsupportedVersion);
        return;
    }
    if (m_context.resolver && !m_context.resolver->domainAllowed(to)) {
        fail(Condition::HostUnknown);
        return;
    }
    if (m_context.registry && m_context.registry->isDraining()) {
        // Drain: new streams go elsewhere (RFC 7395 §3.6.1 see-other-uri), or nowhere while stopping.
        terminate(Condition::SystemShutdown, m_context.registry->drainUri());
        return;
    }
    if (const std::optional<Limits::Limit> limit = admit()) {
        fail(Condition::PolicyViolation, Limits::key(*limit));
        return;
    }
    m_domain = to;
    m_lang = lang;
    m_state = State::Opening;
    m_upstream = makeUpstream(id());
    Stream::Upstream::OpenParams params;
    params.domain = to;
    params.lang = lang;
    params.from = attrs.value(QStringLiteral("from"));
    m_upstream->open(params);
    reportOpened(to);
    if (hub())
        Q_EMIT hub()->streamAdded(id(), id(), to);
}

// --- from the server ---

void WebSocketStream::upstreamOpened(const QString &, const Xmpp::StreamHeader &header)
{
    if (m_state == State::Closed)
        return;
    m_state = State::Open;
    m_upstreamUp = true;
    sendText(m_legacy ? m_legacy->header(header, m_lang) : openFrame(header, m_lang), false);
    if (hub() && m_upstream)
        Q_EMIT hub()->backendConnected(id(), id(), m_upstream->peer(), m_upstream->isEncrypted());
}

void WebSocketStream::upstreamElement(const QString &stream, const QByteArray &xml)
{
    if (m_state == State::Closed)
        return;
    if (breakpointHolds(stream, Monitor::Direction::ToClient, xml) || faultKeeps(stream, xml))
        return; // a breakpoint, delay, hold or reorder: back here when it goes on
    checkBind(m_bindWatch, stream, xml);
    sendText(xml, true);
}

void WebSocketStream::upstreamClosed(const QString &)
{
    if (m_state == State::Closed)
        return;
    releaseFaults(); // what faults keep came before the close
    // The server ended its stream: <close/> to the client, then the WebSocket (RFC 7395 §3.6).
    retireUpstream();
    sendText(closeText(), false);
    m_state = State::Closed;
    m_channel->close();
    finish(Condition::None);
}

void WebSocketStream::upstreamFailed(const QString &stream, Xmpp::LinkFailure failure,
                                     const QByteArray &streamErrorXml, const QString &reason)
{
    if (m_state == State::Closed)
        return;
    releaseFaults();
    const Condition condition = linkFailed(stream, failure, m_upstreamUp);
    if (condition == Condition::RemoteStreamError) {
        // The server's own stream error, as it came (empty when it came before TLS).
        fail(condition, {},
             streamErrorXml.isEmpty() ? streamErrorFrame(conditionName(Condition::UndefinedCondition))
                                      : streamErrorXml);
        return;
    }
    fail(condition, reason);
}

// --- toward the client ---

void WebSocketStream::sendText(const QByteArray &xml, bool isStanza)
{
    if (!m_channel || m_state == State::Closed)
        return;
    if (isStanza)
        forwarded(id(), Monitor::Direction::ToClient, xml);
    // Where the message ends in the channel's output is how we tell later whether the client took all
    // of it: the channel's own frames (Pongs) count there too.
    m_channel->sendText(xml);
    if (isStanza)
        m_inFlight.push_back({xml, m_channel->written()});
    m_channel->flush();
    forgetDelivered();
    if (isStanza && backlog() > m_config.maxClientBacklog)
        cutOff();
}

void WebSocketStream::forgetDelivered()
{
    if (!m_channel)
        return;
    const qint64 delivered = m_channel->written() - m_channel->backlog();
    while (!m_inFlight.empty() && m_inFlight.front().end <= delivered)
        m_inFlight.pop_front();
}

void WebSocketStream::cutOff()
{
    // The client stopped reading while the server keeps sending: without a cap we would buffer
    // without limit. RFC 6120 §4.9.3.14: policy-violation. What the client did not get goes back to
    // its senders (RFC 6120 §8.3) like the stanzas the link bounces once retired.
    qCDebug(lcWs) << id() << "backlog over max_client_backlog:" << backlog();
    refused(Limits::Limit::MaxClientBacklog);
    forgetDelivered();
    std::list<InFlight> undelivered;
    undelivered.swap(m_inFlight);
    for (const InFlight &stanza : undelivered) {
        if (m_upstream) {
            if (const QByteArray bounce = Xmpp::bounceStanza(stanza.xml); !bounce.isEmpty())
                m_upstream->send(bounce);
        }
        if (hub())
            Q_EMIT hub()->noClient(id(), id(), stanza.xml);
    }
    fail(Condition::PolicyViolation, QStringLiteral("too much data waiting for the client"));
    // The stream error and <close/> wait behind everything the client did not read, so it will not see
    // them; holding the connection open for that would keep the backlog. Drop it now.
    if (m_channel)
        m_channel->abort();
}

void WebSocketStream::fail(Condition condition, const QString &text, const QByteArray &streamError)
{
    if (m_state == State::Closed)
        return;
    // RFC 6120 §4.9 over RFC 7395 §3.6: the stream error, then <close/>, then the WebSocket close.
    if (m_legacy && !m_legacy->headerSent()) {
        // RFC 6120 §4.9.1.1: an error before our stream header still opens the stream first.
        sendText(m_legacy->header({}, m_lang), false);
    }
    sendText(streamError.isEmpty() ? streamErrorFrame(conditionName(condition), text) : streamError, false);
    sendText(closeText(), false);
    m_state = State::Closed;
    retireUpstream();
    m_channel->close();
    finish(condition);
}

void WebSocketStream::terminate(Condition condition, const QString &text)
{
    if (m_state == State::Closed)
        return;
    releaseFaults();
    if (m_legacy && condition == Condition::SeeOtherUri) {
        // The draft framing has no <close see-other-uri/>; a URI is no host for see-other-host.
        fail(Condition::SystemShutdown);
        return;
    }
    if (!m_legacy && (condition == Condition::SeeOtherUri || condition == Condition::SystemShutdown) &&
        !text.isEmpty()) {
        // RFC 7395 §3.6.1: redirect with see-other-uri in <close/>.
        sendText(closeFrame(text), false);
        m_state = State::Closed;
        retireUpstream();
        m_channel->close();
        finish(Condition::SeeOtherUri);
        return;
    }
    fail(condition);
}

bool WebSocketStream::cutUpstreams()
{
    return m_upstream && m_upstream->cut();
}

bool WebSocketStream::inject(Monitor::Direction direction, const QByteArray &xml)
{
    if (m_state != State::Open || !m_upstream || !m_channel)
        return false;
    if (direction == Monitor::Direction::ToClient) {
        sendText(xml, true);
        return true;
    }
    forwarded(id(), Monitor::Direction::ToServer, xml);
    m_upstream->send(xml);
    return true;
}

// --- time ---

void WebSocketStream::checkTimers()
{
    if (m_state == State::Closed || !m_channel)
        return;
    const qint64 now = m_clock();
    if (lint())
        lint()->tick();
    // Pongs keep a connection active, so the idle limit alone never ends one that answers pings but
    // never opens a stream: it holds a connection slot and nothing else bounds it.
    if (m_state == State::AwaitOpen && now - m_started >= qint64(m_config.connectTimeout) * 1000) {
        fail(Condition::ConnectionTimeout, QStringLiteral("no <open/> in time"));
        return;
    }
    if (m_active) {
        m_active = false;
        m_lastActivity = now;
        return;
    }
    const qint64 quiet = now - m_lastActivity;
    if (m_config.wsIdleTimeout > 0 && quiet >= qint64(m_config.wsIdleTimeout) * 1000) {
        fail(Condition::ConnectionTimeout);
        return;
    }
    // RFC 7395 §3.8: a WebSocket ping when the connection has been quiet for a ping interval.
    if (m_config.wsPingInterval > 0 && quiet >= qint64(m_config.wsPingInterval) * 1000 &&
        now - m_lastPing >= qint64(m_config.wsPingInterval) * 1000) {
        m_lastPing = now;
        m_channel->ping();
        if (lint())
            lint()->wsPingSent();
    }
}

// --- the end ---

void WebSocketStream::retireUpstream()
{
    if (!m_upstream)
        return;
    // What a fault still keeps never reaches the client: back to its senders (RFC 6120 §8.3).
    const QList<QPair<QString, QByteArray>> kept = takeKeptByFaults();
    for (const auto &[stream, xml] : kept) {
        if (const QByteArray bounce = Xmpp::bounceStanza(xml); !bounce.isEmpty())
            m_upstream->send(bounce);
        if (hub())
            Q_EMIT hub()->noClient(id(), stream, xml);
    }
    // Closes the server stream, bouncing what the server sent before it saw our close (the client can
    // no longer get it); the link finishes on its own time.
    m_upstream->close();
    m_upstream.reset();
}

void WebSocketStream::finish(Condition condition, const QString &reason)
{
    if (isFinished())
        return;
    m_state = State::Closed;
    if (hub() && isReported())
        Q_EMIT hub()->streamTerminated(id(), id(),
                                       condition == Condition::None ? reason : conditionName(condition));
    finishStream(condition, reason);
}

} // namespace Switchboard::WebSocket
