//! The residents' site: server-rendered HTML, French first with English,
//! usable without JavaScript. Routes and forms follow `docs/site-contract.md`.
//!
//! - [`i18n`] — languages, the Fluent catalogues, dates and numbers.
//! - [`session`] — the visitor: language, CSRF token, session cookies.
//! - [`page`] — the frame of every page and the site's security headers.
//! - [`forms`] — posted forms, CSRF and rate limits, field errors.
//! - [`assets`] — fingerprinted static files.
//! - [`pages`] — the handlers, one file per area.

pub mod assets;
pub mod forms;
pub mod i18n;
pub mod page;
pub mod pages;
pub mod session;

use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use miroir_proto::identity::v1 as id;
use miroir_proto::reports::v1 as rp;

use self::forms::{FormData, FormErrors};
use self::i18n::Tr;
use self::session::Visitor;
use crate::AppState;
use crate::rest::extract::ClientAddress;

pub fn routes() -> Router<AppState> {
    use pages::{account, admin, communes, reports};
    Router::new()
        .route("/", get(communes::landing))
        .route("/c/{insee}/", get(communes::home))
        .route("/c/{insee}/officiel/", get(communes::official))
        .route("/c/{insee}/citoyen/", get(communes::citizen))
        .route("/c/{insee}/transparence/", get(communes::transparency))
        .route("/c/{insee}/citoyen/signalements/", get(reports::list))
        .route("/c/{insee}/citoyen/signalements/nouveau", get(reports::new_form).post(reports::submit))
        .route("/c/{insee}/citoyen/signalements/{report_id}", get(reports::show).post(reports::acknowledge))
        .route("/c/{insee}/administration/", get(admin::show))
        .route("/c/{insee}/administration/roles", axum::routing::post(admin::grant))
        .route("/c/{insee}/administration/clients", axum::routing::post(admin::create_client))
        .route("/c/{insee}/administration/clients/{client_id}/revoke", axum::routing::post(admin::revoke_client))
        .route("/compte/inscription", get(account::signup_form).post(account::signup))
        .route("/compte/connexion", get(account::signin_form).post(account::signin))
        .route("/compte/deconnexion", axum::routing::post(account::signout))
        .route("/compte/", get(account::show).post(account::update_profile))
        .route("/compte/export", get(account::export))
        .route("/compte/supprimer", axum::routing::post(account::delete))
        .route("/compte/verifier", get(account::verify))
        .route("/compte/mot-de-passe", get(account::reset_form).post(account::reset))
        .route("/static/{name}", get(assets::serve))
}

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
    pub submitted_at_us: i64,
    pub acknowledged_at_us: i64,
    /// The public steps after submission (only on a report's own page).
    pub timeline: Vec<TimelineStep>,
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

/// The report categories the form offers (the commune's own list comes with the reports issue).
pub const CATEGORIES: &[&str] = &["voirie", "eclairage", "proprete", "securite", "espaces-verts", "autre"];

pub fn category_label(tr: &Tr, category: &str) -> String {
    tr.try_t(&format!("category-{category}")).unwrap_or_else(|| category.to_owned())
}

impl ReportView {
    pub fn new(tr: &Tr, r: rp::Report) -> Self {
        let (status_key, status_class) = match r.status() {
            rp::ReportStatus::Acknowledged => ("status-acknowledged", "acknowledged"),
            rp::ReportStatus::InProgress => ("status-in-progress", "in-progress"),
            rp::ReportStatus::Resolved => ("status-resolved", "resolved"),
            rp::ReportStatus::Rejected => ("status-rejected", "rejected"),
            _ => ("status-new", "new"),
        };
        // The commune has answered once it took any step.
        let acknowledged = status_class != "new";
        let location = r.location.unwrap_or_default();
        ReportView {
            status: tr.t(status_key),
            status_class,
            category: category_label(tr, &r.category),
            submitted_at: tr.datetime(r.submitted_at_us),
            submitted_iso: tr.iso(r.submitted_at_us),
            acknowledged,
            acknowledged_at: if acknowledged { tr.datetime(r.acknowledged_at_us) } else { String::new() },
            acknowledged_iso: if acknowledged { tr.iso(r.acknowledged_at_us) } else { String::new() },
            coordinates: format!("{}, {}", tr.number(location.latitude, 5), tr.number(location.longitude, 5)),
            address: location.address,
            report_id: r.report_id,
            title: r.title,
            description: r.description,
            acknowledgement_message: r.acknowledgement_message,
            submitted_at_us: r.submitted_at_us,
            acknowledged_at_us: r.acknowledged_at_us,
            timeline: r
                .updates
                .iter()
                .map(|u| {
                    let official = u.by != "reporter";
                    let key = match (official, u.status()) {
                        (false, _) => "timeline-reopened",
                        (true, rp::ReportStatus::InProgress) => "timeline-in-progress",
                        (true, rp::ReportStatus::Resolved) => "timeline-resolved",
                        (true, rp::ReportStatus::Rejected) => "timeline-rejected",
                        (true, _) => "timeline-acknowledged",
                    };
                    TimelineStep {
                        label: tr.t(key),
                        at: tr.datetime(u.at_us),
                        iso: tr.iso(u.at_us),
                        message: u.message.clone(),
                        official,
                    }
                })
                .collect(),
        }
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
