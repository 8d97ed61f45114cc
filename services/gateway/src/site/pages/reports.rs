//! Reports in the citizen space: the list, the form (no JavaScript needed),
//! a report's page with its public timeline, and the staff's answer.

use std::collections::HashMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use miroir_proto::reports::v1 as rp;
use tonic::Code;

use super::{commune, reports_page};
use crate::rest::extract::ClientAddress;
use crate::site::forms::{FormErrors, error_page};
use crate::site::i18n::Tr;
use crate::site::page::{Frame, redirect, render};
use crate::site::session::Visitor;
use crate::site::{CATEGORIES, CommuneView, Field, ReportView, category_label, posted};
use crate::{AppState, GatewayError, upstream};

#[derive(Template)]
#[template(path = "reports_list.html")]
struct List {
    frame: Frame,
    commune: CommuneView,
    reports: Vec<ReportView>,
    next_href: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(insee): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let token = params.get("page").cloned().unwrap_or_default();
    let (commune, page) =
        match tokio::try_join!(commune(&state, &insee), reports_page(&state, &visitor, &insee, 20, &token)) {
            Ok(found) => found,
            Err(error) => return error_page(visitor, &error),
        };
    let next_href = (!page.next_page_token.is_empty())
        .then(|| format!("/c/{}/citoyen/signalements/?page={}", commune.insee, page.next_page_token));
    let reports = page.reports.into_iter().map(|r| ReportView::new(&visitor.tr, r)).collect();
    let frame = Frame::new(&visitor, format!("{} — {}", visitor.tr.t("reports-title"), commune.display_name));
    render(visitor, StatusCode::OK, &List { frame, commune, reports, next_href })
}

#[derive(Template)]
#[template(path = "report_form.html")]
struct Form {
    frame: Frame,
    commune: CommuneView,
    errors: FormErrors,
    categories: Vec<(&'static str, String)>,
    category: String,
    text_fields: Vec<Field>,
    location_fields: Vec<Field>,
}

fn form_page(
    visitor: Visitor,
    status: StatusCode,
    commune: CommuneView,
    values: &HashMap<&str, String>,
    errors: FormErrors,
) -> Response {
    let tr = &visitor.tr;
    let v = |name: &str| values.get(name).cloned().unwrap_or_default();
    let text_fields = vec![
        Field::new(tr, "title", "field-title", "text").hint(tr, "field-title-hint").value(&v("title")),
        Field::new(tr, "description", "field-description", "textarea").value(&v("description")).optional(),
    ];
    let location_fields = vec![
        Field::new(tr, "latitude", "field-latitude", "text").value(&v("latitude")),
        Field::new(tr, "longitude", "field-longitude", "text").value(&v("longitude")),
        Field::new(tr, "address", "field-address", "text")
            .value(&v("address"))
            .autocomplete("street-address")
            .optional(),
    ];
    let categories = CATEGORIES.iter().map(|c| (*c, category_label(tr, c))).collect();
    let frame = Frame::new(&visitor, tr.t("report-form-title"));
    let page = Form { frame, commune, errors, categories, category: v("category"), text_fields, location_fields };
    render(visitor, status, &page)
}

pub async fn new_form(State(state): State<AppState>, visitor: Visitor, Path(insee): Path<String>) -> Response {
    match commune(&state, &insee).await {
        Ok(commune) => form_page(visitor, StatusCode::OK, commune, &HashMap::new(), FormErrors::default()),
        Err(error) => error_page(visitor, &error),
    }
}

fn coordinate(tr: &Tr, errors: &mut FormErrors, name: &'static str, raw: &str) -> f64 {
    match raw.trim().replace(',', ".").parse::<f64>() {
        Ok(value) if value.is_finite() => value,
        _ => {
            errors.add(name, tr.t(&format!("invalid-{name}")));
            f64::NAN
        }
    }
}

pub async fn submit(
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
    let commune = match commune(&state, &insee).await {
        Ok(commune) => commune,
        Err(error) => return error_page(visitor, &error),
    };
    let values: HashMap<&str, String> = ["category", "title", "description", "latitude", "longitude", "address"]
        .into_iter()
        .map(|name| (name, form.get(name).to_owned()))
        .collect();
    let mut errors = FormErrors::default();
    let latitude = coordinate(&visitor.tr, &mut errors, "latitude", form.get("latitude"));
    let longitude = coordinate(&visitor.tr, &mut errors, "longitude", form.get("longitude"));
    if !errors.is_empty() {
        return form_page(visitor, StatusCode::BAD_REQUEST, commune, &values, errors);
    }
    let message = rp::SubmitReportRequest {
        parent: format!("communes/{}", commune.insee),
        category: form.get("category").to_owned(),
        title: form.get("title").to_owned(),
        description: form.get("description").to_owned(),
        location: Some(rp::Location { latitude, longitude, address: form.get("address").to_owned() }),
        ..Default::default()
    };
    let mut reports = state.reports.clone();
    match upstream::call(reports.submit_report(upstream::request(message, &visitor.forwarded()))).await {
        Ok(submitted) => {
            let id = submitted.report.map(|r| r.report_id).unwrap_or_default();
            redirect(visitor, &format!("/c/{}/citoyen/signalements/{id}", commune.insee))
        }
        Err(GatewayError::Upstream(status)) if status.code() == Code::InvalidArgument => {
            let errors = FormErrors::from_status(
                &visitor.tr,
                &status,
                &[
                    ("location.latitude", "latitude"),
                    ("location.longitude", "longitude"),
                    ("location.address", "address"),
                ],
            );
            form_page(visitor, StatusCode::BAD_REQUEST, commune, &values, errors)
        }
        Err(error) => error_page(visitor, &error),
    }
}

#[derive(Template)]
#[template(path = "report_page.html")]
struct Show {
    frame: Frame,
    commune: CommuneView,
    report: ReportView,
    can_acknowledge: bool,
    can_advance: bool,
    can_reopen: bool,
    next_statuses: Vec<(&'static str, String)>,
    errors: FormErrors,
    message_fields: Vec<Field>,
    step_fields: Vec<Field>,
    reopen_fields: Vec<Field>,
}

async fn show_page(
    state: &AppState,
    visitor: Visitor,
    insee: &str,
    report_id: &str,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let mut reports = state.reports.clone();
    let get = rp::GetReportRequest { name: format!("communes/{insee}/reports/{report_id}") };
    let found = tokio::try_join!(
        commune(state, insee),
        upstream::call(reports.get_report(upstream::request(get, &visitor.forwarded())))
    );
    let (commune, report) = match found {
        Ok(found) => found,
        Err(error) => return error_page(visitor, &error),
    };
    let report = ReportView::new(&visitor.tr, report);
    let tr = &visitor.tr;
    let staff = visitor.user.as_ref().is_some_and(|u| u.holds(insee, &["agent", "commune_admin"]));
    let open = matches!(report.status_class, "new" | "acknowledged" | "in-progress");
    let message_fields = vec![Field::new(tr, "message", "field-message", "textarea").optional()];
    let step_fields = vec![Field::new(tr, "step_message", "field-step-message", "textarea").optional()];
    let reopen_fields = vec![Field::new(tr, "reopen_message", "field-reopen-message", "textarea").optional()];
    let next_statuses =
        [("in_progress", "status-in-progress"), ("resolved", "status-resolved"), ("rejected", "status-rejected")]
            .into_iter()
            .filter(|(value, _)| !(*value == "in_progress" && report.status_class == "in-progress"))
            .map(|(value, key)| (value, tr.t(key)))
            .collect();
    let frame = Frame::new(&visitor, report.title.clone());
    let page = Show {
        frame,
        commune,
        can_acknowledge: staff && !report.acknowledged,
        can_advance: staff && open,
        // The service checks that the visitor is the reporter; others get a clear refusal.
        can_reopen: !staff && visitor.user.is_some() && report.status_class == "resolved",
        next_statuses,
        report,
        errors,
        message_fields,
        step_fields,
        reopen_fields,
    };
    render(visitor, status, &page)
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((insee, report_id)): Path<(String, String)>,
) -> Response {
    show_page(&state, visitor, &insee, &report_id, FormErrors::default(), StatusCode::OK).await
}

pub async fn acknowledge(
    State(state): State<AppState>,
    visitor: Visitor,
    address: ClientAddress,
    Path((insee, report_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (visitor, form) = match posted(&state, visitor, &body, &address) {
        Ok(ok) => ok,
        Err(refused) => return refused,
    };
    let name = format!("communes/{insee}/reports/{report_id}");
    let mut reports = state.reports.clone();
    // One address for the report's forms: the staff's answer, the staff's next step, the reporter's reopening.
    let answer = if !form.get("status").is_empty() {
        let status = match form.get("status") {
            "in_progress" => rp::ReportStatus::InProgress,
            "resolved" => rp::ReportStatus::Resolved,
            "rejected" => rp::ReportStatus::Rejected,
            _ => rp::ReportStatus::Unspecified,
        };
        let message = rp::UpdateReportStatusRequest {
            name,
            status: status.into(),
            message: form.get("step_message").to_owned(),
            request_id: String::new(),
        };
        upstream::call(reports.update_report_status(upstream::request(message, &visitor.forwarded()))).await.map(drop)
    } else if form.get("reopen") == "1" {
        let message =
            rp::ReopenReportRequest { name, message: form.get("reopen_message").to_owned(), request_id: String::new() };
        upstream::call(reports.reopen_report(upstream::request(message, &visitor.forwarded()))).await.map(drop)
    } else {
        let message =
            rp::AcknowledgeReportRequest { name, message: form.get("message").to_owned(), request_id: String::new() };
        upstream::call(reports.acknowledge_report(upstream::request(message, &visitor.forwarded()))).await.map(drop)
    };
    let renames = [(
        "message",
        if form.get("status").is_empty() {
            if form.get("reopen") == "1" { "reopen_message" } else { "message" }
        } else {
            "step_message"
        },
    )];
    match answer {
        Ok(_) => redirect(visitor, &format!("/c/{insee}/citoyen/signalements/{report_id}")),
        Err(GatewayError::Upstream(status))
            if matches!(status.code(), Code::InvalidArgument | Code::FailedPrecondition | Code::PermissionDenied) =>
        {
            let errors = FormErrors::from_status(&visitor.tr, &status, &renames);
            let code =
                if status.code() == Code::PermissionDenied { StatusCode::FORBIDDEN } else { StatusCode::BAD_REQUEST };
            show_page(&state, visitor, &insee, &report_id, errors, code).await
        }
        Err(error) => error_page(visitor, &error),
    }
}
