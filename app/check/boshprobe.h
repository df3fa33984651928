// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httpconnection.h"
#include "options.h"

#include <QDomElement>
#include <QList>
#include <QString>

#include <functional>
#include <memory>

namespace Switchboard::Check {

inline const QString kBoshNs = QStringLiteral("http://jabber.org/protocol/httpbind");
inline const QString kXboshNs = QStringLiteral("urn:xmpp:xbosh");
inline const QString kStreamNs = QStringLiteral("http://etherx.jabber.org/streams");
inline const QString kSaslNs = QStringLiteral("urn:ietf:params:xml:ns:xmpp-sasl");
inline const QString kBindNs = QStringLiteral("urn:ietf:params:xml:ns:xmpp-bind");
inline const QString kClientNs = QStringLiteral("jabber:client");

/// ` name="value"` with the value escaped for a double-quoted attribute.
QByteArray xmlAttribute(const char *name, const QString &value);
/// The SASL PLAIN initial response for `user` (local part or bare JID) and `password`, base64.
QByteArray saslPlain(const QString &user, const QString &password);
/// The local part of `user` ("alice" or "alice@example.org").
QString localPart(const QString &user);

/// One answer to one BOSH request, or the lack of it.
struct BoshReply
{
    bool answered = false; ///< an HTTP response arrived within the bound
    bool closed = false;   ///< the connection closed with no response
    HttpResponse http;
    QDomElement body; ///< the parsed <body/>; null when the answer was not XML
    QDomDocument document;

    QString attribute(const QString &name) const { return body.attribute(name); }
    QString xmppAttribute(const QString &name) const { return body.attributeNS(kXboshNs, name); }
    bool isTerminate() const { return attribute(QStringLiteral("type")) == u"terminate"; }
    QString condition() const { return attribute(QStringLiteral("condition")); }
    QList<QDomElement> children() const;
    /// A short account for a report: "HTTP 200, <body type='terminate' condition='item-not-found'/>" or
    /// "no answer in 5 s" or "connection closed unanswered".
    QString describe(int boundMs = 0) const;
};

/// A client-side BOSH session for the checks: builds request bodies with the next rid, sends each on
/// its own connection (so several can be open at once), reads every answer with a bound, and keeps the
/// payloads it received so a step can wait for one. Main thread only.
class BoshProbe
{
public:
    explicit BoshProbe(const Options &options);
    ~BoshProbe();
    BoshProbe(const BoshProbe &) = delete;
    BoshProbe &operator=(const BoshProbe &) = delete;

    /// The session creation request (XEP-0124 §7.1, XEP-0206 §3) with the next rid, `extra` attributes
    /// added (each with its leading space).
    QByteArray creationBody(const QByteArray &extra = {});
    /// Sends the creation request and, when answered with a sid, takes the session's values.
    BoshReply create(const QByteArray &extra = {}, const QByteArray &extraHeaders = {});
    /// Takes the session a creation `reply` sent some other way (raw bytes, GET) made, with the rid of
    /// the latest creationBody().
    void adopt(const BoshReply &reply);
    /// A request in the session with the next rid, `payload` inside and `extra` attributes.
    QByteArray nextBody(const QByteArray &payload = {}, const QByteArray &extra = {});
    QByteArray bodyWithRid(qint64 rid, const QByteArray &payload = {}, const QByteArray &extra = {}) const;
    /// Sends `body` on a new connection and waits for its answer (a held request comes back within the
    /// BOSH wait plus the bound).
    BoshReply send(const QByteArray &body, const QByteArray &extraHeaders = {});
    /// Starts `body` on a new connection without waiting; finish() reads its answer.
    std::unique_ptr<HttpConnection> start(const QByteArray &body, const QByteArray &extraHeaders = {});
    BoshReply finish(HttpConnection &connection, int ms);
    /// Raw request bytes on a new connection to the BOSH URL; the first answer within `ms`.
    BoshReply exchange(const QByteArray &requestBytes, int ms);

    /// Sends empty requests until a received payload matches `match` (or the bound passes); returns it,
    /// or a null element. Payloads already received are looked at first.
    QDomElement waitFor(const std::function<bool(const QDomElement &)> &match, int ms);
    /// Keeps the payloads of `reply` for waitFor(). Returns false when it ended the session.
    bool take(const BoshReply &reply);

    /// XEP-0206 login steps; each returns true or sets `seen` to what went wrong.
    bool waitForFeatures(QString &seen);
    bool authenticate(const QString &user, const QString &password, QString &seen);
    bool restart(QString &seen);
    bool bind(QString &seen);
    /// All four; `seen` names the first step that failed.
    bool login(const QString &user, const QString &password, QString &seen);
    /// Ends the session (type='terminate'), best effort, with a short bound.
    void terminate();

    const BoshReply &creation() const { return m_creation; }
    QString sid() const { return m_sid; }
    qint64 lastRid() const { return m_rid; }
    qint64 nextRid() const { return m_rid + 1; }
    int requests() const { return m_requests; }
    int hold() const { return m_hold; }
    QString jid() const { return m_jid; }
    QString bindNamespace() const { return m_bindNamespace; }
    bool ended() const { return m_ended; }
    const Options &options() const { return m_options; }

private:
    const Options &m_options;
    BoshReply m_creation;
    QString m_sid;
    qint64 m_rid = 0;
    int m_requests = 2;
    int m_hold = 1;
    QString m_jid;
    QString m_bindNamespace;
    bool m_ended = false;
    QList<QDomElement> m_received;
    qsizetype m_consumed = 0;
};

} // namespace Switchboard::Check
