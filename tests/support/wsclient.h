// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDomDocument>
#include <QDomElement>
#include <QObject>
#include <QUrl>
#include <QWebSocket>

#include <functional>

/// An RFC 7395 client for integration tests: opens the WebSocket with the `xmpp` subprotocol, collects
/// every text message parsed as one element, and logs in with SASL PLAIN + restart + bind.
class WsClient final : public QObject
{
    Q_OBJECT
public:
    explicit WsClient(const QUrl &url, QObject *parent = nullptr);

    /// Opens the WebSocket; false when the handshake fails within the timeout.
    bool connectSocket(const QByteArray &origin = {}, int timeoutMs = 10000);
    void sendText(const QByteArray &xml);
    /// Waits for the next message whose element matches (null element on timeout).
    QDomElement waitFor(const std::function<bool(const QDomElement &)> &match, int timeoutMs = 15000);
    QDomElement waitForName(const QString &localName, int timeoutMs = 15000);
    /// <open/> + SASL PLAIN + restart + bind. Sets jid().
    bool login(const QString &domain, const QString &user, const QString &password, QString *error,
               const QString &resource = QStringLiteral("ws"));
    bool waitForDisconnected(int timeoutMs = 10000);

    QWebSocket &socket() { return m_socket; }
    QString jid() const { return m_jid; }
    const QList<QByteArray> &rawMessages() const { return m_raw; }

private:
    QWebSocket m_socket;
    QUrl m_url;
    QString m_jid;
    QList<QByteArray> m_raw;
    QList<QDomElement> m_elements;
    QList<QDomDocument> m_documents;
    qsizetype m_consumed = 0;
};
