// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QSslCertificate>
#include <QSslKey>
#include <QString>

namespace Switchboard::Test {

/// A throwaway certificate authority and one server certificate it signed (P-256, two days), made with
/// the openssl command in `folder`: ca.pem/ca.key and <name>.pem/<name>.key. For tests that run an HTTPS
/// peer Switchboard must trust through ca_file.
struct TestPki
{
    QSslCertificate ca;
    QSslCertificate certificate;
    QSslKey key;
    QString caFile; ///< ca.pem in the folder

    /// Makes both; `subjectAltName` is what the server certificate names, e.g. "IP:127.0.0.1".
    /// False (with nothing usable) when openssl fails.
    bool make(const QString &folder, const QString &name, const QString &commonName,
              const QString &subjectAltName, const QString &caName = QStringLiteral("Switchboard test CA"));
};

} // namespace Switchboard::Test
