// SPDX-License-Identifier: GPL-3.0-or-later
// @xmpp/client (xmpp.js) for the client tests: loading it on a WebSocket of Node's, and what the tests
// wait for with it.
import WebSocket from 'ws';

/**
 * Loads @xmpp/client. Version 0.14 uses the global WebSocket, which Node 20 has only behind
 * --experimental-websocket: the `ws` package's stands in unless Node has one, or `WebSocketClass`
 * replaces it (a test that picks the clients' source addresses).
 */
export async function loadXmppClient(WebSocketClass) {
    if (WebSocketClass) globalThis.WebSocket = WebSocketClass;
    else globalThis.WebSocket ??= WebSocket;
    return import('@xmpp/client');
}

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
