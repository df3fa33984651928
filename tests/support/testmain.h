// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/epolldispatcher.h"

#include <QCoreApplication>
#include <QTest>

/// Like QTEST_GUILESS_MAIN, but runs the test on the epoll event dispatcher the headless server uses
/// when SWITCHBOARD_TEST_EPOLL=1, so the same tests cover both dispatchers.
#define SWITCHBOARD_TEST_MAIN(TestObject)                                                                    \
    int main(int argc, char *argv[])                                                                         \
    {                                                                                                        \
        if (qEnvironmentVariableIntValue("SWITCHBOARD_TEST_EPOLL") == 1)                                     \
            QCoreApplication::setEventDispatcher(new Switchboard::EpollEventDispatcher);                     \
        QCoreApplication app(argc, argv);                                                                    \
        app.setAttribute(Qt::AA_Use96Dpi, true);                                                             \
        TestObject tc;                                                                                       \
        QTEST_SET_MAIN_SOURCE_PATH                                                                           \
        return QTest::qExec(&tc, argc, argv);                                                                \
    }
