// SPDX-License-Identifier: GPL-3.0-or-later
// strophe.js recovers from dropped BOSH responses: the admin API (docs/ADMIN.md) has Switchboard close
// the connections of the next two responses to alice unanswered. strophe.js must resend the same rid
// with the same body, get the cached response (XEP-0124 §14.3), and the messages in those responses
// must still arrive, in order; afterwards the session works both ways and ends cleanly.
//
// Environment as in bosh_strophe.test.mjs, plus SWITCHBOARD_ADMIN_TOKEN (tests/clients/run-client-tests.sh
// sets it). Skipped against another server (no admin API there).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { $msg, $pres } from 'strophe.js';
import { destroyAgents } from './lib/xhr-shim.mjs';
import { accountsFromEnv, bodyText, connectBosh, disconnect, nextStanza, within } from './lib/strophe-helpers.mjs';

const url = process.env.SWITCHBOARD_BOSH_URL;
const token = process.env.SWITCHBOARD_ADMIN_TOKEN;
const domain = process.env.XMPP_DOMAIN ?? 'localhost';
const [alice, bob] = accountsFromEnv();
const STEP_MS = 10000;
// strophe.js waits before a resend: the cube of the attempt in seconds (8 s for the first resend).
const RESEND_MS = 30000;

after(() => destroyAgents());

/** One call of the admin API; resolves with { status, json }. */
async function admin(method, path, { body, auth = `Bearer ${token}` } = {}) {
    const headers = { 'Content-Type': 'application/json' };
    if (auth) headers.Authorization = auth;
    const res = await fetch(new URL(path, url), { method, headers, body: body && JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null, wwwAuthenticate: res.headers.get('www-authenticate') };
}

const ridOf = (body) => /\brid=['"](\d+)['"]/.exec(body)?.[1];
const sleepTick = () => new Promise((resolve) => setTimeout(resolve, 50));

/** The session's held requests on Switchboard's status page (loopback needs no token there). */
async function held(sid) {
    const res = await fetch(new URL('/status.json', url));
    const json = await res.json();
    return json.sessions?.find((s) => s.id === sid)?.held ?? -1;
}

/** Waits until strophe.js has only its long-poll out and Switchboard holds it. */
async function untilQuiet(conn) {
    const deadline = Date.now() + STEP_MS;
    for (;;) {
        const requests = conn._proto._requests;
        // One request out (its payload, if any, forwarded already) and nothing waiting to be sent.
        const onlyPoll = requests.length === 1 && conn._data.length === 0;
        const heldNow = await held(conn._proto.sid);
        if (onlyPoll && heldNow === 1) return;
        if (Date.now() > deadline)
            throw new Error(`timed out: alice never became quiet (requests ${requests.length}, ` +
                `data ${conn._data.length}, held ${heldNow})`);
        await sleepTick();
    }
}

test('strophe.js resends the same rid after dropped responses, and no message is lost', { timeout: 120000, skip: !token && 'no admin API (SWITCHBOARD_ADMIN_TOKEN unset)' }, async (t) => {
    assert.ok(url, 'SWITCHBOARD_BOSH_URL must be set');
    assert.ok(alice && bob, 'XMPP_ACCOUNTS must name two accounts');

    const aliceConn = await within(STEP_MS, connectBosh(url, `${alice.user}@${domain}`, alice.password), 'alice logs in');
    t.after(() => aliceConn.connected && aliceConn.reset());
    // Every body alice's strophe.js posts from now on, resends included.
    const posted = [];
    aliceConn.rawOutput = (data) => posted.push(String(data));
    const bobConn = await within(STEP_MS, connectBosh(url, `${bob.user}@${domain}`, bob.password), 'bob logs in');
    t.after(() => bobConn.connected && bobConn.reset());
    const ownPresence = nextStanza(aliceConn, 'presence');
    aliceConn.send($pres().c('priority').t('1'));
    bobConn.send($pres().c('priority').t('1'));
    await within(STEP_MS, ownPresence, 'alice gets her own presence back');
    // Quiet: one request held and nothing else under way, so that the next responses to alice are the
    // ones carrying bob's messages.
    await untilQuiet(aliceConn);

    const sid = aliceConn._proto.sid;
    const faults = `/admin/sessions/${encodeURIComponent(sid)}/faults`;
    const refused = await admin('POST', faults, { body: { fault: 'drop', count: 2 }, auth: null });
    assert.equal(refused.status, 401, 'no token, no fault');
    assert.match(refused.wwwAuthenticate ?? '', /^Bearer/);
    const armed = await admin('POST', faults, { body: { fault: 'drop', count: 2 } });
    assert.equal(armed.status, 200, JSON.stringify(armed.json));
    assert.equal(armed.json.faults.drop.count, 2);

    // Each message goes out in a response that is dropped; strophe.js must resend that rid to get it.
    for (const n of [1, 2]) {
        const text = `through a dropped response ${n} ${Date.now()}`;
        const aliceGets = nextStanza(aliceConn, 'message', 'chat');
        bobConn.send($msg({ to: aliceConn.jid, type: 'chat' }).c('body').t(text));
        const got = await within(RESEND_MS, aliceGets, `alice gets message ${n} after the resend`);
        assert.equal(bodyText(got), text);
    }

    // The same rid went out twice, byte for byte, for each dropped response.
    const byRid = new Map();
    for (const body of posted) {
        const rid = ridOf(body);
        if (rid) byRid.set(rid, [...(byRid.get(rid) ?? []), body]);
    }
    const resent = [...byRid.entries()].filter(([, bodies]) => bodies.length > 1);
    assert.equal(resent.length, 2, `two rids resent (posted: ${posted.join(' | ')})`);
    for (const [rid, bodies] of resent) {
        assert.equal(bodies.length, 2, `rid ${rid} posted twice`);
        assert.equal(bodies[1], bodies[0], `rid ${rid} resent unchanged`);
    }

    const state = await admin('GET', faults);
    assert.equal(state.status, 200);
    assert.equal(state.json.faults.drop, undefined, 'both drops used up');

    // The session goes on both ways and ends cleanly.
    const bobGets = nextStanza(bobConn, 'message', 'chat');
    aliceConn.send($msg({ to: bobConn.jid, type: 'chat' }).c('body').t('still here'));
    assert.equal(bodyText(await within(STEP_MS, bobGets, 'bob gets alice\'s message')), 'still here');
    const statuses = await within(STEP_MS, disconnect(aliceConn), 'alice disconnects');
    assert.equal(statuses.at(-1), 'DISCONNECTED');
    assert.ok(!statuses.some((s) => /CONNFAIL|ERROR/.test(s)), `no failure status (${statuses})`);
    await within(STEP_MS, disconnect(bobConn), 'bob disconnects');
});
