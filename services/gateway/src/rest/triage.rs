//! `/api/v1/communes/{insee}/reports/{report_id}/…`: what the commune's staff
//! (agents, administrators, city IT with `reports:write`) do with a report
//! besides moving it on: route it, keep internal notes, merge duplicates.
//! A token of another commune is refused (403); a report of another commune
//! is not found through this commune's path (404).

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Json, Router, routing};
use miroir_proto::reports::v1 as pb;

use crate::AppState;
use crate::error::{ErrorBody, GatewayError};
use crate::rest::extract::{ApiJson, Forwarded, ReportPath, check_report_id};
use crate::rest::reports::{missing_report, name};
use crate::rest::schemas::{AddNote, AssignReport, InternalNote, InternalNoteList, MergeReport, Report};
use crate::upstream::{call, request};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/communes/{insee}/reports/{report_id}/assign", routing::post(assign_report))
        .route("/communes/{insee}/reports/{report_id}/notes", routing::post(add_note).get(list_notes))
        .route("/communes/{insee}/reports/{report_id}/merge", routing::post(merge_report))
}

/// Route a report to a department, and optionally to one agent (staff).
///
/// The department shows on the public timeline; the agent only to the staff.
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/reports/{report_id}/assign",
    tag = "reports",
    operation_id = "assign_report",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("report_id" = String, Path, description = "Id of the report (a UUID)"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first result"),
    ),
    request_body = AssignReport,
    responses(
        (status = 200, description = "The report, routed", body = Report),
        (status = 400, description = "Invalid input; `field_violations` name the fields", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not staff of this commune", body = ErrorBody),
        (status = 404, description = "No such report in this commune", body = ErrorBody),
        (status = 409, description = "The report is closed, or already routed so", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn assign_report(
    State(state): State<AppState>,
    ReportPath { insee, report_id }: ReportPath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<AssignReport>,
) -> Result<Json<Report>, GatewayError> {
    let message = pb::AssignReportRequest {
        name: name(&insee, &report_id),
        department: body.department,
        agent: body.agent,
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.reports.clone();
    let answer = call(client.assign_report(request(message, &forwarded))).await?;
    Ok(Json(Report::try_from(answer.report.ok_or_else(missing_report)?)?))
}

/// Add a note to a report that only the commune's staff read (staff).
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/reports/{report_id}/notes",
    tag = "reports",
    operation_id = "add_internal_note",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("report_id" = String, Path, description = "Id of the report (a UUID)"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first note and adds nothing"),
    ),
    request_body = AddNote,
    responses(
        (status = 201, description = "The note", body = InternalNote),
        (status = 400, description = "Invalid input (an empty or too long text)", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not staff of this commune", body = ErrorBody),
        (status = 404, description = "No such report in this commune", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn add_note(
    State(state): State<AppState>,
    ReportPath { insee, report_id }: ReportPath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<AddNote>,
) -> Result<(StatusCode, Json<InternalNote>), GatewayError> {
    let message = pb::AddInternalNoteRequest {
        name: name(&insee, &report_id),
        text: body.text,
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.reports.clone();
    let note = call(client.add_internal_note(request(message, &forwarded))).await?;
    Ok((StatusCode::CREATED, Json(InternalNote::try_from(note)?)))
}

/// A report's internal notes, oldest first (staff).
#[utoipa::path(
    get,
    path = "/api/v1/communes/{insee}/reports/{report_id}/notes",
    tag = "reports",
    operation_id = "list_internal_notes",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("report_id" = String, Path, description = "Id of the report (a UUID)"),
    ),
    responses(
        (status = 200, description = "The notes", body = InternalNoteList),
        (status = 400, description = "Malformed commune code or report id", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not staff of this commune", body = ErrorBody),
        (status = 404, description = "No such report in this commune", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn list_notes(
    State(state): State<AppState>,
    ReportPath { insee, report_id }: ReportPath,
    forwarded: Forwarded,
) -> Result<Json<InternalNoteList>, GatewayError> {
    let message = pb::ListInternalNotesRequest { name: name(&insee, &report_id) };
    let mut client = state.reports.clone();
    let answer = call(client.list_internal_notes(request(message, &forwarded))).await?;
    let notes = answer.notes.into_iter().map(InternalNote::try_from).collect::<Result<_, _>>()?;
    Ok(Json(InternalNoteList { notes }))
}

/// Close a duplicate into the report kept (staff).
///
/// The duplicate becomes `merged` and points to the kept report
/// (`merged_into`); its supporters and followers move there. The answer is
/// the kept report. A retry with the same Idempotency-Key finishes a merge
/// that was interrupted.
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/reports/{report_id}/merge",
    tag = "reports",
    operation_id = "merge_report",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("report_id" = String, Path, description = "Id of the duplicate (a UUID)"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first result"),
    ),
    request_body = MergeReport,
    responses(
        (status = 200, description = "The kept report, with the duplicate's supporters", body = Report),
        (status = 400, description = "Invalid input: `into` is not a report of this commune, is the duplicate \
                                      itself, or was itself merged", body = ErrorBody),
        (status = 401, description = "No or bad bearer token", body = ErrorBody),
        (status = 403, description = "Not staff of this commune", body = ErrorBody),
        (status = 404, description = "No such report in this commune", body = ErrorBody),
        (status = 409, description = "The duplicate is closed (merged elsewhere, resolved or rejected)",
            body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn merge_report(
    State(state): State<AppState>,
    ReportPath { insee, report_id }: ReportPath,
    forwarded: Forwarded,
    ApiJson(body): ApiJson<MergeReport>,
) -> Result<Json<Report>, GatewayError> {
    check_report_id(&body.into)
        .map_err(|_| GatewayError::invalid_field("into", "must be the id of a report of this commune (a UUID)"))?;
    let message = pb::MergeReportRequest {
        name: name(&insee, &report_id),
        into: name(&insee, &body.into),
        message: body.message,
        request_id: forwarded.request_id.clone(),
    };
    let mut client = state.reports.clone();
    let answer = call(client.merge_report(request(message, &forwarded))).await?;
    Ok(Json(Report::try_from(answer.report.ok_or_else(missing_report)?)?))
}
