// Debian's Chromium driven by playwright-core (no browser download), axe-core, and page helpers.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { ACCOUNTS, SITE, artifactPath, routes, withLang } from './site.mjs';

const require = createRequire(import.meta.url);

export const CHROMIUM = process.env.MIROIR_CHROMIUM || '/usr/bin/chromium';

// Without the background-networking flags Chromium keeps trying to reach Google's services, which this
// closed network refuses.
const CHROMIUM_ARGS = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
];

export const VIEWPORTS = {
    mobile: { width: 390, height: 844 },
    desktop: { width: 1280, height: 800 },
};

/** Launches Chromium (playwright gives every launch a fresh, throw-away user-data dir). */
export async function launch() {
    return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/**
 * A new browser context (its own cookies) whose language is switched with the contract's `?lang=`.
 * The browser itself says it prefers French, as most residents' browsers do. `javaScriptEnabled: false` is a
 * browser without JavaScript (every page must work in it).
 */
export async function newContext(browser, { viewport = VIEWPORTS.desktop, isMobile = false, javaScriptEnabled = true } = {}) {
    const context = await browser.newContext({
        viewport,
        isMobile,
        javaScriptEnabled,
        hasTouch: isMobile,
        deviceScaleFactor: 1,
        locale: 'fr-FR',
        timezoneId: 'Europe/Paris',
        baseURL: SITE,
    });
    // The maps' background tiles are the one resource from another site: never fetched by the tests (hermetic,
    // and the same page whatever the network).
    await context.route('https://tile.openstreetmap.org/**', (route) => route.abort());
    context.setDefaultTimeout(15_000);
    context.setDefaultNavigationTimeout(20_000);
    return context;
}

/** Navigates to a site path in `lang`; fails on anything but HTTP 200. Returns the response. */
export async function open(page, path, lang) {
    const res = await page.goto(withLang(path, lang), { waitUntil: 'load' });
    assert.ok(res, `GET ${path}: no response`);
    assert.equal(res.status(), 200, `GET ${withLang(path, lang)}: HTTP ${res.status()}`);
    return res;
}

/** Full-page screenshot into the artifacts folder. */
export async function screenshot(page, name) {
    const file = artifactPath('screenshots', `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
}

/** Submits a form by clicking its (first) submit button and waits for the page that follows. */
export async function submit(page, formSelector) {
    const button = page.locator(`${formSelector} button[type="submit"], ${formSelector} button:not([type]), ${formSelector} input[type="submit"]`).first();
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
}

/** Signs in through the sign-in form (by mouse and typing; keyboard.test.mjs does it by keyboard only). */
export async function signIn(page, who, lang) {
    const { email, password } = typeof who === 'string' ? ACCOUNTS[who] : who;
    await open(page, routes.signIn, lang);
    await page.fill('#signin-form [name="email"]', email);
    await page.fill('#signin-form [name="password"]', password);
    await submit(page, '#signin-form');
    await assertSignedIn(page, `sign-in as ${email}`);
}

export async function assertSignedIn(page, what) {
    const errors = await page.locator('#form-errors').allInnerTexts();
    assert.equal(await page.locator('#signout-form').count(), 1,
        `${what}: not signed in (no #signout-form in the header of ${page.url()})` +
        (errors.length ? `; form errors: ${errors.join(' | ')}` : ''));
}

// ---------------------------------------------------------------------------------------------------------------------
// axe-core

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe-core on the page (injected through the DevTools protocol, so the page's own CSP is untouched) and
 * writes the full result to artifacts/axe/<name>.json. Returns the violations.
 */
export async function runAxe(page, name) {
    await page.evaluate(`${AXE_SOURCE}\n;true`);
    const result = await page.evaluate(
        (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
        AXE_TAGS,
    );
    writeFileSync(
        artifactPath('axe', `${name}.json`),
        JSON.stringify({ url: page.url(), violations: result.violations, incomplete: result.incomplete }, null, 2),
    );
    return result.violations;
}

/** Human-readable list of axe violations: id, impact, help and each target node. */
export function formatViolations(violations) {
    return violations
        .map((v) => {
            const nodes = v.nodes
                .map((n) => `      - ${n.target.join(' ')}\n        ${n.html.replace(/\s+/g, ' ').slice(0, 200)}` +
                    (n.failureSummary ? `\n        ${n.failureSummary.replace(/\s*\n\s*/g, ' / ')}` : ''))
                .join('\n');
            return `  * ${v.id} [${v.impact}] ${v.help} (${v.helpUrl})\n${nodes}`;
        })
        .join('\n');
}

// ---------------------------------------------------------------------------------------------------------------------
// Focus

/** Describes the focused element and whether it shows a visible focus indicator. */
export async function focused(page) {
    return page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body || el === document.documentElement) return { none: true };
        const cs = getComputedStyle(el);
        const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
        const shadow = cs.boxShadow && cs.boxShadow !== 'none';
        const label = el.labels && el.labels[0] ? el.labels[0].innerText.trim() : '';
        return {
            none: false,
            tag: el.tagName.toLowerCase(),
            type: el.getAttribute('type') || '',
            name: el.getAttribute('name') || '',
            id: el.id || '',
            href: el.getAttribute('href') || '',
            text: (el.innerText || el.value || label || '').trim().slice(0, 60),
            form: el.form ? el.form.id : '',
            visibleFocus: Boolean(outline || shadow),
            outline: `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}`,
            boxShadow: cs.boxShadow,
        };
    });
}

export function describe(f) {
    if (f.none) return '(nothing focused)';
    return `<${f.tag}${f.id ? ` id="${f.id}"` : ''}${f.name ? ` name="${f.name}"` : ''}${f.type ? ` type="${f.type}"` : ''}` +
        `${f.href ? ` href="${f.href}"` : ''}>${f.text ? ` "${f.text}"` : ''}`;
}

/** Presses Tab and checks the newly focused element has a visible focus indicator. */
export async function tab(page, where) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (!f.none) {
        assert.ok(f.visibleFocus,
            `${where}: focused element ${describe(f)} has no visible focus indicator ` +
            `(outline: ${f.outline}; box-shadow: ${f.boxShadow})`);
    }
    return f;
}
