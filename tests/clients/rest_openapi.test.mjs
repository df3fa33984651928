// SPDX-License-Identifier: GPL-3.0-or-later
// docs/openapi.json, the REST gateway's API description: valid OpenAPI by an independent validator
// (@seriousme/openapi-schema-validator, the JSON Schemas of the OpenAPI Initiative), served unchanged
// at GET /api/v1/openapi.json, and in step with the routes a running Switchboard answers: every
// documented operation is routed (neither 404 nor 405), and every other method on a documented path is
// refused with 405 and an Allow header naming exactly the documented ones.
//
// Environment: SWITCHBOARD_REST_URL (e.g. http://127.0.0.1:5280/api/v1), XMPP_DOMAIN, XMPP_ACCOUNTS.
// The validation alone runs without them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { accountsFromEnv } from './lib/common.mjs';
import { call, RestSession } from './lib/rest.mjs';

const rest = process.env.SWITCHBOARD_REST_URL;
const domain = process.env.XMPP_DOMAIN ?? 'localhost';
const [alice] = accountsFromEnv();
const file = new URL('../../docs/openapi.json', import.meta.url);
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
// Methods probed on every path; HEAD and OPTIONS are left out (HTTP answers them for any GET or CORS).
const PROBED = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH'];

const text = await readFile(file, 'utf8');
const document = JSON.parse(text);

test('docs/openapi.json is a valid OpenAPI 3 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    assert.equal(result.valid, true, `validation errors: ${JSON.stringify(result.errors, null, 2)}`);
    assert.match(validator.version, /^3\./, 'OpenAPI 3');
    // The validator does catch mistakes: the same document with an operation lacking its responses.
    const broken = structuredClone(document);
    const [path, item] = Object.entries(broken.paths)[0];
    delete item[METHODS.find((m) => item[m])].responses;
    assert.equal((await new Validator().validate(broken)).valid, false, `${path} without responses is refused`);
});

test('the document served at /openapi.json is the file', { skip: !rest && 'SWITCHBOARD_REST_URL is not set' }, async () => {
    const answer = await call(`${rest}/openapi.json`);
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type'), /^application\/json/);
    assert.equal(answer.text, text, 'byte for byte');
    assert.equal(document.servers?.[0]?.url, new URL(rest).pathname, 'servers[0] is the REST base path');
});

test('every documented operation is routed, and nothing else on its path',
    { timeout: 60000, skip: !rest && 'SWITCHBOARD_REST_URL is not set' }, async (t) => {
        assert.ok(alice, 'XMPP_ACCOUNTS must name an account');
        const session = await RestSession.login(rest, { jid: `${alice.user}@${domain}`, password: alice.password });
        t.after(() => session.call('', { method: 'DELETE' }).catch(() => {}));
        // Path parameters: the session's id for {id}, a plausible value for any other.
        const concrete = (path) => path.replace(/\{([^}]+)\}/g, (_, name) =>
            encodeURIComponent(name === 'id' ? session.id : `${alice.user}@${domain}`));
        const operations = [];
        for (const [path, item] of Object.entries(document.paths)) {
            const documented = METHODS.filter((m) => item[m]).map((m) => m.toUpperCase());
            assert.ok(documented.length > 0, `${path} documents an operation`);
            for (const method of PROBED) operations.push({ path, method, documented });
        }
        // Documented DELETEs last, the longest paths first: deleting /sessions/{id} ends the session every
        // other call uses, deleting a part of it (…/push) does not.
        const ending = (o) => o.method === 'DELETE' && o.documented.includes('DELETE');
        operations.sort((x, y) => ending(x) - ending(y) || (ending(x) ? y.path.length - x.path.length : 0));
        const failures = [];
        for (const { path, method, documented } of operations) {
            // A JSON object that is not a valid request for any call: refused as a bad body (400),
            // not as an unknown route. GET and DELETE carry no body.
            const body = method === 'GET' || method === 'DELETE' ? undefined : '{}';
            const answer = await call(rest + concrete(path), { method, token: session.token, body });
            const what = `${method} ${path}: ${answer.status} ${answer.text.slice(0, 200)}`;
            if (documented.includes(method)) {
                if (answer.status === 404 || answer.status === 405) failures.push(`documented but not routed: ${what}`);
            } else {
                const allow = (answer.headers.get('allow') ?? '').split(',').map((m) => m.trim().toUpperCase())
                    .filter((m) => m && m !== 'HEAD' && m !== 'OPTIONS');
                if (answer.status !== 405) failures.push(`not documented but answered: ${what}`);
                else if ([...allow].sort().join() !== documented.filter((m) => m !== 'HEAD' && m !== 'OPTIONS').sort().join())
                    failures.push(`Allow: ${allow} but documented: ${documented} on ${path}`);
            }
        }
        // And a path nobody documents is not found: the probe can tell routed from unrouted.
        const unknown = await call(`${rest}/sessions/${encodeURIComponent(session.id)}/no-such-call`, { token: session.token });
        assert.equal(unknown.status, 404);
        assert.deepEqual(failures, []);
    });
