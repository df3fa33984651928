// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <vector>

namespace Switchboard::Bosh {

class BoshSession;

/// The one precise single-shot timer behind the coalescing waits of all BOSH sessions of one endpoint
/// (see BoshSession): a waiting session costs an entry here, and an idle session nothing. A timer of
/// the session's own (a QTimer, or QObject::startTimer()) would keep about 200 bytes in every session
/// that ever coalesced. Lives in the sessions' thread; owned by the BoshEndpoint, it must outlive the
/// sessions (they cancel their entry when they end or are deleted). Armed only while an entry waits.
class Coalescer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Coalescer)
public:
    explicit Coalescer(QObject *parent = nullptr);
    ~Coalescer() override;

    /// Calls `session`'s coalescing end after `delayMs`, unless cancelled. One entry per session.
    void schedule(BoshSession *session, int delayMs);
    void cancel(BoshSession *session);
    int pending() const { return int(m_entries.size()); }
    bool isArmed() const { return m_timer.isActive(); }

private:
    struct Entry
    {
        qint64 due;
        BoshSession *session;
    };
    void fire();
    void rearm();

    std::vector<Entry> m_entries; ///< by due time
    QTimer m_timer;
    QElapsedTimer m_clock;
};

} // namespace Switchboard::Bosh
