// SPDX-License-Identifier: GPL-3.0-or-later
#include "xmpp/stanzareader.h"

#include "xmpp/expatnames.h"
#include "xmpp/expatpool.h"

#include <expat.h>

#include <optional>

namespace Switchboard::Xmpp {

namespace {

constexpr QByteArrayView kStreamsNs = "http://etherx.jabber.org/streams";
constexpr QByteArrayView kXmlPrefix = "xml";
constexpr QByteArrayView kStreamPrefix = "stream";
// Feed Expat at most this much at once, so the size cap is checked at a bounded granularity even
// when the socket hands us megabytes in one read.
constexpr qsizetype kFeedSlice = 65536;

/// The name or namespace of a top-level element, kept from its start to its end: the stanza names and
/// jabber:client point at static data (two allocations per stanza otherwise).
QByteArray sharedBytes(QByteArrayView utf8)
{
    for (const QByteArrayView known :
         {kJabberClientNs, QByteArrayView("message"), QByteArrayView("presence"), QByteArrayView("iq")}) {
        if (utf8 == known)
            return QByteArray::fromRawData(known.data(), known.size());
    }
    return utf8.toByteArray();
}

} // namespace

struct StanzaReader::Private
{
    explicit Private(qint64 max) : maxElementSize(max) {}

    // --- the parser's lifecycle ------------------------------------------------------------------
    // An Expat parser costs about 11 KB (its tables and input buffer) and a server stream is idle
    // most of its life, so the reader holds one only while it has work: it is borrowed from the
    // per-thread pool when bytes arrive and given back when a feed ends between top-level elements
    // (depth 1, no byte of an unfinished element or tag kept), after a stream error and after
    // </stream:stream>. A parser borrowed in the middle of a stream is first fed a start tag of the
    // stream's root made from what the header declared (replayHeader(): its name and namespace
    // declarations, nothing else of it matters to the parser, so the header's bytes are not kept),
    // with no event, so namespace declarations, depth and every check are as if it had parsed the
    // whole stream; byte offsets and line numbers are carried across.

    /// Makes sure a parser is there for the next bytes.
    void acquireParser()
    {
        if (pooled)
            return;
        if (depth == 0) {
            createParser();
            return; // the stream has not opened yet: the parser starts at its first byte
        }
        // A parser another stream with the same root declarations left between two elements is
        // where this one would be after replayHeader(): it goes on from there, tables and all.
        const QByteArray header = replayHeader();
        qint64 fed = 0;
        if (XML_Parser warm = takeWarmParser(kExpatSeparator, header, &fed)) {
            pooled.emplace(warm, kExpatSeparator);
            parser = warm;
            setHandlers();
            fedBefore = carryBase = safePoint = fed;
            lineBase = releasedAtLine - qint64(XML_GetCurrentLineNumber(parser));
            return;
        }
        createParser();
        // The header's declarations are known already (namespaces): not reported again.
        XML_SetStartNamespaceDeclHandler(parser, nullptr);
        replaying = true;
        const XML_Status status = XML_Parse(parser, header.constData(), int(header.size()), XML_FALSE);
        replaying = false;
        XML_SetStartNamespaceDeclHandler(parser, &Private::onNsDecl);
        // The same bytes parsed the same way when they first came; a parser that now disagrees
        // cannot go on with this stream.
        if (status != XML_STATUS_OK || depth != 1) {
            fail(QStringLiteral("the stream header could not be parsed again"));
            return;
        }
        // Offsets restart with the header's bytes; nothing before them is kept (the parser was
        // released with nothing buffered).
        fedBefore = carryBase = safePoint = header.size();
        lineBase = releasedAtLine - qint64(XML_GetCurrentLineNumber(parser));
    }

    /// Gives the parser back when nothing of the stream is held in it.
    void releaseParserIfIdle()
    {
        if (!pooled)
            return;
        const bool betweenElements = depth == 1 && carry.isEmpty();
        if (!betweenElements && !failed && !closed)
            return;
        releasedAtLine = lineBase + qint64(XML_GetCurrentLineNumber(parser));
        // Between two elements of a stream that goes on, the parser can serve the next stream with
        // the same root declarations as it is (keepWarmParser()); else it is reset and pooled.
        if (betweenElements && !failed && !closed &&
            keepWarmParser(parser, kExpatSeparator, replayHeader(), fedBefore))
            pooled->release();
        releaseParser();
        // The scratch of the last element goes too; the next one allocates its own.
        elementName = {};
        elementNs = {};
        carry = {};
        namespaces.releaseScratch();
    }

    /// The root's start tag for a parser borrowed mid-stream: its qualified name and the declarations
    /// it made (the stream prefix and the default namespace the stanzas inherit, or whatever the peer
    /// declared there).
    QByteArray replayHeader() const
    {
        QByteArray header;
        header.reserve(128);
        header += '<';
        if (!rootPrefix.isEmpty()) {
            header += rootPrefix;
            header += ':';
        }
        header += "stream";
        namespaces.appendRootDeclarations(header);
        header += '>';
        return header;
    }

    void releaseParser()
    {
        // A stopped or failed parser is reset before it goes back to the pool (PooledParser).
        pooled.reset();
        parser = nullptr;
    }

    void createParser()
    {
        releaseParser();
        // Force UTF-8 whatever the XML declaration says: XMPP is UTF-8 only (RFC 6120 §11.6) and the
        // byte slicing below relies on it. The pool's parsers are namespace-aware and salted.
        pooled.emplace(kExpatSeparator);
        parser = pooled->get();
        XML_SetReturnNSTriplet(parser, 1);
        setHandlers();
    }

    /// The handlers of this reader on `parser` (after XML_SetReturnNSTriplet, which only a parser that
    /// has not started takes).
    void setHandlers()
    {
        XML_SetUserData(parser, this);
        XML_SetElementHandler(parser, &Private::onStart, &Private::onEnd);
        XML_SetCharacterDataHandler(parser, &Private::onText);
        XML_SetStartNamespaceDeclHandler(parser, &Private::onNsDecl);
        // RFC 6120 §11.1: comments, processing instructions, DTDs and entity declarations are not
        // allowed in an XMPP stream. Refusing the DOCTYPE also rules out every non-predefined entity.
        XML_SetCommentHandler(parser, &Private::onComment);
        XML_SetProcessingInstructionHandler(parser, &Private::onPi);
        XML_SetStartDoctypeDeclHandler(parser, &Private::onDoctype);
        XML_SetEntityDeclHandler(parser, &Private::onEntityDecl);
#if XML_MAJOR_VERSION > 2 || (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION >= 6)
        // Expat >= 2.6 may defer a large token until more input arrives; a stanza must be emitted as
        // soon as its last byte is here.
        XML_SetReparseDeferralEnabled(parser, XML_FALSE);
#endif
    }

    void reset()
    {
        releaseParser();
        rootPrefix = {};
        lineBase = 0;
        releasedAtLine = 0;
        depth = 0;
        failed = false;
        closed = false;
        fedBefore = 0;
        carry.clear();
        carryBase = 0;
        safePoint = 0;
        namespaces.clear();
    }

    // --- bytes -----------------------------------------------------------------------------------
    /// Bytes [from, to) of the stream (absolute offsets): from the carry and/or the current chunk.
    QByteArray bytes(qint64 from, qint64 to) const
    {
        if (from >= fedBefore)
            return chunk.sliced(from - fedBefore, to - from).toByteArray();
        QByteArray out;
        out.reserve(to - from);
        const qint64 carryEnd = qMin<qint64>(to, fedBefore);
        out.append(QByteArrayView(carry).sliced(from - carryBase, carryEnd - from));
        if (to > fedBefore)
            out.append(chunk.first(to - fedBefore));
        return out;
    }

    void fail(const QString &text, const QString &condition = QStringLiteral("not-well-formed"))
    {
        if (failed)
            return;
        failed = true;
        Event e{Event::Error, {}, {}, {}, {}, text, condition};
        out->append(std::move(e));
        XML_StopParser(parser, XML_FALSE);
    }

    // --- handlers --------------------------------------------------------------------------------
    static void XMLCALL onNsDecl(void *data, const XML_Char *prefix, const XML_Char *uri)
    {
        static_cast<Private *>(data)->namespaces.declare(prefix, uri);
    }

    static void XMLCALL onStart(void *data, const XML_Char *name, const XML_Char **atts)
    {
        auto *self = static_cast<Private *>(data);
        if (self->failed)
            return;
        if (self->replaying) {
            self->depth = 1; // the stream header again, for a newly borrowed parser
            return;
        }
        const ExpatName qn = splitExpatName(name);
        if (self->depth == 0) {
            self->openStream(qn, atts);
            return;
        }
        ++self->depth;
        const bool topLevel = self->depth == 2;
        if (topLevel) {
            self->elementStart = XML_GetCurrentByteIndex(self->parser);
            self->startTagLength = XML_GetCurrentByteCount(self->parser);
            self->elementName = sharedBytes(qn.local);
            self->elementNs = sharedBytes(qn.uri);
            self->elementQNameLength = qn.qualifiedLength();
        }
        self->namespaces.startElement(self->depth, qn, atts);
    }

    void openStream(const ExpatName &qn, const XML_Char **atts)
    {
        if (qn.local != "stream" || qn.uri != kStreamsNs) {
            fail(QStringLiteral("the root element is not <stream:stream xmlns:stream='%1'>")
                     .arg(QLatin1StringView(kStreamsNs)),
                 QStringLiteral("invalid-namespace"));
            return;
        }
        depth = 1;
        StreamHeader header;
        // What the header declares, the stanzas inherit (the default namespace and prefixes).
        namespaces.setInheritedDefault(namespaces.openRoot());
        header.defaultNamespace = sharedText(namespaces.inheritedDefault());
        for (const XML_Char **a = atts; *a; a += 2) {
            const ExpatName an = splitExpatName(*a);
            const QString value = sharedText(QByteArrayView(a[1]));
            if (an.uri.isEmpty()) {
                if (an.local == "id")
                    header.id = value;
                else if (an.local == "from")
                    header.from = value;
                else if (an.local == "to")
                    header.to = value;
                else if (an.local == "version")
                    header.version = value;
            } else if (an.prefix == kXmlPrefix && an.local == "lang") {
                header.lang = value;
            }
        }
        safePoint = XML_GetCurrentByteIndex(parser) + XML_GetCurrentByteCount(parser);
        // For a parser borrowed later in this stream (replayHeader()); "stream" points at static data.
        rootPrefix = qn.prefix == kStreamPrefix
                         ? QByteArray::fromRawData(kStreamPrefix.data(), kStreamPrefix.size())
                         : qn.prefix.toByteArray();
        Event e{Event::StreamOpened, std::move(header), {}, {}, {}, {}, {}};
        out->append(std::move(e));
    }

    static void XMLCALL onEnd(void *data, const XML_Char *)
    {
        auto *self = static_cast<Private *>(data);
        if (self->failed)
            return;
        if (self->depth == 1) {
            self->depth = 0;
            self->closed = true;
            self->safePoint = XML_GetCurrentByteIndex(self->parser) + XML_GetCurrentByteCount(self->parser);
            self->out->append(Event{Event::StreamClosed, {}, {}, {}, {}, {}, {}});
            // Anything after </stream:stream> is not ours to parse.
            XML_StopParser(self->parser, XML_FALSE);
            return;
        }
        self->namespaces.endElement(self->depth);
        if (self->depth-- == 2)
            self->finishElement();
    }

    void finishElement()
    {
        const qint64 count = XML_GetCurrentByteCount(parser);
        // An empty top-level element (<a/>) reports its end with a byte count of 0: it ends where its
        // start tag ends.
        const qint64 end =
            count > 0 ? XML_GetCurrentByteIndex(parser) + count : elementStart + startTagLength;
        if (end - elementStart > maxElementSize) {
            fail(QStringLiteral("an element exceeds %1 bytes").arg(maxElementSize),
                 QStringLiteral("policy-violation"));
            return;
        }
        QByteArray xml = bytes(elementStart, end);
        safePoint = end;
        namespaces.complete(xml, elementQNameLength);
        Event e{Event::Element, {}, std::move(xml), sharedText(elementName), sharedText(elementNs), {}, {}};
        out->append(std::move(e));
    }

    static void XMLCALL onText(void *data, const XML_Char *, int)
    {
        auto *self = static_cast<Private *>(data);
        // Whitespace keepalives between stanzas (RFC 6120 §4.6.1) need not be kept.
        if (self->depth == 1)
            self->safePoint = XML_GetCurrentByteIndex(self->parser) + XML_GetCurrentByteCount(self->parser);
    }

    static void XMLCALL onComment(void *data, const XML_Char *)
    {
        static_cast<Private *>(data)->fail(QStringLiteral("comments are not allowed (RFC 6120 §11.1)"),
                                           QStringLiteral("restricted-xml"));
    }
    static void XMLCALL onPi(void *data, const XML_Char *, const XML_Char *)
    {
        static_cast<Private *>(data)->fail(
            QStringLiteral("processing instructions are not allowed (RFC 6120 §11.1)"),
            QStringLiteral("restricted-xml"));
    }
    static void XMLCALL onDoctype(void *data, const XML_Char *, const XML_Char *, const XML_Char *, int)
    {
        static_cast<Private *>(data)->fail(QStringLiteral("a DTD is not allowed (RFC 6120 §11.1)"),
                                           QStringLiteral("restricted-xml"));
    }
    static void XMLCALL onEntityDecl(void *data, const XML_Char *, int, const XML_Char *, int,
                                     const XML_Char *, const XML_Char *, const XML_Char *, const XML_Char *)
    {
        static_cast<Private *>(data)->fail(
            QStringLiteral("entity declarations are not allowed (RFC 6120 §11.1)"),
            QStringLiteral("restricted-xml"));
    }

    void feedSlice(QByteArrayView slice)
    {
        acquireParser();
        if (failed)
            return;
        chunk = slice;
        if (XML_Parse(parser, slice.data(), int(slice.size()), XML_FALSE) == XML_STATUS_ERROR && !failed &&
            !closed) {
            fail(QStringLiteral("not well-formed: %1 at line %2")
                     .arg(QString::fromUtf8(XML_ErrorString(XML_GetErrorCode(parser))))
                     .arg(lineBase + qint64(XML_GetCurrentLineNumber(parser))));
        }
        if (failed || closed) {
            carry.clear();
            chunk = {};
            return;
        }
        // Keep only the bytes from the safe point on (the unfinished element, or a start tag Expat has
        // not reported yet), and discard the consumed prefix.
        const qint64 total = fedBefore + slice.size();
        if (safePoint >= fedBefore) {
            carry = slice.sliced(qMin<qint64>(safePoint - fedBefore, slice.size())).toByteArray();
        } else {
            carry.remove(0, safePoint - carryBase);
            carry.append(slice);
        }
        carryBase = qMin(safePoint, total);
        fedBefore = total;
        chunk = {};
        if (carry.size() > maxElementSize)
            fail(QStringLiteral("an element exceeds %1 bytes").arg(maxElementSize),
                 QStringLiteral("policy-violation"));
    }

    std::optional<PooledParser> pooled; // while bytes are being parsed or an element is unfinished
    XML_Parser parser = nullptr;        // pooled's parser, or null
    QByteArray rootPrefix;              // the prefix of the stream's root (replayHeader())
    bool replaying = false;             // feeding replayHeader() to a newly borrowed parser
    qint64 lineBase = 0;                // lines of the stream before the current parser's first one
    qint64 releasedAtLine = 0;          // the stream's line where the last parser was given back
    qint64 maxElementSize;
    QList<Event> *out = nullptr;
    int depth = 0;
    bool failed = false;
    bool closed = false;

    QByteArray carry;     // bytes of the stream from carryBase up to fedBefore
    qint64 carryBase = 0; // absolute offset of carry[0]
    qint64 fedBefore = 0; // absolute offset of the current chunk
    QByteArrayView chunk; // the slice being parsed
    qint64 safePoint = 0; // everything before this offset is no longer needed

    // Declarations, and what the elements inherit from the stream header.
    NamespaceFixup namespaces;

    qint64 elementStart = 0;
    qint64 startTagLength = 0;
    qsizetype elementQNameLength = 0;
    QByteArray elementName;
    QByteArray elementNs;
};

StanzaReader::StanzaReader(qint64 maxElementSize) : d(std::make_unique<Private>(maxElementSize)) {}

StanzaReader::~StanzaReader() = default;

void StanzaReader::feed(QByteArrayView data, QList<Event> &events)
{
    if (d->failed || d->closed)
        return;
    d->out = &events;
    while (!data.isEmpty() && !d->failed && !d->closed) {
        const qsizetype n = qMin(data.size(), kFeedSlice);
        d->feedSlice(data.first(n));
        data = data.sliced(n);
    }
    d->releaseParserIfIdle();
    d->out = nullptr;
}

void StanzaReader::reset()
{
    d->reset();
}

bool StanzaReader::hasFailed() const
{
    return d->failed;
}

bool StanzaReader::isMidElement() const
{
    return !d->failed && !d->closed && (d->depth >= 2 || !QByteArrayView(d->carry).trimmed().isEmpty());
}

bool StanzaReader::holdsParser() const
{
    return d->pooled.has_value();
}

} // namespace Switchboard::Xmpp
