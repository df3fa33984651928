// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace Switchboard::Http {

/// A content coding the front can produce (RFC 9110 §8.4.1).
enum class ContentCoding {
    Identity,
    Gzip,    ///< RFC 1952 gzip container
    Deflate, ///< RFC 1950 zlib container (what HTTP calls "deflate", RFC 9110 §8.4.1.2)
};

/// Picks the coding to use for a response from the request's Accept-Encoding value: the acceptable
/// coding (q > 0) with the highest weight, gzip winning ties; `*` covers codings not named. Identity
/// when the header is empty or names neither.
ContentCoding negotiateContentCoding(QByteArrayView acceptEncoding);

/// The Content-Encoding token of a coding ("gzip", "deflate"), empty for identity.
QByteArray contentCodingName(ContentCoding coding);

/// Compresses `data` in one go with zlib. Returns a null QByteArray on failure (the caller then sends
/// the body as it is).
QByteArray compressBody(QByteArrayView data, ContentCoding coding);

} // namespace Switchboard::Http
