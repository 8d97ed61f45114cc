//! The publications service: what a commune's two spaces publish — projects,
//! council decisions and minutes, budgets, news (official space); posts,
//! activity proposals and follow-up notes (citizen space) — with drafts,
//! scheduled publication and a public revision history, and attached files
//! (PDFs, images) in object storage.
//!
//! - [`domain`] — the publication decider, kind-specific checks, the line diff (pure).
//! - [`read_model`] — `publications_view`, `publication_revisions` and `publication_attachments`, updated inline.
//! - [`api`] — the gRPC API (`miroir.publications.v1.Publications`).
//! - [`error`] — errors mapped to gRPC statuses.

pub mod api;
pub mod domain;
pub mod error;
pub mod read_model;

use miroir_eventstore::EventStore;
use miroir_platform::storage::{Database, Migration, StorageError, migrate};

/// The name of this service's log and stream.
pub const SERVICE: &str = "publications";

pub const MIGRATIONS: &[Migration] = miroir_platform::migrations!(
    "publications",
    1 => "0001_publications_view.sql",
    3 => "0003_attachments.sql",
);

/// Applies the event store's and this service's migrations.
pub async fn migrate_database(db: &Database) -> Result<(), StorageError> {
    migrate(db, "eventstore", miroir_eventstore::MIGRATIONS).await?;
    migrate(db, SERVICE, MIGRATIONS).await
}

/// Opens the service's log (after [`migrate_database`]).
pub async fn open(db: Database) -> Result<EventStore, sqlx::Error> {
    EventStore::open(db, SERVICE).await
}
