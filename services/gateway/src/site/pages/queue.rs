//! The agents' queue: a commune's reports to handle, with filters, and the
//! bulk "acknowledge selected" that reports each report's outcome.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use miroir_proto::reports::v1 as rp;
use tonic::Code;

use super::{ReportFilters, categories, commune, plain_segment};
use crate::rest::extract::ClientAddress;
use crate::site::forms::{FormData, FormErrors, error_page};
use crate::site::page::{self, Frame, redirect, render};
use crate::site::session::{Visitor, random_token};
use crate::site::{CommuneView, Field, ReportView, form_request_id, posted};
use crate::{AppState, GatewayError, upstream};

/// Most reports one bulk post acknowledges (a page of the queue is 50).
const MAX_SELECTED: usize = 100;
const PAGE_SIZE: i32 = 50;

/// Whether the visitor may see the queue: signed in, agent or administrator of the commune.
/// `Err` is the answer instead (sign in first, or 403).
#[allow(clippy::result_large_err)]
fn staff_only(visitor: Visitor, insee: &str) -> Result<Visitor, Response> {
    match &visitor.user {
        None => {
            let to = format!("/compte/connexion?suite=/c/{insee}/administration/signalements/");
            Err(redirect(visitor, &to))
        }
        Some(user) if user.holds(insee, &["agent", "commune_admin"]) => Ok(visitor),
        Some(_) => Err(page::message(visitor, StatusCode::FORBIDDEN, "error-title", "error-forbidden")),
    }
}

#[derive(Template)]
#[template(path = "queue.html")]
struct Queue {
    frame: Frame,
    commune: CommuneView,
    filters: ReportFilters,
    status_options: Vec<(&'static str, String, bool)>,
    category_options: Vec<(String, String, bool)>,
    reports: Vec<ReportView>,
    /// Who each report is assigned to, in the order of `reports`.
    assigned: Vec<String>,
    next_href: Option<String>,
    first_href: Option<String>,
    /// A fresh value per rendering: with the CSRF token and a report id it makes the request id of each
    /// acknowledgement, so a form posted twice acknowledges each report once.
    nonce: String,
    errors: FormErrors,
    message_field: Field,
}

async fn queue_page(
    state: &AppState,
    visitor: Visitor,
    insee: &str,
    query: &FormData,
    errors: FormErrors,
    status: StatusCode,
    message: &str,
) -> Response {
    let mut errors = errors;
    let filters = ReportFilters::read(query, "open");
    let token = query.get("page").to_owned();
    let me = visitor.user.as_ref().map(|u| u.account_id.clone()).unwrap_or_default();
    let request = filters.request(&visitor.tr, insee, Some(&me), PAGE_SIZE, &token, &mut errors);
    let mut reports = state.reports.clone();
    let listed = upstream::call(reports.list_reports(upstream::request(request, &visitor.forwarded())));
    let (commune, page, categories) =
        match tokio::try_join!(commune(state, insee), listed, categories(state, &visitor, insee, true)) {
            Ok(found) => found,
            Err(error) => return error_page(visitor, &error),
        };
    let tr = &visitor.tr;
    let base = format!("/c/{}/administration/signalements/", commune.insee);
    let next_href = (!page.next_page_token.is_empty()).then(|| {
        let page: String = form_urlencoded::byte_serialize(page.next_page_token.as_bytes()).collect();
        format!("{base}?{}&page={page}", filters.query(true))
    });
    let first_href = (!token.is_empty()).then(|| format!("{base}?{}", filters.query(true)));
    let reports: Vec<ReportView> =
        page.reports.into_iter().map(|r| ReportView::with_categories(tr, r, &categories)).collect();
    let assigned = reports
        .iter()
        .map(|r| match r.assigned_agent.as_str() {
            "" => String::new(),
            agent if agent == me => tr.t("you"),
            agent => tr.t1("account-ref", agent.get(..8).unwrap_or(agent)),
        })
        .collect();
    let category_options =
        categories.iter().map(|c| (c.code.clone(), c.name.clone(), c.code == filters.category)).collect();
    let message_field = Field::new(tr, "message", "field-bulk-message", "textarea")
        .hint(tr, "field-bulk-message-hint")
        .value(message)
        .optional();
    let frame = Frame::new(&visitor, tr.t1("queue-title", &commune.display_name));
    let status_options = filters.status_options(tr);
    let page = Queue {
        frame,
        commune,
        filters,
        status_options,
        category_options,
        reports,
        assigned,
        next_href,
        first_href,
        nonce: random_token(),
        errors,
        message_field,
    };
    render(visitor, status, &page)
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(insee): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    if !plain_segment(&insee) {
        return page::message(visitor, StatusCode::NOT_FOUND, "error-title", "error-not-found");
    }
    let visitor = match staff_only(visitor, &insee) {
        Ok(visitor) => visitor,
        Err(refused) => return refused,
    };
    let query = FormData::parse(query.unwrap_or_default().as_bytes());
    queue_page(&state, visitor, &insee, &query, FormErrors::default(), StatusCode::OK, "").await
}

/// The outcome of one report of a bulk acknowledgement.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub report_id: String,
    pub title: String,
    pub ok: bool,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "queue_result.html")]
struct BulkResult {
    frame: Frame,
    commune: CommuneView,
    done: Vec<Outcome>,
    failed: Vec<Outcome>,
    done_count: usize,
    failed_count: usize,
}

/// Why one acknowledgement failed, in the page's language.
fn reason(visitor: &Visitor, error: &GatewayError) -> String {
    let tr = &visitor.tr;
    match error {
        GatewayError::Upstream(status) => match status.code() {
            Code::FailedPrecondition => tr.t("bulk-failed-state"),
            Code::NotFound => tr.t("error-not-found"),
            Code::PermissionDenied | Code::Unauthenticated => tr.t("error-forbidden"),
            Code::InvalidArgument => FormErrors::from_status(tr, status, &[("message", "message")]).summary.join(" "),
            Code::Unavailable => tr.t("error-unavailable"),
            _ => tr.t("error-internal"),
        },
        GatewayError::UpstreamTimeout => tr.t("error-unavailable"),
        _ => tr.t("error-internal"),
    }
}

/// "Acknowledge selected": each selected report, one after the other; a
/// failure is reported beside its report and never stops the others. The
/// request id of each is derived from the form (CSRF token, nonce) and the
/// report, so posting the same form again changes nothing.
pub async fn acknowledge_selected(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path(insee): Path<String>,
    body: Bytes,
) -> Response {
    let (visitor, form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    if !plain_segment(&insee) {
        return page::message(visitor, StatusCode::NOT_FOUND, "error-title", "error-not-found");
    }
    let visitor = match staff_only(visitor, &insee) {
        Ok(visitor) => visitor,
        Err(refused) => return refused,
    };
    let mut selected: Vec<String> = Vec::new();
    for report_id in form.all("report_id") {
        if plain_segment(&report_id) && !selected.contains(&report_id) {
            selected.push(report_id);
        }
    }
    let message = form.get("message").to_owned();
    // The filters the queue was showing come back with the form, so the page shown again is the same.
    let filters = FormData::parse(form.get("filters").as_bytes());
    if selected.is_empty() || selected.len() > MAX_SELECTED || form.get("nonce").is_empty() {
        let mut errors = FormErrors::default();
        let key = if selected.len() > MAX_SELECTED { "bulk-too-many" } else { "bulk-none-selected" };
        errors.add("report_id", visitor.tr.t(key));
        return queue_page(&state, visitor, &insee, &filters, errors, StatusCode::BAD_REQUEST, &message).await;
    }
    let commune = match commune(&state, &insee).await {
        Ok(commune) => commune,
        Err(error) => return error_page(visitor, &error),
    };
    let nonce = form.get("nonce").to_owned();
    let mut done = Vec::new();
    let mut failed = Vec::new();
    for report_id in selected {
        let name = format!("communes/{insee}/reports/{report_id}");
        let mut reports = state.reports.clone();
        let request = rp::AcknowledgeReportRequest {
            name: name.clone(),
            message: message.clone(),
            request_id: form_request_id(&visitor.csrf, &["bulk-acknowledge", &nonce, &report_id]),
        };
        match upstream::call(reports.acknowledge_report(upstream::request(request, &visitor.forwarded()))).await {
            Ok(answer) => {
                let title = answer.report.map(|r| r.title).unwrap_or_default();
                done.push(Outcome { report_id, title, ok: true, reason: String::new() });
            }
            Err(error) => {
                let why = reason(&visitor, &error);
                // The title, if the report can be read at all (else its id says which one it was).
                let get = rp::GetReportRequest { name };
                let title = upstream::call(reports.get_report(upstream::request(get, &visitor.forwarded())))
                    .await
                    .map(|r| r.title)
                    .unwrap_or_default();
                failed.push(Outcome { report_id, title, ok: false, reason: why });
            }
        }
    }
    let frame = Frame::new(&visitor, visitor.tr.t("bulk-result-title"));
    render(
        visitor,
        StatusCode::OK,
        &BulkResult { frame, commune, done_count: done.len(), failed_count: failed.len(), done, failed },
    )
}
