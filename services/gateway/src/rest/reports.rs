//! `/api/v1/communes/{insee}/reports…`: the REST face of the reports service.
//! Each handler turns the HTTP request into one gRPC call and the answer into
//! JSON; validation and authorization are the service's.
//!
//! A retried submission with the same `Idempotency-Key` answers 201 with the
//! first report again: the service returns the first result without telling
//! whether it was a replay, and a replay is meant to look like the success
//! the client missed.
//!
//! The staff's tools (assignment, internal notes, merges) are in
//! [`super::triage`], the categories in [`super::categories`].

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::{Json, Router, routing};
use miroir_proto::reports::v1 as pb;

use crate::AppState;
use crate::error::{ErrorBody, FieldViolation, GatewayError};
use crate::rest::extract::{ApiJson, CommunePath, Forwarded, PageQuery, PhotoPath, Public, ReportPath};
use crate::rest::filters::{self, ReportFilters};
use crate::rest::schemas::{
    AcknowledgeReport, DuplicateList, ImageBytes, NextStatus, ReopenReport, Report, ReportList, SubmitReport,
    SubmitReportForm, UpdateReportStatus, VerifyReport, photo_extension,
};
use crate::rest::submission::Submission;
use crate::upstream::{call, request};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/communes/{insee}/reports", routing::post(submit_report).get(list_reports))
        .route("/communes/{insee}/reports/duplicates", routing::get(suggest_duplicates))
        .route("/communes/{insee}/reports/verify", routing::post(verify_report))
        .route("/communes/{insee}/reports/{report_id}", routing::get(get_report))
        .route("/communes/{insee}/reports/{report_id}/photos/{photo_id}", routing::get(get_report_photo))
        .route("/communes/{insee}/reports/{report_id}/acknowledge", routing::post(acknowledge_report))
        .route("/communes/{insee}/reports/{report_id}/status", routing::post(update_report_status))
        .route("/communes/{insee}/reports/{report_id}/reopen", routing::post(reopen_report))
        .route("/communes/{insee}/reports/{report_id}/support", routing::post(support_report))
}

pub(crate) fn missing_report() -> GatewayError {
    GatewayError::UpstreamData("answer without its report".into())
}

pub(crate) fn parent(insee: &str) -> String {
    format!("communes/{insee}")
}

pub(crate) fn name(insee: &str, report_id: &str) -> String {
    format!("communes/{insee}/reports/{report_id}")
}

/// How long a photo of a public report may be cached: it never changes.
const PUBLIC_PHOTO_CACHE: &str = "public, max-age=86400, immutable";
/// A photo only its viewer may see (staff, a report not yet verified).
const PRIVATE_PHOTO_CACHE: &str = "private, no-store";
/// A photo is shown, never run: no script, no plugin, no same-origin access
/// even if a browser were fooled into rendering it as a document.
const PHOTO_CSP: &str = "default-src 'none'; sandbox";

/// File a problem report.
///
/// Anyone may report; a bearer token, if sent, records who reported. Without
/// one, `reporter_email` is required: a verification link is sent there, and
/// the report is hidden from the public (404) until the link is followed
/// (`POST …/reports/verify`).
///
/// The body is either JSON or a `multipart/form-data` form with the JSON in
/// the part `report` and up to 5 images in parts `photos` (JPEG, PNG or
/// WebP, 5 MiB each; their metadata, GPS position included, is removed).
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
    request_body(content(
        (SubmitReport = "application/json"),
        (SubmitReportForm = "multipart/form-data"),
    )),
    responses(
        (status = 201, description = "Report filed (or the first one, on a retry with the same Idempotency-Key)",
            body = Report,
            headers(("Location" = String, description = "URL of the report"))),
        (status = 400, description = "Invalid input; `field_violations` name the fields (`photos[1]` for the \
                                      second photo, the name of a form part that is not taken)", body = ErrorBody),
        (status = 401, description = "Bad bearer token", body = ErrorBody),
        (status = 413, description = "JSON body larger than 64 KiB, or form larger than 26 MiB", body = ErrorBody),
        (status = 415, description = "Body is neither JSON nor multipart/form-data", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security((), ("bearer" = [])),
)]
pub async fn submit_report(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    forwarded: Forwarded,
    Submission { report: body, photos }: Submission,
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
        attributes: body.attributes.into_iter().map(pb::AttributeAnswer::from).collect(),
        photos,
        reporter_email: body.reporter_email,
    };
    let mut client = state.reports.clone();
    let answer = call(client.submit_report(request(message, &forwarded))).await?;
    let report = Report::try_from(answer.report.ok_or_else(missing_report)?)?;
    let location = format!("/api/v1/communes/{}/reports/{}", report.commune, report.report_id);
    let location = HeaderValue::try_from(location).map_err(|e| GatewayError::UpstreamData(e.to_string()))?;
    Ok((StatusCode::CREATED, HeaderMap::from_iter([(header::LOCATION, location)]), Json(report)))
}

/// List a commune's reports, newest first (or most supported first).
///
/// The filters combine (all must hold); `status` and `category` take several
/// values, repeated (`status=new&status=acknowledged`) or comma-separated
/// (`status=new,acknowledged`). A page token is only valid with the filters
/// and order it was given for. Anonymous reports not yet verified are listed
/// for the commune's staff only.
#[utoipa::path(
    get,
    path = "/api/v1/communes/{insee}/reports",
    tag = "reports",
    operation_id = "list_reports",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("page_size" = Option<i32>, Query, description = "1 to 100; 0 or absent: the default, 20", minimum = 0, maximum = 100),
        ("page_token" = Option<String>, Query, description = "`next_page_token` of the previous page"),
        ("status" = Option<Vec<String>>, Query, explode = true,
            description = "Only these statuses: `new`, `acknowledged`, `in_progress`, `resolved`, `rejected`, \
                           `merged` (repeated or comma-separated)", example = "new,acknowledged"),
        ("category" = Option<Vec<String>>, Query, explode = true,
            description = "Only these category codes (repeated or comma-separated, at most 50)", example = "voirie"),
        ("department" = Option<String>, Query, description = "Only reports routed to this department",
            example = "services techniques"),
        ("bbox" = Option<String>, Query,
            description = "Only inside this box: `south,west,north,east` in degrees (WGS 84)",
            example = "48.85,2.34,48.86,2.36"),
        ("submitted_after" = Option<String>, Query, description = "Submitted at or after (RFC 3339)",
            example = "2025-03-01T00:00:00Z"),
        ("submitted_before" = Option<String>, Query, description = "Submitted before (RFC 3339)",
            example = "2025-04-01T00:00:00Z"),
        ("q" = Option<String>, Query,
            description = "Words that must all appear in the title, description or address (accents and case \
                           ignored), at most 200 characters", example = "nid de poule"),
        ("order_by" = Option<String>, Query, description = "`newest` (default) or `most_supported`",
            example = "most_supported"),
        ("assigned_to" = Option<String>, Query,
            description = "Only reports assigned to this agent (account id); the commune's staff only"),
    ),
    responses(
        (status = 200, description = "One page of reports", body = ReportList),
        (status = 400, description = "Invalid commune, filter, page size or token; `field_violations` name the \
                                      query parameter", body = ErrorBody),
        (status = 401, description = "Bad bearer token", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security((), ("bearer" = [])),
)]
pub async fn list_reports(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    page: PageQuery,
    filters: ReportFilters,
    forwarded: Forwarded,
) -> Result<Json<ReportList>, GatewayError> {
    let mut message = pb::ListReportsRequest {
        parent: parent(&insee),
        page_size: page.page_size,
        page_token: page.page_token,
        ..Default::default()
    };
    filters.apply(&mut message);
    let mut client = state.reports.clone();
    let answer =
        call(client.list_reports(request(message, &forwarded))).await.map_err(|e| e.renaming(filters::RENAMES))?;
    Ok(Json(ReportList::try_from(answer)?))
}

/// Read one report.
///
/// An anonymous report is not found (404) until its reporter verifies their
/// e-mail, except for the commune's staff; some fields (`assigned_agent`,
/// `reporter_email`) are filled for the staff only.
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
        (status = 401, description = "Bad bearer token", body = ErrorBody),
        (status = 404, description = "No such report in this commune (or not public yet)", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security((), ("bearer" = [])),
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

/// One photo of a report: the image itself.
///
/// Only JPEG, PNG and WebP are ever served, each as the type the service
/// read from its bytes, with its metadata removed. A photo of a public
/// report may be cached for a day (photos never change); one of a report the
/// public cannot see yet is served to the commune's staff only, never cached.
#[utoipa::path(
    get,
    path = "/api/v1/communes/{insee}/reports/{report_id}/photos/{photo_id}",
    tag = "reports",
    operation_id = "get_report_photo",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("report_id" = String, Path, description = "Id of the report (a UUID)"),
        ("photo_id" = String, Path, description = "Id of the photo (a UUID), as in the report's `photos`"),
    ),
    responses(
        (status = 200, description = "The image",
            content(
                (ImageBytes = "image/jpeg"),
                (ImageBytes = "image/png"),
                (ImageBytes = "image/webp"),
            ),
            headers(
                ("Cache-Control" = String,
                    description = "`public, max-age=86400, immutable` for a public report, else `private, no-store`"),
                ("Content-Disposition" = String, description = "`inline; filename=\"{photo_id}.{jpg|png|webp}\"`"),
                ("X-Content-Type-Options" = String, description = "`nosniff`"),
                ("Content-Security-Policy" = String, description = "`default-src 'none'; sandbox`"),
            )),
        (status = 400, description = "Malformed commune code, report id or photo id", body = ErrorBody),
        (status = 404, description = "No such photo, or its report is not public and the caller is not staff",
            body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security((), ("bearer" = [])),
)]
pub async fn get_report_photo(
    State(state): State<AppState>,
    PhotoPath { insee, report_id, photo_id }: PhotoPath,
    forwarded: Forwarded,
) -> Result<Response, GatewayError> {
    let message = pb::GetReportPhotoRequest { name: format!("{}/photos/{photo_id}", name(&insee, &report_id)) };
    let mut client = state.reports.clone();
    // As the public first: what the public may see may be cached by anyone.
    // Only if that is refused do the caller's credentials count.
    let (photo, public) = match call(client.get_report_photo(request(message.clone(), &forwarded.anonymous()))).await {
        Ok(photo) => (photo, true),
        Err(GatewayError::Upstream(status))
            if status.code() == tonic::Code::NotFound && forwarded.has_credentials() =>
        {
            (call(client.get_report_photo(request(message, &forwarded))).await?, false)
        }
        Err(error) => return Err(error),
    };
    let extension = photo_extension(&photo.content_type).ok_or_else(|| {
        GatewayError::UpstreamData(format!("refusing to serve a photo of type `{}`", photo.content_type))
    })?;
    let value = |text: String| HeaderValue::try_from(text).map_err(|e| GatewayError::UpstreamData(e.to_string()));
    let headers = [
        (header::CONTENT_TYPE, value(photo.content_type)?),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::CONTENT_DISPOSITION, value(format!("inline; filename=\"{photo_id}.{extension}\""))?),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static(if public { PUBLIC_PHOTO_CACHE } else { PRIVATE_PHOTO_CACHE }),
        ),
        (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PHOTO_CSP)),
    ];
    let mut response = Response::new(Body::from(photo.data));
    response.headers_mut().extend(headers);
    Ok(response)
}

/// Open reports that may be the same problem: same category, within 50 m.
///
/// Meant for the submission form ("is it one of these?"): supporting an
/// existing report is better than filing a duplicate.
#[utoipa::path(
    get,
    path = "/api/v1/communes/{insee}/reports/duplicates",
    tag = "reports",
    operation_id = "suggest_duplicates",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("category" = String, Query, description = "Category code of the problem", example = "voirie"),
        ("latitude" = f64, Query, description = "Where the problem is (WGS 84)", example = 48.8566),
        ("longitude" = f64, Query, description = "Where the problem is (WGS 84)", example = 2.3522),
    ),
    responses(
        (status = 200, description = "At most 10 reports, nearest first", body = DuplicateList),
        (status = 400, description = "Missing or invalid parameter; `field_violations` name it", body = ErrorBody),
        (status = 401, description = "Bad bearer token", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security((), ("bearer" = [])),
)]
pub async fn suggest_duplicates(
    State(state): State<AppState>,
    CommunePath { insee }: CommunePath,
    forwarded: Forwarded,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Result<Json<DuplicateList>, GatewayError> {
    let params: HashMap<String, String> =
        form_urlencoded::parse(query.unwrap_or_default().as_bytes()).into_owned().collect();
    let category = params.get("category").map(|c| c.trim()).unwrap_or_default();
    if category.is_empty() {
        return Err(GatewayError::invalid_field("category", "is required"));
    }
    let coordinate = |name: &str| {
        params
            .get(name)
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite())
            .ok_or_else(|| GatewayError::invalid_field(name, "is required: a number of degrees (WGS 84)"))
    };
    let message = pb::SuggestDuplicatesRequest {
        parent: parent(&insee),
        category: category.to_owned(),
        location: Some(pb::Location {
            latitude: coordinate("latitude")?,
            longitude: coordinate("longitude")?,
            address: String::new(),
        }),
    };
    let mut client = state.reports.clone();
    let answer = call(client.suggest_duplicates(request(message, &forwarded))).await.map_err(|error| {
        // "Not in France" is about the point, both of its coordinates.
        match error.renaming(&[("location.latitude", "latitude"), ("location.longitude", "longitude")]) {
            GatewayError::InvalidRequest { message, violations } => GatewayError::InvalidRequest {
                message,
                violations: violations
                    .into_iter()
                    .flat_map(|v| match v.field.as_str() {
                        "location" => ["latitude", "longitude"]
                            .map(|field| FieldViolation { field: field.to_owned(), description: v.description.clone() })
                            .to_vec(),
                        _ => vec![v],
                    })
                    .collect(),
            },
            other => other,
        }
    })?;
    Ok(Json(DuplicateList::try_from(answer)?))
}

/// Verify an anonymous report: the reporter follows the link sent to their
/// e-mail, and the report becomes public.
///
/// The token identifies the report (the commune in the path is only checked
/// for its shape). A token works once: the second time is a 409.
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/reports/verify",
    tag = "reports",
    operation_id = "verify_report",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
    ),
    request_body = VerifyReport,
    responses(
        (status = 200, description = "The report, now public", body = Report),
        (status = 400, description = "Malformed token", body = ErrorBody),
        (status = 404, description = "No report waits for this token", body = ErrorBody),
        (status = 409, description = "Already verified", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
)]
pub async fn verify_report(
    State(state): State<AppState>,
    CommunePath { insee: _ }: CommunePath,
    Public(forwarded): Public,
    ApiJson(body): ApiJson<VerifyReport>,
) -> Result<Json<Report>, GatewayError> {
    let message = pb::VerifyReportRequest { token: body.token };
    let mut client = state.reports.clone();
    let answer = call(client.verify_report(request(message, &forwarded))).await?;
    Ok(Json(Report::try_from(answer.report.ok_or_else(missing_report)?)?))
}

/// Support a report ("me too"): once per account, not one's own report.
#[utoipa::path(
    post,
    path = "/api/v1/communes/{insee}/reports/{report_id}/support",
    tag = "reports",
    operation_id = "support_report",
    params(
        ("insee" = String, Path, description = "INSEE code of the commune", example = "75056"),
        ("report_id" = String, Path, description = "Id of the report (a UUID)"),
        ("Idempotency-Key" = String, Header,
            description = "Client-chosen key (1 to 100 printable characters): a retry with the same key \
                           returns the first result"),
    ),
    responses(
        (status = 200, description = "The report, with `supports` counting the caller", body = Report),
        (status = 400, description = "Malformed commune code or report id", body = ErrorBody),
        (status = 401, description = "No or bad bearer token: supporting needs an account", body = ErrorBody),
        (status = 404, description = "No such report in this commune", body = ErrorBody),
        (status = 409, description = "Already supported by the caller (`already_exists`), or the caller's own \
                                      report or a closed one (`failed_precondition`)", body = ErrorBody),
        (status = 503, description = "Service temporarily unavailable", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn support_report(
    State(state): State<AppState>,
    ReportPath { insee, report_id }: ReportPath,
    forwarded: Forwarded,
) -> Result<Json<Report>, GatewayError> {
    let message = pb::SupportReportRequest { name: name(&insee, &report_id), request_id: forwarded.request_id.clone() };
    let mut client = state.reports.clone();
    let answer = call(client.support_report(request(message, &forwarded))).await?;
    Ok(Json(Report::try_from(answer.report.ok_or_else(missing_report)?)?))
}
