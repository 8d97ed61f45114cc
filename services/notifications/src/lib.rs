//! The notifications service: residents, agents and city IT hear about what
//! concerns them. This crate owns what people decide about what they hear:
//! the subjects they follow (reports, questions, proposals, publications),
//! their subscriptions (a category of reports, an area, a whole space of a
//! commune) and their preferences (e-mail cadence, language). Delivery (the
//! intake of the other services' events, e-mail, webhooks, the feed) comes on
//! top of these.
//!
//! - [`intake`] — the consumers of identity's, reports', publications' and
//!   dialogue's logs: who hears about each event, written as feed items and
//!   delivery rows in the transaction that moves the consumer's checkpoint.
//! - [`digest`] — daily and weekly digests: the entries the intake leaves, and
//!   the scheduler that turns each finished period into one e-mail delivery.
//! - [`feed`] — the in-app feed the intake writes: read and marked by its account only.
//! - [`domain`] — the deciders (pure: no I/O, no clock) and their validated values.
//! - [`read_model`] — the tables written inline with the events, and their queries.
//! - [`api`] — the gRPC API (`miroir.notifications.v1.Notifications`): each
//!   account acts for itself only.
//! - [`error`] — errors mapped to gRPC statuses.
//! - [`render`] — what a notification says (Fluent catalogues, askama templates), in French or English.
//! - [`outbox`] — claiming due deliveries with a lease, recording each attempt; the retry schedule.
//! - [`email`] — the e-mail senders ([`email::EmailSender`]) and the [`email::Mailer`] they hand messages to.
//! - [`webhook`] — Standard Webhooks signing and the webhook senders ([`webhook::WebhookSender`]).
//! - [`directory`] — the address book the senders ask (identity's, in the binary).
//! - [`unsubscribe`] — the signed one-click unsubscribe tokens.

pub mod api;
pub mod digest;
pub mod directory;
pub mod domain;
pub mod email;
pub mod error;
pub mod feed;
pub mod intake;
pub mod outbox;
pub mod read_model;
pub mod render;
pub mod unsubscribe;
pub mod webhook;
pub mod workers;

use miroir_eventstore::EventStore;
use miroir_platform::storage::{Database, Migration, StorageError, migrate};

/// The name of this service's log and stream.
pub const SERVICE: &str = "notifications";

/// The checkpoint, in this service's database, of its copy of identity's
/// communes ([`miroir_communes`]): with [`api::NotificationsApi::requiring_registered_communes`],
/// follows and subscriptions are taken only for registered, open communes.
pub const COMMUNES_CONSUMER: &str = "notifications:communes-from-identity";

/// The checkpoints, in this service's database, of the intake's consumers
/// ([`intake::follow`]), one per source log.
pub const FROM_IDENTITY: &str = "notifications:from-identity";
pub const FROM_REPORTS: &str = "notifications:from-reports";
pub const FROM_PUBLICATIONS: &str = "notifications:from-publications";
pub const FROM_DIALOGUE: &str = "notifications:from-dialogue";

const FILES: &[Migration] = miroir_platform::migrations!(
    "notifications",
    1 => "0001_notifications.sql",
    4 => "0004_delivery.sql",
    5 => "0005_webhooks.sql",
    6 => "0006_digests.sql",
    7 => "0007_follow_ups.sql",
);

/// This service's migrations: its own files, and the shared `communes` table
/// (with its commitment column) as versions 2 and 3.
pub const MIGRATIONS: &[Migration] = &[
    FILES[0],
    miroir_communes::migration(2),
    miroir_communes::commitment_migration(3),
    FILES[1],
    FILES[2],
    FILES[3],
    FILES[4],
];

/// Applies the event store's and this service's migrations.
pub async fn migrate_database(db: &Database) -> Result<(), StorageError> {
    migrate(db, "eventstore", miroir_eventstore::MIGRATIONS).await?;
    migrate(db, SERVICE, MIGRATIONS).await?;
    Ok(())
}

/// Opens the service's log (after [`migrate_database`]).
pub async fn open(db: Database) -> Result<EventStore, sqlx::Error> {
    EventStore::open(db, SERVICE).await
}
