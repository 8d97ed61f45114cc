//! The synthetic history: communes, then about two years of reports,
//! questions, proposals and publications, each a story of events in time
//! order, planned compactly ([`Planned`]) and turned into rows on demand
//! (`crate::events`). The same seed gives the same history.

use std::collections::{BTreeMap, HashMap};

use miroir_platform::clock::now_us;
use miroir_proto::publications::v1 as publications;

pub const DAY: i64 = 86_400_000_000;
pub const HOUR: i64 = 3_600_000_000;
const SPAN_DAYS: i64 = 730;

pub const DEPARTEMENTS: [&str; 101] = [
    "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19",
    "2A", "2B", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31", "32", "33", "34", "35", "36", "37",
    "38", "39", "40", "41", "42", "43", "44", "45", "46", "47", "48", "49", "50", "51", "52", "53", "54", "55", "56",
    "57", "58", "59", "60", "61", "62", "63", "64", "65", "66", "67", "68", "69", "70", "71", "72", "73", "74", "75",
    "76", "77", "78", "79", "80", "81", "82", "83", "84", "85", "86", "87", "88", "89", "90", "91", "92", "93", "94",
    "95", "971", "972", "973", "974", "976",
];

/// The standard report categories: code, the department they route to, weight, title, description.
pub const CATEGORIES: [(&str, &str, u32, &str, &str); 7] = [
    (
        "voirie",
        "voirie",
        30,
        "Nid-de-poule sur la chaussée",
        "Un trou profond s'est formé sur la chaussée, dangereux pour les cyclistes et les deux-roues, \
         surtout la nuit et par temps de pluie.",
    ),
    (
        "proprete",
        "proprete",
        25,
        "Dépôt sauvage d'encombrants",
        "Des encombrants (matelas, cartons, un vieux meuble) ont été déposés sur le trottoir et gênent \
         le passage des poussettes et des fauteuils.",
    ),
    (
        "eclairage",
        "eclairage",
        15,
        "Lampadaire éteint",
        "Le lampadaire ne s'allume plus depuis plusieurs soirs ; la rue est plongée dans le noir et les \
         piétons ne se sentent pas en sécurité.",
    ),
    (
        "espaces-verts",
        "espaces-verts",
        10,
        "Branche cassée au-dessus du chemin",
        "Une grosse branche pend au-dessus du chemin du parc après le coup de vent d'hier et risque de \
         tomber sur les promeneurs.",
    ),
    (
        "securite",
        "police-municipale",
        8,
        "Panneau stop arraché",
        "Le panneau stop du carrefour a été arraché ; les voitures ne marquent plus l'arrêt et le \
         croisement est devenu dangereux.",
    ),
    (
        "mobilier-urbain",
        "voirie",
        7,
        "Banc public cassé",
        "Le banc près de l'arrêt de bus a une planche cassée avec des clous qui dépassent.",
    ),
    ("autre", "accueil", 5, "Problème signalé", "Un problème qui ne rentre dans aucune autre catégorie."),
];

pub const STREETS: [&str; 10] = [
    "rue de la République",
    "avenue Victor Hugo",
    "rue Jean Jaurès",
    "place de la Mairie",
    "rue de l'Église",
    "boulevard Pasteur",
    "avenue du Général de Gaulle",
    "chemin des Écoles",
    "rue du Moulin",
    "allée des Tilleuls",
];

/// Publication kinds: kind, space, weight, titles.
pub const KINDS: [(&str, publications::Space, u32, &[&str]); 8] = [
    (
        "project",
        publications::Space::Official,
        20,
        &[
            "Rénovation de l'école élémentaire",
            "Piste cyclable vers la gare",
            "Nouvelle médiathèque",
            "Réfection de la place du marché",
        ],
    ),
    (
        "decision",
        publications::Space::Official,
        20,
        &["Délibération du conseil municipal", "Tarifs de la cantine scolaire"],
    ),
    ("minutes", publications::Space::Official, 8, &["Compte rendu du conseil municipal"]),
    ("budget", publications::Space::Official, 4, &["Budget primitif", "Budget supplémentaire"]),
    (
        "news",
        publications::Space::Official,
        28,
        &["Fermeture exceptionnelle de la mairie", "Travaux rue du Moulin", "Collecte des encombrants"],
    ),
    ("post", publications::Space::Citizen, 10, &["Réunion publique du collectif", "Compte rendu de la balade urbaine"]),
    ("activity", publications::Space::Citizen, 6, &["Nettoyage citoyen du parc", "Atelier de réparation de vélos"]),
    ("follow_up", publications::Space::Citizen, 4, &["Où en est le chantier de l'école ?"]),
];

pub const SENTENCES: [&str; 8] = [
    "Le conseil municipal a examiné le dossier lors de sa dernière séance.",
    "Les travaux seront réalisés par tranches afin de limiter la gêne pour les riverains.",
    "Le financement associe la commune, le département et une subvention de l'État.",
    "Une réunion publique permettra à chacun de poser ses questions et de donner son avis.",
    "Le calendrier prévisionnel pourra évoluer en fonction des conditions météorologiques.",
    "Les documents complets sont consultables en mairie aux heures d'ouverture.",
    "Les habitants du quartier ont été informés par un courrier dans leur boîte aux lettres.",
    "Un point d'étape sera publié à chaque avancée significative.",
];

/// A small, fast, seeded generator (SplitMix64): the same seed, the same history.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1_u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    /// An exponentially distributed duration of mean `mean_us`, at least one second.
    fn delay(&mut self, mean_us: f64) -> i64 {
        let u = self.unit();
        (-(1.0 - u).ln() * mean_us) as i64 + 1_000_000
    }

    fn weighted(&mut self, weights: impl Iterator<Item = u32> + Clone) -> usize {
        let total: u64 = weights.clone().map(u64::from).sum();
        let mut pick = self.below(total);
        for (i, w) in weights.enumerate() {
            if pick < u64::from(w) {
                return i;
            }
            pick -= u64::from(w);
        }
        0
    }
}

/// SplitMix64's finalizer: a well-mixed hash of one word.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

pub fn hash(parts: &[u64]) -> u64 {
    parts.iter().fold(0x5EED_u64, |h, p| mix(h ^ p.wrapping_mul(0x9E37_79B9_7F4A_7C15)))
}

pub fn hash_str(text: &str) -> u64 {
    text.bytes().fold(0xCAFE_u64, |h, b| mix(h ^ u64::from(b)))
}

/// One planned event: enough to write its row and payload again at any time.
#[derive(Debug, Clone, Copy)]
pub struct Planned {
    pub at_us: i64,
    pub commune: u32,
    /// The report, question, proposal, publication or comment number (the commune's for identity).
    pub subject: u32,
    /// Its aggregate's version after this event.
    pub version: u32,
    /// Written in the same commit as the event before it (a support and the threshold it reached).
    pub same_commit: bool,
    pub what: What,
}

#[derive(Debug, Clone, Copy)]
pub enum What {
    CommuneRegistered,
    ReportSubmitted { category: u8, anonymous: bool, photos: u8 },
    ReportVerified,
    ReportAssigned { category: u8 },
    ReportAcknowledged,
    ReportWorkStarted,
    ReportResolved,
    ReportRejected,
    ReportMerged { into: u32 },
    ReportReopened,
    ReportSupported,
    InternalNoteAdded,
    QuestionAsked { due_us: i64 },
    AnswerPublished { official: bool, on_time: bool },
    QuestionRedirected { report: u32 },
    CommentPosted { on_proposal: bool, parent: u32 },
    ProposalSubmitted { threshold: u16 },
    ProposalSupported { supports: u16 },
    ProposalThresholdReached { supports: u16, due_us: i64 },
    ProposalAnswered { obliged: bool, on_time: bool },
    PublicationDrafted { kind: u8 },
    PublicationDraftUpdated { kind: u8 },
    PublicationPublished { published_us: i64, scheduled: bool },
    PublicationAmended { kind: u8, revision: u8, progress: u8, abandoned: bool },
    PublicationArchived,
}

impl What {
    fn name(self) -> &'static str {
        match self {
            What::CommuneRegistered => "CommuneRegistered",
            What::ReportSubmitted { .. } => "ReportSubmitted",
            What::ReportVerified => "ReportVerified",
            What::ReportAssigned { .. } => "ReportAssigned",
            What::ReportAcknowledged => "ReportAcknowledged",
            What::ReportWorkStarted => "ReportWorkStarted",
            What::ReportResolved => "ReportResolved",
            What::ReportRejected => "ReportRejected",
            What::ReportMerged { .. } => "ReportMerged",
            What::ReportReopened => "ReportReopened",
            What::ReportSupported => "ReportSupported",
            What::InternalNoteAdded => "InternalNoteAdded",
            What::QuestionAsked { .. } => "QuestionAsked",
            What::AnswerPublished { .. } => "AnswerPublished",
            What::QuestionRedirected { .. } => "QuestionRedirected",
            What::CommentPosted { .. } => "CommentPosted",
            What::ProposalSubmitted { .. } => "ProposalSubmitted",
            What::ProposalSupported { .. } => "ProposalSupported",
            What::ProposalThresholdReached { .. } => "ProposalThresholdReached",
            What::ProposalAnswered { .. } => "ProposalAnswered",
            What::PublicationDrafted { .. } => "PublicationDrafted",
            What::PublicationDraftUpdated { .. } => "PublicationDraftUpdated",
            What::PublicationPublished { .. } => "PublicationPublished",
            What::PublicationAmended { .. } => "PublicationAmended",
            What::PublicationArchived => "PublicationArchived",
        }
    }
}

/// How many events of each type a log holds.
pub fn event_mix(plan: &[Planned]) -> BTreeMap<&'static str, u64> {
    let mut counts = BTreeMap::new();
    for p in plan {
        *counts.entry(p.what.name()).or_default() += 1;
    }
    counts
}

pub struct Commune {
    pub code: String,
    pub name: String,
    pub departement: String,
    pub commitment_days: u32,
    pub threshold: u16,
    pub registered_us: i64,
    pub latitude: f64,
    pub longitude: f64,
}

/// The communes and the subjects' creation times: what turns a [`Planned`]
/// back into its row.
pub struct World {
    pub seed: u64,
    pub communes: Vec<Commune>,
    pub reports: Vec<i64>,
    pub questions: Vec<i64>,
    pub proposals: Vec<i64>,
    pub publications: Vec<i64>,
}

/// Builds one subject's events; sorts them and numbers their versions at the end.
struct Story {
    commune: u32,
    subject: u32,
    events: Vec<(i64, What, bool)>,
    /// Other aggregates born in this story (comments): (time, comment number, what).
    others: Vec<(i64, u32, What)>,
}

impl Story {
    fn new(commune: u32, subject: u32) -> Self {
        Self { commune, subject, events: Vec::new(), others: Vec::new() }
    }

    fn push(&mut self, at_us: i64, what: What) {
        self.events.push((at_us, what, false));
    }

    /// In the same commit as the event pushed just before.
    fn push_joined(&mut self, at_us: i64, what: What) {
        self.events.push((at_us, what, true));
    }

    /// Up to `budget` of its events that happened by `end_us`, in time order, versions numbered.
    fn finish(mut self, end_us: i64, budget: usize, out: &mut Vec<Planned>) {
        self.events.sort_by_key(|(at, _, _)| *at);
        let mut planned: Vec<Planned> = Vec::new();
        for (version, (at_us, what, same_commit)) in self.events.into_iter().enumerate() {
            if at_us > end_us {
                break;
            }
            let version = version as u32 + 1;
            planned.push(Planned { at_us, commune: self.commune, subject: self.subject, version, same_commit, what });
        }
        for (at_us, subject, what) in self.others {
            if at_us <= end_us {
                planned.push(Planned { at_us, commune: self.commune, subject, version: 1, same_commit: false, what });
            }
        }
        // Comments after the subject's first event, then the budget: a prefix in time.
        planned.sort_by_key(|p| p.at_us);
        planned.truncate(budget);
        // A truncated commit keeps its first part only; nothing joins a missing event.
        out.extend(planned);
    }
}

/// The history: the world, and each log's events in log order ([`LOGS`] order).
pub fn generate(events: u64, communes: u32, seed: u64) -> (World, Vec<Vec<Planned>>) {
    let mut rng = Rng(seed);
    let end_us = now_us();
    let start_us = end_us - SPAN_DAYS * DAY;
    let communes: Vec<Commune> = (0..communes).map(|i| commune(&mut rng, i, start_us)).collect();
    // A few big communes, many small ones.
    let weights: Vec<f64> = (0..communes.len()).map(|i| 1.0 / (i as f64 + 3.0).powf(0.85)).collect();
    let total_weight: f64 = weights.iter().sum();
    let mut cumulative = Vec::with_capacity(weights.len());
    let mut sum = 0.0;
    for w in weights {
        sum += w / total_weight;
        cumulative.push(sum);
    }
    let mut world = World {
        seed,
        communes,
        reports: Vec::new(),
        questions: Vec::new(),
        proposals: Vec::new(),
        publications: Vec::new(),
    };

    let mut registrations: Vec<Planned> = (0..world.communes.len())
        .map(|i| Planned {
            at_us: world.communes[i].registered_us,
            commune: i as u32,
            subject: i as u32,
            version: 1,
            same_commit: false,
            what: What::CommuneRegistered,
        })
        .collect();
    registrations.sort_by_key(|p| p.at_us);

    let activity = events - world.communes.len() as u64;
    let reports_budget = (activity as f64 * 0.70) as usize;
    let publications_budget = (activity as f64 * 0.10) as usize;
    let dialogue_budget = activity as usize - reports_budget - publications_budget;

    let mut generator =
        Generator { rng, world: &mut world, cumulative, end_us, comment_count: 0, last_report: HashMap::new() };
    let reports_log = generator.log(reports_budget, Generator::report);
    let publications_log = generator.log(publications_budget, Generator::publication);
    let dialogue_log = generator.log(dialogue_budget, |g, out, budget| {
        if g.rng.chance(0.7) { g.question(out, budget) } else { g.proposal(out, budget) }
    });
    (world, vec![registrations, reports_log, publications_log, dialogue_log])
}

fn commune(rng: &mut Rng, i: u32, start_us: i64) -> Commune {
    const ROOTS: [&str; 10] = ["Martin", "Bourg", "Mont", "Val", "Chêne", "Lac", "Pré", "Moulin", "Fontaine", "Roche"];
    const PREFIXES: [&str; 6] = ["Saint-", "Sainte-", "", "Le ", "La ", "Villeneuve-"];
    let departement = DEPARTEMENTS[i as usize % DEPARTEMENTS.len()];
    let number = i as usize / DEPARTEMENTS.len() + 1;
    let code =
        if departement.len() == 3 { format!("{departement}{number:02}") } else { format!("{departement}{number:03}") };
    let name = format!(
        "{}{}{}",
        PREFIXES[rng.below(PREFIXES.len() as u64) as usize],
        ROOTS[rng.below(ROOTS.len() as u64) as usize],
        if rng.chance(0.3) { "-sur-Loire" } else { "" }
    );
    // Pilots first, then communes joining over the first year.
    let joined = rng.unit();
    Commune {
        code,
        name,
        departement: departement.to_owned(),
        commitment_days: [7, 10, 14, 15, 21, 30][rng.below(6) as usize],
        threshold: 10 + rng.below(31) as u16,
        registered_us: start_us + (joined * joined * 365.0 * DAY as f64) as i64 + rng.below(DAY as u64) as i64,
        latitude: 42.5 + rng.unit() * 8.0,
        longitude: -1.5 + rng.unit() * 9.0,
    }
}

struct Generator<'w> {
    rng: Rng,
    world: &'w mut World,
    cumulative: Vec<f64>,
    end_us: i64,
    comment_count: u32,
    /// The last report of each commune (a duplicate merges into it).
    last_report: HashMap<u32, u32>,
}

impl Generator<'_> {
    /// Stories until the log holds `budget` events, in time order.
    fn log(&mut self, budget: usize, story: impl Fn(&mut Self, &mut Vec<Planned>, usize)) -> Vec<Planned> {
        let mut out = Vec::with_capacity(budget);
        while out.len() < budget {
            let left = budget - out.len();
            story(self, &mut out, left);
        }
        // Stable: a support and the threshold it reached stay side by side.
        out.sort_by_key(|p| p.at_us);
        out
    }

    /// A commune (weighted), and when the story starts (after it joined).
    fn start(&mut self) -> (u32, i64) {
        let u = self.rng.unit();
        let commune = self.cumulative.partition_point(|c| *c < u).min(self.cumulative.len() - 1);
        let from = self.world.communes[commune].registered_us + DAY;
        let at = from + self.rng.below(u64::try_from(self.end_us - from).unwrap_or(1).max(1)) as i64;
        (commune as u32, at)
    }

    fn report(&mut self, out: &mut Vec<Planned>, budget: usize) {
        let (commune, t0) = self.start();
        let subject = self.world.reports.len() as u32;
        self.world.reports.push(t0);
        let commitment = f64::from(self.world.communes[commune as usize].commitment_days);
        let previous = self.last_report.insert(commune, subject);
        let rng = &mut self.rng;
        let mut story = Story::new(commune, subject);
        let category = rng.weighted(CATEGORIES.iter().map(|c| c.2)) as u8;
        let anonymous = rng.chance(0.06);
        let photos = [0, 0, 1, 1, 1, 2][rng.below(6) as usize];
        story.push(t0, What::ReportSubmitted { category, anonymous, photos });
        let mut t = t0;
        if anonymous {
            if !rng.chance(0.8) {
                return story.finish(self.end_us, budget, out); // never verified: never public
            }
            t += rng.delay(2.0 * HOUR as f64);
            story.push(t, What::ReportVerified);
        }
        if rng.chance(0.6) {
            t += rng.delay(6.0 * HOUR as f64);
            story.push(t, What::ReportAssigned { category });
        }
        if rng.chance(0.25) {
            let mut s = t;
            for _ in 0..1 + rng.below(4) {
                s += rng.delay(2.0 * DAY as f64);
                story.push(s, What::ReportSupported);
            }
        }
        if rng.chance(0.85) {
            t += rng.delay(0.6 * commitment * DAY as f64);
            story.push(t, What::ReportAcknowledged);
            if rng.chance(0.15) {
                story.push(t + rng.delay(HOUR as f64), What::InternalNoteAdded);
            }
            if rng.chance(0.5) {
                t += rng.delay(3.0 * DAY as f64);
                story.push(t, What::ReportWorkStarted);
            }
            let close = rng.unit();
            if close < 0.70 {
                t += rng.delay(12.0 * DAY as f64);
                story.push(t, What::ReportResolved);
                if rng.chance(0.04) {
                    t += rng.delay(5.0 * DAY as f64).min(29 * DAY);
                    story.push(t, What::ReportReopened);
                    if rng.chance(0.7) {
                        t += rng.delay(7.0 * DAY as f64);
                        story.push(t, What::ReportResolved);
                    }
                }
            } else if close < 0.84 {
                t += rng.delay(4.0 * DAY as f64);
                match previous.filter(|p| self.world.reports[*p as usize] < t0 && close >= 0.80) {
                    Some(into) => story.push(t, What::ReportMerged { into }),
                    None => story.push(t, What::ReportRejected),
                }
            }
        } else if rng.chance(0.3) {
            t += rng.delay(10.0 * DAY as f64);
            story.push(t, What::ReportRejected);
        }
        story.finish(self.end_us, budget, out);
    }

    fn question(&mut self, out: &mut Vec<Planned>, budget: usize) {
        let (commune, t0) = self.start();
        let subject = self.world.questions.len() as u32;
        self.world.questions.push(t0);
        let commitment = self.world.communes[commune as usize].commitment_days;
        let due_us = t0 + i64::from(commitment) * DAY;
        let report = self.last_report.get(&commune).copied().unwrap_or(0);
        let mut story = Story::new(commune, subject);
        story.push(t0, What::QuestionAsked { due_us });
        self.comments(&mut story, t0, false, subject);
        let rng = &mut self.rng;
        if rng.chance(0.05) {
            story.push(t0 + rng.delay(DAY as f64), What::QuestionRedirected { report });
        } else {
            if rng.chance(0.15) {
                story.push(t0 + rng.delay(DAY as f64), What::AnswerPublished { official: false, on_time: false });
            }
            if rng.chance(0.82) {
                let at = t0 + rng.delay(0.7 * f64::from(commitment) * DAY as f64);
                story.push(at, What::AnswerPublished { official: true, on_time: at <= due_us });
            }
        }
        story.finish(self.end_us, budget, out);
    }

    fn proposal(&mut self, out: &mut Vec<Planned>, budget: usize) {
        let (commune, t0) = self.start();
        let subject = self.world.proposals.len() as u32;
        self.world.proposals.push(t0);
        let threshold = self.world.communes[commune as usize].threshold;
        let mut story = Story::new(commune, subject);
        story.push(t0, What::ProposalSubmitted { threshold });
        self.comments(&mut story, t0, true, subject);
        let rng = &mut self.rng;
        let supports = if rng.chance(0.18) {
            u64::from(threshold) + rng.below(u64::from(threshold) / 2 + 1)
        } else {
            rng.below(u64::from(threshold) * 6 / 10 + 1)
        };
        let mut t = t0;
        let mut reached = None;
        for k in 1..=supports as u16 {
            t += rng.delay(40.0 * DAY as f64 / supports as f64);
            story.push(t, What::ProposalSupported { supports: k });
            if k == threshold {
                let due_us = t + 90 * DAY;
                story.push_joined(t, What::ProposalThresholdReached { supports: k, due_us });
                reached = Some((t, due_us));
            }
        }
        match reached {
            Some((at, due_us)) if rng.chance(0.85) => {
                let answered = at + rng.delay(45.0 * DAY as f64);
                story.push(answered, What::ProposalAnswered { obliged: true, on_time: answered <= due_us });
            }
            None if rng.chance(0.08) => {
                story
                    .push(t0 + rng.delay(30.0 * DAY as f64), What::ProposalAnswered { obliged: false, on_time: false });
            }
            _ => {}
        }
        story.finish(self.end_us, budget, out);
    }

    /// Residents' comments on a question or proposal (each its own aggregate).
    fn comments(&mut self, story: &mut Story, t0: i64, on_proposal: bool, parent: u32) {
        if !self.rng.chance(if on_proposal { 0.4 } else { 0.3 }) {
            return;
        }
        for _ in 0..1 + self.rng.below(3) {
            let at = t0 + self.rng.delay(2.0 * DAY as f64);
            story.others.push((at, self.comment_count, What::CommentPosted { on_proposal, parent }));
            self.comment_count += 1;
        }
    }

    fn publication(&mut self, out: &mut Vec<Planned>, budget: usize) {
        let (commune, t0) = self.start();
        let subject = self.world.publications.len() as u32;
        self.world.publications.push(t0);
        let rng = &mut self.rng;
        let kind_index = rng.weighted(KINDS.iter().map(|k| k.2));
        let kind = kind_index as u8;
        let mut story = Story::new(commune, subject);
        story.push(t0, What::PublicationDrafted { kind });
        let mut t = t0;
        if rng.chance(0.2) {
            t += rng.delay(DAY as f64);
            story.push(t, What::PublicationDraftUpdated { kind });
        }
        if rng.chance(0.92) {
            t += rng.delay(DAY as f64);
            let scheduled = rng.chance(0.1);
            let published_us = if scheduled { t + rng.delay(3.0 * DAY as f64) } else { t };
            story.push(t, What::PublicationPublished { published_us, scheduled });
            t = published_us;
            let amendments = match KINDS[kind_index].0 {
                "project" => 1 + rng.below(4),
                _ if rng.chance(0.12) => 1,
                _ => 0,
            };
            let abandoned = rng.chance(0.05);
            for revision in 1..=amendments {
                t += rng.delay(60.0 * DAY as f64);
                let progress = (revision * 100 / amendments.max(1)).min(100) as u8;
                let abandoned = abandoned && revision == amendments;
                story.push(t, What::PublicationAmended { kind, revision: revision as u8, progress, abandoned });
            }
            let archive = if KINDS[kind_index].0 == "news" { 0.3 } else { 0.03 };
            if rng.chance(archive) {
                story.push(t + rng.delay(90.0 * DAY as f64), What::PublicationArchived);
            }
        }
        story.finish(self.end_us, budget, out);
    }
}
