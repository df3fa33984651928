// SPDX-License-Identifier: GPL-3.0-or-later
#include "rest/restpush.h"

#include "monitor/hub.h"
#include "push/httpspushtransport.h"
#include "rest/restsession.h"

#include <QHostInfo>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QPointer>
#include <QTimer>

Q_DECLARE_LOGGING_CATEGORY(lcRest)

namespace Switchboard::Rest {

using namespace std::chrono;

/// The HTTPS transport, with a look at every result after the dispatcher has counted it: the counters
/// go to the monitor, and a refused or failed attempt is logged with its reason.
class RestPush::Transport final : public Push::PushTransport
{
public:
    Transport(RestPush *owner, std::unique_ptr<Push::HttpsPushTransport> inner)
        : m_owner(owner), m_inner(std::move(inner))
    {}
    void send(const Push::PushRequest &request,
              std::function<void(const Push::TransportResult &)> done) override
    {
        m_inner->send(request, [owner = m_owner, url = request.url,
                                done = std::move(done)](const Push::TransportResult &result) {
            done(result);
            owner->attemptEnded(url, result);
        });
    }

private:
    RestPush *m_owner;
    std::unique_ptr<Push::HttpsPushTransport> m_inner;
};

RestPush::RestPush(const Config &config, QList<QSslCertificate> extraCas, Monitor::Hub *hub, QObject *parent)
    : QObject(parent), m_config(config), m_hub(hub), m_policy(Push::TargetPolicy::fromConfig(config))
{
    m_transport =
        std::make_unique<Transport>(this, std::make_unique<Push::HttpsPushTransport>(
                                              m_policy, std::move(extraCas), seconds(m_config.pushTimeout)));
    m_dispatcher = std::make_unique<Push::PushDispatcher>(m_transport.get(), &m_vapid,
                                                          Push::PushDispatcher::Settings::fromConfig(config));
    connect(m_dispatcher.get(), &Push::PushDispatcher::subscriptionGone, this,
            [this](const QString &key, int status) {
                m_targets.remove(key);
                qCInfo(lcRest) << key << "push subscription gone (HTTP" << status << "); dropped";
            });
    connect(m_dispatcher.get(), &Push::PushDispatcher::targetDisabled, this,
            [this](const QString &key, const QString &lastError) {
                qCWarning(lcRest).noquote() << key << "push target disabled after" << m_config.pushMaxFailures
                                            << "failures in a row; last:" << lastError;
                publish();
            });
}

RestPush::~RestPush()
{
    // The dispatcher goes first: it holds the transport and the key.
    m_dispatcher.reset();
    m_transport.reset();
}

bool RestPush::loadKey(QString *error)
{
    if (m_config.vapidKeyFile.isEmpty()) {
        // An embedded Server without a key file (the application fills in its default): a key for
        // this run only, so nothing is written outside the configured places.
        m_vapid = Push::Vapid(Push::EcKey::generate(), m_config.vapidSubject);
        if (m_vapid.isNull()) {
            if (error)
                *error = QStringLiteral("cannot generate a VAPID key");
            return false;
        }
        return true;
    }
    const QString &file = m_config.vapidKeyFile;
    QString why;
    Push::Vapid vapid = Push::Vapid::loadOrCreate(file, m_config.vapidSubject, &why);
    if (vapid.isNull()) {
        if (error)
            *error = QStringLiteral("vapid_key_file %1: %2").arg(file, why);
        return false;
    }
    m_vapid = std::move(vapid);
    return true;
}

QByteArray RestPush::publicKey() const
{
    return m_vapid.isNull() ? QByteArray() : m_vapid.publicKeyBase64Url();
}

void RestPush::check(const QJsonValue &value, QObject *context, Checked done)
{
    if (!value.isObject()) {
        refusedTarget(QStringLiteral("push: an object is expected"));
        done(std::nullopt, QStringLiteral("push: an object is expected"));
        return;
    }
    QString error;
    const std::optional<Push::PushTarget> target =
        Push::PushTarget::fromJson(value.toObject(), m_policy, &error);
    if (!target) {
        refusedTarget(error);
        done(std::nullopt, error);
        return;
    }
    if (target->kind == Push::PushTarget::Kind::WebPush && m_vapid.isNull()) {
        error = QStringLiteral("push.type: Web Push is not available (no VAPID key)");
        refusedTarget(error);
        done(std::nullopt, error);
        return;
    }
    const QString host = target->url.host();
    const quint16 port = quint16(target->url.port(443));
    const QString field = target->kind == Push::PushTarget::Kind::Webhook
                              ? QStringLiteral("push.url")
                              : QStringLiteral("push.subscription.endpoint");
    // A literal address was judged by fromJson; a name the operator allowed needs no lookup.
    if (!QHostAddress(host).isNull() || m_policy.isAllowedHost(host, port)) {
        done(target, {});
        return;
    }
    // A name: judged by the addresses it resolves to now (and again by the transport at each push).
    struct Lookup
    {
        int id = -1;
        bool over = false;
    };
    auto lookup = std::make_shared<Lookup>();
    auto finish = [this, lookup, done, target, field](const QString &refusal) {
        if (lookup->over)
            return;
        lookup->over = true;
        if (refusal.isEmpty()) {
            done(target, {});
        } else {
            refusedTarget(field + QStringLiteral(": ") + refusal);
            done(std::nullopt, field + QStringLiteral(": ") + refusal);
        }
    };
    QPointer<QObject> guard(context);
    lookup->id = QHostInfo::lookupHost(host, context, [this, finish, host, port](const QHostInfo &info) {
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
            finish(QStringLiteral("%1 cannot be resolved: %2").arg(host, info.errorString()));
            return;
        }
        for (const QHostAddress &address : info.addresses()) {
            if (m_policy.allowsAddress(host, port, address)) {
                finish({});
                return;
            }
        }
        // Which address it was is not said: the answer must not map names the client cannot see.
        finish(QStringLiteral("%1 resolves to an address that is not a public address").arg(host));
    });
    QTimer::singleShot(seconds(m_config.pushTimeout), context, [lookup, finish, host] {
        if (lookup->over)
            return;
        QHostInfo::abortHostLookup(lookup->id);
        finish(QStringLiteral("%1 could not be resolved in time").arg(host));
    });
}

void RestPush::watch(RestSession *session)
{
    connect(session, &RestSession::eventQueued, this, [this, session](qint64 seq, int pending, bool taken) {
        eventQueued(session, seq, pending, taken);
    });
    connect(session, &Stream::ClientStream::finished, this,
            [this](const QString &id, Stream::Condition) { removeTarget(id); });
}

void RestPush::setTarget(const QString &sessionId, const Push::PushTarget &target)
{
    m_dispatcher->setTarget(sessionId, target);
    m_targets.insert(sessionId, target);
}

void RestPush::removeTarget(const QString &sessionId)
{
    m_dispatcher->removeTarget(sessionId);
    m_targets.remove(sessionId);
}

QJsonObject RestPush::storedTarget(const QString &sessionId) const
{
    const auto it = m_targets.constFind(sessionId);
    return it == m_targets.cend() ? QJsonObject() : it->toJson();
}

bool RestPush::restoreTarget(const QString &sessionId, const QJsonObject &stored)
{
    QString error;
    const std::optional<Push::PushTarget> target = Push::PushTarget::fromJson(stored, m_policy, &error);
    if (!target) {
        qCWarning(lcRest).noquote() << sessionId << "stored push target no longer allowed:" << error;
        return false;
    }
    setTarget(sessionId, *target);
    return true;
}

bool RestPush::hasTarget(const QString &sessionId) const
{
    return m_dispatcher->hasTarget(sessionId);
}

void RestPush::acknowledge(const QString &sessionId)
{
    if (m_dispatcher->hasTarget(sessionId))
        m_dispatcher->acknowledge(sessionId);
}

void RestPush::eventQueued(RestSession *session, qint64 seq, int pending, bool taken)
{
    // A waiting reader took it, nobody asked to be told, or the session is ending (its last event).
    if (taken || !session->isReady() || !m_dispatcher->hasTarget(session->id()))
        return;
    const Event *event = session->findEvent(seq);
    if (!event || event->kind == QLatin1String("presence"))
        return;
    Push::PushNotice notice;
    notice.session = session->id();
    notice.pending = pending;
    notice.lastSeq = seq;
    if (event->kind == QLatin1String("message")) {
        notice.sender = event->from;
        notice.body = event->body;
    }
    const quint64 coalesced = m_dispatcher->counters().coalesced;
    m_dispatcher->notify(session->id(), notice);
    if (m_dispatcher->counters().coalesced != coalesced)
        publish();
}

void RestPush::attemptEnded(const QUrl &url, const Push::TransportResult &result)
{
    if (result.refused)
        qCWarning(lcRest).noquote() << "push to" << url.host() << "refused:" << result.error;
    else if (result.status < 200 || result.status > 299)
        qCInfo(lcRest).noquote() << "push to" << url.host() << "failed:"
                                 << (result.status ? QStringLiteral("HTTP %1").arg(result.status)
                                                   : result.error);
    publish();
}

void RestPush::refusedTarget(const QString &error)
{
    ++m_refusedTargets;
    qCInfo(lcRest).noquote() << "push target refused:" << error;
    publish();
}

void RestPush::publish()
{
    if (!m_hub)
        return;
    const Push::PushCounters c = m_dispatcher->counters();
    Monitor::PushTotals totals;
    totals.attempts = c.attempts;
    totals.delivered = c.delivered;
    totals.failures = c.failures;
    totals.retries = c.retries;
    totals.coalesced = c.coalesced;
    totals.gone = c.gone;
    totals.disabled = c.disabled;
    totals.refusedAddresses = c.refused;
    totals.refusedTargets = m_refusedTargets;
    m_hub->reportPush(totals);
}

} // namespace Switchboard::Rest
