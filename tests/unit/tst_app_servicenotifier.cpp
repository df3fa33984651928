// SPDX-License-Identifier: GPL-3.0-or-later
// ServiceNotifier speaks sd_notify(3) to a socket that plays systemd: file-system and abstract
// addresses, nothing sent without $NOTIFY_SOCKET, clear errors for addresses systemd would never give.
#include "notifysocket.h"
#include "servicenotifier.h"
#include "testmain.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QTest>

using Switchboard::App::ServiceNotifier;
using Switchboard::Test::NotifySocket;

class tst_AppServiceNotifier : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanup();

    void readyReachesAPathSocket();
    void readyReachesAnAbstractSocket();
    void notifyReadsNotifySocketFromTheEnvironment();
    void withoutNotifySocketNothingIsSentAndThatIsNoError();
    void malformedAddressesAreRefusedWithAReason_data();
    void malformedAddressesAreRefusedWithAReason();
    void aSocketNobodyHoldsIsAnError();
};

void tst_AppServiceNotifier::cleanup()
{
    qunsetenv("NOTIFY_SOCKET");
}

void tst_AppServiceNotifier::readyReachesAPathSocket()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    NotifySocket systemd(dir.filePath(QStringLiteral("notify")).toLocal8Bit());
    QVERIFY(systemd.isValid());
    QString error;
    QVERIFY2(ServiceNotifier::notifyTo(systemd.address(), "READY=1\nSTATUS=up", &error), qPrintable(error));
    QCOMPARE(systemd.receive(5000), QByteArray("READY=1\nSTATUS=up"));
}

void tst_AppServiceNotifier::readyReachesAnAbstractSocket()
{
    const QByteArray address =
        "@switchboard-notify-test-" + QByteArray::number(QCoreApplication::applicationPid());
    NotifySocket systemd(address);
    QVERIFY(systemd.isValid());
    QString error;
    QVERIFY2(ServiceNotifier::notifyTo(address, "STOPPING=1", &error), qPrintable(error));
    QCOMPARE(systemd.receive(5000), QByteArray("STOPPING=1"));
}

void tst_AppServiceNotifier::notifyReadsNotifySocketFromTheEnvironment()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    NotifySocket systemd(dir.filePath(QStringLiteral("notify")).toLocal8Bit());
    QVERIFY(systemd.isValid());
    qputenv("NOTIFY_SOCKET", systemd.address());
    QVERIFY(ServiceNotifier::notify("READY=1"));
    QCOMPARE(systemd.receive(5000), QByteArray("READY=1"));
}

void tst_AppServiceNotifier::withoutNotifySocketNothingIsSentAndThatIsNoError()
{
    qunsetenv("NOTIFY_SOCKET");
    QString error;
    QVERIFY(ServiceNotifier::notify("READY=1", &error));
    QVERIFY(error.isEmpty());
}

void tst_AppServiceNotifier::malformedAddressesAreRefusedWithAReason_data()
{
    QTest::addColumn<QByteArray>("address");
    QTest::newRow("relative path") << QByteArray("run/notify");
    QTest::newRow("lone @") << QByteArray("@");
    QTest::newRow("longer than sun_path") << QByteArray("/" + QByteArray(200, 'x'));
}

void tst_AppServiceNotifier::malformedAddressesAreRefusedWithAReason()
{
    QFETCH(QByteArray, address);
    QString error;
    QVERIFY(!ServiceNotifier::notifyTo(address, "READY=1", &error));
    QVERIFY(error.contains(u"NOTIFY_SOCKET"));
}

void tst_AppServiceNotifier::aSocketNobodyHoldsIsAnError()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString error;
    QVERIFY(
        !ServiceNotifier::notifyTo(dir.filePath(QStringLiteral("nobody")).toLocal8Bit(), "READY=1", &error));
    QVERIFY2(error.startsWith(u"NOTIFY_SOCKET: "), qPrintable(error));
}

SWITCHBOARD_TEST_MAIN(tst_AppServiceNotifier)
#include "tst_app_servicenotifier.moc"
