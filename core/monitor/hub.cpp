// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/hub.h"

#include "base/tsanhandover.h"

#include <QXmlStreamReader>

namespace Switchboard::Monitor {

std::shared_ptr<SessionCounters> Hub::reportSessionOpened(const SessionInfo &info)
{
    ++m_sessions;
    switch (info.transport) {
    case Transport::Bosh:
        ++m_totals.boshSessions;
        break;
    case Transport::WebSocket:
        ++m_totals.webSocketSessions;
        break;
    case Transport::Rest:
        ++m_totals.restSessions;
        break;
    }
    auto counters = std::make_shared<SessionCounters>();
    m_counters.insert(info.sid, counters);
    Q_EMIT sessionOpened(info);
    return counters;
}

void Hub::adoptSession(const SessionInfo &info, std::shared_ptr<SessionCounters> counters)
{
    ++m_sessions;
    m_counters.insert(info.sid, std::move(counters));
    Q_EMIT sessionOpened(info);
}

namespace {
void addTotals(HubTotals *sum, const HubTotals &part)
{
    sum->boshSessions += part.boshSessions;
    sum->webSocketSessions += part.webSocketSessions;
    sum->restSessions += part.restSessions;
    sum->requests += part.requests;
    sum->stanzasToServer += part.stanzasToServer;
    sum->stanzasToClient += part.stanzasToClient;
    sum->bytesToServer += part.bytesToServer;
    sum->bytesToClient += part.bytesToClient;
    sum->relayedRequests += part.relayedRequests;
    for (std::size_t i = 0; i < sum->answerLatency.buckets.size(); ++i)
        sum->answerLatency.buckets[i] += part.answerLatency.buckets[i];
    sum->answerLatency.count += part.answerLatency.count;
    sum->answerLatency.sumMs += part.answerLatency.sumMs;
    // Push totals are reported whole by the one front that owns the dispatcher (this Hub's).
}
} // namespace

HubTotals Hub::totals() const
{
    HubTotals sum = m_totals;
    for (const Hub *worker : m_workerHubs)
        addTotals(&sum, worker->m_totals);
    return sum;
}

void Hub::connectNotify(const QMetaMethod &signal)
{
    if (signal == QMetaMethod::fromSignal(&Hub::stanzaForwarded))
        disconnectNotify(QMetaMethod());
}

void Hub::disconnectNotify(const QMetaMethod &signal)
{
    // An invalid method: a disconnect of everything (QObject::disconnect(hub, nullptr, ...)).
    if (signal.isValid() && signal != QMetaMethod::fromSignal(&Hub::stanzaForwarded))
        return;
    // Qt calls the notifiers with its connection lock held, where isSignalConnected() would wait for
    // ever: looked at from the event loop instead.
    TsanHandover::post(this, [this] {
        const bool wanted = wantsTraffic();
        if (wanted != m_trafficWanted) {
            m_trafficWanted = wanted;
            Q_EMIT trafficWantedChanged(wanted);
        }
    });
}

void Hub::reportSessionClosed(const QString &sid, const QString &condition)
{
    --m_sessions;
    // Watchers take their last reading of the counters in their sessionClosed slot.
    Q_EMIT sessionClosed(sid, condition);
    m_counters.remove(sid);
    // As Registry::onClosed: shrink after a logout wave, not per session.
    if (m_counters.isEmpty())
        m_counters.clear(); // all of it once none is left
    else if (m_counters.capacity() >= 256 && m_counters.size() < m_counters.capacity() / 8)
        m_counters.squeeze();
}

void Hub::reportBound(const QString &sid, const QString &stream, const QString &jid)
{
    Q_EMIT streamBound(sid, stream, jid);
}

SessionCounters Hub::sessionCounters(const QString &sid) const
{
    const auto it = m_counters.constFind(sid);
    return it == m_counters.cend() ? SessionCounters{} : **it;
}

std::shared_ptr<const SessionCounters> Hub::sharedCounters(const QString &sid) const
{
    return m_counters.value(sid);
}

QString Hub::boundJid(const QByteArray &xml)
{
    // RFC 6120 §7.6.1: <iq type='result'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>…</jid>.
    if (!xml.contains("urn:ietf:params:xml:ns:xmpp-bind") || !xml.contains("jid"))
        return {};
    QXmlStreamReader reader(xml);
    bool inBind = false;
    bool isResult = false;
    while (!reader.atEnd()) {
        const auto token = reader.readNext();
        if (token != QXmlStreamReader::StartElement)
            continue;
        if (reader.name() == QLatin1String("iq"))
            isResult = reader.attributes().value(QLatin1String("type")) == QLatin1String("result");
        else if (reader.name() == QLatin1String("bind") &&
                 reader.namespaceUri() == QLatin1String("urn:ietf:params:xml:ns:xmpp-bind"))
            inBind = true;
        else if (inBind && isResult && reader.name() == QLatin1String("jid")) {
            // Kept for the session's life (registry, timeline): without the reader's spare room.
            QString jid = reader.readElementText().trimmed();
            jid.squeeze();
            return jid;
        }
    }
    return {};
}

} // namespace Switchboard::Monitor
