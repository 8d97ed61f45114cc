//! Security headers on every response of the gateway.
//!
//! Each is set only when the handler did not set it: the API's defaults are
//! the strictest (a JSON answer never needs to load anything or be framed),
//! and the HTML site, which will need a real policy, sets its own.

use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;

const SECURITY_HEADERS: [(HeaderName, &str); 4] = [
    // Browsers must not guess a type other than the one declared.
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "same-origin"),
    // For browsers that predate CSP's frame-ancestors.
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::CONTENT_SECURITY_POLICY, "default-src 'none'; frame-ancestors 'none'"),
];

/// `axum::middleware::map_response(security_headers)`.
pub async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    response
}
