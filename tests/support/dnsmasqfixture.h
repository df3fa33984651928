// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>

/// A throwaway dnsmasq (Debian's `dnsmasq-base`) answering the records a test gives it, for real SRV
/// lookups. Qt 6.4's QDnsLookup always asks port 53, so each instance listens on port 53 of a loopback
/// address of its own (the whole 127/8 is loopback on Linux); binding port 53 needs root, as on CI.
///
///     DnsmasqFixture dns;
///     QVERIFY2(dns.start({u"--local=/test/"_s, u"--srv-host=_xmpp-client._tcp.a.test,x.a.test,5222,1,0"_s}),
///              dns.log().constData());
///     config.dnsServer = dns.address();
///
/// The process is stopped on destruction.
class DnsmasqFixture
{
public:
    DnsmasqFixture() = default;
    ~DnsmasqFixture();
    DnsmasqFixture(const DnsmasqFixture &) = delete;
    DnsmasqFixture &operator=(const DnsmasqFixture &) = delete;

    /// The dnsmasq binary, or empty when it is not installed.
    static QString executable();

    /// Starts dnsmasq with `records` (dnsmasq options such as `--srv-host=…`, `--host-record=…`,
    /// `--local=/domain/`) after the fixed ones that keep it to itself: foreground, no upstream servers,
    /// no hosts file, no config file. True once it logs that it started; false (with log() saying why)
    /// when it is missing, refuses an option, or cannot bind.
    bool start(const QStringList &records);

    /// The loopback address it listens on: distinct per process and per instance, a valid IPv4 address.
    QString address() const { return m_address; }
    /// What dnsmasq printed so far.
    QByteArray log() const { return m_log; }

private:
    QProcess m_process;
    QString m_address;
    QByteArray m_log;
};
