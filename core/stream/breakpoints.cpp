// SPDX-License-Identifier: GPL-3.0-or-later
#include "stream/breakpoints.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QTimerEvent>
#include <QXmlStreamReader>

#include <algorithm>

namespace Switchboard::Stream {

namespace {

QString wayName(BreakpointFilter::Way way)
{
    switch (way) {
    case BreakpointFilter::Way::ToClient:
        return QStringLiteral("to-client");
    case BreakpointFilter::Way::ToServer:
        return QStringLiteral("to-server");
    case BreakpointFilter::Way::Both:
        break;
    }
    return QStringLiteral("both");
}

QString directionName(Monitor::Direction direction)
{
    return direction == Monitor::Direction::ToClient ? QStringLiteral("to-client")
                                                     : QStringLiteral("to-server");
}

bool readString(const QJsonObject &json, const QString &key, int max, QString *out, QString *error)
{
    const QJsonValue value = json.value(key);
    if (value.isUndefined() || value.isNull())
        return true;
    if (!value.isString() || value.toString().size() > max) {
        if (error)
            *error = QStringLiteral("'%1' must be a string of at most %2 characters").arg(key).arg(max);
        return false;
    }
    *out = value.toString();
    return true;
}

/// The stanza's local name and `type`.
QPair<QString, QString> nameAndType(const QByteArray &xml)
{
    QXmlStreamReader reader(xml);
    while (!reader.atEnd() && !reader.isStartElement())
        reader.readNext();
    if (!reader.isStartElement())
        return {};
    return {reader.name().toString(), reader.attributes().value(QLatin1String("type")).toString()};
}

} // namespace

std::optional<BreakpointFilter> BreakpointFilter::fromJson(const QJsonObject &json, QString *error)
{
    BreakpointFilter filter;
    const QString direction = json.value(QStringLiteral("direction")).toString(QStringLiteral("both"));
    if (direction == QLatin1String("to-client")) {
        filter.way = Way::ToClient;
    } else if (direction == QLatin1String("to-server")) {
        filter.way = Way::ToServer;
    } else if (direction != QLatin1String("both")) {
        if (error)
            *error = QStringLiteral("'direction' must be to-client, to-server or both");
        return std::nullopt;
    }
    if (!readString(json, QStringLiteral("element"), 256, &filter.element, error) ||
        !readString(json, QStringLiteral("type"), 256, &filter.type, error) ||
        !readString(json, QStringLiteral("text"), kMaxText, &filter.text, error))
        return std::nullopt;
    const QJsonValue seconds = json.value(QStringLiteral("seconds"));
    if (!seconds.isUndefined()) {
        const double number = seconds.toDouble(-1);
        if (!seconds.isDouble() || number != double(qint64(number)) || number < 1 || number > kMaxSeconds) {
            if (error)
                *error = QStringLiteral("'seconds' must be a whole number from 1 to %1").arg(kMaxSeconds);
            return std::nullopt;
        }
        filter.seconds = int(number);
    }
    return filter;
}

QJsonObject BreakpointFilter::toJson() const
{
    QJsonObject json{{QStringLiteral("direction"), wayName(way)}, {QStringLiteral("seconds"), seconds}};
    if (!element.isEmpty())
        json.insert(QStringLiteral("element"), element);
    if (!type.isEmpty())
        json.insert(QStringLiteral("type"), type);
    if (!text.isEmpty())
        json.insert(QStringLiteral("text"), text);
    return json;
}

bool BreakpointFilter::matches(Monitor::Direction direction, const QByteArray &xml) const
{
    if ((way == Way::ToClient && direction != Monitor::Direction::ToClient) ||
        (way == Way::ToServer && direction != Monitor::Direction::ToServer))
        return false;
    if (!text.isEmpty() && !xml.contains(text.toUtf8()))
        return false;
    if (element.isEmpty() && type.isEmpty())
        return true;
    const auto [name, stanzaType] = nameAndType(xml);
    return (element.isEmpty() || name == element) && (type.isEmpty() || stanzaType == type);
}

Breakpoints::Breakpoints(qint64 maxBytes, Deliver deliver, Note note, QObject *parent)
    : QObject(parent), m_deliver(std::move(deliver)), m_note(std::move(note)), m_maxBytes(maxBytes)
{
    m_clock.start();
}

Breakpoints::~Breakpoints() = default;

QString Breakpoints::actionName(Action action)
{
    switch (action) {
    case Action::Forward:
        return QStringLiteral("forward");
    case Action::Edit:
        return QStringLiteral("edit");
    case Action::Drop:
        break;
    }
    return QStringLiteral("drop");
}

std::optional<Breakpoints::Action> Breakpoints::actionFromName(const QString &name)
{
    for (Action action : {Action::Forward, Action::Edit, Action::Drop}) {
        if (name == actionName(action))
            return action;
    }
    return std::nullopt;
}

void Breakpoints::set(const BreakpointFilter &filter)
{
    m_filter = filter;
    m_note({},
           filter.way == BreakpointFilter::Way::ToServer ? Monitor::Direction::ToServer
                                                         : Monitor::Direction::ToClient,
           QStringLiteral("breakpoint set: %1")
               .arg(QString::fromUtf8(QJsonDocument(filter.toJson()).toJson(QJsonDocument::Compact))));
}

void Breakpoints::clear()
{
    if (!m_filter && m_queue[0].empty() && m_queue[1].empty())
        return;
    m_filter.reset();
    forwardAll(QStringLiteral("breakpoint removed; held stanzas go on unchanged"));
}

bool Breakpoints::hold(const QString &stream, Monitor::Direction direction, const QByteArray &xml)
{
    if (m_delivering)
        return false;
    std::deque<Held> &queue = m_queue[way(direction)];
    const bool stops = m_filter && m_filter->matches(direction, xml);
    if (!stops && queue.empty())
        return false;
    Held held;
    held.id = m_nextId++;
    held.stream = stream;
    held.xml = xml;
    held.stopped = stops;
    if (stops)
        held.deadline = now() + qint64(m_filter->seconds) * 1000;
    const int count = int(m_queue[0].size() + m_queue[1].size());
    queue.push_back(std::move(held));
    m_bytes += xml.size();
    if (count + 1 > kMaxHeld || m_bytes > m_maxBytes) {
        // Never hold without bound: everything goes on unchanged, this one last, and the breakpoint
        // is removed so that it does not fill up again at once.
        m_filter.reset();
        forwardAll(QStringLiteral("breakpoint: the held stanzas reached their cap (%1 stanzas, %2 bytes); "
                                  "all go on unchanged and the breakpoint is removed")
                       .arg(kMaxHeld)
                       .arg(m_maxBytes));
        return true;
    }
    const Held &added = queue.back();
    if (stops) {
        m_note(stream, direction,
               QStringLiteral("breakpoint: stanza #%1 held (%2)").arg(added.id).arg(nameAndType(xml).first));
    } else {
        const auto stopped =
            std::find_if(queue.cbegin(), queue.cend(), [](const Held &h) { return h.stopped; });
        m_note(stream, direction,
               QStringLiteral("breakpoint: stanza #%1 waits behind held #%2 (order kept)")
                   .arg(added.id)
                   .arg(stopped != queue.cend() ? stopped->id : 0));
    }
    schedule();
    return true;
}

Breakpoints::Held *Breakpoints::find(int id, Monitor::Direction *direction)
{
    for (int w = 0; w < 2; ++w) {
        for (Held &held : m_queue[w]) {
            if (held.id == id) {
                *direction = w ? Monitor::Direction::ToClient : Monitor::Direction::ToServer;
                return &held;
            }
        }
    }
    return nullptr;
}

bool Breakpoints::act(int id, Action action, const QByteArray &xml, QString *error)
{
    Monitor::Direction direction = Monitor::Direction::ToServer;
    Held *held = find(id, &direction);
    if (!held) {
        if (error)
            *error = QStringLiteral("no held stanza #%1").arg(id);
        return false;
    }
    if (!held->stopped || held->decision != Decision::None) {
        if (error)
            *error = held->stopped
                         ? QStringLiteral("stanza #%1 is already decided; it waits behind another").arg(id)
                         : QStringLiteral("stanza #%1 only waits behind a held one; act on that "
                                          "one")
                               .arg(id);
        return false;
    }
    switch (action) {
    case Action::Forward:
        held->decision = Decision::Forward;
        m_note(held->stream, direction, QStringLiteral("breakpoint: stanza #%1 forwarded unchanged").arg(id));
        break;
    case Action::Edit:
        m_bytes += xml.size() - held->xml.size();
        held->xml = xml;
        held->decision = Decision::Forward;
        m_note(held->stream, direction,
               QStringLiteral("breakpoint: stanza #%1 edited, then forwarded").arg(id));
        break;
    case Action::Drop:
        held->decision = Decision::Drop;
        m_note(held->stream, direction,
               QStringLiteral("breakpoint: stanza #%1 dropped, never %2")
                   .arg(id)
                   .arg(direction == Monitor::Direction::ToClient ? QStringLiteral("delivered to the client")
                                                                  : QStringLiteral("sent to the server")));
        break;
    }
    schedule(); // delivered from the event loop
    return true;
}

void Breakpoints::releaseNow()
{
    if (m_queue[0].empty() && m_queue[1].empty())
        return;
    for (auto &queue : m_queue) {
        for (Held &held : queue) {
            if (held.decision == Decision::None)
                held.decision = Decision::Forward;
        }
    }
    releaseReady();
}

QList<QPair<QString, QByteArray>> Breakpoints::takeHeldToClient()
{
    QList<QPair<QString, QByteArray>> taken;
    for (Held &held : m_queue[1]) {
        if (held.decision != Decision::Drop)
            taken.append({held.stream, std::move(held.xml)});
    }
    m_queue[1].clear();
    // What the client sent before it left still goes to the server, in order (dropped ones excepted).
    std::deque<Held> toServer;
    toServer.swap(m_queue[0]);
    m_bytes = 0;
    m_timer.stop();
    const qsizetype sending = std::count_if(toServer.cbegin(), toServer.cend(),
                                            [](const Held &h) { return h.decision != Decision::Drop; });
    if (sending)
        m_note({}, Monitor::Direction::ToServer,
               QStringLiteral("breakpoint: the session ends; %1 held stanza(s) toward the server go on first")
                   .arg(sending));
    const QPointer<Breakpoints> alive(this);
    for (const Held &held : toServer) {
        if (!alive)
            break;
        if (held.decision == Decision::Drop)
            continue;
        m_delivering = true;
        m_deliver(held.stream, Monitor::Direction::ToServer, held.xml);
        if (alive)
            m_delivering = false;
    }
    return taken;
}

QJsonObject Breakpoints::state() const
{
    QJsonObject json;
    if (m_filter)
        json.insert(QStringLiteral("breakpoint"), m_filter->toJson());
    QJsonArray held;
    const qint64 t = now();
    for (int w = 0; w < 2; ++w) {
        for (const Held &h : m_queue[w]) {
            QJsonObject entry{
                {QStringLiteral("id"), h.id},
                {QStringLiteral("direction"),
                 directionName(w ? Monitor::Direction::ToClient : Monitor::Direction::ToServer)},
                {QStringLiteral("stream"), h.stream},
                {QStringLiteral("xml"), QString::fromUtf8(h.xml)},
                {QStringLiteral("stopped"), h.stopped},
            };
            if (h.stopped && h.decision == Decision::None)
                entry.insert(QStringLiteral("msLeft"), int(std::max<qint64>(0, h.deadline - t)));
            if (h.decision != Decision::None)
                entry.insert(QStringLiteral("decision"), h.decision == Decision::Drop
                                                             ? QStringLiteral("drop")
                                                             : QStringLiteral("forward"));
            held.append(entry);
        }
    }
    json.insert(QStringLiteral("held"), held);
    return json;
}

void Breakpoints::forwardAll(const QString &why)
{
    m_note({}, Monitor::Direction::ToClient, why);
    for (auto &queue : m_queue) {
        for (Held &held : queue) {
            if (held.decision == Decision::None)
                held.decision = Decision::Forward;
        }
    }
    schedule();
}

void Breakpoints::releaseReady()
{
    const QPointer<Breakpoints> alive(this);
    for (int w = 0; w < 2 && alive; ++w) {
        const Monitor::Direction direction = w ? Monitor::Direction::ToClient : Monitor::Direction::ToServer;
        std::deque<Held> &queue = m_queue[w];
        while (alive && !queue.empty() &&
               (!queue.front().stopped || queue.front().decision != Decision::None)) {
            // The front is free when it is decided, or only waited behind one that has gone on.
            Held held = std::move(queue.front());
            queue.pop_front();
            m_bytes -= held.xml.size();
            if (held.decision == Decision::Drop)
                continue;
            m_delivering = true;
            m_deliver(held.stream, direction, held.xml); // may end the stream (and delete us, later)
            if (alive)
                m_delivering = false;
        }
    }
}

void Breakpoints::schedule()
{
    qint64 next = -1;
    const qint64 t = now();
    for (auto &queue : m_queue) {
        if (queue.empty())
            continue;
        if (!queue.front().stopped || queue.front().decision != Decision::None) {
            next = t;
            break;
        }
        if (next < 0 || queue.front().deadline < next)
            next = queue.front().deadline;
    }
    if (next < 0) {
        m_timer.stop();
        return;
    }
    m_timer.start(int(std::clamp<qint64>(next - t, 0, qint64(BreakpointFilter::kMaxSeconds) * 1000)),
                  Qt::PreciseTimer, this);
}

void Breakpoints::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_timer.timerId())
        return QObject::timerEvent(event);
    m_timer.stop();
    // Stopped stanzas nobody acted on in time go on unchanged.
    const qint64 t = now();
    for (int w = 0; w < 2; ++w) {
        for (Held &held : m_queue[w]) {
            if (held.stopped && held.decision == Decision::None && held.deadline <= t) {
                held.decision = Decision::Forward;
                m_note(held.stream, w ? Monitor::Direction::ToClient : Monitor::Direction::ToServer,
                       QStringLiteral("breakpoint: stanza #%1 not acted on in time; forwarded unchanged")
                           .arg(held.id));
            }
        }
    }
    const QPointer<Breakpoints> alive(this);
    releaseReady();
    if (alive)
        schedule();
}

} // namespace Switchboard::Stream
