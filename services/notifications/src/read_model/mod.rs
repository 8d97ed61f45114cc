//! The notifications service's read model of its own log, written inline with
//! the events (so the service reads its own writes): follows, subscriptions,
//! preferences, webhook endpoints.
//!
//! - [`projection`] — how each event changes the tables.
//! - [`query`] — what the API reads: an account's own rows, pages newest first.
//! - [`webhooks`] — the webhook endpoints' tables, their secrets and queries.

pub mod projection;
pub mod query;
pub mod webhooks;

pub use projection::NotificationsView;
