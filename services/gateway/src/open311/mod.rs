//! Open311 GeoReport v2 under `/open311/v2/`, so that existing Open311 apps
//! and clients work with Miroir unchanged: a commune's report categories are
//! its *services*, its reports are *service requests*.
//!
//! | call | answer |
//! | --- | --- |
//! | `GET services.{json,xml}` | the commune's active categories |
//! | `GET services/{service_code}.{json,xml}` | a category's questions (attributes) |
//! | `GET requests.{json,xml}` | public reports, newest first (filters below) |
//! | `POST requests.{json,xml}` | files a report for an integration client |
//! | `GET requests/{service_request_id}.{json,xml}` | one public report |
//! | `GET tokens/{token}.{json,xml}` | the report a token stands for (a token *is* the report id) |
//!
//! The format is the path's extension (XML without one, the specification's
//! required format); errors come as the specification's error list in that
//! format, with the same HTTP status. `jurisdiction_id` is the commune's
//! INSEE code and is required on every call. `api_key`, required to post,
//! is an integration client's `{client_id}:{client_secret}` ([`api_key`]).
//!
//! `GET requests` takes `service_request_id` (comma-delimited; overrides the
//! other filters), `service_code` (comma-delimited), `status` (`open`,
//! `closed`), `start_date` and `end_date` (W3C date-times). Without dates it
//! covers the last 90 days, as the specification says; it answers at most
//! [`MAX_REQUESTS`] requests.
//!
//! Differences from the specification (`docs/open311.md` has them all):
//! - lat and long are required to post: Miroir does not geocode
//!   `address_string` or `address_id` (the address is kept as given);
//! - `media_url` is accepted and ignored: the gateway never fetches a URL a
//!   client hands it. Photos are uploaded through the REST API or the site;
//! - `first_name`, `last_name`, `phone`, `device_id` and `account_id` are
//!   accepted and ignored (no personal data is kept that the commune does
//!   not need); `email` is the reporter's address, passed to the reports
//!   service and never logged;
//! - a date range may span more than 90 days.
//!
//! Responses to `GET` carry `Access-Control-Allow-Origin: *`: the data is
//! public and Open311 maps often run in browsers.
//!
//! - [`params`] — the query string and form, `attribute[CODE]`, dates.
//! - [`model`] — categories and reports as services and requests.
//! - [`format`] — one answer tree, written as JSON or XML.
//! - [`error`] — the specification's error list; gRPC statuses translated.
//! - [`api_key`] — the client credentials and their cached access tokens.

pub mod api_key;
pub mod error;
pub mod format;
pub mod model;
pub mod params;

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::Response;
use axum::{Router, routing};
use miroir_proto::identity::v1 as id;
use miroir_proto::reports::v1 as pb;
use tonic::Code;

use self::api_key::ApiKey;
pub use self::api_key::TokenCache;
use self::error::{Failure, Open311Error};
use self::format::{Answer, Format, Node};
use self::params::Params;
use crate::AppState;
use crate::error::GatewayError;
use crate::rest::extract::{Forwarded, IDEMPOTENCY_KEY};
use crate::upstream::{call, request};

/// The most requests `GET requests` answers (newest first): one page of the
/// reports service.
pub const MAX_REQUESTS: i32 = 100;
/// The most ids `service_request_id` may list.
pub const MAX_IDS: usize = 100;
/// How many reports are read at once to complete a list.
const CONCURRENT_READS: usize = 16;
/// The window of `GET requests` without dates.
const DEFAULT_WINDOW_US: i64 = 90 * 24 * 3600 * 1_000_000;

/// Every route, relative to `/open311/v2`.
pub fn routes() -> Router<AppState> {
    let mut router = Router::new();
    for path in ["/services", "/services.json", "/services.xml"] {
        router = router.route(path, routing::get(list_services));
    }
    for path in ["/requests", "/requests.json", "/requests.xml"] {
        router = router.route(path, routing::get(list_requests).post(post_request));
    }
    for path in ["/discovery", "/discovery.json", "/discovery.xml"] {
        router = router.route(path, routing::get(discovery));
    }
    router
        .route("/services/{code}", routing::get(get_service_definition))
        .route("/requests/{id}", routing::get(get_request))
        .route("/tokens/{token}", routing::get(get_token))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(cors_for_reads))
}

type Result<T> = std::result::Result<T, Failure>;

async fn not_found(uri: Uri) -> Failure {
    Open311Error::not_found("no such Open311 resource: see services, requests and tokens, in .json or .xml")
        .in_format(Format::of_path(uri.path()))
}

async fn method_not_allowed(uri: Uri) -> Failure {
    Open311Error::new(StatusCode::METHOD_NOT_ALLOWED, "this method is not allowed on this resource")
        .in_format(Format::of_path(uri.path()))
}

/// Open311 reads are public: any web page may call them.
async fn cors_for_reads(request: Request, next: Next) -> Response {
    let read = matches!(*request.method(), Method::GET | Method::HEAD);
    let mut response = next.run(request).await;
    if read {
        response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    }
    response
}

/// The format of a resource segment (`{id}.json`) and the id in it.
fn resource(segment: &str) -> std::result::Result<(&str, Format), Failure> {
    Format::split(segment)
        .ok_or_else(|| Open311Error::not_found("the format must be .json or .xml").in_format(Format::Xml))
}

fn fail(format: Format) -> impl Fn(Open311Error) -> Failure {
    move |error| error.in_format(format)
}

fn upstream(format: Format) -> impl Fn(GatewayError) -> Failure {
    move |error| Open311Error::from(error).in_format(format)
}

// ---------------------------------------------------------------- reads shared by the handlers

/// The commune of `jurisdiction_id` (identity's public record): 404 when no
/// commune with that code is on Miroir.
async fn commune(state: &AppState, insee: &str) -> std::result::Result<id::Commune, Open311Error> {
    let message = id::GetCommuneRequest { name: format!("communes/{insee}") };
    let mut client = state.identity.clone();
    call(client.get_commune(request(message, &Forwarded::default()))).await.map_err(|error| match error {
        GatewayError::Upstream(status) if matches!(status.code(), Code::NotFound | Code::InvalidArgument) => {
            Open311Error::not_found(format!("jurisdiction_id: no commune {insee} on this server"))
        }
        other => other.into(),
    })
}

async fn categories(
    state: &AppState,
    insee: &str,
    include_retired: bool,
) -> std::result::Result<Vec<pb::Category>, Open311Error> {
    let message = pb::ListCategoriesRequest { parent: format!("communes/{insee}"), include_retired };
    let mut client = state.reports.clone();
    Ok(call(client.list_categories(request(message, &Forwarded::default()))).await?.categories)
}

/// Category codes are 1..64 of `[a-z0-9_-]`; anything else names no service
/// (and must not reach a resource name).
fn is_service_code(code: &str) -> bool {
    (1..=64).contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_'))
}

fn unknown_service(code: &str) -> Open311Error {
    let shown: String = code.chars().filter(|c| !c.is_control()).take(64).collect();
    Open311Error::not_found(format!("service_code: no service {shown} in this jurisdiction"))
}

async fn category(state: &AppState, insee: &str, code: &str) -> std::result::Result<pb::Category, Open311Error> {
    if !is_service_code(code) {
        return Err(unknown_service(code));
    }
    let message = pb::GetCategoryRequest { name: format!("communes/{insee}/categories/{code}") };
    let mut client = state.reports.clone();
    call(client.get_category(request(message, &Forwarded::default()))).await.map_err(|error| match error {
        GatewayError::Upstream(status) if status.code() == Code::NotFound => unknown_service(code),
        other => other.into(),
    })
}

fn is_report_id(id: &str) -> bool {
    id.len() == 36 && uuid::Uuid::try_parse(id).is_ok()
}

fn unknown_request(id: &str) -> Open311Error {
    let shown: String = id.chars().filter(|c| !c.is_control()).take(64).collect();
    Open311Error::not_found(format!("service_request_id: no request {shown} in this jurisdiction"))
}

/// A public report; `None` when there is none with that id in the commune.
async fn report(state: &AppState, insee: &str, id: &str) -> std::result::Result<Option<pb::Report>, Open311Error> {
    if !is_report_id(id) {
        return Ok(None);
    }
    let message = pb::GetReportRequest { name: format!("communes/{insee}/reports/{id}") };
    let mut client = state.reports.clone();
    match call(client.get_report(request(message, &Forwarded::default()))).await {
        Ok(report) => Ok(Some(report)),
        Err(GatewayError::Upstream(status)) if status.code() == Code::NotFound => Ok(None),
        Err(error) => Err(error.into()),
    }
}

// ---------------------------------------------------------------- services

/// `GET services`: the commune's active categories.
async fn list_services(State(state): State<AppState>, uri: Uri) -> Result<Answer> {
    let format = Format::of_path(uri.path());
    let params = Params::from_query(uri.query());
    let insee = params::jurisdiction(&params).map_err(fail(format))?;
    let (commune, categories) = tokio::join!(commune(&state, &insee), categories(&state, &insee, false));
    commune.map_err(fail(format))?;
    let services = categories.map_err(fail(format))?.iter().filter(|c| c.active).map(model::service).collect();
    Ok(Answer::ok(format, "services", Node::list("service", services)))
}

/// When this API last changed in a way clients may care about (the discovery document's `changeset`).
const CHANGESET: &str = "2026-11-21T00:00:00Z";

/// `GET discovery`: the specification's service discovery — where this GeoReport v2 API is and in which
/// formats. The address is the one the client used (`Host`, and `X-Forwarded-Proto` behind a proxy).
async fn discovery(headers: axum::http::HeaderMap, uri: Uri) -> Answer {
    let format = Format::of_path(uri.path());
    // Only a plain host[:port] is echoed back; anything else reads as localhost.
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.len() <= 255)
        .filter(|h| h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b)))
        .unwrap_or("localhost");
    let https = headers.get("x-forwarded-proto").and_then(|h| h.to_str().ok()) == Some("https");
    let url = format!("{}://{host}/open311/v2", if https { "https" } else { "http" });
    let endpoint = Node::Object(vec![
        ("specification", Node::text("http://wiki.open311.org/GeoReport_v2")),
        ("url", Node::text(url)),
        ("changeset", Node::text(CHANGESET)),
        ("type", Node::text("production")),
        ("formats", Node::list("format", vec![Node::text("application/json"), Node::text("text/xml")])),
    ]);
    let body = Node::Object(vec![
        ("changeset", Node::text(CHANGESET)),
        ("contact", Node::text("Each commune's own contact is on its page of the site (/c/{jurisdiction_id}/).")),
        (
            "key_service",
            Node::text("An api_key is an integration client's credentials, created by the commune's administrator."),
        ),
        ("endpoints", Node::list("endpoint", vec![endpoint])),
    ]);
    Answer::ok(format, "discovery", body)
}

/// `GET services/{service_code}`: the category's questions.
async fn get_service_definition(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    uri: Uri,
) -> Result<Answer> {
    let (code, format) = resource(&segment)?;
    let params = Params::from_query(uri.query());
    let insee = params::jurisdiction(&params).map_err(fail(format))?;
    let (commune, category) = tokio::join!(commune(&state, &insee), category(&state, &insee, code));
    commune.map_err(fail(format))?;
    let category = category.map_err(fail(format))?;
    Ok(Answer::ok(format, "service_definition", model::service_definition(&category)))
}

// ---------------------------------------------------------------- requests

/// `GET requests`: public reports, newest first.
async fn list_requests(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Result<Answer> {
    let format = Format::of_path(uri.path());
    let params = Params::from_query(uri.query());
    let insee = params::jurisdiction(&params).map_err(fail(format))?;
    let ids = params.list("service_request_id");
    let reports = async {
        if ids.is_empty() { search(&state, &insee, &params).await } else { by_ids(&state, &insee, &ids).await }
    };
    let (commune, categories, reports) =
        tokio::join!(commune(&state, &insee), categories(&state, &insee, true), reports);
    let commune = commune.map_err(fail(format))?;
    let reports = reports.map_err(fail(format))?;
    let categories = categories.map_err(fail(format))?;
    Ok(requests_answer(format, &reports, &categories, &commune, &headers))
}

fn requests_answer(
    format: Format,
    reports: &[pb::Report],
    categories: &[pb::Category],
    commune: &id::Commune,
    headers: &HeaderMap,
) -> Answer {
    let base = model::public_base(headers);
    let context = model::Context { categories, commune, public_base: base.as_deref() };
    let requests = reports.iter().map(|report| model::service_request(report, &context)).collect();
    Answer::ok(format, "service_requests", Node::list("request", requests))
}

/// `service_request_id=a,b,c`: those that exist, in the order asked.
async fn by_ids(state: &AppState, insee: &str, ids: &[String]) -> std::result::Result<Vec<pb::Report>, Open311Error> {
    if ids.len() > MAX_IDS {
        return Err(Open311Error::bad_request(format!("service_request_id: at most {MAX_IDS} ids at once")));
    }
    // The same id asked twice is answered once.
    let mut seen = std::collections::HashSet::new();
    let ids: Vec<&String> = ids.iter().filter(|id| seen.insert(id.as_str())).collect();
    let mut lookups = tokio::task::JoinSet::new();
    let mut found = Vec::new();
    for (index, id) in ids.into_iter().enumerate() {
        if lookups.len() >= CONCURRENT_READS {
            collect(&mut lookups, &mut found).await?;
        }
        let (state, insee, id) = (state.clone(), insee.to_owned(), id.clone());
        lookups.spawn(async move { (index, report(&state, &insee, &id).await) });
    }
    while !lookups.is_empty() {
        collect(&mut lookups, &mut found).await?;
    }
    found.sort_by_key(|(index, _)| *index);
    Ok(found.into_iter().map(|(_, report)| report).collect())
}

type Lookup = (usize, std::result::Result<Option<pb::Report>, Open311Error>);

/// Waits for one lookup and keeps its report, if there is one.
async fn collect(
    lookups: &mut tokio::task::JoinSet<Lookup>,
    found: &mut Vec<(usize, pb::Report)>,
) -> std::result::Result<(), Open311Error> {
    let Some(joined) = lookups.join_next().await else { return Ok(()) };
    let (index, report) = joined.map_err(|error| {
        tracing::error!(%error, "report lookup task failed");
        Open311Error::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
    })?;
    if let Some(report) = report? {
        found.push((index, report));
    }
    Ok(())
}

/// The filters of `GET requests`: one page of `ListReports`, then each report
/// read in full (a list row has no timeline nor photos, which give
/// `status_notes`, `updated_datetime` and `media_url`).
async fn search(state: &AppState, insee: &str, params: &Params) -> std::result::Result<Vec<pb::Report>, Open311Error> {
    let codes = params.list("service_code");
    if let Some(bad) = codes.iter().find(|code| !is_service_code(code)) {
        return Err(unknown_service(bad));
    }
    let statuses = params::statuses(params)?;
    let start = params::datetime_param(params, "start_date")?;
    let end = params::datetime_param(params, "end_date")?;
    // The service's bounds: at or after, strictly before; 0 is unbounded.
    let (after, before) = match (start, end) {
        (None, None) => (now_us().saturating_sub(DEFAULT_WINDOW_US), 0),
        // `end_date` is the last instant included.
        (start, end) => (start.unwrap_or(0).max(0), end.map_or(0, |end| end.saturating_add(1))),
    };
    if end.is_some() && (before <= 0 || after >= before) {
        // Nothing was submitted before 1970, nor in an empty range.
        return Ok(Vec::new());
    }
    let message = pb::ListReportsRequest {
        parent: format!("communes/{insee}"),
        page_size: MAX_REQUESTS,
        statuses: statuses.into_iter().map(i32::from).collect(),
        categories: codes,
        submitted_after_us: after,
        submitted_before_us: before,
        ..Default::default()
    };
    let mut client = state.reports.clone();
    let page = call(client.list_reports(request(message, &Forwarded::default()))).await?;
    let ids: Vec<String> = page.reports.into_iter().map(|report| report.report_id).collect();
    by_ids(state, insee, &ids).await
}

fn now_us() -> i64 {
    let now = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1000;
    i64::try_from(now).unwrap_or(i64::MAX)
}

/// `GET requests/{service_request_id}`: one public report, as a list of one.
async fn get_request(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Answer> {
    let (id, format) = resource(&segment)?;
    let params = Params::from_query(uri.query());
    let insee = params::jurisdiction(&params).map_err(fail(format))?;
    let (commune, categories, report) =
        tokio::join!(commune(&state, &insee), categories(&state, &insee, true), report(&state, &insee, id));
    let commune = commune.map_err(fail(format))?;
    let report = report.map_err(fail(format))?.ok_or_else(|| unknown_request(id).in_format(format))?;
    let categories = categories.map_err(fail(format))?;
    Ok(requests_answer(format, &[report], &categories, &commune, &headers))
}

/// `GET tokens/{token}`: requests are created at once, so a token is the
/// request's id; answered for a public report.
async fn get_token(State(state): State<AppState>, Path(segment): Path<String>, uri: Uri) -> Result<Answer> {
    let (token, format) = resource(&segment)?;
    let params = Params::from_query(uri.query());
    let insee = params::jurisdiction(&params).map_err(fail(format))?;
    let (commune, report) = tokio::join!(commune(&state, &insee), report(&state, &insee, token));
    commune.map_err(fail(format))?;
    let report = report.map_err(fail(format))?.ok_or_else(|| {
        let shown: String = token.chars().filter(|c| !c.is_control()).take(64).collect();
        Open311Error::not_found(format!("token: no request for token {shown} in this jurisdiction")).in_format(format)
    })?;
    let entry = Node::Object(vec![
        ("service_request_id", Node::text(&report.report_id)),
        ("token", Node::text(&report.report_id)),
    ]);
    Ok(Answer::ok(format, "service_requests", Node::list("request", vec![entry])))
}

// ---------------------------------------------------------------- new requests

/// `POST requests`: files a report for the integration client of `api_key`.
async fn post_request(State(state): State<AppState>, request_: Request) -> Result<Answer> {
    let (parts, body) = request_.into_parts();
    let format = Format::of_path(parts.uri.path());
    let mut params = Params::from_query(parts.uri.query());
    let body = axum::body::to_bytes(body, crate::error::BODY_LIMIT_BYTES).await.map_err(|_| {
        Open311Error::new(StatusCode::PAYLOAD_TOO_LARGE, "the request body is too large").in_format(format)
    })?;
    read_form(&parts.headers, &body, &mut params).map_err(fail(format))?;
    let request_id = idempotency_key(&parts.headers).map_err(fail(format))?;
    let submission = Submission::parse(&params).map_err(fail(format))?;

    let (commune, token, category) = tokio::join!(
        commune(&state, &submission.insee),
        api_key::access_token(&state, &submission.api_key, false),
        category(&state, &submission.insee, &submission.service_code),
    );
    // Checked in the order the specification lists them.
    let commune = commune.map_err(fail(format))?;
    let token = token.map_err(fail(format))?;
    let category = category.map_err(fail(format))?;

    let message = pb::SubmitReportRequest {
        parent: format!("communes/{}", submission.insee),
        category: category.code.clone(),
        title: model::title(&category.name, &submission.description),
        description: submission.description.clone(),
        location: Some(pb::Location {
            latitude: submission.lat,
            longitude: submission.long,
            address: submission.address.clone(),
        }),
        request_id,
        attributes: submission.attributes.clone(),
        photos: Vec::new(),
        reporter_email: submission.email.clone(),
    };
    let mut answer = submit(&state, message.clone(), &token).await;
    if matches!(&answer, Err(GatewayError::Upstream(status)) if status.code() == Code::Unauthenticated) {
        // The cached token was refused (revoked, or its signing key retired):
        // one more try with a new one.
        let token = api_key::access_token(&state, &submission.api_key, true).await.map_err(fail(format))?;
        answer = submit(&state, message, &token).await;
    }
    let report = answer.map_err(upstream(format))?;
    tracing::info!(commune = %submission.insee, report_id = %report.report_id, "Open311 request filed");
    let entry = Node::Object(vec![
        ("service_request_id", Node::text(&report.report_id)),
        ("service_notice", Node::text_or_null(model::service_notice(&commune, &report))),
        ("account_id", Node::Null),
        ("token", Node::text(&report.report_id)),
    ]);
    Ok(Answer::ok(format, "service_requests", Node::list("request", vec![entry])))
}

async fn submit(
    state: &AppState,
    message: pb::SubmitReportRequest,
    token: &str,
) -> std::result::Result<pb::Report, GatewayError> {
    let mut forwarded = Forwarded::bearer(token);
    forwarded.request_id = message.request_id.clone();
    let mut client = state.reports.clone();
    let answer = call(client.submit_report(request(message, &forwarded))).await?;
    answer.report.ok_or_else(|| GatewayError::UpstreamData("answer without its report".into()))
}

/// Adds the form body's parameters. The specification's body is
/// `application/x-www-form-urlencoded`; an empty body may come without a
/// type (everything in the query string).
fn read_form(headers: &HeaderMap, body: &Bytes, params: &mut Params) -> std::result::Result<(), Open311Error> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/x-www-form-urlencoded" => {
            params.extend_form(body);
            Ok(())
        }
        "" if body.is_empty() => Ok(()),
        _ => Err(Open311Error::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the parameters as application/x-www-form-urlencoded (media files are not accepted: \
             upload photos through the REST API)",
        )),
    }
}

/// The `Idempotency-Key` header, if the client sends one (Open311 has no
/// such notion; a client that does gets safe retries).
fn idempotency_key(headers: &HeaderMap) -> std::result::Result<String, Open311Error> {
    match headers.get(IDEMPOTENCY_KEY) {
        None => Ok(String::new()),
        Some(value) => match value.to_str() {
            Ok(key) if !key.trim().is_empty() => Ok(key.to_owned()),
            _ => Err(Open311Error::bad_request(format!("{IDEMPOTENCY_KEY}: must be 1 to 100 printable characters"))),
        },
    }
}

/// The parameters of `POST requests` Miroir uses. `Debug` leaves out the
/// e-mail address and the key.
struct Submission {
    insee: String,
    api_key: ApiKey,
    service_code: String,
    lat: f64,
    long: f64,
    address: String,
    description: String,
    email: String,
    attributes: Vec<pb::AttributeAnswer>,
}

impl std::fmt::Debug for Submission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Submission")
            .field("insee", &self.insee)
            .field("service_code", &self.service_code)
            .finish_non_exhaustive()
    }
}

impl Submission {
    fn parse(params: &Params) -> std::result::Result<Submission, Open311Error> {
        let insee = params::jurisdiction(params)?;
        let api_key = ApiKey::parse(params.single("api_key")?)?;
        let service_code = params
            .single("service_code")?
            .ok_or_else(|| Open311Error::bad_request("service_code is required: see services for the codes"))?
            .to_owned();
        let (lat, long) = match (params.single("lat")?, params.single("long")?) {
            (Some(lat), Some(long)) => (params::coordinate("lat", lat)?, params::coordinate("long", long)?),
            (None, None) => {
                return Err(Open311Error::bad_request(
                    "lat and long are required: this server does not geocode address_string or address_id",
                ));
            }
            (Some(_), None) => return Err(Open311Error::bad_request("long is required with lat")),
            (None, Some(_)) => return Err(Open311Error::bad_request("lat is required with long")),
        };
        Ok(Submission {
            insee,
            api_key,
            service_code,
            lat,
            long,
            address: params.single("address_string")?.unwrap_or_default().to_owned(),
            description: params.single("description")?.unwrap_or_default().to_owned(),
            email: params.single("email")?.unwrap_or_default().to_owned(),
            attributes: params.attributes()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str) -> std::result::Result<Submission, Open311Error> {
        Submission::parse(&Params::from_query(Some(query)))
    }

    #[test]
    fn a_submission_needs_its_parameters() {
        let ok = "jurisdiction_id=75056&api_key=c%3As&service_code=voirie&lat=48.85&long=2.35";
        let submission = parse(&format!("{ok}&email=a%40b.fr&attribute[gravite]=forte&description=Trou"));
        let submission = submission.map_err(|e| e.description);
        let submission =
            submission.as_ref().map(|s| (s.service_code.as_str(), s.lat, s.email.as_str(), s.attributes.len()));
        assert_eq!(submission, Ok(("voirie", 48.85, "a@b.fr", 1)));
        for (query, status, start) in [
            ("api_key=c%3As&service_code=voirie&lat=1&long=2", 400, "jurisdiction_id"),
            ("jurisdiction_id=75056&service_code=voirie&lat=1&long=2", 403, "api_key"),
            ("jurisdiction_id=75056&api_key=nocolon&service_code=voirie&lat=1&long=2", 403, "invalid api_key"),
            ("jurisdiction_id=75056&api_key=c%3As&lat=1&long=2", 400, "service_code"),
            ("jurisdiction_id=75056&api_key=c%3As&service_code=v&address_string=x", 400, "lat and long"),
            ("jurisdiction_id=75056&api_key=c%3As&service_code=v&lat=1", 400, "long"),
            ("jurisdiction_id=75056&api_key=c%3As&service_code=v&lat=x&long=1", 400, "lat:"),
            ("jurisdiction_id=75056&api_key=c%3As&service_code=v&lat=1&long=2&attribute[a=1", 400, "attribute[a"),
        ] {
            let error = parse(query).err().map(|e| (e.status.as_u16(), e.description));
            let (got_status, description) = error.unwrap_or_default();
            assert_eq!(got_status, status, "{query}");
            assert!(description.starts_with(start), "{query}: {description}");
        }
        // The e-mail and the key stay out of Debug.
        let debug = format!("{:?}", parse(&format!("{ok}&email=anne%40example.fr")).map_err(|e| e.description));
        assert!(!debug.contains("anne") && !debug.contains("c:s"), "{debug}");
    }

    #[test]
    fn service_codes_and_report_ids() {
        assert!(is_service_code("voirie"));
        assert!(is_service_code("eclairage-public_2"));
        for bad in ["", "Voirie", "a/b", "a.json", &"x".repeat(65)] {
            assert!(!is_service_code(bad), "{bad}");
        }
        assert!(is_report_id("0190c0de-0000-7000-8000-000000000000"));
        assert!(!is_report_id("0190c0de000070008000000000000000"));
        assert!(!is_report_id("../x"));
    }

    #[test]
    fn form_bodies() {
        let mut headers = HeaderMap::new();
        let mut params = Params::default();
        assert!(read_form(&headers, &Bytes::new(), &mut params).is_ok());
        assert!(read_form(&headers, &Bytes::from_static(b"a=1"), &mut params).is_err());
        headers
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded; charset=UTF-8"));
        assert!(read_form(&headers, &Bytes::from_static(b"service_code=voirie"), &mut params).is_ok());
        assert_eq!(params.single("service_code").ok().flatten(), Some("voirie"));
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("multipart/form-data; boundary=x"));
        let error = read_form(&headers, &Bytes::from_static(b"--x"), &mut params).err();
        assert_eq!(error.map(|e| e.status.as_u16()), Some(415));
    }
}
