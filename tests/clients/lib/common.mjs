// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers shared by the client tests, independent of any XMPP library.

/** The accounts from XMPP_ACCOUNTS ("alice:pw bob:pw", space or comma separated). */
export function accountsFromEnv() {
    const raw = process.env.XMPP_ACCOUNTS ?? '';
    return raw
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((a) => ({ user: a.slice(0, a.indexOf(':')), password: a.slice(a.indexOf(':') + 1) }));
}

/** Times a promise out with a message naming the step. */
export function within(ms, promise, step) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${step}`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
