// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QMap>
#include <QString>

#include <memory>

namespace Switchboard::Xmpp {

/// Attributes of a stream header (<stream:stream ...>), namespaces resolved.
struct StreamHeader
{
    QString id;
    QString from;
    QString to;
    QString version;
    QString lang;
    QString defaultNamespace; ///< e.g. "jabber:client"
};

/// Splits an XMPP stream (bytes, in any split) into the stream header and complete top-level elements,
/// incrementally, with Expat. Each element is returned as the exact bytes the peer sent, with the
/// namespace declarations it inherits from the stream header (the default namespace and the `stream`
/// prefix, if used) added to its start tag, so it stands alone (XEP-0206 §2, RFC 7395 §3.3.3).
/// DTDs, entity declarations and entity references other than the five predefined are refused.
class StanzaReader
{
public:
    struct Event
    {
        enum Type { StreamOpened, Element, StreamClosed, Error } type;
        StreamHeader header; ///< for StreamOpened
        QByteArray xml;      ///< for Element: standalone element bytes
        QString name;        ///< for Element: local name ("message", "features", "error"...)
        QString ns;          ///< for Element: namespace URI of the element
        QString errorText;   ///< for Error
        /// For Error: the RFC 6120 §4.9.3 stream error condition to answer with ("not-well-formed",
        /// "policy-violation" for an element over the size cap, "restricted-xml" for comments, PIs,
        /// DTDs and entity declarations, "invalid-namespace" for a root other than <stream:stream>).
        QString condition;
    };

    /// `maxElementSize`: bytes of one unfinished top-level element before Error.
    explicit StanzaReader(qint64 maxElementSize = 500000);
    ~StanzaReader();
    StanzaReader(const StanzaReader &) = delete;
    StanzaReader &operator=(const StanzaReader &) = delete;

    /// Feeds bytes; appends the events they complete to `events`. After an Error the reader stays
    /// failed until reset().
    void feed(QByteArrayView data, QList<Event> &events);
    /// Forget everything (stream restart: the next bytes start a new stream header).
    void reset();
    bool hasFailed() const;
    /// True while bytes of an unfinished top-level element (or stream header) are held: the peer owes
    /// the rest (the server link's read deadline runs meanwhile).
    bool isMidElement() const;
    /// True while an Expat parser is held: from the first byte of a feed until it ends between
    /// top-level elements (or at an error or the stream's end). An idle stream holds none; the next
    /// bytes borrow one and replay the stream header into it.
    bool holdsParser() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace Switchboard::Xmpp
