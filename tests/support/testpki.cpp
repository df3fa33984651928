// SPDX-License-Identifier: GPL-3.0-or-later
#include "testpki.h"

#include <QDir>
#include <QFile>
#include <QProcess>

namespace Switchboard::Test {

namespace {

bool openssl(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral("openssl"), arguments);
    return process.waitForFinished(30000) && process.exitStatus() == QProcess::NormalExit &&
           process.exitCode() == 0;
}

} // namespace

bool TestPki::make(const QString &folder, const QString &name, const QString &commonName,
                   const QString &subjectAltName, const QString &caName)
{
    const QDir dir(folder);
    const auto path = [&dir](const QString &file) { return dir.filePath(file); };
    caFile = path(QStringLiteral("ca.pem"));
    const QStringList p256 = {QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                              QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes")};
    if (!openssl(QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + p256 +
                 QStringList{QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                             u"/CN=" + caName, QStringLiteral("-addext"),
                             QStringLiteral("basicConstraints=critical,CA:TRUE"), QStringLiteral("-keyout"),
                             path(QStringLiteral("ca.key")), QStringLiteral("-out"), caFile}))
        return false;
    if (!openssl(QStringList{QStringLiteral("req"), QStringLiteral("-new")} + p256 +
                 QStringList{QStringLiteral("-subj"), u"/CN=" + commonName, QStringLiteral("-keyout"),
                             path(name + u".key"), QStringLiteral("-out"), path(name + u".csr")}))
        return false;
    QFile ext(path(name + u".ext"));
    if (!ext.open(QIODevice::WriteOnly) || ext.write("subjectAltName=" + subjectAltName.toUtf8() + '\n') < 0)
        return false;
    ext.close();
    if (!openssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), path(name + u".csr"),
                  QStringLiteral("-CA"), caFile, QStringLiteral("-CAkey"), path(QStringLiteral("ca.key")),
                  QStringLiteral("-CAcreateserial"), QStringLiteral("-days"), QStringLiteral("2"),
                  QStringLiteral("-extfile"), path(name + u".ext"), QStringLiteral("-out"),
                  path(name + u".pem")}))
        return false;
    ca = QSslCertificate::fromPath(caFile).value(0);
    certificate = QSslCertificate::fromPath(path(name + u".pem")).value(0);
    QFile keyFile(path(name + u".key"));
    if (!keyFile.open(QIODevice::ReadOnly))
        return false;
    key = QSslKey(keyFile.readAll(), QSsl::Ec);
    return !ca.isNull() && !certificate.isNull() && !key.isNull();
}

} // namespace Switchboard::Test
