// SPDX-License-Identifier: GPL-3.0-or-later
// Proves the BOSH <body/> wrapper rules: XEP-0124 §7 (one body root, attributes), XEP-0206 (xmpp:*
// attributes, payloads made standalone in jabber:client), and the wrapper rules of XEP-0124 (refusals).
#include "bosh/boshbody.h"
#include "xmpp/expatpool.h"

#include <QHash>
#include <QTest>

using namespace Switchboard::Bosh;

class tst_BoshBody : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sessionRequest();
    void restartRequest();
    void payloads_data();
    void payloads();
    void refusals_data();
    void refusals();
    void depthLimit();
    void oneAfterAnother();
    void buildEmpty();
    void buildWithPayloadsAndXmpp();
    void buildEscapes();
    void escapeAttribute_data();
    void escapeAttribute();
    void roundTrip();
};

void tst_BoshBody::sessionRequest()
{
    const QByteArray data =
        "<?xml version='1.0' encoding='utf-8'?>\n"
        "<body content='text/xml; charset=utf-8' hold='1' rid='1573741820' to='localhost' "
        "route='xmpp:localhost:5222' ver='1.6' wait='60' ack='1' xml:lang='en' "
        "xmpp:version='1.0' xmlns='http://jabber.org/protocol/httpbind' "
        "xmlns:xmpp='urn:xmpp:xbosh'/>";
    Body body;
    QString error;
    QVERIFY2(parseBody(data, &body, &error), qPrintable(error));
    QCOMPARE(body.attribute(QStringLiteral("rid")), u"1573741820");
    QCOMPARE(body.attribute(QStringLiteral("to")), u"localhost");
    QCOMPARE(body.attribute(QStringLiteral("route")), u"xmpp:localhost:5222");
    QCOMPARE(body.attribute(QStringLiteral("hold")), u"1");
    QCOMPARE(body.attribute(QStringLiteral("wait")), u"60");
    QCOMPARE(body.attribute(QStringLiteral("ver")), u"1.6");
    QCOMPARE(body.attribute(QStringLiteral("xml:lang")), u"en");
    QCOMPARE(body.attribute(QStringLiteral("xmpp:version")), u"1.0");
    QCOMPARE(body.attribute(QStringLiteral("content")), u"text/xml; charset=utf-8");
    QVERIFY(body.has(QStringLiteral("ack")));
    QVERIFY(!body.has(QStringLiteral("sid")));
    QVERIFY(body.payloads.isEmpty());
}

void tst_BoshBody::restartRequest()
{
    // XEP-0206 §5: the prefix is the client's choice; only the namespace matters.
    const QByteArray data = "<body rid='2' sid='abc' to='localhost' x:restart='true' xml:lang='de' "
                            "xmlns='http://jabber.org/protocol/httpbind' xmlns:x='urn:xmpp:xbosh'/>";
    Body body;
    QString error;
    QVERIFY2(parseBody(data, &body, &error), qPrintable(error));
    QCOMPARE(body.attribute(QStringLiteral("xmpp:restart")), u"true");
    QCOMPARE(body.attribute(QStringLiteral("xml:lang")), u"de");
    QCOMPARE(body.attribute(QStringLiteral("sid")), u"abc");
}

void tst_BoshBody::payloads_data()
{
    QTest::addColumn<QByteArray>("inner");
    QTest::addColumn<QByteArrayList>("expected");
    QTest::newRow("none") << QByteArray() << QByteArrayList{};
    QTest::newRow("whitespace only") << QByteArray(" \r\n\t ") << QByteArrayList{};
    QTest::newRow("message gets jabber:client")
        << QByteArray("<message to='bob@localhost' type='chat'><body>hi &amp; bye</body></message>")
        << QByteArrayList{"<message xmlns='jabber:client' to='bob@localhost' type='chat'><body>hi &amp; "
                          "bye</body></message>"};
    QTest::newRow("own namespace kept")
        << QByteArray("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGFsaWNl</auth>")
        << QByteArrayList{"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGFsaWNl</auth>"};
    QTest::newRow("explicit jabber:client kept") << QByteArray("<presence xmlns='jabber:client'/>")
                                                 << QByteArrayList{"<presence xmlns='jabber:client'/>"};
    QTest::newRow("several, empty elements, whitespace between")
        << QByteArray(" <presence/>\n<iq type='get' id='1'><query xmlns='jabber:iq:roster'/></iq> ")
        << QByteArrayList{
               "<presence xmlns='jabber:client'/>",
               "<iq xmlns='jabber:client' type='get' id='1'><query xmlns='jabber:iq:roster'/></iq>"};
    QTest::newRow("utf-8")
        << QByteArray("<message><body>gr\xc3\xbc\xc3\x9f \xf0\x9f\x91\x8b</body></message>")
        << QByteArrayList{
               "<message xmlns='jabber:client'><body>gr\xc3\xbc\xc3\x9f \xf0\x9f\x91\x8b</body></message>"};
    QTest::newRow("prefix declared on body travels with the payload")
        << QByteArray("<xmpp:foo/>") << QByteArrayList{"<xmpp:foo xmlns:xmpp='urn:xmpp:xbosh'/>"};
}

void tst_BoshBody::payloads()
{
    QFETCH(QByteArray, inner);
    QFETCH(QByteArrayList, expected);
    const QByteArray data = "<body rid='3' sid='s' xmlns='http://jabber.org/protocol/httpbind' "
                            "xmlns:xmpp='urn:xmpp:xbosh'>" +
                            inner + "</body>";
    Body body;
    QString error;
    QVERIFY2(parseBody(data, &body, &error), qPrintable(error));
    QCOMPARE(body.payloads, expected);
    QCOMPARE(body.attribute(QStringLiteral("rid")), u"3");
}

void tst_BoshBody::refusals_data()
{
    QTest::addColumn<QByteArray>("data");
    const QByteArray open = "<body rid='1' xmlns='http://jabber.org/protocol/httpbind'>";
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("whitespace") << QByteArray("  ");
    QTest::newRow("not well-formed") << QByteArray(open + "<message></body>");
    QTest::newRow("unclosed") << QByteArray(open + "<message/>");
    QTest::newRow("wrong root name") << QByteArray("<bodyx xmlns='http://jabber.org/protocol/httpbind'/>");
    QTest::newRow("wrong root namespace") << QByteArray("<body xmlns='jabber:client'/>");
    QTest::newRow("root without namespace") << QByteArray("<body rid='1'/>");
    QTest::newRow("character data in body") << QByteArray(open + "hello</body>");
    QTest::newRow("character data after a child") << QByteArray(open + "<presence/>x</body>");
    QTest::newRow("doctype") << QByteArray("<!DOCTYPE body>" + open + "</body>");
    QTest::newRow("entity declaration")
        << QByteArray("<!DOCTYPE body [<!ENTITY e 'x'>]>" + open + "<message>&e;</message></body>");
    QTest::newRow("undefined entity") << QByteArray(open + "<message>&nbsp;</message></body>");
    QTest::newRow("processing instruction") << QByteArray(open + "<?pi data?></body>");
    QTest::newRow("comment") << QByteArray(open + "<!-- c --></body>");
    QTest::newRow("two roots") << QByteArray(open + "</body>" + open + "</body>");
    QTest::newRow("invalid utf-8") << QByteArray(open + "<message>\xc3</message></body>");
    QTest::newRow("undeclared prefix") << QByteArray(open + "<foo:bar/></body>");
}

void tst_BoshBody::refusals()
{
    QFETCH(QByteArray, data);
    Body body;
    body.attributes.insert(QStringLiteral("untouched"), QStringLiteral("yes"));
    QString error;
    QVERIFY(!parseBody(data, &body, &error));
    QVERIFY(!error.isEmpty());
    QCOMPARE(body.attribute(QStringLiteral("untouched")), u"yes");
}

void tst_BoshBody::depthLimit()
{
    QByteArray inner;
    for (int i = 0; i < 10; ++i)
        inner += "<a>";
    for (int i = 0; i < 10; ++i)
        inner += "</a>";
    const QByteArray data = "<body xmlns='http://jabber.org/protocol/httpbind'>" + inner + "</body>";
    Body body;
    QString error;
    QVERIFY(parseBody(data, &body, &error, 11));
    QVERIFY(!parseBody(data, &body, &error, 10));
    QVERIFY(error.contains(u"nesting"));
}

void tst_BoshBody::oneAfterAnother()
{
    // Bodies are parsed one after the other in one long Expat document per thread (SeriesParser):
    // whatever came before, each gets the verdict and the error text it gets alone.
    const QByteArray open = "<body rid='1' xmlns='http://jabber.org/protocol/httpbind'>";
    const QByteArray good = open + "<message to='a@b'><body>x</body></message></body>";
    const QList<QByteArray> bad = {open + "<message></body>", open + "<message/>",
                                   open + "hi</body>",        open + "</body>" + open + "</body>",
                                   open + "</body>x",         "x" + open + "</body>",
                                   open + "<foo:bar/></body>"};
    QHash<QByteArray, QString> alone;
    for (const QByteArray &data : bad) {
        QString error;
        QVERIFY(!parseBody(data, nullptr, &error));
        alone.insert(data, error);
    }
    for (int round = 0; round < 3; ++round) {
        if (round == 1)
            Switchboard::Xmpp::releaseIdleParsers(); // the heap trim: the next body gets a new series parser
        for (const QByteArray &data : bad) {
            Body body;
            QVERIFY2(parseBody(good, &body, nullptr), data.constData());
            QCOMPARE(body.payloads,
                     QByteArrayList{"<message xmlns='jabber:client' to='a@b'><body>x</body></message>"});
            QString error;
            QVERIFY(!parseBody(data, &body, &error));
            QCOMPARE(error, alone.value(data));
        }
    }
    // An XML declaration may open a body (only a document's first bytes may hold one).
    Body body;
    QVERIFY(parseBody(QByteArray("<?xml version='1.0'?>" + good), &body, nullptr));
    QCOMPARE(body.payloads.size(), 1);
    // Namespace declarations stay inside their body: a prefix declared by one is unknown to the next.
    QVERIFY(parseBody("<body xmlns='http://jabber.org/protocol/httpbind' xmlns:p='urn:p'><p:x/></body>",
                      &body, nullptr));
    QCOMPARE(body.payloads, QByteArrayList{"<p:x xmlns:p='urn:p'/>"});
    QVERIFY(!parseBody(QByteArray(open + "<p:x/></body>"), &body, nullptr));
    // Past the bytes after which the series parser is replaced, with new names all along.
    for (int i = 0; i < 4000; ++i) {
        const QByteArray name = "n" + QByteArray::number(i);
        const QByteArray data =
            open + '<' + name + " a" + QByteArray::number(i) + "='" + QByteArray(200, 'v') + "'/></body>";
        QVERIFY(parseBody(data, &body, nullptr));
        QCOMPARE(body.payloads.size(), 1);
        QVERIFY(body.payloads.first().startsWith(QByteArray('<' + name + " xmlns='jabber:client'")));
    }
}

void tst_BoshBody::buildEmpty()
{
    QCOMPARE(buildBody({}), "<body xmlns='http://jabber.org/protocol/httpbind'/>");
    QCOMPARE(
        buildBody({{QStringLiteral("type"), QStringLiteral("terminate")},
                   {QStringLiteral("condition"), QStringLiteral("item-not-found")}}),
        "<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' condition='item-not-found'/>");
}

void tst_BoshBody::buildWithPayloadsAndXmpp()
{
    const QByteArray features = "<stream:features xmlns:stream='http://etherx.jabber.org/streams'/>";
    const QByteArray built = buildBody({{QStringLiteral("sid"), QStringLiteral("s1")},
                                        {QStringLiteral("xmpp:version"), QStringLiteral("1.0")},
                                        {QStringLiteral("xmpp:restartlogic"), QStringLiteral("true")}},
                                       {features, "<message xmlns='jabber:client'/>"});
    QCOMPARE(built, "<body xmlns='http://jabber.org/protocol/httpbind' xmlns:xmpp='urn:xmpp:xbosh' "
                    "xmlns:stream='http://etherx.jabber.org/streams' sid='s1' xmpp:version='1.0' "
                    "xmpp:restartlogic='true'>" +
                        features + "<message xmlns='jabber:client'/></body>");
}

void tst_BoshBody::buildEscapes()
{
    const QByteArray built = buildBody({{QStringLiteral("from"), QStringLiteral("a'b\"<c>&d")}});
    QCOMPARE(built,
             "<body xmlns='http://jabber.org/protocol/httpbind' from='a&apos;b&quot;&lt;c&gt;&amp;d'/>");
}

void tst_BoshBody::escapeAttribute_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("plain") << QStringLiteral("abc") << QByteArray("abc");
    QTest::newRow("empty") << QString() << QByteArray();
    QTest::newRow("all five") << QStringLiteral("&<>\"'") << QByteArray("&amp;&lt;&gt;&quot;&apos;");
    QTest::newRow("utf-8") << QString::fromUtf8("\xc3\xa9&") << QByteArray("\xc3\xa9&amp;");
}

void tst_BoshBody::escapeAttribute()
{
    QFETCH(QString, value);
    QFETCH(QByteArray, expected);
    QCOMPARE(Switchboard::Bosh::escapeAttribute(value), expected);
}

void tst_BoshBody::roundTrip()
{
    const QByteArray built = buildBody({{QStringLiteral("rid"), QStringLiteral("7")},
                                        {QStringLiteral("xmpp:restart"), QStringLiteral("true")},
                                        {QStringLiteral("to"), QStringLiteral("x'&y")}},
                                       {"<message xmlns='jabber:client'><body>1</body></message>"});
    Body body;
    QString error;
    QVERIFY2(parseBody(built, &body, &error), qPrintable(error));
    QCOMPARE(body.attribute(QStringLiteral("to")), u"x'&y");
    QCOMPARE(body.attribute(QStringLiteral("xmpp:restart")), u"true");
    QCOMPARE(body.payloads, QByteArrayList{"<message xmlns='jabber:client'><body>1</body></message>"});
}

QTEST_APPLESS_MAIN(tst_BoshBody)
#include "tst_bosh_body.moc"
