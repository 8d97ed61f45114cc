//! The identity service: who may do what, in which commune.
//!
//! - [`domain`] — communes, accounts and integration clients as deciders (pure).
//! - [`core`] — the use cases, with their authorization checks.
//! - [`api`] — the gRPC API (`miroir.identity.v1.Identity`).
//! - [`read_model`] — read models written inline with the events.
//! - [`crypto`], [`keys`], [`sessions`] — sealing, hashing, signing keys,
//!   refresh tokens, single-use links, login rate limits.

pub mod api;
pub mod core;
pub mod crypto;
pub mod directory;
pub mod domain;
pub mod error;
pub mod keys;
pub mod passwords;
pub mod read_model;
pub mod sessions;

use miroir_eventstore::EventStore;
use miroir_platform::storage::{Database, Migration, StorageError, migrate};

pub use crate::core::{Identity, IdentityConfig, IdentityError, operator_cli};

/// The name of this service's log and stream.
pub const SERVICE: &str = "identity";

pub const MIGRATIONS: &[Migration] = miroir_platform::migrations!("identity", 1 => "0001_identity.sql");

/// Applies the event store's and this service's migrations.
pub async fn migrate_database(db: &Database) -> Result<(), StorageError> {
    migrate(db, "eventstore", miroir_eventstore::MIGRATIONS).await?;
    migrate(db, SERVICE, MIGRATIONS).await
}

/// Opens the service on its (migrated) database.
pub async fn open(db: Database, config: IdentityConfig) -> Result<Identity, IdentityError> {
    let store = EventStore::open(db, SERVICE).await.map_err(|e| IdentityError::Internal(e.to_string()))?;
    Identity::open(store, config).await
}
