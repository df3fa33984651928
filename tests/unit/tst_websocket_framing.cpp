// SPDX-License-Identifier: GPL-3.0-or-later
// RFC 7395 framing both ways: <open/>/<close/> instead of the stream header, one element per message,
// namespaces explicit, stream errors standalone.
#include "websocket/framing.h"

#include <QHash>
#include <QTest>
#include <QXmlStreamReader>

using namespace Switchboard;
using namespace Switchboard::WebSocket;

class tst_WebSocketFraming : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void classifies_data();
    void classifies();
    void openAttributes();
    void addsJabberClientNamespace();
    void keepsDeclaredNamespaceBytes();
    void refuses_data();
    void refuses();
    void oneAfterAnother();
    void openFrameFromStreamHeader();
    void closeFrameWithSeeOtherUri();
    void streamErrorIsStandalone();
};

void tst_WebSocketFraming::classifies_data()
{
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("name");
    QTest::newRow("open") << QByteArray("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.com' "
                                        "version='1.0'/>")
                          << int(Frame::Kind::Open) << "open";
    QTest::newRow("close") << QByteArray("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>")
                           << int(Frame::Kind::Close) << "close";
    QTest::newRow("message") << QByteArray(
                                    "<message xmlns='jabber:client' to='a@b'><body>hi</body></message>")
                             << int(Frame::Kind::Element) << "message";
    QTest::newRow("sasl auth") << QByteArray(
                                      "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
                                      "AGEAYg==</auth>")
                               << int(Frame::Kind::Element) << "auth";
    QTest::newRow("open in other ns is an element")
        << QByteArray("<open xmlns='jabber:client'/>") << int(Frame::Kind::Element) << "open";
    QTest::newRow("whitespace around")
        << QByteArray("  <presence xmlns='jabber:client'/>\n") << int(Frame::Kind::Element) << "presence";
}

void tst_WebSocketFraming::classifies()
{
    QFETCH(QByteArray, message);
    Frame frame;
    QString error;
    QVERIFY2(parseFrame(message, &frame, &error), qPrintable(error));
    QFETCH(int, kind);
    QCOMPARE(int(frame.kind), kind);
    QTEST(frame.name, "name");
}

void tst_WebSocketFraming::openAttributes()
{
    Frame frame;
    QVERIFY(parseFrame("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.com' version='1.0' "
                       "xml:lang='de' from='a@example.com'/>",
                       &frame, nullptr));
    QCOMPARE(frame.attrs.value(QStringLiteral("to")), QStringLiteral("example.com"));
    QCOMPARE(frame.attrs.value(QStringLiteral("version")), QStringLiteral("1.0"));
    QCOMPARE(frame.attrs.value(QStringLiteral("xml:lang")), QStringLiteral("de"));
    QCOMPARE(frame.attrs.value(QStringLiteral("from")), QStringLiteral("a@example.com"));
}

void tst_WebSocketFraming::addsJabberClientNamespace()
{
    Frame frame;
    QVERIFY(parseFrame("<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>", &frame, nullptr));
    QCOMPARE(frame.ns, QStringLiteral("jabber:client"));
    QXmlStreamReader reader(frame.xml);
    QVERIFY(reader.readNextStartElement());
    QCOMPARE(reader.namespaceUri(), QStringLiteral("jabber:client"));
    QCOMPARE(reader.attributes().value(QStringLiteral("id")), QStringLiteral("1"));
}

void tst_WebSocketFraming::keepsDeclaredNamespaceBytes()
{
    const QByteArray message = "<message xmlns='jabber:client' id='x'><body>&lt;&amp;</body></message>";
    Frame frame;
    QVERIFY(parseFrame(message, &frame, nullptr));
    QCOMPARE(frame.xml, message);
    // A stanza goes on as its bytes: its attributes are not read into the frame (only <open/>'s and
    // <close/>'s are).
    QVERIFY(frame.attrs.isEmpty());
}

void tst_WebSocketFraming::refuses_data()
{
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("partial") << QByteArray("<message xmlns='jabber:client'><body>hi</body>");
    QTest::newRow("two elements") << QByteArray(
        "<presence xmlns='jabber:client'/><presence xmlns='jabber:client'/>");
    QTest::newRow("text only") << QByteArray("hello");
    QTest::newRow("empty") << QByteArray("");
    QTest::newRow("stream header") << QByteArray(
        "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
        "xmlns='jabber:client' to='x'>");
    QTest::newRow("doctype") << QByteArray(
        "<!DOCTYPE m [<!ENTITY x 'y'>]><message xmlns='jabber:client'>&x;</message>");
    QTest::newRow("undefined entity") << QByteArray("<message xmlns='jabber:client'>&nbsp;</message>");
    QTest::newRow("processing instruction") << QByteArray("<?foo bar?><message xmlns='jabber:client'/>");
    QTest::newRow("comment") << QByteArray("<message xmlns='jabber:client'><!-- c --></message>");
    QTest::newRow("unbound prefix") << QByteArray("<x:message/>");
    QTest::newRow("text after") << QByteArray("<presence xmlns='jabber:client'/>junk");
    QTest::newRow("invalid utf-8") << QByteArray("<message xmlns='jabber:client'>\xff\xfe</message>");
    QByteArray deep;
    for (int i = 0; i < 100; ++i)
        deep += "<a>";
    QTest::newRow("too deep") << deep;
}

void tst_WebSocketFraming::refuses()
{
    QFETCH(QByteArray, message);
    Frame frame;
    QString error;
    QVERIFY(!parseFrame(message, &frame, &error));
    QVERIFY(!error.isEmpty());
}

void tst_WebSocketFraming::oneAfterAnother()
{
    // Messages are parsed one after the other in one long Expat document per thread (SeriesParser):
    // whatever came before, each gets the verdict and the error text it gets alone.
    const QByteArray good = "<message to='a@b'><body>x</body></message>";
    const QList<QByteArray> bad = {"<message xmlns='jabber:client'><body>hi</body>",
                                   "<presence/><presence/>",
                                   "hello",
                                   "<presence/>junk",
                                   "junk<presence/>",
                                   "<x:message/>",
                                   ""};
    QHash<QByteArray, QString> alone;
    Frame frame;
    for (const QByteArray &message : bad) {
        QString error;
        QVERIFY(!parseFrame(message, &frame, &error));
        alone.insert(message, error);
    }
    for (int round = 0; round < 3; ++round) {
        for (const QByteArray &message : bad) {
            QVERIFY(parseFrame(good, &frame, nullptr));
            QCOMPARE(frame.xml,
                     QByteArray("<message xmlns='jabber:client' to='a@b'><body>x</body></message>"));
            QString error;
            QVERIFY(!parseFrame(message, &frame, &error));
            QCOMPARE(error, alone.value(message));
        }
    }
    // A default namespace declared by one message does not carry over to the next.
    QVERIFY(parseFrame("<iq xmlns='jabber:server'/>", &frame, nullptr));
    QCOMPARE(frame.ns, u"jabber:server");
    QVERIFY(parseFrame("  <iq/> ", &frame, nullptr));
    QCOMPARE(frame.ns, u"jabber:client");
    QCOMPARE(frame.xml, QByteArray("  <iq xmlns='jabber:client'/> "));
}

void tst_WebSocketFraming::openFrameFromStreamHeader()
{
    Xmpp::StreamHeader header;
    header.from = QStringLiteral("example.com");
    header.id = QStringLiteral("abc'123");
    header.version = QStringLiteral("1.0");
    const QByteArray open = openFrame(header, QStringLiteral("en"));
    Frame frame;
    QVERIFY2(parseFrame(open, &frame, nullptr), open.constData());
    QCOMPARE(int(frame.kind), int(Frame::Kind::Open));
    QCOMPARE(frame.attrs.value(QStringLiteral("from")), QStringLiteral("example.com"));
    QCOMPARE(frame.attrs.value(QStringLiteral("id")), QStringLiteral("abc'123"));
    QCOMPARE(frame.attrs.value(QStringLiteral("version")), QStringLiteral("1.0"));
    QCOMPARE(frame.attrs.value(QStringLiteral("xml:lang")), QStringLiteral("en"));
    QVERIFY(!open.contains("stream:stream"));
}

void tst_WebSocketFraming::closeFrameWithSeeOtherUri()
{
    Frame frame;
    QVERIFY(parseFrame(closeFrame(), &frame, nullptr));
    QCOMPARE(int(frame.kind), int(Frame::Kind::Close));
    QVERIFY(frame.attrs.isEmpty());
    QVERIFY(parseFrame(closeFrame(QStringLiteral("wss://other.example/xmpp?a=1&b=2")), &frame, nullptr));
    QCOMPARE(frame.attrs.value(QStringLiteral("see-other-uri")),
             QStringLiteral("wss://other.example/xmpp?a=1&b=2"));
}

void tst_WebSocketFraming::streamErrorIsStandalone()
{
    const QByteArray error =
        streamErrorFrame(QStringLiteral("policy-violation"), QStringLiteral("too <big>"));
    QXmlStreamReader reader(error);
    QVERIFY(reader.readNextStartElement());
    QCOMPARE(reader.namespaceUri(), QStringLiteral("http://etherx.jabber.org/streams"));
    QCOMPARE(reader.name(), QStringLiteral("error"));
    QVERIFY(reader.readNextStartElement());
    QCOMPARE(reader.name(), QStringLiteral("policy-violation"));
    QCOMPARE(reader.namespaceUri(), QStringLiteral("urn:ietf:params:xml:ns:xmpp-streams"));
    reader.skipCurrentElement();
    QVERIFY(reader.readNextStartElement());
    QCOMPARE(reader.readElementText(), QStringLiteral("too <big>"));
}

QTEST_GUILESS_MAIN(tst_WebSocketFraming)
#include "tst_websocket_framing.moc"
