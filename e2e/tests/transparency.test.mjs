// The transparency dashboards and the open-data page in Chromium (issue 8): axe-core finds no WCAG 2.1 A/AA
// violation on the commune's, the département's and the national dashboards and on /donnees-ouvertes, in French and
// English; every chart is an SVG image with a name, in a <figure> with its caption, followed by its table; the pages
// keep to the width of a phone and of a desktop at 200 % zoom; a visit without JavaScript changes the period and
// filters the communes by département with the pages' forms; the CSV downloads and reads back. The demo commune's
// reports, publications and questions (seeded by `miroir up`) are the figures.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { VIEWPORTS, formatViolations, launch, newContext, open, runAxe, screenshot, submit } from '../lib/browser.mjs';
import { COMMUNE, LANGS } from '../lib/site.mjs';

// The département of an INSEE code: three characters overseas (971…976), else two (2A and 2B included).
const DEPARTEMENT = COMMUNE.startsWith('97') ? COMMUNE.slice(0, 3) : COMMUNE.slice(0, 2);
const PAGES = [
    { name: 'commune', path: `/c/${COMMUNE}/transparence/` },
    { name: 'departement', path: `/transparence/departements/${DEPARTEMENT}/` },
    { name: 'national', path: '/transparence/' },
    { name: 'open-data', path: '/donnees-ouvertes' },
];

let browser;
before(async () => {
    browser = await launch();
});
after(async () => {
    await browser?.close();
});

async function withPage(options, fn) {
    const context = await newContext(browser, options);
    try {
        return await fn(await context.newPage());
    } finally {
        await context.close();
    }
}

/** The charts of the page: each SVG's name, its figure's caption, and the table right after the figure. */
async function charts(page) {
    return page.evaluate(() => [...document.querySelectorAll('svg')].map((svg) => {
        const figure = svg.closest('figure');
        // The table right after the figure, in the region that lets it scroll on a narrow screen.
        const region = figure?.nextElementSibling;
        const next = region?.getAttribute('role') === 'region' ? region.firstElementChild : region;
        return {
            role: svg.getAttribute('role'),
            name: svg.getAttribute('aria-label') || '',
            caption: figure?.querySelector('figcaption')?.innerText.trim() || '',
            table: next?.tagName === 'TABLE',
            tableCaption: next?.querySelector('caption')?.innerText.trim() || '',
            columnHeaders: next ? next.querySelectorAll('thead th[scope="col"]').length : 0,
            rowHeaders: next ? next.querySelectorAll('tbody th[scope="row"]').length : 0,
            bars: svg.querySelectorAll('rect.bar').length,
        };
    }));
}

/** Wider than the window: the page scrolls sideways (a table may scroll inside its own region). */
async function overflow(page) {
    return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

for (const lang of LANGS) {
    describe(`transparency pages (${lang})`, { concurrency: 2 }, () => {
        for (const p of PAGES) {
            test(`${p.name}: axe-core, charts with their tables`, async () => {
                await withPage({}, async (page) => {
                    await open(page, p.path, lang);
                    await screenshot(page, `transparency/${lang}-${p.name}`);
                    const violations = await runAxe(page, `transparency-${lang}-${p.name}`);
                    assert.equal(violations.length, 0, `axe-core on ${p.path} (${lang}):\n${formatViolations(violations)}`);
                    assert.equal(await page.locator('h1').count(), 1, 'one <h1>');
                    const found = await charts(page);
                    if (p.name === 'open-data') {
                        assert.equal(found.length, 0, 'the documentation has no chart');
                        assert.ok((await page.locator('table.field-docs code').count()) > 50, 'every field is documented');
                        return;
                    }
                    assert.ok(found.length >= 4, `${p.path}: ${found.length} charts`);
                    for (const chart of found) {
                        assert.equal(chart.role, 'img', JSON.stringify(chart));
                        assert.ok(chart.name && chart.caption.startsWith(chart.name),
                            `the image's name is its caption: ${JSON.stringify(chart)}`);
                        assert.ok(chart.table && chart.tableCaption, `a table with a caption follows: ${JSON.stringify(chart)}`);
                        assert.ok(chart.columnHeaders >= 2 && chart.rowHeaders >= 1, JSON.stringify(chart));
                        assert.ok(chart.bars >= chart.rowHeaders, `one bar per row at least: ${JSON.stringify(chart)}`);
                    }
                    // The downloads of the page, with the licence.
                    assert.ok((await page.locator('#downloads a[href$=".csv"]').count()) >= 1, 'a CSV download');
                    assert.ok((await page.locator('#downloads a[href$=".json"]').count()) >= 1, 'a JSON download');
                });
            });
        }
    });
}

describe('transparency on a phone and at 200 % zoom', { concurrency: 2 }, () => {
    const sizes = [
        { name: 'phone', viewport: VIEWPORTS.mobile, isMobile: true },
        // 200 % zoom of a 1280 px window: 640 CSS pixels.
        { name: 'zoom-200', viewport: { width: 640, height: 400 } },
    ];
    for (const size of sizes) {
        test(`${size.name}: no sideways scrolling, charts scale to the column`, async () => {
            await withPage({ viewport: size.viewport, isMobile: size.isMobile || false }, async (page) => {
                for (const p of PAGES) {
                    await open(page, p.path, 'fr');
                    await screenshot(page, `transparency/${size.name}-${p.name}`);
                    assert.ok(await overflow(page) <= 0, `${p.path} is wider than ${size.viewport.width} px`);
                    const widths = await page.evaluate(() => [...document.querySelectorAll('svg.bar-chart')]
                        .map((svg) => [svg.getBoundingClientRect().width, svg.parentElement.getBoundingClientRect().width]));
                    for (const [svg, column] of widths) assert.ok(svg <= column + 1, `a chart overflows: ${svg} > ${column}`);
                }
            });
        });
    }
});

describe('transparency without JavaScript', () => {
    test('the period and the département filter work with the pages\' forms; the CSV downloads', async () => {
        await withPage({ javaScriptEnabled: false }, async (page) => {
            const commune = `/c/${COMMUNE}/transparence/`;
            await open(page, commune, 'fr');
            // Three months instead of twelve.
            await page.fill('#mois', '3');
            await submit(page, '#period-form');
            assert.equal(new URL(page.url()).searchParams.get('mois'), '3', page.url());
            assert.equal(await page.locator('#chart-reports-months g.group').count(), 3, 'three months drawn');
            assert.match(await page.locator('#period').innerText(), /3 derniers mois/);
            await screenshot(page, 'transparency/nojs-three-months');

            // The national page: filter the communes by the demo commune's département, then go to its dashboard.
            await open(page, '/transparence/', 'fr');
            await page.fill('#departement', DEPARTEMENT);
            await submit(page, '#departement-filter');
            assert.equal(new URL(page.url()).searchParams.get('departement'), DEPARTEMENT);
            const link = page.locator(`#communes-table a[href="${commune}"]`);
            assert.equal(await link.count(), 1, `the table lists ${COMMUNE}`);
            await screenshot(page, 'transparency/nojs-filtered');
            await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), link.click()]);
            assert.equal(new URL(page.url()).pathname, commune);

            // A bad département code: said beside the field, HTTP 400.
            const refused = await page.goto('/transparence/?departement=zz');
            assert.equal(refused.status(), 400);
            assert.equal(await page.locator('#departement-error').count(), 1);
            assert.equal(await page.locator('#departement').getAttribute('aria-invalid'), 'true');

            // The CSV of the commune's dashboard downloads and reads as RFC 4180 with its header row.
            await open(page, commune, 'fr');
            const [download] = await Promise.all([
                page.waitForEvent('download'),
                page.locator(`#downloads a[href="/c/${COMMUNE}/transparence.csv"]`).click(),
            ]);
            assert.equal(download.suggestedFilename(), `transparence-${COMMUNE}.csv`);
            const csv = readFileSync(await download.path(), 'utf8');
            const lines = csv.split('\r\n');
            assert.equal(lines[0], 'scope,name,period_from,period_to,computed_at,indicator,breakdown,label,value');
            const received = lines.find((l) => l.includes(',reports.received,'));
            assert.ok(received && received.startsWith(`communes/${COMMUNE},`), received);
            const count = Number(received.split(',').at(-1));
            assert.ok(Number.isInteger(count) && count > 0, `the demo commune's reports: ${received}`);
            const shown = await page.locator('#key-figures .key-value').first().innerText();
            assert.equal(Number(shown.replace(/\s/g, '')), count, 'the page and the file say the same');
        });
    });
});
