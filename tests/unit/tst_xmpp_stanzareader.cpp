// SPDX-License-Identifier: GPL-3.0-or-later
// Proves that StanzaReader splits a server stream into standalone top-level elements whatever the
// split of the input (RFC 6120 §4.2, XEP-0206 §2, RFC 7395 §3.3.3), and refuses restricted XML.
#include "xmpp/stanzareader.h"

#include "xmpp/expatpool.h"

#include <QTest>

using Switchboard::Xmpp::StanzaReader;
using Event = StanzaReader::Event;

namespace {

const QByteArray kHeader = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                           "xmlns:stream='http://etherx.jabber.org/streams' id='abc' from='localhost' "
                           "version='1.0' xml:lang='en'>";

enum class Split { Whole, ByteByByte, Halves };

QList<Event> feedAll(StanzaReader &reader, const QByteArray &data, Split split)
{
    QList<Event> events;
    switch (split) {
    case Split::Whole:
        reader.feed(data, events);
        break;
    case Split::ByteByByte:
        for (qsizetype i = 0; i < data.size(); ++i)
            reader.feed(QByteArrayView(data).sliced(i, 1), events);
        break;
    case Split::Halves:
        reader.feed(QByteArrayView(data).first(data.size() / 2), events);
        reader.feed(QByteArrayView(data).sliced(data.size() / 2), events);
        break;
    }
    return events;
}

QByteArrayList elementsOf(const QList<Event> &events)
{
    QByteArrayList out;
    for (const Event &e : events) {
        if (e.type == Event::Element)
            out.append(e.xml);
    }
    return out;
}

} // namespace

class tst_XmppStanzaReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void elements_data();
    void elements();
    void header();
    void streamClosed();
    void nameAndNamespace();
    void refusals_data();
    void refusals();
    void sizeCap();
    void sizeCapNotHitBySmallStanzas();
    void keepalivesDoNotAccumulate();
    void restart();
    void largeChunk();
    void parserReleasedBetweenElements();
    void headerPrefixesAfterRelease();
    void everySplitAroundRelease();
    void checksAfterRelease_data();
    void checksAfterRelease();
    void sizeCapAfterRelease();
    void restartAfterRelease();
    void streamsTakeTurns();
};

void tst_XmppStanzaReader::elements_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArrayList>("expected");

    QTest::newRow("message gets default ns")
        << QByteArray("<message to='a@b'><body>hi</body></message>")
        << QByteArrayList{"<message xmlns='jabber:client' to='a@b'><body>hi</body></message>"};
    QTest::newRow("own default ns kept") << QByteArray("<iq xmlns='jabber:client' type='get' id='1'/>")
                                         << QByteArrayList{"<iq xmlns='jabber:client' type='get' id='1'/>"};
    QTest::newRow("empty element") << QByteArray("<presence/>")
                                   << QByteArrayList{"<presence xmlns='jabber:client'/>"};
    QTest::newRow("empty element with space")
        << QByteArray("<presence />") << QByteArrayList{"<presence xmlns='jabber:client' />"};
    QTest::newRow("two empty elements")
        << QByteArray("<presence/><presence type='unavailable'/>")
        << QByteArrayList{"<presence xmlns='jabber:client'/>",
                          "<presence xmlns='jabber:client' type='unavailable'/>"};
    QTest::newRow("features get xmlns:stream only")
        << QByteArray("<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/>"
                      "</starttls></stream:features>")
        << QByteArrayList{"<stream:features xmlns:stream='http://etherx.jabber.org/streams'><starttls "
                          "xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>"};
    QTest::newRow("empty features")
        << QByteArray("<stream:features/>")
        << QByteArrayList{"<stream:features xmlns:stream='http://etherx.jabber.org/streams'/>"};
    QTest::newRow("stream error")
        << QByteArray("<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                      "</stream:error>")
        << QByteArrayList{"<stream:error xmlns:stream='http://etherx.jabber.org/streams'><host-unknown "
                          "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"};
    QTest::newRow("stream prefix used by a descendant")
        << QByteArray("<message><stream:x/></message>")
        << QByteArrayList{"<message xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
                          "<stream:x/></message>"};
    QTest::newRow("own stream declaration kept")
        << QByteArray("<stream:features xmlns:stream='http://etherx.jabber.org/streams'/>")
        << QByteArrayList{"<stream:features xmlns:stream='http://etherx.jabber.org/streams'/>"};
    QTest::newRow("child in default ns needs it")
        << QByteArray("<stream:features><bind/></stream:features>")
        << QByteArrayList{"<stream:features xmlns='jabber:client' "
                          "xmlns:stream='http://etherx.jabber.org/streams'><bind/></stream:features>"};
    QTest::newRow("whitespace keepalives between stanzas")
        << QByteArray(" \n<presence/> \t <message/>\n")
        << QByteArrayList{"<presence xmlns='jabber:client'/>", "<message xmlns='jabber:client'/>"};
    QTest::newRow("utf-8 multibyte and entities kept as sent")
        << QByteArray("<message><body>h\xc3\xa9llo \xf0\x9f\x98\x80 &lt;&amp;&#x263A;</body></message>")
        << QByteArrayList{"<message xmlns='jabber:client'><body>h\xc3\xa9llo \xf0\x9f\x98\x80 "
                          "&lt;&amp;&#x263A;</body></message>"};
    QTest::newRow("cdata") << QByteArray("<message><body><![CDATA[<x>]]></body></message>")
                           << QByteArrayList{
                                  "<message xmlns='jabber:client'><body><![CDATA[<x>]]></body></message>"};
    QTest::newRow("nested same name")
        << QByteArray("<message><message><message/></message></message><iq/>")
        << QByteArrayList{"<message xmlns='jabber:client'><message><message/></message></message>",
                          "<iq xmlns='jabber:client'/>"};
    QTest::newRow("attribute with > and quotes")
        << QByteArray("<message id=\"a'>b\" to='x\"y'/>")
        << QByteArrayList{"<message xmlns='jabber:client' id=\"a'>b\" to='x\"y'/>"};
    QTest::newRow("prefixed element from own declaration")
        << QByteArray("<x:foo xmlns:x='urn:x'><x:bar/></x:foo>")
        << QByteArrayList{"<x:foo xmlns:x='urn:x'><x:bar/></x:foo>"};
    QTest::newRow("default ns undeclared in subtree")
        << QByteArray("<message><x xmlns=''/></message>")
        << QByteArrayList{"<message xmlns='jabber:client'><x xmlns=''/></message>"};
}

void tst_XmppStanzaReader::elements()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArrayList, expected);
    for (const Split split : {Split::Whole, Split::ByteByByte, Split::Halves}) {
        StanzaReader reader;
        const QList<Event> events = feedAll(reader, kHeader + input, split);
        QVERIFY(!reader.hasFailed());
        QVERIFY(!events.isEmpty());
        QCOMPARE(events.first().type, Event::StreamOpened);
        QCOMPARE(elementsOf(events), expected);
    }
}

void tst_XmppStanzaReader::header()
{
    StanzaReader reader;
    QList<Event> events;
    reader.feed(QByteArrayView(kHeader).first(30), events);
    QVERIFY(events.isEmpty());
    reader.feed(QByteArrayView(kHeader).sliced(30), events);
    QCOMPARE(events.size(), 1);
    const auto &h = events.first().header;
    QCOMPARE(h.id, u"abc");
    QCOMPARE(h.from, u"localhost");
    QCOMPARE(h.version, u"1.0");
    QCOMPARE(h.lang, u"en");
    QCOMPARE(h.defaultNamespace, u"jabber:client");
    QVERIFY(h.to.isEmpty());
}

void tst_XmppStanzaReader::streamClosed()
{
    for (const Split split : {Split::Whole, Split::ByteByByte}) {
        StanzaReader reader;
        const QList<Event> events =
            feedAll(reader, kHeader + "<presence/></stream:stream>trailing junk<", split);
        QCOMPARE(events.size(), 3);
        QCOMPARE(events.at(1).type, Event::Element);
        QCOMPARE(events.at(2).type, Event::StreamClosed);
        QVERIFY(!reader.hasFailed());
    }
}

void tst_XmppStanzaReader::nameAndNamespace()
{
    StanzaReader reader;
    QList<Event> events;
    reader.feed(QByteArray(kHeader + "<stream:features/><message/><x xmlns='urn:x'/>"), events);
    QCOMPARE(events.size(), 4);
    QCOMPARE(events.at(1).name, u"features");
    QCOMPARE(events.at(1).ns, u"http://etherx.jabber.org/streams");
    QCOMPARE(events.at(2).name, u"message");
    QCOMPARE(events.at(2).ns, u"jabber:client");
    QCOMPARE(events.at(3).ns, u"urn:x");
}

void tst_XmppStanzaReader::refusals_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("condition");
    QTest::newRow("doctype") << QByteArray("<!DOCTYPE stream:stream []>") + kHeader
                             << QStringLiteral("restricted-xml");
    QTest::newRow("entity declaration")
        << QByteArray(QByteArray("<!DOCTYPE s [<!ENTITY a 'aaaa'>]>") + kHeader + "<message>&a;</message>")
        << QStringLiteral("restricted-xml");
    QTest::newRow("undefined entity")
        << QByteArray(kHeader + "<message>&foo;</message>") << QStringLiteral("not-well-formed");
    QTest::newRow("processing instruction") << kHeader + "<?foo bar?>" << QStringLiteral("restricted-xml");
    QTest::newRow("comment") << kHeader + "<!-- hi -->" << QStringLiteral("restricted-xml");
    QTest::newRow("mismatched tag") << kHeader + "<message></iq>" << QStringLiteral("not-well-formed");
    QTest::newRow("undeclared prefix") << kHeader + "<x:message/>" << QStringLiteral("not-well-formed");
    QTest::newRow("wrong root") << QByteArray("<html><body/></html>") << QStringLiteral("invalid-namespace");
    QTest::newRow("invalid utf-8") << kHeader + "<message>\xff\xfe</message>"
                                   << QStringLiteral("not-well-formed");
    QTest::newRow("bad stream close") << kHeader + "</stream:foo>" << QStringLiteral("not-well-formed");
}

void tst_XmppStanzaReader::refusals()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, condition);
    for (const Split split : {Split::Whole, Split::ByteByByte}) {
        StanzaReader reader;
        const QList<Event> events = feedAll(reader, input, split);
        QVERIFY(reader.hasFailed());
        QVERIFY(!events.isEmpty());
        QCOMPARE(events.last().type, Event::Error);
        QCOMPARE(events.last().condition, condition);
        QVERIFY(!events.last().errorText.isEmpty());
        QCOMPARE(std::count_if(events.cbegin(), events.cend(),
                               [](const Event &e) { return e.type == Event::Error; }),
                 1);
        // Stays failed.
        QList<Event> more;
        reader.feed("<presence/>", more);
        QVERIFY(more.isEmpty());
    }
}

void tst_XmppStanzaReader::sizeCap()
{
    StanzaReader reader(1000);
    QList<Event> events;
    reader.feed(QByteArray(kHeader + "<message><body>"), events);
    QCOMPARE(events.size(), 1);
    const QByteArray chunk(100, 'x');
    for (int i = 0; i < 20 && !reader.hasFailed(); ++i)
        reader.feed(chunk, events);
    QVERIFY(reader.hasFailed());
    QCOMPARE(events.last().type, Event::Error);
    QCOMPARE(events.last().condition, u"policy-violation");

    // Also when the oversized element arrives complete in one feed.
    StanzaReader whole(1000);
    events.clear();
    whole.feed(QByteArray(kHeader + "<message>" + QByteArray(2000, 'x') + "</message>"), events);
    QVERIFY(whole.hasFailed());
    QCOMPARE(events.last().type, Event::Error);
}

void tst_XmppStanzaReader::sizeCapNotHitBySmallStanzas()
{
    StanzaReader reader(1000);
    QList<Event> events;
    reader.feed(kHeader, events);
    const QByteArray stanza = "<message><body>" + QByteArray(200, 'y') + "</body></message>";
    for (int i = 0; i < 100; ++i)
        reader.feed(stanza, events);
    QVERIFY(!reader.hasFailed());
    QCOMPARE(events.size(), 101);
}

void tst_XmppStanzaReader::keepalivesDoNotAccumulate()
{
    StanzaReader reader(100);
    QList<Event> events;
    reader.feed(kHeader, events);
    for (int i = 0; i < 1000; ++i)
        reader.feed(" ", events);
    QVERIFY(!reader.hasFailed());
    reader.feed("<presence/>", events);
    QCOMPARE(events.size(), 2);
}

void tst_XmppStanzaReader::restart()
{
    StanzaReader reader;
    QList<Event> events;
    reader.feed(QByteArray(kHeader + "<stream:features/><success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"),
                events);
    QCOMPARE(events.size(), 3);
    reader.reset();
    events.clear();
    // A new stream header (RFC 6120 §6.4.6), without an XML declaration and with another default ns.
    reader.feed("<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' "
                "id='second'><message/>",
                events);
    QCOMPARE(events.size(), 2);
    QCOMPARE(events.at(0).header.id, u"second");
    QCOMPARE(events.at(1).xml, "<message xmlns='jabber:server'/>");

    // reset() also clears a failure.
    reader.feed("<!-- -->", events);
    QVERIFY(reader.hasFailed());
    reader.reset();
    QVERIFY(!reader.hasFailed());
    events.clear();
    reader.feed(QByteArray(kHeader + "<iq/>"), events);
    QCOMPARE(events.size(), 2);
}

void tst_XmppStanzaReader::largeChunk()
{
    // More than one internal slice in one feed, with elements straddling slice borders.
    QByteArray data = kHeader;
    QByteArrayList expected;
    for (int i = 0; i < 3000; ++i) {
        const QByteArray body = QByteArray::number(i) + QByteArray(i % 97, 'z');
        data += "<message id='" + QByteArray::number(i) + "'><body>" + body + "</body></message>";
        expected += "<message xmlns='jabber:client' id='" + QByteArray::number(i) + "'><body>" + body +
                    "</body></message>";
    }
    StanzaReader reader;
    QList<Event> events;
    reader.feed(data, events);
    QVERIFY(!reader.hasFailed());
    QCOMPARE(elementsOf(events), expected);
}

void tst_XmppStanzaReader::parserReleasedBetweenElements()
{
    StanzaReader reader;
    QList<Event> events;
    QVERIFY(!reader.holdsParser());
    reader.feed(QByteArrayView(kHeader).first(20), events);
    QVERIFY(reader.holdsParser()); // the header is not complete
    reader.feed(QByteArrayView(kHeader).sliced(20), events);
    QVERIFY(!reader.holdsParser());
    reader.feed("<message><body>", events);
    QVERIFY(reader.holdsParser()); // inside an element
    reader.feed("hi</body></message>", events);
    QVERIFY(!reader.holdsParser());
    reader.feed(" ", events); // a keepalive
    QVERIFY(!reader.holdsParser());
    reader.feed("<presence/><mess", events);
    QVERIFY(reader.holdsParser()); // a start tag not complete
    reader.feed("age/>\r", events);
    QVERIFY(reader.holdsParser()); // Expat keeps a trailing CR until it sees what follows
    reader.feed("\n</stream:stream>", events);
    QVERIFY(!reader.holdsParser());
    QCOMPARE(elementsOf(events),
             (QByteArrayList{"<message xmlns='jabber:client'><body>hi</body></message>",
                             "<presence xmlns='jabber:client'/>", "<message xmlns='jabber:client'/>"}));
    QCOMPARE(events.last().type, Event::StreamClosed);

    // Also given back after an error.
    StanzaReader failing;
    events.clear();
    failing.feed(QByteArray(kHeader + "<message><!-- -->"), events);
    QVERIFY(failing.hasFailed());
    QVERIFY(!failing.holdsParser());
}

void tst_XmppStanzaReader::headerPrefixesAfterRelease()
{
    // Prefixes declared only on the stream header (the server-to-server dialback prefix, the stream
    // prefix) still resolve in stanzas read by a parser borrowed after the header's was given back.
    const QByteArray header = "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/"
                              "streams' xmlns:db='jabber:server:dialback' id='s2s'>";
    StanzaReader reader;
    QList<Event> events;
    reader.feed(header, events);
    QCOMPARE(events.size(), 1);
    QVERIFY(!reader.holdsParser());
    reader.feed("<db:result from='a.example' to='b.example'>key</db:result>", events);
    reader.feed("<stream:features><x xmlns:db='urn:other'><db:y/></x></stream:features>", events);
    reader.feed("<message><db:verify/></message>", events);
    QVERIFY(!reader.hasFailed());
    QCOMPARE(
        elementsOf(events),
        (QByteArrayList{
            "<db:result xmlns:db='jabber:server:dialback' from='a.example' to='b.example'>key</db:result>",
            "<stream:features xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams'><x "
            "xmlns:db='urn:other'>"
            "<db:y/></x></stream:features>",
            "<message xmlns='jabber:server' xmlns:db='jabber:server:dialback'><db:verify/></message>"}));
    QCOMPARE(events.at(1).ns, u"jabber:server:dialback");
    QCOMPARE(events.at(2).ns, u"http://etherx.jabber.org/streams");
    // A prefix the header did not declare is still refused.
    reader.feed("<x:message/>", events);
    QVERIFY(reader.hasFailed());
    QCOMPARE(events.last().condition, u"not-well-formed");
}

void tst_XmppStanzaReader::everySplitAroundRelease()
{
    // Two reads, split at every byte: the first read may end just after a stanza (the parser is
    // given back) or anywhere inside one; the result is the same as one read.
    const QByteArray body =
        "<presence/>\r\n<message to='a@b'><body>h\xc3\xa9 &amp; &#x263A;</body></message> "
        "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>"
        "<iq type='get' id='1'/>";
    StanzaReader whole;
    QList<Event> expected;
    whole.feed(QByteArray(kHeader + body), expected);
    QVERIFY(!whole.hasFailed());
    QCOMPARE(elementsOf(expected).size(), 4);
    for (qsizetype i = 0; i <= body.size(); ++i) {
        StanzaReader reader;
        QList<Event> events;
        reader.feed(kHeader, events);
        reader.feed(QByteArrayView(body).first(i), events);
        reader.feed(QByteArrayView(body).sliced(i), events);
        QVERIFY2(!reader.hasFailed(), qPrintable(QString::number(i)));
        QCOMPARE(elementsOf(events), elementsOf(expected));
        QVERIFY(!reader.holdsParser());
    }
}

void tst_XmppStanzaReader::checksAfterRelease_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("condition");
    QTest::newRow("undefined entity")
        << QByteArray("<message>&foo;</message>") << QStringLiteral("not-well-formed");
    QTest::newRow("comment") << QByteArray("<!-- hi -->") << QStringLiteral("restricted-xml");
    QTest::newRow("processing instruction") << QByteArray("<?foo bar?>") << QStringLiteral("restricted-xml");
    QTest::newRow("doctype inside the stream")
        << QByteArray("<!DOCTYPE x>") << QStringLiteral("not-well-formed");
    QTest::newRow("mismatched tag") << QByteArray("<message></iq>") << QStringLiteral("not-well-formed");
    QTest::newRow("bad stream close") << QByteArray("</stream:foo>") << QStringLiteral("not-well-formed");
    QTest::newRow("invalid utf-8") << QByteArray("<message>\xff</message>")
                                   << QStringLiteral("not-well-formed");
}

void tst_XmppStanzaReader::checksAfterRelease()
{
    // Refused the same way (condition and text, with the stream's line number) whether the parser
    // read the whole stream or was borrowed after the stanzas before.
    QFETCH(QByteArray, input);
    QFETCH(QString, condition);
    const QByteArray before = "\n<presence/>\n<message/>\n";
    StanzaReader whole;
    QList<Event> expected;
    whole.feed(QByteArray(kHeader + before + input), expected);
    QVERIFY(whole.hasFailed());
    QCOMPARE(expected.last().condition, condition);

    StanzaReader reader;
    QList<Event> events;
    reader.feed(kHeader, events);
    reader.feed(before, events);
    QVERIFY(!reader.holdsParser());
    reader.feed(input, events);
    QVERIFY(reader.hasFailed());
    QCOMPARE(events.size(), expected.size());
    QCOMPARE(events.last().condition, condition);
    QCOMPARE(events.last().errorText, expected.last().errorText);
}

void tst_XmppStanzaReader::sizeCapAfterRelease()
{
    // The cap counts the element's own bytes, not the replayed header's.
    StanzaReader reader(1000);
    QList<Event> events;
    reader.feed(kHeader, events);
    const QByteArray fits = "<message><body>" + QByteArray(1000 - 32, 'x') + "</body></message>";
    QCOMPARE(fits.size(), 1000);
    for (int i = 0; i < 3; ++i)
        reader.feed(fits, events);
    QVERIFY(!reader.hasFailed());
    QCOMPARE(elementsOf(events).size(), 3);
    reader.feed(QByteArray("<message><body>" + QByteArray(600, 'y')), events);
    reader.feed(QByteArray(QByteArray(600, 'y') + "</body></message>"), events);
    QVERIFY(reader.hasFailed());
    QCOMPARE(events.last().condition, u"policy-violation");
}

void tst_XmppStanzaReader::restartAfterRelease()
{
    StanzaReader reader;
    QList<Event> events;
    reader.feed(kHeader, events);
    reader.feed("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>", events);
    QVERIFY(!reader.holdsParser());
    // RFC 6120 §6.4.6: a new stream, whose header (not the old one) the next parser starts from.
    reader.reset();
    events.clear();
    reader.feed("<s:stream xmlns='jabber:server' xmlns:s='http://etherx.jabber.org/streams' id='2'>", events);
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.at(0).header.id, u"2");
    reader.feed("<message/>", events);
    reader.feed("<s:features/>", events);
    QVERIFY(!reader.hasFailed());
    QCOMPARE(elementsOf(events),
             (QByteArrayList{"<message xmlns='jabber:server'/>",
                             "<s:features xmlns:s='http://etherx.jabber.org/streams'/>"}));
    // The old stream's prefix is gone with it.
    reader.feed("<stream:features/>", events);
    QVERIFY(reader.hasFailed());
}

QTEST_APPLESS_MAIN(tst_XmppStanzaReader)
void tst_XmppStanzaReader::streamsTakeTurns()
{
    // A parser one stream leaves between two elements goes on with the next stream that declared the
    // same on its root (keepWarmParser()): streams that take turns read what each reads alone, and an
    // error names the stream's own line.
    const QByteArray server = "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/"
                              "streams' id='s2s'>";
    const QByteArrayList chunks = {"\n<presence/>", "\n<message to='a@b'><body>one</body></message>",
                                   "<iq type='get' id='1'><query xmlns='jabber:iq:roster'/></iq>\n",
                                   "<stream:features/>", "\n<message><x:y/></message>"};
    QList<Event> alone[3];
    const QByteArray headers[3] = {kHeader, kHeader, server};
    for (int s = 0; s < 3; ++s) {
        StanzaReader reader;
        reader.feed(QByteArray(headers[s] + chunks.join()), alone[s]);
        QVERIFY(reader.hasFailed()); // the last chunk's undeclared prefix
    }
    StanzaReader readers[3];
    QList<Event> events[3];
    for (int s = 0; s < 3; ++s)
        readers[s].feed(headers[s], events[s]);
    for (const QByteArray &chunk : chunks) {
        for (int s = 0; s < 3; ++s) {
            readers[s].feed(chunk, events[s]);
            QVERIFY(!readers[s].holdsParser());
        }
        // The heap trim frees the warm parsers: the streams go on in new ones.
        if (chunk == chunks.at(1))
            Switchboard::Xmpp::releaseIdleParsers();
    }
    for (int s = 0; s < 3; ++s) {
        QVERIFY(readers[s].hasFailed());
        QCOMPARE(elementsOf(events[s]), elementsOf(alone[s]));
        QCOMPARE(events[s].size(), alone[s].size());
        QCOMPARE(events[s].last().errorText, alone[s].last().errorText);
    }
    QCOMPARE(elementsOf(events[2]).first(), QByteArray("<presence xmlns='jabber:server'/>"));
}

#include "tst_xmpp_stanzareader.moc"
