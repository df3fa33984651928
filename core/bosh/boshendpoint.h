// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/config.h"
#include "bosh/boshsession.h"
#include "monitor/hub.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>

namespace Switchboard {
class Limits;
}
namespace Switchboard::Http {
class Exchange;
}
namespace Switchboard::Xmpp {
class Resolver;
}

namespace Switchboard::Bosh {

/// The BOSH front: turns HTTP requests at the BOSH path into session calls (POST bodies, and GET with
/// `data=` plus JSONP `callback=`, XEP-0252), owns every BoshSession, gives each stream a
/// ServerLink, and drives the sessions' timers from one coarse timer (no QTimer per request).
class BoshEndpoint final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BoshEndpoint)
public:
    BoshEndpoint(const Config &config, Xmpp::Resolver *resolver, Monitor::Hub *hub,
                 QObject *parent = nullptr);
    ~BoshEndpoint() override;

    /// Answers one HTTP request addressed to the BOSH path (now or later).
    void handle(Http::Exchange *exchange);
    /// Ends every session with `condition` (system-shutdown on stop, see-other-uri when draining).
    void terminateAll(Condition condition, const QString &text = {});
    /// Ends one session (operator action). Returns false when there is no such session.
    bool terminateSession(const QString &sid, Condition condition);
    /// Puts one stanza into a session (BoshSession::inject). False when there is no such session or
    /// it has no open stream.
    bool injectStanza(const QString &sid, Monitor::Direction direction, const QByteArray &xml);
    bool hasSession(const QString &sid) const { return findSession(sid) != nullptr; }
    int sessionCount() const { return int(m_sessions.size()); }
    /// Session admission (max_sessions, per address, per minute) and refusal reporting; may be null
    /// (then only max_sessions is checked). Must outlive this object.
    void setLimits(Limits *limits) { m_limits = limits; }
    /// While draining, session creation requests are refused with see-other-uri to `uri` (or with
    /// system-shutdown when `uri` is empty); existing sessions carry on.
    void setDraining(bool draining, const QString &uri = {});

    /// How often session timers are checked; answers to `wait` are late by at most this much.
    static constexpr int kTickMs = 250;

private:
    void handleBody(const QByteArray &data, Http::Exchange *exchange, const QByteArray &callback);
    void createSession(const Body &body, Http::Exchange *exchange, const QByteArray &callback);
    void tick();
    QString newSid() const;
    /// The key a sid is stored under: HMAC-SHA-256 with a per-endpoint secret, so the time a lookup
    /// takes tells an attacker nothing about the sids that exist (the full sid is then compared in
    /// constant time).
    QByteArray sidKey(QStringView sid) const;
    BoshSession *findSession(const QString &sid) const;

    Config m_config;
    Xmpp::Resolver *m_resolver = nullptr;
    Monitor::Hub *m_hub = nullptr;
    QHash<QByteArray, BoshSession *> m_sessions; ///< by sidKey()
    QByteArray m_sidSecret;
    Limits *m_limits = nullptr;
    bool m_draining = false;
    QString m_drainUri;
    QElapsedTimer m_clock;
    QTimer m_timer;
};

} // namespace Switchboard::Bosh
