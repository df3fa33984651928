// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "appsettings.h"
#include "base/config.h"

#include <QString>
#include <QStringList>

class QCommandLineParser;

namespace Switchboard {

/// Exit codes of parseCommandLine().
enum CommandLineExit : int {
    ExitSuccess = 0,     ///< --help, --version, --print-config
    ExitConfigError = 1, ///< the config file is unreadable or wrong, or validation failed
    ExitUsageError = 2,  ///< unknown option, missing or bad option value, stray argument
};

/// What the command line asks for.
struct CommandLineResult
{
    /// The effective, validated config (defaults < --config file < options). Meaningful when !exit.
    Config config;
    /// The application's own settings (`gui`, `lang`), from the same sources.
    App::AppSettings app;
    /// True: print `output` and exit with `exitCode` (help, version, print-config, any error).
    bool exit = false;
    /// A CommandLineExit value.
    int exitCode = ExitSuccess;
    /// Text to print when exit is set, ending in '\n': for stdout when exitCode is 0, else for stderr.
    QString output;
};

/// Adds every Switchboard option (and the help and version options) to `parser`.
void addCommandLineOptions(QCommandLineParser &parser);

/// Parses `arguments` (as QCoreApplication::arguments(): the program name first) into a config:
/// the defaults, then the file of --config, then the options; a repeatable list option (--route,
/// --allow-domain, --allow-origin, --no-tls-domain, --log) replaces the file's list with its values.
/// Then ConfigLoader::validate(). Never exits the process or prints: app/main.cpp does, e.g.
///
///     const CommandLineResult result = parseCommandLine(app.arguments());
///     if (result.exit) {
///         (result.exitCode == 0 ? stdout : stderr) << result.output;
///         return result.exitCode;
///     }
///     // use result.config
///
/// Call it after creating the QCoreApplication: Qt's help text names the program from it.
CommandLineResult parseCommandLine(const QStringList &arguments);

/// The value of the last `--lang CODE` / `--lang=CODE` in `arguments` (empty when there is none), found
/// without parsing the rest, so app/main.cpp can load translations before parseCommandLine() writes
/// help or errors.
QString languageOption(const QStringList &arguments);

} // namespace Switchboard
