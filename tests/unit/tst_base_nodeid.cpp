// SPDX-License-Identifier: GPL-3.0-or-later
// Session ids that name their node (base/nodeid.h) and the node_id key that sets it.
#include "base/config.h"
#include "base/nodeid.h"

#include <QSet>
#include <QTest>

using namespace Switchboard;

class tst_BaseNodeId : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void validNodeIds_data();
    void validNodeIds();
    void idsStartWithTheNode();
    void idsWithoutNode();
    void idsAreUnpredictable();
    void nodeOf_data();
    void nodeOf();
    void configKey_data();
    void configKey();
};

void tst_BaseNodeId::validNodeIds_data()
{
    QTest::addColumn<QString>("nodeId");
    QTest::addColumn<bool>("valid");
    QTest::newRow("short") << QStringLiteral("sb1") << true;
    QTest::newRow("one character") << QStringLiteral("a") << true;
    QTest::newRow("dash and underscore") << QStringLiteral("eu-west_2") << true;
    QTest::newRow("32 characters") << QString(32, QLatin1Char('n')) << true;
    QTest::newRow("33 characters") << QString(33, QLatin1Char('n')) << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("dot: ends the node in an id") << QStringLiteral("sb.1") << false;
    QTest::newRow("blank") << QStringLiteral("sb 1") << false;
    QTest::newRow("quote") << QStringLiteral("sb'1") << false;
    QTest::newRow("non-ASCII letter") << QStringLiteral("s\u00e9") << false;
    QTest::newRow("slash") << QStringLiteral("sb/1") << false;
}

void tst_BaseNodeId::validNodeIds()
{
    QFETCH(QString, nodeId);
    QFETCH(bool, valid);
    QCOMPARE(NodeId::isValid(nodeId), valid);
}

void tst_BaseNodeId::idsStartWithTheNode()
{
    const QString sid = NodeId::newSessionId(u"sb1");
    QVERIFY2(sid.startsWith(QLatin1String("sb1.")), qPrintable(sid));
    const QString random = sid.mid(4);
    QCOMPARE(random.size(), 32);
    QVERIFY2(
        std::all_of(random.cbegin(), random.cend(),
                    [](QChar c) { return c.isDigit() || (c >= QLatin1Char('a') && c <= QLatin1Char('f')); }),
        qPrintable(sid));
    QCOMPARE(NodeId::nodeOf(sid), u"sb1");

    const QString ws = NodeId::newSessionId(u"eu-2", u"ws-");
    QVERIFY2(ws.startsWith(QLatin1String("eu-2.ws-")), qPrintable(ws));
    QCOMPARE(ws.size(), 8 + 32);
    QCOMPARE(NodeId::nodeOf(ws), u"eu-2");
}

void tst_BaseNodeId::idsWithoutNode()
{
    // Without node_id the ids are what they were: 32 hex digits, and "ws-" before them for WebSocket.
    const QString sid = NodeId::newSessionId({});
    QCOMPARE(sid.size(), 32);
    QVERIFY(!sid.contains(QLatin1Char('.')));
    QVERIFY(NodeId::nodeOf(sid).isEmpty());
    const QString ws = NodeId::newSessionId({}, u"ws-");
    QVERIFY(ws.startsWith(QLatin1String("ws-")));
    QCOMPARE(ws.size(), 3 + 32);
    QVERIFY(NodeId::nodeOf(ws).isEmpty());
}

void tst_BaseNodeId::idsAreUnpredictable()
{
    QSet<QString> seen;
    for (int i = 0; i < 1000; ++i)
        seen.insert(NodeId::newSessionId(u"sb1"));
    QCOMPARE(seen.size(), 1000);
}

void tst_BaseNodeId::nodeOf_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("node");
    QTest::newRow("BOSH sid") << QStringLiteral("sb2.0123456789abcdef0123456789abcdef")
                              << QStringLiteral("sb2");
    QTest::newRow("WebSocket id") << QStringLiteral("sb2.ws-0123") << QStringLiteral("sb2");
    QTest::newRow("first dot ends it") << QStringLiteral("a.b.c") << QStringLiteral("a");
    QTest::newRow("no node") << QStringLiteral("0123456789abcdef") << QString();
    QTest::newRow("legacy WebSocket id") << QStringLiteral("ws-0123") << QString();
    QTest::newRow("leading dot") << QStringLiteral(".abc") << QString();
    QTest::newRow("not a node id before the dot") << QStringLiteral("s b.abc") << QString();
    QTest::newRow("too long before the dot")
        << QString(33, QLatin1Char('n')) + QStringLiteral(".abc") << QString();
    QTest::newRow("empty") << QString() << QString();
}

void tst_BaseNodeId::nodeOf()
{
    QFETCH(QString, id);
    QFETCH(QString, node);
    QCOMPARE(NodeId::nodeOf(id).toString(), node);
}

void tst_BaseNodeId::configKey_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("node") << QStringLiteral("sb1") << true;
    QTest::newRow("empty: none") << QString() << true;
    QTest::newRow("dot") << QStringLiteral("sb.1") << false;
    QTest::newRow("too long") << QString(33, QLatin1Char('x')) << false;
}

void tst_BaseNodeId::configKey()
{
    QFETCH(QString, value);
    QFETCH(bool, accepted);
    Config config;
    config.nodeId = QStringLiteral("before");
    QString error;
    const bool ok = ConfigLoader::loadText("node_id = " + value.toUtf8() + '\n', QStringLiteral("test.conf"),
                                           config, &error);
    QCOMPARE(ok, accepted);
    if (accepted) {
        QCOMPARE(config.nodeId, value);
    } else {
        QVERIFY2(error.contains(QLatin1String("node_id")), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("test.conf")), qPrintable(error));
    }
}

QTEST_GUILESS_MAIN(tst_BaseNodeId)
#include "tst_base_nodeid.moc"
