// SPDX-License-Identifier: GPL-3.0-or-later
// The epoll event dispatcher keeps Qt's contract: timers, socket notifiers, posted events, deleteLater,
// nested loops and exit, checked with the dispatcher installed for the whole test process.
#include "base/epolldispatcher.h"

#include <QBasicTimer>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QPointer>
#include <QSignalSpy>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <functional>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Switchboard;

class tst_EpollDispatcher : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void isInstalled();
    void singleShotTimersFireInOrder();
    void repeatingTimerRepeats();
    void stoppedTimerDoesNotFire();
    void remainingTime();
    void zeroTimerDoesNotStarveSockets();
    void queuedCallsAndDeleteLater();
    void wakeUpDeliversWhatItsHandlersPosted();
    void repostingEventsDoNotStarveSockets();
    void nestedLoopExits();
    void socketNotifierReadAndDisable();
    void closedDescriptorWithDuplicateIsForgotten();
    void tcpRoundTripManyConnections();
    void tablesShrinkOnceEmptied();
    void squeezeDropsSpareNodes();
    void singleShotTimersLeaveNoChildListBehind();
};

void tst_EpollDispatcher::isInstalled()
{
    auto *dispatcher = qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance());
    QVERIFY(dispatcher);
    QVERIFY(dispatcher->isValid());
}

void tst_EpollDispatcher::singleShotTimersFireInOrder()
{
    QList<int> order;
    QTimer::singleShot(60, this, [&order] { order << 3; });
    QTimer::singleShot(20, this, [&order] { order << 1; });
    QTimer::singleShot(40, this, [&order] { order << 2; });
    QTRY_COMPARE(order.size(), 3);
    QCOMPARE(order, (QList<int>{1, 2, 3}));
}

void tst_EpollDispatcher::repeatingTimerRepeats()
{
    QTimer timer;
    timer.setInterval(10);
    QSignalSpy spy(&timer, &QTimer::timeout);
    QElapsedTimer clock;
    clock.start();
    timer.start();
    QTRY_VERIFY(spy.size() >= 5);
    // Five periods of 10 ms cannot complete sooner than 50 ms.
    QVERIFY(clock.elapsed() >= 45);
}

void tst_EpollDispatcher::stoppedTimerDoesNotFire()
{
    QTimer stopped;
    stopped.setSingleShot(true);
    QSignalSpy stoppedSpy(&stopped, &QTimer::timeout);
    stopped.start(20);
    stopped.stop();
    QTimer later;
    later.setSingleShot(true);
    QSignalSpy laterSpy(&later, &QTimer::timeout);
    later.start(60);
    QVERIFY(laterSpy.wait(2000));
    QCOMPARE(stoppedSpy.size(), 0);
}

void tst_EpollDispatcher::remainingTime()
{
    QTimer timer;
    timer.setSingleShot(true);
    timer.start(5000);
    const int left = timer.remainingTime();
    QVERIFY(left > 4000 && left <= 5000);
    timer.stop();
    QCOMPARE(timer.remainingTime(), -1);
}

void tst_EpollDispatcher::zeroTimerDoesNotStarveSockets()
{
    int fds[2];
    QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    QSocketNotifier notifier(fds[1], QSocketNotifier::Read);
    QSignalSpy activated(&notifier, &QSocketNotifier::activated);
    QTimer busy;
    busy.setInterval(0);
    int spins = 0;
    connect(&busy, &QTimer::timeout, this, [&spins] { ++spins; });
    busy.start();
    QCOMPARE(::write(fds[0], "x", 1), 1);
    QTRY_VERIFY(!activated.isEmpty());
    QVERIFY(spins > 0);
    busy.stop();
    ::close(fds[0]);
    ::close(fds[1]);
}

void tst_EpollDispatcher::queuedCallsAndDeleteLater()
{
    int calls = 0;
    QMetaObject::invokeMethod(
        this, [&calls] { ++calls; }, Qt::QueuedConnection);
    QCOMPARE(calls, 0);
    QTRY_COMPARE(calls, 1);
    QPointer<QObject> doomed = new QObject;
    doomed->deleteLater();
    QTRY_VERIFY(doomed.isNull());
}

void tst_EpollDispatcher::wakeUpDeliversWhatItsHandlersPosted()
{
    // One wake-up for a descriptor: its handler queues a call, which deletes an object later. Both are
    // delivered by that one round, before the dispatcher waits again (no further round per wake-up).
    auto *dispatcher = qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance());
    QVERIFY(dispatcher);
    int fds[2];
    QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    QSocketNotifier notifier(fds[1], QSocketNotifier::Read);
    QPointer<QObject> doomed = new QObject;
    bool queuedRan = false;
    connect(&notifier, &QSocketNotifier::activated, this, [&] {
        char buffer[16];
        QVERIFY(::read(fds[1], buffer, sizeof buffer) > 0);
        QMetaObject::invokeMethod(
            this,
            [&] {
                queuedRan = true;
                if (doomed)
                    doomed->deleteLater();
            },
            Qt::QueuedConnection);
    });
    QCoreApplication::processEvents(); // whatever earlier tests left posted
    QCOMPARE(::write(fds[0], "x", 1), 1);
    dispatcher->processEvents(QEventLoop::WaitForMoreEvents);
    QVERIFY(queuedRan);
    QVERIFY(doomed.isNull());
    ::close(fds[0]);
    ::close(fds[1]);
}

void tst_EpollDispatcher::repostingEventsDoNotStarveSockets()
{
    // A queued call that queues itself again forever: descriptors are still served.
    int fds[2];
    QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    QSocketNotifier notifier(fds[1], QSocketNotifier::Read);
    QSignalSpy activated(&notifier, &QSocketNotifier::activated);
    int spins = 0;
    bool spinning = true;
    bool stopped = false;
    std::function<void()> spin = [&] {
        ++spins;
        if (spinning)
            QMetaObject::invokeMethod(this, spin, Qt::QueuedConnection);
        else
            stopped = true;
    };
    QMetaObject::invokeMethod(this, spin, Qt::QueuedConnection);
    QCOMPARE(::write(fds[0], "x", 1), 1);
    QTRY_VERIFY(!activated.isEmpty());
    QVERIFY(spins > 0);
    spinning = false;
    QTRY_VERIFY(stopped); // the last queued call refers to this function's locals
    ::close(fds[0]);
    ::close(fds[1]);
}

void tst_EpollDispatcher::nestedLoopExits()
{
    QEventLoop loop;
    QTimer::singleShot(10, &loop, [&loop] { loop.exit(7); });
    QCOMPARE(loop.exec(), 7);
}

void tst_EpollDispatcher::socketNotifierReadAndDisable()
{
    int fds[2];
    QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    QSocketNotifier notifier(fds[1], QSocketNotifier::Read);
    int activations = 0;
    connect(&notifier, &QSocketNotifier::activated, this, [&] {
        char buffer[16];
        if (::read(fds[1], buffer, sizeof buffer) > 0)
            ++activations;
    });
    QCOMPARE(::write(fds[0], "a", 1), 1);
    QTRY_COMPARE(activations, 1);
    // Disabled: readable data must not be reported (level-triggered interest removed).
    notifier.setEnabled(false);
    QCOMPARE(::write(fds[0], "b", 1), 1);
    // Each round polls epoll without blocking: a descriptor still in the interest set would show up.
    for (int round = 0; round < 5; ++round)
        QCoreApplication::processEvents();
    QCOMPARE(activations, 1);
    notifier.setEnabled(true);
    QTRY_COMPARE(activations, 2);
    ::close(fds[0]);
    ::close(fds[1]);
}

void tst_EpollDispatcher::closedDescriptorWithDuplicateIsForgotten()
{
    // A lingering TLS close keeps a duplicate of a socket whose descriptor Qt closes: the old number
    // must leave the epoll set with its notifier, or events of the old socket would be reported under
    // that number, which the next socket may reuse.
    int old[2];
    QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, old), 0);
    const int number = old[1];
    auto notifier = std::make_unique<QSocketNotifier>(number, QSocketNotifier::Read);
    for (int round = 0; round < 3; ++round)
        QCoreApplication::processEvents(); // the descriptor is in the kernel's set now
    const int duplicate = ::fcntl(number, F_DUPFD_CLOEXEC, 0);
    QVERIFY(duplicate >= 0);
    int fresh[2];
    QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fresh), 0);
    notifier.reset(); // what QAbstractSocket does before it closes its descriptor
    QCOMPARE(::close(number), 0);

    // A new socket under the same number.
    QCOMPARE(::dup2(fresh[1], number), number);
    ::close(fresh[1]);
    QSocketNotifier reused(number, QSocketNotifier::Read);
    int activations = 0;
    connect(&reused, &QSocketNotifier::activated, this, [&] {
        ++activations;
        char buffer[16];
        while (::read(number, buffer, sizeof buffer) > 0) {
        }
    });
    // The old socket becomes readable: nothing may be reported for the new one.
    QCOMPARE(::write(old[0], "x", 1), 1);
    for (int round = 0; round < 5; ++round)
        QCoreApplication::processEvents();
    QCOMPARE(activations, 0);
    QCOMPARE(::write(fresh[0], "y", 1), 1);
    QTRY_VERIFY(activations >= 1);
    ::close(duplicate);
    ::close(old[0]);
    ::close(fresh[0]);
    ::close(number);
}

void tst_EpollDispatcher::tcpRoundTripManyConnections()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    QList<QTcpSocket *> accepted;
    connect(&server, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *socket = server.nextPendingConnection()) {
            accepted << socket;
            connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->write(socket->readAll()); });
        }
    });
    constexpr int count = 200;
    std::vector<std::unique_ptr<QTcpSocket>> clients;
    int echoed = 0;
    for (int i = 0; i < count; ++i) {
        auto client = std::make_unique<QTcpSocket>();
        QTcpSocket *raw = client.get();
        connect(raw, &QTcpSocket::connected, raw, [raw, i] { raw->write(QByteArray::number(i)); });
        connect(raw, &QTcpSocket::readyRead, raw, [raw, i, &echoed] {
            if (raw->readAll() == QByteArray::number(i))
                ++echoed;
        });
        raw->connectToHost(QHostAddress::LocalHost, server.serverPort());
        clients.push_back(std::move(client));
    }
    QTRY_COMPARE_WITH_TIMEOUT(echoed, count, 20000);
    qDeleteAll(accepted);
}

void tst_EpollDispatcher::tablesShrinkOnceEmptied()
{
    // A logout wave: thousands of descriptors and timers, then (nearly) none. The tables must not keep
    // the bucket arrays of the peak (libstdc++'s unordered_map never shrinks on erase).
    auto *dispatcher = qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance());
    QVERIFY(dispatcher);
    constexpr int kCount = 3000;
    rlimit files{};
    QCOMPARE(::getrlimit(RLIMIT_NOFILE, &files), 0);
    if (files.rlim_cur < 2 * kCount && files.rlim_max >= 2 * kCount) {
        files.rlim_cur = 2 * kCount;
        QCOMPARE(::setrlimit(RLIMIT_NOFILE, &files), 0);
    }
    int pair[2];
    QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair), 0);
    std::vector<int> descriptors;
    std::vector<std::unique_ptr<QSocketNotifier>> notifiers;
    for (int i = 0; i < kCount; ++i) {
        const int fd = ::dup(pair[0]);
        if (fd < 0)
            QSKIP("not enough descriptors for the test");
        descriptors.push_back(fd);
        notifiers.push_back(std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read));
    }
    std::vector<std::unique_ptr<QBasicTimer>> timers;
    for (int i = 0; i < kCount; ++i) {
        timers.push_back(std::make_unique<QBasicTimer>());
        timers.back()->start(60000, this);
    }
    QCoreApplication::processEvents(); // the interest changes reach the kernel
    const EpollEventDispatcher::Footprint peak = dispatcher->footprint();
    QVERIFY(peak.watches >= std::size_t(kCount));
    QVERIFY(peak.watchBuckets >= std::size_t(kCount));
    QVERIFY(peak.timers >= std::size_t(kCount));
    QVERIFY(peak.timerBuckets >= std::size_t(kCount));
    QVERIFY(peak.pendingCapacity >= std::size_t(kCount));

    notifiers.clear();
    timers.clear();
    QCoreApplication::processEvents(); // the notifiers' removal is applied
    QCoreApplication::processEvents(); // and a round without changes lets their list go
    for (int fd : descriptors)
        ::close(fd);
    ::close(pair[0]);
    ::close(pair[1]);
    const EpollEventDispatcher::Footprint after = dispatcher->footprint();
    QVERIFY(after.watches < 16);
    QVERIFY(after.timers < 16);
    QVERIFY2(after.watchBuckets <= 256, qPrintable(QString::number(after.watchBuckets)));
    QVERIFY2(after.timerBuckets <= 256, qPrintable(QString::number(after.timerBuckets)));
    QVERIFY2(after.pendingCapacity <= 1024, qPrintable(QString::number(after.pendingCapacity)));

    // And it still works, growing again as needed.
    QTimer again;
    again.setSingleShot(true);
    QSignalSpy fired(&again, &QTimer::timeout);
    again.start(5);
    QVERIFY(fired.wait());
}

void tst_EpollDispatcher::squeezeDropsSpareNodes()
{
    auto *dispatcher = qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance());
    QVERIFY(dispatcher);
    // Timers started and stopped leave their nodes for reuse.
    {
        std::vector<std::unique_ptr<QBasicTimer>> timers;
        for (int i = 0; i < 100; ++i) {
            timers.push_back(std::make_unique<QBasicTimer>());
            timers.back()->start(60000, this);
        }
    }
    QVERIFY(dispatcher->footprint().spareNodes > 0);
    dispatcher->squeeze();
    QCOMPARE(dispatcher->footprint().spareNodes, std::size_t(0));
    // Timers still work after it.
    QTimer after;
    after.setSingleShot(true);
    QSignalSpy fired(&after, &QTimer::timeout);
    after.start(5);
    QVERIFY(fired.wait());
}

void tst_EpollDispatcher::singleShotTimersLeaveNoChildListBehind()
{
    // Qt's single-shot timer objects are children of the dispatcher until they fire: thousands started
    // at once (a logout wave) must not leave the dispatcher's children list at their number.
    auto *dispatcher = QAbstractEventDispatcher::instance();
    const qsizetype before = dispatcher->children().size();
    constexpr int kCount = 2000;
    int fired = 0;
    for (int i = 0; i < kCount; ++i)
        QTimer::singleShot(1, this, [&fired] { ++fired; });
    QVERIFY(dispatcher->children().capacity() >= kCount);
    QTRY_COMPARE(fired, kCount);
    QTRY_COMPARE(dispatcher->children().size(), before); // each goes with deleteLater()
    QVERIFY2(dispatcher->children().capacity() < 256,
             qPrintable(QString::number(dispatcher->children().capacity())));
}

int main(int argc, char *argv[])
{
    QCoreApplication::setEventDispatcher(new EpollEventDispatcher);
    QCoreApplication app(argc, argv);
    tst_EpollDispatcher test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_base_epolldispatcher.moc"
