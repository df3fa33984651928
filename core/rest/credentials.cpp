// SPDX-License-Identifier: GPL-3.0-or-later
#include "rest/credentials.h"

namespace Switchboard::Rest {

Credentials::~Credentials()
{
    saltedPassword.fill('\0');
    password.fill(QChar(0));
}

bool Credentials::isValid() const
{
    if (username.isEmpty())
        return false;
    if (mechanism == QLatin1String("PLAIN"))
        return !password.isEmpty();
    if (mechanism == QLatin1String("SCRAM-SHA-1") || mechanism == QLatin1String("SCRAM-SHA-256"))
        return !salt.isEmpty() && iterations > 0 && !saltedPassword.isEmpty();
    return false;
}

QJsonObject Credentials::toJson() const
{
    QJsonObject object{{QStringLiteral("username"), username}, {QStringLiteral("mechanism"), mechanism}};
    if (isScram()) {
        object.insert(QStringLiteral("salt"), QString::fromLatin1(salt.toBase64()));
        object.insert(QStringLiteral("iterations"), iterations);
        object.insert(QStringLiteral("salted_password"), QString::fromLatin1(saltedPassword.toBase64()));
    } else {
        object.insert(QStringLiteral("password"), password);
    }
    return object;
}

std::optional<Credentials> Credentials::fromJson(const QJsonObject &object)
{
    Credentials credentials;
    credentials.username = object.value(QStringLiteral("username")).toString();
    credentials.mechanism = object.value(QStringLiteral("mechanism")).toString();
    if (credentials.isScram()) {
        const auto decode = [](const QJsonValue &value, QByteArray *out) {
            const QByteArray::FromBase64Result result = QByteArray::fromBase64Encoding(
                value.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
            if (!result)
                return false;
            *out = *result;
            return true;
        };
        if (!decode(object.value(QStringLiteral("salt")), &credentials.salt) ||
            !decode(object.value(QStringLiteral("salted_password")), &credentials.saltedPassword))
            return std::nullopt;
        credentials.iterations = object.value(QStringLiteral("iterations")).toInt();
    } else {
        credentials.password = object.value(QStringLiteral("password")).toString();
    }
    if (!credentials.isValid())
        return std::nullopt;
    return credentials;
}

} // namespace Switchboard::Rest
