// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLocale>
#include <QString>
#include <QStringList>

namespace Switchboard::I18n {

/// The languages Switchboard ships translations for (":/i18n/switchboard_<code>.qm"): "en", "de", "fr".
QStringList availableLanguages();

/// Installs the translators for `language` ("de", "fr_CH", "pt-BR"…; empty: QLocale::system()) on
/// the running QCoreApplication: Switchboard's own messages and, when Qt's translations are installed,
/// Qt's (standard dialogs and buttons). A language without a translation falls back to its base
/// language ("fr_CH" → "fr"), then to the English source text. Returns the locale of the translation
/// that was loaded, or QLocale::c() when none was (English). Call once, after the application object
/// exists and before any window is made.
QLocale installTranslators(const QString &language = {});

} // namespace Switchboard::I18n
