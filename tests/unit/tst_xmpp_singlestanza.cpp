// SPDX-License-Identifier: GPL-3.0-or-later
// One stanza given whole from outside a stream (the operator's inject action, the REST API's
// /stanzas): exactly one well-formed element, no prolog (RFC 6120 §11.1), bounded depth, and
// jabber:client added when it has no namespace.
#include "xmpp/singlestanza.h"

#include <QTest>

using Switchboard::Xmpp::parseSingleStanza;
using Problem = Switchboard::Xmpp::SingleStanza::Problem;

class TestXmppSingleStanza : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void problems_data()
    {
        QTest::addColumn<QByteArray>("xml");
        QTest::addColumn<Problem>("problem");
        QTest::newRow("one element") << QByteArray("<message to='a@b'><body>x</body></message>")
                                     << Problem::None;
        QTest::newRow("surrounding space") << QByteArray("  <presence/>\n") << Problem::None;
        QTest::newRow("too deep") << QByteArray("<iq><a><b><c/></b></a></iq>") << Problem::TooDeep;
        QTest::newRow("declaration") << QByteArray("<?xml version='1.0'?><presence/>") << Problem::Prolog;
        QTest::newRow("processing instruction")
            << QByteArray("<presence><?pi x?></presence>") << Problem::Prolog;
        QTest::newRow("doctype") << QByteArray("<!DOCTYPE presence><presence/>") << Problem::Prolog;
        // Found by fuzzing the REST request checks: a comment inside (RFC 6120 §11.1 forbids them in a
        // stream), and xmlns='' next to which the added jabber:client made a duplicate attribute.
        QTest::newRow("comment") << QByteArray("<presence><!-- c --></presence>") << Problem::Prolog;
        QTest::newRow("empty default namespace")
            << QByteArray("<presence xmlns=''/>") << Problem::NotWellFormed;
        QTest::newRow("not closed") << QByteArray("<message>") << Problem::NotWellFormed;
        QTest::newRow("undeclared prefix") << QByteArray("<x:message/>") << Problem::NotWellFormed;
        QTest::newRow("two elements") << QByteArray("<presence/><presence/>") << Problem::NotWellFormed;
        QTest::newRow("nothing") << QByteArray("   ") << Problem::NotWellFormed;
        QTest::newRow("text first") << QByteArray("hello") << Problem::NotWellFormed;
    }
    void problems()
    {
        QFETCH(QByteArray, xml);
        QFETCH(Problem, problem);
        const auto stanza = parseSingleStanza(xml, 3);
        QCOMPARE(stanza.problem, problem);
        QCOMPARE(stanza.ok(), problem == Problem::None);
    }

    void namespaceAddedOnlyWhenMissing()
    {
        const auto bare = parseSingleStanza("<message to='a@b' type='chat' id='m1'><body/></message>", 8);
        QVERIFY(bare.ok());
        QCOMPARE(bare.xml,
                 QByteArray("<message xmlns='jabber:client' to='a@b' type='chat' id='m1'><body/></message>"));
        QCOMPARE(bare.name, QStringLiteral("message"));
        QCOMPARE(bare.type, QStringLiteral("chat"));
        QCOMPARE(bare.id, QStringLiteral("m1"));
        QVERIFY(bare.namespaceUri.isEmpty());

        const auto given = parseSingleStanza("<iq xmlns='jabber:server' type='get'/>", 8);
        QVERIFY(given.ok());
        QCOMPARE(given.xml, QByteArray("<iq xmlns='jabber:server' type='get'/>"));
        QCOMPARE(given.namespaceUri, QStringLiteral("jabber:server"));

        const auto prefixed = parseSingleStanza("<c:presence xmlns:c='jabber:client'/>", 8);
        QVERIFY(prefixed.ok());
        QCOMPARE(prefixed.name, QStringLiteral("presence"));
        QVERIFY(prefixed.prefixed);
        QVERIFY(!given.prefixed);
        QCOMPARE(prefixed.xml, QByteArray("<c:presence xmlns:c='jabber:client'/>"));
    }
};

QTEST_GUILESS_MAIN(TestXmppSingleStanza)
#include "tst_xmpp_singlestanza.moc"
