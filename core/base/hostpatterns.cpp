// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/hostpatterns.h"

#include "base/addressranges.h"

#include <QCoreApplication>
#include <QHostAddress>

namespace Switchboard {

namespace {

/// '*' matches any run of characters; everything else itself.
bool globMatch(QStringView pattern, QStringView text)
{
    qsizetype p = 0;
    qsizetype t = 0;
    qsizetype star = -1;
    qsizetype resume = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == u'*') {
            star = p++;
            resume = t;
        } else if (p < pattern.size() && pattern[p] == text[t]) {
            ++p;
            ++t;
        } else if (star >= 0) {
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == u'*')
        ++p;
    return p == pattern.size();
}

bool validHostChars(const QString &host)
{
    if (host.isEmpty() || host.size() > 253)
        return false;
    for (const QChar c : host) {
        if (!(c.isLetterOrNumber() || c == u'-' || c == u'.' || c == u'*' || c == u'_'))
            return false;
    }
    return true;
}

} // namespace

bool HostPatterns::parse(const QString &text, Pattern *out)
{
    QString host = text.trimmed().toLower();
    int port = -1;
    if (host.startsWith(u'[')) {
        // "[v6]" or "[v6]:port"
        const qsizetype close = host.indexOf(u']');
        if (close < 0)
            return false;
        const QString rest = host.mid(close + 1);
        host = host.mid(1, close - 1);
        if (!rest.isEmpty()) {
            if (!rest.startsWith(u':'))
                return false;
            const auto parsed = parsePort(rest.mid(1).toLatin1());
            if (!parsed || *parsed == 0)
                return false;
            port = *parsed;
        }
        if (!parseIpv6(host.toLatin1()))
            return false;
    } else if (host.count(u':') == 1) {
        const qsizetype colon = host.indexOf(u':');
        const auto parsed = parsePort(host.mid(colon + 1).toLatin1());
        if (!parsed || *parsed == 0)
            return false;
        port = *parsed;
        host = host.left(colon);
        if (!validHostChars(host))
            return false;
    } else if (host.contains(u':')) {
        if (!parseIpv6(host.toLatin1())) // a bare IPv6 address, any port
            return false;
    } else if (!validHostChars(host)) {
        return false;
    }
    if (out) {
        // Addresses compare in their canonical text form ("::ffff:10.0.0.1" is "10.0.0.1").
        QHostAddress address;
        if (!host.contains(u'*') && address.setAddress(host))
            host = canonicalAddress(address).toString();
        *out = Pattern{host, port};
    }
    return true;
}

bool HostPatterns::check(const QString &pattern, QString *reason)
{
    if (parse(pattern, nullptr))
        return true;
    if (reason)
        *reason =
            QCoreApplication::translate("Switchboard::Config", "'%1' is not a host or host:port pattern")
                .arg(pattern);
    return false;
}

bool HostPatterns::setPatterns(const QStringList &patterns, QString *bad)
{
    QList<Pattern> parsed;
    for (const QString &text : patterns) {
        Pattern pattern;
        if (!parse(text, &pattern)) {
            if (bad)
                *bad = text;
            return false;
        }
        parsed.append(pattern);
    }
    m_patterns = std::move(parsed);
    return true;
}

bool HostPatterns::matches(const QString &host, quint16 port) const
{
    QString name = host.toLower();
    if (name.startsWith(u'[') && name.endsWith(u']'))
        name = name.mid(1, name.size() - 2);
    if (name.endsWith(u'.'))
        name.chop(1); // "example.com." is "example.com"
    QHostAddress address;
    if (address.setAddress(name))
        name = canonicalAddress(address).toString();
    for (const Pattern &pattern : m_patterns) {
        if ((pattern.port < 0 || pattern.port == port) && globMatch(pattern.host, name))
            return true;
    }
    return false;
}

} // namespace Switchboard
