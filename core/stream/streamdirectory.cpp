// SPDX-License-Identifier: GPL-3.0-or-later
#include "stream/streamdirectory.h"

#include <mutex>

namespace Switchboard::Stream {

void StreamDirectory::insert(const QString &id, int worker)
{
    const std::unique_lock lock(m_lock);
    m_owners.insert(id, worker);
}

void StreamDirectory::remove(const QString &id)
{
    const std::unique_lock lock(m_lock);
    m_owners.remove(id);
    // As StreamRegistry::forget(): shrink after a logout wave, not per stream.
    if (m_owners.isEmpty())
        m_owners.clear();
    else if (m_owners.capacity() >= 256 && m_owners.size() < m_owners.capacity() / 8)
        m_owners.squeeze();
}

int StreamDirectory::owner(const QString &id) const
{
    const std::shared_lock lock(m_lock);
    return m_owners.value(id, -1);
}

int StreamDirectory::count() const
{
    const std::shared_lock lock(m_lock);
    return int(m_owners.size());
}

} // namespace Switchboard::Stream
