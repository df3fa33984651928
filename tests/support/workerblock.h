// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>

#include <memory>

namespace Switchboard::Test {

/// Keeps one of a Server's workers busy, as a long job would: a call posted to the worker's thread
/// (Server::workerContext()) waits there until release() or the destructor, at most `limitMs`. If it
/// had to give up, someone waited for that worker all that time: timedOut() says so, the check that
/// a call never waits for a busy worker. Made and used on the test's thread.
class WorkerBlock
{
public:
    /// Posts the waiting call; returns once the worker is in it (isBlocking()), or after 10 s.
    explicit WorkerBlock(QObject *workerContext, int limitMs = 20000);
    ~WorkerBlock();
    WorkerBlock(const WorkerBlock &) = delete;
    WorkerBlock &operator=(const WorkerBlock &) = delete;

    /// The worker is in the waiting call (it was not already busy for 10 s).
    bool isBlocking() const { return m_blocking; }
    /// The wait ended at `limitMs` instead of release().
    bool timedOut() const;
    /// Lets the worker go on (once; later calls do nothing).
    void release();

private:
    struct Shared;
    std::shared_ptr<Shared> m_shared; ///< with the worker's call, which may outlive this
    bool m_blocking = false;
    bool m_released = false;
};

} // namespace Switchboard::Test
