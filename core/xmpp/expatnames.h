// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QString>
#include <QVarLengthArray>

#include <expat.h>

namespace Switchboard::Xmpp {

/// The namespace separator of the BOSH body and server stream parsers (PooledParser,
/// XML_ParserCreateNS). A newline is turned into a space by attribute-value normalisation, and Expat
/// refuses a namespace URI that holds the separator through a character reference (&#10;), so a name
/// always splits the one way.
inline constexpr char kExpatSeparator = '\n';
/// The separator of the WebSocket message parser: a character XML cannot contain at all, so a
/// namespace URI with a newline in it is not refused there.
inline constexpr char kExpatUnitSeparator = '\x1F';

/// The default namespace a stanza stands in when nothing declares one (RFC 6120 §4.8.3, XEP-0206 §2,
/// RFC 7395 §3.3.3).
inline constexpr QByteArrayView kJabberClientNs = "jabber:client";

/// A name as Expat reports it with namespace processing on: "uri<sep>local", or
/// "uri<sep>local<sep>prefix" with XML_SetReturnNSTriplet; just "local" without a namespace. Views into
/// Expat's buffer, valid during the callback.
struct ExpatName
{
    QByteArrayView uri;
    QByteArrayView local;
    QByteArrayView prefix; ///< with XML_SetReturnNSTriplet only

    /// Length of the qualified name as written in the start tag ("prefix:local" or "local").
    qsizetype qualifiedLength() const { return local.size() + (prefix.isEmpty() ? 0 : prefix.size() + 1); }
};

/// Splits an Expat element or attribute name (no copy); `separator` is the parser's.
ExpatName splitExpatName(const XML_Char *name, char separator = kExpatSeparator);

/// Text Expat reported, as a QString: the names and values every stream repeats (the stanza names,
/// jabber:client, version 1.0) are shared static data, anything else a new string.
QString sharedText(QByteArrayView utf8);

/// Makes the top-level elements inside a root element (BOSH <body/>, <stream:stream>) stand alone: it
/// follows the namespace declarations Expat reports and, for an element taken out of its root, adds
/// to its start tag the declarations it inherits from the root (the default namespace if it uses it
/// without declaring it, and the root's prefixes it uses). Nothing is allocated per element that
/// declares nothing and needs nothing. Used from the Expat callbacks of one parser, on its thread.
class NamespaceFixup
{
public:
    /// From XML_SetStartNamespaceDeclHandler: a declaration of the start tag reported next.
    void declare(const XML_Char *prefix, const XML_Char *uri);
    /// The root's start tag: the declarations reported before it are the root's. Its prefixed ones
    /// are what elements inherit; returns its default namespace (null when it declares none).
    QByteArray openRoot();
    /// The default namespace elements inherit when they use none of their own (empty: none is
    /// added). The stream header's for a stream, jabber:client inside BOSH's <body/>.
    void setInheritedDefault(const QByteArray &uri) { m_inheritedDefault = uri; }
    const QByteArray &inheritedDefault() const { return m_inheritedDefault; }

    /// A start tag at `depth` (the root is 1; 2 starts a new top-level element).
    void startElement(int depth, const ExpatName &name, const XML_Char **atts);
    /// The end tag of the element at `depth`.
    void endElement(int depth);
    /// Adds what the finished top-level element inherits to its start tag; `xml` holds the element,
    /// `qualifiedNameLength` is that of its name (see ExpatName). The result is allocated at its
    /// exact size (a stanza may be kept a long time: BOSH responses kept for resends).
    void complete(QByteArray &xml, qsizetype qualifiedNameLength) const;
    /// The finished top-level element `element` as complete() makes it, copied once.
    QByteArray standalone(QByteArrayView element, qsizetype qualifiedNameLength) const;
    /// Gives back the scratch of the element being read (declarations, prefixes in use) while the
    /// parser is between top-level elements, so that an idle stream keeps only what its root declared.
    void releaseScratch();
    /// Appends the root's namespace declarations as start tag attributes (its prefixed ones, then the
    /// inherited default namespace if any): enough for a new parser to resolve the names inside the
    /// root as the first one did.
    void appendRootDeclarations(QByteArray &out) const;
    /// Forgets everything (a new document or stream).
    void clear();

private:
    struct Decl
    {
        QByteArray prefix; ///< empty: the default namespace
        int depth;
    };
    bool declaredInElement(QByteArrayView prefix) const;
    void notePrefix(QByteArrayView prefix);
    /// The declarations to add to the current top-level element's start tag (empty: none).
    QByteArray declarations() const;

    QList<QPair<QByteArray, QByteArray>> m_pending; ///< declarations of the next start tag
    /// Declarations inside the current element. A QList, not a QVarLengthArray<Decl, 16>: that kept
    /// 0.5 KB inline in every stream's reader, most of whose elements declare one namespace or none.
    QList<Decl> m_scope;
    /// The root's prefixed declarations: one (stream) on a server stream, none on a BOSH <body/>.
    QVarLengthArray<QPair<QByteArray, QByteArray>, 1> m_rootPrefixes;
    QByteArray m_inheritedDefault;
    QList<QByteArray> m_neededPrefixes; ///< root prefixes the current element uses undeclared
    bool m_needDefault = false;
};

} // namespace Switchboard::Xmpp
