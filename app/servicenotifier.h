// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

namespace Switchboard::App {

/// systemd's service readiness protocol (sd_notify(3), "Type=notify" in deploy/switchboard.service)
/// without libsystemd: each state change is one datagram of newline-separated KEY=VALUE lines
/// ("READY=1", "STOPPING=1", "STATUS=…") sent to the AF_UNIX socket that $NOTIFY_SOCKET names: a file
/// system path, or, starting with '@', a name in the abstract namespace. Without the variable (not
/// started by systemd) nothing is sent and that is no error. Stateless and blocking-free (one
/// non-blocking sendto); call from any thread.
class ServiceNotifier
{
public:
    /// Sends `state` to $NOTIFY_SOCKET. True when sent or when there is nowhere to send it; false with
    /// `error` set when the socket is named but the datagram could not be sent.
    static bool notify(const QByteArray &state, QString *error = nullptr);
    /// Sends `state` to the socket `address` (in $NOTIFY_SOCKET's syntax). False with `error` set when
    /// the address is malformed or too long, or sending failed.
    static bool notifyTo(const QByteArray &address, const QByteArray &state, QString *error = nullptr);
};

} // namespace Switchboard::App
