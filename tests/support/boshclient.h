// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDomDocument>
#include <QDomElement>
#include <QMap>
#include <QNetworkAccessManager>
#include <QObject>
#include <QUrl>

#include <functional>

/// A small BOSH client for integration tests (XEP-0124/0206 from the client's side): raw requests with
/// chosen attributes and rids, a SASL PLAIN + bind login, and a background long-poll that collects
/// the stanzas the server sends.
class BoshClient final : public QObject
{
    Q_OBJECT
public:
    struct Response
    {
        int status = 0;
        QByteArray raw;
        QDomElement body; ///< the <body/> element (null when the response was not XML)
        QMap<QString, QString> attrs;
        QList<QDomElement> children;
        bool finished = false; ///< the HTTP request completed
        QString attr(const QString &name) const { return attrs.value(name); }
        bool isTerminate() const { return attrs.value(QStringLiteral("type")) == QLatin1String("terminate"); }
    };

    explicit BoshClient(const QUrl &url, QObject *parent = nullptr);

    /// Builds <body rid sid .../> with `attrs` and `payload` and posts it. Does not wait.
    QNetworkReply *send(QMap<QString, QString> attrs, const QByteArray &payload = {}, qint64 rid = 0);
    /// Posts raw bytes.
    QNetworkReply *postRaw(const QByteArray &data);
    /// Waits for a reply and reads it.
    static Response wait(QNetworkReply *reply, int timeoutMs = 20000);
    /// send() + wait().
    Response request(QMap<QString, QString> attrs, const QByteArray &payload = {}, qint64 rid = 0,
                     int timeoutMs = 20000);

    /// Session creation (hold 1, wait `wait`) + SASL PLAIN + restart + bind. On success jid() is set.
    bool login(const QString &domain, const QString &user, const QString &password, QString *error,
               const QString &resource = QStringLiteral("test"), QMap<QString, QString> extra = {});
    /// Extra attributes for login()'s restart request (node-xmpp-bosh's stream_attrs, say).
    void setRestartAttributes(QMap<QString, QString> attrs) { m_restartExtra = std::move(attrs); }
    /// Keeps one request waiting at all times and collects the stanzas that come back.
    void startPolling();
    void stopPolling() { m_polling = false; }
    /// Waits until a received stanza matches; returns it (null element on timeout).
    QDomElement waitForStanza(const std::function<bool(const QDomElement &)> &match, int timeoutMs = 15000);
    /// Sends stanzas in a request of their own (the answer is collected like polled ones), once fewer
    /// than the session's `requests` are open (polls and earlier stanzas): queued until then.
    void sendStanza(const QByteArray &xml);
    /// Sends type='terminate' with optional payload and waits for the answer.
    Response terminate(const QByteArray &payload = {});

    QString sid() const { return m_sid; }
    QString jid() const { return m_jid; }
    qint64 peekRid() const { return m_rid; }
    qint64 takeRid() { return m_rid++; }
    const QList<QDomElement> &received() const { return m_received; }
    Response lastTerminate() const { return m_lastTerminate; }
    int wait() const { return m_wait; }

Q_SIGNALS:
    void stanzaReceived(const QDomElement &stanza);
    void terminated();

private:
    void collect(const Response &response);
    void poll();
    /// Sends what sendStanza() queued while a request may be opened.
    void flush();
    /// Posts one request (empty: a poll) counted as open until its answer.
    void sendOpen(const QByteArray &payload);

    QNetworkAccessManager m_nam;
    QUrl m_url;
    QString m_sid;
    QString m_jid;
    qint64 m_rid = 0;
    int m_wait = 10;
    bool m_polling = false;
    int m_requests = 2;         ///< the session's `requests` (XEP-0124 §7.1)
    int m_open = 0;             ///< polls and stanza requests not yet answered
    bool m_pollOpen = false;    ///< the poll is one of them
    QList<QByteArray> m_queued; ///< stanzas waiting for a request to be free
    QList<QDomElement> m_received;
    QList<QDomDocument> m_documents; ///< keeps received elements' documents alive
    Response m_lastTerminate;
    QMap<QString, QString> m_restartExtra;
};

/// Base64 of "\0user\0password" for SASL PLAIN.
QByteArray saslPlain(const QString &user, const QString &password);
