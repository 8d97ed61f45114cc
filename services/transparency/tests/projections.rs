//! The projections, on PostgreSQL and SQLite, from the four logs: a known
//! history gives the figures it should (per commune, département, country),
//! nothing personal reaches the public events, and live projections fed by a
//! feed that redelivers equal their rebuilds after a random history.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use miroir_platform::storage::Backend;
use miroir_proto::dialogue::v1 as dialogue;
use miroir_proto::publications::v1 as publications;
use miroir_proto::reports::v1 as reports;
use miroir_proto::transparency::v1 as pb;
use miroir_proto::transparency::v1::transparency_server::Transparency as _;
use miroir_transparency::api::TransparencyApi;
use miroir_transparency::figures::Period;
use miroir_transparency::scope::Scope;
use support::{DAY, HOUR, LYON, PARIS, Redelivering, World, next, on_both_backends};
use tokio_util::sync::CancellationToken;

const REPORTER: &str = "0190c0de-0000-7000-8000-000000000001";
const SECRET_TITLE: &str = "Nid-de-poule devant chez Mme Dupont";

fn submitted(id: &str, commune: &str, category: &str, anonymous: bool) -> reports::ReportSubmitted {
    reports::ReportSubmitted {
        report_id: id.into(),
        commune: commune.into(),
        category: category.into(),
        title: SECRET_TITLE.into(),
        description: "Appelez-moi au 06 12 34 56 78".into(),
        reporter: if anonymous { String::new() } else { REPORTER.into() },
        reporter_email: if anonymous { "marie.dupont@example.org".into() } else { String::new() },
        verification_token_sha256: if anonymous { "ab".repeat(32) } else { String::new() },
        ..Default::default()
    }
}

fn project(id: &str, commune: &str, title: &str, planned: i64, spent: i64) -> publications::PublicationDrafted {
    publications::PublicationDrafted {
        publication_id: id.into(),
        space: publications::Space::Official as i32,
        kind: "project".into(),
        title: title.into(),
        body: "Texte".into(),
        commune: commune.into(),
        author: REPORTER.into(),
        details: Some(publications::PublicationDetails {
            project: Some(publications::ProjectDetails {
                status: publications::ProjectStatus::InProgress as i32,
                budget_planned_cents: planned,
                budget_spent_cents: spent,
                progress_percent: 30,
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A history whose figures are known: Paris (commitment 7 days) and Lyon (3 days).
async fn known_history(w: &World) {
    let now = w.now;
    w.register(PARIS, "Paris", 7).await;
    w.register(LYON, "Lyon", 3).await;
    // r1: answered after 10 h, resolved after 2 days.
    w.append("reports", PARIS, "r1", now - 10 * DAY, &submitted("r1", PARIS, "voirie", false)).await;
    let ack = reports::ReportAcknowledged { report_id: "r1".into(), agent: "agent-1".into(), message: "Vu".into() };
    w.append("reports", PARIS, "r1", now - 10 * DAY + 10 * HOUR, &ack).await;
    let resolved = reports::ReportResolved { report_id: "r1".into(), agent: "agent-1".into(), ..Default::default() };
    w.append("reports", PARIS, "r1", now - 8 * DAY, &resolved).await;
    // r2: anonymous, verified an hour later, never answered (9 days: late).
    w.append("reports", PARIS, "r2", now - 9 * DAY, &submitted("r2", PARIS, "proprete", true)).await;
    w.append("reports", PARIS, "r2", now - 9 * DAY + HOUR, &reports::ReportVerified { report_id: "r2".into() }).await;
    // r3: anonymous, never verified: counts nowhere.
    w.append("reports", PARIS, "r3", now - 5 * DAY, &submitted("r3", PARIS, "voirie", true)).await;
    // r4: rejected after 2 h.
    w.append("reports", PARIS, "r4", now - 3 * DAY, &submitted("r4", PARIS, "voirie", false)).await;
    let rejected = reports::ReportRejected { report_id: "r4".into(), agent: "agent-1".into(), reason: "Privé".into() };
    w.append("reports", PARIS, "r4", now - 3 * DAY + 2 * HOUR, &rejected).await;
    // r5: resolved after 1 day, then reopened: open again, its first response kept.
    w.append("reports", PARIS, "r5", now - 4 * DAY, &submitted("r5", PARIS, "eclairage", false)).await;
    let resolved = reports::ReportResolved { report_id: "r5".into(), agent: "agent-1".into(), ..Default::default() };
    w.append("reports", PARIS, "r5", now - 3 * DAY, &resolved).await;
    let reopened =
        reports::ReportReopened { report_id: "r5".into(), reporter: REPORTER.into(), message: "Encore".into() };
    w.append("reports", PARIS, "r5", now - 2 * DAY, &reopened).await;
    // Lyon: one report, answered in 1 h.
    w.append("reports", LYON, "l1", now - 2 * DAY, &submitted("l1", LYON, "voirie", false)).await;
    let ack = reports::ReportWorkStarted { report_id: "l1".into(), agent: "agent-2".into(), message: String::new() };
    w.append("reports", LYON, "l1", now - 2 * DAY + HOUR, &ack).await;

    // Publications: a project (amended budget), a draft, one scheduled for tomorrow, an archived news item.
    w.append("publications", PARIS, "p1", now - 20 * DAY, &project("p1", PARIS, "Piscine Saint-Merri", 10_000_000, 0))
        .await;
    let published = publications::PublicationPublished {
        publication_id: "p1".into(),
        published_at_us: now - 20 * DAY,
        ..Default::default()
    };
    w.append("publications", PARIS, "p1", now - 20 * DAY, &published).await;
    let mut amended = project("p1", PARIS, "Piscine Saint-Merri", 12_000_000, 4_500_000);
    amended.author.clear();
    let amended = publications::PublicationAmended {
        publication_id: "p1".into(),
        revision: 2,
        title: amended.title,
        body: amended.body,
        details: amended.details,
        amended_at_us: now - 2 * DAY,
        ..Default::default()
    };
    w.append("publications", PARIS, "p1", now - 2 * DAY, &amended).await;
    w.append("publications", PARIS, "p2", now - DAY, &project("p2", PARIS, "Brouillon secret", 999_999_900, 0)).await;
    w.append("publications", PARIS, "p3", now - DAY, &project("p3", PARIS, "Demain", 5_00, 0)).await;
    let tomorrow = publications::PublicationPublished {
        publication_id: "p3".into(),
        published_at_us: now + DAY,
        scheduled: true,
        ..Default::default()
    };
    w.append("publications", PARIS, "p3", now - DAY, &tomorrow).await;
    let news = publications::PublicationDrafted {
        publication_id: "p4".into(),
        space: publications::Space::Citizen as i32,
        kind: "post".into(),
        title: "Le collectif se réunit".into(),
        commune: PARIS.into(),
        ..Default::default()
    };
    w.append("publications", PARIS, "p4", now - 6 * DAY, &news).await;
    let published = publications::PublicationPublished {
        publication_id: "p4".into(),
        published_at_us: now - 6 * DAY,
        ..Default::default()
    };
    w.append("publications", PARIS, "p4", now - 6 * DAY, &published).await;
    let archived = publications::PublicationArchived {
        publication_id: "p4".into(),
        reason: "Passé".into(),
        archived_at_us: now - DAY,
    };
    w.append("publications", PARIS, "p4", now - DAY, &archived).await;

    // Dialogue: q1 answered officially in 2 days (on time), after a resident's reply that does not count;
    // q2 unanswered past its deadline; a proposal that reached its threshold and was answered on time.
    let asked = |id: &str, ago: i64| dialogue::QuestionAsked {
        question_id: id.into(),
        author: REPORTER.into(),
        title: "Quand la piscine rouvrira-t-elle ?".into(),
        body: "Je m'appelle Marie Dupont".into(),
        commune: PARIS.into(),
        asked_at_us: now - ago,
        commitment_days: 7,
        answer_due_at_us: now - ago + 7 * DAY,
    };
    w.append("dialogue", PARIS, "q1", now - 10 * DAY, &asked("q1", 10 * DAY)).await;
    let resident = dialogue::AnswerPublished {
        question_id: "q1".into(),
        answerer: REPORTER.into(),
        official: false,
        answered_at_us: now - 9 * DAY,
        ..Default::default()
    };
    w.append("dialogue", PARIS, "q1", now - 9 * DAY, &resident).await;
    let official = dialogue::AnswerPublished {
        question_id: "q1".into(),
        answerer: "agent-1".into(),
        body: "En mars".into(),
        official: true,
        answered_at_us: now - 8 * DAY,
        on_time: true,
    };
    w.append("dialogue", PARIS, "q1", now - 8 * DAY, &official).await;
    w.append("dialogue", PARIS, "q2", now - 9 * DAY, &asked("q2", 9 * DAY)).await;
    let proposal = dialogue::ProposalSubmitted {
        proposal_id: "pr1".into(),
        author: REPORTER.into(),
        title: "Un composteur".into(),
        support_threshold: 2,
        commune: PARIS.into(),
        submitted_at_us: now - 30 * DAY,
        ..Default::default()
    };
    w.append("dialogue", PARIS, "pr1", now - 30 * DAY, &proposal).await;
    let reached = dialogue::ProposalThresholdReached {
        proposal_id: "pr1".into(),
        supports: 2,
        reached_at_us: now - 25 * DAY,
        answer_due_at_us: now + 65 * DAY,
    };
    w.append("dialogue", PARIS, "pr1", now - 25 * DAY, &reached).await;
    let answered = dialogue::ProposalAnswered {
        proposal_id: "pr1".into(),
        answerer: "agent-1".into(),
        body: "Oui".into(),
        answered_at_us: now - 5 * DAY,
        was_obliged: true,
        on_time: true,
    };
    w.append("dialogue", PARIS, "pr1", now - 5 * DAY, &answered).await;
}

async fn a_known_history_gives_its_figures(backend: Backend) {
    let w = World::new(backend).await;
    known_history(&w).await;
    let token = CancellationToken::new();
    let live = w.run_live(token.clone());
    w.caught_up().await;
    let api = TransparencyApi::with_cache(w.transparency.db.clone(), Duration::ZERO);

    let paris = api.dashboard(Scope::Commune(PARIS.into()), 12).await.expect("Paris");
    assert_eq!((paris.name.as_str(), paris.commitment_days, paris.communes), ("Paris", 7, 1));
    let r = paris.reports.clone().expect("reports");
    // r1, r2 (verified), r4, r5; not r3.
    assert_eq!((r.received, r.resolved, r.rejected), (4, 1, 1), "{r:?}");
    let first = r.first_response.expect("first response");
    // r1 10 h, r4 2 h, r5 24 h (its resolution) → median 10 h, p90 24 h.
    assert_eq!((first.count, first.median_seconds, first.p90_seconds), (3, 10 * 3600, 24 * 3600));
    assert_eq!(r.resolution.map(|d| (d.count, d.median_seconds)), Some((1, 2 * 86_400)));
    let c = r.commitment.expect("commitment");
    // Due: the three answered (all within 7 days) and r2 (9 days, unanswered).
    assert_eq!((c.due, c.on_time), (4, 3));
    let backlog = r.backlog.expect("backlog");
    // r2 (9 days, since its verification) and r5 (reopened, 4 days).
    assert_eq!((backlog.open, backlog.under_7_days, backlog.from_7_to_30_days), (2, 1, 1));
    assert_eq!(
        r.by_category.iter().map(|c| (c.category.as_str(), c.received)).collect::<Vec<_>>(),
        [("voirie", 2), ("eclairage", 1), ("proprete", 1)]
    );
    let q = paris.questions.expect("questions");
    assert_eq!((q.asked, q.answered, q.answered_on_time, q.overdue), (2, 1, 1, 1));
    assert_eq!(q.delay.map(|d| d.median_seconds), Some(2 * 86_400));
    let p = paris.proposals.expect("proposals");
    assert_eq!((p.submitted, p.reached_threshold, p.answered_on_time), (1, 1, 1));
    let b = paris.budgets.expect("budgets");
    // The amended project only: not the draft, not tomorrow's.
    assert_eq!((b.projects, b.planned_cents, b.spent_cents), (1, 12_000_000, 4_500_000));
    assert_eq!(b.largest.first().map(|p| p.title.as_str()), Some("Piscine Saint-Merri"));
    let published: u64 = paris.publications_by_month.iter().map(|m| m.official + m.citizen).sum();
    assert_eq!(published, 2, "the project and the (since archived) post; not the draft nor tomorrow's");
    assert_eq!(paris.positions.get("reports").copied(), w.heads().await.get("reports").copied());

    let lyon = api.dashboard(Scope::Commune(LYON.into()), 12).await.expect("Lyon");
    assert_eq!(lyon.reports.as_ref().map(|r| r.received), Some(1));
    let departement = api.dashboard(Scope::Departement("75".into()), 12).await.expect("75");
    assert_eq!(departement.reports.as_ref().map(|r| r.received), Some(4));
    let national = api.dashboard(Scope::National, 12).await.expect("national");
    assert_eq!((national.communes, national.reports.as_ref().map(|r| r.received)), (2, Some(5)));
    assert_eq!(national.reports.and_then(|r| r.first_response).map(|d| d.count), Some(4));
    assert!(api.dashboard(Scope::Commune("01001".into()), 12).await.is_err(), "an unknown commune is NOT_FOUND");

    let lines = api
        .list_commune_figures(tonic::Request::new(pb::ListCommuneFiguresRequest::default()))
        .await
        .expect("communes")
        .into_inner();
    assert_eq!(
        lines.communes.iter().map(|c| (c.commune.as_str(), c.reports_received)).collect::<Vec<_>>(),
        [(LYON, 1), (PARIS, 4)]
    );
    let only_75 = api
        .list_commune_figures(tonic::Request::new(pb::ListCommuneFiguresRequest {
            departement: "75".into(),
            ..Default::default()
        }))
        .await
        .expect("75")
        .into_inner();
    assert_eq!(only_75.communes.iter().map(|c| c.commune.as_str()).collect::<Vec<_>>(), [PARIS]);

    // The public events: everything public, in time order, nothing personal, not tomorrow's publication.
    let events = all_public_events(&api, PARIS, 3).await;
    let text = format!("{events:?}");
    for secret in [
        "Le collectif se réunit",
        SECRET_TITLE,
        "06 12 34 56 78",
        "marie.dupont@example.org",
        REPORTER,
        "agent-1",
        "Marie Dupont",
        "Brouillon secret",
        "Demain",
        "Je m'appelle",
    ] {
        assert!(!text.contains(secret), "the public events show {secret}: {text}");
    }
    let kinds: Vec<&str> = events.iter().map(|e| e.r#type.as_str()).collect();
    for kind in [
        "commune.registered",
        "report.received",
        "report.acknowledged",
        "report.resolved",
        "report.rejected",
        "report.reopened",
        "publication.published",
        "publication.amended",
        "publication.archived",
        "question.asked",
        "question.answered",
        "proposal.threshold_reached",
        "proposal.answered",
    ] {
        assert!(kinds.contains(&kind), "no {kind} in {kinds:?}");
    }
    // r3 (never verified) and r2 before its verification: never received publicly.
    assert_eq!(kinds.iter().filter(|k| **k == "report.received").count(), 4);
    // The non-official reply is not an answer.
    assert_eq!(kinds.iter().filter(|k| **k == "question.answered").count(), 1);
    assert!(events.windows(2).all(|w| w[0].occurred_at_us <= w[1].occurred_at_us), "in time order");
    assert!(events.iter().all(|e| e.subject.starts_with("communes/75056")), "only Paris");
    // Paging by 3 gives what one page gives.
    assert_eq!(events, all_public_events(&api, PARIS, 1000).await);

    token.cancel();
    live.await.expect("live task");
}

async fn all_public_events(api: &TransparencyApi, commune: &str, page_size: u32) -> Vec<pb::PublicEvent> {
    let mut events = Vec::new();
    let mut page_token = String::new();
    for _ in 0..1000 {
        let page = api
            .list_public_events(tonic::Request::new(pb::ListPublicEventsRequest {
                commune: commune.into(),
                page_size,
                page_token,
            }))
            .await
            .expect("public events")
            .into_inner();
        events.extend(page.events);
        if page.next_page_token.is_empty() {
            return events;
        }
        page_token = page.next_page_token;
    }
    panic!("no end to the pages")
}

/// Appends `n` random events: reports and their steps, publications, questions and proposals over a few communes.
async fn random_history(w: &World, seed: &mut u64, n: usize, ids: &mut Ids) {
    let communes = [PARIS, LYON, "13055", "2A004", "97411"];
    for _ in 0..n {
        let commune = communes[(next(seed) % communes.len() as u64) as usize];
        let at = w.now - (next(seed) % (500 * DAY as u64)) as i64;
        match next(seed) % 20 {
            0 => w.register(commune, &format!("Commune {commune}"), (next(seed) % 20) as u32).await,
            1..=4 => {
                ids.reports += 1;
                let id = format!("r{}", ids.reports);
                let category = ["voirie", "proprete", "eclairage"][(next(seed) % 3) as usize];
                w.append("reports", commune, &id, at, &submitted(&id, commune, category, next(seed).is_multiple_of(4)))
                    .await;
            }
            5..=10 if ids.reports > 0 => {
                let id = format!("r{}", 1 + next(seed) % ids.reports);
                let commune = ids.commune_of_report(w, &id).await;
                let agent = "agent".to_owned();
                match next(seed) % 8 {
                    0 => {
                        w.append("reports", &commune, &id, at, &reports::ReportVerified { report_id: id.clone() }).await
                    }
                    1 => {
                        w.append(
                            "reports",
                            &commune,
                            &id,
                            at,
                            &reports::ReportAcknowledged { report_id: id.clone(), agent, message: String::new() },
                        )
                        .await
                    }
                    2 => {
                        w.append(
                            "reports",
                            &commune,
                            &id,
                            at,
                            &reports::ReportWorkStarted { report_id: id.clone(), agent, message: String::new() },
                        )
                        .await
                    }
                    3 => {
                        w.append(
                            "reports",
                            &commune,
                            &id,
                            at,
                            &reports::ReportResolved {
                                report_id: id.clone(),
                                agent,
                                message: String::new(),
                                resolved_at_us: at,
                            },
                        )
                        .await
                    }
                    4 => {
                        w.append(
                            "reports",
                            &commune,
                            &id,
                            at,
                            &reports::ReportRejected { report_id: id.clone(), agent, reason: String::new() },
                        )
                        .await
                    }
                    5 => {
                        w.append(
                            "reports",
                            &commune,
                            &id,
                            at,
                            &reports::ReportReopened { report_id: id.clone(), ..Default::default() },
                        )
                        .await
                    }
                    6 => {
                        w.append(
                            "reports",
                            &commune,
                            &id,
                            at,
                            &reports::ReportMerged {
                                report_id: id.clone(),
                                into_report_id: "r1".into(),
                                agent,
                                message: String::new(),
                            },
                        )
                        .await
                    }
                    _ => {
                        w.append(
                            "reports",
                            &commune,
                            &id,
                            at,
                            &reports::ReportAssigned {
                                report_id: id.clone(),
                                department: "voirie".into(),
                                agent,
                                by: String::new(),
                            },
                        )
                        .await
                    }
                }
            }
            11..=13 => {
                ids.publications += 1;
                let id = format!("p{}", ids.publications);
                let planned = (next(seed) % 1_000_000) as i64;
                w.append(
                    "publications",
                    commune,
                    &id,
                    at,
                    &project(&id, commune, &format!("Projet {id}"), planned, planned / 3),
                )
                .await;
                if !next(seed).is_multiple_of(3) {
                    let published = publications::PublicationPublished {
                        publication_id: id.clone(),
                        published_at_us: at + HOUR,
                        ..Default::default()
                    };
                    w.append("publications", commune, &id, at, &published).await;
                }
                if next(seed).is_multiple_of(5) {
                    let archived = publications::PublicationArchived {
                        publication_id: id.clone(),
                        archived_at_us: at + DAY,
                        ..Default::default()
                    };
                    w.append("publications", commune, &id, at, &archived).await;
                }
            }
            14..=16 => {
                ids.questions += 1;
                let id = format!("q{}", ids.questions);
                let asked = dialogue::QuestionAsked {
                    question_id: id.clone(),
                    commune: commune.into(),
                    asked_at_us: at,
                    answer_due_at_us: at + 7 * DAY,
                    ..Default::default()
                };
                w.append("dialogue", commune, &id, at, &asked).await;
                if next(seed).is_multiple_of(2) {
                    let delay = (next(seed) % (14 * DAY as u64)) as i64;
                    let answer = dialogue::AnswerPublished {
                        question_id: id.clone(),
                        official: !next(seed).is_multiple_of(4),
                        answered_at_us: at + delay,
                        on_time: delay <= 7 * DAY,
                        ..Default::default()
                    };
                    w.append("dialogue", commune, &id, at + delay, &answer).await;
                }
            }
            _ => {
                ids.proposals += 1;
                let id = format!("pr{}", ids.proposals);
                let submitted = dialogue::ProposalSubmitted {
                    proposal_id: id.clone(),
                    commune: commune.into(),
                    submitted_at_us: at,
                    support_threshold: 3,
                    ..Default::default()
                };
                w.append("dialogue", commune, &id, at, &submitted).await;
                if next(seed).is_multiple_of(2) {
                    let reached = dialogue::ProposalThresholdReached {
                        proposal_id: id.clone(),
                        supports: 3,
                        reached_at_us: at + DAY,
                        answer_due_at_us: at + 91 * DAY,
                    };
                    w.append("dialogue", commune, &id, at + DAY, &reached).await;
                    if next(seed).is_multiple_of(2) {
                        let answered = dialogue::ProposalAnswered {
                            proposal_id: id.clone(),
                            answered_at_us: at + 30 * DAY,
                            was_obliged: true,
                            on_time: true,
                            ..Default::default()
                        };
                        w.append("dialogue", commune, &id, at + 30 * DAY, &answered).await;
                    }
                }
            }
        }
    }
}

#[derive(Default)]
struct Ids {
    reports: u64,
    publications: u64,
    questions: u64,
    proposals: u64,
    communes: std::collections::HashMap<String, String>,
}

impl Ids {
    async fn commune_of_report(&mut self, w: &World, id: &str) -> String {
        if let Some(c) = self.communes.get(id) {
            return c.clone();
        }
        let events = w.stores["reports"].load("report", id).await.expect("load");
        let commune = events.first().map(|e| e.commune.clone()).unwrap_or_else(|| PARIS.into());
        self.communes.insert(id.to_owned(), commune.clone());
        commune
    }
}

/// The figures of a few scopes at a fixed time (backlog ages move with the clock).
async fn figures_of(w: &World) -> Vec<pb::Dashboard> {
    let mut all = Vec::new();
    for scope in [
        Scope::National,
        Scope::Commune(PARIS.into()),
        Scope::Departement("2A".into()),
        Scope::Departement("974".into()),
    ] {
        let facts = miroir_transparency::read::facts(&w.transparency.db, &scope).await.expect("facts");
        all.push(miroir_transparency::figures::dashboard(&facts, Period { now_us: w.now, months: 24 }));
        all.push(pb::Dashboard {
            scope: format!(
                "{:?}",
                miroir_transparency::figures::commune_figures(&facts, Period { now_us: w.now, months: 12 })
            ),
            ..Default::default()
        });
    }
    all
}

async fn live_and_rebuilt_projections_are_identical_after_a_random_history(backend: Backend) {
    let redelivered = Arc::new(AtomicU64::new(0));
    let counter = redelivered.clone();
    let w =
        World::with_feed(backend, move |inner| Arc::new(Redelivering { inner, seed: 0x5eed, redelivered: counter }))
            .await;
    let mut seed = 0xC0FFEE_u64;
    let mut ids = Ids::default();
    for commune in [PARIS, LYON, "13055", "2A004", "97411"] {
        w.register(commune, commune, 7).await;
    }
    // Some history before the live projections start, more while they run.
    random_history(&w, &mut seed, 150, &mut ids).await;
    let token = CancellationToken::new();
    let live = w.run_live(token.clone());
    random_history(&w, &mut seed, 250, &mut ids).await;
    w.caught_up().await;
    let live_tables = w.snapshot().await;
    let live_figures = figures_of(&w).await;
    assert!(live_tables["tr_reports"].len() > 50, "a history worth comparing: {}", live_tables["tr_reports"].len());
    assert!(!live_figures.is_empty());

    // A rebuild of the same logs gives the same tables and figures.
    let done = miroir_transparency::rebuild::rebuild_all(
        &w.transparency.db,
        w.feed.as_ref(),
        "test",
        |_| {},
        CancellationToken::new(),
    )
    .await
    .expect("rebuild");
    assert!(done.iter().all(|(_, generation)| *generation == 2), "{done:?}");
    w.caught_up().await;
    assert_eq!(w.snapshot().await, live_tables, "rebuilt = live");
    assert!(figures_of(&w).await == live_figures, "rebuilt figures = live figures");

    // A rebuild while the logs keep growing: the live runners follow the swap, and end where a quiet rebuild ends.
    let (db, feed) = (w.transparency.db.clone(), w.feed.clone());
    let rebuilding = tokio::spawn(async move {
        miroir_transparency::rebuild::rebuild_all(&db, feed.as_ref(), "test", |_| {}, CancellationToken::new()).await
    });
    random_history(&w, &mut seed, 150, &mut ids).await;
    rebuilding.await.expect("rebuild task").expect("rebuild while writing");
    w.caught_up().await;
    let followed = w.snapshot().await;
    miroir_transparency::rebuild::rebuild_all(
        &w.transparency.db,
        w.feed.as_ref(),
        "test",
        |_| {},
        CancellationToken::new(),
    )
    .await
    .expect("quiet rebuild");
    w.caught_up().await;
    assert_eq!(w.snapshot().await, followed, "live after a swap = a rebuild");
    assert!(
        redelivered.load(Ordering::Relaxed) > 20,
        "the feed did redeliver: {}",
        redelivered.load(Ordering::Relaxed)
    );

    token.cancel();
    live.await.expect("live task");
}

on_both_backends!(a_known_history_gives_its_figures, live_and_rebuilt_projections_are_identical_after_a_random_history);
