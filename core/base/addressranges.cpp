// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/addressranges.h"

namespace Switchboard {

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isHexDigit(char c)
{
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

} // namespace

std::optional<QPair<QHostAddress, int>> AddressRanges::parseEntry(const QString &text)
{
    const QString entry = text.trimmed();
    if (entry.isEmpty() || entry.contains(QLatin1Char('%')))
        return std::nullopt;
    const QPair<QHostAddress, int> range = QHostAddress::parseSubnet(entry);
    if (range.first.isNull() || range.second < 0)
        return std::nullopt;
    // An IPv4-mapped entry matches the IPv4 peers it stands for (contains() compares those as IPv4).
    bool isV4 = false;
    const quint32 v4 = range.first.toIPv4Address(&isV4);
    if (isV4 && range.first.protocol() == QAbstractSocket::IPv6Protocol && range.second >= 96)
        return qMakePair(QHostAddress(v4), range.second - 96);
    return range;
}

bool AddressRanges::setEntries(const QStringList &entries, QString *bad)
{
    QList<QPair<QHostAddress, int>> ranges;
    for (const QString &entry : entries) {
        const auto range = parseEntry(entry);
        if (!range) {
            if (bad)
                *bad = entry;
            return false;
        }
        ranges.append(*range);
    }
    m_ranges = std::move(ranges);
    return true;
}

bool AddressRanges::contains(const QHostAddress &address) const
{
    if (address.isNull() || m_ranges.isEmpty())
        return false; // no canonical copy (an allocation) for every request when nothing is trusted
    const QHostAddress canonical = canonicalAddress(address);
    for (const auto &range : m_ranges) {
        if (canonical.isInSubnet(range))
            return true;
    }
    return false;
}

QHostAddress canonicalAddress(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4)
        return QHostAddress(v4);
    if (address.protocol() == QAbstractSocket::IPv6Protocol && !address.scopeId().isEmpty()) {
        QHostAddress unscoped = address;
        unscoped.setScopeId(QString());
        return unscoped;
    }
    return address;
}

std::optional<QHostAddress> parseIpv4(QByteArrayView text)
{
    quint32 value = 0;
    int parts = 0;
    qsizetype i = 0;
    while (parts < 4) {
        const qsizetype start = i;
        quint32 part = 0;
        while (i < text.size() && isDigit(text[i]) && i - start < 3)
            part = part * 10 + quint32(text[i++] - '0');
        const qsizetype digits = i - start;
        if (digits == 0 || part > 255 || (digits > 1 && text[start] == '0'))
            return std::nullopt;
        value = (value << 8) | part;
        ++parts;
        if (parts < 4) {
            if (i >= text.size() || text[i] != '.')
                return std::nullopt;
            ++i;
        }
    }
    if (i != text.size())
        return std::nullopt;
    return QHostAddress(value);
}

std::optional<QHostAddress> parseIpv6(QByteArrayView text)
{
    if (text.size() < 2 || text.size() > 45 || !text.contains(':'))
        return std::nullopt;
    for (const char c : text) {
        if (!isHexDigit(c) && c != ':' && c != '.')
            return std::nullopt;
    }
    QHostAddress address;
    if (!address.setAddress(QString::fromLatin1(text.data(), text.size())) ||
        address.protocol() != QAbstractSocket::IPv6Protocol)
        return std::nullopt;
    return address;
}

std::optional<quint16> parsePort(QByteArrayView text)
{
    if (text.isEmpty() || text.size() > 5 || (text.size() > 1 && text[0] == '0'))
        return std::nullopt;
    quint32 value = 0;
    for (const char c : text) {
        if (!isDigit(c))
            return std::nullopt;
        value = value * 10 + quint32(c - '0');
    }
    if (value > 65535)
        return std::nullopt;
    return quint16(value);
}

} // namespace Switchboard
