//! Open311 errors: the specification's error list, `[{"code": 400,
//! "description": "…"}]` or `<errors><error><code>400</code>
//! <description>…</description></error></errors>`, with the same HTTP status.
//!
//! The services' gRPC statuses are translated here. Their field violations
//! name gRPC fields (`location.latitude`); the description names the Open311
//! parameter instead (`lat`), so that a client developer can act on it.
//! Failures that are not the client's leave as an opaque message and are
//! logged with their cause.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tonic::Code;
use tonic_types::StatusExt;

use super::format::{Answer, Format, Node};
use crate::error::GatewayError;

/// One refusal, rendered in the format the client asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open311Error {
    pub status: StatusCode,
    pub description: String,
}

/// An error of a handler, with the format to answer it in.
#[derive(Debug)]
pub struct Failure {
    pub format: Format,
    pub error: Open311Error,
}

impl Open311Error {
    pub fn new(status: StatusCode, description: impl Into<String>) -> Self {
        Open311Error { status, description: description.into() }
    }

    pub fn bad_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, description)
    }

    pub fn not_found(description: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, description)
    }

    pub fn forbidden(description: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, description)
    }

    pub fn in_format(self, format: Format) -> Failure {
        Failure { format, error: self }
    }

    fn into_node(self) -> Node {
        Node::list(
            "error",
            vec![Node::Object(vec![
                ("code", Node::Int(i64::from(self.status.as_u16()))),
                ("description", Node::Text(self.description)),
            ])],
        )
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let status = self.error.status;
        let mut response =
            Answer { status, root: "errors", body: self.error.into_node(), format: self.format }.into_response();
        if status.is_client_error() || status.is_server_error() {
            // Errors are about this request only.
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        response
    }
}

impl From<GatewayError> for Open311Error {
    fn from(error: GatewayError) -> Self {
        use GatewayError as E;
        match error {
            E::Upstream(status) => from_status(&status),
            E::UpstreamTimeout => {
                tracing::warn!("back-end call timed out");
                Open311Error::new(StatusCode::GATEWAY_TIMEOUT, "the service took too long to answer")
            }
            E::PayloadTooLarge => Open311Error::new(StatusCode::PAYLOAD_TOO_LARGE, error.to_string()),
            E::InvalidRequest { message, .. } => Open311Error::bad_request(message),
            other => {
                tracing::error!(error = %other, "internal error");
                Open311Error::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
            }
        }
    }
}

/// The Open311 form of a service's gRPC status.
fn from_status(status: &tonic::Status) -> Open311Error {
    let message = status.message();
    match status.code() {
        Code::InvalidArgument | Code::OutOfRange => Open311Error::bad_request(violations(status)),
        // A token the gateway obtained from the api_key was refused.
        Code::Unauthenticated => Open311Error::forbidden("invalid api_key"),
        Code::PermissionDenied => Open311Error::forbidden(message),
        Code::NotFound => Open311Error::not_found(message),
        // A retired category, a suspended commune: the spec's "general
        // service error" is a 400.
        Code::FailedPrecondition => Open311Error::bad_request(message),
        Code::AlreadyExists | Code::Aborted => Open311Error::new(StatusCode::CONFLICT, message),
        Code::ResourceExhausted => Open311Error::new(StatusCode::TOO_MANY_REQUESTS, message),
        Code::Unavailable => {
            tracing::warn!(upstream = message, "back-end service unavailable");
            Open311Error::new(StatusCode::SERVICE_UNAVAILABLE, "service temporarily unavailable")
        }
        Code::DeadlineExceeded => {
            tracing::warn!(upstream = message, "back-end deadline exceeded");
            Open311Error::new(StatusCode::GATEWAY_TIMEOUT, "the service took too long to answer")
        }
        code => {
            tracing::error!(?code, upstream = message, "back-end call failed");
            Open311Error::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
    }
}

/// The description of a service's INVALID_ARGUMENT: each violation as
/// `parameter: what is wrong`, under the Open311 parameter names.
fn violations(status: &tonic::Status) -> String {
    let details = status.get_error_details();
    let described: Vec<String> = details
        .bad_request()
        .map(|bad| bad.field_violations.iter().map(|v| describe(&v.field, &v.description)).collect())
        .unwrap_or_default();
    if described.is_empty() {
        // The message names a gRPC field first ("location.latitude: …").
        match status.message().split_once(": ") {
            Some((field, rest)) if is_field_path(field) => describe(field, rest),
            _ => status.message().to_owned(),
        }
    } else {
        described.join("; ")
    }
}

/// `parameter: what is wrong`. The service names the question of an
/// `attributes` violation at the start of its description, in backticks
/// (`` `gravite` is required``): that is `attribute[gravite]`.
fn describe(field: &str, description: &str) -> String {
    if field == "attributes"
        && let Some((code, rest)) = description.strip_prefix('`').and_then(|d| d.split_once('`'))
        && !code.is_empty()
    {
        return format!("attribute[{code}]: {}", rest.trim_start());
    }
    format!("{}: {description}", open311_parameter(field))
}

fn is_field_path(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'[' | b']'))
}

/// The Open311 parameter a field of the reports or identity API stands for.
pub fn open311_parameter(field: &str) -> String {
    let known = match field {
        "location.latitude" => "lat",
        "location.longitude" => "long",
        "location" => "lat/long",
        "location.address" => "address_string",
        "category" | "categories" => "service_code",
        "parent" | "commune" => "jurisdiction_id",
        "name" => "service_request_id",
        // The title is made from the service name and the description.
        "title" | "description" => "description",
        "reporter_email" => "email",
        "request_id" => crate::rest::extract::IDEMPOTENCY_KEY,
        "statuses" => "status",
        "submitted_after_us" => "start_date",
        "submitted_before_us" => "end_date",
        "photos" => "media",
        "attributes" => "attribute",
        other => return attribute_parameter(other).unwrap_or_else(|| other.to_owned()),
    };
    known.to_owned()
}

/// `attributes.CODE`, `attributes[CODE]` or `attributes.CODE.values` →
/// `attribute[CODE]`.
fn attribute_parameter(field: &str) -> Option<String> {
    let rest = field.strip_prefix("attributes")?;
    let code = if let Some(dotted) = rest.strip_prefix('.') {
        dotted.split('.').next().unwrap_or_default()
    } else if let Some(bracketed) = rest.strip_prefix('[') {
        bracketed.split(']').next().unwrap_or_default()
    } else {
        return None;
    };
    if code.is_empty() {
        return Some("attribute".to_owned());
    }
    Some(format!("attribute[{code}]"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic_types::{ErrorDetails, FieldViolation};

    async fn body(response: Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[tokio::test]
    async fn errors_have_the_specifications_shape_in_both_formats() {
        let error = Open311Error::forbidden("invalid api_key");
        let response = error.clone().in_format(Format::Json).into_response();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let json: serde_json::Value = serde_json::from_str(&body(response).await).unwrap_or_default();
        assert_eq!(json, serde_json::json!([{"code": 403, "description": "invalid api_key"}]));

        let response = error.in_format(Format::Xml).into_response();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(response.headers()["cache-control"], "no-store");
        assert_eq!(
            body(response).await,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<errors><error><code>403</code>\
             <description>invalid api_key</description></error></errors>\n"
        );
    }

    #[test]
    fn grpc_codes_map_to_open311_statuses() {
        let cases = [
            (Code::InvalidArgument, 400),
            (Code::Unauthenticated, 403),
            (Code::PermissionDenied, 403),
            (Code::NotFound, 404),
            (Code::FailedPrecondition, 400),
            (Code::AlreadyExists, 409),
            (Code::ResourceExhausted, 429),
            (Code::Unavailable, 503),
            (Code::DeadlineExceeded, 504),
            (Code::Internal, 500),
            (Code::Unimplemented, 500),
        ];
        for (code, http) in cases {
            let error = Open311Error::from(GatewayError::Upstream(tonic::Status::new(code, "x")));
            assert_eq!(error.status.as_u16(), http, "{code:?}");
        }
        let internal = Open311Error::from(GatewayError::Upstream(tonic::Status::internal("disk full")));
        assert_eq!(internal.description, "internal error");
    }

    #[test]
    fn violations_name_open311_parameters() {
        let status = tonic::Status::with_error_details(
            Code::InvalidArgument,
            "location.latitude: must be a number between -90 and 90",
            ErrorDetails::with_bad_request(vec![
                FieldViolation::new("location.latitude", "must be a number between -90 and 90"),
                FieldViolation::new("attributes.trottoir", "is required"),
            ]),
        );
        let error = Open311Error::from(GatewayError::Upstream(status));
        assert_eq!(error.status, StatusCode::BAD_REQUEST);
        assert_eq!(error.description, "lat: must be a number between -90 and 90; attribute[trottoir]: is required");
        // Without details, the field at the start of the message is renamed.
        let attribute = tonic::Status::with_error_details(
            Code::InvalidArgument,
            "attributes: `gravite` is required: Quelle gravité ?",
            ErrorDetails::with_bad_request_violation("attributes", "`gravite` is required: Quelle gravité ?"),
        );
        assert_eq!(
            Open311Error::from(GatewayError::Upstream(attribute)).description,
            "attribute[gravite]: is required: Quelle gravité ?"
        );
        let bare = tonic::Status::invalid_argument("attributes: `largeur` must be a number");
        assert_eq!(
            Open311Error::from(GatewayError::Upstream(bare)).description,
            "attribute[largeur]: must be a number"
        );
        let bare = tonic::Status::invalid_argument("location: must be inside France");
        assert_eq!(Open311Error::from(GatewayError::Upstream(bare)).description, "lat/long: must be inside France");
        let prose = tonic::Status::invalid_argument("something: went wrong here");
        assert_eq!(Open311Error::from(GatewayError::Upstream(prose)).description, "something: went wrong here");
    }

    #[test]
    fn parameter_names() {
        for (field, parameter) in [
            ("location.longitude", "long"),
            ("location.address", "address_string"),
            ("category", "service_code"),
            ("parent", "jurisdiction_id"),
            ("title", "description"),
            ("reporter_email", "email"),
            ("attributes[width]", "attribute[width]"),
            ("attributes.kind.values", "attribute[kind]"),
            ("attributes", "attribute"),
            ("attributesque", "attributesque"),
            ("page_size", "page_size"),
        ] {
            assert_eq!(open311_parameter(field), parameter, "{field}");
        }
    }
}
