// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QCryptographicHash>
#include <QString>

namespace Switchboard::Rest {

struct Credentials;

/// The client side of one SCRAM exchange (RFC 5802; SCRAM-SHA-256 is RFC 7677), without channel
/// binding (gs2 header "n,,"): client-first, then client-final from the server's challenge, then the
/// check of the server's signature, which proves the server knows the password too.
///
/// Built from the password, it derives the salted password in clientFinal() and keeps it (salt(),
/// iterations(), saltedPassword()) so that a later log-in needs no password. Built from Credentials
/// (a salted password for one salt and iteration count, RFC 5802 §3), it derives ClientKey and
/// ServerKey from that; a challenge naming another salt or iteration count fails with
/// credentialsStale() set: only the password can log in again.
///
/// The password is held only until clientFinal() has derived the keys from it; then it is wiped. The
/// salted password and the keys are wiped when the object goes. A plain value type, no thread ties.
class ScramClient final
{
    Q_DISABLE_COPY_MOVE(ScramClient)
public:
    enum class Hash { Sha1, Sha256 };

    /// `nonce` is the client nonce; empty: 24 random bytes from the system CSPRNG, base64 (RFC 5802 §5.1
    /// asks for a nonce that is unpredictable; tests pass the RFC's to check the vectors).
    ScramClient(Hash hash, const QString &username, const QString &password, const QByteArray &nonce = {});
    /// From a salted password (`credentials` must be SCRAM with the mechanism of `hash`).
    ScramClient(Hash hash, const Credentials &credentials, const QByteArray &nonce = {});
    ~ScramClient();

    /// "SCRAM-SHA-1" or "SCRAM-SHA-256".
    static QString mechanismName(Hash hash);
    /// The most iterations a server may ask for: PBKDF2 runs on the event loop, and a hostile or broken
    /// server must not stall it for minutes.
    static constexpr int kMaxIterations = 1000000;

    /// client-first-message: "n,,n=<user>,r=<nonce>" (RFC 5802 §7).
    QByteArray clientFirst() const;
    /// client-final-message for `serverFirst` ("r=...,s=...,i=..."), or empty with `error` set when the
    /// challenge is malformed, its nonce does not extend ours, or it asks for an extension (m=).
    QByteArray clientFinal(const QByteArray &serverFirst, QString *error);
    /// Checks server-final-message ("v=<signature>") in constant time; false with `error` set on a
    /// server error (e=...), a malformed message or a wrong signature.
    bool verifyServerFinal(const QByteArray &serverFinal, QString *error) const;
    /// clientFinal() failed because the server asked for another salt or iteration count than the
    /// Credentials were made for (RFC 5802 §3: the salted password is only good for those).
    bool credentialsStale() const { return m_stale; }
    /// After clientFinal(): the salt and iteration count the server gave and the salted password for
    /// them; empty / 0 before.
    const QByteArray &salt() const { return m_salt; }
    int iterations() const { return m_iterations; }
    const QByteArray &saltedPassword() const { return m_salted; }

private:
    QCryptographicHash::Algorithm algorithm() const;
    QByteArray hmac(const QByteArray &key, const QByteArray &message) const;

    Hash m_hash;
    QByteArray m_username; ///< SASLprep'd and escaped (RFC 5802 §5.1 saslname)
    QByteArray m_password; ///< SASLprep'd UTF-8; wiped once used
    QByteArray m_salt;
    int m_iterations = 0;
    QByteArray m_salted; ///< from Credentials, or derived in clientFinal(); wiped when the object goes
    bool m_fromCredentials = false;
    bool m_stale = false;
    QByteArray m_nonce;
    QByteArray m_serverSignature; ///< expected in server-final
    bool m_finalSent = false;
};

} // namespace Switchboard::Rest
