// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArrayView>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <optional>

namespace Switchboard {

/// A set of IPv4 and IPv6 addresses and networks ("192.0.2.7", "10.0.0.0/8", "2001:db8::/32"), e.g.
/// the proxies whose forwarding information is believed (`trusted_proxies`). A value type; matching is
/// QHostAddress::isInSubnet(), with IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, as a dual-stack
/// listener reports IPv4 peers) matched as the IPv4 address they carry.
class AddressRanges
{
public:
    AddressRanges() = default;

    /// One entry: an address (a /32 or /128 network) or a network in CIDR notation. Returns nullopt for
    /// anything else, including scoped IPv6 addresses ("fe80::1%eth0").
    static std::optional<QPair<QHostAddress, int>> parseEntry(const QString &text);
    /// Every entry of `entries` (see parseEntry()); false, with the offending entry in `bad`, if one
    /// does not parse (the set is then left unchanged).
    bool setEntries(const QStringList &entries, QString *bad = nullptr);

    bool isEmpty() const { return m_ranges.isEmpty(); }
    bool contains(const QHostAddress &address) const;

private:
    QList<QPair<QHostAddress, int>> m_ranges;
};

/// ::ffff:a.b.c.d becomes a.b.c.d; every other address is returned unchanged (scope ids removed).
QHostAddress canonicalAddress(const QHostAddress &address);

/// Strict textual IPv4: exactly four decimal numbers 0..255 separated by single dots, no leading zeros
/// (QHostAddress also takes "1.2.3" and "01.2.3.4", which a peer could use to disguise an address).
std::optional<QHostAddress> parseIpv4(QByteArrayView text);
/// Strict textual IPv6: hexadecimal groups and colons (an embedded IPv4 tail allowed), no brackets,
/// no scope id.
std::optional<QHostAddress> parseIpv6(QByteArrayView text);
/// A port: 1 to 5 decimal digits, no leading zero (except "0" itself), at most 65535.
std::optional<quint16> parsePort(QByteArrayView text);

} // namespace Switchboard
