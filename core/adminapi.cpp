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

/// The refusal for a session's answer that is not Done: 404 without the session, 400 for the
/// operator's input, 409 for what the session cannot do, 503 when its worker did not answer in time.
Http::Response refusalFor(const QString &id, const SessionAnswer &answer)
{
    switch (answer.outcome) {
    case SessionAnswer::Outcome::Done:
        break;
    case SessionAnswer::Outcome::NoAnswer:
        return AdminApi::noAnswer();
    case SessionAnswer::Outcome::NoSession:
        return problem(404, QStringLiteral("no session %1").arg(id));
    case SessionAnswer::Outcome::BadInput:
        return problem(400, answer.error);
    case SessionAnswer::Outcome::Refused:
        return problem(409, answer.error);
    }
    return problem(500, QStringLiteral("no refusal"));
}

/// A `done` that answers `reply` with `id`'s state under `key` (the whole state at the top with an
/// empty key), or with the refusal.
SessionDone stateReply(const QString &id, const QString &key, AdminApi::Reply reply)
{
    return [id, key, reply = std::move(reply)](const SessionAnswer &answer) {
        if (!answer.done())
            return reply(refusalFor(id, answer));
        QJsonObject out = key.isEmpty() ? answer.state : QJsonObject{{key, answer.state}};
        out.insert(QStringLiteral("session"), id);
        reply(json(200, out));
    };
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

void AdminApi::handle(const QByteArray &method, const QByteArray &path, QByteArrayView authorization,
                      const QByteArray &body, Reply reply) const
{
    if (!isEnabled())
        return reply(Http::Response::error(404)); // off: as if there were nothing here
    if (!authorized(authorization)) {
        // RFC 6750 §3: a missing or wrong token is answered the same way, with the scheme to use.
        Http::Response refused = problem(401, QStringLiteral("a bearer token is required"));
        refused.headers.append(
            {QByteArrayLiteral("WWW-Authenticate"),
             authorization.isEmpty()
                 ? QByteArrayLiteral("Bearer realm=\"switchboard-admin\"")
                 : QByteArrayLiteral("Bearer realm=\"switchboard-admin\", error=\"invalid_token\"")});
        return reply(refused);
    }
    // /admin/sessions/{id}/faults, /admin/sessions/{id}/breakpoint, /admin/sessions/{id}/held/{n}
    const QList<QByteArray> parts = path.sliced(kPrefix.size()).split('/');
    if (parts.size() == 2 && parts.at(0).isEmpty() && parts.at(1) == "breakpoint")
        return handleBreakpointForAll(method, body, std::move(reply));
    const bool known = parts.size() >= 4 && parts.at(0).isEmpty() && parts.at(1) == "sessions" &&
                       !parts.at(2).isEmpty() &&
                       ((parts.size() == 4 && (parts.at(3) == "faults" || parts.at(3) == "breakpoint")) ||
                        (parts.size() == 5 && parts.at(3) == "held"));
    if (!known)
        return reply(problem(404, QStringLiteral("no such resource; see docs/ADMIN.md")));
    const QString id = QUrl::fromPercentEncoding(parts.at(2));
    if (parts.at(3) == "breakpoint")
        return handleBreakpoint(method, id, body, std::move(reply));
    if (parts.at(3) == "held")
        return handleHeld(method, id, parts.at(4), body, std::move(reply));
    handleFaults(method, id, body, std::move(reply));
}

void AdminApi::handleFaults(const QByteArray &method, const QString &id, const QByteArray &body,
                            Reply reply) const
{
    const QString faults = QStringLiteral("faults");
    if (method == "GET" || method == "HEAD")
        return m_ops.state(id, stateReply(id, faults, std::move(reply)));
    if (method == "DELETE")
        return m_ops.clear(id, stateReply(id, faults, std::move(reply)));
    if (method != "POST")
        return reply(notAllowed());
    const std::optional<QJsonObject> object = postedObject(body, kMaxBody, QStringLiteral("a fault"), reply);
    if (!object)
        return;
    QString error;
    const std::optional<Stream::FaultRequest> request = Stream::FaultRequest::fromJson(*object, &error);
    if (!request)
        return reply(problem(400, error));
    m_ops.apply(id, *request,
                [id, applied = request->toJson(), reply = std::move(reply)](const SessionAnswer &answer) {
                    if (!answer.done())
                        return reply(refusalFor(id, answer));
                    reply(json(200, QJsonObject{{QStringLiteral("session"), id},
                                                {QStringLiteral("applied"), applied},
                                                {QStringLiteral("faults"), answer.state}}));
                });
}

void AdminApi::handleBreakpointForAll(const QByteArray &method, const QByteArray &body, Reply reply) const
{
    auto answer = [this, reply](bool everyWorker) {
        if (!everyWorker)
            return reply(noAnswer(true));
        QJsonObject out;
        if (const std::optional<Stream::BreakpointFilter> filter = m_ops.breakpointForAll())
            out.insert(QStringLiteral("breakpoint"), filter->toJson());
        reply(json(200, out));
    };
    if (method == "GET" || method == "HEAD")
        return answer(true);
    if (method == "DELETE")
        return m_ops.setBreakpointForAll(std::nullopt, answer);
    if (const std::optional<Stream::BreakpointFilter> filter = postedFilter(method, body, reply))
        m_ops.setBreakpointForAll(filter, answer);
}

void AdminApi::handleBreakpoint(const QByteArray &method, const QString &id, const QByteArray &body,
                                Reply reply) const
{
    if (method == "GET" || method == "HEAD")
        return m_ops.breakpointState(id, stateReply(id, {}, std::move(reply)));
    if (method == "DELETE")
        return m_ops.clearBreakpoint(id, stateReply(id, {}, std::move(reply)));
    if (const std::optional<Stream::BreakpointFilter> filter = postedFilter(method, body, reply))
        m_ops.setBreakpoint(id, *filter, stateReply(id, {}, std::move(reply)));
}

void AdminApi::handleHeld(const QByteArray &method, const QString &id, const QByteArray &number,
                          const QByteArray &body, Reply reply) const
{
    if (method != "POST") {
        Http::Response refused = problem(405, QStringLiteral("POST"));
        refused.headers.append({QByteArrayLiteral("Allow"), QByteArrayLiteral("POST")});
        return reply(refused);
    }
    bool isNumber = false;
    const int heldId = number.toInt(&isNumber);
    if (!isNumber || heldId <= 0)
        return reply(problem(404, QStringLiteral("held stanzas are numbered from 1")));
    const std::optional<QJsonObject> object =
        postedObject(body, kMaxHeldBody, QStringLiteral("an action on a held stanza"), reply);
    if (!object)
        return;
    const std::optional<Stream::Breakpoints::Action> action =
        Stream::Breakpoints::actionFromName(object->value(QStringLiteral("action")).toString());
    if (!action)
        return reply(problem(400, QStringLiteral("'action' must be forward, edit or drop")));
    const QJsonValue xml = object->value(QStringLiteral("xml"));
    if (*action == Stream::Breakpoints::Action::Edit && !xml.isString())
        return reply(problem(400, QStringLiteral("'edit' needs the new stanza in 'xml'")));
    m_ops.actOnHeld(id, heldId, *action, xml.toString().toUtf8(),
                    [id, done = Stream::Breakpoints::actionName(*action),
                     reply = std::move(reply)](const SessionAnswer &answer) {
                        if (!answer.done())
                            return reply(refusalFor(id, answer));
                        QJsonObject out = answer.state;
                        out.insert(QStringLiteral("session"), id);
                        out.insert(QStringLiteral("done"), done);
                        reply(json(200, out));
                    });
}

std::optional<Stream::BreakpointFilter> AdminApi::postedFilter(const QByteArray &method,
                                                               const QByteArray &body, const Reply &reply)
{
    if (method != "POST") {
        reply(notAllowed());
        return std::nullopt;
    }
    const std::optional<QJsonObject> object =
        postedObject(body, kMaxBody, QStringLiteral("a breakpoint"), reply);
    if (!object)
        return std::nullopt;
    QString error;
    std::optional<Stream::BreakpointFilter> filter = Stream::BreakpointFilter::fromJson(*object, &error);
    if (!filter)
        reply(problem(400, error));
    return filter;
}

std::optional<QJsonObject> AdminApi::postedObject(const QByteArray &body, qsizetype maxBody,
                                                  const QString &what, const Reply &reply)
{
    if (body.size() > maxBody) {
        reply(problem(413, QStringLiteral("%1 is at most %2 bytes of JSON").arg(what).arg(maxBody)));
        return std::nullopt;
    }
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (!document.isObject()) {
        reply(problem(400, QStringLiteral("the body must be a JSON object")));
        return std::nullopt;
    }
    return document.object();
}

Http::Response AdminApi::noAnswer(bool everyWorker)
{
    const QString message =
        everyWorker
            ? QStringLiteral("not every worker answered within %1 s (busy); each still takes the breakpoint "
                             "for all sessions when it gets to it")
            : QStringLiteral("the session's worker did not answer within %1 s (busy); a change may still "
                             "take effect: GET shows the session's state");
    Http::Response response = problem(503, message.arg(SessionAnswer::kDeadlineMs / 1000));
    response.headers.append({QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1")});
    return response;
}

Http::Response AdminApi::notAllowed()
{
    Http::Response refusal = problem(405, QStringLiteral("GET, POST or DELETE"));
    refusal.headers.append({QByteArrayLiteral("Allow"), QByteArrayLiteral("GET, HEAD, POST, DELETE")});
    return refusal;
}

} // namespace Switchboard
