// SPDX-License-Identifier: GPL-3.0-or-later
// What REST clients send, checked without HTTP: the log-in and message bodies (each bad field named),
// the stanzas /stanzas accepts, and the JID shapes this front lets through.
#include "rest/restrequest.h"

#include <QTest>

using namespace Switchboard::Rest;

class tst_rest_request : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void login_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("field"); // empty: accepted, or refused without a field
        QTest::addColumn<bool>("ok");
        QTest::newRow("minimal") << QByteArray("{\"jid\":\"a@b\",\"password\":\"p\"}") << QString() << true;
        QTest::newRow("all") << QByteArray(
                                    "{\"jid\":\"a@b\",\"password\":\"p\",\"resource\":\"r\","
                                    "\"presence\":{\"show\":\"dnd\",\"status\":\"s\",\"priority\":-128}}")
                             << QString() << true;
        QTest::newRow("presence false")
            << QByteArray("{\"jid\":\"a@b\",\"password\":\"p\",\"presence\":false}") << QString() << true;
        QTest::newRow("not JSON") << QByteArray("{") << QString() << false;
        QTest::newRow("array") << QByteArray("[]") << QString() << false;
        QTest::newRow("no jid") << QByteArray("{\"password\":\"p\"}") << "jid" << false;
        QTest::newRow("jid number") << QByteArray("{\"jid\":5,\"password\":\"p\"}") << "jid" << false;
        QTest::newRow("full jid") << QByteArray("{\"jid\":\"a@b/r\",\"password\":\"p\"}") << "jid" << false;
        QTest::newRow("domain only") << QByteArray("{\"jid\":\"b\",\"password\":\"p\"}") << "jid" << false;
        QTest::newRow("blank in jid")
            << QByteArray("{\"jid\":\"a b@c\",\"password\":\"p\"}") << "jid" << false;
        QTest::newRow("empty password")
            << QByteArray("{\"jid\":\"a@b\",\"password\":\"\"}") << "password" << false;
        QTest::newRow("empty resource")
            << QByteArray("{\"jid\":\"a@b\",\"password\":\"p\",\"resource\":\"\"}") << "resource" << false;
        QTest::newRow("long resource") << QByteArray("{\"jid\":\"a@b\",\"password\":\"p\",\"resource\":\"" +
                                                     QByteArray(1024, 'r') + "\"}")
                                       << "resource" << false;
        QTest::newRow("presence true")
            << QByteArray("{\"jid\":\"a@b\",\"password\":\"p\",\"presence\":true}") << "presence" << false;
        QTest::newRow("bad show")
            << QByteArray("{\"jid\":\"a@b\",\"password\":\"p\",\"presence\":{\"show\":\"busy\"}}")
            << "presence.show" << false;
        QTest::newRow("show number") << QByteArray(
                                            "{\"jid\":\"a@b\",\"password\":\"p\",\"presence\":{\"show\":1}}")
                                     << "presence.show" << false;
        QTest::newRow("status number")
            << QByteArray("{\"jid\":\"a@b\",\"password\":\"p\",\"presence\":{\"status\":1}}")
            << "presence.status" << false;
        QTest::newRow("priority 128")
            << QByteArray("{\"jid\":\"a@b\",\"password\":\"p\",\"presence\":{\"priority\":128}}")
            << "presence.priority" << false;
        QTest::newRow("priority 1.5")
            << QByteArray("{\"jid\":\"a@b\",\"password\":\"p\",\"presence\":{\"priority\":1.5}}")
            << "presence.priority" << false;
    }
    void login()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, field);
        QFETCH(bool, ok);
        Refusal refusal;
        const auto login = parseLogin(body, &refusal);
        QCOMPARE(login.has_value(), ok);
        if (!ok) {
            QCOMPARE(refusal.status, 400);
            QCOMPARE(refusal.field, field);
            QVERIFY(!refusal.message.isEmpty());
        }
    }

    void loginPresence()
    {
        Refusal refusal;
        QVERIFY(parseLogin("{\"jid\":\"a@b\",\"password\":\"p\"}", &refusal)->presence.has_value());
        QVERIFY(!parseLogin("{\"jid\":\"a@b\",\"password\":\"p\",\"presence\":false}", &refusal)->presence);
        const auto login =
            parseLogin("{\"jid\":\"a@b\",\"password\":\"p\",\"presence\":{\"show\":\"xa\"}}", &refusal);
        QCOMPARE(login->presence->value(QStringLiteral("show")).toString(), QStringLiteral("xa"));
        QCOMPARE(login->jid, QStringLiteral("a@b"));
        QCOMPARE(login->password, QStringLiteral("p"));
    }

    void presence_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("field"); // empty: accepted, or refused without a field
        QTest::addColumn<bool>("ok");
        QTest::newRow("empty object") << QByteArray("{}") << QString() << true;
        QTest::newRow("all") << QByteArray("{\"show\":\"chat\",\"status\":\"here\",\"priority\":127}")
                             << QString() << true;
        QTest::newRow("priority -128") << QByteArray("{\"priority\":-128}") << QString() << true;
        QTest::newRow("status at the cap")
            << QByteArray("{\"status\":\"" + QByteArray(kMaxStatusBytes, 's') + "\"}") << QString() << true;
        QTest::newRow("not JSON") << QByteArray("nope") << QString() << false;
        QTest::newRow("array") << QByteArray("[1]") << QString() << false;
        QTest::newRow("show online") << QByteArray("{\"show\":\"online\"}") << "show" << false;
        QTest::newRow("show null") << QByteArray("{\"show\":null}") << "show" << false;
        QTest::newRow("status number") << QByteArray("{\"status\":3}") << "status" << false;
        QTest::newRow("status over the cap")
            << QByteArray("{\"status\":\"" + QByteArray(kMaxStatusBytes + 1, 's') + "\"}") << "status"
            << false;
        // The cap is in UTF-8 bytes: 513 two-byte characters are 1026 bytes.
        QTest::newRow("status over the cap in bytes")
            << QByteArray("{\"status\":\"" + QString(513, QChar(0xe9)).toUtf8() + "\"}") << "status" << false;
        QTest::newRow("priority 128") << QByteArray("{\"priority\":128}") << "priority" << false;
        QTest::newRow("priority -129") << QByteArray("{\"priority\":-129}") << "priority" << false;
        QTest::newRow("priority string") << QByteArray("{\"priority\":\"1\"}") << "priority" << false;
        QTest::newRow("priority 0.5") << QByteArray("{\"priority\":0.5}") << "priority" << false;
    }
    void presence()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, field);
        QFETCH(bool, ok);
        Refusal refusal;
        const auto presence = parsePresence(body, &refusal);
        QCOMPARE(presence.has_value(), ok);
        if (!ok) {
            QCOMPARE(refusal.status, 400);
            QCOMPARE(refusal.field, field);
            QVERIFY(!refusal.message.isEmpty());
        }
    }

    void presenceStanzaOfObject()
    {
        Refusal refusal;
        const auto presence =
            parsePresence("{\"show\":\"away\",\"status\":\"<out>\",\"priority\":-3}", &refusal);
        QVERIFY(presence);
        QCOMPARE(presenceStanza(*presence),
                 QByteArray("<presence xmlns='jabber:client'><show>away</show><status>&lt;out&gt;</status>"
                            "<priority>-3</priority></presence>"));
        QCOMPARE(presenceStanza(QJsonObject()), QByteArray("<presence xmlns='jabber:client'></presence>"));
    }

    void loginStatusCap()
    {
        Refusal refusal;
        QVERIFY(!parseLogin("{\"jid\":\"a@b\",\"password\":\"p\",\"presence\":{\"status\":\"" +
                                QByteArray(kMaxStatusBytes + 1, 's') + "\"}}",
                            &refusal));
        QCOMPARE(refusal.field, QStringLiteral("presence.status"));
    }

    void subscription_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QByteArray>("stanza"); // empty: refused
        // RFC 6121 §3: each action is a presence of one type to the contact's bare JID.
        QTest::newRow("subscribe")
            << QByteArray("{\"jid\":\"bob@example.com\",\"action\":\"subscribe\"}") << QString()
            << QByteArray("<presence xmlns='jabber:client' to='bob@example.com' type='subscribe'/>");
        QTest::newRow("approve")
            << QByteArray("{\"jid\":\"bob@example.com\",\"action\":\"approve\"}") << QString()
            << QByteArray("<presence xmlns='jabber:client' to='bob@example.com' type='subscribed'/>");
        QTest::newRow("deny")
            << QByteArray("{\"jid\":\"bob@example.com\",\"action\":\"deny\"}") << QString()
            << QByteArray("<presence xmlns='jabber:client' to='bob@example.com' type='unsubscribed'/>");
        QTest::newRow("unsubscribe")
            << QByteArray("{\"jid\":\"bob@example.com\",\"action\":\"unsubscribe\"}") << QString()
            << QByteArray("<presence xmlns='jabber:client' to='bob@example.com' type='unsubscribe'/>");
        QTest::newRow("a domain")
            << QByteArray("{\"jid\":\"gateway.example.com\",\"action\":\"subscribe\"}") << QString()
            << QByteArray("<presence xmlns='jabber:client' to='gateway.example.com' type='subscribe'/>");
        QTest::newRow("escaped")
            << QByteArray("{\"jid\":\"o'b@example.com\",\"action\":\"subscribe\"}") << QString()
            << QByteArray("<presence xmlns='jabber:client' to='o&apos;b@example.com' type='subscribe'/>");
        QTest::newRow("no jid") << QByteArray("{\"action\":\"subscribe\"}") << "jid" << QByteArray();
        QTest::newRow("full jid") << QByteArray("{\"jid\":\"bob@example.com/pc\",\"action\":\"subscribe\"}")
                                  << "jid" << QByteArray();
        QTest::newRow("blank jid") << QByteArray("{\"jid\":\"b b@x\",\"action\":\"subscribe\"}") << "jid"
                                   << QByteArray();
        QTest::newRow("no action") << QByteArray("{\"jid\":\"bob@example.com\"}") << "action" << QByteArray();
        QTest::newRow("bad action") << QByteArray("{\"jid\":\"bob@example.com\",\"action\":\"subscribed\"}")
                                    << "action" << QByteArray();
        QTest::newRow("action number")
            << QByteArray("{\"jid\":\"bob@example.com\",\"action\":1}") << "action" << QByteArray();
        QTest::newRow("not an object") << QByteArray("\"x\"") << QString() << QByteArray();
    }
    void subscription()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, field);
        QFETCH(QByteArray, stanza);
        Refusal refusal;
        const auto out = parseSubscription(body, &refusal);
        QCOMPARE(out.has_value(), !stanza.isEmpty());
        if (out) {
            QCOMPARE(*out, stanza);
        } else {
            QCOMPARE(refusal.status, 400);
            QCOMPARE(refusal.field, field);
            QVERIFY(!refusal.message.isEmpty());
        }
    }

    void message()
    {
        Refusal refusal;
        auto makeId = [] { return QStringLiteral("gen"); };
        const auto m = parseMessage("{\"to\":\"b@x\",\"body\":\"<&>'\",\"subject\":\"s\",\"thread\":\"t\"}",
                                    makeId, &refusal);
        QVERIFY(m);
        QCOMPARE(m->id, QStringLiteral("gen"));
        QCOMPARE(m->xml,
                 QByteArray("<message xmlns='jabber:client' to='b@x' type='chat' id='gen'><subject>s"
                            "</subject><body>&lt;&amp;&gt;&apos;</body><thread>t</thread></message>"));
        const auto own = parseMessage("{\"to\":\"x\",\"body\":\"b\",\"type\":\"headline\",\"id\":\"a'b\"}",
                                      makeId, &refusal);
        QCOMPARE(own->id, QStringLiteral("a'b"));
        QVERIFY(own->xml.contains("type='headline' id='a&apos;b'"));
        QVERIFY(!parseMessage("{\"to\":\"b@x\"}", makeId, &refusal));
        QCOMPARE(refusal.field, QStringLiteral("body"));
        QVERIFY(!parseMessage("{\"to\":\"b@x\",\"body\":\"x\",\"type\":\"x\"}", makeId, &refusal));
        QCOMPARE(refusal.field, QStringLiteral("type"));
        QVERIFY(!parseMessage("{\"to\":\"@x\",\"body\":\"x\"}", makeId, &refusal));
        QCOMPARE(refusal.field, QStringLiteral("to"));
        QVERIFY(!parseMessage("{\"to\":\"b@x\",\"body\":\"x\",\"id\":7}", makeId, &refusal));
        QCOMPARE(refusal.field, QStringLiteral("id"));
    }

    // Found by fuzzing (tests/fuzz/fuzz_rest_request.cpp): JSON carries characters XML 1.0 cannot
    // (§2.2), raw or escaped; inside a stanza they would break the session's stream.
    void charactersXmlCannotCarry_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("login"); // else a message
        QTest::addColumn<QString>("field");
        QTest::newRow("raw NUL in thread")
            << QByteArray(QByteArray("{\"to\":\"b@x\",\"body\":\"x\",\"thread\":\"") + '\0' + "t\"}") << false
            << "thread";
        QTest::newRow("escaped NUL in body")
            << QByteArray("{\"to\":\"b@x\",\"body\":\"a\\u0000b\"}") << false << "body";
        QTest::newRow("escape in body")
            << QByteArray("{\"to\":\"b@x\",\"body\":\"\\u001b[0m\"}") << false << "body";
        QTest::newRow("U+FFFF in subject")
            << QByteArray("{\"to\":\"b@x\",\"body\":\"x\",\"subject\":\"\\uffff\"}") << false << "subject";
        QTest::newRow("lone surrogate in id")
            << QByteArray("{\"to\":\"b@x\",\"body\":\"x\",\"id\":\"\\ud800\"}") << false << "id";
        QTest::newRow("control in to")
            << QByteArray("{\"to\":\"b@x\\u0001\",\"body\":\"x\"}") << false << "to";
        QTest::newRow("control in resource")
            << QByteArray("{\"jid\":\"a@b\",\"password\":\"p\",\"resource\":\"r\\u0002\"}") << true
            << "resource";
        QTest::newRow("control in status")
            << QByteArray("{\"jid\":\"a@b\",\"password\":\"p\",\"presence\":{\"status\":\"\\u0007\"}}")
            << true << "presence.status";
        QTest::newRow("low surrogate first in password")
            << QByteArray("{\"jid\":\"a@b\",\"password\":\"\\udc00\\ud800\"}") << true << "password";
    }
    void charactersXmlCannotCarry()
    {
        QFETCH(QByteArray, body);
        QFETCH(bool, login);
        QFETCH(QString, field);
        Refusal refusal;
        if (login)
            QVERIFY(!parseLogin(body, &refusal));
        else
            QVERIFY(!parseMessage(
                body, [] { return QStringLiteral("gen"); }, &refusal));
        QCOMPARE(refusal.status, 400);
        QCOMPARE(refusal.field, field);
    }
    void charactersXmlCarries()
    {
        // Tab, line feed, carriage return and characters beyond the BMP (a surrogate pair) stay.
        Refusal refusal;
        const auto m = parseMessage(
            "{\"to\":\"b@x\",\"body\":\"a\\tb\\nc\\r\\ud83d\\ude00\"}", [] { return QStringLiteral("gen"); },
            &refusal);
        QVERIFY2(m, qPrintable(refusal.message));
        QVERIFY(m->xml.contains("<body>a\tb\nc\r\xf0\x9f\x98\x80</body>"));
        QVERIFY(parseLogin(
            "{\"jid\":\"a@b\",\"password\":\"p\",\"presence\":{\"status\":\"\\ud83d\\ude00 x\"}}", &refusal));
    }

    void stanza_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("xml"); // empty: refused
        QTest::newRow("no namespace")
            << QByteArray("  <message to='a@b'><body>x</body></message>\n")
            << QByteArray("<message xmlns='jabber:client' to='a@b'><body>x</body></message>");
        QTest::newRow("jabber:client") << QByteArray("<iq xmlns='jabber:client' type='get' id='1'/>")
                                       << QByteArray("<iq xmlns='jabber:client' type='get' id='1'/>");
        QTest::newRow("presence") << QByteArray("<presence/>")
                                  << QByteArray("<presence xmlns='jabber:client'/>");
        QTest::newRow("other element") << QByteArray("<auth/>") << QByteArray();
        QTest::newRow("other namespace") << QByteArray("<message xmlns='jabber:server'/>") << QByteArray();
        QTest::newRow("two") << QByteArray("<message/><message/>") << QByteArray();
        QTest::newRow("unclosed") << QByteArray("<message>") << QByteArray();
        QTest::newRow("declaration") << QByteArray("<?xml version='1.0'?><message/>") << QByteArray();
        QTest::newRow("doctype") << QByteArray("<!DOCTYPE m [<!ENTITY e 'x'>]><message>&e;</message>")
                                 << QByteArray();
        QTest::newRow("processing instruction") << QByteArray("<message><?pi x?></message>") << QByteArray();
        // Found by fuzzing: the namespace used to be added inside a leading comment's place, and next
        // to an explicit xmlns='' (a duplicate attribute). RFC 6120 §11.1 forbids comments anyway.
        QTest::newRow("leading comment") << QByteArray("<!--c--><message/>") << QByteArray();
        QTest::newRow("inner comment")
            << QByteArray("<message xmlns='jabber:client'><!--c--></message>") << QByteArray();
        QTest::newRow("empty default namespace") << QByteArray("<message xmlns=''/>") << QByteArray();
        // Stream management counts stanzas by their element name: a prefixed one would not be counted.
        QTest::newRow("prefixed jabber:client")
            << QByteArray("<c:iq xmlns:c='jabber:client' type='get' id='1'/>") << QByteArray();
        QTest::newRow("child without namespace")
            << QByteArray("<message><body xmlns=''>x</body></message>")
            << QByteArray("<message xmlns='jabber:client'><body xmlns=''>x</body></message>");
        QTest::newRow("too deep") << QByteArray("<message><a><b><c><d/></c></b></a></message>")
                                  << QByteArray();
        QTest::newRow("text only") << QByteArray("hello") << QByteArray();
    }
    void stanza()
    {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, xml);
        Refusal refusal;
        const auto checked = checkStanza(body, 4, &refusal);
        if (xml.isEmpty()) {
            QVERIFY(!checked);
            QCOMPARE(refusal.field, QStringLiteral("stanza"));
            QVERIFY(!refusal.message.isEmpty());
            return;
        }
        QVERIFY2(checked, qPrintable(refusal.message));
        QCOMPARE(checked->xml, xml);
    }
};

QTEST_GUILESS_MAIN(tst_rest_request)
#include "tst_rest_request.moc"
