// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>

class QProcess;
class QTemporaryDir;

namespace Switchboard::Test {

/// A throwaway ejabberd (Debian's 23.01) for integration tests: one virtual host, one c2s listener on a
/// free loopback port with `use_proxy_protocol: true` (every connection starts with a PROXY protocol
/// header, v1 or v2), plain text (no STARTTLS offered), PLAIN auth, mod_admin_extra for the session
/// commands. Everything lives in its own temporary directory: config, Mnesia spool, logs, crash dump.
///
/// Debian's ejabberdctl cannot do this: it runs only as root or the `ejabberd` user, and as root it
/// switches to that user (`su ejabberd`), who cannot enter a private temporary directory; it also
/// starts the shared epmd daemon. So the fixture runs `erl` itself with what ejabberdctl would pass:
/// - the server: `erl -sname NODE@localhost -setcookie COOKIE -erl_epmd_port DIST -start_epmd false
///   -noinput -mnesia dir '"SPOOL"' -s ejabberd` with EJABBERD_CONFIG_PATH (the generated ejabberd.yml),
///   EJABBERD_LOG_PATH, ERL_CRASH_DUMP (all in the directory), HOME (the directory: no ~/.erlang.cookie
///   is read or written) and ERL_LIBS (the folder holding ejabberd-23.01-*/, as ejabberdctl sets it);
/// - each command (ejabberdctl's `ctl`): `erl -sname CTL@localhost -setcookie COOKIE -erl_epmd_port DIST
///   -start_epmd false -dist_listen false -hidden -noinput -s ejabberd_ctl -extra NODE COMMAND ARGS...`.
/// `-erl_epmd_port` with `-start_epmd false` (OTP 23.1 and later) puts the node's distribution on a
/// fixed free port instead of registering with epmd, so no daemon outlives the test; the random cookie
/// and node name keep concurrent fixtures apart.
///
/// Stopped (SIGTERM to the PID started, then SIGKILL) in stop() and in the destructor. Every wait has a
/// deadline. Not thread-safe; use from the test thread.
class EjabberdFixture
{
public:
    EjabberdFixture();
    ~EjabberdFixture();
    EjabberdFixture(const EjabberdFixture &) = delete;
    EjabberdFixture &operator=(const EjabberdFixture &) = delete;

    /// Whether erl and the ejabberd application are installed (scripts/install-deps.sh).
    static bool isInstalled();

    /// Writes the config and starts ejabberd; returns once the c2s port accepts connections and the
    /// node answers commands (within `timeoutMs`). False otherwise; log() then says why.
    bool start(int timeoutMs = 90000);
    void stop();
    bool isRunning() const;

    /// `ejabberdctl COMMAND ARGS...` against this node: its output (stdout and stderr). *ok is false when
    /// the command fails, or does not finish within `timeoutMs` (then it is killed and the output empty).
    QString ctl(const QStringList &arguments, bool *ok = nullptr, int timeoutMs = 30000);
    /// `ejabberdctl register USER DOMAIN PASSWORD`.
    bool registerUser(const QString &user, const QString &password);

    QString domain() const { return QStringLiteral("ej.test"); }
    quint16 c2sPort() const { return m_c2sPort; }
    /// The server's output and log file so far (for failure messages).
    QString log() const;

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_process;
    QString m_node;
    QString m_cookie;
    QString m_erlLibs;
    quint16 m_c2sPort = 0;
    quint16 m_distPort = 0;
};

} // namespace Switchboard::Test

namespace Switchboard {
using Test::EjabberdFixture;
} // namespace Switchboard
