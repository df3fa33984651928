// SPDX-License-Identifier: GPL-3.0-or-later
// Two Switchboard nodes behind a real HAProxy 2.6 running deploy/haproxy.cfg (loopback addresses and
// faster health checks put in), one Prosody behind them (docs/SCALING.md):
//   - strophe.js over BOSH and @xmpp/client over WebSocket log in through HAProxy; session ids name their
//     node, and every BOSH request of a session lands on that node (HAProxy's log says which took it);
//   - each node's status page shows the real client addresses (each client leaves from its own loopback
//     address, HAProxy connects from 127.0.0.9 and passes the client on with the PROXY protocol);
//   - a draining node (SIGUSR1: /healthz answers 503) takes no new session while its own carry on and end;
//   - a killed node's clients get a terminal condition (BOSH: remote-connection-failed, from HAProxy;
//     WebSocket: the connection drops), log in again, land on the other node and carry on;
//   - with no node left, HAProxy itself answers a BOSH request with remote-connection-failed.
//
// Run by run-client-tests.sh with SWITCHBOARD_CLIENT_NODES=1: SWITCHBOARD_BINARY, PROSODY_C2S_PORT,
// SWITCHBOARD_SOURCE_DIR, XMPP_DOMAIN and XMPP_ACCOUNTS. SCALING_KEEP_LOG=FILE keeps HAProxy's log there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { $msg, $pres, Strophe } from 'strophe.js';
import { destroyAgents, setLocalAddress } from './lib/xhr-shim.mjs';
import { accountsFromEnv, bodyText, connectBosh, disconnect, nextStanza, within } from './lib/strophe-helpers.mjs';
import { loadXmppClient, nextMessage } from './lib/xmppjs.mjs';

const binary = process.env.SWITCHBOARD_BINARY;
const c2sPort = process.env.PROSODY_C2S_PORT;
const sourceDir = process.env.SWITCHBOARD_SOURCE_DIR;
const domain = process.env.XMPP_DOMAIN ?? 'localhost';
const [alice, bob] = accountsFromEnv();
const STEP_MS = 10000;
/** The address HAProxy connects to the nodes from: their one trusted proxy. */
const PROXY_ADDRESS = '127.0.0.9';
const NODES = ['sb1', 'sb2'];

// WebSocket clients leave from the address their URL's `from` query names (loopback has all of 127/8).
class SourcedWebSocket extends WebSocket {
    constructor(url, protocols) {
        super(url, protocols, { localAddress: new URL(url).searchParams.get('from') ?? undefined });
    }
}
const { client: xmppClient, xml } = await loadXmppClient(SourcedWebSocket);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-scaling-'));
const nodes = {}; // node id -> { port, process, log }
let front = 0;
let haproxy = null;
let haproxyLog = '';
const haproxySocket = path.join(work, 'haproxy.sock');
let nextAddress = 2;
const cleanups = [];

function freePort() {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once('error', reject);
        // Below the ephemeral range, where a test's outgoing sockets could take it meanwhile.
        server.listen(10000 + Math.floor(Math.random() * 22000), '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    }).catch(() => freePort());
}

async function waitFor(condition, ms, step) {
    const deadline = Date.now() + ms;
    for (;;) {
        const value = await condition();
        if (value) return value;
        if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms: ${step}`);
        await new Promise((r) => setTimeout(r, 50));
    }
}

/** One command on HAProxy's runtime API. */
function haproxyCommand(command) {
    return new Promise((resolve, reject) => {
        const socket = net.connect(haproxySocket);
        socket.setTimeout(STEP_MS, () => socket.destroy(new Error(`HAProxy did not answer '${command}'`)));
        let answer = '';
        socket.on('connect', () => socket.write(command + '\n'));
        socket.on('data', (d) => (answer += d));
        socket.on('end', () => resolve(answer));
        socket.on('error', reject);
    });
}

/** HAProxy's view of a node: "UP", "DOWN", ... */
async function serverStatus(node) {
    const lines = (await haproxyCommand('show stat')).split('\n');
    const columns = lines[0].replace(/^# /, '').split(',');
    const row = lines.map((l) => l.split(',')).find((f) => f[0] === 'switchboard' && f[1] === node);
    return row?.[columns.indexOf('status')] ?? '';
}

/**
 * A GET straight to a node, as HAProxy would send it: from the trusted proxy address, with a PROXY v1
 * header naming a loopback client (the monitor answers loopback clients).
 */
function nodeGet(node, target) {
    return new Promise((resolve, reject) => {
        const socket = net.connect({ host: '127.0.0.1', port: nodes[node].port, localAddress: PROXY_ADDRESS });
        socket.setTimeout(STEP_MS, () => socket.destroy(new Error(`${node} did not answer GET ${target}`)));
        let input = '';
        socket.on('connect', () =>
            socket.write(
                `PROXY TCP4 127.0.0.1 127.0.0.1 40000 ${nodes[node].port}\r\n` +
                    `GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
            ),
        );
        socket.on('data', (d) => (input += d));
        socket.on('end', () => {
            const split = input.indexOf('\r\n\r\n');
            resolve({ status: Number(input.slice(9, 12)), body: input.slice(split + 4) });
        });
        socket.on('error', reject);
    });
}

async function sessionsOn(node) {
    const answer = await nodeGet(node, '/status.json');
    assert.equal(answer.status, 200, `${node} /status.json: ${answer.body}`);
    return JSON.parse(answer.body).sessions;
}

/** A raw BOSH POST through HAProxy; resolves with the HTTP status and body. */
function frontPost(body) {
    return fetch(`http://127.0.0.1:${front}/http-bind/`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml; charset=utf-8' },
        body,
        signal: AbortSignal.timeout(STEP_MS),
    }).then(async (r) => ({ status: r.status, body: await r.text() }));
}

function startNode(node) {
    return (async () => {
        const port = await freePort();
        const child = spawn(
            binary,
            [
                '--no-gui', '--host', '127.0.0.1', '--port', String(port), '--path', '/http-bind/',
                '--route', `localhost=127.0.0.1:${c2sPort}`, '--no-tls-domain', 'localhost',
                '--set', `node_id=${node}`, '--set', 'proxy_protocol=true', '--set', `trusted_proxies=${PROXY_ADDRESS}`,
                '--set', 'rest_store=off', '--set', `vapid_key_file=${path.join(work, node + '-vapid.pem')}`,
            ],
            { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        const entry = { port, process: child, log: '', exited: false };
        child.stdout.on('data', (d) => (entry.log += d));
        child.stderr.on('data', (d) => (entry.log += d));
        child.on('exit', () => (entry.exited = true));
        nodes[node] = entry;
        await waitFor(() => entry.log.includes('BOSH at') || entry.exited, STEP_MS, `${node} starts`);
        assert.ok(!entry.exited, `${node} exited: ${entry.log}`);
    })();
}

/** deploy/haproxy.cfg with this test's addresses; every replaced line must be there. */
function haproxyConfig() {
    let text = fs.readFileSync(path.join(sourceDir, 'deploy/haproxy.cfg'), 'utf8');
    const replace = (from, to) => {
        assert.ok(text.includes(from), `deploy/haproxy.cfg no longer has "${from}"`);
        text = text.split(from).join(to);
    };
    replace('    log /dev/log local0\n', `    log stdout format raw local0\n    stats socket ${haproxySocket} mode 600 level admin\n`);
    replace('    maxconn 200000\n', '    maxconn 2000\n'); // within the test's descriptor limit
    replace('    user haproxy\n', '');
    replace('    group haproxy\n', '');
    replace('    daemon\n', '');
    replace('    bind :80\n', `    bind 127.0.0.1:${front}\n`);
    replace('/etc/haproxy/errors/switchboard-503.http', path.join(sourceDir, 'deploy/switchboard-503.http'));
    replace('check inter 2s fall 2 rise 2', 'check inter 100ms fall 1 rise 1');
    replace('    balance leastconn\n', `    balance leastconn\n    source ${PROXY_ADDRESS}\n`);
    replace('server sb1 10.0.0.11:5280', `server sb1 127.0.0.1:${nodes.sb1.port}`);
    replace('server sb2 10.0.0.12:5280', `server sb2 127.0.0.1:${nodes.sb2.port}`);
    return text;
}

/** HAProxy's log lines so far: { server, node, status, request }. */
function routedRequests() {
    return haproxyLog
        .split('\n')
        .map((line) => line.match(/ switchboard\/(\S+) node=(\S+) \S+ (\d+) .*"(POST|GET) (\S+)/))
        .filter(Boolean)
        .map((m) => ({ server: m[1], node: m[2], status: Number(m[3]), method: m[4], target: m[5] }));
}

const nodeOf = (id) => id.slice(0, id.indexOf('.'));

/** A strophe.js BOSH session from its own loopback address; resolves { conn, sid, node, from }. */
async function boshSession(account, resource) {
    const from = `127.0.0.${nextAddress++}`;
    const url = `http://127.0.0.1:${front}/http-bind/?from=${from}`;
    setLocalAddress(url, from);
    const conn = await within(STEP_MS, connectBosh(url, `${account.user}@${domain}/${resource}`, account.password),
        `${account.user}/${resource} logs in over BOSH`);
    // Whatever state it is in (a session ended by a killed node keeps retrying its requests): abort its
    // requests, forget them, and stop its idle loop, so nothing keeps the test process alive.
    cleanups.push(() => {
        conn._proto._abortAllRequests?.();
        conn.reset();
        clearTimeout(conn._idleTimeout);
    });
    conn.send($pres().c('priority').t('1'));
    const sid = conn._proto.sid;
    assert.match(sid, /^sb[12]\.[0-9a-f]{32}$/, 'the sid names its node');
    return { conn, sid, node: nodeOf(sid), from, jid: conn.jid };
}

/** An @xmpp/client WebSocket session from its own loopback address; resolves { xmpp, jid, from, events }. */
async function wsSession(account) {
    const from = `127.0.0.${nextAddress++}`;
    const xmpp = xmppClient({
        service: `ws://127.0.0.1:${front}/xmpp-websocket?from=${from}`,
        domain, username: account.user, password: account.password,
    });
    const events = [];
    xmpp.on('error', (e) => events.push(`error:${e.condition ?? e.message}`));
    xmpp.on('disconnect', (e) => events.push(`disconnect:${e?.clean ? 'clean' : 'unclean'}`));
    xmpp.on('online', (jid) => events.push(`online:${jid}`));
    cleanups.push(() => xmpp.status !== 'offline' && xmpp.stop().catch(() => {}));
    const jid = await within(STEP_MS, xmpp.start(), `${account.user} logs in over WebSocket`);
    await xmpp.send(xml('presence', {}, xml('priority', {}, '1')));
    return { xmpp, jid: jid.toString(), from, events };
}

/** Which node holds the session of full JID `jid`, and its status entry. */
async function locate(jid) {
    for (const node of NODES) {
        if (nodes[node].exited) continue;
        const entry = (await sessionsOn(node)).find((s) => s.jid === jid);
        if (entry) return { node, entry };
    }
    return null;
}

/** locate(), waiting out the monitor's batch interval (250 ms) for a session that just logged in. */
const locateSoon = (jid) => waitFor(() => locate(jid), STEP_MS, `${jid} shows on a status page`);

/** A message from a BOSH session to a WebSocket session and the reply: both sessions carry on. */
async function roundTrip(bosh, ws, label) {
    const wsGets = nextMessage(ws.xmpp);
    bosh.conn.send($msg({ to: ws.jid, type: 'chat' }).c('body').t(`${label} to ws`));
    const m1 = await within(STEP_MS, wsGets, `${label}: the WebSocket client receives`);
    assert.equal(m1.getChildText('body'), `${label} to ws`);
    const boshGets = nextStanza(bosh.conn, 'message', 'chat');
    await ws.xmpp.send(xml('message', { to: bosh.jid, type: 'chat' }, xml('body', {}, `${label} to bosh`)));
    const m2 = await within(STEP_MS, boshGets, `${label}: the BOSH client receives`);
    assert.equal(bodyText(m2), `${label} to bosh`);
}

/** Every BOSH request HAProxy routed by a sid went to the node the sid names (none to a dead node here). */
function assertRoutedByNode(requests) {
    const named = requests.filter((r) => r.node !== '-');
    assert.ok(named.length > 0, 'HAProxy routed BOSH requests by their sid');
    for (const r of named) assert.equal(r.server, r.node, `a request for ${r.node} went to ${r.server}`);
}

before(async () => {
    assert.ok(binary && c2sPort && sourceDir, 'run by run-client-tests.sh with SWITCHBOARD_CLIENT_NODES=1');
    assert.ok(alice && bob, 'XMPP_ACCOUNTS must name two accounts');
    await Promise.all(NODES.map(startNode));
    front = await freePort();
    const file = path.join(work, 'haproxy.cfg');
    fs.writeFileSync(file, haproxyConfig());
    const haproxyBinary = fs.existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : 'haproxy';
    execFileSync(haproxyBinary, ['-c', '-q', '-f', file]);
    haproxy = spawn(haproxyBinary, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    haproxy.stdout.on('data', (d) => (haproxyLog += d));
    haproxy.stderr.on('data', (d) => (haproxyLog += d));
    await waitFor(() => fs.existsSync(haproxySocket), STEP_MS, 'HAProxy starts');
    for (const node of NODES) await waitFor(async () => (await serverStatus(node)) === 'UP', STEP_MS, `${node} UP`);
});

after(async () => {
    if (process.env.SCALING_KEEP_LOG) fs.writeFileSync(process.env.SCALING_KEEP_LOG, haproxyLog);
    for (const cleanup of cleanups) await cleanup();
    destroyAgents();
    haproxy?.kill();
    for (const node of NODES) if (!nodes[node]?.exited) nodes[node]?.process.kill();
    fs.rmSync(work, { recursive: true, force: true });
});

let boshSessions = [];
let wsSessions = [];

test('BOSH and WebSocket through HAProxy: ids name the node, requests land there, real client addresses', { timeout: 60_000 }, async () => {
    // leastconn: a held long poll or an open WebSocket is a connection, so sessions spread over both.
    boshSessions = [await boshSession(alice, 'b1'), await boshSession(bob, 'b2'), await boshSession(alice, 'b3')];
    wsSessions = [await wsSession(bob), await wsSession(alice)];
    assert.deepEqual(new Set(boshSessions.map((s) => s.node)), new Set(NODES), 'new BOSH sessions use both nodes');

    for (const s of boshSessions) {
        const mine = await waitFor(async () => (await sessionsOn(s.node)).find((e) => e.id === s.sid && e.jid),
            STEP_MS, `${s.sid} shows on ${s.node}`);
        assert.ok(mine, `${s.sid} is on ${s.node}`);
        assert.equal(mine.client, s.from, 'the status page shows the client, not HAProxy');
        const other = NODES.find((n) => n !== s.node);
        assert.ok(!(await sessionsOn(other)).some((e) => e.id === s.sid), `${s.sid} is not on ${other}`);
    }
    for (const s of wsSessions) {
        const where = await locateSoon(s.jid);
        assert.ok(where, `${s.jid} is on a node`);
        s.node = where.node;
        assert.match(where.entry.id, new RegExp(`^${where.node}\\.ws-[0-9a-f]{32}$`), 'the WebSocket id names its node');
        assert.equal(where.entry.client, s.from, 'the status page shows the client, not HAProxy');
    }
    for (const node of NODES)
        for (const s of await sessionsOn(node)) assert.notEqual(s.client, PROXY_ADDRESS);

    for (const [i, b] of boshSessions.entries()) await roundTrip(b, wsSessions[i % 2], `hello ${i}`);
    for (const node of new Set(boshSessions.map((s) => s.node)))
        await waitFor(() => routedRequests().some((r) => r.node === node), STEP_MS, `requests routed to ${node} by sid`);
    assertRoutedByNode(routedRequests());
});

test('a draining node takes no new sessions while its own carry on and end', { timeout: 60_000 }, async () => {
    const drained = boshSessions[0].node;
    const other = NODES.find((n) => n !== drained);
    nodes[drained].process.kill('SIGUSR1');
    await waitFor(async () => (await nodeGet(drained, '/healthz')).status === 503, STEP_MS, `${drained} /healthz answers 503`);
    await waitFor(async () => (await serverStatus(drained)) === 'DOWN', STEP_MS, `HAProxy sees ${drained} down`);

    const fresh = [await boshSession(bob, 'd1'), await boshSession(alice, 'd2'), await boshSession(bob, 'd3')];
    for (const s of fresh) assert.equal(s.node, other, 'a new BOSH session goes to the node that is not draining');
    const freshWs = await wsSession(bob);
    assert.equal((await locateSoon(freshWs.jid)).node, other, 'a new WebSocket goes to the node that is not draining');

    // The drained node's own sessions still get their requests and carry on.
    const before = routedRequests().length;
    const own = boshSessions.filter((s) => s.node === drained);
    assert.ok(own.length > 0);
    for (const s of own) await roundTrip(s, freshWs, `drain ${s.sid}`);
    // HAProxy logs a request once its answer is on the way, a moment after the client may have it.
    await waitFor(() => routedRequests().slice(before).some((r) => r.node === drained && r.server === drained),
        STEP_MS, 'requests still reach the draining node');
    assertRoutedByNode(routedRequests().slice(before));

    // ... and end there cleanly; then the node is empty.
    for (const s of own) await within(STEP_MS, disconnect(s.conn), `${s.sid} ends`);
    for (const s of wsSessions.filter((w) => w.node === drained)) await within(STEP_MS, s.xmpp.stop(), 'a WebSocket ends');
    await waitFor(async () => (await sessionsOn(drained)).length === 0, STEP_MS, `${drained} has no session left`);
    boshSessions = boshSessions.filter((s) => s.node !== drained).concat(fresh);
    wsSessions = wsSessions.filter((w) => w.node !== drained).concat([freshWs]);

    nodes[drained].process.kill('SIGUSR2');
    await waitFor(async () => (await serverStatus(drained)) === 'UP', STEP_MS, `HAProxy sees ${drained} up again`);
    for (const s of fresh) await within(STEP_MS, disconnect(s.conn), `${s.sid} ends`);
});

test('a killed node: its clients get a terminal condition, log in again on the other node and carry on', { timeout: 60_000 }, async () => {
    // The emptied node has the fewest connections: the next sessions go there.
    const bosh = await boshSession(alice, 'k1');
    const victim = bosh.node;
    const survivor = NODES.find((n) => n !== victim);
    let ws = null;
    for (let i = 0; i < 4 && !ws; i++) {
        const candidate = await wsSession(bob);
        candidate.node = (await locateSoon(candidate.jid)).node;
        if (candidate.node === victim) ws = candidate;
    }
    assert.ok(ws, `a WebSocket session landed on ${victim}`);
    await roundTrip(bosh, ws, 'before the kill');

    const statuses = bosh.conn.statuses;
    const boshEnded = new Promise((resolve) => {
        const previous = bosh.conn.connect_callback;
        bosh.conn.connect_callback = (status, condition) => {
            previous?.(status, condition);
            if (status === Strophe.Status.DISCONNECTED) resolve();
        };
    });
    const wsBack = new Promise((resolve) => ws.xmpp.once('online', (jid) => resolve(jid.toString())));
    nodes[victim].process.kill('SIGKILL');
    await waitFor(() => nodes[victim].exited, STEP_MS, `${victim} is gone`);

    // BOSH: the held request fails (502) and strophe sends it again; it names the dead node, which
    // HAProxy cannot reach: it answers remote-connection-failed itself (not the survivor's
    // item-not-found), which strophe reports.
    bosh.conn.send($msg({ to: ws.jid, type: 'chat' }).c('body').t('into the void'));
    await within(STEP_MS, boshEnded, 'the BOSH client learns its session is gone');
    assert.ok(statuses.some((s) => s === 'CONNFAIL(remote-connection-failed)'), `strophe saw: ${statuses.join(' ')}`);
    // The same for a request of our own, over POST and over GET's data=.
    const post = await frontPost(`<body rid='99' sid='${bosh.sid}' xmlns='http://jabber.org/protocol/httpbind'/>`);
    assert.equal(post.status, 200);
    assert.match(post.body, /condition=['"]remote-connection-failed['"]/);
    const data = encodeURIComponent(`<body rid='100' sid='${bosh.sid}' xmlns='http://jabber.org/protocol/httpbind'/>`);
    const get = await fetch(`http://127.0.0.1:${front}/http-bind/?data=${data}`, { signal: AbortSignal.timeout(STEP_MS) });
    assert.match(await get.text(), /condition=['"]remote-connection-failed['"]/);

    // WebSocket: the connection dropped (no clean close); @xmpp/client reconnects by itself.
    const jidAgain = await within(STEP_MS, wsBack, 'the WebSocket client is online again').catch((e) => {
        throw new Error(`${e.message} (@xmpp/client saw: ${ws.events.join(' ')})`);
    });
    assert.ok(ws.events.includes('disconnect:unclean'), `@xmpp/client saw: ${ws.events.join(' ')}`);
    ws.jid = jidAgain;
    assert.equal((await locateSoon(ws.jid)).node, survivor, 'the WebSocket client landed on the survivor');

    // BOSH: the client logs in again, lands on the survivor and carries on.
    const again = await boshSession(alice, 'k2');
    assert.equal(again.node, survivor);
    await roundTrip(again, ws, 'after the kill');
    assert.equal((await locateSoon(again.jid)).entry.client, again.from);
});

test('with no node left, HAProxy answers a BOSH request with remote-connection-failed itself', { timeout: 60_000 }, async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    const last = NODES.find((n) => !nodes[n].exited);
    nodes[last].process.kill('SIGTERM');
    await waitFor(() => nodes[last].exited, STEP_MS, `${last} stops`);
    await waitFor(async () => (await serverStatus(last)) === 'DOWN', STEP_MS, `HAProxy sees ${last} down`);
    const answer = await frontPost(`<body rid='7' sid='${last}.0123456789abcdef' xmlns='http://jabber.org/protocol/httpbind'/>`);
    assert.equal(answer.status, 200);
    assert.match(answer.body, /type='terminate'/);
    assert.match(answer.body, /condition='remote-connection-failed'/);
});
