// SPDX-License-Identifier: GPL-3.0-or-later
// The switchboard binary under a socket that plays systemd (deploy/switchboard.service, Type=notify):
// READY=1 once it answers HTTP, STOPPING=1 at SIGTERM before it exits, and a NOTIFY_SOCKET it cannot use
// is reported without stopping the service.
#include "notifysocket.h"
#include "testmain.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using Switchboard::Test::NotifySocket;

class tst_AppSystemdNotify : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanup();

    void readyComesOnceHealthzAnswersAndStoppingAtSigterm();
    void anUnusableNotifySocketIsReportedAndTheServerRuns();

private:
    bool launch(const QByteArray &notifySocket);
    int healthz(const QUrl &boshUrl);

    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    QByteArray m_stdout;
};

void tst_AppSystemdNotify::cleanup()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
    m_process.reset();
}

bool tst_AppSystemdNotify::launch(const QByteArray &notifySocket)
{
    m_process = std::make_unique<QProcess>();
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("NOTIFY_SOCKET"), QString::fromLocal8Bit(notifySocket));
    m_process->setProcessEnvironment(environment);
    m_stdout.clear();
    connect(m_process.get(), &QProcess::readyReadStandardOutput, m_process.get(),
            [this] { m_stdout += m_process->readAllStandardOutput(); });
    // No XMPP server is needed: nothing here opens a session.
    m_process->start(QStringLiteral(SWITCHBOARD_BINARY_DIR "/app/switchboard"),
                     {QStringLiteral("--no-gui"), QStringLiteral("--host"), QStringLiteral("127.0.0.1"),
                      QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--set"),
                      QStringLiteral("rest_store=off"), QStringLiteral("--set"),
                      QStringLiteral("vapid_key_file=") + m_dir.filePath(QStringLiteral("vapid.pem"))});
    return m_process->waitForStarted(10000);
}

int tst_AppSystemdNotify::healthz(const QUrl &boshUrl)
{
    QUrl url = boshUrl;
    url.setPath(QStringLiteral("/healthz"));
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setTransferTimeout(10000);
    std::unique_ptr<QNetworkReply> reply(network.get(request));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(15000))
        return -1;
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

void tst_AppSystemdNotify::readyComesOnceHealthzAnswersAndStoppingAtSigterm()
{
    QVERIFY(m_dir.isValid());
    NotifySocket systemd(m_dir.filePath(QStringLiteral("notify")).toLocal8Bit());
    QVERIFY(systemd.isValid());
    QVERIFY(launch(systemd.address()));

    const QByteArray ready = systemd.receive(15000);
    QVERIFY2(ready.split('\n').contains("READY=1"), ready.constData());
    static const QRegularExpression status(
        QStringLiteral("^STATUS=BOSH at (http://127\\.0\\.0\\.1:\\d+/\\S*)$"),
        QRegularExpression::MultilineOption);
    const QRegularExpressionMatch match = status.match(QString::fromUtf8(ready));
    QVERIFY2(match.hasMatch(), ready.constData());
    // Ready means serving: the URL it names answers at once.
    QCOMPARE(healthz(QUrl(match.captured(1))), 200);

    m_process->terminate();
    QCOMPARE(systemd.receive(15000), QByteArray("STOPPING=1"));
    QSignalSpy finished(m_process.get(), &QProcess::finished);
    QVERIFY(m_process->state() == QProcess::NotRunning || finished.wait(15000));
    QCOMPARE(m_process->exitStatus(), QProcess::NormalExit);
    QCOMPARE(m_process->exitCode(), 0);
    QCOMPARE(systemd.received().size(), 2);
}

void tst_AppSystemdNotify::anUnusableNotifySocketIsReportedAndTheServerRuns()
{
    QVERIFY(m_dir.isValid());
    // A path nobody listens on: systemd gone, or a unit copied somewhere it does not belong.
    QVERIFY(launch(m_dir.filePath(QStringLiteral("nobody-listens")).toLocal8Bit()));
    static const QRegularExpression bound(QStringLiteral("BOSH at (http://127\\.0\\.0\\.1:\\d+/\\S*)"));
    QRegularExpressionMatch match;
    QTRY_VERIFY_WITH_TIMEOUT((match = bound.match(QString::fromUtf8(m_stdout))).hasMatch(), 15000);
    QCOMPARE(healthz(QUrl(match.captured(1))), 200);
    QByteArray errors;
    QTRY_VERIFY_WITH_TIMEOUT((errors += m_process->readAllStandardError()).contains("NOTIFY_SOCKET: "), 5000);
}

SWITCHBOARD_TEST_MAIN(tst_AppSystemdNotify)
#include "tst_app_systemdnotify.moc"
