// SPDX-License-Identifier: GPL-3.0-or-later
// The Registry, fed by Hub signals and counters alone: records, timelines, counters and the batched,
// past-tense signals fronts rely on.
#include "monitor/hub.h"
#include "monitor/registry.h"

#include <QSignalSpy>
#include <QTest>

using namespace Switchboard::Monitor;

namespace {

SessionInfo info(const QString &sid, Transport transport = Transport::Bosh)
{
    SessionInfo i;
    i.sid = sid;
    i.transport = transport;
    i.clientAddress = QHostAddress(QStringLiteral("192.0.2.7"));
    i.userAgent = QStringLiteral("TestAgent/1.0");
    i.domain = QStringLiteral("example.org");
    i.secure = true;
    i.created = QDateTime::currentDateTimeUtc();
    return i;
}

QStringList ids(const QSignalSpy &spy, int index = 0)
{
    return spy.at(index).at(0).toStringList();
}

QStringList kinds(const QList<SessionEvent> &events)
{
    QStringList out;
    for (const SessionEvent &e : events)
        out.append(eventKindName(e.kind));
    return out;
}

} // namespace

class tst_MonitorRegistry : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sessionLifecycleIsBatched()
    {
        Hub hub;
        Registry registry(&hub);
        registry.setInterval(10);
        QSignalSpy added(&registry, &Registry::sessionsAdded);
        QSignalSpy changed(&registry, &Registry::sessionsChanged);
        QSignalSpy removed(&registry, &Registry::sessionsRemoved);
        QSignalSpy stats(&registry, &Registry::statsUpdated);

        hub.reportSessionOpened(info(QStringLiteral("a")));
        hub.reportSessionOpened(info(QStringLiteral("b"), Transport::WebSocket));
        Q_EMIT hub.streamAdded(QStringLiteral("a"), QStringLiteral("s1"), QStringLiteral("example.org"));
        // Nothing is announced from inside the Hub's signals: one batch later, both at once.
        QCOMPARE(added.size(), 0);
        QVERIFY(added.wait());
        QCOMPARE(added.size(), 1);
        QCOMPARE(ids(added), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        QCOMPARE(changed.size(), 0); // a new session is "added", not also "changed"
        QCOMPARE(stats.size(), 1);
        QCOMPARE(registry.sessionIds(), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));

        const SessionRecord a = registry.session(QStringLiteral("a"));
        QCOMPARE(a.id, QStringLiteral("a"));
        QCOMPARE(a.transport, Transport::Bosh);
        QCOMPARE(a.clientAddress, QHostAddress(QStringLiteral("192.0.2.7")));
        QCOMPARE(a.userAgent, QStringLiteral("TestAgent/1.0"));
        QCOMPARE(a.domain, QStringLiteral("example.org"));
        QVERIFY(a.clientSecure);
        QCOMPARE(a.streams.size(), 1);
        QCOMPARE(a.streams.at(0).name, QStringLiteral("s1"));
        QVERIFY(!a.closed);

        RegistryCounters c = registry.counters();
        QCOMPARE(c.liveBosh, 1);
        QCOMPARE(c.liveWebSocket, 1);
        QCOMPARE(c.totalBosh, quint64(1));
        QCOMPARE(c.totalWebSocket, quint64(1));

        // Many events in one batch: one sessionsChanged naming the session once.
        Q_EMIT hub.backendConnected(QStringLiteral("a"), QStringLiteral("s1"),
                                    QStringLiteral("127.0.0.1:5222"), false);
        Q_EMIT hub.streamRestarted(QStringLiteral("a"), QStringLiteral("s1"));
        hub.reportBound(QStringLiteral("a"), QStringLiteral("s1"), QStringLiteral("alice@example.org/r1"));
        Q_EMIT hub.sessionPaused(QStringLiteral("a"), 30);
        QVERIFY(changed.wait());
        QCOMPARE(changed.size(), 1);
        QCOMPARE(ids(changed), QStringList{QStringLiteral("a")});
        const SessionRecord a2 = registry.session(QStringLiteral("a"));
        QCOMPARE(a2.backendPeer, QStringLiteral("127.0.0.1:5222"));
        QVERIFY(!a2.backendEncrypted);
        QCOMPARE(a2.jid, QStringLiteral("alice@example.org/r1"));
        QCOMPARE(a2.streams.at(0).jid, QStringLiteral("alice@example.org/r1"));
        QVERIFY(a2.streams.at(0).backendConnected);
        QCOMPARE(kinds(registry.events(QStringLiteral("a"))),
                 (QStringList{QStringLiteral("created"), QStringLiteral("stream-added"),
                              QStringLiteral("backend-connected"), QStringLiteral("restarted"),
                              QStringLiteral("bound"), QStringLiteral("paused")}));
        QCOMPARE(registry.events(QStringLiteral("a")).at(5).detail, QStringLiteral("30"));

        // Termination: the stream, then the session with its condition.
        Q_EMIT hub.streamTerminated(QStringLiteral("a"), QStringLiteral("s1"),
                                    QStringLiteral("system-shutdown"));
        hub.reportSessionClosed(QStringLiteral("a"), QStringLiteral("system-shutdown"));
        QVERIFY(removed.wait());
        QCOMPARE(ids(removed), QStringList{QStringLiteral("a")});
        QVERIFY(!registry.contains(QStringLiteral("a")));
        QCOMPARE(registry.sessionIds(), QStringList{QStringLiteral("b")});
        // The final record stays readable among the recently closed.
        const SessionRecord closed = registry.session(QStringLiteral("a"));
        QVERIFY(closed.closed);
        QCOMPARE(closed.condition, QStringLiteral("system-shutdown"));
        QVERIFY(closed.ended.isValid());
        QVERIFY(!closed.streams.at(0).open);
        QCOMPARE(registry.closedSessions().size(), 1);
        QCOMPARE(kinds(registry.events(QStringLiteral("a"))).mid(6),
                 (QStringList{QStringLiteral("stream-terminated"), QStringLiteral("closed")}));
        QCOMPARE(registry.events(QStringLiteral("a")).constLast().detail, QStringLiteral("system-shutdown"));
        c = registry.counters();
        QCOMPARE(c.liveBosh, 0);
        QCOMPARE(c.totalBosh, quint64(1));
        QCOMPARE(c.conditions.value(QStringLiteral("system-shutdown")), quint64(1));

        // Opened and closed within one batch: added, then removed, in that order.
        QList<QString> order;
        connect(&registry, &Registry::sessionsAdded, this, [&order](const QStringList &l) { order += l; });
        connect(&registry, &Registry::sessionsRemoved, this,
                [&order](const QStringList &l) { order += QStringLiteral("-") + l.join(QLatin1Char(',')); });
        hub.reportSessionOpened(info(QStringLiteral("c")));
        hub.reportSessionClosed(QStringLiteral("c"), {});
        QTRY_COMPARE(order, (QList<QString>{QStringLiteral("c"), QStringLiteral("-c")}));
        QCOMPARE(registry.counters().conditions.value(QStringLiteral("normal")), quint64(1));
        QCOMPARE(registry.session(QStringLiteral("c")).condition, QString());
    }

    void countersComeFromTheHub()
    {
        Hub hub;
        Registry registry(&hub);
        registry.setInterval(10);
        QSignalSpy changed(&registry, &Registry::sessionsChanged);
        QSignalSpy stats(&registry, &Registry::statsUpdated);
        const auto counters = hub.reportSessionOpened(info(QStringLiteral("a")));
        hub.reportSessionOpened(info(QStringLiteral("idle")));
        QVERIFY(stats.wait());
        stats.clear();

        // Fronts count with plain increments; the registry reads them once per batch.
        hub.countStanza(counters.get(), Direction::ToServer, 100);
        hub.countStanza(counters.get(), Direction::ToServer, 50);
        hub.countStanza(counters.get(), Direction::ToClient, 20);
        hub.countStanza(nullptr, Direction::ToClient, 7); // a stanza outside any session: totals only
        counters->requests = 3;
        counters->held = 1;
        hub.countRequest();
        hub.countRequest();
        hub.countAnswer(3);
        hub.countAnswer(70);
        hub.countAnswer(200000);
        QVERIFY(changed.wait());
        QCOMPARE(ids(changed), QStringList{QStringLiteral("a")}); // the idle session did not change
        const SessionRecord a = registry.session(QStringLiteral("a"));
        QCOMPARE(a.counters.stanzasToServer, quint64(2));
        QCOMPARE(a.counters.bytesToServer, quint64(150));
        QCOMPARE(a.counters.stanzasToClient, quint64(1));
        QCOMPARE(a.counters.bytesToClient, quint64(20));
        QCOMPARE(a.counters.requests, quint64(3));
        QCOMPARE(a.counters.held, 1);
        QVERIFY(a.lastActivity >= a.created);
        QTRY_VERIFY(stats.size() >= 1);

        const RegistryCounters c = registry.counters();
        QCOMPARE(c.stanzasToServer, quint64(2));
        QCOMPARE(c.stanzasToClient, quint64(2));
        QCOMPARE(c.bytesToServer, quint64(150));
        QCOMPARE(c.bytesToClient, quint64(27));
        QCOMPARE(c.requests, quint64(2));
        QCOMPARE(c.answerLatency.count, quint64(3));
        QCOMPARE(c.answerLatency.sumMs, quint64(200073));
        QCOMPARE(c.answerLatency.buckets.at(0), quint64(1));                                  // <= 5 ms
        QCOMPARE(c.answerLatency.buckets.at(4), quint64(1));                                  // <= 100 ms
        QCOMPARE(c.answerLatency.buckets.at(LatencyHistogram::kBoundsMs.size()), quint64(1)); // +Inf

        // Nothing moves: no signal at all.
        changed.clear();
        stats.clear();
        registry.flush();
        QCOMPARE(changed.size(), 0);
        QCOMPARE(stats.size(), 0);

        // The last reading is taken when the session closes.
        hub.countStanza(counters.get(), Direction::ToClient, 5);
        hub.reportSessionClosed(QStringLiteral("a"), QStringLiteral("remote-connection-failed"));
        QCOMPARE(registry.session(QStringLiteral("a")).counters.stanzasToClient, quint64(2));
        QCOMPARE(registry.session(QStringLiteral("a")).counters.held, 0);
        QCOMPARE(hub.sessionCounters(QStringLiteral("a")), SessionCounters{}); // the hub let go
    }

    void backendFailuresAndUndelivered()
    {
        Hub hub;
        Registry registry(&hub);
        hub.reportSessionOpened(info(QStringLiteral("a")));
        Q_EMIT hub.streamAdded(QStringLiteral("a"), QStringLiteral("s"), QStringLiteral("example.org"));
        // A connect failure counts; a stream error after the link was up does not.
        Q_EMIT hub.backendFailed(QStringLiteral("a"), QStringLiteral("s"),
                                 QStringLiteral("remote-connection-failed"), false);
        Q_EMIT hub.backendFailed(QStringLiteral("a"), QStringLiteral("s"), QStringLiteral("host-unknown"),
                                 false);
        Q_EMIT hub.backendFailed(QStringLiteral("a"), QStringLiteral("s"),
                                 QStringLiteral("remote-stream-error"), true);
        Q_EMIT hub.backendFailed(QStringLiteral("a"), QStringLiteral("s"),
                                 QStringLiteral("remote-stream-error"), false);
        Q_EMIT hub.noClient(QStringLiteral("a"), QStringLiteral("s"), QByteArray("<message/>"));
        registry.flush();
        QCOMPARE(registry.counters().backendConnectFailures, quint64(2));
        QCOMPARE(registry.counters().undelivered, quint64(1));
        const QList<SessionEvent> events = registry.events(QStringLiteral("a"));
        QCOMPARE(events.at(2).kind, SessionEvent::Kind::Error);
        QCOMPARE(events.at(2).detail, QStringLiteral("remote-connection-failed"));
        QCOMPARE(events.at(2).stream, QStringLiteral("s"));
        QCOMPARE(events.constLast().kind, SessionEvent::Kind::Undelivered);
        // Signals about sessions the registry never saw are ignored, not invented.
        Q_EMIT hub.streamRestarted(QStringLiteral("nobody"), QStringLiteral("s"));
        QVERIFY(!registry.contains(QStringLiteral("nobody")));
        QVERIFY(registry.events(QStringLiteral("nobody")).isEmpty());
        QCOMPARE(registry.session(QStringLiteral("nobody")).id, QString());
    }

    void closedSessionKeepsEveryField()
    {
        // An ended session is kept packed (one block, see Registry::m_closed): what reads back is what
        // the live record and timeline held, field by field, plus the end.
        Hub hub;
        Registry registry(&hub);
        SessionInfo opened = info(QStringLiteral("a"), Transport::WebSocket);
        opened.clientAddress = QHostAddress(QStringLiteral("fe80::1%1"));
        opened.userAgent = QStringLiteral("Agent \u00e9\u4e2d/2"); // not Latin-1: the packed form is UTF-8
        const std::shared_ptr<SessionCounters> counters = hub.reportSessionOpened(opened);
        Q_EMIT hub.streamAdded(QStringLiteral("a"), QStringLiteral("s1"), QStringLiteral("example.org"));
        Q_EMIT hub.streamAdded(QStringLiteral("a"), QStringLiteral("s2"), QStringLiteral("example.net"));
        Q_EMIT hub.backendConnected(QStringLiteral("a"), QStringLiteral("s1"), QStringLiteral("[::1]:5222"),
                                    true);
        hub.reportBound(QStringLiteral("a"), QStringLiteral("s1"), QStringLiteral("alice@example.org/r"));
        Q_EMIT hub.streamTerminated(QStringLiteral("a"), QStringLiteral("s2"),
                                    QStringLiteral("host-unknown"));
        hub.countStanza(counters.get(), Direction::ToServer, 120);
        hub.countStanza(counters.get(), Direction::ToClient, 7);
        counters->requests = 3;
        counters->held = 1;
        registry.flush();
        const SessionRecord live = registry.session(QStringLiteral("a"));
        const QList<SessionEvent> liveEvents = registry.events(QStringLiteral("a"));
        QCOMPARE(live.streams.size(), 2);
        QCOMPARE(live.counters.stanzasToServer, quint64(1));

        hub.reportSessionClosed(QStringLiteral("a"), QStringLiteral("policy-violation"));
        QVERIFY(!registry.contains(QStringLiteral("a")));
        const SessionRecord closed = registry.session(QStringLiteral("a"));
        QCOMPARE(closed.id, live.id);
        QCOMPARE(closed.transport, Transport::WebSocket);
        QCOMPARE(closed.clientAddress, live.clientAddress);
        QCOMPARE(closed.clientAddress.scopeId(), QStringLiteral("1"));
        QCOMPARE(closed.userAgent, opened.userAgent);
        QCOMPARE(closed.domain, live.domain);
        QCOMPARE(closed.clientSecure, live.clientSecure);
        QCOMPARE(closed.backendPeer, QStringLiteral("[::1]:5222"));
        QVERIFY(closed.backendEncrypted);
        QCOMPARE(closed.jid, QStringLiteral("alice@example.org/r"));
        QCOMPARE(closed.created, live.created);
        QCOMPARE(closed.created.timeSpec(), Qt::UTC);
        QCOMPARE(closed.counters.stanzasToServer, quint64(1));
        QCOMPARE(closed.counters.bytesToServer, quint64(120));
        QCOMPARE(closed.counters.stanzasToClient, quint64(1));
        QCOMPARE(closed.counters.bytesToClient, quint64(7));
        QCOMPARE(closed.counters.requests, quint64(3));
        QCOMPARE(closed.counters.held, 0); // nothing is held by an ended session
        QVERIFY(closed.closed);
        QCOMPARE(closed.condition, QStringLiteral("policy-violation"));
        QVERIFY(closed.ended.isValid());
        QCOMPARE(closed.lastActivity, closed.ended);
        QCOMPARE(closed.streams.size(), 2);
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(closed.streams.at(i).name, live.streams.at(i).name);
            QCOMPARE(closed.streams.at(i).domain, live.streams.at(i).domain);
            QCOMPARE(closed.streams.at(i).backendPeer, live.streams.at(i).backendPeer);
            QCOMPARE(closed.streams.at(i).backendEncrypted, live.streams.at(i).backendEncrypted);
            QCOMPARE(closed.streams.at(i).backendConnected, live.streams.at(i).backendConnected);
            QCOMPARE(closed.streams.at(i).jid, live.streams.at(i).jid);
            QVERIFY(!closed.streams.at(i).open);
        }
        QCOMPARE(closed.streams.at(0).condition,
                 QStringLiteral("policy-violation"));                             // closed with the session
        QCOMPARE(closed.streams.at(1).condition, QStringLiteral("host-unknown")); // closed before it

        const QList<SessionEvent> events = registry.events(QStringLiteral("a"));
        QCOMPARE(events.size(), liveEvents.size() + 1);
        for (qsizetype i = 0; i < liveEvents.size(); ++i) {
            QCOMPARE(events.at(i).time, liveEvents.at(i).time);
            QCOMPARE(events.at(i).kind, liveEvents.at(i).kind);
            QCOMPARE(events.at(i).stream, liveEvents.at(i).stream);
            QCOMPARE(events.at(i).detail, liveEvents.at(i).detail);
        }
        QCOMPARE(events.constLast().kind, SessionEvent::Kind::Closed);
        QCOMPARE(events.constLast().detail, QStringLiteral("policy-violation"));
        QCOMPARE(registry.closedSessions().size(), 1);
        QCOMPARE(registry.closedSessions().constFirst().jid, closed.jid);

        // Moved before a heap trim: the same record and timeline read back.
        registry.compact();
        const SessionRecord moved = registry.session(QStringLiteral("a"));
        QCOMPARE(moved.id, closed.id);
        QCOMPARE(moved.clientAddress, closed.clientAddress);
        QCOMPARE(moved.userAgent, closed.userAgent);
        QCOMPARE(moved.jid, closed.jid);
        QCOMPARE(moved.ended, closed.ended);
        QCOMPARE(moved.counters.bytesToServer, closed.counters.bytesToServer);
        QCOMPARE(moved.streams.size(), 2);
        QCOMPARE(moved.streams.at(1).condition, closed.streams.at(1).condition);
        const QList<SessionEvent> movedEvents = registry.events(QStringLiteral("a"));
        QCOMPARE(movedEvents.size(), events.size());
        QCOMPARE(movedEvents.constLast().detail, events.constLast().detail);
    }

    void liveRecordReadsBackEveryEvent()
    {
        // A live session is kept packed too (rewritten at each event): each reading gives back what
        // the events said, in order, with the times they happened, whatever repeats between them.
        Hub hub;
        Registry registry(&hub);
        SessionInfo opened = info(QStringLiteral("live"));
        opened.clientAddress = QHostAddress(QStringLiteral("fe80::2%1"));
        opened.userAgent = QStringLiteral("Agent \u00e9\u4e2d/3");
        opened.created = QDateTime::fromMSecsSinceEpoch(1700000000123, Qt::UTC);
        const std::shared_ptr<SessionCounters> counters = hub.reportSessionOpened(opened);
        const QString s1 = QStringLiteral("stream-one");
        const QString s2 = QStringLiteral("stream-two");
        const QString peer = QStringLiteral("127.0.0.1:5222");
        Q_EMIT hub.streamAdded(opened.sid, s1, opened.domain);
        Q_EMIT hub.backendConnected(opened.sid, s1, peer, false);
        Q_EMIT hub.streamRestarted(opened.sid, s1);
        Q_EMIT hub.backendConnected(opened.sid, s1, peer, false); // the same peer again after the restart
        hub.reportBound(opened.sid, s1, QStringLiteral("b\u00f6b@example.org/r"));
        Q_EMIT hub.streamAdded(opened.sid, s2, QStringLiteral("example.net"));
        Q_EMIT hub.backendConnected(opened.sid, s2, QStringLiteral("[::1]:5223"), true);
        Q_EMIT hub.sessionPaused(opened.sid, 0);
        Q_EMIT hub.streamTerminated(opened.sid, s2, QStringLiteral("host-unknown"));
        Q_EMIT hub.streamTerminated(opened.sid, s2, QStringLiteral("other")); // told once only
        Q_EMIT hub.noClient(opened.sid, s1, QByteArray("<message/>"));

        const SessionRecord r = registry.session(opened.sid);
        QCOMPARE(r.id, opened.sid);
        QCOMPARE(r.transport, Transport::Bosh);
        QCOMPARE(r.clientAddress, opened.clientAddress);
        QCOMPARE(r.clientAddress.scopeId(), QStringLiteral("1"));
        QCOMPARE(r.userAgent, opened.userAgent);
        QCOMPARE(r.domain, opened.domain);
        QVERIFY(r.clientSecure);
        QCOMPARE(r.created, opened.created);
        QCOMPARE(r.created.timeSpec(), Qt::UTC);
        QCOMPARE(r.backendPeer, peer); // the first stream's
        QVERIFY(!r.backendEncrypted);
        QCOMPARE(r.jid, QStringLiteral("b\u00f6b@example.org/r"));
        QVERIFY(!r.closed);
        QVERIFY(r.condition.isEmpty());
        QVERIFY(!r.ended.isValid());
        QCOMPARE(r.streams.size(), 2);
        QCOMPARE(r.streams.at(0).name, s1);
        QCOMPARE(r.streams.at(0).domain, opened.domain);
        QCOMPARE(r.streams.at(0).backendPeer, peer);
        QVERIFY(r.streams.at(0).backendConnected);
        QVERIFY(!r.streams.at(0).backendEncrypted);
        QCOMPARE(r.streams.at(0).jid, r.jid);
        QVERIFY(r.streams.at(0).open);
        QCOMPARE(r.streams.at(1).name, s2);
        QCOMPARE(r.streams.at(1).domain, QStringLiteral("example.net"));
        QCOMPARE(r.streams.at(1).backendPeer, QStringLiteral("[::1]:5223"));
        QVERIFY(r.streams.at(1).backendEncrypted);
        QVERIFY(r.streams.at(1).jid.isEmpty());
        QVERIFY(!r.streams.at(1).open);
        QCOMPARE(r.streams.at(1).condition, QStringLiteral("host-unknown"));

        const QList<SessionEvent> events = registry.events(opened.sid);
        const QList<QStringList> expected{
            {QStringLiteral("created"), QString(), opened.domain},
            {QStringLiteral("stream-added"), s1, opened.domain},
            {QStringLiteral("backend-connected"), s1, peer + QStringLiteral(" no TLS")},
            {QStringLiteral("restarted"), s1, QString()},
            {QStringLiteral("backend-connected"), s1, peer + QStringLiteral(" no TLS")},
            {QStringLiteral("bound"), s1, r.jid},
            {QStringLiteral("stream-added"), s2, QStringLiteral("example.net")},
            {QStringLiteral("backend-connected"), s2, QStringLiteral("[::1]:5223 TLS")},
            {QStringLiteral("paused"), QString(), QStringLiteral("0")},
            {QStringLiteral("stream-terminated"), s2, QStringLiteral("host-unknown")},
            {QStringLiteral("undelivered"), s1, QString()},
        };
        QCOMPARE(events.size(), expected.size());
        for (qsizetype i = 0; i < events.size(); ++i) {
            QCOMPARE(eventKindName(events.at(i).kind), expected.at(i).at(0));
            QCOMPARE(events.at(i).stream, expected.at(i).at(1));
            QCOMPARE(events.at(i).detail, expected.at(i).at(2));
            QCOMPARE(events.at(i).time.timeSpec(), Qt::UTC);
            QVERIFY(events.at(i).time >= (i == 0 ? opened.created : events.at(i - 1).time));
        }
        QCOMPARE(events.constFirst().time, opened.created);
        QCOMPARE(r.lastActivity, events.constLast().time); // the last event

        // Counters are read per batch beside the packed record, and move the last activity when a
        // stanza or request went through.
        hub.countStanza(counters.get(), Direction::ToServer, 1234567);
        counters->requests = 300;
        counters->held = 2;
        registry.flush();
        const SessionRecord counted = registry.session(opened.sid);
        QCOMPARE(counted.counters.stanzasToServer, quint64(1));
        QCOMPARE(counted.counters.bytesToServer, quint64(1234567));
        QCOMPARE(counted.counters.requests, quint64(300));
        QCOMPARE(counted.counters.held, 2);
        QVERIFY(counted.lastActivity >= r.lastActivity);
        QCOMPARE(registry.sessions().size(), 1);
        QCOMPARE(registry.sessions().constFirst().counters, counted.counters);
        QCOMPARE(registry.sessions().constFirst().streams.size(), 2);
        // An event after the batch keeps the counters the batch read.
        Q_EMIT hub.streamRestarted(opened.sid, s1);
        QCOMPARE(registry.session(opened.sid).counters, counted.counters);
        QCOMPARE(registry.events(opened.sid).size(), expected.size() + 1);
    }

    void compactedRecordsLastThroughTheList()
    {
        // compact() puts the kept records into one block; records closed later, compacting again,
        // and the compacted ones leaving the list do not change what any of them reads.
        Hub hub;
        Registry registry(&hub);
        registry.setClosedLimit(3);
        auto end = [&hub](const QString &sid) {
            hub.reportSessionOpened(info(sid));
            hub.reportBound(sid, QStringLiteral("s"), sid + QStringLiteral("@example.org/r"));
            hub.reportSessionClosed(sid, QStringLiteral("condition-") + sid);
        };
        auto check = [&registry](const QStringList &expected) {
            QStringList got;
            for (const SessionRecord &r : registry.closedSessions()) {
                got.append(r.id);
                QCOMPARE(r.jid, r.id + QStringLiteral("@example.org/r"));
                QCOMPARE(r.condition, QStringLiteral("condition-") + r.id);
                QCOMPARE(registry.events(r.id).constLast().detail, r.condition);
            }
            QCOMPARE(got, expected);
        };
        registry.compact(); // nothing to move
        for (const char *sid : {"a", "b", "c"})
            end(QLatin1String(sid));
        registry.compact();
        check({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")});
        end(QStringLiteral("d")); // a compacted one leaves
        check({QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")});
        registry.compact(); // two views into the first block and one record of its own
        check({QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")});
        for (const char *sid : {"e", "f", "g"}) // every compacted one leaves
            end(QLatin1String(sid));
        check({QStringLiteral("e"), QStringLiteral("f"), QStringLiteral("g")});
        QCOMPARE(registry.session(QStringLiteral("d")).id, QString());
        registry.setClosedLimit(1);
        check({QStringLiteral("g")});
    }

    void timelineAndClosedListAreBounded()
    {
        Hub hub;
        Registry registry(&hub);
        registry.setTimelineLimit(5);
        registry.setClosedLimit(2);
        hub.reportSessionOpened(info(QStringLiteral("a")));
        for (int i = 0; i < 50; ++i)
            Q_EMIT hub.streamRestarted(QStringLiteral("a"), QStringLiteral("s"));
        const QList<SessionEvent> events = registry.events(QStringLiteral("a"));
        QCOMPARE(events.size(), 5);
        QCOMPARE(events.constFirst().kind, SessionEvent::Kind::Created); // the start stays
        QCOMPARE(events.constLast().kind, SessionEvent::Kind::Restarted);

        for (const char *sid : {"x", "y", "z"}) {
            hub.reportSessionOpened(info(QLatin1String(sid)));
            hub.reportSessionClosed(QLatin1String(sid), {});
        }
        const QList<SessionRecord> closed = registry.closedSessions();
        QCOMPARE(closed.size(), 2);
        QCOMPARE(closed.at(0).id, QStringLiteral("y"));
        QCOMPARE(closed.at(1).id, QStringLiteral("z"));
        QCOMPARE(registry.session(QStringLiteral("x")).id, QString());
    }

    void idleRegistryHasNothingToSay()
    {
        Hub hub;
        Registry registry(&hub);
        registry.setInterval(10);
        QSignalSpy stats(&registry, &Registry::statsUpdated);
        hub.reportSessionOpened(info(QStringLiteral("a")));
        hub.reportSessionClosed(QStringLiteral("a"), {});
        QVERIFY(stats.wait());
        // With no sessions and nothing pending, a batch has nothing to say.
        registry.flush();
        QCOMPARE(stats.size(), 1);
    }

    void boundJidIsReadFromTheBindResult_data()
    {
        QTest::addColumn<QByteArray>("xml");
        QTest::addColumn<QString>("jid");
        QTest::newRow("result") << QByteArray(
                                       "<iq type='result' id='b1' xmlns='jabber:client'><bind "
                                       "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>alice@example.org/"
                                       "r1</jid></bind></iq>")
                                << QStringLiteral("alice@example.org/r1");
        QTest::newRow("request")
            << QByteArray("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                          "<resource>r1</resource></bind></iq>")
            << QString();
        QTest::newRow("features")
            << QByteArray("<stream:features xmlns:stream='http://etherx.jabber.org/streams'><bind "
                          "xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>")
            << QString();
        QTest::newRow("message") << QByteArray("<message><body>jid</body></message>") << QString();
    }
    void boundJidIsReadFromTheBindResult()
    {
        QFETCH(QByteArray, xml);
        QTEST(Hub::boundJid(xml), "jid");
    }
};

QTEST_GUILESS_MAIN(tst_MonitorRegistry)
#include "tst_monitor_registry.moc"
