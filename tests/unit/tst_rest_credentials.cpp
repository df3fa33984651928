// SPDX-License-Identifier: GPL-3.0-or-later
// What a REST session keeps to log in again: the JSON form the session store writes, read back, and
// refused when a field is missing or malformed.
#include "rest/credentials.h"

#include <QJsonDocument>
#include <QTest>

using namespace Switchboard::Rest;

class TestRestCredentials : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void scramRoundTrips()
    {
        Credentials scram;
        scram.username = QStringLiteral("alice");
        scram.mechanism = QStringLiteral("SCRAM-SHA-256");
        scram.salt = QByteArray::fromHex("0011223344");
        scram.iterations = 4096;
        scram.saltedPassword = QByteArray(32, '\x7f');
        QVERIFY(scram.isValid());
        const QJsonObject json = scram.toJson();
        QVERIFY(!json.contains(QStringLiteral("password")));
        const std::optional<Credentials> back = Credentials::fromJson(json);
        QVERIFY(back);
        QCOMPARE(back->username, scram.username);
        QCOMPARE(back->mechanism, scram.mechanism);
        QCOMPARE(back->salt, scram.salt);
        QCOMPARE(back->iterations, 4096);
        QCOMPARE(back->saltedPassword, scram.saltedPassword);
        QVERIFY(back->password.isEmpty());
    }

    void plainRoundTrips()
    {
        Credentials plain;
        plain.username = QStringLiteral("bob");
        plain.mechanism = QStringLiteral("PLAIN");
        plain.password = QStringLiteral("secret");
        const std::optional<Credentials> back = Credentials::fromJson(plain.toJson());
        QVERIFY(back);
        QCOMPARE(back->password, plain.password);
        QVERIFY(back->saltedPassword.isEmpty());
    }

    void malformedIsRefused_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("no username") << QByteArray(R"({"mechanism":"PLAIN","password":"x"})");
        QTest::newRow("unknown mechanism")
            << QByteArray(R"({"username":"a","mechanism":"DIGEST-MD5","password":"x"})");
        QTest::newRow("plain without password") << QByteArray(R"({"username":"a","mechanism":"PLAIN"})");
        QTest::newRow("scram without salt") << QByteArray(
            R"({"username":"a","mechanism":"SCRAM-SHA-1","iterations":1,"salted_password":"AA=="})");
        QTest::newRow("scram salt not base64") << QByteArray(
            R"({"username":"a","mechanism":"SCRAM-SHA-1","salt":"!!","iterations":1,"salted_password":"AA=="})");
        QTest::newRow("scram zero iterations") << QByteArray(
            R"({"username":"a","mechanism":"SCRAM-SHA-1","salt":"AA==","iterations":0,"salted_password":"AA=="})");
    }
    void malformedIsRefused()
    {
        QFETCH(QByteArray, json);
        QVERIFY(!Credentials::fromJson(QJsonDocument::fromJson(json).object()));
    }
};

QTEST_GUILESS_MAIN(TestRestCredentials)
#include "tst_rest_credentials.moc"
