// SPDX-License-Identifier: GPL-3.0-or-later
// switchboard-bench: logs many XMPP sessions in (raw TCP, BOSH, WebSocket, or Switchboard's REST gateway),
// makes each send messages to its own full JID at a fixed total rate (or as fast as echoes return), and
// reports logins/s, messages/s, round-trip percentiles, HTTP exchanges per message, lost and duplicated
// messages and the CPU time the given processes used while messages flowed; or holds them idle, reports
// resident memory per session, logs them all out and reports the memory left after the logout.
// `--mode capacity-server` instead plays a minimal XMPP server for capacity runs (capacityserver.h): a
// capacity benchmark backend, not a correctness backend.
#include "benchsession.h"
#include "capacityserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTextStream>
#include <QTimer>
#include <QUrl>

#include <algorithm>
#include <cmath>
#include <csignal>
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
    int logoutConcurrency = 0;
    QList<qint64> pids;
    QString label;
    QString boshClient;    ///< strophe (StropheBoshSession) or pipelined (BoshSession)
    int stropheIdleMs = 0; ///< StropheBoshSession's idle timer; 0: at once
    bool idle = false;     ///< log in, then hold the sessions idle and report resident memory per session
    QUrl metricsUrl;       ///< Switchboard's /metrics: after the idle logout, wait for 0 sessions there
    double logoutTimeout = 120;
    double settleTimeout = 45; ///< --idle: deadline for the memory to settle after the sessions drained
    double loginTimeout = 60;
};

/// The sum of the `switchboard_sessions` gauges in a Prometheus text page, -1 when there is none.
qint64 sessionsInMetrics(const QByteArray &page)
{
    qint64 total = -1;
    for (const QByteArray &line : page.split('\n')) {
        if (!line.startsWith("switchboard_sessions{") && !line.startsWith("switchboard_sessions "))
            continue;
        const qsizetype space = line.lastIndexOf(' ');
        bool ok = false;
        const qint64 n = qint64(line.mid(space + 1).trimmed().toDouble(&ok));
        if (ok)
            total = std::max<qint64>(total, 0) + n;
    }
    return total;
}

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
            else if (m_options.boshClient == QLatin1String("pipelined"))
                session = new BoshSession(m_options.host, m_options.port, m_options.path, account, this);
            else
                session = new StropheBoshSession(m_options.host, m_options.port, m_options.path, account,
                                                 m_options.stropheIdleMs, this);
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
            connect(session, &BenchSession::closed, this, [this, session] { onClosed(session); });
            m_sessions.append(session);
        }
        m_clock.start();
        for (qint64 pid : std::as_const(m_options.pids))
            m_rssStart.append(rssKiB(pid));
        for (int i = 0; i < std::min(m_options.loginConcurrency, int(m_sessions.size())); ++i)
            loginNext();
        // Logins that stop finishing must not hang the run: give up once none has ended (logged in or
        // failed) for --login-timeout s. Thousands of logins on a busy machine take minutes, so this is no
        // deadline for the whole phase.
        m_loginWatchdog.setSingleShot(true);
        m_loginWatchdog.setInterval(int(m_options.loginTimeout * 1000));
        connect(&m_loginWatchdog, &QTimer::timeout, this, [this] {
            if (m_loginsDone)
                return;
            out() << "logins: none ended for " << m_options.loginTimeout << " s; giving up on "
                  << (m_nextLogin - m_loggedIn - m_loginFailed) << " in progress and "
                  << (m_sessions.size() - m_nextLogin) << " not started\n";
            finishLogins();
        });
        m_loginWatchdog.start();
    }

private:
    void loginNext()
    {
        if (m_loginsDone)
            return;
        m_loginWatchdog.start(); // a login ended (or the first ones start): progress
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
        m_loginWatchdog.stop();
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
                QTimer::singleShot(int(m_options.duration * 1000), this, &Bench::startLogout);
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

    /// After the idle hold: every session logs out cleanly, `--logout-concurrency` at a time.
    void startLogout()
    {
        m_alive = std::count_if(m_active.cbegin(), m_active.cend(),
                                [this](BenchSession *s) { return !m_dead.contains(s); });
        // Every session started and not dead, logged in or not (one still logging in is a session at the
        // server too).
        for (qsizetype i = 0; i < m_nextLogin; ++i) {
            if (!m_dead.contains(m_sessions[i]))
                m_toClose.append(m_sessions[i]);
        }
        m_logoutClock.start();
        m_loggingOut = true;
        QTimer::singleShot(int(m_options.logoutTimeout * 1000), this, [this] {
            if (m_loggingOut) {
                out() << "logout: " << (m_toClose.size() - m_closedCount) << " sessions not closed after "
                      << m_options.logoutTimeout << " s\n";
                finishLogout();
            }
        });
        for (int i = 0; i < m_options.logoutConcurrency && m_nextLogout < m_toClose.size(); ++i)
            logoutNext();
        if (m_toClose.isEmpty())
            finishLogout();
    }

    void logoutNext()
    {
        if (m_nextLogout < m_toClose.size())
            m_toClose[m_nextLogout++]->close();
    }

    void onClosed(BenchSession *)
    {
        if (!m_loggingOut)
            return;
        ++m_closedCount;
        if (m_closedCount >= m_toClose.size())
            return finishLogout();
        logoutNext();
    }

    void finishLogout()
    {
        if (!m_loggingOut)
            return;
        m_loggingOut = false;
        m_logoutSeconds = m_logoutClock.nsecsElapsed() / 1e9;
        out() << QStringLiteral("logout: %1 of %2 sessions closed in %3 s\n")
                     .arg(m_closedCount)
                     .arg(m_toClose.size())
                     .arg(m_logoutSeconds, 0, 'f', 2);
        if (!m_options.metricsUrl.isValid() || m_options.metricsUrl.isEmpty())
            return reportIdle();
        // Wait (with a deadline) until Switchboard itself counts no session any more.
        m_metrics = std::make_unique<HttpConnection>(m_options.metricsUrl.host(),
                                                     quint16(m_options.metricsUrl.port(80)));
        connect(m_metrics.get(), &HttpConnection::finished, this, [this](int status, const QByteArray &body) {
            m_serverSessions = status == 200 ? sessionsInMetrics(body) : -1;
            if (m_serverSessions == 0)
                return settle();
            if (m_metricsClock.nsecsElapsed() > qint64(m_options.logoutTimeout * 1e9)) {
                out() << "logout: Switchboard still counts " << m_serverSessions << " sessions after "
                      << m_options.logoutTimeout << " s (HTTP " << status << ")\n";
                return reportIdle();
            }
            QTimer::singleShot(100, this, &Bench::pollMetrics);
        });
        connect(m_metrics.get(), &HttpConnection::failed, this, [this](const QString &reason) {
            out() << "logout: " << m_options.metricsUrl.toString() << ": " << reason << '\n';
            reportIdle();
        });
        m_metricsClock.start();
        pollMetrics();
    }

    /// Switchboard counts no session: wait until its resident memory stops falling (it hands freed heap
    /// back to the kernel a few seconds after many sessions end), that is until it has not dropped by 1 %
    /// for 10 s, or `--settle-timeout` s have passed.
    void settle()
    {
        m_drainSeconds = m_metricsClock.nsecsElapsed() / 1e9;
        if (m_options.pids.isEmpty())
            return reportIdle();
        m_settleClock.start();
        m_lowestRss = rssKiB(m_options.pids.constFirst());
        auto *timer = new QTimer(this);
        connect(timer, &QTimer::timeout, this, [this, timer] {
            const qint64 rss = rssKiB(m_options.pids.constFirst());
            const qint64 elapsed = m_settleClock.elapsed();
            if (rss < m_lowestRss - m_lowestRss / 100) {
                m_lowestRss = rss;
                m_lowestAt = elapsed;
            }
            if (elapsed - m_lowestAt >= 10000 || elapsed >= qint64(m_options.settleTimeout * 1000)) {
                timer->stop();
                m_settleSeconds = elapsed / 1000.0;
                reportIdle();
            }
        });
        timer->start(250);
    }

    void pollMetrics()
    {
        const QByteArray path = m_options.metricsUrl.path(QUrl::FullyEncoded).toLatin1();
        m_metrics->request("GET", path.isEmpty() ? QByteArray("/") : path, {});
    }

    void reportIdle()
    {
        if (m_idleReported)
            return;
        m_idleReported = true;
        const double drainSeconds = m_drainSeconds >= 0        ? m_drainSeconds
                                    : m_metricsClock.isValid() ? m_metricsClock.nsecsElapsed() / 1e9
                                                               : 0.0;
        QList<qint64> rssAfter;
        for (qint64 pid : std::as_const(m_options.pids))
            rssAfter.append(rssKiB(pid));
        const qint64 alive = m_alive;
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
        // Memory after logout: each process's RSS now against before the first login.
        QString afterField;
        for (qsizetype i = 0; i < m_options.pids.size(); ++i) {
            const qint64 before = m_rssStart.value(i), after = rssAfter.value(i);
            const double percent = before > 0 ? 100.0 * double(after - before) / double(before) : NAN;
            out() << QStringLiteral("rss pid %1 (%2) after logout: %3 KiB, %4% above its %5 KiB before the "
                                    "first login\n")
                         .arg(m_options.pids.at(i))
                         .arg(processName(m_options.pids.at(i)))
                         .arg(after)
                         .arg(percent, 0, 'f', 1)
                         .arg(before);
            afterField += (afterField.isEmpty() ? QString() : QStringLiteral(",")) +
                          processName(m_options.pids.at(i)) + QLatin1Char(':') + QString::number(after) +
                          QLatin1Char(':') + QString::number(percent, 'f', 1);
        }
        if (m_options.metricsUrl.isValid() && !m_options.metricsUrl.isEmpty())
            out() << QStringLiteral("Switchboard counted %1 sessions %2 s after the last logout; its memory "
                                    "settled %3 s later\n")
                         .arg(m_serverSessions)
                         .arg(drainSeconds, 0, 'f', 2)
                         .arg(m_settleSeconds, 0, 'f', 2);
        const bool allClosed = m_closedCount == m_toClose.size();
        out() << "RESULT\tlabel=" << m_options.label << "\tmode=" << m_options.mode
              << "\tbosh_client=" << boshClientField() << "\tidle_sessions=" << m_active.size()
              << "\talive=" << alive << "\tlogin_failed=" << m_loginFailed << "\tkib_per_session=" << rssField
              << "\tlogged_out=" << m_closedCount << "\tlogout_s=" << QString::number(m_logoutSeconds, 'f', 2)
              << "\tserver_sessions_after_logout=" << m_serverSessions
              << "\tdrain_s=" << QString::number(drainSeconds, 'f', 2)
              << "\tsettle_s=" << QString::number(m_settleSeconds, 'f', 2)
              << "\trss_after_logout=" << afterField << '\n';
        out().flush();
        const bool drained =
            !m_options.metricsUrl.isValid() || m_options.metricsUrl.isEmpty() || m_serverSessions == 0;
        QCoreApplication::exit(alive == m_active.size() && !m_active.isEmpty() && allClosed && drained ? 0
                                                                                                       : 1);
    }

    void startMeasuring()
    {
        m_measuring = true;
        m_sentMeasured = 0;
        m_rtts.clear();
        m_measureStartNs = m_clock.nsecsElapsed();
        m_httpStart = httpRequests();
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
        m_httpEnd = httpRequests();
        m_measuredSeconds = seconds;
        m_cpuEnd = cpuEnd;
        // Echoes still in flight: report once the last is back, or at the deadline (what is missing then
        // is lost).
        if (m_outstanding.isEmpty())
            return report();
        QTimer::singleShot(10000, this, &Bench::report);
    }

    qint64 httpRequests() const
    {
        qint64 n = 0;
        for (BenchSession *s : std::as_const(m_active))
            n += s->httpRequests();
        return n;
    }

    QString boshClientField() const
    {
        return m_options.mode == QLatin1String("bosh") ? m_options.boshClient : QStringLiteral("-");
    }

    void report()
    {
        if (m_reported)
            return;
        m_reported = true;
        std::vector<double> rtts = m_rtts;
        std::sort(rtts.begin(), rtts.end());
        const qint64 echoed = qint64(rtts.size());
        // Every message sent (warm-up included) whose echo never came, and every echo of an id that was
        // not outstanding (already echoed, or never sent).
        const qint64 lost = m_outstanding.size();
        const qint64 duplicated = m_duplicated;
        const double rate = echoed / m_measuredSeconds;
        QTextStream &o = out();
        o << QStringLiteral("messages: sent %1 (%2 measured), echoed %3 measured, lost %4, duplicated %5 in "
                            "%6 s: %7 msg/s\n")
                 .arg(m_nextId)
                 .arg(m_sentMeasured)
                 .arg(echoed)
                 .arg(lost)
                 .arg(duplicated)
                 .arg(m_measuredSeconds, 0, 'f', 1)
                 .arg(rate, 0, 'f', 1);
        if (lost || duplicated) {
            const QString loud = QStringLiteral("!!! %1: %2 MESSAGES LOST, %3 DUPLICATED !!!\n")
                                     .arg(m_options.label)
                                     .arg(lost)
                                     .arg(duplicated);
            o << loud;
            std::fprintf(stderr, "%s", qPrintable(loud));
        }
        const bool http = m_options.mode == QLatin1String("bosh") || m_options.mode == QLatin1String("rest");
        const qint64 exchanges = m_httpEnd - m_httpStart;
        const QString httpPerMsg = http && echoed > 0
                                       ? QString::number(double(exchanges) / double(echoed), 'f', 3)
                                       : QStringLiteral("-");
        if (http)
            o << QStringLiteral("http: %1 requests in the measured window, %2 per echoed message\n")
                     .arg(exchanges)
                     .arg(httpPerMsg);
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
          << "\tlost=" << lost << "\tduplicated=" << duplicated << "\tbosh_client=" << boshClientField()
          << "\thttp_requests=" << (http ? QString::number(exchanges) : QStringLiteral("-"))
          << "\thttp_per_msg=" << httpPerMsg << "\tp50_ms=" << QString::number(p50, 'f', 2)
          << "\tp99_ms=" << QString::number(p99, 'f', 2) << "\tcpu=" << cpuColumns.join(QLatin1Char(','))
          << '\n';
        o.flush();
        for (BenchSession *s : std::as_const(m_active))
            s->close();
        QTimer::singleShot(300, qApp,
                           [lost, duplicated] { QCoreApplication::exit(lost || duplicated ? 3 : 0); });
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
        if (it == m_outstanding.cend()) {
            ++m_duplicated;
            return;
        }
        if (it->measured)
            m_rtts.push_back((m_clock.nsecsElapsed() - it->sentNs) / 1e6);
        m_outstanding.erase(it);
        if (m_stopped && m_outstanding.isEmpty() && m_measuredSeconds > 0)
            return report();
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
    QList<BenchSession *> m_toClose; ///< the sessions alive after the idle hold, logged out in order
    QElapsedTimer m_clock;
    QElapsedTimer m_phaseClock;
    QTimer m_sendTimer;
    QTimer m_loginWatchdog;
    QHash<QByteArray, Pending> m_outstanding;
    std::vector<double> m_rtts;
    QList<qint64> m_cpuStart;
    QList<qint64> m_cpuEnd;
    QList<qint64> m_rssStart;
    QList<qint64> m_rssEnd;
    std::unique_ptr<HttpConnection> m_metrics;
    QElapsedTimer m_logoutClock;
    QElapsedTimer m_metricsClock;
    QElapsedTimer m_settleClock;
    qint64 m_lowestRss = 0; ///< KiB, the lowest RSS seen while settling
    qint64 m_lowestAt = 0;  ///< ms into settling when it was seen
    double m_drainSeconds = -1;
    double m_settleSeconds = 0;
    QString m_firstError;
    qsizetype m_nextLogin = 0;
    qint64 m_loggedIn = 0;
    qint64 m_loginFailed = 0;
    qint64 m_droppedAfterLogin = 0;
    qint64 m_nextId = 0;
    qint64 m_scheduled = 0;
    qint64 m_sentMeasured = 0;
    qint64 m_measureStartNs = 0;
    qint64 m_httpStart = 0;
    qint64 m_httpEnd = 0;
    qint64 m_duplicated = 0;
    qint64 m_alive = 0;
    qint64 m_closedCount = 0;
    qint64 m_serverSessions = -1;
    qsizetype m_nextLogout = 0;
    double m_logoutSeconds = 0;
    quint64 m_roundRobin = 0;
    double m_loginSeconds = 0;
    double m_measuredSeconds = 0;
    bool m_loginsDone = false;
    bool m_measuring = false;
    bool m_stopped = false;
    bool m_reported = false;
    bool m_loggingOut = false;
    bool m_idleReported = false;
};

CapacityServer *g_capacityServer = nullptr;

extern "C" void stopCapacityServer(int)
{
    if (g_capacityServer)
        g_capacityServer->stop(); // one write(2): async-signal-safe
}

/// `--mode capacity-server`: serves until SIGINT or SIGTERM, then prints what it did.
int runCapacityServer(const CapacityServer::Options &options)
{
    CapacityServer server(options);
    QString error;
    if (!server.listen(&error)) {
        std::fprintf(stderr, "capacity-server: cannot listen on %s:%u: %s\n", qPrintable(options.host),
                     unsigned(options.port), qPrintable(error));
        return 1;
    }
    g_capacityServer = &server;
    struct sigaction action
    {
    };
    action.sa_handler = stopCapacityServer;
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
    std::printf("capacity-server: a CAPACITY BENCHMARK backend, not an XMPP server: any SASL PLAIN "
                "login, any resource, messages routed between bound full JIDs, nothing else\n"
                "LISTENING\t%s\t%u\n",
                qPrintable(options.host), unsigned(server.port()));
    std::fflush(stdout);
    server.run();
    g_capacityServer = nullptr;
    const CapacityServer::Counters &c = server.counters();
    std::printf("capacity-server: %llu connections, %llu authenticated, %llu bound, %llu stanzas routed, "
                "%llu answered by the server\n",
                static_cast<unsigned long long>(c.accepted.load()),
                static_cast<unsigned long long>(c.authenticated.load()),
                static_cast<unsigned long long>(c.bound.load()),
                static_cast<unsigned long long>(c.routed.load()),
                static_cast<unsigned long long>(c.answered.load()));
    return 0;
}

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
    QCoreApplication::setApplicationVersion(QStringLiteral(SWITCHBOARD_VERSION));
    parser.setApplicationDescription(QStringLiteral(
        "Load generator for XMPP connection managers and servers, and a minimal server for capacity runs.\n"
        "\n"
        "Modes (--mode):\n"
        "  bosh             BOSH (XEP-0124/0206) at --url http://HOST:PORT/PATH\n"
        "  ws               XMPP over WebSocket (RFC 7395) at --url ws://HOST:PORT/PATH\n"
        "  rest             Switchboard's REST gateway at --url http://HOST:PORT/api/v1\n"
        "  tcp              plain XMPP (RFC 6120, no TLS) to --host and --port\n"
        "  capacity-server  a minimal XMPP server on --host/--port (0: any free port)\n"
        "\n"
        "bosh, ws, rest and tcp log --sessions sessions in (accounts PREFIX1..PREFIXN of --users, passwords\n"
        "--password-prefix + N), make each send messages to its own full JID at --rate messages/s in all\n"
        "(0: as fast as the echoes come back), measure for --duration s after --warmup s and print one\n"
        "tab-separated line \"RESULT<TAB>label=...<TAB>mode=...<TAB>msgs_per_s=...\" (logins/s, messages/s,\n"
        "round-trip percentiles, HTTP exchanges per message, lost and duplicated messages, CPU of --pids).\n"
        "With --idle they send nothing: they hold the sessions idle and the RESULT line gives the resident\n"
        "memory per session of --pids, then every session is logged out and the memory left is reported.\n"
        "Exit status: 0 on a complete run, 1 when no session logged in (with --idle also when a session\n"
        "dropped or did not log out), 2 on a bad option, 3 when messages were lost or duplicated.\n"
        "\n"
        "capacity-server prints LISTENING<TAB>host<TAB>port, serves until SIGINT or SIGTERM, then prints "
        "what\n"
        "it did. It plays an XMPP server that costs far less per stanza than a connection manager in front\n"
        "of it: SASL PLAIN with any credentials, any resource bound, <message> and <iq> routed between "
        "bound\n"
        "full JIDs, no TLS, no rosters, no presence. It is a CAPACITY BENCHMARK backend, NOT a correctness\n"
        "backend: test XMPP behaviour against a real server.\n"
        "\n"
        "docs/BENCH.md and switchboard-bench(1) describe every option; docs/BENCHMARKS.md the benchmarks."));
    parser.addHelpOption();
    parser.addVersionOption();
    const auto opt = [&](const char *name, const char *description, const char *value, const char *def) {
        QCommandLineOption o(QString::fromLatin1(name), QString::fromLatin1(description),
                             QString::fromLatin1(value), QString::fromLatin1(def));
        parser.addOption(o);
        return o;
    };
    const auto mode =
        opt("mode",
            "bosh, ws (RFC 7395), rest (Switchboard's REST gateway) or tcp; or capacity-server (a minimal "
            "server for capacity benchmarks only, see above)",
            "mode", "bosh");
    const auto url = opt("url",
                         "BOSH, WebSocket or REST base URL, e.g. http://127.0.0.1:5280/http-bind/, "
                         "ws://127.0.0.1:5280/xmpp-websocket, http://127.0.0.1:5280/api/v1",
                         "url", "");
    const auto host =
        opt("host", "XMPP server host (mode tcp); listen address (capacity-server)", "host", "127.0.0.1");
    const auto port =
        opt("port", "XMPP server c2s port (mode tcp); listen port (capacity-server)", "port", "5222");
    const auto maxStanza = opt(
        "max-stanza", "capacity-server: bytes of one stanza before the stream is closed", "bytes", "1048576");
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
    const auto logoutConcurrency = opt(
        "logout-concurrency", "--idle: logouts in progress at once (each may open a connection)", "n", "200");
    const auto pids =
        opt("pids", "comma-separated PIDs whose CPU time to report (self: this process)", "pid,pid", "");
    const auto label = opt("label", "name of this run in the RESULT line", "text", "");
    const auto boshClient =
        opt("bosh-client",
            "mode bosh: strophe (like strophe.js / Converse.js: one long poll held, a new "
            "request for each stanza, an empty poll only when none is out) or pipelined "
            "(the original client)",
            "client", "strophe");
    const auto stropheIdle = opt("strophe-idle-ms",
                                 "--bosh-client strophe: 0 sends at once (as after strophe.js flush()); 100 "
                                 "keeps strophe.js's idle timer, which delays each send by up to 100 ms",
                                 "ms", "0");
    const auto metricsUrl =
        opt("metrics-url",
            "--idle: after logging every session out, wait until the switchboard_sessions "
            "gauges at this URL (Switchboard's /metrics) read 0 before reading memory",
            "url", "");
    const auto loginTimeout =
        opt("login-timeout", "give up on the logins still out when none has ended for this long", "s", "60");
    const auto logoutTimeout =
        opt("logout-timeout", "--idle: deadline for the logout and for the sessions to drain", "s", "120");
    const auto settleTimeout = opt("settle-timeout",
                                   "--idle: after the drain, the longest wait for the memory to stop falling "
                                   "(it settles once it has not dropped by 1 % for 10 s)",
                                   "s", "45");
    const QCommandLineOption idle(
        QStringLiteral("idle"),
        QStringLiteral("no messages: hold the sessions idle for --duration s after "
                       "--warmup s and report resident memory per session of --pids (rest: the client "
                       "keeps no connection once logged in); then log every session out and report the "
                       "memory of --pids against before the first login"));
    parser.addOption(idle);
    parser.process(app);

    Options o;
    o.mode = parser.value(mode);
    if (o.mode == QLatin1String("capacity-server")) {
        CapacityServer::Options server;
        server.host = parser.value(host);
        server.port = quint16(parser.value(port).toUInt());
        server.maxStanza = std::max<qsizetype>(4096, parser.value(maxStanza).toLongLong());
        return runCapacityServer(server);
    }
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
        std::fprintf(stderr, "--mode must be bosh, ws, rest, tcp or capacity-server\n");
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
    o.logoutConcurrency = std::max(1, parser.value(logoutConcurrency).toInt());
    o.label = parser.value(label).isEmpty() ? o.mode : parser.value(label);
    o.idle = parser.isSet(idle);
    o.boshClient = parser.value(boshClient);
    if (o.boshClient != QLatin1String("strophe") && o.boshClient != QLatin1String("pipelined")) {
        std::fprintf(stderr, "--bosh-client must be strophe or pipelined\n");
        return 2;
    }
    o.stropheIdleMs = std::max(0, parser.value(stropheIdle).toInt());
    if (!parser.value(metricsUrl).isEmpty()) {
        o.metricsUrl = QUrl(parser.value(metricsUrl));
        if (!o.metricsUrl.isValid() || o.metricsUrl.scheme() != QLatin1String("http") ||
            o.metricsUrl.host().isEmpty()) {
            std::fprintf(stderr, "--metrics-url needs http://host:port/metrics\n");
            return 2;
        }
    }
    o.logoutTimeout = std::max(1.0, parser.value(logoutTimeout).toDouble());
    o.settleTimeout = std::max(0.0, parser.value(settleTimeout).toDouble());
    o.loginTimeout = std::max(1.0, parser.value(loginTimeout).toDouble());
    for (const QString &p : parser.value(pids).split(QLatin1Char(','), Qt::SkipEmptyParts))
        o.pids.append(p.trimmed() == QLatin1String("self") ? qint64(::getpid()) : p.trimmed().toLongLong());

    QTextStream(stdout) << "switchboard-bench: mode " << o.mode
                        << (o.mode == QLatin1String("bosh") ? QStringLiteral(" (%1 client)").arg(o.boshClient)
                                                            : QString())
                        << ", " << o.host << ':' << o.port << QString::fromLatin1(o.path) << ", "
                        << o.sessions << " sessions, rate "
                        << (o.rate > 0 ? QString::number(o.rate) : QStringLiteral("saturated")) << ", "
                        << o.duration << " s\n";
    Bench bench(o);
    bench.start();
    return app.exec();
}

#include "main.moc"
