// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace Switchboard::Gui {

/// Colours XML in a QTextDocument: tag names, attribute names and values, entities, comments, CDATA,
/// and the recorder's redaction marker. A small hand-written scanner rather than regular expressions so
/// a tag, comment or CDATA section may span lines (the block state carries where a line ended).
/// Colours follow the palette's lightness so the text stays readable with dark themes.
class XmlHighlighter final : public QSyntaxHighlighter
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(XmlHighlighter)
public:
    explicit XmlHighlighter(QTextDocument *document);

protected:
    void highlightBlock(const QString &text) override;

private:
    enum State { Text = 0, InTag = 1, InComment = 2, InCData = 3, InValueSingle = 4, InValueDouble = 5 };

    QTextCharFormat m_bracket;
    QTextCharFormat m_tagName;
    QTextCharFormat m_attributeName;
    QTextCharFormat m_attributeValue;
    QTextCharFormat m_entity;
    QTextCharFormat m_comment;
    QTextCharFormat m_cdata;
    QTextCharFormat m_redacted;
};

} // namespace Switchboard::Gui
