// A resident's journey, in French and in English: sign up in commune 75056, sign in, browse the two spaces,
// submit a report and find it in the list; then the demo agent acknowledges it and the report page shows the
// commune's answer. Each step is screenshotted (resident on a phone, agent on a desktop).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launch, newContext, open, screenshot, signIn, submit, VIEWPORTS } from '../lib/browser.mjs';
import { COMMUNE, LANGS, SAMPLE_REPORT, routes, unique } from '../lib/site.mjs';

let browser;
const contexts = [];
before(async () => {
    browser = await launch();
});
after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
});

async function context(kind) {
    const c = kind === 'mobile'
        ? await newContext(browser, { viewport: VIEWPORTS.mobile, isMobile: true })
        : await newContext(browser, { viewport: VIEWPORTS.desktop });
    contexts.push(c);
    return c;
}

async function assertLang(page, lang) {
    const actual = await page.getAttribute('html', 'lang');
    assert.ok(actual === lang || actual?.startsWith(`${lang}-`), `${page.url()}: <html lang="${actual}">, expected "${lang}"`);
}

async function h1(page) {
    const all = await page.locator('h1').allInnerTexts();
    assert.equal(all.length, 1, `${page.url()}: ${all.length} <h1> (${JSON.stringify(all)})`);
    assert.notEqual(all[0].trim(), '', `${page.url()}: empty <h1>`);
    return all[0].trim();
}

async function assertNoFormErrors(page, what) {
    const errors = await page.locator('#form-errors').allInnerTexts();
    const fieldErrors = await page.locator('[id$="-error"]').allInnerTexts();
    assert.deepEqual([...errors, ...fieldErrors].map((e) => e.trim()).filter(Boolean), [], `${what}: the form shows errors`);
}

async function linksTo(page, path) {
    return page.locator(`a[href="${path}"], a[href^="${path}?"], a[href="${new URL(path, page.url()).href}"]`).count();
}

const headings = {}; // lang -> { page: h1 }

for (const lang of LANGS) {
    describe(`resident journey (${lang})`, () => {
        const state = { headings: {} };
        headings[lang] = state.headings;
        const needs = (t, key, step) => {
            if (!state[key]) {
                t.skip(`needs the step "${step}", which failed`);
                return false;
            }
            return true;
        };

        test('sign up in commune 75056', async () => {
            const page = await (await context('mobile')).newPage();
            await open(page, routes.signUp, lang);
            await assertLang(page, lang);
            state.headings.signUp = await h1(page);
            const account = {
                email: `${unique(`e2e-${lang}`)}@example.org`,
                password: `Un mot de passe solide ${lang} 2026!`,
                name: lang === 'fr' ? 'Camille Habitante' : 'Sam Resident',
            };
            await page.fill('#signup-form [name="email"]', account.email);
            await page.fill('#signup-form [name="password"]', account.password);
            await page.fill('#signup-form [name="display_name"]', account.name);
            const commune = page.locator('#signup-form [name="commune"]');
            if ((await commune.evaluate((el) => el.tagName)) === 'SELECT') await commune.selectOption(COMMUNE);
            else await commune.fill(COMMUNE);
            await screenshot(page, `journeys/${lang}-01-sign-up-form`);
            await submit(page, '#signup-form');
            await screenshot(page, `journeys/${lang}-02-signed-up`);
            await assertNoFormErrors(page, 'sign-up');
            assert.notEqual(new URL(page.url()).pathname, routes.signUp, 'after signing up, the browser leaves the form');
            await assertLang(page, lang);
            state.account = account;
        });

        test('sign in with the new account', async (t) => {
            if (!needs(t, 'account', 'sign up')) return;
            const c = await context('mobile');
            const page = await c.newPage();
            await signIn(page, state.account, lang);
            assert.equal(new URL(page.url()).pathname, routes.account, 'after signing in, the account page (/compte/)');
            await assertLang(page, lang);
            assert.equal(await page.inputValue('#profile-form [name="display_name"]'), state.account.name,
                'the account page shows the name given at sign-up');
            await screenshot(page, `journeys/${lang}-03-account`);
            state.resident = c;
        });

        test('browse the commune, its official and citizen spaces', async (t) => {
            if (!needs(t, 'resident', 'sign in')) return;
            const page = await state.resident.newPage();

            await open(page, routes.communeHome, lang);
            await assertLang(page, lang);
            state.headings.communeHome = await h1(page);
            assert.ok(await linksTo(page, routes.official), `the commune home links to the official space (${routes.official})`);
            assert.ok(await linksTo(page, routes.citizen), `the commune home links to the citizen space (${routes.citizen})`);
            await screenshot(page, `journeys/${lang}-04-commune-home`);

            await open(page, routes.official, lang);
            await assertLang(page, lang);
            state.headings.official = await h1(page);
            assert.ok(await linksTo(page, routes.citizen), `the official space links to the citizen space (${routes.citizen})`);
            await screenshot(page, `journeys/${lang}-05-official`);

            await open(page, routes.citizen, lang);
            await assertLang(page, lang);
            state.headings.citizen = await h1(page);
            assert.ok(await linksTo(page, routes.official), `the citizen space links to the official space (${routes.official})`);
            assert.ok(await linksTo(page, routes.reports), `the citizen space links to the reports (${routes.reports})`);
            await screenshot(page, `journeys/${lang}-06-citizen`);

            assert.notEqual(state.headings.official, state.headings.citizen, 'the two spaces have different headings');
            await page.close();
        });

        test('submit a report and find it in the list', async (t) => {
            if (!needs(t, 'resident', 'sign in')) return;
            const page = await state.resident.newPage();
            await open(page, routes.reportForm, lang);
            await assertLang(page, lang);
            state.headings.reportForm = await h1(page);
            const title = unique(`${SAMPLE_REPORT.title} ${lang}`);
            const options = await page.$$eval('#report-form [name="category"] option',
                (os) => os.filter((o) => o.value && !o.disabled).map((o) => o.value));
            assert.ok(options.length > 0, 'the category <select> offers categories');
            await page.selectOption('#report-form [name="category"]', options[0]);
            await page.fill('#report-form [name="title"]', title);
            await page.fill('#report-form [name="description"]', SAMPLE_REPORT.description);
            await page.fill('#report-form [name="latitude"]', SAMPLE_REPORT.latitude);
            await page.fill('#report-form [name="longitude"]', SAMPLE_REPORT.longitude);
            await page.fill('#report-form [name="address"]', SAMPLE_REPORT.address);
            await screenshot(page, `journeys/${lang}-07-report-form`);
            await submit(page, '#report-form');
            // The demo commune has a report of this category at this very place: the site asks first whether it
            // is the same problem (docs/site-contract.md), and "send mine anyway" files it.
            if (await page.locator('#duplicates').count()) {
                await screenshot(page, `journeys/${lang}-08a-duplicates`);
                assert.equal(await page.inputValue('#report-form [name="title"]'), title, 'the title typed is kept');
                await submit(page, '#report-form');
            }
            await screenshot(page, `journeys/${lang}-08-report-submitted`);
            await assertNoFormErrors(page, 'report form');
            const path = new URL(page.url()).pathname;
            assert.match(path, new RegExp(`^/c/${COMMUNE}/citoyen/signalements/[^/]+$`), `after submitting, the report page (${page.url()})`);
            assert.ok((await h1(page)).includes(title), 'the report page shows its title');
            assert.equal(await page.locator('#acknowledge-form').count(), 0, 'a resident sees no acknowledge form');
            await assertLang(page, lang);

            await open(page, routes.reports, lang);
            const link = page.locator(`a[href="${path}"], a[href^="${path}?"]`);
            assert.ok(await link.count() > 0, `the reports list links to the new report (${path})`);
            assert.ok((await link.first().innerText()).includes(title), 'the link in the list shows the title');
            await screenshot(page, `journeys/${lang}-09-reports-list`);
            state.report = { path, title };
            await page.close();
        });

        test('the agent acknowledges the report; the report page shows the answer', async (t) => {
            if (!needs(t, 'report', 'submit a report')) return;
            const agent = await (await context('desktop')).newPage();
            await signIn(agent, 'agent', lang);
            await open(agent, state.report.path, lang);
            await assertLang(agent, lang);
            assert.equal(await agent.locator('#acknowledge-form').count(), 1, 'the agent sees the acknowledge form');
            const message = lang === 'fr'
                ? `Merci, une équipe passe cette semaine (${unique('ack')}).`
                : `Thank you, a team will come this week (${unique('ack')}).`;
            await agent.fill('#acknowledge-form [name="message"]', message);
            await screenshot(agent, `journeys/${lang}-10-agent-acknowledge`);
            await submit(agent, '#acknowledge-form');
            await assertNoFormErrors(agent, 'acknowledge form');
            await screenshot(agent, `journeys/${lang}-11-agent-acknowledged`);
            assert.ok((await agent.locator('main').innerText()).includes(message), 'after acknowledging, the agent sees the answer');

            // The resident, on the phone, sees the commune's answer on the report page…
            const page = await state.resident.newPage();
            await open(page, state.report.path, lang);
            await assertLang(page, lang);
            assert.ok((await page.locator('main').innerText()).includes(message), 'the report page shows the official answer');
            await screenshot(page, `journeys/${lang}-12-report-answered`);
            // …and the official space lists it among the commune's answers (docs/site-contract.md).
            await open(page, routes.official, lang);
            assert.ok((await page.locator('main').innerText()).includes(state.report.title),
                'the official space lists the acknowledged report');
            await screenshot(page, `journeys/${lang}-13-official-answers`);
        });
    });
}

describe('both languages', () => {
    test('the headings are translated', (t) => {
        const fr = headings.fr;
        const en = headings.en;
        // The commune home's heading may be the commune's name alone, the same in both languages.
        const pages = ['signUp', 'official', 'citizen', 'reportForm'].filter((k) => k in fr && k in en);
        if (pages.length === 0) {
            t.skip('no page was read in both languages');
            return;
        }
        for (const p of pages) {
            assert.notEqual(fr[p], en[p], `the ${p} page has the same <h1> in French and in English: "${fr[p]}"`);
        }
    });
});
