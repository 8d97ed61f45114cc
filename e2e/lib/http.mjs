// A tiny cookie-keeping HTTP client over Node's fetch, for the tests that need no browser.

import assert from 'node:assert/strict';
import { SITE, abs, routes, withLang } from './site.mjs';

/** Parses one Set-Cookie header into { name, value, attrs } (attribute names lower-cased). */
export function parseSetCookie(header) {
    const [pair, ...rest] = header.split(';');
    const eq = pair.indexOf('=');
    const attrs = {};
    for (const part of rest) {
        const [k, ...v] = part.trim().split('=');
        if (k) attrs[k.toLowerCase()] = v.length ? v.join('=') : true;
    }
    return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attrs, raw: header };
}

/** The HTML of the element `<tag ... id="id">...</tag>` (first match), or null. Good enough for forms. */
export function elementById(html, tag, id) {
    const re = new RegExp(`<${tag}\\b[^>]*\\bid\\s*=\\s*["']?${id}["']?[^>]*>[\\s\\S]*?</${tag}>`, 'i');
    const m = html.match(re);
    return m ? m[0] : null;
}

/** Value of the `name` attribute's input in some HTML (e.g. the hidden `csrf` field). */
export function inputValue(html, name) {
    for (const m of html.matchAll(/<input\b[^>]*>/gi)) {
        const tag = m[0];
        if (new RegExp(`\\bname\\s*=\\s*["']?${name}["'\\s>/]`, 'i').test(tag)) {
            const v = tag.match(/\bvalue\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i);
            return v ? decodeEntities(v[1] ?? v[2] ?? v[3]) : '';
        }
    }
    return null;
}

export function decodeEntities(s) {
    return s
        .replace(/&quot;/g, '"')
        .replace(/&#39;|&#x27;|&apos;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
}

export class Client {
    constructor(lang = 'fr') {
        this.lang = lang;
        this.cookies = new Map(); // name -> parsed Set-Cookie
        this.setCookies = []; // every Set-Cookie seen, parsed
    }

    cookieHeader() {
        return [...this.cookies.values()].map((c) => `${c.name}=${c.value}`).join('; ');
    }

    remember(res) {
        for (const header of res.headers.getSetCookie()) {
            const c = parseSetCookie(header);
            this.setCookies.push(c);
            const expired = c.attrs['max-age'] === '0' || (c.attrs.expires && Date.parse(c.attrs.expires) < Date.now());
            if (expired || c.value === '') this.cookies.delete(c.name);
            else this.cookies.set(c.name, c);
        }
    }

    /** One request, no redirect followed. Returns { res, body (text), bytes }. */
    async request(path, { method = 'GET', headers = {}, body } = {}) {
        const h = { ...headers };
        const cookie = this.cookieHeader();
        if (cookie) h.cookie = cookie;
        const res = await fetch(abs(path), { method, headers: h, body, redirect: 'manual' });
        this.remember(res);
        const buf = Buffer.from(await res.arrayBuffer());
        return { res, status: res.status, headers: res.headers, text: buf.toString('utf8'), bytes: buf.length };
    }

    /** GET, following redirects (same site only). */
    async get(path, opts = {}) {
        let r = await this.request(path, opts);
        for (let i = 0; i < 5 && r.status >= 300 && r.status < 400 && r.headers.get('location'); i++) {
            const next = new URL(r.headers.get('location'), abs(path));
            assert.equal(next.origin, new URL(SITE).origin, `redirect off the site: ${next}`);
            path = next.pathname + next.search;
            r = await this.request(path, { headers: opts.headers });
        }
        r.url = path;
        return r;
    }

    /** POSTs an application/x-www-form-urlencoded body (redirect not followed). */
    async postForm(path, fields, opts = {}) {
        const body = new URLSearchParams();
        for (const [k, v] of Object.entries(fields)) {
            for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
        }
        return this.request(path, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(SITE).origin, ...opts.headers },
            body: body.toString(),
        });
    }

    /** GET a page holding form `formId`; returns { page, form (HTML), csrf }. */
    async form(path, formId) {
        const page = await this.get(withLang(path, this.lang));
        assert.equal(page.status, 200, `GET ${path}: HTTP ${page.status}`);
        const form = elementById(page.text, 'form', formId);
        assert.ok(form, `GET ${path}: no <form id="${formId}">`);
        const csrf = inputValue(form, 'csrf');
        assert.ok(csrf, `GET ${path}: <form id="${formId}"> has no hidden csrf field`);
        return { page, form, csrf };
    }

    /** Signs in through the sign-in form; returns the POST's response. */
    async signIn({ email, password }) {
        const { csrf } = await this.form(routes.signIn, 'signin-form');
        const r = await this.postForm(routes.signIn, { csrf, email, password });
        assert.equal(r.status, 303, `sign-in as ${email}: expected a 303 redirect, got HTTP ${r.status}`);
        assert.ok(this.cookies.has('miroir_session'), `sign-in as ${email}: no miroir_session cookie`);
        return r;
    }
}
