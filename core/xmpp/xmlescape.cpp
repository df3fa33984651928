// SPDX-License-Identifier: GPL-3.0-or-later
#include "xmpp/xmlescape.h"

namespace Switchboard::Xmpp {

void appendXmlEscaped(QByteArray &out, QByteArrayView value)
{
    for (const char c : value) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&apos;";
            break;
        default:
            out += c;
        }
    }
}

QByteArray xmlEscaped(QStringView value)
{
    const QByteArray utf8 = value.toUtf8();
    QByteArray out;
    out.reserve(utf8.size());
    appendXmlEscaped(out, utf8);
    return out;
}

} // namespace Switchboard::Xmpp
