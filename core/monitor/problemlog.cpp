// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/problemlog.h"

#include "monitor/trafficrecorder.h"

namespace Switchboard::Monitor {

namespace {
/// How far back the traffic capture is searched for a problem's stanza.
constexpr int kRecordSearch = 512;
} // namespace

ProblemLog::ProblemLog(Hub *hub, const TrafficRecorder *traffic, QObject *parent)
    : QObject(parent), m_hub(hub), m_traffic(traffic)
{}

ProblemLog::~ProblemLog()
{
    setEnabled(false);
}

void ProblemLog::setEnabled(bool enabled)
{
    if (enabled == m_enabled)
        return;
    m_enabled = enabled;
    for (const QMetaObject::Connection &c : std::as_const(m_connections))
        disconnect(c);
    m_connections.clear();
    if (enabled) {
        m_connections.append(connect(m_hub, &Hub::problemFound, this, &ProblemLog::add));
        m_connections.append(connect(m_hub, &Hub::sessionClosed, this, &ProblemLog::onSessionClosed));
        m_connections.append(
            connect(m_hub, &Hub::requestForEndedSession, this, &ProblemLog::onRequestForEndedSession));
    }
    m_hub->setLintWanted(enabled);
}

void ProblemLog::add(Problem problem)
{
    problem.id = m_nextId++;
    if (!problem.time.isValid())
        problem.time = QDateTime::currentDateTimeUtc();
    if (problem.clause.isEmpty())
        problem.clause = problemClause(problem.kind, Transport::Bosh);
    if (problem.hasStanza && !problem.trafficId)
        problem.trafficId = findRecord(problem);
    bool dropped = false;
    if (int(m_problems.size()) >= kCapacity) {
        m_problems.pop_front();
        dropped = true;
    }
    m_problems.push_back(problem);
    Q_EMIT problemAdded(problem, dropped);
}

quint64 ProblemLog::findRecord(const Problem &problem) const
{
    // The stanza was captured (if at all) before the problem arrived: the newest record of the session
    // going the same way with the same size is it.
    if (!m_traffic || m_traffic->count() == 0)
        return 0;
    const quint64 last = m_traffic->lastId();
    const quint64 first = m_traffic->firstId();
    const quint64 from = last > quint64(kRecordSearch) ? std::max(first, last - kRecordSearch) : first;
    const QList<TrafficRecord> records = m_traffic->records(from ? from - 1 : 0);
    for (auto it = records.crbegin(); it != records.crend(); ++it) {
        if (it->session == problem.session && it->direction == problem.direction &&
            it->size == problem.stanzaSize)
            return it->id;
    }
    return 0;
}

QList<Problem> ProblemLog::problems(quint64 sinceId) const
{
    QList<Problem> out;
    for (const Problem &p : m_problems) {
        if (p.id > sinceId)
            out.append(p);
    }
    return out;
}

QList<Problem> ProblemLog::problemsOf(const QString &sid) const
{
    QList<Problem> out;
    for (const Problem &p : m_problems) {
        if (p.session == sid)
            out.append(p);
    }
    return out;
}

void ProblemLog::clear()
{
    m_problems.clear();
    Q_EMIT cleared();
}

void ProblemLog::onSessionClosed(const QString &sid, const QString &condition)
{
    if (condition != QLatin1String("client terminated"))
        return;
    if (m_ended.contains(sid))
        return;
    m_ended.insert(sid);
    m_endedOrder.append(sid);
    if (m_endedOrder.size() > kEndedMemory)
        m_ended.remove(m_endedOrder.takeFirst());
}

void ProblemLog::onRequestForEndedSession(const QString &sid)
{
    // XEP-0124 §13: after type='terminate' the session is over; a client that still sends for it has
    // not noticed. A sid we never saw end this way is not judged (it may be a stale page's).
    if (!m_ended.contains(sid))
        return;
    Problem problem;
    problem.session = sid;
    problem.kind = ProblemKind::TrafficAfterTerminate;
    problem.clause = problemClause(problem.kind, Transport::Bosh);
    problem.detail = QStringLiteral("a request after type='terminate'");
    add(problem);
}

} // namespace Switchboard::Monitor
