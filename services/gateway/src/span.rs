//! The tracing span each HTTP request runs in. It continues the caller's
//! trace (W3C `traceparent`) when there is one, and is the span whose context
//! the gRPC clients forward, so one trace follows a request from the browser
//! into the services.
//!
//! Only the method and the route template are recorded: paths hold ids, and
//! headers may hold credentials.

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use miroir_platform::telemetry;
use tracing::Instrument;

/// `axum::middleware::from_fn(request_span)`, added with `Router::layer` so
/// that the matched route is known.
pub async fn request_span(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str);
    let method = request.method().as_str();
    let span = tracing::info_span!(
        "http",
        otel.name = %format_args!("{method} {route}"),
        otel.kind = "server",
        http.request.method = method,
        http.route = route,
        http.response.status_code = tracing::field::Empty,
    );
    telemetry::set_parent_context(&span, telemetry::extract_from_headers(request.headers()));
    let response = next.run(request).instrument(span.clone()).await;
    span.record("http.response.status_code", response.status().as_u16());
    response
}
