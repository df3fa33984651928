// SPDX-License-Identifier: GPL-3.0-or-later
// Proves direct TLS toward servers (XEP-0368) against a real Prosody 0.12 with c2s_direct_tls_ports: a
// static route with `tls=direct` speaks TLS from the first byte and verifies the certificate as STARTTLS
// does; with dnsmasq serving `_xmpps-client._tcp` and `_xmpp-client._tcp` records for the domain, the
// merged set is tried by priority: the direct TLS port first when it ranks first, and when the direct TLS
// targets are dead (nothing listening, or no TLS spoken there) the link falls back in order to STARTTLS.
#include "dnsmasqfixture.h"
#include "prosodyfixture.h"
#include "testmain.h"
#include "testpki.h"
#include "xmpp/serverlink.h"

#include <QScopeGuard>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Switchboard;
using Switchboard::Xmpp::LinkFailure;
using Switchboard::Xmpp::ServerLink;

namespace {

quint16 closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort();
}

ServerLink::Params localhost()
{
    ServerLink::Params p;
    p.domain = QStringLiteral("localhost");
    return p;
}

/// dnsmasq options answering `records` (`--srv-host` values) for `localhost`, and nothing else.
QStringList localhostSrv(const QStringList &records)
{
    QStringList options = {QStringLiteral("--local=/localhost/")};
    for (const QString &record : records)
        options.append(u"--srv-host=" + record);
    return options;
}

} // namespace

class tst_XmppDirectTls : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void staticRouteDirectTls();
    void staticRouteDirectTlsUntrusted();
    void srvDirectTlsRankedFirst();
    void srvFallbackFromDeadDirectTlsToStartTls();

private:
    Config srvConfig(const QString &dnsServer) const;
    ProsodyFixture m_prosody;
    QTemporaryDir m_pkiDir;
    Test::TestPki m_pki;
};

void tst_XmppDirectTls::initTestCase()
{
    QVERIFY(m_pkiDir.isValid());
    if (!m_pki.make(m_pkiDir.path(), QStringLiteral("localhost"), QStringLiteral("localhost"),
                    QStringLiteral("DNS:localhost")))
        QSKIP("openssl is not available to make test certificates");
    ProsodyFixture::Options options;
    options.http = false;
    options.tlsCertificate = m_pkiDir.path() + u"/localhost.pem";
    options.tlsKey = m_pkiDir.path() + u"/localhost.key";
    options.directTls = true;
    QVERIFY2(m_prosody.start({QStringLiteral("alice")}, options), qPrintable(m_prosody.log()));
}

void tst_XmppDirectTls::cleanupTestCase()
{
    m_prosody.stop();
}

Config tst_XmppDirectTls::srvConfig(const QString &dnsServer) const
{
    Config config;
    config.workers = 1; // one event loop: this test is not about threads
    config.allowedDomains = {QStringLiteral("localhost")};
    config.dnsServer = dnsServer;
    config.caFile = m_pki.caFile;
    config.connectTimeout = 10;
    return config;
}

void tst_XmppDirectTls::staticRouteDirectTls()
{
    Config config;
    Route route{QStringLiteral("localhost"), QStringLiteral("127.0.0.1"), m_prosody.directTlsPort()};
    route.directTls = true;
    config.routes = {route};
    config.caFile = m_pki.caFile;
    config.connectTimeout = 10;
    ServerLink link(config, nullptr);
    QSignalSpy opened(&link, &ServerLink::streamOpened);
    QSignalSpy elements(&link, &ServerLink::elementReceived);
    QSignalSpy failed(&link, &ServerLink::failed);
    link.open(localhost());
    QVERIFY2(opened.wait(15000),
             failed.isEmpty() ? "no stream" : qPrintable(failed.first().at(2).toString()));
    QVERIFY(link.isEncrypted());
    QCOMPARE(link.peerDescription(), u"127.0.0.1:" + QString::number(m_prosody.directTlsPort()));
    // Prosody's features over TLS: SASL, and no STARTTLS on a direct TLS stream (XEP-0368 §3).
    QTRY_COMPARE(elements.size(), 1);
    const QByteArray features = elements.first().at(0).toByteArray();
    QVERIFY2(features.contains("PLAIN"), features.constData());
    QVERIFY2(!features.contains("starttls"), features.constData());

    // The stream is Prosody's: SASL PLAIN over it succeeds.
    QByteArray plain;
    plain.append('\0').append("alice").append('\0').append(
        m_prosody.password(QStringLiteral("alice")).toUtf8());
    link.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + plain.toBase64() +
              "</auth>");
    QTRY_VERIFY_WITH_TIMEOUT(elements.size() >= 2, 10000);
    QVERIFY2(elements.at(1).at(0).toByteArray().startsWith("<success"), elements.at(1).at(0).toByteArray());
    link.close();
}

void tst_XmppDirectTls::staticRouteDirectTlsUntrusted()
{
    // Verification as for STARTTLS: without the test CA the certificate is refused and nothing else
    // is tried on the only target.
    Config config;
    Route route{QStringLiteral("localhost"), QStringLiteral("127.0.0.1"), m_prosody.directTlsPort()};
    route.directTls = true;
    config.routes = {route};
    config.connectTimeout = 10;
    ServerLink link(config, nullptr);
    QSignalSpy opened(&link, &ServerLink::streamOpened);
    QSignalSpy failed(&link, &ServerLink::failed);
    link.open(localhost());
    QVERIFY(failed.wait(15000));
    QCOMPARE(opened.size(), 0);
    QCOMPARE(failed.first().at(0).value<LinkFailure>(), LinkFailure::RemoteConnectionFailed);
    const QString reason = failed.first().at(2).toString();
    QVERIFY2(reason.contains(u"TLS") && reason.contains(u"certificate", Qt::CaseInsensitive),
             qPrintable(reason));
}

void tst_XmppDirectTls::srvDirectTlsRankedFirst()
{
    DnsmasqFixture dns;
    const QString direct =
        QStringLiteral("_xmpps-client._tcp.localhost,127.0.0.1,%1,5,10").arg(m_prosody.directTlsPort());
    const QString starttls =
        QStringLiteral("_xmpp-client._tcp.localhost,127.0.0.1,%1,10,10").arg(m_prosody.c2sPort());
    if (DnsmasqFixture::executable().isEmpty())
        QSKIP("dnsmasq is not installed");
    QVERIFY2(dns.start(localhostSrv({direct, starttls})),
             dns.log().constData()); // port 53 needs root, as on CI
    const Config config = srvConfig(dns.address());
    ServerLink link(config, nullptr);
    QSignalSpy opened(&link, &ServerLink::streamOpened);
    QSignalSpy failed(&link, &ServerLink::failed);
    link.open(localhost());
    QVERIFY2(opened.wait(15000),
             failed.isEmpty() ? "no stream" : qPrintable(failed.first().at(2).toString()));
    QVERIFY(link.isEncrypted());
    QCOMPARE(link.peerDescription(), u"127.0.0.1:" + QString::number(m_prosody.directTlsPort()));

    // The same records with the priorities swapped: STARTTLS on the c2s port ranks first.
    DnsmasqFixture swapped;
    QVERIFY2(
        swapped.start(localhostSrv(
            {QStringLiteral("_xmpps-client._tcp.localhost,127.0.0.1,%1,20,10").arg(m_prosody.directTlsPort()),
             starttls})),
        swapped.log().constData());
    const Config second = srvConfig(swapped.address());
    ServerLink other(second, nullptr);
    QSignalSpy otherOpened(&other, &ServerLink::streamOpened);
    other.open(localhost());
    QVERIFY(otherOpened.wait(15000));
    QVERIFY(other.isEncrypted());
    QCOMPARE(other.peerDescription(), u"127.0.0.1:" + QString::number(m_prosody.c2sPort()));
}

void tst_XmppDirectTls::srvFallbackFromDeadDirectTlsToStartTls()
{
    // Ranked first: a direct TLS target where nothing listens, then one that speaks no TLS (Prosody's
    // STARTTLS port: the handshake fails). Then the STARTTLS record. The link ends up there, encrypted.
    DnsmasqFixture dns;
    if (DnsmasqFixture::executable().isEmpty())
        QSKIP("dnsmasq is not installed");
    QVERIFY2(dns.start(localhostSrv(
                 {QStringLiteral("_xmpps-client._tcp.localhost,127.0.0.1,%1,1,10").arg(closedPort()),
                  QStringLiteral("_xmpps-client._tcp.localhost,127.0.0.1,%1,2,10").arg(m_prosody.c2sPort()),
                  QStringLiteral("_xmpp-client._tcp.localhost,127.0.0.1,%1,3,10").arg(m_prosody.c2sPort())})),
             dns.log().constData());
    const Config config = srvConfig(dns.address());
    ServerLink link(config, nullptr);
    QSignalSpy opened(&link, &ServerLink::streamOpened);
    QSignalSpy elements(&link, &ServerLink::elementReceived);
    QSignalSpy failed(&link, &ServerLink::failed);
    link.open(localhost());
    QVERIFY2(opened.wait(20000),
             failed.isEmpty() ? "no stream" : qPrintable(failed.first().at(2).toString()));
    QCOMPARE(failed.size(), 0);
    QVERIFY(link.isEncrypted());
    QCOMPARE(link.peerDescription(), u"127.0.0.1:" + QString::number(m_prosody.c2sPort()));
    QTRY_COMPARE(elements.size(), 1);
    QVERIFY(elements.first().at(0).toByteArray().contains("PLAIN"));
}

SWITCHBOARD_TEST_MAIN(tst_XmppDirectTls)
#include "tst_xmpp_directtls.moc"
