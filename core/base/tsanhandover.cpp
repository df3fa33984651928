// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/tsanhandover.h"

#ifdef SWITCHBOARD_TSAN_BUILD
#include <QtCore/private/qobject_p.h>

#include <mutex>
#endif

namespace Switchboard::TsanHandover {

#ifdef SWITCHBOARD_TSAN_BUILD

char g_token = 0;

namespace {

/// The signal spy callbacks registered before install() (QtTest's `-vs`), called after ours.
QSignalSpyCallbackSet g_previous{};
QSignalSpyCallbackSet g_hooks{};

/// Every signal emission, on the emitting thread, before any connection is called or posted.
void onSignalBegin(QObject *caller, int signalIndex, void **argv)
{
    release();
    if (g_previous.signal_begin_callback)
        g_previous.signal_begin_callback(caller, signalIndex, argv);
}

/// The end of every signal emission, on the emitting thread: after the copies of the arguments that
/// a queued connection posts (made by their types' copy constructors, ours among them, after the
/// release at the beginning). A receiver that took the event before this (the window between Qt's
/// post and the end of the emission) still sees the release at the beginning.
void onSignalEnd(QObject *caller, int signalIndex)
{
    release();
    if (g_previous.signal_end_callback)
        g_previous.signal_end_callback(caller, signalIndex);
}

/// Every event sent or posted, on the receiving thread, before it is delivered. false: Qt goes on.
bool onNotify(void **)
{
    acquire();
    return false;
}

} // namespace

void install()
{
    static std::once_flag once;
    std::call_once(once, [] {
        if (const QSignalSpyCallbackSet *before = qt_signal_spy_callback_set.loadAcquire())
            g_previous = *before;
        g_hooks = g_previous;
        g_hooks.signal_begin_callback = &onSignalBegin;
        g_hooks.signal_end_callback = &onSignalEnd;
        QInternal::registerCallback(QInternal::EventNotifyCallback, &onNotify);
        qt_register_signal_spy_callbacks(&g_hooks);
    });
}

#else

void install() {}

#endif

} // namespace Switchboard::TsanHandover
