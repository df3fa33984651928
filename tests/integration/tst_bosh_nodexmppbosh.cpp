// SPDX-License-Identifier: GPL-3.0-or-later
// node-xmpp-bosh's two BOSH extensions, which clients written for it still use: `from` on the session
// request echoed back as `to` in the creation response, and `stream_attrs` on the restart request
// (XEP-0206 §5), whose members are added to the stream header sent to the server but may never change
// the header's own attributes. Against a real Prosody for the log-in, and a scripted server only to see
// the exact header bytes Switchboard sends.
#include "boshclient.h"
#include "prosodyfixture.h"
#include "server.h"
#include "testmain.h"

#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Switchboard;

namespace {
const QByteArray kServerHeader = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                                 "xmlns:stream='http://etherx.jabber.org/streams' "
                                 "id='scripted' from='fake.test' version='1.0'>";
const QByteArray kSaslFeatures = "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                                 "<mechanism>PLAIN</mechanism></mechanisms></stream:features>";
const QByteArray kBindFeatures =
    "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>";

/// A scripted XMPP server that records everything it is sent: it answers each stream header with its
/// own and features (SASL, then bind after the restart), and any <auth/> with <success/>.
class ScriptedServer : public QTcpServer
{
public:
    ScriptedServer() { listen(QHostAddress::LocalHost, 0); }
    QByteArray input;
    /// The stream headers received so far, each up to its '>'.
    QList<QByteArray> headers() const
    {
        QList<QByteArray> found;
        for (qsizetype at = input.indexOf("<stream:stream"); at >= 0;
             at = input.indexOf("<stream:stream", at + 1))
            found << input.mid(at, input.indexOf('>', at) + 1 - at);
        return found;
    }

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QTcpSocket(this);
        socket->setSocketDescriptor(descriptor);
        auto pending = std::make_shared<QByteArray>();
        connect(socket, &QIODevice::readyRead, this, [this, socket, pending] {
            const QByteArray data = socket->readAll();
            input += data;
            *pending += data;
            if (const qsizetype at = pending->indexOf("<stream:stream");
                at >= 0 && pending->indexOf('>', at) > at) {
                socket->write(kServerHeader + (m_authenticated ? kBindFeatures : kSaslFeatures));
                pending->clear();
            } else if (pending->contains("</auth>")) {
                m_authenticated = true;
                socket->write("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
                pending->clear();
            }
        });
    }

private:
    bool m_authenticated = false;
};

/// Session request, SASL PLAIN, and the restart request with `restartAttrs`; returns its answer.
BoshClient::Response restartWith(BoshClient &client, const QString &domain, const QString &user,
                                 const QString &password, const QMap<QString, QString> &restartAttrs)
{
    BoshClient::Response r = client.request({{QStringLiteral("to"), domain},
                                             {QStringLiteral("wait"), QStringLiteral("5")},
                                             {QStringLiteral("hold"), QStringLiteral("1")},
                                             {QStringLiteral("ver"), QStringLiteral("1.6")},
                                             {QStringLiteral("xmpp:version"), QStringLiteral("1.0")}});
    if (r.status != 200 || r.attr(QStringLiteral("sid")).isEmpty())
        return r;
    // request() does not keep the sid: the later requests name it themselves.
    const QString sid = r.attr(QStringLiteral("sid"));
    while (r.children.isEmpty() && !r.isTerminate())
        r = client.request({{QStringLiteral("sid"), sid}});
    r = client.request({{QStringLiteral("sid"), sid}},
                       "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" +
                           saslPlain(user, password) + "</auth>");
    while (r.status == 200 && r.children.isEmpty() && !r.isTerminate())
        r = client.request({{QStringLiteral("sid"), sid}});
    if (r.children.isEmpty() || r.children.first().tagName() != QLatin1String("success"))
        return r;
    QMap<QString, QString> attrs{{QStringLiteral("sid"), sid},
                                 {QStringLiteral("xmpp:restart"), QStringLiteral("true")},
                                 {QStringLiteral("to"), domain},
                                 {QStringLiteral("xml:lang"), QStringLiteral("en")}};
    for (auto it = restartAttrs.cbegin(); it != restartAttrs.cend(); ++it)
        attrs.insert(it.key(), it.value());
    r = client.request(attrs);
    while (r.status == 200 && r.children.isEmpty() && !r.isTerminate())
        r = client.request({{QStringLiteral("sid"), sid}});
    return r;
}
} // namespace

class tst_BoshNodeXmppBosh : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void fromOnSessionRequestIsEchoedAsTo();
    void streamAttrsOnRestartStillLogInAndExchangeMessages();
    void streamAttrsChangingToIsBadRequestAndEndsTheSession();
    void streamAttrsReachTheServerStreamHeader();
    void streamAttrsChangingToNeverReachTheServer();

private:
    ProsodyFixture m_prosody;
    ScriptedServer m_scripted;
    std::unique_ptr<Server> m_server;
};

void tst_BoshNodeXmppBosh::initTestCase()
{
    QVERIFY(m_scripted.isListening());
    QVERIFY2(m_prosody.start({QStringLiteral("alice"), QStringLiteral("bob")}), "Prosody did not start");
    Config config;
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.routes = {
        Route{QStringLiteral("localhost"), QStringLiteral("127.0.0.1"), m_prosody.c2sPort()},
        Route{QStringLiteral("fake.test"), QStringLiteral("127.0.0.1"), m_scripted.serverPort()}};
    config.noTlsDomains = {QStringLiteral("localhost"), QStringLiteral("fake.test")};
    config.workers = ProsodyFixture::testWorkers();
    config.connectTimeout = 5;
    m_server = std::make_unique<Server>(config);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
}

void tst_BoshNodeXmppBosh::cleanupTestCase()
{
    m_server.reset();
    m_prosody.stop();
}

void tst_BoshNodeXmppBosh::fromOnSessionRequestIsEchoedAsTo()
{
    BoshClient client(m_server->boshUrl());
    QString error;
    QVERIFY2(client.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                          m_prosody.password(QStringLiteral("alice")), &error, QStringLiteral("echo"),
                          {{QStringLiteral("from"), QStringLiteral("alice@localhost")}}),
             qPrintable(error));
    // login() checked the creation response; ask for another session to read it.
    BoshClient second(m_server->boshUrl());
    const BoshClient::Response created =
        second.request({{QStringLiteral("to"), QStringLiteral("localhost")},
                        {QStringLiteral("from"), QStringLiteral("alice@localhost")},
                        {QStringLiteral("wait"), QStringLiteral("5")},
                        {QStringLiteral("hold"), QStringLiteral("1")},
                        {QStringLiteral("ver"), QStringLiteral("1.6")},
                        {QStringLiteral("xmpp:version"), QStringLiteral("1.0")}});
    QCOMPARE(created.status, 200);
    QCOMPARE(created.attr(QStringLiteral("to")), QStringLiteral("alice@localhost"));
    QCOMPARE(created.attr(QStringLiteral("from")), QStringLiteral("localhost"));
    // Without `from`, no `to`.
    BoshClient third(m_server->boshUrl());
    const BoshClient::Response plain =
        third.request({{QStringLiteral("to"), QStringLiteral("localhost")},
                       {QStringLiteral("wait"), QStringLiteral("5")},
                       {QStringLiteral("hold"), QStringLiteral("1")},
                       {QStringLiteral("ver"), QStringLiteral("1.6")},
                       {QStringLiteral("xmpp:version"), QStringLiteral("1.0")}});
    QCOMPARE(plain.status, 200);
    QVERIFY(!plain.attrs.contains(QStringLiteral("to")));
    client.terminate();
}

void tst_BoshNodeXmppBosh::streamAttrsOnRestartStillLogInAndExchangeMessages()
{
    BoshClient alice(m_server->boshUrl());
    alice.setRestartAttributes(
        {{QStringLiteral("stream_attrs"), QStringLiteral("{\"x-client\":\"legacy 1.0\"}")}});
    QString error;
    QVERIFY2(alice.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                         m_prosody.password(QStringLiteral("alice")), &error, QStringLiteral("attrs")),
             qPrintable(error));
    BoshClient bob(m_server->boshUrl());
    QVERIFY2(bob.login(QStringLiteral("localhost"), QStringLiteral("bob"),
                       m_prosody.password(QStringLiteral("bob")), &error, QStringLiteral("plain")),
             qPrintable(error));
    bob.startPolling();
    alice.sendStanza("<message xmlns='jabber:client' type='chat' to='" + bob.jid().toUtf8() +
                     "' id='sa1'><body>hello</body></message>");
    const QDomElement atBob = bob.waitForStanza(
        [](const QDomElement &e) { return e.attribute(QStringLiteral("id")) == QLatin1String("sa1"); });
    QVERIFY(!atBob.isNull());
    QCOMPARE(atBob.attribute(QStringLiteral("from")), alice.jid());
    alice.terminate();
    bob.terminate();
}

void tst_BoshNodeXmppBosh::streamAttrsChangingToIsBadRequestAndEndsTheSession()
{
    BoshClient client(m_server->boshUrl());
    const BoshClient::Response refused =
        restartWith(client, QStringLiteral("localhost"), QStringLiteral("alice"),
                    m_prosody.password(QStringLiteral("alice")),
                    {{QStringLiteral("stream_attrs"), QStringLiteral("{\"to\":\"elsewhere.example\"}")}});
    QCOMPARE(refused.status, 200);
    QVERIFY(refused.isTerminate());
    QCOMPARE(refused.attr(QStringLiteral("condition")), QStringLiteral("bad-request"));
    // Everyone else still logs in to the same server.
    BoshClient next(m_server->boshUrl());
    QString error;
    QVERIFY2(next.login(QStringLiteral("localhost"), QStringLiteral("alice"),
                        m_prosody.password(QStringLiteral("alice")), &error, QStringLiteral("after")),
             qPrintable(error));
    next.terminate();
}

void tst_BoshNodeXmppBosh::streamAttrsReachTheServerStreamHeader()
{
    m_scripted.input.clear();
    BoshClient client(m_server->boshUrl());
    const BoshClient::Response restarted = restartWith(
        client, QStringLiteral("fake.test"), QStringLiteral("u"), QStringLiteral("p"),
        {{QStringLiteral("stream_attrs"),
          QStringLiteral("{\"x-client\":\"legacy 1.0\",\"note\":\"a'b<c\",\"line\":\"a\\nb\"}")}});
    QVERIFY2(!restarted.children.isEmpty() &&
                 restarted.children.first().localName() == QLatin1String("features"),
             restarted.raw.constData());
    const QList<QByteArray> headers = m_scripted.headers();
    QCOMPARE(headers.size(), 2);
    QVERIFY2(!headers.at(0).contains("x-client"), headers.at(0).constData());
    const QByteArray &header = headers.at(1);
    QVERIFY2(header.contains(" x-client='legacy 1.0'"), header.constData());
    QVERIFY2(header.contains(" note='a&apos;b&lt;c'"), header.constData());
    QVERIFY2(header.contains(" line='a&#10;b'"), header.constData()); // not normalised to a space
    QCOMPARE(header.count("to='"), 1);
    QVERIFY2(header.contains("to='fake.test'"), header.constData());
    QVERIFY2(header.contains("xml:lang='en'"), header.constData());
}

void tst_BoshNodeXmppBosh::streamAttrsChangingToNeverReachTheServer()
{
    m_scripted.input.clear();
    BoshClient client(m_server->boshUrl());
    const BoshClient::Response refused =
        restartWith(client, QStringLiteral("fake.test"), QStringLiteral("u"), QStringLiteral("p"),
                    {{QStringLiteral("stream_attrs"),
                      QStringLiteral("{\"x-client\":\"a\",\"to\":\"elsewhere.example\"}")}});
    QVERIFY(refused.isTerminate());
    QCOMPARE(refused.attr(QStringLiteral("condition")), QStringLiteral("bad-request"));
    // The server saw the first stream header only, then the stream's end: no restart, nothing of the
    // refused attributes.
    QTRY_VERIFY(m_scripted.input.contains("</stream:stream>"));
    QCOMPARE(m_scripted.headers().size(), 1);
    QVERIFY(!m_scripted.input.contains("elsewhere"));
    QVERIFY(!m_scripted.input.contains("x-client"));
}

SWITCHBOARD_TEST_MAIN(tst_BoshNodeXmppBosh)
#include "tst_bosh_nodexmppbosh.moc"
