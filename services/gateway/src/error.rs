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
    #[error("no such resource")]
    RouteNotFound,
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

impl GatewayError {
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
}

impl Problem {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Problem { status, code, message: message.into(), violations: Vec::new() }
    }
}

impl IntoResponse for GatewayError {
    fn into_response(self) -> Response {
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
        response
    }
}

impl GatewayError {
    fn problem(self) -> Problem {
        use GatewayError as E;
        match self {
            E::InvalidRequest { message, violations } => {
                Problem { status: StatusCode::BAD_REQUEST, code: "invalid_argument", message, violations }
            }
            e @ E::MalformedAuthorization => Problem::new(StatusCode::UNAUTHORIZED, "unauthenticated", e.to_string()),
            e @ E::PayloadTooLarge => Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", e.to_string()),
            e @ E::UnsupportedMediaType => {
                Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", e.to_string())
            }
            e @ E::RouteNotFound => Problem::new(StatusCode::NOT_FOUND, "not_found", e.to_string()),
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
            let violations: Vec<FieldViolation> = status
                .get_error_details()
                .bad_request()
                .map(|bad| {
                    bad.field_violations
                        .iter()
                        .map(|v| FieldViolation { field: rest_field(&v.field), description: v.description.clone() })
                        .collect()
                })
                .unwrap_or_default();
            // The service's message names its gRPC field; say it the REST way.
            let message = match violations.as_slice() {
                [only] => format!("{}: {}", only.field, only.description),
                _ => message.to_owned(),
            };
            Problem { status: StatusCode::BAD_REQUEST, code: "invalid_argument", message, violations }
        }
        Code::Unauthenticated => Problem::new(StatusCode::UNAUTHORIZED, "unauthenticated", message),
        Code::PermissionDenied => Problem::new(StatusCode::FORBIDDEN, "permission_denied", message),
        Code::NotFound => Problem::new(StatusCode::NOT_FOUND, "not_found", message),
        Code::AlreadyExists => Problem::new(StatusCode::CONFLICT, "already_exists", message),
        Code::Aborted => Problem::new(StatusCode::CONFLICT, "aborted", message),
        Code::FailedPrecondition => Problem::new(StatusCode::CONFLICT, "failed_precondition", message),
        Code::ResourceExhausted => Problem::new(StatusCode::TOO_MANY_REQUESTS, "resource_exhausted", message),
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
