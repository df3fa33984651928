// SPDX-License-Identifier: GPL-3.0-or-later
// StreamRegistry and OwnedStreams after a logout wave: every finished stream is forgotten, and the
// tables that grew with the sessions give their storage back (kept, it pinned pages of the freed heap
// after the wave), while they do not shrink per stream as long as many are left.
#include "stream/clientstream.h"
#include "stream/ownedstreams.h"
#include "stream/streamregistry.h"

#include <QSignalSpy>
#include <QTest>

using namespace Switchboard;
using namespace Switchboard::Stream;

namespace {

/// The lifecycle alone: finishing is all these streams do.
class BareStream final : public ClientStream
{
public:
    BareStream(const Config &config, const QString &id)
        : ClientStream(config, Client{id, Monitor::Transport::Bosh, {}, {}, false}, {}, nullptr, nullptr)
    {}
    void terminate(Condition condition, const QString & = {}) override { finishStream(condition, {}); }
    bool inject(Monitor::Direction, const QByteArray &) override { return false; }
    void checkTimers() override {}
    void upstreamOpened(const QString &, const Xmpp::StreamHeader &) override {}
    void upstreamElement(const QString &, const QByteArray &) override {}
    void upstreamClosed(const QString &) override {}
    void upstreamFailed(const QString &, Xmpp::LinkFailure, const QByteArray &, const QString &) override {}
};

} // namespace

class tst_StreamRegistry : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tablesShrinkAfterLogoutWave()
    {
        Config config;
        StreamRegistry registry;
        OwnedStreams owned(&registry, 1000);
        constexpr int kStreams = 3000;
        QList<BareStream *> streams;
        for (int i = 0; i < kStreams; ++i) {
            auto *stream = new BareStream(config, QStringLiteral("sid-%1").arg(i));
            streams.append(stream);
            owned.adopt(stream);
        }
        QCOMPARE(registry.count(), kStreams);
        QCOMPARE(owned.count(), kStreams);
        const qsizetype registryPeak = registry.capacity();
        const qsizetype ownedPeak = owned.capacity();
        QVERIFY(registryPeak >= kStreams);
        QVERIFY(ownedPeak >= kStreams);

        // The first half ends: still sized for the peak (no rehash per finished stream).
        for (int i = 0; i < kStreams / 2; ++i)
            streams.at(i)->terminate(Condition::None);
        QCOMPARE(registry.count(), kStreams / 2);
        QCOMPARE(registry.capacity(), registryPeak);
        QCOMPARE(owned.capacity(), ownedPeak);
        QVERIFY(registry.find(QStringLiteral("sid-%1").arg(kStreams - 1)));

        // Down to a few: a table for the few, and the ones left still found.
        for (int i = kStreams / 2; i < kStreams - 10; ++i)
            streams.at(i)->terminate(Condition::None);
        QCOMPARE(registry.count(), 10);
        QVERIFY2(registry.capacity() <= 256, qPrintable(QString::number(registry.capacity())));
        QVERIFY2(owned.capacity() <= 256, qPrintable(QString::number(owned.capacity())));
        for (int i = kStreams - 10; i < kStreams; ++i)
            QCOMPARE(registry.find(QStringLiteral("sid-%1").arg(i)), streams.at(i));
        QVERIFY(!registry.find(QStringLiteral("sid-0")));

        // All gone: nothing kept at all, and the registry says it is idle.
        QSignalSpy idle(&registry, &StreamRegistry::idle);
        for (int i = kStreams - 10; i < kStreams; ++i)
            streams.at(i)->terminate(Condition::None);
        QCOMPARE(registry.count(), 0);
        QCOMPARE(idle.size(), 1);
        QCOMPARE(registry.capacity(), 0);
        QCOMPARE(owned.capacity(), 0);
        // The finished streams are deleted later by their owner.
        QTRY_COMPARE(owned.findChildren<BareStream *>().size(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_StreamRegistry)
#include "tst_stream_registry.moc"
