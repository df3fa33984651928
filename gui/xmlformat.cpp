// SPDX-License-Identifier: GPL-3.0-or-later
#include "xmlformat.h"

#include <QCoreApplication>
#include <QXmlStreamReader>
#include <QXmlStreamWriter>

namespace Switchboard::Gui {

namespace {

/// Streams (prefix-tolerant) tokens from the reader to the writer. Returns false on a parse error.
bool copyTokens(QXmlStreamReader &reader, QXmlStreamWriter &writer, int depthOffset)
{
    int depth = 0;
    while (!reader.atEnd()) {
        reader.readNext();
        switch (reader.tokenType()) {
        case QXmlStreamReader::StartElement:
            ++depth;
            if (depth > depthOffset) {
                writer.writeStartElement(reader.qualifiedName().toString());
                const QXmlStreamAttributes attributes = reader.attributes();
                for (const QXmlStreamAttribute &attribute : attributes)
                    writer.writeAttribute(attribute.qualifiedName().toString(), attribute.value().toString());
            }
            break;
        case QXmlStreamReader::EndElement:
            if (depth > depthOffset)
                writer.writeEndElement();
            --depth;
            break;
        case QXmlStreamReader::Characters:
            if (depth <= depthOffset && reader.isWhitespace())
                break;
            if (reader.isCDATA())
                writer.writeCDATA(reader.text().toString());
            else if (!reader.isWhitespace())
                writer.writeCharacters(reader.text().toString());
            break;
        case QXmlStreamReader::Comment:
            writer.writeComment(reader.text().toString());
            break;
        case QXmlStreamReader::ProcessingInstruction:
            writer.writeProcessingInstruction(reader.processingInstructionTarget().toString(),
                                              reader.processingInstructionData().toString());
            break;
        case QXmlStreamReader::EntityReference:
            writer.writeEntityReference(reader.name().toString());
            break;
        default:
            break;
        }
    }
    return !reader.hasError();
}

} // namespace

QString prettyXml(const QByteArray &xml, bool *ok)
{
    const QByteArray trimmed = xml.trimmed();
    // A wrapper element lets several top-level elements (a BOSH body's payload, say) parse as one
    // document; it is not written out.
    QXmlStreamReader reader(QByteArrayLiteral("<w>") + trimmed + QByteArrayLiteral("</w>"));
    reader.setNamespaceProcessing(false);
    QString out;
    QXmlStreamWriter writer(&out);
    writer.setAutoFormatting(true);
    writer.setAutoFormattingIndent(2);
    const bool parsed = !trimmed.isEmpty() && copyTokens(reader, writer, 1);
    if (ok)
        *ok = parsed;
    if (!parsed)
        return QString::fromUtf8(xml);
    return out.trimmed();
}

bool checkStanza(const QString &xml, XmlProblem *problem)
{
    auto fail = [problem](const QString &message, qint64 line, qint64 column) {
        if (problem)
            *problem = XmlProblem{message, int(line), int(column)};
        return false;
    };
    if (xml.trimmed().isEmpty())
        return fail(QCoreApplication::translate("Switchboard::Gui::XmlCheck", "The stanza is empty."), 0, 0);

    QXmlStreamReader reader(xml);
    int depth = 0;
    int roots = 0;
    while (!reader.atEnd()) {
        reader.readNext();
        switch (reader.tokenType()) {
        case QXmlStreamReader::StartDocument:
            if (!reader.documentVersion().isEmpty())
                return fail(QCoreApplication::translate("Switchboard::Gui::XmlCheck",
                                                        "An XML declaration is not allowed inside a stream."),
                            reader.lineNumber(), reader.columnNumber());
            break;
        case QXmlStreamReader::DTD:
            return fail(QCoreApplication::translate("Switchboard::Gui::XmlCheck",
                                                    "A DOCTYPE is not allowed in XMPP."),
                        reader.lineNumber(), reader.columnNumber());
        case QXmlStreamReader::ProcessingInstruction:
            return fail(QCoreApplication::translate("Switchboard::Gui::XmlCheck",
                                                    "Processing instructions are not allowed in XMPP."),
                        reader.lineNumber(), reader.columnNumber());
        case QXmlStreamReader::StartElement:
            if (depth == 0 && ++roots > 1)
                return fail(QCoreApplication::translate("Switchboard::Gui::XmlCheck",
                                                        "Only one top-level element can be sent at a time."),
                            reader.lineNumber(), reader.columnNumber());
            ++depth;
            break;
        case QXmlStreamReader::EndElement:
            --depth;
            break;
        case QXmlStreamReader::Characters:
            if (depth == 0 && !reader.isWhitespace())
                return fail(QCoreApplication::translate("Switchboard::Gui::XmlCheck",
                                                        "Text outside the top-level element."),
                            reader.lineNumber(), reader.columnNumber());
            break;
        default:
            break;
        }
    }
    if (reader.hasError() && reader.error() != QXmlStreamReader::PrematureEndOfDocumentError)
        return fail(reader.errorString(), reader.lineNumber(), reader.columnNumber());
    if (reader.hasError() || depth != 0)
        return fail(QCoreApplication::translate("Switchboard::Gui::XmlCheck",
                                                "The stanza ends before its element is closed."),
                    reader.lineNumber(), reader.columnNumber());
    if (roots == 0)
        return fail(QCoreApplication::translate("Switchboard::Gui::XmlCheck", "There is no element."), 0, 0);
    return true;
}

} // namespace Switchboard::Gui
