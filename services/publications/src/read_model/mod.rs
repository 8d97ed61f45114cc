//! The publications service's read model, written inline with the events (so
//! the service reads its own writes): `publications_view` (one row per
//! publication, with the resource encoded as its writers see it) and
//! `publication_revisions` (every amendment, public).
//!
//! - [`projection`] — how each event changes the tables.
//! - [`query`] — what the API reads: one publication, filtered pages, revisions.
//! - [`attachments`] — `publication_attachments`: where each attached file is.

pub mod attachments;
pub mod projection;
pub mod query;

pub use projection::PublicationsView;
pub use query::{Cursor, Filter, Viewer, get, list, revisions};

fn decode_error(e: prost::DecodeError) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}
