//! The gateway's errors and their one mapping to HTTP: status code, JSON error
//! body (`{"error": {"code", "message", "field_violations"}}`) and the few
//! headers that go with some statuses.
//!
//! Errors of the back-end services arrive as gRPC statuses and are translated
//! here, once: client errors keep the service's message and `BadRequest` field
//! violations; server-side failures leave as an opaque message and are logged
//! with their cause, so that nothing internal leaks to the client.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tonic::Code;
use tonic_types::StatusExt;
use utoipa::ToSchema;

/// The largest request body the gateway reads (64 KiB): far above any
/// legitimate report, far below what would let one client exhaust memory.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// Everything that can go wrong in the gateway, at start-up or on a request.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    // --- start-up ---
    #[error("invalid back-end URL `{url}`: {source}")]
    InvalidUpstreamUrl {
        url: String,
        #[source]
        source: tonic::transport::Error,
    },
    #[error("cannot register the HTTP metrics: {0}")]
    Metrics(#[from] prometheus::Error),

    // --- the request itself ---
    /// Bad JSON, a bad path parameter or header; `violations` name the fields.
    #[error("{message}")]
    InvalidRequest { message: String, violations: Vec<FieldViolation> },
    #[error("the Authorization header must be `Bearer <token>` in printable ASCII")]
    MalformedAuthorization,
    #[error("the request body is larger than {BODY_LIMIT_BYTES} bytes")]
    PayloadTooLarge,
    #[error("the request body must be JSON, sent with `Content-Type: application/json`")]
    UnsupportedMediaType,
    /// A body of a type this endpoint does not take; `expected` says which
    /// it takes ("JSON or multipart/form-data").
    #[error("the request body must be {expected}")]
    UnsupportedBody { expected: &'static str },
    /// A body over a limit other than [`BODY_LIMIT_BYTES`] (the report form
    /// with its photos).
    #[error("the request body is larger than {limit_bytes} bytes")]
    BodyTooLarge { limit_bytes: usize },
    #[error("no such resource")]
    RouteNotFound,
    /// A refusal of the OAuth 2.0 token endpoint, answered in the shape of
    /// RFC 6749 §5.2 (`{"error", "error_description"}`) rather than the API's.
    #[error("{error}: {description}")]
    OAuth { error: OAuthError, description: String },
    #[error("this method is not allowed on this resource")]
    MethodNotAllowed,

    // --- the back-end services ---
    /// The status a back-end service answered (or tonic made up for a call
    /// that could not be made, e.g. UNAVAILABLE when the connection fails).
    #[error("back-end call failed: {code:?}: {message}", code = .0.code(), message = .0.message())]
    Upstream(#[from] tonic::Status),
    #[error("back-end call took longer than the gateway waits")]
    UpstreamTimeout,
    /// The service answered something this gateway cannot represent (a bug
    /// on one side or a version skew).
    #[error("unexpected back-end answer: {0}")]
    UpstreamData(String),
}

/// The error codes of RFC 6749 §5.2 the token endpoint answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OAuthError {
    /// A parameter is missing, repeated or malformed (400).
    InvalidRequest,
    /// Unknown client, wrong secret, revoked client or no client
    /// authentication (401).
    InvalidClient,
    /// A genuine client that may not have a token now, e.g. its commune is
    /// suspended (400).
    UnauthorizedClient,
    /// A grant type other than `client_credentials` (400).
    UnsupportedGrantType,
}

impl OAuthError {
    pub fn as_str(self) -> &'static str {
        match self {
            OAuthError::InvalidRequest => "invalid_request",
            OAuthError::InvalidClient => "invalid_client",
            OAuthError::UnauthorizedClient => "unauthorized_client",
            OAuthError::UnsupportedGrantType => "unsupported_grant_type",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            OAuthError::InvalidClient => StatusCode::UNAUTHORIZED,
            OAuthError::InvalidRequest | OAuthError::UnauthorizedClient | OAuthError::UnsupportedGrantType => {
                StatusCode::BAD_REQUEST
            }
        }
    }
}

impl std::fmt::Display for OAuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error body of the OAuth 2.0 token endpoint (RFC 6749 §5.2).
#[derive(Debug, Serialize, ToSchema)]
pub struct OAuthErrorBody {
    pub error: OAuthError,
    /// For people: what is wrong, in plain words.
    pub error_description: String,
}

impl GatewayError {
    /// A refusal of the token endpoint, in RFC 6749's shape.
    pub fn oauth(error: OAuthError, description: impl Into<String>) -> Self {
        GatewayError::OAuth { error, description: description.into() }
    }

    /// Gives the field violations of a service's 400 the names this endpoint
    /// uses, where they differ from the gRPC ones (`renames` holds
    /// `(grpc_field, rest_field)` pairs, tried before the general renames).
    /// Other errors are unchanged.
    pub fn renaming(self, renames: &[(&str, &str)]) -> Self {
        match self {
            GatewayError::Upstream(status) if matches!(status.code(), Code::InvalidArgument | Code::OutOfRange) => {
                let (message, violations) = upstream_violations(&status, renames);
                GatewayError::InvalidRequest { message, violations }
            }
            other => other,
        }
    }

    /// A 400 naming one offending field.
    pub fn invalid_field(field: impl Into<String>, description: impl Into<String>) -> Self {
        let (field, description) = (field.into(), description.into());
        GatewayError::InvalidRequest {
            message: format!("{field}: {description}"),
            violations: vec![FieldViolation { field, description }],
        }
    }
}

/// The JSON error body of every non-2xx answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable: `invalid_argument`, `unauthenticated`,
    /// `permission_denied`, `not_found`, `already_exists`, `aborted`,
    /// `failed_precondition`, `resource_exhausted`, `payload_too_large`,
    /// `unsupported_media_type`, `method_not_allowed`, `unavailable`,
    /// `deadline_exceeded`, `internal`.
    #[schema(example = "invalid_argument")]
    pub code: &'static str,
    /// For people: what is wrong, in plain words.
    pub message: String,
    /// The offending fields of a 400 (empty otherwise).
    pub field_violations: Vec<FieldViolation>,
}

/// One offending field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldViolation {
    /// The field's path in the JSON body (`location.latitude`), or the path
    /// parameter, query parameter or header it came from.
    #[schema(example = "title")]
    pub field: String,
    #[schema(example = "must be 3 to 120 characters")]
    pub description: String,
}

/// What an error becomes on the wire.
struct Problem {
    status: StatusCode,
    code: &'static str,
    message: String,
    violations: Vec<FieldViolation>,
    /// Seconds, for the `Retry-After` header of a 429.
    retry_after: Option<u64>,
}

impl Problem {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Problem { status, code, message: message.into(), violations: Vec::new(), retry_after: None }
    }
}

impl IntoResponse for GatewayError {
    fn into_response(self) -> Response {
        if let GatewayError::OAuth { error, description } = self {
            return oauth_response(error, description);
        }
        let problem = self.problem();
        let unauthenticated = problem.status == StatusCode::UNAUTHORIZED;
        let body = ErrorBody {
            error: ErrorDetail { code: problem.code, message: problem.message, field_violations: problem.violations },
        };
        let mut response = (problem.status, Json(body)).into_response();
        if unauthenticated {
            // RFC 6750: a 401 names the scheme the client should use.
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = problem.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// RFC 6749 §5.2: the error body, never cached; a 401 names HTTP Basic, the
/// client authentication the endpoint supports in the header.
fn oauth_response(error: OAuthError, description: String) -> Response {
    let mut response = (error.status(), Json(OAuthErrorBody { error, error_description: description })).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    if error == OAuthError::InvalidClient {
        headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"miroir\""));
    }
    response
}

impl GatewayError {
    fn problem(self) -> Problem {
        use GatewayError as E;
        match self {
            E::InvalidRequest { message, violations } => Problem {
                status: StatusCode::BAD_REQUEST,
                code: "invalid_argument",
                message,
                violations,
                retry_after: None,
            },
            e @ E::MalformedAuthorization => Problem::new(StatusCode::UNAUTHORIZED, "unauthenticated", e.to_string()),
            e @ E::PayloadTooLarge => Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", e.to_string()),
            e @ E::BodyTooLarge { .. } => {
                Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", e.to_string())
            }
            e @ (E::UnsupportedMediaType | E::UnsupportedBody { .. }) => {
                Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", e.to_string())
            }
            e @ E::RouteNotFound => Problem::new(StatusCode::NOT_FOUND, "not_found", e.to_string()),
            // Answered by `oauth_response`; kept total for this mapping's sake.
            E::OAuth { error, description } => Problem {
                status: error.status(),
                code: if error == OAuthError::InvalidClient { "unauthenticated" } else { "invalid_argument" },
                message: description,
                violations: Vec::new(),
                retry_after: None,
            },
            e @ E::MethodNotAllowed => {
                Problem::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", e.to_string())
            }
            E::Upstream(status) => upstream_problem(&status),
            E::UpstreamTimeout => {
                tracing::warn!("back-end call timed out");
                Problem::new(StatusCode::GATEWAY_TIMEOUT, "deadline_exceeded", "the service took too long to answer")
            }
            // Start-up errors never reach a request; if one did, it is ours.
            e @ (E::UpstreamData(_) | E::InvalidUpstreamUrl { .. } | E::Metrics(_)) => {
                tracing::error!(error = %e, "internal error");
                Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error")
            }
        }
    }
}

/// The HTTP form of a back-end service's gRPC status.
fn upstream_problem(status: &tonic::Status) -> Problem {
    let message = status.message();
    match status.code() {
        Code::InvalidArgument | Code::OutOfRange => {
            let (message, violations) = upstream_violations(status, &[]);
            Problem {
                status: StatusCode::BAD_REQUEST,
                code: "invalid_argument",
                message,
                violations,
                retry_after: None,
            }
        }
        Code::Unauthenticated => Problem::new(StatusCode::UNAUTHORIZED, "unauthenticated", message),
        Code::PermissionDenied => Problem::new(StatusCode::FORBIDDEN, "permission_denied", message),
        Code::NotFound => Problem::new(StatusCode::NOT_FOUND, "not_found", message),
        Code::AlreadyExists => Problem::new(StatusCode::CONFLICT, "already_exists", message),
        Code::Aborted => Problem::new(StatusCode::CONFLICT, "aborted", message),
        Code::FailedPrecondition => Problem::new(StatusCode::CONFLICT, "failed_precondition", message),
        Code::ResourceExhausted => Problem {
            retry_after: retry_after(status),
            ..Problem::new(StatusCode::TOO_MANY_REQUESTS, "resource_exhausted", message)
        },
        Code::Unavailable => {
            // Usually the service is down or restarting: worth a warning, not
            // an error per request; the client may retry.
            tracing::warn!(upstream = message, "back-end service unavailable");
            Problem::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "service temporarily unavailable")
        }
        Code::DeadlineExceeded => {
            tracing::warn!(upstream = message, "back-end deadline exceeded");
            Problem::new(StatusCode::GATEWAY_TIMEOUT, "deadline_exceeded", "the service took too long to answer")
        }
        code => {
            tracing::error!(?code, upstream = message, "back-end call failed");
            Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error")
        }
    }
}

/// The message and field violations of a service's INVALID_ARGUMENT, with
/// the fields under their REST names (`renames` first, then [`rest_field`]).
fn upstream_violations(status: &tonic::Status, renames: &[(&str, &str)]) -> (String, Vec<FieldViolation>) {
    let rename = |field: &str| {
        renames
            .iter()
            .find(|(grpc, _)| *grpc == field)
            .map_or_else(|| rest_field(field), |(_, rest)| (*rest).to_owned())
    };
    let violations: Vec<FieldViolation> = status
        .get_error_details()
        .bad_request()
        .map(|bad| {
            bad.field_violations
                .iter()
                .map(|v| FieldViolation { field: rename(&v.field), description: v.description.clone() })
                .collect()
        })
        .unwrap_or_default();
    // The service's message names its gRPC field; say it the REST way.
    let message = match violations.as_slice() {
        [only] => format!("{}: {}", only.field, only.description),
        _ => status.message().to_owned(),
    };
    (message, violations)
}

/// How long a rate-limited client should wait, in whole seconds, if the
/// service said: a `google.rpc.RetryInfo` detail, a `retry-after` metadata
/// entry, or a delay in the message ("… in 30 seconds", "… dans 2 minutes").
pub(crate) fn retry_after(status: &tonic::Status) -> Option<u64> {
    if let Some(delay) = status.get_error_details().retry_info().and_then(|info| info.retry_delay) {
        let seconds = delay.as_secs() + u64::from(delay.subsec_nanos() > 0);
        return Some(seconds.max(1));
    }
    if let Some(seconds) =
        status.metadata().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok())
    {
        return Some(seconds);
    }
    delay_in_message(status.message())
}

/// The first "<number> <unit>" of a message, in seconds: `s`, `sec`,
/// `second(s)`, `seconde(s)`; `min`, `minute(s)`; `h`, `hour(s)`, `heure(s)`.
fn delay_in_message(message: &str) -> Option<u64> {
    let words: Vec<&str> = message.split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == ')').collect();
    words.iter().enumerate().find_map(|(i, word)| {
        // "30s" in one word, or "30" then the unit.
        let digits_end = word.find(|c: char| !c.is_ascii_digit()).unwrap_or(word.len());
        if digits_end == 0 {
            return None;
        }
        let number: u64 = word[..digits_end].parse().ok()?;
        let unit = match &word[digits_end..] {
            "" => words.get(i + 1).copied().unwrap_or_default(),
            attached => attached,
        };
        let unit = unit.trim_end_matches(['.', '!']).to_lowercase();
        let factor = match unit.as_str() {
            "s" | "sec" | "secs" | "second" | "seconds" | "seconde" | "secondes" => 1,
            "min" | "mins" | "minute" | "minutes" => 60,
            "h" | "hour" | "hours" | "heure" | "heures" => 3600,
            _ => return None,
        };
        number.checked_mul(factor)
    })
}

/// The REST name of a field the gRPC API named: resource names come from the
/// URL path and the request id from a header, the rest is the same JSON path.
fn rest_field(grpc_field: &str) -> String {
    match grpc_field {
        // `parent` is `communes/{insee}`; the gateway checks report ids
        // itself, so a bad `name` can only be its commune part.
        "parent" | "name" => "insee".to_owned(),
        "request_id" => crate::rest::extract::IDEMPOTENCY_KEY.to_owned(),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic_types::ErrorDetails;

    #[test]
    fn grpc_codes_map_to_http_statuses() {
        let cases = [
            (Code::InvalidArgument, 400),
            (Code::OutOfRange, 400),
            (Code::Unauthenticated, 401),
            (Code::PermissionDenied, 403),
            (Code::NotFound, 404),
            (Code::AlreadyExists, 409),
            (Code::Aborted, 409),
            (Code::FailedPrecondition, 409),
            (Code::ResourceExhausted, 429),
            (Code::Unavailable, 503),
            (Code::DeadlineExceeded, 504),
            (Code::Internal, 500),
            (Code::Unknown, 500),
            (Code::DataLoss, 500),
        ];
        for (code, http) in cases {
            let problem = GatewayError::Upstream(tonic::Status::new(code, "x")).problem();
            assert_eq!(problem.status.as_u16(), http, "{code:?}");
        }
    }

    #[test]
    fn internal_causes_stay_inside() {
        let problem = GatewayError::Upstream(tonic::Status::internal("SELECT failed: disk full")).problem();
        assert_eq!(problem.message, "internal error");
    }

    #[test]
    fn rate_limits_say_when_to_retry() {
        let limited = |message: &str| tonic::Status::resource_exhausted(message.to_owned());
        assert_eq!(retry_after(&limited("too many attempts, retry in 30 seconds")), Some(30));
        assert_eq!(retry_after(&limited("trop de tentatives : réessayez dans 2 minutes.")), Some(120));
        assert_eq!(retry_after(&limited("too many attempts; retry after 45s")), Some(45));
        assert_eq!(retry_after(&limited("too many attempts from 10 addresses")), None);
        assert_eq!(retry_after(&limited("too many attempts")), None);
        let with_info = tonic::Status::with_error_details(
            Code::ResourceExhausted,
            "too many attempts",
            ErrorDetails::with_retry_info(Some(std::time::Duration::from_millis(1500))),
        );
        assert_eq!(retry_after(&with_info), Some(2));

        let response = GatewayError::Upstream(limited("retry in 30 seconds")).into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers().get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()), Some("30"));
        let response = GatewayError::Upstream(limited("too many attempts")).into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(!response.headers().contains_key(header::RETRY_AFTER));
    }

    #[test]
    fn oauth_errors_have_the_rfc_6749_shape() {
        let response = GatewayError::oauth(OAuthError::InvalidClient, "unknown client or wrong secret").into_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let header = |name| response.headers().get(name).and_then(|v: &HeaderValue| v.to_str().ok());
        assert_eq!(header(header::CACHE_CONTROL), Some("no-store"));
        assert_eq!(header(header::WWW_AUTHENTICATE), Some("Basic realm=\"miroir\""));
        let body = serde_json::to_value(OAuthErrorBody {
            error: OAuthError::UnsupportedGrantType,
            error_description: "only client_credentials".into(),
        })
        .unwrap_or_default();
        assert_eq!(
            body,
            serde_json::json!({"error": "unsupported_grant_type", "error_description": "only client_credentials"})
        );
        let response = GatewayError::oauth(OAuthError::InvalidRequest, "x").into_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(!response.headers().contains_key(header::WWW_AUTHENTICATE));
    }

    #[test]
    fn endpoints_can_rename_the_services_fields() {
        let status = tonic::Status::with_error_details(
            Code::InvalidArgument,
            "commune: unknown",
            ErrorDetails::with_bad_request_violation("commune", "unknown"),
        );
        match GatewayError::Upstream(status).renaming(&[("commune", "insee")]) {
            GatewayError::InvalidRequest { message, violations } => {
                assert_eq!(violations[0].field, "insee");
                assert_eq!(message, "insee: unknown");
            }
            other => panic!("expected a 400, got {other:?}"),
        }
        assert!(matches!(
            GatewayError::Upstream(tonic::Status::not_found("x")).renaming(&[("commune", "insee")]),
            GatewayError::Upstream(_)
        ));
    }

    #[test]
    fn field_violations_are_renamed_to_rest_fields() {
        let status = tonic::Status::with_error_details(
            Code::InvalidArgument,
            "parent: an INSEE code has 5 characters",
            ErrorDetails::with_bad_request_violation("parent", "an INSEE code has 5 characters"),
        );
        let problem = GatewayError::Upstream(status).problem();
        assert_eq!(problem.violations[0].field, "insee");
        assert_eq!(problem.message, "insee: an INSEE code has 5 characters");
    }
}
