//! Request extractors of the REST API. Each one rejects bad input with a
//! [`GatewayError`] (so with the JSON error body), never with axum's plain-text
//! defaults: JSON bodies that name the offending field, path parameters checked
//! for shape, and the headers forwarded to the services.

use std::collections::HashMap;
use std::net::SocketAddr;

use crate::client_address::TrustedProxies;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tonic::metadata::{AsciiMetadataValue, MetadataMap};

use crate::error::{FieldViolation, GatewayError};

/// The header carrying the client's idempotency key, forwarded as the gRPC
/// `request_id`.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

// ---------------------------------------------------------------------------
// JSON bodies

/// A JSON request body. Unlike `axum::Json`, a failure answers with the JSON
/// error body and names the offending field (`location.latitude`).
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = GatewayError;

    async fn from_request(request: Request, state: &S) -> Result<Self, GatewayError> {
        if !is_json(request.headers()) {
            return Err(GatewayError::UnsupportedMediaType);
        }
        // The body limit (`DefaultBodyLimit`) is enforced while buffering.
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                GatewayError::PayloadTooLarge
            } else {
                GatewayError::InvalidRequest { message: rejection.body_text(), violations: Vec::new() }
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// `application/json` or any `+json` type, parameters (charset) ignored.
pub(crate) fn is_json(headers: &HeaderMap) -> bool {
    let Some(content_type) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

pub(crate) fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, GatewayError> {
    // Trailing content after the value (`{...} garbage`) is a syntax error.
    let mut value: serde_json::Value = serde_json::from_slice(bytes).map_err(|error| GatewayError::InvalidRequest {
        message: format!("the request body is not valid JSON: {error}"),
        violations: Vec::new(),
    })?;
    // Every body of the API is an object; serde would also fill a struct from an
    // array (`[null, null]`, member by member), which no client means.
    if !value.is_object() {
        return Err(GatewayError::InvalidRequest {
            message: "the request body must be a JSON object".into(),
            violations: Vec::new(),
        });
    }
    integral_numbers(&mut value);
    serde_path_to_error::deserialize(value).map_err(json_error)
}

/// Writes every number without a fractional part as an integer: in JSON
/// (and JSON Schema), `7.0` is the integer 7, which some clients send for
/// any number; serde would refuse it where an integer is expected. Numbers
/// beyond what an `i64` / `u64` holds are left as they are.
fn integral_numbers(value: &mut serde_json::Value) {
    use serde_json::Value;
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    match value {
        Value::Number(number) => {
            if let Some(float) = number.as_f64().filter(|f| number.is_f64() && f.fract() == 0.0) {
                // Exact: an integral f64 within these bounds converts without loss.
                if (0.0..2.0 * TWO_63).contains(&float) {
                    *value = Value::from(float as u64);
                } else if (-TWO_63..0.0).contains(&float) {
                    *value = Value::from(float as i64);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        Value::Object(members) => members.values_mut().for_each(integral_numbers),
        Value::Null | Value::Bool(_) | Value::String(_) => {}
    }
}

fn json_error(error: serde_path_to_error::Error<serde_json::Error>) -> GatewayError {
    let path = error.path().to_string();
    let inner = error.into_inner();
    if !inner.is_data() {
        return GatewayError::InvalidRequest {
            message: format!("the request body is not valid JSON: {inner}"),
            violations: Vec::new(),
        };
    }
    // serde_json appends the position; the field path says more to a client.
    let full = inner.to_string();
    let description = full.rsplit_once(" at line ").map_or(full.as_str(), |(text, _)| text).to_owned();
    // A missing field is reported at its parent's path; point at the field.
    let missing = description.strip_prefix("missing field `").and_then(|rest| rest.strip_suffix('`'));
    let field = match (path.as_str(), missing) {
        (".", Some(name)) => name.to_owned(),
        (".", None) => String::new(),
        (parent, Some(name)) => format!("{parent}.{name}"),
        (parent, None) => parent.to_owned(),
    };
    if field.is_empty() {
        return GatewayError::InvalidRequest { message: description, violations: Vec::new() };
    }
    GatewayError::InvalidRequest {
        message: format!("{field}: {description}"),
        violations: vec![FieldViolation { field, description }],
    }
}

// ---------------------------------------------------------------------------
// Path parameters

/// `{insee}` of `/communes/{insee}/…`.
#[derive(Debug, Deserialize)]
pub struct CommunePath {
    pub insee: String,
}

/// `{insee}` and `{report_id}` of `/communes/{insee}/reports/{report_id}…`.
#[derive(Debug, Deserialize)]
pub struct ReportPath {
    pub insee: String,
    pub report_id: String,
}

impl<S: Send + Sync> FromRequestParts<S> for CommunePath {
    type Rejection = GatewayError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, GatewayError> {
        let Path(path) = Path::<CommunePath>::from_request_parts(parts, state).await.map_err(path_rejection)?;
        check_insee(&path.insee)?;
        Ok(path)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ReportPath {
    type Rejection = GatewayError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, GatewayError> {
        let Path(path) = Path::<ReportPath>::from_request_parts(parts, state).await.map_err(path_rejection)?;
        check_insee(&path.insee)?;
        check_report_id(&path.report_id)?;
        Ok(path)
    }
}

/// `{insee}`, `{report_id}` and `{photo_id}` of
/// `/communes/{insee}/reports/{report_id}/photos/{photo_id}`.
#[derive(Debug, Deserialize)]
pub struct PhotoPath {
    pub insee: String,
    pub report_id: String,
    pub photo_id: String,
}

impl<S: Send + Sync> FromRequestParts<S> for PhotoPath {
    type Rejection = GatewayError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, GatewayError> {
        let Path(path) = Path::<PhotoPath>::from_request_parts(parts, state).await.map_err(path_rejection)?;
        check_insee(&path.insee)?;
        check_report_id(&path.report_id)?;
        if !(path.photo_id.len() == 36 && uuid::Uuid::try_parse(&path.photo_id).is_ok()) {
            return Err(GatewayError::invalid_field("photo_id", "must be a photo id as the API returns it (a UUID)"));
        }
        Ok(path)
    }
}

/// `{insee}` and `{code}` of `/communes/{insee}/categories/{code}`.
#[derive(Debug, Deserialize)]
pub struct CategoryPath {
    pub insee: String,
    pub code: String,
}

impl<S: Send + Sync> FromRequestParts<S> for CategoryPath {
    type Rejection = GatewayError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, GatewayError> {
        let Path(path) = Path::<CategoryPath>::from_request_parts(parts, state).await.map_err(path_rejection)?;
        check_insee(&path.insee)?;
        if !is_code(&path.code) {
            return Err(GatewayError::invalid_field("code", "must be 1 to 64 lowercase letters, digits, '-' or '_'"));
        }
        Ok(path)
    }
}

/// A category, attribute or value code: 1 to 64 of `[a-z0-9_-]`.
pub fn is_code(code: &str) -> bool {
    (1..=64).contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// `{insee}` and `{client_id}` of `/communes/{insee}/clients/{client_id}…`.
#[derive(Debug, Deserialize)]
pub struct ClientPath {
    pub insee: String,
    pub client_id: String,
}

impl<S: Send + Sync> FromRequestParts<S> for ClientPath {
    type Rejection = GatewayError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, GatewayError> {
        let Path(path) = Path::<ClientPath>::from_request_parts(parts, state).await.map_err(path_rejection)?;
        check_insee(&path.insee)?;
        check_client_id(&path.client_id)?;
        Ok(path)
    }
}

fn path_rejection(rejection: axum::extract::rejection::PathRejection) -> GatewayError {
    GatewayError::InvalidRequest { message: rejection.body_text(), violations: Vec::new() }
}

/// Only the shape: five ASCII letters or digits. The reports service knows
/// what a real INSEE code is; this check just keeps a `/` or other junk that
/// a percent-encoded segment can carry out of the gRPC resource names.
fn check_insee(insee: &str) -> Result<(), GatewayError> {
    if insee.len() == 5 && insee.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(GatewayError::invalid_field("insee", "must be an INSEE commune code of 5 characters, e.g. 75056"))
    }
}

/// Report ids are UUIDs in their hyphenated form, as the API hands them out.
pub(crate) fn check_report_id(report_id: &str) -> Result<(), GatewayError> {
    if report_id.len() == 36 && uuid::Uuid::try_parse(report_id).is_ok() {
        Ok(())
    } else {
        Err(GatewayError::invalid_field("report_id", "must be a report id as the API returns it (a UUID)"))
    }
}

/// Client ids are opaque to the gateway; only characters that cannot change
/// the meaning of a resource name (`communes/{insee}/clients/{client_id}`)
/// are let through.
fn check_client_id(client_id: &str) -> Result<(), GatewayError> {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    if (1..=100).contains(&client_id.len()) && client_id.bytes().all(allowed) && client_id != "." && client_id != ".." {
        Ok(())
    } else {
        Err(GatewayError::invalid_field("client_id", "must be a client id as the API returns it"))
    }
}

// ---------------------------------------------------------------------------
// Query strings

/// `?page_size=&page_token=` of list endpoints.
#[derive(Debug, Default)]
pub struct PageQuery {
    pub page_size: i32,
    pub page_token: String,
}

impl<S: Send + Sync> FromRequestParts<S> for PageQuery {
    type Rejection = GatewayError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, GatewayError> {
        // Read as plain strings so that a bad number names its parameter; the
        // service checks the range.
        let Query(params) =
            Query::<HashMap<String, String>>::from_request_parts(parts, state).await.map_err(|rejection| {
                GatewayError::InvalidRequest { message: rejection.body_text(), violations: Vec::new() }
            })?;
        let page_size = match params.get("page_size").map(|v| v.trim()) {
            None | Some("") => 0,
            Some(raw) => raw.parse().map_err(|_| {
                GatewayError::invalid_field("page_size", "must be a whole number from 0 (the default size) to 100")
            })?,
        };
        Ok(PageQuery { page_size, page_token: params.get("page_token").cloned().unwrap_or_default() })
    }
}

/// The query string as plain strings, so that a bad value names its
/// parameter instead of axum's plain-text rejection.
pub(crate) async fn query_params(parts: &mut Parts) -> Result<HashMap<String, String>, GatewayError> {
    let Query(params) = Query::<HashMap<String, String>>::from_request_parts(parts, &())
        .await
        .map_err(|rejection| GatewayError::InvalidRequest { message: rejection.body_text(), violations: Vec::new() })?;
    Ok(params)
}

/// `?query=&page_size=&page_token=` of `GET /communes`.
#[derive(Debug, Default)]
pub struct CommuneSearch {
    /// Case-insensitive part of the name, or the start of an INSEE code ("" = all).
    pub query: String,
    pub page: PageQuery,
}

impl<S: Send + Sync> FromRequestParts<S> for CommuneSearch {
    type Rejection = GatewayError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, GatewayError> {
        let page = PageQuery::from_request_parts(parts, state).await?;
        let query = query_params(parts).await?.remove("query").unwrap_or_default();
        Ok(CommuneSearch { query, page })
    }
}

/// `?email=` of the account lookup. The address is personal data: it is
/// passed on, never logged (`Debug` is redacted).
#[derive(Default)]
pub struct EmailQuery {
    pub email: String,
}

impl std::fmt::Debug for EmailQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmailQuery").field("email", &"<redacted>").finish()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for EmailQuery {
    type Rejection = GatewayError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, GatewayError> {
        Ok(EmailQuery { email: query_params(parts).await?.remove("email").unwrap_or_default() })
    }
}

// ---------------------------------------------------------------------------
// The client's address

/// The address of the person (or program) calling, as the identity service
/// needs it for its rate limits: the socket peer (when the router is served
/// with `ConnectInfo<SocketAddr>`), or the caller a trusted reverse proxy names
/// in `X-Forwarded-For` (`crate::client_address`); empty when unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = GatewayError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, GatewayError> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(address)| address.ip());
        let address = match parts.extensions.get::<TrustedProxies>() {
            Some(trusted) => trusted.client_address(&parts.headers, peer),
            None => TrustedProxies::default().client_address(&parts.headers, peer),
        };
        Ok(ClientAddress(address))
    }
}

// ---------------------------------------------------------------------------
// Forwarded headers

/// What a call forwards to the services from the HTTP request: the caller's
/// credentials and idempotency key.
///
/// The `Authorization` value is held as gRPC metadata only, never logged: its
/// `Debug` form is redacted.
#[derive(Default)]
pub struct Forwarded {
    authorization: Option<AsciiMetadataValue>,
    /// The `Idempotency-Key` header, or empty (the gRPC "no key").
    pub request_id: String,
}

impl std::fmt::Debug for Forwarded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Forwarded")
            .field("authorization", &self.authorization.as_ref().map(|_| "<redacted>"))
            .field("request_id", &self.request_id)
            .finish()
    }
}

impl Forwarded {
    /// Credentials of a site visitor (the access token of their session cookie).
    pub fn bearer(token: &str) -> Self {
        let authorization = format!("Bearer {token}").parse().ok();
        Forwarded { authorization, request_id: String::new() }
    }

    /// Whether the request carried credentials.
    pub fn has_credentials(&self) -> bool {
        self.authorization.is_some()
    }

    /// The same request without its credentials: a call as the public makes it.
    pub fn anonymous(&self) -> Self {
        Forwarded { authorization: None, request_id: self.request_id.clone() }
    }

    /// Adds the caller's credentials to an outgoing call's metadata.
    pub fn apply(&self, metadata: &mut MetadataMap) {
        if let Some(authorization) = &self.authorization {
            let mut value = authorization.clone();
            value.set_sensitive(true);
            metadata.insert("authorization", value);
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Forwarded {
    type Rejection = GatewayError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, GatewayError> {
        let authorization = match parts.headers.get(header::AUTHORIZATION) {
            None => None,
            // Checked here only for what gRPC metadata can carry; the service
            // verifies the token itself.
            Some(value) => {
                Some(value.to_str().ok().and_then(|v| v.parse().ok()).ok_or(GatewayError::MalformedAuthorization)?)
            }
        };
        Ok(Forwarded { authorization, request_id: idempotency_key(&parts.headers)? })
    }
}

/// The longest `Idempotency-Key`, in characters (the services' limit).
pub const MAX_IDEMPOTENCY_KEY_CHARS: usize = 100;

/// The `Idempotency-Key` header, or empty (the gRPC "no key"): 1 to 100
/// printable ASCII characters (space included, but not only spaces), which
/// is what [`IDEMPOTENCY_KEY_PATTERN`] says in the OpenAPI document.
fn idempotency_key(headers: &HeaderMap) -> Result<String, GatewayError> {
    match headers.get(IDEMPOTENCY_KEY) {
        None => Ok(String::new()),
        Some(value) => match value.to_str() {
            Ok(key) if is_idempotency_key(key) => Ok(key.to_owned()),
            _ => Err(GatewayError::invalid_field(IDEMPOTENCY_KEY, "must be 1 to 100 printable ASCII characters")),
        },
    }
}

/// An acceptable `Idempotency-Key` value.
pub(crate) fn is_idempotency_key(key: &str) -> bool {
    (1..=MAX_IDEMPOTENCY_KEY_CHARS).contains(&key.len())
        && key.bytes().all(|b| (b' '..=b'~').contains(&b))
        && !key.trim().is_empty()
}

/// [`is_idempotency_key`] as a regular expression, for the OpenAPI document:
/// HTTP drops the spaces and tabs around a header value, so they may be sent.
pub const IDEMPOTENCY_KEY_PATTERN: &str = "^[\\t ]*[!-~](?:[ -~]*[!-~])?[\\t ]*$";

/// What a call to an RPC that ignores the caller forwards (sign-up, log-in,
/// refresh, the public commune pages…): the idempotency key, never the
/// `Authorization` header. A client that still sends its expired access
/// token along with a refresh must not be refused for it.
#[derive(Debug, Default)]
pub struct Public(pub Forwarded);

impl<S: Send + Sync> FromRequestParts<S> for Public {
    type Rejection = GatewayError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, GatewayError> {
        Ok(Public(Forwarded { authorization: None, request_id: idempotency_key(&parts.headers)? }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        title: String,
        location: Point,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Point {
        latitude: f64,
    }

    fn violation(json: &str) -> (String, Option<String>) {
        match parse_json::<Body>(json.as_bytes()) {
            Err(GatewayError::InvalidRequest { message, violations }) => {
                (message, violations.first().map(|v| v.field.clone()))
            }
            other => panic!("expected a 400, got {other:?}"),
        }
    }

    #[test]
    fn json_errors_name_the_field() {
        assert_eq!(violation(r#"["x", {"latitude": 1}]"#).0, "the request body must be a JSON object");
        assert_eq!(violation(r#"{"location": {"latitude": 1}}"#).1.as_deref(), Some("title"));
        assert_eq!(violation(r#"{"title": "x", "location": {}}"#).1.as_deref(), Some("location.latitude"));
        assert_eq!(violation(r#"{"title": 3, "location": {"latitude": 1}}"#).1.as_deref(), Some("title"));
        assert_eq!(
            violation(r#"{"title": "x", "location": {"latitude": "n"}}"#).1.as_deref(),
            Some("location.latitude")
        );
    }

    #[test]
    fn integral_numbers_are_integers() {
        #[derive(Debug, Deserialize, PartialEq)]
        struct Numbers {
            days: u32,
            delta: i64,
            ratio: f64,
        }
        let parsed = parse_json::<Numbers>(br#"{"days": 7.0, "delta": -3.0, "ratio": 2.0}"#);
        assert_eq!(parsed.ok(), Some(Numbers { days: 7, delta: -3, ratio: 2.0 }));
        for bad in [r#"{"days": 7.5, "delta": 0, "ratio": 0}"#, r#"{"days": 1e30, "delta": 0, "ratio": 0}"#] {
            assert!(parse_json::<Numbers>(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn syntax_errors_have_no_field() {
        for bad in ["{", "", r#""text""#, r#"{"title": "x", "location": {"latitude": 1}} trailing"#] {
            let (message, field) = violation(bad);
            assert!(!message.is_empty(), "{bad}");
            assert_eq!(field, None, "{bad}");
        }
    }

    #[test]
    fn content_types() {
        let headers = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, axum::http::HeaderValue::from_static(value));
            headers
        };
        assert!(is_json(&headers("application/json")));
        assert!(is_json(&headers("Application/JSON; charset=utf-8")));
        assert!(is_json(&headers("application/merge-patch+json")));
        assert!(!is_json(&headers("text/plain")));
        assert!(!is_json(&HeaderMap::new()));
    }

    #[test]
    fn path_shapes() {
        assert!(check_insee("75056").is_ok());
        assert!(check_insee("2A004").is_ok());
        assert!(check_insee("75/56").is_err());
        assert!(check_insee("750566").is_err());
        assert!(check_report_id("0190c0de-0000-7000-8000-000000000000").is_ok());
        assert!(check_report_id("0190c0de000070008000000000000000").is_err());
        assert!(check_report_id("x").is_err());
        assert!(check_client_id("0190c0de-0000-7000-8000-000000000000").is_ok());
        assert!(check_client_id("c1").is_ok());
        assert!(is_idempotency_key("req-1") && is_idempotency_key("a b") && is_idempotency_key(&"x".repeat(100)));
        for bad in ["", " ", "\tx", "é", "a\u{7f}", &"x".repeat(101)] {
            assert!(!is_idempotency_key(bad), "{bad:?}");
        }
        for bad in ["", ".", "..", "a/b", "a%2Fb", "é", &"x".repeat(101)] {
            assert!(check_client_id(bad).is_err(), "{bad}");
        }
    }
}
