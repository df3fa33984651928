// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/config.h"
#include "prosodyfixture.h"
#include "sessionanswer.h"

#include <QByteArray>
#include <QDomElement>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

class BoshClient;

namespace Switchboard {
class Server;
}

namespace Switchboard::Test {

class TestClient;

/// What one admin API call answered (status 0: no answer within 10 s).
struct AdminAnswer
{
    int status = 0;
    QByteArray body;
    QByteArray wwwAuthenticate;
    QByteArray retryAfter;
    QJsonObject json() const;
};

/// One call of the admin API (docs/ADMIN.md) on a connection of its own; `authorization` is the
/// header's value (none when empty).
AdminAnswer adminCall(const QUrl &url, const QByteArray &method, const QByteArray &body,
                      const QByteArray &authorization);

/// One admin API request as bytes, for a raw connection (pipelining): HTTP/1.1, with the token.
QByteArray rawAdminRequest(const QByteArray &method, const QByteArray &path, const QByteArray &body = {});
/// The complete HTTP/1.1 responses at the start of `received` (each head and its Content-Length body).
QList<QByteArray> completeResponses(const QByteArray &received);

/// The ids of the received `stanzas` that are among `ids`, in the order they arrived.
QStringList arrivalOrder(const QList<QDomElement> &stanzas, const QStringList &ids);

/// Runs one of the Server's fault or breakpoint calls, `call(context, done)`, and waits for its answer
/// (NoSession with an error saying so when none came within `timeoutMs`).
SessionAnswer answerOf(const std::function<void(const QObject *context, SessionDone done)> &call,
                       int timeoutMs = 30000);

/// The base of the admin API suites (tst_faults_ondemand, tst_breakpoints), with the set-up they
/// share: a real Prosody with alice and bob, a Server with the admin API on (kToken) capturing
/// traffic, and for each test (init()) alice logged in over BOSH with initial presence (so that
/// Prosody routes bob's messages to her) and bob as a plain XMPP client; cleanup() ends them. A suite
/// derives from it and calls startSuite() from its initTestCase(). With SWITCHBOARD_TEST_WORKERS the
/// Server has that many workers (ProsodyFixture::backendConfig()).
/// Session `sid`'s faults (Server::faultState()), as `server` answers them; nothing for an unknown
/// session or when no answer came.
std::optional<QJsonObject> faultStateOf(Server &server, const QString &sid);

class AdminSuite : public QObject
{
    Q_OBJECT
public:
    static constexpr char kToken[] = "s3cret-admin-t0ken";
    /// How long the tests wait for what must happen: generous for a loaded machine.
    static constexpr int kWaitMs = 30000;
    /// "Bearer <kToken>".
    static QByteArray bearer();

    AdminSuite();
    ~AdminSuite() override;

protected:
    /// From initTestCase(): starts Prosody with `options`, then the Server on port 0 with the admin
    /// token, a 5 s connect timeout and whatever `configure` changes.
    void startSuite(const ProsodyFixture::Options &options = {},
                    const std::function<void(Config &)> &configure = {});
    /// The notes of session `sid`'s fault and breakpoint records in the traffic capture.
    QStringList faultNotes(const QString &sid) const;
    /// Another BOSH session of alice that lives on worker `worker`, kept until cleanup(): logs in again
    /// (ending the sessions on other workers) until one is. Its id, or nothing after 40 tries.
    QString aliceOnWorker(int worker);
    /// Session `sid`'s faults (Server::faultState()); nothing for an unknown session.
    std::optional<QJsonObject> faultState(const QString &sid) const;

    ProsodyFixture m_prosody;
    std::unique_ptr<Server> m_server;
    std::unique_ptr<BoshClient> m_alice;
    std::unique_ptr<TestClient> m_bob;

private Q_SLOTS:
    /// alice (BOSH) and bob log in.
    void init();
    /// alice's sessions end (aliceOnWorker()'s too), bob disconnects; waits until the Server has no
    /// session.
    void cleanup();
    /// The Server, then Prosody.
    void cleanupTestCase();

private:
    std::vector<std::unique_ptr<BoshClient>> m_others; ///< aliceOnWorker()'s
};

} // namespace Switchboard::Test
