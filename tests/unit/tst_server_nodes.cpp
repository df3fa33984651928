// SPDX-License-Identifier: GPL-3.0-or-later
// What a load balancer in front of several nodes relies on (docs/SCALING.md): GET /healthz answers 200
// while the node takes new sessions and 503 while it drains or shuts down; a BOSH request whose sid
// names another node is answered remote-connection-failed, one naming this node or none item-not-found.
// No XMPP server is needed: no session is created.
#include "base/config.h"
#include "server.h"

#include "testmain.h"

#include <QTcpSocket>
#include <QTest>

using namespace Switchboard;

namespace {

struct Answer
{
    int status = 0;
    QByteArray head;
    QByteArray body;
};

/// One request on a fresh connection, read until the server closes it (Connection: close).
Answer exchange(quint16 port, const QByteArray &request)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return {};
    socket.write(request);
    QByteArray input;
    // A request that gets no complete answer fails its caller's checks on the status.
    const bool closed = QTest::qWaitFor(
        [&] {
            input += socket.readAll();
            return socket.state() == QAbstractSocket::UnconnectedState;
        },
        10000);
    input += socket.readAll();
    Answer answer;
    if (!closed)
        return answer;
    const qsizetype end = input.indexOf("\r\n\r\n");
    if (!input.startsWith("HTTP/1.1 ") || end < 0)
        return answer;
    answer.status = input.mid(9, 3).toInt();
    answer.head = input.left(end);
    answer.body = input.mid(end + 4);
    return answer;
}

Answer get(quint16 port, const QByteArray &target, const QByteArray &method = "GET")
{
    return exchange(port,
                    method + ' ' + target + " HTTP/1.1\r\nHost: node.example\r\nConnection: close\r\n\r\n");
}

Answer postBody(quint16 port, const QByteArray &body)
{
    return exchange(port, "POST /http-bind HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                          "Content-Type: text/xml; charset=utf-8\r\nContent-Length: " +
                              QByteArray::number(body.size()) + "\r\n\r\n" + body);
}

QByteArray sidBody(const QByteArray &sid)
{
    return "<body rid='4242' sid='" + sid + "' xmlns='http://jabber.org/protocol/httpbind'/>";
}

} // namespace

class tst_ServerNodes : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void healthzWhileAccepting();
    void healthzWhileDraining();
    void healthzWhileShuttingDown();
    void healthzOnlyGetAndHead();
    void sidOfAnotherNodeIsRemoteConnectionFailed();
    void sidOfAnotherNodeOverGet();
    void unknownSidOfThisNodeIsItemNotFound_data();
    void unknownSidOfThisNodeIsItemNotFound();
    void withoutNodeIdEveryUnknownSidIsItemNotFound();

private:
    std::unique_ptr<Server> m_server;
};

void tst_ServerNodes::init()
{
    Config config;
    config.workers = 1; // one event loop: this test is not about threads
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.nodeId = QStringLiteral("sb1");
    m_server = std::make_unique<Server>(config);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
}

void tst_ServerNodes::cleanup()
{
    m_server.reset();
}

void tst_ServerNodes::healthzWhileAccepting()
{
    const Answer answer = get(m_server->port(), "/healthz");
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.body, QByteArray("ok\n"));
    QVERIFY2(answer.head.toLower().contains("cache-control: no-store"), answer.head.constData());
    // Any Host: a balancer checks the node by its address.
    QCOMPARE(get(m_server->port(), "/healthz", "HEAD").status, 200);
}

void tst_ServerNodes::healthzWhileDraining()
{
    m_server->setDraining(true);
    const Answer draining = get(m_server->port(), "/healthz");
    QCOMPARE(draining.status, 503);
    QCOMPARE(draining.body, QByteArray("draining\n"));
    m_server->setDraining(false);
    QCOMPARE(get(m_server->port(), "/healthz").status, 200);
}

void tst_ServerNodes::healthzWhileShuttingDown()
{
    // A connection opened before shutdown() stops accepting still gets its answer: 503.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server->port());
    QVERIFY(socket.waitForConnected(5000));
    QTRY_COMPARE(m_server->connectionCount(), 1);
    m_server->shutdown();
    socket.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
    QByteArray input;
    QTRY_VERIFY((input += socket.readAll()).contains("shutting down\n"));
    QVERIFY2(input.startsWith("HTTP/1.1 503 "), input.constData());
}

void tst_ServerNodes::healthzOnlyGetAndHead()
{
    const Answer answer = exchange(m_server->port(), "POST /healthz HTTP/1.1\r\nHost: localhost\r\n"
                                                     "Connection: close\r\nContent-Length: 0\r\n\r\n");
    QCOMPARE(answer.status, 405);
    QVERIFY2(answer.head.contains("Allow: GET, HEAD"), answer.head.constData());
}

void tst_ServerNodes::sidOfAnotherNodeIsRemoteConnectionFailed()
{
    // XEP-0124 §17.3: the session lived on sb2, which the balancer could not reach.
    const Answer answer = postBody(m_server->port(), sidBody("sb2.0123456789abcdef0123456789abcdef"));
    QCOMPARE(answer.status, 200);
    QVERIFY2(answer.body.contains("type='terminate'") || answer.body.contains("type=\"terminate\""),
             answer.body.constData());
    QVERIFY2(answer.body.contains("remote-connection-failed"), answer.body.constData());
}

void tst_ServerNodes::sidOfAnotherNodeOverGet()
{
    // XEP-0252: the same body in GET's data=.
    const QByteArray data = QUrl::toPercentEncoding(QString::fromLatin1(sidBody("sb2.0123abcd")));
    const Answer answer = get(m_server->port(), "/http-bind?data=" + data);
    QCOMPARE(answer.status, 200);
    QVERIFY2(answer.body.contains("remote-connection-failed"), answer.body.constData());
}

void tst_ServerNodes::unknownSidOfThisNodeIsItemNotFound_data()
{
    QTest::addColumn<QByteArray>("sid");
    QTest::newRow("this node") << QByteArray("sb1.0123456789abcdef0123456789abcdef");
    QTest::newRow("no node") << QByteArray("0123456789abcdef0123456789abcdef");
    QTest::newRow("not a node id before the dot") << QByteArray("s%b.0123");
}

void tst_ServerNodes::unknownSidOfThisNodeIsItemNotFound()
{
    QFETCH(QByteArray, sid);
    const Answer answer = postBody(m_server->port(), sidBody(sid));
    QCOMPARE(answer.status, 200);
    QVERIFY2(answer.body.contains("item-not-found"), answer.body.constData());
    QVERIFY2(!answer.body.contains("remote-connection-failed"), answer.body.constData());
}

void tst_ServerNodes::withoutNodeIdEveryUnknownSidIsItemNotFound()
{
    // A single process, no node_id: nothing changes for it, whatever a sid looks like.
    Config config;
    config.workers = 1; // one event loop: this test is not about threads
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    Server single(config);
    QString error;
    QVERIFY2(single.start(&error), qPrintable(error));
    const Answer answer = postBody(single.port(), sidBody("sb2.0123456789abcdef0123456789abcdef"));
    QCOMPARE(answer.status, 200);
    QVERIFY2(answer.body.contains("item-not-found"), answer.body.constData());
    QCOMPARE(get(single.port(), "/healthz").status, 200);
}

SWITCHBOARD_TEST_MAIN(tst_ServerNodes)
#include "tst_server_nodes.moc"
