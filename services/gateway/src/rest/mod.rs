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

use crate::AppState;

/// Every `/api/v1` route, relative to that prefix.
pub fn routes() -> Router<AppState> {
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
