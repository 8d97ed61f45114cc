//! The dialogue service: residents ask the commune public questions and the
//! commune answers officially, in public and against its commitment; residents
//! submit proposals that, once supported enough, oblige an official answer;
//! comment threads on publications, reports and proposals.
//!
//! - [`domain`] — the deciders (pure: no I/O, no clock).
//! - [`read_model`] — views updated inline with the events.
//! - [`api`] — the gRPC API (`miroir.dialogue.v1.Dialogue`).
//! - [`error`] — errors mapped to gRPC statuses.
//!
//! Not yet served by the `miroir` binary nor exposed by the gateway; the
//! commune's answer commitment is configuration ([`api::DialogueApi::with_commitment_days`])
//! until identity owns and publishes it.

pub mod api;
pub mod domain;
pub mod error;
pub mod read_model;

use miroir_eventstore::EventStore;
use miroir_platform::storage::{Database, Migration, StorageError, migrate};

/// The name of this service's log and stream.
pub const SERVICE: &str = "dialogue";

pub const MIGRATIONS: &[Migration] = miroir_platform::migrations!("dialogue", 1 => "0001_dialogue_views.sql", 2 => "0002_moderation.sql", 3 => "0003_flag_queue.sql");

/// Applies the event store's and this service's migrations.
pub async fn migrate_database(db: &Database) -> Result<(), StorageError> {
    migrate(db, "eventstore", miroir_eventstore::MIGRATIONS).await?;
    migrate(db, SERVICE, MIGRATIONS).await
}

/// Opens the service's log (after [`migrate_database`]).
pub async fn open(db: Database) -> Result<EventStore, sqlx::Error> {
    EventStore::open(db, SERVICE).await
}
