// SPDX-License-Identifier: GPL-3.0-or-later
// Web Push through the REST gateway, received by an independent implementation: a REST session made with
// a browser-like subscription whose endpoint is an HTTPS receiver on loopback; a real message through
// Prosody makes Switchboard push; the npm http_ece package decrypts the payload with the subscription's
// private key (RFC 8291, RFC 8188) and Node's crypto verifies the VAPID JWT (RFC 8292, ES256) with the
// public key fetched from GET /api/v1/vapid. A 410 from the receiver drops the subscription: counted in
// /metrics, and no further push goes to it.
//
// Environment (run-client-tests.sh with SWITCHBOARD_CLIENT_PUSH=1): SWITCHBOARD_BOSH_URL (its origin is
// Switchboard's), XMPP_DOMAIN, XMPP_ACCOUNTS, PUSH_TEST_CERT and PUSH_TEST_KEY.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import { createRequire } from 'node:module';
import { accountsFromEnv, within } from './lib/common.mjs';

const require = createRequire(import.meta.url);
const ece = require('http_ece');

const base = new URL(process.env.SWITCHBOARD_BOSH_URL ?? 'http://127.0.0.1:5280/').origin;
const domain = process.env.XMPP_DOMAIN ?? 'localhost';
const [alice, bob] = accountsFromEnv();
const STEP_MS = 10000;

async function api(method, path, { body, token } = {}) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(base + '/api/v1' + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

async function metric(name) {
  const text = await (await fetch(base + '/metrics')).text();
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return line === undefined ? NaN : Number(line.slice(name.length + 1));
}

/** An HTTPS push service on loopback: keeps each request, answers with the next of `statuses` (201). */
function startReceiver() {
  const receiver = { requests: [], statuses: [], waiters: [] };
  const server = https.createServer(
    { cert: fs.readFileSync(process.env.PUSH_TEST_CERT), key: fs.readFileSync(process.env.PUSH_TEST_KEY) },
    (req, res) => {
      const chunks = [];
      let size = 0;
      req.on('data', (c) => {
        size += c.length;
        if (size > 65536) req.destroy();
        else chunks.push(c);
      });
      req.on('end', () => {
        const request = { path: req.url, headers: req.headers, body: Buffer.concat(chunks) };
        receiver.requests.push(request);
        res.writeHead(receiver.statuses.shift() ?? 201, { 'Content-Length': 0 }).end();
        for (const w of receiver.waiters.splice(0)) w();
      });
    },
  );
  receiver.server = server;
  receiver.listening = new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = (path) => `https://127.0.0.1:${server.address().port}${path}`;
  /** Resolves once `count` requests have arrived. */
  receiver.received = (count) =>
    new Promise((resolve) => {
      const check = () => (receiver.requests.length >= count ? resolve() : receiver.waiters.push(check));
      check();
    });
  return receiver;
}

/** A subscription as a browser makes it: a P-256 key pair and a 16-byte secret. */
function browserSubscription(endpoint) {
  const ua = crypto.createECDH('prime256v1');
  ua.generateKeys();
  return {
    ua,
    subscription: {
      endpoint,
      expirationTime: null,
      keys: { p256dh: ua.getPublicKey().toString('base64url'), auth: crypto.randomBytes(16).toString('base64url') },
    },
  };
}

function publicKeyFromPoint(point) {
  assert.equal(point.length, 65);
  assert.equal(point[0], 4);
  return crypto.createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
    format: 'jwk',
  });
}

/** Logs in and reads (acknowledges) the events of the login, up to the echo of its own presence. */
async function login(account, push) {
  const body = { jid: `${account.user}@${domain}`, password: account.password };
  if (push) body.push = push;
  const created = await api('POST', '/sessions', { body });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const session = { ...created.json, after: 0 };
  for (let i = 0; i < 10; ++i) {
    const { json } = await api('GET', `/sessions/${session.id}/events?after=${session.after}&wait=5`, { token: session.token });
    session.after = json.next;
    if (json.events.some((e) => e.kind === 'presence' && e.from === session.jid)) break;
  }
  await api('GET', `/sessions/${session.id}/events?after=${session.after}`, { token: session.token });
  return session;
}

/** Checks `condition` (async) until it holds, like QTRY_VERIFY: at most `ms`, then fails naming `step`. */
async function eventually(ms, condition, step) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms: ${step}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function send(from, to, text) {
  const r = await api('POST', `/sessions/${from.id}/messages`, { body: { to, body: text }, token: from.token });
  assert.equal(r.status, 202);
}

test('Web Push from a REST session: decrypted by http_ece, VAPID verified with /vapid; 410 drops it', { timeout: 90000 }, async (t) => {
  assert.ok(alice && bob, 'XMPP_ACCOUNTS must name two accounts');
  assert.ok(process.env.PUSH_TEST_CERT, 'PUSH_TEST_CERT must be set (SWITCHBOARD_CLIENT_PUSH=1)');
  const receiver = startReceiver();
  t.after(() => receiver.server.close());
  await receiver.listening;

  // The application server key, without a token.
  const vapid = await api('GET', '/vapid');
  assert.equal(vapid.status, 200);
  const serverKey = Buffer.from(vapid.json.publicKey, 'base64url');
  const verifyKey = publicKeyFromPoint(serverKey);

  const { ua, subscription } = browserSubscription(receiver.url('/wp/first'));
  const a = await login(alice, { type: 'webpush', subscription });
  t.after(() => api('DELETE', `/sessions/${a.id}`, { token: a.token }));
  const b = await login(bob);
  t.after(() => api('DELETE', `/sessions/${b.id}`, { token: b.token }));

  // A real message through Prosody; nobody polls, so Switchboard pushes.
  await send(b, `${alice.user}@${domain}`, 'wake up');
  await within(STEP_MS, receiver.received(1), 'the first push arrives');
  const push = receiver.requests[0];
  assert.equal(push.path, '/wp/first');
  assert.equal(push.headers['content-encoding'], 'aes128gcm');
  assert.ok(Number(push.headers.ttl) > 0, 'TTL header (RFC 8030 §5.2)');

  // The payload: decrypted by an independent RFC 8291 implementation with the subscription's key.
  const notice = JSON.parse(ece.decrypt(push.body, { version: 'aes128gcm', privateKey: ua, authSecret: subscription.keys.auth }).toString('utf8'));
  assert.equal(notice.session, a.id);
  assert.ok(notice.pending >= 1);
  assert.equal(notice.body, undefined, 'no content unless "include" asks for it');

  // VAPID: "vapid t=<jwt>, k=<key>", k is the key /vapid served, the ES256 signature verifies with it.
  const match = /^vapid t=([^,\s]+), k=([A-Za-z0-9_-]+)$/.exec(push.headers.authorization);
  assert.ok(match, push.headers.authorization);
  assert.equal(match[2], vapid.json.publicKey);
  const [h, c, s] = match[1].split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url'));
  const claims = JSON.parse(Buffer.from(c, 'base64url'));
  assert.equal(header.alg, 'ES256');
  assert.equal(claims.aud, new URL(receiver.url('/')).origin);
  const now = Date.now() / 1000;
  assert.ok(claims.exp > now && claims.exp <= now + 24 * 3600, `exp within 24 h: ${claims.exp}`);
  assert.ok(typeof claims.sub === 'string' && claims.sub.length > 0);
  const signature = Buffer.from(s, 'base64url');
  assert.ok(crypto.verify('sha256', Buffer.from(`${h}.${c}`), { key: verifyKey, dsaEncoding: 'ieee-p1363' }, signature));
  const tampered = Buffer.from(`${h}.${c}`);
  tampered[tampered.length - 1] ^= 1;
  assert.ok(!crypto.verify('sha256', tampered, { key: verifyKey, dsaEncoding: 'ieee-p1363' }, signature));

  // The push told the truth: the event it names is the message.
  const read = await api('GET', `/sessions/${a.id}/events?after=${a.after}`, { token: a.token });
  const message = read.json.events.find((e) => e.seq === notice.last_seq);
  assert.ok(message, `event ${notice.last_seq} is there`);
  assert.equal(message.kind, 'message');
  assert.equal(message.body, 'wake up');
  a.after = read.json.next;
  await api('GET', `/sessions/${a.id}/events?after=${a.after}`, { token: a.token }); // acknowledged

  // The push service says the subscription is gone: dropped and counted.
  const goneBefore = await metric('switchboard_push_gone_total');
  receiver.statuses.push(410);
  await send(b, `${alice.user}@${domain}`, 'to a gone subscription');
  await within(STEP_MS, receiver.received(2), 'the second push arrives (answered 410)');
  assert.equal(receiver.requests[1].path, '/wp/first');
  await eventually(STEP_MS, async () => (await metric('switchboard_push_gone_total')) === goneBefore + 1,
    'the gone subscription is counted');

  // No more pushes to it: a message now pushes nothing; a new subscription then gets the next one,
  // naming both unread messages since the acknowledgement.
  const seen = await api('GET', `/sessions/${a.id}/events?after=${a.after}`, { token: a.token });
  a.after = seen.json.next;
  await api('GET', `/sessions/${a.id}/events?after=${a.after}`, { token: a.token });
  await send(b, `${alice.user}@${domain}`, 'nobody is told');
  await eventually(STEP_MS, async () => {
    const r = await api('GET', `/sessions/${a.id}/events?after=${a.after}&wait=5`, { token: a.token });
    return r.json.events.some((e) => e.kind === 'message');
  }, 'the untold message arrives');
  const second = browserSubscription(receiver.url('/wp/second'));
  const put = await api('PUT', `/sessions/${a.id}/push`, { body: { type: 'webpush', subscription: second.subscription }, token: a.token });
  assert.equal(put.status, 204);
  await send(b, `${alice.user}@${domain}`, 'told again');
  await within(STEP_MS, receiver.received(3), 'the push to the new subscription arrives');
  assert.equal(receiver.requests.length, 3);
  assert.equal(receiver.requests[2].path, '/wp/second');
  const last = JSON.parse(ece.decrypt(receiver.requests[2].body, { version: 'aes128gcm', privateKey: second.ua, authSecret: second.subscription.keys.auth }).toString('utf8'));
  assert.equal(last.pending, 2);
});
