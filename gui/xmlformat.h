// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

namespace Switchboard::Gui {

/// Indents an XML fragment (one stanza, or several top-level elements) for the detail pane. Namespace
/// prefixes are kept as written and not checked, so a `<stream:features/>` cut out of its stream still
/// formats. Text that does not parse comes back unchanged (decoded as UTF-8) and `ok` is set to false.
QString prettyXml(const QByteArray &xml, bool *ok = nullptr);

/// Where and why a piece of XML is not acceptable as one stanza.
struct XmlProblem
{
    QString message;
    int line = 0;   ///< 1-based, 0 when the problem has no position (e.g. empty input)
    int column = 0; ///< 1-based
};

/// Checks that `xml` is exactly one namespace-well-formed element (what the inject editor accepts
/// before anything reaches a session). Leading and trailing whitespace is allowed; an XML declaration,
/// a DOCTYPE, processing instructions, a second top-level element or stray text are not (RFC 6120 §11.1
/// restricts what an XML stream may carry). Returns true when it is acceptable, else fills `problem`.
bool checkStanza(const QString &xml, XmlProblem *problem = nullptr);

} // namespace Switchboard::Gui
