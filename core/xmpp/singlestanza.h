// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

namespace Switchboard::Xmpp {

/// One stanza given whole from outside a stream (the operator's inject action, the REST API's
/// /stanzas): exactly one namespace-well-formed element, with no XML declaration, DOCTYPE, entity
/// reference, comment or processing instruction (RFC 6120 §11.1), nested at most `maxDepth` deep.
///
/// What a stanza must be beyond that (its name, its namespace) is the caller's rule, and so is the
/// wording of the error it reports. A plain function, no thread ties.
struct SingleStanza
{
    enum class Problem {
        None,
        TooDeep,       ///< nested deeper than maxDepth
        Prolog,        ///< a declaration, DOCTYPE, comment, entity reference or processing instruction
        NotWellFormed, ///< see `parserError`; also an element that undeclares the default namespace
        NotOne,        ///< no element, or more than one
        NotAtStart,    ///< text before the element
    };
    Problem problem = Problem::None;
    QString parserError; ///< the parser's message for NotWellFormed

    QByteArray xml;        ///< trimmed; xmlns='jabber:client' added when the element had no namespace
    QString name;          ///< the element's local name
    QString namespaceUri;  ///< as given (empty when it had none)
    QString type, id;      ///< its attributes
    bool prefixed = false; ///< the element's name carries a namespace prefix (<c:message ...>)

    bool ok() const { return problem == Problem::None; }
};

SingleStanza parseSingleStanza(const QByteArray &xml, int maxDepth);

} // namespace Switchboard::Xmpp
