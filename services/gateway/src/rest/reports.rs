//! `/api/v1/communes/{insee}/reports…`: the REST face of the reports service.
//! Each handler turns the HTTP request into one gRPC call and the answer into
//! JSON; validation and authorization are the service's.
//!
//! A retried submission with the same `Idempotency-Key` answers 201 with the
//! first report again: the service returns the first result without telling
//! whether it was a replay, and a replay is meant to look like the success
//! the client missed.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::{Json, Router, routing};
use miroir_proto::reports::v1 as pb;

use crate::AppState;
use crate::error::{ErrorBody, GatewayError};
use crate::rest::extract::{ApiJson, CommunePath, Forwarded, PageQuery, ReportPath};
use crate::rest::schemas::{
    AcknowledgeReport, NextStatus, ReopenReport, Report, ReportList, SubmitReport, UpdateReportStatus,
};
use crate::upstream::{call, request};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/communes/{insee}/reports", routing::post(submit_report).get(list_reports))
        .route("/communes/{insee}/reports/{report_id}", routing::get(get_report))
        .route("/communes/{insee}/reports/{report_id}/acknowledge", routing::post(acknowledge_report))
        .route("/communes/{insee}/reports/{report_id}/status", routing::post(update_report_status))
        .route("/communes/{insee}/reports/{report_id}/reopen", routing::post(reopen_report))
}

fn missing_report() -> GatewayError {
    GatewayError::UpstreamData("answer without its report".into())
}

fn parent(insee: &str) -> String {
    format!("communes/{insee}")
}

fn name(insee: &str, report_id: &str) -> String {
    format!("communes/{insee}/reports/{report_id}")
}

/// File a problem report.
///
/// Anyone may report; a bearer token, if sent, records who reported.
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/reports",
    tag = "reports",
    operation_id = "submit_report",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first report (201 again) and files nothing new"),
    ),
    request_body = SubmitReport,
    responses(
        (status = 201, description = "Report filed (or the first one, on a retry with the same Idempotency-Key)",
            body = Report,
            headers(("Location" = String, description = "URL of the report"))),
        (status = 400, description = "Invalid input; `field_violations` name the fields", body = ErrorBody),
        (status = 401, description = "Bad bearer token", body = ErrorBody),
        (status = 413, description = "Body larger than 64 KiB", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security((), ("bearer" = [])),
)]
pub async fn submit_report(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<SubmitReport>,
) -> Result<(StatusCode, HeaderMap, Json<Report>), GatewayError> {
    let message = pb::SubmitReportRequest {
        parent: parent(&insee),
        category: body.category,
        title: body.title,
        description: body.description,
        location: Some(pb::Location {
            latitude: body.location.latitude,
            longitude: body.location.longitude,
            address: body.location.address,
        }),
        request_id: forwarded.request_id.clone(),
        ..Default::default()
    };
    let mut client = state.reports.clone();
    let answer = call(client.submit_report(request(message, &forwarded))).await?;
    let report = Report::try_from(answer.report.ok_or_else(missing_report)?)?;
    let location = format!("/api/v1/communes/{}/reports/{}", report.commune, report.report_id);
    let location = HeaderValue::try_from(location).map_err(|e| GatewayError::UpstreamData(e.to_string()))?;
    Ok((StatusCode::CREATED, HeaderMap::from_iter([(header::LOCATION, location)]), Json(report)))
}

/// List a commune's reports, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/communes/{insee}/reports",
    tag = "reports",
    operation_id = "list_reports",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("page_size" = Option<i32>, Query, description = "1 to 100, default 20", minimum = 1, maximum = 100),
        ("page_token" = Option<String>, Query, description = "`next_page_token` of the previous page"),
    ),
    responses(
        (status = 200, description = "One page of reports", body = ReportList),
        (status = 400, description = "Invalid commune, page size or token", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
)]
pub async fn list_reports(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    page: PageQuery,
    forwarded: Forwarded,
) -> Result<Json<ReportList>, GatewayError> {
    let message = pb::ListReportsRequest {
        parent: parent(&insee),
        page_size: page.page_size,
        page_token: page.page_token,
        ..Default::default()
    };
    let mut client = state.reports.clone();
    let answer = call(client.list_reports(request(message, &forwarded))).await?;
    Ok(Json(ReportList::try_from(answer)?))
}

/// Read one report.
#[utoipa::path(
    get,
    path = "/api/v1/communes/{insee}/reports/{report_id}",
    tag = "reports",
    operation_id = "get_report",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("report_id" = String, Path, description = "Id of the report (a UUID)"),
    ),
    responses(
        (status = 200, description = "The report", body = Report),
        (status = 400, description = "Malformed commune code or report id", body = ErrorBody),
        (status = 404, description = "No such report in this commune", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
)]
pub async fn get_report(
    State(state): State<AppState>,
    ReportPath { insee, report_id }: ReportPath,
    forwarded: Forwarded,
) -> Result<Json<Report>, GatewayError> {
    let message = pb::GetReportRequest { name: name(&insee, &report_id) };
    let mut client = state.reports.clone();
    let answer = call(client.get_report(request(message, &forwarded))).await?;
    Ok(Json(Report::try_from(answer)?))
}

/// Acknowledge a new report (town-hall staff of the commune).
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/reports/{report_id}/acknowledge",
    tag = "reports",
    operation_id = "acknowledge_report",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("report_id" = String, Path, description = "Id of the report (a UUID)"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first result"),
    ),
    request_body = AcknowledgeReport,
    responses(
        (status = 200, description = "The acknowledged report", body = Report),
        (status = 400, description = "Invalid input", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not an agent of this commune", body = ErrorBody),
        (status = 404, description = "No such report in this commune", body = ErrorBody),
        (status = 409, description = "The report is not new any more", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn acknowledge_report(
    State(state): State<AppState>,
    ReportPath { insee, report_id }: ReportPath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<AcknowledgeReport>,
) -> Result<Json<Report>, GatewayError> {
    let message = pb::AcknowledgeReportRequest {
        name: name(&insee, &report_id),
        message: body.message,
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.reports.clone();
    let answer = call(client.acknowledge_report(request(message, &forwarded))).await?;
    Ok(Json(Report::try_from(answer.report.ok_or_else(missing_report)?)?))
}

/// Move a report on: in progress, resolved, or rejected with a public reason (town-hall staff).
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/reports/{report_id}/status",
    tag = "reports",
    operation_id = "update_report_status",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("report_id" = String, Path, description = "Id of the report (a UUID)"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first result"),
    ),
    request_body = UpdateReportStatus,
    responses(
        (status = 200, description = "The report after the step", body = Report),
        (status = 400, description = "Invalid input (a rejection without a reason)", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not staff of this commune", body = ErrorBody),
        (status = 404, description = "No such report in this commune", body = ErrorBody),
        (status = 409, description = "The report is closed, or already in that state", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn update_report_status(
    State(state): State<AppState>,
    ReportPath { insee, report_id }: ReportPath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<UpdateReportStatus>,
) -> Result<Json<Report>, GatewayError> {
    let status = match body.status {
        NextStatus::InProgress => pb::ReportStatus::InProgress,
        NextStatus::Resolved => pb::ReportStatus::Resolved,
        NextStatus::Rejected => pb::ReportStatus::Rejected,
    };
    let message = pb::UpdateReportStatusRequest {
        name: name(&insee, &report_id),
        status: status.into(),
        message: body.message,
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.reports.clone();
    let answer = call(client.update_report_status(request(message, &forwarded))).await?;
    Ok(Json(Report::try_from(answer.report.ok_or_else(missing_report)?)?))
}

/// Reopen a resolved report, within 30 days of its resolution (its reporter only).
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/reports/{report_id}/reopen",
    tag = "reports",
    operation_id = "reopen_report",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("report_id" = String, Path, description = "Id of the report (a UUID)"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first result"),
    ),
    request_body = ReopenReport,
    responses(
        (status = 200, description = "The reopened report", body = Report),
        (status = 400, description = "Invalid input", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not the person who reported it", body = ErrorBody),
        (status = 404, description = "No such report in this commune", body = ErrorBody),
        (status = 409, description = "Not resolved, or resolved more than 30 days ago", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn reopen_report(
    State(state): State<AppState>,
    ReportPath { insee, report_id }: ReportPath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<ReopenReport>,
) -> Result<Json<Report>, GatewayError> {
    let message = pb::ReopenReportRequest {
        name: name(&insee, &report_id),
        message: body.message,
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.reports.clone();
    let answer = call(client.reopen_report(request(message, &forwarded))).await?;
    Ok(Json(Report::try_from(answer.report.ok_or_else(missing_report)?)?))
}
