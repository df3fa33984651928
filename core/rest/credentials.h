// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace Switchboard::Rest {

/// What a REST session keeps so that it can log in again without its client: after the server link
/// drops (reconnect) and after Switchboard restarts (the session store). docs/REST.md says where each
/// copy lives.
///
/// SCRAM (RFC 5802 §3): the salted password for the salt and iteration count the server gave. It lets
/// Switchboard compute ClientKey and ServerKey, so it can prove itself and check the server's
/// signature, but it is not the password: it opens this account on this server only as long as the
/// server keeps that salt. If the server asks for another salt or iteration count, the log-in fails as
/// not-authorized, and the client must create a new session with the password.
///
/// PLAIN (RFC 4616): there is nothing but the password, so it is kept; PLAIN is only ever used over
/// TLS or to a no_tls_domains server.
///
/// A plain value type, no thread ties. Secrets are wiped when the object goes.
struct Credentials
{
    QString username;  ///< the JID's localpart (RFC 6120 §6.3.8 authentication identity)
    QString mechanism; ///< "SCRAM-SHA-256", "SCRAM-SHA-1" or "PLAIN"
    // SCRAM:
    QByteArray salt; ///< as the server sent it, decoded
    int iterations = 0;
    QByteArray saltedPassword; ///< Hi(Normalize(password), salt, i)
    // PLAIN:
    QString password;

    Credentials() = default;
    Credentials(const Credentials &) = default;
    Credentials &operator=(const Credentials &) = default;
    ~Credentials();

    bool isScram() const { return mechanism.startsWith(QLatin1String("SCRAM-")); }
    bool isValid() const;
    /// {"username", "mechanism", "salt" (base64), "iterations", "salted_password" (base64)} or
    /// {"username", "mechanism": "PLAIN", "password"}.
    QJsonObject toJson() const;
    /// nullopt when `object` is not what toJson() writes.
    static std::optional<Credentials> fromJson(const QJsonObject &object);
};

} // namespace Switchboard::Rest
