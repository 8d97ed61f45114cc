// Every page template of docs/site-contract.md, in French and in English: axe-core finds no WCAG 2.1 A/AA
// violation, and the page has the right `lang`, one <h1>, a working skip link first, the landmarks and the
// language link.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
    AXE_TAGS, formatViolations, launch, newContext, open, runAxe, screenshot, signIn, submit,
} from '../lib/browser.mjs';
import { Client } from '../lib/http.mjs';
import { LANGS, PAGES, reportIdsIn, routes } from '../lib/site.mjs';

let browser;
let reportPath;

before(async () => {
    browser = await launch();
});
after(async () => {
    await browser?.close();
});

async function resolvePath(page) {
    if (page.path) return page.path;
    if (!reportPath) {
        const list = await new Client().get(routes.reports);
        assert.equal(list.status, 200, `GET ${routes.reports}: HTTP ${list.status} (needed to find a report page)`);
        const [id] = reportIdsIn(list.text);
        assert.ok(id, `${routes.reports} links to no report (the demo commune has reports)`);
        reportPath = routes.report(id);
    }
    return reportPath;
}

/** Structure checks that axe does not make (or not strictly enough). Returns a list of problems. */
async function structureProblems(page, lang) {
    const other = lang === 'fr' ? 'en' : 'fr';
    const s = await page.evaluate((other) => {
        const focusable = [...document.querySelectorAll(
            'a[href], button, input:not([type="hidden"]), select, textarea, [tabindex]:not([tabindex="-1"])',
        )].filter((el) => !el.disabled && el.getAttribute('tabindex') !== '-1');
        const first = focusable[0];
        const href = first && first.tagName === 'A' ? first.getAttribute('href') : null;
        const targetId = href && href.startsWith('#') ? decodeURIComponent(href.slice(1)) : null;
        const langLink = document.querySelector(`a[hreflang="${other}"][lang="${other}"]`);
        return {
            lang: document.documentElement.getAttribute('lang'),
            h1: [...document.querySelectorAll('h1')].map((h) => h.innerText.trim()),
            title: document.title,
            first: first ? first.outerHTML.slice(0, 160) : null,
            skipHref: href,
            skipTarget: targetId ? Boolean(document.getElementById(targetId)) : false,
            skipTargetInMain: targetId
                ? Boolean(document.getElementById(targetId)?.closest('main') || document.getElementById(targetId)?.tagName === 'MAIN')
                : false,
            header: document.querySelectorAll('header, [role="banner"]').length,
            nav: document.querySelectorAll('nav, [role="navigation"]').length,
            main: document.querySelectorAll('main, [role="main"]').length,
            footer: document.querySelectorAll('footer, [role="contentinfo"]').length,
            langLink: langLink ? langLink.getAttribute('href') : null,
        };
    }, other);
    const problems = [];
    if (s.lang !== lang && !(s.lang || '').startsWith(`${lang}-`)) problems.push(`<html lang="${s.lang}">, expected "${lang}"`);
    if (s.h1.length !== 1) problems.push(`${s.h1.length} <h1> elements (${JSON.stringify(s.h1)}), expected exactly one`);
    if (!s.title.trim()) problems.push('empty <title>');
    if (!s.skipHref || !s.skipHref.startsWith('#')) {
        problems.push(`the first focusable element is not a skip link to an anchor: ${s.first}`);
    } else if (!s.skipTarget) {
        problems.push(`the skip link points to ${s.skipHref}, which is not an element id on the page`);
    } else if (!s.skipTargetInMain) {
        problems.push(`the skip link target ${s.skipHref} is not the main content (<main> or inside it)`);
    }
    if (s.header < 1) problems.push('no <header> landmark');
    if (s.nav < 1) problems.push('no <nav> landmark');
    if (s.main !== 1) problems.push(`${s.main} <main> landmarks, expected one`);
    if (s.footer < 1) problems.push('no <footer> landmark');
    if (!s.langLink) {
        problems.push(`no language link <a hreflang="${other}" lang="${other}"> (docs/site-contract.md)`);
    } else {
        const target = new URL(s.langLink, page.url());
        if (target.pathname !== new URL(page.url()).pathname) {
            problems.push(`the language link goes to ${target.pathname}, not this page (${new URL(page.url()).pathname})`);
        }
    }
    return problems;
}

for (const lang of LANGS) {
    describe(`accessibility (${lang})`, { concurrency: 4 }, () => {
        for (const p of PAGES) {
            test(`${p.name}${p.as ? ` (signed in as ${p.as})` : ''}`, async () => {
                const path = await resolvePath(p);
                const context = await newContext(browser);
                try {
                    const page = await context.newPage();
                    if (p.as) await signIn(page, p.as, lang);
                    await open(page, path, lang);
                    await screenshot(page, `accessibility/${lang}-${p.name}`);
                    const violations = await runAxe(page, `${lang}-${p.name}`);
                    const problems = await structureProblems(page, lang);
                    const messages = [];
                    if (violations.length) {
                        messages.push(`axe-core (${AXE_TAGS.join(', ')}): ${violations.length} violation(s) on ${path}:\n` +
                            formatViolations(violations));
                    }
                    if (problems.length) messages.push(`structure of ${path}:\n${problems.map((x) => `  * ${x}`).join('\n')}`);
                    assert.equal(messages.length, 0, `${p.name} (${lang}):\n${messages.join('\n')}`);
                } finally {
                    await context.close();
                }
            });
        }

        test('sign-in form with errors (error summary, value kept)', async () => {
            const context = await newContext(browser);
            try {
                const page = await context.newPage();
                await open(page, routes.signIn, lang);
                // A password for an address that exists nowhere (one failed login, far below the limits).
                const email = `nobody-${Date.now()}@example.org`;
                await page.fill('#signin-form [name="email"]', email);
                await page.fill('#signin-form [name="password"]', 'not the password 123');
                await submit(page, '#signin-form');
                await screenshot(page, `accessibility/${lang}-sign-in-errors`);
                const alert = page.locator('#form-errors[role="alert"]');
                assert.equal(await alert.count(), 1, 'a failed sign-in shows <… id="form-errors" role="alert">');
                assert.notEqual((await alert.innerText()).trim(), '', '#form-errors is empty');
                assert.equal(await page.inputValue('#signin-form [name="email"]'), email, 'the e-mail typed is kept');
                const violations = await runAxe(page, `${lang}-sign-in-errors`);
                assert.equal(violations.length, 0, `axe-core on the sign-in form with errors:\n${formatViolations(violations)}`);
                const problems = await structureProblems(page, lang);
                assert.deepEqual(problems, [], `structure of the sign-in page with errors:\n${problems.join('\n')}`);
            } finally {
                await context.close();
            }
        });

        test('sign-up form with field errors (aria-describedby, values kept)', async () => {
            const context = await newContext(browser);
            try {
                const page = await context.newPage();
                await open(page, routes.signUp, lang);
                // The server's own checks (the browser's are turned off, as an old browser would not have them).
                await page.evaluate(() => { document.getElementById('signup-form').noValidate = true; });
                await page.fill('#signup-form [name="email"]', 'pas-une-adresse');
                await page.fill('#signup-form [name="password"]', 'court');
                await page.fill('#signup-form [name="display_name"]', 'Camille');
                await submit(page, '#signup-form');
                await screenshot(page, `accessibility/${lang}-sign-up-errors`);
                assert.equal(await page.locator('#form-errors[role="alert"]').count(), 1,
                    'an invalid sign-up shows <… id="form-errors" role="alert">');
                for (const name of ['email', 'password']) {
                    const field = page.locator(`#signup-form [name="${name}"]`);
                    const describedBy = (await field.getAttribute('aria-describedby')) || '';
                    assert.ok(describedBy.split(/\s+/).includes(`${name}-error`),
                        `the ${name} field's aria-describedby ("${describedBy}") names ${name}-error`);
                    const error = page.locator(`#${name}-error`);
                    assert.equal(await error.count(), 1, `#${name}-error exists`);
                    assert.notEqual((await error.innerText()).trim(), '', `#${name}-error says what is wrong`);
                }
                assert.equal(await page.inputValue('#signup-form [name="email"]'), 'pas-une-adresse', 'the e-mail typed is kept');
                assert.equal(await page.inputValue('#signup-form [name="display_name"]'), 'Camille', 'the name typed is kept');
                const violations = await runAxe(page, `${lang}-sign-up-errors`);
                assert.equal(violations.length, 0, `axe-core on the sign-up form with errors:\n${formatViolations(violations)}`);
            } finally {
                await context.close();
            }
        });
    });
}
