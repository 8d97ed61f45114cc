// The dialogue from end to end, in Chromium (docs/site-contract.md, "Dialogue"): the resident asks the commune a
// public question and the agent answers it, officially, with the delay against the commitment; the administrator
// lowers the support threshold to 1; a proposal is supported once (a second support from another page is refused
// with a message) and its answer is then due; a comment and the agent's highlighted reply; a resident flags another
// resident's comment, the collective's moderator hides it with a public reason, the citizen space's log shows it to
// anyone, its author appeals. axe-core checks each new page in French and in English. A last test does the question,
// a comment and a reply with JavaScript off. Everything is created here; only the demo accounts are assumed.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formatViolations, launch, newContext, open, runAxe, screenshot, signIn, submit } from '../lib/browser.mjs';
import { COMMUNE, LANGS, unique } from '../lib/site.mjs';

const LANG = 'fr';
const dialogue = {
    questions: `/c/${COMMUNE}/citoyen/questions/`,
    proposals: `/c/${COMMUNE}/citoyen/propositions/`,
    citizenLog: `/c/${COMMUNE}/citoyen/moderation/`,
    officialLog: `/c/${COMMUNE}/officiel/moderation/`,
    queue: `/c/${COMMUNE}/administration/moderation/`,
    settings: `/c/${COMMUNE}/administration/dialogue/`,
};
const questionPath = new RegExp(`^/c/${COMMUNE}/citoyen/questions/([0-9a-f-]{36})$`);
const proposalPath = new RegExp(`^/c/${COMMUNE}/citoyen/propositions/([0-9a-f-]{36})$`);

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

async function as(who, options = {}) {
    const page = await (await context(options)).newPage();
    await signIn(page, who, LANG);
    return page;
}

/** axe-core on `path` in both languages (the page is left in French). */
async function axeBoth(page, path, name) {
    for (const lang of [...LANGS.filter((l) => l !== LANG), LANG]) {
        await open(page, path, lang);
        const violations = await runAxe(page, `dialogue-${name}-${lang}`);
        assert.equal(violations.length, 0, `axe-core on ${name} in ${lang} (${page.url()}):\n${formatViolations(violations)}`);
    }
}

async function noFormErrors(page, what) {
    const errors = await page.locator('#form-errors, [id$="-error"]').allInnerTexts();
    assert.deepEqual(errors.map((e) => e.trim()).filter(Boolean), [], `${what}: the page shows errors`);
}

async function mainText(page) {
    return page.locator('main').innerText();
}

/** Opens the `<details>` holding `selector` (the moderation and reply forms are folded). */
async function unfold(page, selector) {
    await page.locator(selector).locator('xpath=ancestor::details[1]/summary').click();
}

describe('the dialogue from end to end', () => {
    const state = {};
    const needs = (t, key, step) => {
        if (!state[key]) {
            t.skip(`needs the step "${step}", which failed`);
            return false;
        }
        return true;
    };

    test('the resident asks a question, the agent answers, the resident sees the official answer and its delay', async () => {
        const resident = await as('resident');
        await axeBoth(resident, dialogue.questions, 'questions');
        const title = `La piscine ouvrira-t-elle le dimanche ? ${unique('q')}`;
        await resident.fill('#question-form [name="title"]', title);
        await resident.fill('#question-form [name="body"]', 'Cet été, en juillet et en août.');
        await submit(resident, '#question-form');
        await noFormErrors(resident, 'the question form');
        const path = new URL(resident.url()).pathname;
        assert.match(path, questionPath, `after asking, the question's page (${resident.url()})`);
        assert.equal((await resident.locator('h1').innerText()).trim(), title);
        assert.ok((await mainText(resident)).includes('En attente de réponse'), 'it waits for an answer');
        await axeBoth(resident, path, 'question-asked');

        const agent = await as('agent');
        await axeBoth(agent, path, 'question-staff');
        await agent.fill('#answer-form [name="answer"]', 'Oui, de 9 h à 13 h, tout l\'été.');
        await screenshot(agent, 'dialogue/01-answer-form');
        await submit(agent, '#answer-form');
        await noFormErrors(agent, 'the answer');

        await open(resident, path, LANG);
        const answer = await resident.locator('.official-answer').innerText();
        assert.ok(answer.includes('Réponse officielle'), `marked as the official answer: ${answer}`);
        assert.ok(answer.includes('Répondu le jour même'), `with its delay: ${answer}`);
        assert.ok(/répondre en \d+ jours?/.test(answer) && answer.includes('dans les délais'), `against the commitment: ${answer}`);
        await screenshot(resident, 'dialogue/02-official-answer');
        await axeBoth(resident, path, 'question-answered');
        await open(resident, dialogue.questions, LANG);
        const card = resident.locator('.question-card', { hasText: title });
        assert.ok((await card.innerText()).includes('Répondue'), 'the list says it is answered');
        state.question = path;
    });

    test('the administrator lowers the support threshold to 1', async () => {
        const admin = await as('admin');
        await axeBoth(admin, dialogue.settings, 'settings');
        await admin.fill('#dialogue-settings-form [name="support_threshold"]', '1');
        await submit(admin, '#dialogue-settings-form');
        await noFormErrors(admin, 'the settings');
        assert.equal(await admin.locator('#settings-saved').count(), 1, 'it says the threshold is saved');
        assert.ok((await mainText(admin)).includes('dès 1 soutien'), 'and shows it');
        state.threshold = true;
    });

    test('a proposal is supported once per account, and at the threshold its answer is due', async (t) => {
        if (!needs(t, 'threshold', 'lower the threshold')) return;
        const resident = await as('resident');
        await axeBoth(resident, dialogue.proposals, 'proposals');
        const title = `Des bancs à l'ombre place Voltaire ${unique('p')}`;
        await resident.fill('#proposal-form [name="title"]', title);
        await resident.fill('#proposal-form [name="body"]', 'Trois bancs sous les platanes.');
        await submit(resident, '#proposal-form');
        await noFormErrors(resident, 'the proposal form');
        const path = new URL(resident.url()).pathname;
        assert.match(path, proposalPath, `after submitting, the proposal's page (${resident.url()})`);
        assert.equal(await resident.locator('#support-form').count(), 0, 'its author cannot support it');
        await axeBoth(resident, path, 'proposal-author');

        // The same account on two pages: the first support counts, the second is refused with a message.
        const supporter = await as('moderator');
        const other = await supporter.context().newPage();
        await open(supporter, path, LANG);
        await open(other, path, LANG);
        await submit(supporter, '#support-form');
        const supports = await supporter.locator('#supports').locator('..').innerText();
        assert.ok(supports.includes('Vous soutenez cette proposition.'), `supported: ${supports}`);
        assert.ok(supports.includes('1 soutien sur 1'), `one support of one: ${supports}`);
        await submit(other, '#support-form');
        const refused = await other.locator('#form-errors').innerText();
        assert.ok(refused.includes('Vous soutenez déjà cette proposition'), `a second support is refused: ${refused}`);
        assert.ok((await other.locator('#supports').locator('..').innerText()).includes('1 soutien sur 1'), 'still one');
        await screenshot(other, 'dialogue/03-second-support-refused');

        const due = await supporter.locator('.answer-due').innerText();
        assert.ok(due.includes('Réponse de la mairie due avant le'), `the answer is due: ${due}`);
        await open(supporter, dialogue.proposals, LANG);
        const card = await supporter.locator('.proposal-card', { hasText: title }).innerText();
        assert.ok(card.includes('Réponse de la mairie due avant le'), `the list says when the answer is due: ${card}`);
        await open(supporter, `${dialogue.proposals}?attente=1`, LANG);
        assert.equal(await supporter.locator('.proposal-card', { hasText: title }).count(), 1, 'awaiting its answer');
        await screenshot(supporter, 'dialogue/04-answer-due');
        state.proposal = path;
    });

    test('a comment and a reply; the agent\'s reply is highlighted', async (t) => {
        if (!needs(t, 'proposal', 'submit a proposal')) return;
        const resident = await as('resident');
        await open(resident, state.proposal, LANG);
        const text = `Je peux aider à les installer (${unique('c')}).`;
        await resident.fill('#comment-form [name="body"]', text);
        await submit(resident, '#comment-form');
        const url = new URL(resident.url());
        assert.match(url.hash, /^#comment-[0-9a-f-]{36}$/, `back at the new comment (${resident.url()})`);
        const commentId = url.hash.slice('#comment-'.length);
        assert.ok((await resident.locator(`#comment-${commentId}`).innerText()).includes(text));

        const agent = await as('agent');
        await open(agent, state.proposal, LANG);
        await unfold(agent, `#reply-form-${commentId}`);
        const reply = 'Merci : le service des espaces verts vous contactera.';
        await agent.fill(`#reply-body-${commentId}`, reply);
        await submit(agent, `#reply-form-${commentId}`);
        const highlighted = agent.locator(`#comment-${commentId} .replies article.comment-official`);
        assert.equal(await highlighted.count(), 1, 'the agent\'s reply is nested and highlighted');
        const said = await highlighted.innerText();
        assert.ok(said.includes(reply) && said.includes('Parole officielle de la commune'), `with its badge: ${said}`);
        await screenshot(agent, 'dialogue/05-thread');
        await axeBoth(agent, state.proposal, 'proposal-thread-staff');
        await axeBoth(resident, state.proposal, 'proposal-thread');
    });

    test('a resident flags, the moderator hides with a reason, the log shows it, the author appeals', async (t) => {
        if (!needs(t, 'proposal', 'submit a proposal')) return;
        // The comment's author: a resident who signs up here.
        const authorPage = await (await context()).newPage();
        const account = { email: `${unique('dialogue')}@example.org`, password: 'Un mot de passe solide 2026!' };
        await open(authorPage, '/compte/inscription', LANG);
        await authorPage.fill('#signup-form [name="email"]', account.email);
        await authorPage.fill('#signup-form [name="password"]', account.password);
        await authorPage.fill('#signup-form [name="display_name"]', 'Camille Habitante');
        const commune = authorPage.locator('#signup-form [name="commune"]');
        if ((await commune.evaluate((el) => el.tagName)) === 'SELECT') await commune.selectOption(COMMUNE);
        else await commune.fill(COMMUNE);
        await submit(authorPage, '#signup-form');
        await open(authorPage, state.proposal, LANG);
        const text = `Achetez mes bancs sur mon site ! (${unique('pub')})`;
        await authorPage.fill('#comment-form [name="body"]', text);
        await submit(authorPage, '#comment-form');
        const commentId = new URL(authorPage.url()).hash.slice('#comment-'.length);
        assert.match(commentId, /^[0-9a-f-]{36}$/, 'the comment is posted');

        const resident = await as('resident');
        await open(resident, state.proposal, LANG);
        await unfold(resident, `#flag-form-${commentId}`);
        await resident.fill(`#flag-reason-${commentId}`, 'De la publicité');
        await submit(resident, `#flag-form-${commentId}`);
        assert.ok((await mainText(resident)).includes('transmis aux modérateurs'), 'thanked for the flag');
        await axeBoth(resident, new URL(resident.url()).pathname + new URL(resident.url()).search, 'thanks');

        const moderator = await as('moderator');
        await axeBoth(moderator, dialogue.queue, 'queue');
        const flagged = moderator.locator('#flagged li', { has: moderator.locator(`#hide-form-${commentId}`) });
        assert.equal(await flagged.count(), 1, 'the flagged comment is in the queue, with a hide form');
        const reason = `Publicité commerciale (${unique('r')})`;
        await unfold(moderator, `#hide-form-${commentId}`);
        await moderator.fill(`#hide-reason-${commentId}`, reason);
        await submit(moderator, `#hide-form-${commentId}`);
        await noFormErrors(moderator, 'the hiding');

        const anyone = await (await context()).newPage();
        await open(anyone, state.proposal, LANG);
        const hidden = await anyone.locator(`#comment-${commentId}`).innerText();
        assert.ok(hidden.includes(`Commentaire masqué par la modération : ${reason}`), `the public reason: ${hidden}`);
        assert.ok(!hidden.includes('Achetez mes bancs'), 'its text is gone');
        await axeBoth(anyone, dialogue.citizenLog, 'citizen-log');
        const row = anyone.locator('#moderation-log tr', { hasText: reason });
        assert.equal(await row.count(), 1, 'the citizen space\'s log shows the hiding to anyone');
        const rowText = await row.innerText();
        assert.ok(rowText.includes('Masqué') && rowText.includes('la modération du collectif'), rowText);
        await screenshot(anyone, 'dialogue/06-citizen-log');
        await axeBoth(anyone, dialogue.officialLog, 'official-log');
        assert.equal(await anyone.locator('#moderation-log tr', { hasText: reason }).count(), 0,
            'not in the official space\'s log');

        await open(authorPage, state.proposal, LANG);
        await unfold(authorPage, `#appeal-form-${commentId}`);
        await authorPage.fill(`#appeal-reason-${commentId}`, 'Je voulais seulement proposer de l\'aide.');
        await submit(authorPage, `#appeal-form-${commentId}`);
        assert.ok((await mainText(authorPage)).includes('Votre contestation est transmise'), 'the appeal is sent');
        await open(authorPage, state.proposal, LANG);
        assert.equal(await authorPage.locator(`#appeal-form-${commentId}`).count(), 1,
            'the form stays (the service refuses a second appeal)');
        await open(anyone, dialogue.citizenLog, LANG);
        assert.ok((await anyone.locator('#moderation-log').innerText()).includes('Contesté par son auteur'),
            'the log says the author appealed');
        await open(moderator, dialogue.queue, LANG);
        assert.equal(await moderator.locator(`#resolve-form-${commentId}`).count(), 1, 'the appeal waits for a decision');
        await screenshot(moderator, 'dialogue/07-appeal-to-decide');
    });
});

describe('the dialogue without JavaScript', () => {
    test('a resident asks a question, comments and replies with JavaScript off', async () => {
        const page = await as('resident', { javaScriptEnabled: false });
        await open(page, dialogue.questions, LANG);
        const title = `Le marché reviendra-t-il place d'Aligre ? ${unique('sans-js')}`;
        await page.fill('#question-form [name="title"]', title);
        await page.fill('#question-form [name="body"]', 'Le samedi matin.');
        await submit(page, '#question-form');
        await noFormErrors(page, 'the question without JavaScript');
        assert.match(new URL(page.url()).pathname, questionPath);
        assert.equal((await page.locator('h1').innerText()).trim(), title);
        await screenshot(page, 'dialogue-nojs/01-question');

        // A proposal of this test, its thread: a comment, then a reply from the folded form (<details> needs no script).
        await open(page, dialogue.proposals, LANG);
        await page.fill('#proposal-form [name="title"]', `Un composteur au square ${unique('sans-js')}`);
        await page.fill('#proposal-form [name="body"]', 'Près des jeux.');
        await submit(page, '#proposal-form');
        assert.match(new URL(page.url()).pathname, proposalPath);
        await page.fill('#comment-form [name="body"]', 'Qui serait partant pour l\'entretenir ?');
        await submit(page, '#comment-form');
        const commentId = new URL(page.url()).hash.slice('#comment-'.length);
        assert.match(commentId, /^[0-9a-f-]{36}$/, `back at the comment (${page.url()})`);
        await unfold(page, `#reply-form-${commentId}`);
        await page.fill(`#reply-body-${commentId}`, 'Moi, le mercredi.');
        await submit(page, `#reply-form-${commentId}`);
        const replies = await page.locator(`#comment-${commentId} .replies`).innerText();
        assert.ok(replies.includes('Moi, le mercredi.'), `the reply is under the comment: ${replies}`);
        await screenshot(page, 'dialogue-nojs/02-thread');
    });
});
