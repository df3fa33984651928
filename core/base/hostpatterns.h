// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace Switchboard {

/// A list of host patterns such as `push_allowed_hosts`: "host" (any port) or "host:port", where the
/// host may hold '*' (any run of characters, "*.example.com") or be an IP address ("10.0.0.5",
/// "fd00::1", "[fd00::1]:8443"). Names compare case-insensitively and without a final dot; addresses in
/// canonical form (IPv4-mapped IPv6 as IPv4). A value type.
class HostPatterns
{
public:
    /// Is `pattern` well formed? Sets `reason` if not.
    static bool check(const QString &pattern, QString *reason = nullptr);
    /// Replaces the patterns; false (nothing changed) with the bad one in `bad`.
    bool setPatterns(const QStringList &patterns, QString *bad = nullptr);
    bool isEmpty() const { return m_patterns.isEmpty(); }
    /// Does a pattern name `host` (a name or an address, brackets allowed) on `port`?
    bool matches(const QString &host, quint16 port) const;

private:
    struct Pattern
    {
        QString host;  ///< lower case, brackets removed, may hold '*'
        int port = -1; ///< -1: any
    };
    static bool parse(const QString &text, Pattern *out);
    QList<Pattern> m_patterns;
};

} // namespace Switchboard
