// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>

class QProcess;
class QTemporaryDir;

/// A throwaway HAProxy (Debian's `haproxy` package) on loopback for integration tests: writes the given
/// configuration to a temporary folder, runs `haproxy -db -f FILE` in the foreground, waits until every
/// frontend port accepts, and stops it by its process on stop() or destruction.
///
///     HaproxyFixture haproxy;
///     const quint16 front = haproxy.reservePort();
///     QVERIFY2(haproxy.start(config, {front}), qPrintable(haproxy.log()));
///
/// start() fails (never skips) when the binary is missing: scripts/install-deps.sh installs it.
class HaproxyFixture
{
public:
    HaproxyFixture();
    ~HaproxyFixture();

    /// A free loopback port below the kernel's ephemeral range (so no outgoing connection of a test
    /// running alongside takes it before HAProxy binds it), for a `bind 127.0.0.1:PORT` line.
    quint16 reservePort();
    /// Starts HAProxy with `config` (which must have a `global` section: the fixture adds its runtime
    /// API socket there); true once each of `frontPorts` accepts connections.
    bool start(const QByteArray &config, const QList<quint16> &frontPorts);
    /// One command on HAProxy's runtime API (e.g. "show stat"), and its whole answer.
    QByteArray command(const QByteArray &command);
    /// The health-check status of `backend`/`server` from "show stat" (e.g. "L7OK", "L4CON"), empty if
    /// HAProxy has none.
    QString checkStatus(const QString &backend, const QString &server);
    void stop();
    bool isRunning() const;
    /// The configuration check's and HAProxy's output so far (for failure messages).
    QString log() const;

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_process;
    QString m_socketPath;
    QString m_log;
};
