// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace Switchboard::Rest {

/// What a top-level stanza says at a glance: its element, addressing and the children an event or a
/// routing decision needs. Read from the bytes the server sent (one standalone element).
struct StanzaSummary
{
    QString name; ///< message, presence, iq (or another element: features, failure...)
    QString ns;   ///< namespace of the element
    QString from, to, type, id;
    QString body, subject, show, status; ///< direct children's text (null when absent)
    QString childName, childNs;          ///< first child element (the payload of an IQ)
    bool valid = false;                  ///< one well-formed element
};

/// Reads the summary of one element; `valid` is false for anything but one well-formed element.
StanzaSummary summarize(const QByteArray &xml);

/// One thing that reached a REST session, as its client reads it (docs/REST.md): a stanza from the
/// server, or a word from Switchboard about the session itself (kind "session").
struct Event
{
    qint64 seq = 0;
    QString kind; ///< message, presence, iq, subscription, error, session
    QString from, to, type, id;
    QString body, subject, show, status; ///< only in the JSON when present in the stanza
    QByteArray xml;
    qint64 queuedAt = 0; ///< the session's clock when queued (ms); not in the JSON
    qint64 expired = -1; ///< kind session, type expired: how many events expired (JSON "expired")

    /// The event of a stanza: presence of type subscribe/subscribed/unsubscribe/unsubscribed is
    /// "subscription" (RFC 6121 §3), any stanza of type error is "error" (RFC 6120 §8.3).
    static Event fromStanza(const StanzaSummary &stanza, const QByteArray &xml);
    QJsonObject toJson() const;
    /// The event toJson() wrote (the session store reads events back); nullopt when a field is missing
    /// or of the wrong type.
    static std::optional<Event> fromJson(const QJsonObject &object);
};

} // namespace Switchboard::Rest
