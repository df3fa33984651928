// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/httpmessage.h"

namespace Switchboard::Http {

namespace {

bool equalsIgnoringCase(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && qstrnicmp(a.data(), a.size(), b.data(), b.size()) == 0;
}

// application/x-www-form-urlencoded (HTML "URL-encoded form data"): '+' is a space, then %XX escapes.
// '+' must be replaced before percent-decoding so that an escaped "%2B" stays a plus sign.
QByteArray formDecode(QByteArrayView encoded)
{
    if (encoded.isEmpty())
        return QByteArray("", 0); // present but empty: not null
    QByteArray bytes = encoded.toByteArray();
    bytes.replace('+', ' ');
    return QByteArray::fromPercentEncoding(bytes);
}

} // namespace

QByteArray Request::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (equalsIgnoringCase(key, name))
            return value;
    }
    return {};
}

bool Request::hasHeader(QByteArrayView name) const
{
    for (const auto &entry : headers) {
        if (equalsIgnoringCase(entry.first, name))
            return true;
    }
    return false;
}

QByteArray Request::queryParameter(QByteArrayView name) const
{
    qsizetype start = 0;
    while (start <= query.size()) {
        qsizetype end = query.indexOf('&', start);
        if (end < 0)
            end = query.size();
        const QByteArrayView pair = QByteArrayView(query).sliced(start, end - start);
        if (!pair.isEmpty()) {
            const qsizetype eq = pair.indexOf('=');
            const QByteArrayView key = eq < 0 ? pair : pair.first(eq);
            const QByteArrayView value = eq < 0 ? QByteArrayView() : pair.sliced(eq + 1);
            if (formDecode(key) == name)
                return formDecode(value);
        }
        start = end + 1;
    }
    return {};
}

bool splitHost(QByteArrayView value, QByteArray *host, int *port)
{
    qsizetype hostEnd = value.size();
    if (value.startsWith('[')) {
        // IP-literal (RFC 3986 §3.2.2): an IPv6 address in brackets.
        hostEnd = value.indexOf(']');
        if (hostEnd < 0)
            return false;
        ++hostEnd;
        const QByteArrayView inside = value.sliced(1, hostEnd - 2);
        QHostAddress address;
        if (inside.isEmpty() || !address.setAddress(QString::fromLatin1(inside)) ||
            address.protocol() != QAbstractSocket::IPv6Protocol)
            return false;
    } else {
        const qsizetype colon = value.indexOf(':');
        if (colon >= 0)
            hostEnd = colon;
        const QByteArrayView name = value.first(hostEnd);
        if (name.isEmpty())
            return false;
        for (const char c : name) {
            const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && c != '-' && c != '.' && c != '_')
                return false;
        }
    }
    int parsedPort = -1;
    if (hostEnd < value.size()) {
        if (value[hostEnd] != ':')
            return false;
        const QByteArrayView digits = value.sliced(hostEnd + 1);
        if (digits.isEmpty() || digits.size() > 5)
            return false;
        parsedPort = 0;
        for (const char c : digits) {
            if (c < '0' || c > '9')
                return false;
            parsedPort = parsedPort * 10 + (c - '0');
        }
        if (parsedPort > 65535)
            return false;
    }
    if (host)
        *host = value.first(hostEnd).toByteArray().toLower();
    if (port)
        *port = parsedPort;
    return true;
}

Response Response::error(int status, QByteArrayView reason)
{
    Response response;
    response.status = status;
    response.contentType = QByteArrayLiteral("text/plain; charset=utf-8");
    response.body = (reason.isEmpty() ? reasonPhrase(status) : reason.toByteArray()) + '\n';
    response.compressible = false;
    return response;
}

const QHostAddress &nullHostAddress()
{
    static const QHostAddress null;
    return null;
}

QByteArray reasonPhrase(int status)
{
    // RFC 9110 §15 (and RFC 6585 for 428/429/431).
    switch (status) {
    case 100:
        return QByteArrayLiteral("Continue");
    case 101:
        return QByteArrayLiteral("Switching Protocols");
    case 200:
        return QByteArrayLiteral("OK");
    case 201:
        return QByteArrayLiteral("Created");
    case 202:
        return QByteArrayLiteral("Accepted");
    case 204:
        return QByteArrayLiteral("No Content");
    case 206:
        return QByteArrayLiteral("Partial Content");
    case 301:
        return QByteArrayLiteral("Moved Permanently");
    case 302:
        return QByteArrayLiteral("Found");
    case 303:
        return QByteArrayLiteral("See Other");
    case 304:
        return QByteArrayLiteral("Not Modified");
    case 307:
        return QByteArrayLiteral("Temporary Redirect");
    case 308:
        return QByteArrayLiteral("Permanent Redirect");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 401:
        return QByteArrayLiteral("Unauthorized");
    case 403:
        return QByteArrayLiteral("Forbidden");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 406:
        return QByteArrayLiteral("Not Acceptable");
    case 408:
        return QByteArrayLiteral("Request Timeout");
    case 409:
        return QByteArrayLiteral("Conflict");
    case 410:
        return QByteArrayLiteral("Gone");
    case 411:
        return QByteArrayLiteral("Length Required");
    case 413:
        return QByteArrayLiteral("Content Too Large");
    case 414:
        return QByteArrayLiteral("URI Too Long");
    case 415:
        return QByteArrayLiteral("Unsupported Media Type");
    case 421:
        return QByteArrayLiteral("Misdirected Request");
    case 426:
        return QByteArrayLiteral("Upgrade Required");
    case 428:
        return QByteArrayLiteral("Precondition Required");
    case 429:
        return QByteArrayLiteral("Too Many Requests");
    case 431:
        return QByteArrayLiteral("Request Header Fields Too Large");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 501:
        return QByteArrayLiteral("Not Implemented");
    case 502:
        return QByteArrayLiteral("Bad Gateway");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    case 504:
        return QByteArrayLiteral("Gateway Timeout");
    case 505:
        return QByteArrayLiteral("HTTP Version Not Supported");
    default:
        break;
    }
    if (status >= 200 && status < 300)
        return QByteArrayLiteral("OK");
    if (status >= 400 && status < 500)
        return QByteArrayLiteral("Client Error");
    if (status >= 500)
        return QByteArrayLiteral("Server Error");
    return QByteArrayLiteral("Unknown");
}

} // namespace Switchboard::Http
