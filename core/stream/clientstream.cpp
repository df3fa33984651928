// SPDX-License-Identifier: GPL-3.0-or-later
#include "stream/clientstream.h"

#include "stream/ownedstreams.h"
#include "stream/streamregistry.h"

#include <QDateTime>
#include <QJsonArray>
#include <QLoggingCategory>

namespace Switchboard::Stream {

Q_LOGGING_CATEGORY(lcFaults, "switchboard.faults", QtInfoMsg)

ClientStream::ClientStream(const Config &config, Client client, UpstreamFactory factory, Monitor::Hub *hub,
                           Limits *limits, QObject *parent)
    : QObject(parent), m_config(config), m_client(std::move(client)), m_factory(std::move(factory)),
      m_hub(hub), m_limits(limits)
{}

ClientStream::~ClientStream()
{
    // A stream deleted without finishing (its front is going away) still gives its place back.
    if (m_admitted && m_limits)
        m_limits->closeSession(m_client.address);
    leaveRegistry();
    if (OwnedStreams *owner = std::exchange(m_owner, nullptr))
        owner->streamDeleted(this);
}

void ClientStream::leaveRegistry()
{
    if (StreamRegistry *registry = std::exchange(m_registry, nullptr))
        registry->forget(m_client.id);
}

Condition ClientStream::conditionFor(Xmpp::LinkFailure failure)
{
    switch (failure) {
    case Xmpp::LinkFailure::HostUnknown:
        return Condition::HostUnknown;
    case Xmpp::LinkFailure::RemoteStreamError:
        return Condition::RemoteStreamError;
    case Xmpp::LinkFailure::RemoteConnectionFailed:
    case Xmpp::LinkFailure::ConnectionLost:
        break;
    }
    return Condition::RemoteConnectionFailed;
}

std::optional<Limits::Limit> ClientStream::admit()
{
    if (!m_limits || m_admitted)
        return std::nullopt;
    const std::optional<Limits::Limit> refusal = m_limits->tryOpenSession(m_client.address);
    m_admitted = !refusal;
    return refusal;
}

void ClientStream::refused(Limits::Limit limit)
{
    if (m_limits)
        m_limits->refused(limit, m_client.address);
}

std::unique_ptr<Upstream> ClientStream::makeUpstream(const QString &stream)
{
    return m_factory ? m_factory(this, stream) : nullptr;
}

void ClientStream::reportOpened(const QString &domain, const QString &userAgent)
{
    if (!m_hub || m_reported)
        return;
    Monitor::SessionInfo info;
    info.sid = m_client.id;
    info.transport = m_client.transport;
    info.clientAddress = m_client.address;
    info.userAgent = userAgent.isEmpty() ? m_client.userAgent : userAgent;
    info.domain = domain;
    info.secure = m_client.secure;
    info.created = QDateTime::currentDateTimeUtc();
    m_reported = true;
    m_counters = m_hub->reportSessionOpened(info);
}

void ClientStream::forwarded(const QString &stream, Monitor::Direction direction, const QByteArray &xml)
{
    if (!m_hub)
        return;
    m_hub->countStanza(m_counters.get(), direction, xml.size());
    if (m_hub->wantsTraffic())
        Q_EMIT m_hub->stanzaForwarded(m_client.id, stream, direction, xml);
    // After the traffic tap: a problem about this stanza finds its record in the capture.
    if (m_lint)
        m_lint->stanza(direction, xml);
}

void ClientStream::startLint(Monitor::SessionLint::Clock clock)
{
    if (m_hub && !m_lint && m_hub->wantsLint())
        m_lint = std::make_unique<Monitor::SessionLint>(
            m_hub, m_client.id, m_client.transport, qint64(m_config.lintTimeout) * 1000, std::move(clock));
}

bool ClientStream::applyFault(const FaultRequest &request, QString *error)
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (m_finished)
        return fail(QStringLiteral("the session is over"));
    switch (request.kind) {
    case FaultKind::CutLink:
        if (!cutUpstreams())
            return fail(QStringLiteral("the session has no server link to cut"));
        noteFault({}, false, QStringLiteral("cut-link: the server connection was dropped as in a crash"));
        return true;
    case FaultKind::Terminate:
        noteFault({}, true, QStringLiteral("terminate: %1").arg(conditionName(request.condition)));
        terminate(request.condition, request.uri);
        return true;
    case FaultKind::Drop:
        if (!canDropResponses())
            return fail(QStringLiteral("only BOSH sessions have responses to drop"));
        break;
    case FaultKind::Delay:
    case FaultKind::Hold:
    case FaultKind::Reorder:
    case FaultKind::IqError:
        if (!hasFaultHooks())
            return fail(QStringLiteral("only BOSH and WebSocket sessions take this fault"));
        break;
    }
    if (!m_faults) {
        m_faults = new Faults(
            m_config.maxClientBacklog,
            [this](const QString &stream, const QByteArray &xml) { upstreamElement(stream, xml); },
            [this](const QString &stream, bool toClient, const QString &text) {
                noteFault(stream, toClient, text);
            },
            this);
    }
    m_faults->arm(request);
    return true;
}

void ClientStream::clearFaults()
{
    if (!m_faults)
        return;
    noteFault({}, true, QStringLiteral("undo: faults ended"));
    m_faults->clear();
}

QJsonObject ClientStream::faultState() const
{
    return m_faults ? m_faults->state() : QJsonObject();
}

bool ClientStream::setBreakpoint(const BreakpointFilter &filter, QString *error)
{
    if (m_finished || !hasFaultHooks()) {
        if (error)
            *error = m_finished ? QStringLiteral("the session is over")
                                : QStringLiteral("only BOSH and WebSocket sessions take breakpoints");
        return false;
    }
    if (!m_breakpoints) {
        m_breakpoints = new Breakpoints(
            m_config.maxClientBacklog,
            [this](const QString &stream, Monitor::Direction direction, const QByteArray &xml) {
                if (direction == Monitor::Direction::ToClient)
                    upstreamElement(stream, xml);
                else
                    deliverToServer(stream, xml);
            },
            [this](const QString &stream, Monitor::Direction direction, const QString &text) {
                noteFault(stream, direction == Monitor::Direction::ToClient, text);
            },
            this);
    }
    m_breakpoints->set(filter);
    return true;
}

void ClientStream::clearBreakpoint()
{
    if (m_breakpoints)
        m_breakpoints->clear();
}

QJsonObject ClientStream::breakpointState() const
{
    return m_breakpoints ? m_breakpoints->state() : QJsonObject{{QStringLiteral("held"), QJsonArray()}};
}

bool ClientStream::actOnHeld(int heldId, Breakpoints::Action action, const QByteArray &xml, QString *error)
{
    if (!m_breakpoints) {
        if (error)
            *error = QStringLiteral("no held stanza #%1").arg(heldId);
        return false;
    }
    return m_breakpoints->act(heldId, action, xml, error);
}

void ClientStream::noteFault(const QString &stream, bool toClient, const QString &text)
{
    qCInfo(lcFaults).noquote() << "session" << m_client.id << "fault:" << text;
    if (m_hub)
        Q_EMIT m_hub->faultApplied(m_client.id, stream,
                                   toClient ? Monitor::Direction::ToClient : Monitor::Direction::ToServer,
                                   text);
}

void ClientStream::checkBind(int &watch, const QString &stream, const QByteArray &xml)
{
    if (watch <= 0 || !m_hub)
        return;
    --watch;
    if (const QString jid = Monitor::Hub::boundJid(xml); !jid.isEmpty()) {
        watch = 0;
        m_hub->reportBound(m_client.id, stream, jid);
    }
}

Condition ClientStream::linkFailed(const QString &stream, Xmpp::LinkFailure failure, bool wasOpen)
{
    const Condition condition = conditionFor(failure);
    if (m_hub)
        Q_EMIT m_hub->backendFailed(m_client.id, stream, conditionName(condition), wasOpen);
    return condition;
}

void ClientStream::finishStream(Condition condition, const QString &reason)
{
    if (m_finished)
        return;
    m_finished = true;
    if (m_admitted) {
        m_admitted = false;
        if (m_limits)
            m_limits->closeSession(m_client.address);
    }
    if (m_hub && m_reported)
        m_hub->reportSessionClosed(m_client.id,
                                   condition == Condition::None ? reason : conditionName(condition));
    leaveRegistry();
    // The owner deletes us later: we may be deep inside our own call stack or a socket's signal.
    if (OwnedStreams *owner = std::exchange(m_owner, nullptr))
        owner->streamFinished(this);
    Q_EMIT finished(m_client.id, condition);
}

} // namespace Switchboard::Stream
