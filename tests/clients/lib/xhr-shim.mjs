// SPDX-License-Identifier: GPL-3.0-or-later
// A small XMLHttpRequest on node:http, enough for strophe.js's BOSH transport (async POST, text
// responses, responseXML through the global DOMParser that strophe's Node build installs).
// Keep-alive agent: a BOSH client reuses its connections, and so should the test.
import http from 'node:http';
import https from 'node:https';

const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 4 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 4 }),
};

/** Source addresses by request URL (href), for tests that need clients from distinct loopback addresses. */
const localAddresses = new Map();

/** Requests to exactly `url` leave from `address` (e.g. '127.0.0.2'; all of 127/8 is loopback). */
export function setLocalAddress(url, address) {
    localAddresses.set(new URL(url).href, address);
}

export class XMLHttpRequest {
    static UNSENT = 0;
    static OPENED = 1;
    static HEADERS_RECEIVED = 2;
    static LOADING = 3;
    static DONE = 4;

    constructor() {
        this.readyState = 0;
        this.status = 0;
        this.statusText = '';
        this.responseText = '';
        this.responseXML = null;
        this.withCredentials = false;
        this.timeout = 0;
        this.onreadystatechange = null;
        this.onload = null;
        this.onerror = null;
        this._headers = {};
        this._responseHeaders = {};
        this._req = null;
        this._aborted = false;
    }

    overrideMimeType() {}

    open(method, url, async = true) {
        if (async === false) throw new Error('xhr-shim: synchronous requests are not supported');
        this._method = method;
        this._url = new URL(url);
        this._setState(1);
    }

    setRequestHeader(name, value) {
        this._headers[name] = value;
    }

    getAllResponseHeaders() {
        return Object.entries(this._responseHeaders)
            .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}\r\n`)
            .join('');
    }

    getResponseHeader(name) {
        const v = this._responseHeaders[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : String(v);
    }

    send(body = null) {
        const mod = this._url.protocol === 'https:' ? https : http;
        const data = body == null ? null : Buffer.from(String(body), 'utf8');
        const headers = { ...this._headers };
        if (data) headers['Content-Length'] = data.length;
        this._req = mod.request(
            this._url,
            {
                method: this._method,
                headers,
                agent: agents[this._url.protocol], // keyed by localAddress too: one pool per address
                localAddress: localAddresses.get(this._url.href),
                timeout: this.timeout || undefined,
            },
            (res) => {
                if (this._aborted) return res.resume();
                this.status = res.statusCode;
                this.statusText = res.statusMessage;
                this._responseHeaders = res.headers;
                this._setState(2);
                const chunks = [];
                res.on('data', (c) => chunks.push(c));
                res.on('end', () => {
                    if (this._aborted) return;
                    this.responseText = Buffer.concat(chunks).toString('utf8');
                    this.responseXML = this._parse(this.responseText, res.headers['content-type']);
                    this._setState(4);
                    this.onload?.();
                });
                res.on('error', (e) => this._fail(e));
            },
        );
        this._req.on('error', (e) => this._fail(e));
        this._req.on('timeout', () => this._req.destroy(new Error('timeout')));
        this._req.end(data ?? undefined);
    }

    abort() {
        this._aborted = true;
        this._req?.destroy();
        this.readyState = 0;
    }

    _parse(text, contentType) {
        if (!text || typeof globalThis.DOMParser !== 'function') return null;
        if (contentType && !/xml/i.test(contentType)) return null;
        return new globalThis.DOMParser().parseFromString(text, 'text/xml');
    }

    _fail(error) {
        if (this._aborted) return;
        this.status = 0;
        this._error = error;
        this._setState(4);
        this.onerror?.(error);
    }

    _setState(state) {
        this.readyState = state;
        this.onreadystatechange?.();
    }
}

/** Installs the shim as globalThis.XMLHttpRequest unless the runtime already has one. */
export function installXMLHttpRequest() {
    if (typeof globalThis.XMLHttpRequest !== 'function') globalThis.XMLHttpRequest = XMLHttpRequest;
}

/** Closes idle keep-alive sockets so the process can exit. */
export function destroyAgents() {
    for (const a of Object.values(agents)) a.destroy();
}
