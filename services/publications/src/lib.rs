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

/// The checkpoint, in this service's database, of its copy of identity's
/// communes ([`miroir_communes`]): with [`api::PublicationsApi::requiring_registered_communes`],
/// commands are taken only for registered, open communes.
pub const COMMUNES_CONSUMER: &str = "publications:communes-from-identity";

const FILES: &[Migration] = miroir_platform::migrations!(
    "publications",
    1 => "0001_publications_view.sql",
    3 => "0003_search_text.sql",
    4 => "0004_attachments.sql",
);

/// This service's migrations: its own files, and the shared `communes` table as version 2.
pub const MIGRATIONS: &[Migration] =
    &[FILES[0], miroir_communes::migration(2), FILES[1], FILES[2], miroir_communes::commitment_migration(5)];

/// Applies the event store's and this service's migrations, then fills the
/// search text of publications projected before it existed.
pub async fn migrate_database(db: &Database) -> Result<(), StorageError> {
    migrate(db, "eventstore", miroir_eventstore::MIGRATIONS).await?;
    migrate(db, SERVICE, MIGRATIONS).await?;
    read_model::projection::fill_search_text(db).await?;
    Ok(())
}

/// Opens the service's log (after [`migrate_database`]).
pub async fn open(db: Database) -> Result<EventStore, sqlx::Error> {
    EventStore::open(db, SERVICE).await
}
