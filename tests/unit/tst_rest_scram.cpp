// SPDX-License-Identifier: GPL-3.0-or-later
// The SCRAM client against the published test vectors (RFC 5802 §5, RFC 7677 §3), and the SASL
// negotiation step (RFC 6120 §6) fed with a server's elements: mechanism choice, PLAIN only when
// allowed, failure conditions, and the server signature check.
#include "rest/sasllogin.h"
#include "rest/scramclient.h"

#include <QMessageAuthenticationCode>
#include <QPasswordDigestor>
#include <QTest>
#include <QXmlStreamReader>

using namespace Switchboard::Rest;

namespace {

QByteArray features(const QStringList &mechanisms)
{
    QByteArray xml = "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
                     "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>";
    for (const QString &m : mechanisms)
        xml += "<mechanism>" + m.toLatin1() + "</mechanism>";
    return xml + "</mechanisms></stream:features>";
}

/// The text of the one element in `xml`, base64-decoded, and its mechanism attribute.
QByteArray payload(const QByteArray &xml, QString *mechanism = nullptr)
{
    QXmlStreamReader reader(xml);
    reader.readNextStartElement();
    if (mechanism)
        *mechanism = reader.attributes().value(QLatin1String("mechanism")).toString();
    const QString text = reader.readElementText();
    return text == QLatin1String("=") ? QByteArray() : QByteArray::fromBase64(text.toLatin1());
}

QByteArray saslElement(const char *name, const QByteArray &data)
{
    return "<" + QByteArray(name) + " xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" + data.toBase64() + "</" +
           name + ">";
}

/// The server side of SCRAM-SHA-256 for one password, written from RFC 5802 §3 with Qt's primitives:
/// enough to run a whole exchange against SaslLogin.
struct ScramServer
{
    QByteArray password = "pencil";
    QByteArray salt = "saltsaltsalt";
    int iterations = 4096;
    QByteArray clientFirstBare, serverFirst;

    QByteArray first(const QByteArray &clientFirst)
    {
        clientFirstBare = clientFirst.mid(3);
        const QByteArray nonce = clientFirstBare.mid(clientFirstBare.indexOf(",r=") + 3);
        serverFirst = "r=" + nonce + "srv,s=" + salt.toBase64() + ",i=" + QByteArray::number(iterations);
        return serverFirst;
    }
    /// The server-final message, or empty when the proof is wrong.
    QByteArray final(const QByteArray &clientFinal)
    {
        const auto h = QCryptographicHash::Sha256;
        const QByteArray salted = QPasswordDigestor::deriveKeyPbkdf2(h, password, salt, iterations, 32);
        const QByteArray clientKey = QMessageAuthenticationCode::hash("Client Key", salted, h);
        const QByteArray storedKey = QCryptographicHash::hash(clientKey, h);
        const QByteArray withoutProof = clientFinal.left(clientFinal.indexOf(",p="));
        const QByteArray auth = clientFirstBare + ',' + serverFirst + ',' + withoutProof;
        const QByteArray signature = QMessageAuthenticationCode::hash(auth, storedKey, h);
        QByteArray proof = QByteArray::fromBase64(clientFinal.mid(clientFinal.indexOf(",p=") + 3));
        for (qsizetype i = 0; i < proof.size(); ++i)
            proof[i] = char(proof[i] ^ signature[i]);
        if (QCryptographicHash::hash(proof, h) != storedKey)
            return {};
        const QByteArray serverKey = QMessageAuthenticationCode::hash("Server Key", salted, h);
        return "v=" + QMessageAuthenticationCode::hash(auth, serverKey, h).toBase64();
    }
};

} // namespace

class tst_rest_scram : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void vectors_data()
    {
        QTest::addColumn<bool>("sha256");
        QTest::addColumn<QByteArray>("nonce");
        QTest::addColumn<QByteArray>("serverFirst");
        QTest::addColumn<QByteArray>("clientFinal");
        QTest::addColumn<QByteArray>("serverFinal");
        // RFC 5802 §5.
        QTest::newRow("SCRAM-SHA-1") << false << QByteArray("fyko+d2lbbFgONRv9qkxdawL")
                                     << QByteArray("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
                                                   "s=QSXCR+Q6sek8bf92,i=4096")
                                     << QByteArray("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
                                                   "p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=")
                                     << QByteArray("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=");
        // RFC 7677 §3.
        QTest::newRow("SCRAM-SHA-256")
            << true << QByteArray("rOprNGfwEbeRWgbNEkqO")
            << QByteArray("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,"
                          "i=4096")
            << QByteArray("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                          "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
            << QByteArray("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    }
    void vectors()
    {
        QFETCH(bool, sha256);
        QFETCH(QByteArray, nonce);
        QFETCH(QByteArray, serverFirst);
        QFETCH(QByteArray, clientFinal);
        QFETCH(QByteArray, serverFinal);
        ScramClient scram(sha256 ? ScramClient::Hash::Sha256 : ScramClient::Hash::Sha1,
                          QStringLiteral("user"), QStringLiteral("pencil"), nonce);
        QCOMPARE(scram.clientFirst(), "n,,n=user,r=" + nonce);
        QString error;
        QCOMPARE(scram.clientFinal(serverFirst, &error), clientFinal);
        QVERIFY2(scram.verifyServerFinal(serverFinal, &error), qPrintable(error));
        // One bit off in the server's signature: the server does not know the password.
        QByteArray forged = QByteArray::fromBase64(serverFinal.mid(2));
        forged[0] = char(forged[0] ^ 1);
        QVERIFY(!scram.verifyServerFinal("v=" + forged.toBase64(), &error));
        QVERIFY(!scram.verifyServerFinal("e=invalid-proof", &error));
        QVERIFY(error.contains(QLatin1String("invalid-proof")));
    }

    void randomNonceAndEscapedName()
    {
        ScramClient a(ScramClient::Hash::Sha256, QStringLiteral("a,b=c"), QStringLiteral("x"));
        ScramClient b(ScramClient::Hash::Sha256, QStringLiteral("a,b=c"), QStringLiteral("x"));
        // RFC 5802 §5.1: ',' and '=' escaped in saslname; a fresh nonce every time.
        QVERIFY(a.clientFirst().startsWith("n,,n=a=2Cb=3Dc,r="));
        QVERIFY(a.clientFirst() != b.clientFirst());
        QVERIFY(a.clientFirst().size() >= 24);
    }

    void badChallenges_data()
    {
        QTest::addColumn<QByteArray>("serverFirst");
        QTest::newRow("nonce not ours") << QByteArray("r=otherNonce123,s=QSXCR+Q6sek8bf92,i=4096");
        QTest::newRow("nonce not extended") << QByteArray("r=abc,s=QSXCR+Q6sek8bf92,i=4096");
        QTest::newRow("no salt") << QByteArray("r=abcdef,i=4096");
        QTest::newRow("zero iterations") << QByteArray("r=abcdef,s=QSXCR+Q6sek8bf92,i=0");
        QTest::newRow("too many iterations") << QByteArray("r=abcdef,s=QSXCR+Q6sek8bf92,i=100000000");
        QTest::newRow("extension") << QByteArray("m=ext,r=abcdef,s=QSXCR+Q6sek8bf92,i=4096");
    }
    void badChallenges()
    {
        QFETCH(QByteArray, serverFirst);
        ScramClient scram(ScramClient::Hash::Sha1, QStringLiteral("user"), QStringLiteral("pencil"), "abc");
        QString error;
        QVERIFY(scram.clientFinal(serverFirst, &error).isEmpty());
        QVERIFY(!error.isEmpty());
    }

    void mechanismChoice_data()
    {
        QTest::addColumn<QStringList>("offered");
        QTest::addColumn<bool>("plainAllowed");
        QTest::addColumn<QString>("chosen"); // empty: refused
        const QString s256 = QStringLiteral("SCRAM-SHA-256"), s1 = QStringLiteral("SCRAM-SHA-1"),
                      plain = QStringLiteral("PLAIN");
        QTest::newRow("all") << QStringList{plain, s1, s256} << true << s256;
        QTest::newRow("sha1 over plain") << QStringList{plain, s1} << true << s1;
        QTest::newRow("plain when allowed") << QStringList{plain} << true << plain;
        QTest::newRow("plain not allowed") << QStringList{plain} << false << QString();
        QTest::newRow("nothing usable") << QStringList{QStringLiteral("EXTERNAL")} << true << QString();
    }
    void mechanismChoice()
    {
        QFETCH(QStringList, offered);
        QFETCH(bool, plainAllowed);
        QFETCH(QString, chosen);
        SaslLogin login(QStringLiteral("user"), QStringLiteral("pencil"), plainAllowed);
        QByteArray reply;
        QString error;
        const auto outcome = login.start(features(offered), &reply, &error);
        if (chosen.isEmpty()) {
            QCOMPARE(outcome, SaslLogin::Outcome::Failed);
            QVERIFY(!error.isEmpty());
            QVERIFY(reply.isEmpty());
            return;
        }
        QCOMPARE(outcome, SaslLogin::Outcome::Continue);
        QString mechanism;
        const QByteArray initial = payload(reply, &mechanism);
        QCOMPARE(mechanism, chosen);
        QCOMPARE(login.mechanism(), chosen);
        if (chosen == QLatin1String("PLAIN"))
            QCOMPARE(initial, QByteArray("\0user\0pencil", 12)); // RFC 4616 §2
        else
            QVERIFY(initial.startsWith("n,,n=user,r="));
    }

    void scramExchange_data()
    {
        QTest::addColumn<QByteArray>("password");
        QTest::addColumn<bool>("outcomeInChallenge");
        QTest::newRow("success carries v=") << QByteArray("pencil") << false;
        QTest::newRow("challenge carries v=") << QByteArray("pencil") << true;
        QTest::newRow("wrong password") << QByteArray("crayon") << false;
    }
    void scramExchange()
    {
        QFETCH(QByteArray, password);
        QFETCH(bool, outcomeInChallenge);
        ScramServer server;
        SaslLogin login(QStringLiteral("user"), QString::fromLatin1(password), false);
        QByteArray reply;
        QString error;
        QCOMPARE(login.start(features({QStringLiteral("SCRAM-SHA-256")}), &reply, &error),
                 SaslLogin::Outcome::Continue);
        QCOMPARE(login.handle(saslElement("challenge", server.first(payload(reply))), &reply, &error),
                 SaslLogin::Outcome::Continue);
        const QByteArray verifier = server.final(payload(reply));
        if (verifier.isEmpty()) {
            QCOMPARE(password, QByteArray("crayon"));
            QCOMPARE(login.handle("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/>"
                                  "</failure>",
                                  &reply, &error),
                     SaslLogin::Outcome::NotAuthorized);
            QCOMPARE(error, QStringLiteral("not-authorized"));
            return;
        }
        if (outcomeInChallenge) {
            QCOMPARE(login.handle(saslElement("challenge", verifier), &reply, &error),
                     SaslLogin::Outcome::Continue);
            QCOMPARE(reply, QByteArray("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'></response>"));
            QCOMPARE(login.handle("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>", &reply, &error),
                     SaslLogin::Outcome::Success);
        } else {
            QCOMPARE(login.handle(saslElement("success", verifier), &reply, &error),
                     SaslLogin::Outcome::Success);
        }
    }

    void successWithoutSignatureFails()
    {
        // RFC 5802 §9: a success without the server's proof is not trusted.
        ScramServer server;
        SaslLogin login(QStringLiteral("user"), QStringLiteral("pencil"), false);
        QByteArray reply;
        QString error;
        login.start(features({QStringLiteral("SCRAM-SHA-1")}), &reply, &error);
        login.handle(saslElement("challenge", server.first(payload(reply))), &reply, &error);
        QCOMPARE(login.handle("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>", &reply, &error),
                 SaslLogin::Outcome::Failed);
        QCOMPARE(login.handle("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                              "dj1ybUY5cHFWOFM3c3VBb1pXamE0ZEpSa0ZzS1E9</success>",
                              &reply, &error),
                 SaslLogin::Outcome::Failed);
    }

    void otherFailuresAreNotCredentials()
    {
        SaslLogin login(QStringLiteral("user"), QStringLiteral("pencil"), true);
        QByteArray reply;
        QString error;
        login.start(features({QStringLiteral("PLAIN")}), &reply, &error);
        QCOMPARE(login.handle("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><temporary-auth-failure/>"
                              "</failure>",
                              &reply, &error),
                 SaslLogin::Outcome::Failed);
        QCOMPARE(error, QStringLiteral("temporary-auth-failure"));
        QCOMPARE(login.handle("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", &reply, &error),
                 SaslLogin::Outcome::Failed);
    }
};

QTEST_GUILESS_MAIN(tst_rest_scram)
#include "tst_rest_scram.moc"
