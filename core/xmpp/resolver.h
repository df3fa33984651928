// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/config.h"

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QString>

#include <functional>

namespace Switchboard::Xmpp {

/// One place to try, in order, and how to speak there.
struct Target
{
    QString host;
    quint16 port = 5222;
    /// TLS from the first byte (XEP-0368: an `_xmpps-client` record, or a route with `tls=direct`)
    bool directTls = false;
    /// The PROXY protocol header to start the connection with (a route's `proxy_protocol_out`)
    ProxyProtocolVersion proxyProtocolOut = ProxyProtocolVersion::None;
    friend bool operator==(const Target &, const Target &) = default;
};

/// Decides where a client stream for a domain may go (RFC 6120 §3.2): the allowlist first (never an open
/// proxy), then a static route (with its options), then the SRV records of `_xmpp-client._tcp.<domain>`
/// (STARTTLS) and `_xmpps-client._tcp.<domain>` (direct TLS, XEP-0368) merged into one set ordered by
/// priority and weight (RFC 2782), then the domain itself on 5222 (A/AAAA fallback happens at connect
/// time). A PROXY protocol header is sent only on static routes: SRV targets are whatever the DNS names,
/// and the client's address is not theirs to learn.
class Resolver final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Resolver)
public:
    enum class Refusal { None, HostUnknown, RouteForbidden };

    explicit Resolver(const Config &config, QObject *parent = nullptr);

    /// Is this `to` domain allowed? (case-insensitive)
    bool domainAllowed(const QString &domain) const;
    /// Checks a client `route` attribute ("xmpp:host:port"): the host must be a configured route target
    /// or listed in allowedRouteHosts. Returns the target, or Refusal::RouteForbidden. A configured route
    /// target keeps that route's options (its server expects them); an allowedRouteHosts one has none.
    Refusal checkRoute(const QString &route, Target *target) const;

    /// Resolves a domain to the ordered targets. SRV lookups use Config::dnsServer when set; Qt 6.4's
    /// QDnsLookup cannot change the port, so that server must answer on port 53. Both services are asked
    /// at once. "." SRV targets (RFC 2782) are dropped: when every record found is one, the list is empty
    /// (XEP-0368 §5: no A/AAAA fallback once SRV records exist); no SRV record of either service (or
    /// failed lookups) gives {domain, 5222} with STARTTLS. Calls `done` later
    /// (never synchronously) with the targets; an empty list means nothing could be found. The context object
    /// guards the callback.
    void resolve(const QString &domain, QObject *context, std::function<void(QList<Target>)> done);

    /// Orders SRV records (exposed for tests): by priority, weighted random within a priority. Records of
    /// both services are one set (XEP-0368 §3, rule 1); each target keeps its service's way of TLS.
    struct SrvRecord
    {
        QString target;
        quint16 port;
        quint16 priority;
        quint16 weight;
        bool directTls = false; ///< from `_xmpps-client`
    };
    static QList<Target> orderSrv(QList<SrvRecord> records);

    /// The CA certificates of Config::caFile, read once here for every link (empty when unset).
    const QList<QSslCertificate> &extraCaCertificates() const { return m_extraCas; }

private:
    Config m_config;
    QStringList m_reachable; ///< Config::reachableDomains(), computed once
    QList<QSslCertificate> m_extraCas;
};

} // namespace Switchboard::Xmpp
