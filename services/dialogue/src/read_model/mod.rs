//! The dialogue service's read models, written inline with the events (so the
//! service reads its own writes): questions, proposals and their supports,
//! the communes' settings, comments.
//!
//! - [`projection`] — how each event changes the tables.
//! - [`query`] — what the API reads: one resource, pages newest first (comments oldest first).

pub mod projection;
pub mod query;

pub use projection::DialogueView;

fn position(event: &miroir_eventstore::RecordedEvent) -> i64 {
    i64::try_from(event.position).unwrap_or(i64::MAX)
}
