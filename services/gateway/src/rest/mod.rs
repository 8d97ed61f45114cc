//! The REST API, `/api/v1`: JSON over the services' gRPC APIs.
//!
//! - [`reports`] — the handlers of `/communes/{insee}/reports…`.
//! - [`account`] — accounts and sessions: `/auth/…` and `/me…` (identity).
//! - [`communes`] — communes, roles and integration clients:
//!   `/communes…` (identity).
//! - [`oauth`] — the OAuth 2.0 token endpoint of integration clients,
//!   `/auth/token`, and the signing keys, `/.well-known/jwks.json`.
//! - [`schemas`], [`identity_schemas`] — the JSON shapes (also the OpenAPI
//!   schemas).
//! - [`extract`] — request extractors that answer bad input with the JSON
//!   error body.

pub mod account;
pub mod communes;
pub mod extract;
pub mod identity_schemas;
pub mod oauth;
pub mod reports;
pub mod schemas;

use axum::Router;

use crate::AppState;

/// Every `/api/v1` route, relative to that prefix.
pub fn routes() -> Router<AppState> {
    reports::routes().merge(account::routes()).merge(communes::routes()).merge(oauth::routes())
}
