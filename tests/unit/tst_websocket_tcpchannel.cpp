// SPDX-License-Identifier: GPL-3.0-or-later
// TcpChannel, the ws:// Channel with Switchboard's own RFC 6455 framing, on a real loopback connection
// under a WebSocketStream whose server side records nothing: the socket is freed when its connection
// fails as the channel finishes the close alone, and a client that ends its side while output waits
// for it gets that output before the stream ends (PlainSocket tells the end once its output has gone).
#include "base/plainsocket.h"
#include "monitor/hub.h"
#include "websocket/tcpchannel.h"
#include "websocket/websocketstream.h"

#include "nullupstream.h"

#include <QAbstractEventDispatcher>
#include <QElapsedTimer>
#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <sys/socket.h>

using namespace Switchboard;
using WebSocket::TcpChannel;
using WebSocket::WebSocketStream;

namespace {

/// A loopback connection: `channelSide` (a PlainSocket, as the HTTP front hands over) is handed to a
/// TcpChannel, `client` (accepted) plays the WebSocket client.
struct Connection
{
    QTcpServer listener;
    QObject lingerParent;
    PlainSocket *channelSide = nullptr; // the stream's child while the channel has it
    QTcpSocket *client = nullptr;
    Config config;
    Monitor::Hub hub;
    std::unique_ptr<WebSocketStream> stream;

    /// `clientReceiveBuffer` > 0: the client's kernel receive buffer, so that output soon waits.
    bool connect(int clientReceiveBuffer = 0)
    {
        if (!listener.listen(QHostAddress::LocalHost))
            return false;
        if (clientReceiveBuffer > 0) {
            // Accepted sockets take it from the listening one.
            if (::setsockopt(int(listener.socketDescriptor()), SOL_SOCKET, SO_RCVBUF, &clientReceiveBuffer,
                             sizeof clientReceiveBuffer) != 0)
                return false;
        }
        channelSide = PlainSocket::connectTo(QHostAddress::LocalHost, listener.serverPort(), &lingerParent);
        if (!channelSide)
            return false;
        QSignalSpy connected(channelSide, &PlainSocket::connected);
        if (!connected.wait(5000))
            return false;
        // The listener may have taken the connection while the loop ran.
        if (!listener.hasPendingConnections() && !listener.waitForNewConnection(5000))
            return false;
        client = listener.nextPendingConnection();
        return client != nullptr;
    }

    void makeStream()
    {
        WebSocketStream::Context context;
        context.client.id = QStringLiteral("ws-1");
        context.client.transport = Monitor::Transport::WebSocket;
        stream = std::make_unique<WebSocketStream>(
            config, context,
            [this](WebSocketStream *s) {
                return std::make_unique<TcpChannel>(channelSide, QByteArray(), s, &lingerParent);
            },
            [](Stream::ClientStream *, const QString &) { return std::make_unique<Test::NullUpstream>(); },
            [] { return qint64(0); }, &hub);
    }
};

} // namespace

class tst_WebSocketTcpChannel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void socketOfAConnectionFailingAtTheCloseIsFreed();
    void clientEndWhileOutputWaitsIsToldOnceOutputHasGone();
    void closedSocketTakesItsDeadlineWithIt();
    void silentClientIsDroppedAtTheDeadline();
};

namespace {
/// Qt's single-shot timer objects alive now (children of the event dispatcher until they fire).
qsizetype singleShotTimers()
{
    qsizetype n = 0;
    for (const QObject *child : QAbstractEventDispatcher::instance()->children()) {
        if (child && qstrcmp(child->metaObject()->className(), "QSingleShotTimer") == 0)
            ++n;
    }
    return n;
}
} // namespace

void tst_WebSocketTcpChannel::socketOfAConnectionFailingAtTheCloseIsFreed()
{
    Connection c;
    QVERIFY(c.connect());
    c.makeStream();
    QPointer<PlainSocket> socket = c.channelSide;
    // The client resets the connection (SO_LINGER 0: RST, RFC 793 §3.5). Before the event loop notices,
    // the stream goes: the channel's Close frame (RFC 6455 §7.1.1) meets the reset as it is written.
    const linger reset{1, 0};
    QVERIFY(::setsockopt(int(c.client->socketDescriptor()), SOL_SOCKET, SO_LINGER, &reset, sizeof reset) ==
            0);
    c.client->abort();
    c.stream.reset();
    // Freed at once, not kept by the front until shutdown (the close deadline would only abort it).
    QTRY_VERIFY_WITH_TIMEOUT(socket.isNull(), TcpChannel::kCloseTimeoutMs / 2);
}

void tst_WebSocketTcpChannel::clientEndWhileOutputWaitsIsToldOnceOutputHasGone()
{
    Connection c;
    QVERIFY(c.connect(4096));
    const int small = 4096;
    QVERIFY(::setsockopt(int(c.channelSide->descriptor()), SOL_SOCKET, SO_SNDBUF, &small, sizeof small) == 0);
    c.makeStream();
    QSignalSpy finished(c.stream.get(), &Stream::ClientStream::finished);
    c.stream->onText("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.com' version='1.0'/>");
    Xmpp::StreamHeader header;
    header.id = QStringLiteral("s1");
    header.from = QStringLiteral("example.com");
    header.version = QStringLiteral("1.0");
    c.stream->upstreamOpened(c.stream->id(), header);
    // More than the kernel's buffers take while the client does not read: the rest waits in the socket.
    c.stream->upstreamElement(c.stream->id(), "<message xmlns='jabber:client' to='a@example.com/r'><body>" +
                                                  QByteArray(256 * 1024, 'x') + "</body></message>");
    QVERIFY(c.channelSide->bytesToWrite() > 0);
    // The client ends its side. The channel reads and finds the end, but the socket tells it only once
    // its output has gone: the stream must not give up on stanzas the client is still reading.
    QSignalSpy readyRead(c.channelSide, &PlainSocket::readyRead);
    QVERIFY(::shutdown(int(c.client->socketDescriptor()), SHUT_WR) == 0);
    QVERIFY(readyRead.wait());
    QVERIFY(finished.isEmpty());
    // Once the client has read everything, the end is told.
    QByteArray received;
    QVERIFY2(QTest::qWaitFor(
                 [&] {
                     received += c.client->readAll();
                     return !finished.isEmpty();
                 },
                 5000),
             qPrintable(QStringLiteral("%1 bytes received, %2 waiting")
                            .arg(received.size())
                            .arg(c.channelSide->bytesToWrite())));
    // All of it: what the client has not read yet is on its way or in its kernel.
    QTRY_VERIFY((received += c.client->readAll()).contains("</body></message>"));
}

void tst_WebSocketTcpChannel::closedSocketTakesItsDeadlineWithIt()
{
    // The stream goes while connected: the channel sends its Close and lingers on the socket with a
    // deadline. The client ends the connection at once: the socket goes, and nothing of the deadline
    // stays behind it (a single-shot timer object stayed kCloseTimeoutMs after each such socket).
    Connection c;
    QVERIFY(c.connect());
    c.makeStream();
    const qsizetype before = singleShotTimers();
    QPointer<PlainSocket> socket = c.channelSide;
    c.stream.reset();
    QVERIFY(socket);
    QCOMPARE(socket->parent(), &c.lingerParent);
    QVERIFY(socket->abortPending());
    QVERIFY(c.client->waitForReadyRead(5000)); // our Close frame (RFC 6455 §7.1.1)
    c.client->disconnectFromHost();
    QTRY_VERIFY_WITH_TIMEOUT(socket.isNull(), TcpChannel::kCloseTimeoutMs / 2);
    QCOMPARE(singleShotTimers(), before);
}

void tst_WebSocketTcpChannel::silentClientIsDroppedAtTheDeadline()
{
    // A client that never answers the Close nor ends TCP: the socket is dropped and freed at
    // kCloseTimeoutMs, not much before and not much later.
    Connection c;
    QVERIFY(c.connect());
    c.makeStream();
    QPointer<PlainSocket> socket = c.channelSide;
    QElapsedTimer clock;
    clock.start();
    c.stream.reset();
    QVERIFY(socket);
    QTRY_VERIFY_WITH_TIMEOUT(socket.isNull(), TcpChannel::kCloseTimeoutMs + 2000);
    // A coarse timer: Qt's dispatchers may fire it up to 5 % early.
    QVERIFY2(clock.elapsed() >= TcpChannel::kCloseTimeoutMs * 95 / 100 - 50,
             qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(c.lingerParent.children().size(), 0);
}

QTEST_GUILESS_MAIN(tst_WebSocketTcpChannel)
#include "tst_websocket_tcpchannel.moc"
