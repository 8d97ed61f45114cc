// Publications and the two spaces in Chromium (docs/site-contract.md): the agent drafts a project, publishes it
// and amends it; a resident reads the revision's diff; the collective's moderator writes a follow-up note on the
// project from its page, and the project page links to the note (and the note back to the project). axe-core
// checks every new page in both languages, for residents and for the writers; the last test does the agent's and
// the resident's part again with JavaScript off. Everything is created here (no demo publications needed).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatViolations, launch, newContext, open, runAxe, screenshot, signIn, submit } from '../lib/browser.mjs';
import { COMMUNE, LANGS, unique } from '../lib/site.mjs';

const LANG = 'fr';
const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const PDF = path.join(FIXTURES, 'deliberation.pdf');
const PHOTO = path.join(FIXTURES, 'photo.jpg');
const base = `/c/${COMMUNE}`;
const paths = {
    home: `${base}/`,
    official: `${base}/officiel/`,
    citizen: `${base}/citoyen/`,
    projects: `${base}/officiel/projets/`,
    decisions: `${base}/officiel/deliberations/`,
    minutes: `${base}/officiel/proces-verbaux/`,
    budgets: `${base}/officiel/budgets/`,
    news: `${base}/officiel/actualites/`,
    posts: `${base}/citoyen/billets/`,
    activities: `${base}/citoyen/activites/`,
    tracking: `${base}/citoyen/suivi/`,
    officialDesk: `${base}/officiel/redaction/`,
    officialNew: `${base}/officiel/redaction/nouveau`,
    citizenDesk: `${base}/citoyen/redaction/`,
    citizenNew: `${base}/citoyen/redaction/nouveau`,
    publication: (id) => `${base}/publications/${id}`,
    edit: (id) => `${base}/publications/${id}/modifier`,
    search: (q) => `${base}/recherche?q=${encodeURIComponent(q)}`,
};
const publicationPath = new RegExp(`^${base}/publications/([0-9a-f-]{36})$`);
const editPath = new RegExp(`^${base}/publications/([0-9a-f-]{36})/modifier$`);

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
    const violations = await runAxe(page, `publications-${name}`);
    assert.equal(violations.length, 0, `axe-core on ${name} (${page.url()}):\n${formatViolations(violations)}`);
}

async function noFormErrors(page, what) {
    const errors = await page.locator('#form-errors, [id$="-error"]').allInnerTexts();
    assert.deepEqual(errors.map((e) => e.trim()).filter(Boolean), [], `${what}: the page shows errors`);
}

/** Fills and saves a new project draft on the new-draft form; returns its id (the writers' page follows). */
async function draftProject(page, title) {
    await page.fill('#title', title);
    await page.fill('#body', 'Les travaux de la cour commencent en mars.\nLa cantine reste ouverte.\n\nDétails à venir.');
    await page.selectOption('#status', 'in_progress');
    await page.fill('#progress', '40');
    await page.fill('#budget_planned', '250 000');
    await page.fill('#budget_spent', '12 500,50');
    await page.fill('#department', 'Bâtiments scolaires');
    await page.fill('#m0_title', 'Début des travaux');
    await page.fill('#m0_date', '2026-03-02');
    await page.check('#m0_done');
    await page.fill('#m1_title', 'Livraison');
    await page.fill('#m1_date', '2026-09-01');
    await submit(page, '#publication-form');
    await noFormErrors(page, 'the new project');
    const match = new URL(page.url()).pathname.match(editPath);
    assert.ok(match, `after saving, the writers' page of the draft (${page.url()})`);
    assert.equal(await page.locator('#saved').count(), 1, 'it says the draft is saved');
    return match[1];
}

/** On a draft's writers' page: publishes now; the publication's page follows. */
async function publishNow(page, id) {
    await page.check('#when-now');
    await submit(page, '#publish-form');
    await noFormErrors(page, 'publishing');
    assert.equal(new URL(page.url()).pathname, paths.publication(id), 'after publishing, its page');
}

describe('publications from end to end', () => {
    const state = {};
    const needs = (t, key, step) => {
        if (!state[key]) {
            t.skip(`needs the step "${step}", which failed`);
            return false;
        }
        return true;
    };

    test('the agent drafts a project, publishes it and amends it', async () => {
        const page = await (await context()).newPage();
        await signIn(page, 'agent', LANG);
        await open(page, paths.official, LANG);
        await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('#desk-link').click()]);
        assert.equal(new URL(page.url()).pathname, paths.officialDesk, 'the official space links its writers to the desk');
        await axe(page, 'desk-official');
        await Promise.all([
            page.waitForNavigation({ waitUntil: 'load' }),
            page.locator(`a[href="${paths.officialNew}?kind=project"]`).first().click(),
        ]);
        await axe(page, 'new-project-form');
        const title = `Rénovation de l'école ${unique('projet')}`;
        const id = await draftProject(page, title);
        await screenshot(page, 'publications/01-draft-saved');
        await axe(page, 'draft-writers-page');
        await publishNow(page, id);
        assert.equal((await page.locator('h1').innerText()).trim(), title);
        const bar = page.locator('.publication-details progress');
        assert.equal(await bar.getAttribute('value'), '40');
        assert.match(await bar.getAttribute('aria-label'), /40\s?%/, 'the bar is named with its value');
        await screenshot(page, 'publications/02-published');

        await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('#edit-link').click()]);
        assert.equal(new URL(page.url()).pathname, paths.edit(id));
        await axe(page, 'amend-form');
        assert.equal(await page.locator('#publish-form').count(), 0, 'published: no publish form');
        assert.equal(await page.locator('#archive-form').count(), 1, 'but an archive form');
        await page.fill('#body', 'Les travaux de la cour commencent en avril.\nLa cantine reste ouverte.\n\nDétails à venir.');
        await page.fill('#progress', '55');
        // The summary is required (by the browser, and by the service).
        await page.fill('#summary', 'Les travaux sont décalés d\'un mois');
        await submit(page, '#publication-form');
        await noFormErrors(page, 'the amendment');
        const url = new URL(page.url());
        assert.equal(url.pathname, paths.publication(id));
        assert.equal(url.hash, '#revisions', 'the amendment leads to the history');
        Object.assign(state, { id, title, path: paths.publication(id) });
    });

    test('a resident reads the revision and its diff, said in words and not by colour alone', async (t) => {
        if (!needs(t, 'id', 'the agent publishes and amends a project')) return;
        const page = await (await context()).newPage();
        await signIn(page, 'resident', LANG);
        await open(page, state.path, LANG);
        const revision = page.locator('#revision-1');
        assert.equal(await revision.count(), 1, 'the first amendment is in the history');
        const text = await revision.innerText();
        assert.ok(text.includes('décalés d\'un mois'), `its summary: ${text}`);
        assert.equal((await revision.locator('.diff-removed del').innerText()).trim(), 'Les travaux de la cour commencent en mars.');
        assert.equal((await revision.locator('.diff-added ins').innerText()).trim(), 'Les travaux de la cour commencent en avril.');
        assert.equal((await revision.locator('.diff-removed .visually-hidden').innerText()).trim(), 'Ligne retirée :');
        assert.equal((await revision.locator('.diff-added .visually-hidden').innerText()).trim(), 'Ligne ajoutée :');
        assert.equal((await revision.locator('.diff-added .diff-mark').innerText()).trim(), '+', 'a visible sign too');
        const changes = await revision.locator('table.changes').innerText();
        assert.ok(/40\s?%/.test(changes) && /55\s?%/.test(changes), `the progress before and after: ${changes}`);
        assert.equal(await page.locator('#edit-link').count(), 0, 'residents do not edit');
        await screenshot(page, 'publications/03-revision-diff');
        // The commune's priorities: the project in progress, with its bar.
        await open(page, paths.home, LANG);
        const priority = page.locator(`.priorities .publication-card:has(a[href="${state.path}"])`);
        assert.equal(await priority.count(), 1, 'the home page lists it among the priorities');
        assert.equal(await priority.locator('progress').getAttribute('value'), '55', 'with its bar');
    });

    test('the moderator writes a follow-up note from the project, and each page links to the other', async (t) => {
        if (!needs(t, 'id', 'the agent publishes and amends a project')) return;
        const page = await (await context()).newPage();
        await signIn(page, 'moderator', LANG);
        await open(page, state.path, LANG);
        const write = page.locator(`#follow-up-notes a[href*="kind=follow_up"]`);
        assert.equal(await write.count(), 1, 'the project offers the collective to follow it');
        await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), write.click()]);
        assert.equal(await page.inputValue('#project'), state.id, 'the note is about this project');
        await axe(page, 'new-follow-up-form');
        const title = `Visite du chantier ${unique('suivi')}`;
        await page.fill('#title', title);
        await page.fill('#body', 'Nous avons visité le chantier : la cour est fermée, la cantine ouverte.');
        await submit(page, '#publication-form');
        await noFormErrors(page, 'the follow-up note');
        const match = new URL(page.url()).pathname.match(editPath);
        assert.ok(match, `the note's writers' page (${page.url()})`);
        const note = match[1];
        await publishNow(page, note);
        await screenshot(page, 'publications/04-note');
        assert.equal(await page.locator(`#followed-project a[href="${state.path}"]`).count(), 1, 'the note links to the project');

        const reader = await (await context()).newPage();
        await open(reader, state.path, LANG);
        const link = reader.locator(`#follow-up-notes a[href="${paths.publication(note)}"]`);
        assert.equal(await link.count(), 1, 'the project links to the note');
        assert.equal((await link.innerText()).trim(), title);
        await open(reader, paths.tracking, LANG);
        const tracked = reader.locator('.tracked', { has: reader.locator(`a[href="${state.path}"]`) });
        assert.equal(await tracked.locator(`a[href="${paths.publication(note)}"]`).count(), 1, 'tracked with its note');
        await axe(reader, 'tracking');
        Object.assign(state, { note });
    });

    test('the agent attaches a PDF and an image; residents download the one and see the other', async (t) => {
        if (!needs(t, 'id', 'the agent publishes and amends a project')) return;
        const page = await (await context()).newPage();
        await signIn(page, 'agent', LANG);
        for (const [file, description, summary] of [
            [PDF, 'Le plan des travaux', 'Ajout du plan des travaux'],
            [PHOTO, 'La cour de l\'école avant les travaux', 'Ajout d\'une photo de la cour'],
        ]) {
            await open(page, paths.edit(state.id), LANG);
            await page.setInputFiles('#file', file);
            await page.fill('#alt_text', description);
            // Published: adding a file is a public amendment, with its summary.
            await page.fill('#file_summary', summary);
            await submit(page, '#file-form');
            await noFormErrors(page, `attaching ${path.basename(file)}`);
            const url = new URL(page.url());
            assert.equal(url.pathname, state.path, 'back to the publication');
            assert.equal(url.hash, '#files');
        }
        await screenshot(page, 'publications/05-files');

        const reader = await (await context()).newPage();
        await open(reader, state.path, LANG);
        const image = reader.locator('#publication-files img');
        assert.equal(await image.getAttribute('alt'), 'La cour de l\'école avant les travaux', 'the image says what it shows');
        // Images load lazily: brought into view, it is decoded and shown.
        await image.scrollIntoViewIfNeeded();
        const width = await image.evaluate((img) => img.decode().then(() => img.naturalWidth, () => 0));
        assert.ok(width > 0, 'and the browser shows it');
        const link = reader.locator('#publication-files a[download]');
        assert.match(await link.innerText(), /Télécharger « deliberation\.pdf »/);
        const download = await reader.request.get(new URL(await link.getAttribute('href'), reader.url()).href);
        assert.equal(download.status(), 200);
        assert.equal(download.headers()['content-type'], 'application/pdf');
        assert.equal(download.headers()['x-content-type-options'], 'nosniff');
        assert.ok(download.headers()['content-disposition'].startsWith('attachment;'), 'a download, not a page');
        assert.deepEqual(Buffer.from(await download.body()), readFileSync(PDF), 'the very bytes published');
        const history = await reader.locator('#revisions').innerText();
        assert.ok(history.includes('Ajout du plan des travaux') && history.includes('Fichiers ajoutés'), history);
        state.files = true;
    });

    test('a resident finds the project with the home page\'s search', async (t) => {
        if (!needs(t, 'id', 'the agent publishes and amends a project')) return;
        const page = await (await context()).newPage();
        await open(page, paths.home, LANG);
        // The title's last word is unique to this run ("projet-…"): typed with capitals, found all the same.
        await page.fill('#commune-search #q', state.title.split(' ').pop().toUpperCase());
        await submit(page, '#commune-search');
        assert.equal(new URL(page.url()).pathname, `${base}/recherche`);
        const found = page.locator(`#found-publications a[href="${state.path}"]`);
        assert.equal(await found.count(), 1, 'the project is found');
        assert.equal((await found.innerText()).trim(), state.title);
        await screenshot(page, 'publications/06-search');
        await axe(page, 'search-results');
    });

    for (const lang of LANGS) {
        test(`every new page passes axe-core (${lang})`, async (t) => {
            if (!needs(t, 'note', 'the moderator writes a follow-up note')) return;
            const resident = await (await context()).newPage();
            for (const [name, path] of [
                ['home', paths.home],
                ['official', paths.official],
                ['citizen', paths.citizen],
                ['projects', paths.projects],
                ['decisions', paths.decisions],
                ['minutes', paths.minutes],
                ['budgets', paths.budgets],
                ['news', paths.news],
                ['posts', paths.posts],
                ['activities', paths.activities],
                ['tracking', paths.tracking],
                ['project', state.path],
                ['note', paths.publication(state.note)],
                ['search', paths.search('école')],
                ['search-nothing', paths.search('zzzz')],
            ]) {
                await open(resident, path, lang);
                assert.equal(await resident.locator('html').getAttribute('lang'), lang);
                await axe(resident, `${lang}-${name}`);
            }
            const agent = await (await context()).newPage();
            await signIn(agent, 'agent', lang);
            for (const [name, path] of [
                ['desk', paths.officialDesk],
                ['kinds', paths.officialNew],
                ['new-project', `${paths.officialNew}?kind=project`],
                ['new-decision', `${paths.officialNew}?kind=decision`],
                ['new-budget', `${paths.officialNew}?kind=budget`],
                ['new-news', `${paths.officialNew}?kind=news`],
                ['amend', paths.edit(state.id)],
                ['project-as-writer', state.path],
            ]) {
                await open(agent, path, lang);
                await axe(agent, `${lang}-agent-${name}`);
            }
            const moderator = await (await context()).newPage();
            await signIn(moderator, 'moderator', lang);
            for (const [name, path] of [
                ['desk', paths.citizenDesk],
                ['new-post', `${paths.citizenNew}?kind=post`],
                ['new-activity', `${paths.citizenNew}?kind=activity`],
            ]) {
                await open(moderator, path, lang);
                await axe(moderator, `${lang}-moderator-${name}`);
            }
            // A refused form: the errors summed up and beside their fields.
            await open(agent, `${paths.officialNew}?kind=budget`, lang);
            await agent.fill('#title', `Budget ${unique('b')}`);
            await agent.fill('#year', '2026');
            await agent.fill('#l0_label', 'Voirie');
            await agent.fill('#l0_amount', 'beaucoup');
            await submit(agent, '#publication-form');
            assert.equal(await agent.locator('#form-errors[role="alert"]').count(), 1);
            assert.equal(await agent.locator('#l0_amount[aria-invalid="true"]').count(), 1);
            await axe(agent, `${lang}-agent-form-errors`);
        });
    }

    test('the writers\' pages are for each space\'s writers', async () => {
        const page = await (await context()).newPage();
        const anonymous = await page.goto(paths.officialDesk);
        assert.equal(new URL(page.url()).pathname, '/compte/connexion', 'not signed in: to the sign-in page');
        assert.equal(anonymous.status(), 200);
        await signIn(page, 'resident', LANG);
        for (const path of [paths.officialDesk, paths.citizenDesk, `${paths.officialNew}?kind=news`]) {
            const res = await page.goto(path);
            assert.equal(res.status(), 403, `a resident on ${path}`);
        }
    });
});

describe('publications without JavaScript', () => {
    test('the agent drafts, publishes and amends; a resident reads the diff', async () => {
        const agent = await (await context({ javaScriptEnabled: false })).newPage();
        await signIn(agent, 'agent', LANG);
        await open(agent, `${paths.officialNew}?kind=project`, LANG);
        const title = `Piste cyclable ${unique('sans-js')}`;
        const id = await draftProject(agent, title);
        await publishNow(agent, id);
        await open(agent, paths.edit(id), LANG);
        await agent.fill('#body', 'Les travaux de la cour commencent en mars.\nLa cantine ferme une semaine.\n\nDétails à venir.');
        await agent.fill('#summary', 'La cantine ferme une semaine');
        await submit(agent, '#publication-form');
        await noFormErrors(agent, 'the amendment without JavaScript');
        assert.equal(new URL(agent.url()).pathname, paths.publication(id));
        await screenshot(agent, 'publications-nojs/01-amended');

        const resident = await (await context({ javaScriptEnabled: false })).newPage();
        await signIn(resident, 'resident', LANG);
        await open(resident, paths.publication(id), LANG);
        const revision = resident.locator('#revision-1');
        assert.equal((await revision.locator('.diff-removed del').innerText()).trim(), 'La cantine reste ouverte.');
        assert.equal((await revision.locator('.diff-added ins').innerText()).trim(), 'La cantine ferme une semaine.');
        await open(resident, paths.projects, LANG);
        assert.equal(await resident.locator(`main a[href="${paths.publication(id)}"]`).count(), 1, 'in the list of projects');
        await screenshot(resident, 'publications-nojs/02-diff');

        // Archived with its reason; it stays readable.
        await open(agent, paths.edit(id), LANG);
        await agent.fill('#reason', 'Projet remplacé par un autre');
        await submit(agent, '#archive-form');
        await noFormErrors(agent, 'archiving');
        await open(resident, paths.publication(id), LANG);
        assert.ok((await resident.locator('#archived-banner').innerText()).includes('Projet remplacé par un autre'));
    });
});
