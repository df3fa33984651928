// SPDX-License-Identifier: GPL-3.0-or-later
// A REST gateway client for the client tests, on Node's own fetch (docs/REST.md): log in, send
// messages and stanzas, read events by long poll, log out.
import { DOMParser } from '@xmldom/xmldom';

/** Parses one XML element (an IQ reply, an event's `xml`) into a DOM element. */
export function parseXml(text) {
    return new DOMParser().parseFromString(text, 'text/xml').documentElement;
}

/** One HTTP call: resolves with {status, headers, text, json} (json when the answer is JSON). */
export async function call(url, { method = 'GET', token, body, type = 'application/json', signal } = {}) {
    const headers = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = type;
    const response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        signal,
    });
    const text = await response.text();
    let json = null;
    if ((response.headers.get('content-type') ?? '').startsWith('application/json') && text) json = JSON.parse(text);
    return { status: response.status, headers: response.headers, text, json };
}

/** A session held by Switchboard for one account. `next` is what has been read (the next `after`). */
export class RestSession {
    static async login(base, body) {
        const answer = await call(`${base}/sessions`, { method: 'POST', body });
        if (answer.status !== 201) throw new Error(`POST /sessions: ${answer.status} ${answer.text}`);
        return new RestSession(base, answer.json);
    }

    constructor(base, { id, token, jid }) {
        this.base = base;
        this.id = id;
        this.token = token;
        this.jid = jid;
        this.next = 0;
        this.url = `${base}/sessions/${encodeURIComponent(id)}`;
    }

    call(path, options = {}) {
        return call(this.url + path, { token: this.token, ...options });
    }

    /** GET …/events; resolves with the whole answer ({events, next, refused} in json). */
    async events({ after = this.next, wait = 0, limit } = {}) {
        const query = new URLSearchParams({ after: String(after), wait: String(wait) });
        if (limit !== undefined) query.set('limit', String(limit));
        const answer = await this.call(`/events?${query}`);
        if (answer.status !== 200) throw new Error(`GET /events: ${answer.status} ${answer.text}`);
        return answer.json;
    }

    /** Reads (and acknowledges) everything pending now. */
    async drain() {
        for (;;) {
            const { events, next } = await this.events({ wait: 0 });
            this.next = next;
            if (events.length === 0) return;
        }
    }

    /** Long-polls until an event matching `predicate` arrives; acknowledges what came before it. */
    async nextEvent(predicate, { wait = 20 } = {}) {
        for (;;) {
            const { events, next } = await this.events({ wait });
            for (const event of events) {
                if (predicate(event)) {
                    this.next = event.seq;
                    return event;
                }
            }
            this.next = next;
        }
    }

    async message(body) {
        const answer = await this.call('/messages', { method: 'POST', body });
        if (answer.status !== 202) throw new Error(`POST /messages: ${answer.status} ${answer.text}`);
        return answer.json.id;
    }

    /** POST …/stanzas; resolves with the whole answer (an IQ's reply is its text). */
    stanza(xml, { timeout } = {}) {
        return this.call(`/stanzas${timeout === undefined ? '' : `?timeout=${timeout}`}`, {
            method: 'POST',
            body: xml,
            type: 'application/xmpp+xml',
        });
    }

    async logout() {
        const answer = await this.call('', { method: 'DELETE' });
        if (answer.status !== 204) throw new Error(`DELETE session: ${answer.status} ${answer.text}`);
    }
}

/** `promise` with a `settled` flag that turns true once it resolves or rejects. */
export function tracked(promise) {
    const t = { promise, settled: false };
    promise.then(
        () => (t.settled = true),
        () => (t.settled = true),
    );
    return t;
}
