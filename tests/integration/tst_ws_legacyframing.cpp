// SPDX-License-Identifier: GPL-3.0-or-later
// The pre-RFC 7395 WebSocket framing (draft-moffitt-xmpp-over-websocket-00, as early clients and
// node-xmpp-bosh spoke it) end to end: with ws_legacy_framing on, a hand-written client that sends an
// unclosed <stream:stream> header, stanzas without a namespace and </stream:stream> logs in to a real
// Prosody through Switchboard and exchanges messages with an RFC 7395 client on the same server; with
// the option off, the same first message gets the RFC 7395 refusal it always got.
#include "prosodyfixture.h"
#include "rawwebsocket.h"
#include "server.h"
#include "testmain.h"
#include "wsclient.h"

#include <QTest>

using namespace Switchboard;
using Switchboard::Test::RawWebSocket;

namespace {
QByteArray draftHeader(const QString &domain)
{
    return "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
           "xmlns:stream='http://etherx.jabber.org/streams' to='" +
           domain.toUtf8() + "' version='1.0' xml:lang='en'>";
}

/// Logs in the draft way: header, SASL PLAIN, a new header, bind. Returns the bound JID (empty on
/// failure); every message the client got is appended to `seen`.
QString draftLogin(RawWebSocket &ws, const QString &user, const QString &password, const QString &resource,
                   QList<QByteArray> *seen)
{
    auto expect = [&](const QByteArray &needle) {
        const QByteArray got = ws.waitForText(needle);
        if (!got.isEmpty())
            seen->append(got);
        return !got.isEmpty();
    };
    if (!ws.sendText(draftHeader(QStringLiteral("localhost"))) || !expect("<stream:stream") ||
        !expect("<stream:features"))
        return {};
    const QByteArray plain = '\0' + user.toUtf8() + '\0' + password.toUtf8();
    ws.sendText("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + plain.toBase64() +
                "</auth>");
    if (!expect("<success"))
        return {};
    if (!ws.sendText(draftHeader(QStringLiteral("localhost"))) || !expect("<stream:stream") ||
        !expect("<stream:features"))
        return {};
    // The draft's stanzas inherit jabber:client from the stream header.
    ws.sendText("<iq type='set' id='draftbind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>" +
                resource.toUtf8() + "</resource></bind></iq>");
    const QByteArray bound = ws.waitForText("<jid>");
    if (bound.isEmpty())
        return {};
    const qsizetype start = bound.indexOf("<jid>") + 5;
    return QString::fromUtf8(bound.mid(start, bound.indexOf("</jid>") - start));
}
} // namespace

class tst_WsLegacyFraming : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void draftClientLogsInAndExchangesMessages();
    void draftClientCloseIsAnsweredInKind();
    void draftOpenWithOptionOffGetsTheRfc7395Error();

private:
    Config baseConfig(bool legacy) const;

    ProsodyFixture m_prosody;
    std::unique_ptr<Server> m_legacy; ///< ws_legacy_framing = true
    std::unique_ptr<Server> m_strict; ///< the default
};

Config tst_WsLegacyFraming::baseConfig(bool legacy) const
{
    Config config;
    config.host = QStringLiteral("127.0.0.1");
    config.port = 0;
    config.routes = {Route{QStringLiteral("localhost"), QStringLiteral("127.0.0.1"), m_prosody.c2sPort()}};
    config.noTlsDomains = {QStringLiteral("localhost")};
    config.workers = ProsodyFixture::testWorkers();
    config.connectTimeout = 5;
    config.wsLegacyFraming = legacy;
    return config;
}

void tst_WsLegacyFraming::initTestCase()
{
    QVERIFY2(m_prosody.start({QStringLiteral("alice"), QStringLiteral("bob")}), "Prosody did not start");
    QString error;
    m_legacy = std::make_unique<Server>(baseConfig(true));
    QVERIFY2(m_legacy->start(&error), qPrintable(error));
    m_strict = std::make_unique<Server>(baseConfig(false));
    QVERIFY2(m_strict->start(&error), qPrintable(error));
}

void tst_WsLegacyFraming::cleanupTestCase()
{
    m_legacy.reset();
    m_strict.reset();
    m_prosody.stop();
}

void tst_WsLegacyFraming::draftClientLogsInAndExchangesMessages()
{
    RawWebSocket alice;
    QVERIFY(alice.open(m_legacy->port(), m_legacy->webSocketUrl().path().toUtf8()));
    QList<QByteArray> seen;
    const QString aliceJid =
        draftLogin(alice, QStringLiteral("alice"), m_prosody.password(QStringLiteral("alice")),
                   QStringLiteral("draft"), &seen);
    QVERIFY2(aliceJid.startsWith(QStringLiteral("alice@localhost/draft")), qPrintable(aliceJid));
    // Answered in the client's framing: stream headers, never RFC 7395's <open/>.
    for (const QByteArray &message : std::as_const(seen))
        QVERIFY2(!message.contains("urn:ietf:params:xml:ns:xmpp-framing"), message.constData());
    QVERIFY2(seen.first().startsWith("<stream:stream xmlns='jabber:client'"), seen.first().constData());
    QVERIFY(!seen.first().contains("/>"));

    // An RFC 7395 client on the same server is unaffected.
    WsClient bob(m_legacy->webSocketUrl());
    QVERIFY(bob.connectSocket());
    QString error;
    QVERIFY2(bob.login(QStringLiteral("localhost"), QStringLiteral("bob"),
                       m_prosody.password(QStringLiteral("bob")), &error, QStringLiteral("rfc")),
             qPrintable(error));
    QVERIFY(bob.rawMessages().first().startsWith("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'"));

    alice.sendText("<message type='chat' to='" + bob.jid().toUtf8() +
                   "' id='d1'><body>from the draft</body></message>");
    const QDomElement atBob = bob.waitFor(
        [](const QDomElement &e) { return e.attribute(QStringLiteral("id")) == QLatin1String("d1"); });
    QVERIFY(!atBob.isNull());
    QCOMPARE(atBob.attribute(QStringLiteral("from")), aliceJid);
    QCOMPARE(atBob.firstChildElement(QStringLiteral("body")).text(), QStringLiteral("from the draft"));

    bob.sendText("<message xmlns='jabber:client' type='chat' to='" + aliceJid.toUtf8() +
                 "' id='r1'><body>from RFC 7395</body></message>");
    const QByteArray atAlice = alice.waitForText("id='r1'");
    QVERIFY2(atAlice.contains("from RFC 7395"), atAlice.constData());
}

void tst_WsLegacyFraming::draftClientCloseIsAnsweredInKind()
{
    RawWebSocket ws;
    QVERIFY(ws.open(m_legacy->port(), m_legacy->webSocketUrl().path().toUtf8()));
    QList<QByteArray> seen;
    QVERIFY(!draftLogin(ws, QStringLiteral("alice"), m_prosody.password(QStringLiteral("alice")),
                        QStringLiteral("closing"), &seen)
                 .isEmpty());
    QVERIFY(ws.sendText("</stream:stream>"));
    QCOMPARE(ws.waitForText("</stream:stream>"), QByteArray("</stream:stream>"));
    QVERIFY(ws.waitForClose());
}

void tst_WsLegacyFraming::draftOpenWithOptionOffGetsTheRfc7395Error()
{
    RawWebSocket ws;
    QVERIFY(ws.open(m_strict->port(), m_strict->webSocketUrl().path().toUtf8()));
    QVERIFY(ws.sendText(draftHeader(QStringLiteral("localhost"))));
    // RFC 7395 §3.3.3: a message is one complete element; a bare stream header is not.
    const QByteArray error = ws.waitForText("<stream:error");
    QVERIFY2(error.contains("<not-well-formed"), error.constData());
    const QByteArray close = ws.nextText();
    QVERIFY2(close.startsWith("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'"), close.constData());
    QVERIFY(ws.waitForClose());
}

SWITCHBOARD_TEST_MAIN(tst_WsLegacyFraming)
#include "tst_ws_legacyframing.moc"
