// SPDX-License-Identifier: GPL-3.0-or-later
// Switchboard's Web Push requests checked by independent implementations: the npm http_ece package
// decrypts the body with the subscription's private key (RFC 8291, RFC 8188), Node's crypto verifies the
// VAPID JWT with the public key from "k=" (RFC 8292), the key file is a PEM Node reads, and the npm
// web-push package's request for the same subscription and plaintext has the same structure (headers,
// aes128gcm header fields, body length).
//
// Needs SWITCHBOARD_PUSH_SAMPLE: the path of the switchboard-push-sample tool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ece = require('http_ece');
const webpush = require('web-push');

const tool = process.env.SWITCHBOARD_PUSH_SAMPLE;
assert.ok(tool, 'SWITCHBOARD_PUSH_SAMPLE must name the switchboard-push-sample tool');

const endpoint = 'https://push.example.net:8443/wpush/v2/abc';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-push-'));
const keyFile = path.join(dir, 'vapid.pem');
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

// A subscription as a browser makes it: a P-256 key pair and a 16-byte secret.
function browserSubscription() {
  const ua = crypto.createECDH('prime256v1');
  ua.generateKeys();
  const auth = crypto.randomBytes(16);
  return {
    ua,
    subscription: {
      endpoint,
      keys: { p256dh: ua.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
    },
  };
}

function switchboardRequest(subscription) {
  const out = execFileSync(tool, [subscription.endpoint, subscription.keys.p256dh, subscription.keys.auth, keyFile], {
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

function header(headers, name) {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : String(headers[key]);
}

function aes128gcmHeader(body) {
  return { salt: body.subarray(0, 16), rs: body.readUInt32BE(16), idlen: body[20], keyid: body.subarray(21, 21 + body[20]) };
}

function parseVapid(authorization) {
  const match = /^vapid t=([^,\s]+), k=([A-Za-z0-9_-]+)$/.exec(authorization);
  assert.ok(match, `Authorization is "vapid t=..., k=...": ${authorization}`);
  const [h, c, s] = match[1].split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url')),
    claims: JSON.parse(Buffer.from(c, 'base64url')),
    signingInput: Buffer.from(`${h}.${c}`),
    signature: Buffer.from(s, 'base64url'),
    k: match[2],
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

test('http_ece decrypts the body with the subscription private key', () => {
  const { ua, subscription } = browserSubscription();
  const request = switchboardRequest(subscription);
  const body = Buffer.from(request.body, 'base64url');
  const plaintext = ece.decrypt(body, { version: 'aes128gcm', privateKey: ua, authSecret: subscription.keys.auth });
  assert.equal(plaintext.toString('utf8'), request.plaintext);
  const notice = JSON.parse(plaintext);
  assert.equal(notice.session, 's-1');
  assert.equal(notice.last_seq, 17);
  assert.equal(notice.body, 'Wherefore art thou? \u263a');
  // A second message uses a new sender key and salt (RFC 8291 §3.1, RFC 8188 §4.1).
  const again = Buffer.from(switchboardRequest(subscription).body, 'base64url');
  assert.notDeepEqual(aes128gcmHeader(again).salt, aes128gcmHeader(body).salt);
  assert.notDeepEqual(aes128gcmHeader(again).keyid, aes128gcmHeader(body).keyid);
});

test('the VAPID JWT verifies with the public key', () => {
  const { subscription } = browserSubscription();
  const request = switchboardRequest(subscription);
  const jwt = parseVapid(header(request.headers, 'Authorization'));
  assert.equal(jwt.k, request.vapidPublicKey);
  assert.deepEqual(jwt.header, { typ: 'JWT', alg: 'ES256' });
  assert.equal(jwt.claims.aud, 'https://push.example.net:8443');
  assert.equal(jwt.claims.sub, 'mailto:ops@example.com');
  const now = Math.floor(Date.now() / 1000);
  assert.ok(jwt.claims.exp > now && jwt.claims.exp <= now + 24 * 3600, `exp ${jwt.claims.exp} within 24 h`);
  const key = publicKeyFromPoint(Buffer.from(jwt.k, 'base64url'));
  assert.equal(jwt.signature.length, 64); // R || S (RFC 7518 §3.4), not DER
  assert.ok(crypto.verify('sha256', jwt.signingInput, { key, dsaEncoding: 'ieee-p1363' }, jwt.signature));
  const tampered = Buffer.from(jwt.signingInput);
  tampered[tampered.length - 1] ^= 1;
  assert.ok(!crypto.verify('sha256', tampered, { key, dsaEncoding: 'ieee-p1363' }, jwt.signature));
  // The key file is a PEM private key whose public half is "k=".
  assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
  const stored = crypto.createPrivateKey(fs.readFileSync(keyFile));
  const jwk = crypto.createPublicKey(stored).export({ format: 'jwk' });
  assert.deepEqual(jwk, key.export({ format: 'jwk' }));
});

test('web-push builds a request of the same structure', () => {
  const { ua, subscription } = browserSubscription();
  const ours = switchboardRequest(subscription);
  const vapidKeys = webpush.generateVAPIDKeys();
  const theirs = webpush.generateRequestDetails(subscription, ours.plaintext, {
    TTL: 3600,
    urgency: 'high',
    contentEncoding: 'aes128gcm',
    vapidDetails: { subject: 'mailto:ops@example.com', publicKey: vapidKeys.publicKey, privateKey: vapidKeys.privateKey },
  });
  assert.equal(theirs.method, 'POST');
  assert.equal(theirs.endpoint, ours.url);
  for (const name of ['TTL', 'Urgency', 'Content-Encoding', 'Content-Type', 'Authorization']) {
    const value = header(theirs.headers, name);
    assert.ok(value !== undefined, `web-push sends ${name}`);
    if (name !== 'Authorization')
      assert.equal(header(ours.headers, name), value, name);
  }
  // The same kind of VAPID token: same header and claim names, same audience.
  const ourJwt = parseVapid(header(ours.headers, 'Authorization'));
  const theirJwt = parseVapid(header(theirs.headers, 'Authorization'));
  assert.deepEqual(Object.keys(ourJwt.header).sort(), Object.keys(theirJwt.header).sort());
  assert.equal(ourJwt.header.alg, theirJwt.header.alg);
  assert.deepEqual(Object.keys(ourJwt.claims).sort(), Object.keys(theirJwt.claims).sort());
  assert.equal(ourJwt.claims.aud, theirJwt.claims.aud);
  // The same aes128gcm layout and length for the same plaintext: salt, rs 4096, a 65-byte key id
  // holding an uncompressed point, one record with only the delimiter as padding.
  const ourBody = Buffer.from(ours.body, 'base64url');
  const theirBody = Buffer.from(theirs.body);
  const a = aes128gcmHeader(ourBody);
  const b = aes128gcmHeader(theirBody);
  assert.equal(a.rs, b.rs);
  assert.equal(a.rs, 4096);
  assert.equal(a.idlen, b.idlen);
  assert.equal(a.keyid[0], b.keyid[0]);
  assert.equal(ourBody.length, theirBody.length);
  // Both decrypt to the same plaintext with the same subscription key.
  const decrypt = (body) => ece.decrypt(body, { version: 'aes128gcm', privateKey: ua, authSecret: subscription.keys.auth });
  assert.equal(decrypt(theirBody).toString(), decrypt(ourBody).toString());
});
