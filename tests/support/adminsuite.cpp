// SPDX-License-Identifier: GPL-3.0-or-later
#include "adminsuite.h"

#include "boshclient.h"
#include "monitor/trafficrecorder.h"
#include "restapi.h"
#include "server.h"
#include "testclient.h"

#include <QJsonDocument>
#include <QTest>

namespace Switchboard::Test {

QJsonObject AdminAnswer::json() const
{
    return QJsonDocument::fromJson(body).object();
}

AdminAnswer adminCall(const QUrl &url, const QByteArray &method, const QByteArray &body,
                      const QByteArray &authorization)
{
    RestApi api(url);
    RestApi::Headers headers;
    if (!authorization.isEmpty())
        headers.append({QByteArrayLiteral("Authorization"), authorization});
    const RestAnswer answer =
        api.call(method, QString(), body, {}, QByteArrayLiteral("application/json"), headers);
    AdminAnswer out;
    out.status = answer.status;
    out.body = answer.body;
    out.wwwAuthenticate = answer.header("WWW-Authenticate");
    out.retryAfter = answer.header("Retry-After");
    return out;
}

QByteArray rawAdminRequest(const QByteArray &method, const QByteArray &path, const QByteArray &body)
{
    QByteArray request = method + ' ' + path +
                         " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + AdminSuite::bearer() + "\r\n";
    if (!body.isEmpty())
        request +=
            "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    return request + "\r\n" + body;
}

QList<QByteArray> completeResponses(const QByteArray &received)
{
    QList<QByteArray> responses;
    qsizetype at = 0;
    while (at < received.size()) {
        const qsizetype headEnd = received.indexOf("\r\n\r\n", at);
        if (headEnd < 0)
            break;
        qsizetype length = 0;
        const QList<QByteArray> lines = received.sliced(at, headEnd - at).split('\n');
        for (const QByteArray &line : lines) {
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        }
        const qsizetype end = headEnd + 4 + length;
        if (end > received.size())
            break;
        responses.append(received.sliced(at, end - at));
        at = end;
    }
    return responses;
}

QStringList arrivalOrder(const QList<QDomElement> &stanzas, const QStringList &ids)
{
    QStringList order;
    for (const QDomElement &e : stanzas) {
        const QString id = e.attribute(QStringLiteral("id"));
        if (ids.contains(id))
            order.append(id);
    }
    return order;
}

SessionAnswer answerOf(const std::function<void(const QObject *context, SessionDone done)> &call,
                       int timeoutMs)
{
    // The answer comes on this thread; a late one after the deadline goes nowhere (`context` is gone).
    QObject context;
    std::optional<SessionAnswer> answer;
    call(&context, [&answer](const SessionAnswer &got) { answer = got; });
    if (!QTest::qWaitFor([&answer] { return answer.has_value(); }, timeoutMs)) {
        SessionAnswer none;
        none.error = QStringLiteral("no answer within %1 ms").arg(timeoutMs);
        return none;
    }
    return *answer;
}

AdminSuite::AdminSuite() = default;

AdminSuite::~AdminSuite() = default;

void AdminSuite::startSuite(const ProsodyFixture::Options &options,
                            const std::function<void(Config &)> &configure)
{
    QVERIFY2(m_prosody.start({QStringLiteral("alice"), QStringLiteral("bob")}, options),
             qPrintable(m_prosody.log()));
    Config config = m_prosody.backendConfig();
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.connectTimeout = 5;
    config.adminToken = QString::fromLatin1(kToken);
    if (configure)
        configure(config);
    m_server = std::make_unique<Server>(config);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    m_server->traffic()->setEnabled(true);
}

void AdminSuite::cleanupTestCase()
{
    m_others.clear();
    m_alice.reset();
    m_bob.reset();
    m_server.reset();
    m_prosody.stop();
}

void AdminSuite::init()
{
    QVERIFY(m_server);
    m_alice = std::make_unique<BoshClient>(m_server->boshUrl());
    QString error;
    QVERIFY2(m_alice->login(m_prosody.domain(), QStringLiteral("alice"),
                            m_prosody.password(QStringLiteral("alice")), &error),
             qPrintable(error));
    // Presence, so that Prosody routes bob's messages to this resource.
    m_alice->request({}, "<presence xmlns='jabber:client'/>");
    m_bob = std::make_unique<TestClient>();
    QVERIFY2(m_bob->login(m_prosody, QStringLiteral("bob")), qPrintable(m_bob->lastError()));
}

void AdminSuite::cleanup()
{
    if (m_alice && !m_alice->sid().isEmpty())
        m_server->terminateSession(m_alice->sid());
    m_alice.reset();
    for (const std::unique_ptr<BoshClient> &other : m_others)
        m_server->terminateSession(other->sid());
    m_others.clear();
    if (m_bob)
        m_bob->disconnectFromServer();
    m_bob.reset();
    QTRY_COMPARE(m_server->sessionCount(), 0);
}

QByteArray AdminSuite::bearer()
{
    return QByteArrayLiteral("Bearer ") + kToken;
}

QStringList AdminSuite::faultNotes(const QString &sid) const
{
    QStringList notes;
    const QList<Monitor::TrafficRecord> records = m_server->traffic()->records();
    for (const Monitor::TrafficRecord &r : records) {
        if (r.session == sid && r.element == QLatin1String("fault"))
            notes.append(r.note);
    }
    return notes;
}

QString AdminSuite::aliceOnWorker(int worker)
{
    // The worker whose listener the kernel gives the session's first connection owns the session.
    for (int attempt = 0; attempt < 40; ++attempt) {
        auto client = std::make_unique<BoshClient>(m_server->boshUrl());
        QString error;
        if (!client->login(m_prosody.domain(), QStringLiteral("alice"),
                           m_prosody.password(QStringLiteral("alice")), &error,
                           QStringLiteral("on-worker-%1").arg(attempt))) {
            qWarning() << "login failed:" << error;
            return {};
        }
        if (m_server->workerOf(client->sid()) == worker) {
            m_others.push_back(std::move(client));
            return m_others.back()->sid();
        }
        m_server->terminateSession(client->sid());
    }
    return {};
}

std::optional<QJsonObject> AdminSuite::faultState(const QString &sid) const
{
    return faultStateOf(*m_server, sid);
}

std::optional<QJsonObject> faultStateOf(Server &server, const QString &sid)
{
    const SessionAnswer answer = answerOf(
        [&server, &sid](const QObject *context, SessionDone done) { server.faultState(sid, context, done); });
    return answer.done() ? std::optional<QJsonObject>(answer.state) : std::nullopt;
}

} // namespace Switchboard::Test
