// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace Switchboard::Bench {

/// Cuts an XMPP stream (RFC 6120 §4) into its stream header, its top-level elements and its end, as
/// bytes, without parsing them into anything: it tracks only element depth and the quotes of attribute
/// values. Made for the capacity server (capacityserver.h), whose cost per stanza must stay far below
/// Switchboard's; it checks no more of XML than it needs to find element boundaries, so it is no
/// validating parser and nothing but a benchmark may rely on it.
///
/// Bytes are fed in any split with append(); next() returns the next event. The bytes an event points
/// at stay valid until the next append(). A top-level element (with its start tag, children and end
/// tag) may not exceed `maxElement` bytes: past that next() reports Error. Not thread-safe; one
/// connection's owner uses it.
class StanzaScanner
{
public:
    enum class Event {
        NeedMore,     ///< nothing complete in the bytes fed so far
        StreamOpened, ///< `bytes`: the stream header's start tag (`<stream:stream ...>`)
        Element,      ///< `bytes`: one complete top-level element
        StreamClosed, ///< `</stream:stream>` arrived
        Error,        ///< not an XMPP stream, or an element over the cap: stop reading
    };
    struct Token
    {
        Event event = Event::NeedMore;
        QByteArrayView bytes;
    };

    explicit StanzaScanner(qsizetype maxElement = 1 << 20) : m_maxElement(maxElement) {}

    /// Adds bytes read from the peer (drops the bytes of the events already returned first).
    void append(QByteArrayView bytes);
    /// The next event in the bytes fed so far.
    Token next();
    /// RFC 6120 §6.4.6: after SASL success the stream is replaced; what follows starts with a new
    /// header. Bytes already fed after the last element are kept for the new stream.
    void restart() { m_depth = 0; }
    /// Bytes held for an element or tag not yet complete.
    qsizetype pending() const { return m_buffer.size() - (m_depth >= 2 ? m_elementStart : m_pos); }

private:
    Token fail()
    {
        m_failed = true;
        return {Event::Error, {}};
    }

    QByteArray m_buffer;
    qsizetype m_pos = 0;          ///< where scanning resumes
    qsizetype m_elementStart = 0; ///< the '<' of the top-level element in progress (depth >= 2)
    qsizetype m_maxElement;
    int m_depth = 0; ///< 0: before the header, 1: between top-level elements, 2+: inside one
    bool m_failed = false;
};

/// The local name of an element as written (with any prefix), from its first bytes.
QByteArrayView elementName(QByteArrayView element);
/// The start tag of an element (up to and including its first '>' outside quotes).
QByteArrayView startTag(QByteArrayView element);
/// Where attribute `name` is in a start tag: the span from the blank before it to its closing quote,
/// and its raw (still escaped) value. `found` is false when the tag has no such attribute.
struct AttributeSpan
{
    bool found = false;
    qsizetype begin = 0;
    qsizetype end = 0;
    QByteArrayView value;
};
AttributeSpan findAttribute(QByteArrayView tag, QByteArrayView name);
/// The raw value of attribute `name` in an element's start tag; empty when absent.
inline QByteArrayView attributeValue(QByteArrayView element, QByteArrayView name)
{
    return findAttribute(startTag(element), name).value;
}
/// Replaces XML's predefined entities and character references (XML 1.0 §4.6, §4.1).
QByteArray xmlUnescaped(QByteArrayView text);
/// Escapes text for an attribute value in single quotes or for character data.
QByteArray xmlEscaped(QByteArrayView text);

} // namespace Switchboard::Bench
