// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/config.h"
#include "push/pushdispatcher.h"
#include "push/targetpolicy.h"
#include "push/vapid.h"

#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QObject>
#include <QSslCertificate>

#include <functional>
#include <memory>
#include <optional>

namespace Switchboard::Monitor {
class Hub;
}

namespace Switchboard::Rest {

class RestSession;

/// Push on arrival for REST sessions (docs/REST.md "Push", docs/PUSH.md). Owns the push machinery the
/// REST front uses: the VAPID key pair (vapid_key_file), the target policy (https only, no special
/// addresses unless push_allowed_hosts), an HTTPS transport trusting the system CAs plus ca_file, and
/// one Push::PushDispatcher keyed by session id.
///
/// The delivery rule: when a session queues an event that no waiting reader took (RestSession::
/// eventQueued with `taken` false), the session's target is notified; the dispatcher coalesces by
/// push_interval, retries, drops gone subscriptions and disables failing targets. Presence changes
/// alone do not push (they are state, not something waiting for the user). A poll acknowledges; a
/// session's end removes its target.
///
/// Every change of the counters is reported to the Hub (Hub::reportPush) for /metrics and the monitor.
/// Lives in the server's thread, like the sessions it watches.
class RestPush final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestPush)
public:
    /// `extraCas`: the server link's ca_file certificates. `hub` may be null and must outlive this.
    RestPush(const Config &config, QList<QSslCertificate> extraCas, Monitor::Hub *hub,
             QObject *parent = nullptr);
    ~RestPush() override;

    /// Loads vapid_key_file, creating it with a new key when it does not exist (Vapid::loadOrCreate);
    /// with no file configured (an embedded Server: the application fills in Vapid::defaultKeyFile()),
    /// a key for this run only. False with `error` when it cannot; start-up stops then.
    bool loadKey(QString *error);
    /// The VAPID public key for GET rest_path/vapid (base64url, uncompressed point); empty when no key.
    QByteArray publicKey() const;

    /// The result of check(): a target, or a message naming the field at fault ("push.url: …").
    using Checked = std::function<void(const std::optional<Push::PushTarget> &target, const QString &error)>;
    /// Parses a client's "push" value and judges it: the URL by the policy, and a host name by every
    /// address it resolves to (at least one must be allowed; the transport judges again at connect).
    /// Calls `done` once: at once for a value refused without resolving, else from the event loop
    /// after the lookup (at most push_timeout; a lookup still running then is refused). Nothing is
    /// called when `context` is destroyed first. A refusal is counted.
    void check(const QJsonValue &value, QObject *context, Checked done);

    /// Follows `session`'s events and end (call once, when the session is created).
    void watch(RestSession *session);
    /// Pushes for `sessionId` go to `target` from now on (replacing any earlier one).
    void setTarget(const QString &sessionId, const Push::PushTarget &target);
    /// No more pushes for `sessionId`.
    void removeTarget(const QString &sessionId);
    bool hasTarget(const QString &sessionId) const;
    /// The target of `sessionId` as the session store keeps it (PushTarget::toJson(), secrets
    /// included); empty when it has none (never set, removed, or dropped as gone).
    QJsonObject storedTarget(const QString &sessionId) const;
    /// Takes up a target the session store kept: parsed and judged by the policy again (the transport
    /// judges the addresses at each push). False, logged, when it no longer passes.
    bool restoreTarget(const QString &sessionId, const QJsonObject &stored);
    /// The client of `sessionId` read its events (a poll).
    void acknowledge(const QString &sessionId);

    Push::PushDispatcher *dispatcher() { return m_dispatcher.get(); }

private:
    class Transport;
    void eventQueued(RestSession *session, qint64 seq, int pending, bool taken);
    void attemptEnded(const QUrl &url, const Push::TransportResult &result);
    void refusedTarget(const QString &error);
    void publish();

    Config m_config;
    Monitor::Hub *m_hub = nullptr;
    Push::TargetPolicy m_policy;
    Push::Vapid m_vapid;
    std::unique_ptr<Transport> m_transport;
    std::unique_ptr<Push::PushDispatcher> m_dispatcher;
    quint64 m_refusedTargets = 0;
    QHash<QString, Push::PushTarget> m_targets; ///< what the dispatcher has, for the session store
};

} // namespace Switchboard::Rest
