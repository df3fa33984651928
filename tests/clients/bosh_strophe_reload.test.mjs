// SPDX-License-Identifier: GPL-3.0-or-later
// A web page with strophe.js (keepalive) reloads while its long-poll is held: the old page's connection
// closes without a word, a contact sends a message during the gap, and the reloaded page continues the
// session, once with connection.restore() (the session cached in sessionStorage) and once with
// attach(jid, sid, rid). The message sent during the gap must arrive on the continued session.
//
// Environment as in bosh_strophe.test.mjs (tests/clients/run-client-tests.sh sets it).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { $msg, $pres, Strophe } from 'strophe.js';
import { destroyAgents } from './lib/xhr-shim.mjs';
import { accountsFromEnv, bodyText, connectBosh, disconnect, nextStanza, statusName, within } from './lib/strophe-helpers.mjs';

const url = process.env.SWITCHBOARD_BOSH_URL;
const domain = process.env.XMPP_DOMAIN ?? 'localhost';
const [alice, bob] = accountsFromEnv();
const STEP_MS = 15000;

// The page's sessionStorage, which strophe.js uses for keepalive; it survives the "reload".
const storage = new Map();
globalThis.sessionStorage = {
    getItem: (k) => (storage.has(k) ? storage.get(k) : null),
    setItem: (k, v) => storage.set(k, String(v)),
    removeItem: (k) => storage.delete(k),
};

after(() => destroyAgents());

const sleepTick = () => new Promise((resolve) => setTimeout(resolve, 50));

/** The session's record on Switchboard's status page, or null when there is no status page (Prosody). */
async function sessionStatus(sid) {
    const res = await fetch(new URL('/status.json', url)).catch(() => null);
    if (!res || res.status !== 200) return null;
    const json = await res.json();
    return json.sessions?.find((s) => s.id === sid) ?? { held: 0 };
}

/** Waits until the status page shows `held` requests for the session (no-op without a status page). */
async function untilHeld(sid, predicate, step) {
    const deadline = Date.now() + STEP_MS;
    for (;;) {
        const status = await sessionStatus(sid);
        if (status === null || predicate(status.held)) return;
        if (Date.now() > deadline) throw new Error(`timed out: ${step} (held ${status.held})`);
        await sleepTick();
    }
}

/** The page dies: its held request's connection closes and the page's code never runs again. */
function killPage(conn) {
    clearTimeout(conn._idleTimeout);
    conn._onIdle = () => {};
    conn._proto._onIdle = () => {};
    for (const req of conn._proto._requests) {
        req.xhr._aborted = true; // no callbacks into the dead page
        req.xhr._req?.destroy(); // the browser closes the connection
    }
    conn._proto._requests = [];
}

/** Resolves with a connection continued by `continueSession(conn, callback)` once ATTACHED. */
function continued(continueSession) {
    const conn = new Strophe.Connection(url, { keepalive: true });
    conn.statuses = [];
    return new Promise((resolve, reject) => {
        continueSession(conn, (status, condition) => {
            conn.statuses.push(statusName(status) + (condition ? `(${condition})` : ''));
            if (status === Strophe.Status.ATTACHED) resolve(conn);
            else if ([Strophe.Status.CONNFAIL, Strophe.Status.ERROR, Strophe.Status.DISCONNECTED].includes(status))
                reject(new Error(`continuing failed: ${conn.statuses.join(' ')}`));
        });
    });
}

for (const how of ['restore', 'attach']) {
    test(`strophe.js page reload mid long-poll, continued with ${how}(): no message lost`, { timeout: 90000 }, async (t) => {
        assert.ok(url, 'SWITCHBOARD_BOSH_URL must be set');
        assert.ok(alice && bob, 'XMPP_ACCOUNTS must name two accounts');
        storage.clear();

        const page = await within(STEP_MS, connectBosh(url, `${alice.user}@${domain}`, alice.password, { keepalive: true }),
            'alice logs in (keepalive)');
        const bobConn = await within(STEP_MS, connectBosh(url, `${bob.user}@${domain}`, bob.password), 'bob logs in');
        t.after(() => bobConn.connected && bobConn.reset());
        page.send($pres().c('priority').t('1'));
        bobConn.send($pres().c('priority').t('1'));

        // The page's long-poll is held by the connection manager...
        const { jid, sid } = { jid: page.jid, sid: page._proto.sid };
        await within(STEP_MS, (async () => {
            while (page._proto._requests.length === 0) await sleepTick();
        })(), 'the page has a request out');
        await untilHeld(sid, (held) => held >= 1, 'the long-poll is held');
        const rid = page._proto.rid; // the next rid, as strophe.js cached it
        assert.ok(storage.get('strophe-bosh-session'), 'strophe.js cached the session (keepalive)');

        // ...when the page dies. The connection manager notices the closed connection.
        killPage(page);
        await untilHeld(sid, (held) => held === 0, 'the dead long-poll is dropped');

        const text = `sent during the reload (${how}) ${Date.now()}`;
        bobConn.send($msg({ to: jid, type: 'chat' }).c('body').t(text));

        const reloaded = await within(STEP_MS, continued((conn, callback) => {
            if (how === 'restore') conn.restore(jid, callback);
            else conn.attach(jid, sid, rid, callback);
        }), `the reloaded page continues with ${how}()`);
        t.after(() => reloaded.connected && reloaded.reset());
        const got = await within(STEP_MS, nextStanza(reloaded, 'message', 'chat'), 'the message from the gap arrives');
        assert.equal(bodyText(got), text);
        assert.equal(got.getAttribute('from'), bobConn.jid);

        // The continued session works both ways.
        const bobGets = nextStanza(bobConn, 'message', 'chat');
        reloaded.send($msg({ to: bobConn.jid, type: 'chat' }).c('body').t('back again'));
        assert.equal(bodyText(await within(STEP_MS, bobGets, 'bob receives the reply')), 'back again');

        const statuses = await within(STEP_MS, disconnect(reloaded), 'the reloaded page disconnects');
        assert.equal(statuses.at(-1), 'DISCONNECTED');
        await within(STEP_MS, disconnect(bobConn), 'bob disconnects');
    });
}
