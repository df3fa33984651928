// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/cors.h"

namespace Switchboard::Http {

namespace {

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

// RFC 9110 §5.6.2 tchar.
bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

} // namespace

bool originMatches(QByteArrayView pattern, QByteArrayView origin)
{
    // Classic wildcard matching with single-star backtracking: linear in practice, at worst
    // O(pattern * origin), both bounded by the header limit.
    qsizetype p = 0;
    qsizetype o = 0;
    qsizetype starP = -1;
    qsizetype starO = 0;
    while (o < origin.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            starP = p++;
            starO = o;
        } else if (p < pattern.size() && (pattern[p] == '?' || lower(pattern[p]) == lower(origin[o]))) {
            ++p;
            ++o;
        } else if (starP >= 0) {
            p = starP + 1;
            o = ++starO;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

bool originAllowedBy(const QStringList &patterns, QByteArrayView origin)
{
    if (patterns.isEmpty())
        return true;
    for (const QString &pattern : patterns) {
        if (originMatches(pattern.toUtf8(), origin))
            return true;
    }
    return false;
}

QByteArray allowedRequestHeaders(QByteArrayView requested)
{
    requested = requested.trimmed();
    bool plain = !requested.isEmpty() && requested.size() <= 1024;
    for (const char c : requested) {
        if (!plain)
            break;
        plain = isTokenChar(c) || c == ',' || c == ' ' || c == '\t';
    }
    return plain ? requested.toByteArray() : QByteArrayLiteral("Content-Type");
}

} // namespace Switchboard::Http
