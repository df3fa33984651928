// SPDX-License-Identifier: GPL-3.0-or-later
// The SCRAM client against the published test vectors (RFC 5802 §5, RFC 7677 §3), and the SASL
// negotiation step (RFC 6120 §6) fed with a server's elements: mechanism choice, PLAIN only when
// allowed, failure conditions, and the server signature check. Logging in again from Credentials: the
// vectors from the salted password alone, and a changed salt or iteration count refused.
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

    void vectorsFromSaltedPassword_data() { vectors_data(); }
    void vectorsFromSaltedPassword()
    {
        QFETCH(bool, sha256);
        QFETCH(QByteArray, nonce);
        QFETCH(QByteArray, serverFirst);
        QFETCH(QByteArray, clientFinal);
        QFETCH(QByteArray, serverFinal);
        const ScramClient::Hash hash = sha256 ? ScramClient::Hash::Sha256 : ScramClient::Hash::Sha1;
        // Hi("pencil", salt, 4096) for the two vectors (PBKDF2, RFC 8018 §5.2), computed independently.
        const QByteArray salted =
            QByteArray::fromHex(sha256 ? "c4a49510323ab4f952cac1fa99441939e78ea74d6be81ddf7096e87513dc615d"
                                       : "1d96ee3a529b5a5f9e47c01f229a2cb8a6e15f7d");
        const qsizetype s = serverFirst.indexOf(",s=") + 3;
        const QByteArray salt = QByteArray::fromBase64(serverFirst.mid(s, serverFirst.indexOf(",i=") - s));
        // From the password: the salted password it derived is what a later log-in needs.
        ScramClient fromPassword(hash, QStringLiteral("user"), QStringLiteral("pencil"), nonce);
        QString error;
        QCOMPARE(fromPassword.clientFinal(serverFirst, &error), clientFinal);
        QCOMPARE(fromPassword.salt(), salt);
        QCOMPARE(fromPassword.iterations(), 4096);
        QCOMPARE(fromPassword.saltedPassword(), salted);

        // From the salted password alone: the same proof, and the server's signature checks.
        Credentials credentials;
        credentials.username = QStringLiteral("user");
        credentials.mechanism = ScramClient::mechanismName(hash);
        credentials.salt = salt;
        credentials.iterations = 4096;
        credentials.saltedPassword = salted;
        ScramClient scram(hash, credentials, nonce);
        QCOMPARE(scram.clientFirst(), "n,,n=user,r=" + nonce);
        QCOMPARE(scram.clientFinal(serverFirst, &error), clientFinal);
        QVERIFY2(scram.verifyServerFinal(serverFinal, &error), qPrintable(error));
        QVERIFY(!scram.credentialsStale());
        QByteArray forged = QByteArray::fromBase64(serverFinal.mid(2));
        forged[1] = char(forged[1] ^ 1);
        QVERIFY(!scram.verifyServerFinal("v=" + forged.toBase64(), &error));
    }

    void staleCredentials_data()
    {
        QTest::addColumn<QByteArray>("serverFirst");
        QTest::newRow("other salt") << QByteArray("r=abcdef,s=c2FsdHNhbHQ=,i=4096");
        QTest::newRow("other iteration count") << QByteArray("r=abcdef,s=QSXCR+Q6sek8bf92,i=8192");
    }
    void staleCredentials()
    {
        QFETCH(QByteArray, serverFirst);
        Credentials credentials;
        credentials.username = QStringLiteral("user");
        credentials.mechanism = QStringLiteral("SCRAM-SHA-1");
        credentials.salt = QByteArray::fromBase64("QSXCR+Q6sek8bf92");
        credentials.iterations = 4096;
        credentials.saltedPassword = QByteArray::fromHex("1d96ee3a529b5a5f9e47c01f229a2cb8a6e15f7d");
        ScramClient scram(ScramClient::Hash::Sha1, credentials, "abc");
        QString error;
        QVERIFY(scram.clientFinal(serverFirst, &error).isEmpty());
        QVERIFY(scram.credentialsStale());
        QVERIFY(error.contains(QLatin1String("password")));
    }

    void loginAgainFromCredentials()
    {
        ScramServer server;
        SaslLogin first(QStringLiteral("user"), QStringLiteral("pencil"), false);
        QVERIFY(!first.credentials());
        QByteArray reply;
        QString error;
        first.start(features({QStringLiteral("SCRAM-SHA-256"), QStringLiteral("PLAIN")}), &reply, &error);
        first.handle(saslElement("challenge", server.first(payload(reply))), &reply, &error);
        QVERIFY(!first.credentials()); // not before success
        QCOMPARE(first.handle(saslElement("success", server.final(payload(reply))), &reply, &error),
                 SaslLogin::Outcome::Success);
        const std::optional<Credentials> kept = first.credentials();
        QVERIFY(kept);
        QCOMPARE(kept->username, QStringLiteral("user"));
        QCOMPARE(kept->mechanism, QStringLiteral("SCRAM-SHA-256"));
        QCOMPARE(kept->salt, server.salt);
        QCOMPARE(kept->iterations, server.iterations);
        QCOMPARE(kept->saltedPassword,
                 QPasswordDigestor::deriveKeyPbkdf2(QCryptographicHash::Sha256, "pencil", server.salt,
                                                    server.iterations, 32));
        QVERIFY(kept->password.isEmpty()); // SCRAM keeps no password

        // Again, without the password: the server accepts the proof, the client checks the server.
        SaslLogin again(*kept, true);
        QCOMPARE(
            again.start(features({QStringLiteral("PLAIN"), QStringLiteral("SCRAM-SHA-256")}), &reply, &error),
            SaslLogin::Outcome::Continue);
        QCOMPARE(again.mechanism(), QStringLiteral("SCRAM-SHA-256"));
        QCOMPARE(again.handle(saslElement("challenge", server.first(payload(reply))), &reply, &error),
                 SaslLogin::Outcome::Continue);
        const QByteArray verifier = server.final(payload(reply));
        QVERIFY(!verifier.isEmpty());
        QCOMPARE(again.handle(saslElement("success", verifier), &reply, &error), SaslLogin::Outcome::Success);
        QCOMPARE(again.credentials()->saltedPassword, kept->saltedPassword);

        // A server that forgets the salted password's salt (password changed): not-authorized, nothing
        // sent that could be replayed.
        server.salt = "newsaltnewsalt";
        SaslLogin stale(*kept, false);
        QCOMPARE(stale.start(features({QStringLiteral("SCRAM-SHA-256")}), &reply, &error),
                 SaslLogin::Outcome::Continue);
        const QByteArray sentBefore = reply;
        QCOMPARE(stale.handle(saslElement("challenge", server.first(payload(reply))), &reply, &error),
                 SaslLogin::Outcome::NotAuthorized);
        QCOMPARE(reply, sentBefore);
        QVERIFY(error.contains(QLatin1String("password")));
        QVERIFY(!stale.credentials());
    }

    void credentialsNeedTheirMechanism()
    {
        Credentials credentials;
        credentials.username = QStringLiteral("user");
        credentials.mechanism = QStringLiteral("SCRAM-SHA-256");
        credentials.salt = "salt";
        credentials.iterations = 4096;
        credentials.saltedPassword = QByteArray(32, 'k');
        SaslLogin login(credentials, true);
        QByteArray reply;
        QString error;
        // A SHA-256 salted password is no use to SCRAM-SHA-1 or PLAIN: only the password can log in.
        QCOMPARE(
            login.start(features({QStringLiteral("SCRAM-SHA-1"), QStringLiteral("PLAIN")}), &reply, &error),
            SaslLogin::Outcome::NotAuthorized);
        QVERIFY(reply.isEmpty());
        QVERIFY(error.contains(QLatin1String("SCRAM-SHA-256")));
    }

    void plainCredentials()
    {
        SaslLogin first(QStringLiteral("user"), QStringLiteral("pencil"), true);
        QByteArray reply;
        QString error;
        first.start(features({QStringLiteral("PLAIN")}), &reply, &error);
        QCOMPARE(first.handle("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>", &reply, &error),
                 SaslLogin::Outcome::Success);
        const std::optional<Credentials> kept = first.credentials();
        QVERIFY(kept);
        QCOMPARE(kept->mechanism, QStringLiteral("PLAIN"));
        QCOMPARE(kept->password, QStringLiteral("pencil"));
        QVERIFY(kept->saltedPassword.isEmpty());

        // PLAIN credentials log in like the password: PLAIN still only when allowed.
        SaslLogin refused(*kept, false);
        QCOMPARE(refused.start(features({QStringLiteral("PLAIN")}), &reply, &error),
                 SaslLogin::Outcome::Failed);
        SaslLogin again(*kept, true);
        QCOMPARE(again.start(features({QStringLiteral("PLAIN")}), &reply, &error),
                 SaslLogin::Outcome::Continue);
        QCOMPARE(payload(reply), QByteArray("\0user\0pencil", 12));
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
