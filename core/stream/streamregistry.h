// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/relaxed.h"
#include "stream/breakpoints.h"
#include "stream/condition.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>

#include <memory>

struct evp_mac_ctx_st;

namespace Switchboard::Stream {

class ClientStream;
class StreamDirectory;

/// Every live client stream of a server, whatever its front, so the server makes single calls: find
/// one by id (terminate, inject), count them, end them all, drain. It also counts the server links
/// still closing after their streams ended (LinkUpstream::close moves them here), so a shutdown knows
/// when every server stream is closed properly.
///
/// Does not own the streams (their fronts do); forgets each when it finishes. Owns the retired links
/// until they delete themselves. Lives in the server's thread.
class StreamRegistry final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StreamRegistry)
public:
    explicit StreamRegistry(QObject *parent = nullptr);
    ~StreamRegistry() override;

    /// With several workers: every stream added here is entered in `directory` as worker `worker`'s
    /// until it is forgotten. Set before the first add().
    void setDirectory(StreamDirectory *directory, int worker)
    {
        m_directory = directory;
        m_worker = worker;
    }
    /// Adds a stream, forgotten again when it emits finished() (or is destroyed).
    void add(ClientStream *stream);
    /// The stream with this id, or null. Compares ids in constant time (they are bearer secrets).
    ClientStream *find(const QString &id) const;
    /// Live streams; may be read from another thread (Server::sessionCount() sums the workers' counts
    /// without waiting for them).
    int count() const { return m_count; }
    /// Slots the id table holds: it shrinks again when streams finish (after a logout wave).
    qsizetype capacity() const { return m_streams.capacity(); }
    QList<ClientStream *> streams() const { return m_streams.values(); }
    /// Ends every stream with `condition` (for SeeOtherUri, `text` is the URI).
    void terminateAll(Condition condition, const QString &text = {});

    /// The breakpoint for all sessions (docs/ADMIN.md): set on every stream here now and on each one
    /// added later, until it is set to nothing, which removes every stream's breakpoint (what they hold
    /// goes on). Streams that take no breakpoints (REST) are left alone.
    void setBreakpointForAll(const std::optional<BreakpointFilter> &filter);
    const std::optional<BreakpointFilter> &breakpointForAll() const { return m_breakpointForAll; }

    /// While draining, fronts refuse new sessions: with see-other-uri to `uri`, or system-shutdown
    /// when it is empty. Open streams carry on.
    void setDraining(bool draining, const QString &uri = {});
    bool isDraining() const { return m_draining; }
    const QString &drainUri() const { return m_drainUri; }

    /// A server link (a Qt child of this registry from now on) is closing on its own.
    void linkRetired(QObject *link);
    /// Retired links not yet gone (may be read from another thread).
    int closingLinks() const { return m_closingLinks; }

Q_SIGNALS:
    /// The last stream finished and no retired link is left (count() and closingLinks() are 0).
    void idle();

protected:
    /// Children come and go per session (the retired server links (their graveyard)): the list is given back
    /// after a wave (squeezeChildListWhenSparse()).
    void childEvent(QChildEvent *event) override;

private:
    /// ClientStream::finishStream() and ~ClientStream() call forget() themselves: two signal
    /// connections per stream would cost about 0.35 KB each stream's whole life.
    friend class ClientStream;
    /// The 128-bit SipHash of an id, held in the hash by value (a QByteArray key was one more
    /// allocation per stream).
    struct Key
    {
        quint64 words[2] = {};
        friend bool operator==(const Key &a, const Key &b)
        {
            return a.words[0] == b.words[0] && a.words[1] == b.words[1];
        }
        /// Already a keyed pseudo-random value: any part of it spreads the buckets.
        friend size_t qHash(const Key &key, size_t seed = 0) noexcept { return size_t(key.words[0]) ^ seed; }
    };
    Key key(const QString &id) const;
    void forget(const QString &id);
    void checkIdle();

    struct MacDeleter
    {
        void operator()(evp_mac_ctx_st *context) const;
    };
    /// A keyed hash (SipHash-2-4 under a random 128-bit secret) of the id is the hash's key, so lookups
    /// take the same time whatever the id. One OpenSSL context, set up again for each key().
    quint32 m_secret[4] = {};
    std::unique_ptr<evp_mac_ctx_st, MacDeleter> m_mac;
    QHash<Key, ClientStream *> m_streams;
    Relaxed<int> m_count = 0;        ///< m_streams.size(), written on this registry's thread only
    Relaxed<int> m_closingLinks = 0; ///< written on this registry's thread only
    StreamDirectory *m_directory = nullptr;
    int m_worker = 0;
    bool m_draining = false;
    std::optional<BreakpointFilter> m_breakpointForAll;
    QString m_drainUri;
};

} // namespace Switchboard::Stream
