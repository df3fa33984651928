// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>

namespace Switchboard {

/// A counter with one writer thread and readers on any thread: the writer bumps it with a relaxed load
/// and a relaxed store (on x86-64 a plain add, no lock and no read-modify-write instruction), readers
/// load it relaxed. No reading is torn and none is ordered with anything else: what the monitor's
/// counters need (Monitor::SessionCounters, Monitor::HubTotals), read on a timer while the sessions'
/// workers count.
///
/// Only the owning thread may write (operator++, --, +=, =); two writers would lose counts.
template <typename T> class Relaxed
{
public:
    constexpr Relaxed(T value = T()) noexcept : m_value(value) {}
    Relaxed(const Relaxed &other) noexcept : m_value(other.load()) {}
    Relaxed &operator=(const Relaxed &other) noexcept
    {
        store(other.load());
        return *this;
    }
    Relaxed &operator=(T value) noexcept
    {
        store(value);
        return *this;
    }
    operator T() const noexcept { return load(); }
    T load() const noexcept { return m_value.load(std::memory_order_relaxed); }
    void store(T value) noexcept { m_value.store(value, std::memory_order_relaxed); }
    Relaxed &operator++() noexcept
    {
        store(load() + 1);
        return *this;
    }
    Relaxed &operator--() noexcept
    {
        store(load() - 1);
        return *this;
    }
    Relaxed &operator+=(T by) noexcept
    {
        store(load() + by);
        return *this;
    }

private:
    std::atomic<T> m_value;
    static_assert(std::atomic<T>::is_always_lock_free);
};

} // namespace Switchboard
