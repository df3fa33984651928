// SPDX-License-Identifier: GPL-3.0-or-later
// Layering probe, built by CTest against switchboard-xmpp: the server link must not see the WebSocket
// front above it, so this must fail to build.
#include "websocket/websocketstream.h"

int switchboardLayeringProbe()
{
    return 0;
}
