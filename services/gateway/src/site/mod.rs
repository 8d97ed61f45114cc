//! The residents' site: server-rendered HTML, French first with English,
//! usable without JavaScript. Routes and forms follow `docs/site-contract.md`.
//!
//! - [`i18n`] — languages, the Fluent catalogues, dates and numbers.
//! - [`session`] — the visitor: language, CSRF token, session cookies.
//! - [`page`] — the frame of every page and the site's security headers.
//! - [`forms`] — posted forms, CSRF and rate limits, field errors.
//! - [`assets`] — fingerprinted static files.
//! - [`charts`] — bar charts as inline SVG (the transparency dashboards).
//! - [`open_data`] — the dashboards' open-data files (JSON, CSV, JSON lines).
//! - [`pages`] — the handlers, one file per area.

pub mod assets;
pub mod charts;
pub mod forms;
pub mod i18n;
pub mod open_data;
pub mod page;
pub mod pages;
pub mod session;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use miroir_proto::identity::v1 as id;
use miroir_proto::reports::v1 as rp;

use self::forms::{FormData, FormErrors, MultipartRefusal, Upload, read_multipart};
use self::i18n::Tr;
use self::session::Visitor;
use crate::AppState;
use crate::rest::extract::ClientAddress;

pub fn routes() -> Router<AppState> {
    use axum::routing::post;
    use pages::{account, admin, categories, communes, queue, reports};
    let reports_path = "/c/{insee}/citoyen/signalements";
    Router::new()
        .route("/", get(communes::landing))
        .route("/c/{insee}/", get(communes::home))
        .route("/c/{insee}/officiel/", get(communes::official))
        .route("/c/{insee}/citoyen/", get(communes::citizen))
        .route("/c/{insee}/recherche", get(pages::search::search))
        .route(&format!("{reports_path}/"), get(reports::list))
        .route(
            &format!("{reports_path}/nouveau"),
            get(reports::new_form)
                .post(reports::submit)
                // Up to 5 photos of 5 MiB each, and the text fields: on this route only.
                .layer(DefaultBodyLimit::max(REPORT_FORM_LIMIT_BYTES)),
        )
        .route(&format!("{reports_path}/verifier"), get(reports::verify))
        .route(&format!("{reports_path}/{{report_id}}"), get(reports::show).post(reports::acknowledge))
        .route(&format!("{reports_path}/{{report_id}}/photos/{{photo_id}}"), get(reports::photo))
        .route(&format!("{reports_path}/{{report_id}}/soutenir"), post(reports::support))
        .route(&format!("{reports_path}/{{report_id}}/attribuer"), post(reports::assign))
        .route(&format!("{reports_path}/{{report_id}}/notes"), post(reports::add_note))
        .route(&format!("{reports_path}/{{report_id}}/fusionner"), post(reports::merge))
        .route("/c/{insee}/administration/", get(admin::show))
        .route("/c/{insee}/administration/roles", post(admin::grant))
        .route("/c/{insee}/administration/clients", post(admin::create_client))
        .route("/c/{insee}/administration/clients/{client_id}/revoke", post(admin::revoke_client))
        .route("/c/{insee}/administration/signalements/", get(queue::show))
        .route("/c/{insee}/administration/signalements/prendre-en-compte", post(queue::acknowledge_selected))
        .route("/c/{insee}/administration/categories/", get(categories::show).post(categories::define))
        .merge(dialogue_routes())
        .route("/compte/inscription", get(account::signup_form).post(account::signup))
        .route("/compte/connexion", get(account::signin_form).post(account::signin))
        .route("/compte/deconnexion", post(account::signout))
        .route("/compte/", get(account::show).post(account::update_profile))
        .route("/compte/export", get(account::export))
        .route("/compte/supprimer", post(account::delete))
        .route("/compte/verifier", get(account::verify))
        .route("/compte/mot-de-passe", get(account::reset_form).post(account::reset))
        .route("/compte/suivre", post(pages::follow::post))
        .route("/desabonnement/{token}", get(pages::unsubscribe::confirm).post(pages::unsubscribe::unsubscribe))
        .route("/compte/notifications", get(pages::notifications::show).post(pages::notifications::save))
        .route("/compte/notifications/resilier", post(pages::notifications::cancel))
        .route("/compte/notifications/lu", post(pages::notifications::mark_read))
        .route(
            "/c/{insee}/abonnements",
            get(pages::notifications::subscribe_form).post(pages::notifications::subscribe),
        )
        .route("/static/{name}", get(assets::serve))
        .merge(publication_routes())
        .merge(transparency_routes())
}

/// The transparency dashboards and their open data (issue 8).
fn transparency_routes() -> Router<AppState> {
    use pages::{open_data as files, transparency as dashboards};
    Router::new()
        .route("/c/{insee}/transparence/", get(dashboards::commune))
        .route("/c/{insee}/transparence.json", get(files::commune_json))
        .route("/c/{insee}/transparence.csv", get(files::commune_csv))
        .route("/c/{insee}/evenements.jsonl", get(files::events))
        .route("/transparence", get(|| async { axum::response::Redirect::permanent("/transparence/") }))
        .route("/transparence/", get(dashboards::national))
        .route("/transparence/national.json", get(files::national_json))
        .route("/transparence/national.csv", get(files::national_csv))
        .route("/transparence/communes.json", get(files::communes_json))
        .route("/transparence/communes.csv", get(files::communes_csv))
        .route("/transparence/departements/{code}/", get(dashboards::departement))
        // `{code}.json` or `{code}.csv`.
        .route("/transparence/departements/{code}", get(files::departement_file))
        .route("/donnees-ouvertes", get(files::documentation))
}

/// The publications of both spaces and their writers' pages (docs/site-contract.md).
fn publication_routes() -> Router<AppState> {
    use axum::routing::post;
    use pages::{publication_desk as desk, publication_files as files, publications as read};
    Router::new()
        .route("/c/{insee}/officiel/projets/", get(read::projects))
        .route("/c/{insee}/officiel/deliberations/", get(read::decisions))
        .route("/c/{insee}/officiel/proces-verbaux/", get(read::minutes))
        .route("/c/{insee}/officiel/budgets/", get(read::budgets))
        .route("/c/{insee}/officiel/actualites/", get(read::news))
        .route("/c/{insee}/citoyen/billets/", get(read::posts))
        .route("/c/{insee}/citoyen/activites/", get(read::activities))
        .route("/c/{insee}/citoyen/suivi/", get(read::tracking))
        .route("/c/{insee}/publications/{publication_id}", get(read::show))
        .route("/c/{insee}/publications/{publication_id}/modifier", get(desk::edit).post(desk::save))
        .route("/c/{insee}/publications/{publication_id}/publier", post(desk::publish))
        .route("/c/{insee}/publications/{publication_id}/archiver", post(desk::archive))
        .route(
            "/c/{insee}/publications/{publication_id}/fichiers",
            // One file of up to 20 MiB and the form's texts: on this route only.
            post(files::upload).layer(DefaultBodyLimit::max(crate::rest::publication_attachments::UPLOAD_LIMIT_BYTES)),
        )
        .route("/c/{insee}/publications/{publication_id}/fichiers/{attachment_id}", get(files::file))
        .route("/c/{insee}/publications/{publication_id}/fichiers/{attachment_id}/retirer", post(files::remove))
        .route("/c/{insee}/officiel/redaction/", get(desk::official_desk))
        .route("/c/{insee}/officiel/redaction/nouveau", get(desk::official_new).post(desk::official_create))
        .route("/c/{insee}/citoyen/redaction/", get(desk::citizen_desk))
        .route("/c/{insee}/citoyen/redaction/nouveau", get(desk::citizen_new).post(desk::citizen_create))
}

/// The dialogue's pages (issue 6): questions, proposals, comments, moderation, settings.
fn dialogue_routes() -> Router<AppState> {
    use axum::routing::post;
    use pages::{comments, dialogue_settings, moderation, proposals, questions};
    let questions_path = "/c/{insee}/citoyen/questions";
    let proposals_path = "/c/{insee}/citoyen/propositions";
    Router::new()
        .route(&format!("{questions_path}/"), get(questions::list).post(questions::ask))
        .route(&format!("{questions_path}/{{question_id}}"), get(questions::show))
        .route(&format!("{questions_path}/{{question_id}}/repondre"), post(questions::answer))
        .route(&format!("{questions_path}/{{question_id}}/rediriger"), post(questions::redirect_to_report))
        .route(&format!("{proposals_path}/"), get(proposals::list).post(proposals::submit))
        .route(&format!("{proposals_path}/{{proposal_id}}"), get(proposals::show))
        .route(&format!("{proposals_path}/{{proposal_id}}/soutenir"), post(proposals::support))
        .route(&format!("{proposals_path}/{{proposal_id}}/repondre"), post(proposals::answer))
        .route("/c/{insee}/commentaires", post(comments::post))
        .route("/c/{insee}/moderation/signaler", post(moderation::flag))
        .route("/c/{insee}/moderation/masquer", post(moderation::hide))
        .route("/c/{insee}/moderation/contester", post(moderation::appeal))
        .route("/c/{insee}/moderation/trancher", post(moderation::resolve))
        .route("/c/{insee}/moderation/merci", get(moderation::thanks))
        .route("/c/{insee}/citoyen/moderation/", get(moderation::citizen_log))
        .route("/c/{insee}/officiel/moderation/", get(moderation::official_log))
        .route("/c/{insee}/administration/moderation/", get(moderation::queue))
        .route("/c/{insee}/administration/dialogue/", get(dialogue_settings::show).post(dialogue_settings::update))
        .route(
            "/c/{insee}/administration/webhooks/",
            get(crate::site::pages::webhooks::show).post(crate::site::pages::webhooks::create),
        )
        .route("/c/{insee}/administration/webhooks/{endpoint_id}/{action}", post(crate::site::pages::webhooks::act))
}

/// The report form's body limit: 5 photos of 5 MiB, their multipart framing and the text fields.
pub const REPORT_FORM_LIMIT_BYTES: usize = 26 * 1024 * 1024;

/// One labelled form field, as `templates/field.html` renders it.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: &'static str,
    pub label: String,
    pub hint: String,
    pub kind: &'static str,
    pub value: String,
    pub autocomplete: &'static str,
    pub required: bool,
}

impl Field {
    pub fn new(tr: &Tr, name: &'static str, label_key: &str, kind: &'static str) -> Self {
        Field {
            name,
            label: tr.t(label_key),
            hint: String::new(),
            kind,
            value: String::new(),
            autocomplete: "",
            required: true,
        }
    }

    pub fn hint(mut self, tr: &Tr, key: &str) -> Self {
        self.hint = tr.t(key);
        self
    }

    pub fn value(mut self, value: &str) -> Self {
        self.value = value.to_owned();
        self
    }

    pub fn autocomplete(mut self, autocomplete: &'static str) -> Self {
        self.autocomplete = autocomplete;
        self
    }

    pub fn optional(mut self) -> Self {
        self.required = false;
        self
    }

    /// The ids of the hint and error paragraphs, for `aria-describedby`.
    pub fn described_by(&self, errors: &FormErrors) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("{}-hint", self.name));
        }
        if errors.has(self.name) {
            ids.push(format!("{}-error", self.name));
        }
        ids.join(" ")
    }
}

/// A commune as pages show it.
#[derive(Debug, Clone)]
pub struct CommuneView {
    pub insee: String,
    pub display_name: String,
    pub department: String,
    pub collective_name: String,
    pub response_commitment_days: u32,
}

impl From<id::Commune> for CommuneView {
    fn from(c: id::Commune) -> Self {
        CommuneView {
            insee: c.insee,
            display_name: c.display_name,
            department: c.department,
            collective_name: c.collective_name,
            response_commitment_days: c.response_commitment_days,
        }
    }
}

/// A report as pages show it, texts in the page's language.
#[derive(Debug, Clone)]
pub struct ReportView {
    pub report_id: String,
    pub title: String,
    pub description: String,
    pub category: String,
    pub category_code: String,
    pub status: String,
    pub status_class: &'static str,
    pub submitted_at: String,
    pub submitted_iso: String,
    pub acknowledged: bool,
    pub acknowledged_at: String,
    pub acknowledged_iso: String,
    pub acknowledgement_message: String,
    pub address: String,
    pub coordinates: String,
    pub latitude: f64,
    pub longitude: f64,
    pub submitted_at_us: i64,
    pub acknowledged_at_us: i64,
    /// The public steps after submission (only on a report's own page).
    pub timeline: Vec<TimelineStep>,
    pub supports: u32,
    pub supported_by_caller: bool,
    pub reported_by_caller: bool,
    /// The id of the report this duplicate was merged into ("" if none).
    pub merged_into: String,
    /// False while an anonymous report waits for its e-mail (only staff see it then).
    pub verified: bool,
    /// The anonymous reporter's e-mail: the service fills it for staff only,
    /// and pages show it to staff only.
    pub reporter_email: String,
    pub department: String,
    pub assigned_agent: String,
    pub photos: Vec<PhotoView>,
    /// (question, answer) of the category's extra questions.
    pub attributes: Vec<(String, String)>,
}

/// One photo of a report, served by the site's photo route.
#[derive(Debug, Clone)]
pub struct PhotoView {
    pub href: String,
    pub alt: String,
}

/// One public step of a report: what happened, when, and the message.
#[derive(Debug, Clone)]
pub struct TimelineStep {
    pub label: String,
    pub at: String,
    pub iso: String,
    pub message: String,
    pub official: bool,
}

/// The last segment of a resource name ("communes/75056/reports/abc" → "abc"); a bare id stays as it is.
pub fn last_segment(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// The status as a form value and its catalogue key ("in_progress", "status-in-progress").
pub fn status_keys(status: rp::ReportStatus) -> (&'static str, &'static str, &'static str) {
    match status {
        rp::ReportStatus::Acknowledged => ("acknowledged", "status-acknowledged", "acknowledged"),
        rp::ReportStatus::InProgress => ("in_progress", "status-in-progress", "in-progress"),
        rp::ReportStatus::Resolved => ("resolved", "status-resolved", "resolved"),
        rp::ReportStatus::Rejected => ("rejected", "status-rejected", "rejected"),
        rp::ReportStatus::Merged => ("merged", "status-merged", "merged"),
        _ => ("new", "status-new", "new"),
    }
}

/// A category's name in the commune's own list, else the catalogue's, else its code.
pub fn category_label(tr: &Tr, categories: &[rp::Category], category: &str) -> String {
    categories
        .iter()
        .find(|c| c.code == category)
        .map(|c| c.name.clone())
        .filter(|n| !n.is_empty())
        .or_else(|| tr.try_t(&format!("category-{category}")))
        .unwrap_or_else(|| category.to_owned())
}

impl ReportView {
    pub fn new(tr: &Tr, r: rp::Report) -> Self {
        Self::with_categories(tr, r, &[])
    }

    /// The report with its category and extra questions named as the commune names them.
    pub fn with_categories(tr: &Tr, r: rp::Report, categories: &[rp::Category]) -> Self {
        let (_, status_key, status_class) = status_keys(r.status());
        // The commune has answered once it took any step.
        let acknowledged = r.acknowledged_at_us > 0 || !matches!(status_class, "new" | "merged");
        let location = r.location.clone().unwrap_or_default();
        let insee = r.commune.clone();
        let category = categories.iter().find(|c| c.code == r.category);
        let attributes = r
            .attributes
            .iter()
            .map(|answer| {
                let question = category.and_then(|c| c.attributes.iter().find(|a| a.code == answer.code));
                let label = question.map_or_else(|| answer.code.clone(), |q| q.description.clone());
                let values: Vec<String> = answer
                    .values
                    .iter()
                    .map(|v| {
                        question
                            .and_then(|q| q.values.iter().find(|x| &x.key == v))
                            .map_or_else(|| v.clone(), |x| x.name.clone())
                    })
                    .collect();
                (label, values.join(", "))
            })
            .collect();
        let photos = r
            .photos
            .iter()
            .enumerate()
            .map(|(i, p)| PhotoView {
                href: format!("/c/{insee}/citoyen/signalements/{}/photos/{}", r.report_id, last_segment(&p.name)),
                alt: tr.t1("photo-alt", &(i + 1).to_string()),
            })
            .collect();
        ReportView {
            status: tr.t(status_key),
            status_class,
            category: category_label(tr, categories, &r.category),
            category_code: r.category.clone(),
            submitted_at: tr.datetime(r.submitted_at_us),
            submitted_iso: tr.iso(r.submitted_at_us),
            acknowledged,
            acknowledged_at: if acknowledged { tr.datetime(r.acknowledged_at_us) } else { String::new() },
            acknowledged_iso: if acknowledged { tr.iso(r.acknowledged_at_us) } else { String::new() },
            coordinates: format!("{}, {}", tr.number(location.latitude, 5), tr.number(location.longitude, 5)),
            latitude: location.latitude,
            longitude: location.longitude,
            address: location.address,
            title: r.title,
            description: r.description,
            acknowledgement_message: r.acknowledgement_message,
            submitted_at_us: r.submitted_at_us,
            acknowledged_at_us: r.acknowledged_at_us,
            timeline: r.updates.iter().map(|u| timeline_step(tr, u)).collect(),
            supports: r.supports,
            supported_by_caller: r.supported_by_caller,
            reported_by_caller: r.reported_by_caller,
            merged_into: last_segment(&r.merged_into).to_owned(),
            verified: r.verified,
            reporter_email: r.reporter_email,
            department: r.department,
            assigned_agent: r.assigned_agent,
            photos,
            attributes,
            report_id: r.report_id,
        }
    }
}

fn timeline_step(tr: &Tr, u: &rp::PublicUpdate) -> TimelineStep {
    let official = u.by != "reporter";
    let key = match (u.kind.as_str(), official, u.status()) {
        ("assigned", ..) => "timeline-assigned",
        ("merged", ..) => "timeline-merged",
        ("reopened", ..) | (_, false, _) => "timeline-reopened",
        ("in_progress", ..) | (_, true, rp::ReportStatus::InProgress) => "timeline-in-progress",
        ("resolved", ..) | (_, true, rp::ReportStatus::Resolved) => "timeline-resolved",
        ("rejected", ..) | (_, true, rp::ReportStatus::Rejected) => "timeline-rejected",
        _ => "timeline-acknowledged",
    };
    TimelineStep {
        label: tr.t(key),
        at: tr.datetime(u.at_us),
        iso: tr.iso(u.at_us),
        message: u.message.clone(),
        official,
    }
}

/// The checks every form post passes first: the CSRF token and the rate limit.
/// `Err` is the page to answer instead.
pub fn guard(
    state: &AppState,
    visitor: &Visitor,
    form: &FormData,
    address: &ClientAddress,
) -> Result<(), (StatusCode, &'static str)> {
    if !visitor.csrf_ok(Some(form.get("csrf"))) {
        return Err((StatusCode::FORBIDDEN, "error-csrf"));
    }
    if !state.limiter.allow(address.0.parse().ok()) {
        return Err((StatusCode::TOO_MANY_REQUESTS, "error-too-many"));
    }
    Ok(())
}

/// The form of a post, or the refusal page. (A response is the natural
/// rejection of a handler; it is returned at once, so its size does not matter.)
#[allow(clippy::result_large_err)]
pub fn posted(
    state: &AppState,
    visitor: Visitor,
    body: &Bytes,
    address: &ClientAddress,
) -> Result<(Visitor, FormData), Response> {
    let form = FormData::parse(body);
    match guard(state, &visitor, &form, address) {
        Ok(()) => Ok((visitor, form)),
        Err((status, key)) => Err(page::message(visitor, status, "error-title", key)),
    }
}

/// A post that may carry files (`multipart/form-data`, the report form) or
/// not (urlencoded): its form and files, or the refusal page. The CSRF token
/// and the rate limit are checked as for [`posted`].
#[allow(clippy::result_large_err)]
pub async fn posted_with_files(
    state: &AppState,
    visitor: Visitor,
    address: &ClientAddress,
    request: Request,
) -> Result<(Visitor, FormData, Vec<(String, Upload)>), Response> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"));
    let refuse =
        |visitor: Visitor, status: StatusCode, key: &str| Err(page::message(visitor, status, "error-title", key));
    if !multipart {
        return match Bytes::from_request(request, state).await {
            Ok(body) => posted(state, visitor, &body, address).map(|(visitor, form)| (visitor, form, Vec::new())),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                refuse(visitor, StatusCode::PAYLOAD_TOO_LARGE, "error-too-large")
            }
            Err(_) => refuse(visitor, StatusCode::BAD_REQUEST, "error-bad-form"),
        };
    }
    let Ok(parts) = Multipart::from_request(request, state).await else {
        return refuse(visitor, StatusCode::BAD_REQUEST, "error-bad-form");
    };
    match read_multipart(parts, |token| visitor.csrf_ok(Some(token))).await {
        Ok((form, files)) => {
            if !state.limiter.allow(address.0.parse().ok()) {
                return refuse(visitor, StatusCode::TOO_MANY_REQUESTS, "error-too-many");
            }
            Ok((visitor, form, files))
        }
        Err(MultipartRefusal::Csrf) => refuse(visitor, StatusCode::FORBIDDEN, "error-csrf"),
        Err(MultipartRefusal::TooLarge) => refuse(visitor, StatusCode::PAYLOAD_TOO_LARGE, "error-too-large"),
        Err(MultipartRefusal::Malformed) => refuse(visitor, StatusCode::BAD_REQUEST, "error-bad-form"),
    }
}

/// A request id for a form post: the same post sent twice (a double click, a
/// reload) gives the same id, so the service files it once.
pub fn form_request_id(csrf: &str, parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    hash.update(csrf.as_bytes());
    for part in parts {
        hash.update([0]);
        hash.update(part.as_bytes());
    }
    format!("site-{}", hex::encode(&hash.finalize()[..16]))
}

/// A path inside this site to go back to after signing in (never another site).
pub fn safe_next(raw: &str) -> String {
    if raw.starts_with('/') && !raw.starts_with("//") && !raw.contains('\\') && !raw.contains("://") {
        raw.to_owned()
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next("/c/75056/"), "/c/75056/");
        for bad in ["//evil.example", "https://evil.example", "/\\evil", "javascript:alert(1)", ""] {
            assert_eq!(safe_next(bad), "", "{bad}");
        }
    }
}
