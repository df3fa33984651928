// SPDX-License-Identifier: GPL-3.0-or-later
#include "ejabberdfixture.h"
#include "logtail.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

namespace Switchboard::Test {

namespace {

/// A free loopback port below the ephemeral range (see ProsodyFixture's freePort()).
quint16 freePort(QTcpServer &holder)
{
    for (int attempt = 0; attempt < 200; ++attempt) {
        const auto port = quint16(10000 + QRandomGenerator::global()->bounded(22000));
        if (holder.listen(QHostAddress::LocalHost, port))
            return holder.serverPort();
    }
    return 0;
}

bool portAccepts(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    const bool ok = socket.waitForConnected(500);
    socket.abort();
    return ok;
}

/// The folder ERL_LIBS must name: Debian installs ejabberd as /usr/lib/<multiarch>/ejabberd-<version>/.
QString ejabberdLibs()
{
    const QDir lib(QStringLiteral("/usr/lib"));
    const QStringList arches = lib.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &arch : arches) {
        const QDir dir(lib.filePath(arch));
        const QStringList apps =
            dir.entryList({QStringLiteral("ejabberd-*")}, QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        for (const QString &app : apps) {
            if (QFile::exists(dir.filePath(app + u"/ebin/ejabberd.app")))
                return dir.path();
        }
    }
    return {};
}

QString randomToken()
{
    return QString::number(QRandomGenerator::system()->generate64(), 36);
}

} // namespace

EjabberdFixture::EjabberdFixture() = default;

EjabberdFixture::~EjabberdFixture()
{
    stop();
}

bool EjabberdFixture::isInstalled()
{
    return !QStandardPaths::findExecutable(QStringLiteral("erl")).isEmpty() && !ejabberdLibs().isEmpty();
}

bool EjabberdFixture::start(int timeoutMs)
{
    stop();
    m_erlLibs = ejabberdLibs();
    if (QStandardPaths::findExecutable(QStringLiteral("erl")).isEmpty() || m_erlLibs.isEmpty()) {
        qWarning("EjabberdFixture: ejabberd is not installed (scripts/install-deps.sh)");
        return false;
    }
    m_dir =
        std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/switchboard-ejabberd-XXXXXX"));
    if (!m_dir->isValid())
        return false;
    {
        QTcpServer a;
        QTcpServer b;
        m_c2sPort = freePort(a);
        m_distPort = freePort(b);
        if (m_c2sPort == 0 || m_distPort == 0)
            return false;
    }
    const QString dir = m_dir->path();
    if (!QDir(dir).mkpath(QStringLiteral("spool")) || !QDir(dir).mkpath(QStringLiteral("logs")))
        return false;
    m_node = u"sbtest" + QString::number(QCoreApplication::applicationPid()) + u'x' + randomToken() +
             u"@localhost";
    m_cookie = randomToken() + randomToken();

    // A loopback test server, never for production: plain text, PLAIN auth, the PROXY protocol required
    // on c2s. The console commands (register, user_sessions_info) come from mod_admin_extra.
    const QByteArray yml = "hosts:\n"
                           "  - \"" +
                           domain().toUtf8() +
                           "\"\n"
                           "loglevel: info\n"
                           "hide_sensitive_log_data: false\n"
                           "listen:\n"
                           "  -\n"
                           "    port: " +
                           QByteArray::number(m_c2sPort) +
                           "\n"
                           "    ip: \"127.0.0.1\"\n"
                           "    module: ejabberd_c2s\n"
                           "    use_proxy_protocol: true\n"
                           "    starttls: false\n"
                           "auth_method: internal\n"
                           "auth_password_format: plain\n"
                           "acl:\n"
                           "  local:\n"
                           "    user_regexp: \"\"\n"
                           "access_rules:\n"
                           "  local:\n"
                           "    allow: local\n"
                           "  c2s:\n"
                           "    allow: all\n"
                           "api_permissions:\n"
                           "  \"console commands\":\n"
                           "    from:\n"
                           "      - ejabberd_ctl\n"
                           "    who: all\n"
                           "    what: \"*\"\n"
                           "shaper_rules: {}\n"
                           "modules:\n"
                           "  mod_admin_extra: {}\n"
                           "  mod_disco: {}\n"
                           "  mod_ping: {}\n"
                           "  mod_roster: {}\n";
    QFile file(dir + u"/ejabberd.yml");
    if (!file.open(QIODevice::WriteOnly) || file.write(yml) != yml.size())
        return false;
    file.close();

    QProcessEnvironment env;
    env.insert(QStringLiteral("PATH"), QStringLiteral("/usr/bin:/bin"));
    env.insert(QStringLiteral("HOME"), dir);
    env.insert(QStringLiteral("EJABBERD_CONFIG_PATH"), dir + u"/ejabberd.yml");
    env.insert(QStringLiteral("EJABBERD_LOG_PATH"), dir + u"/logs/ejabberd.log");
    env.insert(QStringLiteral("ERL_CRASH_DUMP"), dir + u"/logs/erl_crash.dump");
    env.insert(QStringLiteral("ERL_CRASH_DUMP_BYTES"), QStringLiteral("0"));
    env.insert(QStringLiteral("ERL_LIBS"), m_erlLibs);
    m_process = std::make_unique<QProcess>();
    m_process->setProcessEnvironment(env);
    m_process->setWorkingDirectory(dir);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->setStandardOutputFile(dir + u"/stdout.log");
    m_process->start(QStringLiteral("erl"),
                     {QStringLiteral("-sname"), m_node, QStringLiteral("-setcookie"), m_cookie,
                      QStringLiteral("-erl_epmd_port"), QString::number(m_distPort),
                      QStringLiteral("-start_epmd"), QStringLiteral("false"), QStringLiteral("-noinput"),
                      QStringLiteral("-mnesia"), QStringLiteral("dir"), u'"' + dir + u"/spool\"",
                      QStringLiteral("-s"), QStringLiteral("ejabberd")});
    if (!m_process->waitForStarted(10000)) {
        qWarning("EjabberdFixture: could not start erl: %s", qPrintable(m_process->errorString()));
        return false;
    }
    // The listener opens once the application has started; the node answers commands from then on.
    const QDeadlineTimer deadline(timeoutMs);
    while (!portAccepts(m_c2sPort)) {
        if (!isRunning() || deadline.hasExpired()) {
            qWarning("EjabberdFixture: ejabberd did not come up:\n%s", qPrintable(log()));
            stop();
            return false;
        }
        QTest::qWait(100); // test support only: the event loop keeps running while we wait
    }
    // `status` succeeds once the node runs the ejabberd application; a command node that races the
    // start is simply asked again.
    for (;;) {
        bool ok = false;
        const QString status = ctl({QStringLiteral("status")}, &ok,
                                   int(qBound(qint64(1000), deadline.remainingTime(), qint64(30000))));
        if (ok)
            return true;
        if (!isRunning() || deadline.hasExpired()) {
            qWarning("EjabberdFixture: ejabberd does not answer commands (%s):\n%s", qPrintable(status),
                     qPrintable(log()));
            stop();
            return false;
        }
        QTest::qWait(200);
    }
}

QString EjabberdFixture::ctl(const QStringList &arguments, bool *ok, int timeoutMs)
{
    if (ok)
        *ok = false;
    if (!isRunning())
        return {};
    QProcessEnvironment env;
    env.insert(QStringLiteral("PATH"), QStringLiteral("/usr/bin:/bin"));
    env.insert(QStringLiteral("HOME"), m_dir->path());
    env.insert(QStringLiteral("ERL_CRASH_DUMP_BYTES"), QStringLiteral("0"));
    env.insert(QStringLiteral("ERL_LIBS"), m_erlLibs);
    QProcess process;
    process.setProcessEnvironment(env);
    process.setWorkingDirectory(m_dir->path());
    process.setProcessChannelMode(QProcess::MergedChannels);
    QStringList args = {QStringLiteral("-sname"),
                        u"sbctl" + randomToken() + u"@localhost",
                        QStringLiteral("-setcookie"),
                        m_cookie,
                        QStringLiteral("-erl_epmd_port"),
                        QString::number(m_distPort),
                        QStringLiteral("-start_epmd"),
                        QStringLiteral("false"),
                        QStringLiteral("-dist_listen"),
                        QStringLiteral("false"),
                        QStringLiteral("-hidden"),
                        QStringLiteral("-noinput"),
                        QStringLiteral("-s"),
                        QStringLiteral("ejabberd_ctl"),
                        QStringLiteral("-extra"),
                        m_node};
    args += arguments;
    process.start(QStringLiteral("erl"), args);
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(2000);
        return {};
    }
    const QString output = QString::fromUtf8(process.readAll());
    if (ok)
        *ok = process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    return output;
}

bool EjabberdFixture::registerUser(const QString &user, const QString &password)
{
    bool ok = false;
    const QString output = ctl({QStringLiteral("register"), user, domain(), password}, &ok);
    if (!ok)
        qWarning("EjabberdFixture: register %s failed: %s", qPrintable(user), qPrintable(output));
    return ok;
}

void EjabberdFixture::stop()
{
    if (!m_process)
        return;
    if (m_process->state() != QProcess::NotRunning) {
        m_process->terminate(); // SIGTERM to the PID we started: ejabberd stops cleanly
        if (!m_process->waitForFinished(10000)) {
            m_process->kill();
            m_process->waitForFinished(2000);
        }
    }
    m_process.reset();
}

bool EjabberdFixture::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

QString EjabberdFixture::log() const
{
    if (!m_dir)
        return {};
    return Test::logTails(m_dir->path(), {QStringLiteral("stdout.log"), QStringLiteral("logs/ejabberd.log")},
                          8000);
}

} // namespace Switchboard::Test
