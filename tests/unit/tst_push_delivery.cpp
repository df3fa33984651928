// SPDX-License-Identifier: GPL-3.0-or-later
// Push delivery over real HTTPS on loopback: a receiver with a certificate from a test CA (given as the
// extra CA, like ca_file) gets a Web Push request it can decrypt and a 201 counts as delivered; a 503 is
// retried; a 410 drops the subscription; a webhook carries a valid signature; loopback is refused
// unless push_allowed_hosts names the host (and then nothing reaches the receiver); a certificate from
// an unknown CA fails; a receiver that never answers runs into the time limit.
#include "push/ece.h"
#include "push/httpspushtransport.h"
#include "push/pushdispatcher.h"
#include "testpki.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QSslKey>
#include <QSslServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Switchboard::Push;
using namespace std::chrono_literals;

namespace {

/// A minimal HTTPS receiver: reads one request (head and Content-Length body), answers with the next
/// status of `statuses` (0: never answers), closes.
class Receiver : public QObject
{
public:
    struct Request
    {
        QByteArray head;
        QByteArray body;
        QByteArray header(const QByteArray &name) const
        {
            for (const QByteArray &line : head.split('\n')) {
                const qsizetype colon = line.indexOf(':');
                if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                    return line.mid(colon + 1).trimmed();
            }
            return {};
        }
    };

    bool listen(const QSslCertificate &cert, const QSslKey &key)
    {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setLocalCertificate(cert);
        tls.setPrivateKey(key);
        m_server.setSslConfiguration(tls);
        connect(&m_server, &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                ++connections;
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

    QList<int> statuses;
    QList<Request> requests;
    int connections = 0;

private:
    void read(QTcpSocket *socket, QByteArray *buffer)
    {
        *buffer += socket->readAll();
        const qsizetype end = buffer->indexOf("\r\n\r\n");
        if (end < 0)
            return;
        Request request{buffer->left(end), {}};
        const qsizetype length = request.header("Content-Length").toLongLong();
        if (buffer->size() < end + 4 + length)
            return;
        request.body = buffer->mid(end + 4, length);
        buffer->clear();
        requests.append(request);
        const int status = statuses.isEmpty() ? 201 : statuses.takeFirst();
        if (status == 0)
            return; // never answers
        // 100: an interim response first (RFC 9110 §15.2.1), then the next status.
        if (status == 100)
            socket->write("HTTP/1.1 100 Continue\r\n\r\n");
        const int final = status == 100 ? (statuses.isEmpty() ? 201 : statuses.takeFirst()) : status;
        socket->write("HTTP/1.1 " + QByteArray::number(final) +
                      " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        socket->disconnectFromHost();
    }

    QSslServer m_server;
};

} // namespace

class tst_PushDelivery : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void webPushDeliveredAndDecryptable();
    void retriedOn503();
    void interimResponseSkipped();
    void droppedOn410();
    void webhookSigned();
    void loopbackRefusedUnlessAllowed();
    void unknownCaFails();
    void silentReceiverTimesOut();

private:
    QString file(const QString &name) const { return m_dir.filePath(name); }
    void make(const QStringList &allowed, bool trustCa, std::chrono::milliseconds timeout = 5s);
    PushTarget webPushTarget(const QString &host = QStringLiteral("localhost")) const;

    QTemporaryDir m_dir;
    QSslCertificate m_ca;
    QSslCertificate m_cert;
    QSslKey m_key;
    EcKey m_userAgent = EcKey::generate();
    QByteArray m_auth = QByteArray::fromHex("0102030405060708090a0b0c0d0e0f10");
    Vapid m_vapid{EcKey::generate(), QStringLiteral("mailto:ops@example.com")};
    std::unique_ptr<Receiver> m_receiver;
    std::unique_ptr<HttpsPushTransport> m_transport;
    std::unique_ptr<PushDispatcher> m_dispatcher;
};

void tst_PushDelivery::initTestCase()
{
    // A test CA and a server certificate it signed for localhost and 127.0.0.1.
    Switchboard::Test::TestPki pki;
    QVERIFY(pki.make(m_dir.path(), QStringLiteral("server"), QStringLiteral("localhost"),
                     QStringLiteral("DNS:localhost,IP:127.0.0.1"),
                     QStringLiteral("Switchboard push test CA")));
    m_ca = pki.ca;
    m_cert = pki.certificate;
    m_key = pki.key;
}

void tst_PushDelivery::init()
{
    m_receiver = std::make_unique<Receiver>();
    QVERIFY(m_receiver->listen(m_cert, m_key));
}

void tst_PushDelivery::cleanup()
{
    m_dispatcher.reset();
    m_transport.reset();
    m_receiver.reset();
}

void tst_PushDelivery::make(const QStringList &allowed, bool trustCa, std::chrono::milliseconds timeout)
{
    TargetPolicy policy;
    QVERIFY(policy.setAllowedHosts(allowed));
    m_transport = std::make_unique<HttpsPushTransport>(
        policy, trustCa ? QList<QSslCertificate>{m_ca} : QList<QSslCertificate>{}, timeout);
    PushDispatcher::Settings settings;
    settings.interval = 30s;
    settings.maxFailures = 3;
    settings.backoffBase = 20ms;
    settings.backoffMax = 100ms;
    m_dispatcher = std::make_unique<PushDispatcher>(m_transport.get(), &m_vapid, settings);
}

PushTarget tst_PushDelivery::webPushTarget(const QString &host) const
{
    PushTarget target;
    target.kind = PushTarget::Kind::WebPush;
    target.url = QUrl(QStringLiteral("https://%1:%2/push/abc?x=1").arg(host).arg(m_receiver->port()));
    target.p256dh = m_userAgent.publicPoint();
    target.auth = m_auth;
    return target;
}

void tst_PushDelivery::webPushDeliveredAndDecryptable()
{
    make({QStringLiteral("localhost")}, true);
    QSignalSpy delivered(m_dispatcher.get(), &PushDispatcher::delivered);
    m_dispatcher->setTarget(QStringLiteral("s1"), webPushTarget());
    m_dispatcher->notify(QStringLiteral("s1"), {QStringLiteral("s1"), 2, 9, {}, {}});
    QVERIFY(delivered.wait());
    QCOMPARE(delivered.at(0).at(1).toInt(), 201);
    QCOMPARE(m_receiver->requests.size(), 1);
    const Receiver::Request request = m_receiver->requests.at(0);
    QVERIFY(request.head.startsWith("POST /push/abc?x=1 HTTP/1.1\r\n"));
    QCOMPARE(request.header("Host"), QByteArray("localhost:" + QByteArray::number(m_receiver->port())));
    QCOMPARE(request.header("Content-Encoding"), QByteArray("aes128gcm"));
    QCOMPARE(request.header("TTL"), QByteArray("3600"));
    QVERIFY(request.header("Authorization").startsWith("vapid t="));
    // The receiver's side of RFC 8291 §3.4.
    const QByteArray senderPublic = request.body.mid(21, 65);
    QByteArray keyInfo("WebPush: info\0", 14);
    keyInfo += m_userAgent.publicPoint() + senderPublic;
    const QByteArray ikm =
        Ece::hkdfSha256(m_auth, m_userAgent.sharedSecret(EcKey::fromPublicPoint(senderPublic)), keyInfo, 32);
    const auto plaintext = Ece::decrypt(request.body, ikm);
    QVERIFY(plaintext);
    QCOMPARE(*plaintext, QByteArray(R"({"last_seq":9,"pending":2,"session":"s1"})"));
    QCOMPARE(m_dispatcher->counters().delivered, 1u);
    QCOMPARE(m_transport->pending(), 0);
}

void tst_PushDelivery::retriedOn503()
{
    make({QStringLiteral("localhost")}, true);
    m_receiver->statuses = {503, 201};
    QSignalSpy delivered(m_dispatcher.get(), &PushDispatcher::delivered);
    m_dispatcher->setTarget(QStringLiteral("s1"), webPushTarget());
    m_dispatcher->notify(QStringLiteral("s1"), {QStringLiteral("s1"), 1, 1, {}, {}});
    QVERIFY(delivered.wait());
    QCOMPARE(m_receiver->requests.size(), 2);
    QCOMPARE(m_dispatcher->counters().retries, 1u);
    QCOMPARE(m_dispatcher->counters().delivered, 1u);
}

void tst_PushDelivery::interimResponseSkipped()
{
    make({QStringLiteral("localhost")}, true);
    m_receiver->statuses = {100, 202};
    QSignalSpy delivered(m_dispatcher.get(), &PushDispatcher::delivered);
    m_dispatcher->setTarget(QStringLiteral("s1"), webPushTarget());
    m_dispatcher->notify(QStringLiteral("s1"), {QStringLiteral("s1"), 1, 1, {}, {}});
    QVERIFY(delivered.wait());
    QCOMPARE(delivered.at(0).at(1).toInt(), 202);
}

void tst_PushDelivery::droppedOn410()
{
    make({QStringLiteral("localhost")}, true);
    m_receiver->statuses = {410};
    QSignalSpy gone(m_dispatcher.get(), &PushDispatcher::subscriptionGone);
    m_dispatcher->setTarget(QStringLiteral("s1"), webPushTarget());
    m_dispatcher->notify(QStringLiteral("s1"), {QStringLiteral("s1"), 1, 1, {}, {}});
    QVERIFY(gone.wait());
    QVERIFY(!m_dispatcher->hasTarget(QStringLiteral("s1")));
    QCOMPARE(m_receiver->requests.size(), 1);
}

void tst_PushDelivery::webhookSigned()
{
    make({QStringLiteral("127.0.0.1")}, true);
    PushTarget target;
    target.kind = PushTarget::Kind::Webhook;
    target.url = QUrl(QStringLiteral("https://127.0.0.1:%1/hook").arg(m_receiver->port()));
    target.secret = "hook-secret";
    QSignalSpy delivered(m_dispatcher.get(), &PushDispatcher::delivered);
    m_dispatcher->setTarget(QStringLiteral("s1"), target);
    m_dispatcher->notify(QStringLiteral("s1"), {QStringLiteral("s1"), 1, 5, {}, {}});
    QVERIFY(delivered.wait());
    const Receiver::Request request = m_receiver->requests.at(0);
    QCOMPARE(request.body, QByteArray(R"({"last_seq":5,"pending":1,"session":"s1"})"));
    QCOMPARE(request.header("X-Switchboard-Signature"),
             Webhook::signature("hook-secret", request.header("X-Switchboard-Timestamp"), request.body));
}

void tst_PushDelivery::loopbackRefusedUnlessAllowed()
{
    // localhost resolves to loopback only: refused after resolution, nothing connects.
    make({QStringLiteral("push.example.com")}, true);
    QSignalSpy disabled(m_dispatcher.get(), &PushDispatcher::targetDisabled);
    m_dispatcher->setTarget(QStringLiteral("s1"), webPushTarget());
    for (int i = 0; i < 3; ++i) {
        m_dispatcher->notify(QStringLiteral("s1"), {QStringLiteral("s1"), 1, i, {}, {}});
        QTRY_COMPARE(m_dispatcher->counters().refused, quint64(i + 1));
    }
    QTRY_COMPARE(disabled.size(), 1);
    QCOMPARE(m_dispatcher->counters().retries, 0u);
    QCOMPARE(m_receiver->connections, 0);
    // Another port than the allowed one is refused too.
    make({QStringLiteral("localhost:1")}, true);
    m_dispatcher->setTarget(QStringLiteral("s1"), webPushTarget());
    m_dispatcher->notify(QStringLiteral("s1"), {QStringLiteral("s1"), 1, 1, {}, {}});
    QTRY_COMPARE(m_dispatcher->counters().refused, 1u);
    QCOMPARE(m_receiver->connections, 0);
}

void tst_PushDelivery::unknownCaFails()
{
    make({QStringLiteral("localhost")}, false);
    QSignalSpy disabled(m_dispatcher.get(), &PushDispatcher::targetDisabled);
    m_dispatcher->setTarget(QStringLiteral("s1"), webPushTarget());
    m_dispatcher->notify(QStringLiteral("s1"), {QStringLiteral("s1"), 1, 1, {}, {}});
    QVERIFY(disabled.wait());
    QCOMPARE(m_dispatcher->counters().delivered, 0u);
    QVERIFY(m_receiver->requests.isEmpty()); // the handshake failed: no request was written
}

void tst_PushDelivery::silentReceiverTimesOut()
{
    make({QStringLiteral("localhost")}, true, 300ms);
    m_receiver->statuses = {0, 201};
    QSignalSpy delivered(m_dispatcher.get(), &PushDispatcher::delivered);
    m_dispatcher->setTarget(QStringLiteral("s1"), webPushTarget());
    m_dispatcher->notify(QStringLiteral("s1"), {QStringLiteral("s1"), 1, 1, {}, {}});
    QVERIFY(delivered.wait());
    QCOMPARE(m_receiver->requests.size(), 2);
    QCOMPARE(m_dispatcher->counters().failures, 1u);
    QCOMPARE(m_dispatcher->counters().retries, 1u);
}

QTEST_GUILESS_MAIN(tst_PushDelivery)
#include "tst_push_delivery.moc"
