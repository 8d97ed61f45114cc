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
//! The commune's answer commitment is configuration ([`api::DialogueApi::with_commitment_days`])
//! until identity owns and publishes it.

pub mod api;
pub mod domain;
pub mod error;
pub mod read_model;

use miroir_eventstore::EventStore;
use miroir_platform::storage::{Database, Migration, StorageError, migrate};

/// The name of this service's log and stream.
pub const SERVICE: &str = "dialogue";

/// The checkpoint, in this service's database, of its copy of identity's
/// communes ([`miroir_communes`]): with [`api::DialogueApi::requiring_registered_communes`],
/// commands are taken only for registered, open communes.
pub const COMMUNES_CONSUMER: &str = "dialogue:communes-from-identity";

const FILES: &[Migration] = miroir_platform::migrations!("dialogue", 1 => "0001_dialogue_views.sql", 2 => "0002_moderation.sql", 3 => "0003_flag_queue.sql", 5 => "0005_search_text.sql");

/// This service's migrations: its own files, and the shared `communes` table as version 4.
pub const MIGRATIONS: &[Migration] =
    &[FILES[0], FILES[1], FILES[2], miroir_communes::migration(4), FILES[3], miroir_communes::commitment_migration(6)];

/// Applies the event store's and this service's migrations, then fills the
/// search text of questions and proposals projected before it existed.
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
