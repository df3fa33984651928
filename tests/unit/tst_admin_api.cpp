// SPDX-License-Identifier: GPL-3.0-or-later
// The admin API (docs/ADMIN.md) over operations that answer later, as the Server's do when the
// session lives on a busy worker: a request is answered only once its operation has, with the
// session's state it carried; the session's refusals map to 404, 409 and 400; a request that is
// refused on its face (bad filter, method, size) is answered at once without asking a session; the
// breakpoint for all sessions is answered once every worker has it; and a worker that did not answer
// in time (SessionAnswer::NoAnswer) gets a 503 that says the call may still take effect.
#include "adminapi.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <algorithm>
#include <optional>

using namespace Switchboard;

namespace {

constexpr char kToken[] = "t0ken";
constexpr QByteArrayView kBearer = "Bearer t0ken";

/// Operations that keep every `done` to be answered by the test.
struct PendingOps
{
    QList<SessionDone> done;
    QList<std::function<void(bool everyWorker)>> forAll;
    std::optional<Stream::BreakpointFilter> all;
    int calls = 0;

    AdminApi::Operations operations()
    {
        auto keep = [this](SessionDone d) {
            ++calls;
            done.append(std::move(d));
        };
        AdminApi::Operations ops;
        ops.apply = [keep](const QString &, const Stream::FaultRequest &, SessionDone d) {
            keep(std::move(d));
        };
        ops.clear = [keep](const QString &, SessionDone d) { keep(std::move(d)); };
        ops.state = [keep](const QString &, SessionDone d) { keep(std::move(d)); };
        ops.setBreakpoint = [keep](const QString &, const Stream::BreakpointFilter &, SessionDone d) {
            keep(std::move(d));
        };
        ops.clearBreakpoint = [keep](const QString &, SessionDone d) { keep(std::move(d)); };
        ops.breakpointState = [keep](const QString &, SessionDone d) { keep(std::move(d)); };
        ops.setBreakpointForAll = [this](const std::optional<Stream::BreakpointFilter> &filter,
                                         std::function<void(bool)> d) {
            ++calls;
            all = filter;
            forAll.append(std::move(d));
        };
        ops.breakpointForAll = [this] { return all; };
        ops.actOnHeld = [keep](const QString &, int, Stream::Breakpoints::Action, const QByteArray &,
                               SessionDone d) { keep(std::move(d)); };
        return ops;
    }
};

SessionAnswer answer(SessionAnswer::Outcome outcome, const QJsonObject &state = {}, const QString &error = {})
{
    SessionAnswer a;
    a.outcome = outcome;
    a.state = state;
    a.error = error;
    return a;
}

QJsonObject bodyOf(const Http::Response &response)
{
    return QJsonDocument::fromJson(response.body).object();
}

} // namespace

class tst_AdminApi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void faultIsAnsweredOnceTheSessionHasAnswered();
    void sessionRefusalsBecome404409400And503();
    void badRequestsAreAnsweredAtOnceWithoutASession();
    void breakpointForAllIsAnsweredOnceEveryWorkerHasIt();
    void breakpointForAllIs503WhenAWorkerDidNotAnswerInTime();
    void deadlineAnswerIs503();
};

void tst_AdminApi::faultIsAnsweredOnceTheSessionHasAnswered()
{
    PendingOps ops;
    AdminApi api(QString::fromLatin1(kToken), ops.operations());
    std::optional<Http::Response> reply;
    api.handle("POST", "/admin/sessions/s1/faults", kBearer, R"({"fault":"hold","seconds":5})",
               [&reply](Http::Response response) { reply = std::move(response); });
    QCOMPARE(ops.calls, 1);
    QVERIFY(!reply); // not before the session's worker has answered
    const QJsonObject faults{{QStringLiteral("hold"), QJsonObject{{QStringLiteral("msLeft"), 5000}}}};
    ops.done.takeFirst()(answer(SessionAnswer::Outcome::Done, faults));
    QVERIFY(reply);
    QCOMPARE(reply->status, 200);
    const QJsonObject body = bodyOf(*reply);
    QCOMPARE(body.value(QStringLiteral("session")).toString(), QStringLiteral("s1"));
    QCOMPARE(body.value(QStringLiteral("applied")).toObject().value(QStringLiteral("fault")).toString(),
             QStringLiteral("hold"));
    QCOMPARE(body.value(QStringLiteral("faults")).toObject(), faults); // the state read in the same hop

    // Reads and Undo answer with the state too.
    reply.reset();
    api.handle("DELETE", "/admin/sessions/s1/faults", kBearer, {},
               [&reply](Http::Response response) { reply = std::move(response); });
    QVERIFY(!reply);
    ops.done.takeFirst()(answer(SessionAnswer::Outcome::Done));
    QCOMPARE(reply->status, 200);
    QCOMPARE(bodyOf(*reply).value(QStringLiteral("faults")).toObject(), QJsonObject());
}

void tst_AdminApi::sessionRefusalsBecome404409400And503()
{
    PendingOps ops;
    AdminApi api(QString::fromLatin1(kToken), ops.operations());
    auto status = [&](const QByteArray &method, const QByteArray &path, const QByteArray &body,
                      const SessionAnswer &sessionAnswer) {
        std::optional<Http::Response> reply;
        api.handle(method, path, kBearer, body,
                   [&reply](Http::Response response) { reply = std::move(response); });
        if (reply || ops.done.isEmpty())
            return -1; // answered without the session
        ops.done.takeFirst()(sessionAnswer);
        return reply ? reply->status : 0;
    };
    QCOMPARE(status("GET", "/admin/sessions/gone/faults", {}, answer(SessionAnswer::Outcome::NoSession)),
             404);
    QCOMPARE(status("POST", "/admin/sessions/ws/faults", R"({"fault":"drop"})",
                    answer(SessionAnswer::Outcome::Refused, {}, QStringLiteral("not BOSH"))),
             409);
    QCOMPARE(status("POST", "/admin/sessions/s1/breakpoint", R"({"element":"message"})",
                    answer(SessionAnswer::Outcome::Refused, {}, QStringLiteral("REST"))),
             409);
    QCOMPARE(status("POST", "/admin/sessions/s1/held/3", R"({"action":"edit","xml":"<message>"})",
                    answer(SessionAnswer::Outcome::BadInput, {}, QStringLiteral("not well-formed"))),
             400);
    QCOMPARE(
        status("POST", "/admin/sessions/s1/held/3", R"({"action":"forward"})",
               answer(SessionAnswer::Outcome::Done, QJsonObject{{QStringLiteral("held"), QJsonArray()}})),
        200);
    // The session's worker did not answer in time (busy): every call says so the same way.
    QCOMPARE(status("POST", "/admin/sessions/s1/faults", R"({"fault":"drop"})",
                    answer(SessionAnswer::Outcome::NoAnswer, {}, QStringLiteral("busy"))),
             503);
    QCOMPARE(status("GET", "/admin/sessions/s1/breakpoint", {}, answer(SessionAnswer::Outcome::NoAnswer)),
             503);
}

void tst_AdminApi::badRequestsAreAnsweredAtOnceWithoutASession()
{
    PendingOps ops;
    AdminApi api(QString::fromLatin1(kToken), ops.operations());
    auto status = [&api](const QByteArray &method, const QByteArray &path, const QByteArray &body,
                         QByteArrayView authorization = kBearer) {
        std::optional<Http::Response> reply;
        api.handle(method, path, authorization, body,
                   [&reply](Http::Response response) { reply = std::move(response); });
        return reply ? reply->status : 0;
    };
    QCOMPARE(status("GET", "/admin/sessions/s1/faults", {}, "Bearer wrong"), 401);
    QCOMPARE(status("POST", "/admin/sessions/s1/faults", "not json"), 400);
    QCOMPARE(status("POST", "/admin/sessions/s1/breakpoint", R"({"direction":"sideways"})"), 400);
    QCOMPARE(status("PUT", "/admin/sessions/s1/breakpoint", "{}"), 405);
    QCOMPARE(status("POST", "/admin/breakpoint", QByteArray(AdminApi::kMaxBody + 1, ' ')), 413);
    QCOMPARE(status("GET", "/admin/sessions/s1/held/1", {}), 405);
    QCOMPARE(status("GET", "/admin/nothing", {}), 404);
    QCOMPARE(ops.calls, 0);
}

void tst_AdminApi::breakpointForAllIsAnsweredOnceEveryWorkerHasIt()
{
    PendingOps ops;
    AdminApi api(QString::fromLatin1(kToken), ops.operations());
    std::optional<Http::Response> reply;
    api.handle("POST", "/admin/breakpoint", kBearer, R"({"element":"iq"})",
               [&reply](Http::Response response) { reply = std::move(response); });
    QVERIFY(!reply);
    QCOMPARE(ops.forAll.size(), 1);
    ops.forAll.takeFirst()(true);
    QVERIFY(reply);
    QCOMPARE(reply->status, 200);
    QCOMPARE(bodyOf(*reply).value(QStringLiteral("breakpoint")).toObject().value(QStringLiteral("element")),
             QStringLiteral("iq"));
}

void tst_AdminApi::breakpointForAllIs503WhenAWorkerDidNotAnswerInTime()
{
    PendingOps ops;
    AdminApi api(QString::fromLatin1(kToken), ops.operations());
    std::optional<Http::Response> reply;
    api.handle("DELETE", "/admin/breakpoint", kBearer, {},
               [&reply](Http::Response response) { reply = std::move(response); });
    QVERIFY(!reply);
    QCOMPARE(ops.forAll.size(), 1);
    ops.forAll.takeFirst()(false);
    QVERIFY(reply);
    QCOMPARE(reply->status, 503);
    QVERIFY(bodyOf(*reply)
                .value(QStringLiteral("error"))
                .toString()
                .contains(QStringLiteral("not every worker")));
}

void tst_AdminApi::deadlineAnswerIs503()
{
    const Http::Response response = AdminApi::noAnswer();
    QCOMPARE(response.status, 503);
    QVERIFY(bodyOf(response)
                .value(QStringLiteral("error"))
                .toString()
                .contains(QStringLiteral("may still take effect")));
    QVERIFY(std::any_of(response.headers.cbegin(), response.headers.cend(),
                        [](const auto &header) { return header.first == "Retry-After"; }));
}

QTEST_GUILESS_MAIN(tst_AdminApi)
#include "tst_admin_api.moc"
