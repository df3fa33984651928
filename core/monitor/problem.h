// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

namespace Switchboard::Monitor {

enum class Direction; // hub.h
enum class Transport; // hub.h

/// What the client lint can find wrong in a session (docs/MONITORING.md, "Problems"). Each has a
/// stable code for tools, a short text and the clause it breaks (problemCode(), problemText(),
/// problemClause()).
enum class ProblemKind : quint8 {
    RidSkipped,              ///< XEP-0124 §14.1: a rid never arrived while later ones did
    RidReused,               ///< XEP-0124 §14.3: a rid sent again with different content
    RidOutOfWindow,          ///< XEP-0124 §14.2: a rid beyond (or behind) the window
    TooManyRequests,         ///< XEP-0124 §11: more requests open than `requests`
    PollingTooFast,          ///< XEP-0124 §12: empty polls closer than `polling`
    NoRestartAfterSasl,      ///< XEP-0206 §5, RFC 7395 §3.7: stanzas after SASL success without a restart
    SessionMissingTo,        ///< XEP-0124 §7.1: no `to` on the session request
    SessionMissingLang,      ///< XEP-0124 §7.1: no `xml:lang` on the session request
    RestartMissingTo,        ///< XEP-0206 §5: no `to` on the restart request
    RestartMissingLang,      ///< XEP-0206 §5: no `xml:lang` on the restart request
    TrafficAfterTerminate,   ///< XEP-0124 §13, RFC 7395 §3.6: requests or messages after the end
    WaitIgnored,             ///< XEP-0124 §7.1: a held request given up before the `wait` it asked for
    HoldIgnored,             ///< XEP-0124 §8: no request left held although `hold` asked for one
    StanzaBeforeOpen,        ///< RFC 7395 §3.4: a stanza before <open/>
    SeveralElements,         ///< RFC 7395 §3.3.3: more than one element in one message
    NoCloseBeforeDisconnect, ///< RFC 7395 §3.6: the connection ended without <close/>
    PingUnanswered,          ///< RFC 6455 §5.5.2: no Pong for a Ping
    WrongNamespace,          ///< RFC 6120 §4.8.3: a stanza not qualified by jabber:client
    IqWithoutId,             ///< RFC 6120 §8.2.3: an IQ without `id`
    IqUnanswered,            ///< RFC 6120 §8.2.3: an IQ get/set with no result or error in time
};

/// Who broke the rule: the client (the session's own side), or the server or an entity behind it.
enum class ProblemSide : quint8 { Client, Server };

/// One problem the lint found in one session.
struct Problem
{
    quint64 id = 0; ///< 1, 2, 3… in the order the ProblemLog took them (0 before)
    QDateTime time; ///< UTC, when it was found
    QString session;
    ProblemKind kind = ProblemKind::RidSkipped;
    ProblemSide side = ProblemSide::Client;
    QString clause; ///< the clause it breaks (problemClause())
    QString detail; ///< what was seen, in plain words ("rid 12 after 10"), not translated
    /// The offending stanza, when there is one: its direction and size as forwarded, and the id of its
    /// record in the traffic capture (0 when not captured; set by the ProblemLog).
    bool hasStanza = false;
    Direction direction{}; ///< Direction::ToServer (0) unless set
    qsizetype stanzaSize = 0;
    quint64 trafficId = 0;
};

/// The stable code ("rid-skipped"…), the same in every language.
QString problemCode(ProblemKind kind);
/// The short text, in English: translate it with QCoreApplication::translate(kProblemContext, text).
const char *problemText(ProblemKind kind);
inline constexpr const char *kProblemContext = "Switchboard::Monitor::Problem";
/// The clause the problem breaks ("XEP-0124 §14.1"); a few kinds name the WebSocket clause for
/// Transport::WebSocket.
QString problemClause(ProblemKind kind, Transport transport);
/// Every kind, in declaration order.
QList<ProblemKind> allProblemKinds();
QString problemSideName(ProblemSide side);
/// {"id", "time", "session", "code", "text", "clause", "side", "detail", "trafficId"} (docs/MONITORING.md);
/// "trafficId" only when the stanza was captured.
QJsonObject problemJson(const Problem &problem);

} // namespace Switchboard::Monitor

Q_DECLARE_METATYPE(Switchboard::Monitor::Problem)
