// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "stream/condition.h"

#include <QBasicTimer>
#include <QByteArray>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <deque>
#include <functional>
#include <optional>

namespace Switchboard::Stream {

/// The faults the workbench puts into one session on demand (docs/ADMIN.md), so a client developer
/// sees whether the client recovers.
enum class FaultKind {
    Delay,     ///< every stanza toward the client waits `milliseconds`, for `seconds`
    Drop,      ///< the next `count` BOSH responses: their connections close unanswered
    Hold,      ///< all traffic toward the client waits for `seconds` (a network stall)
    Reorder,   ///< the next two stanzas toward the client go out in swapped order
    CutLink,   ///< the server connection ends as if the server crashed
    Terminate, ///< the session ends with `condition` (see-other-uri with `uri`)
    IqError,   ///< the next IQ request from the client is answered with an error, not forwarded
};

/// What to do; which fields count depends on the kind. Every fault ends by itself: fromJson() fills
/// in and bounds its deadline.
struct FaultRequest
{
    FaultKind kind = FaultKind::Delay;
    int milliseconds = 0; ///< Delay: per stanza, 1..60000
    int seconds = 0;      ///< Delay, Hold: how long the fault lasts; Drop, Reorder, IqError: deadline
    int count = 0;        ///< Drop: responses, 1..100
    Condition condition = Condition::SystemShutdown;                ///< Terminate
    QString uri;                                                    ///< Terminate with see-other-uri
    QString errorCondition = QStringLiteral("service-unavailable"); ///< IqError (RFC 6120 §8.3.3)
    QString errorType = QStringLiteral("cancel");                   ///< IqError (RFC 6120 §8.3.2)

    /// Reads {"fault": "delay", "ms": 500, "seconds": 30, ...} (docs/ADMIN.md). Nothing with `error`
    /// set when a field is missing, unknown or out of bounds.
    static std::optional<FaultRequest> fromJson(const QJsonObject &json, QString *error);
    QJsonObject toJson() const;
};

QString faultKindName(FaultKind kind);
std::optional<FaultKind> faultKindFromName(const QString &name);

/// The faults in force on one client stream, made by ClientStream the first time a fault is applied
/// (a stream without faults holds a null pointer and does nothing more). It keeps the stanzas that a
/// delay, hold or reorder keeps back, in order, and gives them back to `deliver` when they are due:
/// none is ever lost. The queue is capped (kMaxQueued stanzas, `maxBytes` bytes): past the cap
/// everything goes out at once and the gating faults end.
///
/// Lives in its stream's thread; a Qt child of the stream. `deliver` and `note` are called from its
/// timer, never from inside take() or answersIq().
class Faults final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Faults)
public:
    static constexpr int kMaxQueued = 1000;
    /// Hands one stanza on toward the client, past the faults.
    using Deliver = std::function<void(const QString &stream, const QByteArray &xml)>;
    /// Reports where a fault took effect (for the traffic view): `toClient` says which way it acted.
    using Note = std::function<void(const QString &stream, bool toClient, const QString &text)>;

    Faults(qint64 maxBytes, Deliver deliver, Note note, QObject *parent);
    ~Faults() override;

    /// Starts a Delay, Hold, Reorder, Drop or IqError fault (the others are the stream's own acts).
    void arm(const FaultRequest &request);
    /// Undo: every fault ends, and what is kept goes out in order (from the event loop).
    void clear();
    /// Hands everything kept to `deliver` now, in order (before the stream ends, so nothing is lost).
    void releaseNow();
    /// Takes everything kept without delivering it (stream, stanza), for a stream that ends without its
    /// client: the front bounces them with the rest (XEP-0206 §7, RFC 6120 §8.3).
    QList<QPair<QString, QByteArray>> takeKept();
    /// The faults in force, for the API.
    QJsonObject state() const;
    bool isIdle() const;

    /// A stanza toward the client: true when a fault keeps it for later (never while it is handing one
    /// back through `deliver`).
    bool take(const QString &stream, const QByteArray &xml);
    /// A BOSH response about to go out: true when it is to be dropped (one of the count used up).
    bool dropsResponse(qint64 rid);
    /// A stanza from the client: true when it is an IQ request that the armed IqError fault answers;
    /// the error reply then reaches the client from the event loop, and the stanza is not forwarded.
    bool answersIq(const QString &stream, const QByteArray &xml);

    /// The error reply RFC 6120 §8.3 gives to IQ request `xml`; empty when `xml` is not one.
    static QByteArray iqErrorReply(const QByteArray &xml, const QString &condition, const QString &type);

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    struct Kept
    {
        QString stream;
        QByteArray xml;
        qint64 due = 0; ///< ms on m_clock
    };
    qint64 now() const { return m_clock.elapsed(); }
    void expire();
    void releaseDue();
    void releaseAll(const QString &why);
    void schedule();

    Deliver m_deliver;
    Note m_note;
    qint64 m_maxBytes = 0;
    QElapsedTimer m_clock;
    QBasicTimer m_timer;
    std::deque<Kept> m_kept;
    qint64 m_keptBytes = 0;
    bool m_delivering = false;

    int m_delayMs = 0;
    qint64 m_delayUntil = 0;
    qint64 m_holdUntil = 0;
    bool m_reorder = false;
    qint64 m_reorderUntil = 0;
    int m_drops = 0;
    qint64 m_dropUntil = 0;
    bool m_iqError = false;
    qint64 m_iqErrorUntil = 0;
    QString m_iqCondition;
    QString m_iqType;
};

} // namespace Switchboard::Stream
