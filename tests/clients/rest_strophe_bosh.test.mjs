// SPDX-License-Identifier: GPL-3.0-or-later
// A REST session (Node's fetch on Switchboard's /api/v1) and a strophe.js user over Switchboard's BOSH
// talk to each other through a real Prosody: messages both ways, a long poll woken by the arriving
// message, a repeated `after` that returns the same events, and IQ round trips both ways (the REST
// session pings strophe.js through /stanzas; strophe.js asks the REST session's version, which
// Switchboard answers for it).
//
// Environment: SWITCHBOARD_REST_URL (e.g. http://127.0.0.1:5280/api/v1), SWITCHBOARD_BOSH_URL,
// XMPP_DOMAIN, XMPP_ACCOUNTS. tests/clients/run-client-tests.sh sets them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { $iq, $msg, $pres, Strophe } from 'strophe.js';
import { destroyAgents } from './lib/xhr-shim.mjs';
import { accountsFromEnv, bodyText, connectBosh, disconnect, nextStanza, within } from './lib/strophe-helpers.mjs';
import { call, parseXml, RestSession, tracked } from './lib/rest.mjs';

const rest = process.env.SWITCHBOARD_REST_URL;
const bosh = process.env.SWITCHBOARD_BOSH_URL;
const domain = process.env.XMPP_DOMAIN ?? 'localhost';
const [alice, bob] = accountsFromEnv();
const STEP_MS = 10000;

after(() => destroyAgents());

/** Sends an IQ with strophe.js and resolves with the result element (rejects on error or timeout). */
function sendIq(conn, iq) {
    return new Promise((resolve, reject) => conn.sendIQ(iq, resolve, (e) => reject(new Error(`IQ failed: ${e}`)), STEP_MS));
}

test('REST session and strophe.js over BOSH: messages both ways, long poll, repeated after, IQ round trips',
    { timeout: 90000, skip: !rest && 'SWITCHBOARD_REST_URL is not set (Switchboard not under test)' }, async (t) => {
        assert.ok(bosh, 'SWITCHBOARD_BOSH_URL must be set');
        assert.ok(alice && bob, 'XMPP_ACCOUNTS must name two accounts');

        const a = await within(STEP_MS, RestSession.login(rest, {
            jid: `${alice.user}@${domain}`, password: alice.password, resource: 'rest-strophe',
        }), 'alice logs in over REST');
        t.after(() => a.call('', { method: 'DELETE' }).catch(() => {}));
        assert.equal(a.jid, `${alice.user}@${domain}/rest-strophe`, 'the bound full JID is the requested resource');
        // The roster answer is the first event; read and acknowledge whatever came with the login.
        await a.drain();

        const b = await within(STEP_MS, connectBosh(bosh, `${bob.user}@${domain}`, bob.password), 'bob logs in over BOSH');
        t.after(() => b.connected && b.reset());
        b.send($pres().c('priority').t('1'));
        // strophe.js answers pings (XEP-0199) from its handler, like any client would.
        let pingsAnswered = 0;
        b.addHandler((iq) => {
            pingsAnswered++;
            b.send($iq({ type: 'result', to: iq.getAttribute('from'), id: iq.getAttribute('id') }));
            return true;
        }, 'urn:xmpp:ping', 'iq', 'get');

        // A long poll waiting with nothing pending is woken by bob's message.
        const before = a.next;
        const poll = tracked(a.events({ after: before, wait: 30 }));
        // Another call answered by Switchboard in the meantime: the poll was not answered early.
        assert.equal((await call(`${rest}/openapi.json`)).status, 200);
        assert.equal(poll.settled, false, 'the poll waits while nothing is pending');
        const text = `hello REST ${Date.now()} <&> ünïcødé`;
        const started = Date.now();
        b.send($msg({ to: a.jid, type: 'chat', id: 'bosh-1' }).c('body').t(text));
        const woken = await within(STEP_MS, poll.promise, 'the long poll answers with bob\'s message');
        assert.ok(Date.now() - started < 30000, 'answered on arrival, not at the end of the wait');
        const message = woken.events.find((e) => e.kind === 'message');
        assert.ok(message, `a message event (got ${JSON.stringify(woken.events)})`);
        assert.equal(message.from, b.jid);
        assert.equal(message.to, a.jid);
        assert.equal(message.type, 'chat');
        assert.equal(message.id, 'bosh-1');
        assert.equal(message.body, text, 'body arrives unchanged (escaping and UTF-8 survive)');
        assert.equal(parseXml(message.xml).getElementsByTagName('body')[0].textContent, text);
        assert.equal(woken.next, woken.events.at(-1).seq);

        // The same `after` again: the same events, because nothing after `before` was acknowledged.
        const again = await a.events({ after: before, wait: 0 });
        assert.deepEqual(again.events, woken.events, 'a repeated after returns the same events');
        assert.equal(again.next, woken.next);
        // Acknowledged by the next `after`: gone.
        const later = await a.events({ after: woken.next, wait: 0 });
        assert.deepEqual(later.events.filter((e) => e.seq <= woken.next), []);
        a.next = woken.next;

        // What XML cannot carry is refused with the field named, and the session's stream stays up (the
        // message below still goes through): a NUL in a body, a comment in a stanza (RFC 6120 §11.1).
        const nul = await a.call('/messages', { method: 'POST', body: { to: b.jid, body: 'a\u0000b' } });
        assert.equal(nul.status, 400, nul.text);
        assert.equal(nul.json.field, 'body');
        const comment = await a.stanza(`<message to='${b.jid}'><!-- c --><body>x</body></message>`);
        assert.equal(comment.status, 400, comment.text);
        assert.equal(comment.json.field, 'stanza');

        // REST -> strophe.js.
        const bobGets = nextStanza(b, 'message', 'chat');
        const reply = `hi bob <3 ${Date.now()}`;
        const id = await a.message({ to: b.jid, body: reply, subject: 'from REST' });
        const m = await within(STEP_MS, bobGets, 'bob receives the REST message');
        assert.equal(m.getAttribute('from'), a.jid);
        assert.equal(m.getAttribute('id'), id);
        assert.equal(bodyText(m), reply);
        assert.equal(m.getElementsByTagName('subject')[0]?.textContent, 'from REST');

        // An IQ round trip through /stanzas: the REST session pings bob's client, which answers.
        const pinged = await within(STEP_MS, a.stanza(
            `<iq type='get' id='ping-bob' to='${b.jid}'><ping xmlns='urn:xmpp:ping'/></iq>`, { timeout: 10 }),
        'the ping to bob is answered');
        assert.equal(pinged.status, 200, pinged.text);
        assert.match(pinged.headers.get('content-type'), /^application\/xmpp\+xml/);
        const result = parseXml(pinged.text);
        assert.equal(result.tagName, 'iq');
        assert.equal(result.getAttribute('type'), 'result');
        assert.equal(result.getAttribute('id'), 'ping-bob');
        assert.equal(result.getAttribute('from'), b.jid);
        assert.equal(pingsAnswered, 1);

        // And the other way: bob's client asks the REST session for its software version (XEP-0092);
        // Switchboard answers for the session.
        const version = await within(STEP_MS, sendIq(b, $iq({ type: 'get', to: a.jid }).c('query', { xmlns: 'jabber:iq:version' })),
            'the REST session answers a version request');
        assert.equal(version.getAttribute('from'), a.jid);
        assert.equal(version.getElementsByTagName('name')[0]?.textContent, 'Switchboard');

        // Logging out ends the session: its URL is gone.
        await a.logout();
        assert.equal((await a.call('/events')).status, 404);
        const statuses = await within(STEP_MS, disconnect(b), 'bob disconnects');
        assert.equal(statuses.at(-1), 'DISCONNECTED');
        assert.ok(!statuses.some((s) => /CONNFAIL|ERROR|AUTHFAIL/.test(s)), `bob: no failure status (${statuses})`);
    });
