// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>

namespace Switchboard::Bosh {

inline constexpr QStringView kHttpBindNs = u"http://jabber.org/protocol/httpbind";
inline constexpr QStringView kXboshNs = u"urn:xmpp:xbosh";

/// A parsed BOSH request body (XEP-0124 §7, XEP-0206).
struct Body
{
    /// Attributes of <body/> in no namespace ("rid", "sid", "to", ...). Attributes in the
    /// urn:xmpp:xbosh namespace are stored as "xmpp:version", "xmpp:restart"; xml:lang as "xml:lang".
    QMap<QString, QString> attributes;
    /// The child elements, each as standalone bytes (in document order). A child without its own
    /// default namespace gets xmlns='jabber:client' added to its start tag (XEP-0206 §2).
    QList<QByteArray> payloads;

    QString attribute(const QString &name) const { return attributes.value(name); }
    bool has(const QString &name) const { return attributes.contains(name); }
};

/// Parses one complete request body with Expat. Refuses (returns false, sets `error`): not well formed,
/// a root other than <body xmlns='http://jabber.org/protocol/httpbind'>, non-whitespace character
/// data directly in <body>, DOCTYPE/DTD, entity declarations, entity references beyond the predefined
/// five, processing instructions, nesting deeper than `maxDepth`.
bool parseBody(QByteArrayView data, Body *body, QString *error, int maxDepth = 64);

/// Builds a response <body/>: `attributes` in order (names may be "xmpp:version" etc.; the needed
/// xmlns:xmpp / xmlns:stream declarations are added), then the payload bytes concatenated. Attribute
/// values are escaped.
QByteArray buildBody(const QList<QPair<QString, QString>> &attributes,
                     const QList<QByteArray> &payloads = {});

/// XML-escapes text for an attribute value (&, <, >, ", ').
QByteArray escapeAttribute(QStringView value);

} // namespace Switchboard::Bosh
