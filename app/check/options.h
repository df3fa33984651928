// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <utility>

class QCoreApplication;

namespace Switchboard::Check {

/// What one run checks, from the command line (`switchboard-check --help`).
struct Options
{
    QUrl bosh;      ///< BOSH endpoint (http:// or https://); empty: BOSH rules skipped
    QUrl ws;        ///< WebSocket endpoint (ws:// or wss://); empty: skipped
    QString domain; ///< the XMPP domain (`to`)
    QList<std::pair<QString, QString>> users; ///< user (local part or bare JID) and password
    bool hostile = false;                     ///< run the hostile-input group
    QString jsonFile;                         ///< "-": standard output
    QString junitFile;                        ///< "-": standard output
    int timeoutS = 10;                        ///< bound on any single wait
    int slowLimitS = 60;                      ///< longest a slow request may be kept before it must be cut
    QByteArray origin;                        ///< an Origin the endpoint accepts; enables the Origin rules

    /// The BOSH `wait` the checker asks for: short, so every held request comes back within the bound.
    int boshWait() const { return qBound(1, timeoutS / 2, 60); }
    /// The longest any one HTTP exchange may take: a held request plus the bound.
    int httpBoundMs() const { return (boshWait() + timeoutS) * 1000; }
    int boundMs() const { return timeoutS * 1000; }
};

/// Fills `options` from the application's arguments; on a usage error returns false with `error` set.
/// --help and --version exit inside.
bool parseOptions(const QCoreApplication &app, Options &options, QString &error);

} // namespace Switchboard::Check
