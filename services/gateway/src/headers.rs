//! Security headers on every response of the gateway.
//!
//! Each is set only when the handler did not set it: the API's defaults are
//! the strictest (a JSON answer never needs to load anything or be framed),
//! and the HTML site sets its own policy (`site::page`). Every answer, an
//! error, an asset or a download alike, gets them all: a browser may be sent
//! to any URL, and the checks in `tests/security.rs` read them on each kind.

use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;

const SECURITY_HEADERS: [(HeaderName, &str); 6] = [
    // Browsers must not guess a type other than the one declared.
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "same-origin"),
    // For browsers that predate CSP's frame-ancestors.
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::CONTENT_SECURITY_POLICY, "default-src 'none'; frame-ancestors 'none'"),
    // No page of the site uses a device or a payment: nothing it loads may ask for one.
    (
        PERMISSIONS_POLICY,
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), \
         usb=()",
    ),
    // Browsers ignore it over plain HTTP, so it costs nothing when the gateway is reached without TLS (tests,
    // `miroir up` on a laptop) and holds wherever it is served over HTTPS.
    (header::STRICT_TRANSPORT_SECURITY, "max-age=31536000; includeSubDomains"),
];

/// Not among `http`'s constants.
const PERMISSIONS_POLICY: HeaderName = HeaderName::from_static("permissions-policy");

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
