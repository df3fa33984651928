// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/problem.h"

#include "monitor/hub.h"

#include <QCoreApplication>

namespace Switchboard::Monitor {

namespace {
struct Entry
{
    ProblemKind kind;
    const char *code;
    const char *clause;
    const char *text;
};

// One row per kind, in declaration order.
constexpr Entry kEntries[] = {
    {ProblemKind::RidSkipped, "rid-skipped", "XEP-0124 §14.1",
     QT_TRANSLATE_NOOP("Switchboard::Monitor::Problem",
                       "A rid was skipped: later rids arrived, it never did")},
    {ProblemKind::RidReused, "rid-reused", "XEP-0124 §14.3",
     QT_TRANSLATE_NOOP("Switchboard::Monitor::Problem", "A rid was sent again with different content")},
    {ProblemKind::RidOutOfWindow, "rid-out-of-window", "XEP-0124 §14.2",
     QT_TRANSLATE_NOOP("Switchboard::Monitor::Problem", "A rid outside the window")},
    {ProblemKind::TooManyRequests, "too-many-requests", "XEP-0124 §11",
     QT_TRANSLATE_NOOP("Switchboard::Monitor::Problem", "More requests open than 'requests'")},
    {ProblemKind::PollingTooFast, "polling-too-fast", "XEP-0124 §12",
     QT_TRANSLATE_NOOP("Switchboard::Monitor::Problem", "Empty polls closer together than 'polling'")},
    {ProblemKind::NoRestartAfterSasl, "no-restart-after-sasl", "XEP-0206 §5",
     QT_TRANSLATE_NOOP("Switchboard::Monitor::Problem", "No stream restart after SASL success")},
    {ProblemKind::SessionMissingTo, "session-missing-to", "XEP-0124 §7.1",
     QT_TRANSLATE_NOOP("Switchboard::Monitor::Problem", "The session request has no 'to'")},
    {ProblemKind::SessionMissingLang, "session-missing-lang", "XEP-0124 §7.1",
     QT_TRANSLATE_NOOP("Switchboard::Monitor::Problem", "The session request has no 'xml:lang'")},
    {ProblemKind::RestartMissingTo, "restart-missing-to", "XEP-0206 §5",
     QT_TRANSLATE_NOOP("Switchboard::Monitor::Problem", "The restart request has no 'to'")},
    {ProblemKind::RestartMissingLang, "restart-missing-lang", "XEP-0206 §5",
     QT_TRANSLATE_NOOP("Switchboard::Monitor::Problem", "The restart request has no 'xml:lang'")},
    {ProblemKind::TrafficAfterTerminate, "traffic-after-terminate", "XEP-0124 §13",
     QT_TRANSLATE_NOOP("Switchboard::Monitor::Problem", "Traffic after the session was terminated")},
    {ProblemKind::WaitIgnored, "wait-ignored", "XEP-0124 §7.1",
     QT_TRANSLATE_NOOP("Switchboard::Monitor::Problem",
                       "A held request was given up before the 'wait' the client asked for")},
    {ProblemKind::HoldIgnored, "hold-ignored", "XEP-0124 §8",
     QT_TRANSLATE_NOOP("Switchboard::Monitor::Problem",
                       "No request left waiting although the client asked for 'hold'")},
    {ProblemKind::StanzaBeforeOpen, "stanza-before-open", "RFC 7395 §3.4",
     QT_TRANSLATE_NOOP("Switchboard::Monitor::Problem", "A stanza before <open/>")},
    {ProblemKind::SeveralElements, "several-elements-in-message", "RFC 7395 §3.3.3",
     QT_TRANSLATE_NOOP("Switchboard::Monitor::Problem", "Several elements in one WebSocket message")},
    {ProblemKind::NoCloseBeforeDisconnect, "no-close-before-disconnect", "RFC 7395 §3.6",
     QT_TRANSLATE_NOOP("Switchboard::Monitor::Problem", "The connection closed without <close/>")},
    {ProblemKind::PingUnanswered, "ping-unanswered", "RFC 6455 §5.5.2",
     QT_TRANSLATE_NOOP("Switchboard::Monitor::Problem", "A WebSocket ping was left unanswered")},
    {ProblemKind::WrongNamespace, "wrong-namespace", "RFC 6120 §4.8.3",
     QT_TRANSLATE_NOOP("Switchboard::Monitor::Problem", "A stanza not qualified by jabber:client")},
    {ProblemKind::IqWithoutId, "iq-without-id", "RFC 6120 §8.2.3",
     QT_TRANSLATE_NOOP("Switchboard::Monitor::Problem", "An IQ without 'id'")},
    {ProblemKind::IqUnanswered, "iq-unanswered", "RFC 6120 §8.2.3",
     QT_TRANSLATE_NOOP("Switchboard::Monitor::Problem", "An IQ got no result or error in time")},
};
static_assert(std::size(kEntries) == std::size_t(ProblemKind::IqUnanswered) + 1);

const Entry &entry(ProblemKind kind)
{
    return kEntries[std::size_t(kind)];
}
} // namespace

QString problemCode(ProblemKind kind)
{
    return QString::fromLatin1(entry(kind).code);
}

const char *problemText(ProblemKind kind)
{
    return entry(kind).text;
}

QString problemClause(ProblemKind kind, Transport transport)
{
    if (transport == Transport::WebSocket) {
        switch (kind) {
        case ProblemKind::NoRestartAfterSasl:
            return QStringLiteral("RFC 7395 §3.7");
        case ProblemKind::SessionMissingTo:
        case ProblemKind::RestartMissingTo:
            return QStringLiteral("RFC 7395 §3.4");
        case ProblemKind::TrafficAfterTerminate:
            return QStringLiteral("RFC 7395 §3.6");
        default:
            break;
        }
    }
    return QString::fromUtf8(entry(kind).clause);
}

QList<ProblemKind> allProblemKinds()
{
    QList<ProblemKind> kinds;
    for (const Entry &e : kEntries)
        kinds.append(e.kind);
    return kinds;
}

QJsonObject problemJson(const Problem &problem)
{
    QJsonObject json{
        {QStringLiteral("id"), qint64(problem.id)},
        {QStringLiteral("time"), problem.time.toString(Qt::ISODateWithMs)},
        {QStringLiteral("session"), problem.session},
        {QStringLiteral("code"), problemCode(problem.kind)},
        {QStringLiteral("text"), QString::fromUtf8(problemText(problem.kind))},
        {QStringLiteral("clause"), problem.clause},
        {QStringLiteral("side"), problemSideName(problem.side)},
        {QStringLiteral("detail"), problem.detail},
    };
    if (problem.trafficId)
        json.insert(QStringLiteral("trafficId"), qint64(problem.trafficId));
    return json;
}

QString problemSideName(ProblemSide side)
{
    return side == ProblemSide::Client ? QStringLiteral("client") : QStringLiteral("server");
}

} // namespace Switchboard::Monitor
