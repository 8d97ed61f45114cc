//! The writers' pages of each space: the writing desk (drafts, scheduled and
//! recent items), a new draft of a chosen kind, and one publication's page for
//! its writers — rewrite the draft, publish it now or at a time, amend what is
//! published (with a summary of the change), archive it (with a reason).
//!
//! The official space is written by the commune's agents, elected officials and
//! administrators, the citizen space by the collective's members and
//! moderators; others are sent to sign in or refused (403), as on the staff's
//! report pages. The publications service checks the same again.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use miroir_proto::publications::v1 as pb;
use tonic::Code;

use super::publication_form::{self, Content, ContentForm, Target, content_form, paris_datetime_us, prefill};
use super::publication_view::{
    PublicationView, edit_href, kind_label, kinds_of, publication_href, space_of_kind, space_path,
};
use super::publications::{Listing, get, list, publication_name, writes};
use super::{commune, plain_segment};
use crate::rest::extract::ClientAddress;
use crate::site::forms::{FormData, FormErrors, error_page};
use crate::site::page::{self, Frame, redirect, render};
use crate::site::session::{Visitor, random_token};
use crate::site::{CommuneView, Field, form_request_id, posted};
use crate::{AppState, GatewayError, upstream};

fn space_name_key(space: pb::Space) -> &'static str {
    if space == pb::Space::Citizen { "citizen-space" } else { "official-space" }
}

fn desk_href(insee: &str, space: pb::Space) -> String {
    format!("/c/{insee}/{}/redaction/", space_path(space))
}

/// The visitor if they write in `space`; else the answer instead: sign in first (back to `here`), or 403.
#[allow(clippy::result_large_err)]
fn writer_only(visitor: Visitor, insee: &str, space: Option<pb::Space>, here: &str) -> Result<Visitor, Response> {
    if visitor.user.is_none() {
        return Err(redirect(visitor, &format!("/compte/connexion?suite={here}")));
    }
    match space {
        Some(space) if writes(&visitor, insee, space) => Ok(visitor),
        // The space is not known yet (a publication to read first): signed in is enough to go on.
        None => Ok(visitor),
        Some(_) => Err(page::message(visitor, StatusCode::FORBIDDEN, "error-title", "error-forbidden")),
    }
}

pub(super) fn not_found(visitor: Visitor) -> Response {
    page::message(visitor, StatusCode::NOT_FOUND, "error-title", "error-not-found")
}

// ---------------------------------------------------------------- the writing desk

/// One item of the writing desk.
#[derive(Debug, Clone)]
pub struct DeskItem {
    pub p: PublicationView,
    pub edit_href: String,
    /// Written by the visitor (others of the space may edit it too).
    pub mine: bool,
}

#[derive(Template)]
#[template(path = "publication_desk.html")]
struct Desk {
    frame: Frame,
    commune: CommuneView,
    space_name: String,
    space_href: String,
    /// (href, label) of a new draft of each kind.
    new_links: Vec<(String, String)>,
    drafts: Vec<DeskItem>,
    scheduled: Vec<DeskItem>,
    published: Vec<DeskItem>,
}

async fn desk(state: AppState, visitor: Visitor, insee: String, space: pb::Space) -> Response {
    if !plain_segment(&insee) {
        return not_found(visitor);
    }
    let visitor = match writer_only(visitor, &insee, Some(space), &desk_href(&insee, space)) {
        Ok(visitor) => visitor,
        Err(refused) => return refused,
    };
    let statuses = (
        Listing::of(space, "").status(pb::PublicationStatus::Draft).size(100),
        Listing::of(space, "").status(pb::PublicationStatus::Scheduled).size(100),
        Listing::of(space, "").status(pb::PublicationStatus::Published).size(20),
    );
    let found = tokio::try_join!(
        commune(&state, &insee),
        list(&state, &visitor, &insee, statuses.0),
        list(&state, &visitor, &insee, statuses.1),
        list(&state, &visitor, &insee, statuses.2),
    );
    let (commune, drafts, scheduled, published) = match found {
        Ok(found) => found,
        Err(error) => return error_page(visitor, &error),
    };
    let tr = &visitor.tr;
    let me = visitor.user.as_ref().map(|u| u.account_id.clone()).unwrap_or_default();
    let items = |listed: pb::ListPublicationsResponse| -> Vec<DeskItem> {
        listed
            .publications
            .into_iter()
            .map(|p| {
                let view = PublicationView::new(tr, &commune.insee, p);
                DeskItem { edit_href: edit_href(&commune.insee, &view.id), mine: view.author == me, p: view }
            })
            .collect()
    };
    let (drafts, scheduled, published) = (items(drafts), items(scheduled), items(published));
    let new_links = kinds_of(space)
        .iter()
        .map(|kind| {
            (
                format!("/c/{}/{}/redaction/nouveau?kind={kind}", commune.insee, space_path(space)),
                tr.t(&format!("pub-new-{}", kind.replace('_', "-"))),
            )
        })
        .collect();
    let space_name = tr.t(space_name_key(space));
    let frame = Frame::new(&visitor, format!("{} — {}", tr.t1("pub-desk-title", &space_name), commune.display_name));
    let page = Desk {
        frame,
        space_href: format!("/c/{}/{}/", commune.insee, space_path(space)),
        commune,
        space_name,
        new_links,
        drafts,
        scheduled,
        published,
    };
    render(visitor, StatusCode::OK, &page)
}

/// `/c/{insee}/officiel/redaction/`
pub async fn official_desk(State(state): State<AppState>, visitor: Visitor, Path(insee): Path<String>) -> Response {
    desk(state, visitor, insee, pb::Space::Official).await
}

/// `/c/{insee}/citoyen/redaction/`
pub async fn citizen_desk(State(state): State<AppState>, visitor: Visitor, Path(insee): Path<String>) -> Response {
    desk(state, visitor, insee, pb::Space::Citizen).await
}

// ---------------------------------------------------------------- the form page (new draft, and a publication's writers' page)

/// What the form page is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A new draft.
    New,
    /// A draft: rewrite it, publish it.
    Draft,
    /// Published or scheduled: amend it, archive it.
    Amend,
    /// Archived: nothing more to do.
    Archived,
}

#[derive(Template)]
#[template(path = "publication_form.html")]
struct FormPage {
    frame: Frame,
    commune: CommuneView,
    heading: String,
    /// "new", "draft", "amend" or "archived".
    mode: &'static str,
    /// Where the content form posts.
    action: String,
    content: ContentForm,
    /// A fresh value per new-draft form: the same form posted twice makes one draft.
    nonce: String,
    summary: Field,
    when_later: bool,
    publish_at: Field,
    reason: Field,
    errors: FormErrors,
    /// Which form the errors are about: "content", "publish" or "archive".
    error_form: &'static str,
    /// The publication being edited (not for a new draft).
    p: Option<PublicationView>,
    publish_href: String,
    archive_href: String,
    desk_href: String,
    space_name: String,
    /// The content was just saved.
    saved: bool,
    /// The files' forms: where a file is sent, its text alternative, and (published items) the revision's summary.
    upload_href: String,
    file_alt: Field,
    file_summary: Field,
}

/// What a refused post of the form page leaves to show again.
pub(super) struct Refused<'f> {
    pub errors: FormErrors,
    /// "content", "publish", "archive", "files" (attach a file) or "remove" (take one off).
    pub form: &'static str,
    pub typed: &'f FormData,
}

/// Targets of a kind's form: publications a council decision may relate to, projects a note may follow.
async fn targets(state: &AppState, visitor: &Visitor, insee: &str, kind: &str) -> (Vec<Target>, Vec<Target>) {
    let pairs = |listed: Result<pb::ListPublicationsResponse, GatewayError>| -> Vec<Target> {
        listed
            .map(|l| {
                l.publications
                    .into_iter()
                    .filter(super::publications::public)
                    .map(|p| {
                        let label = format!("{} — {}", kind_label(&visitor.tr, &p.kind), p.title);
                        (p.publication_id, label)
                    })
                    .collect()
            })
            .unwrap_or_else(|error| {
                tracing::warn!(%error, "site: the form's choices are unavailable");
                Vec::new()
            })
    };
    match kind {
        "decision" => {
            let (projects, budgets) = tokio::join!(
                list(state, visitor, insee, Listing::of(pb::Space::Official, "project").size(100)),
                list(state, visitor, insee, Listing::of(pb::Space::Official, "budget").size(20)),
            );
            let mut related = pairs(projects);
            related.extend(pairs(budgets));
            (related, Vec::new())
        }
        "follow_up" => {
            let projects = list(state, visitor, insee, Listing::of(pb::Space::Official, "project").size(100)).await;
            (Vec::new(), pairs(projects))
        }
        _ => (Vec::new(), Vec::new()),
    }
}

/// Renders the form page of `kind` (a new draft when `p` is `None`).
#[allow(clippy::too_many_arguments)]
pub(super) async fn form_page(
    state: &AppState,
    visitor: Visitor,
    commune: CommuneView,
    kind: &str,
    p: Option<pb::Publication>,
    refused: Option<Refused<'_>>,
    saved: bool,
    status: StatusCode,
) -> Response {
    let tr = &visitor.tr;
    let insee = commune.insee.clone();
    let space = space_of_kind(kind).unwrap_or(pb::Space::Official);
    let (related, projects) = targets(state, &visitor, &insee, kind).await;
    let prefilled = p.as_ref().map(|p| prefill(tr, p));
    let (errors, error_form, typed) = match &refused {
        Some(r) => (r.errors.clone(), r.form, Some(r.typed)),
        None => (FormErrors::default(), "", None),
    };
    // What was typed in a refused content form stays; otherwise the publication as it is.
    let empty = FormData::default();
    let values = match (typed, prefilled.as_ref()) {
        (Some(typed), _) if error_form == "content" => typed,
        (_, Some(prefilled)) => prefilled,
        (Some(typed), None) => typed,
        (None, None) => &empty,
    };
    let content = content_form(tr, kind, values, &related, &projects);
    let view = p.map(|p| PublicationView::new(tr, &insee, p));
    let mode = match view.as_ref().map(|v| v.status) {
        None => Mode::New,
        Some("draft") => Mode::Draft,
        Some("archived") => Mode::Archived,
        Some(_) => Mode::Amend,
    };
    let typed_value = |form: &str, name: &str| -> String {
        typed.filter(|_| error_form == form).map(|t| t.get(name).to_owned()).unwrap_or_default()
    };
    let heading = match &view {
        None => tr.t(&format!("pub-new-{}", kind.replace('_', "-"))),
        Some(v) => tr.t1("pub-edit-title", &v.title),
    };
    let id = view.as_ref().map(|v| v.id.clone()).unwrap_or_default();
    let page = FormPage {
        frame: Frame::new(&visitor, heading.clone()),
        heading,
        mode: match mode {
            Mode::New => "new",
            Mode::Draft => "draft",
            Mode::Amend => "amend",
            Mode::Archived => "archived",
        },
        action: if view.is_some() {
            edit_href(&insee, &id)
        } else {
            format!("/c/{insee}/{}/redaction/nouveau", space_path(space))
        },
        content,
        nonce: match typed {
            Some(t) if !t.get("nonce").is_empty() => t.get("nonce").to_owned(),
            _ => random_token(),
        },
        summary: Field::new(tr, "summary", "pub-field-summary", "text")
            .hint(tr, "pub-field-summary-hint")
            .value(&typed_value("content", "summary")),
        when_later: typed_value("publish", "when") == "later",
        publish_at: Field::new(tr, "publish_at", "pub-field-publish-at", "datetime-local")
            .hint(tr, "pub-field-publish-at-hint")
            .value(&typed_value("publish", "publish_at"))
            .optional(),
        reason: Field::new(tr, "reason", "pub-field-reason", "textarea")
            .hint(tr, "pub-field-reason-hint")
            .value(&typed_value("archive", "reason")),
        errors,
        error_form,
        publish_href: format!("{}/publier", publication_href(&insee, &id)),
        archive_href: format!("{}/archiver", publication_href(&insee, &id)),
        desk_href: desk_href(&insee, space),
        space_name: tr.t(space_name_key(space)),
        upload_href: format!("{}/fichiers", publication_href(&insee, &id)),
        file_alt: Field::new(tr, "alt_text", "pub-field-file-alt", "text")
            .hint(tr, "pub-field-file-alt-hint")
            .value(&typed_value("files", "alt_text"))
            .optional(),
        file_summary: Field::new(tr, "file_summary", "pub-field-summary", "text")
            .hint(tr, "pub-field-summary-hint")
            .value(&typed_value("files", "file_summary")),
        p: view,
        commune,
        saved,
    };
    render(visitor, status, &page)
}

/// The kind of a new draft: `kind=` of the query or the form, if the space publishes it.
fn kind_in(space: pb::Space, raw: &str) -> Option<&'static str> {
    kinds_of(space).iter().copied().find(|k| *k == raw)
}

#[derive(Template)]
#[template(path = "publication_kinds.html")]
struct Kinds {
    frame: Frame,
    commune: CommuneView,
    space_name: String,
    desk_href: String,
    /// (href, label, description)
    kinds: Vec<(String, String, String)>,
}

async fn new_form(
    state: AppState,
    visitor: Visitor,
    insee: String,
    query: Option<String>,
    space: pb::Space,
) -> Response {
    if !plain_segment(&insee) {
        return not_found(visitor);
    }
    let here = format!("/c/{insee}/{}/redaction/nouveau", space_path(space));
    let visitor = match writer_only(visitor, &insee, Some(space), &here) {
        Ok(visitor) => visitor,
        Err(refused) => return refused,
    };
    let commune = match commune(&state, &insee).await {
        Ok(commune) => commune,
        Err(error) => return error_page(visitor, &error),
    };
    let query = FormData::parse(query.unwrap_or_default().as_bytes());
    let Some(kind) = kind_in(space, query.get("kind")) else {
        // No kind chosen yet: which kind to write.
        let tr = &visitor.tr;
        let kinds = kinds_of(space)
            .iter()
            .map(|kind| {
                let key = kind.replace('_', "-");
                (format!("{here}?kind={kind}"), tr.t(&format!("pub-new-{key}")), tr.t(&format!("pub-list-{key}-intro")))
            })
            .collect();
        let space_name = tr.t(space_name_key(space));
        let frame = Frame::new(&visitor, tr.t("pub-new-title"));
        let page = Kinds { frame, commune, space_name, desk_href: desk_href(&insee, space), kinds };
        return render(visitor, StatusCode::OK, &page);
    };
    // A follow-up note written from a project's page comes with its project.
    let mut start = FormData::default();
    if plain_segment(query.get("project")) {
        start.push("project".into(), query.get("project").to_owned());
    }
    let refused =
        (!start.pairs().is_empty()).then_some(Refused { errors: FormErrors::default(), form: "", typed: &start });
    form_page(&state, visitor, commune, kind, None, refused, false, StatusCode::OK).await
}

/// `/c/{insee}/officiel/redaction/nouveau`
pub async fn official_new(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(insee): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    new_form(state, visitor, insee, query, pb::Space::Official).await
}

/// `/c/{insee}/citoyen/redaction/nouveau`
pub async fn citizen_new(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(insee): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    new_form(state, visitor, insee, query, pb::Space::Citizen).await
}

/// A string of the details, for request ids (the same post twice gives the same id).
fn fingerprint(content: &Content) -> String {
    format!("{:?}", content.details)
}

async fn create(
    state: AppState,
    visitor: Visitor,
    address: ClientAddress,
    insee: String,
    body: Bytes,
    space: pb::Space,
) -> Response {
    let (visitor, form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    if !plain_segment(&insee) {
        return not_found(visitor);
    }
    let here = format!("/c/{insee}/{}/redaction/nouveau", space_path(space));
    let visitor = match writer_only(visitor, &insee, Some(space), &here) {
        Ok(visitor) => visitor,
        Err(refused) => return refused,
    };
    let Some(kind) = kind_in(space, form.get("kind")) else {
        return page::message(visitor, StatusCode::BAD_REQUEST, "error-title", "error-bad-form");
    };
    let commune = match commune(&state, &insee).await {
        Ok(commune) => commune,
        Err(error) => return error_page(visitor, &error),
    };
    let mut errors = FormErrors::default();
    let content = publication_form::read(&visitor.tr, kind, &form, &mut errors);
    if !errors.is_empty() {
        let refused = Refused { errors, form: "content", typed: &form };
        return form_page(&state, visitor, commune, kind, None, Some(refused), false, StatusCode::BAD_REQUEST).await;
    }
    let request_id = form_request_id(
        &visitor.csrf,
        &["draft", &insee, form.get("nonce"), kind, &content.title, &content.body, &fingerprint(&content)],
    );
    let mut publications = state.publications.clone();
    let message = pb::CreateDraftRequest {
        parent: format!("communes/{insee}"),
        space: space.into(),
        kind: kind.to_owned(),
        title: content.title.clone(),
        body: content.body.clone(),
        details: content.details.clone(),
        request_id,
    };
    match upstream::call(publications.create_draft(upstream::request(message, &visitor.forwarded()))).await {
        Ok(created) => {
            let id = created.publication.map(|p| p.publication_id).unwrap_or_default();
            redirect(visitor, &format!("{}?enregistre=1", edit_href(&insee, &id)))
        }
        Err(GatewayError::Upstream(status))
            if matches!(status.code(), Code::InvalidArgument | Code::FailedPrecondition | Code::PermissionDenied) =>
        {
            let errors = publication_form::refusal(&visitor.tr, &status, &content);
            let code =
                if status.code() == Code::PermissionDenied { StatusCode::FORBIDDEN } else { StatusCode::BAD_REQUEST };
            let refused = Refused { errors, form: "content", typed: &form };
            form_page(&state, visitor, commune, kind, None, Some(refused), false, code).await
        }
        Err(error) => error_page(visitor, &error),
    }
}

/// POST `/c/{insee}/officiel/redaction/nouveau`
pub async fn official_create(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path(insee): Path<String>,
    body: Bytes,
) -> Response {
    create(state, visitor, address, insee, body, pb::Space::Official).await
}

/// POST `/c/{insee}/citoyen/redaction/nouveau`
pub async fn citizen_create(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path(insee): Path<String>,
    body: Bytes,
) -> Response {
    create(state, visitor, address, insee, body, pb::Space::Citizen).await
}

// ---------------------------------------------------------------- one publication's writers' page

/// The commune and the publication, if the visitor writes in its space; else the answer instead.
#[allow(clippy::result_large_err)]
pub(super) async fn load(
    state: &AppState,
    visitor: Visitor,
    insee: &str,
    publication_id: &str,
) -> Result<(Visitor, CommuneView, pb::Publication), Response> {
    if !plain_segment(insee) || !plain_segment(publication_id) {
        return Err(not_found(visitor));
    }
    let visitor = writer_only(visitor, insee, None, &edit_href(insee, publication_id))?;
    let found = tokio::try_join!(commune(state, insee), get(state, &visitor, insee, publication_id));
    let (commune, publication) = match found {
        Ok(found) => found,
        Err(error) => return Err(error_page(visitor, &error)),
    };
    let visitor = writer_only(visitor, insee, Some(publication.space()), &edit_href(insee, publication_id))?;
    Ok((visitor, commune, publication))
}

/// GET `/c/{insee}/publications/{id}/modifier`
pub async fn edit(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((insee, publication_id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    let (visitor, commune, publication) = match load(&state, visitor, &insee, &publication_id).await {
        Ok(loaded) => loaded,
        Err(refused) => return refused,
    };
    let saved = FormData::parse(query.unwrap_or_default().as_bytes()).get("enregistre") == "1";
    let kind = publication.kind.clone();
    form_page(&state, visitor, commune, &kind, Some(publication), None, saved, StatusCode::OK).await
}

/// Shows the writers' page again with a refused form's errors (or the error page for other failures).
async fn refused_post(
    state: &AppState,
    visitor: Visitor,
    commune: CommuneView,
    publication: pb::Publication,
    error: GatewayError,
    content: &Content,
    refused_form: (&'static str, &FormData),
) -> Response {
    let words = |tr: &crate::site::i18n::Tr, status: &tonic::Status| publication_form::refusal(tr, status, content);
    refused_with(state, visitor, (commune, publication), error, refused_form, words).await
}

/// The writers' page again after the service refused one of its forms, the refusal in `words`; other failures
/// get the error page.
pub(super) async fn refused_with(
    state: &AppState,
    visitor: Visitor,
    (commune, publication): (CommuneView, pb::Publication),
    error: GatewayError,
    (form, typed): (&'static str, &FormData),
    words: impl FnOnce(&crate::site::i18n::Tr, &tonic::Status) -> FormErrors,
) -> Response {
    match error {
        GatewayError::Upstream(status)
            if matches!(
                status.code(),
                Code::InvalidArgument | Code::FailedPrecondition | Code::PermissionDenied | Code::AlreadyExists
            ) =>
        {
            let errors = words(&visitor.tr, &status);
            let code =
                if status.code() == Code::PermissionDenied { StatusCode::FORBIDDEN } else { StatusCode::BAD_REQUEST };
            let kind = publication.kind.clone();
            let refused = Refused { errors, form, typed };
            form_page(state, visitor, commune, &kind, Some(publication), Some(refused), false, code).await
        }
        error => error_page(visitor, &error),
    }
}

/// POST `/c/{insee}/publications/{id}/modifier`: rewrites a draft, or amends a published item.
pub async fn save(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path((insee, publication_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (visitor, form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    let (visitor, commune, publication) = match load(&state, visitor, &insee, &publication_id).await {
        Ok(loaded) => loaded,
        Err(refused) => return refused,
    };
    let kind = publication.kind.clone();
    let mut errors = FormErrors::default();
    let content = publication_form::read(&visitor.tr, &kind, &form, &mut errors);
    if !errors.is_empty() {
        let refused = Refused { errors, form: "content", typed: &form };
        return form_page(
            &state,
            visitor,
            commune,
            &kind,
            Some(publication),
            Some(refused),
            false,
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    let name = publication_name(&insee, &publication_id);
    // The publication's last change is in the request id: the same post twice changes it once, a later edit is new.
    let version = format!("{}/{}", publication.updated_at_us, publication.revision);
    let key = [publication_id.as_str(), &version, &content.title, &content.body, &fingerprint(&content)];
    let mut publications = state.publications.clone();
    let answer = if publication.status() == pb::PublicationStatus::Draft {
        let message = pb::UpdateDraftRequest {
            name,
            title: content.title.clone(),
            body: content.body.clone(),
            details: content.details.clone(),
            request_id: form_request_id(&visitor.csrf, &[&["update"], &key[..]].concat()),
        };
        upstream::call(publications.update_draft(upstream::request(message, &visitor.forwarded()))).await
    } else {
        let summary = form.get("summary").trim().to_owned();
        let message = pb::AmendRequest {
            name,
            title: content.title.clone(),
            body: content.body.clone(),
            details: content.details.clone(),
            request_id: form_request_id(&visitor.csrf, &[&["amend", summary.as_str()], &key[..]].concat()),
            summary_of_change: summary,
            remove_attachment_ids: Vec::new(),
        };
        upstream::call(publications.amend(upstream::request(message, &visitor.forwarded()))).await
    };
    match answer {
        Ok(saved) if publication.status() == pb::PublicationStatus::Draft => {
            let id = saved.publication.map(|p| p.publication_id).unwrap_or(publication_id);
            redirect(visitor, &format!("{}?enregistre=1", edit_href(&insee, &id)))
        }
        Ok(_) => redirect(visitor, &format!("{}#revisions", publication_href(&insee, &publication_id))),
        Err(error) => refused_post(&state, visitor, commune, publication, error, &content, ("content", &form)).await,
    }
}

/// POST `/c/{insee}/publications/{id}/publier`: publishes a draft now (`when=now`) or at `publish_at`
/// (`when=later`, French legal time).
pub async fn publish(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path((insee, publication_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (visitor, form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    let (visitor, commune, publication) = match load(&state, visitor, &insee, &publication_id).await {
        Ok(loaded) => loaded,
        Err(refused) => return refused,
    };
    let publish_at_us = if form.get("when") == "later" {
        match paris_datetime_us(form.get("publish_at")) {
            Some(at) => at,
            None => {
                let mut errors = FormErrors::default();
                errors.add("publish_at", visitor.tr.t("pub-invalid-publish-at-format"));
                let kind = publication.kind.clone();
                let refused = Refused { errors, form: "publish", typed: &form };
                return form_page(
                    &state,
                    visitor,
                    commune,
                    &kind,
                    Some(publication),
                    Some(refused),
                    false,
                    StatusCode::BAD_REQUEST,
                )
                .await;
            }
        }
    } else {
        0
    };
    let mut publications = state.publications.clone();
    let version = publication.updated_at_us.to_string();
    let message = pb::PublishRequest {
        name: publication_name(&insee, &publication_id),
        publish_at_us,
        request_id: form_request_id(&visitor.csrf, &["publish", &publication_id, &version, &publish_at_us.to_string()]),
    };
    match upstream::call(publications.publish(upstream::request(message, &visitor.forwarded()))).await {
        Ok(_) => redirect(visitor, &publication_href(&insee, &publication_id)),
        Err(error) => {
            refused_post(&state, visitor, commune, publication, error, &Content::default(), ("publish", &form)).await
        }
    }
}

/// POST `/c/{insee}/publications/{id}/archiver`: archives a published item with a public reason.
pub async fn archive(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path((insee, publication_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (visitor, form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    let (visitor, commune, publication) = match load(&state, visitor, &insee, &publication_id).await {
        Ok(loaded) => loaded,
        Err(refused) => return refused,
    };
    let reason = form.get("reason").trim().to_owned();
    let mut publications = state.publications.clone();
    let message = pb::ArchiveRequest {
        name: publication_name(&insee, &publication_id),
        request_id: form_request_id(&visitor.csrf, &["archive", &publication_id, &reason]),
        reason,
    };
    match upstream::call(publications.archive(upstream::request(message, &visitor.forwarded()))).await {
        Ok(_) => redirect(visitor, &publication_href(&insee, &publication_id)),
        Err(error) => {
            refused_post(&state, visitor, commune, publication, error, &Content::default(), ("archive", &form)).await
        }
    }
}
