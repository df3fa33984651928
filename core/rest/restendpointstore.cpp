// SPDX-License-Identifier: GPL-3.0-or-later
// RestEndpoint's part that hands sessions to the session store at a graceful shutdown and takes them up
// again at start (docs/REST.md "When Switchboard restarts"), kept apart from the HTTP calls.
#include "rest/restendpoint.h"

#include "rest/restpush.h"
#include "rest/restsession.h"
#include "rest/reststore.h"
#include "stream/ownedstreams.h"
#include "stream/streamregistry.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcRest)

namespace Switchboard::Rest {

bool RestEndpoint::openStore(QString *error)
{
    const QString &fileName = m_config.restStore;
    // Once per endpoint: a server that listens again (the window's stop and start) keeps its store.
    if (m_store || fileName.isEmpty() || fileName == QLatin1String("off"))
        return true;
    auto store = std::make_unique<RestStore>();
    if (!store->open(fileName, error))
        return false;
    std::optional<std::vector<SessionSnapshot>> stored = store->load(error);
    if (!stored)
        return false;
    m_stored = std::move(*stored);
    m_store = std::move(store);
    return true;
}

void RestEndpoint::restoreSessions()
{
    if (!m_store)
        return;
    // Emptied first: sessions live in memory from now on, and only a graceful shutdown writes them
    // again. After a crash, none of these comes back a second time with events its client already
    // acknowledged.
    QString error;
    if (!m_store->save({}, &error))
        qCWarning(lcRest).noquote() << error;
    std::vector<SessionSnapshot> stored = std::exchange(m_stored, {});
    int restored = 0;
    for (SessionSnapshot &snapshot : stored) {
        if (snapshot.ended || !snapshot.credentials.isValid()) {
            if (!snapshot.ended) {
                // Nothing to log in with (the session was saved before its log-in completed).
                Event last;
                last.seq = snapshot.nextSeq++;
                last.kind = QStringLiteral("session");
                last.type = QStringLiteral("closed");
                last.status = QStringLiteral("cannot log in again without the password");
                snapshot.events.push_back(std::move(last));
                snapshot.ended = true;
            }
            keepEnded(std::move(snapshot));
            continue;
        }
        Stream::ClientStream::Client client;
        client.id = snapshot.id;
        client.transport = Monitor::Transport::Rest;
        RestSession::Login login;
        login.jid = snapshot.jid;
        login.resource = snapshot.resource;
        login.presence = snapshot.presence;
        login.credentials = snapshot.credentials;
        Stream::ClientStream::UpstreamFactory factory = upstreamFactory();
        // Not admitted against the session limits again (RestSession::start() skips that for a restored
        // session): each was when its client created it, and a restart must not turn them away
        // (max_new_sessions_per_ip would, all at once). Its refusals are counted all the same.
        auto *session = new RestSession(
            m_config, client, std::move(login), std::move(factory), [this] { return m_clock.elapsed(); },
            m_hub, m_limits);
        session->restore(snapshot);
        m_sessions->adopt(session);
        m_push->watch(session);
        if (!snapshot.push.isEmpty())
            m_push->restoreTarget(session->id(), snapshot.push);
        auto failed = std::make_shared<bool>(false);
        connect(session, &RestSession::loggedIn, this, [session](const QString &jid) {
            qCInfo(lcRest).noquote() << "restored session" << session->id() << "logged in again as" << jid;
        });
        connect(session, &RestSession::loginFailed, this,
                [session, failed](RestSession::LoginError, const QString &reason) {
                    *failed = true;
                    qCWarning(lcRest).noquote()
                        << "restored session" << session->id() << "cannot log in again:" << reason;
                });
        // It ended without logging in: its client reads what is left, and why, once.
        connect(session, &Stream::ClientStream::finished, this, [this, session, failed] {
            if (*failed && !m_saved)
                keepEnded(session->snapshot());
        });
        session->start();
        ++restored;
    }
    if (restored > 0 || !m_ended.empty())
        qCInfo(lcRest).noquote() << "session store" << m_store->fileName() << ":" << restored
                                 << "sessions logging in again," << m_ended.size() << "ended";
}

bool RestEndpoint::saveSessions(QString *error)
{
    if (!m_store || m_saved)
        return true;
    m_saved = true;
    std::vector<SessionSnapshot> all;
    QList<RestSession *> saved;
    for (Stream::ClientStream *stream : m_registry->streams()) {
        auto *session = qobject_cast<RestSession *>(stream);
        // A session still in its first log-in has no client that knows its token yet; one whose server
        // link is down (reconnecting) has, and goes on after the restart.
        if (!session || session->isFinished() || !(session->isLoggedIn() || session->isRestored()))
            continue;
        session->setStoredPush(m_push->storedTarget(session->id()));
        all.push_back(session->snapshot());
        saved.append(session);
    }
    pruneEnded();
    for (const auto &[id, ended] : m_ended)
        all.push_back(ended);
    if (!m_store->save(all, error))
        return false;
    // Their streams now close without a final "session" event: the sessions go on after the restart.
    for (RestSession *session : std::as_const(saved))
        session->setPersisted();
    qCInfo(lcRest).noquote() << "session store" << m_store->fileName() << ":" << saved.size()
                             << "sessions saved," << m_ended.size() << "ended";
    return true;
}

void RestEndpoint::keepEnded(SessionSnapshot snapshot)
{
    const QString id = snapshot.id;
    m_endedAt.insert_or_assign(id, m_clock.elapsed());
    m_ended.insert_or_assign(id, std::move(snapshot));
}

void RestEndpoint::forgetEnded(const QString &id)
{
    m_ended.erase(id);
    m_endedAt.erase(id);
}

void RestEndpoint::pruneEnded()
{
    const qint64 oldest = m_clock.elapsed() - qint64(m_config.restIdleTimeout) * 1000;
    for (auto it = m_endedAt.begin(); it != m_endedAt.end();) {
        if (it->second < oldest) {
            m_ended.erase(it->first);
            it = m_endedAt.erase(it);
        } else {
            ++it;
        }
    }
}

} // namespace Switchboard::Rest
