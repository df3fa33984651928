// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/exchangerelay.h"

#include "base/tsanhandover.h"
#include "http/httpserver.h"

#include <QPointer>

#include <atomic>
#include <deque>
#include <memory>

namespace Switchboard::Http {

namespace {

/// What both sides of one relay share. Each field says which thread uses it; the atomics are read and
/// written on both.
struct State
{
    QObject *here = nullptr;  ///< the connection's thread (outlives the relay)
    QObject *there = nullptr; ///< the relayed Exchange's thread (outlives the relay)
    /// Set on the connection's thread once `local` is aborted or gone: the relayed side stops posting.
    std::atomic<bool> localGone{false};
    /// Stream bytes the relayed write() took that the connection has not taken yet.
    std::atomic<qint64> inFlight{0};
    /// A relayed write() was refused for inFlight: writable() is owed once it is down to half.
    std::atomic<bool> wantWritable{false};

    // On the connection's thread only.
    QPointer<Exchange> local;
    std::deque<QByteArray> pending; ///< stream pieces waiting for the connection's own backlog
    bool endPending = false;        ///< endStream() came: after the pieces

    // On the relayed Exchange's thread only.
    QPointer<Exchange> remote;

    /// On the connection's thread: the relayed Exchange is told, on its thread, that `local` is over.
    void abortRemote(const std::shared_ptr<State> &self)
    {
        if (localGone.exchange(true))
            return;
        TsanHandover::post(there, [self] {
            if (self->remote)
                self->remote->relayAborted();
        });
    }

    /// On the connection's thread: hands waiting stream pieces to `local` as far as its connection
    /// takes them, then the end; owes writable() to the relayed side once its backlog is down to half.
    void pump(const std::shared_ptr<State> &self)
    {
        while (!pending.empty() && local && local->isStreaming()) {
            const qint64 size = pending.front().size();
            if (!local->write(pending.front()))
                break; // the local Exchange's writable() calls again
            pending.pop_front();
            inFlight -= size;
        }
        if (pending.empty() && endPending && local) {
            endPending = false;
            local->endStream();
        }
        if (inFlight.load() <= Exchange::kMaxStreamBacklog / 2 && wantWritable.exchange(false)) {
            TsanHandover::post(there, [self] {
                if (self->remote)
                    self->remote->relayWritable();
            });
        }
    }
};

/// The connection's side: a child of the local Exchange, so it lives and dies with it on its thread.
class LocalSide final : public QObject
{
public:
    LocalSide(std::shared_ptr<State> state, Exchange *local) : QObject(local), m_state(std::move(state))
    {
        connect(local, &Exchange::aborted, this, [this] { m_state->abortRemote(m_state); });
        connect(local, &Exchange::writable, this, [this] { m_state->pump(m_state); });
    }
    /// The local Exchange is being destroyed: answered and done, aborted, or its connection closing.
    /// The relayed one, if still waiting or streaming, is aborted.
    ~LocalSide() override { m_state->abortRemote(m_state); }

private:
    std::shared_ptr<State> m_state;
};

/// The relayed Exchange's side: every call is posted to the connection's thread.
class RemoteRelay final : public Exchange::Relay
{
public:
    explicit RemoteRelay(std::shared_ptr<State> state) : m_state(std::move(state)) {}

    bool respond(Response response) override
    {
        return post([response = std::move(response)](const std::shared_ptr<State> &state) mutable {
            if (state->local)
                state->local->respond(std::move(response));
        });
    }
    bool startStream(Response head) override
    {
        return post([head = std::move(head)](const std::shared_ptr<State> &state) mutable {
            if (state->local)
                state->local->startStream(std::move(head));
        });
    }
    bool write(QByteArrayView data) override
    {
        if (m_state->localGone.load())
            return false;
        if (data.isEmpty())
            return true;
        const qint64 size = data.size();
        if (!fits(size)) {
            // Owe a writable(), then look again: the connection's side may have drained in between
            // and found no one waiting (each side stores, then loads what the other stores).
            m_state->wantWritable.store(true);
            if (!fits(size))
                return false;
            m_state->wantWritable.store(false);
        }
        m_state->inFlight += size;
        return post([piece = data.toByteArray()](const std::shared_ptr<State> &state) mutable {
            state->pending.push_back(std::move(piece));
            state->pump(state);
        });
    }
    void endStream() override
    {
        post([](const std::shared_ptr<State> &state) {
            state->endPending = true;
            state->pump(state);
        });
    }

private:
    bool fits(qint64 size) const
    {
        const qint64 waiting = m_state->inFlight.load();
        return waiting == 0 || waiting + size <= Exchange::kMaxStreamBacklog;
    }
    template <typename Call> bool post(Call call)
    {
        if (m_state->localGone.load())
            return false;
        TsanHandover::post(m_state->here,
                           [state = m_state, call = std::move(call)]() mutable { call(state); });
        return true;
    }
    std::shared_ptr<State> m_state;
};

} // namespace

void relayExchange(Exchange *local, QObject *here, QObject *there, std::function<void(Exchange *)> handler)
{
    auto state = std::make_shared<State>();
    state->here = here;
    state->there = there;
    state->local = local;
    new LocalSide(state, local);
    Request request = local->request();
    local->releaseRequest();
    TsanHandover::post(there, [state, request = std::move(request), handler = std::move(handler)]() mutable {
        if (state->localGone.load())
            return; // the client left before the handler's thread got to it
        auto *remote = new Exchange(std::move(request), std::make_unique<RemoteRelay>(state), state->there);
        state->remote = remote;
        handler(remote);
    });
}

} // namespace Switchboard::Http
