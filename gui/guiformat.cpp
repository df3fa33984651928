// SPDX-License-Identifier: GPL-3.0-or-later
#include "guiformat.h"

#include <QCoreApplication>
#include <QLocale>

namespace Switchboard::Gui::Format {

QString bytes(quint64 bytes)
{
    return QLocale().formattedDataSize(qint64(bytes), bytes < 1024 ? 0 : 1);
}

QString duration(qint64 seconds)
{
    if (seconds < 0)
        seconds = 0;
    const QLocale locale;
    auto two = [&locale](qint64 value) {
        return value < 10 ? locale.zeroDigit() + locale.toString(value) : locale.toString(value);
    };
    if (seconds < 60)
        return QCoreApplication::translate("Switchboard::Gui::Format", "%1 s").arg(locale.toString(seconds));
    if (seconds < 3600)
        return QCoreApplication::translate("Switchboard::Gui::Format", "%1 min %2 s")
            .arg(locale.toString(seconds / 60), two(seconds % 60));
    if (seconds < 86400)
        return QCoreApplication::translate("Switchboard::Gui::Format", "%1 h %2 min")
            .arg(locale.toString(seconds / 3600), two(seconds % 3600 / 60));
    return QCoreApplication::translate("Switchboard::Gui::Format", "%1 d %2 h")
        .arg(locale.toString(seconds / 86400), two(seconds % 86400 / 3600));
}

QString transport(Monitor::Transport transport)
{
    switch (transport) {
    case Monitor::Transport::Bosh:
        return QCoreApplication::translate("Switchboard::Gui::Format", "BOSH");
    case Monitor::Transport::WebSocket:
        return QCoreApplication::translate("Switchboard::Gui::Format", "WebSocket");
    case Monitor::Transport::Rest:
        return QCoreApplication::translate("Switchboard::Gui::Format", "REST");
    }
    return {};
}

QString direction(Monitor::Direction direction)
{
    return direction == Monitor::Direction::ToServer
               ? QCoreApplication::translate("Switchboard::Gui::Format", "→ server")
               : QCoreApplication::translate("Switchboard::Gui::Format", "→ client");
}

QString count(quint64 value)
{
    return QLocale().toString(value);
}

} // namespace Switchboard::Gui::Format
