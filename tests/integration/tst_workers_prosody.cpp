// SPDX-License-Identifier: GPL-3.0-or-later
// Two worker threads in front of a real Prosody (docs/ARCHITECTURE.md, "Threads"): connections spread
// over both workers (a listener each, or one acceptor with SWITCHBOARD_TEST_WORKER_ACCEPT=acceptor, the
// `tst_workers_prosody_acceptor` run), a BOSH request on the other worker's connection is relayed to its
// session and answered in pipelined order, REST calls (long polls and event streams included) on the second
// worker's connections are relayed to the REST gateway on the first, /metrics counts the relays, and
// limits, the monitor, drain and shutdown cover both workers.
#include "base/limits.h"
#include "boshclient.h"
#include "monitor/hub.h"
#include "monitor/registry.h"
#include "prosodyfixture.h"
#include "server.h"
#include "sseclient.h"
#include "testmain.h"
#include "workerblock.h"
#include "wsclient.h"

#include <QDomDocument>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <memory>
#include <optional>

using namespace Switchboard;

namespace {

struct HttpAnswer
{
    int status = 0;
    QByteArray body;
};

/// A BOSH body with `attributes` and `payload`.
QByteArray boshBody(const QList<QPair<QString, QString>> &attributes, const QByteArray &payload = {})
{
    QByteArray body = "<body xmlns='http://jabber.org/protocol/httpbind' xmlns:xmpp='urn:xmpp:xbosh'";
    for (const auto &[name, value] : attributes)
        body += ' ' + name.toUtf8() + "='" + value.toUtf8() + '\'';
    body += payload.isEmpty() ? QByteArray("/>") : '>' + payload + "</body>";
    return body;
}

QByteArray post(quint16 port, const QByteArray &body)
{
    return "POST /http-bind/ HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) +
           "\r\nContent-Type: text/xml\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" +
           body;
}

/// Reads one HTTP/1.1 answer with Content-Length from `socket` (whatever follows stays in `pending`).
HttpAnswer readAnswer(QTcpSocket &socket, QByteArray &pending, int timeoutMs = 15000)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        const qsizetype headEnd = pending.indexOf("\r\n\r\n");
        if (headEnd >= 0) {
            const QByteArray head = pending.left(headEnd);
            const qsizetype at = head.toLower().indexOf("content-length:");
            qsizetype length = 0;
            if (at >= 0) {
                const qsizetype end = head.indexOf("\r\n", at);
                length = head.mid(at + 15, end < 0 ? -1 : end - at - 15).trimmed().toLongLong();
            }
            if (pending.size() >= headEnd + 4 + length) {
                HttpAnswer answer;
                answer.status = head.mid(9, 3).toInt();
                answer.body = pending.mid(headEnd + 4, length);
                pending.remove(0, headEnd + 4 + length);
                return answer;
            }
        }
        // The event loop runs meanwhile: worker 0 is this thread.
        if (socket.bytesAvailable() == 0) {
            if (socket.state() != QAbstractSocket::ConnectedState)
                break;
            QSignalSpy(&socket, &QIODevice::readyRead).wait(200);
        }
        pending += socket.readAll();
    }
    return {};
}

/// One HTTP/1.1 request with a Content-Length body (none when empty) and `extra` header lines.
QByteArray httpRequest(const QByteArray &method, const QByteArray &target, const QByteArray &body = {},
                       const QByteArray &extra = {})
{
    return method + ' ' + target + " HTTP/1.1\r\nHost: localhost\r\n" + extra +
           (body.isEmpty() ? QByteArray()
                           : "Content-Type: application/json\r\nContent-Length: " +
                                 QByteArray::number(body.size()) + "\r\n") +
           "\r\n" + body;
}

QByteArray bearer(const QByteArray &token)
{
    return "Authorization: Bearer " + token + "\r\n";
}

QJsonObject jsonOf(const HttpAnswer &answer)
{
    return QJsonDocument::fromJson(answer.body).object();
}

/// The value of an unlabelled sample in Prometheus text (-1 when absent).
double metric(const QByteArray &text, const QByteArray &name)
{
    const QByteArray prefix = name + ' ';
    for (const QByteArray &line : text.split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).toDouble();
    }
    return -1;
}

QString attribute(const QByteArray &body, const QString &name)
{
    QDomDocument document;
    if (!document.setContent(body))
        return {};
    return document.documentElement().attribute(name);
}

/// Raw BOSH requests in a session that a BoshClient logged in, from its next rid on. Each carries a
/// ping to the server: empty requests this close together would be overactivity (XEP-0124 §11). Each
/// one releases the request held before it.
class PingRequests
{
public:
    PingRequests(const Server &server, const QString &sid, qint64 rid)
        : m_server(server), m_sid(sid), m_rid(rid), m_made(server.hub()->sessionCounters(sid).requests)
    {}
    /// The next request (rid and ping id one up), counted as made.
    QByteArray next()
    {
        const QByteArray ping = "<iq xmlns='jabber:client' type='get' id='p" + QByteArray::number(++m_pings) +
                                "'><ping xmlns='urn:xmpp:ping'/></iq>";
        ++m_made;
        return post(m_server.port(), boshBody({{QStringLiteral("sid"), m_sid},
                                               {QStringLiteral("rid"), QString::number(m_rid++)}},
                                              ping));
    }
    /// True once the session has been handed every request made so far (a relayed one is counted as
    /// relayed before that, on the same thread).
    bool handedOver() const { return quint64(m_server.hub()->sessionCounters(m_sid).requests) == m_made; }

private:
    const Server &m_server;
    QString m_sid;
    qint64 m_rid;
    quint64 m_made;
    int m_pings = 0;
};

/// Connections spread over both workers by their addresses' hash: opens new ones, sending the next of
/// `requests` on each, until one reaches the worker that does not own the session (its request is
/// relayed), and returns that one. All of them are kept in `sockets`. Null when none of 40 got there.
QTcpSocket *connectionRelayingTo(const Server &server, PingRequests &requests,
                                 std::vector<std::unique_ptr<QTcpSocket>> &sockets)
{
    for (int attempt = 0; attempt < 40; ++attempt) {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, server.port());
        if (!socket->waitForConnected(5000))
            return nullptr;
        const quint64 relayedBefore = server.hub()->totals().relayedRequests;
        socket->write(requests.next());
        if (!QTest::qWaitFor([&] { return requests.handedOver(); }))
            return nullptr;
        sockets.push_back(std::move(socket));
        if (server.hub()->totals().relayedRequests > relayedBefore)
            return sockets.back().get();
    }
    return nullptr;
}

} // namespace

class tst_WorkersProsody : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void connectionsSpreadOverBothWorkers();
    void relayedRequestKeepsPipelinedOrder();
    void relayedRequestsAreInTheMetrics();
    void restCallsOnEveryWorker();
    void restEventStreamOnTheOtherWorker();
    void limitsHoldAcrossWorkers();
    void monitorSeesEveryWorker();
    void drainReachesEveryWorker();
    void shutdownReachesEveryWorker();
    void operatorCallsAndShutdownNeverWaitForABusyWorker();

private:
    std::unique_ptr<Server> startServer(Config config);
    /// Creates a BOSH session on a connection of its own; returns its sid (empty when refused).
    QString createSession(const Server &server, int wait = 2);
    /// A new connection whose requests reach the worker that does not run the REST gateway (worker 1):
    /// REST calls on it are relayed. Null when none of 40 connections got there.
    std::unique_ptr<QTcpSocket> connectionToTheOtherWorker(const Server &server);

    ProsodyFixture m_prosody;
};

void tst_WorkersProsody::initTestCase()
{
    QVERIFY2(m_prosody.start({QStringLiteral("alice")}), "Prosody did not start");
}

void tst_WorkersProsody::cleanupTestCase()
{
    m_prosody.stop();
}

std::unique_ptr<Server> tst_WorkersProsody::startServer(Config config)
{
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.path = QStringLiteral("/http-bind/");
    config.workers = 2;
    auto server = std::make_unique<Server>(config);
    QString error;
    if (!server->start(&error))
        qWarning() << error;
    return server;
}

QString tst_WorkersProsody::createSession(const Server &server, int wait)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, server.port());
    if (!socket.waitForConnected(5000))
        return {};
    socket.write(post(server.port(), boshBody({{QStringLiteral("to"), QStringLiteral("localhost")},
                                               {QStringLiteral("rid"), QStringLiteral("1000")},
                                               {QStringLiteral("wait"), QString::number(wait)},
                                               {QStringLiteral("hold"), QStringLiteral("1")},
                                               {QStringLiteral("ver"), QStringLiteral("1.6")},
                                               {QStringLiteral("xmpp:version"), QStringLiteral("1.0")}})));
    QByteArray pending;
    const HttpAnswer answer = readAnswer(socket, pending);
    if (answer.status != 200 ||
        attribute(answer.body, QStringLiteral("type")) == QLatin1String("terminate")) {
        return {};
    }
    return attribute(answer.body, QStringLiteral("sid"));
}

void tst_WorkersProsody::connectionsSpreadOverBothWorkers()
{
    const std::unique_ptr<Server> server = startServer(m_prosody.backendConfig());
    QVERIFY(server->isListening());
    const bool oneAcceptor = m_prosody.backendConfig().workerAccept == QLatin1String("acceptor");
    // Sessions, each created on a connection of its own that stays open, until both workers own some:
    // SO_REUSEPORT spreads by a hash of the addresses (40 connections all on one worker: 2^-39), the
    // acceptor to the worker with the fewest open connections (here they alternate).
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    QStringList sids;
    int owned[2] = {0, 0};
    for (int attempt = 0; attempt < 40 && (owned[0] < 4 || owned[1] < 4); ++attempt) {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, server->port());
        QVERIFY(socket->waitForConnected(5000));
        socket->write(post(server->port(), boshBody({{QStringLiteral("to"), QStringLiteral("localhost")},
                                                     {QStringLiteral("rid"), QStringLiteral("1000")},
                                                     {QStringLiteral("wait"), QStringLiteral("2")},
                                                     {QStringLiteral("hold"), QStringLiteral("1")},
                                                     {QStringLiteral("ver"), QStringLiteral("1.6")}})));
        QByteArray pending;
        const HttpAnswer answer = readAnswer(*socket, pending);
        QCOMPARE(answer.status, 200);
        const QString sid = attribute(answer.body, QStringLiteral("sid"));
        QVERIFY2(!sid.isEmpty(), answer.body.constData());
        const int worker = server->workerOf(sid);
        QVERIFY(worker == 0 || worker == 1);
        ++owned[worker];
        sids.append(sid);
        sockets.push_back(std::move(socket));
    }
    QVERIFY2(owned[0] >= 4 && owned[1] >= 4,
             qPrintable(QStringLiteral("sessions per worker: %1, %2").arg(owned[0]).arg(owned[1])));
    if (oneAcceptor)
        QCOMPARE(owned[0], owned[1]);

    // Each session's next request on a new connection reaches the session on its own worker, wherever
    // the connection landed (relayed when it is the other): the terminate ends every one of them.
    QSignalSpy closed(server->hub(), &Monitor::Hub::sessionClosed);
    for (const QString &sid : std::as_const(sids)) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server->port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write(post(server->port(), boshBody({{QStringLiteral("sid"), sid},
                                                    {QStringLiteral("rid"), QStringLiteral("1001")},
                                                    {QStringLiteral("type"), QStringLiteral("terminate")}})));
        QByteArray pending;
        QCOMPARE(readAnswer(socket, pending).status, 200);
    }
    QTRY_COMPARE(closed.count(), sids.size());
    QTRY_COMPARE(server->sessionCount(), 0);
}

void tst_WorkersProsody::relayedRequestKeepsPipelinedOrder()
{
    const std::unique_ptr<Server> server = startServer(m_prosody.backendConfig());
    QVERIFY(server->isListening());
    BoshClient client(server->boshUrl());
    QString error;
    QVERIFY2(client.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                          m_prosody.password(QStringLiteral("alice")), &error),
             qPrintable(error));
    PingRequests requests(*server, client.sid(), client.peekRid());
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    QTcpSocket *foreign = connectionRelayingTo(*server, requests, sockets);
    QVERIFY2(foreign, "no connection reached the other worker");

    // Pipelined on that connection: a relayed BOSH request (held), then host-meta (answered at once by
    // this worker). The host-meta answer must wait behind the BOSH one (RFC 9112 §9.3.2).
    QByteArray foreignPending;
    // First the answer to its earlier request, released by now or with the next one.
    const QByteArray hostMeta = "GET /.well-known/host-meta HTTP/1.1\r\nHost: localhost\r\n\r\n";
    foreign->write(requests.next() + hostMeta);
    QTRY_VERIFY(requests.handedOver());
    const HttpAnswer earlier = readAnswer(*foreign, foreignPending);
    QCOMPARE(earlier.status, 200);
    QVERIFY2(!earlier.body.contains("XRD"), earlier.body.constData());
    // Another request on the first connection releases the held one: both answers come, in order.
    sockets.front()->write(requests.next());
    const HttpAnswer bosh = readAnswer(*foreign, foreignPending);
    QCOMPARE(bosh.status, 200);
    QVERIFY2(bosh.body.startsWith("<body"), bosh.body.constData());
    QVERIFY(attribute(bosh.body, QStringLiteral("type")).isEmpty());
    const HttpAnswer meta = readAnswer(*foreign, foreignPending);
    QCOMPARE(meta.status, 200);
    QVERIFY(meta.body.contains("XRD"));
}

std::unique_ptr<QTcpSocket> tst_WorkersProsody::connectionToTheOtherWorker(const Server &server)
{
    // Connections spread over both workers by their addresses' hash; a REST call (a 404 here) on one
    // that reached worker 1 is relayed to worker 0, and counted there before it is answered.
    for (int attempt = 0; attempt < 40; ++attempt) {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, server.port());
        if (!socket->waitForConnected(5000))
            return {};
        const quint64 before = server.hub()->totals().relayedRequests;
        socket->write(httpRequest("GET", "/api/v1/nothing"));
        QByteArray pending;
        if (readAnswer(*socket, pending).status != 404)
            return {};
        if (server.hub()->totals().relayedRequests > before)
            return socket;
    }
    return {};
}

void tst_WorkersProsody::relayedRequestsAreInTheMetrics()
{
    const std::unique_ptr<Server> server = startServer(m_prosody.backendConfig());
    QVERIFY(server->isListening());
    BoshClient client(server->boshUrl());
    QString error;
    QVERIFY2(client.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                          m_prosody.password(QStringLiteral("alice")), &error),
             qPrintable(error));
    QCOMPARE(quint64(server->hub()->totals().relayedRequests), quint64(0));
    // BOSH requests of the session on fresh connections, until one reached the worker that does not
    // own the session.
    PingRequests requests(*server, client.sid(), client.peekRid());
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    QVERIFY2(connectionRelayingTo(*server, requests, sockets), "no BOSH request reached the other worker");
    const quint64 relayed = server->hub()->totals().relayedRequests;
    // /metrics and /status.json show the sum over the workers, whichever worker answers them.
    QTcpSocket monitor;
    monitor.connectToHost(QHostAddress::LocalHost, server->port());
    QVERIFY(monitor.waitForConnected(5000));
    monitor.write(httpRequest("GET", "/metrics") + httpRequest("GET", "/status.json"));
    QByteArray pending;
    const HttpAnswer metrics = readAnswer(monitor, pending);
    QCOMPARE(metrics.status, 200);
    QCOMPARE(metric(metrics.body, "switchboard_relayed_requests_total"), double(relayed));
    const HttpAnswer status = readAnswer(monitor, pending);
    QCOMPARE(status.status, 200);
    QCOMPARE(
        jsonOf(status).value(QStringLiteral("counters")).toObject().value(QStringLiteral("relayedRequests")),
        QJsonValue(qint64(relayed)));
}

void tst_WorkersProsody::restCallsOnEveryWorker()
{
    const std::unique_ptr<Server> server = startServer(m_prosody.backendConfig());
    QVERIFY(server->isListening());
    const std::unique_ptr<QTcpSocket> foreign = connectionToTheOtherWorker(*server);
    QVERIFY2(foreign, "no connection reached the other worker");
    QByteArray pending;

    // Log-in on the other worker's connection: answered there when the session on worker 0 is bound.
    const QByteArray login =
        QJsonDocument(QJsonObject{{QStringLiteral("jid"), QStringLiteral("alice@localhost")},
                                  {QStringLiteral("password"), m_prosody.password(QStringLiteral("alice"))},
                                  {QStringLiteral("resource"), QStringLiteral("w1")}})
            .toJson(QJsonDocument::Compact);
    foreign->write(httpRequest("POST", "/api/v1/sessions", login));
    const HttpAnswer created = readAnswer(*foreign, pending);
    QCOMPARE(created.status, 201);
    const QString id = jsonOf(created).value(QStringLiteral("id")).toString();
    const QByteArray token = jsonOf(created).value(QStringLiteral("token")).toString().toUtf8();
    QVERIFY2(id.startsWith(QLatin1String("rest-")), qPrintable(id));
    QCOMPARE(jsonOf(created).value(QStringLiteral("jid")).toString(), QStringLiteral("alice@localhost/w1"));
    QCOMPARE(server->sessionCount(), 1);
    const QByteArray sessionPath = "/api/v1/sessions/" + id.toLatin1();

    // The events so far, until the server's echo of the initial presence (RFC 6121 §4.2.2) is among
    // them (it may come after the log-in's answer), then where the next one will be: the message below.
    qint64 next = 0;
    bool echoed = false;
    for (int i = 0; i < 10 && !echoed; ++i) {
        foreign->write(httpRequest(
            "GET", sessionPath + "/events?after=" + QByteArray::number(next) + "&wait=5", {}, bearer(token)));
        const HttpAnswer first = readAnswer(*foreign, pending);
        QCOMPARE(first.status, 200);
        next = jsonOf(first).value(QStringLiteral("next")).toInteger();
        echoed = first.body.contains("\"kind\":\"presence\"");
    }
    QVERIFY2(echoed, "the initial presence was not echoed");

    // Pipelined on that connection: a long poll (relayed, answered later from worker 0), then
    // host-meta (answered at once by this worker). host-meta must wait behind it (RFC 9112 §9.3.2).
    foreign->write(httpRequest("GET", sessionPath + "/events?after=" + QByteArray::number(next) + "&wait=20",
                               {}, bearer(token)) +
                   httpRequest("GET", "/.well-known/host-meta"));
    // A message to itself, sent on a connection of worker 0 or 1, wakes the long poll.
    QTcpSocket sender;
    sender.connectToHost(QHostAddress::LocalHost, server->port());
    QVERIFY(sender.waitForConnected(5000));
    const QByteArray message =
        QJsonDocument(QJsonObject{{QStringLiteral("to"), QStringLiteral("alice@localhost/w1")},
                                  {QStringLiteral("body"), QStringLiteral("across")}})
            .toJson(QJsonDocument::Compact);
    sender.write(httpRequest("POST", sessionPath + "/messages", message, bearer(token)));
    QByteArray senderPending;
    QCOMPARE(readAnswer(sender, senderPending).status, 202);
    const HttpAnswer polled = readAnswer(*foreign, pending, 25000);
    QCOMPARE(polled.status, 200);
    QVERIFY2(polled.body.contains("across"), polled.body.constData());
    const HttpAnswer meta = readAnswer(*foreign, pending);
    QCOMPARE(meta.status, 200);
    QVERIFY(meta.body.contains("XRD"));

    // Log-out on the other worker's connection ends the session on worker 0.
    foreign->write(httpRequest("DELETE", sessionPath, {}, bearer(token)));
    QCOMPARE(readAnswer(*foreign, pending).status, 204);
    QTRY_COMPARE(server->sessionCount(), 0);
}

void tst_WorkersProsody::restEventStreamOnTheOtherWorker()
{
    const std::unique_ptr<Server> server = startServer(m_prosody.backendConfig());
    QVERIFY(server->isListening());
    QTcpSocket control;
    control.connectToHost(QHostAddress::LocalHost, server->port());
    QVERIFY(control.waitForConnected(5000));
    QByteArray pending;
    const QByteArray login =
        QJsonDocument(QJsonObject{{QStringLiteral("jid"), QStringLiteral("alice@localhost")},
                                  {QStringLiteral("password"), m_prosody.password(QStringLiteral("alice"))},
                                  {QStringLiteral("resource"), QStringLiteral("sse")}})
            .toJson(QJsonDocument::Compact);
    control.write(httpRequest("POST", "/api/v1/sessions", login));
    const HttpAnswer created = readAnswer(control, pending);
    QCOMPARE(created.status, 201);
    const QByteArray id = jsonOf(created).value(QStringLiteral("id")).toString().toLatin1();
    const QByteArray token = jsonOf(created).value(QStringLiteral("token")).toString().toUtf8();

    // Event streams on fresh connections until one is relayed from worker 1: its head and the events
    // queued so far come through worker 1's connection.
    std::vector<std::unique_ptr<Test::SseClient>> streams;
    Test::SseClient *relayed = nullptr;
    for (int attempt = 0; attempt < 20 && !relayed; ++attempt) {
        const quint64 before = server->hub()->totals().relayedRequests;
        auto stream = std::make_unique<Test::SseClient>();
        stream->open(server->port(), "/api/v1/sessions/" + id + "/events", bearer(token));
        QVERIFY(stream->waitHead());
        QCOMPARE(stream->status(), 200);
        QVERIFY(stream->waitEvents(1)); // the roster's answer
        if (server->hub()->totals().relayedRequests > before)
            relayed = stream.get();
        else
            stream->abort(); // at most kMaxStreamsPerSession streams per session
        streams.push_back(std::move(stream));
    }
    QVERIFY2(relayed, "no event stream reached the other worker");
    QCOMPARE(relayed->header("content-type"), QByteArray("text/event-stream"));

    // A message to itself reaches the relayed stream as it arrives.
    const qsizetype seen = relayed->events().size();
    const QByteArray message =
        QJsonDocument(QJsonObject{{QStringLiteral("to"), QStringLiteral("alice@localhost/sse")},
                                  {QStringLiteral("body"), QStringLiteral("streamed")}})
            .toJson(QJsonDocument::Compact);
    control.write(httpRequest("POST", "/api/v1/sessions/" + id + "/messages", message, bearer(token)));
    QCOMPARE(readAnswer(control, pending).status, 202);
    QVERIFY(relayed->waitEvents(seen + 1));
    // The next event may be another one queued before (a presence): the message is awaited itself.
    QTRY_COMPARE_WITH_TIMEOUT(relayed->ofKind(QStringLiteral("message")).size(), 1, 10000);
    const QList<QJsonObject> messages = relayed->ofKind(QStringLiteral("message"));
    QCOMPARE(messages.first().value(QStringLiteral("body")).toString(), QStringLiteral("streamed"));

    // Logging out ends the stream (its last event, then the end of the body) on worker 1's connection.
    control.write(httpRequest("DELETE", "/api/v1/sessions/" + id, {}, bearer(token)));
    QCOMPARE(readAnswer(control, pending).status, 204);
    QVERIFY(relayed->waitEnd());
    QTRY_COMPARE(server->sessionCount(), 0);
}

void tst_WorkersProsody::limitsHoldAcrossWorkers()
{
    Config config = m_prosody.backendConfig();
    config.maxSessionsPerIp = 3;
    const std::unique_ptr<Server> server = startServer(config);
    QVERIFY(server->isListening());
    // Each on a connection of its own: they reach both workers, and one count holds for all.
    int created = 0;
    for (int i = 0; i < 8; ++i)
        created += createSession(*server).isEmpty() ? 0 : 1;
    QCOMPARE(created, 3);
    QCOMPARE(server->limits()->sessions(), 3);
    QCOMPARE(server->limits()->hits(Limits::Limit::MaxSessionsPerIp), quint64(5));
}

void tst_WorkersProsody::monitorSeesEveryWorker()
{
    const std::unique_ptr<Server> server = startServer(m_prosody.backendConfig());
    QVERIFY(server->isListening());
    QSignalSpy opened(server->hub(), &Monitor::Hub::sessionOpened);
    constexpr int sessions = 8;
    QStringList sids;
    for (int i = 0; i < sessions; ++i) {
        const QString sid = createSession(*server);
        QVERIFY(!sid.isEmpty());
        sids.append(sid);
    }
    // Every worker's sessions reach the Server's hub (queued), its registry and its totals.
    QTRY_COMPARE(opened.count(), sessions);
    QCOMPARE(server->hub()->sessionCount(), sessions);
    QCOMPARE(server->sessionCount(), sessions);
    QCOMPARE(quint64(server->hub()->totals().boshSessions), quint64(sessions));
    QTRY_COMPARE(server->registry()->sessions().size(), qsizetype(sessions));
    for (const QString &sid : std::as_const(sids))
        QCOMPARE(quint64(server->hub()->sessionCounters(sid).requests), quint64(1));
    // Operator actions reach the worker that owns the session.
    QSignalSpy closed(server->hub(), &Monitor::Hub::sessionClosed);
    for (const QString &sid : std::as_const(sids))
        QVERIFY(server->terminateSession(sid));
    QTRY_COMPARE(closed.count(), sessions);
    QTRY_COMPARE(server->sessionCount(), 0);
    QCOMPARE(server->hub()->sessionCount(), 0);
}

void tst_WorkersProsody::drainReachesEveryWorker()
{
    Config config = m_prosody.backendConfig();
    config.drainUrl = QStringLiteral("https://elsewhere.example/http-bind/");
    const std::unique_ptr<Server> server = startServer(config);
    QVERIFY(server->isListening());
    server->setDraining(true);
    // Whichever worker a connection reaches refuses the new session with see-other-uri, and tells a
    // load balancer's health check 503 on the same connection (eight connections, spread by the kernel).
    for (int i = 0; i < 8; ++i) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server->port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QByteArray healthPending;
        const HttpAnswer health = readAnswer(socket, healthPending);
        QCOMPARE(health.status, 503);
        QCOMPARE(health.body, QByteArray("draining\n"));
        socket.write(post(server->port(), boshBody({{QStringLiteral("to"), QStringLiteral("localhost")},
                                                    {QStringLiteral("rid"), QStringLiteral("1")},
                                                    {QStringLiteral("wait"), QStringLiteral("2")},
                                                    {QStringLiteral("hold"), QStringLiteral("1")}})));
        QByteArray pending;
        const HttpAnswer answer = readAnswer(socket, pending);
        QCOMPARE(answer.status, 200);
        QCOMPARE(attribute(answer.body, QStringLiteral("condition")), QStringLiteral("see-other-uri"));
    }
    server->setDraining(false);
    for (int i = 0; i < 8; ++i) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server->port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QByteArray pending;
        QCOMPARE(readAnswer(socket, pending).status, 200);
    }
    QVERIFY(!createSession(*server).isEmpty());
}

void tst_WorkersProsody::shutdownReachesEveryWorker()
{
    std::unique_ptr<Server> server = startServer(m_prosody.backendConfig());
    QVERIFY(server->isListening());
    // Sessions each with a request held, on connections spread over both workers (some relayed).
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    for (int i = 0; i < 6; ++i) {
        const QString sid = createSession(*server, 30);
        QVERIFY(!sid.isEmpty());
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, server->port());
        QVERIFY(socket->waitForConnected(5000));
        socket->write(post(server->port(), boshBody({{QStringLiteral("sid"), sid},
                                                     {QStringLiteral("rid"), QStringLiteral("1001")}})));
        // The session has this request (its second): `held` alone could still read 1 for the
        // creation request on another worker's thread, while this one waits in the kernel's accept
        // queue of a listener that shutdown() closes, which resets what it did not accept.
        QTRY_VERIFY(server->hub()->sessionCounters(sid).requests == 2 &&
                    server->hub()->sessionCounters(sid).held == 1);
        sockets.push_back(std::move(socket));
    }
    // As the application does (app/main.cpp): its event loop ends when shutdownFinished() fires and
    // the Server is destroyed at once, so an answer still on its way between workers would be lost.
    QEventLoop loop;
    bool clean = false;
    int finished = 0;
    connect(server.get(), &Server::shutdownFinished, &loop, [&](bool wasClean) {
        clean = wasClean;
        ++finished;
        loop.quit();
    });
    QTimer::singleShot(15000, &loop, &QEventLoop::quit);
    server->shutdown();
    loop.exec();
    QCOMPARE(finished, 1);
    QVERIFY(clean);
    QCOMPARE(server->sessionCount(), 0);
    server.reset();
    // Every held request was answered with system-shutdown, whichever worker holds it.
    for (const auto &socket : sockets) {
        QByteArray pending;
        const HttpAnswer answer = readAnswer(*socket, pending);
        QCOMPARE(answer.status, 200);
        QCOMPARE(attribute(answer.body, QStringLiteral("condition")), QStringLiteral("system-shutdown"));
    }
}

void tst_WorkersProsody::operatorCallsAndShutdownNeverWaitForABusyWorker()
{
    const std::unique_ptr<Server> server = startServer(m_prosody.backendConfig());
    QVERIFY(server->isListening());
    // WebSocket sessions stay on the worker that accepted them: keep one of the second worker's.
    std::unique_ptr<WsClient> client;
    QString sid;
    for (int attempt = 0; attempt < 40 && sid.isEmpty(); ++attempt) {
        auto candidate = std::make_unique<WsClient>(server->webSocketUrl());
        QString error;
        QVERIFY(candidate->connectSocket());
        QVERIFY2(candidate->login(QStringLiteral("localhost"), QStringLiteral("alice"),
                                  m_prosody.password(QStringLiteral("alice")), &error,
                                  QStringLiteral("busy%1").arg(attempt)),
                 qPrintable(error));
        QTRY_COMPARE(server->sessionCount(), 1);
        QTRY_VERIFY(!server->registry()->sessions().isEmpty());
        const QString id = server->registry()->sessions().constFirst().id;
        if (server->workerOf(id) == 1) {
            sid = id;
            client = std::move(candidate);
            break;
        }
        // The first worker's session ends, and its server link closes, before the next try.
        candidate.reset();
        QTRY_COMPARE(server->sessionCount(), 0);
        QTRY_COMPARE(server->closingLinks(), 0);
        QTRY_VERIFY(server->registry()->sessions().isEmpty());
    }
    QVERIFY2(!sid.isEmpty(), "no connection reached the second worker");

    // The second worker is kept busy; the calls below return without waiting for it.
    Test::WorkerBlock hold(server->workerContext(1));
    QVERIFY(hold.isBlocking());

    // Counts are read where each worker keeps them, never asked of a worker.
    QCOMPARE(server->sessionCount(), 1);
    QVERIFY(server->connectionCount() >= 0);
    QCOMPARE(server->workerOf(sid), 1);
    QVERIFY(!hold.timedOut());
    std::optional<QString> injected;
    server->injectStanza(sid, Monitor::Direction::ToClient,
                         "<message from='localhost'><body>while busy</body></message>", this,
                         [&injected](const QString &error) { injected = error; });
    QSignalSpy finished(server.get(), &Server::shutdownFinished);
    // The first worker has nothing left: shutdown() asks the second at once whether it is quiet.
    server->shutdown();
    QVERIFY(!hold.timedOut());
    QVERIFY(!injected.has_value()); // the answer needs the busy worker
    QCOMPARE(finished.count(), 0);

    // Once free, the second worker puts the stanza in, ends its session and reports quiet.
    hold.release();
    QTRY_VERIFY(injected.has_value());
    QVERIFY2(injected->isEmpty(), qPrintable(*injected));
    QVERIFY(!client->waitFor([](const QDomElement &e) { return e.text() == QLatin1String("while busy"); })
                 .isNull());
    const QDomElement streamError = client->waitForName(QStringLiteral("error"));
    QVERIFY(!streamError.isNull());
    QCOMPARE(streamError.firstChildElement().localName(), QStringLiteral("system-shutdown"));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000);
    QCOMPARE(finished.first().first().toBool(), true);
    QCOMPARE(server->sessionCount(), 0);
    QVERIFY(!hold.timedOut());
}

SWITCHBOARD_TEST_MAIN(tst_WorkersProsody)
#include "tst_workers_prosody.moc"
