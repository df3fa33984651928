// SPDX-License-Identifier: GPL-3.0-or-later
// Proves the command line: options override the file which overrides the defaults, repeatable options,
// help/version/print-config answer without a config, and usage errors exit 2 with a message.
#include "commandline.h"

#include <QCommandLineParser>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace Switchboard;

Q_DECLARE_METATYPE(Switchboard::Config)
Q_DECLARE_METATYPE(Switchboard::App::AppSettings)

namespace {

QString sourceFile(const char *relative)
{
    return QStringLiteral(SWITCHBOARD_SOURCE_DIR "/") + QLatin1String(relative);
}

QByteArray readSource(const char *relative)
{
    QFile file(sourceFile(relative));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

Config with(const std::function<void(Config &)> &change)
{
    Config config;
    change(config);
    return config;
}

QStringList args(std::initializer_list<const char *> list)
{
    QStringList result{QStringLiteral("/usr/bin/switchboard")};
    for (const char *arg : list)
        result.append(QString::fromUtf8(arg));
    return result;
}

} // namespace

class tst_AppCommandLine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void noArgumentsGiveDefaults();
    void overrides_data();
    void overrides();
    void appSettings_data();
    void appSettings();
    void precedenceOverFile();
    void help();
    void version();
    void printConfig();
    void usageErrors_data();
    void usageErrors();
    void configErrors_data();
    void configErrors();
    void parserKnowsEveryOption();
    void languageOptionBeforeParsing();
    void appKeyErrors();
    void everyKeyIsPrintedAndDocumented();
    void exampleConfigDocumentsTheDefaults();

private:
    QTemporaryDir m_dir;
    QString m_configFile;
};

void tst_AppCommandLine::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_configFile = m_dir.filePath(QStringLiteral("switchboard.conf"));
    QFile file(m_configFile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("# from the file\n"
               "port = 1111\n"
               "path = /from-file/\n"
               "max_wait = 90\n"
               "route = file.example=10.0.0.1:5222\n"
               "allowed_domains = file.example\n"
               "allowed_origins = https://file.example\n"
               "log = qt.*=false\n"
               "gui = true\n");
}

void tst_AppCommandLine::noArgumentsGiveDefaults()
{
    const CommandLineResult result = parseCommandLine(args({}));
    QVERIFY2(!result.exit, qPrintable(result.output));
    QCOMPARE(result.exitCode, 0);
    QVERIFY(result.output.isEmpty());
    QVERIFY(result.config == Config{});

    QVERIFY(parseCommandLine({}).config == Config{}); // no program name at all
}

void tst_AppCommandLine::overrides_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<Config>("expected");

    QTest::newRow("host") << args({"--host", "0.0.0.0"})
                          << with([](Config &c) { c.host = QStringLiteral("0.0.0.0"); });
    QTest::newRow("host=") << args({"--host=::1"}) << with([](Config &c) { c.host = QStringLiteral("::1"); });
    QTest::newRow("port") << args({"--port", "8080"}) << with([](Config &c) { c.port = 8080; });
    QTest::newRow("-p") << args({"-p", "0"}) << with([](Config &c) { c.port = 0; });
    QTest::newRow("port twice: last wins")
        << args({"--port", "1", "--port", "2"}) << with([](Config &c) { c.port = 2; });
    QTest::newRow("path") << args({"--path", "/bosh"})
                          << with([](Config &c) { c.path = QStringLiteral("/bosh"); });
    QTest::newRow("ws-path") << args({"--ws-path", "/ws"})
                             << with([](Config &c) { c.wsPath = QStringLiteral("/ws"); });
    QTest::newRow("route") << args({"--route", "a.example=127.0.0.1:5222"}) << with([](Config &c) {
        c.routes = {{QStringLiteral("a.example"), QStringLiteral("127.0.0.1"), 5222}};
    });
    QTest::newRow("routes") << args({"--route", "a.example=127.0.0.1:5222", "--route=b.example=[::1]:5223"})
                            << with([](Config &c) {
                                   c.routes = {
                                       {QStringLiteral("a.example"), QStringLiteral("127.0.0.1"), 5222},
                                       {QStringLiteral("b.example"), QStringLiteral("::1"), 5223}};
                               });
    QTest::newRow("no-tls-domain")
        << args({"--no-tls-domain", "a.example", "--no-tls-domain", "B.example"}) << with([](Config &c) {
               c.noTlsDomains = {QStringLiteral("a.example"), QStringLiteral("b.example")};
           });
    QTest::newRow("allow-domain")
        << args({"--allow-domain", "a.example", "--allow-domain", "b.example"}) << with([](Config &c) {
               c.allowedDomains = {QStringLiteral("a.example"), QStringLiteral("b.example")};
           });
    QTest::newRow("allow-origin")
        << args({"--allow-origin", "https://*.example", "--allow-origin", "http://localhost:*"})
        << with([](Config &c) {
               c.allowedOrigins = {QStringLiteral("https://*.example"), QStringLiteral("http://localhost:*")};
           });
    QTest::newRow("ca-file") << args({"--ca-file", SWITCHBOARD_SOURCE_DIR "/CMakeLists.txt"})
                             << with([](Config &c) {
                                    c.caFile = QStringLiteral(SWITCHBOARD_SOURCE_DIR "/CMakeLists.txt");
                                });
    QTest::newRow("dns-server") << args({"--dns-server", "127.0.0.53"})
                                << with([](Config &c) { c.dnsServer = QStringLiteral("127.0.0.53"); });
    QTest::newRow("log") << args({"--log", "switchboard.bosh.debug=true", "--log",
                                  "switchboard.ws.debug=true;qt.*=false"})
                         << with([](Config &c) {
                                c.logRules = {QStringLiteral("switchboard.bosh.debug=true"),
                                              QStringLiteral("switchboard.ws.debug=true"),
                                              QStringLiteral("qt.*=false")};
                            });
    QTest::newRow("log short form") << args({"--log", "bosh.debug", "--log", "xmpp.debug,tls"})
                                    << with([](Config &c) {
                                           c.logRules = {QStringLiteral("switchboard.bosh.debug=true"),
                                                         QStringLiteral("switchboard.xmpp.debug=true"),
                                                         QStringLiteral("switchboard.tls=true")};
                                       });
    QTest::newRow("several") << args({"--no-gui", "--port", "5281", "--route", "localhost=[::1]:5222",
                                      "--no-tls-domain", "localhost"})
                             << with([](Config &c) {
                                    c.port = 5281;
                                    c.routes = {{QStringLiteral("localhost"), QStringLiteral("::1"), 5222}};
                                    c.noTlsDomains = {QStringLiteral("localhost")};
                                });
}

void tst_AppCommandLine::overrides()
{
    QFETCH(QStringList, arguments);
    QFETCH(Config, expected);
    const CommandLineResult result = parseCommandLine(arguments);
    QVERIFY2(!result.exit, qPrintable(result.output));
    QCOMPARE(configToText(result.config), configToText(expected));
    QVERIFY(result.config == expected);
    QCOMPARE(result.app.gui, QTest::currentDataTag() != QByteArray("several")); // only that row says --no-gui
    QCOMPARE(result.app.lang, QString());
}

void tst_AppCommandLine::appSettings_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<bool>("gui");
    QTest::addColumn<QString>("lang");
    QTest::newRow("defaults") << args({}) << true << QString();
    QTest::newRow("--lang") << args({"--lang", "de"}) << true << QStringLiteral("de");
    QTest::newRow("--no-gui") << args({"--no-gui"}) << false << QString();
    QTest::newRow("--set") << args({"--set", "gui=off", "--set", "lang=fr_CH"}) << false
                           << QStringLiteral("fr_CH");
}

// `gui` and `lang` belong to the application, not to the core's Config, yet come from the same file and
// options.
void tst_AppCommandLine::appSettings()
{
    QFETCH(QStringList, arguments);
    QFETCH(bool, gui);
    QFETCH(QString, lang);
    const CommandLineResult result = parseCommandLine(arguments);
    QVERIFY2(!result.exit, qPrintable(result.output));
    QCOMPARE(result.app.gui, gui);
    QCOMPARE(result.app.lang, lang);
    QVERIFY(result.config == Config{});
}

void tst_AppCommandLine::precedenceOverFile()
{
    // The file alone.
    CommandLineResult result = parseCommandLine(
        QStringList{QStringLiteral("switchboard"), QStringLiteral("--config"), m_configFile});
    QVERIFY2(!result.exit, qPrintable(result.output));
    QCOMPARE(result.config.port, quint16(1111));
    QCOMPARE(result.config.path, QStringLiteral("/from-file/"));
    QCOMPARE(result.config.maxWait, 90);
    QCOMPARE(result.config.defaultWait, Config{}.defaultWait); // not in the file: the default
    QCOMPARE(result.config.routes.size(), 1);

    // Options win over the file; a list option replaces the file's list; keys not on the command line stay.
    result = parseCommandLine(QStringList{
        QStringLiteral("switchboard"), QStringLiteral("--port"), QStringLiteral("2222"), QStringLiteral("-c"),
        m_configFile, QStringLiteral("--allow-domain"), QStringLiteral("cli.example"),
        QStringLiteral("--route"), QStringLiteral("cli.example=::1"), QStringLiteral("--no-gui")});
    QVERIFY2(result.output.contains(QStringLiteral("brackets")), qPrintable(result.output));
    QCOMPARE(result.exitCode, 2);

    result = parseCommandLine(QStringList{
        QStringLiteral("switchboard"), QStringLiteral("--port"), QStringLiteral("2222"), QStringLiteral("-c"),
        m_configFile, QStringLiteral("--allow-domain"), QStringLiteral("cli.example"),
        QStringLiteral("--route"), QStringLiteral("cli.example=[::1]"), QStringLiteral("--no-gui")});
    QVERIFY2(!result.exit, qPrintable(result.output));
    const Config expected = with([](Config &c) {
        c.port = 2222;
        c.path = QStringLiteral("/from-file/");
        c.maxWait = 90;
        c.routes = {{QStringLiteral("cli.example"), QStringLiteral("::1"), 5222}};
        c.allowedDomains = {QStringLiteral("cli.example")};
        c.allowedOrigins = {QStringLiteral("https://file.example")};
        c.logRules = {QStringLiteral("qt.*=false")};
    });
    QCOMPARE(configToText(result.config), configToText(expected));
    QVERIFY(result.config == expected);
    QVERIFY(!result.app.gui); // --no-gui over the file's gui = true
}

void tst_AppCommandLine::help()
{
    for (const char *option : {"--help", "-h", "--help-all"}) {
        const CommandLineResult result = parseCommandLine(args({"--port", "1", option}));
        QVERIFY(result.exit);
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.output.contains(QStringLiteral("Usage:")), qPrintable(result.output));
        for (const char *name : {"--config", "--host", "--port", "--path", "--route", "--no-tls-domain",
                                 "--allow-domain", "--allow-origin", "--ws-path", "--ca-file", "--dns-server",
                                 "--log", "--lang", "--no-gui", "--help", "--version", "--print-config"})
            QVERIFY2(result.output.contains(QLatin1String(name)), name);
        QVERIFY(result.output.endsWith(QLatin1Char('\n')));
    }
    // Help wins over an otherwise bad configuration: it needs none.
    const CommandLineResult result = parseCommandLine(args({"--port", "x", "--help"}));
    QCOMPARE(result.exitCode, 0);
}

void tst_AppCommandLine::version()
{
    const CommandLineResult result = parseCommandLine(args({"--version"}));
    QVERIFY(result.exit);
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.output, QStringLiteral("switchboard " SWITCHBOARD_VERSION "\n"));
}

void tst_AppCommandLine::printConfig()
{
    const QStringList arguments{
        QStringLiteral("switchboard"), QStringLiteral("--config"), m_configFile,
        QStringLiteral("--port"),      QStringLiteral("3333"),     QStringLiteral("--no-gui")};
    const CommandLineResult plain = parseCommandLine(arguments);
    QVERIFY2(!plain.exit, qPrintable(plain.output));

    const CommandLineResult printed =
        parseCommandLine(arguments + QStringList{QStringLiteral("--print-config")});
    QVERIFY(printed.exit);
    QCOMPARE(printed.exitCode, 0);
    App::AppSettings plainApp = plain.app;
    const ConfigExtension appKeys = App::appSettingsExtension(plainApp);
    QCOMPARE(printed.output, configToText(plain.config, &appKeys));
    QVERIFY(printed.output.contains(QStringLiteral("\nport = 3333\n")));
    QVERIFY(printed.output.contains(QStringLiteral("\ngui = false\n")));

    Config reloaded;
    App::AppSettings reloadedApp;
    const ConfigExtension reloadKeys = App::appSettingsExtension(reloadedApp);
    QString error;
    QVERIFY2(ConfigLoader::loadText(printed.output.toUtf8(), QStringLiteral("printed"), reloaded, &error,
                                    &reloadKeys),
             qPrintable(error));
    QVERIFY(reloaded == plain.config);
    QVERIFY(reloadedApp == plain.app);
}

void tst_AppCommandLine::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");

    QTest::newRow("port not a number")
        << args({"--port", "http"})
        << QStringLiteral("switchboard: option '--port': key 'port': 'http' is not an integer");
    QTest::newRow("port out of range")
        << args({"--port", "70000"})
        << QStringLiteral("option '--port': key 'port': 70000 is out of range 0..65535");
    QTest::newRow("port missing value") << args({"--port"}) << QStringLiteral("Missing value after '--port'");
    QTest::newRow("unknown option") << args({"--frobnicate"})
                                    << QStringLiteral("Unknown option 'frobnicate'");
    QTest::newRow("stray argument") << args({"extra"}) << QStringLiteral("unexpected argument 'extra'");
    QTest::newRow("bad host") << args({"--host", "example.com"})
                              << QStringLiteral("option '--host': key 'host'");
    QTest::newRow("bad route") << args({"--route", "a.example"})
                               << QStringLiteral("option '--route': key 'route'");
    QTest::newRow("duplicate route") << args({"--route", "a.example=h", "--route", "a.example=i"})
                                     << QStringLiteral("duplicate route for domain 'a.example'");
    QTest::newRow("bad dns server") << args({"--dns-server", "ns.example"})
                                    << QStringLiteral("option '--dns-server': key 'dns_server'");
    QTest::newRow("missing ca file") << args({"--ca-file", "/nonexistent.pem"})
                                     << QStringLiteral("option '--ca-file': key 'ca_file'");
    QTest::newRow("bad log rule") << args({"--log", "switchboard bosh"})
                                  << QStringLiteral("option '--log': key 'log'");
    QTest::newRow("bad path") << args({"--path", "bosh"}) << QStringLiteral("must start with '/'");
    QTest::newRow("bad domain") << args({"--allow-domain", "a..b"}) << QStringLiteral("not a domain name");
}

void tst_AppCommandLine::usageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const CommandLineResult result = parseCommandLine(arguments);
    QVERIFY(result.exit);
    QCOMPARE(result.exitCode, int(ExitUsageError));
    QVERIFY2(result.output.startsWith(QStringLiteral("switchboard: ")), qPrintable(result.output));
    QVERIFY2(result.output.contains(message), qPrintable(result.output));
    QVERIFY2(result.output.endsWith(QStringLiteral("Try 'switchboard --help' for more information.\n")),
             qPrintable(result.output));
}

void tst_AppCommandLine::configErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");

    const QString missing = m_dir.filePath(QStringLiteral("missing.conf"));
    QTest::newRow("missing file") << QStringList{QStringLiteral("switchboard"), QStringLiteral("--config"),
                                                 missing}
                                  << missing + QStringLiteral(": cannot read");
    const QString bad = m_dir.filePath(QStringLiteral("bad.conf"));
    QFile file(bad);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("port = 1\n\nmax_bosh_connections = 17\n");
    file.close();
    QTest::newRow("bad value in file")
        << QStringList{QStringLiteral("switchboard"), QStringLiteral("--config"), bad}
        << bad + QStringLiteral(":3: key 'max_bosh_connections': 17 is out of range 1..16");
    QTest::newRow("paths clash") << args({"--path", "/x", "--ws-path", "/x/"})
                                 << QStringLiteral(
                                        "invalid configuration:\nkeys 'path' and 'ws_path' must differ");
    QTest::newRow("file and option clash")
        << QStringList{QStringLiteral("switchboard"), QStringLiteral("--config"), m_configFile,
                       QStringLiteral("--ws-path"), QStringLiteral("/from-file")}
        << QStringLiteral("must differ");
}

void tst_AppCommandLine::configErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const CommandLineResult result = parseCommandLine(arguments);
    QVERIFY(result.exit);
    QCOMPARE(result.exitCode, int(ExitConfigError));
    QVERIFY2(result.output.startsWith(QStringLiteral("switchboard: ")), qPrintable(result.output));
    QVERIFY2(result.output.contains(message), qPrintable(result.output));
    QVERIFY(result.output.endsWith(QLatin1Char('\n')));
}

void tst_AppCommandLine::parserKnowsEveryOption()
{
    QCommandLineParser parser;
    addCommandLineOptions(parser);
    QVERIFY(parser.parse(args({"-c",
                               "f",
                               "--host",
                               "h",
                               "-p",
                               "1",
                               "--path",
                               "/p",
                               "--route",
                               "r",
                               "--no-tls-domain",
                               "d",
                               "--allow-domain",
                               "d",
                               "--allow-origin",
                               "o",
                               "--ws-path",
                               "/w",
                               "--ca-file",
                               "f",
                               "--dns-server",
                               "i",
                               "--log",
                               "l",
                               "--no-gui",
                               "--print-config",
                               "--version",
                               "--help"})));
    QCOMPARE(parser.value(QStringLiteral("config")), QStringLiteral("f"));
}

void tst_AppCommandLine::languageOptionBeforeParsing()
{
    QCOMPARE(languageOption(args({"--port", "1"})), QString());
    QCOMPARE(languageOption(args({"--lang", "de", "--help"})), QStringLiteral("de"));
    QCOMPARE(languageOption(args({"--lang=fr", "--port", "x"})), QStringLiteral("fr")); // errors come later
    QCOMPARE(languageOption(args({"--lang", "de", "--lang=fr_CH"})), QStringLiteral("fr_CH")); // last wins
    QCOMPARE(languageOption(args({"--", "--lang", "de"})), QString());
    QCOMPARE(languageOption(args({"--lang"})), QString());
    QCOMPARE(languageOption({}), QString());
}

void tst_AppCommandLine::appKeyErrors()
{
    App::AppSettings app;
    const ConfigExtension appKeys = App::appSettingsExtension(app);
    Config config;
    QString error;
    for (const auto &[line, reason] :
         {std::pair{"gui = sometimes", "not a boolean"}, std::pair{"lang = EN US", "not a language code"},
          std::pair{"lang = d", "not a language code"}}) {
        QVERIFY(!ConfigLoader::loadText(QByteArray(line) + "\nport = 1\n", QStringLiteral("f"), config,
                                        &error, &appKeys));
        QVERIFY2(error.startsWith(QStringLiteral("f:1: key '")) && error.contains(QLatin1String(reason)),
                 qPrintable(error));
        QCOMPARE(config, Config{}); // all or nothing
    }
}

void tst_AppCommandLine::everyKeyIsPrintedAndDocumented()
{
    App::AppSettings app;
    const ConfigExtension appKeys = App::appSettingsExtension(app);
    const QStringList keys = ConfigLoader::knownKeys() + appKeys.keys;
    QCOMPARE(keys.size(), QSet<QString>(keys.cbegin(), keys.cend()).size()); // no key twice

    Config config;
    config.routes = {{QStringLiteral("a.example"), QStringLiteral("h"), 5222}};
    config.httpHeaders = {{"X-A", "1"}};
    const QString text = configToText(config, &appKeys);
    const QString docs = QString::fromUtf8(readSource("docs/CONFIGURATION.md"));
    const QString example = QString::fromUtf8(readSource("resources/switchboard.conf"));
    QVERIFY(!docs.isEmpty());
    QVERIFY(!example.isEmpty());
    for (const QString &key : keys) {
        QVERIFY2(text.contains(QLatin1Char('\n') + key + QStringLiteral(" =")), qPrintable(key));
        QVERIFY2(docs.contains(QLatin1Char('`') + key + QLatin1Char('`')), qPrintable(key));
        QVERIFY2(example.contains(QLatin1Char('#') + key + QStringLiteral(" =")), qPrintable(key));
    }
    // ...and the reference table documents no key that does not exist.
    static const QRegularExpression tableRow(QStringLiteral("^\\| `([a-z_0-9]+)` \\|"),
                                             QRegularExpression::MultilineOption);
    QStringList documented;
    for (auto it = tableRow.globalMatch(docs); it.hasNext();)
        documented.append(it.next().captured(1));
    documented.sort();
    QStringList sorted = keys;
    sorted.sort();
    QCOMPARE(documented, sorted);
}

// resources/switchboard.conf shows each default as "#key = value" (no blank after '#'): uncommented, those
// lines must load to exactly the built-in defaults, and the file as shipped must load too.
void tst_AppCommandLine::exampleConfigDocumentsTheDefaults()
{
    const QByteArray example = readSource("resources/switchboard.conf");
    QVERIFY(!example.isEmpty());
    Config config;
    App::AppSettings app;
    const ConfigExtension appKeys = App::appSettingsExtension(app);
    QString error;
    QVERIFY2(ConfigLoader::loadText(example, QStringLiteral("switchboard.conf"), config, &error, &appKeys),
             qPrintable(error));
    QCOMPARE(config, Config{});
    QVERIFY(app == App::AppSettings{});

    static const QRegularExpression defaultLine(QStringLiteral("^#([a-z_]+ =.*)$"),
                                                QRegularExpression::MultilineOption);
    QByteArray defaults;
    QStringList seen;
    for (auto it = defaultLine.globalMatch(QString::fromUtf8(example)); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        defaults += match.captured(1).toUtf8() + '\n';
        seen.append(match.captured(1).section(QLatin1Char(' '), 0, 0));
    }
    seen.removeDuplicates();
    seen.sort();
    QStringList known = ConfigLoader::knownKeys() + appKeys.keys;
    known.sort();
    QCOMPARE(seen, known);
    config = with([](Config &c) { c.port = 1; });
    app = App::AppSettings{false, QStringLiteral("de")};
    QVERIFY2(ConfigLoader::loadText(defaults, QStringLiteral("defaults"), config, &error, &appKeys),
             qPrintable(error));
    QCOMPARE(configToText(config), configToText(Config{}));
    QCOMPARE(config, Config{});
    QVERIFY(app == App::AppSettings{});
}

QTEST_GUILESS_MAIN(tst_AppCommandLine)
#include "tst_app_commandline.moc"
