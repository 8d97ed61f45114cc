//! The intake: notifications' consumers of the four logs whose events people
//! hear about (identity, reports, publications, dialogue). For each event,
//! inside the transaction that moves the consumer's checkpoint
//! ([`miroir_eventstore::consumer`]), it
//! - keeps what it needs to know: the `subjects` (title, category, point,
//!   status, public or not), the commune's `staff` and integration `clients`,
//!   the implicit follows (authors, supporters, commenters);
//! - finds who hears about the event ([`recipients`], plan §4): never the
//!   actor, and nothing about what is not public (an anonymous report waits
//!   for its verification, a draft for its publication, hidden content is not
//!   announced);
//! - writes a feed item per recipient, and an e-mail delivery row for those
//!   who want to hear immediately ([`deliveries`]);
//! - writes a webhook delivery row for each endpoint of the commune that
//!   wants the event ([`webhooks`]).
//!
//! Exactly once: the checkpoint's compare-and-set drops a redelivered batch or
//! another replica's, and every row is written `ON CONFLICT DO NOTHING` on a
//! key made from the source event, so that even a replay after a checkpoint
//! reset adds nothing. The durable cursor is the checkpoint row, not a
//! JetStream durable consumer: it moves in the same transaction as the
//! effects, which an ack cannot.
//!
//! Logs are not ordered with each other: an agent whose `RoleGranted` is not
//! consumed yet misses a report of the same second, and a follow written
//! from a source event consumed after the account's deletion is left for the
//! sender, which cancels what is addressed to a deleted account.
//!
//! - [`identity`], [`reports`], [`publications`], [`dialogue`] — one
//!   [`Handler`](miroir_eventstore::consumer::Handler) per source log.
//! - [`announcement`] — event types and the parameters the texts get.
//! - [`subjects`], [`follows`], [`recipients`], [`deliveries`], [`webhooks`] —
//!   the tables the handlers share.

pub mod announcement;
pub mod deliveries;
pub mod dialogue;
pub mod follows;
pub mod identity;
pub mod publications;
pub mod recipients;
pub mod reports;
pub mod subjects;
pub mod webhooks;

use miroir_eventstore::RecordedEvent;
use miroir_eventstore::consumer::{self, ConsumerError};
use miroir_eventstore::feed::EventFeed;
use miroir_platform::clock::now_us;
use miroir_platform::storage::Database;
use sqlx::AnyConnection;
use tokio_util::sync::CancellationToken;

pub use announcement::{Announcement, EventType, Params};
pub use dialogue::FromDialogue;
pub use identity::FromIdentity;
pub use publications::FromPublications;
pub use reports::FromReports;

use recipients::Recipients;

/// A log the intake follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Identity,
    Reports,
    Publications,
    Dialogue,
}

impl Source {
    pub const ALL: [Source; 4] = [Source::Identity, Source::Reports, Source::Publications, Source::Dialogue];

    /// The log's (and stream's) service name.
    pub fn service(self) -> &'static str {
        match self {
            Source::Identity => "identity",
            Source::Reports => "reports",
            Source::Publications => "publications",
            Source::Dialogue => "dialogue",
        }
    }

    /// The consumer's checkpoint name in notifications' database.
    pub fn consumer(self) -> &'static str {
        match self {
            Source::Identity => crate::FROM_IDENTITY,
            Source::Reports => crate::FROM_REPORTS,
            Source::Publications => crate::FROM_PUBLICATIONS,
            Source::Dialogue => crate::FROM_DIALOGUE,
        }
    }
}

/// Follows `source`'s log from `feed` until `token` is cancelled, or up to
/// position `until`; answers the checkpoint reached.
pub async fn follow<F: EventFeed + ?Sized>(
    db: &Database,
    feed: &F,
    source: Source,
    until: Option<u64>,
    token: CancellationToken,
) -> Result<u64, ConsumerError> {
    let (service, consumer) = (source.service(), source.consumer());
    match source {
        Source::Identity => consumer::run(db, feed, service, consumer, &FromIdentity, until, token).await,
        Source::Reports => consumer::run(db, feed, service, consumer, &FromReports, until, token).await,
        Source::Publications => consumer::run(db, feed, service, consumer, &FromPublications, until, token).await,
        Source::Dialogue => consumer::run(db, feed, service, consumer, &FromDialogue, until, token).await,
    }
}

/// One source event as the handlers see it.
pub(crate) struct Context<'a> {
    pub event: &'a RecordedEvent,
    /// "{service}/{position}": the key of everything it makes.
    pub source_event: String,
    /// When it happened.
    pub at_us: i64,
}

impl<'a> Context<'a> {
    pub fn new(source: Source, event: &'a RecordedEvent) -> Self {
        // The envelope's time is the command's; the store's time, or ours, only
        // if an event came without one.
        let at_us = [event.metadata.occurred_at_us, event.recorded_at_us].into_iter().find(|t| *t > 0);
        Self {
            event,
            source_event: format!("{}/{}", source.service(), event.position),
            at_us: at_us.unwrap_or_else(now_us),
        }
    }

    /// Who made the event happen (an account id, "client:…", or "").
    pub fn actor(&self) -> &'a str {
        &self.event.metadata.actor
    }

    /// The commune the event was committed in.
    pub fn commune(&self) -> &'a str {
        &self.event.commune
    }

    /// Parameters with the commune's code.
    pub fn params(&self) -> Params {
        Params::new(self.commune())
    }

    /// Writes `announcement` for `recipients`, and for the commune's webhook endpoints.
    pub async fn announce(
        &self,
        conn: &mut AnyConnection,
        announcement: Announcement,
        recipients: Recipients,
    ) -> Result<(), sqlx::Error> {
        deliveries::record(conn, &self.source_event, &announcement, recipients.into_accounts()).await?;
        webhooks::record(conn, &self.source_event, &announcement).await
    }
}
