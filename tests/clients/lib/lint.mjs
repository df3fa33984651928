// SPDX-License-Identifier: GPL-3.0-or-later
// The client lint (docs/MONITORING.md, "Problems") seen from a client test: the problems Switchboard's
// /status.json lists.
import assert from 'node:assert/strict';

/**
 * Asserts that Switchboard, serving `serviceUrl` (its BOSH or WebSocket URL), runs the lint and lists no
 * problem. Skipped (returns false) when the URL is not Switchboard's (e.g. Prosody's own endpoints).
 */
export async function assertNoProblems(serviceUrl) {
    if (serviceUrl === process.env.PROSODY_BOSH_URL || serviceUrl === process.env.PROSODY_WS_URL) return false;
    const status = new URL(serviceUrl);
    status.protocol = status.protocol === 'wss:' ? 'https:' : status.protocol === 'ws:' ? 'http:' : status.protocol;
    status.pathname = '/status.json';
    status.search = '';
    const response = await fetch(status, { signal: AbortSignal.timeout(10000) });
    assert.equal(response.status, 200, 'status.json answers');
    const json = await response.json();
    assert.equal(json.lint, true, 'the lint runs (run-client-tests.sh sets lint = true)');
    assert.deepEqual(json.problems, {}, 'no protocol problem was found');
    return true;
}
