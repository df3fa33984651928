// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QStringList>

namespace Switchboard::Http {

/// True when `origin` matches `pattern` as a whole, ASCII case-insensitively; in the pattern '*'
/// stands for any run of characters (also none) and '?' for exactly one
/// (e.g. "https://*.example.com").
bool originMatches(QByteArrayView pattern, QByteArrayView origin);

/// True when `origin` matches one of `patterns`; an empty list allows every origin.
bool originAllowedBy(const QStringList &patterns, QByteArrayView origin);

/// The value for Access-Control-Allow-Headers: the client's Access-Control-Request-Headers when it is
/// a plain list of header names (Fetch standard, CORS-preflight), else "Content-Type".
QByteArray allowedRequestHeaders(QByteArrayView requested);

} // namespace Switchboard::Http
