//! Daily and weekly digests: one e-mail per account and period instead of
//! one per event, for the accounts whose cadence is `daily` or `weekly`.
//!
//! - The intake writes a `digest_entries` row for each event such an account
//!   hears of ([`entries`]), in its transaction, in the period of the event
//!   ([`period`]: the UTC day, or the ISO week).
//! - The [`scheduler`], once a period is over and its time has come (06:00
//!   UTC the next day; 06:00 UTC on the Monday after the week), gathers each
//!   account's entries of that period into ONE `deliveries` row keyed
//!   `digest/{cadence}/{period}`, and marks them digested in the same
//!   transaction. The e-mail senders then send it like any other delivery,
//!   rendered at send time ([`crate::render::digest`]).
//!
//! Exactly once: taking the entries (`UPDATE … SET digested = 1 WHERE
//! digested = 0 RETURNING …`) is the claim, so two schedulers (replicas, or a
//! restart mid-pass) never gather the same entry twice, and the delivery's
//! unique key is the backstop. Periods are in UTC: a Europe/Paris day would
//! need a zone table the `time` crate does not have.

pub mod entries;
pub mod period;
pub mod scheduler;

pub use period::Cadence;
pub use scheduler::{DigestScheduler, Pass};
