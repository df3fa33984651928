// SPDX-License-Identifier: GPL-3.0-or-later
#include "stream/faults.h"

#include "xmpp/xmlescape.h"

#include <QTimerEvent>
#include <QUrl>
#include <QXmlStreamReader>

#include <algorithm>

namespace Switchboard::Stream {

namespace {

struct KindName
{
    FaultKind kind;
    const char *name;
};
constexpr KindName kKinds[] = {
    {FaultKind::Delay, "delay"},      {FaultKind::Drop, "drop"},        {FaultKind::Hold, "hold"},
    {FaultKind::Reorder, "reorder"},  {FaultKind::CutLink, "cut-link"}, {FaultKind::Terminate, "terminate"},
    {FaultKind::IqError, "iq-error"},
};

constexpr int kMaxSeconds = 600;     ///< the longest any fault lasts
constexpr int kDefaultDeadline = 60; ///< s: a count-based fault not used up by then ends
constexpr int kReorderWait = 10;     ///< s: a reorder waits this long for the second stanza

/// RFC 6120 §8.3.3: the defined stanza error conditions.
const QStringList &stanzaErrorConditions()
{
    static const QStringList names = {
        QStringLiteral("bad-request"),
        QStringLiteral("conflict"),
        QStringLiteral("feature-not-implemented"),
        QStringLiteral("forbidden"),
        QStringLiteral("gone"),
        QStringLiteral("internal-server-error"),
        QStringLiteral("item-not-found"),
        QStringLiteral("jid-malformed"),
        QStringLiteral("not-acceptable"),
        QStringLiteral("not-allowed"),
        QStringLiteral("not-authorized"),
        QStringLiteral("policy-violation"),
        QStringLiteral("recipient-unavailable"),
        QStringLiteral("redirect"),
        QStringLiteral("registration-required"),
        QStringLiteral("remote-server-not-found"),
        QStringLiteral("remote-server-timeout"),
        QStringLiteral("resource-constraint"),
        QStringLiteral("service-unavailable"),
        QStringLiteral("subscription-required"),
        QStringLiteral("undefined-condition"),
        QStringLiteral("unexpected-request"),
    };
    return names;
}

bool readInt(const QJsonObject &json, const QString &key, int min, int max, int *out, QString *error,
             bool required)
{
    const QJsonValue value = json.value(key);
    if (value.isUndefined()) {
        if (required && error)
            *error = QStringLiteral("'%1' is required").arg(key);
        return !required;
    }
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number != double(qint64(number)) || number < min || number > max) {
        if (error)
            *error = QStringLiteral("'%1' must be a whole number from %2 to %3").arg(key).arg(min).arg(max);
        return false;
    }
    *out = int(number);
    return true;
}

} // namespace

QString faultKindName(FaultKind kind)
{
    for (const KindName &entry : kKinds) {
        if (entry.kind == kind)
            return QString::fromLatin1(entry.name);
    }
    return {};
}

std::optional<FaultKind> faultKindFromName(const QString &name)
{
    for (const KindName &entry : kKinds) {
        if (name == QLatin1String(entry.name))
            return entry.kind;
    }
    return std::nullopt;
}

std::optional<FaultRequest> FaultRequest::fromJson(const QJsonObject &json, QString *error)
{
    const std::optional<FaultKind> kind = faultKindFromName(json.value(QStringLiteral("fault")).toString());
    if (!kind) {
        if (error)
            *error = QStringLiteral("'fault' must be one of delay, drop, hold, reorder, cut-link, terminate, "
                                    "iq-error");
        return std::nullopt;
    }
    FaultRequest request;
    request.kind = *kind;
    request.seconds = kDefaultDeadline;
    switch (request.kind) {
    case FaultKind::Delay:
        if (!readInt(json, QStringLiteral("ms"), 1, 60000, &request.milliseconds, error, true) ||
            !readInt(json, QStringLiteral("seconds"), 1, kMaxSeconds, &request.seconds, error, false))
            return std::nullopt;
        break;
    case FaultKind::Hold:
        if (!readInt(json, QStringLiteral("seconds"), 1, kMaxSeconds, &request.seconds, error, true))
            return std::nullopt;
        break;
    case FaultKind::Drop:
        request.count = 1;
        if (!readInt(json, QStringLiteral("count"), 1, 100, &request.count, error, false) ||
            !readInt(json, QStringLiteral("seconds"), 1, kMaxSeconds, &request.seconds, error, false))
            return std::nullopt;
        break;
    case FaultKind::Reorder:
        request.seconds = kReorderWait;
        if (!readInt(json, QStringLiteral("seconds"), 1, kMaxSeconds, &request.seconds, error, false))
            return std::nullopt;
        break;
    case FaultKind::IqError: {
        if (!readInt(json, QStringLiteral("seconds"), 1, kMaxSeconds, &request.seconds, error, false))
            return std::nullopt;
        const QString condition =
            json.value(QStringLiteral("condition")).toString(QStringLiteral("service-unavailable"));
        if (!stanzaErrorConditions().contains(condition)) {
            if (error)
                *error = QStringLiteral("'condition' must be a stanza error condition of RFC 6120 §8.3.3");
            return std::nullopt;
        }
        const QString type = json.value(QStringLiteral("type")).toString(QStringLiteral("cancel"));
        static const QStringList types = {QStringLiteral("auth"), QStringLiteral("cancel"),
                                          QStringLiteral("continue"), QStringLiteral("modify"),
                                          QStringLiteral("wait")};
        if (!types.contains(type)) {
            if (error)
                *error =
                    QStringLiteral("'type' must be auth, cancel, continue, modify or wait (RFC 6120 §8.3.2)");
            return std::nullopt;
        }
        request.errorCondition = condition;
        request.errorType = type;
        break;
    }
    case FaultKind::CutLink:
        request.seconds = 0;
        break;
    case FaultKind::Terminate: {
        request.seconds = 0;
        const std::optional<Condition> condition = conditionFromName(
            json.value(QStringLiteral("condition")).toString(QStringLiteral("system-shutdown")));
        if (!condition || *condition == Condition::None) {
            if (error)
                *error = QStringLiteral("'condition' must be a terminal condition (XEP-0124 §17.2) or a "
                                        "stream error condition (RFC 6120 §4.9.3)");
            return std::nullopt;
        }
        request.condition = *condition;
        if (request.condition == Condition::SeeOtherUri) {
            // XEP-0124 §17.2 and RFC 7395 §3.6.1: see-other-uri carries where to go.
            request.uri = json.value(QStringLiteral("uri")).toString();
            const QUrl url(request.uri, QUrl::StrictMode);
            if (!url.isValid() || url.isRelative() || url.host().isEmpty()) {
                if (error)
                    *error = QStringLiteral("see-other-uri needs an absolute 'uri'");
                return std::nullopt;
            }
        }
        break;
    }
    }
    return request;
}

QJsonObject FaultRequest::toJson() const
{
    QJsonObject json{{QStringLiteral("fault"), faultKindName(kind)}};
    switch (kind) {
    case FaultKind::Delay:
        json.insert(QStringLiteral("ms"), milliseconds);
        json.insert(QStringLiteral("seconds"), seconds);
        break;
    case FaultKind::Hold:
    case FaultKind::Reorder:
        json.insert(QStringLiteral("seconds"), seconds);
        break;
    case FaultKind::Drop:
        json.insert(QStringLiteral("count"), count);
        json.insert(QStringLiteral("seconds"), seconds);
        break;
    case FaultKind::IqError:
        json.insert(QStringLiteral("condition"), errorCondition);
        json.insert(QStringLiteral("type"), errorType);
        json.insert(QStringLiteral("seconds"), seconds);
        break;
    case FaultKind::Terminate:
        json.insert(QStringLiteral("condition"), conditionName(condition));
        if (!uri.isEmpty())
            json.insert(QStringLiteral("uri"), uri);
        break;
    case FaultKind::CutLink:
        break;
    }
    return json;
}

Faults::Faults(qint64 maxBytes, Deliver deliver, Note note, QObject *parent)
    : QObject(parent), m_deliver(std::move(deliver)), m_note(std::move(note)), m_maxBytes(maxBytes)
{
    m_clock.start();
}

Faults::~Faults() = default;

void Faults::arm(const FaultRequest &request)
{
    const qint64 until = now() + qint64(request.seconds) * 1000;
    switch (request.kind) {
    case FaultKind::Delay:
        m_delayMs = request.milliseconds;
        m_delayUntil = until;
        break;
    case FaultKind::Hold:
        m_holdUntil = until;
        for (Kept &kept : m_kept)
            kept.due = std::max(kept.due, m_holdUntil);
        break;
    case FaultKind::Reorder:
        m_reorder = true;
        m_reorderUntil = until;
        break;
    case FaultKind::Drop:
        m_drops = request.count;
        m_dropUntil = until;
        break;
    case FaultKind::IqError:
        m_iqError = true;
        m_iqErrorUntil = until;
        m_iqCondition = request.errorCondition;
        m_iqType = request.errorType;
        break;
    case FaultKind::CutLink:
    case FaultKind::Terminate:
        return; // the stream's own acts, nothing to keep
    }
    schedule();
}

void Faults::clear()
{
    m_delayMs = 0;
    m_delayUntil = m_holdUntil = m_reorderUntil = m_dropUntil = m_iqErrorUntil = 0;
    m_reorder = m_iqError = false;
    m_drops = 0;
    for (Kept &kept : m_kept)
        kept.due = 0;
    schedule();
}

void Faults::releaseNow()
{
    for (Kept &kept : m_kept)
        kept.due = 0;
    releaseDue();
}

QList<QPair<QString, QByteArray>> Faults::takeKept()
{
    QList<QPair<QString, QByteArray>> kept;
    for (Kept &entry : m_kept)
        kept.append({entry.stream, std::move(entry.xml)});
    m_kept.clear();
    m_keptBytes = 0;
    schedule();
    return kept;
}

bool Faults::isIdle() const
{
    return m_kept.empty() && !m_delayMs && !m_holdUntil && !m_reorder && !m_drops && !m_iqError;
}

QJsonObject Faults::state() const
{
    QJsonObject json;
    const qint64 t = now();
    auto left = [t](qint64 until) { return int(std::max<qint64>(0, until - t)); };
    if (m_delayMs)
        json.insert(QStringLiteral("delay"), QJsonObject{{QStringLiteral("ms"), m_delayMs},
                                                         {QStringLiteral("msLeft"), left(m_delayUntil)}});
    if (m_holdUntil)
        json.insert(QStringLiteral("hold"), QJsonObject{{QStringLiteral("msLeft"), left(m_holdUntil)}});
    if (m_reorder)
        json.insert(QStringLiteral("reorder"), QJsonObject{{QStringLiteral("msLeft"), left(m_reorderUntil)}});
    if (m_drops)
        json.insert(QStringLiteral("drop"), QJsonObject{{QStringLiteral("count"), m_drops},
                                                        {QStringLiteral("msLeft"), left(m_dropUntil)}});
    if (m_iqError)
        json.insert(QStringLiteral("iq-error"),
                    QJsonObject{{QStringLiteral("condition"), m_iqCondition},
                                {QStringLiteral("type"), m_iqType},
                                {QStringLiteral("msLeft"), left(m_iqErrorUntil)}});
    json.insert(QStringLiteral("kept"), int(m_kept.size()));
    return json;
}

bool Faults::take(const QString &stream, const QByteArray &xml)
{
    if (m_delivering)
        return false;
    expire();
    const qint64 t = now();
    if (m_reorder && m_kept.size() == 1 && m_kept.front().due == m_reorderUntil) {
        // The second stanza: it goes out first, the one kept goes right after it.
        m_reorder = false;
        m_reorderUntil = 0;
        m_kept.push_front(Kept{stream, xml, 0});
        m_keptBytes += xml.size();
        for (Kept &kept : m_kept)
            kept.due = std::max(m_delayMs ? t + m_delayMs : 0, m_holdUntil);
        if (m_note)
            m_note(stream, true, QStringLiteral("reorder: this stanza goes out before the one kept"));
        schedule();
        return true;
    }
    if (m_kept.empty() && !m_delayMs && !m_holdUntil && !m_reorder)
        return false;
    if (qsizetype(m_kept.size()) >= kMaxQueued || m_keptBytes + xml.size() > m_maxBytes) {
        // Never lose a stanza, never keep without bound: past the cap the faults end, and this one
        // goes out right after those kept before it.
        m_kept.push_back(Kept{stream, xml, 0});
        m_keptBytes += xml.size();
        releaseAll(QStringLiteral("the kept stanzas reached their cap; faults ended"));
        return true;
    }
    qint64 due = std::max(m_delayMs ? t + m_delayMs : 0, m_holdUntil);
    if (m_reorder && m_kept.empty()) {
        due = m_reorderUntil; // until the next stanza comes, or the deadline
        if (m_note)
            m_note(stream, true, QStringLiteral("reorder: stanza kept to go out after the next one"));
    } else if (m_delayMs && m_note) {
        m_note(stream, true, QStringLiteral("delay: stanza held %1 ms").arg(m_delayMs));
    } else if (m_holdUntil && m_note && m_kept.empty()) {
        m_note(stream, true, QStringLiteral("hold: traffic toward the client stalls"));
    }
    if (!m_kept.empty())
        due = std::max(due, m_kept.back().due); // in order, always
    m_kept.push_back(Kept{stream, xml, due});
    m_keptBytes += xml.size();
    schedule();
    return true;
}

bool Faults::dropsResponse(qint64 rid)
{
    expire();
    if (m_drops <= 0)
        return false;
    --m_drops;
    if (m_note)
        m_note(QString(), true,
               QStringLiteral("drop: response to rid %1 not sent, its connection closed (cached for the "
                              "resend, XEP-0124 §14.3)")
                   .arg(rid));
    return true;
}

bool Faults::answersIq(const QString &stream, const QByteArray &xml)
{
    expire();
    if (!m_iqError)
        return false;
    QByteArray reply = iqErrorReply(xml, m_iqCondition, m_iqType);
    if (reply.isEmpty())
        return false;
    m_iqError = false;
    m_iqErrorUntil = 0;
    if (m_note)
        m_note(stream, false,
               QStringLiteral("iq-error: not forwarded, answered with %1 (%2)").arg(m_iqCondition, m_iqType));
    // Ahead of anything kept: the answer is ours, not the server's. From the event loop.
    m_kept.push_front(Kept{stream, reply, 0});
    m_keptBytes += reply.size();
    schedule();
    return true;
}

QByteArray Faults::iqErrorReply(const QByteArray &xml, const QString &condition, const QString &type)
{
    QXmlStreamReader reader(xml);
    while (!reader.atEnd() && !reader.isStartElement())
        reader.readNext();
    if (!reader.isStartElement() || reader.name() != QLatin1String("iq"))
        return {};
    const QXmlStreamAttributes attrs = reader.attributes();
    const QStringView iqType = attrs.value(QLatin1String("type"));
    if (iqType != QLatin1String("get") && iqType != QLatin1String("set"))
        return {};
    QByteArray reply = "<iq xmlns='jabber:client' type='error' id='" +
                       Xmpp::xmlEscaped(attrs.value(QLatin1String("id"))) + '\'';
    // RFC 6120 §8.3.1: as if the addressee answered: `from` is the request's `to`, `to` its `from`.
    if (attrs.hasAttribute(QLatin1String("to")))
        reply += " from='" + Xmpp::xmlEscaped(attrs.value(QLatin1String("to"))) + '\'';
    if (attrs.hasAttribute(QLatin1String("from")))
        reply += " to='" + Xmpp::xmlEscaped(attrs.value(QLatin1String("from"))) + '\'';
    reply += "><error type='" + type.toUtf8() + "'><" + condition.toUtf8() +
             " xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>";
    return reply;
}

void Faults::expire()
{
    const qint64 t = now();
    if (m_delayMs && t >= m_delayUntil) {
        m_delayMs = 0;
        m_delayUntil = 0;
    }
    if (m_holdUntil && t >= m_holdUntil)
        m_holdUntil = 0;
    if (m_reorder && t >= m_reorderUntil) {
        m_reorder = false;
        m_reorderUntil = 0;
    }
    if (m_drops && t >= m_dropUntil) {
        m_drops = 0;
        m_dropUntil = 0;
    }
    if (m_iqError && t >= m_iqErrorUntil) {
        m_iqError = false;
        m_iqErrorUntil = 0;
    }
}

void Faults::releaseAll(const QString &why)
{
    if (m_note)
        m_note(QString(), true, why);
    m_delayMs = 0;
    m_holdUntil = 0;
    m_reorder = false;
    for (Kept &kept : m_kept)
        kept.due = 0;
    schedule();
}

void Faults::releaseDue()
{
    const QPointer<Faults> alive(this);
    while (alive && !m_kept.empty() && m_kept.front().due <= now()) {
        Kept kept = std::move(m_kept.front());
        m_kept.pop_front();
        m_keptBytes -= kept.xml.size();
        m_delivering = true;
        m_deliver(kept.stream, kept.xml); // may end the stream (and delete us, later)
        if (alive)
            m_delivering = false;
    }
}

void Faults::schedule()
{
    expire();
    qint64 next = -1;
    if (!m_kept.empty())
        next = m_kept.front().due;
    for (qint64 until : {m_delayUntil, m_holdUntil, m_reorderUntil, m_dropUntil, m_iqErrorUntil}) {
        if (until && (next < 0 || until < next))
            next = until;
    }
    if (next < 0) {
        m_timer.stop();
        return;
    }
    m_timer.start(int(std::clamp<qint64>(next - now(), 0, qint64(kMaxSeconds) * 1000)), Qt::PreciseTimer,
                  this);
}

void Faults::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_timer.timerId())
        return QObject::timerEvent(event);
    m_timer.stop();
    const QPointer<Faults> alive(this);
    releaseDue();
    if (alive)
        schedule();
}

} // namespace Switchboard::Stream
