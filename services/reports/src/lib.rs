//! The reports service: residents report problems in their commune; agents
//! acknowledge them, in public.
//!
//! - [`domain`] — the report decider and validated values (pure).
//! - [`read_model`] — `reports_view`, updated inline with the events.
//! - [`api`] — the gRPC API (`miroir.reports.v1.Reports`).
//! - [`error`] — errors mapped to gRPC statuses.
//! - [`photos`] — report photos: checked, stripped of metadata, kept in object storage.

pub mod api;
pub mod domain;
pub mod error;
pub mod photos;
pub mod read_model;

use miroir_eventstore::EventStore;
use miroir_platform::storage::{Database, Migration, StorageError, migrate};

/// The name of this service's log and stream.
pub const SERVICE: &str = "reports";

/// The checkpoint, in this service's database, of its copy of identity's
/// communes ([`miroir_communes`]): reports are taken only for registered,
/// open communes. Its table comes from `0002_communes.sql`.
pub const COMMUNES_CONSUMER: &str = "reports:communes-from-identity";

const FILES: &[Migration] = miroir_platform::migrations!("reports", 1 => "0001_reports_view.sql", 2 => "0002_communes.sql", 3 => "0003_workflow.sql", 4 => "0004_issue5.sql");

/// This service's migrations: its own files, and the shared communes' commitment column as version 5.
pub const MIGRATIONS: &[Migration] =
    &[FILES[0], FILES[1], FILES[2], FILES[3], miroir_communes::commitment_migration(5)];

/// Applies the event store's and this service's migrations.
pub async fn migrate_database(db: &Database) -> Result<(), StorageError> {
    migrate(db, "eventstore", miroir_eventstore::MIGRATIONS).await?;
    migrate(db, SERVICE, MIGRATIONS).await
}

/// Opens the service's log (after [`migrate_database`]).
pub async fn open(db: Database) -> Result<EventStore, sqlx::Error> {
    EventStore::open(db, SERVICE).await
}
