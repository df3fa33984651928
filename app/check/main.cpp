// SPDX-License-Identifier: GPL-3.0-or-later
// switchboard-check: checks any BOSH and WebSocket connection manager against XEP-0124, XEP-0206 and
// RFC 7395, rule by rule (docs/CHECK.md). The composition root: options, the rule groups in order,
// the report and its files.
#include "boshprobe.h"
#include "boshrules.h"
#include "hostilerules.h"
#include "options.h"
#include "report.h"
#include "wsprobe.h"
#include "wsrules.h"

#include <QCoreApplication>
#include <QFile>

#include <cstdio>

using namespace Switchboard::Check;

namespace {

bool writeOut(const QString &file, const QByteArray &data)
{
    if (file == u"-") {
        std::fwrite(data.constData(), 1, size_t(data.size()), stdout);
        std::fflush(stdout);
        return true;
    }
    QFile out(file);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) || out.write(data) != data.size()) {
        std::fprintf(stderr, "switchboard-check: cannot write %s: %s\n", qPrintable(file),
                     qPrintable(out.errorString()));
        return false;
    }
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("switchboard-check"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SWITCHBOARD_VERSION));

    Options options;
    QString error;
    if (!parseOptions(app, options, error)) {
        std::fprintf(stderr, "switchboard-check: %s (see --help)\n", qPrintable(error));
        return 2;
    }

    Report report;
    BoshProbe bosh(options);
    WsProbe ws(options);
    if (!options.bosh.isEmpty())
        runBoshSessionRules(options, report, bosh);
    if (!options.ws.isEmpty())
        runWebSocketRules(options, report, ws);
    if (!options.bosh.isEmpty() && !options.ws.isEmpty())
        runMessageRules(options, report, bosh, ws);
    if (!options.bosh.isEmpty())
        runBoshRules(options, report, bosh);
    if (!options.ws.isEmpty())
        runWebSocketCloseRules(options, report, ws);
    if (options.hostile && !options.bosh.isEmpty())
        runHostileRules(options, report);

    // The table goes to standard output unless a machine format claimed it.
    if (options.jsonFile != u"-" && options.junitFile != u"-")
        writeOut(QStringLiteral("-"), report.table());
    bool written = true;
    if (!options.jsonFile.isEmpty())
        written = writeOut(options.jsonFile, report.json()) && written;
    if (!options.junitFile.isEmpty())
        written = writeOut(options.junitFile, report.junit()) && written;
    if (!written)
        return 2;
    return report.failed() ? 1 : 0;
}
