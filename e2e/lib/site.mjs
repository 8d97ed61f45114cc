// What every browser test needs to know about the running site (exported by e2e/run) and the
// routes of docs/site-contract.md.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function required(name) {
    const value = process.env[name];
    if (!value) {
        throw new Error(`${name} is not set: run the browser tests with e2e/run (it starts \`miroir up\` and exports it)`);
    }
    return value;
}

export const SITE = required('MIROIR_SITE').replace(/\/+$/, '');
export const COMMUNE = process.env.MIROIR_DEMO_COMMUNE || '75056';
export const ARTIFACTS = path.resolve(process.env.MIROIR_ARTIFACTS || path.join(here, '..', 'artifacts'));

export const LANGS = ['fr', 'en'];

export const ACCOUNTS = {
    admin: { email: required('MIROIR_DEMO_ADMIN_EMAIL'), password: required('MIROIR_DEMO_ADMIN_PASSWORD') },
    agent: { email: required('MIROIR_DEMO_AGENT_EMAIL'), password: required('MIROIR_DEMO_AGENT_PASSWORD') },
    moderator: {
        email: required('MIROIR_DEMO_MODERATOR_EMAIL'),
        password: required('MIROIR_DEMO_MODERATOR_PASSWORD'),
    },
    resident: {
        email: required('MIROIR_DEMO_RESIDENT_EMAIL'),
        password: required('MIROIR_DEMO_RESIDENT_PASSWORD'),
    },
};

// Routes of docs/site-contract.md.
export const routes = {
    landing: '/',
    communeHome: `/c/${COMMUNE}/`,
    official: `/c/${COMMUNE}/officiel/`,
    citizen: `/c/${COMMUNE}/citoyen/`,
    reports: `/c/${COMMUNE}/citoyen/signalements/`,
    reportForm: `/c/${COMMUNE}/citoyen/signalements/nouveau`,
    report: (id) => `/c/${COMMUNE}/citoyen/signalements/${encodeURIComponent(id)}`,
    reportVerify: `/c/${COMMUNE}/citoyen/signalements/verifier`,
    queue: `/c/${COMMUNE}/administration/signalements/`,
    categories: `/c/${COMMUNE}/administration/categories/`,
    transparency: `/c/${COMMUNE}/transparence/`,
    administration: `/c/${COMMUNE}/administration/`,
    signUp: '/compte/inscription',
    signIn: '/compte/connexion',
    signOut: '/compte/deconnexion',
    account: '/compte/',
    export: '/compte/export',
    passwordReset: '/compte/mot-de-passe',
};

// Every page template of the contract; `as` is the account the page is looked at with (none: anonymous).
// `report` is resolved at run time (a report of the demo commune).
export const PAGES = [
    { name: 'landing', path: routes.landing },
    { name: 'commune-home', path: routes.communeHome },
    { name: 'official', path: routes.official },
    { name: 'citizen', path: routes.citizen },
    { name: 'reports-list', path: routes.reports },
    { name: 'report-form', path: routes.reportForm, as: 'resident' },
    { name: 'report-form-anonymous', path: routes.reportForm },
    { name: 'report', path: null },
    { name: 'report-staff', path: null, as: 'agent' },
    { name: 'check-email', path: routes.reportVerify },
    { name: 'transparency', path: routes.transparency },
    { name: 'sign-up', path: routes.signUp },
    { name: 'sign-in', path: routes.signIn },
    { name: 'password-reset', path: routes.passwordReset },
    { name: 'account', path: routes.account, as: 'resident' },
    { name: 'administration', path: routes.administration, as: 'admin' },
    { name: 'queue', path: routes.queue, as: 'agent' },
    { name: 'categories', path: routes.categories, as: 'admin' },
];

/** `path` with `lang=` added to its query (the contract's language switch, remembered in a cookie). */
export function withLang(p, lang) {
    const u = new URL(p, SITE);
    u.searchParams.set('lang', lang);
    return u.pathname + u.search;
}

/** Absolute URL of a site path. */
export function abs(p) {
    return new URL(p, SITE).href;
}

export function artifactPath(...parts) {
    const file = path.join(ARTIFACTS, ...parts);
    mkdirSync(path.dirname(file), { recursive: true });
    return file;
}

/** Something unique enough for e-mails and titles created by one run. */
export function unique(prefix) {
    return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** The ids of the reports linked from an HTML page (the reports list), in page order. */
export function reportIdsIn(html) {
    // Report ids are UUIDs; the pages' other paths under signalements/ are words.
    const re = new RegExp(`/c/${COMMUNE}/citoyen/signalements/([0-9A-Fa-f-]{36})(?![0-9A-Za-z_-])`, 'g');
    const ids = [];
    for (const m of html.matchAll(re)) {
        if (!ids.includes(m[1])) ids.push(m[1]);
    }
    return ids;
}

// A report the tests can fill in (Paris, the demo commune).
export const SAMPLE_REPORT = {
    title: 'Lampadaire éteint',
    description: 'Le lampadaire devant le numéro 12 est éteint depuis une semaine.',
    latitude: '48.8566',
    longitude: '2.3522',
    address: '12 rue de Rivoli, 75004 Paris',
};
