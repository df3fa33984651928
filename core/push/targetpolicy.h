// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/config.h"
#include "base/hostpatterns.h"

#include <QHostAddress>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace Switchboard::Push {

/// Where Switchboard may send a push. A push target is a URL chosen by a client, so without rules a
/// client could make Switchboard send requests into the operator's own network (request forgery). The
/// rules: `https` only; the address connected to must be a public unicast address, not loopback,
/// private, link-local, shared (CGNAT), multicast, unspecified, documentation or any other
/// special-purpose address (RFC 6890 and the IANA special-purpose registries), with IPv4-mapped IPv6
/// judged as the IPv4 address it carries; unless the host is named in `push_allowed_hosts`.
///
/// The check runs on every resolved address and again on the peer address of the connected socket
/// (see HttpsPushTransport). A value type, read-only after setup, safe to share across threads.
class TargetPolicy
{
public:
    TargetPolicy() = default;

    /// The policy of a config: its push_allowed_hosts (already checked by the config loader).
    static TargetPolicy fromConfig(const Config &config);

    /// One `push_allowed_hosts` pattern (see HostPatterns); false with a reason for a bad one.
    static bool checkPattern(const QString &pattern, QString *reason = nullptr);
    /// Replaces the allowed-host patterns; false (nothing changed) with the bad one in `bad`.
    bool setAllowedHosts(const QStringList &patterns, QString *bad = nullptr);

    /// Does a pattern name `host` (a name or an address, compared case-insensitively) with `port`?
    bool isAllowedHost(const QString &host, quint16 port) const;
    /// RFC 6890 and the IANA IPv4/IPv6 special-purpose address registries (including RFC 6598 shared
    /// space, RFC 5737 and RFC 3849/9637 documentation, RFC 4193 unique local, multicast, and everything
    /// outside 2000::/3 in IPv6). IPv4-mapped IPv6 is judged as IPv4.
    static bool isSpecialPurpose(const QHostAddress &address);

    /// A URL a client may name as a target: absolute https with a host and no user info. Does not
    /// resolve anything; sets `reason` when refused.
    bool checkUrl(const QUrl &url, QString *reason = nullptr) const;
    /// May Switchboard connect to `address` for the URL host `host` and `port`? Yes for a public address,
    /// or when the host name or the address itself is allowed by a pattern.
    bool allowsAddress(const QString &host, quint16 port, const QHostAddress &address) const;

private:
    HostPatterns m_allowed;
};

} // namespace Switchboard::Push
