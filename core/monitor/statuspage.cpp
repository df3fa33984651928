// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/statuspage.h"

#include "base/constanttime.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#ifndef SWITCHBOARD_VERSION
#define SWITCHBOARD_VERSION "unknown"
#endif

namespace Switchboard::Monitor {

namespace {

QByteArray withoutTrailingSlashes(QByteArray path)
{
    while (path.size() > 1 && path.endsWith('/'))
        path.chop(1);
    return path;
}

StatusPage::Reply textReply(int status, const QByteArray &text)
{
    StatusPage::Reply reply;
    reply.status = status;
    reply.contentType = QByteArrayLiteral("text/plain; charset=utf-8");
    reply.body = text + '\n';
    return reply;
}

/// Prometheus label values escape '\', '"' and newlines.
QByteArray labelValue(const QString &value)
{
    QByteArray out;
    for (const char c : value.toUtf8()) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

void family(QByteArray &out, const char *name, const char *type, const char *help)
{
    out += QByteArray("# HELP ") + name + ' ' + help + '\n';
    out += QByteArray("# TYPE ") + name + ' ' + type + '\n';
}

void sample(QByteArray &out, const char *name, const QByteArray &labels, double value)
{
    out += name;
    if (!labels.isEmpty())
        out += '{' + labels + '}';
    out += ' ' + QByteArray::number(value, 'g', 17) + '\n';
}

} // namespace

StatusPage::StatusPage(const Registry *registry, const QString &statusPath, const QString &token)
    : m_registry(registry), m_htmlPath(withoutTrailingSlashes(statusPath.toUtf8())),
      m_jsonPath(m_htmlPath + ".json"), m_token(token), m_started(QDateTime::currentDateTimeUtc()),
      m_isLocal(&StatusPage::isLoopback)
{}

bool StatusPage::matches(const QByteArray &path) const
{
    // A view, not withoutTrailingSlashes(): asked for every HTTP request (the CORS policy too).
    QByteArrayView p = path;
    while (p.size() > 1 && p.endsWith('/'))
        p.chop(1);
    return p == m_htmlPath || p == m_jsonPath || p == "/metrics";
}

bool StatusPage::isLoopback(const QHostAddress &peer)
{
    // An IPv4 peer on a dual-stack socket shows up as ::ffff:127.0.0.1.
    bool isV4 = false;
    const quint32 v4 = peer.toIPv4Address(&isV4);
    if (isV4)
        return QHostAddress(v4).isLoopback();
    return peer.isLoopback();
}

bool StatusPage::allowed(const QString &token, const QHostAddress &peer, const QByteArray &authorization,
                         const QByteArray &queryToken, const LocalCheck &isLocal)
{
    if (token.isEmpty())
        return isLocal ? isLocal(peer) : isLoopback(peer);
    const QByteArray expected = token.toUtf8();
    if (!queryToken.isNull() && constantTimeEquals(queryToken, expected))
        return true;
    // RFC 6750 §2.1: "Bearer" is case-insensitive, one or more blanks before the token.
    const QByteArray auth = authorization.trimmed();
    if (auth.size() > 7 && auth.left(7).compare("bearer ", Qt::CaseInsensitive) == 0)
        return constantTimeEquals(auth.mid(7).trimmed(), expected);
    return false;
}

std::optional<StatusPage::Reply> StatusPage::handle(const QByteArray &method, const QByteArray &path,
                                                    const QHostAddress &peer, const QByteArray &authorization,
                                                    const QByteArray &queryToken) const
{
    if (!matches(path))
        return std::nullopt;
    if (!allowed(m_token, peer, authorization, queryToken, m_isLocal)) {
        if (m_token.isEmpty())
            return textReply(403,
                             "The status page answers local clients only (set status_token to open it).");
        Reply reply = textReply(401, "A valid token is required (?token= or Authorization: Bearer).");
        reply.headers.append(
            {QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer realm=\"switchboard\"")});
        return reply;
    }
    if (method != "GET" && method != "HEAD") {
        Reply reply = textReply(405, "GET only.");
        reply.headers.append({QByteArrayLiteral("Allow"), QByteArrayLiteral("GET, HEAD")});
        return reply;
    }
    Reply reply;
    // Live data: never cached; the page is not to be framed by others (it shows session details).
    reply.headers.append({QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store")});
    reply.headers.append({QByteArrayLiteral("X-Content-Type-Options"), QByteArrayLiteral("nosniff")});
    const QByteArray p = withoutTrailingSlashes(path);
    if (p == "/metrics") {
        reply.contentType = QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8");
        reply.body = metrics();
    } else if (p == m_jsonPath) {
        reply.contentType = QByteArrayLiteral("application/json");
        reply.body = QJsonDocument(statusJson()).toJson(QJsonDocument::Compact);
    } else {
        reply.contentType = QByteArrayLiteral("text/html; charset=utf-8");
        reply.body = html();
        reply.headers.append({QByteArrayLiteral("X-Frame-Options"), QByteArrayLiteral("DENY")});
        reply.headers.append({QByteArrayLiteral("Content-Security-Policy"),
                              QByteArrayLiteral("default-src 'none'; script-src 'unsafe-inline'; "
                                                "style-src 'unsafe-inline'; connect-src 'self'; "
                                                "frame-ancestors 'none'")});
    }
    return reply;
}

QJsonObject StatusPage::sessionJson(const SessionRecord &r, const QDateTime &now)
{
    QJsonArray streams;
    for (const StreamRecord &s : r.streams) {
        streams.append(QJsonObject{
            {QStringLiteral("name"), s.name},
            {QStringLiteral("domain"), s.domain},
            {QStringLiteral("backend"), s.backendPeer},
            {QStringLiteral("backendTls"), s.backendEncrypted},
            {QStringLiteral("jid"), s.jid},
            {QStringLiteral("open"), s.open},
        });
    }
    return QJsonObject{
        {QStringLiteral("id"), r.id},
        {QStringLiteral("transport"), transportName(r.transport)},
        {QStringLiteral("client"), r.clientAddress.toString()},
        {QStringLiteral("clientSecure"), r.clientSecure},
        {QStringLiteral("userAgent"), r.userAgent},
        {QStringLiteral("worker"), r.worker},
        {QStringLiteral("domain"), r.domain},
        {QStringLiteral("backend"), r.backendPeer},
        {QStringLiteral("backendTls"), r.backendEncrypted},
        {QStringLiteral("jid"), r.jid},
        {QStringLiteral("created"), r.created.toString(Qt::ISODateWithMs)},
        {QStringLiteral("lastActivity"), r.lastActivity.toString(Qt::ISODateWithMs)},
        {QStringLiteral("ageSeconds"), double(r.created.msecsTo(now)) / 1000.0},
        {QStringLiteral("idleSeconds"), double(r.lastActivity.msecsTo(now)) / 1000.0},
        {QStringLiteral("held"), int(r.counters.held)},
        {QStringLiteral("requests"), qint64(r.counters.requests)},
        {QStringLiteral("stanzasToServer"), qint64(r.counters.stanzasToServer)},
        {QStringLiteral("stanzasToClient"), qint64(r.counters.stanzasToClient)},
        {QStringLiteral("bytesToServer"), qint64(r.counters.bytesToServer)},
        {QStringLiteral("bytesToClient"), qint64(r.counters.bytesToClient)},
        {QStringLiteral("streams"), streams},
    };
}

QJsonObject StatusPage::statusJson() const
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const RegistryCounters c = m_registry->counters();
    QJsonObject conditions;
    for (auto it = c.conditions.cbegin(); it != c.conditions.cend(); ++it)
        conditions.insert(it.key(), qint64(it.value()));
    QJsonObject refusals;
    for (auto it = c.refusals.cbegin(); it != c.refusals.cend(); ++it)
        refusals.insert(it.key(), qint64(it.value()));
    QJsonArray buckets;
    quint64 cumulative = 0;
    for (std::size_t i = 0; i < c.answerLatency.buckets.size(); ++i) {
        cumulative += c.answerLatency.buckets[i];
        const QJsonValue le = i < LatencyHistogram::kBoundsMs.size()
                                  ? QJsonValue(qint64(LatencyHistogram::kBoundsMs[i]))
                                  : QJsonValue(QStringLiteral("+Inf"));
        buckets.append(
            QJsonObject{{QStringLiteral("leMs"), le}, {QStringLiteral("count"), qint64(cumulative)}});
    }
    QJsonObject counters{
        {QStringLiteral("sessions"), QJsonObject{{QStringLiteral("bosh"), c.liveBosh},
                                                 {QStringLiteral("websocket"), c.liveWebSocket},
                                                 {QStringLiteral("rest"), c.liveRest}}},
        {QStringLiteral("sessionsOpened"),
         QJsonObject{{QStringLiteral("bosh"), qint64(c.totalBosh)},
                     {QStringLiteral("websocket"), qint64(c.totalWebSocket)},
                     {QStringLiteral("rest"), qint64(c.totalRest)}}},
        {QStringLiteral("requests"), qint64(c.requests)},
        {QStringLiteral("relayedRequests"), qint64(c.relayedRequests)},
        {QStringLiteral("stanzas"), QJsonObject{{QStringLiteral("toServer"), qint64(c.stanzasToServer)},
                                                {QStringLiteral("toClient"), qint64(c.stanzasToClient)}}},
        {QStringLiteral("bytes"), QJsonObject{{QStringLiteral("toServer"), qint64(c.bytesToServer)},
                                              {QStringLiteral("toClient"), qint64(c.bytesToClient)}}},
        {QStringLiteral("backendConnectFailures"), qint64(c.backendConnectFailures)},
        {QStringLiteral("undelivered"), qint64(c.undelivered)},
        {QStringLiteral("conditions"), conditions},
        {QStringLiteral("refusals"), refusals},
        {QStringLiteral("push"),
         QJsonObject{{QStringLiteral("attempts"), qint64(c.push.attempts)},
                     {QStringLiteral("delivered"), qint64(c.push.delivered)},
                     {QStringLiteral("failures"), qint64(c.push.failures)},
                     {QStringLiteral("retries"), qint64(c.push.retries)},
                     {QStringLiteral("coalesced"), qint64(c.push.coalesced)},
                     {QStringLiteral("gone"), qint64(c.push.gone)},
                     {QStringLiteral("disabled"), qint64(c.push.disabled)},
                     {QStringLiteral("refusedTargets"), qint64(c.push.refusedTargets)},
                     {QStringLiteral("refusedAddresses"), qint64(c.push.refusedAddresses)}}},
        {QStringLiteral("answerLatency"),
         QJsonObject{{QStringLiteral("count"), qint64(c.answerLatency.count)},
                     {QStringLiteral("sumMs"), qint64(c.answerLatency.sumMs)},
                     {QStringLiteral("buckets"), buckets}}},
    };
    if (m_traffic) {
        const auto [count, capacity] = m_traffic();
        counters.insert(QStringLiteral("traffic"), QJsonObject{{QStringLiteral("records"), count},
                                                               {QStringLiteral("capacity"), capacity}});
    }
    QJsonArray sessions;
    const QList<SessionRecord> records = m_registry->sessions();
    for (const SessionRecord &r : records)
        sessions.append(sessionJson(r, now));
    QJsonObject status{
        {QStringLiteral("version"), QStringLiteral(SWITCHBOARD_VERSION)},
        {QStringLiteral("now"), now.toString(Qt::ISODateWithMs)},
        {QStringLiteral("startedAt"), m_started.toString(Qt::ISODateWithMs)},
        {QStringLiteral("uptimeSeconds"), double(m_started.msecsTo(now)) / 1000.0},
        {QStringLiteral("counters"), counters},
        {QStringLiteral("sessions"), sessions},
    };
    if (m_problems) {
        // The client lint: every problem kept, by session (ended sessions too).
        QJsonObject bySession;
        const QList<Problem> problems = m_problems->problems();
        for (const Problem &problem : problems) {
            QJsonArray list = bySession.value(problem.session).toArray();
            list.append(problemJson(problem));
            bySession.insert(problem.session, list);
        }
        status.insert(QStringLiteral("lint"), m_problems->isEnabled());
        status.insert(QStringLiteral("problems"), bySession);
    }
    return status;
}

QByteArray StatusPage::metrics() const
{
    const RegistryCounters c = m_registry->counters();
    QByteArray out;
    out.reserve(4096);
    family(out, "switchboard_build_info", "gauge", "Version of this Switchboard.");
    sample(out, "switchboard_build_info",
           "version=\"" + labelValue(QStringLiteral(SWITCHBOARD_VERSION)) + '"', 1);
    family(out, "switchboard_start_time_seconds", "gauge", "When this instance started (Unix time).");
    sample(out, "switchboard_start_time_seconds", {}, double(m_started.toMSecsSinceEpoch()) / 1000.0);

    family(out, "switchboard_sessions", "gauge", "Sessions open now, by transport.");
    sample(out, "switchboard_sessions", "transport=\"bosh\"", c.liveBosh);
    sample(out, "switchboard_sessions", "transport=\"websocket\"", c.liveWebSocket);
    sample(out, "switchboard_sessions", "transport=\"rest\"", c.liveRest);
    family(out, "switchboard_sessions_opened_total", "counter", "Sessions opened, by transport.");
    sample(out, "switchboard_sessions_opened_total", "transport=\"bosh\"", double(c.totalBosh));
    sample(out, "switchboard_sessions_opened_total", "transport=\"websocket\"", double(c.totalWebSocket));
    sample(out, "switchboard_sessions_opened_total", "transport=\"rest\"", double(c.totalRest));
    family(out, "switchboard_sessions_closed_total", "counter",
           "Sessions ended, by terminal condition (\"normal\" or a reason for an end without error).");
    for (auto it = c.conditions.cbegin(); it != c.conditions.cend(); ++it)
        sample(out, "switchboard_sessions_closed_total", "condition=\"" + labelValue(it.key()) + '"',
               double(it.value()));

    family(out, "switchboard_bosh_requests_total", "counter", "HTTP requests at the BOSH path.");
    sample(out, "switchboard_bosh_requests_total", {}, double(c.requests));
    family(out, "switchboard_relayed_requests_total", "counter",
           "BOSH and REST requests relayed from the worker whose connection they came on to another.");
    sample(out, "switchboard_relayed_requests_total", {}, double(c.relayedRequests));
    family(out, "switchboard_stanzas_total", "counter", "Stanzas forwarded, by direction.");
    sample(out, "switchboard_stanzas_total", "direction=\"to_server\"", double(c.stanzasToServer));
    sample(out, "switchboard_stanzas_total", "direction=\"to_client\"", double(c.stanzasToClient));
    family(out, "switchboard_stanza_bytes_total", "counter",
           "Stanza bytes forwarded (without framing), by direction.");
    sample(out, "switchboard_stanza_bytes_total", "direction=\"to_server\"", double(c.bytesToServer));
    sample(out, "switchboard_stanza_bytes_total", "direction=\"to_client\"", double(c.bytesToClient));
    family(out, "switchboard_backend_connect_failures_total", "counter",
           "Links to the XMPP server that failed before they were up.");
    sample(out, "switchboard_backend_connect_failures_total", {}, double(c.backendConnectFailures));
    family(out, "switchboard_undelivered_stanzas_total", "counter",
           "Stanzas from the server that never reached the client (bounced).");
    sample(out, "switchboard_undelivered_stanzas_total", {}, double(c.undelivered));

    family(out, "switchboard_limit_refusals_total", "counter",
           "Connections, requests, sessions and messages refused by a protective limit, by limit (its "
           "config key).");
    for (auto it = c.refusals.cbegin(); it != c.refusals.cend(); ++it)
        sample(out, "switchboard_limit_refusals_total", "limit=\"" + labelValue(it.key()) + '"',
               double(it.value()));

    family(out, "switchboard_push_attempts_total", "counter", "Push requests sent to a receiver.");
    sample(out, "switchboard_push_attempts_total", {}, double(c.push.attempts));
    family(out, "switchboard_push_delivered_total", "counter", "Pushes the receiver accepted (2xx).");
    sample(out, "switchboard_push_delivered_total", {}, double(c.push.delivered));
    family(out, "switchboard_push_failures_total", "counter",
           "Push attempts that failed (network, timeout, TLS, an answer other than 2xx, refused).");
    sample(out, "switchboard_push_failures_total", {}, double(c.push.failures));
    family(out, "switchboard_push_retries_total", "counter",
           "Push attempts scheduled again after a network error, a timeout, 429 or 5xx.");
    sample(out, "switchboard_push_retries_total", {}, double(c.push.retries));
    family(out, "switchboard_push_coalesced_total", "counter",
           "Push notices folded into a later push by push_interval.");
    sample(out, "switchboard_push_coalesced_total", {}, double(c.push.coalesced));
    family(out, "switchboard_push_gone_total", "counter",
           "Web Push subscriptions dropped because the push service answered 404 or 410.");
    sample(out, "switchboard_push_gone_total", {}, double(c.push.gone));
    family(out, "switchboard_push_disabled_total", "counter",
           "Push targets disabled after push_max_failures failures in a row.");
    sample(out, "switchboard_push_disabled_total", {}, double(c.push.disabled));
    family(out, "switchboard_push_refused_total", "counter",
           "Push targets refused, by stage: when a client set them (answered 400), or when an address "
           "resolved or connected to was not allowed.");
    sample(out, "switchboard_push_refused_total", "stage=\"target\"", double(c.push.refusedTargets));
    sample(out, "switchboard_push_refused_total", "stage=\"address\"", double(c.push.refusedAddresses));

    family(out, "switchboard_bosh_answer_latency_seconds", "histogram",
           "Time from the arrival of a held BOSH request to its answer.");
    quint64 cumulative = 0;
    for (std::size_t i = 0; i < c.answerLatency.buckets.size(); ++i) {
        cumulative += c.answerLatency.buckets[i];
        const QByteArray le =
            i < LatencyHistogram::kBoundsMs.size()
                ? QByteArray::number(double(LatencyHistogram::kBoundsMs[i]) / 1000.0, 'g', 10)
                : QByteArrayLiteral("+Inf");
        sample(out, "switchboard_bosh_answer_latency_seconds_bucket", "le=\"" + le + '"', double(cumulative));
    }
    sample(out, "switchboard_bosh_answer_latency_seconds_sum", {}, double(c.answerLatency.sumMs) / 1000.0);
    sample(out, "switchboard_bosh_answer_latency_seconds_count", {}, double(c.answerLatency.count));

    if (m_traffic) {
        const auto [count, capacity] = m_traffic();
        family(out, "switchboard_traffic_records", "gauge", "Stanzas held by the traffic capture.");
        sample(out, "switchboard_traffic_records", {}, count);
        family(out, "switchboard_traffic_capacity", "gauge", "Size of the traffic capture's ring buffer.");
        sample(out, "switchboard_traffic_capacity", {}, capacity);
    }
    return out;
}

QByteArray StatusPage::html()
{
    QFile file(QStringLiteral(":/switchboard/status.html"));
    if (!file.open(QIODevice::ReadOnly))
        return QByteArrayLiteral(
            "<!DOCTYPE html><title>Switchboard</title><p>status page resource missing</p>");
    return file.readAll();
}

} // namespace Switchboard::Monitor
