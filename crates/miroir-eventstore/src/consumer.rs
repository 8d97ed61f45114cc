//! Exactly-once effects from an at-least-once feed.
//!
//! A consumer's checkpoint lives in the consumer's own database and moves in
//! the same transaction as its effects. The transaction first advances the
//! checkpoint from `position - 1` to `position`; if that matches no row, the
//! event was already handled (a redelivery, or another replica got there
//! first: the row lock serializes them) and the transaction is dropped. A
//! checkpoint further behind than `position - 1` means the feed skipped
//! events, which must never happen: the consumer stops with an error rather
//! than lose them.

use std::future::Future;
use std::time::Duration;

use futures::StreamExt;
use miroir_platform::storage::{Database, is_transient};
use sqlx::{AnyConnection, Row};
use tokio_util::sync::CancellationToken;

use crate::event::{RecordedEvent, now_us};
use crate::feed::{EventFeed, FeedError};
use crate::store::{to_i64, to_u64};

/// A consumer's effects for one event, inside the checkpoint's transaction.
pub trait Handler: Send + Sync {
    fn handle<'c>(
        &'c self,
        conn: &'c mut AnyConnection,
        event: &'c RecordedEvent,
    ) -> impl Future<Output = Result<(), HandlerError>> + Send + 'c;

    /// The effects of consecutive events, in order, in one transaction: one
    /// [`Self::handle`] each unless the handler folds a batch at once (a
    /// rebuild then writes once per batch rather than once per event). On
    /// error, the position of the event that failed, if known.
    fn handle_batch<'c>(
        &'c self,
        conn: &'c mut AnyConnection,
        events: &'c [RecordedEvent],
    ) -> impl Future<Output = Result<(), (Option<u64>, HandlerError)>> + Send + 'c {
        async move {
            for event in events {
                self.handle(&mut *conn, event).await.map_err(|e| (Some(event.position), e))?;
            }
            Ok(())
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("cannot decode event: {0}")]
    Decode(#[from] prost::DecodeError),
    /// The projection generation this handler writes was replaced by a rebuild.
    #[error("superseded by a newer generation")]
    Superseded,
    #[error("{0}")]
    Other(String),
}

#[derive(Debug, thiserror::Error)]
pub enum ConsumerError {
    #[error(transparent)]
    Feed(#[from] FeedError),
    #[error("consumer {consumer}: checkpoint at {checkpoint} but the feed delivered {position}")]
    Gap { consumer: String, checkpoint: u64, position: u64 },
    #[error("consumer {consumer} failed on position {position}: {source}")]
    Handler {
        consumer: String,
        position: u64,
        #[source]
        source: HandlerError,
    },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("the feed ended")]
    FeedEnded,
    #[error("cancelled")]
    Cancelled,
}

/// The checkpoint of `consumer` (0 if it never ran).
pub async fn checkpoint(db: &Database, consumer: &str) -> Result<u64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO checkpoints (consumer, position, updated_at_us) VALUES ($1, 0, $2) ON CONFLICT DO NOTHING",
    )
    .bind(consumer)
    .bind(now_us())
    .execute(db.pool())
    .await?;
    let position: i64 = sqlx::query("SELECT position FROM checkpoints WHERE consumer = $1")
        .bind(consumer)
        .fetch_one(db.pool())
        .await?
        .try_get(0)?;
    Ok(to_u64(position))
}

/// What [`apply_batch`] did with a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Done,
    /// The checkpoint had already moved past the batch (redelivery, or another replica).
    AlreadyDone,
}

/// Applies the effects of a batch of consecutive events and advances the
/// checkpoint to its last position, atomically. Batching lets a rebuild or a
/// consumer that fell behind commit once per batch instead of once per event.
pub async fn apply_batch<H: Handler>(
    db: &Database,
    consumer: &str,
    handler: &H,
    events: &[RecordedEvent],
) -> Result<Applied, ConsumerError> {
    let (Some(first), Some(last)) = (events.first(), events.last()) else {
        return Ok(Applied::AlreadyDone);
    };
    let mut tx = db.begin_write().await?;
    let moved =
        sqlx::query("UPDATE checkpoints SET position = $1, updated_at_us = $2 WHERE consumer = $3 AND position = $4")
            .bind(to_i64(last.position))
            .bind(now_us())
            .bind(consumer)
            .bind(to_i64(first.position.saturating_sub(1)))
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if moved == 0 {
        let current: i64 = sqlx::query("SELECT position FROM checkpoints WHERE consumer = $1")
            .bind(consumer)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        tx.rollback().await?;
        let current = to_u64(current);
        return if current >= last.position {
            Ok(Applied::AlreadyDone)
        } else {
            Err(ConsumerError::Gap { consumer: consumer.to_owned(), checkpoint: current, position: first.position })
        };
    }
    if let Err((position, source)) = handler.handle_batch(&mut tx, events).await {
        tx.rollback().await?;
        let position = position.unwrap_or(first.position);
        return Err(ConsumerError::Handler { consumer: consumer.to_owned(), position, source });
    }
    tx.commit().await?;
    Ok(Applied::Done)
}

/// Waits out a database that restarts or is out of reach, logging it once
/// per outage (and then every [`OUTAGE_LOG_EVERY`]), with a growing pause.
#[derive(Default)]
struct Outage {
    tries: u32,
}

const OUTAGE_PAUSE_MIN: Duration = Duration::from_millis(100);
const OUTAGE_PAUSE_MAX: Duration = Duration::from_secs(2);
const OUTAGE_LOG_EVERY: u32 = 30;

impl Outage {
    /// Pauses before the next try; false if `token` was cancelled meanwhile.
    async fn wait(&mut self, consumer: &str, error: &sqlx::Error, token: &CancellationToken) -> bool {
        if self.tries.is_multiple_of(OUTAGE_LOG_EVERY) {
            tracing::warn!(consumer, %error, tries = self.tries, "consumer: database unavailable; retrying");
        }
        let pause = OUTAGE_PAUSE_MIN.saturating_mul(1 << self.tries.min(5)).min(OUTAGE_PAUSE_MAX);
        self.tries = self.tries.saturating_add(1);
        tokio::select! {
            () = token.cancelled() => false,
            () = tokio::time::sleep(pause) => true,
        }
    }
}

/// How long a consumer waits before retrying an event whose handler failed.
const RETRY_DELAY: Duration = Duration::from_secs(1);
/// Most events committed in one transaction.
pub(crate) const BATCH: usize = 256;

/// Runs `consumer` on `service`'s log until `token` is cancelled or the
/// checkpoint reaches `until`; stops between batches, never inside one. A
/// failing handler is retried (its checkpoint unmoved) rather than skipped.
/// Returns the checkpoint reached.
pub async fn run<F: EventFeed + ?Sized, H: Handler>(
    db: &Database,
    feed: &F,
    service: &str,
    consumer: &str,
    handler: &H,
    until: Option<u64>,
    token: CancellationToken,
) -> Result<u64, ConsumerError> {
    let mut outage = Outage::default();
    // The checkpoint last read, answered if cancelled while the database is away.
    let mut known = 0;
    loop {
        let mut reached = match checkpoint(db, consumer).await {
            Ok(reached) => reached,
            Err(error) if is_transient(&error) => {
                if outage.wait(consumer, &error, &token).await {
                    continue;
                }
                return Ok(known);
            }
            Err(error) => return Err(error.into()),
        };
        known = reached;
        if until.is_some_and(|until| reached >= until) {
            return Ok(reached);
        }
        let mut batches = feed.subscribe(service, reached).ready_chunks(BATCH);
        let failed = loop {
            let next = tokio::select! {
                biased;
                () = token.cancelled() => return Ok(reached),
                next = batches.next() => next,
            };
            let Some(items) = next else { return Err(ConsumerError::FeedEnded) };
            let mut events: Vec<RecordedEvent> = Vec::with_capacity(items.len());
            for item in items {
                let event = item?;
                // A redelivery below the checkpoint, or of an event already in
                // this batch (at least once means twice in a row too): handled.
                let last = events.last().map_or(reached, |e| e.position);
                if event.position > last {
                    events.push(event);
                }
            }
            match apply_batch(db, consumer, handler, &events).await {
                Ok(_) => {
                    outage = Outage::default();
                    reached = events.last().map(|e| e.position).unwrap_or(reached).max(reached);
                    if until.is_some_and(|until| reached >= until) {
                        return Ok(reached);
                    }
                }
                Err(ConsumerError::Handler { source, position, .. }) => break Some((position, source)),
                // The database restarting or out of reach: nothing was committed; start again from the
                // checkpoint once it answers (the feed redelivers what this batch held).
                Err(ConsumerError::Database(error)) if is_transient(&error) => {
                    if !outage.wait(consumer, &error, &token).await {
                        return Ok(reached);
                    }
                    break None;
                }
                Err(other) => return Err(other),
            }
        };
        let Some((position, source)) = failed else { continue };
        if matches!(source, HandlerError::Superseded) {
            return Err(ConsumerError::Handler { consumer: consumer.to_owned(), position, source });
        }
        tracing::error!(consumer, position, error = %source, "handler failed; retrying");
        tokio::select! {
            () = token.cancelled() => return Ok(reached),
            () = tokio::time::sleep(RETRY_DELAY) => {}
        }
    }
}
