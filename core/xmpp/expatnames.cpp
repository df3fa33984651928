// SPDX-License-Identifier: GPL-3.0-or-later
#include "xmpp/expatnames.h"

#include "xmpp/xmlescape.h"

#include <cstring>

namespace Switchboard::Xmpp {

namespace {
constexpr QByteArrayView kXmlPrefix = "xml"; // bound by definition, never declared
constexpr QByteArrayView kStreamPrefix = "stream";
constexpr QByteArrayView kStreamsNs = "http://etherx.jabber.org/streams";

/// `text` as a QByteArray; the names every stream declares point at static data instead of taking
/// an allocation of their own that each stream would keep for its whole life.
QByteArray sharedName(const XML_Char *text)
{
    if (!text)
        return {};
    const QByteArrayView view(text, qsizetype(std::strlen(text)));
    for (const QByteArrayView known : {kJabberClientNs, kStreamsNs, kStreamPrefix}) {
        if (view == known)
            return QByteArray::fromRawData(known.data(), known.size());
    }
    return view.toByteArray();
}
} // namespace

ExpatName splitExpatName(const XML_Char *name, char separator)
{
    const QByteArrayView all(name, qsizetype(std::strlen(name)));
    const qsizetype first = all.indexOf(separator);
    if (first < 0)
        return {{}, all, {}};
    const QByteArrayView uri = all.first(first);
    const QByteArrayView rest = all.sliced(first + 1);
    const qsizetype second = rest.indexOf(separator);
    if (second < 0)
        return {uri, rest, {}};
    return {uri, rest.first(second), rest.sliced(second + 1)};
}

void NamespaceFixup::declare(const XML_Char *prefix, const XML_Char *uri)
{
    m_pending.append({sharedName(prefix), sharedName(uri)});
}

QByteArray NamespaceFixup::openRoot()
{
    QByteArray defaultNs;
    for (auto &decl : m_pending) {
        if (decl.first.isEmpty())
            defaultNs = std::move(decl.second);
        else
            m_rootPrefixes.append(std::move(decl));
    }
    m_pending.clear();
    return defaultNs;
}

bool NamespaceFixup::declaredInElement(QByteArrayView prefix) const
{
    for (const Decl &d : m_scope) {
        if (d.prefix == prefix)
            return true;
    }
    return false;
}

void NamespaceFixup::notePrefix(QByteArrayView prefix)
{
    if (prefix == kXmlPrefix || declaredInElement(prefix))
        return;
    for (const QByteArray &p : std::as_const(m_neededPrefixes)) {
        if (p == prefix)
            return;
    }
    m_neededPrefixes.append(prefix.toByteArray());
}

void NamespaceFixup::startElement(int depth, const ExpatName &name, const XML_Char **atts)
{
    if (depth == 2) {
        m_needDefault = false;
        m_neededPrefixes.clear();
        m_scope.clear();
    }
    for (const auto &decl : std::as_const(m_pending))
        m_scope.append({decl.first, depth});
    m_pending.clear();
    if (name.prefix.isEmpty()) {
        if (!declaredInElement({}) && !m_inheritedDefault.isEmpty())
            m_needDefault = true;
    } else {
        notePrefix(name.prefix);
    }
    for (const XML_Char **a = atts; *a; a += 2) {
        const ExpatName an = splitExpatName(*a);
        if (!an.prefix.isEmpty())
            notePrefix(an.prefix);
    }
}

void NamespaceFixup::endElement(int depth)
{
    while (!m_scope.isEmpty() && m_scope.last().depth == depth)
        m_scope.removeLast();
}

QByteArray NamespaceFixup::declarations() const
{
    QByteArray decls;
    if (!m_needDefault && m_neededPrefixes.isEmpty())
        return decls;
    if (m_needDefault) {
        decls += " xmlns='";
        appendXmlEscaped(decls, m_inheritedDefault);
        decls += '\'';
    }
    for (const QByteArray &prefix : std::as_const(m_neededPrefixes)) {
        for (const auto &[p, uri] : std::as_const(m_rootPrefixes)) {
            if (p == prefix) {
                decls += " xmlns:" + prefix + "='";
                appendXmlEscaped(decls, uri);
                decls += '\'';
                break;
            }
        }
        // A prefix the root does not declare either: Expat has already refused it.
    }
    return decls;
}

QByteArray NamespaceFixup::standalone(QByteArrayView element, qsizetype qualifiedNameLength) const
{
    const QByteArray decls = declarations();
    if (decls.isEmpty())
        return element.toByteArray();
    // After '<' and the qualified name; the order of attributes is not significant.
    const qsizetype at = 1 + qualifiedNameLength;
    QByteArray out;
    out.reserve(element.size() + decls.size());
    out.append(element.first(at));
    out.append(decls);
    out.append(element.sliced(at));
    return out;
}

void NamespaceFixup::complete(QByteArray &xml, qsizetype qualifiedNameLength) const
{
    if (m_needDefault || !m_neededPrefixes.isEmpty())
        xml = standalone(xml, qualifiedNameLength);
}

void NamespaceFixup::appendRootDeclarations(QByteArray &out) const
{
    for (const auto &[prefix, uri] : m_rootPrefixes) {
        out += " xmlns:" + prefix + "='";
        appendXmlEscaped(out, uri);
        out += '\'';
    }
    if (!m_inheritedDefault.isEmpty()) {
        out += " xmlns='";
        appendXmlEscaped(out, m_inheritedDefault);
        out += '\'';
    }
}

void NamespaceFixup::releaseScratch()
{
    m_pending = {};
    m_scope = {};
    m_neededPrefixes = {};
}

void NamespaceFixup::clear()
{
    m_pending.clear();
    m_scope.clear();
    m_rootPrefixes.clear();
    m_inheritedDefault.clear();
    m_neededPrefixes.clear();
    m_needDefault = false;
}

QString sharedText(QByteArrayView utf8)
{
    if (utf8 == "1.0")
        return QStringLiteral("1.0");
    if (utf8 == kJabberClientNs)
        return QStringLiteral("jabber:client");
    if (utf8 == "message")
        return QStringLiteral("message");
    if (utf8 == "presence")
        return QStringLiteral("presence");
    if (utf8 == "iq")
        return QStringLiteral("iq");
    return QString::fromUtf8(utf8);
}

} // namespace Switchboard::Xmpp
