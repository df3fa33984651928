// SPDX-License-Identifier: GPL-3.0-or-later
// Push on arrival through the REST gateway, end to end: Switchboard in front of a real Prosody, REST
// sessions over real sockets, and an HTTPS receiver on loopback whose certificate comes from a test CA
// given as ca_file (127.0.0.1 allowed by push_allowed_hosts). Covers the webhook signature and timestamp,
// coalescing by push_interval, acknowledgement by a poll, a waiting poll that takes the event, backoff
// on 5xx, disabling after push_max_failures, a 410 dropping a Web Push subscription, PUT and DELETE of
// the target, refused targets (400, field "push") before any login, GET /vapid, the CORS preflight of
// the REST paths, and the counters in /metrics and /status.json.
#include "prosodyfixture.h"
#include "push/eckey.h"
#include "push/vapid.h"
#include "push/webhook.h"
#include "restapi.h"
#include "server.h"
#include "testmain.h"
#include "testpki.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSslKey>
#include <QSslServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Switchboard;

namespace {

using Answer = Test::RestAnswer;
using Api = Test::RestApi;
using Test::toJson;

/// An HTTPS receiver on loopback: reads each request (head and Content-Length body), answers with the
/// next status of `statuses` (201 when none is left), closes. Keeps every request with its arrival time.
class Receiver : public QObject
{
public:
    struct Request
    {
        QByteArray head;
        QByteArray body;
        qint64 at = 0; ///< ms on the receiver's clock
        QByteArray path() const { return head.split(' ').value(1); }
        QByteArray header(const QByteArray &name) const
        {
            for (const QByteArray &line : head.split('\n')) {
                const qsizetype colon = line.indexOf(':');
                if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                    return line.mid(colon + 1).trimmed();
            }
            return {};
        }
        QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    };

    bool listen(const QSslCertificate &cert, const QSslKey &key)
    {
        m_clock.start();
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setLocalCertificate(cert);
        tls.setPrivateKey(key);
        m_server.setSslConfiguration(tls);
        connect(&m_server, &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                auto *buffer = new QByteArray;
                connect(socket, &QObject::destroyed, this, [buffer] { delete buffer; });
                connect(socket, &QIODevice::readyRead, this,
                        [this, socket, buffer] { read(socket, buffer); });
                connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
        return m_server.listen(QHostAddress::LocalHost, 0);
    }
    quint16 port() const { return m_server.serverPort(); }
    QString url(const QString &path) const
    {
        return QStringLiteral("https://127.0.0.1:%1%2").arg(port()).arg(path);
    }

    QList<int> statuses;
    QList<Request> requests;

private:
    void read(QTcpSocket *socket, QByteArray *buffer)
    {
        *buffer += socket->readAll();
        if (buffer->size() > 1024 * 1024) {
            socket->abort();
            return;
        }
        const qsizetype end = buffer->indexOf("\r\n\r\n");
        if (end < 0)
            return;
        Request request{buffer->left(end), {}, m_clock.elapsed()};
        const qsizetype length = request.header("Content-Length").toLongLong();
        if (buffer->size() < end + 4 + length)
            return;
        request.body = buffer->mid(end + 4, length);
        buffer->clear();
        requests.append(request);
        const int status = statuses.isEmpty() ? 201 : statuses.takeFirst();
        socket->write("HTTP/1.1 " + QByteArray::number(status) +
                      " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        socket->disconnectFromHost();
    }

    QSslServer m_server;
    QElapsedTimer m_clock;
};

struct Session
{
    QString id;
    QByteArray token;
    QString jid;
    QString path(const QString &tail = {}) const { return QStringLiteral("/api/v1/sessions/") + id + tail; }
};

constexpr int kInterval = 3; // push_interval (s) in this test

} // namespace

class tst_RestPush : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void vapidWithoutToken();
    void refusedTargetsBeforeLogin();
    void webhookSignedAndCoalesced();
    void waitingPollTakesTheEvent();
    void eventStreamTakesTheEvent();
    void putAndDeletePush();
    void backoffOn5xxThenDisabled();
    void goneSubscriptionDropped();
    void corsPreflightAllowsPutDelete();
    void sessionEndStopsPushes();
    void targetSurvivesRestart();

private:
    QString file(const QString &name) const { return m_dir.filePath(name); }
    /// Logs `user` in (with `push` unless empty) and reads the events of the login, so what follows is
    /// what the test sends. Empty id on failure.
    Session login(const QString &user, const QJsonObject &push = {});
    QJsonArray events(const Session &s, qint64 after, int wait = 0, qint64 *next = nullptr);
    bool sendMessage(const Session &from, const QString &to, const QString &body);
    /// The seq of the newest message event of `s` (polling without acknowledging anything new).
    qint64 lastMessageSeq(const Session &s, qint64 after);
    QJsonObject webhook(const QString &path, bool include = false) const;
    double metric(const QByteArray &line);
    /// Starts a Server with m_config (the same store and key) and points m_api at it.
    void startServer();

    ProsodyFixture m_prosody;
    QTemporaryDir m_dir;
    QSslCertificate m_cert;
    QSslKey m_key;
    Config m_config;
    std::unique_ptr<Server> m_server;
    std::unique_ptr<Api> m_api;
    std::unique_ptr<Receiver> m_receiver;
    Session m_bob;
    QList<Session> m_sessions; ///< deleted after each test
};

void tst_RestPush::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // A test CA (given to Switchboard as ca_file) and a receiver certificate for 127.0.0.1 it signed.
    Test::TestPki pki;
    QVERIFY(pki.make(m_dir.path(), QStringLiteral("receiver"), QStringLiteral("127.0.0.1"),
                     QStringLiteral("IP:127.0.0.1"), QStringLiteral("Switchboard REST push test CA")));
    m_cert = pki.certificate;
    m_key = pki.key;

    // Hashed passwords: the SCRAM salted password a session keeps opens the account again after a
    // restart of Switchboard (the salt stays the same).
    ProsodyFixture::Options options;
    options.extraGlobalLua = "authentication = \"internal_hashed\"\n"
                             "modules_disabled = { \"tls\"; \"s2s\"; \"c2s_limits\"; \"posix\" }\n";
    options.http = false;
    QVERIFY2(m_prosody.start({QStringLiteral("alice"), QStringLiteral("bob")}, options),
             qPrintable(m_prosody.log()));
    Config config = m_prosody.backendConfig();
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.caFile = file(QStringLiteral("ca.pem"));
    config.pushAllowedHosts = {QStringLiteral("127.0.0.1")};
    config.pushInterval = kInterval;
    config.pushMaxFailures = 2;
    config.pushTimeout = 5;
    config.vapidKeyFile = file(QStringLiteral("keys/vapid.pem"));
    config.restStore = file(QStringLiteral("rest.sqlite"));
    m_config = config;
    startServer();
    QVERIFY(m_server);
    m_bob = login(QStringLiteral("bob"));
    QVERIFY(!m_bob.id.isEmpty());
}

void tst_RestPush::init()
{
    m_receiver = std::make_unique<Receiver>();
    QVERIFY(m_receiver->listen(m_cert, m_key));
}

void tst_RestPush::cleanup()
{
    for (const Session &s : std::as_const(m_sessions))
        m_api->call("DELETE", s.path(), {}, s.token);
    m_sessions.clear();
    m_receiver.reset();
}

void tst_RestPush::cleanupTestCase()
{
    m_api.reset();
    m_server.reset();
    m_prosody.stop();
}

void tst_RestPush::startServer()
{
    m_api.reset();
    auto server = std::make_unique<Server>(m_config);
    QString error;
    if (!server->start(&error)) {
        qWarning() << "Switchboard did not start:" << error;
        return;
    }
    m_server = std::move(server);
    QUrl base = m_server->boshUrl();
    base.setPath({});
    m_api = std::make_unique<Api>(base);
}

Session tst_RestPush::login(const QString &user, const QJsonObject &push)
{
    QJsonObject body{{QStringLiteral("jid"), QString(user + QStringLiteral("@localhost"))},
                     {QStringLiteral("password"), m_prosody.password(user)}};
    if (!push.isEmpty())
        body.insert(QStringLiteral("push"), push);
    const Answer a = m_api->call("POST", QStringLiteral("/api/v1/sessions"), toJson(body));
    if (a.status != 201) {
        qWarning() << "login failed:" << a.status << a.body;
        return {};
    }
    Session s{a.json.value(QStringLiteral("id")).toString(),
              a.json.value(QStringLiteral("token")).toString().toLatin1(),
              a.json.value(QStringLiteral("jid")).toString()};
    // RFC 6121 §4.2.2: the server echoes our initial presence; read (and acknowledge) up to it.
    qint64 after = 0;
    for (int i = 0; i < 10; ++i) {
        qint64 next = 0;
        const QJsonArray e = events(s, after, 5, &next);
        after = next;
        const bool echoed = std::any_of(e.begin(), e.end(), [&s](const QJsonValue &v) {
            const QJsonObject o = v.toObject();
            return o.value(QStringLiteral("kind")).toString() == QLatin1String("presence") &&
                   o.value(QStringLiteral("from")).toString() == s.jid;
        });
        if (echoed)
            break;
    }
    events(s, after); // acknowledges the login's events
    if (user != QLatin1String("bob"))
        m_sessions.append(s);
    return s;
}

QJsonArray tst_RestPush::events(const Session &s, qint64 after, int wait, qint64 *next)
{
    const Answer a = m_api->call(
        "GET", s.path(QStringLiteral("/events?after=%1&wait=%2").arg(after).arg(wait)), {}, s.token);
    if (a.status != 200)
        qWarning() << "events:" << a.status << a.body;
    if (next)
        *next = a.json.value(QStringLiteral("next")).toInteger();
    return a.json.value(QStringLiteral("events")).toArray();
}

bool tst_RestPush::sendMessage(const Session &from, const QString &to, const QString &body)
{
    const Answer a =
        m_api->call("POST", from.path(QStringLiteral("/messages")),
                    toJson({{QStringLiteral("to"), to}, {QStringLiteral("body"), body}}), from.token);
    return a.status == 202;
}

qint64 tst_RestPush::lastMessageSeq(const Session &s, qint64 after)
{
    qint64 seq = 0;
    for (const QJsonValue &v : events(s, after)) {
        if (v.toObject().value(QStringLiteral("kind")).toString() == QLatin1String("message"))
            seq = v.toObject().value(QStringLiteral("seq")).toInteger();
    }
    return seq;
}

QJsonObject tst_RestPush::webhook(const QString &path, bool include) const
{
    QJsonObject push{{QStringLiteral("type"), QStringLiteral("webhook")},
                     {QStringLiteral("url"), m_receiver->url(path)},
                     {QStringLiteral("secret"), QStringLiteral("s3cret-for-the-test")}};
    if (include)
        push.insert(QStringLiteral("include"), QJsonArray{QStringLiteral("sender"), QStringLiteral("body")});
    return push;
}

double tst_RestPush::metric(const QByteArray &line)
{
    const Answer a = m_api->call("GET", QStringLiteral("/metrics"));
    for (const QByteArray &l : a.body.split('\n')) {
        if (l.startsWith(QByteArray(line + ' ')))
            return l.mid(line.size() + 1).toDouble();
    }
    return -1;
}

void tst_RestPush::vapidWithoutToken()
{
    // Created on the first start, private (0600), and served without a token.
    QVERIFY(QFile::exists(file(QStringLiteral("keys/vapid.pem"))));
    const QFile::Permissions mode = QFile::permissions(file(QStringLiteral("keys/vapid.pem")));
    QVERIFY(mode.testFlags(QFile::ReadOwner | QFile::WriteOwner));
    QVERIFY(!(mode & (QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther)));
    const Answer a = m_api->call("GET", QStringLiteral("/api/v1/vapid"));
    QCOMPARE(a.status, 200);
    const QString key = a.json.value(QStringLiteral("publicKey")).toString();
    const auto point = Push::fromBase64Url(key.toLatin1());
    QVERIFY(point);
    QCOMPARE(point->size(), 65);
    QCOMPARE(quint8(point->at(0)), quint8(0x04));
    QString error;
    const Push::Vapid onDisk = Push::Vapid::loadOrCreate(file(QStringLiteral("keys/vapid.pem")),
                                                         QStringLiteral("mailto:x@y"), &error);
    QVERIFY2(!onDisk.isNull(), qPrintable(error));
    QCOMPARE(key.toLatin1(), onDisk.publicKeyBase64Url());
    QCOMPARE(m_api->call("POST", QStringLiteral("/api/v1/vapid"), "{}").status, 405);
}

void tst_RestPush::refusedTargetsBeforeLogin()
{
    const double refusedBefore = metric("switchboard_push_refused_total{stage=\"target\"}");
    const double opened = metric("switchboard_sessions_opened_total{transport=\"rest\"}");
    const QList<QPair<QJsonValue, QString>> cases = {
        {QJsonObject{{QStringLiteral("type"), QStringLiteral("webhook")},
                     {QStringLiteral("url"), QStringLiteral("https://10.1.2.3/hook")},
                     {QStringLiteral("secret"), QStringLiteral("x")}},
         QStringLiteral("not a public address")},
        {QJsonObject{{QStringLiteral("type"), QStringLiteral("webhook")},
                     {QStringLiteral("url"), QStringLiteral("http://example.com/hook")},
                     {QStringLiteral("secret"), QStringLiteral("x")}},
         QStringLiteral("https")},
        // Allowed is 127.0.0.1 on any port, not the name: localhost is judged by what it resolves to.
        {QJsonObject{{QStringLiteral("type"), QStringLiteral("webhook")},
                     {QStringLiteral("url"), QStringLiteral("https://[::1]/hook")},
                     {QStringLiteral("secret"), QStringLiteral("x")}},
         QStringLiteral("not a public address")},
        {QJsonObject{{QStringLiteral("type"), QStringLiteral("webpush")},
                     {QStringLiteral("subscription"),
                      QJsonObject{{QStringLiteral("endpoint"), QStringLiteral("https://push.example.com/x")},
                                  {QStringLiteral("keys"),
                                   QJsonObject{{QStringLiteral("p256dh"), QStringLiteral("AAAA")},
                                               {QStringLiteral("auth"), QStringLiteral("AAAA")}}}}}},
         QStringLiteral("push.subscription.keys.p256dh")},
        {QJsonObject{{QStringLiteral("type"), QStringLiteral("carrier-pigeon")}},
         QStringLiteral("push.type")},
        {QJsonValue(QStringLiteral("https://example.com/")), QStringLiteral("object")},
    };
    for (const auto &[push, expected] : cases) {
        const Answer a =
            m_api->call("POST", QStringLiteral("/api/v1/sessions"),
                        toJson({{QStringLiteral("jid"), QStringLiteral("alice@localhost")},
                                {QStringLiteral("password"), m_prosody.password(QStringLiteral("alice"))},
                                {QStringLiteral("push"), push}}));
        QCOMPARE(a.status, 400);
        QCOMPARE(a.json.value(QStringLiteral("field")).toString(), QStringLiteral("push"));
        QVERIFY2(a.json.value(QStringLiteral("error")).toString().contains(expected), a.body.constData());
    }
    // A name is judged by the addresses it resolves to; one that resolves nowhere is refused, saying so.
    const Answer unresolvable = m_api->call(
        "POST", QStringLiteral("/api/v1/sessions"),
        toJson({{QStringLiteral("jid"), QStringLiteral("alice@localhost")},
                {QStringLiteral("password"), m_prosody.password(QStringLiteral("alice"))},
                {QStringLiteral("push"),
                 QJsonObject{{QStringLiteral("type"), QStringLiteral("webhook")},
                             {QStringLiteral("url"), QStringLiteral("https://no-such-host.invalid/hook")},
                             {QStringLiteral("secret"), QStringLiteral("x")}}}}));
    QCOMPARE(unresolvable.status, 400);
    QCOMPARE(unresolvable.json.value(QStringLiteral("field")).toString(), QStringLiteral("push"));
    QVERIFY2(unresolvable.json.value(QStringLiteral("error"))
                 .toString()
                 .startsWith(QStringLiteral("push.url: no-such-host.invalid c")),
             unresolvable.body.constData());
    // No login was tried, and every refusal is counted.
    QCOMPARE(metric("switchboard_sessions_opened_total{transport=\"rest\"}"), opened);
    QTRY_COMPARE(metric("switchboard_push_refused_total{stage=\"target\"}"),
                 refusedBefore + cases.size() + 1);
}

void tst_RestPush::webhookSignedAndCoalesced()
{
    const Session alice = login(QStringLiteral("alice"), webhook(QStringLiteral("/hook"), true));
    QVERIFY(!alice.id.isEmpty());
    const double delivered = metric("switchboard_push_delivered_total");
    // Three messages in quick succession: one push at once, the rest folded into one more at the end
    // of push_interval (or all into the first, when they were queued before it went out).
    for (int i = 1; i <= 3; ++i)
        QVERIFY(sendMessage(m_bob, QStringLiteral("alice@localhost"), QStringLiteral("message %1").arg(i)));
    QTRY_VERIFY_WITH_TIMEOUT(
        !m_receiver->requests.isEmpty() &&
            m_receiver->requests.constLast().json().value(QStringLiteral("body")).toString() ==
                QLatin1String("message 3"),
        (kInterval + 5) * 1000);
    const QList<Receiver::Request> pushes = m_receiver->requests;
    QVERIFY2(pushes.size() <= 2, qPrintable(QString::number(pushes.size())));
    if (pushes.size() == 2)
        QVERIFY2(pushes[1].at - pushes[0].at >= kInterval * 1000 - 250,
                 qPrintable(QString::number(pushes[1].at - pushes[0].at)));
    const qint64 lastSeq = lastMessageSeq(alice, 0);
    QVERIFY(lastSeq > 0);
    for (const Receiver::Request &r : pushes) {
        QCOMPARE(r.path(), QByteArray("/hook"));
        QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));
        // The signature: HMAC-SHA256 over timestamp "." body, and a timestamp close to now.
        const QByteArray timestamp = r.header("X-Switchboard-Timestamp");
        QVERIFY(qAbs(timestamp.toLongLong() - QDateTime::currentSecsSinceEpoch()) < 60);
        QCOMPARE(r.header("X-Switchboard-Signature"),
                 Push::Webhook::signature("s3cret-for-the-test", timestamp, r.body));
        QVERIFY(r.header("X-Switchboard-Signature") !=
                Push::Webhook::signature("another secret", timestamp, r.body));
        QCOMPARE(r.json().value(QStringLiteral("session")).toString(), alice.id);
        QCOMPARE(r.json().value(QStringLiteral("sender")).toString().section(QLatin1Char('/'), 0, 0),
                 QStringLiteral("bob@localhost"));
    }
    QCOMPARE(pushes.constLast().json().value(QStringLiteral("last_seq")).toInteger(), lastSeq);
    QVERIFY(pushes.constLast().json().value(QStringLiteral("pending")).toInteger() >= 3);
    QTRY_COMPARE(metric("switchboard_push_delivered_total"), delivered + pushes.size());

    // A poll acknowledges: the next message pushes at once, alone, without waiting for the interval.
    events(alice, lastSeq);
    QVERIFY(sendMessage(m_bob, QStringLiteral("alice@localhost"), QStringLiteral("later")));
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver->requests.size(), pushes.size() + 1, 5000);
    const QJsonObject later = m_receiver->requests.constLast().json();
    QCOMPARE(later.value(QStringLiteral("last_seq")).toInteger(), lastSeq + 1);
    QCOMPARE(later.value(QStringLiteral("pending")).toInteger(), 1);
    QCOMPARE(later.value(QStringLiteral("body")).toString(), QStringLiteral("later"));
    // At once: well before the interval that the last push started would have ended.
    const qint64 sooner = m_receiver->requests.constLast().at - pushes.constLast().at;
    QVERIFY2(sooner < kInterval * 1000 / 2, qPrintable(QString::number(sooner)));
}

void tst_RestPush::waitingPollTakesTheEvent()
{
    // Without "include", a push carries no content.
    const Session alice = login(QStringLiteral("alice"), webhook(QStringLiteral("/plain")));
    QVERIFY(!alice.id.isEmpty());
    const qint64 start = lastMessageSeq(alice, 0); // nothing yet
    QCOMPARE(start, 0);
    // A long poll is waiting: the message goes to it, not to the push.
    QNetworkAccessManager nam;
    QUrl url = m_server->boshUrl();
    url.setPath(alice.path(QStringLiteral("/events")));
    qint64 after = 0;
    {
        const Answer now = m_api->call("GET", alice.path(QStringLiteral("/events")), {}, alice.token);
        after = now.json.value(QStringLiteral("next")).toInteger();
    }
    url.setQuery(QStringLiteral("after=%1&wait=20").arg(after));
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + alice.token);
    QNetworkReply *poll = nam.get(request);
    QSignalSpy sent(poll, &QNetworkReply::requestSent);
    // The poll's request is on the wire; one more round trip to the server (same thread, same event
    // loop) lets it read it before the message is sent.
    QVERIFY(sent.wait(5000));
    events(m_bob, 0);
    QVERIFY(sendMessage(m_bob, QStringLiteral("alice@localhost"), QStringLiteral("taken")));
    // It may have been answered already, while the message call ran.
    QTRY_VERIFY_WITH_TIMEOUT(poll->isFinished(), 20000);
    const QJsonArray got =
        QJsonDocument::fromJson(poll->readAll()).object().value(QStringLiteral("events")).toArray();
    poll->deleteLater();
    QVERIFY(!got.isEmpty());
    const qint64 takenSeq = got.last().toObject().value(QStringLiteral("seq")).toInteger();
    // Nobody waits now (and nothing was acknowledged past the taken message): the next message pushes,
    // and it is the first push this session sent.
    QVERIFY(sendMessage(m_bob, QStringLiteral("alice@localhost"), QStringLiteral("pushed")));
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver->requests.size(), 1, 5000);
    const QJsonObject push = m_receiver->requests.constFirst().json();
    QVERIFY(push.value(QStringLiteral("last_seq")).toInteger() > takenSeq);
    QCOMPARE(push.value(QStringLiteral("session")).toString(), alice.id);
    QVERIFY(!push.contains(QStringLiteral("body")));
    QVERIFY(!push.contains(QStringLiteral("sender")));
    QCOMPARE(QStringList(push.keys()),
             QStringList({QStringLiteral("last_seq"), QStringLiteral("pending"), QStringLiteral("session")}));
}

void tst_RestPush::eventStreamTakesTheEvent()
{
    const Session alice = login(QStringLiteral("alice"), webhook(QStringLiteral("/sse")));
    QVERIFY(!alice.id.isEmpty());
    const int connections = m_server->connectionCount();
    // An open Server-Sent Events stream is a waiting reader: what it carries is not pushed.
    auto nam = std::make_unique<QNetworkAccessManager>();
    QUrl url = m_server->boshUrl();
    url.setPath(alice.path(QStringLiteral("/events")));
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + alice.token);
    request.setRawHeader("Accept", "text/event-stream");
    QNetworkReply *stream = nam->get(request);
    QByteArray streamed;
    connect(stream, &QIODevice::readyRead, this, [&streamed, stream] { streamed += stream->readAll(); });
    QTRY_VERIFY(stream->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200);
    QVERIFY(sendMessage(m_bob, QStringLiteral("alice@localhost"), QStringLiteral("streamed")));
    QTRY_VERIFY_WITH_TIMEOUT(streamed.contains("\"body\":\"streamed\""), 10000);
    // The stream goes (and the server sees its connection close): the next message pushes, and it is
    // the first push of this session.
    stream->abort();
    stream->deleteLater();
    nam.reset();
    QTRY_VERIFY(m_server->connectionCount() <= connections);
    QVERIFY(sendMessage(m_bob, QStringLiteral("alice@localhost"), QStringLiteral("pushed")));
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver->requests.size(), 1, 5000);
    const qint64 lastSeq = lastMessageSeq(alice, 0);
    QCOMPARE(m_receiver->requests[0].json().value(QStringLiteral("last_seq")).toInteger(), lastSeq);
    // Unacknowledged by the stream: both messages wait.
    QCOMPARE(m_receiver->requests[0].json().value(QStringLiteral("pending")).toInteger(), 2);
}

void tst_RestPush::putAndDeletePush()
{
    const Session alice = login(QStringLiteral("alice"));
    QVERIFY(!alice.id.isEmpty());
    // Errors first: token, method, body, a refused target.
    QCOMPARE(
        m_api->call("PUT", alice.path(QStringLiteral("/push")), toJson(webhook(QStringLiteral("/a")))).status,
        401);
    const Answer get = m_api->call("GET", alice.path(QStringLiteral("/push")), {}, alice.token);
    QCOMPARE(get.status, 405);
    QCOMPARE(get.header("Allow"), QByteArray("PUT, DELETE"));
    const Answer bad = m_api->call("PUT", alice.path(QStringLiteral("/push")), "{nope", alice.token);
    QCOMPARE(bad.status, 400);
    const Answer refused =
        m_api->call("PUT", alice.path(QStringLiteral("/push")),
                    toJson({{QStringLiteral("type"), QStringLiteral("webhook")},
                            {QStringLiteral("url"), QStringLiteral("https://192.168.1.1/hook")},
                            {QStringLiteral("secret"), QStringLiteral("x")}}),
                    alice.token);
    QCOMPARE(refused.status, 400);
    QCOMPARE(refused.json.value(QStringLiteral("field")).toString(), QStringLiteral("push"));
    QVERIFY2(refused.json.value(QStringLiteral("error")).toString().startsWith(QStringLiteral("push.url: ")),
             refused.body.constData());
    QCOMPARE(m_api
                 ->call("PUT", QStringLiteral("/api/v1/sessions/nope/push"),
                        toJson(webhook(QStringLiteral("/a"))), alice.token)
                 .status,
             404);

    // Set: a message pushes.
    QCOMPARE(m_api
                 ->call("PUT", alice.path(QStringLiteral("/push")), toJson(webhook(QStringLiteral("/first"))),
                        alice.token)
                 .status,
             204);
    QVERIFY(sendMessage(m_bob, QStringLiteral("alice@localhost"), QStringLiteral("one")));
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver->requests.size(), 1, 5000);
    QCOMPARE(m_receiver->requests[0].path(), QByteArray("/first"));
    const qint64 first = lastMessageSeq(alice, 0);
    events(alice, first); // acknowledged

    // Deleted: the next message pushes nothing.
    QCOMPARE(m_api->call("DELETE", alice.path(QStringLiteral("/push")), {}, alice.token).status, 204);
    QVERIFY(sendMessage(m_bob, QStringLiteral("alice@localhost"), QStringLiteral("two")));
    QTRY_COMPARE(lastMessageSeq(alice, first), first + 1); // it arrived

    // Replaced by another URL: only what arrives from now on pushes, to the new URL, and the push
    // counts both unread messages.
    QCOMPARE(m_api
                 ->call("PUT", alice.path(QStringLiteral("/push")),
                        toJson(webhook(QStringLiteral("/second"))), alice.token)
                 .status,
             204);
    QVERIFY(sendMessage(m_bob, QStringLiteral("alice@localhost"), QStringLiteral("three")));
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver->requests.size(), 2, 5000);
    QCOMPARE(m_receiver->requests[1].path(), QByteArray("/second"));
    QCOMPARE(m_receiver->requests[1].json().value(QStringLiteral("last_seq")).toInteger(), first + 2);
    QCOMPARE(m_receiver->requests[1].json().value(QStringLiteral("pending")).toInteger(), 2);
}

void tst_RestPush::backoffOn5xxThenDisabled()
{
    const double retries = metric("switchboard_push_retries_total");
    const double failures = metric("switchboard_push_failures_total");
    const double disabled = metric("switchboard_push_disabled_total");
    m_receiver->statuses = {503, 201};
    const Session alice = login(QStringLiteral("alice"), webhook(QStringLiteral("/flaky")));
    QVERIFY(!alice.id.isEmpty());
    QVERIFY(sendMessage(m_bob, QStringLiteral("alice@localhost"), QStringLiteral("retry me")));
    // The 503 is retried after the backoff (2 s base: between 1 and 2 s), with the same notice.
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver->requests.size(), 2, 10000);
    const qint64 gap = m_receiver->requests[1].at - m_receiver->requests[0].at;
    QVERIFY2(gap >= 900, qPrintable(QString::number(gap)));
    QCOMPARE(m_receiver->requests[1].json().value(QStringLiteral("last_seq")),
             m_receiver->requests[0].json().value(QStringLiteral("last_seq")));
    QTRY_COMPARE(metric("switchboard_push_retries_total"), retries + 1);
    QTRY_COMPARE(metric("switchboard_push_failures_total"), failures + 1);

    // push_max_failures (2 here) failures in a row disable the target: counted, no third attempt.
    const qint64 seq = lastMessageSeq(alice, 0);
    events(alice, seq);
    m_receiver->statuses = {500, 500};
    QVERIFY(sendMessage(m_bob, QStringLiteral("alice@localhost"), QStringLiteral("fail twice")));
    QTRY_COMPARE_WITH_TIMEOUT(metric("switchboard_push_disabled_total"), disabled + 1, 10000);
    QCOMPARE(m_receiver->requests.size(), 4);
    const QJsonObject status =
        QJsonDocument::fromJson(m_api->call("GET", QStringLiteral("/status.json")).body)
            .object()
            .value(QStringLiteral("counters"))
            .toObject()
            .value(QStringLiteral("push"))
            .toObject();
    QCOMPARE(status.value(QStringLiteral("disabled")).toInteger(), qint64(disabled + 1));
    // Setting the target again enables it.
    QCOMPARE(m_api
                 ->call("PUT", alice.path(QStringLiteral("/push")), toJson(webhook(QStringLiteral("/again"))),
                        alice.token)
                 .status,
             204);
    QVERIFY(sendMessage(m_bob, QStringLiteral("alice@localhost"), QStringLiteral("again")));
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver->requests.size(), 5, 5000);
    QCOMPARE(m_receiver->requests[4].path(), QByteArray("/again"));
}

void tst_RestPush::goneSubscriptionDropped()
{
    const double gone = metric("switchboard_push_gone_total");
    const Push::EcKey userAgent = Push::EcKey::generate();
    const QJsonObject subscription{
        {QStringLiteral("endpoint"), m_receiver->url(QStringLiteral("/wp/subscription-1"))},
        {QStringLiteral("keys"),
         QJsonObject{
             {QStringLiteral("p256dh"), QString::fromLatin1(Push::base64Url(userAgent.publicPoint()))},
             {QStringLiteral("auth"), QString::fromLatin1(Push::base64Url(QByteArray(16, '\x07')))}}}};
    m_receiver->statuses = {410};
    const Session alice = login(QStringLiteral("alice"), {{QStringLiteral("type"), QStringLiteral("webpush")},
                                                          {QStringLiteral("subscription"), subscription}});
    QVERIFY(!alice.id.isEmpty());
    QVERIFY(sendMessage(m_bob, QStringLiteral("alice@localhost"), QStringLiteral("to a gone subscription")));
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver->requests.size(), 1, 5000);
    const Receiver::Request &r = m_receiver->requests[0];
    QCOMPARE(r.path(), QByteArray("/wp/subscription-1"));
    QCOMPARE(r.header("Content-Encoding"), QByteArray("aes128gcm"));
    QVERIFY(r.header("Authorization").startsWith("vapid t="));
    QTRY_COMPARE(metric("switchboard_push_gone_total"), gone + 1);
    // Dropped: the next message does not push; a webhook set afterwards gets the one after.
    const qint64 seq = lastMessageSeq(alice, 0);
    events(alice, seq);
    QVERIFY(sendMessage(m_bob, QStringLiteral("alice@localhost"), QStringLiteral("nobody told")));
    QTRY_COMPARE(lastMessageSeq(alice, seq), seq + 1);
    QCOMPARE(m_api
                 ->call("PUT", alice.path(QStringLiteral("/push")), toJson(webhook(QStringLiteral("/hook"))),
                        alice.token)
                 .status,
             204);
    QVERIFY(sendMessage(m_bob, QStringLiteral("alice@localhost"), QStringLiteral("told")));
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver->requests.size(), 2, 5000);
    QCOMPARE(m_receiver->requests[1].path(), QByteArray("/hook"));
    QCOMPARE(m_receiver->requests[1].json().value(QStringLiteral("last_seq")).toInteger(), seq + 2);
}

void tst_RestPush::corsPreflightAllowsPutDelete()
{
    const Answer a =
        m_api->call("OPTIONS", QStringLiteral("/api/v1/sessions/abc/push"), {}, {}, "application/json",
                    {{"Origin", "https://app.example.com"},
                     {"Access-Control-Request-Method", "PUT"},
                     {"Access-Control-Request-Headers", "authorization, content-type"}});
    QCOMPARE(a.status, 204);
    const QByteArray methods = a.header("Access-Control-Allow-Methods");
    for (const QByteArray method : {"GET", "POST", "PUT", "DELETE"})
        QVERIFY2(methods.split(',').contains(" " + method) || methods.startsWith(method),
                 methods.constData());
    const QByteArray headers = a.header("Access-Control-Allow-Headers").toLower();
    QVERIFY2(headers.contains("authorization") && headers.contains("content-type"), headers.constData());
    QVERIFY(!a.header("Access-Control-Allow-Origin").isEmpty());
    // The BOSH path keeps its methods.
    const Answer bosh =
        m_api->call("OPTIONS", m_server->boshUrl().path(), {}, {}, "application/json",
                    {{"Origin", "https://app.example.com"}, {"Access-Control-Request-Method", "POST"}});
    QCOMPARE(bosh.status, 204);
    QCOMPARE(bosh.header("Access-Control-Allow-Methods"), QByteArray("GET, POST, OPTIONS"));
}

void tst_RestPush::sessionEndStopsPushes()
{
    const Session ended = login(QStringLiteral("alice"), webhook(QStringLiteral("/ended")));
    QVERIFY(!ended.id.isEmpty());
    const Session alive = login(QStringLiteral("alice"), webhook(QStringLiteral("/alive")));
    QVERIFY(!alive.id.isEmpty());
    QCOMPARE(m_api->call("DELETE", ended.path(), {}, ended.token).status, 204);
    // Messages to both resources of alice: only the live session pushes. The second push is sent
    // after the first was acknowledged, so by then a push of the ended session would have arrived too.
    QVERIFY(sendMessage(m_bob, QStringLiteral("alice@localhost"), QStringLiteral("after the end")));
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver->requests.size(), 1, 5000);
    events(alive, lastMessageSeq(alive, 0));
    QVERIFY(sendMessage(m_bob, QStringLiteral("alice@localhost"), QStringLiteral("again")));
    QTRY_COMPARE_WITH_TIMEOUT(m_receiver->requests.size(), 2, 5000);
    for (const Receiver::Request &r : std::as_const(m_receiver->requests))
        QCOMPARE(r.path(), QByteArray("/alive"));
}

void tst_RestPush::targetSurvivesRestart()
{
    const Session alice = login(QStringLiteral("alice"), webhook(QStringLiteral("/kept"), true));
    QVERIFY(!alice.id.isEmpty());
    // A graceful stop keeps the sessions, their push target with them (the store file is 0600).
    QSignalSpy finished(m_server.get(), &Server::shutdownFinished);
    m_server->shutdown();
    QVERIFY(finished.wait(20000));
    m_server.reset();
    startServer();
    QVERIFY(m_server);
    // Both sessions log in again; bob's message calls answer 503 until his has.
    QTRY_VERIFY_WITH_TIMEOUT(
        sendMessage(m_bob, QStringLiteral("alice@localhost"), QStringLiteral("after restart")), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(!m_receiver->requests.isEmpty(), 10000);
    const Receiver::Request &push = m_receiver->requests.constFirst();
    QCOMPARE(push.path(), QByteArray("/kept"));
    QCOMPARE(push.json().value(QStringLiteral("session")).toString(), alice.id);
    QCOMPARE(push.json().value(QStringLiteral("body")).toString(), QStringLiteral("after restart"));
    QCOMPARE(
        push.header("X-Switchboard-Signature"),
        Push::Webhook::signature("s3cret-for-the-test", push.header("X-Switchboard-Timestamp"), push.body));
}

SWITCHBOARD_TEST_MAIN(tst_RestPush)
#include "tst_rest_push.moc"
