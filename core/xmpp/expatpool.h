// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <expat.h>

namespace Switchboard::Xmpp {

/// The hash salt every Expat parser of this process uses: random once per process, so hash flooding
/// stays out of reach, without each new or reset parser asking the kernel for entropy (a system call
/// per parsed request or message).
unsigned long expatHashSalt();

/// Frees the parsers this thread keeps between uses (the pool's, the series parsers not in use, the
/// warm stream parsers); they are made again when next needed. For the heap trim after a wave of
/// sessions ended (HeapTrimmer::aboutToTrim()): parsers made during the wave would otherwise stay
/// among its freed pages.
void releaseIdleParsers();

/// Borrows a namespace-aware Expat parser (UTF-8 forced) from a small per-thread pool for one document
/// and gives it back reset: creating a parser per BOSH request or WebSocket message costs allocations
/// that a reset avoids. Set every handler and option after borrowing; the reset clears them.
class PooledParser
{
public:
    explicit PooledParser(char namespaceSeparator);
    /// Takes `parser` over (one of takeWarmParser()'s): given back reset like a borrowed one.
    PooledParser(XML_Parser parser, char namespaceSeparator)
        : m_parser(parser), m_separator(namespaceSeparator)
    {}
    ~PooledParser();
    PooledParser(const PooledParser &) = delete;
    PooledParser &operator=(const PooledParser &) = delete;

    XML_Parser get() const { return m_parser; }
    /// Gives the parser up as it is (keepWarmParser() took it): nothing is reset or given back.
    void release() { m_parser = nullptr; }

private:
    XML_Parser m_parser;
    char m_separator;
};

/// Stream parsers (StanzaReader) left between two top-level elements, inside a root whose start tag
/// (its name and namespace declarations only) is `rootTag`, with `fed` bytes consumed: any stream with
/// the same root tag can go on in such a parser as if it had parsed its own header, without the reset,
/// the replay of the header and Expat's rebuilding of its name tables that borrowing a pooled parser
/// costs. Per thread, a few at most (not per stream: an idle stream keeps none); a parser that has
/// consumed kMaxWarmBytes is not kept, so that its tables cannot grow without end.
/// keepWarmParser() takes the parser (its handlers and user data are cleared) or returns false (the
/// caller keeps it); takeWarmParser() returns null when none has that root tag.
inline constexpr qint64 kMaxWarmBytes = 1 << 20;
bool keepWarmParser(XML_Parser parser, char namespaceSeparator, const QByteArray &rootTag, qint64 fed);
XML_Parser takeWarmParser(char namespaceSeparator, QByteArrayView rootTag, qint64 *fed);

/// Parses small standalone documents one after the other (BOSH request bodies, WebSocket messages) as
/// the children of one long Expat document that never ends: a parser per thread and kind (separator,
/// triplets), first fed a start tag of its own (`<r>`), then each document. Expat keeps its element,
/// attribute and prefix tables from one document to the next, where a reset parser frees them and
/// builds them again entry by entry (about half of the allocations of a BOSH message).
///
/// Only a document that parses cleanly can be told apart this way: the caller sets its handlers (after
/// borrowing: those of the previous document are cleared), parse()s, and accepts the result only when
/// its handlers saw exactly one root element start and end and everything after that root is
/// whitespace (trailingIsWhitespace()). Anything else (an error, a root left open, a second element,
/// an XML declaration, which only a document's first bytes may hold) is not an answer: the caller
/// parses the bytes again on a PooledParser for the standalone verdict and its error text, and this
/// parser is dropped. Byte indexes in the handlers count from the series' start: subtract offset().
/// Bounded: a parser is replaced once kMaxSeriesBytes went through it, so its tables cannot grow
/// without end with the names peers send. Thread: the one that made it; not for nested use (a second
/// borrower on the same thread at the same time gets a parser of its own, dropped afterwards).
class SeriesParser
{
public:
    static constexpr qint64 kMaxSeriesBytes = 1 << 20;

    SeriesParser(char namespaceSeparator, bool nsTriplets);
    ~SeriesParser();
    SeriesParser(const SeriesParser &) = delete;
    SeriesParser &operator=(const SeriesParser &) = delete;

    XML_Parser get() const { return m_parser; }
    /// The byte index (XML_GetCurrentByteIndex) of the document's first byte.
    qint64 offset() const { return m_offset; }
    /// Feeds the whole document (never final). False when Expat refused it or a handler stopped it.
    bool parse(QByteArrayView document);
    /// True when the bytes of the document from `index` (a byte index as the handlers see it, e.g. the
    /// end of the root) to its end are XML whitespace only.
    bool trailingIsWhitespace(qint64 index) const;
    /// True when the bytes of the document before `index` (e.g. the root's start) are XML whitespace only.
    bool leadingIsWhitespace(qint64 index) const;
    /// The document was not clean: the parser is not used again.
    void discard() { m_broken = true; }

private:
    XML_Parser m_parser = nullptr;
    QByteArrayView m_document;
    qint64 m_offset = 0;
    char m_separator;
    bool m_triplets;
    bool m_own = false; ///< not the thread's (nested use): freed afterwards
    bool m_broken = false;
};

} // namespace Switchboard::Xmpp
