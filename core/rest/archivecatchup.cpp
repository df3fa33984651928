// SPDX-License-Identifier: GPL-3.0-or-later
#include "rest/archivecatchup.h"

#include "rest/restevent.h"

#include "xmpp/xmlescape.h"

#include <QXmlStreamReader>

namespace Switchboard::Rest {

namespace {

const QLatin1String kMamNs("urn:xmpp:mam:2");
const QLatin1String kSidNs("urn:xmpp:sid:0");
const QLatin1String kForwardNs("urn:xmpp:forward:0");
const QLatin1String kDelayNs("urn:xmpp:delay");
const QLatin1String kRsmNs("http://jabber.org/protocol/rsm");
const QLatin1String kClientNs("jabber:client");

/// What one element from the server says about a catch-up.
struct Parsed
{
    QString name, type, id, from;
    // a result message
    QString queryId, resultId;
    QByteArray inner; ///< the forwarded message, as sent
    QByteArray delay; ///< the forwarded <delay/>, as sent
    bool innerHasNs = false;
    // a fin
    bool fin = false;
    bool complete = false;
    QString last;
};

Parsed parse(const QByteArray &xml)
{
    Parsed p;
    const QString text = QString::fromUtf8(xml);
    QXmlStreamReader reader(text);
    QStringList path; // element names from the top
    qint64 before = 0, innerStart = -1, delayStart = -1;
    while (!reader.atEnd()) {
        before = reader.characterOffset();
        const auto token = reader.readNext();
        if (token == QXmlStreamReader::StartElement) {
            const QStringView name = reader.name();
            const QStringView ns = reader.namespaceUri();
            const QXmlStreamAttributes a = reader.attributes();
            const int depth = int(path.size());
            if (depth == 0) {
                p.name = name.toString();
                p.type = a.value(QLatin1String("type")).toString();
                p.id = a.value(QLatin1String("id")).toString();
                p.from = a.value(QLatin1String("from")).toString();
            } else if (depth == 1 && name == QLatin1String("result") && ns == kMamNs) {
                p.queryId = a.value(QLatin1String("queryid")).toString();
                p.resultId = a.value(QLatin1String("id")).toString();
            } else if (depth == 1 && name == QLatin1String("fin") && ns == kMamNs) {
                p.fin = true;
                const QStringView complete = a.value(QLatin1String("complete"));
                p.complete = complete == QLatin1String("true") || complete == QLatin1String("1");
            } else if (depth == 3 && path.at(1) == QLatin1String("fin") && name == QLatin1String("last") &&
                       ns == kRsmNs) {
                p.last = reader.readElementText().trimmed();
                continue; // readElementText consumed the end element
            } else if (depth == 2 && path.at(1) == QLatin1String("result") &&
                       name == QLatin1String("forwarded") && ns == kForwardNs) {
                // nothing to take from the wrapper itself
            } else if (depth == 3 && path.at(2) == QLatin1String("forwarded")) {
                if (name == QLatin1String("message") && ns == kClientNs && innerStart < 0) {
                    innerStart = before;
                    const QString startTag = text.mid(before, reader.characterOffset() - before);
                    p.innerHasNs = startTag.contains(QLatin1String("xmlns="));
                } else if (name == QLatin1String("delay") && ns == kDelayNs) {
                    delayStart = before;
                }
            }
            path.append(name.toString());
        } else if (token == QXmlStreamReader::EndElement) {
            path.removeLast();
            const int depth = int(path.size());
            if (depth == 3 && innerStart >= 0 && p.inner.isEmpty() &&
                reader.name() == QLatin1String("message"))
                p.inner = text.mid(innerStart, reader.characterOffset() - innerStart).toUtf8();
            if (depth == 3 && delayStart >= 0 && p.delay.isEmpty() && reader.name() == QLatin1String("delay"))
                p.delay = text.mid(delayStart, reader.characterOffset() - delayStart).toUtf8();
        }
    }
    if (reader.hasError())
        return {};
    return p;
}

} // namespace

ArchiveCatchup::ArchiveCatchup(const QString &ownBareJid) : m_own(ownBareJid.toLower()) {}

QString ArchiveCatchup::stanzaId(const QByteArray &messageXml) const
{
    QXmlStreamReader reader(messageXml);
    if (!reader.readNextStartElement())
        return {};
    while (reader.readNextStartElement()) {
        if (reader.name() == QLatin1String("stanza-id") && reader.namespaceUri() == kSidNs &&
            reader.attributes().value(QLatin1String("by")).toString().toLower() == m_own)
            return reader.attributes().value(QLatin1String("id")).toString();
        reader.skipCurrentElement();
    }
    return {};
}

bool ArchiveCatchup::remember(const QString &id)
{
    if (m_seen.contains(id))
        return false;
    m_seen.insert(id);
    m_order.push_back(id);
    while (int(m_order.size()) > kRecentIds) {
        m_seen.remove(m_order.front());
        m_order.pop_front();
    }
    return true;
}

bool ArchiveCatchup::noteLive(const QByteArray &messageXml)
{
    if (m_own.isEmpty())
        return true;
    const QString id = stanzaId(messageXml);
    if (id.isEmpty())
        return true; // nothing to tell it apart by: given as it comes
    if (!remember(id))
        return false;
    m_lastId = id;
    return true;
}

QByteArray ArchiveCatchup::query(const QString &after, const QDateTime &since) const
{
    QByteArray xml = "<iq xmlns='jabber:client' type='set' id='" +
                     Xmpp::xmlEscaped(QString(m_iqId + QLatin1Char('-') + QString::number(m_page))) +
                     "'><query xmlns='urn:xmpp:mam:2' queryid='" + Xmpp::xmlEscaped(m_queryId) + "'>";
    if (after.isEmpty() && since.isValid()) {
        // XEP-0313 §4.1.1: the form's start field, when there is no archive id to page from.
        xml += "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'>"
               "<value>urn:xmpp:mam:2</value></field><field var='start'><value>" +
               since.toUTC().toString(Qt::ISODate).toLatin1() + "</value></field></x>";
    }
    xml += "<set xmlns='http://jabber.org/protocol/rsm'><max>" + QByteArray::number(kPageSize) + "</max>";
    if (!after.isEmpty())
        xml += "<after>" + Xmpp::xmlEscaped(after) + "</after>";
    return xml + "</set></query></iq>";
}

QByteArray ArchiveCatchup::start(const QString &iqId, const QDateTime &since)
{
    m_running = true;
    m_iqId = iqId;
    m_queryId = iqId + QLatin1String("-q");
    m_page = 0;
    m_caughtUp = 0;
    return query(m_lastId, since);
}

bool ArchiveCatchup::isLate(const QByteArray &xml) const
{
    if (m_running || m_iqId.isEmpty() || !xml.contains(m_iqId.toUtf8()))
        return false;
    const Parsed p = parse(xml);
    const bool fromOwn = p.from.isEmpty() || p.from.toLower() == m_own;
    if (!fromOwn)
        return false;
    if (p.name == QLatin1String("message"))
        return p.queryId == m_queryId;
    return p.name == QLatin1String("iq") && p.id.startsWith(m_iqId + QLatin1Char('-'));
}

ArchiveCatchup::Step ArchiveCatchup::handle(const QByteArray &xml, QByteArray *out, QString *error)
{
    if (!m_running)
        return Step::NotMine;
    if (!xml.startsWith("<message") && !xml.startsWith("<iq"))
        return Step::NotMine;
    const Parsed p = parse(xml);
    const bool fromOwn = p.from.isEmpty() || p.from.toLower() == m_own;
    if (p.name == QLatin1String("message")) {
        if (p.queryId.isEmpty() || p.queryId != m_queryId || !fromOwn)
            return Step::NotMine;
        if (p.inner.isEmpty() || p.resultId.isEmpty())
            return Step::Duplicate; // a result we cannot read gives nothing
        if (!remember(p.resultId))
            return Step::Duplicate;
        m_lastId = p.resultId;
        // The archive keeps what the account sent too (XEP-0313 §4.1.2): not something that arrived.
        const StanzaSummary forwarded = summarize(p.inner);
        const auto bare = [](const QString &jid) { return jid.section(QLatin1Char('/'), 0, 0).toLower(); };
        if (bare(forwarded.from) == m_own && bare(forwarded.to) != m_own)
            return Step::Duplicate;
        ++m_caughtUp;
        QByteArray inner = p.inner;
        if (!p.innerHasNs)
            inner.insert(int(qstrlen("<message")), " xmlns='jabber:client'");
        // XEP-0203: the time the server archived it goes with the message, unless it has one.
        if (!p.delay.isEmpty() && !inner.contains("urn:xmpp:delay") && inner.endsWith("</message>"))
            inner.insert(inner.size() - qsizetype(qstrlen("</message>")), p.delay);
        *out = inner;
        return Step::Message;
    }
    if (p.name != QLatin1String("iq") ||
        p.id != QString(m_iqId + QLatin1Char('-') + QString::number(m_page)) || !fromOwn)
        return Step::NotMine;
    if (p.type != QLatin1String("result") || !p.fin) {
        m_running = false;
        if (error)
            *error = QStringLiteral("the archive query failed");
        return Step::Done;
    }
    if (p.complete || p.last.isEmpty()) {
        m_running = false;
        return Step::Done;
    }
    if (++m_page >= kMaxPages) {
        m_running = false;
        if (error)
            *error = QStringLiteral("stopped after %1 pages").arg(kMaxPages);
        return Step::Done;
    }
    *out = query(p.last, {});
    return Step::NextPage;
}

bool ArchiveCatchup::hold(const QByteArray &messageXml)
{
    if (m_held.size() >= kMaxHeld)
        return false;
    m_held.append(messageXml);
    return true;
}

QList<QByteArray> ArchiveCatchup::takeHeld()
{
    QList<QByteArray> fresh;
    for (const QByteArray &xml : std::exchange(m_held, {})) {
        if (noteLive(xml))
            fresh.append(xml);
    }
    return fresh;
}

} // namespace Switchboard::Rest
