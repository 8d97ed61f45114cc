// HTTP-level checks of the site (Node's fetch, no browser): security headers, session cookies, CSRF, page
// weight, fingerprinted and cached static assets, compression, and escaping of what residents type.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Client, inputValue } from '../lib/http.mjs';
import { ACCOUNTS, LANGS, PAGES, SAMPLE_REPORT, reportIdsIn, routes, unique, withLang } from '../lib/site.mjs';

const MAX_HTML_BYTES = 100 * 1024;

const clients = {}; // 'anonymous' | 'resident' | 'admin' | 'agent' -> Client (French; pages get ?lang=)
let reportPath;

before(async () => {
    clients.anonymous = new Client();
    clients.resident = new Client();
    await clients.resident.signIn(ACCOUNTS.resident);
    clients.admin = new Client();
    await clients.admin.signIn(ACCOUNTS.admin);
    clients.agent = new Client();
    await clients.agent.signIn(ACCOUNTS.agent);
    const list = await clients.anonymous.get(routes.reports);
    if (list.status === 200) {
        const [id] = reportIdsIn(list.text);
        if (id) reportPath = routes.report(id);
    }
});

/** The effective script policy of a CSP header: script-src, else default-src. */
function scriptPolicy(csp) {
    const directives = new Map();
    for (const part of csp.split(';')) {
        const [name, ...values] = part.trim().split(/\s+/);
        if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), values);
    }
    return directives.get('script-src') ?? directives.get('default-src') ?? null;
}

function headerProblems(r) {
    const problems = [];
    const csp = r.headers.get('content-security-policy');
    if (!csp) {
        problems.push('no Content-Security-Policy header');
    } else {
        const scripts = scriptPolicy(csp);
        if (!scripts) problems.push(`Content-Security-Policy has neither script-src nor default-src: ${csp}`);
        else if (scripts.some((v) => v.toLowerCase() === "'unsafe-inline'")) {
            problems.push(`Content-Security-Policy allows inline scripts ('unsafe-inline' in script-src/default-src): ${csp}`);
        }
    }
    const hsts = r.headers.get('strict-transport-security');
    if (!hsts || !/max-age=\d*[1-9]/i.test(hsts)) problems.push(`Strict-Transport-Security: ${hsts ?? 'missing'}`);
    const nosniff = r.headers.get('x-content-type-options');
    if ((nosniff ?? '').toLowerCase() !== 'nosniff') problems.push(`X-Content-Type-Options: ${nosniff ?? 'missing'}`);
    if (!r.headers.get('referrer-policy')) problems.push('no Referrer-Policy header');
    return problems;
}

/** Paths of /static/ assets a page loads (stylesheets, scripts, icons). */
function staticAssets(html) {
    const found = new Set();
    for (const m of html.matchAll(/<(?:link|script|img)\b[^>]*\b(?:href|src)\s*=\s*["']([^"']+)["']/gi)) {
        const u = new URL(m[1], 'http://site.invalid/');
        if (u.host === 'site.invalid' && u.pathname.startsWith('/static/')) found.add(u.pathname);
    }
    return [...found];
}

const assetsSeen = new Set();

/** The first category offered by the report form's <select name="category">. */
function firstCategory(form) {
    const select = form.match(/<select\b[^>]*\bname\s*=\s*["']?category\b[^>]*>[\s\S]*?<\/select>/i)?.[0] ?? '';
    return [...select.matchAll(/<option\b[^>]*\bvalue\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1])[0];
}

for (const lang of LANGS) {
    describe(`every page (${lang}): security headers and weight`, () => {
        for (const p of PAGES) {
            test(`${p.name}${p.as ? ` (signed in as ${p.as})` : ''}`, async () => {
                const path = p.path ?? reportPath;
                assert.ok(path, `no report to look at (the reports list ${routes.reports} links to none)`);
                const r = await clients[p.as ?? 'anonymous'].get(withLang(path, lang));
                assert.equal(r.status, 200, `GET ${path}: HTTP ${r.status}`);
                assert.match(r.headers.get('content-type') ?? '', /^text\/html/, `GET ${path}: Content-Type`);
                const problems = headerProblems(r);
                assert.deepEqual(problems, [], `GET ${path}:\n  ${problems.join('\n  ')}`);
                assert.ok(r.bytes < MAX_HTML_BYTES, `GET ${path}: ${r.bytes} bytes of HTML, the limit is ${MAX_HTML_BYTES}`);
                for (const a of staticAssets(r.text)) assetsSeen.add(a);
            });
        }
    });
}

describe('sessions and forms', () => {
    test('session cookies are HttpOnly, Secure, SameSite=Lax, Path=/', async () => {
        const c = new Client();
        await c.signIn(ACCOUNTS.resident);
        for (const name of ['miroir_session', 'miroir_refresh']) {
            const cookie = c.setCookies.find((x) => x.name === name);
            assert.ok(cookie, `sign-in sets the ${name} cookie`);
            assert.equal(cookie.attrs.httponly, true, `${name} is HttpOnly: ${cookie.raw}`);
            assert.equal(cookie.attrs.secure, true, `${name} is Secure: ${cookie.raw}`);
            assert.equal(String(cookie.attrs.samesite).toLowerCase(), 'lax', `${name} is SameSite=Lax: ${cookie.raw}`);
            assert.equal(cookie.attrs.path, '/', `${name} has Path=/: ${cookie.raw}`);
        }
    });

    test('sign-in without the csrf field is refused and signs nobody in', async () => {
        const c = new Client();
        await c.form(routes.signIn, 'signin-form'); // whatever cookies the form page sets
        const r = await c.postForm(routes.signIn, { ...ACCOUNTS.resident });
        assert.ok([400, 403].includes(r.status), `POST ${routes.signIn} without csrf: HTTP ${r.status}, expected 400 or 403`);
        assert.ok(!c.cookies.has('miroir_session'), 'no session cookie is set');
        const account = await c.request(routes.account);
        assert.notEqual(account.status, 200, 'the account page is not reachable after the refused sign-in');
    });

    test('a report posted without csrf (or with another session\'s) is refused and not created', async () => {
        const c = clients.resident;
        const { form, csrf } = await c.form(routes.reportForm, 'report-form');
        const category = firstCategory(form);
        assert.ok(category, 'the report form offers a category');
        const title = unique('Sans jeton');
        const fields = { ...SAMPLE_REPORT, category, title };
        const missing = await c.postForm(routes.reportForm, fields);
        assert.ok([400, 403].includes(missing.status),
            `POST ${routes.reportForm} without csrf: HTTP ${missing.status}, expected 400 or 403`);
        const other = new Client();
        await other.signIn(ACCOUNTS.agent);
        const { csrf: otherCsrf } = await other.form(routes.reportForm, 'report-form');
        assert.notEqual(otherCsrf, csrf, 'two sessions get different csrf tokens');
        const forged = await c.postForm(routes.reportForm, { ...fields, csrf: otherCsrf });
        assert.ok([400, 403].includes(forged.status),
            `POST ${routes.reportForm} with another session's csrf: HTTP ${forged.status}, expected 400 or 403`);
        const list = await c.get(routes.reports);
        assert.equal(list.status, 200);
        assert.ok(!list.text.includes(title), 'the refused report is not in the list');
    });

    test('a profile change posted without csrf is refused and changes nothing', async () => {
        const c = new Client();
        await c.signIn(ACCOUNTS.moderator);
        const { form } = await c.form(routes.account, 'profile-form');
        const action = (form.match(/<form\b[^>]*\baction\s*=\s*["']([^"']*)["']/i)?.[1] || routes.account).replace(/&amp;/g, '&');
        const before = inputValue(form, 'display_name');
        const name = unique('Pirate');
        const r = await c.postForm(action, { display_name: name });
        assert.ok([400, 403].includes(r.status), `POST ${action} without csrf: HTTP ${r.status}, expected 400 or 403`);
        const after = await c.form(routes.account, 'profile-form');
        assert.equal(inputValue(after.form, 'display_name'), before, 'the display name did not change');
    });

    test('a script typed in a report comes back escaped', async () => {
        const c = clients.resident;
        const { form, csrf } = await c.form(routes.reportForm, 'report-form');
        const category = firstCategory(form);
        assert.ok(category, 'the report form offers a category');
        const script = '<script>alert(1)</script>';
        const r = await c.postForm(routes.reportForm, {
            ...SAMPLE_REPORT, csrf, category, title: script, description: `${script} ${unique('xss')}`,
        });
        let pages;
        if (r.status === 303) {
            const reportPage = await c.get(r.headers.get('location'));
            assert.equal(reportPage.status, 200);
            pages = { [reportPage.url]: reportPage.text, [routes.reports]: (await c.get(routes.reports)).text };
        } else {
            // Refused by validation: the form is shown again with what was typed.
            assert.ok([200, 400, 422].includes(r.status), `POST ${routes.reportForm}: HTTP ${r.status}`);
            pages = { [`${routes.reportForm} (re-shown)`]: r.text };
        }
        for (const [where, html] of Object.entries(pages)) {
            assert.ok(!html.includes(script), `${where}: the script comes back unescaped`);
            assert.ok(!/<script>\s*alert\(1\)/i.test(html), `${where}: an executable <script>alert(1)`);
        }
        const first = Object.values(pages)[0];
        // `<` and `>` as &lt; &gt;, &#60; &#62; or &#x3c; &#x3e;.
        const lt = '(?:&lt;|&#0*60;|&#x0*3c;)';
        const gt = '(?:&gt;|&#0*62;|&#x0*3e;)';
        assert.match(first, new RegExp(`${lt}script${gt}alert\\(1\\)${lt}/script${gt}`, 'i'),
            'the title is shown, escaped (&lt;script&gt;…)');
    });
});

describe('static assets and compression', () => {
    test('static assets have fingerprinted names and immutable caching', async () => {
        const landing = await clients.anonymous.get(routes.landing);
        assert.equal(landing.status, 200, `GET ${routes.landing}: HTTP ${landing.status}`);
        for (const a of staticAssets(landing.text)) assetsSeen.add(a);
        assert.ok(/<link\b[^>]*rel\s*=\s*["']?stylesheet[^>]*href\s*=\s*["']\/static\//i.test(landing.text) ||
            /<link\b[^>]*href\s*=\s*["']\/static\/[^>]*rel\s*=\s*["']?stylesheet/i.test(landing.text),
            'the landing page loads a stylesheet from /static/');
        assert.ok(assetsSeen.size > 0, 'the pages load assets from /static/');
        for (const a of assetsSeen) {
            const name = a.split('/').pop();
            assert.match(name, /[.-](?=[0-9A-Za-z_]*\d)[0-9A-Za-z_]{8,}\.[a-z0-9]+$/i,
                `${a}: the name carries a fingerprint of the content (e.g. site.3f2a9c1e.css)`);
            const r = await clients.anonymous.request(a);
            assert.equal(r.status, 200, `GET ${a}: HTTP ${r.status}`);
            const cc = r.headers.get('cache-control') ?? '';
            assert.match(cc, /\bimmutable\b/, `GET ${a}: Cache-Control "${cc}" lacks immutable`);
            assert.match(cc, /max-age=\d{6,}/, `GET ${a}: Cache-Control "${cc}" lacks a long max-age`);
            assert.equal(r.headers.get('x-content-type-options'), 'nosniff', `GET ${a}: X-Content-Type-Options`);
        }
    });

    for (const encoding of ['gzip', 'br']) {
        test(`text responses are compressed (Accept-Encoding: ${encoding})`, async () => {
            const targets = [routes.landing, routes.reports, ...[...assetsSeen].filter((a) => /\.(css|js|svg)$/.test(a))];
            for (const path of targets) {
                const r = await clients.anonymous.request(path, { headers: { 'accept-encoding': encoding } });
                assert.equal(r.status, 200, `GET ${path}: HTTP ${r.status}`);
                assert.equal(r.headers.get('content-encoding'), encoding, `GET ${path} with Accept-Encoding: ${encoding}`);
                assert.match(r.headers.get('vary') ?? '', /accept-encoding/i, `GET ${path}: Vary names Accept-Encoding`);
            }
        });
    }
});
