// Reports without JavaScript, in Chromium with JavaScript off (docs/site-contract.md: every form works without
// it): an anonymous resident files a report with a photo and an answer, is asked to check their e-mail, and
// confirms the report through the link (read from the server's log, where the embedded mode writes it instead of
// e-mailing it); the report is public then, its photo shown, the reporter's address never; the list and its
// filters work without the map.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { launch, newContext, open, screenshot, submit } from '../lib/browser.mjs';
import { COMMUNE, routes, unique } from '../lib/site.mjs';

const PHOTO = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'photo.jpg');
const LANG = 'fr';
const reportPath = new RegExp(`^/c/${COMMUNE}/citoyen/signalements/([0-9a-f-]{36})$`);

let browser;
let context;
before(async () => {
    browser = await launch();
});
after(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
});

async function noFormErrors(page, what) {
    const errors = await page.locator('#form-errors, [id$="-error"]').allInnerTexts();
    assert.deepEqual(errors.map((e) => e.trim()).filter(Boolean), [], `${what}: the page shows errors`);
}

/** A place of its own in Paris for this run (no other test's report within 50 m). */
function somewhere() {
    return { latitude: (48.83 + Math.random() * 0.02).toFixed(6), longitude: (2.30 + Math.random() * 0.02).toFixed(6) };
}

function serverLog() {
    const log = process.env.MIROIR_SERVER_LOG;
    assert.ok(log, 'MIROIR_SERVER_LOG is set by e2e/run');
    return readFileSync(log, 'utf8');
}

/** The verification links the server wrote to its log after the first `from` characters. */
function linksInLog(from) {
    return [...serverLog().slice(from).matchAll(/https?:\/\/[^"\s]+\/citoyen\/signalements\/verifier\?token=[A-Za-z0-9_-]+/g)]
        .map((m) => m[0]);
}

describe('reports without JavaScript', () => {
    test('an anonymous resident files a report with a photo and confirms it by the e-mail link', async () => {
        context = await newContext(browser, { javaScriptEnabled: false });
        const page = await context.newPage();
        await open(page, routes.reportForm, LANG);
        assert.ok(!(await page.locator('#report-form-map').isVisible()), 'no map without JavaScript');
        const token = unique('sans-js');
        const title = `Lampadaire clignotant ${token}`;
        const email = `${token}@example.org`;
        const place = somewhere();
        await page.selectOption('#report-form [name="category"]', 'eclairage');
        // Without JavaScript every category's questions are on the form; the chosen one's are answered.
        await page.fill('#attr-eclairage-numero-candelabre', 'C-42');
        await page.fill('#report-form [name="title"]', title);
        await page.fill('#latitude', place.latitude);
        await page.fill('#longitude', place.longitude);
        await page.setInputFiles('#photos', PHOTO);
        await page.fill('#report-form [name="email"]', email);
        await screenshot(page, 'reports-nojs/10-nojs-form');
        const before = serverLog().length;
        await submit(page, '#report-form');
        await noFormErrors(page, 'the anonymous report');
        assert.equal(new URL(page.url()).pathname, routes.reportVerify, '"check your e-mail"');
        await screenshot(page, 'reports-nojs/11-nojs-check-email');
        // (axe-core needs JavaScript: the accessibility tests check this page with it.)

        // Not public until the link is followed.
        await open(page, routes.reports, LANG);
        assert.ok(!(await page.locator('main').innerText()).includes(title), 'not in the list yet');
        let links = [];
        for (let i = 0; i < 50 && links.length === 0; i++) {
            links = linksInLog(before);
            if (links.length === 0) await new Promise((r) => setTimeout(r, 100));
        }
        assert.equal(links.length, 1, 'the server wrote one verification link to its log');
        const link = new URL(links[0]);
        await open(page, link.pathname + link.search, LANG);
        await screenshot(page, 'reports-nojs/12-nojs-verified');
        await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('main a').first().click()]);
        assert.match(new URL(page.url()).pathname, reportPath, 'the confirmation links to the report');
        assert.equal((await page.locator('h1').innerText()).trim(), title);
        // (No script runs in this page, not even the tests': the photo is checked over HTTP.)
        const src = await page.locator('.photos img').first().getAttribute('src');
        const photo = await page.request.get(src);
        assert.equal(photo.status(), 200, `the photo ${src}`);
        assert.equal(photo.headers()['content-type'], 'image/jpeg');
        assert.ok(!(await page.content()).includes(email), 'the reporter\'s e-mail is never shown in public');
        await screenshot(page, 'reports-nojs/13-nojs-report');

        // The list and its filters work without JavaScript too.
        await open(page, routes.reports, LANG);
        assert.ok(!(await page.locator('#reports-map').isVisible()), 'no map, the list instead');
        await page.fill('#reports-filters [name="text"]', token);
        await submit(page, '#reports-filters');
        const cards = await page.locator('main .card').allInnerTexts();
        assert.equal(cards.length, 1, `the text filter finds it alone: ${cards.join(' | ')}`);
        assert.ok(cards[0].includes(title));
        assert.ok(!(await page.content()).includes(email), 'nor in the list');
        await screenshot(page, 'reports-nojs/14-nojs-list-filtered');
    });
});
