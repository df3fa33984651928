// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <functional>

namespace Switchboard::Rest {

/// The delays between reconnection attempts: exponential (each twice the one before, from `first`
/// up to `cap`), each with jitter so that sessions cut by one server restart do not all come back at
/// the same instant. Attempt n waits a uniformly random time in [d/2, d], d = min(cap, first * 2^n)
/// ("equal jitter"): never less than half the exponential delay, so a fleet still spreads out.
///
/// `random` gives numbers in [0, 1); tests pass a fixed one. A plain value type, no thread ties.
class Backoff final
{
public:
    using Random = std::function<double()>;

    /// `firstMs` > 0, `capMs` >= `firstMs`; null `random`: QRandomGenerator::global().
    Backoff(qint64 firstMs, qint64 capMs, Random random = {});

    /// The delay before the next attempt (ms), and counts the attempt.
    qint64 next();
    /// After a success: the next failure starts again from the first delay.
    void reset() { m_attempts = 0; }
    int attempts() const { return m_attempts; }
    /// The delay next() would be based on, without jitter (ms).
    qint64 ceiling() const;

private:
    qint64 m_first;
    qint64 m_cap;
    Random m_random;
    int m_attempts = 0;
};

} // namespace Switchboard::Rest
