// SPDX-License-Identifier: GPL-3.0-or-later
#include "push/vapid.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

namespace Switchboard::Push {

QByteArray base64Url(QByteArrayView data)
{
    return data.toByteArray().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

std::optional<QByteArray> fromBase64Url(QByteArrayView text)
{
    const auto result = QByteArray::fromBase64Encoding(
        text.toByteArray(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!result)
        return std::nullopt;
    return result.decoded;
}

Vapid::Vapid(EcKey key, QString subject) : m_key(std::move(key)), m_subject(std::move(subject))
{
    if (!m_key.hasPrivateKey())
        m_key = EcKey();
}

QString Vapid::defaultKeyFile()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/vapid.pem");
}

Vapid Vapid::loadOrCreate(const QString &fileName, const QString &subject, QString *error)
{
    const auto fail = [&](const QString &reason) {
        if (error)
            *error = reason;
        return Vapid();
    };
    QFile file(fileName);
    if (!QFileInfo::exists(fileName)) {
        EcKey key = EcKey::generate();
        const QByteArray pem = key.toPem();
        if (pem.isEmpty())
            return fail(QCoreApplication::translate("Switchboard::Push", "cannot generate a VAPID key"));
        QDir().mkpath(QFileInfo(fileName).absolutePath());
        // Created with mode 0600 from the start, never readable by others, and never over an existing
        // file (NewOnly), so two instances starting at once cannot replace each other's key.
        if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly,
                       QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
            file.write(pem) != pem.size() || !file.flush())
            return fail(
                QCoreApplication::translate("Switchboard::Push", "cannot create VAPID key file '%1': %2")
                    .arg(fileName, file.errorString()));
        file.close();
        return Vapid(std::move(key), subject);
    }
    if (!file.open(QIODevice::ReadOnly))
        return fail(QCoreApplication::translate("Switchboard::Push", "cannot read VAPID key file '%1': %2")
                        .arg(fileName, file.errorString()));
    // A PEM key is a few hundred bytes; refuse to read a large file that cannot be one.
    EcKey key = EcKey::fromPem(file.read(64 * 1024));
    if (key.isNull())
        return fail(
            QCoreApplication::translate("Switchboard::Push", "'%1' does not hold a P-256 private key (PEM)")
                .arg(fileName));
    return Vapid(std::move(key), subject);
}

QByteArray Vapid::publicKeyBase64Url() const
{
    return base64Url(m_key.publicPoint());
}

QString Vapid::origin(const QUrl &endpoint)
{
    const QString scheme = endpoint.scheme().toLower();
    const QString host = endpoint.host(QUrl::FullyEncoded).toLower();
    if (!endpoint.isValid() || scheme.isEmpty() || host.isEmpty())
        return {};
    QString result = scheme + QStringLiteral("://") + (host.contains(u':') ? u'[' + host + u']' : host);
    const int defaultPort = scheme == QLatin1String("https")  ? 443
                            : scheme == QLatin1String("http") ? 80
                                                              : -1;
    if (endpoint.port() != -1 && endpoint.port() != defaultPort)
        result += u':' + QString::number(endpoint.port());
    return result;
}

QByteArray Vapid::token(const QUrl &endpoint, const QDateTime &now, std::chrono::seconds lifetime) const
{
    const QString audience = origin(endpoint);
    if (isNull() || audience.isEmpty())
        return {};
    lifetime = std::clamp(lifetime, std::chrono::seconds(60), MaxLifetime);
    // RFC 7515 §7.1 compact serialisation: header "." claims "." signature, each base64url.
    const QByteArray header = base64Url(R"({"typ":"JWT","alg":"ES256"})");
    const QJsonObject claims{
        {QStringLiteral("aud"), audience},
        {QStringLiteral("exp"), now.toSecsSinceEpoch() + lifetime.count()},
        {QStringLiteral("sub"), m_subject},
    };
    const QByteArray signingInput =
        header + '.' + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    const QByteArray signature = m_key.signEs256(signingInput);
    if (signature.isEmpty())
        return {};
    return signingInput + '.' + base64Url(signature);
}

QByteArray Vapid::authorization(const QUrl &endpoint, const QDateTime &now,
                                std::chrono::seconds lifetime) const
{
    const QByteArray jwt = token(endpoint, now, lifetime);
    if (jwt.isEmpty())
        return {};
    return "vapid t=" + jwt + ", k=" + publicKeyBase64Url();
}

} // namespace Switchboard::Push
