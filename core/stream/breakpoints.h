// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "monitor/hub.h"

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

/// Which stanzas a breakpoint stops (docs/ADMIN.md): every condition given must hold; an empty one
/// matches anything.
struct BreakpointFilter
{
    enum class Way { Both, ToClient, ToServer };
    Way way = Way::Both;
    QString element;  ///< the stanza's local name (message, presence, iq, ...)
    QString type;     ///< its `type` attribute
    QString text;     ///< a string its XML contains (case-sensitive)
    int seconds = 60; ///< a stopped stanza nobody acts on within this is forwarded unchanged (1..600)

    static constexpr int kMaxSeconds = 600;
    static constexpr int kMaxText = 1024;

    /// Reads {"direction": "to-server", "element": "message", "type": "chat", "text": "hi",
    /// "seconds": 60}. Nothing with `error` set when a field is of the wrong kind or out of bounds.
    static std::optional<BreakpointFilter> fromJson(const QJsonObject &json, QString *error);
    QJsonObject toJson() const;
    bool matches(Monitor::Direction direction, const QByteArray &xml) const;
};

/// The breakpoint of one client stream and the stanzas it holds, both ways. Made by ClientStream the
/// first time a breakpoint is set (a stream without one holds a null pointer).
///
/// A stanza the filter matches is stopped: it waits for the operator to forward it, forward an edited
/// version, or drop it. Every later stanza of the same direction waits behind it, so the order each way
/// is kept; the other direction flows on. Never without bound: at most kMaxHeld stanzas and `maxBytes`
/// bytes (past either, everything held goes on unchanged and the breakpoint is removed), and a stopped
/// stanza nobody acts on goes on unchanged after the filter's `seconds`.
///
/// Lives in its stream's thread; a Qt child of the stream. `deliver` is called from its timer,
/// releaseNow() or takeHeldToClient(), never from inside hold() or act(); `note` from any of them.
class Breakpoints final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Breakpoints)
public:
    static constexpr int kMaxHeld = 100;
    enum class Action { Forward, Edit, Drop };
    /// Hands one stanza on, past the breakpoint, the way it was going.
    using Deliver =
        std::function<void(const QString &stream, Monitor::Direction direction, const QByteArray &xml)>;
    /// Reports what the breakpoint did, for the traffic view.
    using Note =
        std::function<void(const QString &stream, Monitor::Direction direction, const QString &text)>;

    Breakpoints(qint64 maxBytes, Deliver deliver, Note note, QObject *parent);
    ~Breakpoints() override;

    void set(const BreakpointFilter &filter);
    /// Removes the breakpoint; what it holds goes on unchanged, in order (from the event loop).
    void clear();
    bool isSet() const { return m_filter.has_value(); }
    /// Whether any stanza is held toward the client.
    int heldToClient() const { return int(m_queue[1].size()); }

    /// A stanza on its way: true when the breakpoint holds it (stopped, or waiting behind one stopped).
    bool hold(const QString &stream, Monitor::Direction direction, const QByteArray &xml);
    /// The operator's decision on stopped stanza `id`. For Edit, `xml` replaces it (the caller has
    /// checked it is one stanza). False with `error` set for an unknown id or one not stopped.
    bool act(int id, Action action, const QByteArray &xml, QString *error);
    /// Everything held goes on now, unchanged and in order (before the stream ends).
    void releaseNow();
    /// Takes what is held toward the client without delivering it, for a stream that ends without its
    /// client (the front bounces them); what is held toward the server goes on to it now, in order
    /// (the client sent it before it left; `deliver` is called from inside this one).
    QList<QPair<QString, QByteArray>> takeHeldToClient();
    /// The breakpoint and the held stanzas, for the API and the window.
    QJsonObject state() const;

    static QString actionName(Action action);
    static std::optional<Action> actionFromName(const QString &name);

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    enum class Decision { None, Forward, Drop };
    struct Held
    {
        int id = 0;
        QString stream;
        QByteArray xml;
        bool stopped = false; ///< matched the filter (else it only waits behind one that did)
        Decision decision = Decision::None;
        qint64 deadline = 0; ///< ms on m_clock, for a stopped one
    };
    static int way(Monitor::Direction direction) { return direction == Monitor::Direction::ToClient; }
    qint64 now() const { return m_clock.elapsed(); }
    Held *find(int id, Monitor::Direction *direction);
    void forwardAll(const QString &why);
    void releaseReady();
    void schedule();

    Deliver m_deliver;
    Note m_note;
    qint64 m_maxBytes = 0;
    std::optional<BreakpointFilter> m_filter;
    std::deque<Held> m_queue[2]; ///< [0] toward the server, [1] toward the client
    qint64 m_bytes = 0;
    int m_nextId = 1;
    bool m_delivering = false;
    QElapsedTimer m_clock;
    QBasicTimer m_timer;
};

} // namespace Switchboard::Stream
