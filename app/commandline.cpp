// SPDX-License-Identifier: GPL-3.0-or-later
#include "commandline.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>

#ifndef SWITCHBOARD_VERSION
#define SWITCHBOARD_VERSION "unknown"
#endif

namespace Switchboard {

namespace {

/// A command-line option that sets one config key.
struct KeyOption
{
    const char *option;
    const char *key;
};

// Single-valued: the last occurrence wins.
const KeyOption singleOptions[] = {
    {"host", "host"},
    {"port", "port"},
    {"path", "path"},
    {"ws-path", "ws_path"},
    {"ca-file", "ca_file"},
    {"dns-server", "dns_server"},
    {"tls-cert", "tls_cert_file"},
    {"tls-key", "tls_key_file"},
    {"tls-port", "tls_port"},
    {"drain-url", "drain_url"},
    {"shutdown-timeout", "shutdown_timeout"},
    {"lang", "lang"},
};

// Repeatable: together they replace the list from the file.
const KeyOption listOptions[] = {
    {"route", "route"},
    {"allow-domain", "allowed_domains"},
    {"no-tls-domain", "no_tls_domains"},
    {"allow-origin", "allowed_origins"},
    {"log", "log"},
};

QString programName(const QStringList &arguments)
{
    const QString name = arguments.isEmpty() ? QString() : QFileInfo(arguments.constFirst()).fileName();
    return name.isEmpty() ? QStringLiteral("switchboard") : name;
}

CommandLineResult finish(int exitCode, const QString &output)
{
    CommandLineResult result;
    result.exit = true;
    result.exitCode = exitCode;
    result.output = output.endsWith(QLatin1Char('\n')) ? output : output + QLatin1Char('\n');
    return result;
}

CommandLineResult usageError(const QStringList &arguments, const QString &message)
{
    const QString program = programName(arguments);
    return finish(ExitUsageError, program + QStringLiteral(": ") + message + QLatin1Char('\n') +
                                      QCoreApplication::translate("Switchboard::CommandLine",
                                                                  "Try '%1 --help' for more information.")
                                          .arg(program) +
                                      QLatin1Char('\n'));
}

} // namespace

void addCommandLineOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(QCoreApplication::translate(
        "Switchboard::CommandLine",
        "Switchboard, an XMPP connection manager: BOSH (XEP-0124/0206) and WebSocket (RFC 7395)\n"
        "in front of an XMPP server. Settings come from the defaults, then the --config file,\n"
        "then these options. Every config key is described in docs/CONFIGURATION.md;\n"
        "--print-config shows the effective values."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {{QStringLiteral("c"), QStringLiteral("config")},
         QCoreApplication::translate("Switchboard::CommandLine",
                                     "Read settings from <file> (key = value lines)."),
         QStringLiteral("file")},
        {QStringLiteral("host"),
         QCoreApplication::translate("Switchboard::CommandLine",
                                     "Listen on <address> (IP address or localhost; default 127.0.0.1)."),
         QStringLiteral("address")},
        {{QStringLiteral("p"), QStringLiteral("port")},
         QCoreApplication::translate("Switchboard::CommandLine",
                                     "Listen on TCP port <n> (0..65535, 0: any free port; default 5280)."),
         QStringLiteral("n")},
        {QStringLiteral("path"),
         QCoreApplication::translate("Switchboard::CommandLine", "BOSH endpoint path (default /http-bind/)."),
         QStringLiteral("path")},
        {QStringLiteral("ws-path"),
         QCoreApplication::translate("Switchboard::CommandLine",
                                     "WebSocket endpoint path (default /xmpp-websocket)."),
         QStringLiteral("path")},
        {QStringLiteral("route"),
         QCoreApplication::translate(
             "Switchboard::CommandLine",
             "Send streams for <domain> to host:port instead of DNS (IPv6: [::1]:5222). Repeatable."),
         QStringLiteral("domain=host:port")},
        {QStringLiteral("allow-domain"),
         QCoreApplication::translate("Switchboard::CommandLine",
                                     "Allow streams to <domain> (default: the route domains). Repeatable."),
         QStringLiteral("domain")},
        {QStringLiteral("no-tls-domain"),
         QCoreApplication::translate(
             "Switchboard::CommandLine",
             "Let the server link for <domain> run without TLS (loopback, development). Repeatable."),
         QStringLiteral("domain")},
        {QStringLiteral("allow-origin"),
         QCoreApplication::translate(
             "Switchboard::CommandLine",
             "Accept browser origins matching <pattern> ('*' and '?' wildcards; default any). "
             "Repeatable."),
         QStringLiteral("pattern")},
        {QStringLiteral("ca-file"),
         QCoreApplication::translate("Switchboard::CommandLine",
                                     "Also trust the CA certificates (PEM) in <file> for server links."),
         QStringLiteral("file")},
        {QStringLiteral("dns-server"),
         QCoreApplication::translate("Switchboard::CommandLine",
                                     "Resolve SRV records with the nameserver at <ip>."),
         QStringLiteral("ip")},
        {QStringLiteral("log"),
         QCoreApplication::translate(
             "Switchboard::CommandLine",
             "Logging rules, e.g. bosh.debug (short for switchboard.bosh.debug=true) or qt.*=false "
             "(',' or ';' separated). Repeatable."),
         QStringLiteral("rules")},
        {QStringLiteral("tls-cert"),
         QCoreApplication::translate("Switchboard::CommandLine",
                                     "Serve https:// and wss:// with the PEM certificate (chain) in <file>."),
         QStringLiteral("file")},
        {QStringLiteral("tls-key"),
         QCoreApplication::translate("Switchboard::CommandLine", "The PEM private key of --tls-cert."),
         QStringLiteral("file")},
        {QStringLiteral("tls-port"),
         QCoreApplication::translate("Switchboard::CommandLine", "TLS listen port (default 5281)."),
         QStringLiteral("n")},
        {QStringLiteral("drain-url"),
         QCoreApplication::translate("Switchboard::CommandLine",
                                     "While draining (SIGUSR1), send new sessions to <url> (see-other-uri)."),
         QStringLiteral("url")},
        {QStringLiteral("shutdown-timeout"),
         QCoreApplication::translate("Switchboard::CommandLine",
                                     "Seconds SIGTERM may take to close every session (default 10)."),
         QStringLiteral("s")},
        {QStringLiteral("set"),
         QCoreApplication::translate(
             "Switchboard::CommandLine",
             "Set any config key, as in the file (e.g. max_sessions_per_ip=500). Repeatable."),
         QStringLiteral("key=value")},
        {QStringLiteral("lang"),
         QCoreApplication::translate("Switchboard::CommandLine",
                                     "User interface language, e.g. de or fr (default: the system locale)."),
         QStringLiteral("code")},
        {QStringLiteral("no-gui"),
         QCoreApplication::translate("Switchboard::CommandLine", "Run without the monitor window.")},
        {QStringLiteral("print-config"),
         QCoreApplication::translate("Switchboard::CommandLine",
                                     "Print the effective configuration in config-file syntax and exit.")},
    });
}

QString languageOption(const QStringList &arguments)
{
    QString language;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString &arg = arguments.at(i);
        if (arg == QLatin1String("--"))
            break; // the end of the options
        if (arg == QLatin1String("--lang") && i + 1 < arguments.size())
            language = arguments.at(++i);
        else if (arg.startsWith(QLatin1String("--lang=")))
            language = arg.mid(7);
    }
    return language;
}

CommandLineResult parseCommandLine(const QStringList &arguments)
{
    QCommandLineParser parser;
    addCommandLineOptions(parser);
    // QCommandLineParser skips the first argument as the program name.
    const QStringList args = arguments.isEmpty() ? QStringList{QStringLiteral("switchboard")} : arguments;
    if (!parser.parse(args))
        return usageError(args, parser.errorText());
    if (parser.isSet(QStringLiteral("help")) || parser.isSet(QStringLiteral("help-all")))
        return finish(ExitSuccess, parser.helpText());
    if (parser.isSet(QStringLiteral("version")))
        return finish(ExitSuccess, programName(args) + QStringLiteral(" " SWITCHBOARD_VERSION));
    if (!parser.positionalArguments().isEmpty())
        return usageError(args,
                          QCoreApplication::translate("Switchboard::CommandLine", "unexpected argument '%1'")
                              .arg(parser.positionalArguments().constFirst()));

    const QString program = programName(args);
    CommandLineResult result;
    if (parser.isSet(QStringLiteral("config"))) {
        // All or nothing, the application's keys too.
        App::AppSettings staged = result.app;
        const ConfigExtension fileKeys = App::appSettingsExtension(staged);
        QString error;
        if (!ConfigLoader::loadFile(parser.value(QStringLiteral("config")), result.config, &error, &fileKeys))
            return finish(ExitConfigError, program + QStringLiteral(": ") + error);
        result.app = staged;
    }
    const ConfigExtension appKeys = App::appSettingsExtension(result.app);

    const auto optionError = [&](const QString &option, const QString &error) {
        return usageError(args, QStringLiteral("option '--") + option + QStringLiteral("': ") + error);
    };
    for (const KeyOption &entry : singleOptions) {
        const QString option = QLatin1String(entry.option);
        if (!parser.isSet(option))
            continue;
        QString error;
        if (!ConfigLoader::apply(QLatin1String(entry.key), parser.value(option), result.config, &error,
                                 &appKeys))
            return optionError(option, error);
    }
    for (const KeyOption &entry : listOptions) {
        const QString option = QLatin1String(entry.option);
        if (!parser.isSet(option))
            continue;
        const QString key = QLatin1String(entry.key);
        ConfigLoader::apply(key, QString(), result.config, nullptr); // an empty value clears the list
        const QStringList values = parser.values(option);
        for (const QString &value : values) {
            QString error;
            if (!ConfigLoader::apply(key, value.trimmed(), result.config, &error))
                return optionError(option, error);
        }
    }
    // --set KEY=VALUE: any key, applied last in the order given (list keys append, as in a file).
    const QStringList settings = parser.values(QStringLiteral("set"));
    for (const QString &setting : settings) {
        const qsizetype eq = setting.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return optionError(QStringLiteral("set"),
                               QStringLiteral("expected KEY=VALUE, got '") + setting + QLatin1Char('\''));
        QString error;
        if (!ConfigLoader::apply(setting.left(eq).trimmed(), setting.mid(eq + 1).trimmed(), result.config,
                                 &error, &appKeys))
            return optionError(QStringLiteral("set"), error);
    }
    if (parser.isSet(QStringLiteral("no-gui")))
        result.app.gui = false;

    QString error;
    if (!ConfigLoader::validate(result.config, &error))
        return finish(ExitConfigError,
                      program + QStringLiteral(": ") +
                          QCoreApplication::translate("Switchboard::CommandLine", "invalid configuration:") +
                          QLatin1Char('\n') + error);
    if (parser.isSet(QStringLiteral("print-config")))
        return finish(ExitSuccess, configToText(result.config, &appKeys));
    return result;
}

} // namespace Switchboard
