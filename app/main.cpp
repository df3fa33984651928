// SPDX-License-Identifier: GPL-3.0-or-later
// The composition root: command line and config, the Server, and (unless headless) the window.
#include "base/epolldispatcher.h"
#include "commandline.h"
#include "push/vapid.h"
#include "rest/reststore.h"
#include "server.h"
#include "servicenotifier.h"
#include "translations.h"

#ifdef SWITCHBOARD_WITH_GUI
#include "mainwindow.h"
#include <QApplication>
#endif

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QTextStream>
#include <QTimer>

#include <csignal>
#include <cstring>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

int g_signalFds[2] = {-1, -1};

void onSignal(int signal)
{
    // Only async-signal-safe work here: wake the event loop through the socket pair, with the signal
    // number as the byte.
    const char byte = char(signal);
    [[maybe_unused]] const auto written = ::write(g_signalFds[0], &byte, 1);
}

/// Each session holds a socket to the XMPP server and usually one or two HTTP connections: allow as
/// many descriptors as the system lets this process have.
void raiseDescriptorLimit()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

bool wantsGui(int argc, char **argv)
{
#ifdef SWITCHBOARD_WITH_GUI
    for (int i = 1; i < argc; ++i) {
        const char *arg = argv[i];
        if (!std::strcmp(arg, "--no-gui") || !std::strcmp(arg, "--help") || !std::strcmp(arg, "-h") ||
            !std::strcmp(arg, "--version") || !std::strcmp(arg, "-v") || !std::strcmp(arg, "--print-config"))
            return false;
    }
    const QByteArray platform = qgetenv("QT_QPA_PLATFORM");
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") ||
           platform == "offscreen" || platform == "xcb" || platform.startsWith("wayland");
#else
    Q_UNUSED(argc);
    Q_UNUSED(argv);
    return false;
#endif
}

} // namespace

int main(int argc, char **argv)
{
    raiseDescriptorLimit();
    std::unique_ptr<QCoreApplication> app;
    [[maybe_unused]] const bool gui = wantsGui(argc, argv);
#ifdef SWITCHBOARD_WITH_GUI
    if (gui)
        app = std::make_unique<QApplication>(argc, argv);
#endif
    if (!app) {
        // Headless: epoll instead of poll() over every descriptor (see EpollEventDispatcher).
        // SWITCHBOARD_EVENT_DISPATCHER=qt keeps Qt's own, for comparison.
        if (qgetenv("SWITCHBOARD_EVENT_DISPATCHER") != "qt") {
            auto dispatcher = std::make_unique<Switchboard::EpollEventDispatcher>();
            if (dispatcher->isValid())
                QCoreApplication::setEventDispatcher(dispatcher.release());
        }
        app = std::make_unique<QCoreApplication>(argc, argv);
    }
    QCoreApplication::setApplicationName(QStringLiteral("switchboard"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SWITCHBOARD_VERSION));
    QCoreApplication::setOrganizationName(QStringLiteral("Switchboard"));

    // --lang before parsing, so --help and command-line errors come translated too; otherwise the
    // language is known once the config (file and options) is.
    const QString earlyLanguage = Switchboard::languageOption(QCoreApplication::arguments());
    if (!earlyLanguage.isEmpty())
        Switchboard::I18n::installTranslators(earlyLanguage);
    const Switchboard::CommandLineResult result =
        Switchboard::parseCommandLine(QCoreApplication::arguments());
    if (result.exit) {
        QTextStream(result.exitCode == 0 ? stdout : stderr) << result.output;
        return result.exitCode;
    }
    Switchboard::Config config = result.config;
    // rest_store empty: the session store in the application's data folder ("off": none).
    if (config.restStore.isEmpty())
        config.restStore = Switchboard::Rest::RestStore::defaultFile();
    // vapid_key_file empty: vapid.pem in the same folder (kept across runs: subscriptions are bound to it).
    if (config.vapidKeyFile.isEmpty())
        config.vapidKeyFile = Switchboard::Push::Vapid::defaultKeyFile();
    if (!config.logRules.isEmpty())
        QLoggingCategory::setFilterRules(config.logRules.join(QLatin1Char('\n')));
    // The system locale's language unless --lang / `lang` says otherwise; English when there is no
    // translation (translations/, docs/GUI.md "Languages").
    if (earlyLanguage.isEmpty())
        Switchboard::I18n::installTranslators(result.app.lang);

    Switchboard::Server server(config);
    QString error;
    if (!server.start(&error)) {
        QTextStream(stderr) << "switchboard: " << error << '\n';
        return 1;
    }
    // Status lines that scripts read ("BOSH at URL", "draining") stay untranslated; messages for people
    // go through translate().
    QTextStream(stdout) << "Switchboard " << QCoreApplication::applicationVersion() << ": BOSH at "
                        << server.boshUrl().toString() << Qt::endl;
    if (server.tlsPort() != 0)
        QTextStream(stdout) << "Switchboard " << QCoreApplication::applicationVersion() << ": BOSH at "
                            << server.secureBoshUrl().toString() << Qt::endl;
    // systemd (deploy/switchboard.service, Type=notify): ready once every listener is bound, so units
    // ordered after this one start against a server that answers.
    QString notifyError;
    if (!Switchboard::App::ServiceNotifier::notify(
            "READY=1\nSTATUS=BOSH at " + server.boshUrl().toString().toUtf8(), &notifyError))
        QTextStream(stderr) << "switchboard: " << notifyError << '\n';

    // SIGINT/SIGTERM: graceful shutdown (stop accepting, system-shutdown to every client, close every
    // server stream), then exit 0, at the latest after shutdown_timeout. SIGHUP: reload the TLS
    // certificate. SIGUSR1: drain (new sessions get see-other-uri to drain_url); SIGUSR2: end the drain.
    QObject::connect(&server, &Switchboard::Server::shutdownFinished, app.get(), [](bool clean) {
        if (!clean)
            QTextStream(stderr) << "switchboard: "
                                << QCoreApplication::translate("Switchboard::App",
                                                               "shutdown deadline passed; exiting")
                                << '\n';
        QCoreApplication::exit(0);
    });
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalFds) == 0) {
        auto *notifier = new QSocketNotifier(g_signalFds[1], QSocketNotifier::Read, app.get());
        QObject::connect(notifier, &QSocketNotifier::activated, app.get(), [&server] {
            char byte = 0;
            if (::read(g_signalFds[1], &byte, 1) != 1)
                return;
            switch (int(byte)) {
            case SIGHUP: {
                QString error;
                if (server.reloadTls(&error))
                    QTextStream(stdout)
                        << "switchboard: "
                        << QCoreApplication::translate("Switchboard::App", "TLS certificate reloaded")
                        << Qt::endl;
                else
                    QTextStream(stderr)
                        << "switchboard: "
                        << QCoreApplication::translate("Switchboard::App", "TLS reload failed: %1").arg(error)
                        << Qt::endl;
                break;
            }
            case SIGUSR1:
                server.setDraining(true);
                QTextStream(stdout) << "switchboard: draining" << Qt::endl;
                Switchboard::App::ServiceNotifier::notify("STATUS=draining");
                break;
            case SIGUSR2:
                server.setDraining(false);
                QTextStream(stdout) << "switchboard: drain ended" << Qt::endl;
                Switchboard::App::ServiceNotifier::notify("STATUS=drain ended");
                break;
            default:
                QTextStream(stdout) << "switchboard: "
                                    << QCoreApplication::translate("Switchboard::App", "shutting down")
                                    << Qt::endl;
                // sd_notify(3): the stop is under way (a second signal only repeats it).
                Switchboard::App::ServiceNotifier::notify("STOPPING=1");
                server.shutdown();
                break;
            }
        });
        struct sigaction action
        {
        };
        action.sa_handler = onSignal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        for (const int signal : {SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2})
            ::sigaction(signal, &action, nullptr);
    }

#ifdef SWITCHBOARD_WITH_GUI
    std::unique_ptr<Switchboard::Gui::MainWindow> window;
    if (gui && result.app.gui) {
        window = std::make_unique<Switchboard::Gui::MainWindow>(&server, server.registry(), server.traffic());
        window->show();
    }
#endif
    return app->exec();
}
