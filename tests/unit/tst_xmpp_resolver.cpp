// SPDX-License-Identifier: GPL-3.0-or-later
// Proves where the connection manager may connect (RFC 6120 §3.2, and never an open relay): the allowlist,
// static routes, client `route` checks (XEP-0124 §7.1), RFC 2782 SRV ordering, and real SRV lookups against a
// local dnsmasq (RFC 6120 §3.2.1, including the "." no-service record and the fallback to domain:5222).
#include "xmpp/resolver.h"

#include "dnsmasqfixture.h"

#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>

using namespace Switchboard;
using Switchboard::Xmpp::Resolver;
using Switchboard::Xmpp::Target;

namespace {

QList<Target> resolveNow(Resolver &resolver, const QString &domain, bool *calledSynchronously = nullptr)
{
    bool called = false;
    QList<Target> result;
    QObject context;
    resolver.resolve(domain, &context, [&](QList<Target> targets) {
        called = true;
        result = std::move(targets);
    });
    if (calledSynchronously)
        *calledSynchronously = called;
    if (!QTest::qWaitFor([&] { return called; }, 20000))
        qWarning("resolve did not finish");
    return result;
}

} // namespace

class tst_XmppResolver : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void domainAllowed();
    void checkRoute_data();
    void checkRoute();
    void orderSrvPriority();
    void orderSrvWeights();
    void orderSrvDropsRoot();
    void resolveRefusedAndRouted();
    void resolveContextGone();
    void resolveSrvWithDnsmasq();
    void checkRouteKeepsRouteOptions();
    void orderSrvMixesBothServices();
    void resolveRouteOptions();
    void resolveBothServicesWithDnsmasq();
};

void tst_XmppResolver::domainAllowed()
{
    Config config;
    config.routes = {Route{QStringLiteral("Example.ORG"), QStringLiteral("10.0.0.1"), 5222}};
    {
        Resolver resolver(config);
        QVERIFY(resolver.domainAllowed(QStringLiteral("example.org")));
        QVERIFY(resolver.domainAllowed(QStringLiteral("EXAMPLE.org")));
        QVERIFY(!resolver.domainAllowed(QStringLiteral("other.org")));
        QVERIFY(!resolver.domainAllowed(QString()));
    }
    // An explicit allowlist replaces the route domains.
    config.allowedDomains = {QStringLiteral("a.test"), QStringLiteral("B.test")};
    Resolver resolver(config);
    QVERIFY(resolver.domainAllowed(QStringLiteral("a.test")));
    QVERIFY(resolver.domainAllowed(QStringLiteral("b.TEST")));
    QVERIFY(!resolver.domainAllowed(QStringLiteral("example.org")));
    QVERIFY(!resolver.domainAllowed(QStringLiteral("sub.a.test")));

    // Nothing configured: nothing reachable (never an open relay).
    Resolver empty{Config{}};
    QVERIFY(!empty.domainAllowed(QStringLiteral("localhost")));
}

void tst_XmppResolver::checkRoute_data()
{
    QTest::addColumn<QString>("route");
    QTest::addColumn<bool>("allowed");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::newRow("route target") << QStringLiteral("xmpp:backend.internal:5269") << true
                                  << QStringLiteral("backend.internal") << 5269;
    QTest::newRow("route target, case")
        << QStringLiteral("xmpp:BACKEND.internal:5269") << true << QStringLiteral("BACKEND.internal") << 5269;
    QTest::newRow("route target, other port")
        << QStringLiteral("xmpp:backend.internal:22") << false << QString() << 0;
    QTest::newRow("allowed host any port")
        << QStringLiteral("xmpp:spare.internal:5999") << true << QStringLiteral("spare.internal") << 5999;
    QTest::newRow("allowed host:port")
        << QStringLiteral("xmpp:pinned.internal:5223") << true << QStringLiteral("pinned.internal") << 5223;
    QTest::newRow("allowed host:port, other port")
        << QStringLiteral("xmpp:pinned.internal:5224") << false << QString() << 0;
    QTest::newRow("ipv6 bracketed") << QStringLiteral("xmpp:[::1]:5222") << true << QStringLiteral("::1")
                                    << 5222;
    QTest::newRow("unknown host") << QStringLiteral("xmpp:evil.example:5222") << false << QString() << 0;
    QTest::newRow("wrong protocol") << QStringLiteral("http:backend.internal:5269") << false << QString()
                                    << 0;
    QTest::newRow("no port") << QStringLiteral("xmpp:backend.internal") << false << QString() << 0;
    QTest::newRow("bad port") << QStringLiteral("xmpp:backend.internal:99999") << false << QString() << 0;
    QTest::newRow("port zero") << QStringLiteral("xmpp:backend.internal:0") << false << QString() << 0;
    QTest::newRow("empty") << QString() << false << QString() << 0;
    QTest::newRow("unbracketed ipv6") << QStringLiteral("xmpp:::1:5222") << false << QString() << 0;
}

void tst_XmppResolver::checkRoute()
{
    QFETCH(QString, route);
    QFETCH(bool, allowed);
    QFETCH(QString, host);
    QFETCH(int, port);
    Config config;
    config.routes = {Route{QStringLiteral("example.org"), QStringLiteral("backend.internal"), 5269}};
    config.allowedRouteHosts = {QStringLiteral("spare.internal"), QStringLiteral("pinned.internal:5223"),
                                QStringLiteral("::1")};
    Resolver resolver(config);
    Target target{QStringLiteral("untouched"), 1};
    const auto refusal = resolver.checkRoute(route, &target);
    QCOMPARE(refusal == Resolver::Refusal::None, allowed);
    if (allowed)
        QCOMPARE(target, (Target{host, quint16(port)}));
    else
        QCOMPARE(refusal, Resolver::Refusal::RouteForbidden);
}

void tst_XmppResolver::orderSrvPriority()
{
    const QList<Resolver::SrvRecord> records = {
        {QStringLiteral("c"), 3, 30, 0},
        {QStringLiteral("a"), 1, 10, 5},
        {QStringLiteral("b"), 2, 20, 5},
    };
    for (int i = 0; i < 20; ++i) {
        const QList<Target> ordered = Resolver::orderSrv(records);
        QCOMPARE(ordered, (QList<Target>{
                              {QStringLiteral("a"), 1}, {QStringLiteral("b"), 2}, {QStringLiteral("c"), 3}}));
    }
    QVERIFY(Resolver::orderSrv({}).isEmpty());
}

void tst_XmppResolver::orderSrvWeights()
{
    // RFC 2782: within a priority, selection probability is proportional to weight. Loose bounds
    // (the expected share of "heavy" first is 90%, of "zero" about 1/91): a statistical check, not a
    // timing one.
    const QList<Resolver::SrvRecord> records = {
        {QStringLiteral("light"), 1, 5, 10},
        {QStringLiteral("heavy"), 2, 5, 90},
        {QStringLiteral("zero"), 3, 5, 0},
        {QStringLiteral("backup"), 4, 6, 100},
    };
    int heavyFirst = 0;
    const int runs = 2000;
    for (int i = 0; i < runs; ++i) {
        const QList<Target> ordered = Resolver::orderSrv(records);
        QCOMPARE(ordered.size(), 4);
        QCOMPARE(ordered.last().host, u"backup");
        if (ordered.first().host == u"heavy")
            ++heavyFirst;
    }
    QVERIFY2(heavyFirst > runs * 80 / 100 && heavyFirst < runs * 97 / 100,
             qPrintable(QString::number(heavyFirst)));
}

void tst_XmppResolver::orderSrvDropsRoot()
{
    const QList<Target> ordered =
        Resolver::orderSrv({{QStringLiteral("."), 0, 0, 0}, {QStringLiteral("x"), 5222, 1, 0}});
    QCOMPARE(ordered, (QList<Target>{{QStringLiteral("x"), 5222}}));
}

void tst_XmppResolver::resolveRefusedAndRouted()
{
    Config config;
    config.routes = {Route{QStringLiteral("example.org"), QStringLiteral("127.0.0.1"), 5999}};
    Resolver resolver(config);
    bool sync = true;
    QCOMPARE(resolveNow(resolver, QStringLiteral("other.org"), &sync), QList<Target>{});
    QVERIFY(!sync);
    QCOMPARE(resolveNow(resolver, QStringLiteral("EXAMPLE.org"), &sync),
             (QList<Target>{{QStringLiteral("127.0.0.1"), 5999}}));
    QVERIFY(!sync);
}

void tst_XmppResolver::resolveContextGone()
{
    Config config;
    config.routes = {Route{QStringLiteral("example.org"), QStringLiteral("127.0.0.1"), 5999}};
    Resolver resolver(config);
    bool called = false;
    {
        QObject context;
        resolver.resolve(QStringLiteral("example.org"), &context, [&](QList<Target>) { called = true; });
    }
    QTest::qWait(50);
    QVERIFY(!called);
}

void tst_XmppResolver::resolveSrvWithDnsmasq()
{
    if (DnsmasqFixture::executable().isEmpty())
        QSKIP("dnsmasq is not installed");
    DnsmasqFixture dns;
    QVERIFY2(
        dns.start({QStringLiteral("--local=/test/"),
                   QStringLiteral("--srv-host=_xmpp-client._tcp.example.test,xmpp1.example.test,5223,10,50"),
                   QStringLiteral("--srv-host=_xmpp-client._tcp.example.test,xmpp2.example.test,5224,20,50"),
                   QStringLiteral("--srv-host=_xmpp-client._tcp.example.test,xmpp0.example.test,5225,5,0"),
                   QStringLiteral("--host-record=xmpp1.example.test,127.0.0.1"),
                   QStringLiteral("--srv-host=_xmpp-client._tcp.none.test")}),
        dns.log().constData());

    Config config;
    config.allowedDomains = {QStringLiteral("example.test"), QStringLiteral("none.test"),
                             QStringLiteral("other.test")};
    config.dnsServer = dns.address();
    Resolver resolver(config);

    QCOMPARE(resolveNow(resolver, QStringLiteral("example.test")),
             (QList<Target>{{QStringLiteral("xmpp0.example.test"), 5225},
                            {QStringLiteral("xmpp1.example.test"), 5223},
                            {QStringLiteral("xmpp2.example.test"), 5224}}));
    // RFC 2782: a lone "." target means the service is decidedly not available: no fallback.
    QCOMPARE(resolveNow(resolver, QStringLiteral("none.test")), QList<Target>{});
    // No SRV record (NXDOMAIN): the domain itself on 5222 (RFC 6120 §3.2.2).
    QCOMPARE(resolveNow(resolver, QStringLiteral("other.test")),
             (QList<Target>{{QStringLiteral("other.test"), 5222}}));
}

void tst_XmppResolver::checkRouteKeepsRouteOptions()
{
    // A client `route` naming a configured route target reaches the server that expects the route's
    // PROXY header and direct TLS: the options come along. Hosts allowed by allowedRouteHosts get none.
    Config config;
    Route route{QStringLiteral("example.org"), QStringLiteral("backend.internal"), 5223};
    route.directTls = true;
    route.proxyProtocolOut = ProxyProtocolVersion::V2;
    config.routes = {route};
    config.allowedRouteHosts = {QStringLiteral("spare.internal")};
    Resolver resolver(config);
    Target target;
    QCOMPARE(resolver.checkRoute(QStringLiteral("xmpp:backend.internal:5223"), &target),
             Resolver::Refusal::None);
    QCOMPARE(target, (Target{QStringLiteral("backend.internal"), 5223, true, ProxyProtocolVersion::V2}));
    QCOMPARE(resolver.checkRoute(QStringLiteral("xmpp:spare.internal:5222"), &target),
             Resolver::Refusal::None);
    QCOMPARE(target, (Target{QStringLiteral("spare.internal"), 5222}));
}

void tst_XmppResolver::orderSrvMixesBothServices()
{
    // XEP-0368 §3 rule 1: one set, ordered by priority whatever the service; each keeps its TLS mode.
    const QList<Resolver::SrvRecord> records = {
        {QStringLiteral("starttls-10"), 5222, 10, 0, false},
        {QStringLiteral("direct-5"), 5223, 5, 0, true},
        {QStringLiteral("direct-20"), 443, 20, 0, true},
        {QStringLiteral("starttls-1"), 5222, 1, 0, false},
    };
    QCOMPARE(Resolver::orderSrv(records), (QList<Target>{{QStringLiteral("starttls-1"), 5222, false},
                                                         {QStringLiteral("direct-5"), 5223, true},
                                                         {QStringLiteral("starttls-10"), 5222, false},
                                                         {QStringLiteral("direct-20"), 443, true}}));
    // Within one priority, weights decide across both services (RFC 2782): a direct TLS record with 99
    // of the 100 weight comes first about 98% of the time (a loose statistical bound, not a timing one).
    int directFirst = 0;
    for (int i = 0; i < 200; ++i) {
        const QList<Target> ordered = Resolver::orderSrv(
            {{QStringLiteral("s"), 5222, 7, 1, false}, {QStringLiteral("d"), 5223, 7, 99, true}});
        QCOMPARE(ordered.size(), 2);
        if (ordered.first().directTls)
            ++directFirst;
    }
    QVERIFY2(directFirst > 150, qPrintable(QString::number(directFirst)));
}

void tst_XmppResolver::resolveRouteOptions()
{
    Config config;
    Route route{QStringLiteral("example.org"), QStringLiteral("127.0.0.1"), 5999};
    route.directTls = true;
    route.proxyProtocolOut = ProxyProtocolVersion::V1;
    config.routes = {route};
    Resolver resolver(config);
    QCOMPARE(resolveNow(resolver, QStringLiteral("example.org")),
             (QList<Target>{{QStringLiteral("127.0.0.1"), 5999, true, ProxyProtocolVersion::V1}}));
}

void tst_XmppResolver::resolveBothServicesWithDnsmasq()
{
    if (DnsmasqFixture::executable().isEmpty())
        QSKIP("dnsmasq is not installed");
    DnsmasqFixture dns;
    QVERIFY2(
        dns.start(
            {QStringLiteral("--local=/test/"),
             // mixed.test: both services, interleaved priorities
             QStringLiteral("--srv-host=_xmpps-client._tcp.mixed.test,tls1.mixed.test,443,5,0"),
             QStringLiteral("--srv-host=_xmpp-client._tcp.mixed.test,plain1.mixed.test,5222,10,0"),
             QStringLiteral("--srv-host=_xmpps-client._tcp.mixed.test,tls2.mixed.test,5223,15,0"),
             // directonly.test: only xmpps-client records
             QStringLiteral("--srv-host=_xmpps-client._tcp.directonly.test,tls.directonly.test,5223,1,0"),
             // nodirect.test: xmpps-client says "." (no direct TLS), xmpp-client has a target
             QStringLiteral("--srv-host=_xmpps-client._tcp.nodirect.test"),
             QStringLiteral("--srv-host=_xmpp-client._tcp.nodirect.test,x.nodirect.test,5222,1,0"),
             // dotonly.test: xmpps-client "." and no xmpp-client record: no A/AAAA fallback (XEP-0368 §5)
             QStringLiteral("--srv-host=_xmpps-client._tcp.dotonly.test")}),
        dns.log().constData());

    Config config;
    config.allowedDomains = {QStringLiteral("mixed.test"), QStringLiteral("directonly.test"),
                             QStringLiteral("nodirect.test"), QStringLiteral("dotonly.test"),
                             QStringLiteral("none.test")};
    config.dnsServer = dns.address();
    Resolver resolver(config);
    QCOMPARE(resolveNow(resolver, QStringLiteral("mixed.test")),
             (QList<Target>{{QStringLiteral("tls1.mixed.test"), 443, true},
                            {QStringLiteral("plain1.mixed.test"), 5222, false},
                            {QStringLiteral("tls2.mixed.test"), 5223, true}}));
    QCOMPARE(resolveNow(resolver, QStringLiteral("directonly.test")),
             (QList<Target>{{QStringLiteral("tls.directonly.test"), 5223, true}}));
    QCOMPARE(resolveNow(resolver, QStringLiteral("nodirect.test")),
             (QList<Target>{{QStringLiteral("x.nodirect.test"), 5222, false}}));
    QCOMPARE(resolveNow(resolver, QStringLiteral("dotonly.test")), QList<Target>{});
    // Neither service: the domain itself on 5222, with STARTTLS (RFC 6120 §3.2.2).
    QCOMPARE(resolveNow(resolver, QStringLiteral("none.test")),
             (QList<Target>{{QStringLiteral("none.test"), 5222, false}}));
}

QTEST_GUILESS_MAIN(tst_XmppResolver)
#include "tst_xmpp_resolver.moc"
