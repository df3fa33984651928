// SPDX-License-Identifier: GPL-3.0-or-later
#include "appsettings.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace Switchboard::App {

namespace {

bool setBool(const QString &value, bool *out, QString *reason)
{
    const QString v = value.toLower();
    if (v == QLatin1String("true") || v == QLatin1String("yes") || v == QLatin1String("on") ||
        v == QLatin1String("1")) {
        *out = true;
        return true;
    }
    if (v == QLatin1String("false") || v == QLatin1String("no") || v == QLatin1String("off") ||
        v == QLatin1String("0")) {
        *out = false;
        return true;
    }
    *reason = QCoreApplication::translate("Switchboard::Config",
                                          "'%1' is not a boolean (true/false, yes/no, on/off, 1/0)")
                  .arg(value);
    return false;
}

/// A language code for translations: "de", "fr_CH", "pt-BR"; empty: the system locale.
bool setLang(const QString &value, QString *out, QString *reason)
{
    static const QRegularExpression code(QStringLiteral("^[a-z]{2,3}([_-][A-Za-z0-9]{2,8})*$"));
    if (!value.isEmpty() && !code.match(value).hasMatch()) {
        *reason =
            QCoreApplication::translate("Switchboard::Config", "'%1' is not a language code (e.g. de, fr_CH)")
                .arg(value);
        return false;
    }
    *out = value;
    return true;
}

} // namespace

ConfigExtension appSettingsExtension(AppSettings &settings)
{
    ConfigExtension extension;
    extension.keys = {QStringLiteral("gui"), QStringLiteral("lang")};
    extension.apply = [&settings](const QString &key, const QString &value, QString *reason) {
        QString ignored;
        QString *why = reason ? reason : &ignored;
        if (key == QLatin1String("gui"))
            return setBool(value, &settings.gui, why);
        return setLang(value, &settings.lang, why);
    };
    extension.value = [&settings](const QString &key) {
        if (key == QLatin1String("gui"))
            return settings.gui ? QStringLiteral("true") : QStringLiteral("false");
        return settings.lang;
    };
    return extension;
}

} // namespace Switchboard::App
