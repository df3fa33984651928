// SPDX-License-Identifier: GPL-3.0-or-later
#include "push/targetpolicy.h"

#include "base/addressranges.h"
#include "base/hostpatterns.h"

#include <QCoreApplication>

namespace Switchboard::Push {

namespace {

QList<QPair<QHostAddress, int>> parseAll(std::initializer_list<const char *> entries)
{
    QList<QPair<QHostAddress, int>> result;
    for (const char *entry : entries)
        result.append(QHostAddress::parseSubnet(QString::fromLatin1(entry)));
    return result;
}

} // namespace

TargetPolicy TargetPolicy::fromConfig(const Config &config)
{
    TargetPolicy policy;
    policy.setAllowedHosts(config.pushAllowedHosts);
    return policy;
}

bool TargetPolicy::checkPattern(const QString &pattern, QString *reason)
{
    return HostPatterns::check(pattern, reason);
}

bool TargetPolicy::setAllowedHosts(const QStringList &patterns, QString *bad)
{
    return m_allowed.setPatterns(patterns, bad);
}

bool TargetPolicy::isAllowedHost(const QString &host, quint16 port) const
{
    return m_allowed.matches(host, port);
}

bool TargetPolicy::isSpecialPurpose(const QHostAddress &input)
{
    // The IANA IPv4 Special-Purpose Address Registry (RFC 6890 §2.2.2 and its updates), plus multicast
    // (RFC 5771) and the reserved 240/4 with the limited broadcast address.
    static const auto v4 = parseAll({
        "0.0.0.0/8",       // "this network" (RFC 791), includes the unspecified address
        "10.0.0.0/8",      // private (RFC 1918)
        "100.64.0.0/10",   // shared address space, CGNAT (RFC 6598)
        "127.0.0.0/8",     // loopback (RFC 1122)
        "169.254.0.0/16",  // link-local (RFC 3927)
        "172.16.0.0/12",   // private (RFC 1918)
        "192.0.0.0/24",    // IETF protocol assignments (RFC 6890)
        "192.0.2.0/24",    // documentation TEST-NET-1 (RFC 5737)
        "192.31.196.0/24", // AS112-v4 (RFC 7535)
        "192.52.193.0/24", // AMT (RFC 7450)
        "192.88.99.0/24",  // deprecated 6to4 relay anycast (RFC 7526)
        "192.168.0.0/16",  // private (RFC 1918)
        "192.175.48.0/24", // direct delegation AS112 (RFC 7534)
        "198.18.0.0/15",   // benchmarking (RFC 2544)
        "198.51.100.0/24", // documentation TEST-NET-2 (RFC 5737)
        "203.0.113.0/24",  // documentation TEST-NET-3 (RFC 5737)
        "224.0.0.0/4",     // multicast (RFC 5771)
        "240.0.0.0/4",     // reserved (RFC 1112), includes 255.255.255.255 (RFC 919)
    });
    // IPv6: only global unicast (2000::/3, RFC 4291 §2.4) can be a public target, which already leaves
    // out ::/128, ::1, IPv4-compatible and NAT64 prefixes, 100::/64 discard, fc00::/7 unique local,
    // fe80::/10 link-local, fec0::/10 and ff00::/8 multicast. Inside it, the registry's special blocks:
    static const QPair<QHostAddress, int> globalUnicast =
        QHostAddress::parseSubnet(QStringLiteral("2000::/3"));
    static const auto v6 = parseAll({
        "2001::/23",     // IETF protocol assignments: Teredo, ORCHID, benchmarking... (RFC 2928, 6890)
        "2001:db8::/32", // documentation (RFC 3849)
        "2002::/16",     // 6to4, which carries an IPv4 address of any kind (RFC 3056, RFC 7526)
        "3fff::/20",     // documentation (RFC 9637)
    });
    if (input.isNull())
        return true;
    const QHostAddress address = canonicalAddress(input); // ::ffff:a.b.c.d is judged as a.b.c.d
    if (address.protocol() == QAbstractSocket::IPv4Protocol) {
        for (const auto &range : v4) {
            if (address.isInSubnet(range))
                return true;
        }
        return false;
    }
    if (address.protocol() != QAbstractSocket::IPv6Protocol || !address.isInSubnet(globalUnicast))
        return true;
    for (const auto &range : v6) {
        if (address.isInSubnet(range))
            return true;
    }
    return false;
}

bool TargetPolicy::checkUrl(const QUrl &url, QString *reason) const
{
    const auto fail = [reason](const QString &why) {
        if (reason)
            *reason = why;
        return false;
    };
    if (!url.isValid() || url.isRelative())
        return fail(QCoreApplication::translate("Switchboard::Push", "not an absolute URL"));
    if (url.scheme().toLower() != QLatin1String("https"))
        return fail(QCoreApplication::translate("Switchboard::Push", "only https URLs are allowed"));
    if (url.host().isEmpty())
        return fail(QCoreApplication::translate("Switchboard::Push", "the URL has no host"));
    if (!url.userInfo().isEmpty())
        return fail(QCoreApplication::translate("Switchboard::Push", "the URL must not carry user info"));
    if (url.port() == 0)
        return fail(QCoreApplication::translate("Switchboard::Push", "port 0 is not a port"));
    // A literal address can be judged now; a name is judged once resolved.
    QHostAddress literal;
    if (literal.setAddress(url.host()) && !allowsAddress(url.host(), quint16(url.port(443)), literal))
        return fail(QCoreApplication::translate("Switchboard::Push", "the address %1 is not a public address")
                        .arg(url.host()));
    return true;
}

bool TargetPolicy::allowsAddress(const QString &host, quint16 port, const QHostAddress &address) const
{
    if (!isSpecialPurpose(address))
        return true;
    return isAllowedHost(host, port) || isAllowedHost(canonicalAddress(address).toString(), port);
}

} // namespace Switchboard::Push
