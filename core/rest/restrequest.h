// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "rest/restsession.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <functional>
#include <optional>

namespace Switchboard::Rest {

/// Why a REST request is refused: the HTTP status, a message for the client, and the field at fault
/// (empty when no single field is). RestEndpoint turns it into {"error", "field"}.
struct Refusal
{
    int status = 400;
    QString message;
    QString field;
};

/// The checks of what REST clients send, kept apart from HTTP so they are testable alone (docs/REST.md
/// lists the fields). Each returns nullopt and fills `refusal` on the first problem found.

/// The body as a JSON object.
std::optional<QJsonObject> parseJsonObject(const QByteArray &body, Refusal *refusal);
/// A JID as far as this front checks it (RFC 7622 §3: no blanks or controls, at most 3071 characters,
/// no empty part); `bare`: without a resource and with a localpart.
bool plausibleJid(const QString &jid, bool bare);
/// POST /sessions: jid (bare), password, resource?, presence? (object, false or null).
std::optional<RestSession::Login> parseLogin(const QByteArray &body, Refusal *refusal);

/// The most bytes (UTF-8) of a presence status text.
constexpr int kMaxStatusBytes = 1024;
/// A presence object {show?, status?, priority?} (RFC 6121 §4.7.2): show away/chat/dnd/xa, status a
/// string of at most kMaxStatusBytes, priority an integer from -128 to 127. Fields are named with
/// `prefix` ("presence." inside the log-in body).
bool checkPresence(const QJsonObject &presence, const QString &prefix, Refusal *refusal);
/// The presence stanza of a checked presence object.
QByteArray presenceStanza(const QJsonObject &presence);
/// PUT /presence: {show?, status?, priority?}.
std::optional<QJsonObject> parsePresence(const QByteArray &body, Refusal *refusal);
/// POST /subscriptions: {jid (bare), action: subscribe|approve|deny|unsubscribe}; the presence stanza
/// of type subscribe, subscribed, unsubscribed or unsubscribe to send (RFC 6121 §3).
std::optional<QByteArray> parseSubscription(const QByteArray &body, Refusal *refusal);

/// A message ready to send, and its id.
struct OutgoingMessage
{
    QByteArray xml;
    QString id;
};
/// POST /messages: to, body, type? (chat), id? (`makeId()` when absent), subject?, thread?.
std::optional<OutgoingMessage> parseMessage(const QByteArray &body, const std::function<QString()> &makeId,
                                            Refusal *refusal);

/// What a client may send at /stanzas: one message, presence or iq element in jabber:client (or no
/// namespace, which then gets jabber:client), at most `maxDepth` deep, no declaration, DOCTYPE,
/// entity reference, comment or processing instruction (RFC 6120 §11.1).
struct CheckedStanza
{
    QByteArray xml; ///< trimmed, with xmlns='jabber:client' added when it had no namespace
    QString name, type, id;
};
std::optional<CheckedStanza> checkStanza(const QByteArray &body, int maxDepth, Refusal *refusal);

} // namespace Switchboard::Rest
