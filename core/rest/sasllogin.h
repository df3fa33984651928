// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "rest/credentials.h"
#include "rest/scramclient.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace Switchboard::Rest {

/// One SASL negotiation on an XMPP stream (RFC 6120 §6), as the client: picks the mechanism from the
/// server's <stream:features/>, answers its challenges and checks the outcome. Preference is
/// SCRAM-SHA-256 (RFC 7677), then SCRAM-SHA-1 (RFC 5802), then PLAIN (RFC 4616) only when
/// `plainAllowed` (the link is encrypted, or the domain is in no_tls_domains): PLAIN shows the password
/// to anyone who reads the stream.
///
/// Built from Credentials (a log-in again, without the client), it uses what they hold: a SCRAM salted
/// password only with its own mechanism, and only for the salt and iteration count it was made for (any
/// other is NotAuthorized: only the password helps then); a PLAIN password like a password given.
///
/// Feed it XML elements; it returns the elements to send. After Success, credentials() is what a later
/// log-in needs. The password is wiped once the mechanism has used it (SCRAM: after the challenge), or,
/// for PLAIN, kept for credentials() until the object goes. A value type, no thread ties.
class SaslLogin final
{
    Q_DISABLE_COPY_MOVE(SaslLogin)
public:
    enum class Outcome {
        Continue,      ///< send `reply` and feed the server's next element
        Success,       ///< authenticated (and, for SCRAM, the server proved it knows the password)
        NotAuthorized, ///< the server refused the credentials (RFC 6120 §6.5)
        Failed,        ///< anything else: no usable mechanism, a protocol error, a bad server signature
    };

    /// `username` is the JID's localpart (the authentication identity, RFC 6120 §6.3.8).
    SaslLogin(const QString &username, const QString &password, bool plainAllowed);
    /// Logs in again from kept `credentials` (Credentials::isValid()).
    SaslLogin(const Credentials &credentials, bool plainAllowed);
    ~SaslLogin();

    /// The mechanisms a <stream:features/> element offers (empty: no SASL feature).
    static QStringList offeredMechanisms(const QByteArray &featuresXml);
    /// Chooses a mechanism from `featuresXml`; Continue with the <auth/> element in `reply`, or Failed
    /// with `error` set; NotAuthorized when the kept SCRAM credentials are for a mechanism the server
    /// no longer offers.
    Outcome start(const QByteArray &featuresXml, QByteArray *reply, QString *error);
    /// One element from the server after <auth/>: <challenge/>, <success/> or <failure/>.
    Outcome handle(const QByteArray &element, QByteArray *reply, QString *error);
    /// Allows PLAIN after all (the link turned out to be encrypted); before start().
    void allowPlain() { m_plainAllowed = true; }
    /// The chosen mechanism ("SCRAM-SHA-256"...); empty before start().
    const QString &mechanism() const { return m_mechanism; }
    /// After Success: what logs in again without the password (SCRAM: the salted password for the
    /// server's salt and iteration count; PLAIN: the password). nullopt before.
    std::optional<Credentials> credentials() const;

private:
    QString m_username;
    QString m_password; ///< cleared once the mechanism has it
    bool m_plainAllowed = false;
    QString m_mechanism;
    std::optional<Credentials> m_kept; ///< SCRAM credentials to log in from, instead of a password
    std::unique_ptr<ScramClient> m_scram;
    bool m_succeeded = false;
    bool m_verified = false; ///< SCRAM: the server signature came (in a challenge) and was right
};

} // namespace Switchboard::Rest
