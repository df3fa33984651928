// SPDX-License-Identifier: GPL-3.0-or-later
// Roster: the contacts and presence GET …/roster shows, from the roster result (RFC 6121 §2.1.3),
// roster pushes (§2.1.6) and presence (§4), within its caps.
#include "rest/roster.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Switchboard::Rest;

namespace {

Event eventOf(const QByteArray &xml)
{
    return Event::fromStanza(summarize(xml), xml);
}

QByteArray rosterResult(const QByteArray &items)
{
    return "<iq xmlns='jabber:client' type='result' id='sb-roster' to='alice@example.com/phone'>"
           "<query xmlns='jabber:iq:roster'>" +
           items + "</query></iq>";
}

QByteArray push(const QByteArray &item, const QByteArray &from = {})
{
    return "<iq xmlns='jabber:client' type='set' id='p1'" +
           (from.isEmpty() ? QByteArray() : " from='" + from + "'") + "><query xmlns='jabber:iq:roster'>" +
           item + "</query></iq>";
}

QJsonObject contact(const Roster &roster, const QString &jid)
{
    const QJsonArray contacts = roster.toJson().value(QStringLiteral("contacts")).toArray();
    for (const QJsonValue &c : contacts) {
        if (c.toObject().value(QStringLiteral("jid")).toString() == jid)
            return c.toObject();
    }
    return {};
}

} // namespace

class tst_RestRoster : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rosterResultIsTheWholeRoster()
    {
        Roster roster;
        roster.setAccount(QStringLiteral("alice@example.com"));
        QVERIFY(roster.handle(eventOf(
            rosterResult("<item jid='bob@example.com' name='Bob' subscription='both'><group>Friends</group>"
                         "<group>Work</group></item><item jid='carol@example.com' ask='subscribe'/>"))));
        QCOMPARE(roster.contactCount(), 2);
        const QJsonObject bob = contact(roster, QStringLiteral("bob@example.com"));
        QCOMPARE(bob.value(QStringLiteral("name")).toString(), QStringLiteral("Bob"));
        QCOMPARE(bob.value(QStringLiteral("subscription")).toString(), QStringLiteral("both"));
        QCOMPARE(bob.value(QStringLiteral("groups")).toArray(),
                 QJsonArray({QStringLiteral("Friends"), QStringLiteral("Work")}));
        QVERIFY(bob.value(QStringLiteral("resources")).toArray().isEmpty());
        QVERIFY(!bob.contains(QStringLiteral("ask")));
        // RFC 6121 §2.1.2.5: no subscription attribute means none; ask shows a pending request.
        const QJsonObject carol = contact(roster, QStringLiteral("carol@example.com"));
        QCOMPARE(carol.value(QStringLiteral("subscription")).toString(), QStringLiteral("none"));
        QCOMPARE(carol.value(QStringLiteral("ask")).toString(), QStringLiteral("subscribe"));
        QCOMPARE(roster.toJson().value(QStringLiteral("omitted")).toInt(), 0);

        // A second result replaces the first.
        QVERIFY(roster.handle(eventOf(rosterResult("<item jid='dave@example.com' subscription='to'/>"))));
        QCOMPARE(roster.contactCount(), 1);
        QVERIFY(contact(roster, QStringLiteral("bob@example.com")).isEmpty());
    }

    void pushesAddChangeAndRemove()
    {
        Roster roster;
        roster.setAccount(QStringLiteral("alice@example.com"));
        roster.handle(eventOf(rosterResult("<item jid='bob@example.com' subscription='none'/>")));
        QVERIFY(roster.handle(eventOf(push("<item jid='bob@example.com' subscription='from' name='B'/>"))));
        QCOMPARE(contact(roster, QStringLiteral("bob@example.com"))
                     .value(QStringLiteral("subscription"))
                     .toString(),
                 QStringLiteral("from"));
        QVERIFY(roster.handle(
            eventOf(push("<item jid='carol@example.com' subscription='both'/>", "alice@example.com"))));
        QCOMPARE(roster.contactCount(), 2);
        QVERIFY(roster.handle(eventOf(push("<item jid='bob@example.com' subscription='remove'/>"))));
        QCOMPARE(roster.contactCount(), 1);
        QVERIFY(contact(roster, QStringLiteral("bob@example.com")).isEmpty());
    }

    void pushFromAnotherAddressIsIgnored()
    {
        // RFC 6121 §2.1.6: a push from anyone but the account itself is not believed.
        Roster roster;
        roster.setAccount(QStringLiteral("alice@example.com"));
        QVERIFY(!roster.handle(
            eventOf(push("<item jid='mallory@example.com' subscription='both'/>", "mallory@example.com"))));
        QCOMPARE(roster.contactCount(), 0);
    }

    void resultNotOursIsIgnored_data()
    {
        QTest::addColumn<QByteArray>("xml");
        const QByteArray items = "<query xmlns='jabber:iq:roster'><item jid='mallory@example.com' "
                                 "subscription='both'/></query></iq>";
        QTest::newRow("another id") << "<iq xmlns='jabber:client' type='result' id='x1'>" + items;
        QTest::newRow("from someone else")
            << "<iq xmlns='jabber:client' type='result' id='sb-roster' from='mallory@example.com'>" + items;
    }
    void resultNotOursIsIgnored()
    {
        // Only the answer to the session's own roster get, from the account, is the whole roster.
        QFETCH(QByteArray, xml);
        Roster roster;
        roster.setAccount(QStringLiteral("alice@example.com"));
        QVERIFY(roster.handle(eventOf(rosterResult("<item jid='bob@example.com' subscription='both'/>"))));
        QVERIFY(!roster.handle(eventOf(xml)));
        const QByteArray shown = QJsonDocument(roster.toJson()).toJson();
        QVERIFY2(shown.contains("bob@example.com") && !shown.contains("mallory"), shown.constData());
        QVERIFY(roster.handle(eventOf("<iq xmlns='jabber:client' type='result' id='sb-roster' "
                                      "from='Alice@example.com'><query xmlns='jabber:iq:roster'/></iq>")));
        QCOMPARE(roster.contactCount(), 0);
    }

    void presenceOfContactsResources()
    {
        Roster roster;
        roster.setAccount(QStringLiteral("alice@example.com"));
        roster.handle(eventOf(rosterResult("<item jid='bob@example.com' subscription='both'/>")));
        QVERIFY(roster.handle(
            eventOf("<presence xmlns='jabber:client' from='Bob@Example.com/pc'>"
                    "<show>away</show><status>lunch</status><priority>5</priority></presence>")));
        QVERIFY(roster.handle(eventOf("<presence xmlns='jabber:client' from='bob@example.com/phone'/>")));
        QCOMPARE(roster.resourceCount(QStringLiteral("bob@example.com")), 2);
        const QJsonArray resources =
            contact(roster, QStringLiteral("bob@example.com")).value(QStringLiteral("resources")).toArray();
        const QJsonObject pc = resources.at(0).toObject();
        QCOMPARE(pc.value(QStringLiteral("resource")).toString(), QStringLiteral("pc"));
        QCOMPARE(pc.value(QStringLiteral("show")).toString(), QStringLiteral("away"));
        QCOMPARE(pc.value(QStringLiteral("status")).toString(), QStringLiteral("lunch"));
        QCOMPARE(pc.value(QStringLiteral("priority")).toInt(), 5);
        const QJsonObject phone = resources.at(1).toObject();
        QCOMPARE(phone.value(QStringLiteral("show")).toString(), QString()); // plain available
        QCOMPARE(phone.value(QStringLiteral("priority")).toInt(), 0);

        // An update replaces what the resource said before.
        roster.handle(
            eventOf("<presence xmlns='jabber:client' from='bob@example.com/pc'><show>dnd</show></presence>"));
        QCOMPARE(contact(roster, QStringLiteral("bob@example.com"))
                     .value(QStringLiteral("resources"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("show"))
                     .toString(),
                 QStringLiteral("dnd"));
        // RFC 6121 §4.5: unavailable removes the resource.
        QVERIFY(roster.handle(
            eventOf("<presence xmlns='jabber:client' type='unavailable' from='bob@example.com/pc'/>")));
        QCOMPARE(roster.resourceCount(QStringLiteral("bob@example.com")), 1);
        // A roster push keeps the presence of a contact that stays.
        roster.handle(eventOf(push("<item jid='bob@example.com' subscription='both' name='Bobby'/>")));
        QCOMPARE(roster.resourceCount(QStringLiteral("bob@example.com")), 1);
    }

    void presenceOfStrangersIsNotKept()
    {
        Roster roster;
        roster.setAccount(QStringLiteral("alice@example.com"));
        QVERIFY(!roster.handle(eventOf("<presence xmlns='jabber:client' from='stranger@example.com/x'/>")));
        QVERIFY(!roster.handle(
            eventOf("<presence xmlns='jabber:client' type='subscribe' from='bob@example.com'/>")));
        QVERIFY(!roster.handle(
            eventOf("<message xmlns='jabber:client' from='bob@example.com/pc'><body>hi</body></message>")));
        QCOMPARE(roster.contactCount(), 0);
    }

    void capsAreCountedNotSilent()
    {
        Roster roster(2, 1);
        roster.setAccount(QStringLiteral("alice@example.com"));
        roster.handle(eventOf(rosterResult("<item jid='a@example.com'/><item jid='b@example.com'/>"
                                           "<item jid='c@example.com'/>")));
        QCOMPARE(roster.contactCount(), 2);
        QCOMPARE(roster.omitted(), 1);
        roster.handle(eventOf("<presence xmlns='jabber:client' from='a@example.com/1'/>"));
        roster.handle(eventOf("<presence xmlns='jabber:client' from='a@example.com/2'/>"));
        QCOMPARE(roster.resourceCount(QStringLiteral("a@example.com")), 1);
        QCOMPARE(roster.omitted(), 2);
        QCOMPARE(roster.toJson().value(QStringLiteral("omitted")).toInt(), 2);
        // A new push beyond the cap is counted too.
        roster.handle(eventOf(push("<item jid='d@example.com'/>")));
        QCOMPARE(roster.contactCount(), 2);
        QCOMPARE(roster.omitted(), 3);
    }
};

QTEST_GUILESS_MAIN(tst_RestRoster)
#include "tst_rest_roster.moc"
