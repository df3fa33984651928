// SPDX-License-Identifier: GPL-3.0-or-later
#include "adminapi.h"

#include "base/constanttime.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QUrl>

namespace Switchboard {

namespace {

Http::Response json(int status, const QJsonObject &object)
{
    Http::Response response;
    response.status = status;
    response.contentType = QByteArrayLiteral("application/json");
    response.body = QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
    response.compressible = false;
    // Answers about live sessions are never cached on the way.
    response.headers.append({QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store")});
    return response;
}

Http::Response problem(int status, const QString &message)
{
    return json(status, QJsonObject{{QStringLiteral("error"), message}});
}

} // namespace

AdminApi::AdminApi(QString token, Operations operations)
    : m_token(token.toUtf8()), m_ops(std::move(operations))
{}

bool AdminApi::matches(QByteArrayView path)
{
    return path == kPrefix ||
           (path.startsWith(kPrefix) && path.size() > kPrefix.size() && path.at(kPrefix.size()) == '/');
}

bool AdminApi::authorized(QByteArrayView authorization) const
{
    // RFC 6750 §2.1: "Bearer" (any case) then the token.
    constexpr QByteArrayView scheme = "bearer ";
    if (m_token.isEmpty() || authorization.size() <= scheme.size() ||
        authorization.first(scheme.size()).toByteArray().toLower() != scheme)
        return false;
    return constantTimeEquals(authorization.sliced(scheme.size()).trimmed(), m_token);
}

Http::Response AdminApi::handle(const QByteArray &method, const QByteArray &path,
                                QByteArrayView authorization, const QByteArray &body) const
{
    if (!isEnabled())
        return Http::Response::error(404); // off: as if there were nothing here
    if (!authorized(authorization)) {
        // RFC 6750 §3: a missing or wrong token is answered the same way, with the scheme to use.
        Http::Response refusal = problem(401, QStringLiteral("a bearer token is required"));
        refusal.headers.append(
            {QByteArrayLiteral("WWW-Authenticate"),
             authorization.isEmpty()
                 ? QByteArrayLiteral("Bearer realm=\"switchboard-admin\"")
                 : QByteArrayLiteral("Bearer realm=\"switchboard-admin\", error=\"invalid_token\"")});
        return refusal;
    }
    // /admin/sessions/{id}/faults
    const QList<QByteArray> parts = path.sliced(kPrefix.size()).split('/');
    if (parts.size() != 4 || !parts.at(0).isEmpty() || parts.at(1) != "sessions" || parts.at(2).isEmpty() ||
        parts.at(3) != "faults")
        return problem(404, QStringLiteral("no such resource; see docs/ADMIN.md"));
    const QString id = QUrl::fromPercentEncoding(parts.at(2));

    if (method == "GET" || method == "HEAD") {
        const std::optional<QJsonObject> state = m_ops.state(id);
        if (!state)
            return problem(404, QStringLiteral("no session %1").arg(id));
        return json(200, QJsonObject{{QStringLiteral("session"), id}, {QStringLiteral("faults"), *state}});
    }
    if (method == "DELETE") {
        if (!m_ops.clear(id))
            return problem(404, QStringLiteral("no session %1").arg(id));
        return json(200, QJsonObject{{QStringLiteral("session"), id},
                                     {QStringLiteral("faults"), m_ops.state(id).value_or(QJsonObject())}});
    }
    if (method == "POST") {
        if (body.size() > kMaxBody)
            return problem(413, QStringLiteral("a fault is at most %1 bytes of JSON").arg(kMaxBody));
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
        if (!document.isObject())
            return problem(400, QStringLiteral("the body must be a JSON object"));
        QString error;
        const std::optional<Stream::FaultRequest> request =
            Stream::FaultRequest::fromJson(document.object(), &error);
        if (!request)
            return problem(400, error);
        bool found = false;
        if (!m_ops.apply(id, *request, &found, &error))
            return found ? problem(409, error) : problem(404, QStringLiteral("no session %1").arg(id));
        QJsonObject answer{{QStringLiteral("session"), id}, {QStringLiteral("applied"), request->toJson()}};
        if (const std::optional<QJsonObject> state = m_ops.state(id))
            answer.insert(QStringLiteral("faults"), *state);
        return json(200, answer);
    }
    Http::Response refusal = problem(405, QStringLiteral("GET, POST or DELETE"));
    refusal.headers.append({QByteArrayLiteral("Allow"), QByteArrayLiteral("GET, HEAD, POST, DELETE")});
    return refusal;
}

} // namespace Switchboard
