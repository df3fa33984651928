// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QMap>
#include <QPair>
#include <QString>
#include <QStringList>

#include <optional>

namespace Switchboard {

/// A static route: connections for `domain` go to host:port instead of DNS.
struct Route
{
    QString domain;
    QString host;
    quint16 port = 5222;
    friend bool operator==(const Route &, const Route &) = default;
};

/// Every setting of a Switchboard instance, with its default. Filled by ConfigLoader from a file and the
/// command line, then validated; a Server takes a copy at construction.
struct Config
{
    // --- HTTP front ---
    QString host = QStringLiteral("127.0.0.1"); ///< listen address
    quint16 port = 5280;                        ///< listen port (0: any free port)
    QString path = QStringLiteral("/http-bind/"); ///< BOSH endpoint path (with or without the final '/')
    qint64 maxDataHeld = 100000;                 ///< max request body and header bytes (413 above)
    int maxHeaderCount = 100;                   ///< max request header lines
    int httpIdleTimeout = 120;                  ///< seconds a keep-alive connection may sit idle
    int httpRequestTimeout = 30;                ///< seconds a client has to send one whole request
    bool compression = true;                    ///< gzip/deflate responses when the client asks
    int compressionMinSize = 860;               ///< bytes: smaller responses are not compressed
    QStringList allowedOrigins;                 ///< CORS / WebSocket origin patterns ('*' and '?'); empty: any
    QList<QPair<QByteArray, QByteArray>> httpHeaders; ///< extra headers on every response

    // --- BOSH ---
    int maxBoshConnections = 2; ///< cap on `hold` (requests the CM keeps waiting per session)
    int windowSize = 2;         ///< extra requests beyond hold: `requests` = min(hold, cap) + windowSize - 1 ... see docs
    int defaultWait = 60;       ///< seconds, used when the client asks for none
    int maxWait = 120;          ///< seconds, upper bound on `wait`
    int defaultInactivity = 70; ///< seconds announced as `inactivity`
    int maxInactivity = 160;    ///< seconds, upper bound (pause stretches to at most maxPause)
    int maxPause = 120;         ///< seconds announced as `maxpause`
    int polling = 2;            ///< seconds announced as `polling` (minimum between empty polls)
    int maxStreamsPerSession = 8;
    int maxSessions = 10000;
    bool useKeySequencing = true; ///< verify key/newkey when a client uses them

    // --- Backend ---
    qint64 maxXmppBufferSize = 500000; ///< bytes of one unfinished stanza from the server
    QList<Route> routes;               ///< static routes, domain -> host:port
    QStringList allowedDomains;        ///< reachable `to` domains; empty: the domains named in routes
    QStringList allowedRouteHosts;     ///< hosts a client `route` attribute may name (besides route targets)
    QStringList noTlsDomains;          ///< domains whose backend may run without TLS (loopback/dev)
    QString caFile;                    ///< extra CA certificates (PEM) for backend verification
    int connectTimeout = 15;           ///< seconds to resolve + connect + negotiate with the server
    QString dnsServer;                 ///< optional nameserver address for SRV lookups (tests, split DNS)
    quint16 dnsPort = 53;

    // --- WebSocket ---
    QString wsPath = QStringLiteral("/xmpp-websocket");
    qint64 wsMaxMessageSize = 262144;
    int wsPingInterval = 30;
    int wsIdleTimeout = 300;
    QString publicUrl; ///< base URL as seen from outside (host-meta); empty: derived from Host header

    // --- Process ---
    bool gui = true;
    QStringList logRules; ///< QLoggingCategory rules, e.g. "switchboard.bosh.debug=true"

    /// The domain list that may be reached: allowedDomains, else the route domains.
    QStringList reachableDomains() const;
    /// The route for a domain, if any (case-insensitive).
    std::optional<Route> routeFor(const QString &domain) const;
};

/// Reads a config file and command-line overrides into a Config. Errors name the file, line, key and
/// reason; the caller stops start-up on any error.
class ConfigLoader
{
public:
    /// Parses `key = value` lines ('#' comments, blank lines ignored) into `config`.
    /// Returns false and sets `error` on an unknown key or bad value.
    static bool loadFile(const QString &fileName, Config &config, QString *error);
    /// Parses the same syntax from memory (`origin` names the source in errors).
    static bool loadText(const QByteArray &text, const QString &origin, Config &config, QString *error);
    /// Applies one `key = value` setting (as in the file). `where` prefixes errors.
    static bool apply(const QString &key, const QString &value, Config &config, QString *error);
    /// Checks cross-field rules (e.g. path starts with '/').
    static bool validate(const Config &config, QString *error);
    /// The documented list of keys (for --help and the docs test).
    static QStringList knownKeys();
};

} // namespace Switchboard
