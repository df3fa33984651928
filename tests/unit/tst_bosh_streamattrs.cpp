// SPDX-License-Identifier: GPL-3.0-or-later
// Proves what node-xmpp-bosh's `stream_attrs` (on a XEP-0206 §5 restart request) may add to the stream
// header sent to the server: a flat JSON object of strings with plain XML names, never the header's own
// attributes (to, from, version, id, xmlns, xml*), under a size cap.
#include "bosh/streamattrs.h"

#include <QTest>

using namespace Switchboard;
using namespace Switchboard::Bosh;

class tst_BoshStreamAttrs : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void accepted_data();
    void accepted();
    void refused_data();
    void refused();
};

void tst_BoshStreamAttrs::accepted_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QStringList>("expected"); // name=value, in order

    QTest::newRow("empty object") << QStringLiteral("{}") << QStringList{};
    QTest::newRow("one") << QStringLiteral("{\"x-client\":\"legacy\"}")
                         << QStringList{QStringLiteral("x-client=legacy")};
    QTest::newRow("two, sorted by name") << QStringLiteral("{\"b.c\":\"2\",\"_a\":\"1\"}")
                                         << QStringList{QStringLiteral("_a=1"), QStringLiteral("b.c=2")};
    QTest::newRow("markup in a value is kept (escaped when written)")
        << QStringLiteral("{\"note\":\"a'<b>&\\\"c\"}") << QStringList{QStringLiteral("note=a'<b>&\"c")};
    QTest::newRow("tab and newline") << QStringLiteral("{\"n\":\"a\\tb\\nc\"}")
                                     << QStringList{QStringLiteral("n=a\tb\nc")};
    QTest::newRow("non-ASCII value") << QStringLiteral("{\"name\":\"Zoë\"}")
                                     << QStringList{QStringLiteral("name=Zoë")};
}

void tst_BoshStreamAttrs::accepted()
{
    QFETCH(QString, json);
    QFETCH(QStringList, expected);
    QString why;
    const std::optional<Xmpp::StreamAttributes> parsed = parseStreamAttrs(json, &why);
    QVERIFY2(parsed, qPrintable(why));
    QStringList got;
    for (const auto &[name, value] : *parsed)
        got << name + u'=' + value;
    QCOMPARE(got, expected);
}

void tst_BoshStreamAttrs::refused_data()
{
    QTest::addColumn<QString>("json");

    QTest::newRow("not JSON") << QStringLiteral("x-client=legacy");
    QTest::newRow("truncated") << QStringLiteral("{\"a\":\"b\"");
    QTest::newRow("array") << QStringLiteral("[\"a\",\"b\"]");
    QTest::newRow("string") << QStringLiteral("\"a\"");
    QTest::newRow("nested object") << QStringLiteral("{\"a\":{\"b\":\"c\"}}");
    QTest::newRow("number value") << QStringLiteral("{\"a\":1}");
    QTest::newRow("null value") << QStringLiteral("{\"a\":null}");
    QTest::newRow("boolean value") << QStringLiteral("{\"a\":true}");
    QTest::newRow("to") << QStringLiteral("{\"to\":\"elsewhere.example\"}");
    QTest::newRow("from") << QStringLiteral("{\"from\":\"admin@example.com\"}");
    QTest::newRow("version") << QStringLiteral("{\"version\":\"0.9\"}");
    QTest::newRow("id") << QStringLiteral("{\"id\":\"abc\"}");
    QTest::newRow("xmlns") << QStringLiteral("{\"xmlns\":\"jabber:server\"}");
    QTest::newRow("xmlns:stream") << QStringLiteral("{\"xmlns:stream\":\"urn:other\"}");
    QTest::newRow("xml:lang") << QStringLiteral("{\"xml:lang\":\"fr\"}");
    QTest::newRow("XML-reserved name") << QStringLiteral("{\"XMLthing\":\"x\"}");
    QTest::newRow("prefixed name") << QStringLiteral("{\"a:b\":\"c\"}");
    QTest::newRow("empty name") << QStringLiteral("{\"\":\"c\"}");
    QTest::newRow("name starting with a digit") << QStringLiteral("{\"1a\":\"c\"}");
    QTest::newRow("name with a blank") << QStringLiteral("{\"a b\":\"c\"}");
    QTest::newRow("name with a quote") << QStringLiteral("{\"a'\":\"c\"}");
    QTest::newRow("name with markup") << QStringLiteral("{\"a><x\":\"c\"}");
    QTest::newRow("control character in a value") << QStringLiteral("{\"a\":\"b\\u0001c\"}");
    QTest::newRow("U+FFFF in a value") << QStringLiteral("{\"a\":\"b\\uffffc\"}");
    QTest::newRow("over the size cap")
        << (QStringLiteral("{\"a\":\"") + QString(kMaxStreamAttrsSize, u'x') + QStringLiteral("\"}"));
}

void tst_BoshStreamAttrs::refused()
{
    QFETCH(QString, json);
    QString why;
    QVERIFY(!parseStreamAttrs(json, &why));
    QVERIFY(!why.isEmpty());
}

QTEST_GUILESS_MAIN(tst_BoshStreamAttrs)
#include "tst_bosh_streamattrs.moc"
