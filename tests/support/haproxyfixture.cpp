// SPDX-License-Identifier: GPL-3.0-or-later
#include "haproxyfixture.h"

#include <QDir>
#include <QFile>
#include <QLocalSocket>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

namespace {

/// Debian installs haproxy in /usr/sbin, which a test environment's PATH may leave out.
QString haproxyBinary()
{
    QString found = QStandardPaths::findExecutable(QStringLiteral("haproxy"));
    if (found.isEmpty())
        found = QStandardPaths::findExecutable(
            QStringLiteral("haproxy"), {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/local/sbin")});
    return found;
}

bool portAccepts(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    const bool ok = socket.waitForConnected(500);
    socket.abort();
    return ok;
}

} // namespace

HaproxyFixture::HaproxyFixture() = default;

HaproxyFixture::~HaproxyFixture()
{
    stop();
}

quint16 HaproxyFixture::reservePort()
{
    for (int attempt = 0; attempt < 200; ++attempt) {
        const auto port = quint16(10000 + QRandomGenerator::global()->bounded(22000));
        QTcpServer probe;
        if (probe.listen(QHostAddress::LocalHost, port))
            return port;
    }
    return 0;
}

bool HaproxyFixture::start(const QByteArray &config, const QList<quint16> &frontPorts)
{
    stop();
    m_log.clear();
    const QString binary = haproxyBinary();
    if (binary.isEmpty()) {
        m_log = QStringLiteral("haproxy is not installed (scripts/install-deps.sh installs it)");
        qWarning("HaproxyFixture: %s", qPrintable(m_log));
        return false;
    }
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/switchboard-haproxy-XXXXXX"));
    if (!m_dir->isValid())
        return false;
    const QString file = m_dir->filePath(QStringLiteral("haproxy.cfg"));
    m_socketPath = m_dir->filePath(QStringLiteral("haproxy.sock"));
    QByteArray text = config;
    const qsizetype global = text.indexOf("global\n");
    if (global < 0) {
        m_log = QStringLiteral("the configuration has no global section");
        return false;
    }
    text.insert(global + 7, "    stats socket " + m_socketPath.toUtf8() + " mode 600 level admin\n");
    {
        QFile out(file);
        if (!out.open(QIODevice::WriteOnly) || out.write(text) != text.size())
            return false;
    }
    // The configuration check first: its message is clearer than a start that exits.
    QProcess check;
    check.setProcessChannelMode(QProcess::MergedChannels);
    check.start(binary, {QStringLiteral("-c"), QStringLiteral("-f"), file});
    if (!check.waitForFinished(30000) || check.exitCode() != 0) {
        m_log = QString::fromUtf8(check.readAll()) + QStringLiteral("\n--- config ---\n") +
                QString::fromUtf8(config);
        qWarning("HaproxyFixture: the configuration does not pass haproxy -c:\n%s", qPrintable(m_log));
        return false;
    }
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    // -db: stay in the foreground, so the process is ours to stop.
    m_process->start(binary, {QStringLiteral("-db"), QStringLiteral("-f"), file});
    if (!m_process->waitForStarted(10000)) {
        m_log = m_process->errorString();
        qWarning("HaproxyFixture: could not start haproxy: %s", qPrintable(m_log));
        return false;
    }
    const bool up = QTest::qWaitFor(
        [&] {
            if (m_process->state() != QProcess::Running)
                return true;
            for (const quint16 port : frontPorts) {
                if (!portAccepts(port))
                    return false;
            }
            return true;
        },
        15000);
    if (!up || m_process->state() != QProcess::Running) {
        m_log += QString::fromUtf8(m_process->readAll());
        qWarning("HaproxyFixture: haproxy did not come up:\n%s", qPrintable(m_log));
        stop();
        return false;
    }
    return true;
}

void HaproxyFixture::stop()
{
    if (m_process) {
        if (m_process->state() != QProcess::NotRunning) {
            m_process->terminate();
            if (!m_process->waitForFinished(5000)) {
                m_process->kill();
                m_process->waitForFinished(5000);
            }
        }
        m_log += QString::fromUtf8(m_process->readAll());
        m_process.reset();
    }
    m_dir.reset();
}

QByteArray HaproxyFixture::command(const QByteArray &command)
{
    if (!isRunning())
        return {};
    QLocalSocket socket;
    socket.connectToServer(m_socketPath);
    if (!socket.waitForConnected(5000))
        return {};
    socket.write(command + '\n');
    // HAProxy answers and closes the connection (non-interactive mode).
    QByteArray answer;
    while (socket.state() == QLocalSocket::ConnectedState && socket.waitForReadyRead(5000))
        answer += socket.readAll();
    return answer + socket.readAll();
}

QString HaproxyFixture::checkStatus(const QString &backend, const QString &server)
{
    // "show stat" is CSV: pxname,svname,... with a header line naming the columns ("# pxname,svname,...").
    const QList<QByteArray> lines = command("show stat").split('\n');
    if (lines.isEmpty() || !lines.first().startsWith("# "))
        return {};
    const QList<QByteArray> columns = lines.first().mid(2).split(',');
    const qsizetype statusColumn = columns.indexOf("check_status");
    for (const QByteArray &line : lines) {
        const QList<QByteArray> fields = line.split(',');
        if (statusColumn >= 0 && fields.size() > statusColumn && fields.at(0) == backend.toUtf8() &&
            fields.at(1) == server.toUtf8())
            return QString::fromUtf8(fields.at(statusColumn));
    }
    return {};
}

bool HaproxyFixture::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

QString HaproxyFixture::log() const
{
    QString text = m_log;
    if (m_process)
        text += QString::fromUtf8(m_process->peek(1 << 20));
    return text;
}
