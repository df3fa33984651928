// SPDX-License-Identifier: GPL-3.0-or-later
#include "dnsmasqfixture.h"

#include <QCoreApplication>
#include <QStandardPaths>
#include <QTest>

DnsmasqFixture::~DnsmasqFixture()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        m_process.waitForFinished(3000);
    }
}

QString DnsmasqFixture::executable()
{
    return QStandardPaths::findExecutable(
        QStringLiteral("dnsmasq"),
        {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin"), QStringLiteral("/usr/local/sbin")});
}

bool DnsmasqFixture::start(const QStringList &records)
{
    const QString dnsmasq = executable();
    if (dnsmasq.isEmpty()) {
        m_log = "dnsmasq is not installed (Debian package dnsmasq-base)";
        return false;
    }
    // 127.B.C.D: the low 15 bits of the process id pick C and D, so test processes running side by side
    // never share an address; B counts the instances of this process. Every octet stays in 1..254.
    static int instance = 0;
    const quint32 pid = quint32(QCoreApplication::applicationPid());
    m_address = QStringLiteral("127.%1.%2.%3")
                    .arg(80 + (instance++ % 100))
                    .arg(1 + (pid >> 7) % 254)
                    .arg(1 + (pid & 0x7f));
    QStringList args = {QStringLiteral("--no-daemon"),    QStringLiteral("--port=53"),
                        u"--listen-address=" + m_address, QStringLiteral("--bind-interfaces"),
                        QStringLiteral("--no-resolv"),    QStringLiteral("--no-hosts"),
                        QStringLiteral("--pid-file="),    QStringLiteral("--conf-file=/dev/null")};
    args += records;
    m_log.clear();
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.start(dnsmasq, args);
    if (!m_process.waitForStarted(5000)) {
        m_log = m_process.errorString().toUtf8();
        return false;
    }
    const bool settled = QTest::qWaitFor(
        [this] {
            m_log += m_process.readAll();
            return m_log.contains("started") || m_process.state() != QProcess::Running;
        },
        5000);
    if (!settled)
        m_log += "\n(dnsmasq did not report that it started within 5 s)";
    return settled && m_process.state() == QProcess::Running;
}
