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

/// One place to try, in order.
struct Target
{
    QString host;
    quint16 port = 5222;
    friend bool operator==(const Target &, const Target &) = default;
};

/// Decides where a client stream for a domain may go (RFC 6120 §3.2): the allowlist first (never an open
/// proxy), then a static route, then `_xmpp-client._tcp.<domain>` SRV records ordered by priority and
/// weight (RFC 2782), then the domain itself on 5222 (A/AAAA fallback happens at connect time).
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
    /// or listed in allowedRouteHosts. Returns the target, or Refusal::RouteForbidden.
    Refusal checkRoute(const QString &route, Target *target) const;

    /// Resolves a domain to the ordered targets. SRV lookups use Config::dnsServer when set; Qt 6.4's
    /// QDnsLookup cannot change the port, so that server must answer on port 53. A lone "." SRV target (RFC
    /// 2782) gives an empty list; no SRV record (or a failed lookup) gives {domain, 5222}. Calls `done` later
    /// (never synchronously) with the targets; an empty list means nothing could be found. The context object
    /// guards the callback.
    void resolve(const QString &domain, QObject *context, std::function<void(QList<Target>)> done);

    /// Orders SRV records (exposed for tests): by priority, weighted random within a priority.
    struct SrvRecord
    {
        QString target;
        quint16 port;
        quint16 priority;
        quint16 weight;
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
