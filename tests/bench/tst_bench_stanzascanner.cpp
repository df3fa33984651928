// SPDX-License-Identifier: GPL-3.0-or-later
// The capacity server's StanzaScanner: element boundaries in any split, quotes and CDATA that hide
// markup, the stream restart after SASL, its cap, and the attribute helpers the server routes with.
#include "stanzascanner.h"

#include <QTest>

using namespace Switchboard::Bench;
using Event = StanzaScanner::Event;

namespace {
/// Feeds `bytes` in chunks of `chunk` and records every event as "kind:bytes".
QStringList scan(StanzaScanner &scanner, QByteArrayView bytes, qsizetype chunk)
{
    QStringList events;
    for (qsizetype i = 0; i < bytes.size(); i += chunk) {
        scanner.append(bytes.sliced(i, std::min(chunk, bytes.size() - i)));
        while (true) {
            const StanzaScanner::Token t = scanner.next();
            if (t.event == Event::NeedMore)
                break;
            const char *kind = t.event == Event::StreamOpened   ? "open"
                               : t.event == Event::Element      ? "element"
                               : t.event == Event::StreamClosed ? "close"
                                                                : "error";
            events << QString::fromLatin1(kind) + QLatin1Char(':') + QString::fromUtf8(t.bytes.toByteArray());
            if (t.event == Event::Error)
                return events;
        }
    }
    return events;
}
} // namespace

class tst_BenchStanzaScanner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void splitsAStreamInAnySplit_data();
    void splitsAStreamInAnySplit();
    void restartReadsANewHeader();
    void refusesCommentsAndOversizeElements();
    void attributes();
};

void tst_BenchStanzaScanner::splitsAStreamInAnySplit_data()
{
    QTest::addColumn<int>("chunk");
    QTest::newRow("one byte at a time") << 1;
    QTest::newRow("seven") << 7;
    QTest::newRow("all at once") << 100000;
}

void tst_BenchStanzaScanner::splitsAStreamInAnySplit()
{
    QFETCH(int, chunk);
    const QByteArray stream =
        "<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client'>  \n"
        "<message to='a@b/c' id='x>y'><body>1 &gt; 0 <![CDATA[</message><x>]]></body><x a=\"'/>\"/></message>"
        "<presence/>"
        "<iq type='get' id='2'><query xmlns='q'><item/></query></iq>"
        "</stream:stream>";
    StanzaScanner scanner;
    QCOMPARE(
        scan(scanner, stream, chunk),
        (QStringList{
            QStringLiteral("open:<stream:stream to='localhost' xmlns='jabber:client'>"),
            QStringLiteral("element:<message to='a@b/c' id='x>y'><body>1 &gt; 0 <![CDATA[</message><x>]]>"
                           "</body><x a=\"'/>\"/></message>"),
            QStringLiteral("element:<presence/>"),
            QStringLiteral("element:<iq type='get' id='2'><query xmlns='q'><item/></query></iq>"),
            QStringLiteral("close:"),
        }));
}

void tst_BenchStanzaScanner::restartReadsANewHeader()
{
    StanzaScanner scanner;
    // The new header arrives in the same read as the <auth/> that precedes it.
    scanner.append("<stream:stream><auth mechanism='PLAIN'>AGEAYg==</auth><?xml version='1.0'?>"
                   "<stream:stream to='d'><iq/>");
    QCOMPARE(scanner.next().event, Event::StreamOpened);
    QCOMPARE(scanner.next().bytes, QByteArrayView("<auth mechanism='PLAIN'>AGEAYg==</auth>"));
    scanner.restart();
    const StanzaScanner::Token header = scanner.next();
    QCOMPARE(header.event, Event::StreamOpened);
    QCOMPARE(header.bytes, QByteArrayView("<stream:stream to='d'>"));
    QCOMPARE(scanner.next().bytes, QByteArrayView("<iq/>"));
    QCOMPARE(scanner.next().event, Event::NeedMore);
}

void tst_BenchStanzaScanner::refusesCommentsAndOversizeElements()
{
    StanzaScanner comments;
    QCOMPARE(scan(comments, "<stream:stream><!-- no --><a/>", 3).constLast(), QStringLiteral("error:"));

    StanzaScanner capped(64);
    const QByteArray oversize = "<stream:stream><a/><message><body>" + QByteArray(100, 'x');
    const QStringList events = scan(capped, oversize, 10);
    QCOMPARE(events.size(), 3);
    QCOMPARE(events.at(1), QStringLiteral("element:<a/>"));
    QCOMPARE(events.at(2), QStringLiteral("error:"));
    QVERIFY(capped.pending() > 64);
}

void tst_BenchStanzaScanner::attributes()
{
    const QByteArray element = "<message  id=\"a'b\" to='x&amp;y@d/r' from='f'><body to='no'/></message>";
    QCOMPARE(elementName(element), QByteArrayView("message"));
    QCOMPARE(attributeValue(element, "id"), QByteArrayView("a'b"));
    QCOMPARE(xmlUnescaped(attributeValue(element, "to")), QByteArray("x&y@d/r"));
    QCOMPARE(attributeValue(element, "type"), QByteArrayView());
    const AttributeSpan from = findAttribute(startTag(element), "from");
    QVERIFY(from.found);
    QCOMPARE(element.sliced(from.begin, from.end - from.begin), QByteArray(" from='f'"));
    QCOMPARE(xmlUnescaped("&#x41;&#66;&lt;&quot;"), QByteArray("AB<\""));
    QCOMPARE(xmlEscaped("<'&\">"), QByteArray("&lt;&apos;&amp;&quot;&gt;"));
}

QTEST_GUILESS_MAIN(tst_BenchStanzaScanner)
#include "tst_bench_stanzascanner.moc"
