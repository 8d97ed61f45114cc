//! Moderation of the dialogue's content on the site, and what the dialogue
//! pages share about a piece of content (who wrote it, who may act on it, how
//! the service's refusals read).
//!
//! - The controls beside each question, proposal and comment ([`Controls`],
//!   `templates/moderation_controls.html`): any signed-in account flags it;
//!   the moderators of its space hide it with a public reason (the
//!   collective's moderators for citizen content, the commune's agents and
//!   administrators for an official's comment); its author appeals a hiding, once.
//! - Their POST endpoints (`/c/{insee}/moderation/…`), which answer a refusal
//!   with the form again and its error.
//! - The public moderation logs, one per space (`/c/{insee}/citoyen/moderation/`,
//!   `/c/{insee}/officiel/moderation/`), and the moderators' page
//!   (`/c/{insee}/administration/moderation/`): the flag queue and the appeals to decide.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use miroir_proto::dialogue::v1 as dg;
use tonic::Code;

use super::{commune, plain_segment};
use crate::rest::extract::ClientAddress;
use crate::site::forms::{FormData, FormErrors, error_page};
use crate::site::i18n::Tr;
use crate::site::page::{self, Frame, redirect, render};
use crate::site::session::Visitor;
use crate::site::{CommuneView, form_request_id, guard, safe_next};
use crate::{AppState, GatewayError, upstream};

/// Who speaks for the commune: their answers are official, their comments highlighted.
pub const OFFICIALS: &[&str] = &["agent", "elected_official", "commune_admin"];
/// Who sends a question to the reports workflow: the commune's staff.
pub const STAFF: &[&str] = &["agent", "commune_admin"];
/// Who hides citizen content (questions, proposals, residents' comments).
pub const CITIZEN_MODERATORS: &[&str] = &["collective_moderator"];
/// Who hides official content (officials' comments).
pub const COMMUNE_MODERATORS: &[&str] = &["agent", "commune_admin"];

/// The visitor holds one of `roles` in the commune (pages show forms by it; the service decides).
pub fn holds(visitor: &Visitor, insee: &str, roles: &[&str]) -> bool {
    visitor.user.as_ref().is_some_and(|u| u.holds(insee, roles))
}

pub fn me(visitor: &Visitor) -> Option<&str> {
    visitor.user.as_ref().map(|u| u.account_id.as_str())
}

/// `communes/{insee}/{collection}/{id}`.
pub fn resource(insee: &str, collection: &str, id: &str) -> String {
    format!("communes/{insee}/{collection}/{id}")
}

/// Now, in microseconds since the epoch (for "overdue").
pub fn now_us() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX)).unwrap_or(0)
}

pub const DAY_US: i64 = 24 * 3600 * 1_000_000;

/// Who wrote something, as public pages say it: the visitor themselves, the
/// commune (an official's words), or a resident by a short stable reference
/// (names belong to identity; the service knows account ids).
pub fn who(tr: &Tr, me: Option<&str>, author: &str, official: bool) -> String {
    if !author.is_empty() && me == Some(author) {
        tr.t("dlg-author-you")
    } else if official {
        tr.t("dlg-author-official")
    } else {
        let short: String = author.chars().rev().take(6).collect::<Vec<_>>().into_iter().rev().collect();
        tr.t1("dlg-author-resident", &short)
    }
}

/// Where a commented target is read: a proposal, a report or a publication page.
pub fn target_href(insee: &str, target: &str) -> Option<String> {
    let rest = target.strip_prefix(&format!("communes/{insee}/"))?;
    let (kind, id) = rest.split_once('/')?;
    if !plain_segment(id) {
        return None;
    }
    match kind {
        "proposals" => Some(format!("/c/{insee}/citoyen/propositions/{id}")),
        "reports" => Some(format!("/c/{insee}/citoyen/signalements/{id}")),
        "publications" => Some(format!("/c/{insee}/publications/{id}")),
        _ => None,
    }
}

/// Where a moderated subject is read (`target` is a comment's, from the service).
pub fn subject_href(insee: &str, subject: &str, target: &str) -> Option<String> {
    let (kind, id) = subject_parts(insee, subject)?;
    match kind {
        "questions" => Some(format!("/c/{insee}/citoyen/questions/{id}")),
        "proposals" => Some(format!("/c/{insee}/citoyen/propositions/{id}")),
        "comments" => target_href(insee, target).map(|href| format!("{href}#comment-{id}")),
        _ => None,
    }
}

/// (kind, id) of `communes/{insee}/{questions|proposals|comments}/{id}` of this commune.
fn subject_parts<'s>(insee: &str, subject: &'s str) -> Option<(&'s str, &'s str)> {
    let rest = subject.strip_prefix("communes/")?.strip_prefix(insee)?.strip_prefix('/')?;
    let (kind, id) = rest.split_once('/')?;
    (["questions", "proposals", "comments"].contains(&kind) && plain_segment(id)).then_some((kind, id))
}

// ---------------------------------------------------------------- refusals

/// A refused post shown on its form: the HTTP status and the errors.
pub struct Refusal {
    pub status: StatusCode,
    pub errors: FormErrors,
}

/// What a refusal of the dialogue service means on a form, or `None` when it
/// is for the error page (unavailable, not found, not signed in…).
/// `fields` maps the service's field names to the form's, with the message
/// key to say; `conflict` is (what is said when it was already done, when it
/// cannot be done in the content's state: answered, redirected, one's own…).
pub fn refusal(
    tr: &Tr,
    error: &GatewayError,
    fields: &[(&str, &str, &str)],
    conflict: (&str, &str),
) -> Option<Refusal> {
    use tonic_types::StatusExt;
    let GatewayError::Upstream(status) = error else { return None };
    let mut errors = FormErrors::default();
    let code = match status.code() {
        Code::InvalidArgument => {
            for violation in status.get_details_bad_request().map(|b| b.field_violations).unwrap_or_default() {
                match fields.iter().find(|(from, ..)| *from == violation.field) {
                    Some((_, to, key)) => errors.add(to, tr.t(key)),
                    None => errors.summary.push(violation.description),
                }
            }
            StatusCode::BAD_REQUEST
        }
        Code::ResourceExhausted => {
            errors.summary.push(tr.t("dlg-too-many"));
            StatusCode::TOO_MANY_REQUESTS
        }
        Code::AlreadyExists => {
            errors.summary.push(tr.t(conflict.0));
            StatusCode::CONFLICT
        }
        Code::FailedPrecondition => {
            errors.summary.push(tr.t(conflict.1));
            StatusCode::CONFLICT
        }
        Code::PermissionDenied => {
            errors.summary.push(tr.t("dlg-not-allowed"));
            StatusCode::FORBIDDEN
        }
        _ => return None,
    };
    if errors.is_empty() {
        errors.summary.push(status.message().to_owned());
    }
    Some(Refusal { status: code, errors })
}

/// The first checks of a dialogue form post: the CSRF token (a page of its
/// own: the form is stale) and the site's per-address rate limit, which —
/// like the service's per-account one — gives the form back with its error
/// (`Err(Ok(..))`). `Err(Err(page))` is the page to answer instead.
#[allow(clippy::result_large_err)]
pub fn checked(
    state: &AppState,
    visitor: Visitor,
    body: &Bytes,
    address: &ClientAddress,
) -> Result<(Visitor, FormData), (Visitor, FormData, Option<Refusal>)> {
    let form = FormData::parse(body);
    match guard(state, &visitor, &form, address) {
        Ok(()) => Ok((visitor, form)),
        Err((StatusCode::TOO_MANY_REQUESTS, _)) => {
            let mut errors = FormErrors::default();
            errors.summary.push(visitor.tr.t("dlg-too-many"));
            Err((visitor, form, Some(Refusal { status: StatusCode::TOO_MANY_REQUESTS, errors })))
        }
        Err(_) => Err((visitor, form, None)),
    }
}

/// The page for a stale or forged form (no CSRF token).
pub fn csrf_refused(visitor: Visitor) -> Response {
    page::message(visitor, StatusCode::FORBIDDEN, "error-title", "error-csrf")
}

pub fn not_found(visitor: Visitor) -> Response {
    page::message(visitor, StatusCode::NOT_FOUND, "error-title", "error-not-found")
}

pub fn signin(visitor: Visitor, back: &str) -> Response {
    redirect(visitor, &format!("/compte/connexion?suite={back}"))
}

// ---------------------------------------------------------------- the controls beside content

/// The moderation forms beside one question, proposal or comment.
#[derive(Debug, Clone, Default)]
pub struct Controls {
    pub insee: String,
    /// Its resource name.
    pub subject: String,
    /// Unique on the page, for the forms' ids.
    pub key: String,
    /// The page to come back to.
    pub back: String,
    pub hidden_reason: String,
    pub can_flag: bool,
    pub can_hide: bool,
    pub can_appeal: bool,
}

impl Controls {
    /// `official`: an official's comment (the commune's moderators act on it).
    pub fn new(
        visitor: &Visitor,
        insee: &str,
        subject: &str,
        author: &str,
        official: bool,
        hidden_reason: &str,
        back: &str,
    ) -> Self {
        let mine = me(visitor).is_some_and(|me| me == author);
        let hidden = !hidden_reason.is_empty();
        let moderators = if official { COMMUNE_MODERATORS } else { CITIZEN_MODERATORS };
        Controls {
            insee: insee.to_owned(),
            subject: subject.to_owned(),
            key: crate::site::last_segment(subject).to_owned(),
            back: back.to_owned(),
            hidden_reason: hidden_reason.to_owned(),
            can_flag: visitor.user.is_some() && !mine && !hidden,
            can_hide: !hidden && holds(visitor, insee, moderators),
            can_appeal: hidden && mine,
        }
    }

    pub fn any(&self) -> bool {
        self.can_flag || self.can_hide || self.can_appeal
    }
}

// ---------------------------------------------------------------- the POST endpoints

/// A moderation act, as its path says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Flag,
    Hide,
    Appeal,
    Resolve,
}

impl Act {
    fn slug(self) -> &'static str {
        match self {
            Act::Flag => "signaler",
            Act::Hide => "masquer",
            Act::Appeal => "contester",
            Act::Resolve => "trancher",
        }
    }

    fn title_key(self) -> &'static str {
        match self {
            Act::Flag => "dlg-flag-title",
            Act::Hide => "dlg-hide-title",
            Act::Appeal => "dlg-appeal-title",
            Act::Resolve => "dlg-resolve-title",
        }
    }

    fn reason_key(self) -> &'static str {
        match self {
            Act::Flag => "dlg-field-flag-reason",
            Act::Hide => "dlg-field-hide-reason",
            Act::Appeal => "dlg-field-appeal-reason",
            Act::Resolve => "dlg-field-resolve-reason",
        }
    }

    fn button_key(self) -> &'static str {
        match self {
            Act::Flag => "dlg-flag-button",
            Act::Hide => "dlg-hide-button",
            Act::Appeal => "dlg-appeal-button",
            Act::Resolve => "dlg-resolve-button",
        }
    }

    /// (Already done, cannot be done now.)
    fn conflict_keys(self) -> (&'static str, &'static str) {
        match self {
            Act::Flag => ("dlg-flag-already", "dlg-flag-already"),
            Act::Hide => ("dlg-hide-already", "dlg-hide-restored"),
            Act::Appeal => ("dlg-appeal-already", "dlg-appeal-not-hidden"),
            Act::Resolve => ("dlg-resolve-already", "dlg-resolve-none"),
        }
    }
}

/// A moderation form given back with its error.
#[derive(Template)]
#[template(path = "moderation_form.html")]
struct ActForm {
    frame: Frame,
    action: String,
    heading: String,
    button: String,
    reason_label: String,
    subject: String,
    subject_href: String,
    back: String,
    reason: String,
    resolve: bool,
    restore: bool,
    errors: FormErrors,
}

fn act_form(visitor: Visitor, insee: &str, act: Act, form: &FormData, back: &str, refusal: Refusal) -> Response {
    let tr = &visitor.tr;
    let subject = form.get("subject").to_owned();
    let page = ActForm {
        frame: Frame::new(&visitor, tr.t(act.title_key())),
        action: format!("/c/{insee}/moderation/{}", act.slug()),
        heading: tr.t(act.title_key()),
        button: tr.t(act.button_key()),
        reason_label: tr.t(act.reason_key()),
        subject_href: back.to_owned(),
        subject,
        back: back.to_owned(),
        reason: form.get("reason").to_owned(),
        resolve: act == Act::Resolve,
        restore: form.get("decision") == "restore",
        errors: refusal.errors,
    };
    render(visitor, refusal.status, &page)
}

/// The page to come back to: a path of this commune's site, else where the subject is read.
fn back_of(insee: &str, form: &FormData) -> String {
    let back = safe_next(form.get("back"));
    if back.starts_with(&format!("/c/{insee}/")) {
        return back;
    }
    subject_href(insee, form.get("subject"), "").unwrap_or_else(|| format!("/c/{insee}/citoyen/moderation/"))
}

pub async fn flag(
    state: State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    path: Path<String>,
    body: Bytes,
) -> Response {
    act(state, visitor, address, path, body, Act::Flag).await
}

pub async fn hide(
    state: State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    path: Path<String>,
    body: Bytes,
) -> Response {
    act(state, visitor, address, path, body, Act::Hide).await
}

pub async fn appeal(
    state: State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    path: Path<String>,
    body: Bytes,
) -> Response {
    act(state, visitor, address, path, body, Act::Appeal).await
}

pub async fn resolve(
    state: State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    path: Path<String>,
    body: Bytes,
) -> Response {
    act(state, visitor, address, path, body, Act::Resolve).await
}

async fn act(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path(insee): Path<String>,
    body: Bytes,
    act: Act,
) -> Response {
    let (visitor, form) = match checked(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err((visitor, form, Some(refused))) => {
            let back = back_of(&insee, &form);
            return act_form(visitor, &insee, act, &form, &back, refused);
        }
        Err((visitor, ..)) => return csrf_refused(visitor),
    };
    if !plain_segment(&insee) {
        return not_found(visitor);
    }
    let back = back_of(&insee, &form);
    if visitor.user.is_none() {
        return signin(visitor, &back);
    }
    // Tenant isolation: only this commune's content, named as the service names it.
    let subject = form.get("subject").to_owned();
    if subject_parts(&insee, &subject).is_none() {
        return not_found(visitor);
    }
    let reason = form.get("reason").to_owned();
    let forwarded = visitor.forwarded();
    let key = |extra: &str| form_request_id(&visitor.csrf, &[act.slug(), &subject, &reason, extra]);
    let mut dialogue = state.dialogue.clone();
    let answer = match act {
        Act::Flag => {
            let message =
                dg::FlagContentRequest { subject: subject.clone(), reason: reason.clone(), request_id: key("") };
            upstream::call(dialogue.flag_content(upstream::request(message, &forwarded))).await
        }
        Act::Hide => {
            let message =
                dg::HideContentRequest { subject: subject.clone(), public_reason: reason.clone(), request_id: key("") };
            upstream::call(dialogue.hide_content(upstream::request(message, &forwarded))).await
        }
        Act::Appeal => {
            let message =
                dg::AppealHidingRequest { subject: subject.clone(), reason: reason.clone(), request_id: key("") };
            upstream::call(dialogue.appeal_hiding(upstream::request(message, &forwarded))).await
        }
        Act::Resolve => {
            let restore = form.get("decision") == "restore";
            let message = dg::ResolveAppealRequest {
                subject: subject.clone(),
                restore,
                public_reason: reason.clone(),
                request_id: key(if restore { "restore" } else { "dismiss" }),
            };
            upstream::call(dialogue.resolve_appeal(upstream::request(message, &forwarded))).await
        }
    };
    match answer {
        // A flag or an appeal goes to people who will read it later: say so.
        Ok(_) if matches!(act, Act::Flag | Act::Appeal) => {
            let done = if act == Act::Flag { "flagged" } else { "appealed" };
            let back: String = form_urlencoded::byte_serialize(back.as_bytes()).collect();
            redirect(visitor, &format!("/c/{insee}/moderation/merci?acte={done}&retour={back}"))
        }
        Ok(_) => redirect(visitor, &back),
        Err(error) => {
            let fields =
                [("reason", "reason", "dlg-invalid-reason"), ("public_reason", "reason", "dlg-invalid-reason")];
            match refusal(&visitor.tr, &error, &fields, act.conflict_keys()) {
                Some(refused) => act_form(visitor, &insee, act, &form, &back, refused),
                None => error_page(visitor, &error),
            }
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct Message {
    frame: Frame,
    message: String,
    link: Option<(String, String)>,
}

/// "Thank you": after a flag or an appeal, with the way back.
pub async fn thanks(
    visitor: Visitor,
    Path(insee): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let tr = &visitor.tr;
    let key = match params.get("acte").map(String::as_str) {
        Some("appealed") => "dlg-appealed-text",
        _ => "dlg-flagged-text",
    };
    let back = params.get("retour").map(|b| safe_next(b)).unwrap_or_default();
    let back = if back.starts_with(&format!("/c/{insee}/")) { back } else { format!("/c/{insee}/citoyen/") };
    let page = Message {
        frame: Frame::new(&visitor, tr.t("dlg-thanks-title")),
        message: tr.t(key),
        link: Some((back, tr.t("dlg-back"))),
    };
    render(visitor, StatusCode::OK, &page)
}

// ---------------------------------------------------------------- the public logs

/// One act of a public log.
#[derive(Debug, Clone)]
pub struct LogEntryView {
    pub action: String,
    pub action_class: &'static str,
    pub what: String,
    pub href: Option<String>,
    pub by: String,
    pub reason: String,
    pub at: String,
    pub iso: String,
}

fn what_label(tr: &Tr, insee: &str, subject: &str) -> String {
    match subject_parts(insee, subject).map(|(kind, _)| kind) {
        Some("questions") => tr.t("dlg-what-question"),
        Some("proposals") => tr.t("dlg-what-proposal"),
        _ => tr.t("dlg-what-comment"),
    }
}

fn entry_view(tr: &Tr, insee: &str, e: &dg::ModerationLogEntry) -> LogEntryView {
    let (action_key, action_class) = match e.action.as_str() {
        "hidden" => ("dlg-log-hidden", "hidden"),
        "appealed" => ("dlg-log-appealed", "appealed"),
        "restored" => ("dlg-log-restored", "restored"),
        _ => ("dlg-log-appeal-dismissed", "dismissed"),
    };
    // The public log names the space's moderators, not the people: they act for it.
    let by = if e.action == "appealed" {
        tr.t("dlg-by-author")
    } else if e.official {
        tr.t("dlg-by-commune")
    } else {
        tr.t("dlg-by-collective")
    };
    LogEntryView {
        action: tr.t(action_key),
        action_class,
        what: what_label(tr, insee, &e.subject),
        href: subject_href(insee, &e.subject, &e.target),
        by,
        reason: e.public_reason.clone(),
        at: tr.datetime(e.at_us),
        iso: tr.iso(e.at_us),
    }
}

#[derive(Template)]
#[template(path = "moderation_log.html")]
struct Log {
    frame: Frame,
    commune: CommuneView,
    official: bool,
    entries: Vec<LogEntryView>,
    next_href: Option<String>,
    first_href: Option<String>,
    moderator: bool,
}

/// How many entries a log page reads (then keeps those of its space).
const LOG_PAGE: i32 = 100;

pub async fn citizen_log(state: State<AppState>, visitor: Visitor, path: Path<String>, query: RawQuery) -> Response {
    log_page(state, visitor, path, query, false).await
}

pub async fn official_log(state: State<AppState>, visitor: Visitor, path: Path<String>, query: RawQuery) -> Response {
    log_page(state, visitor, path, query, true).await
}

async fn log_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(insee): Path<String>,
    RawQuery(query): RawQuery,
    official: bool,
) -> Response {
    if !plain_segment(&insee) {
        return not_found(visitor);
    }
    let query = FormData::parse(query.unwrap_or_default().as_bytes());
    let token = query.get("page").to_owned();
    let mut dialogue = state.dialogue.clone();
    let message = dg::ListModerationLogRequest {
        parent: format!("communes/{insee}"),
        page_size: LOG_PAGE,
        page_token: token.clone(),
    };
    let listed = upstream::call(dialogue.list_moderation_log(upstream::request(message, &visitor.forwarded())));
    let (commune, listed) = match tokio::try_join!(commune(&state, &insee), listed) {
        Ok(found) => found,
        Err(error) => return error_page(visitor, &error),
    };
    let tr = &visitor.tr;
    let entries = listed.entries.iter().filter(|e| e.official == official).map(|e| entry_view(tr, &insee, e)).collect();
    let base =
        if official { format!("/c/{insee}/officiel/moderation/") } else { format!("/c/{insee}/citoyen/moderation/") };
    let next_href = (!listed.next_page_token.is_empty()).then(|| {
        let page: String = form_urlencoded::byte_serialize(listed.next_page_token.as_bytes()).collect();
        format!("{base}?page={page}")
    });
    let first_href = (!token.is_empty()).then_some(base);
    let title = if official { "dlg-log-official-title" } else { "dlg-log-citizen-title" };
    let moderator = holds(&visitor, &insee, CITIZEN_MODERATORS) || holds(&visitor, &insee, COMMUNE_MODERATORS);
    let page = Log {
        frame: Frame::new(&visitor, format!("{} — {}", tr.t(title), commune.display_name)),
        commune,
        official,
        entries,
        next_href,
        first_href,
        moderator,
    };
    render(visitor, StatusCode::OK, &page)
}

// ---------------------------------------------------------------- the moderators' page

/// One flagged piece of content in the queue.
#[derive(Debug, Clone)]
pub struct FlaggedView {
    pub what: String,
    pub title: String,
    pub href: Option<String>,
    pub flags: u32,
    pub last_at: String,
    pub last_iso: String,
    pub hidden: bool,
    pub official: bool,
    pub controls: Controls,
}

/// An appeal waiting for a moderator of its space.
#[derive(Debug, Clone)]
pub struct AppealView {
    pub subject: String,
    pub key: String,
    pub what: String,
    pub href: Option<String>,
    pub at: String,
    pub iso: String,
    pub can_resolve: bool,
}

#[derive(Template)]
#[template(path = "moderation_queue.html")]
struct Queue {
    frame: Frame,
    commune: CommuneView,
    flagged: Vec<FlaggedView>,
    appeals: Vec<AppealView>,
    next_href: Option<String>,
    back: String,
}

/// The appeals not yet decided, from the newest entries of the log: an
/// "appealed" act with no later "restored" or "appeal_dismissed" of its subject.
fn open_appeals(entries: &[dg::ModerationLogEntry]) -> Vec<&dg::ModerationLogEntry> {
    let mut decided = std::collections::HashSet::new();
    let mut open = Vec::new();
    // Newest first: a decision is seen before the appeal it decides.
    for e in entries {
        match e.action.as_str() {
            "restored" | "appeal_dismissed" => {
                decided.insert(e.subject.as_str());
            }
            "appealed" if !decided.contains(e.subject.as_str()) => open.push(e),
            _ => {}
        }
    }
    open
}

pub async fn queue(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(insee): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    if !plain_segment(&insee) {
        return not_found(visitor);
    }
    let back = format!("/c/{insee}/administration/moderation/");
    let citizen = holds(&visitor, &insee, CITIZEN_MODERATORS);
    let commune_side = holds(&visitor, &insee, COMMUNE_MODERATORS);
    match &visitor.user {
        None => return signin(visitor, &back),
        Some(_) if !citizen && !commune_side => {
            return page::message(visitor, StatusCode::FORBIDDEN, "error-title", "error-forbidden");
        }
        Some(_) => {}
    }
    let query = FormData::parse(query.unwrap_or_default().as_bytes());
    let token = query.get("page").to_owned();
    let forwarded = visitor.forwarded();
    let mut dialogue = state.dialogue.clone();
    let mut dialogue2 = state.dialogue.clone();
    let flagged =
        dg::ListFlaggedContentRequest { parent: format!("communes/{insee}"), page_size: 50, page_token: token };
    let log =
        dg::ListModerationLogRequest { parent: format!("communes/{insee}"), page_size: 100, page_token: String::new() };
    let loaded = tokio::try_join!(
        commune(&state, &insee),
        upstream::call(dialogue.list_flagged_content(upstream::request(flagged, &forwarded))),
        upstream::call(dialogue2.list_moderation_log(upstream::request(log, &forwarded))),
    );
    let (commune, flagged, log) = match loaded {
        Ok(found) => found,
        Err(error) => return error_page(visitor, &error),
    };
    let titles = titles(&state, &visitor, &flagged.contents).await;
    let tr = &visitor.tr;
    let flagged_views = flagged
        .contents
        .iter()
        .zip(titles)
        .map(|(c, title)| {
            // The service knows the author; the queue only needs who may hide it.
            let mut controls = Controls::new(&visitor, &insee, &c.subject, "", c.official, "", &back);
            controls.can_flag = false;
            controls.can_hide = !c.hidden && controls.can_hide;
            FlaggedView {
                what: what_label(tr, &insee, &c.subject),
                title,
                href: subject_href(&insee, &c.subject, &c.target),
                flags: c.flags,
                last_at: tr.datetime(c.last_flagged_at_us),
                last_iso: tr.iso(c.last_flagged_at_us),
                hidden: c.hidden,
                official: c.official,
                controls,
            }
        })
        .collect();
    let appeals = open_appeals(&log.entries)
        .into_iter()
        .map(|e| AppealView {
            subject: e.subject.clone(),
            key: crate::site::last_segment(&e.subject).to_owned(),
            what: what_label(tr, &insee, &e.subject),
            href: subject_href(&insee, &e.subject, &e.target),
            at: tr.datetime(e.at_us),
            iso: tr.iso(e.at_us),
            can_resolve: if e.official { commune_side } else { citizen },
        })
        .collect();
    let next_href = (!flagged.next_page_token.is_empty()).then(|| {
        let page: String = form_urlencoded::byte_serialize(flagged.next_page_token.as_bytes()).collect();
        format!("{back}?page={page}")
    });
    let page = Queue {
        frame: Frame::new(&visitor, format!("{} — {}", tr.t("dlg-queue-title"), commune.display_name)),
        commune,
        flagged: flagged_views,
        appeals,
        next_href,
        back,
    };
    render(visitor, StatusCode::OK, &page)
}

/// The titles of flagged questions and proposals, in order ("" for comments,
/// and for content hidden or gone: the link says what it is).
async fn titles(state: &AppState, visitor: &Visitor, contents: &[dg::FlaggedContent]) -> Vec<String> {
    let mut calls = tokio::task::JoinSet::new();
    for (i, c) in contents.iter().enumerate() {
        let mut dialogue = state.dialogue.clone();
        let forwarded = visitor.forwarded();
        let subject = c.subject.clone();
        calls.spawn(async move {
            let title = if subject.contains("/questions/") {
                let message = dg::GetQuestionRequest { name: subject };
                upstream::call(dialogue.get_question(upstream::request(message, &forwarded))).await.map(|q| q.title)
            } else if subject.contains("/proposals/") {
                let message = dg::GetProposalRequest { name: subject };
                upstream::call(dialogue.get_proposal(upstream::request(message, &forwarded))).await.map(|p| p.title)
            } else {
                Ok(String::new())
            };
            (i, title.unwrap_or_default())
        });
    }
    let mut titles = vec![String::new(); contents.len()];
    while let Some(done) = calls.join_next().await {
        if let Ok((i, title)) = done
            && let Some(slot) = titles.get_mut(i)
        {
            *slot = title;
        }
    }
    titles
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_of_another_commune_or_kind_are_not_linked() {
        assert_eq!(
            subject_href("75056", "communes/75056/questions/abc", ""),
            Some("/c/75056/citoyen/questions/abc".to_owned())
        );
        assert_eq!(
            subject_href("75056", "communes/75056/comments/c1", "communes/75056/reports/r1"),
            Some("/c/75056/citoyen/signalements/r1#comment-c1".to_owned())
        );
        assert_eq!(subject_href("75056", "communes/69123/questions/abc", ""), None);
        assert_eq!(subject_href("75056", "communes/75056/budgets/abc", ""), None);
        assert_eq!(subject_href("75056", "communes/75056/questions/a%2Fb", ""), None);
        assert_eq!(target_href("75056", "communes/69123/proposals/p"), None);
    }

    #[test]
    fn an_appeal_is_open_until_a_later_decision() {
        let entry = |subject: &str, action: &str| dg::ModerationLogEntry {
            subject: subject.into(),
            action: action.into(),
            ..Default::default()
        };
        // Newest first.
        let entries = [
            entry("a", "restored"),
            entry("b", "appealed"),
            entry("a", "appealed"),
            entry("a", "hidden"),
            entry("b", "hidden"),
        ];
        let open: Vec<_> = open_appeals(&entries).into_iter().map(|e| e.subject.as_str()).collect();
        assert_eq!(open, ["b"]);
    }

    #[test]
    fn residents_are_named_by_a_short_reference_and_the_visitor_as_themselves() {
        let tr = Tr::new(crate::site::i18n::Lang::Fr);
        let id = "0190aaaa-bbbb-7ccc-8ddd-eeeeee123456";
        assert!(who(&tr, None, id, false).contains("123456"));
        assert_eq!(who(&tr, Some(id), id, false), tr.t("dlg-author-you"));
        assert_eq!(who(&tr, None, id, true), tr.t("dlg-author-official"));
    }
}
