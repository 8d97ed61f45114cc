//! The reports service's read model, written inline with the events (so the
//! service reads its own writes): `reports_view` and its child tables
//! (timeline, attributes, photos, supports, followers, notes) and the
//! communes' categories.
//!
//! - [`projection`] — how each event changes the tables.
//! - [`query`] — what the API reads: one report, filtered pages, nearby
//!   reports, photos, notes.
//! - [`categories`] — a commune's categories (the standard ones until its own).

pub mod categories;
pub mod projection;
pub mod query;

pub use projection::ReportsView;
pub use query::{Cursor, Filter, Order, Viewer, get, list};

fn position(event: &miroir_eventstore::RecordedEvent) -> i64 {
    i64::try_from(event.position).unwrap_or(i64::MAX)
}
