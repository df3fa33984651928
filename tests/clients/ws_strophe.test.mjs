// SPDX-License-Identifier: GPL-3.0-or-later
// strophe.js over XMPP-over-WebSocket (RFC 7395): two users log in through Switchboard's WebSocket
// endpoint, exchange messages both ways and close their streams cleanly.
//
// Environment: SWITCHBOARD_WS_URL (e.g. ws://127.0.0.1:5280/xmpp-websocket), XMPP_DOMAIN, XMPP_ACCOUNTS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { $msg, $pres, Strophe } from 'strophe.js';
import { assertNoProblems } from './lib/lint.mjs';
import { accountsFromEnv, bodyText, connectBosh as connect, disconnect, nextStanza, within } from './lib/strophe-helpers.mjs';

const url = process.env.SWITCHBOARD_WS_URL;
const domain = process.env.XMPP_DOMAIN ?? 'localhost';
const [alice, bob] = accountsFromEnv();
const STEP_MS = 10000;

test('strophe.js over WebSocket: login, message both ways, clean close', { timeout: 60000 }, async (t) => {
    assert.ok(url?.startsWith('ws'), 'SWITCHBOARD_WS_URL must be a ws:// URL');
    assert.ok(alice && bob, 'XMPP_ACCOUNTS must name two accounts');

    // Strophe picks its WebSocket transport from the ws:// scheme.
    const aliceConn = await within(STEP_MS, connect(url, `${alice.user}@${domain}`, alice.password), 'alice logs in');
    t.after(() => aliceConn.connected && aliceConn.reset());
    assert.equal(aliceConn._proto.constructor.name, 'Websocket', 'strophe uses its WebSocket transport');
    assert.match(aliceConn.jid, new RegExp(`^${alice.user}@${domain}/.+`), 'alice has a bound full JID');

    const bobConn = await within(STEP_MS, connect(url, `${bob.user}@${domain}`, bob.password), 'bob logs in');
    t.after(() => bobConn.connected && bobConn.reset());

    aliceConn.send($pres().c('priority').t('1'));
    bobConn.send($pres().c('priority').t('1'));

    const text = `over websocket ${Date.now()} <&> ünïcødé`;
    const bobGets = nextStanza(bobConn, 'message', 'chat');
    aliceConn.send($msg({ to: bobConn.jid, type: 'chat' }).c('body').t(text));
    const m1 = await within(STEP_MS, bobGets, 'bob receives alice\'s message');
    assert.equal(m1.getAttribute('from'), aliceConn.jid);
    assert.equal(bodyText(m1), text, 'body arrives unchanged (escaping and UTF-8 survive)');

    const aliceGets = nextStanza(aliceConn, 'message', 'chat');
    bobConn.send($msg({ to: aliceConn.jid, type: 'chat' }).c('body').t('hi alice'));
    const m2 = await within(STEP_MS, aliceGets, 'alice receives bob\'s reply');
    assert.equal(m2.getAttribute('from'), bobConn.jid);
    assert.equal(bodyText(m2), 'hi alice');

    for (const [who, conn] of [['alice', aliceConn], ['bob', bobConn]]) {
        const statuses = await within(STEP_MS, disconnect(conn), `${who} disconnects`);
        assert.ok(!statuses.some((s) => /CONNFAIL|ERROR|AUTHFAIL/.test(s)), `${who}: no failure status (${statuses})`);
        assert.equal(statuses.at(-1), 'DISCONNECTED', `${who} ends DISCONNECTED`);
    }
    // A well-behaved client: the lint found nothing wrong in either session.
    await assertNoProblems(url);
});
