// SPDX-License-Identifier: GPL-3.0-or-later
// setUnbufferedDescriptor(): a QTcpSocket or QSslSocket given a connected descriptor really is
// unbuffered: input stays in the kernel until it is read (setSocketDescriptor() alone does not do that in
// Qt 6.4 to 6.8), and the connection works both ways.
#include "base/unbufferedsocket.h"

#include "loopback.h"
#include "testmain.h"

#include <QSignalSpy>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <sys/ioctl.h>

using namespace Switchboard;

namespace {

int waitingInKernel(qintptr descriptor)
{
    int bytes = -1;
    return ::ioctl(int(descriptor), FIONREAD, &bytes) == 0 ? bytes : -1;
}

} // namespace

class tst_BaseUnbufferedSocket : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void inputStaysInTheKernelUntilRead_data();
    void inputStaysInTheKernelUntilRead();
};

void tst_BaseUnbufferedSocket::inputStaysInTheKernelUntilRead_data()
{
    QTest::addColumn<bool>("tls");
    QTest::newRow("QTcpSocket") << false;
    QTest::newRow("QSslSocket (before STARTTLS)") << true;
}

void tst_BaseUnbufferedSocket::inputStaysInTheKernelUntilRead()
{
    QFETCH(bool, tls);
    Test::DescriptorServer server;
    QVERIFY(server.listenOnLoopback());
    QTcpSocket peer;
    peer.connectToHost(QHostAddress::LocalHost, server.serverPort());
    const qintptr descriptor = server.takeNext();
    QVERIFY(descriptor >= 0);
    QTRY_COMPARE(peer.state(), QAbstractSocket::ConnectedState);

    std::unique_ptr<QAbstractSocket> socket(tls ? static_cast<QAbstractSocket *>(new QSslSocket)
                                                : new QTcpSocket);
    QSignalSpy errors(socket.get(), &QAbstractSocket::errorOccurred);
    QVERIFY(setUnbufferedDescriptor(socket.get(), descriptor));
    QCOMPARE(socket->state(), QAbstractSocket::ConnectedState);
    QCOMPARE(socket->socketDescriptor(), descriptor);
    QVERIFY(socket->openMode() & QIODevice::Unbuffered);

    QSignalSpy readyRead(socket.get(), &QIODevice::readyRead);
    peer.write(QByteArray(100, 'x'));
    QVERIFY(readyRead.wait(5000));
    // Buffered, Qt would have moved the bytes into its own read buffer before readyRead().
    QCOMPARE(waitingInKernel(descriptor), 100);
    QCOMPARE(socket->read(1000), QByteArray(100, 'x'));
    QCOMPARE(waitingInKernel(descriptor), 0);

    socket->write("back");
    QTRY_COMPARE(peer.bytesAvailable(), 4);
    QCOMPARE(peer.readAll(), QByteArray("back"));
    // The connect to no host that made the socket unbuffered left nothing behind (Qt's posted answer to
    // it was delivered while the loop ran above).
    QCOMPARE(errors.size(), 0);
    QCOMPARE(socket->state(), QAbstractSocket::ConnectedState);
}

SWITCHBOARD_TEST_MAIN(tst_BaseUnbufferedSocket)
#include "tst_base_unbufferedsocket.moc"
