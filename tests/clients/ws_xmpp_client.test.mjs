// SPDX-License-Identifier: GPL-3.0-or-later
// @xmpp/client (xmpp.js) logs two users in over XMPP-over-WebSocket (RFC 7395), they exchange messages
// both ways, and both close their streams cleanly.
//
// Environment: SWITCHBOARD_WS_URL (e.g. ws://127.0.0.1:5280/xmpp-websocket), XMPP_DOMAIN, XMPP_ACCOUNTS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accountsFromEnv, within } from './lib/common.mjs';
import { loadXmppClient, nextMessage } from './lib/xmppjs.mjs';

const { client, xml } = await loadXmppClient();

const url = process.env.SWITCHBOARD_WS_URL;
const domain = process.env.XMPP_DOMAIN ?? 'localhost';
const [alice, bob] = accountsFromEnv();
const STEP_MS = 10000;

test('@xmpp/client over WebSocket: login, message both ways, clean close', { timeout: 60000 }, async (t) => {
    assert.ok(url, 'SWITCHBOARD_WS_URL must be set');
    assert.ok(alice && bob, 'XMPP_ACCOUNTS must name two accounts');
    const connect = async (account) => {
        const xmpp = client({ service: url, domain, username: account.user, password: account.password });
        xmpp.on('error', () => {}); // surfaced through start()/stop() rejections
        t.after(() => xmpp.status !== 'offline' && xmpp.stop().catch(() => {}));
        const jid = await within(STEP_MS, xmpp.start(), `${account.user} logs in`);
        return { xmpp, jid: jid.toString() };
    };

    const a = await connect(alice);
    assert.match(a.jid, new RegExp(`^${alice.user}@${domain}/.+`));
    const b = await connect(bob);
    assert.match(b.jid, new RegExp(`^${bob.user}@${domain}/.+`));
    await a.xmpp.send(xml('presence', {}, xml('priority', {}, '1')));
    await b.xmpp.send(xml('presence', {}, xml('priority', {}, '1')));

    const text = `hello bob ${Date.now()} <&> ünïcødé`;
    const bobGets = nextMessage(b.xmpp);
    await a.xmpp.send(xml('message', { to: b.jid, type: 'chat' }, xml('body', {}, text)));
    const m1 = await within(STEP_MS, bobGets, "bob receives alice's message");
    assert.equal(m1.attrs.from, a.jid);
    assert.equal(m1.getChildText('body'), text);

    const aliceGets = nextMessage(a.xmpp);
    await b.xmpp.send(xml('message', { to: `${alice.user}@${domain}`, type: 'chat' }, xml('body', {}, 'hi alice')));
    const m2 = await within(STEP_MS, aliceGets, "alice receives bob's reply");
    assert.equal(m2.attrs.from, b.jid);
    assert.equal(m2.getChildText('body'), 'hi alice');

    // stop() sends <close/> and resolves once the server's <close/> and the socket close arrive.
    await within(STEP_MS, a.xmpp.stop(), 'alice closes');
    await within(STEP_MS, b.xmpp.stop(), 'bob closes');
    assert.equal(a.xmpp.status, 'offline');
    assert.equal(b.xmpp.status, 'offline');
});
