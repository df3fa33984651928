// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/proxyheaderwriter.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QMap>
#include <QPair>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace Switchboard {

/// A static route: connections for `domain` go to host:port instead of DNS, with the route's options
/// (`tls=direct`, `proxy_protocol_out=v1|v2`).
struct Route
{
    QString domain;
    QString host;
    quint16 port = 5222;
    bool directTls = false; ///< TLS from the first byte (XEP-0368 "direct TLS"), not STARTTLS
    /// The PROXY protocol header each link to this route starts with, naming the client's address
    ProxyProtocolVersion proxyProtocolOut = ProxyProtocolVersion::None;
    friend bool operator==(const Route &, const Route &) = default;
};

/// Every setting of a Switchboard instance, with its default. Filled by ConfigLoader from a file and the
/// command line (see commandline.h), then validated; a Server takes a copy at construction.
/// Each member maps to one config-file key (snake_case of the member name, `route` for routes, `log` for
/// logRules); docs/CONFIGURATION.md documents every key with its default and limits.
/// Whether the BOSH endpoint answers GET requests (XEP-0124 Appendix B: `?data=` and JSONP callbacks).
enum class BoshGet {
    Auto, ///< on while allowed_origins is empty, off once an origin allowlist is set
    On,
    Off,
};

struct Config
{
    // --- HTTP front ---
    QString host = QStringLiteral("127.0.0.1");   ///< listen address
    quint16 port = 5280;                          ///< listen port (0: any free port)
    QString path = QStringLiteral("/http-bind/"); ///< BOSH endpoint path (with or without the final '/')
    qint64 maxDataHeld = 100000;                  ///< max request body bytes (413 above)
    int maxHeaderCount = 100;                     ///< max request header lines
    int httpIdleTimeout = 120;                    ///< seconds a keep-alive connection may sit idle
    int httpRequestTimeout = 30;                  ///< seconds a client has to send one whole request
    bool compression = true;                      ///< gzip/deflate responses when the client asks
    int compressionMinSize = 860;                 ///< bytes: smaller responses are not compressed
    QStringList allowedOrigins; ///< CORS / WebSocket origin patterns ('*' and '?'); empty: any
    QList<QPair<QByteArray, QByteArray>> httpHeaders; ///< extra headers on every response
    int maxHeaderSize = 16384;    ///< max bytes of a request head (request line plus headers; 431 above)
    int maxConnections = 2000;    ///< max HTTP/WebSocket connections open at once (503 above)
    int maxConnectionsPerIp = 64; ///< max connections open at once from one client address (429 above)
    QString tlsCertFile;          ///< PEM certificate (chain) for https:// and wss://; empty: no TLS
    QString tlsKeyFile;           ///< PEM private key of tlsCertFile
    quint16 tlsPort = 5281;       ///< TLS listen port (0: any free port), when tlsCertFile is set
    bool plainListener = true;    ///< with TLS on, also listen for plain HTTP on `port`
    /// Addresses and CIDR networks of reverse proxies and load balancers whose word about the client's
    /// address is believed (forwarding headers, PROXY protocol); empty: none
    QStringList trustedProxies;
    /// The request header trusted proxies name clients in: "x-forwarded-for", "forwarded" (RFC 7239)
    /// or "none"
    QString forwardedHeader = QStringLiteral("x-forwarded-for");
    /// Every connection starts with a PROXY protocol header (v1 or v2) from a trusted proxy
    bool proxyProtocol = false;

    // --- BOSH ---
    int maxBoshConnections = 2; ///< cap on `hold` (requests the CM keeps waiting per session)
    int windowSize = 2;         ///< requests a client may send beyond hold (`requests`; see docs)
    int defaultWait = 60;       ///< seconds, used when the client asks for none
    int maxWait = 120;          ///< seconds, upper bound on `wait`
    int defaultInactivity = 70; ///< seconds announced as `inactivity`
    int maxInactivity = 160;    ///< seconds, upper bound (pause stretches to at most maxPause)
    int maxPause = 120;         ///< seconds announced as `maxpause`
    int polling = 2;            ///< seconds announced as `polling` (minimum between empty polls)
    /// Milliseconds a held request may wait for the server's reply to a request that carried payload
    /// before the oldest is answered (0: answered at once; see docs/ARCHITECTURE.md, BOSH coalescing)
    int boshCoalesceDelay = 5;
    int maxStreamsPerSession = 8;
    int maxSessions = 10000;      ///< BOSH sessions, WebSocket streams and REST sessions open at once
    int maxSessionsPerIp = 50;    ///< sessions open at once from one client address
    int maxNewSessionsPerIp = 60; ///< sessions one client address may open per minute
    int maxStanzaSize = 262144;   ///< bytes of one stanza from a client (BOSH payload element)
    int maxXmlDepth = 32;         ///< element nesting depth accepted from clients
    bool useKeySequencing = true; ///< verify key/newkey when a client uses them
    /// GET and JSONP at the BOSH path; a `<script src>` sends no Origin, so an allowlist cannot guard it
    BoshGet boshGet = BoshGet::Auto;
    /// bytes one session (BOSH or WebSocket) may have waiting toward its client before it is ended
    qint64 maxClientBacklog = 1048576;

    // --- Backend ---
    qint64 maxXmppBufferSize = 500000; ///< bytes of one unfinished stanza from the server
    QList<Route> routes;               ///< static routes, domain -> host:port
    QStringList allowedDomains;        ///< reachable `to` domains; empty: the domains named in routes
    QStringList allowedRouteHosts;     ///< hosts a client `route` attribute may name (besides route targets)
    QStringList noTlsDomains;          ///< domains whose backend may run without TLS (loopback/dev)
    QString caFile;                    ///< extra CA certificates (PEM) for backend verification
    int connectTimeout = 15;           ///< seconds to resolve + connect + negotiate with the server
    QString dnsServer;                 ///< optional nameserver address for SRV lookups (tests, split DNS)
    int serverReadTimeout = 60;        ///< seconds an unfinished element or an awaited stream header may take

    // --- WebSocket ---
    QString wsPath = QStringLiteral("/xmpp-websocket");
    qint64 wsMaxMessageSize = 262144;
    int wsPingInterval = 30;
    int wsIdleTimeout = 300;
    /// Also accept the pre-RFC 7395 framing (a <stream:stream> header in a message; docs/COMPATIBILITY.md)
    bool wsLegacyFraming = false;
    QString publicUrl;      ///< base URL as seen from outside (host-meta); empty: derived from Host header
    QString wsRequiredHost; ///< WebSocket upgrades must carry this Host header value; empty: any

    // --- REST gateway (docs/REST.md) ---
    QString restPath = QStringLiteral("/api/v1"); ///< base path of the REST API
    int restMaxQueue = 1000;            ///< events one REST session keeps unacknowledged (more are refused)
    int restIdleTimeout = 86400;        ///< seconds a REST session lives without a call
    int restMaxSessionsPerAccount = 10; ///< REST sessions open at once for one account (bare JID)
    int restMaxSessionsPerIp = 20;      ///< REST sessions open at once from one client address
    int restMaxEventAge = 86400;        ///< seconds an unacknowledged event is kept before it expires
    int restSseKeepAlive = 15;          ///< seconds between comment lines on a Server-Sent Events stream
    /// SQLite file that keeps REST sessions over a graceful restart (docs/REST.md). As a key, empty means
    /// rest.sqlite in the application data folder: the application fills that in (Rest::RestStore::
    /// defaultFile()); a Server given an empty value keeps nothing, and so does one given "off".
    QString restStore;
    int restReconnectDelay = 1000; ///< ms before the first try to reach the server again after the link drops
    int restReconnectMaxDelay = 60; ///< seconds: the most the reconnection backoff waits between tries

    // --- Process ---
    /// Threads that serve connections, each with its own event loop (docs/ARCHITECTURE.md, "Threads");
    /// 0 (the default): one per core (QThread::idealThreadCount()).
    int workers = 0;
    /// How connections reach the workers (docs/ARCHITECTURE.md, "Threads"): "reuseport", a listening
    /// socket per worker (SO_REUSEPORT) and the kernel spreads connections by a hash of their addresses;
    /// "acceptor", one listening socket on worker 0 hands each accepted connection to the worker with
    /// the fewest open connections. Without effect with one worker.
    QString workerAccept = QStringLiteral("reuseport");
    int shutdownTimeout = 10; ///< seconds SIGTERM/SIGINT may take to close every session and stream
    QString drainUrl;         ///< see-other-uri target for new sessions while draining
    QStringList logRules;     ///< QLoggingCategory rules, e.g. "switchboard.bosh.debug=true"
    /// This process among several behind a load balancer: its session ids start with it (base/nodeid.h)
    QString nodeId;

    // --- Monitor (status page, metrics, traffic capture) ---
    QString statusPath = QStringLiteral("/status"); ///< HTML status page; JSON at statusPath + ".json"
    QString statusToken; ///< required for /status and /metrics when set; empty: loopback only
    /// Bearer token of the admin API under /admin/ (docs/ADMIN.md); empty: the API is off (404)
    QString adminToken;
    QString adminTokenFile;      ///< where adminToken was read from (its first line), if anywhere
    int trafficCapacity = 10000; ///< stanzas the traffic capture keeps (a ring buffer)
    bool showSecrets = false;    ///< keep SASL payloads and passwords in the capture (local debugging)
    bool lint = false;           ///< run the client lint from the start (the window turns it on as well)
    int lintTimeout = 30;        ///< seconds an IQ may wait for its answer, and a ping for its pong (lint)

    // --- Push on arrival (webhooks and Web Push; docs/PUSH.md) ---
    int pushInterval = 30;    ///< seconds: at most one push per target in this time while events stay unread
    int pushMaxFailures = 16; ///< failed deliveries in a row that disable a target
    int pushTimeout = 10;     ///< seconds one delivery may take: resolve, connect, TLS, request, response
    QStringList pushAllowedHosts; ///< host or host:port patterns ('*') exempt from the public-address rule
    QString
        vapidKeyFile; ///< VAPID key pair (PEM), created when missing; empty: Push::Vapid::defaultKeyFile()
    QString vapidSubject = QStringLiteral("mailto:postmaster@localhost"); ///< VAPID "sub" contact URI

    /// bosh_get resolved: Auto means on while allowedOrigins is empty.
    bool boshGetEnabled() const
    {
        return boshGet == BoshGet::On || (boshGet == BoshGet::Auto && allowedOrigins.isEmpty());
    }
    /// The domain list that may be reached: allowedDomains, else the route domains (lower-cased).
    QStringList reachableDomains() const;
    /// The route for a domain, if any (case-insensitive).
    std::optional<Route> routeFor(const QString &domain) const;

    friend bool operator==(const Config &, const Config &) = default;
};

/// Keys an application adds to the same file and `--set` (app/ adds `gui` and `lang`, which the core has
/// no use for). The loader hands them over instead of calling them unknown. apply() should stage the
/// value: the caller keeps it only when the whole load succeeded, as the loader does with the Config.
struct ConfigExtension
{
    QStringList keys; ///< single-valued keys, in the order configToText() prints them
    std::function<bool(const QString &key, const QString &value, QString *reason)> apply;
    std::function<QString(const QString &key)> value; ///< the current value, for configToText()
};

/// Reads a config file and command-line overrides into a Config. Errors name the file, line, key and
/// reason ("FILE:LINE: key 'K': REASON"); the caller stops start-up on any error.
///
/// Syntax: one `key = value` per line (UTF-8); a line whose first non-blank character is '#' is a comment;
/// blank lines are ignored; the value is everything after the first '=' with surrounding blanks removed.
/// List keys (allowed_origins, trusted_proxies, allowed_domains, allowed_route_hosts, no_tls_domains,
/// log) take items separated by commas (and blanks, except for `log`); repeatable keys (route,
/// http_headers) take one item per line. The first occurrence of a list or repeatable key in a file
/// replaces the list held so far (e.g. the default), later occurrences in the same file append. An empty
/// value clears a list.
class ConfigLoader
{
public:
    /// Parses the file into `config` (on top of what it already holds: defaults < file). A relative
    /// ca_file is resolved against the file's folder. Returns false and sets `error` (every bad line,
    /// one per line of text) on an unreadable file, an unknown key or a bad value; `config` is then left
    /// unchanged.
    static bool loadFile(const QString &fileName, Config &config, QString *error,
                         const ConfigExtension *extension = nullptr);
    /// Parses the same syntax from memory (`origin` names the source in errors; a relative ca_file is
    /// resolved against the current directory). All-or-nothing like loadFile.
    static bool loadText(const QByteArray &text, const QString &origin, Config &config, QString *error,
                         const ConfigExtension *extension = nullptr);
    /// Applies one `key = value` setting (as in the file: a list key appends, an empty value clears).
    /// On error sets `error` to "key 'K': REASON" and leaves `config` unchanged.
    static bool apply(const QString &key, const QString &value, Config &config, QString *error,
                      const ConfigExtension *extension = nullptr);
    /// Checks every value against its limits (as apply() would) and the cross-field rules: path and
    /// ws_path start with '/' and differ, default_wait <= max_wait, default_inactivity <= max_inactivity,
    /// route domains unique, ws_ping_interval < ws_idle_timeout (unless 0). Sets `error` to every
    /// problem found, one per line.
    static bool validate(const Config &config, QString *error);
    /// The documented list of keys, in the order of configToText() (for --help and the docs test).
    static QStringList knownKeys();
    /// Is `key` a list or repeatable key (a second occurrence appends rather than replaces)?
    static bool isListKey(const QString &key);
};

/// The config in file syntax, every key once (repeatable keys once per item), in knownKeys() order, with
/// a header comment. ConfigLoader::loadText() on the result gives back an equal Config. Used by
/// --print-config.
QString configToText(const Config &config, const ConfigExtension *extension = nullptr);

} // namespace Switchboard
