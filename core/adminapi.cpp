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
    // /admin/sessions/{id}/faults, /admin/sessions/{id}/breakpoint, /admin/sessions/{id}/held/{n}
    const QList<QByteArray> parts = path.sliced(kPrefix.size()).split('/');
    if (parts.size() == 2 && parts.at(0).isEmpty() && parts.at(1) == "breakpoint")
        return handleBreakpointForAll(method, body);
    const bool known = parts.size() >= 4 && parts.at(0).isEmpty() && parts.at(1) == "sessions" &&
                       !parts.at(2).isEmpty() &&
                       ((parts.size() == 4 && (parts.at(3) == "faults" || parts.at(3) == "breakpoint")) ||
                        (parts.size() == 5 && parts.at(3) == "held"));
    if (!known)
        return problem(404, QStringLiteral("no such resource; see docs/ADMIN.md"));
    const QString id = QUrl::fromPercentEncoding(parts.at(2));
    if (parts.at(3) == "breakpoint")
        return handleBreakpoint(method, id, body);
    if (parts.at(3) == "held")
        return handleHeld(method, id, parts.at(4), body);

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
    return notAllowed();
}

Http::Response AdminApi::handleBreakpointForAll(const QByteArray &method, const QByteArray &body) const
{
    auto answer = [this]() -> Http::Response {
        QJsonObject out;
        if (const std::optional<Stream::BreakpointFilter> filter = m_ops.breakpointForAll())
            out.insert(QStringLiteral("breakpoint"), filter->toJson());
        return json(200, out);
    };
    if (method == "GET" || method == "HEAD")
        return answer();
    if (method == "DELETE") {
        m_ops.setBreakpointForAll(std::nullopt);
        return answer();
    }
    if (method == "POST") {
        if (body.size() > kMaxBody)
            return problem(413, QStringLiteral("a breakpoint is at most %1 bytes of JSON").arg(kMaxBody));
        const QJsonDocument document = QJsonDocument::fromJson(body);
        if (!document.isObject())
            return problem(400, QStringLiteral("the body must be a JSON object"));
        QString error;
        const std::optional<Stream::BreakpointFilter> filter =
            Stream::BreakpointFilter::fromJson(document.object(), &error);
        if (!filter)
            return problem(400, error);
        m_ops.setBreakpointForAll(filter);
        return answer();
    }
    return notAllowed();
}

Http::Response AdminApi::handleBreakpoint(const QByteArray &method, const QString &id,
                                          const QByteArray &body) const
{
    auto answer = [this, &id]() -> Http::Response {
        const std::optional<QJsonObject> state = m_ops.breakpointState(id);
        if (!state)
            return problem(404, QStringLiteral("no session %1").arg(id));
        QJsonObject out = *state;
        out.insert(QStringLiteral("session"), id);
        return json(200, out);
    };
    if (method == "GET" || method == "HEAD")
        return answer();
    if (method == "DELETE") {
        if (!m_ops.clearBreakpoint(id))
            return problem(404, QStringLiteral("no session %1").arg(id));
        return answer();
    }
    if (method == "POST") {
        if (body.size() > kMaxBody)
            return problem(413, QStringLiteral("a breakpoint is at most %1 bytes of JSON").arg(kMaxBody));
        const QJsonDocument document = QJsonDocument::fromJson(body);
        if (!document.isObject())
            return problem(400, QStringLiteral("the body must be a JSON object"));
        QString error;
        const std::optional<Stream::BreakpointFilter> filter =
            Stream::BreakpointFilter::fromJson(document.object(), &error);
        if (!filter)
            return problem(400, error);
        bool found = false;
        if (!m_ops.setBreakpoint(id, *filter, &found, &error))
            return found ? problem(409, error) : problem(404, QStringLiteral("no session %1").arg(id));
        return answer();
    }
    return notAllowed();
}

Http::Response AdminApi::handleHeld(const QByteArray &method, const QString &id, const QByteArray &number,
                                    const QByteArray &body) const
{
    if (method != "POST") {
        Http::Response refusal = problem(405, QStringLiteral("POST"));
        refusal.headers.append({QByteArrayLiteral("Allow"), QByteArrayLiteral("POST")});
        return refusal;
    }
    bool isNumber = false;
    const int heldId = number.toInt(&isNumber);
    if (!isNumber || heldId <= 0)
        return problem(404, QStringLiteral("held stanzas are numbered from 1"));
    if (body.size() > kMaxHeldBody)
        return problem(413, QStringLiteral("at most %1 bytes of JSON").arg(kMaxHeldBody));
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (!document.isObject())
        return problem(400, QStringLiteral("the body must be a JSON object"));
    const QJsonObject object = document.object();
    const std::optional<Stream::Breakpoints::Action> action =
        Stream::Breakpoints::actionFromName(object.value(QStringLiteral("action")).toString());
    if (!action)
        return problem(400, QStringLiteral("'action' must be forward, edit or drop"));
    const QJsonValue xml = object.value(QStringLiteral("xml"));
    if (*action == Stream::Breakpoints::Action::Edit && !xml.isString())
        return problem(400, QStringLiteral("'edit' needs the new stanza in 'xml'"));
    QString error;
    if (const int status = m_ops.actOnHeld(id, heldId, *action, xml.toString().toUtf8(), &error);
        status != 200)
        return problem(status, error);
    QJsonObject out = m_ops.breakpointState(id).value_or(QJsonObject());
    out.insert(QStringLiteral("session"), id);
    out.insert(QStringLiteral("done"), Stream::Breakpoints::actionName(*action));
    return json(200, out);
}

Http::Response AdminApi::notAllowed()
{
    Http::Response refusal = problem(405, QStringLiteral("GET, POST or DELETE"));
    refusal.headers.append({QByteArrayLiteral("Allow"), QByteArrayLiteral("GET, HEAD, POST, DELETE")});
    return refusal;
}

} // namespace Switchboard
