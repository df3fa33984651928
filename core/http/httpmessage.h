// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>

namespace Switchboard::Http {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

/// The null address every Request starts with, shared: QHostAddress's default constructor allocates
/// its private, which would cost each request three allocations before its addresses are known.
const QHostAddress &nullHostAddress();

/// One parsed HTTP request. Header names are lower-cased; values are raw bytes.
struct Request
{
    QByteArray method; ///< "GET", "POST", "OPTIONS", ...
    QByteArray target; ///< the raw request target, e.g. "/http-bind/?data=..."
    QByteArray path;   ///< target up to '?', percent-decoding not applied
    QByteArray query;  ///< target after '?', empty if none
    int versionMajor = 1;
    int versionMinor = 1;
    HeaderList headers;
    QByteArray body;
    /// The client's address: the TCP peer, or behind trusted proxies the client they name (PROXY
    /// protocol header, then X-Forwarded-For or Forwarded; docs/PROXIES.md). What limits, logs and the
    /// monitor use.
    QHostAddress peerAddress = nullHostAddress();
    quint16 peerPort = 0; ///< the client's port; 0 when the proxy that named the client gave none
    /// The TCP peer of the connection the request came over (the nearest proxy, if any).
    QHostAddress connectionAddress = nullHostAddress();
    quint16 connectionPort = 0;
    QHostAddress localAddress = nullHostAddress(); ///< the address the client reached this server at
    bool secure = false;                           ///< arrived over TLS

    /// First value of a header (name compared case-insensitively), or an empty array.
    QByteArray header(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const;
    /// A decoded query parameter (application/x-www-form-urlencoded), or a null QByteArray.
    QByteArray queryParameter(QByteArrayView name) const;
};

/// A response a handler gives back. The connection adds Content-Length, Date, Connection and, when the
/// request allows and the body is large enough, Content-Encoding. Only a streamed answer
/// (Exchange::startStream) is chunked.
struct Response
{
    int status = 200;
    QByteArray contentType = QByteArrayLiteral("text/xml; charset=utf-8");
    HeaderList headers;
    QByteArray body;
    bool closeConnection = false; ///< close after sending (e.g. after 413)
    bool compressible = true;     ///< may be gzip/deflate encoded if the client accepts it

    static Response error(int status, QByteArrayView reason = {});
};

/// Splits a Host header value (RFC 9110 §7.2: uri-host [ ":" port ]) into its host, lower-cased, and
/// port (-1 when absent). Accepted hosts are DNS names (letters, digits, '-', '_' and '.'), IPv4
/// addresses and IPv6 literals in brackets (kept with their brackets); anything else, such as quotes,
/// spaces, '@' or a second ':', makes it return false.
bool splitHost(QByteArrayView value, QByteArray *host, int *port);

/// The standard reason phrase for a status code ("OK", "Not Found"...).
QByteArray reasonPhrase(int status);

} // namespace Switchboard::Http
