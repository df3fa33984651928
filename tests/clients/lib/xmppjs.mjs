// SPDX-License-Identifier: GPL-3.0-or-later
// @xmpp/client (xmpp.js) for the client tests, on the `ws` package's WebSocket, and what they wait for
// with it.
import WebSocket from 'ws';

// @xmpp/client 0.14 uses the global WebSocket, which Node 20 has only behind --experimental-websocket.
globalThis.WebSocket ??= WebSocket;
export const { client, xml } = await import('@xmpp/client');

/** Resolves with the next <message/> with a <body/> that `xmpp` receives. */
export function nextMessage(xmpp) {
    return new Promise((resolve) => {
        const onStanza = (stanza) => {
            if (stanza.is('message') && stanza.getChild('body')) {
                xmpp.removeListener('stanza', onStanza);
                resolve(stanza);
            }
        };
        xmpp.on('stanza', onStanza);
    });
}
