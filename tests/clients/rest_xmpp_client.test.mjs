// SPDX-License-Identifier: GPL-3.0-or-later
// A REST session (Node's fetch on Switchboard's /api/v1) and an @xmpp/client (xmpp.js) user over
// Switchboard's WebSocket talk to each other through a real Prosody: messages both ways, a long poll
// woken by the arriving message, a repeated `after` that returns the same events, and IQ round trips
// both ways (the REST session asks xmpp.js for its software version through /stanzas; xmpp.js pings
// the REST session, which Switchboard answers for it).
//
// Environment: SWITCHBOARD_REST_URL (e.g. http://127.0.0.1:5280/api/v1), SWITCHBOARD_WS_URL,
// XMPP_DOMAIN, XMPP_ACCOUNTS. tests/clients/run-client-tests.sh sets them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accountsFromEnv, within } from './lib/common.mjs';
import { call, parseXml, RestSession, tracked } from './lib/rest.mjs';
import { loadXmppClient, nextMessage } from './lib/xmppjs.mjs';

const { client, xml } = await loadXmppClient();

const rest = process.env.SWITCHBOARD_REST_URL;
const ws = process.env.SWITCHBOARD_WS_URL;
const domain = process.env.XMPP_DOMAIN ?? 'localhost';
const [alice, bob] = accountsFromEnv();
const STEP_MS = 10000;

test('REST session and @xmpp/client over WebSocket: messages both ways, long poll, repeated after, IQ round trips',
    { timeout: 90000, skip: !rest && 'SWITCHBOARD_REST_URL is not set (Switchboard not under test)' }, async (t) => {
        assert.ok(ws, 'SWITCHBOARD_WS_URL must be set');
        assert.ok(alice && bob, 'XMPP_ACCOUNTS must name two accounts');

        // No resource asked for: the server picks one, and the answer names it.
        const a = await within(STEP_MS, RestSession.login(rest, {
            jid: `${alice.user}@${domain}`, password: alice.password, presence: { status: 'via REST', priority: 1 },
        }), 'alice logs in over REST');
        t.after(() => a.call('', { method: 'DELETE' }).catch(() => {}));
        assert.match(a.jid, new RegExp(`^${alice.user}@${domain}/.+`));
        // The echo of alice's initial presence first (RFC 6121 §4.2.2): arriving later, it would
        // answer the long poll below that must wait.
        await within(STEP_MS, a.nextEvent((e) => e.kind === 'presence' && e.from === a.jid),
            'alice\'s initial presence comes back');
        await a.drain();

        const b = client({ service: ws, domain, username: bob.user, password: bob.password });
        b.on('error', () => {}); // surfaced through start()/stop() rejections
        t.after(() => b.status !== 'offline' && b.stop().catch(() => {}));
        // xmpp.js answers version requests (XEP-0092) through its IQ callee, like an application would.
        let versionsAnswered = 0;
        b.iqCallee.get('jabber:iq:version', 'query', () => {
            versionsAnswered++;
            return xml('query', { xmlns: 'jabber:iq:version' }, xml('name', {}, 'xmpp.js test'), xml('version', {}, '0.14'));
        });
        const bobJid = (await within(STEP_MS, b.start(), 'bob logs in over WebSocket')).toString();
        await b.send(xml('presence', {}, xml('priority', {}, '1')));

        // A long poll waiting with nothing pending is woken by bob's message.
        const before = a.next;
        const poll = tracked(a.events({ after: before, wait: 30 }));
        assert.equal((await call(`${rest}/openapi.json`)).status, 200);
        assert.equal(poll.settled, false, 'the poll waits while nothing is pending');
        const text = `hello REST ${Date.now()} <&> ünïcødé`;
        const started = Date.now();
        await b.send(xml('message', { to: a.jid, type: 'chat', id: 'ws-1' }, xml('body', {}, text)));
        const woken = await within(STEP_MS, poll.promise, 'the long poll answers with bob\'s message');
        assert.ok(Date.now() - started < 30000, 'answered on arrival, not at the end of the wait');
        const message = woken.events.find((e) => e.kind === 'message');
        assert.ok(message, `a message event (got ${JSON.stringify(woken.events)})`);
        assert.equal(message.from, bobJid);
        assert.equal(message.id, 'ws-1');
        assert.equal(message.body, text);

        // A lost answer loses nothing: the same `after` returns the same events; and so does a
        // limit of one, event by event.
        const again = await a.events({ after: before, wait: 0 });
        assert.deepEqual(again, woken, 'a repeated after returns the same answer');
        const one = await a.events({ after: before, wait: 0, limit: 1 });
        assert.deepEqual(one.events, woken.events.slice(0, 1));
        assert.equal(one.next, woken.events[0].seq);
        a.next = woken.next;

        // A second message, read by the helper that long-polls until it comes.
        const second = `second ${Date.now()}`;
        await b.send(xml('message', { to: a.jid, type: 'normal' }, xml('subject', {}, 'subj'), xml('body', {}, second)));
        const event = await within(STEP_MS, a.nextEvent((e) => e.kind === 'message'), 'the second message');
        assert.equal(event.body, second);
        assert.equal(event.subject, 'subj');
        assert.equal(event.type, 'normal');
        assert.ok(event.seq > woken.next, 'seq grows');

        // REST -> xmpp.js, with the message id the client chose.
        const bobGets = nextMessage(b);
        const reply = `hi bob ${Date.now()} "quoted" & 'apostrophes'`;
        const id = await a.message({ to: bobJid, body: reply, id: 'rest-1', thread: 'th-1' });
        assert.equal(id, 'rest-1');
        const m = await within(STEP_MS, bobGets, 'bob receives the REST message');
        assert.equal(m.attrs.from, a.jid);
        assert.equal(m.attrs.id, 'rest-1');
        assert.equal(m.attrs.type, 'chat');
        assert.equal(m.getChildText('body'), reply);
        assert.equal(m.getChildText('thread'), 'th-1');

        // An IQ round trip through /stanzas: the REST session asks bob's client for its version.
        const asked = await within(STEP_MS, a.stanza(
            `<iq type='get' id='v-bob' to='${bobJid}'><query xmlns='jabber:iq:version'/></iq>`, { timeout: 10 }),
        'bob\'s client answers the version request');
        assert.equal(asked.status, 200, asked.text);
        const result = parseXml(asked.text);
        assert.equal(result.getAttribute('type'), 'result');
        assert.equal(result.getAttribute('id'), 'v-bob');
        assert.equal(result.getAttribute('from'), bobJid);
        assert.equal(result.getElementsByTagName('name')[0]?.textContent, 'xmpp.js test');
        assert.equal(versionsAnswered, 1);

        // And xmpp.js pings the REST session (XEP-0199); Switchboard answers for it.
        const pong = await within(STEP_MS, b.iqCaller.request(
            xml('iq', { type: 'get', to: a.jid }, xml('ping', { xmlns: 'urn:xmpp:ping' }))), 'the REST session answers a ping');
        assert.equal(pong.attrs.type, 'result');
        assert.equal(pong.attrs.from, a.jid);

        // Logging out sends unavailable presence and ends the session.
        await a.logout();
        assert.equal((await a.call('/events')).status, 404);
        await within(STEP_MS, b.stop(), 'bob closes');
        assert.equal(b.status, 'offline');
    });
