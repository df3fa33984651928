// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "xmpp/stanzareader.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>

class QTcpSocket;

namespace Switchboard::Test {

class ProsodyFixture;

/// A small XMPP-over-TCP client for tests, synchronous-looking (it spins the event loop while it waits,
/// which is fine in tests and only there). Typical use: log in as the *other* account and check what
/// it receives through the connection manager.
///
///     TestClient bob;
///     QVERIFY2(bob.login(prosody, QStringLiteral("bob")), qPrintable(bob.lastError()));
///     ... alice sends through Switchboard ...
///     const QByteArray msg = bob.waitForElement([](const QByteArray &x) { return x.startsWith("<message");
///     }); QVERIFY(msg.contains("<body>hi</body>"));
class TestClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TestClient)
public:
    using Predicate = std::function<bool(const QByteArray &)>;

    explicit TestClient(QObject *parent = nullptr);
    ~TestClient() override;

    /// Connects to 127.0.0.1:port, opens a stream to `domain`, SASL PLAIN, restart, binds `resource`,
    /// and (if `presence`) sends initial presence. Returns false and sets lastError() on failure.
    bool login(quint16 port, const QString &domain, const QString &user, const QString &password,
               const QString &resource = QStringLiteral("test"), bool presence = true, int timeoutMs = 10000);
    /// The same against a ProsodyFixture with its password for `user`.
    bool login(const ProsodyFixture &prosody, const QString &user,
               const QString &resource = QStringLiteral("test"), bool presence = true);
    /// Only connects and opens the stream (features are in received()).
    bool connectAndOpen(quint16 port, const QString &domain, int timeoutMs = 10000);

    void send(const QByteArray &xml);
    /// Waits for an element for which `predicate` is true; elements already received and not yet taken
    /// are checked first. Returns the element (and removes it from received()), or an empty array on
    /// timeout / disconnect.
    QByteArray waitForElement(const Predicate &predicate, int timeoutMs = 5000);
    /// Shortcut: the first element containing `needle` (raw byte search).
    QByteArray waitForElement(QByteArrayView needle, int timeoutMs = 5000);
    /// Elements received and not yet taken by waitForElement().
    const QList<QByteArray> &received() const { return m_received; }
    void clearReceived() { m_received.clear(); }

    /// Sends </stream:stream> and closes.
    void disconnectFromServer();
    bool isConnected() const;
    /// True once the server has closed its stream.
    bool streamClosed() const { return m_streamClosed; }
    QString jid() const { return m_jid; }
    QString lastError() const { return m_error; }

    /// Reads an attribute of an element's root (e.g. attribute(msg, u"from")); empty if absent.
    static QString attribute(const QByteArray &xml, QStringView name);
    /// Text content of the first descendant with local name `name` (e.g. text(msg, u"body")).
    static QString text(const QByteArray &xml, QStringView name);

Q_SIGNALS:
    void elementReceived(const QByteArray &xml);

private:
    bool openStream(const QString &domain, int timeoutMs);
    void onReadyRead();

    QTcpSocket *m_socket = nullptr;
    Xmpp::StanzaReader m_reader;
    QList<QByteArray> m_received;
    bool m_headerReceived = false;
    bool m_streamClosed = false;
    QString m_jid;
    QString m_error;
};

} // namespace Switchboard::Test

namespace Switchboard {
using Test::TestClient;
} // namespace Switchboard
