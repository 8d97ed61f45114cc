//! The REST API, `/api/v1`: JSON over the services' gRPC APIs.
//!
//! - [`reports`] — the handlers of `/communes/{insee}/reports…`.
//! - [`schemas`] — the JSON shapes (also the OpenAPI schemas).
//! - [`extract`] — request extractors that answer bad input with the JSON
//!   error body.

pub mod extract;
pub mod reports;
pub mod schemas;

use axum::Router;

use crate::AppState;

/// Every `/api/v1` route, relative to that prefix.
pub fn routes() -> Router<AppState> {
    reports::routes()
}
