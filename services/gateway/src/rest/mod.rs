//! The REST API, `/api/v1`: JSON over the services' gRPC APIs.
//!
//! - [`reports`] — the handlers of `/communes/{insee}/reports…`: submission
//!   (JSON or a form with photos, read by [`submission`]), reading, listing
//!   (with the [`filters`]), photos, duplicates, verification, supports and
//!   the workflow steps.
//! - [`triage`] — the staff's tools on a report: assignment, internal notes,
//!   merges.
//! - [`categories`] — a commune's report categories.
//! - [`publications`] — what a commune's official and citizen spaces
//!   publish: `/communes/{insee}/publications…` (drafts, publishing now or
//!   later, amendments with their revisions, archiving), and
//!   [`publication_attachments`], their files.
//! - [`dialogue`] — questions and official answers, citizen proposals and
//!   supports, the dialogue settings, comments and moderation:
//!   `/communes/{insee}/{questions,proposals,dialogue-settings,comments,moderation}…`.
//! - [`account`] — accounts and sessions: `/auth/…` and `/me…` (identity).
//! - [`communes`] — communes, roles and integration clients:
//!   `/communes…` (identity).
//! - [`oauth`] — the OAuth 2.0 token endpoint of integration clients,
//!   `/auth/token`, and the signing keys, `/.well-known/jwks.json`.
//! - [`schemas`], [`category_schemas`], [`identity_schemas`],
//!   [`publication_schemas`], [`dialogue_schemas`] — the JSON shapes (also
//!   the OpenAPI schemas).
//! - [`extract`] — request extractors that answer bad input with the JSON
//!   error body.

pub mod account;
pub mod categories;
pub mod category_schemas;
pub mod communes;
pub mod dialogue;
pub mod dialogue_schemas;
pub mod extract;
pub mod filters;
pub mod identity_schemas;
pub mod oauth;
pub mod publication_attachments;
pub mod publication_schemas;
pub mod publications;
pub mod reports;
pub mod schemas;
pub mod submission;
pub mod triage;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::GatewayError;

/// Every `/api/v1` route, relative to that prefix; the operations that need
/// a bearer token refuse a request without one first ([`require_credentials`]).
pub fn routes() -> Router<AppState> {
    routes_without_authentication().route_layer(axum::middleware::from_fn(require_credentials))
}

/// Authentication before validation: a request without an `Authorization`
/// header to an operation the OpenAPI document says needs a bearer token is
/// refused (401) before its path, headers or body are read, so that an
/// anonymous caller learns nothing from the validation errors, and a client
/// missing its token is told so rather than about another mistake. The
/// token itself is still checked by the service that answers.
async fn require_credentials(path: Option<MatchedPath>, request: Request, next: Next) -> Response {
    // Inside the nested router the matched path may lack the `/api/v1` prefix.
    let needs = path.is_some_and(|path| {
        let path = path.as_str();
        let full = if path.starts_with("/api/") { path.to_owned() } else { format!("/api/v1{path}") };
        crate::openapi::needs_credentials(request.method(), &full)
    });
    if needs && !request.headers().contains_key(header::AUTHORIZATION) {
        return GatewayError::Upstream(tonic::Status::unauthenticated("this operation needs a bearer token"))
            .into_response();
    }
    next.run(request).await
}

fn routes_without_authentication() -> Router<AppState> {
    reports::routes()
        .merge(triage::routes())
        .merge(categories::routes())
        .merge(account::routes())
        .merge(communes::routes())
        .merge(oauth::routes())
        .merge(publications::routes())
        .merge(publication_attachments::routes())
        .merge(dialogue::routes())
}
