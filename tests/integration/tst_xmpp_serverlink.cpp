// SPDX-License-Identifier: GPL-3.0-or-later
// Proves the backend link (RFC 6120: resolution, STARTTLS, allowlist, incremental parsing; XEP-0206 §6):
// against a real Prosody it opens a stream, hands the features up, carries SASL, restarts (RFC 6120 §6.4.6),
// binds and passes stanzas both ways; a scripted fake server covers the faults: stream errors, broken XML,
// missing or failed TLS, stalls, lost TCP.
#include "base/plainsocket.h"
#include "prosodyfixture.h"
#include "testclient.h"
#include "testmain.h"
#include "xmpp/resolver.h"
#include "xmpp/serverlink.h"

#include <QAbstractEventDispatcher>
#include <QElapsedTimer>
#include <QPointer>
#include <QProcess>
#include <QSignalSpy>
#include <QSslKey>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <sys/socket.h>

using namespace Switchboard;
using Switchboard::Xmpp::LinkFailure;
using Switchboard::Xmpp::Resolver;
using Switchboard::Xmpp::ServerLink;
using Switchboard::Xmpp::StreamHeader;

namespace {

const QByteArray kServerHeader = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                                 "xmlns:stream='http://etherx.jabber.org/streams' id='fake1' "
                                 "from='fake.test' version='1.0'>";
const QByteArray kPlainFeatures = "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                                  "<mechanism>PLAIN</mechanism></mechanisms></stream:features>";
const QByteArray kTlsFeatures = "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
                                "</stream:features>";

/// A scripted XMPP server: for each connection, `script` is called whenever bytes arrive, with all the
/// input of the current stream so far; it answers by writing to the socket.
class FakeServer : public QTcpServer
{
public:
    using Script = std::function<void(QSslSocket *socket, QByteArray &input)>;
    explicit FakeServer(Script script) : m_script(std::move(script)) { listen(QHostAddress::LocalHost, 0); }
    QByteArray allInput;
    QPointer<QSslSocket> last;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QSslSocket(this);
        socket->setSocketDescriptor(descriptor);
        last = socket;
        auto input = std::make_shared<QByteArray>();
        connect(socket, &QIODevice::readyRead, this, [this, socket, input] {
            const QByteArray data = socket->readAll();
            allInput += data;
            *input += data;
            m_script(socket, *input);
        });
    }

private:
    Script m_script;
};

bool hasHeader(const QByteArray &input)
{
    const qsizetype at = input.indexOf("<stream:stream");
    return at >= 0 && input.indexOf('>', at) > at;
}

/// A server that answers each stream header with its own and features that offer no TLS, and nothing
/// else.
FakeServer::Script answeringHeaders()
{
    return [](QSslSocket *s, QByteArray &input) {
        if (hasHeader(input)) {
            input.clear();
            s->write(kServerHeader + kPlainFeatures);
        }
    };
}

/// A server that answers each stream header with features that offer no TLS, and a <presence/> with
/// `reply`.
FakeServer::Script answeringPresenceWith(const QByteArray &reply)
{
    return [open = answeringHeaders(), reply](QSslSocket *s, QByteArray &input) {
        open(s, input); // a header is answered and taken from the input
        if (input.contains("<presence")) {
            input.clear();
            s->write(reply);
        }
    };
}

Config fakeConfig(quint16 port, bool noTls = true)
{
    Config config;
    config.workers = 1; // one event loop: this test is not about threads
    config.routes = {Route{QStringLiteral("fake.test"), QStringLiteral("127.0.0.1"), port}};
    if (noTls)
        config.noTlsDomains = {QStringLiteral("fake.test")};
    config.connectTimeout = 5;
    return config;
}

ServerLink::Params params(const QString &domain)
{
    ServerLink::Params p;
    p.domain = domain;
    return p;
}

/// Waits for the element after `from` in the spy that satisfies `predicate`.
QByteArray waitForElement(QSignalSpy &spy, const std::function<bool(const QByteArray &)> &predicate,
                          int timeoutMs = 10000)
{
    QByteArray found;
    (void)QTest::qWaitFor(
        [&] {
            for (const QList<QVariant> &args : std::as_const(spy)) {
                const QByteArray xml = args.at(0).toByteArray();
                if (predicate(xml)) {
                    found = xml;
                    return true;
                }
            }
            return false;
        },
        timeoutMs);
    return found;
}

/// Writes what a ServerLink::Listener hears, and the link's signals, into one log.
struct RecordingListener final : ServerLink::Listener
{
    QStringList log;
    void linkOpened(const StreamHeader &header) override { log.append(u"listener opened " + header.from); }
    void linkElement(const QByteArray &xml) override
    {
        log.append(u"listener element " + QString::fromUtf8(xml.left(16)));
    }
    void linkClosed() override { log.append(QStringLiteral("listener closed")); }
    void linkFailed(LinkFailure, const QByteArray &, const QString &reason) override
    {
        log.append(u"listener failed " + reason);
    }
    void watch(ServerLink &link)
    {
        link.setListener(this);
        QObject::connect(&link, &ServerLink::streamOpened, &link,
                         [this](const StreamHeader &header) { log.append(u"signal opened " + header.from); });
        QObject::connect(&link, &ServerLink::elementReceived, &link, [this](const QByteArray &xml) {
            log.append(u"signal element " + QString::fromUtf8(xml.left(16)));
        });
        QObject::connect(&link, &ServerLink::streamClosed, &link,
                         [this] { log.append(QStringLiteral("signal closed")); });
        QObject::connect(&link, &ServerLink::failed, &link,
                         [this](LinkFailure, const QByteArray &, const QString &reason) {
                             log.append(u"signal failed " + reason);
                         });
    }
};

quint16 closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort();
}

/// Stops `socket` (a server side of the fake) from reading, so that what the link writes piles up in the
/// kernel and then in the link's own socket.
void stopReading(FakeServer &server, QSslSocket *socket)
{
    QObject::disconnect(socket, &QIODevice::readyRead, &server, nullptr);
    socket->setReadBufferSize(1);
}

} // namespace

class tst_XmppServerLink : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void prosodyLoginRestartBindAndChat();
    void sendBeforeOpenIsQueued();
    void prosodyClosesStream();
    void connectionRefused();
    void clientRouteIsUsedAlone();
    void hostNotAllowed();
    void routeOverridesDns();
    void hostNameRouteIsLookedUp();
    void unresolvableHostFails();
    void unreachableAddressEndsAtTheDeadline();

    void streamErrorFromServer();
    void failedLinkLeavesNoTimerBehind();
    void failedLinkWithOutputWaitingGoesAtTheGrace();
    void brokenXmlFromServer();
    void oversizedStanzaFromServer();
    void plainLinkCarriesNoTlsSocket();
    void noTlsOffered();
    void startTlsRefused();
    void startTlsWithUntrustedCertificate();
    void startTlsWithTrustedCertificate();
    void stallTimesOut();
    void tcpCloseWithoutStreamEnd();
    void tcpCloseAfterTlsWithoutStreamEnd();
    void largeStanzasArriveWholeAndInOrder();
    void closeWhileOutputWaitsIsDetected();
    void closeSendsStreamEnd();
    void retiredLinkGoesOnceClosed();
    void retireAfterServerReset();
    void listenerHearsBeforeEachSignal();

private:
    bool makeCertificate();
    ProsodyFixture m_prosody;
    QTemporaryDir m_certDir;
    QString m_certFile;
    QString m_keyFile;
};

void tst_XmppServerLink::initTestCase()
{
    QVERIFY2(m_prosody.start(), qPrintable(m_prosody.log()));
}

void tst_XmppServerLink::cleanupTestCase()
{
    m_prosody.stop();
}

void tst_XmppServerLink::init()
{
    // Qt warns so when an unbuffered socket with an open descriptor is asked bytesAvailable() while
    // unconnected, as QSslSocket asks its plain socket after a connect of its own failed. Links connect
    // on PlainSocket and give a QSslSocket only a connected descriptor, so no link ever makes it.
    QTest::failOnWarning(
        "QNativeSocketEngine::bytesAvailable() was called in QAbstractSocket::UnconnectedState");
}

void tst_XmppServerLink::prosodyLoginRestartBindAndChat()
{
    const Config config = m_prosody.backendConfig();
    Resolver resolver(config);
    ServerLink link(config, &resolver);
    QSignalSpy opened(&link, &ServerLink::streamOpened);
    QSignalSpy elements(&link, &ServerLink::elementReceived);
    QSignalSpy failed(&link, &ServerLink::failed);

    link.open(params(m_prosody.domain()));
    QVERIFY(opened.wait(10000));
    QCOMPARE(failed.size(), 0);
    QVERIFY(link.isOpen());
    QVERIFY(!link.isEncrypted()); // the test Prosody runs without TLS; allowed by noTlsDomains
    QCOMPARE(link.peerDescription(), u"127.0.0.1:" + QString::number(m_prosody.c2sPort()));
    QCOMPARE(link.streamHeader().from, m_prosody.domain());
    QVERIFY(!link.streamHeader().id.isEmpty());

    // XEP-0206 §2: the features arrive as a standalone element with the stream prefix declared.
    const QByteArray features =
        waitForElement(elements, [](const QByteArray &x) { return x.startsWith("<stream:features"); });
    QVERIFY2(features.contains("xmlns:stream='http://etherx.jabber.org/streams'"), features.constData());
    QVERIFY(features.contains("PLAIN"));

    // SASL PLAIN, done by "the client" through send().
    const QByteArray plain =
        QByteArray("\0alice\0", 7) + m_prosody.password(QStringLiteral("alice")).toUtf8();
    link.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + plain.toBase64() +
              "</auth>");
    const QByteArray success =
        waitForElement(elements, [](const QByteArray &x) { return x.startsWith("<success"); });
    QVERIFY(!success.isEmpty());

    elements.clear();
    link.restart();
    QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 2, 10000);
    const QByteArray features2 =
        waitForElement(elements, [](const QByteArray &x) { return x.startsWith("<stream:features"); });
    QVERIFY2(features2.contains("urn:ietf:params:xml:ns:xmpp-bind"), features2.constData());

    link.send("<iq type='set' id='b1'><bind "
              "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>link</resource></bind></iq>");
    const QByteArray bound = waitForElement(elements, [](const QByteArray &x) { return x.contains("b1"); });
    QCOMPARE(TestClient::attribute(bound, u"type"), u"result");
    const QString aliceJid = TestClient::text(bound, u"jid");
    QCOMPARE(aliceJid, u"alice@localhost/link");
    link.send("<presence/>");

    // The other account, through a plain test client, sees what we send...
    TestClient bob;
    QVERIFY2(bob.login(m_prosody, QStringLiteral("bob")), qPrintable(bob.lastError()));
    link.send("<message to='bob@localhost/test' type='chat' id='m1'><body>hello bob</body></message>");
    const QByteArray atBob = bob.waitForElement([](const QByteArray &x) { return x.startsWith("<message"); });
    QCOMPARE(TestClient::text(atBob, u"body"), u"hello bob");
    QCOMPARE(TestClient::attribute(atBob, u"from"), aliceJid);

    // ...and what it sends reaches us, made standalone (XEP-0206 §2).
    bob.send("<message to='alice@localhost/link' type='chat' id='m2'><body>hi alice</body></message>");
    const QByteArray atAlice =
        waitForElement(elements, [](const QByteArray &x) { return x.contains("id='m2'"); });
    QVERIFY2(atAlice.startsWith("<message xmlns='jabber:client'"), atAlice.constData());
    QCOMPARE(TestClient::text(atAlice, u"body"), u"hi alice");

    QCOMPARE(failed.size(), 0);
    link.close();
    QVERIFY(!link.isOpen());
    QTest::qWait(100);
    QCOMPARE(failed.size(), 0); // no signal after close()
}

void tst_XmppServerLink::sendBeforeOpenIsQueued()
{
    const Config config = m_prosody.backendConfig();
    ServerLink link(config, nullptr); // builds its own Resolver
    QSignalSpy elements(&link, &ServerLink::elementReceived);
    link.open(params(m_prosody.domain()));
    const QByteArray plain = QByteArray("\0bob\0", 5) + m_prosody.password(QStringLiteral("bob")).toUtf8();
    link.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + plain.toBase64() +
              "</auth>");
    QVERIFY(elements.isEmpty());
    QVERIFY(
        !waitForElement(elements, [](const QByteArray &x) { return x.startsWith("<success"); }).isEmpty());
    // The features came first, then the answer to the queued bytes.
    QVERIFY(elements.first().at(0).toByteArray().startsWith("<stream:features"));
}

void tst_XmppServerLink::prosodyClosesStream()
{
    ProsodyFixture prosody;
    QVERIFY2(prosody.start({QStringLiteral("carol")}, ProsodyFixture::Options{false, {}, 15000}),
             qPrintable(prosody.log()));
    const Config config = prosody.backendConfig();
    ServerLink link(config, nullptr);
    QSignalSpy opened(&link, &ServerLink::streamOpened);
    QSignalSpy closed(&link, &ServerLink::streamClosed);
    QSignalSpy failed(&link, &ServerLink::failed);
    link.open(params(prosody.domain()));
    QVERIFY(opened.wait(10000));
    prosody.stop(); // Prosody ends streams on shutdown (system-shutdown error or a plain close)
    QTRY_VERIFY_WITH_TIMEOUT(closed.size() + failed.size() > 0, 10000);
    if (!failed.isEmpty()) {
        const auto kind = failed.first().at(0).value<LinkFailure>();
        QVERIFY(kind == LinkFailure::RemoteStreamError || kind == LinkFailure::ConnectionLost);
    }
    QVERIFY(!link.isOpen());
}

void tst_XmppServerLink::connectionRefused()
{
    Config config;
    config.routes = {Route{QStringLiteral("localhost"), QStringLiteral("127.0.0.1"), closedPort()}};
    ServerLink link(config, nullptr);
    QSignalSpy failed(&link, &ServerLink::failed);
    link.open(params(QStringLiteral("localhost")));
    QVERIFY(failed.wait(10000));
    QCOMPARE(failed.first().at(0).value<LinkFailure>(), LinkFailure::RemoteConnectionFailed);
    QVERIFY(!failed.first().at(2).toString().isEmpty());
}

void tst_XmppServerLink::clientRouteIsUsedAlone()
{
    // A checked client route overrides static routes; here the route is refused, so it fails even
    // though a working static route exists: the route is used alone, as XEP-0124 §7.1 asks.
    Config config = m_prosody.backendConfig();
    ServerLink link(config, nullptr);
    QSignalSpy failed(&link, &ServerLink::failed);
    ServerLink::Params p = params(m_prosody.domain());
    p.route = Xmpp::Target{QStringLiteral("127.0.0.1"), closedPort()};
    link.open(p);
    QVERIFY(failed.wait(10000));
    QCOMPARE(failed.first().at(0).value<LinkFailure>(), LinkFailure::RemoteConnectionFailed);
}

void tst_XmppServerLink::hostNotAllowed()
{
    const Config config = m_prosody.backendConfig();
    ServerLink link(config, nullptr);
    QSignalSpy failed(&link, &ServerLink::failed);
    link.open(params(QStringLiteral("evil.example")));
    QCOMPARE(failed.size(), 0); // never from inside open()
    QVERIFY(failed.wait(5000));
    QCOMPARE(failed.first().at(0).value<LinkFailure>(), LinkFailure::HostUnknown);
}

void tst_XmppServerLink::routeOverridesDns()
{
    // The domain is allowed but has no static route; a checked client route takes us to Prosody.
    Config config;
    config.allowedDomains = {QStringLiteral("localhost")};
    config.noTlsDomains = {QStringLiteral("localhost")};
    ServerLink link(config, nullptr);
    QSignalSpy opened(&link, &ServerLink::streamOpened);
    ServerLink::Params p = params(QStringLiteral("localhost"));
    p.route = Xmpp::Target{QStringLiteral("127.0.0.1"), m_prosody.c2sPort()};
    link.open(p);
    QVERIFY(opened.wait(10000));
}

void tst_XmppServerLink::hostNameRouteIsLookedUp()
{
    // A target given by name is looked up (A/AAAA) and its addresses are tried in order: the fake
    // server listens on 127.0.0.1 only, so where "localhost" also resolves to ::1 that one is refused
    // first.
    FakeServer server(answeringHeaders());
    Config config = fakeConfig(server.serverPort());
    config.routes = {Route{QStringLiteral("fake.test"), QStringLiteral("localhost"), server.serverPort()}};
    ServerLink link(config, nullptr);
    QSignalSpy opened(&link, &ServerLink::streamOpened);
    QSignalSpy failed(&link, &ServerLink::failed);
    link.open(params(QStringLiteral("fake.test")));
    QVERIFY2(opened.wait(5000), failed.isEmpty() ? "" : qPrintable(failed.first().at(2).toString()));
    QCOMPARE(link.peerDescription(), u"localhost:" + QString::number(server.serverPort()));
}

void tst_XmppServerLink::unresolvableHostFails()
{
    Config config;
    // RFC 6761 §6.4: names under .invalid never resolve.
    config.routes = {Route{QStringLiteral("fake.test"), QStringLiteral("nowhere.invalid"), 5222}};
    config.noTlsDomains = {QStringLiteral("fake.test")};
    config.connectTimeout = 30; // a resolver that forwards the query may take a while to say no
    ServerLink link(config, nullptr);
    QSignalSpy failed(&link, &ServerLink::failed);
    link.open(params(QStringLiteral("fake.test")));
    QVERIFY(failed.wait(40000));
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().at(0).value<LinkFailure>(), LinkFailure::RemoteConnectionFailed);
    const QString reason = failed.first().at(2).toString();
    if (reason.startsWith(u"no stream with"))
        QSKIP("the system's resolver did not answer within connect_timeout");
    QVERIFY2(reason.contains(u"nowhere.invalid"), qPrintable(reason));
}

void tst_XmppServerLink::unreachableAddressEndsAtTheDeadline()
{
    // RFC 5737 TEST-NET-1: refused at once or never answered, depending on the network; either way
    // the link fails, at the latest when connect_timeout runs out.
    Config config;
    config.routes = {Route{QStringLiteral("fake.test"), QStringLiteral("192.0.2.1"), 5222}};
    config.noTlsDomains = {QStringLiteral("fake.test")};
    config.connectTimeout = 1;
    ServerLink link(config, nullptr);
    QSignalSpy failed(&link, &ServerLink::failed);
    link.open(params(QStringLiteral("fake.test")));
    QVERIFY(failed.wait(10000));
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().at(0).value<LinkFailure>(), LinkFailure::RemoteConnectionFailed);
    QTRY_VERIFY(link.findChildren<PlainSocket *>().isEmpty()); // the attempt is let go
}

void tst_XmppServerLink::streamErrorFromServer()
{
    FakeServer server([](QSslSocket *s, QByteArray &input) {
        if (hasHeader(input))
            s->write(
                kServerHeader +
                "<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>no</text></stream:error></stream:stream>");
    });
    const Config linkConfig = fakeConfig(server.serverPort());
    ServerLink link(linkConfig, nullptr);
    QSignalSpy failed(&link, &ServerLink::failed);
    link.open(params(QStringLiteral("fake.test")));
    QVERIFY(failed.wait(5000));
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().at(0).value<LinkFailure>(), LinkFailure::RemoteStreamError);
    // XEP-0206 §6: the server's element, standalone, for <body type='terminate'
    // condition='remote-stream-error'>.
    QCOMPARE(failed.first().at(1).toByteArray(),
             "<stream:error xmlns:stream='http://etherx.jabber.org/streams'><host-unknown "
             "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text "
             "xmlns='urn:ietf:params:xml:ns:xmpp-streams'>no</text>"
             "</stream:error>");
    QVERIFY(failed.first().at(2).toString().contains(u"host-unknown"));
}

namespace {
/// Qt's single-shot timer objects alive now (children of the event dispatcher until they fire).
qsizetype singleShotTimers()
{
    qsizetype n = 0;
    for (const QObject *child : QAbstractEventDispatcher::instance()->children()) {
        if (child && qstrcmp(child->metaObject()->className(), "QSingleShotTimer") == 0)
            ++n;
    }
    return n;
}
} // namespace

void tst_XmppServerLink::failedLinkLeavesNoTimerBehind()
{
    // The server ends our stream with an error but keeps TCP open: the link lets its socket close on
    // its own. Once the socket is gone nothing of its grace period may stay (a single-shot timer object
    // stayed 2 s after each such socket, thousands of them after a logout wave).
    FakeServer server([](QSslSocket *s, QByteArray &input) {
        if (hasHeader(input))
            s->write(kServerHeader +
                     "<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                     "</stream:error>");
    });
    const Config linkConfig = fakeConfig(server.serverPort());
    ServerLink link(linkConfig, nullptr);
    QSignalSpy failed(&link, &ServerLink::failed);
    const qsizetype before = singleShotTimers();
    link.open(params(QStringLiteral("fake.test")));
    QVERIFY(failed.wait(5000));
    QCOMPARE(failed.first().at(0).value<LinkFailure>(), LinkFailure::RemoteStreamError);
    QTRY_VERIFY_WITH_TIMEOUT(link.findChildren<PlainSocket *>().isEmpty(), 1000);
    QCOMPARE(singleShotTimers(), before);
    QTRY_VERIFY(!server.last || server.last->state() == QAbstractSocket::UnconnectedState);
}

void tst_XmppServerLink::failedLinkWithOutputWaitingGoesAtTheGrace()
{
    // The server stops reading and our output passes the link's cap: the link fails and its socket,
    // still holding output, is given the close grace period (2 s), then dropped and freed.
    FakeServer server(answeringHeaders());
    Config linkConfig = fakeConfig(server.serverPort());
    linkConfig.maxXmppBufferSize = 65536; // the output cap is four times that
    ServerLink link(linkConfig, nullptr);
    QSignalSpy opened(&link, &ServerLink::streamOpened);
    QSignalSpy failed(&link, &ServerLink::failed);
    link.open(params(QStringLiteral("fake.test")));
    QVERIFY(opened.wait(5000));
    QVERIFY(server.last);
    stopReading(server, server.last);
    for (int i = 0; i < 64 && failed.isEmpty(); ++i) {
        link.send("<message xmlns='jabber:client'><body>" + QByteArray(200000, 'q') + "</body></message>");
        QCoreApplication::processEvents();
    }
    if (failed.isEmpty())
        QVERIFY(failed.wait(5000));
    QCOMPARE(failed.first().at(0).value<LinkFailure>(), LinkFailure::ConnectionLost);
    QElapsedTimer clock;
    clock.start();
    const QList<PlainSocket *> sockets = link.findChildren<PlainSocket *>();
    QCOMPARE(sockets.size(), 1);
    QPointer<PlainSocket> socket = sockets.first();
    QCOMPARE(socket->state(), PlainSocket::State::Closing); // its output still waits
    QVERIFY(socket->abortPending());
    QTRY_VERIFY_WITH_TIMEOUT(socket.isNull(), 4000);
    QVERIFY2(clock.elapsed() >= 1500, qPrintable(QString::number(clock.elapsed())));
}

void tst_XmppServerLink::brokenXmlFromServer()
{
    FakeServer server([](QSslSocket *s, QByteArray &input) {
        if (hasHeader(input) && !input.contains("</stream:stream>")) {
            input.clear();
            s->write(kServerHeader + kPlainFeatures);
            s->write("<message><body></message>");
        }
    });
    const Config linkConfig = fakeConfig(server.serverPort());
    ServerLink link(linkConfig, nullptr);
    QSignalSpy opened(&link, &ServerLink::streamOpened);
    QSignalSpy failed(&link, &ServerLink::failed);
    link.open(params(QStringLiteral("fake.test")));
    QVERIFY(failed.wait(5000));
    QCOMPARE(opened.size(), 1);
    QCOMPARE(failed.first().at(0).value<LinkFailure>(), LinkFailure::RemoteStreamError);
    const QByteArray error = failed.first().at(1).toByteArray();
    QVERIFY2(error.contains("<not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"),
             error.constData());
    QVERIFY(error.contains("xmlns:stream="));
    // RFC 6120 §4.9.1.1: the server was told, and the stream closed.
    QTRY_VERIFY(server.allInput.contains(
        "<not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"));
    QTRY_VERIFY(server.allInput.contains("</stream:stream>"));
}

void tst_XmppServerLink::oversizedStanzaFromServer()
{
    FakeServer server([](QSslSocket *s, QByteArray &input) {
        if (hasHeader(input) && !input.contains("</stream:stream>")) {
            input.clear();
            s->write(kServerHeader + kPlainFeatures + "<message><body>" + QByteArray(5000, 'x'));
        }
    });
    Config config = fakeConfig(server.serverPort());
    config.maxXmppBufferSize = 2000;
    ServerLink link(config, nullptr);
    QSignalSpy failed(&link, &ServerLink::failed);
    link.open(params(QStringLiteral("fake.test")));
    QVERIFY(failed.wait(5000));
    QCOMPARE(failed.first().at(0).value<LinkFailure>(), LinkFailure::RemoteStreamError);
    QVERIFY(failed.first().at(1).toByteArray().contains("<policy-violation"));
}

void tst_XmppServerLink::plainLinkCarriesNoTlsSocket()
{
    // A link allowed without TLS (no_tls_domains) whose server offers none stays on the raw descriptor
    // for its whole life: no QSslSocket (nor the QTcpSocket inside one) is ever made for it.
    FakeServer server(answeringPresenceWith("<message xmlns='jabber:client' id='back'/>"));
    const Config linkConfig = fakeConfig(server.serverPort());
    ServerLink link(linkConfig, nullptr);
    QSignalSpy opened(&link, &ServerLink::streamOpened);
    QSignalSpy elements(&link, &ServerLink::elementReceived);
    link.open(params(QStringLiteral("fake.test")));
    QVERIFY(opened.wait(5000));
    link.restart();
    QVERIFY(opened.wait(5000));
    link.send("<presence/>");
    QVERIFY(!waitForElement(elements, [](const QByteArray &x) { return x.contains("id='back'"); }).isEmpty());
    QVERIFY(!link.isEncrypted());
    QCOMPARE(link.findChildren<PlainSocket *>().size(), 1);
    QVERIFY(link.findChildren<QAbstractSocket *>().isEmpty());
}

void tst_XmppServerLink::noTlsOffered()
{
    FakeServer server(answeringHeaders());
    // RFC 6120 §5: fake.test is not in noTlsDomains, so plaintext is refused, never a silent downgrade.
    const Config linkConfig = fakeConfig(server.serverPort(), false);
    ServerLink link(linkConfig, nullptr);
    QSignalSpy opened(&link, &ServerLink::streamOpened);
    QSignalSpy failed(&link, &ServerLink::failed);
    link.open(params(QStringLiteral("fake.test")));
    QVERIFY(failed.wait(5000));
    QCOMPARE(opened.size(), 0);
    QCOMPARE(failed.first().at(0).value<LinkFailure>(), LinkFailure::RemoteConnectionFailed);
    QCOMPARE(failed.first().at(2).toString(), u"server offers no TLS");
    QVERIFY(!server.allInput.contains("<auth"));
}

void tst_XmppServerLink::startTlsRefused()
{
    FakeServer server([](QSslSocket *s, QByteArray &input) {
        if (hasHeader(input)) {
            input.remove(0, input.indexOf('>', input.indexOf("<stream:stream")) + 1);
            s->write(kServerHeader + kTlsFeatures);
        } else if (input.contains("<starttls")) {
            input.clear();
            s->write("<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>");
        }
    });
    // Offered STARTTLS is used even for a noTlsDomains domain.
    const Config linkConfig = fakeConfig(server.serverPort(), true);
    ServerLink link(linkConfig, nullptr);
    QSignalSpy failed(&link, &ServerLink::failed);
    link.open(params(QStringLiteral("fake.test")));
    QVERIFY(failed.wait(5000));
    QCOMPARE(failed.first().at(0).value<LinkFailure>(), LinkFailure::RemoteConnectionFailed);
    QVERIFY(server.allInput.contains("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"));
}

bool tst_XmppServerLink::makeCertificate()
{
    if (!m_certFile.isEmpty())
        return true;
    const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (openssl.isEmpty())
        return false;
    const QString cert = m_certDir.filePath(QStringLiteral("cert.pem"));
    const QString key = m_certDir.filePath(QStringLiteral("key.pem"));
    QProcess p;
    p.start(openssl, {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                      QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"), key,
                      QStringLiteral("-out"), cert, QStringLiteral("-days"), QStringLiteral("2"),
                      QStringLiteral("-subj"), QStringLiteral("/CN=fake.test"), QStringLiteral("-addext"),
                      QStringLiteral("subjectAltName=DNS:fake.test")});
    if (!p.waitForFinished(30000) || p.exitCode() != 0)
        return false;
    m_certFile = cert;
    m_keyFile = key;
    return true;
}

namespace {

FakeServer::Script tlsScript(const QString &certFile, const QString &keyFile, bool *tlsDone)
{
    return [=](QSslSocket *s, QByteArray &input) {
        if (hasHeader(input)) {
            input.remove(0, input.indexOf('>', input.indexOf("<stream:stream")) + 1);
            s->write(kServerHeader + (s->isEncrypted() ? kPlainFeatures : kTlsFeatures));
        } else if (input.contains("<starttls")) {
            input.clear();
            s->write("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
            QFile certIn(certFile);
            QFile keyIn(keyFile);
            certIn.open(QIODevice::ReadOnly);
            keyIn.open(QIODevice::ReadOnly);
            s->setLocalCertificate(QSslCertificate(certIn.readAll()));
            s->setPrivateKey(QSslKey(keyIn.readAll(), QSsl::Rsa));
            QObject::connect(s, &QSslSocket::encrypted, s, [tlsDone] { *tlsDone = true; });
            s->startServerEncryption();
        }
    };
}

} // namespace

void tst_XmppServerLink::startTlsWithUntrustedCertificate()
{
    if (!makeCertificate())
        QSKIP("openssl is not available to make a test certificate");
    bool tlsDone = false;
    FakeServer server(tlsScript(m_certFile, m_keyFile, &tlsDone));
    const Config linkConfig = fakeConfig(server.serverPort(), false);
    ServerLink link(linkConfig, nullptr);
    QSignalSpy opened(&link, &ServerLink::streamOpened);
    QSignalSpy failed(&link, &ServerLink::failed);
    link.open(params(QStringLiteral("fake.test")));
    QVERIFY(failed.wait(10000));
    QCOMPARE(opened.size(), 0);
    QCOMPARE(failed.first().at(0).value<LinkFailure>(), LinkFailure::RemoteConnectionFailed);
    QVERIFY2(failed.first().at(2).toString().contains(u"TLS"), qPrintable(failed.first().at(2).toString()));
}

void tst_XmppServerLink::startTlsWithTrustedCertificate()
{
    if (!makeCertificate())
        QSKIP("openssl is not available to make a test certificate");
    bool tlsDone = false;
    FakeServer server(tlsScript(m_certFile, m_keyFile, &tlsDone));
    Config config = fakeConfig(server.serverPort(), false);
    config.caFile = m_certFile; // trust our self-signed certificate; verified against "fake.test"
    ServerLink link(config, nullptr);
    QSignalSpy opened(&link, &ServerLink::streamOpened);
    QSignalSpy elements(&link, &ServerLink::elementReceived);
    QSignalSpy failed(&link, &ServerLink::failed);
    link.open(params(QStringLiteral("fake.test")));
    QVERIFY(opened.wait(10000));
    QCOMPARE(failed.size(), 0);
    QVERIFY(tlsDone);
    QVERIFY(link.isEncrypted());
    // The plain socket handed its descriptor over to the TLS socket at <proceed/>.
    QTRY_VERIFY(link.findChildren<PlainSocket *>().isEmpty());
    QCOMPARE(link.findChildren<QSslSocket *>(Qt::FindDirectChildrenOnly).size(), 1);
    // Only the features after TLS reach the client (RFC 6120 §5.4.3.3).
    QTRY_COMPARE(elements.size(), 1);
    QVERIFY(elements.first().at(0).toByteArray().contains("PLAIN"));
}

void tst_XmppServerLink::stallTimesOut()
{
    FakeServer server([](QSslSocket *, QByteArray &) {}); // accepts, never answers
    Config config = fakeConfig(server.serverPort());
    config.connectTimeout = 1;
    ServerLink link(config, nullptr);
    QSignalSpy failed(&link, &ServerLink::failed);
    link.open(params(QStringLiteral("fake.test")));
    QVERIFY(failed.wait(10000));
    QCOMPARE(failed.first().at(0).value<LinkFailure>(), LinkFailure::RemoteConnectionFailed);
}

void tst_XmppServerLink::tcpCloseWithoutStreamEnd()
{
    FakeServer server([open = answeringHeaders()](QSslSocket *s, QByteArray &input) {
        open(s, input);
        if (input.contains("<presence"))
            s->disconnectFromHost();
    });
    const Config linkConfig = fakeConfig(server.serverPort());
    ServerLink link(linkConfig, nullptr);
    QSignalSpy opened(&link, &ServerLink::streamOpened);
    QSignalSpy failed(&link, &ServerLink::failed);
    QSignalSpy closed(&link, &ServerLink::streamClosed);
    link.open(params(QStringLiteral("fake.test")));
    QVERIFY(opened.wait(5000));
    link.send("<presence/>");
    QVERIFY(failed.wait(5000));
    QCOMPARE(failed.first().at(0).value<LinkFailure>(), LinkFailure::ConnectionLost);
    QCOMPARE(closed.size(), 0);
}

void tst_XmppServerLink::tcpCloseAfterTlsWithoutStreamEnd()
{
    // Over TLS, a server that drops TCP without </stream:stream> is a lost connection, reported at once
    // (an unbuffered QSslSocket reports it by an error alone, without disconnected()).
    if (!makeCertificate())
        QSKIP("openssl is not available to make a test certificate");
    bool tlsDone = false;
    const FakeServer::Script tls = tlsScript(m_certFile, m_keyFile, &tlsDone);
    FakeServer server([&](QSslSocket *s, QByteArray &input) {
        if (s->isEncrypted() && input.contains("<presence")) {
            s->disconnectFromHost();
            return;
        }
        tls(s, input);
    });
    Config config = fakeConfig(server.serverPort(), false);
    config.caFile = m_certFile;
    ServerLink link(config, nullptr);
    QSignalSpy opened(&link, &ServerLink::streamOpened);
    QSignalSpy elements(&link, &ServerLink::elementReceived);
    QSignalSpy failed(&link, &ServerLink::failed);
    QSignalSpy closed(&link, &ServerLink::streamClosed);
    link.open(params(QStringLiteral("fake.test")));
    QVERIFY(opened.wait(10000));
    QVERIFY(link.isEncrypted());
    link.send("<presence/>");
    QVERIFY(failed.wait(5000));
    QCOMPARE(failed.first().at(0).value<LinkFailure>(), LinkFailure::ConnectionLost);
    QCOMPARE(closed.size(), 0);
    QVERIFY(!link.isOpen());
}

void tst_XmppServerLink::largeStanzasArriveWholeAndInOrder()
{
    // Stanzas far larger than what the kernel takes at once, both ways: every byte arrives, in order.
    const auto stanza = [](char fill, qsizetype size) -> QByteArray {
        const QByteArray head = "<message xmlns='jabber:client' id='" + QByteArray(1, fill) + "'><body>";
        const QByteArray tail = "</body></message>";
        return head + QByteArray(size - head.size() - tail.size(), fill) + tail;
    };
    QList<QByteArray> fromServer;
    for (const char fill : {'a', 'b', 'c'})
        fromServer.append(stanza(fill, 400000)); // under max_xmpp_buffer_size (500 kB) each
    fromServer.append("<message xmlns='jabber:client' id='last'/>");
    FakeServer server([&](QSslSocket *s, QByteArray &input) {
        if (hasHeader(input)) {
            input.clear();
            s->write(kServerHeader + kPlainFeatures);
            for (const QByteArray &xml : std::as_const(fromServer))
                s->write(xml);
        }
    });
    const Config linkConfig = fakeConfig(server.serverPort());
    ServerLink link(linkConfig, nullptr);
    QSignalSpy opened(&link, &ServerLink::streamOpened);
    QSignalSpy elements(&link, &ServerLink::elementReceived);
    QSignalSpy failed(&link, &ServerLink::failed);
    link.open(params(QStringLiteral("fake.test")));
    QVERIFY(opened.wait(5000));
    QTRY_COMPARE_WITH_TIMEOUT(elements.size(), 1 + fromServer.size(), 10000); // the features, then ours
    for (qsizetype i = 0; i < fromServer.size(); ++i)
        QVERIFY2(elements.at(i + 1).at(0).toByteArray() == fromServer.at(i), qPrintable(QString::number(i)));

    // The server stops reading; the link writes more than the kernel holds (but less than its cap).
    QVERIFY(server.last);
    stopReading(server, server.last);
    server.allInput.clear();
    QByteArray expected;
    for (const char fill : {'x', 'y', 'z', 'w'}) {
        const QByteArray xml = stanza(fill, 450000);
        link.send(xml);
        expected += xml;
    }
    link.send("<presence/>");
    expected += "<presence/>";
    QCoreApplication::processEvents();
    QCOMPARE(failed.size(), 0);
    // The server reads again: everything comes, whole and in order.
    QSslSocket *peer = server.last;
    QObject::connect(peer, &QIODevice::readyRead, &server,
                     [&server, peer] { server.allInput += peer->readAll(); });
    peer->setReadBufferSize(0);
    server.allInput += peer->readAll();
    QTRY_COMPARE_WITH_TIMEOUT(server.allInput.size(), expected.size(), 10000);
    QVERIFY(server.allInput == expected);
    QCOMPARE(failed.size(), 0);
    QVERIFY(link.isOpen());
}

void tst_XmppServerLink::closeWhileOutputWaitsIsDetected()
{
    // The server stops reading, the link's output waits in its socket, then the server resets the
    // connection: the link notices without writing anything more.
    FakeServer server(answeringHeaders());
    const Config linkConfig = fakeConfig(server.serverPort());
    ServerLink link(linkConfig, nullptr);
    QSignalSpy opened(&link, &ServerLink::streamOpened);
    QSignalSpy failed(&link, &ServerLink::failed);
    link.open(params(QStringLiteral("fake.test")));
    QVERIFY(opened.wait(5000));
    QVERIFY(server.last);
    stopReading(server, server.last);
    for (int i = 0; i < 4; ++i)
        link.send("<message xmlns='jabber:client'><body>" + QByteArray(400000, 'q') + "</body></message>");
    QCoreApplication::processEvents();
    QCOMPARE(failed.size(), 0);
    const linger reset{1, 0};
    QCOMPARE(::setsockopt(int(server.last->socketDescriptor()), SOL_SOCKET, SO_LINGER, &reset, sizeof reset),
             0);
    server.last->abort();
    QVERIFY(failed.wait(5000));
    QCOMPARE(failed.first().at(0).value<LinkFailure>(), LinkFailure::ConnectionLost);
    QVERIFY(!link.isOpen());
}

void tst_XmppServerLink::closeSendsStreamEnd()
{
    FakeServer server([](QSslSocket *s, QByteArray &input) {
        if (hasHeader(input) && !input.contains("</stream:stream>")) {
            input.clear();
            s->write(kServerHeader + kPlainFeatures);
        }
    });
    const Config linkConfig = fakeConfig(server.serverPort());
    ServerLink link(linkConfig, nullptr);
    QSignalSpy opened(&link, &ServerLink::streamOpened);
    QSignalSpy failed(&link, &ServerLink::failed);
    link.open(params(QStringLiteral("fake.test")));
    QVERIFY(opened.wait(5000));
    link.send("<presence/>");
    link.close();
    QTRY_VERIFY(server.allInput.endsWith("<presence/></stream:stream>"));
    QTRY_VERIFY(!server.last || server.last->state() == QAbstractSocket::UnconnectedState);
    QVERIFY(!link.isOpen());
    QCOMPARE(failed.size(), 0);

    // A server that closes its stream gets ours back, and we report streamClosed().
    FakeServer closer(answeringPresenceWith("</stream:stream>"));
    const Config link2Config = fakeConfig(closer.serverPort());
    ServerLink link2(link2Config, nullptr);
    QSignalSpy opened2(&link2, &ServerLink::streamOpened);
    QSignalSpy closed2(&link2, &ServerLink::streamClosed);
    link2.open(params(QStringLiteral("fake.test")));
    QVERIFY(opened2.wait(5000));
    link2.send("<presence/>");
    QVERIFY(closed2.wait(5000));
    QTRY_VERIFY(closer.allInput.endsWith("</stream:stream>"));
}

void tst_XmppServerLink::retiredLinkGoesOnceClosed()
{
    // A server that answers each stream header, the drain ping and our close at once: the retired link
    // is deleted when its close handshake ends, not when its longest grace period runs out.
    FakeServer server([](QSslSocket *s, QByteArray &input) {
        if (hasHeader(input) && !input.contains("sb-drain-") && !input.contains("</stream:stream>")) {
            input.clear();
            s->write(kServerHeader + kPlainFeatures);
            return;
        }
        const qsizetype ping = input.indexOf("id='sb-drain-");
        if (ping >= 0) {
            const qsizetype end = input.indexOf('\'', ping + 4);
            s->write("<iq type='result' " + input.mid(ping, end + 1 - ping) + "/>");
            input.remove(0, end + 1);
        }
        if (input.contains("</stream:stream>")) {
            input.clear();
            s->write("</stream:stream>");
            s->disconnectFromHost();
        }
    });
    const Config linkConfig = fakeConfig(server.serverPort());
    QObject graveyard;
    for (const bool restarted : {false, true}) {
        auto *link = new ServerLink(linkConfig, nullptr);
        QSignalSpy opened(link, &ServerLink::streamOpened);
        link->open(params(QStringLiteral("fake.test")));
        QVERIFY(opened.wait(5000));
        if (restarted) {
            link->restart(); // past SASL: retire() drains with a ping first
            QVERIFY(opened.wait(5000));
        }
        // retire() disconnects every signal of the link, destroyed() too: watch it with a guard.
        const QPointer<ServerLink> alive(link);
        QElapsedTimer clock;
        clock.start();
        link->retire(&graveyard);
        QTRY_VERIFY_WITH_TIMEOUT(alive.isNull(), 5000);
        // The fixed fallback is 5.5 s; the handshake on loopback takes milliseconds.
        QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
        if (restarted)
            QVERIFY2(server.allInput.contains("sb-drain-"), server.allInput.constData());
        QTRY_VERIFY(server.allInput.endsWith("</stream:stream>"));
        server.allInput.clear();
    }
}

void tst_XmppServerLink::retireAfterServerReset()
{
    // The server dies (here: resets the connection) and, before the event loop has seen it, the link is
    // retired (a REST session ending at shutdown): the drain ping's write fails inside flush(), which
    // drops the socket under the write. It used to read the dropped socket's buffer and crash.
    FakeServer server(answeringHeaders());
    const Config linkConfig = fakeConfig(server.serverPort());
    QObject graveyard;
    QPointer<ServerLink> link = new ServerLink(linkConfig, nullptr);
    QSignalSpy opened(link.data(), &ServerLink::streamOpened);
    link->open(params(QStringLiteral("fake.test")));
    QVERIFY(opened.wait(5000));
    link->restart(); // past SASL: retiring now drains with a ping
    QTRY_COMPARE(opened.size(), 2);
    QVERIFY(link->isOpen());
    QVERIFY(server.last);
    // SO_LINGER 0: the close sends a reset, so the next write on the link's side fails at once.
    const linger reset{1, 0};
    QCOMPARE(::setsockopt(int(server.last->socketDescriptor()), SOL_SOCKET, SO_LINGER, &reset, sizeof reset),
             0);
    server.last->abort();
    link->retire(&graveyard);
    QTRY_VERIFY(!link || !link->isOpen());
}

SWITCHBOARD_TEST_MAIN(tst_XmppServerLink)
#include "tst_xmpp_serverlink.moc"

void tst_XmppServerLink::listenerHearsBeforeEachSignal()
{
    // The listener hears everything the signals say, each just before its signal, in the same order.
    {
        const Config config = m_prosody.backendConfig();
        ServerLink link(config, nullptr);
        RecordingListener listener;
        listener.watch(link);
        link.open(params(m_prosody.domain()));
        QTRY_VERIFY_WITH_TIMEOUT(listener.log.size() >= 4, 10000);
        const QString from = m_prosody.domain();
        QCOMPARE(listener.log.mid(0, 4), (QStringList{u"listener opened " + from, u"signal opened " + from,
                                                      QStringLiteral("listener element <stream:features"),
                                                      QStringLiteral("signal element <stream:features")}));
        // Our end of the stream: the server closes its own, heard twice.
        link.send("</stream:stream>");
        QTRY_VERIFY_WITH_TIMEOUT(listener.log.size() >= 6, 10000);
        QCOMPARE(listener.log.size(), 6);
        const QStringList end = listener.log.mid(listener.log.size() - 2);
        QVERIFY2(end == (QStringList{QStringLiteral("listener closed"), QStringLiteral("signal closed")}) ||
                     (end.at(0).startsWith(u"listener failed ") &&
                      end.at(1) ==
                          QString(end.at(0)).replace(QStringLiteral("listener"), QStringLiteral("signal"))),
                 qPrintable(listener.log.join(u" | ")));
    }
    {
        // A failure: heard once by each, listener first, with the same reason.
        Config config;
        config.routes = {Route{QStringLiteral("localhost"), QStringLiteral("127.0.0.1"), closedPort()}};
        ServerLink link(config, nullptr);
        RecordingListener listener;
        listener.watch(link);
        link.open(params(QStringLiteral("localhost")));
        QTRY_VERIFY_WITH_TIMEOUT(listener.log.size() >= 2, 10000);
        QCOMPARE(listener.log.size(), 2);
        QVERIFY(listener.log.at(0).startsWith(u"listener failed "));
        QCOMPARE(listener.log.at(1),
                 QString(listener.log.at(0)).replace(QStringLiteral("listener"), QStringLiteral("signal")));
    }
}
