// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QHostAddress>
#include <QMetaMethod>
#include <QObject>
#include <QString>

namespace Switchboard::Monitor {

enum class Transport { Bosh, WebSocket };
enum class Direction { ToServer, ToClient };

/// What the monitor knows about a session when it opens.
struct SessionInfo
{
    QString sid;
    Transport transport = Transport::Bosh;
    QHostAddress clientAddress;
    QString userAgent; ///< the BOSH `ua` attribute or the HTTP User-Agent
    QString domain;    ///< the `to` of the first stream
    bool secure = false;
    QDateTime created;
};

/// The registry every front reports to and every watcher listens to (window, status page, metrics,
/// embedding applications). Signals fire on the thread of the sessions (the server's), past tense,
/// after the fact; no watcher reaches into a session.
class Hub final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Hub)
public:
    explicit Hub(QObject *parent = nullptr) : QObject(parent) {}

    /// Whether anyone wants stanza bytes (stanzaForwarded); when not, fronts skip building them.
    bool wantsTraffic() const { return isSignalConnected(QMetaMethod::fromSignal(&Hub::stanzaForwarded)); }

    int sessionCount() const { return m_sessions; }

    // Fronts call these; they update counters and emit.
    void reportSessionOpened(const SessionInfo &info);
    void reportSessionClosed(const QString &sid, const QString &condition);

Q_SIGNALS:
    void sessionOpened(const Switchboard::Monitor::SessionInfo &info);
    /// `condition` is empty for a normal end, else the terminal condition (e.g. "remote-connection-failed").
    void sessionClosed(const QString &sid, const QString &condition);
    void streamAdded(const QString &sid, const QString &stream, const QString &domain);
    void streamRestarted(const QString &sid, const QString &stream);
    void streamTerminated(const QString &sid, const QString &stream, const QString &condition);
    /// The backend link of a stream is up (peer "host:port", whether TLS is on).
    void backendConnected(const QString &sid, const QString &stream, const QString &peer, bool encrypted);
    void stanzaForwarded(const QString &sid, const QString &stream, Switchboard::Monitor::Direction direction,
                         const QByteArray &xml);
    /// A response the client had not yet acknowledged was acknowledged (XEP-0124 §9).
    void responseAcknowledged(const QString &sid, qint64 rid);
    /// A stanza from the server could not be delivered: the client went away (X6).
    void noClient(const QString &sid, const QString &stream, const QByteArray &xml);

private:
    int m_sessions = 0;
};

} // namespace Switchboard::Monitor
