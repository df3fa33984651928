// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "options.h"

#include <QDomElement>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QWebSocket>

#include <functional>

namespace Switchboard::Check {

inline const QString kFramingNs = QStringLiteral("urn:ietf:params:xml:ns:xmpp-framing");

/// An RFC 7395 client for the checks: opens the WebSocket (subprotocols and Origin as asked), parses
/// every text message as one XML document and keeps it, and notes each message that is not exactly
/// one element (RFC 7395 §3.3.3). Main thread only; every wait bounded.
class WsProbe final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WsProbe)
public:
    explicit WsProbe(const Options &options, QObject *parent = nullptr);
    ~WsProbe() override;

    /// Opens the WebSocket offering `subprotocols` (none: the header is left out) with `origin` (empty:
    /// none). True when the handshake completed within the bound.
    bool connectSocket(const QStringList &subprotocols = {QStringLiteral("xmpp")},
                       const QByteArray &origin = {});
    QString subprotocol() const { return m_socket.subprotocol(); }
    /// The reason the socket is not open (handshake refused, closed): for a report.
    QString failure() const;

    void sendText(const QByteArray &xml);
    /// The next received element matching `match` (earlier ones are skipped), or null after `ms`.
    QDomElement waitFor(const std::function<bool(const QDomElement &)> &match, int ms);
    QDomElement waitForName(const QString &localName, int ms);
    bool waitForDisconnected(int ms);
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    /// Messages that were not one complete XML element, as received (at most a few kept).
    const QStringList &badMessages() const { return m_badMessages; }
    int messageCount() const { return m_messageCount; }

    /// RFC 7395 steps: <open/> and features, SASL PLAIN, restart (<open/> again), bind.
    bool open(QString &seen);
    bool authenticate(const QString &user, const QString &password, QString &seen);
    bool restart(QString &seen);
    bool bind(QString &seen);
    bool login(const QString &user, const QString &password, QString &seen);
    QString jid() const { return m_jid; }
    QString bindNamespace() const { return m_bindNamespace; }
    /// <close/>, then the socket; best effort.
    void closeStream();

    const QDomElement &lastOpen() const { return m_lastOpen; }
    const QDomElement &lastFeatures() const { return m_lastFeatures; }

private:
    QByteArray openElement() const;

    const Options &m_options;
    QWebSocket m_socket;
    QList<QDomElement> m_elements;
    qsizetype m_consumed = 0;
    QStringList m_badMessages;
    int m_messageCount = 0;
    bool m_connected = false;
    bool m_disconnected = false;
    QString m_error;
    QString m_jid;
    QString m_bindNamespace;
    QDomElement m_lastOpen;
    QDomElement m_lastFeatures;
};

} // namespace Switchboard::Check
