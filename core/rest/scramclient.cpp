// SPDX-License-Identifier: GPL-3.0-or-later
#include "rest/scramclient.h"

#include "base/constanttime.h"
#include "rest/credentials.h"

#include <QMessageAuthenticationCode>
#include <QPasswordDigestor>
#include <QRandomGenerator>

namespace Switchboard::Rest {

namespace {

/// SASLprep (RFC 4013) maps with NFKC and forbids some code points; Qt has no stringprep, so this
/// applies the normalisation, which is what makes the common cases (ASCII, composed letters) agree
/// with the server. Code points SASLprep prohibits reach the server, which refuses the login.
QByteArray saslPrep(const QString &text)
{
    return text.normalized(QString::NormalizationForm_KC).toUtf8();
}

/// Overwrites a secret before its memory goes back to the allocator.
void wipe(QByteArray &secret)
{
    secret.fill('\0');
    secret.clear();
}

/// The value of attribute `name` ("name=value") in a comma-separated SCRAM message; null if absent.
QByteArray attribute(const QList<QByteArray> &parts, char name)
{
    for (const QByteArray &part : parts) {
        if (part.size() >= 2 && part.at(0) == name && part.at(1) == '=')
            return part.mid(2);
    }
    return {};
}

} // namespace

ScramClient::ScramClient(Hash hash, const QString &username, const QString &password, const QByteArray &nonce)
    : m_hash(hash), m_password(saslPrep(password)), m_nonce(nonce)
{
    // RFC 5802 §5.1: ',' and '=' in the user name are escaped as =2C and =3D.
    m_username = saslPrep(username);
    m_username.replace('=', "=3D").replace(',', "=2C");
    if (m_nonce.isEmpty()) {
        quint32 words[6];
        QRandomGenerator::system()->fillRange(words);
        m_nonce = QByteArray(reinterpret_cast<const char *>(words), sizeof words).toBase64();
    }
}

ScramClient::ScramClient(Hash hash, const Credentials &credentials, const QByteArray &nonce)
    : ScramClient(hash, credentials.username, QString(), nonce)
{
    m_fromCredentials = true;
    m_salt = credentials.salt;
    m_iterations = credentials.iterations;
    m_salted = credentials.saltedPassword;
}

ScramClient::~ScramClient()
{
    wipe(m_password);
    wipe(m_salted);
    wipe(m_serverSignature);
}

QString ScramClient::mechanismName(Hash hash)
{
    return hash == Hash::Sha256 ? QStringLiteral("SCRAM-SHA-256") : QStringLiteral("SCRAM-SHA-1");
}

QCryptographicHash::Algorithm ScramClient::algorithm() const
{
    return m_hash == Hash::Sha256 ? QCryptographicHash::Sha256 : QCryptographicHash::Sha1;
}

QByteArray ScramClient::hmac(const QByteArray &key, const QByteArray &message) const
{
    return QMessageAuthenticationCode::hash(message, key, algorithm());
}

QByteArray ScramClient::clientFirst() const
{
    return "n,,n=" + m_username + ",r=" + m_nonce;
}

QByteArray ScramClient::clientFinal(const QByteArray &serverFirst, QString *error)
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return QByteArray();
    };
    if (m_finalSent)
        return fail(QStringLiteral("challenge after the final message"));
    const QList<QByteArray> parts = serverFirst.split(',');
    // RFC 5802 §5.1: a mandatory extension we do not know ends the exchange.
    if (serverFirst.startsWith("m="))
        return fail(QStringLiteral("server asks for an unsupported SCRAM extension"));
    const QByteArray nonce = attribute(parts, 'r');
    const QByteArray salt = QByteArray::fromBase64(attribute(parts, 's'));
    bool ok = false;
    const int iterations = attribute(parts, 'i').toInt(&ok);
    // RFC 5802 §5.1: the server's nonce starts with ours and adds to it.
    if (nonce.size() <= m_nonce.size() || !nonce.startsWith(m_nonce))
        return fail(QStringLiteral("server nonce does not extend the client nonce"));
    if (salt.isEmpty())
        return fail(QStringLiteral("no salt in the server challenge"));
    if (!ok || iterations < 1 || iterations > kMaxIterations)
        return fail(QStringLiteral("bad iteration count in the server challenge"));
    if (m_fromCredentials && (salt != m_salt || iterations != m_iterations)) {
        // The server re-salted the password (a password change, a migration): the salted password we
        // hold opens nothing any more.
        m_stale = true;
        return fail(QStringLiteral("the server asks for another salt or iteration count; log in again "
                                   "with the password"));
    }
    m_finalSent = true;

    // RFC 5802 §3: SaltedPassword := Hi(Normalize(password), salt, i), Hi being PBKDF2 with HMAC.
    if (!m_fromCredentials) {
        const int length = QCryptographicHash::hashLength(algorithm());
        m_salted =
            QPasswordDigestor::deriveKeyPbkdf2(algorithm(), m_password, salt, iterations, quint64(length));
        wipe(m_password);
        m_salt = salt;
        m_iterations = iterations;
    }
    const QByteArray &salted = m_salted;
    QByteArray clientKey = hmac(salted, QByteArrayLiteral("Client Key"));
    const QByteArray storedKey = QCryptographicHash::hash(clientKey, algorithm());
    // "biws" is base64("n,,"): the gs2 header without channel binding.
    const QByteArray withoutProof = "c=biws,r=" + nonce;
    const QByteArray authMessage = clientFirst().mid(3) + ',' + serverFirst + ',' + withoutProof;
    const QByteArray clientSignature = hmac(storedKey, authMessage);
    QByteArray proof = clientKey;
    for (qsizetype i = 0; i < proof.size(); ++i)
        proof[i] = char(proof[i] ^ clientSignature[i]);
    QByteArray serverKey = hmac(salted, QByteArrayLiteral("Server Key"));
    m_serverSignature = hmac(serverKey, authMessage);
    wipe(clientKey);
    wipe(serverKey);
    return withoutProof + ",p=" + proof.toBase64();
}

bool ScramClient::verifyServerFinal(const QByteArray &serverFinal, QString *error) const
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (m_serverSignature.isEmpty())
        return fail(QStringLiteral("server final message before the challenge"));
    const QList<QByteArray> parts = serverFinal.split(',');
    if (const QByteArray serverError = attribute(parts, 'e'); !serverError.isNull())
        return fail(QStringLiteral("server error: ") + QString::fromUtf8(serverError));
    const QByteArray verifier = attribute(parts, 'v');
    if (verifier.isEmpty())
        return fail(QStringLiteral("no verifier in the server final message"));
    // RFC 5802 §9: a server that cannot show the signature does not know the password.
    if (!constantTimeEquals(QByteArray::fromBase64(verifier), m_serverSignature))
        return fail(QStringLiteral("wrong server signature"));
    return true;
}

} // namespace Switchboard::Rest
