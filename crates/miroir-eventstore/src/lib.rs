//! The event store of a Miroir service and what reads it.
//!
//! - [`store`] — the append-only log in the service's own database (PostgreSQL or
//!   SQLite, one SQL text), commits with optimistic concurrency and idempotency,
//!   inline read-model updates in the same transaction.
//! - [`decider`] — the pure `decide`/`evolve` shape of aggregates and the loop that
//!   runs a command against the store.
//! - [`feed`] — catch-up subscriptions to a service's log (the in-process feed
//!   here; the JetStream one lives in `miroir-bus`).
//! - [`consumer`] — exactly-once effects from an at-least-once feed (checkpoint in
//!   the same transaction as the effects).
//! - [`projection`] — rebuildable projections (fresh tables, then a swap).

pub mod consumer;
pub mod decider;
pub mod event;
pub mod feed;
pub mod projection;
pub mod store;

pub use event::{Metadata, NewEvent, RecordedEvent};
pub use store::{AppendError, Commit, CommitReceipt, EventStore, InlineProjection};

/// What services answer, on `request_id` (the REST `Idempotency-Key`), when a request id is reused for
/// another request.
pub const KEY_USED_ELSEWHERE: &str = "was already used for another request: send a new key";

/// The migrations every service database needs (`migrations/eventstore/`).
pub const MIGRATIONS: &[miroir_platform::storage::Migration] =
    miroir_platform::migrations!("eventstore", 1 => "0001_event_log.sql");
