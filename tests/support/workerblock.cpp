// SPDX-License-Identifier: GPL-3.0-or-later
#include "workerblock.h"

#include <QSemaphore>

#include <atomic>

namespace Switchboard::Test {

struct WorkerBlock::Shared
{
    QSemaphore entered;
    QSemaphore gate;
    std::atomic<bool> timedOut = false;
};

WorkerBlock::WorkerBlock(QObject *workerContext, int limitMs) : m_shared(std::make_shared<Shared>())
{
    if (!workerContext)
        return;
    QMetaObject::invokeMethod(
        workerContext,
        [shared = m_shared, limitMs] {
            shared->entered.release();
            if (!shared->gate.tryAcquire(1, limitMs))
                shared->timedOut = true;
        },
        Qt::QueuedConnection);
    m_blocking = m_shared->entered.tryAcquire(1, 10000);
}

WorkerBlock::~WorkerBlock()
{
    release();
}

bool WorkerBlock::timedOut() const
{
    return m_shared->timedOut;
}

void WorkerBlock::release()
{
    if (m_released)
        return;
    m_released = true;
    m_shared->gate.release();
}

} // namespace Switchboard::Test
