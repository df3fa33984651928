// SPDX-License-Identifier: GPL-3.0-or-later
// Promise helpers around strophe.js for the client tests.
import { installXMLHttpRequest } from './xhr-shim.mjs';
import { Strophe } from 'strophe.js';

installXMLHttpRequest();
// Strophe logs every request at debug level; STROPHE_DEBUG=1 brings that back for diagnosis.
Strophe.setLogLevel(process.env.STROPHE_DEBUG ? Strophe.LogLevel.DEBUG : Strophe.LogLevel.WARN);

export const statusName = (s) => Object.keys(Strophe.Status).find((k) => Strophe.Status[k] === s) ?? String(s);

export { accountsFromEnv, within } from './common.mjs';

/**
 * Connects over BOSH and resolves with the connection once CONNECTED (SASL + bind + session done).
 * Rejects on any terminal status before that. `statuses` collects every status seen.
 */
export function connectBosh(url, jid, password, { statuses = [], keepalive = false } = {}) {
    const conn = new Strophe.Connection(url, { keepalive });
    conn.statuses = statuses;
    return new Promise((resolve, reject) => {
        conn.connect(jid, password, (status, condition) => {
            statuses.push(statusName(status) + (condition ? `(${condition})` : ''));
            if (status === Strophe.Status.CONNECTED) resolve(conn);
            else if (
                [Strophe.Status.AUTHFAIL, Strophe.Status.CONNFAIL, Strophe.Status.ERROR, Strophe.Status.CONNTIMEOUT,
                    Strophe.Status.DISCONNECTED].includes(status)
            )
                reject(new Error(`${jid}: ${statusName(status)} ${condition ?? ''} (seen: ${statuses.join(' ')})`));
        });
    });
}

/** Resolves with the next stanza of `name` (and optional `type`) the connection receives. */
export function nextStanza(conn, name, type = null) {
    return new Promise((resolve) => {
        conn.addHandler(
            (el) => {
                resolve(el);
                return false; // one-shot
            },
            null,
            name,
            type,
        );
    });
}

/** Disconnects and resolves once strophe reports DISCONNECTED (the BOSH terminate was answered). */
export function disconnect(conn, reason = 'done') {
    return new Promise((resolve) => {
        const prev = conn.connect_callback;
        conn.connect_callback = (status, condition) => {
            prev?.(status, condition);
            if (status === Strophe.Status.DISCONNECTED) resolve(conn.statuses);
        };
        conn.disconnect(reason);
    });
}

export const bodyText = (el) => el.getElementsByTagName('body')[0]?.textContent ?? null;
