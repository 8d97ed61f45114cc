//! The national landing page, a commune's home and its two spaces.
//!
//! The home page sets the two spaces side by side: the commune's priorities
//! (projects in progress) and each space's latest activity. The official space
//! gathers what the town hall publishes and its answers; the citizen space the
//! collective's posts, reports, questions and proposals, and its tracking of
//! the commune's projects. A part whose service does not answer says so; the
//! rest of the page is still shown.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use miroir_proto::identity::v1 as id;
use std::collections::HashMap;

use miroir_proto::dialogue::v1 as dg;
use miroir_proto::publications::v1 as pb;
use miroir_proto::publications::v1::PublicationStatus::Published;

use super::publication_view::PublicationView;
use super::publications::{self, KindSection, Listing, Section, TrackedProject, tracked, views};
use super::{commune, plain_segment, reports_page};
use crate::rest::extract::Forwarded;
use crate::site::forms::error_page;
use crate::site::page::{self, Frame, render};
use crate::site::session::Visitor;
use crate::site::{CommuneView, ReportView, last_segment};
use crate::{AppState, GatewayError, upstream};

#[derive(Template)]
#[template(path = "landing.html")]
struct Landing {
    frame: Frame,
    query: String,
    communes: Vec<CommuneView>,
    next_href: Option<String>,
}

pub async fn landing(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let query = params.get("q").map(|q| q.trim().chars().take(100).collect::<String>()).unwrap_or_default();
    let page_token = params.get("page").cloned().unwrap_or_default();
    let mut identity = state.identity.clone();
    let message = id::ListCommunesRequest { page_size: 24, page_token, query: query.clone() };
    let listed = upstream::call(identity.list_communes(upstream::request(message, &Forwarded::default()))).await;
    let listed = match listed {
        Ok(listed) => listed,
        Err(error) => return error_page(visitor, &error),
    };
    let next_href = (!listed.next_page_token.is_empty()).then(|| {
        let q: String = form_urlencoded::byte_serialize(query.as_bytes()).collect();
        format!("/?q={q}&page={}", listed.next_page_token)
    });
    let frame = Frame::new(&visitor, visitor.tr.t("landing-title"));
    let page = Landing { frame, query, communes: listed.communes.into_iter().map(Into::into).collect(), next_href };
    render(visitor, StatusCode::OK, &page)
}

// ---------------------------------------------------------------- the two spaces

/// Something that happened in a space, for the home page's latest activity.
#[derive(Debug, Clone)]
pub struct ActivityItem {
    /// What it is ("Projet", "Question"…).
    pub what: String,
    pub title: String,
    pub href: String,
    pub at: String,
    pub iso: String,
    pub at_us: i64,
    /// Its state in words, where it has one ("Répondue", "En cours"…).
    pub state: String,
}

/// A question or a proposal of the dialogue, as the spaces list them.
#[derive(Debug, Clone)]
pub struct DialogueItem {
    pub title: String,
    pub href: String,
    pub status: String,
    pub at: String,
    pub iso: String,
    pub at_us: i64,
    /// A proposal's supports ("12 soutiens"); "" for a question.
    pub supports: String,
    /// The commune's answer, once given.
    pub answer: String,
    pub answered_at: String,
    pub answered_iso: String,
    pub answered_at_us: i64,
}

pub fn question_href(insee: &str, name: &str) -> String {
    format!("/c/{insee}/citoyen/questions/{}", last_segment(name))
}

pub fn proposal_href(insee: &str, name: &str) -> String {
    format!("/c/{insee}/citoyen/propositions/{}", last_segment(name))
}

/// A commune's latest questions (hidden ones left out: their text is not public).
async fn questions(
    state: &AppState,
    visitor: &Visitor,
    insee: &str,
    page_size: i32,
) -> Result<Vec<DialogueItem>, GatewayError> {
    let mut dialogue = state.dialogue.clone();
    let message = dg::ListQuestionsRequest { parent: format!("communes/{insee}"), page_size, ..Default::default() };
    let listed = upstream::call(dialogue.list_questions(upstream::request(message, &visitor.forwarded()))).await?;
    let tr = &visitor.tr;
    Ok(listed
        .questions
        .into_iter()
        .filter(|q| q.hidden_reason.is_empty())
        .map(|q| {
            let key = match q.status() {
                dg::QuestionStatus::Answered => "pub-question-answered",
                dg::QuestionStatus::Redirected => "pub-question-redirected",
                _ => "pub-question-open",
            };
            DialogueItem {
                href: question_href(insee, &q.name),
                status: tr.t(key),
                at: tr.datetime(q.asked_at_us),
                iso: tr.iso(q.asked_at_us),
                at_us: q.asked_at_us,
                supports: String::new(),
                answered_at: if q.answered_at_us > 0 { tr.datetime(q.answered_at_us) } else { String::new() },
                answered_iso: if q.answered_at_us > 0 { tr.iso(q.answered_at_us) } else { String::new() },
                answered_at_us: q.answered_at_us,
                answer: q.answer,
                title: q.title,
            }
        })
        .collect())
}

/// A commune's latest proposals (hidden ones left out).
async fn proposals(
    state: &AppState,
    visitor: &Visitor,
    insee: &str,
    page_size: i32,
) -> Result<Vec<DialogueItem>, GatewayError> {
    let mut dialogue = state.dialogue.clone();
    let message = dg::ListProposalsRequest { parent: format!("communes/{insee}"), page_size, ..Default::default() };
    let listed = upstream::call(dialogue.list_proposals(upstream::request(message, &visitor.forwarded()))).await?;
    let tr = &visitor.tr;
    Ok(listed
        .proposals
        .into_iter()
        .filter(|p| p.hidden_reason.is_empty())
        .map(|p| {
            let key = match p.status() {
                dg::ProposalStatus::AwaitingAnswer => "pub-proposal-awaiting",
                dg::ProposalStatus::Answered => "pub-proposal-answered",
                _ => "pub-proposal-open",
            };
            DialogueItem {
                href: proposal_href(insee, &p.name),
                status: tr.t(key),
                at: tr.datetime(p.submitted_at_us),
                iso: tr.iso(p.submitted_at_us),
                at_us: p.submitted_at_us,
                supports: tr.count("pub-supports", i64::from(p.supports)),
                answered_at: if p.answered_at_us > 0 { tr.datetime(p.answered_at_us) } else { String::new() },
                answered_iso: if p.answered_at_us > 0 { tr.iso(p.answered_at_us) } else { String::new() },
                answered_at_us: p.answered_at_us,
                answer: p.answer,
                title: p.title,
            }
        })
        .collect())
}

fn publication_activity(p: &PublicationView) -> ActivityItem {
    ActivityItem {
        what: p.kind_label.clone(),
        title: p.title.clone(),
        href: p.href.clone(),
        at: p.published_at.clone(),
        iso: p.published_iso.clone(),
        at_us: p.published_at_us,
        state: p.project.as_ref().map(|project| project.status_label.clone()).unwrap_or_default(),
    }
}

/// The newest `n` items, newest first.
fn newest(mut items: Vec<ActivityItem>, n: usize) -> Vec<ActivityItem> {
    items.sort_by_key(|i| std::cmp::Reverse(i.at_us));
    items.truncate(n);
    items
}

/// Priorities: the commune's projects in progress, newest first.
const PRIORITIES: usize = 5;
/// Items of each space's latest activity on the home page.
const ACTIVITY: usize = 8;

#[derive(Template)]
#[template(path = "commune_home.html")]
struct Home {
    frame: Frame,
    commune: CommuneView,
    priorities: Section<PublicationView>,
    official_activity: Section<ActivityItem>,
    citizen_activity: Section<ActivityItem>,
    official_writer: bool,
    citizen_writer: bool,
}

pub async fn home(State(state): State<AppState>, visitor: Visitor, Path(insee): Path<String>) -> Response {
    if !plain_segment(&insee) {
        return page::message(visitor, StatusCode::NOT_FOUND, "error-title", "error-not-found");
    }
    let v = &visitor;
    let (commune, projects, official, citizen, reports, questions, proposals) = tokio::join!(
        commune(&state, &insee),
        publications::list(&state, v, &insee, Listing::of(pb::Space::Official, "project").status(Published).size(100)),
        publications::list(&state, v, &insee, Listing::of(pb::Space::Official, "").status(Published).size(10)),
        publications::list(&state, v, &insee, Listing::of(pb::Space::Citizen, "").status(Published).size(10)),
        reports_page(&state, v, &insee, 20, ""),
        questions(&state, v, &insee, 20),
        proposals(&state, v, &insee, 20),
    );
    let commune = match commune {
        Ok(commune) => commune,
        Err(error) => return error_page(visitor, &error),
    };
    let tr = &visitor.tr;
    let priorities = Section::of("projects", projects, |listed| {
        let mut all = views(v, &insee, listed);
        all.retain(|p| p.project.as_ref().is_some_and(|project| project.status == "in_progress"));
        all.truncate(PRIORITIES);
        all
    });
    let official = Section::of("official publications", official, |l| views(v, &insee, l));
    let citizen = Section::of("citizen publications", citizen, |l| views(v, &insee, l));
    let reports = Section::of("reports", reports, |page| {
        page.reports.into_iter().map(|r| ReportView::new(tr, r)).collect::<Vec<_>>()
    });
    let questions = Section::of("questions", questions, |q| q);
    let proposals = Section::of("proposals", proposals, |p| p);

    // The official space's activity: its publications and its answers (to reports and to questions).
    let mut items: Vec<ActivityItem> = official.items.iter().map(publication_activity).collect();
    items.extend(reports.items.iter().filter(|r| r.acknowledged).map(|r| ActivityItem {
        what: tr.t("pub-activity-report-answer"),
        title: r.title.clone(),
        href: format!("/c/{insee}/citoyen/signalements/{}", r.report_id),
        at: r.acknowledged_at.clone(),
        iso: r.acknowledged_iso.clone(),
        at_us: r.acknowledged_at_us,
        state: r.status.clone(),
    }));
    items.extend(questions.items.iter().filter(|q| q.answered_at_us > 0).map(|q| ActivityItem {
        what: tr.t("pub-activity-question-answer"),
        title: q.title.clone(),
        href: q.href.clone(),
        at: q.answered_at.clone(),
        iso: q.answered_iso.clone(),
        at_us: q.answered_at_us,
        state: String::new(),
    }));
    let official_activity = Section {
        items: newest(items, ACTIVITY),
        unavailable: official.unavailable || reports.unavailable || questions.unavailable,
    };

    // The citizen space's activity: the collective's publications, reports, questions and proposals.
    let mut items: Vec<ActivityItem> = citizen.items.iter().map(publication_activity).collect();
    items.extend(reports.items.iter().map(|r| ActivityItem {
        what: tr.t("pub-activity-report"),
        title: r.title.clone(),
        href: format!("/c/{insee}/citoyen/signalements/{}", r.report_id),
        at: r.submitted_at.clone(),
        iso: r.submitted_iso.clone(),
        at_us: r.submitted_at_us,
        state: r.status.clone(),
    }));
    let dialogue = |what: &str, q: &DialogueItem| ActivityItem {
        what: tr.t(what),
        title: q.title.clone(),
        href: q.href.clone(),
        at: q.at.clone(),
        iso: q.iso.clone(),
        at_us: q.at_us,
        state: q.status.clone(),
    };
    items.extend(questions.items.iter().map(|q| dialogue("pub-activity-question", q)));
    items.extend(proposals.items.iter().map(|p| dialogue("pub-activity-proposal", p)));
    let citizen_activity = Section {
        items: newest(items, ACTIVITY),
        unavailable: citizen.unavailable || reports.unavailable || questions.unavailable || proposals.unavailable,
    };
    let page = Home {
        frame: Frame::new(&visitor, commune.display_name.clone()),
        official_writer: publications::writes(&visitor, &insee, pb::Space::Official),
        citizen_writer: publications::writes(&visitor, &insee, pb::Space::Citizen),
        commune,
        priorities,
        official_activity,
        citizen_activity,
    };
    render(visitor, StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "official.html")]
struct Official {
    frame: Frame,
    commune: CommuneView,
    /// Projects, council decisions, minutes, budgets and news: the latest of each.
    sections: Vec<KindSection>,
    /// The commune's answers: to public questions, and to reports.
    answered_questions: Section<DialogueItem>,
    answers: Section<ReportView>,
    kind_links: Vec<(String, String)>,
    writer: bool,
}

pub async fn official(State(state): State<AppState>, visitor: Visitor, Path(insee): Path<String>) -> Response {
    if !plain_segment(&insee) {
        return page::message(visitor, StatusCode::NOT_FOUND, "error-title", "error-not-found");
    }
    let v = &visitor;
    let of = |kind| Listing::of(pb::Space::Official, kind);
    let (commune, projects, decisions, minutes, budgets, news, questions, reports) = tokio::join!(
        commune(&state, &insee),
        publications::list(&state, v, &insee, of("project").size(6)),
        publications::list(&state, v, &insee, of("decision").size(5)),
        publications::list(&state, v, &insee, of("minutes").size(5)),
        publications::list(&state, v, &insee, of("budget").size(3)),
        publications::list(&state, v, &insee, of("news").size(5)),
        questions(&state, v, &insee, 100),
        reports_page(&state, v, &insee, 100, ""),
    );
    let commune = match commune {
        Ok(commune) => commune,
        Err(error) => return error_page(visitor, &error),
    };
    let tr = &visitor.tr;
    let listed = |kind, result| KindSection::new(tr, &insee, kind, Section::of(kind, result, |l| views(v, &insee, l)));
    let sections = vec![
        listed("project", projects),
        listed("decision", decisions),
        listed("minutes", minutes),
        listed("budget", budgets),
        listed("news", news),
    ];
    let answered_questions = Section::of("questions", questions, |all| {
        let mut answered: Vec<DialogueItem> = all.into_iter().filter(|q| q.answered_at_us > 0).collect();
        answered.sort_by_key(|q| std::cmp::Reverse(q.answered_at_us));
        answered.truncate(5);
        answered
    });
    let answers = Section::of("reports", reports, |page| {
        let mut answers: Vec<ReportView> =
            page.reports.into_iter().map(|r| ReportView::new(&visitor.tr, r)).filter(|r| r.acknowledged).collect();
        answers.sort_by_key(|r| std::cmp::Reverse(r.acknowledged_at_us));
        answers.truncate(10);
        answers
    });
    let page = Official {
        frame: Frame::new(&visitor, format!("{} — {}", visitor.tr.t("official-space"), commune.display_name)),
        sections,
        answered_questions,
        answers,
        kind_links: publications::kind_links(&visitor.tr, &insee, pb::Space::Official),
        writer: publications::writes(&visitor, &insee, pb::Space::Official),
        commune,
    };
    render(visitor, StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "citizen.html")]
struct Citizen {
    frame: Frame,
    commune: CommuneView,
    /// The collective's posts and activity proposals: the latest of each.
    sections: Vec<KindSection>,
    /// The commune's latest projects, each with the collective's follow-up notes.
    tracking: Section<TrackedProject>,
    reports: Section<ReportView>,
    questions: Section<DialogueItem>,
    proposals: Section<DialogueItem>,
    writer: bool,
}

/// Projects the citizen space's page tracks (the tracking page has them all).
const TRACKED: i32 = 5;

pub async fn citizen(State(state): State<AppState>, visitor: Visitor, Path(insee): Path<String>) -> Response {
    if !plain_segment(&insee) {
        return page::message(visitor, StatusCode::NOT_FOUND, "error-title", "error-not-found");
    }
    let v = &visitor;
    let (commune, posts, activities, projects, notes, reports, questions, proposals) = tokio::join!(
        commune(&state, &insee),
        publications::list(&state, v, &insee, Listing::of(pb::Space::Citizen, "post").size(5)),
        publications::list(&state, v, &insee, Listing::of(pb::Space::Citizen, "activity").size(5)),
        publications::list(&state, v, &insee, Listing::of(pb::Space::Official, "project").size(TRACKED)),
        publications::follow_up_notes(&state, v, &insee),
        reports_page(&state, v, &insee, 5, ""),
        questions(&state, v, &insee, 5),
        proposals(&state, v, &insee, 5),
    );
    let commune = match commune {
        Ok(commune) => commune,
        Err(error) => return error_page(visitor, &error),
    };
    let tr = &visitor.tr;
    let listed = |kind, result| KindSection::new(tr, &insee, kind, Section::of(kind, result, |l| views(v, &insee, l)));
    let sections = vec![listed("post", posts), listed("activity", activities)];
    let notes = Section::of("follow-up notes", notes, |n| n);
    let mut tracking = Section::of("projects", projects, |l| tracked(v, &insee, views(v, &insee, l), &notes.items));
    tracking.unavailable |= notes.unavailable;
    let page = Citizen {
        frame: Frame::new(&visitor, format!("{} — {}", visitor.tr.t("citizen-space"), commune.display_name)),
        sections,
        tracking,
        reports: Section::of("reports", reports, |page| {
            page.reports.into_iter().map(|r| ReportView::new(&visitor.tr, r)).collect()
        }),
        questions: Section::of("questions", questions, |q| q),
        proposals: Section::of("proposals", proposals, |p| p),
        writer: publications::writes(&visitor, &insee, pb::Space::Citizen),
        commune,
    };
    render(visitor, StatusCode::OK, &page)
}
