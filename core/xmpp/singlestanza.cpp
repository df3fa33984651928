// SPDX-License-Identifier: GPL-3.0-or-later
#include "xmpp/singlestanza.h"

#include <QXmlStreamReader>

#include <algorithm>

namespace Switchboard::Xmpp {

SingleStanza parseSingleStanza(const QByteArray &xml, int maxDepth)
{
    SingleStanza out;
    QXmlStreamReader reader(xml);
    int depth = 0;
    int roots = 0;
    qint64 nameEnd = -1;
    while (!reader.atEnd()) {
        const auto token = reader.readNext();
        if (token == QXmlStreamReader::StartElement) {
            if (++depth > maxDepth) {
                out.problem = SingleStanza::Problem::TooDeep;
                return out;
            }
            if (depth == 1) {
                ++roots;
                out.name = reader.name().toString();
                out.namespaceUri = reader.namespaceUri().toString();
                out.prefixed = !reader.prefix().isEmpty();
                // xmlns='' leaves it in no namespace on purpose: no stanza, and the xmlns added below
                // would be a second one.
                const auto declarations = reader.namespaceDeclarations();
                if (out.namespaceUri.isEmpty() && std::any_of(declarations.cbegin(), declarations.cend(),
                                                              [](const QXmlStreamNamespaceDeclaration &d) {
                                                                  return d.prefix().isEmpty();
                                                              })) {
                    out.problem = SingleStanza::Problem::NotWellFormed;
                    out.parserError =
                        QStringLiteral("the stanza undeclares the default namespace (xmlns='')");
                    return out;
                }
                out.type = reader.attributes().value(QLatin1String("type")).toString();
                out.id = reader.attributes().value(QLatin1String("id")).toString();
                nameEnd = 1 + reader.qualifiedName().toUtf8().size(); // in the trimmed stanza
            }
        } else if (token == QXmlStreamReader::EndElement) {
            --depth;
        } else if (token == QXmlStreamReader::DTD || token == QXmlStreamReader::ProcessingInstruction ||
                   token == QXmlStreamReader::EntityReference || token == QXmlStreamReader::Comment ||
                   (token == QXmlStreamReader::StartDocument && !reader.documentVersion().isEmpty())) {
            out.problem = SingleStanza::Problem::Prolog;
            return out;
        }
    }
    if (reader.hasError()) {
        out.problem = SingleStanza::Problem::NotWellFormed;
        out.parserError = reader.errorString();
        return out;
    }
    if (roots != 1) {
        out.problem = SingleStanza::Problem::NotOne;
        return out;
    }
    out.xml = xml.trimmed();
    if (!out.xml.startsWith('<') || out.xml.startsWith("<!") || out.xml.startsWith("<?")) {
        out.problem = SingleStanza::Problem::NotAtStart;
        out.xml.clear();
        return out;
    }
    if (out.namespaceUri.isEmpty())
        out.xml.insert(nameEnd, " xmlns='jabber:client'");
    return out;
}

} // namespace Switchboard::Xmpp
