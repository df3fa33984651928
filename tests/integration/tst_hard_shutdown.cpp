// SPDX-License-Identifier: GPL-3.0-or-later
// Graceful shutdown and drain of the real switchboard binary (issue 5 §6): with live BOSH and WebSocket
// sessions on a real Prosody, SIGTERM gives each client its terminal condition (system-shutdown), every
// server stream is closed, and the process exits 0 within shutdown_timeout; SIGUSR1 sends new sessions
// elsewhere with see-other-uri while the existing ones carry on, and SIGUSR2 ends that; SIGHUP reads the
// TLS certificate again for new connections.
#include "boshclient.h"
#include "prosodyfixture.h"
#include "testclient.h"
#include "wsclient.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Switchboard;

class tst_HardShutdown : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();

    void sigtermEndsEverySessionAndExitsZero();
    void drainRefusesNewSessionsWithSeeOtherUri();
    void sigusr2EndsTheDrain();
    void sighupReloadsTheCertificate();

private:
    bool launch(const QStringList &extra = {});
    /// Waits until the process wrote a line containing `text` on stdout (or stderr when `onStderr`).
    bool waitForOutput(const QByteArray &text, bool onStderr = false);
    /// A self-signed certificate and key for 127.0.0.1 as `name`.pem and `name`.key in m_dir.
    bool makeCertificate(const QString &name, const QString &commonName);
    /// The common name of the certificate a new TLS connection to m_tlsPort is shown.
    QString peerCommonName();
    QUrl url(const QString &scheme, const QString &path) const;
    /// Session `sid` as the process's status page shows it (loopback needs no token); empty when absent.
    QJsonObject sessionStatus(const QString &sid);

    ProsodyFixture m_prosody;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
    quint16 m_tlsPort = 0;
    QByteArray m_stdout;
    QByteArray m_stderr;
    QTemporaryDir m_dir;
};

void tst_HardShutdown::initTestCase()
{
    QVERIFY2(m_prosody.start({QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol")}),
             "Prosody did not start");
}

void tst_HardShutdown::cleanupTestCase()
{
    m_prosody.stop();
}

void tst_HardShutdown::cleanup()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
    m_process.reset();
}

bool tst_HardShutdown::launch(const QStringList &extra)
{
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
    QStringList arguments{QStringLiteral("--no-gui"),
                          QStringLiteral("--host"),
                          QStringLiteral("127.0.0.1"),
                          QStringLiteral("--port"),
                          QStringLiteral("0"),
                          QStringLiteral("--route"),
                          QStringLiteral("localhost=127.0.0.1:%1").arg(m_prosody.c2sPort()),
                          QStringLiteral("--no-tls-domain"),
                          QStringLiteral("localhost"),
                          QStringLiteral("--shutdown-timeout"),
                          QStringLiteral("5")};
    // The REST session store in the test's folder, not the user's data folder.
    arguments += {QStringLiteral("--set"),
                  QStringLiteral("rest_store=") + m_dir.filePath(QStringLiteral("rest.sqlite"))};
    arguments += {QStringLiteral("--set"),
                  QStringLiteral("workers=") + QString::number(ProsodyFixture::testWorkers())};
    arguments +=
        {QStringLiteral("--set"), QStringLiteral("worker_accept=") + ProsodyFixture::testWorkerAccept()};
    arguments += extra;
    m_process->start(QStringLiteral(SWITCHBOARD_BINARY_DIR "/app/switchboard"), arguments);
    // The first line names the bound BOSH URL (port 0 picks a free port); with TLS a second line the
    // TLS one.
    static const QRegularExpression bound(QStringLiteral("BOSH at http://127\\.0\\.0\\.1:(\\d+)/"));
    static const QRegularExpression boundTls(QStringLiteral("BOSH at https://127\\.0\\.0\\.1:(\\d+)/"));
    const bool tls = extra.contains(QStringLiteral("--tls-cert"));
    QByteArray &out = m_stdout;
    out.clear();
    m_stderr.clear();
    m_port = 0;
    m_tlsPort = 0;
    const bool ok = QTest::qWaitFor(
        [&] {
            out += m_process->readAllStandardOutput();
            const QRegularExpressionMatch match = bound.match(QString::fromUtf8(out));
            if (match.hasMatch())
                m_port = quint16(match.captured(1).toUInt());
            const QRegularExpressionMatch tlsMatch = boundTls.match(QString::fromUtf8(out));
            if (tlsMatch.hasMatch())
                m_tlsPort = quint16(tlsMatch.captured(1).toUInt());
            return (match.hasMatch() && (!tls || tlsMatch.hasMatch())) ||
                   m_process->state() == QProcess::NotRunning;
        },
        15000);
    if (!ok || m_port == 0)
        qWarning() << "switchboard did not start:" << out << m_process->readAllStandardError();
    return ok && m_port != 0;
}

QUrl tst_HardShutdown::url(const QString &scheme, const QString &path) const
{
    QUrl result;
    result.setScheme(scheme);
    result.setHost(QStringLiteral("127.0.0.1"));
    result.setPort(m_port);
    result.setPath(path);
    return result;
}

QJsonObject tst_HardShutdown::sessionStatus(const QString &sid)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_port);
    if (!socket.waitForConnected(5000))
        return {};
    socket.write("GET /status.json HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    QByteArray reply;
    QElapsedTimer clock;
    clock.start();
    while (socket.state() == QAbstractSocket::ConnectedState && clock.elapsed() < 5000) {
        socket.waitForReadyRead(200);
        reply += socket.readAll();
    }
    reply += socket.readAll();
    const qsizetype bodyAt = reply.indexOf("\r\n\r\n");
    if (bodyAt < 0)
        return {};
    const QJsonArray sessions =
        QJsonDocument::fromJson(reply.mid(bodyAt + 4)).object().value(QStringLiteral("sessions")).toArray();
    for (const QJsonValue &session : sessions) {
        if (session.toObject().value(QStringLiteral("id")).toString() == sid)
            return session.toObject();
    }
    return {};
}

void tst_HardShutdown::sigtermEndsEverySessionAndExitsZero()
{
    QVERIFY(launch());
    BoshClient alice(url(QStringLiteral("http"), QStringLiteral("/http-bind/")));
    WsClient bob(url(QStringLiteral("ws"), QStringLiteral("/xmpp-websocket")));
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         m_prosody.password(QStringLiteral("alice")), &error),
             qPrintable(error));
    QVERIFY(bob.connectSocket());
    QVERIFY2(bob.login(QStringLiteral("localhost"), QStringLiteral("bob"),
                       m_prosody.password(QStringLiteral("bob")), &error),
             qPrintable(error));
    // Carol watches both through Prosody: when their server streams close properly, Prosody ends their
    // sessions and tells her (unavailable presence) at once, rather than after a TCP timeout.
    TestClient carol;
    QVERIFY2(carol.login(m_prosody, QStringLiteral("carol")), qPrintable(carol.lastError()));
    const QByteArray aliceJid = alice.jid().toUtf8();
    const QByteArray bobJid = bob.jid().toUtf8();
    alice.sendStanza("<presence xmlns='jabber:client' to='" + carol.jid().toUtf8() + "'/>");
    bob.sendText("<presence xmlns='jabber:client' to='" + carol.jid().toUtf8() + "'/>");
    QVERIFY(
        !carol.waitForElement([&](const QByteArray &x) { return x.contains(aliceJid); }, 10000).isEmpty());
    QVERIFY(!carol.waitForElement([&](const QByteArray &x) { return x.contains(bobJid); }, 10000).isEmpty());
    QSignalSpy terminated(&alice, &BoshClient::terminated);
    // Alice's presence request is held by now. Her poll, sent next, releases it and is held in its
    // place: SIGTERM waits until the session has it (the status page counts it, once its timer has
    // read the session's counters), so that no request of hers is still on its way to a listener that
    // closes (with two workers it may also be relayed to the session's worker).
    qint64 requestsBefore = 0;
    QTRY_VERIFY_WITH_TIMEOUT(
        (requestsBefore = sessionStatus(alice.sid()).value(QStringLiteral("requests")).toInteger()) > 0,
        10000);
    alice.startPolling();
    QTRY_VERIFY_WITH_TIMEOUT(
        sessionStatus(alice.sid()).value(QStringLiteral("requests")).toInteger() > requestsBefore, 10000);

    QElapsedTimer clock;
    clock.start();
    QCOMPARE(::kill(pid_t(m_process->processId()), SIGTERM), 0);

    // BOSH: the held request is answered with system-shutdown.
    QTRY_VERIFY_WITH_TIMEOUT(!terminated.isEmpty(), 5000);
    QVERIFY2(alice.lastTerminate().attr(QStringLiteral("condition")) == QLatin1String("system-shutdown"),
             alice.lastTerminate().raw.constData());
    // WebSocket: <stream:error><system-shutdown/>, <close/>, then the WebSocket close.
    const QDomElement streamError = bob.waitForName(QStringLiteral("error"), 5000);
    QVERIFY(!streamError.isNull());
    QVERIFY(!streamError.firstChildElement(QStringLiteral("system-shutdown")).isNull());
    QVERIFY(bob.waitForDisconnected(5000));
    // The server streams were closed: Prosody reports both users gone.
    QVERIFY(
        !carol
             .waitForElement(
                 [&](const QByteArray &x) { return x.contains(aliceJid) && x.contains("unavailable"); }, 5000)
             .isEmpty());
    QVERIFY(
        !carol
             .waitForElement(
                 [&](const QByteArray &x) { return x.contains(bobJid) && x.contains("unavailable"); }, 5000)
             .isEmpty());
    // Exit 0 within the deadline (5 s) plus start-up slack. With every stream closed properly it may
    // have exited already (waitForFinished() is false for a process that is not running).
    QVERIFY(m_process->state() == QProcess::NotRunning || m_process->waitForFinished(7000));
    // On failure, what the process wrote on stderr says why.
    const QByteArray processErrors = m_stderr + m_process->readAllStandardError();
    QVERIFY2(m_process->exitStatus() == QProcess::NormalExit, processErrors.constData());
    QVERIFY2(m_process->exitCode() == 0, processErrors.constData());
    QVERIFY2(clock.elapsed() < 6500, QByteArray::number(clock.elapsed()).constData());
    carol.disconnectFromServer();
}

void tst_HardShutdown::drainRefusesNewSessionsWithSeeOtherUri()
{
    QVERIFY(launch({QStringLiteral("--drain-url"), QStringLiteral("https://other.example/http-bind/")}));
    BoshClient alice(url(QStringLiteral("http"), QStringLiteral("/http-bind/")));
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         m_prosody.password(QStringLiteral("alice")), &error),
             qPrintable(error));
    alice.startPolling();

    QCOMPARE(::kill(pid_t(m_process->processId()), SIGUSR1), 0);
    QByteArray out;
    QVERIFY(QTest::qWaitFor(
        [&] {
            out += m_process->readAllStandardOutput();
            return out.contains("draining");
        },
        5000));

    // A new BOSH session: see-other-uri with the configured URL (XEP-0124 §17.3).
    BoshClient late(url(QStringLiteral("http"), QStringLiteral("/http-bind/")));
    const BoshClient::Response refused = late.request({{QStringLiteral("to"), QStringLiteral("localhost")},
                                                       {QStringLiteral("ver"), QStringLiteral("1.6")},
                                                       {QStringLiteral("wait"), QStringLiteral("5")}});
    QVERIFY2(refused.isTerminate(), refused.raw.constData());
    QCOMPARE(refused.attr(QStringLiteral("condition")), QStringLiteral("see-other-uri"));
    QVERIFY2(refused.raw.contains("<uri>https://other.example/http-bind/</uri>"), refused.raw.constData());

    // A new WebSocket stream: <close see-other-uri=.../> (RFC 7395 §3.6.1).
    WsClient ws(url(QStringLiteral("ws"), QStringLiteral("/xmpp-websocket")));
    QVERIFY(ws.connectSocket());
    ws.sendText("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>");
    const QDomElement close = ws.waitForName(QStringLiteral("close"));
    QVERIFY(!close.isNull());
    QCOMPARE(close.attribute(QStringLiteral("see-other-uri")),
             QStringLiteral("https://other.example/http-bind/"));
    QVERIFY(ws.waitForDisconnected());

    // The existing session carries on.
    alice.sendStanza("<iq xmlns='jabber:client' type='get' id='still-here' to='localhost'>"
                     "<ping xmlns='urn:xmpp:ping'/></iq>");
    QVERIFY(!alice
                 .waitForStanza([](const QDomElement &e) {
                     return e.attribute(QStringLiteral("id")) == QLatin1String("still-here");
                 })
                 .isNull());

    QCOMPARE(::kill(pid_t(m_process->processId()), SIGTERM), 0);
    QVERIFY(m_process->waitForFinished(7000));
    QCOMPARE(m_process->exitCode(), 0);
}

bool tst_HardShutdown::waitForOutput(const QByteArray &text, bool onStderr)
{
    return QTest::qWaitFor(
        [&] {
            m_stdout += m_process->readAllStandardOutput();
            m_stderr += m_process->readAllStandardError();
            return (onStderr ? m_stderr : m_stdout).contains(text);
        },
        5000);
}

void tst_HardShutdown::sigusr2EndsTheDrain()
{
    QVERIFY(launch({QStringLiteral("--drain-url"), QStringLiteral("https://other.example/http-bind/")}));
    QCOMPARE(::kill(pid_t(m_process->processId()), SIGUSR1), 0);
    QVERIFY(waitForOutput("switchboard: draining"));
    BoshClient during(url(QStringLiteral("http"), QStringLiteral("/http-bind/")));
    const BoshClient::Response refused = during.request({{QStringLiteral("to"), QStringLiteral("localhost")},
                                                         {QStringLiteral("ver"), QStringLiteral("1.6")},
                                                         {QStringLiteral("wait"), QStringLiteral("5")}});
    QCOMPARE(refused.attr(QStringLiteral("condition")), QStringLiteral("see-other-uri"));

    // SIGUSR2: the drain ends, new sessions are taken again, on both transports.
    QCOMPARE(::kill(pid_t(m_process->processId()), SIGUSR2), 0);
    QVERIFY(waitForOutput("switchboard: drain ended"));
    BoshClient after(url(QStringLiteral("http"), QStringLiteral("/http-bind/")));
    QString error;
    QVERIFY2(after.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         m_prosody.password(QStringLiteral("alice")), &error),
             qPrintable(error));
    WsClient ws(url(QStringLiteral("ws"), QStringLiteral("/xmpp-websocket")));
    QVERIFY(ws.connectSocket());
    QVERIFY2(ws.login(QStringLiteral("localhost"), QStringLiteral("bob"),
                      m_prosody.password(QStringLiteral("bob")), &error),
             qPrintable(error));

    QCOMPARE(::kill(pid_t(m_process->processId()), SIGTERM), 0);
    QVERIFY(m_process->waitForFinished(7000));
    QCOMPARE(m_process->exitCode(), 0);
}

bool tst_HardShutdown::makeCertificate(const QString &name, const QString &commonName)
{
    QProcess openssl;
    openssl.start(
        QStringLiteral("openssl"),
        {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
         QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes"),
         QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"), u"/CN=" + commonName,
         QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1"), QStringLiteral("-keyout"),
         m_dir.filePath(name + u".key"), QStringLiteral("-out"), m_dir.filePath(name + u".pem")});
    return openssl.waitForFinished(30000) && openssl.exitCode() == 0;
}

QString tst_HardShutdown::peerCommonName()
{
    QSslSocket socket;
    QSslConfiguration configuration = socket.sslConfiguration();
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone); // self-signed; only its name matters here
    socket.setSslConfiguration(configuration);
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_tlsPort);
    if (!QTest::qWaitFor(
            [&] { return socket.isEncrypted() || socket.state() == QAbstractSocket::UnconnectedState; },
            10000) ||
        !socket.isEncrypted())
        return {};
    const QStringList names = socket.peerCertificate().subjectInfo(QSslCertificate::CommonName);
    return names.isEmpty() ? QString() : names.first();
}

void tst_HardShutdown::sighupReloadsTheCertificate()
{
    if (!QSslSocket::supportsSsl())
        QSKIP("no TLS backend");
    QVERIFY(m_dir.isValid());
    QVERIFY(makeCertificate(QStringLiteral("first"), QStringLiteral("switchboard-first")));
    QVERIFY(makeCertificate(QStringLiteral("second"), QStringLiteral("switchboard-second")));
    const QString cert = m_dir.filePath(QStringLiteral("live.pem"));
    const QString key = m_dir.filePath(QStringLiteral("live.key"));
    auto install = [&](const QString &name) {
        QFile::remove(cert);
        QFile::remove(key);
        return QFile::copy(m_dir.filePath(name + u".pem"), cert) &&
               QFile::copy(m_dir.filePath(name + u".key"), key);
    };
    QVERIFY(install(QStringLiteral("first")));
    QVERIFY(launch({QStringLiteral("--tls-cert"), cert, QStringLiteral("--tls-key"), key,
                    QStringLiteral("--tls-port"), QStringLiteral("0")}));
    QVERIFY(m_tlsPort != 0);
    QCOMPARE(peerCommonName(), QStringLiteral("switchboard-first"));

    // The files are replaced (as a certificate renewal does), then SIGHUP: new connections get the new one.
    QVERIFY(install(QStringLiteral("second")));
    QCOMPARE(peerCommonName(), QStringLiteral("switchboard-first")); // nothing changes before the signal
    QCOMPARE(::kill(pid_t(m_process->processId()), SIGHUP), 0);
    QVERIFY(waitForOutput("switchboard: TLS certificate reloaded"));
    // With several workers the reload reaches each in turn (a queued call): awaited, not expected at once.
    QTRY_COMPARE(peerCommonName(), QStringLiteral("switchboard-second"));

    // A broken file: the reload fails, says so, and the certificate in use stays.
    {
        QFile broken(cert);
        QVERIFY(broken.open(QIODevice::WriteOnly | QIODevice::Truncate));
        broken.write("not a certificate\n");
    }
    QCOMPARE(::kill(pid_t(m_process->processId()), SIGHUP), 0);
    QVERIFY(waitForOutput("switchboard: TLS reload failed", true));
    QCOMPARE(peerCommonName(), QStringLiteral("switchboard-second"));
    QCOMPARE(m_process->state(), QProcess::Running);

    QCOMPARE(::kill(pid_t(m_process->processId()), SIGTERM), 0);
    QVERIFY(m_process->waitForFinished(7000));
    QCOMPARE(m_process->exitCode(), 0);
}

QTEST_MAIN(tst_HardShutdown)
#include "tst_hard_shutdown.moc"
