// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/trafficrecorder.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSaveFile>
#include <QXmlStreamReader>

#include <algorithm>

Q_DECLARE_LOGGING_CATEGORY(lcMonitor)

namespace Switchboard::Monitor {

namespace {

const QLatin1String kSaslNs("urn:ietf:params:xml:ns:xmpp-sasl");
const QLatin1String kSasl2Ns("urn:xmpp:sasl:2"); // XEP-0388
const QLatin1String kFastNs("urn:xmpp:fast:0");  // XEP-0484
const QLatin1String kIqAuthNs("jabber:iq:auth");
const QLatin1String kIqRegisterNs("jabber:iq:register");
const QLatin1String kDataFormsNs("jabber:x:data");
const QLatin1String kRedacted("[redacted]");

// Prefixes a lone stanza may use without declaring them (the stream declared them).
const QLatin1String kWrapOpen("<w xmlns:stream='http://etherx.jabber.org/streams'>");
const QLatin1String kWrapClose("</w>");

bool mayHoldSecrets(const QByteArray &xml)
{
    return xml.contains("xmpp-sasl") || xml.contains("urn:xmpp:sasl:") || xml.contains("urn:xmpp:fast:") ||
           xml.contains("jabber:iq:auth") || xml.contains("jabber:iq:register") ||
           xml.contains("text-private");
}

/// The value of a `token` attribute (a FAST token, XEP-0484 §3.4) in the start tag text[from, to):
/// its [start, end) in `text`, or {-1, -1}.
QPair<qint64, qint64> tokenAttribute(const QString &text, qint64 from, qint64 to)
{
    static const QRegularExpression attribute(QStringLiteral("\\stoken\\s*=\\s*('[^']*'|\"[^\"]*\")"));
    const QRegularExpressionMatch match = attribute.match(QStringView(text).mid(from, to - from));
    if (!match.hasMatch() || match.capturedLength(1) <= 2)
        return {-1, -1};
    // Inside the quotes.
    return {from + match.capturedStart(1) + 1, from + match.capturedEnd(1) - 1};
}

/// When a stanza cannot be parsed alone but names a secret-bearing namespace: blank the text of every
/// element that could carry a secret, whatever its namespace (over-redacting beats leaking).
QByteArray redactConservatively(const QByteArray &xml)
{
    static const QRegularExpression element(QStringLiteral(
        "(<(?:[A-Za-z_][\\w.-]*:)?(?:auth|response|challenge|success|password|value|initial-response|"
        "additional-data|hash|salt)(?:\\s[^>]*)?(?<!/)>)([^<]+)(</)"));
    static const QRegularExpression token(QStringLiteral("(\\stoken\\s*=\\s*)(?:'[^']*'|\"[^\"]*\")"));
    QString text = QString::fromUtf8(xml);
    text.replace(element, QStringLiteral("\\1[redacted]\\3"));
    text.replace(token, QStringLiteral("\\1'[redacted]'"));
    return text.toUtf8();
}

QString decodeEntities(QStringView value)
{
    if (!value.contains(QLatin1Char('&')))
        return value.toString();
    QString out = value.toString();
    out.replace(QLatin1String("&lt;"), QLatin1String("<"));
    out.replace(QLatin1String("&gt;"), QLatin1String(">"));
    out.replace(QLatin1String("&quot;"), QLatin1String("\""));
    out.replace(QLatin1String("&apos;"), QLatin1String("'"));
    out.replace(QLatin1String("&amp;"), QLatin1String("&"));
    return out;
}

QString directionName(Direction direction)
{
    return direction == Direction::ToServer ? QStringLiteral("to-server") : QStringLiteral("to-client");
}

QJsonObject toJson(const TrafficRecord &r)
{
    QJsonObject json{
        {QStringLiteral("id"), qint64(r.id)},
        {QStringLiteral("time"), r.time.toString(Qt::ISODateWithMs)},
        {QStringLiteral("session"), r.session},
        {QStringLiteral("stream"), r.stream},
        {QStringLiteral("direction"), directionName(r.direction)},
        {QStringLiteral("size"), qint64(r.size)},
        {QStringLiteral("element"), r.element},
        {QStringLiteral("type"), r.type},
        {QStringLiteral("to"), r.to},
        {QStringLiteral("from"), r.from},
        {QStringLiteral("redacted"), r.redacted},
        {QStringLiteral("xml"), QString::fromUtf8(r.xml)},
    };
    if (!r.note.isEmpty())
        json.insert(QStringLiteral("note"), r.note);
    return json;
}

bool parsesAlone(const QByteArray &xml)
{
    QXmlStreamReader reader(QString(kWrapOpen) + QString::fromUtf8(xml) + QString(kWrapClose));
    while (!reader.atEnd())
        reader.readNext();
    return !reader.hasError();
}

} // namespace

TrafficRecorder::TrafficRecorder(Hub *hub, QObject *parent) : QObject(parent), m_hub(hub)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(100);
    connect(&m_timer, &QTimer::timeout, this, &TrafficRecorder::announce);
}

TrafficRecorder::~TrafficRecorder()
{
    // Leave the Hub's wantsTraffic() false again.
    QObject::disconnect(m_connection);
}

void TrafficRecorder::setEnabled(bool enabled)
{
    if (m_enabled == enabled)
        return;
    const bool was = isCapturing();
    m_enabled = enabled;
    updateConnection();
    if (was != isCapturing())
        Q_EMIT capturingChanged(isCapturing());
}

void TrafficRecorder::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    const bool was = isCapturing();
    m_paused = paused;
    updateConnection();
    if (was != isCapturing())
        Q_EMIT capturingChanged(isCapturing());
}

void TrafficRecorder::updateConnection()
{
    // Connected only while capturing: Hub::wantsTraffic() is exactly "someone records".
    if (isCapturing() && !m_connection && m_hub) {
        m_connection = connect(m_hub, &Hub::stanzaForwarded, this, &TrafficRecorder::onStanza);
        m_faultConnection = connect(m_hub, &Hub::faultApplied, this, &TrafficRecorder::appendFault);
        qCDebug(lcMonitor) << "traffic capture on" << (m_showSecrets ? "(secrets shown)" : "");
    } else if (!isCapturing() && m_connection) {
        QObject::disconnect(m_connection);
        QObject::disconnect(m_faultConnection);
        m_connection = {};
        m_faultConnection = {};
        qCDebug(lcMonitor) << "traffic capture off";
    }
}

void TrafficRecorder::setCapacity(int records)
{
    m_capacity = std::max(1, records);
    if (int(m_ring.size()) > m_capacity) {
        while (int(m_ring.size()) > m_capacity)
            m_ring.pop_front();
        m_dropped = true;
        scheduleAnnounce();
    }
}

void TrafficRecorder::setShowSecrets(bool show)
{
    m_showSecrets = show;
}

void TrafficRecorder::setInterval(int ms)
{
    m_timer.setInterval(std::max(0, ms));
}

void TrafficRecorder::clear()
{
    m_ring.clear();
    m_announced = lastId();
    m_dropped = false;
    m_timer.stop();
    Q_EMIT cleared();
}

quint64 TrafficRecorder::firstId() const
{
    return m_ring.empty() ? 0 : m_ring.front().id;
}

QList<TrafficRecord> TrafficRecorder::records(quint64 sinceId, int max) const
{
    QList<TrafficRecord> out;
    if (m_ring.empty() || sinceId >= m_ring.back().id)
        return out;
    const quint64 first = m_ring.front().id;
    const std::size_t start = sinceId < first ? 0 : std::size_t(sinceId - first + 1);
    std::size_t count = m_ring.size() - start;
    if (max >= 0)
        count = std::min(count, std::size_t(max));
    out.reserve(qsizetype(count));
    for (std::size_t i = start; i < start + count; ++i)
        out.append(m_ring[i]);
    return out;
}

TrafficRecord TrafficRecorder::record(quint64 id) const
{
    if (m_ring.empty() || id < m_ring.front().id || id > m_ring.back().id)
        return {};
    return m_ring[std::size_t(id - m_ring.front().id)];
}

void TrafficRecorder::onStanza(const QString &sid, const QString &stream, Direction direction,
                               const QByteArray &xml)
{
    append(sid, stream, direction, xml);
}

void TrafficRecorder::appendFault(const QString &session, const QString &stream, Direction direction,
                                  const QString &note)
{
    TrafficRecord record;
    record.id = m_nextId++;
    record.time = QDateTime::currentDateTimeUtc();
    record.session = session;
    record.stream = stream;
    record.direction = direction;
    record.element = QStringLiteral("fault");
    record.note = note;
    while (int(m_ring.size()) >= m_capacity) {
        m_ring.pop_front();
        m_dropped = true;
    }
    m_ring.push_back(std::move(record));
    scheduleAnnounce();
}

void TrafficRecorder::append(const QString &session, const QString &stream, Direction direction,
                             const QByteArray &xml)
{
    TrafficRecord record;
    record.id = m_nextId++;
    record.time = QDateTime::currentDateTimeUtc();
    record.session = session;
    record.stream = stream;
    record.direction = direction;
    record.size = xml.size();
    // Redacted at the source: a secret that is never stored cannot leak through a view or an export.
    record.xml = m_showSecrets ? xml : redact(xml, &record.redacted);
    describe(record);
    while (int(m_ring.size()) >= m_capacity) {
        m_ring.pop_front();
        m_dropped = true;
    }
    m_ring.push_back(std::move(record));
    scheduleAnnounce();
}

void TrafficRecorder::scheduleAnnounce()
{
    if (!m_timer.isActive())
        m_timer.start();
}

void TrafficRecorder::announce()
{
    if (lastId() == m_announced && !m_dropped)
        return;
    m_announced = lastId();
    m_dropped = false;
    Q_EMIT recordsAppended(firstId(), lastId());
}

void TrafficRecorder::describe(TrafficRecord &record)
{
    // The top-level start tag only: <name attr='v' attr="v" …> (a light scan, no parser).
    const QByteArray &xml = record.xml;
    qsizetype i = xml.indexOf('<');
    while (i >= 0 && i + 1 < xml.size() && (xml[i + 1] == '?' || xml[i + 1] == '!'))
        i = xml.indexOf('<', i + 1);
    if (i < 0)
        return;
    ++i;
    const auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    qsizetype nameEnd = i;
    while (nameEnd < xml.size() && !isSpace(xml[nameEnd]) && xml[nameEnd] != '>' && xml[nameEnd] != '/')
        ++nameEnd;
    QByteArray name = xml.mid(i, nameEnd - i);
    if (const qsizetype colon = name.indexOf(':'); colon >= 0)
        name = name.mid(colon + 1);
    record.element = QString::fromUtf8(name);
    qsizetype p = nameEnd;
    while (p < xml.size()) {
        while (p < xml.size() && isSpace(xml[p]))
            ++p;
        if (p >= xml.size() || xml[p] == '>' || xml[p] == '/')
            break;
        const qsizetype eq = xml.indexOf('=', p);
        if (eq < 0)
            break;
        const QByteArray attr = xml.mid(p, eq - p).trimmed();
        qsizetype q = eq + 1;
        while (q < xml.size() && isSpace(xml[q]))
            ++q;
        if (q >= xml.size() || (xml[q] != '\'' && xml[q] != '"'))
            break;
        const char quote = xml[q];
        const qsizetype end = xml.indexOf(quote, q + 1);
        if (end < 0)
            break;
        const QString value = decodeEntities(QString::fromUtf8(xml.mid(q + 1, end - q - 1)));
        if (attr == "type")
            record.type = value;
        else if (attr == "to")
            record.to = value;
        else if (attr == "from")
            record.from = value;
        p = end + 1;
    }
}

QByteArray TrafficRecorder::redact(const QByteArray &xml, bool *changed)
{
    if (changed)
        *changed = false;
    if (!mayHoldSecrets(xml))
        return xml;

    const QString text = QString(kWrapOpen) + QString::fromUtf8(xml) + QString(kWrapClose);
    QXmlStreamReader reader(text);
    struct Open
    {
        bool secret = false;
        bool privateField = false;
        qint64 contentStart = 0;
    };
    QList<Open> stack;
    QList<QPair<qint64, qint64>> regions;          // [start, end) of secret content, in `text`
    QList<QPair<qint64, qint64>> attributeRegions; // [start, end) of secret attribute values
    while (!reader.atEnd()) {
        const auto token = reader.readNext();
        const qint64 offset = reader.characterOffset();
        if (token == QXmlStreamReader::StartElement) {
            const QStringView name = reader.name();
            const QStringView ns = reader.namespaceUri();
            Open open;
            open.contentStart = offset;
            if (ns == kSaslNs)
                open.secret = name == QLatin1String("auth") || name == QLatin1String("response") ||
                              name == QLatin1String("challenge") || name == QLatin1String("success");
            else if (ns == kSasl2Ns)
                // XEP-0388: <authenticate/> itself carries the user agent, which is no secret; its
                // <initial-response/>, the exchanges, the additional data of <success/>, <continue/> and
                // <failure/>, and what tasks exchange (e.g. SCRAM upgrade hashes) are.
                open.secret = name == QLatin1String("initial-response") ||
                              name == QLatin1String("response") || name == QLatin1String("challenge") ||
                              name == QLatin1String("additional-data") || name == QLatin1String("task-data");
            else if (ns == kFastNs && name == QLatin1String("token")) {
                // XEP-0484: the token is an attribute of <token/>.
                const qint64 tagStart = text.lastIndexOf(QLatin1Char('<'), offset - 1);
                if (const auto value = tokenAttribute(text, tagStart, offset); value.first >= 0)
                    attributeRegions.append(value);
            } else if (ns == kIqAuthNs || ns == kIqRegisterNs)
                open.secret = name == QLatin1String("password");
            else if (ns == kDataFormsNs && name == QLatin1String("field"))
                open.privateField =
                    reader.attributes().value(QLatin1String("type")) == QLatin1String("text-private");
            else if (ns == kDataFormsNs && name == QLatin1String("value"))
                open.secret = !stack.isEmpty() && stack.constLast().privateField;
            stack.append(open);
        } else if (token == QXmlStreamReader::EndElement && !stack.isEmpty()) {
            const Open open = stack.takeLast();
            // The content ends where this end tag began (the reader's offsets after text tokens run one
            // character ahead, so look for the "</" itself). An empty element <x/> has none.
            const qint64 endTag = text.lastIndexOf(QLatin1String("</"), offset - 1);
            if (open.secret && endTag > open.contentStart)
                regions.append({open.contentStart, endTag});
        }
    }
    if (reader.hasError()) {
        const QByteArray out = redactConservatively(xml);
        if (changed)
            *changed = out != xml;
        return out;
    }

    if (regions.isEmpty() && attributeRegions.isEmpty())
        return xml;
    QString out = text;
    bool any = false;
    // Attribute values cannot hold an element, and no content region can hold a start tag's attribute
    // without holding the whole tag: each list is replaced apart, together from the end.
    for (const auto &region : std::as_const(attributeRegions))
        regions.append(region);
    // Outermost regions win; replace from the end so earlier offsets stay valid.
    std::sort(regions.begin(), regions.end());
    for (qsizetype i = regions.size() - 1; i >= 0; --i) {
        const auto [start, end] = regions[i];
        bool nested = false;
        for (qsizetype j = 0; j < i; ++j)
            nested = nested || (regions[j].first <= start && regions[j].second >= end);
        if (nested)
            continue;
        const QStringView content = QStringView(out).mid(start, end - start);
        // "=" is SASL's empty response (RFC 6120 §6.4.2): nothing secret in it.
        if (content.trimmed().isEmpty() || content.trimmed() == QLatin1String("="))
            continue;
        out.replace(start, end - start, kRedacted);
        any = true;
    }
    if (!any)
        return xml;
    if (changed)
        *changed = true;
    return QStringView(out).mid(kWrapOpen.size(), out.size() - kWrapOpen.size() - kWrapClose.size()).toUtf8();
}

QByteArray TrafficRecorder::exportRecords(const QList<TrafficRecord> &records, ExportFormat format,
                                          const QList<Problem> &problems)
{
    QByteArray out;
    if (format == ExportFormat::JsonLines) {
        for (const TrafficRecord &r : records) {
            out += QJsonDocument(toJson(r)).toJson(QJsonDocument::Compact);
            out += '\n';
        }
        for (const Problem &p : problems) {
            out += QJsonDocument(QJsonObject{{QStringLiteral("problem"), problemJson(p)}})
                       .toJson(QJsonDocument::Compact);
            out += '\n';
        }
        return out;
    }
    // An XML log: each stanza inside a <stanza> element with its metadata; the stream prefix is declared
    // once so server features parse. A stanza that does not parse alone goes in as escaped text.
    out += "<?xml version='1.0' encoding='UTF-8'?>\n"
           "<log xmlns:stream='http://etherx.jabber.org/streams' generator='Switchboard'>\n";
    const auto attribute = [](const QString &value) {
        return value.toHtmlEscaped().replace(QLatin1Char('\''), QLatin1String("&apos;")).toUtf8();
    };
    for (const TrafficRecord &r : records) {
        out += "<stanza id='" + QByteArray::number(r.id) + "' time='" +
               r.time.toString(Qt::ISODateWithMs).toUtf8() + "' session='" + attribute(r.session) +
               "' stream='" + attribute(r.stream) + "' direction='" + directionName(r.direction).toUtf8() +
               "' size='" + QByteArray::number(r.size) + '\'';
        if (r.redacted)
            out += " redacted='true'";
        if (!r.note.isEmpty()) {
            // A fault record: what the fault did, in place of a stanza.
            out += " fault='" + attribute(r.note) + "'/>\n";
            continue;
        }
        if (parsesAlone(r.xml)) {
            out += '>' + r.xml + "</stanza>\n";
        } else {
            out += " escaped='true'>" + QString::fromUtf8(r.xml).toHtmlEscaped().toUtf8() + "</stanza>\n";
        }
    }
    for (const Problem &p : problems) {
        out += "<problem id='" + QByteArray::number(p.id) + "' time='" +
               p.time.toString(Qt::ISODateWithMs).toUtf8() + "' session='" + attribute(p.session) +
               "' code='" + attribute(problemCode(p.kind)) + "' clause='" + attribute(p.clause) + "' side='" +
               attribute(problemSideName(p.side)) + '\'';
        if (p.trafficId)
            out += " stanza='" + QByteArray::number(p.trafficId) + '\'';
        out += '>' + p.detail.toHtmlEscaped().toUtf8() + "</problem>\n";
    }
    out += "</log>\n";
    return out;
}

bool TrafficRecorder::exportToFile(const QString &fileName, const QList<TrafficRecord> &records,
                                   ExportFormat format, QString *error, const QList<Problem> &problems)
{
    QSaveFile file(fileName);
    if (!file.open(QIODevice::WriteOnly)) {
        qCWarning(lcMonitor).noquote() << "cannot export traffic to" << fileName << ":" << file.errorString();
        if (error)
            *error = file.errorString();
        return false;
    }
    file.write(exportRecords(records, format, problems));
    if (!file.commit()) {
        if (error)
            *error = file.errorString();
        return false;
    }
    return true;
}

} // namespace Switchboard::Monitor
