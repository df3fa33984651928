// SPDX-License-Identifier: GPL-3.0-or-later
#include "rest/sasllogin.h"

#include <QXmlStreamReader>

namespace Switchboard::Rest {

namespace {

const QString kSaslNs = QStringLiteral("urn:ietf:params:xml:ns:xmpp-sasl");

QByteArray authElement(const QString &mechanism, const QByteArray &initial)
{
    // RFC 6120 §6.4.2: an empty initial response is "=".
    return "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='" + mechanism.toLatin1() + "'>" +
           (initial.isEmpty() ? QByteArrayLiteral("=") : initial.toBase64()) + "</auth>";
}

QByteArray responseElement(const QByteArray &data)
{
    return "<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" + data.toBase64() + "</response>";
}

struct SaslElement
{
    QString name;      ///< challenge, success, failure
    QString condition; ///< failure: the first child's name
    QByteArray data;   ///< the decoded text (challenge, success)
    bool valid = false;
};

SaslElement parseSaslElement(const QByteArray &xml)
{
    SaslElement element;
    QXmlStreamReader reader(xml);
    int depth = 0;
    QString text;
    while (!reader.atEnd()) {
        const auto token = reader.readNext();
        if (token == QXmlStreamReader::StartElement) {
            if (depth == 0) {
                if (reader.namespaceUri() != kSaslNs)
                    return element;
                element.name = reader.name().toString();
            } else if (depth == 1 && element.condition.isEmpty() && reader.name() != QLatin1String("text")) {
                element.condition = reader.name().toString();
            }
            ++depth;
        } else if (token == QXmlStreamReader::EndElement) {
            --depth;
        } else if (token == QXmlStreamReader::Characters && depth == 1) {
            text += reader.text();
        }
    }
    if (reader.hasError())
        return element;
    const QByteArray trimmed = text.trimmed().toLatin1();
    // RFC 6120 §6.4.2: "=" stands for empty data.
    if (trimmed != "=") {
        const auto decoded = QByteArray::fromBase64Encoding(trimmed, QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return element;
        element.data = *decoded;
    }
    element.valid = true;
    return element;
}

} // namespace

SaslLogin::SaslLogin(const QString &username, const QString &password, bool plainAllowed)
    : m_username(username), m_password(password), m_plainAllowed(plainAllowed)
{}

SaslLogin::SaslLogin(const Credentials &credentials, bool plainAllowed)
    : m_username(credentials.username), m_plainAllowed(plainAllowed)
{
    if (credentials.isScram())
        m_kept = credentials;
    else
        m_password = credentials.password; // PLAIN keeps the password: log in as with it
}

SaslLogin::~SaslLogin()
{
    m_password.fill(QChar(0));
}

QStringList SaslLogin::offeredMechanisms(const QByteArray &featuresXml)
{
    QStringList mechanisms;
    QXmlStreamReader reader(featuresXml);
    bool inMechanisms = false;
    while (!reader.atEnd()) {
        const auto token = reader.readNext();
        if (token == QXmlStreamReader::StartElement) {
            if (reader.name() == QLatin1String("mechanisms") && reader.namespaceUri() == kSaslNs)
                inMechanisms = true;
            else if (inMechanisms && reader.name() == QLatin1String("mechanism"))
                mechanisms.append(reader.readElementText().trimmed().toUpper());
        } else if (token == QXmlStreamReader::EndElement && reader.name() == QLatin1String("mechanisms")) {
            inMechanisms = false;
        }
    }
    return mechanisms;
}

SaslLogin::Outcome SaslLogin::start(const QByteArray &featuresXml, QByteArray *reply, QString *error)
{
    const QStringList offered = offeredMechanisms(featuresXml);
    if (m_kept) {
        // A salted password is tied to its hash (RFC 5802 §3): no other mechanism can use it.
        const auto hash = m_kept->mechanism == QLatin1String("SCRAM-SHA-256") ? ScramClient::Hash::Sha256
                                                                              : ScramClient::Hash::Sha1;
        if (!offered.contains(m_kept->mechanism)) {
            if (error)
                *error = QStringLiteral("the server no longer offers %1; log in again with the password")
                             .arg(m_kept->mechanism);
            return Outcome::NotAuthorized;
        }
        m_mechanism = m_kept->mechanism;
        m_scram = std::make_unique<ScramClient>(hash, *m_kept);
        m_kept.reset();
        *reply = authElement(m_mechanism, m_scram->clientFirst());
        return Outcome::Continue;
    }
    for (const auto hash : {ScramClient::Hash::Sha256, ScramClient::Hash::Sha1}) {
        const QString name = ScramClient::mechanismName(hash);
        if (offered.contains(name)) {
            m_mechanism = name;
            m_scram = std::make_unique<ScramClient>(hash, m_username, m_password);
            m_password.fill(QChar(0));
            m_password.clear();
            *reply = authElement(name, m_scram->clientFirst());
            return Outcome::Continue;
        }
    }
    if (offered.contains(QLatin1String("PLAIN")) && m_plainAllowed) {
        m_mechanism = QStringLiteral("PLAIN");
        // RFC 4616 §2: [authzid] NUL authcid NUL passwd; no authzid, the server derives it.
        QByteArray message = '\0' + m_username.toUtf8() + '\0' + m_password.toUtf8();
        *reply = authElement(m_mechanism, message);
        message.fill('\0');
        return Outcome::Continue;
    }
    if (error) {
        *error = offered.contains(QLatin1String("PLAIN"))
                     ? QStringLiteral("the server offers only PLAIN, and the link is not encrypted")
                     : QStringLiteral("no supported SASL mechanism offered");
    }
    return Outcome::Failed;
}

SaslLogin::Outcome SaslLogin::handle(const QByteArray &xml, QByteArray *reply, QString *error)
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return Outcome::Failed;
    };
    const SaslElement element = parseSaslElement(xml);
    if (!element.valid)
        return fail(QStringLiteral("not a SASL element"));
    if (element.name == QLatin1String("failure")) {
        if (error)
            *error = element.condition.isEmpty() ? QStringLiteral("failure") : element.condition;
        // RFC 6120 §6.5: conditions that mean "these credentials do not log in".
        static const QStringList refused = {
            QStringLiteral("not-authorized"), QStringLiteral("account-disabled"),
            QStringLiteral("credentials-expired"), QStringLiteral("invalid-authzid")};
        return refused.contains(element.condition) ? Outcome::NotAuthorized : Outcome::Failed;
    }
    if (element.name == QLatin1String("challenge")) {
        if (!m_scram)
            return fail(QStringLiteral("unexpected challenge"));
        if (element.data.startsWith("v=") || element.data.startsWith("e=")) {
            // RFC 6120 §6.4.6: a server may send the outcome data as a challenge instead of with success.
            if (!m_scram->verifyServerFinal(element.data, error))
                return Outcome::Failed;
            m_verified = true;
            *reply = responseElement({});
            return Outcome::Continue;
        }
        const QByteArray final = m_scram->clientFinal(element.data, error);
        if (final.isEmpty())
            return m_scram->credentialsStale() ? Outcome::NotAuthorized : Outcome::Failed;
        *reply = responseElement(final);
        return Outcome::Continue;
    }
    if (element.name == QLatin1String("success")) {
        if (m_scram && !m_verified) {
            // RFC 5802 §9: without the server signature the server is not authenticated.
            if (!m_scram->verifyServerFinal(element.data, error))
                return Outcome::Failed;
            m_verified = true;
        }
        m_succeeded = true;
        return Outcome::Success;
    }
    return fail(QStringLiteral("unexpected SASL element <%1/>").arg(element.name));
}

std::optional<Credentials> SaslLogin::credentials() const
{
    if (!m_succeeded)
        return std::nullopt;
    Credentials credentials;
    credentials.username = m_username;
    credentials.mechanism = m_mechanism;
    if (m_scram) {
        credentials.salt = m_scram->salt();
        credentials.iterations = m_scram->iterations();
        credentials.saltedPassword = m_scram->saltedPassword();
    } else {
        credentials.password = m_password;
    }
    if (!credentials.isValid())
        return std::nullopt;
    return credentials;
}

} // namespace Switchboard::Rest
