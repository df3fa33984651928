// SPDX-License-Identifier: GPL-3.0-or-later
#include "bosh/boshbody.h"

#include <QScopeGuard>

#include "xmpp/expatnames.h"
#include "xmpp/expatpool.h"
#include "xmpp/xmlescape.h"

#include <expat.h>

#include <array>

namespace Switchboard::Bosh {

namespace {

using Xmpp::ExpatName;
using Xmpp::splitExpatName;

constexpr QByteArrayView kHttpBind = "http://jabber.org/protocol/httpbind";
constexpr QByteArrayView kXbosh = "urn:xmpp:xbosh";
constexpr QByteArrayView kXmlNs = "http://www.w3.org/XML/1998/namespace";

/// The attribute names of <body/> that nearly every request carries, as shared static data: a name
/// would otherwise cost each request an allocation.
QString attributeName(QByteArrayView local)
{
    static const std::array<QString, 8> common = {
        QStringLiteral("rid"),  QStringLiteral("sid"),  QStringLiteral("to"),   QStringLiteral("ack"),
        QStringLiteral("type"), QStringLiteral("wait"), QStringLiteral("hold"), QStringLiteral("key"),
    };
    for (const QString &name : common) {
        if (name.size() == local.size() && QLatin1StringView(local) == name)
            return name;
    }
    return QString::fromUtf8(local);
}

/// State of one parseBody() call, reached from the Expat callbacks.
struct BodyParser
{
    XML_Parser parser = nullptr;
    QByteArrayView data;
    qint64 base = 0; ///< byte index of data's first byte (a series parser counts from its own start)
    Body *body = nullptr;
    QString error;
    int maxDepth = 64;
    int depth = 0;
    int roots = 0;
    bool sawRoot = false;
    qint64 rootStart = -1;  ///< byte index of the root's start tag
    qint64 rootTagEnd = -1; ///< and of its end
    qint64 rootEnd = -1;    ///< byte index just after the root element, once it ended

    // Namespace declarations, and what a payload inherits from <body/> (XEP-0206 §2).
    Xmpp::NamespaceFixup namespaces;

    // The payload being read.
    qint64 childStart = 0;
    qint64 childStartTagLength = 0;
    qsizetype childQNameLength = 0;

    void fail(const QString &text)
    {
        if (!error.isEmpty())
            return;
        error = text;
        XML_StopParser(parser, XML_FALSE);
    }

    static void XMLCALL onNsDecl(void *user, const XML_Char *prefix, const XML_Char *uri)
    {
        static_cast<BodyParser *>(user)->namespaces.declare(prefix, uri);
    }

    static void XMLCALL onStart(void *user, const XML_Char *name, const XML_Char **atts)
    {
        auto *self = static_cast<BodyParser *>(user);
        if (!self->error.isEmpty())
            return;
        const ExpatName qn = splitExpatName(name);
        if (++self->depth > self->maxDepth) {
            self->fail(QStringLiteral("nesting deeper than %1").arg(self->maxDepth));
            return;
        }
        if (self->depth == 1) {
            ++self->roots;
            self->rootStart = XML_GetCurrentByteIndex(self->parser);
            self->rootTagEnd = self->rootStart + XML_GetCurrentByteCount(self->parser);
            self->startRoot(qn, atts);
            return;
        }
        if (self->depth == 2) {
            self->childStart = XML_GetCurrentByteIndex(self->parser) - self->base;
            self->childStartTagLength = XML_GetCurrentByteCount(self->parser);
            self->childQNameLength = qn.qualifiedLength();
        }
        self->namespaces.startElement(self->depth, qn, atts);
    }

    void startRoot(const ExpatName &qn, const XML_Char **atts)
    {
        sawRoot = true;
        if (qn.local != "body" || qn.uri != kHttpBind) {
            fail(
                QStringLiteral("the root element is not <body xmlns='http://jabber.org/protocol/httpbind'>"));
            return;
        }
        // The default namespace of <body/> is httpbind; its payloads without one are in jabber:client
        // (XEP-0206 §2). Its prefixed declarations carry over.
        namespaces.openRoot();
        namespaces.setInheritedDefault(
            QByteArray::fromRawData(Xmpp::kJabberClientNs.data(), Xmpp::kJabberClientNs.size()));
        for (const XML_Char **a = atts; *a; a += 2) {
            const ExpatName an = splitExpatName(*a);
            const QString value = QString::fromUtf8(a[1]);
            if (an.uri.isEmpty())
                body->attributes.insert(attributeName(an.local), value);
            else if (an.uri == kXbosh) // XEP-0206 §6: xmpp:version, xmpp:restart, xmpp:restartlogic
                body->attributes.insert(u"xmpp:" + QString::fromUtf8(an.local), value);
            else if (an.uri == kXmlNs)
                body->attributes.insert(u"xml:" + QString::fromUtf8(an.local), value);
            // Attributes in other namespaces mean nothing to a connection manager.
        }
    }

    static void XMLCALL onEnd(void *user, const XML_Char *)
    {
        auto *self = static_cast<BodyParser *>(user);
        if (!self->error.isEmpty())
            return;
        self->namespaces.endElement(self->depth);
        if (self->depth == 1) {
            const qint64 count = XML_GetCurrentByteCount(self->parser);
            // An empty element's end event has no bytes of its own: it ends with its start tag.
            self->rootEnd = count > 0 ? XML_GetCurrentByteIndex(self->parser) + count : self->rootTagEnd;
        }
        if (self->depth-- == 2)
            self->finishChild();
    }

    void finishChild()
    {
        const qint64 count = XML_GetCurrentByteCount(parser);
        // An empty element's end event has no bytes of its own: it ends with its start tag.
        const qint64 end =
            count > 0 ? XML_GetCurrentByteIndex(parser) - base + count : childStart + childStartTagLength;
        // XEP-0206 §2: a stanza without its own default namespace is in jabber:client (it would
        // otherwise inherit the httpbind namespace of <body/>). Copied once, at its size.
        body->payloads.append(
            namespaces.standalone(data.sliced(childStart, end - childStart), childQNameLength));
    }

    static void XMLCALL onText(void *user, const XML_Char *s, int len)
    {
        auto *self = static_cast<BodyParser *>(user);
        if (self->depth != 1)
            return;
        // XEP-0124 §7: <body/> carries elements only; whitespace between them is harmless.
        for (int i = 0; i < len; ++i) {
            const char c = s[i];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                self->fail(QStringLiteral("character data directly inside <body/>"));
                return;
            }
        }
    }

    static void XMLCALL onComment(void *user, const XML_Char *)
    {
        static_cast<BodyParser *>(user)->fail(QStringLiteral("comments are not allowed"));
    }
    static void XMLCALL onPi(void *user, const XML_Char *, const XML_Char *)
    {
        static_cast<BodyParser *>(user)->fail(QStringLiteral("processing instructions are not allowed"));
    }
    static void XMLCALL onDoctype(void *user, const XML_Char *, const XML_Char *, const XML_Char *, int)
    {
        static_cast<BodyParser *>(user)->fail(QStringLiteral("a DTD is not allowed"));
    }
    static void XMLCALL onEntityDecl(void *user, const XML_Char *, int, const XML_Char *, int,
                                     const XML_Char *, const XML_Char *, const XML_Char *, const XML_Char *)
    {
        static_cast<BodyParser *>(user)->fail(QStringLiteral("entity declarations are not allowed"));
    }
};

} // namespace

namespace {
void setHandlers(XML_Parser parser, BodyParser *p)
{
    XML_SetUserData(parser, p);
    XML_SetElementHandler(parser, &BodyParser::onStart, &BodyParser::onEnd);
    XML_SetCharacterDataHandler(parser, &BodyParser::onText);
    XML_SetStartNamespaceDeclHandler(parser, &BodyParser::onNsDecl);
    XML_SetCommentHandler(parser, &BodyParser::onComment);
    XML_SetProcessingInstructionHandler(parser, &BodyParser::onPi);
    XML_SetStartDoctypeDeclHandler(parser, &BodyParser::onDoctype);
    XML_SetEntityDeclHandler(parser, &BodyParser::onEntityDecl);
}

/// The usual body, on the thread's series parser (Expat's name tables kept from the bodies before):
/// true with `body` filled when it parsed cleanly as one <body/>; false for anything else, which the
/// standalone parse then judges.
bool parseInSeries(QByteArrayView data, Body *body, int maxDepth)
{
    Xmpp::SeriesParser series(Xmpp::kExpatSeparator, true);
    if (!series.get())
        return false;
    Body result;
    BodyParser p;
    p.data = data;
    p.base = series.offset();
    p.body = &result;
    p.maxDepth = maxDepth;
    p.parser = series.get();
    setHandlers(p.parser, &p);
    const bool clean = series.parse(data) && p.error.isEmpty() && p.roots == 1 && p.depth == 0 &&
                       p.rootEnd >= 0 && series.leadingIsWhitespace(p.rootStart) &&
                       series.trailingIsWhitespace(p.rootEnd);
    if (!clean) {
        series.discard();
        return false;
    }
    if (body)
        *body = std::move(result);
    return true;
}
} // namespace

bool parseBody(QByteArrayView data, Body *body, QString *error, int maxDepth)
{
    if (parseInSeries(data, body, maxDepth))
        return true;
    Body result;
    BodyParser p;
    p.data = data;
    p.body = &result;
    p.maxDepth = maxDepth;
    // HTTP bodies of BOSH are UTF-8 (XEP-0124 §7); ignore whatever an XML declaration claims.
    const Xmpp::PooledParser pooled(Xmpp::kExpatSeparator);
    p.parser = pooled.get();
    XML_SetReturnNSTriplet(p.parser, 1);
    setHandlers(p.parser, &p);

    const bool parsed = XML_Parse(p.parser, data.data(), int(qMin<qsizetype>(data.size(), INT_MAX)),
                                  XML_TRUE) == XML_STATUS_OK;
    if (p.error.isEmpty() && !parsed) {
        p.error = QStringLiteral("not well-formed: %1 at line %2, column %3")
                      .arg(QString::fromUtf8(XML_ErrorString(XML_GetErrorCode(p.parser))))
                      .arg(XML_GetCurrentLineNumber(p.parser))
                      .arg(XML_GetCurrentColumnNumber(p.parser));
    }
    if (p.error.isEmpty() && !p.sawRoot)
        p.error = QStringLiteral("no <body/> element");
    if (!p.error.isEmpty()) {
        if (error)
            *error = p.error;
        return false;
    }
    if (body)
        *body = std::move(result);
    return true;
}

QByteArray buildBody(const QList<QPair<QString, QString>> &attributes, const QList<QByteArray> &payloads)
{
    qsizetype payloadSize = 0;
    bool usesStreamPrefix = false;
    for (const QByteArray &payload : payloads) {
        payloadSize += payload.size();
        usesStreamPrefix = usesStreamPrefix || payload.contains("<stream:");
    }
    bool usesXmpp = false;
    for (const auto &attribute : attributes)
        usesXmpp = usesXmpp || attribute.first.startsWith(u"xmpp:");

    QByteArray out;
    out.reserve(128 + 32 * attributes.size() + payloadSize);
    out += "<body xmlns='";
    out += kHttpBind;
    out += '\'';
    if (usesXmpp) {
        out += " xmlns:xmpp='";
        out += kXbosh;
        out += '\'';
    }
    // XEP-0206 §2: stream features and errors travel with the stream prefix declared.
    if (usesStreamPrefix)
        out += " xmlns:stream='http://etherx.jabber.org/streams'";
    for (const auto &[name, value] : attributes) {
        out += ' ';
        out += name.toUtf8();
        out += "='";
        out += escapeAttribute(value);
        out += '\'';
    }
    if (payloads.isEmpty()) {
        out += "/>";
        return out;
    }
    out += '>';
    for (const QByteArray &payload : payloads)
        out += payload;
    out += "</body>";
    return out;
}

QByteArray escapeAttribute(QStringView value)
{
    const QByteArray utf8 = value.toUtf8();
    bool clean = true;
    for (const char c : utf8) {
        if (c == '&' || c == '<' || c == '>' || c == '"' || c == '\'') {
            clean = false;
            break;
        }
    }
    if (clean)
        return utf8;
    QByteArray out;
    out.reserve(utf8.size() + 16);
    Xmpp::appendXmlEscaped(out, utf8);
    return out;
}

} // namespace Switchboard::Bosh
