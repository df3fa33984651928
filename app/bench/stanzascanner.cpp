// SPDX-License-Identifier: GPL-3.0-or-later
#include "stanzascanner.h"

#include <QString>

#include <algorithm>
#include <cstring>

namespace Switchboard::Bench {

namespace {
bool isBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/// The index of the '>' that ends the tag starting at `from` (a '<'), skipping quoted attribute values
/// (XML 1.0 §3.1 allows '>' in them); -1 when it is not in `bytes` yet.
qsizetype tagEnd(QByteArrayView bytes, qsizetype from)
{
    char quote = 0;
    const char *data = bytes.data();
    for (qsizetype i = from + 1; i < bytes.size(); ++i) {
        const char c = data[i];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            return i;
        }
    }
    return -1;
}
} // namespace

void StanzaScanner::append(QByteArrayView bytes)
{
    const qsizetype drop = m_depth >= 2 ? m_elementStart : m_pos;
    if (drop > 0) {
        m_buffer.remove(0, drop);
        m_pos -= drop;
        m_elementStart -= drop;
    }
    m_buffer.append(bytes);
}

StanzaScanner::Token StanzaScanner::next()
{
    if (m_failed)
        return {Event::Error, {}};
    const QByteArrayView all(m_buffer);
    while (true) {
        const qsizetype open = m_buffer.indexOf('<', m_pos);
        if (open < 0) {
            // Character data: inside an element it is the element's; between elements only blanks
            // (RFC 6120 §4.6.1 whitespace keepalives) belong there, and cost nothing to skip.
            m_pos = m_buffer.size();
            break;
        }
        m_pos = open;
        if (open + 1 >= m_buffer.size())
            break;
        const char kind = m_buffer.at(open + 1);
        if (kind == '?') {
            // The XML declaration (RFC 6120 §11.1 allows no other processing instruction; it costs
            // nothing to skip them all).
            const qsizetype end = m_buffer.indexOf("?>", open + 2);
            if (end < 0)
                break;
            m_pos = end + 2;
            continue;
        }
        if (kind == '!') {
            // Only CDATA sections may appear (RFC 6120 §11.1: no comments, no DTD).
            static constexpr char cdata[] = "<![CDATA[";
            const qsizetype have = std::min<qsizetype>(m_buffer.size() - open, sizeof(cdata) - 1);
            if (std::memcmp(m_buffer.constData() + open, cdata, size_t(have)) != 0 || m_depth < 2)
                return fail();
            if (have < qsizetype(sizeof(cdata) - 1))
                break;
            const qsizetype end = m_buffer.indexOf("]]>", open + 9);
            if (end < 0)
                break;
            m_pos = end + 3;
            continue;
        }
        const qsizetype close = tagEnd(all, open);
        if (close < 0)
            break;
        m_pos = close + 1;
        if (kind == '/') {
            if (--m_depth < 0)
                return fail();
            if (m_depth == 1)
                return {Event::Element, all.sliced(m_elementStart, m_pos - m_elementStart)};
            if (m_depth == 0)
                return {Event::StreamClosed, {}};
            continue;
        }
        const bool empty = m_buffer.at(close - 1) == '/';
        if (m_depth == 0) {
            if (empty)
                return fail();
            m_depth = 1;
            return {Event::StreamOpened, all.sliced(open, m_pos - open)};
        }
        if (m_depth == 1) {
            if (empty)
                return {Event::Element, all.sliced(open, m_pos - open)};
            m_elementStart = open;
        }
        if (!empty)
            ++m_depth;
    }
    // Not complete yet: hold at most one element (or one tag between elements) of bytes.
    const qsizetype held = m_buffer.size() - (m_depth >= 2 ? m_elementStart : m_pos);
    if (held > m_maxElement)
        return fail();
    return {Event::NeedMore, {}};
}

QByteArrayView elementName(QByteArrayView element)
{
    qsizetype i = 1;
    while (i < element.size() && !isBlank(element[i]) && element[i] != '>' && element[i] != '/')
        ++i;
    return element.sliced(1, i - 1);
}

QByteArrayView startTag(QByteArrayView element)
{
    const qsizetype end = tagEnd(element, 0);
    return end < 0 ? element : element.first(end + 1);
}

AttributeSpan findAttribute(QByteArrayView tag, QByteArrayView name)
{
    // Walk name="value" pairs after the element name; values may hold anything but their own quote.
    qsizetype i = elementName(tag).size() + 1;
    const qsizetype size = tag.size();
    while (i < size) {
        const qsizetype blank = i;
        while (i < size && isBlank(tag[i]))
            ++i;
        const qsizetype nameStart = i;
        while (i < size && tag[i] != '=' && !isBlank(tag[i]) && tag[i] != '>' && tag[i] != '/')
            ++i;
        const QByteArrayView attr = tag.sliced(nameStart, i - nameStart);
        while (i < size && (isBlank(tag[i]) || tag[i] == '='))
            ++i;
        if (i >= size || (tag[i] != '\'' && tag[i] != '"'))
            return {};
        const char quote = tag[i];
        const qsizetype valueStart = ++i;
        while (i < size && tag[i] != quote)
            ++i;
        if (i >= size)
            return {};
        if (attr == name)
            return {true, blank, i + 1, tag.sliced(valueStart, i - valueStart)};
        ++i;
    }
    return {};
}

QByteArray xmlUnescaped(QByteArrayView text)
{
    if (!text.contains('&'))
        return text.toByteArray();
    QByteArray out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const qsizetype semi = text[i] == '&' ? text.indexOf(';', i) : -1;
        if (semi < 0) {
            out.append(text[i]);
            continue;
        }
        const QByteArrayView entity = text.sliced(i + 1, semi - i - 1);
        if (entity == "lt")
            out.append('<');
        else if (entity == "gt")
            out.append('>');
        else if (entity == "amp")
            out.append('&');
        else if (entity == "apos")
            out.append('\'');
        else if (entity == "quot")
            out.append('"');
        else if (entity.startsWith('#')) {
            bool ok = false;
            const uint code =
                entity.startsWith("#x") ? entity.sliced(2).toUInt(&ok, 16) : entity.sliced(1).toUInt(&ok, 10);
            if (!ok)
                return {};
            const char32_t ucs4 = char32_t(code);
            out.append(QString::fromUcs4(&ucs4, 1).toUtf8());
        } else {
            return {};
        }
        i = semi;
    }
    return out;
}

QByteArray xmlEscaped(QByteArrayView text)
{
    QByteArray out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '<':
            out.append("&lt;");
            break;
        case '>':
            out.append("&gt;");
            break;
        case '&':
            out.append("&amp;");
            break;
        case '\'':
            out.append("&apos;");
            break;
        case '"':
            out.append("&quot;");
            break;
        default:
            out.append(c);
        }
    }
    return out;
}

} // namespace Switchboard::Bench
