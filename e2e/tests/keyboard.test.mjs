// Keyboard only: sign in, and submit a report, in French and in English. Every element that takes the focus
// must show it (an outline or a box-shadow).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
    assertSignedIn, describe as describeEl, focused, launch, newContext, open, screenshot, signIn, tab, VIEWPORTS,
} from '../lib/browser.mjs';
import { ACCOUNTS, LANGS, SAMPLE_REPORT, routes, unique } from '../lib/site.mjs';

const MAX_TABS = 60;

let browser;
before(async () => {
    browser = await launch();
});
after(async () => {
    await browser?.close();
});

/**
 * From the top of the page, Tab (through the skip link, which is followed with Enter) until `wanted(focused)`.
 * Returns the focused element's description. Every step checks the focus indicator.
 */
async function tabTo(page, wanted, what) {
    const seen = [];
    // The first Tab lands on the skip link; follow it so the walk starts at the main content.
    let f = await tab(page, `${what}, Tab 1`);
    seen.push(describeEl(f));
    if (f.tag === 'a' && f.href.startsWith('#')) {
        await page.keyboard.press('Enter');
        if (wanted(await focused(page))) return focused(page);
    }
    for (let i = 2; i <= MAX_TABS; i++) {
        if (wanted(f)) return f;
        f = await tab(page, `${what}, Tab ${i}`);
        seen.push(describeEl(f));
    }
    if (wanted(f)) return f;
    assert.fail(`${what}: not reached after ${MAX_TABS} Tab presses; focus went through:\n  ${seen.join('\n  ')}`);
}

for (const lang of LANGS) {
    describe(`keyboard (${lang})`, () => {
        test('sign in with the keyboard only', async () => {
            const context = await newContext(browser, { viewport: VIEWPORTS.desktop });
            try {
                const page = await context.newPage();
                await open(page, routes.signIn, lang);
                const { email, password } = ACCOUNTS.resident;

                await tabTo(page, (f) => f.name === 'email' && f.form === 'signin-form', 'sign-in: Tab to the e-mail field');
                await page.keyboard.type(email);
                let f = await tab(page, 'sign-in: Tab to the password field');
                assert.equal(f.name, 'password', `after the e-mail field, Tab reaches the password field, not ${describeEl(f)}`);
                await page.keyboard.type(password);
                await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
                await screenshot(page, `keyboard/${lang}-signed-in`);
                await assertSignedIn(page, 'keyboard sign-in');
                assert.equal(new URL(page.url()).pathname, routes.account, 'after signing in, the account page (/compte/)');
            } finally {
                await context.close();
            }
        });

        test('submit a report with the keyboard only', async () => {
            const context = await newContext(browser, { viewport: VIEWPORTS.desktop });
            try {
                const page = await context.newPage();
                await signIn(page, 'resident', lang);
                await open(page, routes.reportForm, lang);
                const title = unique(`${SAMPLE_REPORT.title} clavier ${lang}`);
                const values = { ...SAMPLE_REPORT, title };
                const filled = new Set();

                let f = await tabTo(page, (x) => x.form === 'report-form' && x.name === 'category',
                    'report form: Tab to the category');
                // Choose a category with the keyboard: the first option that is not the placeholder.
                const before = await page.inputValue('#report-form [name="category"]');
                const options = await page.$$eval('#report-form [name="category"] option',
                    (os) => os.map((o) => ({ value: o.value, disabled: o.disabled })));
                const start = options.findIndex((o) => o.value === before);
                const target = options.findIndex((o, i) => i > start && o.value && !o.disabled);
                const pick = target >= 0 ? target : options.findIndex((o) => o.value && !o.disabled);
                assert.ok(pick >= 0, `the category <select> offers a category (options: ${JSON.stringify(options)})`);
                for (let i = start; i < pick; i++) await page.keyboard.press('ArrowDown');
                const category = await page.inputValue('#report-form [name="category"]');
                assert.ok(category, 'a category is chosen with the arrow keys');
                filled.add('category');

                for (let i = 0; i < MAX_TABS; i++) {
                    f = await tab(page, `report form, after ${describeEl(f)}`);
                    assert.ok(!f.none, 'the focus left the page while in the report form');
                    if (f.form === 'report-form' && (f.tag === 'button' || f.type === 'submit') && f.type !== 'reset' &&
                        f.type !== 'button') {
                        break;
                    }
                    if (f.form === 'report-form' && f.name in values && !filled.has(f.name)) {
                        await page.keyboard.type(values[f.name]);
                        filled.add(f.name);
                    }
                }
                assert.ok(f.form === 'report-form' && f.tag === 'button',
                    `Tab reaches the report form's submit button (focus on ${describeEl(f)})`);
                for (const name of ['title', 'description']) {
                    assert.ok(filled.has(name), `the ${name} field is reached with Tab`);
                }
                await screenshot(page, `keyboard/${lang}-report-form-filled`);
                // Space on a button submits the form, as Enter does.
                await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Space')]);
                // Reports of this category nearby: the form comes back with them first; its button now says
                // "send mine anyway". Reached with Tab again, past the suggestions.
                if (await page.locator('#duplicates').count()) {
                    await screenshot(page, `keyboard/${lang}-report-duplicates`);
                    f = await tabTo(page, (x) => x.form === 'report-form' && x.tag === 'button',
                        'duplicates: Tab to the report form\'s button');
                    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
                }
                await screenshot(page, `keyboard/${lang}-report-submitted`);
                const errors = await page.locator('#form-errors').allInnerTexts();
                assert.deepEqual(errors, [], 'the report form shows no errors');
                const h1 = (await page.locator('h1').first().innerText()).trim();
                assert.ok(h1.includes(title), `the report page shows the title: <h1> is "${h1}", expected "${title}"`);
                assert.match(new URL(page.url()).pathname, /\/c\/\d{5}\/citoyen\/signalements\/[^/]+$/,
                    `after submitting, the report page (${page.url()})`);
            } finally {
                await context.close();
            }
        });
    });
}
