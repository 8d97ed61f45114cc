//! Citizen proposals, in the citizen space: the list with each proposal's
//! supports against its threshold and, for those past it, the date the
//! commune's answer is due (public until it answers), the submit form, and a
//! proposal's page with its support button (once per account), its official
//! answer, the officials' answer form, and its comment thread.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use miroir_proto::dialogue::v1 as dg;

use super::comments::{self, CommentsView};
use super::moderation::{
    Controls, OFFICIALS, Refusal, checked, csrf_refused, holds, me, not_found, now_us, refusal, resource, signin, who,
};
use super::{commune, plain_segment};
use crate::rest::extract::ClientAddress;
use crate::site::forms::{FormData, FormErrors, error_page};
use crate::site::page::{Frame, redirect, render};
use crate::site::session::{Visitor, random_token};
use crate::site::{CommuneView, Field, form_request_id, last_segment};
use crate::{AppState, upstream};

pub fn list_href(insee: &str) -> String {
    format!("/c/{insee}/citoyen/propositions/")
}

pub fn proposal_href(insee: &str, id: &str) -> String {
    format!("/c/{insee}/citoyen/propositions/{id}")
}

/// A proposal as pages show it, texts in the page's language.
#[derive(Debug, Clone)]
pub struct ProposalView {
    pub id: String,
    pub name: String,
    pub href: String,
    pub title: String,
    pub body: String,
    pub hidden_reason: String,
    pub status: String,
    /// "open", "awaiting" or "answered".
    pub status_class: &'static str,
    pub mine: bool,
    pub supported_by_me: bool,
    pub supports: u32,
    pub threshold: u32,
    /// "3 supports of the 50 that oblige an answer."
    pub supports_text: String,
    pub submitted_at: String,
    pub submitted_iso: String,
    /// Set once the threshold is reached.
    pub due_at: String,
    pub due_iso: String,
    /// Awaiting an answer past its due date.
    pub overdue: bool,
    pub answer: String,
    pub answered_by: String,
    pub answered_at: String,
    pub answered_iso: String,
    /// Whether an obliged answer came on time ("" when none was obliged).
    pub timeliness: String,
    pub moderation: Controls,
}

impl ProposalView {
    pub fn new(visitor: &Visitor, insee: &str, p: dg::Proposal) -> Self {
        let tr = &visitor.tr;
        let id = last_segment(&p.name).to_owned();
        let href = proposal_href(insee, &id);
        let (status_key, status_class) = match p.status() {
            dg::ProposalStatus::AwaitingAnswer => ("dlg-proposal-awaiting", "awaiting"),
            dg::ProposalStatus::Answered => ("dlg-proposal-answered", "answered"),
            _ => ("dlg-proposal-open", "open"),
        };
        let answered = status_class == "answered";
        let reached = p.answer_due_at_us > 0;
        let timeliness = match (answered && reached, p.answered_on_time) {
            (false, _) => String::new(),
            (true, true) => tr.t("dlg-on-time"),
            (true, false) => tr.t("dlg-late"),
        };
        ProposalView {
            status: tr.t(status_key),
            status_class,
            mine: me(visitor) == Some(p.author.as_str()),
            supported_by_me: p.supported_by_me,
            supports: p.supports,
            threshold: p.support_threshold,
            supports_text: format!(
                "{} {}",
                tr.count("dlg-supports", i64::from(p.supports)),
                tr.count("dlg-threshold", i64::from(p.support_threshold))
            ),
            submitted_at: tr.datetime(p.submitted_at_us),
            submitted_iso: tr.iso(p.submitted_at_us),
            due_at: if reached { tr.datetime(p.answer_due_at_us) } else { String::new() },
            due_iso: if reached { tr.iso(p.answer_due_at_us) } else { String::new() },
            overdue: status_class == "awaiting" && now_us() > p.answer_due_at_us,
            answered_by: if answered { who(tr, me(visitor), &p.answerer, true) } else { String::new() },
            answered_at: if answered { tr.datetime(p.answered_at_us) } else { String::new() },
            answered_iso: if answered { tr.iso(p.answered_at_us) } else { String::new() },
            timeliness,
            moderation: Controls::new(visitor, insee, &p.name, &p.author, false, &p.hidden_reason, &href),
            answer: p.answer,
            title: p.title,
            body: p.body,
            hidden_reason: p.hidden_reason,
            name: p.name,
            href,
            id,
        }
    }
}

/// The threshold new proposals get (`None` if the service did not say).
async fn threshold(state: &AppState, visitor: &Visitor, insee: &str) -> Option<u32> {
    let mut dialogue = state.dialogue.clone();
    let message = dg::GetDialogueSettingsRequest { name: format!("communes/{insee}/dialogueSettings") };
    upstream::call(dialogue.get_dialogue_settings(upstream::request(message, &visitor.forwarded())))
        .await
        .ok()
        .map(|s| s.support_threshold)
}

// ---------------------------------------------------------------- the list and the submit form

#[derive(Template)]
#[template(path = "proposal_list.html")]
struct List {
    frame: Frame,
    commune: CommuneView,
    proposals: Vec<ProposalView>,
    awaiting_only: bool,
    /// The threshold of new proposals, said in the intro.
    threshold: String,
    next_href: Option<String>,
    first_href: Option<String>,
    signed_in: bool,
    signin_href: String,
    fields: Vec<Field>,
    errors: FormErrors,
}

async fn list_page(
    state: &AppState,
    visitor: Visitor,
    insee: &str,
    query: &FormData,
    typed: &FormData,
    refused: Option<Refusal>,
) -> Response {
    if !plain_segment(insee) {
        return not_found(visitor);
    }
    let awaiting_only = query.get("attente") == "1";
    let token = query.get("page").to_owned();
    let mut dialogue = state.dialogue.clone();
    let message = dg::ListProposalsRequest {
        parent: format!("communes/{insee}"),
        page_size: 20,
        page_token: token.clone(),
        awaiting_answer_only: awaiting_only,
        // Text search is the commune's search page's (`/c/{insee}/recherche`).
        query: String::new(),
    };
    let listed = upstream::call(dialogue.list_proposals(upstream::request(message, &visitor.forwarded())));
    let (commune, listed) = match tokio::try_join!(commune(state, insee), listed) {
        Ok(found) => found,
        Err(error) => return error_page(visitor, &error),
    };
    let threshold = threshold(state, &visitor, insee).await;
    let base = list_href(insee);
    let filter = if awaiting_only { "attente=1&" } else { "" };
    let next_href = (!listed.next_page_token.is_empty()).then(|| {
        let page: String = form_urlencoded::byte_serialize(listed.next_page_token.as_bytes()).collect();
        format!("{base}?{filter}page={page}")
    });
    let first_href = (!token.is_empty()).then(|| format!("{base}?{filter}"));
    let proposals = listed.proposals.into_iter().map(|p| ProposalView::new(&visitor, insee, p)).collect();
    let tr = &visitor.tr;
    let fields = vec![
        Field::new(tr, "title", "dlg-field-proposal-title", "text").value(typed.get("title")),
        Field::new(tr, "body", "dlg-field-proposal-body", "textarea")
            .hint(tr, "dlg-field-proposal-body-hint")
            .value(typed.get("body")),
    ];
    let (status, errors) = refused.map_or((StatusCode::OK, FormErrors::default()), |r| (r.status, r.errors));
    let page = List {
        frame: Frame::new(&visitor, format!("{} — {}", tr.t("dlg-proposals-title"), commune.display_name)),
        commune,
        proposals,
        awaiting_only,
        threshold: threshold.map(|t| tr.count("dlg-threshold-intro", i64::from(t))).unwrap_or_default(),
        next_href,
        first_href,
        signed_in: visitor.user.is_some(),
        signin_href: format!("/compte/connexion?suite={base}"),
        fields,
        errors,
    };
    render(visitor, status, &page)
}

pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(insee): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let query = FormData::parse(query.unwrap_or_default().as_bytes());
    list_page(&state, visitor, &insee, &query, &FormData::default(), None).await
}

/// POST to the list: a signed-in resident submits (`title`, `body`).
pub async fn submit(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path(insee): Path<String>,
    body: Bytes,
) -> Response {
    let none = FormData::default();
    let (visitor, form) = match checked(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err((visitor, form, Some(refused))) => {
            return list_page(&state, visitor, &insee, &none, &form, Some(refused)).await;
        }
        Err((visitor, ..)) => return csrf_refused(visitor),
    };
    if visitor.user.is_none() {
        return signin(visitor, &list_href(&insee));
    }
    if !plain_segment(&insee) {
        return not_found(visitor);
    }
    let mut dialogue = state.dialogue.clone();
    let message = dg::SubmitProposalRequest {
        parent: format!("communes/{insee}"),
        title: form.get("title").to_owned(),
        body: form.get("body").to_owned(),
        request_id: form_request_id(&visitor.csrf, &["proposal", form.get("title"), form.get("body")]),
    };
    match upstream::call(dialogue.submit_proposal(upstream::request(message, &visitor.forwarded()))).await {
        Ok(submitted) => {
            let id = submitted.proposal.map(|p| last_segment(&p.name).to_owned()).unwrap_or_default();
            redirect(visitor, &proposal_href(&insee, &id))
        }
        Err(error) => {
            let fields = [("title", "title", "dlg-invalid-title"), ("body", "body", "dlg-invalid-body")];
            match refusal(&visitor.tr, &error, &fields, ("dlg-proposal-already", "dlg-proposal-already")) {
                Some(refused) => list_page(&state, visitor, &insee, &none, &form, Some(refused)).await,
                None => error_page(visitor, &error),
            }
        }
    }
}

// ---------------------------------------------------------------- a proposal's page

#[derive(Template)]
#[template(path = "proposal_page.html")]
struct Show {
    frame: Frame,
    commune: CommuneView,
    proposal: ProposalView,
    signed_in: bool,
    signin_href: String,
    can_support: bool,
    can_answer: bool,
    /// Makes each rendered support form its own request: a double click is
    /// one support, a second support from another page is refused with a message.
    nonce: String,
    answer_fields: Vec<Field>,
    errors: FormErrors,
    /// Which form the errors are about ("support", "answer").
    error_form: &'static str,
    comments: CommentsView,
    follow: Option<super::follow::FollowButton>,
}

async fn show_page(
    state: &AppState,
    visitor: Visitor,
    insee: &str,
    id: &str,
    typed: &FormData,
    refused: Option<(&'static str, Refusal)>,
) -> Response {
    if !plain_segment(insee) || !plain_segment(id) {
        return not_found(visitor);
    }
    let mut dialogue = state.dialogue.clone();
    let name = resource(insee, "proposals", id);
    let get = dg::GetProposalRequest { name: name.clone() };
    let found = upstream::call(dialogue.get_proposal(upstream::request(get, &visitor.forwarded())));
    let (commune, proposal) = match tokio::try_join!(commune(state, insee), found) {
        Ok(found) => found,
        Err(error) => return error_page(visitor, &error),
    };
    let proposal = ProposalView::new(&visitor, insee, proposal);
    let (comments, follow) = tokio::join!(
        comments::thread(state, &visitor, insee, &name, &proposal.href),
        super::follow::button(state, &visitor, &name, &proposal.href),
    );
    let tr = &visitor.tr;
    let answer_fields = vec![Field::new(tr, "answer", "dlg-field-answer", "textarea").value(typed.get("answer"))];
    let (status, error_form, errors) =
        refused.map_or((StatusCode::OK, "", FormErrors::default()), |(form, r)| (r.status, form, r.errors));
    let title = if proposal.hidden_reason.is_empty() { proposal.title.clone() } else { tr.t("dlg-proposal-hidden") };
    let signed_in = visitor.user.is_some();
    let page = Show {
        frame: Frame::new(&visitor, title),
        signin_href: format!("/compte/connexion?suite={}", proposal.href),
        can_support: proposal.status_class != "answered"
            && !proposal.mine
            && !proposal.supported_by_me
            && proposal.hidden_reason.is_empty(),
        can_answer: proposal.status_class != "answered" && holds(&visitor, insee, OFFICIALS),
        nonce: random_token(),
        commune,
        proposal,
        signed_in,
        answer_fields,
        errors,
        error_form,
        comments,
        follow,
    };
    render(visitor, status, &page)
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((insee, id)): Path<(String, String)>,
) -> Response {
    show_page(&state, visitor, &insee, &id, &FormData::default(), None).await
}

/// POST: a signed-in account supports the proposal, once.
pub async fn support(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path((insee, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (visitor, form) = match checked(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err((visitor, form, Some(refused))) => {
            return show_page(&state, visitor, &insee, &id, &form, Some(("support", refused))).await;
        }
        Err((visitor, ..)) => return csrf_refused(visitor),
    };
    if visitor.user.is_none() {
        return signin(visitor, &proposal_href(&insee, &id));
    }
    if !plain_segment(&insee) || !plain_segment(&id) {
        return not_found(visitor);
    }
    let mut dialogue = state.dialogue.clone();
    let message = dg::SupportProposalRequest {
        name: resource(&insee, "proposals", &id),
        request_id: form_request_id(&visitor.csrf, &["support-proposal", &id, form.get("nonce")]),
    };
    match upstream::call(dialogue.support_proposal(upstream::request(message, &visitor.forwarded()))).await {
        Ok(_) => redirect(visitor, &format!("{}#supports", proposal_href(&insee, &id))),
        Err(error) => match refusal(&visitor.tr, &error, &[], ("dlg-support-already", "dlg-support-not-possible")) {
            Some(refused) => show_page(&state, visitor, &insee, &id, &form, Some(("support", refused))).await,
            None => error_page(visitor, &error),
        },
    }
}

/// POST: an official answers (`answer`), closing the obligation if any.
pub async fn answer(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path((insee, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (visitor, form) = match checked(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err((visitor, form, Some(refused))) => {
            return show_page(&state, visitor, &insee, &id, &form, Some(("answer", refused))).await;
        }
        Err((visitor, ..)) => return csrf_refused(visitor),
    };
    if visitor.user.is_none() {
        return signin(visitor, &proposal_href(&insee, &id));
    }
    if !plain_segment(&insee) || !plain_segment(&id) {
        return not_found(visitor);
    }
    let mut dialogue = state.dialogue.clone();
    let message = dg::AnswerProposalRequest {
        name: resource(&insee, "proposals", &id),
        body: form.get("answer").to_owned(),
        request_id: form_request_id(&visitor.csrf, &["answer-proposal", &id, form.get("answer")]),
    };
    match upstream::call(dialogue.answer_proposal(upstream::request(message, &visitor.forwarded()))).await {
        Ok(_) => redirect(visitor, &format!("{}#official-answer", proposal_href(&insee, &id))),
        Err(error) => {
            let fields = [("body", "answer", "dlg-invalid-answer")];
            match refusal(
                &visitor.tr,
                &error,
                &fields,
                ("dlg-proposal-answered-already", "dlg-proposal-answered-already"),
            ) {
                Some(refused) => show_page(&state, visitor, &insee, &id, &form, Some(("answer", refused))).await,
                None => error_page(visitor, &error),
            }
        }
    }
}
