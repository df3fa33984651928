// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "push/eckey.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QUrl>

#include <chrono>

namespace Switchboard::Push {

/// The application server's VAPID identity (RFC 8292): one P-256 key pair, kept in a PEM file, that
/// signs a short-lived JWT (RFC 7519, ES256) for each push request. A value; built once at start by the
/// composition root and then only read, so it may be shared by const reference across threads.
class Vapid
{
public:
    /// RFC 8292 §2: a JWT must not be valid for more than 24 hours; Switchboard's last 12.
    static constexpr std::chrono::seconds DefaultLifetime{12 * 3600};
    static constexpr std::chrono::seconds MaxLifetime{24 * 3600};

    Vapid() = default;
    explicit Vapid(EcKey key, QString subject);

    /// Reads the key pair from `fileName` (PEM); creates it first when the file does not exist, with a
    /// fresh key, mode 0600 and the missing folders (the private key must stay private). Returns a null Vapid
    /// and sets `error` when the file cannot be read, is not a P-256 private key, or cannot be created.
    /// `subject` is the contact URI of the JWT's "sub" claim (RFC 8292 §2.1: mailto: or https:).
    static Vapid loadOrCreate(const QString &fileName, const QString &subject, QString *error);

    /// Where the key lives when `vapid_key_file` is empty: vapid.pem in the application's data folder
    /// (QStandardPaths::AppDataLocation, e.g. ~/.local/share/switchboard/).
    static QString defaultKeyFile();

    bool isNull() const { return m_key.isNull(); }
    const EcKey &key() const { return m_key; }
    const QString &subject() const { return m_subject; }

    /// The public key as served by GET /api/v1/vapid and sent as "k": base64url (no padding) of the
    /// uncompressed point (RFC 8292 §3.2).
    QByteArray publicKeyBase64Url() const;
    /// RFC 8292 §3: the signed JWT for a push to `endpoint`: "aud" is the endpoint's origin, "exp" is
    /// `now` + `lifetime` (at most MaxLifetime), "sub" is the subject. Empty for a null Vapid or an
    /// endpoint without scheme and host.
    QByteArray token(const QUrl &endpoint, const QDateTime &now,
                     std::chrono::seconds lifetime = DefaultLifetime) const;
    /// RFC 8292 §3: the Authorization header value, "vapid t=<jwt>, k=<public key>".
    QByteArray authorization(const QUrl &endpoint, const QDateTime &now,
                             std::chrono::seconds lifetime = DefaultLifetime) const;

    /// The origin of an endpoint URL (RFC 6454 §6.1): scheme "://" host [":" port unless default].
    static QString origin(const QUrl &endpoint);

private:
    EcKey m_key;
    QString m_subject;
};

/// base64url without padding (RFC 4648 §5), as JWS and the Push API use it.
QByteArray base64Url(QByteArrayView data);
/// Decodes base64url with or without padding; nullopt on any other character.
std::optional<QByteArray> fromBase64Url(QByteArrayView text);

} // namespace Switchboard::Push
