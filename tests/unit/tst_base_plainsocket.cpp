// SPDX-License-Identifier: GPL-3.0-or-later
// PlainSocket on loopback pairs: what goes in comes out whole and in order (also through a tiny send
// buffer), the peer's close and a reset are seen, connects succeed, are refused or wait for the
// caller's deadline, and a descriptor handed over keeps working in a QTcpSocket.
#include "base/plainsocket.h"

#include "testmain.h"

#include <QPointer>
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

namespace {

/// A listener that keeps accepted descriptors instead of making sockets of them.
class DescriptorServer final : public QTcpServer
{
public:
    QList<qintptr> accepted;

protected:
    void incomingConnection(qintptr descriptor) override { accepted.append(descriptor); }
};

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
    void connectRefused();
    void connectToBlackHoleWaitsForCallersDeadline();
    void takeDescriptorHandsOverToQTcpSocket();
    void peekLeavesInput();
    void receiverIsCalledLikeTheSignals();

private:
    /// A connected pair: `client` made by connectTo(), `server` from the accepted descriptor.
    bool makePair(PlainSocket **client, PlainSocket **server);
    std::unique_ptr<DescriptorServer> m_listener;
};

void tst_PlainSocket::init()
{
    m_listener = std::make_unique<DescriptorServer>();
    QVERIFY(m_listener->listen(QHostAddress::LocalHost, 0));
}

void tst_PlainSocket::cleanup()
{
    m_listener.reset(); // every accepted descriptor went to a PlainSocket, which closes it
}

bool tst_PlainSocket::makePair(PlainSocket **client, PlainSocket **server)
{
    const qsizetype before = m_listener->accepted.size();
    auto *made = PlainSocket::connectTo(QHostAddress::LocalHost, m_listener->serverPort(), this);
    if (!made)
        return false;
    QSignalSpy connected(made, &PlainSocket::connected);
    if (made->state() != PlainSocket::State::Connecting)
        return false;
    if (!connected.wait(5000))
        return false;
    if (!QTest::qWaitFor([&] { return m_listener->accepted.size() > before; }, 5000))
        return false;
    *client = made;
    *server = new PlainSocket(m_listener->accepted.last(), this);
    return made->state() == PlainSocket::State::Connected;
}

void tst_PlainSocket::connectsAndExchangesBytes()
{
    PlainSocket *client = nullptr;
    PlainSocket *server = nullptr;
    QVERIFY(makePair(&client, &server));
    QSignalSpy serverRead(server, &PlainSocket::readyRead);
    QSignalSpy clientRead(client, &PlainSocket::readyRead);
    QSignalSpy written(client, &PlainSocket::bytesWritten);
    client->write("hello");
    QCOMPARE(client->bytesToWrite(), 0); // the kernel took it at once
    QVERIFY(serverRead.wait());
    const PlainSocket::Input input = server->read(1024);
    QCOMPARE(input.data, "hello");
    QVERIFY(input.drained);
    QVERIFY(!input.closed);
    server->write("world");
    QVERIFY(clientRead.wait());
    QCOMPARE(readAll(client), "world");
    QCOMPARE(written.size(), 0); // nothing was kept, so nothing is reported
    delete client;
    delete server;
}

void tst_PlainSocket::acceptedSocketKnowsItsEnds()
{
    PlainSocket *client = nullptr;
    PlainSocket *server = nullptr;
    QVERIFY(makePair(&client, &server));
    QCOMPARE(server->peerAddress(), QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(server->peerPort(), client->localPort());
    QCOMPARE(server->localPort(), m_listener->serverPort());
    QCOMPARE(client->peerPort(), m_listener->serverPort());
    QCOMPARE(client->localAddress(), QHostAddress(QHostAddress::LocalHost));
    QVERIFY(server->descriptor() >= 0);
    // TCP_NODELAY on both: small exchanges do not wait for delayed ACKs.
    for (PlainSocket *socket : {client, server}) {
        int on = 0;
        socklen_t length = sizeof on;
        QCOMPARE(::getsockopt(int(socket->descriptor()), IPPROTO_TCP, TCP_NODELAY, &on, &length), 0);
        QVERIFY(on != 0);
    }
    delete client;
    delete server;
}

void tst_PlainSocket::partialWritesKeepOrder()
{
    PlainSocket *client = nullptr;
    PlainSocket *server = nullptr;
    QVERIFY(makePair(&client, &server));
    // Small kernel buffers: most of what is written is kept and follows on write notifications.
    shrinkBuffers(server, client);
    QSignalSpy written(server, &PlainSocket::bytesWritten);
    QByteArray expected;
    for (int i = 0; i < 8; ++i) {
        const QByteArray piece = patterned(96 * 1024 + i * 13, i);
        expected += piece;
        server->write(piece);
    }
    QVERIFY(server->bytesToWrite() > 0);
    const qint64 kept = server->bytesToWrite();

    QByteArray received;
    QObject::connect(client, &PlainSocket::readyRead, this, [&] { received += readAll(client); });
    received += readAll(client); // whatever is there already; later input is announced
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), expected.size(), 20000);
    QVERIFY(received == expected);
    QCOMPARE(server->bytesToWrite(), 0);
    qint64 reported = 0;
    for (const QList<QVariant> &args : std::as_const(written))
        reported += args.at(0).toLongLong();
    QCOMPARE(reported, kept); // bytesWritten() counts exactly the kept bytes
    QCOMPARE(server->state(), PlainSocket::State::Connected);
    delete client;
    delete server;
}

void tst_PlainSocket::readyReadOnceUntilRead()
{
    PlainSocket *client = nullptr;
    PlainSocket *server = nullptr;
    QVERIFY(makePair(&client, &server));
    QSignalSpy ready(server, &PlainSocket::readyRead);
    client->write("0123456789");
    QVERIFY(ready.wait());
    QTest::qWait(50);          // more loop rounds with the input still waiting (not a condition)
    QCOMPARE(ready.size(), 1); // level-triggered readiness is not repeated while nobody reads
    PlainSocket::Input input = server->read(4);
    QCOMPARE(input.data, "0123");
    QVERIFY(!input.drained); // a full read may have left more
    QVERIFY(ready.wait());   // the read armed the next announcement, and more waits
    input = server->read(1024);
    QCOMPARE(input.data, "456789");
    QVERIFY(input.drained);
    delete client;
    delete server;
}

void tst_PlainSocket::readDisabledHoldsInput()
{
    PlainSocket *client = nullptr;
    PlainSocket *server = nullptr;
    QVERIFY(makePair(&client, &server));
    QSignalSpy ready(server, &PlainSocket::readyRead);
    server->setReadEnabled(false);
    QVERIFY(!server->isReadEnabled());
    client->write("held");
    QTest::qWait(100); // the input arrives meanwhile (not a condition)
    QCOMPARE(ready.size(), 0);
    server->setReadEnabled(true);
    QVERIFY(ready.wait());
    QCOMPARE(server->read(1024).data, "held");
    delete client;
    delete server;
}

void tst_PlainSocket::peerCloseIsSeen()
{
    PlainSocket *client = nullptr;
    PlainSocket *server = nullptr;
    QVERIFY(makePair(&client, &server));
    QSignalSpy ready(server, &PlainSocket::readyRead);
    QSignalSpy gone(server, &PlainSocket::disconnected);
    QSignalSpy errors(server, &PlainSocket::errorOccurred);
    QSignalSpy clientGone(client, &PlainSocket::disconnected);
    client->write("last words");
    client->close();
    QCOMPARE(clientGone.size(), 0); // queued: never inside the owner's call
    QVERIFY(clientGone.wait());
    QCOMPARE(client->state(), PlainSocket::State::Closed);
    QCOMPARE(client->descriptor(), -1);

    QTRY_VERIFY(!ready.isEmpty());
    bool closed = false;
    QCOMPARE(readAll(server, &closed), "last words");
    if (!closed) {
        QVERIFY(ready.wait());
        QVERIFY(server->read(1024).closed);
    }
    QCOMPARE(server->state(), PlainSocket::State::Closed);
    QCOMPARE(gone.size(), 0); // queued
    QVERIFY(gone.wait());
    QTest::qWait(20); // once only (not a condition)
    QCOMPARE(gone.size(), 1);
    QCOMPARE(errors.size(), 0);
    QCOMPARE(server->error(), 0);
    QVERIFY(server->read(1024).closed); // and so it stays
    delete client;
    delete server;
}

void tst_PlainSocket::closeSendsKeptOutputFirst()
{
    PlainSocket *client = nullptr;
    PlainSocket *server = nullptr;
    QVERIFY(makePair(&client, &server));
    shrinkBuffers(server, client);
    const QByteArray big = patterned(768 * 1024);
    server->write(big);
    QVERIFY(server->bytesToWrite() > 0);
    QSignalSpy gone(server, &PlainSocket::disconnected);
    server->close();
    QCOMPARE(server->state(), PlainSocket::State::Closing);
    server->write("ignored after close()");

    QByteArray received;
    bool closed = false;
    QObject::connect(client, &PlainSocket::readyRead, this, [&] { received += readAll(client, &closed); });
    received += readAll(client, &closed);
    QTRY_VERIFY_WITH_TIMEOUT(closed, 20000);
    QVERIFY(received == big);
    QTRY_COMPARE(gone.size(), 1);
    QCOMPARE(server->state(), PlainSocket::State::Closed);
    QCOMPARE(server->error(), 0);
    delete client;
    delete server;
}

void tst_PlainSocket::shutdownWriteKeepsReading()
{
    // The client is a bare descriptor: it sees our end of stream and still writes.
    const int raw = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    QVERIFY(raw >= 0);
    const auto closeRaw = qScopeGuard([raw] { ::close(raw); });
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(m_listener->serverPort());
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::connect(raw, reinterpret_cast<const sockaddr *>(&to), sizeof to), 0);
    QTRY_COMPARE(m_listener->accepted.size(), 1);
    auto *server = new PlainSocket(m_listener->accepted.first(), this);
    server->write("bye");
    server->shutdownWrite();
    QByteArray received;
    QTRY_VERIFY([&] {
        char buffer[64];
        const ssize_t got = ::recv(raw, buffer, sizeof buffer, MSG_DONTWAIT);
        if (got > 0)
            received += QByteArray(buffer, qsizetype(got));
        return got == 0; // the end of our stream
    }());
    QCOMPARE(received, "bye");
    // Our side still reads what the client sends (a lingering close discards it).
    QCOMPARE(server->state(), PlainSocket::State::Connected);
    QSignalSpy ready(server, &PlainSocket::readyRead);
    QCOMPARE(::send(raw, "late", 4, MSG_NOSIGNAL), ssize_t(4));
    QTRY_VERIFY(!ready.isEmpty());
    QCOMPARE(server->read(1024).data, "late");
    delete server;
}

void tst_PlainSocket::peerEndWhileOutputKeptIsToldAfterTheOutput()
{
    // A client that ends its side and still reads: the output kept for it goes out whole, and the end
    // is told (disconnected()) only then.
    const int raw = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    QVERIFY(raw >= 0);
    const auto closeRaw = qScopeGuard([raw] { ::close(raw); });
    const int small = 32 * 1024;
    ::setsockopt(raw, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(m_listener->serverPort());
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::connect(raw, reinterpret_cast<const sockaddr *>(&to), sizeof to), 0);
    QTRY_COMPARE(m_listener->accepted.size(), 1);
    auto *server = new PlainSocket(m_listener->accepted.first(), this);
    ::setsockopt(int(server->descriptor()), SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    const QByteArray big = patterned(768 * 1024);
    server->write(big);
    QVERIFY(server->bytesToWrite() > 0);
    QSignalSpy ready(server, &PlainSocket::readyRead);
    QSignalSpy gone(server, &PlainSocket::disconnected);
    QCOMPARE(::shutdown(raw, SHUT_WR), 0);
    QVERIFY(ready.wait());
    const PlainSocket::Input input = server->read(1024);
    QVERIFY(input.data.isEmpty());
    QVERIFY(!input.closed); // not yet: the output is still on its way
    QCOMPARE(server->state(), PlainSocket::State::Closing);
    QVERIFY(server->bytesToWrite() > 0);
    QCOMPARE(gone.size(), 0);

    QByteArray received;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            char buffer[64 * 1024];
            const ssize_t got = ::recv(raw, buffer, sizeof buffer, MSG_DONTWAIT);
            if (got > 0)
                received += QByteArray(buffer, qsizetype(got));
            return got == 0;
        }(),
        20000);
    QVERIFY(received == big);
    QTRY_COMPARE(gone.size(), 1);
    QCOMPARE(server->state(), PlainSocket::State::Closed);
    QCOMPARE(server->error(), 0);
    delete server;
}

void tst_PlainSocket::resetIsReportedQueued()
{
    PlainSocket *client = nullptr;
    PlainSocket *server = nullptr;
    QVERIFY(makePair(&client, &server));
    // SO_LINGER 0: close() sends a reset.
    const linger hard{1, 0};
    QCOMPARE(::setsockopt(int(client->descriptor()), SOL_SOCKET, SO_LINGER, &hard, sizeof hard), 0);
    delete client;
    QSignalSpy ready(server, &PlainSocket::readyRead);
    QSignalSpy errors(server, &PlainSocket::errorOccurred);
    QSignalSpy gone(server, &PlainSocket::disconnected);
    QVERIFY(ready.wait());
    const PlainSocket::Input input = server->read(1024);
    QVERIFY(input.closed);
    QCOMPARE(errors.size(), 0); // queued: not inside read()
    QCOMPARE(gone.size(), 0);
    QVERIFY(gone.wait());
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().at(0).toInt(), ECONNRESET);
    QCOMPARE(server->error(), ECONNRESET);
    QVERIFY(!server->errorString().isEmpty());
    server->write("nowhere"); // ignored once closed
    QCOMPARE(server->bytesToWrite(), 0);
    delete server;

    // A write into a reset connection fails the same way, reported after write() returns.
    QVERIFY(makePair(&client, &server));
    QCOMPARE(::setsockopt(int(client->descriptor()), SOL_SOCKET, SO_LINGER, &hard, sizeof hard), 0);
    delete client;
    QSignalSpy errors2(server, &PlainSocket::errorOccurred);
    QSignalSpy gone2(server, &PlainSocket::disconnected);
    QTRY_VERIFY([&] {
        server->write("x");
        return server->state() == PlainSocket::State::Closed;
    }());
    QCOMPARE(errors2.size(), 0);
    QVERIFY(gone2.wait());
    QCOMPARE(errors2.size(), 1);
    const int error = errors2.first().at(0).toInt();
    QVERIFY2(error == ECONNRESET || error == EPIPE, qPrintable(QString::number(error)));
    delete server;
}

void tst_PlainSocket::abortDropsKeptOutput()
{
    PlainSocket *client = nullptr;
    PlainSocket *server = nullptr;
    QVERIFY(makePair(&client, &server));
    shrinkBuffers(server, client);
    server->write(patterned(512 * 1024));
    QVERIFY(server->bytesToWrite() > 0);
    QSignalSpy gone(server, &PlainSocket::disconnected);
    QSignalSpy written(server, &PlainSocket::bytesWritten);
    server->abort();
    QCOMPARE(server->state(), PlainSocket::State::Closed);
    QCOMPARE(server->bytesToWrite(), 0);
    QCOMPARE(gone.size(), 0);
    QVERIFY(gone.wait());
    server->abort();  // once only
    QTest::qWait(20); // (not a condition)
    QCOMPARE(gone.size(), 1);
    QCOMPARE(written.size(), 0);
    delete client;
    delete server;
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
    PlainSocket *client = nullptr;
    PlainSocket *server = nullptr;
    QVERIFY(makePair(&client, &server));
    QSignalSpy ready(server, &PlainSocket::readyRead);
    client->write("before");
    QVERIFY(ready.wait());
    QCOMPARE(server->read(1024).data, "before");
    QSignalSpy gone(server, &PlainSocket::disconnected);
    client->write("after"); // waits in the kernel for whoever reads next
    const qintptr descriptor = server->takeDescriptor();
    QVERIFY(descriptor >= 0);
    QCOMPARE(server->state(), PlainSocket::State::Closed);
    QCOMPARE(server->descriptor(), -1);
    QCOMPARE(server->takeDescriptor(), -1);
    delete server; // does not close the descriptor it gave away
    QCOMPARE(gone.size(), 0);

    QTcpSocket taken;
    QVERIFY(taken.setSocketDescriptor(descriptor));
    QTRY_COMPARE(taken.bytesAvailable(), 5);
    QCOMPARE(taken.readAll(), "after");
    taken.write("reply");
    QSignalSpy clientReady(client, &PlainSocket::readyRead);
    QVERIFY(clientReady.wait());
    QCOMPARE(client->read(1024).data, "reply");
    QCOMPARE(gone.size(), 0);

    // Not while output is kept: it would be lost.
    PlainSocket *other = nullptr;
    PlainSocket *otherServer = nullptr;
    QVERIFY(makePair(&other, &otherServer));
    shrinkBuffers(otherServer, other);
    otherServer->write(patterned(512 * 1024));
    QVERIFY(otherServer->bytesToWrite() > 0);
    QCOMPARE(otherServer->takeDescriptor(), -1);
    QCOMPARE(otherServer->state(), PlainSocket::State::Connected);
    delete other;
    delete otherServer;
    delete client;
}

void tst_PlainSocket::peekLeavesInput()
{
    PlainSocket *client = nullptr;
    PlainSocket *server = nullptr;
    QVERIFY(makePair(&client, &server));
    QSignalSpy ready(server, &PlainSocket::readyRead);
    client->write("PROXY then more");
    QVERIFY(ready.wait());
    QCOMPARE(server->peek(5).data, "PROXY");
    QCOMPARE(server->peek(1024).data, "PROXY then more");
    QCOMPARE(server->read(1024).data, "PROXY then more");
    QVERIFY(!server->peek(1024).closed); // nothing waits, and the stream goes on
    client->close();
    QVERIFY(ready.wait());
    QVERIFY(server->peek(1024).closed);
    QCOMPARE(server->state(), PlainSocket::State::Connected); // left to read() to see
    QVERIFY(server->read(1024).closed);
    delete client;
    delete server;
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
    PlainSocket *client = nullptr;
    PlainSocket *server = nullptr;
    QVERIFY(makePair(&client, &server));
    Recorder recorder;
    server->setReceiver(&recorder);
    QCOMPARE(server->receiver(), &recorder);
    QSignalSpy ready(server, &PlainSocket::readyRead);
    QSignalSpy written(server, &PlainSocket::bytesWritten);
    QSignalSpy gone(server, &PlainSocket::disconnected);
    client->write("in");
    QTRY_COMPARE(recorder.readyRead, 1);
    QCOMPARE(ready.size(), 1); // the signal still fires, after the receiver
    QCOMPARE(server->read(16).data, "in");

    shrinkBuffers(server, client);
    server->write(patterned(768 * 1024));
    const qint64 kept = server->bytesToWrite();
    QVERIFY(kept > 0);
    qint64 received = 0;
    QObject::connect(client, &PlainSocket::readyRead, this, [&] { received += readAll(client).size(); });
    received += readAll(client).size();
    QTRY_COMPARE_WITH_TIMEOUT(received, 768 * 1024, 20000);
    QCOMPARE(recorder.written, kept);

    server->abort();
    QCOMPARE(recorder.disconnected, 0); // queued, as the signal
    QVERIFY(gone.wait());
    QCOMPARE(recorder.disconnected, 1);
    server->setReceiver(nullptr);
    delete client;
    delete server;
}

SWITCHBOARD_TEST_MAIN(tst_PlainSocket)
#include "tst_base_plainsocket.moc"
