// SPDX-License-Identifier: GPL-3.0-or-later
#include "xmpp/resolver.h"

#include <QDnsLookup>
#include <QLoggingCategory>
#include <QMetaObject>
#include <QPointer>
#include <QRandomGenerator>

#include <algorithm>
#include <memory>

Q_LOGGING_CATEGORY(lcResolver, "switchboard.xmpp.resolver", QtWarningMsg)

namespace Switchboard::Xmpp {

namespace {

/// Splits "host:port" (host may be "[v6]"). Returns false when malformed.
bool splitHostPort(QStringView text, QString *host, quint16 *port)
{
    QStringView h;
    QStringView p;
    if (text.startsWith(u'[')) {
        const qsizetype close = text.indexOf(u']');
        if (close < 0 || close + 1 >= text.size() || text.at(close + 1) != u':')
            return false;
        h = text.sliced(1, close - 1);
        p = text.sliced(close + 2);
    } else {
        const qsizetype colon = text.lastIndexOf(u':');
        if (colon <= 0)
            return false;
        h = text.first(colon);
        p = text.sliced(colon + 1);
        if (h.contains(u':'))
            return false; // an unbracketed IPv6 address is ambiguous
    }
    bool ok = false;
    const uint n = p.toUInt(&ok);
    if (!ok || n == 0 || n > 65535 || h.isEmpty())
        return false;
    *host = h.toString();
    *port = quint16(n);
    return true;
}

} // namespace

Resolver::Resolver(const Config &config, QObject *parent)
    : QObject(parent), m_config(config), m_reachable(config.reachableDomains())
{
    if (!m_config.caFile.isEmpty()) {
        m_extraCas = QSslCertificate::fromPath(m_config.caFile, QSsl::Pem);
        if (m_extraCas.isEmpty())
            qCWarning(lcResolver) << "no certificate could be read from" << m_config.caFile;
    }
}

bool Resolver::domainAllowed(const QString &domain) const
{
    // RFC 6120 §3.2, and only configured domains: never an open relay.
    if (domain.isEmpty())
        return false;
    return m_reachable.contains(domain.toLower());
}

Resolver::Refusal Resolver::checkRoute(const QString &route, Target *target) const
{
    // XEP-0124 §7.1: route is "proto:host:port"; XEP-0206 §4 says proto is "xmpp".
    if (!route.startsWith(u"xmpp:"))
        return Refusal::RouteForbidden;
    QString host;
    quint16 port = 0;
    if (!splitHostPort(QStringView(route).sliced(5), &host, &port))
        return Refusal::RouteForbidden;

    bool allowed = false;
    Target checked{host, port};
    // A configured route target is allowed on its own port only: a client must not pick ports.
    for (const Route &r : m_config.routes) {
        if (r.host.compare(host, Qt::CaseInsensitive) == 0 && r.port == port) {
            allowed = true;
            checked.directTls = r.directTls;
            checked.proxyProtocolOut = r.proxyProtocolOut;
        }
    }
    // allowedRouteHosts entries are "host" (any port) or "host:port".
    for (const QString &entry : m_config.allowedRouteHosts) {
        QString entryHost;
        quint16 entryPort = 0;
        if (splitHostPort(entry, &entryHost, &entryPort)) {
            if (entryHost.compare(host, Qt::CaseInsensitive) == 0 && entryPort == port)
                allowed = true;
        } else if (entry.compare(host, Qt::CaseInsensitive) == 0) {
            allowed = true;
        }
    }
    if (!allowed)
        return Refusal::RouteForbidden;
    if (target)
        *target = checked;
    return Refusal::None;
}

void Resolver::resolve(const QString &domain, QObject *context, std::function<void(QList<Target>)> done)
{
    QPointer<QObject> guard(context);
    // Deliver later, never from inside resolve(): the caller may not be ready for re-entrancy.
    auto deliver = [guard, done = std::move(done)](QList<Target> targets) {
        if (guard)
            done(std::move(targets));
    };
    auto deliverLater = [this, deliver](QList<Target> targets) {
        QMetaObject::invokeMethod(
            this, [deliver, targets = std::move(targets)]() mutable { deliver(std::move(targets)); },
            Qt::QueuedConnection);
    };

    if (!domainAllowed(domain)) {
        deliverLater({});
        return;
    }
    if (const std::optional<Route> route = m_config.routeFor(domain)) {
        deliverLater({Target{route->host, route->port, route->directTls, route->proxyProtocolOut}});
        return;
    }

    // RFC 6120 §3.2.1 and XEP-0368 §3: look up _xmpp-client._tcp.<domain> and _xmpps-client._tcp.<domain>
    // at once; the answer waits for both.
    struct Pending
    {
        QList<SrvRecord> records;
        bool anyFound = false; ///< some lookup answered with records (even ".")
        int waiting = 2;
    };
    auto pending = std::make_shared<Pending>();
    const auto finished = [domain, deliver, pending](QDnsLookup *lookup, bool directTls) {
        lookup->deleteLater();
        if (lookup->error() == QDnsLookup::NoError && !lookup->serviceRecords().isEmpty()) {
            pending->anyFound = true;
            const QList<QDnsServiceRecord> srv = lookup->serviceRecords();
            for (const QDnsServiceRecord &r : srv) {
                QString target = r.target();
                if (target.endsWith(u'.'))
                    target.chop(1);
                pending->records.append({target, r.port(), r.priority(), r.weight(), directTls});
            }
        } else {
            qCDebug(lcResolver) << "no" << (directTls ? "xmpps-client" : "xmpp-client") << "SRV for" << domain
                                << lookup->errorString();
        }
        if (--pending->waiting > 0)
            return;
        QList<Target> targets;
        if (pending->anyFound) {
            // RFC 2782: a "." target means the service is decidedly not available there; XEP-0368 §5: with
            // SRV records published, no fallback to the domain itself.
            targets = orderSrv(pending->records);
            if (targets.isEmpty())
                qCDebug(lcResolver) << "no xmpp-client service for" << domain;
        } else {
            // RFC 6120 §3.2.1 step 4 (and §3.2.2): no SRV, fall back to the domain itself.
            targets.append(Target{domain, 5222});
        }
        deliver(std::move(targets));
    };
    for (const bool directTls : {false, true}) {
        const QString service =
            directTls ? QStringLiteral("_xmpps-client._tcp.") : QStringLiteral("_xmpp-client._tcp.");
        auto *lookup = new QDnsLookup(QDnsLookup::SRV, service + domain, this);
        if (!m_config.dnsServer.isEmpty()) {
            // Qt 6.4's QDnsLookup has no port setter (setNameserverPort came in 6.6): the nameserver is
            // asked on port 53, which is why the config has no port for it.
            lookup->setNameserver(QHostAddress(m_config.dnsServer));
        }
        connect(lookup, &QDnsLookup::finished, this,
                [lookup, directTls, finished] { finished(lookup, directTls); });
        lookup->lookup();
    }
}

QList<Target> Resolver::orderSrv(QList<SrvRecord> records)
{
    records.removeIf([](const SrvRecord &r) { return r.target.isEmpty() || r.target == u"."; });
    std::stable_sort(records.begin(), records.end(),
                     [](const SrvRecord &a, const SrvRecord &b) { return a.priority < b.priority; });
    QList<Target> out;
    out.reserve(records.size());
    qsizetype i = 0;
    while (i < records.size()) {
        qsizetype end = i;
        while (end < records.size() && records.at(end).priority == records.at(i).priority)
            ++end;
        // RFC 2782 "Usage rules": zero weights first, then repeatedly pick by running sum of weights
        // against a uniform random number in [0, total].
        QList<SrvRecord> group(records.begin() + i, records.begin() + end);
        std::stable_partition(group.begin(), group.end(), [](const SrvRecord &r) { return r.weight == 0; });
        while (!group.isEmpty()) {
            quint32 total = 0;
            for (const SrvRecord &r : std::as_const(group))
                total += r.weight;
            const quint32 pick = QRandomGenerator::global()->bounded(total + 1);
            quint32 running = 0;
            qsizetype chosen = group.size() - 1;
            for (qsizetype k = 0; k < group.size(); ++k) {
                running += group.at(k).weight;
                if (running >= pick) {
                    chosen = k;
                    break;
                }
            }
            out.append(Target{group.at(chosen).target, group.at(chosen).port, group.at(chosen).directTls});
            group.removeAt(chosen);
        }
        i = end;
    }
    return out;
}

} // namespace Switchboard::Xmpp
