// SPDX-License-Identifier: GPL-3.0-or-later
// One listening socket handing connections to several HttpServers (worker_accept = acceptor;
// docs/ARCHITECTURE.md, "Threads"), over real loopback sockets: each connection goes to the server with
// the fewest open connections, one on another thread serves it there, and a descriptor whose server is
// closed or gone is closed (the client sees the connection end), never leaked.
#include "base/config.h"
#include "base/tsanhandover.h"
#include "http/acceptor.h"
#include "http/httpserver.h"
#include "testmain.h"

#include <QScopeGuard>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>
#include <vector>

using namespace Switchboard;
using namespace Switchboard::Http;

namespace {

Config testConfig()
{
    Config config;
    config.port = 0;
    return config;
}

/// Answers every request with `name` as the body, and notes the thread it ran on.
HttpServer::Handler answerAs(const QByteArray &name, std::atomic<QThread *> *ranOn = nullptr)
{
    return [name, ranOn](Exchange *exchange) {
        if (ranOn)
            ranOn->store(QThread::currentThread());
        Response response;
        response.body = name;
        exchange->respond(std::move(response));
    };
}

/// A client connection that records when the server ends it.
struct Client
{
    QTcpSocket socket;
    bool closed = false;

    explicit Client(quint16 port)
    {
        QObject::connect(&socket, &QTcpSocket::disconnected, &socket, [this] { closed = true; });
        socket.connectToHost(QHostAddress::LocalHost, port);
    }
    /// Sends a GET and returns the answer's body (empty when none came within 5 s).
    QByteArray ask()
    {
        socket.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QByteArray received;
        const bool answered = QTest::qWaitFor(
            [&] {
                received += socket.readAll();
                const qsizetype end = received.indexOf("\r\n\r\n");
                return end >= 0 && received.size() > end + 4 && received.contains("Content-Length: ");
            },
            5000);
        const qsizetype end = received.indexOf("\r\n\r\n");
        return !answered || end < 0 ? QByteArray() : received.sliced(end + 4);
    }
};

/// Two servers on this thread, answering "first" and "second"; the first's listener hands every
/// connection to an Acceptor over both.
struct SameThreadPair
{
    SameThreadPair()
    {
        first.setHandler(answerAs("first"));
        second.setHandler(answerAs("second"));
        first.setHandoff([this](qintptr descriptor, bool tls) { acceptor.handOff(descriptor, tls); });
    }
    HttpServer first{testConfig()};
    HttpServer second{testConfig()};
    Acceptor acceptor{{&first, &second}};
};

} // namespace

class tst_HttpAcceptor : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // Threads without a Server: ThreadSanitizer builds are told of Qt's hand-overs here.
    void initTestCase() { TsanHandover::install(); }
    void handsEachConnectionToTheServerWithFewestOpenConnections();
    void aConnectionHandedToAnotherThreadIsServedThere();
    void aClosedServerClosesWhatIsHandedToIt();
    void aDescriptorWhoseServerIsGoneIsClosed();
    void aTlsConnectionForAServerWithoutTlsIsClosed();
};

void tst_HttpAcceptor::handsEachConnectionToTheServerWithFewestOpenConnections()
{
    SameThreadPair pair;
    HttpServer &first = pair.first;
    HttpServer &second = pair.second;
    QVERIFY(first.listen(QHostAddress::LocalHost, 0));

    // One at a time, each counted before the next: equal loads go round, so they alternate.
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 4; ++i) {
        clients.push_back(std::make_unique<Client>(first.serverPort()));
        QTRY_COMPARE(first.connectionCount() + second.connectionCount(), i + 1);
    }
    QCOMPARE(first.connectionCount(), 2);
    QCOMPARE(second.connectionCount(), 2);
    QCOMPARE(clients[0]->ask(), QByteArray("first"));
    QCOMPARE(clients[1]->ask(), QByteArray("second"));
    QCOMPARE(clients[2]->ask(), QByteArray("first"));
    QCOMPARE(clients[3]->ask(), QByteArray("second"));

    // The second server's clients leave: the next two both go to it (fewest connections, not turns).
    clients[1]->socket.disconnectFromHost();
    clients[3]->socket.disconnectFromHost();
    QTRY_COMPARE(second.connectionCount(), 0);
    for (int i = 0; i < 2; ++i) {
        clients.push_back(std::make_unique<Client>(first.serverPort()));
        QTRY_COMPARE(first.connectionCount() + second.connectionCount(), 3 + i);
    }
    QCOMPARE(first.connectionCount(), 2);
    QCOMPARE(second.connectionCount(), 2);
    QCOMPARE(clients[4]->ask(), QByteArray("second"));
    QCOMPARE(clients[5]->ask(), QByteArray("second"));
}

void tst_HttpAcceptor::aConnectionHandedToAnotherThreadIsServedThere()
{
    HttpServer first(testConfig());
    first.setHandler(answerAs("first"));
    QThread thread;
    thread.start();
    std::atomic<QThread *> ranOn = nullptr;
    auto *second = new HttpServer(testConfig());
    second->setHandler(answerAs("second", &ranOn));
    second->moveToThread(&thread);
    const auto cleanup = qScopeGuard([&] {
        QMetaObject::invokeMethod(
            second, [second] { delete second; }, Qt::BlockingQueuedConnection);
        thread.quit();
        thread.wait();
    });
    Acceptor acceptor({&first, second});
    first.setHandoff([&acceptor](qintptr descriptor, bool tls) { acceptor.handOff(descriptor, tls); });
    QVERIFY(first.listen(QHostAddress::LocalHost, 0));

    Client one(first.serverPort());
    QTRY_COMPARE(first.connectionCount(), 1);
    // The next one is the other thread's (fewer connections): taken there by a queued call.
    Client two(first.serverPort());
    QTRY_COMPARE(second->connectionCount(), 1);
    QCOMPARE(first.connectionCount(), 1);
    QCOMPARE(two.ask(), QByteArray("second"));
    QCOMPARE(ranOn.load(), &thread);
    QCOMPARE(one.ask(), QByteArray("first"));
    // Its end is counted there too.
    two.socket.disconnectFromHost();
    QTRY_COMPARE(second->connectionCount(), 0);
}

void tst_HttpAcceptor::aClosedServerClosesWhatIsHandedToIt()
{
    SameThreadPair pair;
    HttpServer &first = pair.first;
    HttpServer &second = pair.second;
    QVERIFY(first.listen(QHostAddress::LocalHost, 0));
    // Shutting down: the second server takes no more connections.
    second.close();

    Client one(first.serverPort());
    QTRY_COMPARE(first.connectionCount(), 1);
    Client two(first.serverPort()); // the second server's turn: closed at once
    QTRY_VERIFY(two.closed);
    QCOMPARE(second.connectionCount(), 0);
    QCOMPARE(first.connectionCount(), 1);
    QVERIFY(!one.closed);
    QCOMPARE(one.ask(), QByteArray("first"));
}

void tst_HttpAcceptor::aDescriptorWhoseServerIsGoneIsClosed()
{
    HttpServer first(testConfig());
    first.setHandler(answerAs("first"));
    // A thread that never runs: a connection handed to its server waits in its queue.
    QThread thread;
    auto *second = new HttpServer(testConfig());
    second->setHandler(answerAs("second"));
    second->moveToThread(&thread);
    Acceptor acceptor({&first, second});
    first.setHandoff([&acceptor](qintptr descriptor, bool tls) { acceptor.handOff(descriptor, tls); });
    QVERIFY(first.listen(QHostAddress::LocalHost, 0));

    Client one(first.serverPort());
    QTRY_COMPARE(first.connectionCount(), 1);
    Client two(first.serverPort());
    QTRY_COMPARE(two.socket.state(), QAbstractSocket::ConnectedState);
    // Accepted and handed over (a third connection would go to the second server too: it counts the
    // one on its way), but never taken.
    Client three(first.serverPort());
    QTRY_COMPARE(first.connectionCount(), 2);
    QVERIFY(!two.closed);
    // The server goes before its thread ever ran: Qt drops the queued call, and the descriptor closes.
    delete second;
    QTRY_VERIFY(two.closed);
    QVERIFY(!one.closed);
    QVERIFY(!three.closed);
}

void tst_HttpAcceptor::aTlsConnectionForAServerWithoutTlsIsClosed()
{
    // Connections of a TLS listener, handed to servers that have no certificate (a TLS setting that
    // did not reach them): each is closed at once, as a refused one would be, and none is served.
    SameThreadPair pair;
    pair.first.setHandoff([&pair](qintptr descriptor, bool) { pair.acceptor.handOff(descriptor, true); });
    QVERIFY(pair.first.listen(QHostAddress::LocalHost, 0));
    Client one(pair.first.serverPort());
    Client two(pair.first.serverPort());
    QTRY_VERIFY(one.closed && two.closed);
    QCOMPARE(pair.first.connectionCount(), 0);
    QCOMPARE(pair.second.connectionCount(), 0);
}

SWITCHBOARD_TEST_MAIN(tst_HttpAcceptor)
#include "tst_http_acceptor.moc"
