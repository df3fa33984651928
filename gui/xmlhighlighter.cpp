// SPDX-License-Identifier: GPL-3.0-or-later
#include "xmlhighlighter.h"

#include <QGuiApplication>
#include <QPalette>

namespace Switchboard::Gui {

namespace {

bool isNameChar(QChar c)
{
    return c.isLetterOrNumber() || c == u':' || c == u'_' || c == u'-' || c == u'.';
}

} // namespace

XmlHighlighter::XmlHighlighter(QTextDocument *document) : QSyntaxHighlighter(document)
{
    const bool dark = QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
    auto color = [dark](const char *light, const char *darkColor) {
        return QColor::fromString(QLatin1String(dark ? darkColor : light));
    };
    m_bracket.setForeground(color("#6a737d", "#9da5b4"));
    m_tagName.setForeground(color("#22863a", "#7ee787"));
    m_tagName.setFontWeight(QFont::DemiBold);
    m_attributeName.setForeground(color("#6f42c1", "#d2a8ff"));
    m_attributeValue.setForeground(color("#032f62", "#a5d6ff"));
    m_entity.setForeground(color("#b31d28", "#ffa198"));
    m_comment.setForeground(color("#6a737d", "#8b949e"));
    m_comment.setFontItalic(true);
    m_cdata.setForeground(color("#735c0f", "#e3b341"));
    m_redacted.setForeground(color("#ffffff", "#0d1117"));
    m_redacted.setBackground(color("#d73a49", "#ff7b72"));
}

void XmlHighlighter::highlightBlock(const QString &text)
{
    int state = previousBlockState() < 0 ? Text : previousBlockState();
    const qsizetype n = text.size();
    qsizetype i = 0;
    auto until = [&](QLatin1String end, const QTextCharFormat &format) {
        const qsizetype at = text.indexOf(end, i);
        const qsizetype stop = at < 0 ? n : at + end.size();
        setFormat(int(i), int(stop - i), format);
        i = stop;
        return at >= 0;
    };
    while (i < n) {
        switch (state) {
        case InComment:
            if (until(QLatin1String("-->"), m_comment))
                state = Text;
            break;
        case InCData:
            if (until(QLatin1String("]]>"), m_cdata))
                state = Text;
            break;
        case InValueSingle:
        case InValueDouble: {
            const QChar quote = state == InValueSingle ? u'\'' : u'"';
            const qsizetype at = text.indexOf(quote, i);
            const qsizetype stop = at < 0 ? n : at + 1;
            setFormat(int(i), int(stop - i), m_attributeValue);
            i = stop;
            if (at >= 0)
                state = InTag;
            break;
        }
        case InTag: {
            const QChar c = text.at(i);
            if (c == u'>' || (c == u'/' && i + 1 < n && text.at(i + 1) == u'>')) {
                const int length = c == u'>' ? 1 : 2;
                setFormat(int(i), length, m_bracket);
                i += length;
                state = Text;
            } else if (c == u'\'' || c == u'"') {
                state = c == u'\'' ? InValueSingle : InValueDouble;
                setFormat(int(i), 1, m_attributeValue);
                ++i;
            } else if (isNameChar(c)) {
                const qsizetype start = i;
                while (i < n && isNameChar(text.at(i)))
                    ++i;
                setFormat(int(start), int(i - start), m_attributeName);
            } else {
                ++i;
            }
            break;
        }
        default: {
            const QChar c = text.at(i);
            if (c == u'<') {
                if (QStringView(text).mid(i).startsWith(u"<!--")) {
                    state = InComment;
                } else if (QStringView(text).mid(i).startsWith(u"<![CDATA[")) {
                    state = InCData;
                } else {
                    const qsizetype start = i;
                    ++i;
                    if (i < n && (text.at(i) == u'/' || text.at(i) == u'?' || text.at(i) == u'!'))
                        ++i;
                    setFormat(int(start), int(i - start), m_bracket);
                    const qsizetype nameStart = i;
                    while (i < n && isNameChar(text.at(i)))
                        ++i;
                    setFormat(int(nameStart), int(i - nameStart), m_tagName);
                    state = InTag;
                }
            } else if (c == u'&') {
                const qsizetype end = text.indexOf(u';', i);
                const qsizetype stop = end < 0 ? i + 1 : end + 1;
                setFormat(int(i), int(stop - i), m_entity);
                i = stop;
            } else {
                ++i;
            }
            break;
        }
        }
    }
    setCurrentBlockState(state);

    // The recorder's redaction marker stands out wherever it is (text or attribute value).
    static const QLatin1String marker("[redacted]");
    for (qsizetype at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + marker.size()))
        setFormat(int(at), int(marker.size()), m_redacted);
}

} // namespace Switchboard::Gui
