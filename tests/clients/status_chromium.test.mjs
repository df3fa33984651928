// SPDX-License-Identifier: GPL-3.0-or-later
// The headless status page in a real browser: Debian's Chromium (headless, driven by playwright-core)
// opens /status while an @xmpp/client user is logged in over WebSocket and a raw BOSH session with a
// hostile user agent is open; the session table renders both, from /status.json, and shows the
// user agent as text, never as markup.
//
// Environment: SWITCHBOARD_BOSH_URL, SWITCHBOARD_WS_URL, XMPP_DOMAIN, XMPP_ACCOUNTS;
// CHROMIUM (default /usr/bin/chromium).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountsFromEnv, within } from './lib/common.mjs';
import { loadXmppClient } from './lib/xmppjs.mjs';

const { client } = await loadXmppClient();
const { chromium } = await import('playwright-core');

const boshUrl = process.env.SWITCHBOARD_BOSH_URL;
const wsUrl = process.env.SWITCHBOARD_WS_URL;
const domain = process.env.XMPP_DOMAIN ?? 'localhost';
const [alice] = accountsFromEnv();
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const STEP_MS = 15000;
const HOSTILE_UA = '<img id="injected" src="x" onerror="document.title=\'pwned\'">Evil/1.0';

test('status page in headless Chromium renders live sessions', { timeout: 90000 }, async (t) => {
    assert.ok(boshUrl && wsUrl, 'SWITCHBOARD_BOSH_URL and SWITCHBOARD_WS_URL must be set');
    const statusUrl = new URL('/status', boshUrl).toString();
    const probe = await fetch(statusUrl);
    if (probe.status === 404) {
        t.skip('no /status here (not Switchboard?)');
        return;
    }
    assert.equal(probe.status, 200, 'the status page answers loopback clients');
    if (!existsSync(chromiumPath)) {
        t.skip(`no Chromium at ${chromiumPath}`);
        return;
    }

    // A live WebSocket session with a bound JID.
    const xmpp = client({ service: wsUrl, domain, username: alice.user, password: alice.password, resource: 'status' });
    xmpp.on('error', () => {});
    t.after(() => xmpp.status !== 'offline' && xmpp.stop().catch(() => {}));
    const jid = (await within(STEP_MS, xmpp.start(), 'alice logs in over WebSocket')).toString();

    // A BOSH session whose user agent (the `ua` attribute) is markup.
    const escapeAttr = (s) => s.replace(/&/g, '&amp;').replace(/'/g, '&apos;').replace(/</g, '&lt;');
    const created = await fetch(boshUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml; charset=utf-8' },
        body: `<body xmlns='http://jabber.org/protocol/httpbind' rid='4000' to='${domain}' wait='30' hold='1' ` +
              `ver='1.6' xmpp:version='1.0' xmlns:xmpp='urn:xmpp:xbosh' ua='${escapeAttr(HOSTILE_UA)}'/>`,
    });
    const sid = /sid=['"]([^'"]+)['"]/.exec(await created.text())?.[1];
    assert.ok(sid, 'the BOSH session was created');
    t.after(() => fetch(boshUrl, {
        method: 'POST',
        body: `<body xmlns='http://jabber.org/protocol/httpbind' rid='4001' sid='${sid}' type='terminate'/>`,
    }).catch(() => {}));

    const profile = mkdtempSync(join(tmpdir(), 'switchboard-chromium-'));
    t.after(() => rmSync(profile, { recursive: true, force: true }));
    // A fresh profile directory (playwright passes it as --user-data-dir).
    const context = await chromium.launchPersistentContext(profile, {
        executablePath: chromiumPath,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    t.after(() => context.close());
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    const response = await page.goto(statusUrl);
    assert.equal(response.status(), 200);
    assert.equal(await page.title(), 'Switchboard status');

    // The table fills from /status.json (first load, or a refresh a moment later).
    const wsRow = page.locator('#sessions tbody tr', { has: page.locator('td.jid', { hasText: jid }) });
    await wsRow.first().waitFor({ timeout: STEP_MS });
    const cells = await wsRow.first().locator('td').allTextContents();
    assert.equal(cells[1], 'websocket');
    assert.equal(cells[2], '127.0.0.1');
    assert.equal(cells[4], domain);
    assert.match(cells[5], /^127\.0\.0\.1:\d+$/, 'the backend address');
    assert.ok(Number(cells[12]) > 0, 'stanzas toward the client were counted');

    const boshRow = page.locator(`#sessions tbody tr[data-id="${sid}"]`);
    await boshRow.waitFor({ timeout: STEP_MS });
    const boshCells = await boshRow.locator('td').allTextContents();
    assert.equal(boshCells[1], 'bosh');
    assert.equal(boshCells[3], HOSTILE_UA, 'the user agent shows as text');
    assert.equal(await page.locator('#injected').count(), 0, 'no element was injected');
    assert.notEqual(await page.title(), 'pwned');

    // The overview counts both transports.
    const overview = await page.locator('#overview').textContent();
    assert.match(overview, /BOSH sessions/);
    assert.match(overview, /WebSocket sessions/);
    assert.deepEqual(pageErrors, []);
});
