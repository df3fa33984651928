// SPDX-License-Identifier: GPL-3.0-or-later
// switchboard-bench: logs many XMPP sessions in (raw TCP, BOSH, WebSocket, or Switchboard's REST gateway),
// makes each send messages to its own full JID at a fixed total rate (or as fast as echoes return), and
// reports logins/s, messages/s, round-trip percentiles and the CPU time the given processes used while
// messages flowed; or holds them idle and reports resident memory per session.
#include "benchsession.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>

#include <QTextStream>
#include <QTimer>
#include <QUrl>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

using namespace Switchboard::Bench;

namespace {

struct Options
{
    QString mode;
    QString host;
    quint16 port = 0;
    QByteArray path;
    QString domain;
    QString userPrefix;
    QString passwordPrefix;
    int users = 0;
    int sessions = 0;
    double rate = 0;
    double duration = 0;
    double warmup = 0;
    int inflight = 1;
    int loginConcurrency = 0;
    QList<qint64> pids;
    QString label;
    bool idle = false; ///< log in, then hold the sessions idle and report resident memory per session
};

/// Resident set size of a process in KiB (proc(5) status VmRSS), -1 when it is gone.
qint64 rssKiB(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/status").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

/// utime + stime of a process in clock ticks (proc(5): fields 14 and 15), -1 when it is gone.
qint64 cpuTicks(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray stat = file.readAll();
    // The command name may contain spaces and parentheses: count fields after the last ')'.
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return -1;
    return fields[11].toLongLong() + fields[12].toLongLong();
}

QString processName(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/comm").arg(pid));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll().trimmed()) : QStringLiteral("?");
}

double percentile(std::vector<double> &sorted, double p)
{
    if (sorted.empty())
        return NAN;
    const auto index =
        static_cast<size_t>(std::clamp(std::ceil(p * sorted.size()) - 1.0, 0.0, sorted.size() - 1.0));
    return sorted[index];
}

class Bench final : public QObject
{
    Q_OBJECT
public:
    explicit Bench(const Options &options) : m_options(options) {}

    void start()
    {
        for (int i = 0; i < m_options.sessions; ++i) {
            const int user = i % m_options.users + 1;
            Account account{m_options.userPrefix + QString::number(user),
                            m_options.passwordPrefix + QString::number(user), m_options.domain,
                            QStringLiteral("bench%1").arg(i)};
            BenchSession *session = nullptr;
            if (m_options.mode == QLatin1String("tcp"))
                session = new TcpSession(m_options.host, m_options.port, account, this);
            else if (m_options.mode == QLatin1String("ws"))
                session = new WebSocketSession(m_options.host, m_options.port, m_options.path, account, this);
            else if (m_options.mode == QLatin1String("rest"))
                session = new RestSession(m_options.host, m_options.port, m_options.path, account,
                                          !m_options.idle, this);
            else
                session = new BoshSession(m_options.host, m_options.port, m_options.path, account, this);
            connect(session, &BenchSession::loggedIn, this, [this] {
                ++m_loggedIn;
                loginNext();
            });
            connect(session, &BenchSession::failed, this, [this, session](const QString &reason) {
                if (!session->isBound())
                    ++m_loginFailed;
                else
                    ++m_droppedAfterLogin;
                if (m_firstError.isEmpty())
                    m_firstError = reason;
                m_dead.append(session);
                loginNext();
            });
            connect(session, &BenchSession::echoReceived, this,
                    [this, session](const QByteArray &id) { onEcho(session, id); });
            m_sessions.append(session);
        }
        m_clock.start();
        for (qint64 pid : std::as_const(m_options.pids))
            m_rssStart.append(rssKiB(pid));
        for (int i = 0; i < std::min(m_options.loginConcurrency, int(m_sessions.size())); ++i)
            loginNext();
        // A login that never finishes must not hang the run.
        QTimer::singleShot(60000, this, [this] {
            if (!m_measuring && !m_loginsDone)
                finishLogins();
        });
    }

private:
    void loginNext()
    {
        if (m_loginsDone)
            return;
        if (m_nextLogin < m_sessions.size()) {
            m_sessions[m_nextLogin++]->start();
            return;
        }
        if (m_loggedIn + m_loginFailed >= m_sessions.size())
            finishLogins();
    }

    void finishLogins()
    {
        m_loginsDone = true;
        m_loginSeconds = m_clock.nsecsElapsed() / 1e9;
        out() << QStringLiteral("logins: %1 ok, %2 failed in %3 s (%4 logins/s)\n")
                     .arg(m_loggedIn)
                     .arg(m_loginFailed)
                     .arg(m_loginSeconds, 0, 'f', 2)
                     .arg(m_loggedIn / m_loginSeconds, 0, 'f', 1);
        if (!m_firstError.isEmpty())
            out() << "first error: " << m_firstError << '\n';
        for (BenchSession *s : std::as_const(m_sessions)) {
            if (s->isBound() && !m_dead.contains(s))
                m_active.append(s);
        }
        if (m_active.isEmpty()) {
            out() << "no session logged in\n";
            out().flush();
            QCoreApplication::exit(1);
            return;
        }
        if (m_options.idle) {
            // Idle: no traffic; let the logins settle, then read memory, hold, and check nobody dropped.
            QTimer::singleShot(int(m_options.warmup * 1000), this, [this] {
                for (qint64 pid : std::as_const(m_options.pids))
                    m_rssEnd.append(rssKiB(pid));
                QTimer::singleShot(int(m_options.duration * 1000), this, &Bench::reportIdle);
            });
            return;
        }
        // Warm up (not counted), then measure.
        m_phaseClock.start();
        m_sendTimer.setTimerType(Qt::PreciseTimer);
        connect(&m_sendTimer, &QTimer::timeout, this, &Bench::tick);
        if (m_options.rate > 0)
            m_sendTimer.start(2);
        else
            for (BenchSession *s : std::as_const(m_active))
                for (int i = 0; i < m_options.inflight; ++i)
                    sendOne(s);
        QTimer::singleShot(int(m_options.warmup * 1000), Qt::PreciseTimer, this, &Bench::startMeasuring);
    }

    void reportIdle()
    {
        const qint64 alive = std::count_if(m_active.cbegin(), m_active.cend(),
                                           [this](BenchSession *s) { return !m_dead.contains(s); });
        out() << QStringLiteral("idle: %1 sessions logged in, %2 still alive after %3 s\n")
                     .arg(m_active.size())
                     .arg(alive)
                     .arg(m_options.duration);
        QString rssField;
        for (qsizetype i = 0; i < m_options.pids.size(); ++i) {
            const qint64 grown = m_rssEnd.value(i) - m_rssStart.value(i);
            const double perSession = m_active.isEmpty() ? 0 : double(grown) / double(m_active.size());
            out() << QStringLiteral("rss pid %1 (%2): %3 KiB before, %4 KiB idle, %5 KiB per session\n")
                         .arg(m_options.pids.at(i))
                         .arg(processName(m_options.pids.at(i)))
                         .arg(m_rssStart.value(i))
                         .arg(m_rssEnd.value(i))
                         .arg(perSession, 0, 'f', 2);
            rssField += (rssField.isEmpty() ? QString() : QStringLiteral(",")) +
                        processName(m_options.pids.at(i)) + QLatin1Char(':') +
                        QString::number(perSession, 'f', 2);
        }
        out() << "RESULT\tlabel=" << m_options.label << "\tmode=" << m_options.mode
              << "\tidle_sessions=" << m_active.size() << "\talive=" << alive
              << "\tlogin_failed=" << m_loginFailed << "\tkib_per_session=" << rssField << '\n';
        out().flush();
        QCoreApplication::exit(alive == m_active.size() && !m_active.isEmpty() ? 0 : 1);
    }

    void startMeasuring()
    {
        m_measuring = true;
        m_sentMeasured = 0;
        m_rtts.clear();
        m_measureStartNs = m_clock.nsecsElapsed();
        for (qint64 pid : std::as_const(m_options.pids))
            m_cpuStart.append(cpuTicks(pid));
        QTimer::singleShot(int(m_options.duration * 1000), Qt::PreciseTimer, this, &Bench::stopMeasuring);
    }

    void stopMeasuring()
    {
        const double seconds = (m_clock.nsecsElapsed() - m_measureStartNs) / 1e9;
        m_measuring = false;
        m_stopped = true;
        m_sendTimer.stop();
        QList<qint64> cpuEnd;
        for (qint64 pid : std::as_const(m_options.pids))
            cpuEnd.append(cpuTicks(pid));
        // Echoes of messages sent in the window still in flight: give them a moment, then report.
        m_measuredSeconds = seconds;
        m_cpuEnd = cpuEnd;
        QTimer::singleShot(m_outstanding.isEmpty() ? 0 : 3000, this, &Bench::report);
    }

    void report()
    {
        std::vector<double> rtts = m_rtts;
        std::sort(rtts.begin(), rtts.end());
        const qint64 echoed = qint64(rtts.size());
        const qint64 lost = m_sentMeasured - echoed;
        const double rate = echoed / m_measuredSeconds;
        QTextStream &o = out();
        o << QStringLiteral("messages: sent %1, echoed %2, lost %3 in %4 s: %5 msg/s\n")
                 .arg(m_sentMeasured)
                 .arg(echoed)
                 .arg(lost)
                 .arg(m_measuredSeconds, 0, 'f', 1)
                 .arg(rate, 0, 'f', 1);
        const double p50 = percentile(rtts, 0.5), p90 = percentile(rtts, 0.9), p99 = percentile(rtts, 0.99);
        o << QStringLiteral("round trip ms: p50 %1  p90 %2  p99 %3  max %4\n")
                 .arg(p50, 0, 'f', 2)
                 .arg(p90, 0, 'f', 2)
                 .arg(p99, 0, 'f', 2)
                 .arg(rtts.empty() ? NAN : rtts.back(), 0, 'f', 2);
        if (m_droppedAfterLogin)
            o << "sessions dropped after login: " << m_droppedAfterLogin << " (" << m_firstError << ")\n";
        const double tick = double(::sysconf(_SC_CLK_TCK));
        QStringList cpuColumns;
        // Each echo crosses every hop twice (client -> server and back): 2 stanzas per message.
        const double kStanzas = echoed * 2 / 1000.0;
        for (qsizetype i = 0; i < m_options.pids.size(); ++i) {
            const qint64 pid = m_options.pids[i];
            const bool ok = m_cpuStart.value(i) >= 0 && m_cpuEnd.value(i) >= 0;
            const double cpu = ok ? (m_cpuEnd[i] - m_cpuStart[i]) / tick : NAN;
            o << QStringLiteral("cpu pid %1 (%2): %3 s = %4% of a core, %5 ms per 1000 stanzas\n")
                     .arg(pid)
                     .arg(processName(pid))
                     .arg(cpu, 0, 'f', 2)
                     .arg(100 * cpu / m_measuredSeconds, 0, 'f', 1)
                     .arg(kStanzas > 0 ? cpu * 1000 / kStanzas : NAN, 0, 'f', 2);
            cpuColumns << QStringLiteral("%1:%2:%3")
                              .arg(processName(pid))
                              .arg(cpu, 0, 'f', 2)
                              .arg(kStanzas > 0 ? cpu * 1000 / kStanzas : NAN, 0, 'f', 2);
        }
        // One machine-readable line for scripts: tab-separated key=value.
        o << "RESULT\tlabel=" << m_options.label << "\tmode=" << m_options.mode
          << "\tsessions=" << m_active.size() << "\tlogin_failed=" << m_loginFailed
          << "\tlogins_per_s=" << QString::number(m_loggedIn / m_loginSeconds, 'f', 1)
          << "\trate=" << m_options.rate << "\tmsgs_per_s=" << QString::number(rate, 'f', 1)
          << "\tlost=" << lost << "\tp50_ms=" << QString::number(p50, 'f', 2)
          << "\tp99_ms=" << QString::number(p99, 'f', 2) << "\tcpu=" << cpuColumns.join(QLatin1Char(','))
          << '\n';
        o.flush();
        for (BenchSession *s : std::as_const(m_active))
            s->close();
        QTimer::singleShot(300, qApp, [lost] { QCoreApplication::exit(lost > 0 ? 3 : 0); });
    }

    void tick()
    {
        // Open loop: send what the schedule says should have gone by now, spread over the sessions.
        const qint64 due = qint64(m_options.rate * m_phaseClock.nsecsElapsed() / 1e9);
        while (m_scheduled < due) {
            ++m_scheduled;
            BenchSession *s = m_active[m_roundRobin++ % m_active.size()];
            sendOne(s);
        }
    }

    void sendOne(BenchSession *s)
    {
        if (m_stopped)
            return;
        const QByteArray id = 'b' + QByteArray::number(++m_nextId);
        m_outstanding.insert(id, Pending{m_clock.nsecsElapsed(), m_measuring});
        if (m_measuring)
            ++m_sentMeasured;
        s->sendEcho(id);
    }

    void onEcho(BenchSession *s, const QByteArray &id)
    {
        const auto it = m_outstanding.constFind(id);
        if (it == m_outstanding.cend())
            return;
        if (it->measured)
            m_rtts.push_back((m_clock.nsecsElapsed() - it->sentNs) / 1e6);
        m_outstanding.erase(it);
        if (m_options.rate <= 0)
            sendOne(s); // closed loop: the next message as soon as one returns
    }

    static QTextStream &out()
    {
        static QTextStream stream(stdout);
        return stream;
    }

    struct Pending
    {
        qint64 sentNs;
        bool measured;
    };

    Options m_options;
    QList<BenchSession *> m_sessions;
    QList<BenchSession *> m_active;
    QList<BenchSession *> m_dead;
    QElapsedTimer m_clock;
    QElapsedTimer m_phaseClock;
    QTimer m_sendTimer;
    QHash<QByteArray, Pending> m_outstanding;
    std::vector<double> m_rtts;
    QList<qint64> m_cpuStart;
    QList<qint64> m_cpuEnd;
    QList<qint64> m_rssStart;
    QList<qint64> m_rssEnd;
    QString m_firstError;
    qsizetype m_nextLogin = 0;
    qint64 m_loggedIn = 0;
    qint64 m_loginFailed = 0;
    qint64 m_droppedAfterLogin = 0;
    qint64 m_nextId = 0;
    qint64 m_scheduled = 0;
    qint64 m_sentMeasured = 0;
    qint64 m_measureStartNs = 0;
    quint64 m_roundRobin = 0;
    double m_loginSeconds = 0;
    double m_measuredSeconds = 0;
    bool m_loginsDone = false;
    bool m_measuring = false;
    bool m_stopped = false;
};

} // namespace

int main(int argc, char **argv)
{
    // Thousands of sessions, each a socket or two: take every descriptor the system allows.
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("switchboard-bench"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Logs XMPP sessions in over raw TCP, BOSH, WebSocket or Switchboard's REST gateway and measures "
        "message echo round trips and server CPU, or idle memory per session."));
    parser.addHelpOption();
    const auto opt = [&](const char *name, const char *description, const char *value, const char *def) {
        QCommandLineOption o(QString::fromLatin1(name), QString::fromLatin1(description),
                             QString::fromLatin1(value), QString::fromLatin1(def));
        parser.addOption(o);
        return o;
    };
    const auto mode =
        opt("mode", "bosh, ws (RFC 7395), rest (Switchboard's REST gateway) or tcp", "mode", "bosh");
    const auto url = opt("url",
                         "BOSH, WebSocket or REST base URL, e.g. http://127.0.0.1:5280/http-bind/, "
                         "ws://127.0.0.1:5280/xmpp-websocket, http://127.0.0.1:5280/api/v1",
                         "url", "");
    const auto host = opt("host", "XMPP server host (mode tcp)", "host", "127.0.0.1");
    const auto port = opt("port", "XMPP server c2s port (mode tcp)", "port", "5222");
    const auto domain = opt("domain", "XMPP domain", "domain", "localhost");
    const auto users = opt("users", "accounts PREFIX1..PREFIXN exist", "n", "200");
    const auto userPrefix = opt("user-prefix", "account name prefix", "prefix", "user");
    const auto passwordPrefix = opt("password-prefix", "password of userK is PREFIXK", "prefix", "pass");
    const auto sessions = opt("sessions", "concurrent sessions", "n", "100");
    const auto rate = opt("rate", "total messages per second; 0: saturate (closed loop)", "msg/s", "500");
    const auto duration = opt("duration", "measured seconds", "s", "20");
    const auto warmup = opt("warmup", "seconds of traffic before measuring", "s", "2");
    const auto inflight = opt("inflight", "messages in flight per session when saturating", "n", "1");
    const auto concurrency = opt("login-concurrency", "logins in progress at once", "n", "50");
    const auto pids = opt("pids", "comma-separated PIDs whose CPU time to report", "pid,pid", "");
    const auto label = opt("label", "name of this run in the RESULT line", "text", "");
    const QCommandLineOption idle(
        QStringLiteral("idle"),
        QStringLiteral("no messages: hold the sessions idle for --duration s after "
                       "--warmup s and report resident memory per session of --pids (rest: the client "
                       "keeps no connection once logged in)"));
    parser.addOption(idle);
    parser.process(app);

    Options o;
    o.mode = parser.value(mode);
    if (o.mode == QLatin1String("bosh") || o.mode == QLatin1String("ws") || o.mode == QLatin1String("rest")) {
        const QUrl u(parser.value(url));
        const QString scheme = o.mode == QLatin1String("ws") ? QStringLiteral("ws") : QStringLiteral("http");
        if (!u.isValid() || u.scheme() != scheme || u.host().isEmpty()) {
            std::fprintf(stderr, "--mode %s needs --url %s://host:port/path\n", qPrintable(o.mode),
                         qPrintable(scheme));
            return 2;
        }
        o.host = u.host();
        o.port = quint16(u.port(80));
        o.path = u.path(QUrl::FullyEncoded).toLatin1();
        if (o.path.isEmpty())
            o.path = "/";
    } else if (o.mode == QLatin1String("tcp")) {
        o.host = parser.value(host);
        o.port = quint16(parser.value(port).toUInt());
    } else {
        std::fprintf(stderr, "--mode must be bosh, ws, rest or tcp\n");
        return 2;
    }
    o.domain = parser.value(domain);
    o.users = std::max(1, parser.value(users).toInt());
    o.userPrefix = parser.value(userPrefix);
    o.passwordPrefix = parser.value(passwordPrefix);
    o.sessions = std::max(1, parser.value(sessions).toInt());
    o.rate = parser.value(rate).toDouble();
    o.duration = std::max(0.5, parser.value(duration).toDouble());
    o.warmup = std::max(0.0, parser.value(warmup).toDouble());
    o.inflight = std::max(1, parser.value(inflight).toInt());
    o.loginConcurrency = std::max(1, parser.value(concurrency).toInt());
    o.label = parser.value(label).isEmpty() ? o.mode : parser.value(label);
    o.idle = parser.isSet(idle);
    for (const QString &p : parser.value(pids).split(QLatin1Char(','), Qt::SkipEmptyParts))
        o.pids.append(p.trimmed().toLongLong());

    QTextStream(stdout) << "switchboard-bench: mode " << o.mode << ", " << o.host << ':' << o.port
                        << QString::fromLatin1(o.path) << ", " << o.sessions << " sessions, rate "
                        << (o.rate > 0 ? QString::number(o.rate) : QStringLiteral("saturated")) << ", "
                        << o.duration << " s\n";
    Bench bench(o);
    bench.start();
    return app.exec();
}

#include "main.moc"
