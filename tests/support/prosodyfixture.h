// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/config.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>

class QProcess;
class QTemporaryDir;

namespace Switchboard::Test {

/// A throwaway Prosody (Debian's 0.12) for integration tests: loopback only, its own temporary
/// directory (config, data, pid, log), free ports picked at start, no TLS, PLAIN auth, no rate limits,
/// Nagle off (DESIGN.md "Running Prosody in tests"). Accounts are written as data files before start.
/// Stopped (by its PID) in stop() and in the destructor. Not thread-safe; use from the test thread.
///
///     ProsodyFixture prosody;
///     QVERIFY2(prosody.start(), qPrintable(prosody.log()));
///     Config config = prosody.backendConfig(); // route localhost -> 127.0.0.1:c2sPort, no TLS allowed
class ProsodyFixture
{
public:
    struct Options
    {
        bool http = true;          ///< serve Prosody's own BOSH (/http-bind) and WebSocket (/xmpp-websocket)
        QByteArray extraGlobalLua; ///< appended to the global section of prosody.cfg.lua
        int startTimeoutMs = 15000;
        bool smacks = false; ///< mod_smacks: stream management, XEP-0198 (resumption kept 600 s)
        /// mod_mam: the message archive, XEP-0313 (storage "internal", every message archived:
        /// default_archive_policy = true); messages to an account with no resource online are archived
        /// instead of bounced (mod_offline stays off)
        bool mam = false;
        /// authentication = "internal_hashed": SCRAM-SHA-1 with a salt that stays the same from one
        /// log-in to the next (internal_plain makes a new salt every time). Accounts are written with
        /// their password; Prosody hashes it at the first log-in.
        bool hashedPasswords = false;
        /// mod_offline: messages to an account with no resource online are stored and delivered at its
        /// next initial presence (unless that session queried the archive first)
        bool offline = false;
        /// TLS: the virtual host's certificate and key (PEM files, copied into the server's directory).
        /// With them, STARTTLS is offered on the c2s port (and required: c2s_require_encryption).
        QString tlsCertificate = {};
        QString tlsKey = {};
        /// c2s_direct_tls_ports: a second c2s port that speaks TLS from the first byte (XEP-0368);
        /// needs tlsCertificate and tlsKey
        bool directTls = false;
    };

    ProsodyFixture();
    ~ProsodyFixture();
    ProsodyFixture(const ProsodyFixture &) = delete;
    ProsodyFixture &operator=(const ProsodyFixture &) = delete;

    /// Writes the config and accounts and starts Prosody; returns once the c2s (and http) port accepts
    /// connections. On failure returns false; log() then holds Prosody's output.
    bool start(const QStringList &accounts = {QStringLiteral("alice"), QStringLiteral("bob")});
    bool start(const QStringList &accounts, const Options &options);
    /// Stops Prosody (SIGTERM, then SIGKILL after 5 s). Safe to call twice.
    void stop();
    /// Stops and starts again with the same ports, accounts and data.
    bool restart();
    /// Starts again after stop(), with the same ports, accounts and data (what restart() does in two
    /// steps, so a test can act while the server is down).
    bool startAgain();
    bool isRunning() const;

    quint16 c2sPort() const { return m_c2sPort; }
    quint16 httpPort() const { return m_httpPort; }
    quint16 directTlsPort() const { return m_directTlsPort; } ///< 0 without Options::directTls
    QString domain() const { return QStringLiteral("localhost"); }
    QString host() const { return QStringLiteral("127.0.0.1"); }
    /// The password written for an account (the same for every fixture: "pw-" + user).
    QString password(const QString &user) const { return u"pw-" + user; }
    /// Adds an account while running or before start (a data file; Prosody reads it at login).
    bool addAccount(const QString &user);
    /// Gives `user` a new password (the data file; with hashedPasswords Prosody hashes it with a new
    /// salt at the next log-in, as after a password change). Best while stopped.
    bool setPassword(const QString &user, const QString &password);
    /// Prosody's log file and stdout/stderr so far (for failure messages).
    QString log() const;
    QString directory() const;
    /// A Switchboard config that reaches this Prosody: route domain() -> 127.0.0.1:c2sPort(), TLS not
    /// required for domain() (Prosody runs without TLS here), a 10 s connect timeout, and
    /// testWorkers() workers, accepting connections as testWorkerAccept() says.
    Config backendConfig() const;
    /// The `workers` the suite runs with: SWITCHBOARD_TEST_WORKERS (the `*_workers2` runs in
    /// tests/CMakeLists.txt), else 1.
    static int testWorkers();
    /// The `worker_accept` the suite runs with: SWITCHBOARD_TEST_WORKER_ACCEPT (the `*_acceptor` runs
    /// in tests/CMakeLists.txt), else the default.
    static QString testWorkerAccept();

private:
    bool launch();
    bool waitForPorts();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_process;
    QStringList m_accounts;
    Options m_options;
    quint16 m_c2sPort = 0;
    quint16 m_httpPort = 0;
    quint16 m_directTlsPort = 0;
};

} // namespace Switchboard::Test

namespace Switchboard {
// Tests say `using namespace Switchboard;`: make the fixture visible there too.
using Test::ProsodyFixture;
} // namespace Switchboard
