// SPDX-License-Identifier: GPL-3.0-or-later
#include "bosh/streamattrs.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

namespace Switchboard::Bosh {

namespace {
bool isNameStart(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'_';
}

bool isNameChar(QChar c)
{
    return isNameStart(c) || (c >= u'0' && c <= u'9') || c == u'-' || c == u'.';
}

bool isName(const QString &name)
{
    if (name.isEmpty() || !isNameStart(name.front()))
        return false;
    return std::all_of(name.cbegin(), name.cend(), isNameChar);
}

/// A name the stream header itself owns.
bool isReserved(const QString &name)
{
    static const QStringList kOwn{QStringLiteral("to"), QStringLiteral("from"), QStringLiteral("version"),
                                  QStringLiteral("id")};
    return kOwn.contains(name) || name.startsWith(QLatin1String("xml"), Qt::CaseInsensitive);
}

/// XML 1.0 §2.2 Char: no C0 controls but tab, newline and carriage return; no U+FFFE/U+FFFF.
/// (JSON's escapes can spell them; QJsonDocument already refuses lone surrogates.)
bool isXmlText(const QString &value)
{
    return std::none_of(value.cbegin(), value.cend(), [](QChar c) {
        const char16_t u = c.unicode();
        return (u < 0x20 && u != 0x09 && u != 0x0a && u != 0x0d) || u == 0xfffe || u == 0xffff;
    });
}
} // namespace

std::optional<Xmpp::StreamAttributes> parseStreamAttrs(const QString &json, QString *why)
{
    auto refuse = [why](const QString &reason) -> std::optional<Xmpp::StreamAttributes> {
        if (why)
            *why = reason;
        return std::nullopt;
    };
    if (json.size() > kMaxStreamAttrsSize)
        return refuse(QStringLiteral("stream_attrs longer than %1 characters").arg(kMaxStreamAttrsSize));
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(json.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return refuse(QStringLiteral("stream_attrs is not a JSON object"));
    const QJsonObject object = document.object();
    Xmpp::StreamAttributes attributes;
    attributes.reserve(object.size());
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        const QString name = it.key();
        if (!isName(name))
            return refuse(QStringLiteral("stream_attrs name is not an XML name without prefix: ") + name);
        if (isReserved(name))
            return refuse(QStringLiteral("stream_attrs may not set ") + name);
        if (!it.value().isString())
            return refuse(QStringLiteral("stream_attrs value is not a string: ") + name);
        const QString value = it.value().toString();
        if (!isXmlText(value))
            return refuse(QStringLiteral("stream_attrs value has characters XML forbids: ") + name);
        attributes.append({name, value});
    }
    return attributes;
}

} // namespace Switchboard::Bosh
