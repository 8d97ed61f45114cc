// Reports from end to end, in Chromium (docs/site-contract.md): a resident files a report with a photo and an
// answer, placing it with a click on the map; it shows in the list and on the list's map ("search this area"
// narrows the list to it); another resident supports it; a second report of the same problem is offered as a
// duplicate first, then filed anyway; the agent acknowledges both from the queue in one go and merges the
// duplicate. axe-core checks each new page on the way. (Without JavaScript: reports-nojs.test.mjs.)

import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { formatViolations, launch, newContext, open, runAxe, screenshot, signIn, submit } from '../lib/browser.mjs';
import { COMMUNE, routes, unique } from '../lib/site.mjs';

const PHOTO = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'photo.jpg');
const LANG = 'fr';

let browser;
const contexts = [];
before(async () => {
    browser = await launch();
});
after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
});

async function context(options = {}) {
    const c = await newContext(browser, options);
    contexts.push(c);
    return c;
}

async function axe(page, name) {
    const violations = await runAxe(page, `reports-${name}`);
    assert.equal(violations.length, 0, `axe-core on ${name} (${page.url()}):\n${formatViolations(violations)}`);
}

async function noFormErrors(page, what) {
    const errors = await page.locator('#form-errors, [id$="-error"]').allInnerTexts();
    assert.deepEqual(errors.map((e) => e.trim()).filter(Boolean), [], `${what}: the page shows errors`);
}

/** A place of its own in Paris for this run (no other test's report within 50 m). */
function somewhere() {
    const lat = 48.87 + Math.random() * 0.02;
    const lng = 2.36 + Math.random() * 0.02;
    return { latitude: lat.toFixed(6), longitude: lng.toFixed(6) };
}

const reportPath = new RegExp(`^/c/${COMMUNE}/citoyen/signalements/([0-9a-f-]{36})$`);

describe('reports from end to end', () => {
    const state = {};
    const needs = (t, key, step) => {
        if (!state[key]) {
            t.skip(`needs the step "${step}", which failed`);
            return false;
        }
        return true;
    };

    test('a resident files a report with a photo and an answer, placed with a click on the map', async () => {
        const page = await (await context()).newPage();
        await signIn(page, 'resident', LANG);
        await open(page, routes.reportForm, LANG);
        const token = unique('carte');
        const title = `Encombrants sur le trottoir ${token}`;

        // Only the chosen category's questions show (JavaScript on).
        await page.selectOption('#report-form [name="category"]', 'proprete');
        assert.ok(await page.locator('fieldset.questions[data-category="proprete"]').isVisible(), 'its questions show');
        assert.ok(!(await page.locator('fieldset.questions[data-category="eclairage"]').isVisible()),
            'another category\'s questions do not');
        await page.selectOption('#attr-proprete-type-depot', 'encombrants');
        await page.fill('#report-form [name="title"]', title);
        await page.fill('#report-form [name="description"]', 'Un canapé et deux matelas depuis lundi.');

        // The map fills the coordinates; then a place of this run's own.
        const map = page.locator('#report-form-map');
        assert.ok(await map.isVisible(), 'with JavaScript the form shows its map');
        await map.click({ position: { x: 160, y: 120 } });
        const clicked = [await page.inputValue('#latitude'), await page.inputValue('#longitude')];
        assert.ok(clicked.every((v) => /^-?\d+\.\d+$/.test(v)), `a click on the map sets the coordinates: ${clicked}`);
        assert.equal(await map.locator('.leaflet-marker-icon').count(), 1, 'and puts a marker there');
        const place = somewhere();
        await page.fill('#latitude', place.latitude);
        await page.fill('#longitude', place.longitude);
        await page.fill('#address', '12 rue de Lappe, 75011 Paris');
        await page.setInputFiles('#photos', PHOTO);
        await screenshot(page, 'reports/01-form-filled');
        await submit(page, '#report-form');
        await noFormErrors(page, 'the report form');
        const url = new URL(page.url());
        const match = url.pathname.match(reportPath);
        assert.ok(match, `after submitting, the report page (${page.url()})`);
        assert.equal((await page.locator('h1').innerText()).trim(), title);
        const main = await page.locator('main').innerText();
        assert.ok(main.includes('Encombrants') && main.includes("De quoi s'agit-il ?"), 'the answer, with its question');
        const photo = page.locator('.photos img').first();
        assert.ok(await photo.evaluate((img) => img.complete && img.naturalWidth > 0), 'the photo is shown');
        await screenshot(page, 'reports/02-report-page');
        await axe(page, 'report-page-reporter');
        Object.assign(state, { token, title, place, path: url.pathname, id: match[1] });
    });

    test('the report is in the list and on its map; "search this area" narrows the list', async (t) => {
        if (!needs(t, 'path', 'file a report')) return;
        const page = await (await context()).newPage();
        await open(page, routes.reports, LANG);
        assert.ok(await page.locator(`main a[href="${state.path}"]`).count() > 0, 'the list links to it');
        const marker = page.locator(`#reports-map .leaflet-marker-icon[title="${state.title}"]`);
        assert.equal(await marker.count(), 1, 'the map has its marker');
        await marker.click();
        assert.equal(await page.locator(`#reports-map .leaflet-popup a[href="${state.path}"]`).count(), 1,
            'its popup links to the report');
        await screenshot(page, 'reports/03-list-and-map');
        await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('.map-search-button').click()]);
        const query = new URL(page.url()).searchParams;
        for (const side of ['south', 'west', 'north', 'east']) {
            assert.match(query.get(side) ?? '', /^-?\d+\.\d+$/, `"search this area" sets ${side}`);
        }
        assert.ok(await page.locator(`main a[href="${state.path}"]`).count() > 0, 'the report is in that area');
        assert.equal(await page.locator('#reports-filters [name="south"]').inputValue(), query.get('south'),
            'the filter form keeps the area');
        await screenshot(page, 'reports/04-list-area');
        await axe(page, 'list-with-area');
    });

    test('another resident supports it ("me too"), once', async (t) => {
        if (!needs(t, 'path', 'file a report')) return;
        const page = await (await context()).newPage();
        await signIn(page, 'moderator', LANG);
        await open(page, state.path, LANG);
        await submit(page, '#support-form');
        const supports = await page.locator('#supports').locator('..').innerText();
        assert.ok(supports.includes('1 personne soutient ce signalement'), `the count says 1: ${supports}`);
        assert.ok(supports.includes('Vous soutenez ce signalement.'), 'and that they support it');
        assert.equal(await page.locator('#support-form').count(), 0, 'no second "me too"');
        await screenshot(page, 'reports/05-supported');
        state.supporter = page;
    });

    test('the same problem reported again is offered as a duplicate first, then filed anyway', async (t) => {
        if (!needs(t, 'supporter', 'support the report')) return;
        const page = state.supporter;
        await open(page, routes.reportForm, LANG);
        await page.selectOption('#report-form [name="category"]', 'proprete');
        const title = `Dépôt sauvage ${state.token}`;
        await page.fill('#report-form [name="title"]', title);
        await page.fill('#latitude', state.place.latitude);
        await page.fill('#longitude', state.place.longitude);
        await submit(page, '#report-form');
        assert.equal(await page.locator('#duplicates').count(), 1, 'the form comes back with "is it one of these?"');
        assert.ok(await page.locator(`#duplicates a[href="${state.path}"]`).count() > 0, 'offering the first report');
        assert.equal(await page.inputValue('#report-form [name="title"]'), title, 'the title typed is kept');
        await screenshot(page, 'reports/06-duplicates');
        await axe(page, 'duplicates');
        await submit(page, '#report-form');
        await noFormErrors(page, 'send anyway');
        const match = new URL(page.url()).pathname.match(reportPath);
        assert.ok(match, `the second report is filed (${page.url()})`);
        Object.assign(state, { duplicatePath: match[0], duplicateId: match[1], duplicateTitle: title });
    });

    test('the agent acknowledges both from the queue in one go', async (t) => {
        if (!needs(t, 'duplicateId', 'file the duplicate')) return;
        const page = await (await context()).newPage();
        await signIn(page, 'agent', LANG);
        await open(page, `${routes.queue}?text=${encodeURIComponent(state.token)}`, LANG);
        await axe(page, 'queue-filtered');
        for (const id of [state.id, state.duplicateId]) {
            await page.check(`#bulk-acknowledge-form input[name="report_id"][value="${id}"]`);
        }
        const message = `Une équipe passe jeudi (${state.token}).`;
        await page.fill('#bulk-acknowledge-form [name="message"]', message);
        await screenshot(page, 'reports/07-queue-ticked');
        await submit(page, '#bulk-acknowledge-form');
        const done = await page.locator('#bulk-done').innerText();
        assert.ok(done.includes('2 signalements pris en compte'), `both acknowledged: ${done}`);
        assert.ok(done.includes(state.title) && done.includes(state.duplicateTitle), 'each named');
        assert.equal(await page.locator('#bulk-failed').count(), 0, 'no failure');
        await screenshot(page, 'reports/08-bulk-result');
        await axe(page, 'bulk-result');
        await open(page, state.path, LANG);
        assert.ok((await page.locator('.timeline').innerText()).includes(message), 'the public timeline has the answer');
        state.agent = page;
    });

    test('the agent merges the duplicate into the first report', async (t) => {
        if (!needs(t, 'agent', 'acknowledge from the queue')) return;
        const page = state.agent;
        await open(page, state.duplicatePath, LANG);
        await axe(page, 'report-page-staff');
        await page.fill('#merge-form [name="into"]', state.id);
        await page.fill('#merge-form [name="merge_message"]', 'Même dépôt, suivi sur le premier signalement.');
        await submit(page, '#merge-form');
        await noFormErrors(page, 'merge');
        assert.equal(await page.locator(`main a[href="${state.path}"]`).count() > 0, true,
            'the duplicate links to the report kept');
        assert.ok((await page.locator('main').innerText()).includes('Fusionné'), 'its status says merged');
        await screenshot(page, 'reports/09-merged');
    });
});
