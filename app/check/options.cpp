// SPDX-License-Identifier: GPL-3.0-or-later
#include "options.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace Switchboard::Check {

bool parseOptions(const QCoreApplication &app, Options &options, QString &error)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Checks a BOSH (XEP-0124, XEP-0206) and WebSocket (RFC 7395) connection manager rule by rule and "
        "prints PASS, FAIL or SKIP for each, with its spec clause, requirement level and what was seen.\n"
        "Exit code: 0 when every MUST and SHOULD rule passed or was skipped, 1 when one failed, 2 on a usage "
        "error.\nThe checker connects only to the two given URLs (and, for the route probe, listens on the "
        "BOSH host when that is an address of this machine). docs/CHECK.md lists the rules."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption bosh(QStringLiteral("bosh"),
                                  QStringLiteral("BOSH endpoint URL (http:// or https://)."),
                                  QStringLiteral("URL"));
    const QCommandLineOption ws(QStringLiteral("ws"),
                                QStringLiteral("WebSocket endpoint URL (ws:// or wss://)."),
                                QStringLiteral("URL"));
    const QCommandLineOption domain(QStringLiteral("domain"), QStringLiteral("The XMPP domain to log in to."),
                                    QStringLiteral("D"));
    const QCommandLineOption user(
        QStringLiteral("user"),
        QStringLiteral("An account as user:password (give two: the messages go from "
                       "the first to the second and back). SASL PLAIN."),
        QStringLiteral("u:p"));
    const QCommandLineOption hostile(
        QStringLiteral("hostile"), QStringLiteral("Also send hostile input (malformed, truncated, entity "
                                                  "expansion, oversized, deeply nested, slow, ambiguous "
                                                  "framing, open-proxy probes), each followed by a liveness "
                                                  "check."));
    const QCommandLineOption json(
        QStringLiteral("json"), QStringLiteral("Write the results as JSON to FILE (- for standard output)."),
        QStringLiteral("FILE"));
    const QCommandLineOption junit(QStringLiteral("junit"),
                                   QStringLiteral("Write the results as JUnit XML to FILE (- for standard "
                                                  "output)."),
                                   QStringLiteral("FILE"));
    const QCommandLineOption timeout(QStringLiteral("timeout"),
                                     QStringLiteral("Bound on any single wait, in seconds (default 10). BOSH "
                                                    "sessions ask for wait = timeout/2."),
                                     QStringLiteral("S"), QStringLiteral("10"));
    const QCommandLineOption slow(
        QStringLiteral("slow-limit"),
        QStringLiteral("--hostile: how long a request trickling in one byte a second "
                       "may be kept open before the endpoint must cut it, in seconds "
                       "(default 60)."),
        QStringLiteral("S"), QStringLiteral("60"));
    const QCommandLineOption origin(
        QStringLiteral("origin"),
        QStringLiteral("An Origin the endpoint accepts (sent on CORS and WebSocket "
                       "requests). With it, a WebSocket upgrade from another "
                       "origin must be refused; without it that rule is skipped."),
        QStringLiteral("O"));
    parser.addOptions({bosh, ws, domain, user, hostile, json, junit, timeout, slow, origin});
    parser.process(app);

    options.bosh = QUrl(parser.value(bosh), QUrl::StrictMode);
    options.ws = QUrl(parser.value(ws), QUrl::StrictMode);
    options.domain = parser.value(domain);
    options.hostile = parser.isSet(hostile);
    options.jsonFile = parser.value(json);
    options.junitFile = parser.value(junit);
    options.origin = parser.value(origin).toUtf8();
    bool ok = false;
    options.timeoutS = parser.value(timeout).toInt(&ok);
    if (!ok || options.timeoutS < 1 || options.timeoutS > 600) {
        error = QStringLiteral("--timeout: a number of seconds from 1 to 600");
        return false;
    }
    options.slowLimitS = parser.value(slow).toInt(&ok);
    if (!ok || options.slowLimitS < 1 || options.slowLimitS > 3600) {
        error = QStringLiteral("--slow-limit: a number of seconds from 1 to 3600");
        return false;
    }
    if (parser.isSet(bosh) && (!options.bosh.isValid() || !options.bosh.scheme().startsWith(u"http"))) {
        error = QStringLiteral("--bosh: an http:// or https:// URL");
        return false;
    }
    if (parser.isSet(ws) && (!options.ws.isValid() || !options.ws.scheme().startsWith(u"ws"))) {
        error = QStringLiteral("--ws: a ws:// or wss:// URL");
        return false;
    }
    if (!parser.isSet(bosh) && !parser.isSet(ws)) {
        error = QStringLiteral("give --bosh URL, --ws URL or both");
        return false;
    }
    if (options.domain.isEmpty()) {
        error = QStringLiteral("--domain is required");
        return false;
    }
    const QStringList users = parser.values(user);
    for (const QString &entry : users) {
        const qsizetype colon = entry.indexOf(u':');
        if (colon <= 0) {
            error = QStringLiteral("--user: user:password");
            return false;
        }
        options.users.append({entry.left(colon), entry.mid(colon + 1)});
    }
    return true;
}

} // namespace Switchboard::Check
