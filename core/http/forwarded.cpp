// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/forwarded.h"

#include "base/addressranges.h"

#include <QList>

#include <optional>

namespace Switchboard::Http {

namespace {

/// One hop as a forwarding header names it.
struct Node
{
    enum class Kind { Address, Unnamed, Malformed };
    Kind kind = Kind::Malformed;
    QHostAddress address;
    quint16 port = 0;
};

Node malformed()
{
    return {};
}

Node unnamed()
{
    Node node;
    node.kind = Node::Kind::Unnamed;
    return node;
}

Node addressNode(const QHostAddress &address, quint16 port)
{
    Node node;
    node.kind = Node::Kind::Address;
    node.address = address;
    node.port = port;
    return node;
}

bool isAlnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/// RFC 7239 §6.3: obfnode = "_" 1*( ALPHA / DIGIT / "." / "_" / "-" ); obfport likewise.
bool isObfuscated(QByteArrayView text)
{
    if (text.size() < 2 || text[0] != '_')
        return false;
    for (const char c : text.sliced(1)) {
        if (!isAlnum(c) && c != '.' && c != '_' && c != '-')
            return false;
    }
    return true;
}

/// "[IPv6]" or "[IPv6]:port" (or IPv4 forms): the host and the port text, nullopt when not of that shape.
struct HostPort
{
    QByteArrayView host;
    QByteArrayView port; ///< empty: none given
    bool bracketed = false;
    bool hasPort = false;
};

std::optional<HostPort> splitHostPort(QByteArrayView text)
{
    HostPort result;
    if (text.startsWith('[')) {
        const qsizetype close = text.indexOf(']');
        if (close < 0)
            return std::nullopt;
        result.host = text.sliced(1, close - 1);
        result.bracketed = true;
        const QByteArrayView rest = text.sliced(close + 1);
        if (!rest.isEmpty()) {
            if (rest[0] != ':')
                return std::nullopt;
            result.port = rest.sliced(1);
            result.hasPort = true;
        }
        return result;
    }
    const qsizetype colon = text.indexOf(':');
    if (colon >= 0 && text.indexOf(':', colon + 1) < 0) {
        result.host = text.first(colon);
        result.port = text.sliced(colon + 1);
        result.hasPort = true;
    } else {
        result.host = text;
    }
    return result;
}

/// One X-Forwarded-For item (a de-facto format: no spec; these are the forms proxies write).
Node parseXffItem(QByteArrayView item)
{
    if (item.compare("unknown", Qt::CaseInsensitive) == 0)
        return unnamed();
    if (!item.startsWith('[') && item.count(':') > 1) {
        const auto v6 = parseIpv6(item); // a bare IPv6 address
        return v6 ? addressNode(*v6, 0) : malformed();
    }
    const auto parts = splitHostPort(item);
    if (!parts)
        return malformed();
    quint16 port = 0;
    if (parts->hasPort) {
        const auto parsed = parsePort(parts->port);
        if (!parsed)
            return malformed();
        port = *parsed;
    }
    const auto address = parts->bracketed ? parseIpv6(parts->host) : parseIpv4(parts->host);
    return address ? addressNode(*address, port) : malformed();
}

/// The value of RFC 7239 `for`: node = nodename [ ":" node-port ], nodename = IPv4address /
/// "[" IPv6address "]" / "unknown" / obfnode (§6).
Node parseForwardedNode(QByteArrayView value)
{
    const auto parts = splitHostPort(value);
    if (!parts)
        return malformed();
    std::optional<quint16> port = quint16(0);
    if (parts->hasPort)
        port = isObfuscated(parts->port) ? std::optional<quint16>(0) : parsePort(parts->port);
    if (!port)
        return malformed();
    if (!parts->bracketed) {
        if (parts->host.compare("unknown", Qt::CaseInsensitive) == 0 || isObfuscated(parts->host))
            return unnamed();
        const auto v4 = parseIpv4(parts->host);
        return v4 ? addressNode(*v4, *port) : malformed();
    }
    const auto v6 = parseIpv6(parts->host);
    return v6 ? addressNode(*v6, *port) : malformed();
}

bool isTokenChar(char c)
{
    return isAlnum(c) || QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

/// One forwarded-element: forwarded-pair *( ";" forwarded-pair ), forwarded-pair = token "=" value,
/// value = token / quoted-string (RFC 7239 §4). Returns the node its `for` names.
Node parseForwardedElement(QByteArrayView element)
{
    std::optional<QByteArray> forValue;
    qsizetype i = 0;
    const qsizetype n = element.size();
    auto skipBlanks = [&] {
        while (i < n && (element[i] == ' ' || element[i] == '\t'))
            ++i;
    };
    while (true) {
        skipBlanks();
        if (i >= n)
            break;
        if (element[i] == ';') { // an empty pair between separators
            ++i;
            continue;
        }
        const qsizetype nameStart = i;
        while (i < n && isTokenChar(element[i]))
            ++i;
        const QByteArrayView name = element.sliced(nameStart, i - nameStart);
        if (name.isEmpty() || i >= n || element[i] != '=')
            return malformed();
        ++i;
        QByteArray value;
        if (i < n && element[i] == '"') {
            ++i;
            bool closed = false;
            while (i < n) {
                const char c = element[i++];
                if (c == '"') {
                    closed = true;
                    break;
                }
                if (c == '\\') { // quoted-pair (RFC 9110 §5.6.4)
                    if (i >= n)
                        return malformed();
                    value.append(element[i++]);
                } else {
                    value.append(c);
                }
            }
            if (!closed)
                return malformed();
        } else {
            const qsizetype valueStart = i;
            while (i < n && isTokenChar(element[i]))
                ++i;
            if (i == valueStart)
                return malformed();
            value = element.sliced(valueStart, i - valueStart).toByteArray();
        }
        // §4: a parameter must not occur more than once per forwarded-element.
        if (name.compare("for", Qt::CaseInsensitive) == 0) {
            if (forValue)
                return malformed();
            forValue = value;
        }
        skipBlanks();
        if (i < n && element[i] != ';')
            return malformed();
        if (i < n)
            ++i;
    }
    if (!forValue)
        return unnamed(); // this proxy did not say whom it received the request from
    return parseForwardedNode(*forValue);
}

/// Splits a list header on commas outside quoted strings; empty elements dropped. nullopt when a quoted
/// string does not end.
std::optional<QList<QByteArrayView>> splitList(QByteArrayView value, bool quotes)
{
    QList<QByteArrayView> items;
    qsizetype start = 0;
    bool quoted = false;
    for (qsizetype i = 0; i <= value.size(); ++i) {
        if (i < value.size()) {
            const char c = value[i];
            if (quoted) {
                if (c == '\\')
                    ++i;
                else if (c == '"')
                    quoted = false;
                continue;
            }
            if (quotes && c == '"') {
                quoted = true;
                continue;
            }
            if (c != ',')
                continue;
        }
        const QByteArrayView item = value.sliced(start, qMin(i, value.size()) - start).trimmed();
        if (!item.isEmpty())
            items.append(item);
        start = i + 1;
    }
    if (quoted)
        return std::nullopt;
    return items;
}

} // namespace

ClientAddress findClientAddress(const QHostAddress &hop, quint16 hopPort, const HeaderList &headers,
                                ForwardedHeader which, const AddressRanges &trusted)
{
    ClientAddress result;
    result.address = hop;
    result.port = hopPort;
    if (which == ForwardedHeader::None || !trusted.contains(hop))
        return result;
    const QByteArrayView name =
        which == ForwardedHeader::Forwarded ? QByteArrayView("forwarded") : QByteArrayView("x-forwarded-for");
    const bool forwarded = which == ForwardedHeader::Forwarded;
    QList<QByteArrayView> elements;
    for (const auto &[headerName, value] : headers) {
        if (headerName != name)
            continue;
        const auto items = splitList(value, forwarded);
        if (!items) {
            result.ok = false;
            result.error = QByteArrayLiteral("unterminated quoted string in Forwarded");
            return result;
        }
        elements += *items;
    }
    for (qsizetype i = elements.size() - 1; i >= 0; --i) {
        if (!trusted.contains(result.address))
            break;
        const Node node = forwarded ? parseForwardedElement(elements[i]) : parseXffItem(elements[i]);
        if (node.kind == Node::Kind::Malformed) {
            result.ok = false;
            result.error = (forwarded ? QByteArrayLiteral("malformed Forwarded element: ")
                                      : QByteArrayLiteral("malformed X-Forwarded-For item: ")) +
                           elements[i].first(qMin<qsizetype>(elements[i].size(), 64)).toByteArray();
            return result;
        }
        if (node.kind == Node::Kind::Unnamed)
            break;
        result.address = canonicalAddress(node.address);
        result.port = node.port;
    }
    return result;
}

} // namespace Switchboard::Http
