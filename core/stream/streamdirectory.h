// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QString>

#include <shared_mutex>

namespace Switchboard::Stream {

/// Which worker owns each live stream, for a Server with several workers (docs/ARCHITECTURE.md,
/// "Threads"): a BOSH request that reaches a worker without its session is relayed to the owner, and
/// operator actions run on it. Every worker's StreamRegistry writes here as streams come and go.
///
/// Thread-safe (a standard read-write lock, which ThreadSanitizer understands). Tells only the owner: the
/// owner's StreamRegistry still compares the id in constant time before anything is done with it.
class StreamDirectory final
{
    Q_DISABLE_COPY_MOVE(StreamDirectory)
public:
    StreamDirectory() = default;

    void insert(const QString &id, int worker);
    void remove(const QString &id);
    /// The worker that owns stream `id`, or -1.
    int owner(const QString &id) const;
    int count() const;

private:
    mutable std::shared_mutex m_lock;
    QHash<QString, int> m_owners;
};

} // namespace Switchboard::Stream
