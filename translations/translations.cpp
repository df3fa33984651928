// SPDX-License-Identifier: GPL-3.0-or-later
#include "translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QTranslator>

namespace Switchboard::I18n {

QStringList availableLanguages()
{
    return {QStringLiteral("en"), QStringLiteral("de"), QStringLiteral("fr")};
}

QLocale installTranslators(const QString &language)
{
    auto *app = QCoreApplication::instance();
    if (!app)
        return QLocale::c();
    // QLocale("pt-BR") understands both separators; an empty string means the system's choice.
    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);

    // Qt's own strings (QDialogButtonBox, QFileDialog…), when the distribution installed them.
    auto *qt = new QTranslator(app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    else
        delete qt;

    // Ours, compiled in by qt_add_translations (translations/CMakeLists.txt). QTranslator::load with a
    // locale tries "fr_CH", then "fr", for each of the locale's UI languages.
    auto *own = new QTranslator(app);
    if (!own->load(locale, QStringLiteral("switchboard"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
        delete own;
        return QLocale::c();
    }
    QCoreApplication::installTranslator(own);
    return QLocale(own->language());
}

} // namespace Switchboard::I18n
