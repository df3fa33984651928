// SPDX-License-Identifier: GPL-3.0-or-later
#include "websocket/framing.h"

#include "xmpp/expatnames.h"
#include "xmpp/expatpool.h"
#include "xmpp/xmlescape.h"

#include <expat.h>

namespace Switchboard::WebSocket {

namespace {

struct ParseState
{
    XML_Parser parser = nullptr;
    qint64 base = 0; ///< byte index of the message's first byte (a series parser counts from its own start)
    Frame *frame = nullptr;
    int depth = 0;
    int maxDepth = 64;
    int roots = 0;
    bool rootHasDefaultNs = false;
    qint64 rootStart = -1;        ///< byte offset of the root's start tag in the message
    qint64 rootTagEnd = -1;       ///< byte index of the end of that tag
    qint64 rootEnd = -1;          ///< byte index just after the root element, once it ended
    qsizetype rootNameLength = 0; ///< of its qualified name
    QString error;

    void stop(const QString &why)
    {
        if (error.isEmpty())
            error = why;
        XML_StopParser(parser, XML_FALSE);
    }
};

constexpr QByteArrayView kXmlNs = "http://www.w3.org/XML/1998/namespace";
constexpr QByteArrayView kFramingNsBytes = "urn:ietf:params:xml:ns:xmpp-framing"; // kFramingNs, as bytes

void XMLCALL onStart(void *data, const XML_Char *name, const XML_Char **atts)
{
    auto *state = static_cast<ParseState *>(data);
    ++state->depth;
    if (state->depth > state->maxDepth) {
        state->stop(QStringLiteral("nested too deeply"));
        return;
    }
    if (state->depth != 1)
        return;
    if (++state->roots > 1) {
        state->stop(QStringLiteral("more than one element in a message"));
        return;
    }
    const Xmpp::ExpatName root = Xmpp::splitExpatName(name, Xmpp::kExpatUnitSeparator);
    state->frame->ns = Xmpp::sharedText(root.uri);
    state->frame->name = Xmpp::sharedText(root.local);
    state->rootStart = XML_GetCurrentByteIndex(state->parser) - state->base;
    state->rootTagEnd = state->rootStart + state->base + XML_GetCurrentByteCount(state->parser);
    state->rootNameLength = root.qualifiedLength();
    // Only <open/> and <close/> are read for their attributes; a stanza is forwarded as it came, and
    // converting its attributes would cost every message a map and its strings.
    if (root.uri != kFramingNsBytes)
        return;
    for (int i = 0; atts[i]; i += 2) {
        const Xmpp::ExpatName an = Xmpp::splitExpatName(atts[i], Xmpp::kExpatUnitSeparator);
        if (an.uri == kXmlNs)
            state->frame->attrs.insert(u"xml:" + QString::fromUtf8(an.local), QString::fromUtf8(atts[i + 1]));
        else if (an.uri.isEmpty())
            state->frame->attrs.insert(QString::fromUtf8(an.local), QString::fromUtf8(atts[i + 1]));
    }
}

void XMLCALL onEnd(void *data, const XML_Char *)
{
    auto *state = static_cast<ParseState *>(data);
    if (state->depth-- == 1) {
        const qint64 count = XML_GetCurrentByteCount(state->parser);
        // An empty element's end event has no bytes of its own: it ends with its start tag.
        state->rootEnd = count > 0 ? XML_GetCurrentByteIndex(state->parser) + count : state->rootTagEnd;
    }
}

void XMLCALL onNamespace(void *data, const XML_Char *prefix, const XML_Char *)
{
    auto *state = static_cast<ParseState *>(data);
    // Declarations reported before the root's start handler belong to the root.
    if (state->depth == 0 && !prefix)
        state->rootHasDefaultNs = true;
}

void XMLCALL onCharacters(void *data, const XML_Char *text, int length)
{
    auto *state = static_cast<ParseState *>(data);
    if (state->depth > 0)
        return;
    for (int i = 0; i < length; ++i) {
        if (!QChar::isSpace(uchar(text[i]))) {
            state->stop(QStringLiteral("text outside the element"));
            return;
        }
    }
}

void XMLCALL onDoctype(void *data, const XML_Char *, const XML_Char *, const XML_Char *, int)
{
    static_cast<ParseState *>(data)->stop(QStringLiteral("DTDs are not allowed (RFC 6120 §11.1)"));
}

void XMLCALL onEntityDecl(void *data, const XML_Char *, int, const XML_Char *, int, const XML_Char *,
                          const XML_Char *, const XML_Char *, const XML_Char *)
{
    static_cast<ParseState *>(data)->stop(QStringLiteral("entity declarations are not allowed"));
}

void XMLCALL onProcessingInstruction(void *data, const XML_Char *, const XML_Char *)
{
    static_cast<ParseState *>(data)->stop(QStringLiteral("processing instructions are not allowed"));
}

void XMLCALL onComment(void *data, const XML_Char *)
{
    static_cast<ParseState *>(data)->stop(QStringLiteral("comments are not allowed"));
}

void XMLCALL onSkippedEntity(void *data, const XML_Char *, int)
{
    static_cast<ParseState *>(data)->stop(QStringLiteral("undefined entity"));
}

} // namespace

namespace {
void setHandlers(XML_Parser parser, ParseState *state)
{
    XML_SetUserData(parser, state);
    XML_SetElementHandler(parser, onStart, onEnd);
    XML_SetStartNamespaceDeclHandler(parser, onNamespace);
    XML_SetCharacterDataHandler(parser, onCharacters);
    XML_SetStartDoctypeDeclHandler(parser, onDoctype);
    XML_SetEntityDeclHandler(parser, onEntityDecl);
    XML_SetProcessingInstructionHandler(parser, onProcessingInstruction);
    XML_SetCommentHandler(parser, onComment);
    XML_SetSkippedEntityHandler(parser, onSkippedEntity);
}

/// The usual message, on the thread's series parser (Expat's name tables kept from the messages
/// before): true when it parsed cleanly as one element, with `state` and the frame filled; false for
/// anything else, which the standalone parse then judges.
bool parseInSeries(QByteArrayView message, ParseState &state)
{
    Xmpp::SeriesParser series(Xmpp::kExpatUnitSeparator, false);
    if (!series.get())
        return false;
    state.parser = series.get();
    state.base = series.offset();
    setHandlers(state.parser, &state);
    const bool clean = series.parse(message) && state.error.isEmpty() && state.roots == 1 &&
                       state.depth == 0 && state.rootEnd >= 0 &&
                       series.leadingIsWhitespace(state.rootStart + state.base) &&
                       series.trailingIsWhitespace(state.rootEnd);
    if (!clean)
        series.discard();
    return clean;
}
} // namespace

bool parseFrame(QByteArrayView message, Frame *frame, QString *error, int maxDepth)
{
    *frame = Frame();
    ParseState state;
    state.frame = frame;
    state.maxDepth = maxDepth;
    if (!parseInSeries(message, state)) {
        *frame = Frame();
        state = ParseState();
        state.frame = frame;
        state.maxDepth = maxDepth;
        const Xmpp::PooledParser pooled(Xmpp::kExpatUnitSeparator);
        state.parser = pooled.get();
        setHandlers(state.parser, &state);
        const XML_Status status = XML_Parse(state.parser, message.data(), int(message.size()), XML_TRUE);
        if (status != XML_STATUS_OK && state.error.isEmpty())
            state.error = QString::fromUtf8(XML_ErrorString(XML_GetErrorCode(state.parser)));
        if (state.error.isEmpty() && state.roots != 1)
            state.error = QStringLiteral("no element");
        if (!state.error.isEmpty()) {
            if (error)
                *error = state.error;
            return false;
        }
    }

    if (frame->ns == kFramingNs && frame->name == QLatin1String("open")) {
        frame->kind = Frame::Kind::Open;
    } else if (frame->ns == kFramingNs && frame->name == QLatin1String("close")) {
        frame->kind = Frame::Kind::Close;
    } else {
        frame->kind = Frame::Kind::Element;
        frame->xml = message.toByteArray();
        // RFC 7395 §3.3.3 wants the namespace on every stanza; a client that leaves it out still means
        // jabber:client, and the server stream needs it said.
        if (!state.rootHasDefaultNs && frame->ns.isEmpty() && state.rootStart >= 0) {
            // After '<' and the name (no prefix: it would have a namespace).
            frame->xml.insert(state.rootStart + 1 + state.rootNameLength, " xmlns='jabber:client'");
            frame->ns = QString::fromLatin1(Xmpp::kJabberClientNs);
        }
    }
    return true;
}

QByteArray openFrame(const Xmpp::StreamHeader &header, const QString &lang)
{
    QByteArray out = "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'";
    if (!header.from.isEmpty())
        out += " from='" + Xmpp::xmlEscaped(header.from) + '\'';
    if (!header.id.isEmpty())
        out += " id='" + Xmpp::xmlEscaped(header.id) + '\'';
    out += " version='" +
           Xmpp::xmlEscaped(header.version.isEmpty() ? QStringLiteral("1.0") : header.version) + '\'';
    const QString language = header.lang.isEmpty() ? lang : header.lang;
    if (!language.isEmpty())
        out += " xml:lang='" + Xmpp::xmlEscaped(language) + '\'';
    out += "/>";
    return out;
}

QByteArray closeFrame(const QString &seeOtherUri)
{
    if (seeOtherUri.isEmpty())
        return QByteArrayLiteral("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
    return "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing' see-other-uri='" +
           Xmpp::xmlEscaped(seeOtherUri) + "'/>";
}

QByteArray streamErrorFrame(const QString &condition, const QString &text)
{
    QByteArray out = "<stream:error xmlns:stream='http://etherx.jabber.org/streams'><" + condition.toUtf8() +
                     " xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>";
    if (!text.isEmpty())
        out += "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>" + Xmpp::xmlEscaped(text) + "</text>";
    out += "</stream:error>";
    return out;
}

} // namespace Switchboard::WebSocket
