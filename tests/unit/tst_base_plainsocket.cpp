// SPDX-License-Identifier: GPL-3.0-or-later
// PlainSocket on loopback pairs: what goes in comes out whole and in order (also through a tiny send
// buffer), the peer's close and a reset are seen, connects succeed, are refused or wait for the
// caller's deadline, and a descriptor handed over keeps working in a QTcpSocket.
#include "base/plainsocket.h"

#include "loopback.h"
#include "testmain.h"

#include <QAbstractEventDispatcher>
#include <QElapsedTimer>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <cerrno>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Switchboard;
using Test::DescriptorServer;
using Test::PlainSocketPair;
using Test::RawClient;

namespace {

/// Bytes whose order shows: a stream cut, repeated or reordered anywhere does not compare equal.
QByteArray patterned(qsizetype size, int seed = 0)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char('a' + (i * 7 + i / 4093 + seed) % 26);
    return bytes;
}

/// Small kernel buffers (no autotuning) on the sending and the receiving end, so that a few hundred
/// KiB are more than the kernel takes while the receiver does not read. Not tiny: windows of a few
/// KiB make loopback TCP wait for delayed ACKs.
void shrinkBuffers(PlainSocket *sender, PlainSocket *receiver)
{
    const int size = 32 * 1024;
    ::setsockopt(int(sender->descriptor()), SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    ::setsockopt(int(receiver->descriptor()), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
}

/// Everything a PlainSocket reads until it has `size` bytes or the stream ends.
QByteArray readAll(PlainSocket *socket, bool *closed = nullptr)
{
    QByteArray all;
    for (;;) {
        const PlainSocket::Input input = socket->read(64 * 1024);
        all += input.data;
        if (input.closed && closed)
            *closed = true;
        if (input.closed || input.drained)
            return all;
    }
}

} // namespace

class tst_PlainSocket : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void connectsAndExchangesBytes();
    void acceptedSocketKnowsItsEnds();
    void partialWritesKeepOrder();
    void readyReadOnceUntilRead();
    void readDisabledHoldsInput();
    void peerCloseIsSeen();
    void closeSendsKeptOutputFirst();
    void shutdownWriteKeepsReading();
    void peerEndWhileOutputKeptIsToldAfterTheOutput();
    void resetIsReportedQueued();
    void abortDropsKeptOutput();
    void abortAfterEndsACloseThePeerDoesNotTake();
    void abortAfterHoldsNoTimerOnceClosed();
    void connectRefused();
    void connectToBlackHoleWaitsForCallersDeadline();
    void takeDescriptorHandsOverToQTcpSocket();
    void peekLeavesInput();
    void receiverIsCalledLikeTheSignals();

private:
    std::unique_ptr<DescriptorServer> m_listener;
};

void tst_PlainSocket::init()
{
    m_listener = std::make_unique<DescriptorServer>();
    QVERIFY(m_listener->listenOnLoopback());
}

void tst_PlainSocket::cleanup()
{
    m_listener.reset();
}

void tst_PlainSocket::connectsAndExchangesBytes()
{
    PlainSocketPair pair;
    QVERIFY(pair.connect(*m_listener));
    QSignalSpy serverRead(pair.server(), &PlainSocket::readyRead);
    QSignalSpy clientRead(pair.client(), &PlainSocket::readyRead);
    QSignalSpy written(pair.client(), &PlainSocket::bytesWritten);
    pair.client()->write("hello");
    QCOMPARE(pair.client()->bytesToWrite(), 0); // the kernel took it at once
    QVERIFY(serverRead.wait());
    const PlainSocket::Input input = pair.server()->read(1024);
    QCOMPARE(input.data, "hello");
    QVERIFY(input.drained);
    QVERIFY(!input.closed);
    pair.server()->write("world");
    QVERIFY(clientRead.wait());
    QCOMPARE(readAll(pair.client()), "world");
    QCOMPARE(written.size(), 0); // nothing was kept, so nothing is reported
}

void tst_PlainSocket::acceptedSocketKnowsItsEnds()
{
    PlainSocketPair pair;
    QVERIFY(pair.connect(*m_listener));
    QCOMPARE(pair.server()->peerAddress(), QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(pair.server()->peerPort(), pair.client()->localPort());
    QCOMPARE(pair.server()->localPort(), m_listener->serverPort());
    QCOMPARE(pair.client()->peerPort(), m_listener->serverPort());
    QCOMPARE(pair.client()->localAddress(), QHostAddress(QHostAddress::LocalHost));
    QVERIFY(pair.server()->descriptor() >= 0);
    // TCP_NODELAY on both: small exchanges do not wait for delayed ACKs.
    for (PlainSocket *socket : {pair.client(), pair.server()}) {
        int on = 0;
        socklen_t length = sizeof on;
        QCOMPARE(::getsockopt(int(socket->descriptor()), IPPROTO_TCP, TCP_NODELAY, &on, &length), 0);
        QVERIFY(on != 0);
    }
}

void tst_PlainSocket::partialWritesKeepOrder()
{
    PlainSocketPair pair;
    QVERIFY(pair.connect(*m_listener));
    // Small kernel buffers: most of what is written is kept and follows on write notifications.
    shrinkBuffers(pair.server(), pair.client());
    QSignalSpy written(pair.server(), &PlainSocket::bytesWritten);
    QByteArray expected;
    for (int i = 0; i < 8; ++i) {
        const QByteArray piece = patterned(96 * 1024 + i * 13, i);
        expected += piece;
        pair.server()->write(piece);
    }
    QVERIFY(pair.server()->bytesToWrite() > 0);
    const qint64 kept = pair.server()->bytesToWrite();

    QByteArray received;
    QObject::connect(pair.client(), &PlainSocket::readyRead, this,
                     [&] { received += readAll(pair.client()); });
    received += readAll(pair.client()); // whatever is there already; later input is announced
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), expected.size(), 20000);
    QVERIFY(received == expected);
    QCOMPARE(pair.server()->bytesToWrite(), 0);
    qint64 reported = 0;
    for (const QList<QVariant> &args : std::as_const(written))
        reported += args.at(0).toLongLong();
    QCOMPARE(reported, kept); // bytesWritten() counts exactly the kept bytes
    QCOMPARE(pair.server()->state(), PlainSocket::State::Connected);
}

void tst_PlainSocket::readyReadOnceUntilRead()
{
    PlainSocketPair pair;
    QVERIFY(pair.connect(*m_listener));
    QSignalSpy ready(pair.server(), &PlainSocket::readyRead);
    pair.client()->write("0123456789");
    QVERIFY(ready.wait());
    QTest::qWait(50);          // more loop rounds with the input still waiting (not a condition)
    QCOMPARE(ready.size(), 1); // level-triggered readiness is not repeated while nobody reads
    PlainSocket::Input input = pair.server()->read(4);
    QCOMPARE(input.data, "0123");
    QVERIFY(!input.drained); // a full read may have left more
    QVERIFY(ready.wait());   // the read armed the next announcement, and more waits
    input = pair.server()->read(1024);
    QCOMPARE(input.data, "456789");
    QVERIFY(input.drained);
}

void tst_PlainSocket::readDisabledHoldsInput()
{
    PlainSocketPair pair;
    QVERIFY(pair.connect(*m_listener));
    QSignalSpy ready(pair.server(), &PlainSocket::readyRead);
    pair.server()->setReadEnabled(false);
    QVERIFY(!pair.server()->isReadEnabled());
    pair.client()->write("held");
    QTest::qWait(100); // the input arrives meanwhile (not a condition)
    QCOMPARE(ready.size(), 0);
    pair.server()->setReadEnabled(true);
    QVERIFY(ready.wait());
    QCOMPARE(pair.server()->read(1024).data, "held");
}

void tst_PlainSocket::peerCloseIsSeen()
{
    PlainSocketPair pair;
    QVERIFY(pair.connect(*m_listener));
    QSignalSpy ready(pair.server(), &PlainSocket::readyRead);
    QSignalSpy gone(pair.server(), &PlainSocket::disconnected);
    QSignalSpy errors(pair.server(), &PlainSocket::errorOccurred);
    QSignalSpy clientGone(pair.client(), &PlainSocket::disconnected);
    pair.client()->write("last words");
    pair.client()->close();
    QCOMPARE(clientGone.size(), 0); // queued: never inside the owner's call
    QVERIFY(clientGone.wait());
    QCOMPARE(pair.client()->state(), PlainSocket::State::Closed);
    QCOMPARE(pair.client()->descriptor(), -1);

    QTRY_VERIFY(!ready.isEmpty());
    bool closed = false;
    QCOMPARE(readAll(pair.server(), &closed), "last words");
    if (!closed) {
        QVERIFY(ready.wait());
        QVERIFY(pair.server()->read(1024).closed);
    }
    QCOMPARE(pair.server()->state(), PlainSocket::State::Closed);
    QCOMPARE(gone.size(), 0); // queued
    QVERIFY(gone.wait());
    QTest::qWait(20); // once only (not a condition)
    QCOMPARE(gone.size(), 1);
    QCOMPARE(errors.size(), 0);
    QCOMPARE(pair.server()->error(), 0);
    QVERIFY(pair.server()->read(1024).closed); // and so it stays
}

void tst_PlainSocket::closeSendsKeptOutputFirst()
{
    PlainSocketPair pair;
    QVERIFY(pair.connect(*m_listener));
    shrinkBuffers(pair.server(), pair.client());
    const QByteArray big = patterned(768 * 1024);
    pair.server()->write(big);
    QVERIFY(pair.server()->bytesToWrite() > 0);
    QSignalSpy gone(pair.server(), &PlainSocket::disconnected);
    pair.server()->close();
    QCOMPARE(pair.server()->state(), PlainSocket::State::Closing);
    pair.server()->write("ignored after close()");

    QByteArray received;
    bool closed = false;
    QObject::connect(pair.client(), &PlainSocket::readyRead, this,
                     [&] { received += readAll(pair.client(), &closed); });
    received += readAll(pair.client(), &closed);
    QTRY_VERIFY_WITH_TIMEOUT(closed, 20000);
    QVERIFY(received == big);
    QTRY_COMPARE(gone.size(), 1);
    QCOMPARE(pair.server()->state(), PlainSocket::State::Closed);
    QCOMPARE(pair.server()->error(), 0);
}

void tst_PlainSocket::shutdownWriteKeepsReading()
{
    // The client is a bare descriptor: it sees our end of stream and still writes.
    RawClient raw(m_listener->serverPort());
    QVERIFY(raw.isConnected());
    const qintptr accepted = m_listener->takeNext();
    QVERIFY(accepted >= 0);
    PlainSocket server(accepted);
    server.write("bye");
    server.shutdownWrite();
    QByteArray received;
    QVERIFY(raw.readUntilEnd(&received));
    QCOMPARE(received, "bye");
    // Our side still reads what the client sends (a lingering close discards it).
    QCOMPARE(server.state(), PlainSocket::State::Connected);
    QSignalSpy ready(&server, &PlainSocket::readyRead);
    QCOMPARE(::send(raw.descriptor(), "late", 4, MSG_NOSIGNAL), ssize_t(4));
    QTRY_VERIFY(!ready.isEmpty());
    QCOMPARE(server.read(1024).data, "late");
}

void tst_PlainSocket::peerEndWhileOutputKeptIsToldAfterTheOutput()
{
    // A client that ends its side and still reads: the output kept for it goes out whole, and the end
    // is told (disconnected()) only then.
    const int small = 32 * 1024;
    RawClient raw(m_listener->serverPort(), small);
    QVERIFY(raw.isConnected());
    const qintptr accepted = m_listener->takeNext();
    QVERIFY(accepted >= 0);
    PlainSocket server(accepted);
    ::setsockopt(int(server.descriptor()), SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    const QByteArray big = patterned(768 * 1024);
    server.write(big);
    QVERIFY(server.bytesToWrite() > 0);
    QSignalSpy ready(&server, &PlainSocket::readyRead);
    QSignalSpy gone(&server, &PlainSocket::disconnected);
    QCOMPARE(::shutdown(raw.descriptor(), SHUT_WR), 0);
    QVERIFY(ready.wait());
    const PlainSocket::Input input = server.read(1024);
    QVERIFY(input.data.isEmpty());
    QVERIFY(!input.closed); // not yet: the output is still on its way
    QCOMPARE(server.state(), PlainSocket::State::Closing);
    QVERIFY(server.bytesToWrite() > 0);
    QCOMPARE(gone.size(), 0);

    QByteArray received;
    QVERIFY(raw.readUntilEnd(&received, 20000));
    QVERIFY(received == big);
    QTRY_COMPARE(gone.size(), 1);
    QCOMPARE(server.state(), PlainSocket::State::Closed);
    QCOMPARE(server.error(), 0);
}

void tst_PlainSocket::resetIsReportedQueued()
{
    PlainSocketPair pair;
    QVERIFY(pair.connect(*m_listener));
    // SO_LINGER 0: close() sends a reset.
    const linger hard{1, 0};
    QCOMPARE(::setsockopt(int(pair.client()->descriptor()), SOL_SOCKET, SO_LINGER, &hard, sizeof hard), 0);
    pair.deleteClient();
    QSignalSpy ready(pair.server(), &PlainSocket::readyRead);
    QSignalSpy errors(pair.server(), &PlainSocket::errorOccurred);
    QSignalSpy gone(pair.server(), &PlainSocket::disconnected);
    QVERIFY(ready.wait());
    const PlainSocket::Input input = pair.server()->read(1024);
    QVERIFY(input.closed);
    QCOMPARE(errors.size(), 0); // queued: not inside read()
    QCOMPARE(gone.size(), 0);
    QVERIFY(gone.wait());
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().at(0).toInt(), ECONNRESET);
    QCOMPARE(pair.server()->error(), ECONNRESET);
    QVERIFY(!pair.server()->errorString().isEmpty());
    pair.server()->write("nowhere"); // ignored once closed
    QCOMPARE(pair.server()->bytesToWrite(), 0);

    // A write into a reset connection fails the same way, reported after write() returns.
    QVERIFY(pair.connect(*m_listener));
    QCOMPARE(::setsockopt(int(pair.client()->descriptor()), SOL_SOCKET, SO_LINGER, &hard, sizeof hard), 0);
    pair.deleteClient();
    QSignalSpy errors2(pair.server(), &PlainSocket::errorOccurred);
    QSignalSpy gone2(pair.server(), &PlainSocket::disconnected);
    QTRY_VERIFY([&] {
        pair.server()->write("x");
        return pair.server()->state() == PlainSocket::State::Closed;
    }());
    QCOMPARE(errors2.size(), 0);
    QVERIFY(gone2.wait());
    QCOMPARE(errors2.size(), 1);
    const int error = errors2.first().at(0).toInt();
    QVERIFY2(error == ECONNRESET || error == EPIPE, qPrintable(QString::number(error)));
}

void tst_PlainSocket::abortDropsKeptOutput()
{
    PlainSocketPair pair;
    QVERIFY(pair.connect(*m_listener));
    shrinkBuffers(pair.server(), pair.client());
    pair.server()->write(patterned(512 * 1024));
    QVERIFY(pair.server()->bytesToWrite() > 0);
    QSignalSpy gone(pair.server(), &PlainSocket::disconnected);
    QSignalSpy written(pair.server(), &PlainSocket::bytesWritten);
    pair.server()->abort();
    QCOMPARE(pair.server()->state(), PlainSocket::State::Closed);
    QCOMPARE(pair.server()->bytesToWrite(), 0);
    QCOMPARE(gone.size(), 0);
    QVERIFY(gone.wait());
    pair.server()->abort(); // once only
    QTest::qWait(20);       // (not a condition)
    QCOMPARE(gone.size(), 1);
    QCOMPARE(written.size(), 0);
}

void tst_PlainSocket::abortAfterEndsACloseThePeerDoesNotTake()
{
    PlainSocketPair pair;
    QVERIFY(pair.connect(*m_listener));
    PlainSocket *server = pair.server();
    shrinkBuffers(server, pair.client());
    // The peer does not read: close() keeps the socket Closing with its output, until the deadline.
    server->write(patterned(512 * 1024));
    QVERIFY(server->bytesToWrite() > 0);
    QSignalSpy gone(server, &PlainSocket::disconnected);
    server->close();
    QCOMPARE(server->state(), PlainSocket::State::Closing);
    QElapsedTimer clock;
    clock.start();
    server->abortAfter(300);
    QVERIFY(server->abortPending());
    server->abortAfter(60000); // the first call counts
    QVERIFY(gone.wait(5000));
    // A coarse timer: Qt's dispatchers may fire it up to 5 % early.
    QVERIFY2(clock.elapsed() >= 250, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(server->state(), PlainSocket::State::Closed);
    QCOMPARE(server->bytesToWrite(), 0);
    QVERIFY(!server->abortPending());
}

void tst_PlainSocket::abortAfterHoldsNoTimerOnceClosed()
{
    PlainSocketPair pair;
    QVERIFY(pair.connect(*m_listener));
    PlainSocket *server = pair.server();
    auto *dispatcher = QAbstractEventDispatcher::instance();
    server->abortAfter(60000);
    QCOMPARE(dispatcher->registeredTimers(server).size(), 1);
    // The peer takes the close: the deadline goes with it, not when it would have run out.
    QSignalSpy readable(server, &PlainSocket::readyRead);
    pair.client()->close();
    QVERIFY(readable.wait(5000));
    bool closed = false;
    readAll(server, &closed);
    QVERIFY(closed);
    QCOMPARE(server->state(), PlainSocket::State::Closed);
    QVERIFY(!server->abortPending());
    QVERIFY(dispatcher->registeredTimers(server).isEmpty());
    // Closed already: nothing to bound.
    server->abortAfter(60000);
    QVERIFY(!server->abortPending());
    QVERIFY(dispatcher->registeredTimers(server).isEmpty());
}

void tst_PlainSocket::connectRefused()
{
    // A port nobody listens on: bound, then let go.
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    int error = -1;
    auto *socket = PlainSocket::connectTo(QHostAddress::LocalHost, port, this, &error);
    QVERIFY(socket);
    QCOMPARE(error, 0);
    QSignalSpy errors(socket, &PlainSocket::errorOccurred);
    QSignalSpy gone(socket, &PlainSocket::disconnected);
    QSignalSpy connected(socket, &PlainSocket::connected);
    QCOMPARE(gone.size(), 0); // never before the caller is back in the event loop
    QVERIFY(gone.wait());
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().at(0).toInt(), ECONNREFUSED);
    QCOMPARE(connected.size(), 0);
    QCOMPARE(socket->state(), PlainSocket::State::Closed);
    delete socket;
}

void tst_PlainSocket::connectToBlackHoleWaitsForCallersDeadline()
{
    // A listener that never accepts, its queue full: the kernel drops further SYNs, so a connect
    // stays under way (as toward an address that does not answer) until its owner gives up.
    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    QVERIFY(listener >= 0);
    const auto closeListener = qScopeGuard([listener] { ::close(listener); });
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::bind(listener, reinterpret_cast<const sockaddr *>(&at), sizeof at), 0);
    socklen_t length = sizeof at;
    QCOMPARE(::getsockname(listener, reinterpret_cast<sockaddr *>(&at), &length), 0);
    QCOMPARE(::listen(listener, 0), 0);
    const quint16 port = ntohs(at.sin_port);
    QList<PlainSocket *> fillers;
    const auto deleteFillers = qScopeGuard([&fillers] { qDeleteAll(fillers); });
    for (int i = 0; i < 3; ++i)
        fillers.append(PlainSocket::connectTo(QHostAddress::LocalHost, port, this));
    QTest::qWait(200); // the fillers take the queue (not a condition: the probe below is checked)

    auto *socket = PlainSocket::connectTo(QHostAddress::LocalHost, port, this);
    QVERIFY(socket);
    QSignalSpy errors(socket, &PlainSocket::errorOccurred);
    QSignalSpy gone(socket, &PlainSocket::disconnected);
    QSignalSpy connected(socket, &PlainSocket::connected);
    bool stillConnecting = false;
    QTimer::singleShot(300, socket, [&] {
        stillConnecting = socket->state() == PlainSocket::State::Connecting;
        socket->abort(); // the caller's deadline
    });
    QVERIFY(gone.wait(5000));
    QVERIFY(stillConnecting);
    QCOMPARE(errors.size(), 0); // aborted by its owner, not failed
    QCOMPARE(connected.size(), 0);
    QCOMPARE(socket->state(), PlainSocket::State::Closed);
    QCOMPARE(socket->descriptor(), -1);
    delete socket;
}

void tst_PlainSocket::takeDescriptorHandsOverToQTcpSocket()
{
    PlainSocketPair pair;
    QVERIFY(pair.connect(*m_listener));
    QSignalSpy ready(pair.server(), &PlainSocket::readyRead);
    pair.client()->write("before");
    QVERIFY(ready.wait());
    QCOMPARE(pair.server()->read(1024).data, "before");
    QSignalSpy gone(pair.server(), &PlainSocket::disconnected);
    pair.client()->write("after"); // waits in the kernel for whoever reads next
    const qintptr descriptor = pair.server()->takeDescriptor();
    QVERIFY(descriptor >= 0);
    QCOMPARE(pair.server()->state(), PlainSocket::State::Closed);
    QCOMPARE(pair.server()->descriptor(), -1);
    QCOMPARE(pair.server()->takeDescriptor(), -1);
    pair.deleteServer(); // does not close the descriptor it gave away
    QCOMPARE(gone.size(), 0);

    QTcpSocket taken;
    QVERIFY(taken.setSocketDescriptor(descriptor));
    QTRY_COMPARE(taken.bytesAvailable(), 5);
    QCOMPARE(taken.readAll(), "after");
    taken.write("reply");
    QSignalSpy clientReady(pair.client(), &PlainSocket::readyRead);
    QVERIFY(clientReady.wait());
    QCOMPARE(pair.client()->read(1024).data, "reply");
    QCOMPARE(gone.size(), 0);

    // Not while output is kept: it would be lost.
    PlainSocketPair keeping;
    QVERIFY(keeping.connect(*m_listener));
    shrinkBuffers(keeping.server(), keeping.client());
    keeping.server()->write(patterned(512 * 1024));
    QVERIFY(keeping.server()->bytesToWrite() > 0);
    QCOMPARE(keeping.server()->takeDescriptor(), -1);
    QCOMPARE(keeping.server()->state(), PlainSocket::State::Connected);
}

void tst_PlainSocket::peekLeavesInput()
{
    PlainSocketPair pair;
    QVERIFY(pair.connect(*m_listener));
    QSignalSpy ready(pair.server(), &PlainSocket::readyRead);
    pair.client()->write("PROXY then more");
    QVERIFY(ready.wait());
    QCOMPARE(pair.server()->peek(5).data, "PROXY");
    QCOMPARE(pair.server()->peek(1024).data, "PROXY then more");
    QCOMPARE(pair.server()->read(1024).data, "PROXY then more");
    QVERIFY(!pair.server()->peek(1024).closed); // nothing waits, and the stream goes on
    pair.client()->close();
    QVERIFY(ready.wait());
    QVERIFY(pair.server()->peek(1024).closed);
    QCOMPARE(pair.server()->state(), PlainSocket::State::Connected); // left to read() to see
    QVERIFY(pair.server()->read(1024).closed);
}

namespace {
/// Records what a socket tells its Receiver.
struct Recorder final : PlainSocket::Receiver
{
    void socketReadyRead() override { ++readyRead; }
    void socketBytesWritten(qint64 bytes) override { written += bytes; }
    void socketDisconnected() override { ++disconnected; }
    int readyRead = 0;
    qint64 written = 0;
    int disconnected = 0;
};
} // namespace

void tst_PlainSocket::receiverIsCalledLikeTheSignals()
{
    PlainSocketPair pair;
    QVERIFY(pair.connect(*m_listener));
    Recorder recorder;
    pair.server()->setReceiver(&recorder);
    QCOMPARE(pair.server()->receiver(), &recorder);
    QSignalSpy ready(pair.server(), &PlainSocket::readyRead);
    QSignalSpy written(pair.server(), &PlainSocket::bytesWritten);
    QSignalSpy gone(pair.server(), &PlainSocket::disconnected);
    pair.client()->write("in");
    QTRY_COMPARE(recorder.readyRead, 1);
    QCOMPARE(ready.size(), 1); // the signal still fires, after the receiver
    QCOMPARE(pair.server()->read(16).data, "in");

    shrinkBuffers(pair.server(), pair.client());
    pair.server()->write(patterned(768 * 1024));
    const qint64 kept = pair.server()->bytesToWrite();
    QVERIFY(kept > 0);
    qint64 received = 0;
    QObject::connect(pair.client(), &PlainSocket::readyRead, this,
                     [&] { received += readAll(pair.client()).size(); });
    received += readAll(pair.client()).size();
    QTRY_COMPARE_WITH_TIMEOUT(received, 768 * 1024, 20000);
    QCOMPARE(recorder.written, kept);

    pair.server()->abort();
    QCOMPARE(recorder.disconnected, 0); // queued, as the signal
    QVERIFY(gone.wait());
    QCOMPARE(recorder.disconnected, 1);
    pair.server()->setReceiver(nullptr);
}

SWITCHBOARD_TEST_MAIN(tst_PlainSocket)
#include "tst_base_plainsocket.moc"
