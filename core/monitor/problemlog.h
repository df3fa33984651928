// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "monitor/hub.h"
#include "monitor/problem.h"

#include <QList>
#include <QObject>
#include <QSet>
#include <QString>

#include <deque>

namespace Switchboard::Monitor {

class TrafficRecorder;

/// The problems the client lint found (docs/MONITORING.md, "Problems"), for the window's Problems view,
/// the status page's JSON and the traffic export: a bounded list, oldest dropped first, each problem
/// with an id and, when the offending stanza was captured, the id of its traffic record.
///
/// While enabled it listens to the Hub's problemFound (and Hub::wantsLint() is true, so sessions that
/// open from then on are linted); disabled, nothing is linted and nothing costs. Problems of a worker's
/// sessions reach the Server's Hub queued, after the stanzas they concern, so the traffic record a
/// problem names is already in the capture when it arrives.
///
/// Lives in the Hub's thread (the Server's); `hub` and `traffic` (may be null) must outlive it.
class ProblemLog final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProblemLog)
public:
    static constexpr int kCapacity = 5000;
    /// Sessions remembered as ended by their client, to tell a request after terminate (XEP-0124 §13).
    static constexpr int kEndedMemory = 256;

    ProblemLog(Hub *hub, const TrafficRecorder *traffic, QObject *parent = nullptr);
    ~ProblemLog() override;

    void setEnabled(bool enabled);
    bool isEnabled() const { return m_enabled; }

    /// Every problem kept, oldest first (ids > sinceId).
    QList<Problem> problems(quint64 sinceId = 0) const;
    /// The problems of one session kept, oldest first.
    QList<Problem> problemsOf(const QString &sid) const;
    int count() const { return int(m_problems.size()); }
    quint64 lastId() const { return m_nextId - 1; }
    void clear();

    /// Takes one problem as if the Hub had reported it (tests; also the Hub connection): numbers it and
    /// looks up the traffic record of its stanza.
    void add(Problem problem);

Q_SIGNALS:
    /// A problem was added (it has its id); `dropped`: the oldest kept one was dropped to make room.
    void problemAdded(const Switchboard::Monitor::Problem &problem, bool dropped);
    void cleared();

private:
    void onSessionClosed(const QString &sid, const QString &condition);
    void onRequestForEndedSession(const QString &sid);
    quint64 findRecord(const Problem &problem) const;

    Hub *m_hub = nullptr;
    const TrafficRecorder *m_traffic = nullptr;
    QList<QMetaObject::Connection> m_connections;
    std::deque<Problem> m_problems;
    quint64 m_nextId = 1;
    bool m_enabled = false;
    QSet<QString> m_ended;       ///< sessions their client terminated (capped, see kEndedMemory)
    QList<QString> m_endedOrder; ///< the same, oldest first
};

} // namespace Switchboard::Monitor
