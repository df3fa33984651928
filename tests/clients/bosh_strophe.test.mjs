// SPDX-License-Identifier: GPL-3.0-or-later
// strophe.js (the library most BOSH web clients use) logs two users in over BOSH, they exchange
// messages both ways, and both sign off cleanly.
//
// Environment: SWITCHBOARD_BOSH_URL (e.g. http://127.0.0.1:5280/http-bind/), XMPP_DOMAIN (localhost),
// XMPP_ACCOUNTS ("alice:pw bob:pw"). tests/clients/run-client-tests.sh sets all three.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { $msg, $pres, Strophe } from 'strophe.js';
import { destroyAgents } from './lib/xhr-shim.mjs';
import { assertNoProblems } from './lib/lint.mjs';
import { accountsFromEnv, bodyText, connectBosh, disconnect, nextStanza, within } from './lib/strophe-helpers.mjs';

const url = process.env.SWITCHBOARD_BOSH_URL;
const domain = process.env.XMPP_DOMAIN ?? 'localhost';
const [alice, bob] = accountsFromEnv();
const STEP_MS = 10000;

after(() => destroyAgents());

test('strophe.js over BOSH: login, message both ways, clean disconnect', { timeout: 60000 }, async (t) => {
    assert.ok(url, 'SWITCHBOARD_BOSH_URL must be set');
    assert.ok(alice && bob, 'XMPP_ACCOUNTS must name two accounts');

    const aliceConn = await within(STEP_MS, connectBosh(url, `${alice.user}@${domain}`, alice.password),
        'alice logs in');
    t.after(() => aliceConn.connected && aliceConn.reset());
    assert.ok(aliceConn.authenticated, 'alice is authenticated');
    assert.match(aliceConn.jid, new RegExp(`^${alice.user}@${domain}/.+`), 'alice has a bound full JID');

    const bobConn = await within(STEP_MS, connectBosh(url, `${bob.user}@${domain}`, bob.password), 'bob logs in');
    t.after(() => bobConn.connected && bobConn.reset());
    assert.match(bobConn.jid, new RegExp(`^${bob.user}@${domain}/.+`), 'bob has a bound full JID');

    // Available presence with a positive priority, so bare-JID messages reach the resources.
    aliceConn.send($pres().c('priority').t('1'));
    bobConn.send($pres().c('priority').t('1'));

    const text = `hello bob ${Date.now()} <&> ünïcødé`;
    const bobGets = nextStanza(bobConn, 'message', 'chat');
    aliceConn.send($msg({ to: bobConn.jid, type: 'chat' }).c('body').t(text));
    const m1 = await within(STEP_MS, bobGets, 'bob receives alice\'s message');
    assert.equal(Strophe.getBareJidFromJid(m1.getAttribute('from')), `${alice.user}@${domain}`);
    assert.equal(bodyText(m1), text, 'body arrives unchanged (escaping and UTF-8 survive)');

    const reply = 'hi alice';
    const aliceGets = nextStanza(aliceConn, 'message', 'chat');
    bobConn.send($msg({ to: `${alice.user}@${domain}`, type: 'chat' }).c('body').t(reply));
    const m2 = await within(STEP_MS, aliceGets, 'alice receives bob\'s reply');
    assert.equal(m2.getAttribute('from'), bobConn.jid);
    assert.equal(bodyText(m2), reply);

    const aliceStatuses = await within(STEP_MS, disconnect(aliceConn), 'alice disconnects');
    const bobStatuses = await within(STEP_MS, disconnect(bobConn), 'bob disconnects');
    for (const [who, statuses] of [['alice', aliceStatuses], ['bob', bobStatuses]]) {
        assert.ok(!statuses.some((s) => /CONNFAIL|ERROR|AUTHFAIL/.test(s)), `${who}: no failure status (${statuses})`);
        assert.equal(statuses.at(-1), 'DISCONNECTED', `${who} ends DISCONNECTED`);
    }
    assert.equal(aliceConn.connected, false);
    assert.equal(bobConn.connected, false);
    // A well-behaved client: the lint found nothing wrong in either session.
    await assertNoProblems(url);
});
