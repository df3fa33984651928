// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "monitor/problemlog.h"
#include "monitor/registry.h"

#include <QByteArray>
#include <QDateTime>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

#include <functional>
#include <optional>

namespace Switchboard::Monitor {

/// The headless monitor over HTTP: the status page (HTML from the resources, refreshing itself from
/// its JSON), the JSON and Prometheus metrics, and who may see them. Knows no sockets: the server
/// hands it the request's method, path, peer and credentials and sends back the Reply.
///
/// Paths: `statusPath` (HTML), `statusPath + ".json"`, and `/metrics`.
/// Access: without a token, loopback peers only (403 otherwise); with a token, everyone must present it
/// as `?token=` or `Authorization: Bearer` (401 otherwise), loopback too, so a reverse proxy on the same
/// host cannot open it to the world by accident.
class StatusPage
{
public:
    struct Reply
    {
        int status = 200;
        QByteArray contentType;
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
    };
    /// Decides whether a peer address counts as local (injectable for tests).
    using LocalCheck = std::function<bool(const QHostAddress &)>;

    /// `registry` must outlive the page.
    StatusPage(const Registry *registry, const QString &statusPath, const QString &token);

    void setLocalCheck(LocalCheck check) { m_isLocal = std::move(check); }
    /// The traffic capture's fill level for the JSON and metrics (optional).
    void setTrafficInfo(std::function<QPair<int, int>()> countAndCapacity)
    {
        m_traffic = std::move(countAndCapacity);
    }

    /// The client lint's problems for the JSON (optional; must outlive the page).
    void setProblems(const ProblemLog *problems) { m_problems = problems; }

    /// Whether `path` is one of ours.
    bool matches(const QByteArray &path) const;
    /// Answers a request for one of our paths (nullopt when the path is not ours).
    std::optional<Reply> handle(const QByteArray &method, const QByteArray &path, const QHostAddress &peer,
                                const QByteArray &authorization, const QByteArray &queryToken) const;

    /// The access rule alone.
    static bool allowed(const QString &token, const QHostAddress &peer, const QByteArray &authorization,
                        const QByteArray &queryToken, const LocalCheck &isLocal);
    static bool isLoopback(const QHostAddress &peer);

    /// The status data: {"version", "now", "startedAt", "uptimeSeconds", "counters": {...},
    /// "sessions": [...]} (fields in docs/MONITORING.md).
    QJsonObject statusJson() const;
    /// Prometheus text exposition format 0.0.4 (metric names in docs/MONITORING.md).
    QByteArray metrics() const;
    /// The page itself (resources/status.html, compiled in).
    static QByteArray html();

    static QJsonObject sessionJson(const SessionRecord &record, const QDateTime &now);

private:
    const Registry *m_registry = nullptr;
    QByteArray m_htmlPath;
    QByteArray m_jsonPath;
    QString m_token;
    QDateTime m_started;
    LocalCheck m_isLocal;
    std::function<QPair<int, int>()> m_traffic;
    const ProblemLog *m_problems = nullptr;
};

} // namespace Switchboard::Monitor
