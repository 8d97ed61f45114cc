// Notifications in Chromium (docs/site-contract.md, "Notifications"): a resident follows a public question from its
// page and finds it on her notifications page; she chooses a daily digest in English and subscribes to the citizen
// space; the agent answers the question and the resident's feed says so, with the unread count in the menu, until she
// marks it read; the administrator's webhooks page. axe-core checks every new page in French and English. The
// resident's own question is followed implicitly; the demo accounts are the only thing assumed.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formatViolations, launch, newContext, open, runAxe, screenshot, signIn, submit } from '../lib/browser.mjs';
import { COMMUNE, LANGS, unique } from '../lib/site.mjs';

const LANG = 'fr';
const paths = {
    notifications: '/compte/notifications',
    subscribe: `/c/${COMMUNE}/abonnements`,
    questions: `/c/${COMMUNE}/citoyen/questions/`,
    webhooks: `/c/${COMMUNE}/administration/webhooks/`,
};
const questionPath = new RegExp(`^/c/${COMMUNE}/citoyen/questions/([0-9a-f-]{36})$`);

let browser;
const contexts = [];
before(async () => {
    browser = await launch();
});
after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
});

async function as(who) {
    const c = await newContext(browser);
    contexts.push(c);
    const page = await c.newPage();
    await signIn(page, who, LANG);
    return page;
}

async function axeBoth(page, path, name) {
    for (const lang of [...LANGS.filter((l) => l !== LANG), LANG]) {
        await open(page, path, lang);
        const violations = await runAxe(page, `notifications-${name}-${lang}`);
        assert.equal(violations.length, 0, `axe-core on ${name} in ${lang} (${page.url()}):\n${formatViolations(violations)}`);
    }
}

describe('notifications from end to end', () => {
    test('a resident follows, subscribes, sets her e-mails, and her feed tells her of the answer', async () => {
        const resident = await as('resident');
        const agent = await as('agent');

        // The agent asks a question (as a resident of the commune would), so that the resident follows someone else's.
        const title = `Horaires de la piscine ${unique('q')}`;
        await open(agent, paths.questions, LANG);
        await agent.fill('#question-form [name="title"]', title);
        await agent.fill('#question-form [name="body"]', 'Le dimanche aussi ?');
        await submit(agent, '#question-form');
        const match = new URL(agent.url()).pathname.match(questionPath);
        assert.ok(match, `the question's page (${agent.url()})`);
        const question = match[0];

        await open(resident, question, LANG);
        await axeBoth(resident, question, 'question-follow-button');
        await submit(resident, '#suivre form');
        assert.equal(new URL(resident.url()).hash, '#suivre');
        assert.match(await resident.locator('#suivre').innerText(), /Vous suivez ceci/);

        await open(resident, paths.notifications, LANG);
        assert.equal(await resident.locator(`#follows a[href="${question}"]`).count(), 1, 'listed with its title');
        await resident.check('#cadence-daily');
        await resident.selectOption('#locale', 'en');
        await submit(resident, '#preferences-form');
        assert.match(await resident.locator('#notif-notice').innerText(), /enregistrées/);
        assert.ok(await resident.isChecked('#cadence-daily'));

        await open(resident, paths.subscribe, LANG);
        await axeBoth(resident, paths.subscribe, 'subscribe');
        await submit(resident, '#subscribe-citizen');
        assert.match(await resident.locator('#subscriptions').innerText(), /espace citoyen/);

        // The agent answers: the resident's feed says so, with the count in the menu, until she marks it read.
        await open(agent, question, LANG);
        await agent.fill('#answer', 'Le dimanche de 9 h à 13 h.');
        await submit(agent, '#answer-form');
        let unread = '';
        for (let i = 0; i < 100 && !unread; i += 1) {
            await open(resident, paths.notifications, LANG);
            unread = (await resident.locator('#notifications-nav .unread-badge').count()) ? 'yes' : '';
            if (!unread) await new Promise((r) => setTimeout(r, 100));
        }
        assert.ok(unread, 'the menu shows an unread count');
        const item = resident.locator(`#feed .feed-unread a[href="${question}"]`);
        assert.equal(await item.count(), 1, 'the answer is in the feed');
        assert.match(await item.innerText(), new RegExp(title));
        await screenshot(resident, 'notifications/01-feed');
        await axeBoth(resident, paths.notifications, 'account-page');
        await submit(resident, '#mark-read-form');
        assert.equal(await resident.locator('#notifications-nav .unread-badge').count(), 0, 'read: no count');
        // Back to e-mails at once, in French, for the other tests' demo resident.
        await resident.check('#cadence-immediately');
        await resident.selectOption('#locale', 'fr');
        await submit(resident, '#preferences-form');
    });

    test("the administrator's webhooks page", async () => {
        const admin = await as('admin');
        await open(admin, paths.webhooks, LANG);
        assert.equal(await admin.locator('h1').count(), 1);
        await axeBoth(admin, paths.webhooks, 'webhooks');
        await screenshot(admin, 'notifications/02-webhooks');
    });
});
