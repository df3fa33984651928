// SPDX-License-Identifier: GPL-3.0-or-later
// A short run of every switchboard-bench mode, the installed tool itself (app/bench/), against a real
// Prosody and a Switchboard in this process: each run must log its sessions in, finish, exit 0 and print
// its RESULT line. Its figures are not asserted (benchmarks are never timing tests); docs/BENCH.md.
#include "prosodyfixture.h"
#include "server.h"
#include "testmain.h"

#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace Switchboard;

namespace {

const QString kBench = QStringLiteral(SWITCHBOARD_BINARY_DIR "/app/bench/switchboard-bench");

/// One bench process; its output is read while the test's event loop runs (the server lives on it).
struct BenchRun
{
    QProcess process;
    QByteArray output;

    void start(const QStringList &arguments)
    {
        process.setProcessChannelMode(QProcess::MergedChannels);
        QObject::connect(&process, &QProcess::readyRead, &process, [this] { output += process.readAll(); });
        process.start(kBench, arguments);
    }
    /// Waits (event loop running) until the process has exited, at most `ms`.
    bool finish(int ms)
    {
        if (process.state() != QProcess::NotRunning) {
            QSignalSpy finished(&process, &QProcess::finished);
            if (!finished.wait(ms)) {
                process.kill();
                process.waitForFinished(5000);
                return false;
            }
        }
        output += process.readAll();
        return true;
    }
};

} // namespace

class tst_BenchModes : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void helpNamesEveryMode();
    void eachModeRunsAndPrintsItsResult_data();
    void eachModeRunsAndPrintsItsResult();
    void capacityServerListensServesAndReportsOnSigterm();

private:
    /// Small enough to be quick on a busy machine: two sessions, one second measured.
    QStringList shortRun() const;

    ProsodyFixture m_prosody;
    std::unique_ptr<Server> m_server;
};

void tst_BenchModes::initTestCase()
{
    QVERIFY2(QFile::exists(kBench), qPrintable(kBench + u" is not built"));
    QVERIFY2(m_prosody.start({QStringLiteral("user1"), QStringLiteral("user2")}),
             qPrintable(m_prosody.log()));
    Config config = m_prosody.backendConfig();
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    m_server = std::make_unique<Server>(config);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
}

void tst_BenchModes::cleanupTestCase()
{
    m_server.reset();
    m_prosody.stop();
}

QStringList tst_BenchModes::shortRun() const
{
    // ProsodyFixture's passwords are "pw-" + account: userK / pw-userK.
    return {QStringLiteral("--users"),
            QStringLiteral("2"),
            QStringLiteral("--user-prefix"),
            QStringLiteral("user"),
            QStringLiteral("--password-prefix"),
            QStringLiteral("pw-user"),
            QStringLiteral("--domain"),
            m_prosody.domain(),
            QStringLiteral("--sessions"),
            QStringLiteral("2"),
            QStringLiteral("--rate"),
            QStringLiteral("20"),
            QStringLiteral("--duration"),
            QStringLiteral("1"),
            QStringLiteral("--warmup"),
            QStringLiteral("0.5"),
            QStringLiteral("--login-timeout"),
            QStringLiteral("20"),
            QStringLiteral("--settle-timeout"),
            QStringLiteral("0.5")};
}

void tst_BenchModes::helpNamesEveryMode()
{
    BenchRun run;
    run.start({QStringLiteral("--help")});
    QVERIFY(run.finish(10000));
    QCOMPARE(run.process.exitCode(), 0);
    for (const char *mode : {"bosh ", "ws ", "rest ", "tcp ", "capacity-server ", "--idle"})
        QVERIFY2(run.output.contains(mode), mode);
}

void tst_BenchModes::eachModeRunsAndPrintsItsResult_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<QStringList>("arguments");
    QUrl rest = m_server->boshUrl();
    rest.setPath(QStringLiteral("/api/v1"));
    QUrl metrics = m_server->boshUrl();
    metrics.setPath(QStringLiteral("/metrics"));
    const QString bosh = m_server->boshUrl().toString();
    const QString ws = m_server->webSocketUrl().toString();
    const QString self = QString::number(QCoreApplication::applicationPid());
    const QString url = QStringLiteral("--url");
    QTest::newRow("tcp") << QStringLiteral("tcp")
                         << QStringList{QStringLiteral("--host"), m_prosody.host(), QStringLiteral("--port"),
                                        QString::number(m_prosody.c2sPort())};
    QTest::newRow("bosh strophe-like") << QStringLiteral("bosh") << QStringList{url, bosh};
    QTest::newRow("bosh pipelined") << QStringLiteral("bosh")
                                    << QStringList{url, bosh, QStringLiteral("--bosh-client"),
                                                   QStringLiteral("pipelined")};
    QTest::newRow("ws") << QStringLiteral("ws") << QStringList{url, ws};
    QTest::newRow("rest") << QStringLiteral("rest") << QStringList{url, rest.toString()};
    // --idle with the server's memory (this process) and its /metrics: the logout drains to 0 sessions.
    const QStringList idle{QStringLiteral("--idle"), QStringLiteral("--pids"), self,
                           QStringLiteral("--metrics-url"), metrics.toString()};
    QTest::newRow("bosh idle") << QStringLiteral("bosh") << (QStringList{url, bosh} + idle);
    QTest::newRow("ws idle") << QStringLiteral("ws") << (QStringList{url, ws} + idle);
    QTest::newRow("rest idle") << QStringLiteral("rest") << (QStringList{url, rest.toString()} + idle);
}

void tst_BenchModes::eachModeRunsAndPrintsItsResult()
{
    QFETCH(QString, mode);
    QFETCH(QStringList, arguments);
    BenchRun run;
    run.start(QStringList{QStringLiteral("--mode"), mode} + arguments + shortRun());
    QVERIFY2(run.finish(60000), run.output.constData());
    QVERIFY2(run.process.exitStatus() == QProcess::NormalExit && run.process.exitCode() == 0,
             run.output.constData());
    // Its one machine-readable line, for this mode, with every session logged in.
    static const QRegularExpression result(QStringLiteral("^RESULT\\t.*\\tmode=(\\w+)\\t(.*)$"),
                                           QRegularExpression::MultilineOption);
    const QRegularExpressionMatch match = result.match(QString::fromUtf8(run.output));
    QVERIFY2(match.hasMatch(), run.output.constData());
    QCOMPARE(match.captured(1), mode);
    QVERIFY2(match.captured(2).contains(u"\tlogin_failed=0\t"), run.output.constData());
    if (arguments.contains(QStringLiteral("--idle"))) {
        QVERIFY2(match.captured(2).contains(u"\tlogged_out=2\t"), run.output.constData());
        QVERIFY2(match.captured(2).contains(u"\tserver_sessions_after_logout=0\t"), run.output.constData());
    } else {
        QVERIFY2(match.captured(2).contains(u"\tlost=0\tduplicated=0\t"), run.output.constData());
    }
}

void tst_BenchModes::capacityServerListensServesAndReportsOnSigterm()
{
    BenchRun server;
    server.start({QStringLiteral("--mode"), QStringLiteral("capacity-server"), QStringLiteral("--host"),
                  QStringLiteral("127.0.0.1"), QStringLiteral("--port"), QStringLiteral("0")});
    static const QRegularExpression listening(QStringLiteral("LISTENING\\t127\\.0\\.0\\.1\\t(\\d+)"));
    QRegularExpressionMatch match;
    QTRY_VERIFY2_WITH_TIMEOUT((match = listening.match(QString::fromUtf8(server.output))).hasMatch(),
                              server.output.constData(), 15000);

    // Any account logs in there: a raw TCP run against it.
    BenchRun client;
    client.start(QStringList{QStringLiteral("--mode"), QStringLiteral("tcp"), QStringLiteral("--host"),
                             QStringLiteral("127.0.0.1"), QStringLiteral("--port"), match.captured(1)} +
                 shortRun());
    QVERIFY2(client.finish(60000), client.output.constData());
    QVERIFY2(client.process.exitCode() == 0, client.output.constData());
    QVERIFY2(client.output.contains("RESULT\tlabel=tcp\tmode=tcp\tsessions=2\tlogin_failed=0\t"),
             client.output.constData());

    server.process.terminate(); // SIGTERM: stop serving, then report
    QVERIFY2(server.finish(15000), server.output.constData());
    QCOMPARE(server.process.exitCode(), 0);
    QVERIFY2(server.output.contains("capacity-server: 2 connections, 2 authenticated, 2 bound, "),
             server.output.constData());
}

SWITCHBOARD_TEST_MAIN(tst_BenchModes)
#include "tst_bench_modes.moc"
