// SPDX-License-Identifier: GPL-3.0-or-later
#include "xmpp/expatpool.h"

#include <QRandomGenerator>

#include <climits>
#include <iterator>

#include <utility>
#include <vector>

namespace Switchboard::Xmpp {

namespace {
constexpr std::size_t kPoolSize = 4;

struct Pool
{
    std::vector<std::pair<char, XML_Parser>> idle;
    ~Pool()
    {
        for (auto &[separator, parser] : idle)
            XML_ParserFree(parser);
    }
};

thread_local Pool t_pool;

/// The thread's series parsers (SeriesParser), one per kind.
struct Series
{
    struct Entry
    {
        char separator;
        bool triplets;
        bool busy = false;
        XML_Parser parser = nullptr;
        qint64 fed = 0; ///< bytes fed so far, the start tag of its own included
    };
    std::vector<Entry> entries;
    ~Series()
    {
        for (Entry &entry : entries) {
            if (entry.parser)
                XML_ParserFree(entry.parser);
        }
    }
};

thread_local Series t_series;

/// The thread's warm stream parsers (keepWarmParser()), most recently kept last.
struct Warm
{
    struct Entry
    {
        char separator;
        QByteArray rootTag;
        XML_Parser parser;
        qint64 fed;
    };
    static constexpr std::size_t kMax = 4;
    std::vector<Entry> entries;
    ~Warm()
    {
        for (Entry &entry : entries)
            XML_ParserFree(entry.parser);
    }
};

thread_local Warm t_warm;

constexpr char kSeriesRoot[] = "<r>";

/// A parser inside an open root element of its own, nothing else fed; null when Expat refuses (out of
/// memory).
XML_Parser newSeriesParser(char separator, bool triplets)
{
    XML_Parser parser = XML_ParserCreateNS("UTF-8", separator);
    if (!parser)
        return nullptr;
    XML_SetHashSalt(parser, expatHashSalt());
    XML_SetReturnNSTriplet(parser, triplets ? 1 : 0);
#if XML_MAJOR_VERSION > 2 || (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION >= 6)
    // Every document is complete when fed: its events must come during parse(), not with the next one.
    XML_SetReparseDeferralEnabled(parser, XML_FALSE);
#endif
    if (XML_Parse(parser, kSeriesRoot, int(sizeof kSeriesRoot - 1), XML_FALSE) != XML_STATUS_OK) {
        XML_ParserFree(parser);
        return nullptr;
    }
    return parser;
}

void clearHandlers(XML_Parser parser)
{
    XML_SetUserData(parser, nullptr);
    XML_SetElementHandler(parser, nullptr, nullptr);
    XML_SetCharacterDataHandler(parser, nullptr);
    XML_SetNamespaceDeclHandler(parser, nullptr, nullptr);
    XML_SetCommentHandler(parser, nullptr);
    XML_SetProcessingInstructionHandler(parser, nullptr);
    XML_SetDoctypeDeclHandler(parser, nullptr, nullptr);
    XML_SetEntityDeclHandler(parser, nullptr);
    XML_SetSkippedEntityHandler(parser, nullptr);
    XML_SetCdataSectionHandler(parser, nullptr, nullptr);
}
} // namespace

unsigned long expatHashSalt()
{
    static const unsigned long salt = [] {
        unsigned long value = 0;
        while (value == 0) // Expat treats 0 as "not set" and would ask the kernel itself
            value = static_cast<unsigned long>(QRandomGenerator::system()->generate64());
        return value;
    }();
    return salt;
}

PooledParser::PooledParser(char namespaceSeparator) : m_parser(nullptr), m_separator(namespaceSeparator)
{
    for (auto it = t_pool.idle.begin(); it != t_pool.idle.end(); ++it) {
        if (it->first == namespaceSeparator) {
            m_parser = it->second;
            t_pool.idle.erase(it);
            break;
        }
    }
    if (!m_parser)
        m_parser = XML_ParserCreateNS("UTF-8", namespaceSeparator);
    XML_SetHashSalt(m_parser, expatHashSalt());
}

PooledParser::~PooledParser()
{
    if (!m_parser)
        return;
    if (t_pool.idle.size() < kPoolSize && XML_ParserReset(m_parser, "UTF-8") == XML_TRUE) {
        t_pool.idle.emplace_back(m_separator, m_parser);
        return;
    }
    XML_ParserFree(m_parser);
}

void releaseIdleParsers()
{
    for (auto &[separator, parser] : t_pool.idle)
        XML_ParserFree(parser);
    t_pool.idle = {};
    for (Series::Entry &entry : t_series.entries) {
        if (!entry.busy && entry.parser) {
            XML_ParserFree(entry.parser);
            entry.parser = nullptr;
        }
    }
    for (Warm::Entry &entry : t_warm.entries)
        XML_ParserFree(entry.parser);
    t_warm.entries = {};
}

bool keepWarmParser(XML_Parser parser, char namespaceSeparator, const QByteArray &rootTag, qint64 fed)
{
    if (fed >= kMaxWarmBytes)
        return false;
    clearHandlers(parser);
    if (t_warm.entries.size() >= Warm::kMax) {
        XML_ParserFree(t_warm.entries.front().parser); // the least recently kept
        t_warm.entries.erase(t_warm.entries.begin());
    }
    t_warm.entries.push_back({namespaceSeparator, rootTag, parser, fed});
    return true;
}

XML_Parser takeWarmParser(char namespaceSeparator, QByteArrayView rootTag, qint64 *fed)
{
    for (auto it = t_warm.entries.rbegin(); it != t_warm.entries.rend(); ++it) {
        if (it->separator != namespaceSeparator || it->rootTag != rootTag)
            continue;
        XML_Parser parser = it->parser;
        *fed = it->fed;
        t_warm.entries.erase(std::next(it).base());
        return parser;
    }
    return nullptr;
}

SeriesParser::SeriesParser(char namespaceSeparator, bool nsTriplets)
    : m_separator(namespaceSeparator), m_triplets(nsTriplets)
{
    Series::Entry *entry = nullptr;
    for (Series::Entry &e : t_series.entries) {
        if (e.separator == namespaceSeparator && e.triplets == nsTriplets)
            entry = &e;
    }
    if (!entry) {
        t_series.entries.push_back({namespaceSeparator, nsTriplets});
        entry = &t_series.entries.back();
    }
    if (entry->busy) {
        m_own = true;
        m_parser = newSeriesParser(namespaceSeparator, nsTriplets);
        m_offset = qint64(sizeof kSeriesRoot - 1);
        return;
    }
    if (entry->parser && entry->fed >= kMaxSeriesBytes) {
        XML_ParserFree(entry->parser);
        entry->parser = nullptr;
    }
    if (!entry->parser) {
        entry->parser = newSeriesParser(namespaceSeparator, nsTriplets);
        entry->fed = qint64(sizeof kSeriesRoot - 1);
    }
    entry->busy = true;
    m_parser = entry->parser;
    m_offset = entry->fed;
    if (m_parser)
        clearHandlers(m_parser);
}

SeriesParser::~SeriesParser()
{
    if (m_own) {
        if (m_parser)
            XML_ParserFree(m_parser);
        return;
    }
    for (Series::Entry &entry : t_series.entries) {
        if (entry.separator != m_separator || entry.triplets != m_triplets)
            continue;
        entry.busy = false;
        entry.fed = m_offset + m_document.size();
        if (m_broken && entry.parser) {
            XML_ParserFree(entry.parser);
            entry.parser = nullptr;
        } else if (entry.parser) {
            clearHandlers(entry.parser); // no handler may point at the caller's state afterwards
        }
        return;
    }
}

bool SeriesParser::parse(QByteArrayView document)
{
    m_document = document;
    if (!m_parser || document.size() > qsizetype(INT_MAX)) {
        m_broken = true;
        return false;
    }
    if (XML_Parse(m_parser, document.data(), int(document.size()), XML_FALSE) == XML_STATUS_OK)
        return true;
    m_broken = true;
    return false;
}

namespace {
bool isXmlWhitespace(QByteArrayView bytes)
{
    for (const char c : bytes) {
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            return false;
    }
    return true;
}
} // namespace

bool SeriesParser::trailingIsWhitespace(qint64 index) const
{
    const qint64 from = index - m_offset;
    return from >= 0 && from <= m_document.size() && isXmlWhitespace(m_document.sliced(from));
}

bool SeriesParser::leadingIsWhitespace(qint64 index) const
{
    const qint64 to = index - m_offset;
    return to >= 0 && to <= m_document.size() && isXmlWhitespace(m_document.first(to));
}

} // namespace Switchboard::Xmpp
