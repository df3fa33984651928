// SPDX-License-Identifier: GPL-3.0-or-later
// VAPID (RFC 8292): the key file is created once with mode 0600 and loaded after, a file that holds no
// P-256 key is an error, the JWT has the ES256 header and the aud/exp/sub claims, its R||S signature
// verifies with the public key (and not after a change), and the Authorization header carries t= and k=.
#include "push/eckey.h"
#include "push/vapid.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

using namespace Switchboard::Push;

class tst_PushVapid : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void keyFileIsCreatedPrivateThenLoaded();
    void badKeyFilesAreErrors();
    void jwtStructureAndClaims();
    void signatureVerifiesWithThePublicKey();
    void signatureIsDerConvertibleForOpenSsl();
    void authorizationHeader();
    void originOfEndpoints();
};

void tst_PushVapid::keyFileIsCreatedPrivateThenLoaded()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("vapid.pem"));
    QString error;
    const Vapid created = Vapid::loadOrCreate(path, QStringLiteral("mailto:ops@example.com"), &error);
    QVERIFY2(!created.isNull(), qPrintable(error));
    const QFileDevice::Permissions mode = QFile::permissions(path);
    QVERIFY(mode.testFlags(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    QVERIFY(!(mode & (QFileDevice::ExeOwner | QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                      QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::WriteOther |
                      QFileDevice::ExeOther))); // 0600
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll().startsWith("-----BEGIN PRIVATE KEY-----"));

    const Vapid loaded = Vapid::loadOrCreate(path, QStringLiteral("mailto:ops@example.com"), &error);
    QVERIFY2(!loaded.isNull(), qPrintable(error));
    QCOMPARE(loaded.publicKeyBase64Url(), created.publicKeyBase64Url());
    // base64url of the 65-octet uncompressed point: 87 characters, no padding.
    QCOMPARE(created.publicKeyBase64Url().size(), 87);
    QCOMPARE(fromBase64Url(created.publicKeyBase64Url())->at(0), '\x04');
}

void tst_PushVapid::badKeyFilesAreErrors()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("vapid.pem"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("not a key\n");
    file.close();
    QString error;
    QVERIFY(Vapid::loadOrCreate(path, QStringLiteral("mailto:a@b"), &error).isNull());
    QVERIFY(error.contains(path));

    // A passphrase-protected key is refused, not prompted for; an RSA key is refused.
    for (const QStringList &generate :
         {QStringList{QStringLiteral("-algorithm"), QStringLiteral("EC"), QStringLiteral("-pkeyopt"),
                      QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-aes128"),
                      QStringLiteral("-pass"), QStringLiteral("pass:secret")},
          QStringList{QStringLiteral("-algorithm"), QStringLiteral("RSA"), QStringLiteral("-pkeyopt"),
                      QStringLiteral("rsa_keygen_bits:1024")}}) {
        const QString other = dir.filePath(QStringLiteral("other.pem"));
        QFile::remove(other);
        QProcess openssl;
        openssl.setStandardInputFile(QProcess::nullDevice());
        openssl.start(QStringLiteral("openssl"), QStringList{QStringLiteral("genpkey")} + generate +
                                                     QStringList{QStringLiteral("-out"), other});
        QVERIFY(openssl.waitForFinished(30000) && openssl.exitCode() == 0);
        error.clear();
        QVERIFY(Vapid::loadOrCreate(other, QStringLiteral("mailto:a@b"), &error).isNull());
        QVERIFY(error.contains(other));
    }

    // A folder where the file should be.
    error.clear();
    QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("folder.pem")));
    QVERIFY(
        Vapid::loadOrCreate(dir.filePath(QStringLiteral("folder.pem")), QStringLiteral("mailto:a@b"), &error)
            .isNull());
    QVERIFY(!error.isEmpty());
    // Missing folders are created.
    error.clear();
    QVERIFY(!Vapid::loadOrCreate(dir.filePath(QStringLiteral("new/dir/vapid.pem")),
                                 QStringLiteral("mailto:a@b"), &error)
                 .isNull());
}

void tst_PushVapid::jwtStructureAndClaims()
{
    const Vapid vapid(EcKey::generate(), QStringLiteral("mailto:push@example.org"));
    const QDateTime now = QDateTime::fromSecsSinceEpoch(1764759600);
    const QByteArray jwt =
        vapid.token(QUrl(QStringLiteral("https://push.example.net:8443/wpush/v2/abc?x=1")), now);
    const QList<QByteArray> parts = jwt.split('.');
    QCOMPARE(parts.size(), 3);
    const QJsonObject header = QJsonDocument::fromJson(*fromBase64Url(parts[0])).object();
    QCOMPARE(header.value(QStringLiteral("alg")).toString(), QStringLiteral("ES256"));
    QCOMPARE(header.value(QStringLiteral("typ")).toString(), QStringLiteral("JWT"));
    const QJsonObject claims = QJsonDocument::fromJson(*fromBase64Url(parts[1])).object();
    QCOMPARE(claims.value(QStringLiteral("aud")).toString(), QStringLiteral("https://push.example.net:8443"));
    QCOMPARE(claims.value(QStringLiteral("sub")).toString(), QStringLiteral("mailto:push@example.org"));
    QCOMPARE(claims.value(QStringLiteral("exp")).toInteger(), now.toSecsSinceEpoch() + 12 * 3600);
    QCOMPARE(fromBase64Url(parts[2])->size(), 64);
    // RFC 8292 §2: never more than 24 hours.
    const QByteArray longLived =
        vapid.token(QUrl(QStringLiteral("https://p.example")), now, std::chrono::hours(48));
    const QJsonObject longClaims = QJsonDocument::fromJson(*fromBase64Url(longLived.split('.')[1])).object();
    QCOMPARE(longClaims.value(QStringLiteral("exp")).toInteger(), now.toSecsSinceEpoch() + 24 * 3600);
    QVERIFY(vapid.token(QUrl(QStringLiteral("/relative")), now).isEmpty());
    QVERIFY(Vapid().token(QUrl(QStringLiteral("https://p.example")), now).isEmpty());
}

void tst_PushVapid::signatureVerifiesWithThePublicKey()
{
    const Vapid vapid(EcKey::generate(), QStringLiteral("mailto:push@example.org"));
    const QByteArray jwt =
        vapid.token(QUrl(QStringLiteral("https://push.example.net/x")), QDateTime::currentDateTimeUtc());
    const qsizetype lastDot = jwt.lastIndexOf('.');
    const QByteArray signingInput = jwt.left(lastDot);
    const QByteArray signature = *fromBase64Url(jwt.mid(lastDot + 1));
    // The receiver has only the public key from "k=".
    const EcKey publicOnly = EcKey::fromPublicPoint(*fromBase64Url(vapid.publicKeyBase64Url()));
    QVERIFY(!publicOnly.hasPrivateKey());
    QVERIFY(publicOnly.verifyEs256(signingInput, signature));
    QVERIFY(!publicOnly.verifyEs256(QByteArray(signingInput + 'x'), signature));
    QVERIFY(!EcKey::generate().verifyEs256(signingInput, signature));
}

void tst_PushVapid::signatureIsDerConvertibleForOpenSsl()
{
    // Check R||S with OpenSSL's own DER verification, independent of EcKey::verifyEs256().
    const EcKey key = EcKey::generate();
    const QByteArray data = "payload";
    const QByteArray raw = key.signEs256(data);
    QCOMPARE(raw.size(), 64);
    ECDSA_SIG *sig = ECDSA_SIG_new();
    ECDSA_SIG_set0(sig, BN_bin2bn(reinterpret_cast<const unsigned char *>(raw.constData()), 32, nullptr),
                   BN_bin2bn(reinterpret_cast<const unsigned char *>(raw.constData()) + 32, 32, nullptr));
    unsigned char *der = nullptr;
    const int derLength = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    const QByteArray pem = key.toPem();
    BIO *bio = BIO_new_mem_buf(pem.constData(), int(pem.size()));
    EVP_PKEY *pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    QCOMPARE(EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, pkey), 1);
    QCOMPARE(EVP_DigestVerify(ctx, der, size_t(derLength),
                              reinterpret_cast<const unsigned char *>(data.constData()), size_t(data.size())),
             1);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    OPENSSL_free(der);
}

void tst_PushVapid::authorizationHeader()
{
    const Vapid vapid(EcKey::generate(), QStringLiteral("mailto:push@example.org"));
    const QUrl endpoint(QStringLiteral("https://push.example.net/x"));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QByteArray header = vapid.authorization(endpoint, now);
    QVERIFY(header.startsWith("vapid t="));
    QVERIFY(header.endsWith(QByteArray(", k=" + vapid.publicKeyBase64Url())));
    const QByteArray jwt = header.mid(8, header.indexOf(',') - 8);
    QCOMPARE(jwt.count('.'), 2);
}

void tst_PushVapid::originOfEndpoints()
{
    QCOMPARE(Vapid::origin(QUrl(QStringLiteral("https://Push.Example.net:443/a/b?c#d"))),
             QStringLiteral("https://push.example.net"));
    QCOMPARE(Vapid::origin(QUrl(QStringLiteral("https://user:pw@push.example.net:8443/a"))),
             QStringLiteral("https://push.example.net:8443"));
    QCOMPARE(Vapid::origin(QUrl(QStringLiteral("https://[2001:db8::1]:444/a"))),
             QStringLiteral("https://[2001:db8::1]:444"));
    QCOMPARE(Vapid::origin(QUrl(QStringLiteral("no-scheme"))), QString());
}

QTEST_GUILESS_MAIN(tst_PushVapid)
#include "tst_push_vapid.moc"
