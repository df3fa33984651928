// SPDX-License-Identifier: GPL-3.0-or-later
// Layering probe, built by CTest against switchboard-xmpp and switchboard-push: neither the server link
// nor push delivery may see the WebSocket front above them, so this must fail to build.
#include "websocket/websocketstream.h"

int switchboardLayeringProbe()
{
    return 0;
}
