//! The append-only log of one service in its own database.
//!
//! Ordering: every append first increments the single `log_head` row and takes
//! its positions from it, inside the transaction that writes the events. The
//! row lock (PostgreSQL) or the database write lock (SQLite, `BEGIN IMMEDIATE`)
//! is held until commit, so positions are handed out in commit order and a
//! rolled-back append gives its positions back: the log is gap-free, and a
//! reader that has seen position P never later finds an event below P. This is
//! the "serialize appends" technique of `shared/notes/event-store.md`; we chose
//! it over a transaction-id horizon because it is exact, needs no cluster-wide
//! horizon, and is the same SQL on both databases. Its cost is that the lock is
//! held across the commit's fsync, capping one log near the single-client commit
//! rate; one log per service keeps that cap per service, and the benchmark
//! (`miroir-bench`) measures it.

use std::collections::HashMap;
use std::future::Future;

use miroir_platform::storage::Database;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use tokio::sync::watch;

use crate::event::{Metadata, NewEvent, RecordedEvent, now_us};

/// Read-model updates applied in the same transaction as an append, so the
/// service reads its own writes and uniqueness rules are unique indexes.
pub trait InlineProjection: Send + Sync {
    fn apply<'c>(
        &'c self,
        conn: &'c mut AnyConnection,
        event: &'c RecordedEvent,
    ) -> impl Future<Output = Result<(), sqlx::Error>> + Send + 'c;
}

/// No inline read model.
impl InlineProjection for () {
    async fn apply<'c>(&'c self, _: &'c mut AnyConnection, _: &'c RecordedEvent) -> Result<(), sqlx::Error> {
        Ok(())
    }
}

/// 1..N events of one aggregate, written atomically.
#[derive(Debug, Clone)]
pub struct Commit {
    pub commune: String,
    pub aggregate_type: String,
    pub aggregate_id: String,
    /// The aggregate's version the events were decided on (0 = new aggregate).
    pub expected_version: u64,
    /// Idempotency key: a commit retried with the same key appends nothing and
    /// returns the first receipt.
    pub request_id: Option<String>,
    pub metadata: Metadata,
    pub events: Vec<NewEvent>,
}

/// What an append wrote (or, for a retried request, what the first one wrote).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitReceipt {
    /// The aggregate the commit went to: a request id found again for another type of aggregate is a key
    /// reused for another request, not a retry.
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub first_position: u64,
    pub last_position: u64,
    /// The aggregate's version after the commit.
    pub version: u64,
    /// True when this is the replay of an earlier commit with the same request id.
    pub duplicate: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    #[error("{aggregate_type} {aggregate_id} is at version {actual}, not {expected}")]
    Conflict { aggregate_type: String, aggregate_id: String, expected: u64, actual: u64 },
    #[error("a commit needs at least one event")]
    Empty,
    /// The request id was first committed for another type of aggregate: another request, not a retry.
    #[error("request id {request_id} was already used for a {aggregate_type}")]
    KeyUsedElsewhere { request_id: String, aggregate_type: String },
    #[error("event store: {0}")]
    Database(#[from] sqlx::Error),
}

/// One service's event log.
#[derive(Debug, Clone)]
pub struct EventStore {
    db: Database,
    service: String,
    /// Last committed position seen by this process: wakes local readers (the
    /// relay, the in-process feed) without polling the database.
    head: watch::Sender<u64>,
}

const EVENT_COLUMNS: &str = "position, event_id, commune, aggregate_type, aggregate_id, aggregate_version, \
     event_type, schema_version, occurred_at_us, recorded_at_us, actor, correlation_id, causation_id, \
     trace_context, payload";

impl EventStore {
    /// Opens the log of `service` in `db` (migrated with [`crate::MIGRATIONS`]).
    pub async fn open(db: Database, service: impl Into<String>) -> Result<Self, sqlx::Error> {
        let (head, _) = watch::channel(0);
        let store = Self { db, service: service.into(), head };
        let position = store.head().await?;
        store.head.send_replace(position);
        Ok(store)
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// The last committed position, read from the database.
    pub async fn head(&self) -> Result<u64, sqlx::Error> {
        let position: i64 =
            sqlx::query("SELECT position FROM log_head WHERE id = 1").fetch_one(self.db.pool()).await?.try_get(0)?;
        Ok(to_u64(position))
    }

    /// Watches the last position committed through this process.
    pub fn watch_head(&self) -> watch::Receiver<u64> {
        self.head.subscribe()
    }

    /// Tells local readers that the log moved (another process appended).
    pub fn observe_head(&self, position: u64) {
        self.head.send_if_modified(|h| {
            let moved = position > *h;
            *h = (*h).max(position);
            moved
        });
    }

    /// The first commit recorded under `request_id` in `commune`, if any.
    pub async fn find_commit(&self, commune: &str, request_id: &str) -> Result<Option<CommitReceipt>, sqlx::Error> {
        find_commit(self.db.pool().acquire().await?.as_mut(), commune, request_id).await
    }

    /// Appends a commit with its inline read-model updates, in one transaction.
    pub async fn append<P: InlineProjection>(
        &self,
        commit: Commit,
        projection: &P,
    ) -> Result<CommitReceipt, AppendError> {
        if commit.events.is_empty() {
            return Err(AppendError::Empty);
        }
        let count = i64::try_from(commit.events.len()).unwrap_or(i64::MAX);
        let mut tx = self.db.begin_write().await?;
        // The checks run before the log lock, to hold it for as few round
        // trips as possible; a writer that races past them is caught by the
        // unique indexes below (aggregate version, request id).
        if let Some(request_id) = &commit.request_id
            && let Some(receipt) = find_commit(&mut tx, &commit.commune, request_id).await?
        {
            tx.rollback().await?;
            return same_request(receipt, &commit.aggregate_type, request_id);
        }
        let actual: i64 = sqlx::query(
            "SELECT COALESCE(MAX(aggregate_version), 0) FROM events WHERE aggregate_type = $1 AND aggregate_id = $2",
        )
        .bind(&commit.aggregate_type)
        .bind(&commit.aggregate_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        if to_u64(actual) != commit.expected_version {
            tx.rollback().await?;
            return Err(AppendError::Conflict {
                aggregate_type: commit.aggregate_type,
                aggregate_id: commit.aggregate_id,
                expected: commit.expected_version,
                actual: to_u64(actual),
            });
        }
        // Take the log lock (see module doc); held until commit.
        let last: i64 = sqlx::query("UPDATE log_head SET position = position + $1 WHERE id = 1 RETURNING position")
            .bind(count)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;

        let first = last - count + 1;
        let recorded_at_us = now_us();
        let trace_context = serde_json::to_string(&commit.metadata.trace_context).unwrap_or_else(|_| "{}".into());
        let mut recorded = Vec::with_capacity(commit.events.len());
        for (offset, event) in commit.events.into_iter().enumerate() {
            let offset = offset as u64;
            let record = RecordedEvent {
                position: to_u64(first) + offset,
                event_id: uuid::Uuid::now_v7().to_string(),
                service: self.service.clone(),
                commune: commit.commune.clone(),
                aggregate_type: commit.aggregate_type.clone(),
                aggregate_id: commit.aggregate_id.clone(),
                aggregate_version: commit.expected_version + offset + 1,
                event_type: event.event_type,
                schema_version: event.schema_version,
                recorded_at_us,
                metadata: commit.metadata.clone(),
                payload: event.payload,
            };
            sqlx::query(
                "INSERT INTO events (position, event_id, commune, aggregate_type, aggregate_id, aggregate_version, \
                 event_type, schema_version, occurred_at_us, recorded_at_us, actor, correlation_id, causation_id, \
                 trace_context, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            )
            .bind(to_i64(record.position))
            .bind(&record.event_id)
            .bind(&record.commune)
            .bind(&record.aggregate_type)
            .bind(&record.aggregate_id)
            .bind(to_i64(record.aggregate_version))
            .bind(&record.event_type)
            .bind(i64::from(record.schema_version))
            .bind(record.metadata.occurred_at_us)
            .bind(record.recorded_at_us)
            .bind(&record.metadata.actor)
            .bind(&record.metadata.correlation_id)
            .bind(&record.metadata.causation_id)
            .bind(&trace_context)
            .bind(&record.payload)
            .execute(&mut *tx)
            .await
            .map_err(|e| match &e {
                // A concurrent writer appended to this aggregate after our check.
                sqlx::Error::Database(db) if db.is_unique_violation() => AppendError::Conflict {
                    aggregate_type: record.aggregate_type.clone(),
                    aggregate_id: record.aggregate_id.clone(),
                    expected: commit.expected_version,
                    actual: commit.expected_version + 1,
                },
                _ => AppendError::Database(e),
            })?;
            projection.apply(&mut tx, &record).await?;
            recorded.push(record);
        }
        let version = commit.expected_version + recorded.len() as u64;
        if let Some(request_id) = &commit.request_id {
            let inserted = sqlx::query(
                "INSERT INTO commits (commune, request_id, aggregate_type, aggregate_id, first_position, \
                 last_position, version) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&commit.commune)
            .bind(request_id)
            .bind(&commit.aggregate_type)
            .bind(&commit.aggregate_id)
            .bind(first)
            .bind(last)
            .bind(to_i64(version))
            .execute(&mut *tx)
            .await;
            match inserted {
                Ok(_) => {}
                // A concurrent retry of the same request committed first: its result is the result.
                Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                    tx.rollback().await?;
                    let receipt = self
                        .find_commit(&commit.commune, request_id)
                        .await?
                        .ok_or(AppendError::Database(sqlx::Error::RowNotFound))?;
                    return same_request(receipt, &commit.aggregate_type, request_id);
                }
                Err(other) => return Err(other.into()),
            }
        }
        tx.commit().await?;
        self.observe_head(to_u64(last));
        Ok(CommitReceipt {
            aggregate_type: commit.aggregate_type,
            aggregate_id: commit.aggregate_id,
            first_position: to_u64(first),
            last_position: to_u64(last),
            version,
            duplicate: false,
        })
    }

    /// Every event of one aggregate, in version order.
    pub async fn load(&self, aggregate_type: &str, aggregate_id: &str) -> Result<Vec<RecordedEvent>, sqlx::Error> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 \
             ORDER BY aggregate_version"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(aggregate_type)
            .bind(aggregate_id)
            .fetch_all(self.db.pool())
            .await?
            .iter()
            .map(|row| self.decode_row(row))
            .collect()
    }

    /// Up to `limit` events after position `after`, in position order.
    pub async fn read_log(&self, after: u64, limit: u32) -> Result<Vec<RecordedEvent>, sqlx::Error> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE position > $1 ORDER BY position LIMIT $2");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(to_i64(after))
            .bind(i64::from(limit))
            .fetch_all(self.db.pool())
            .await?
            .iter()
            .map(|row| self.decode_row(row))
            .collect()
    }

    fn decode_row(&self, row: &AnyRow) -> Result<RecordedEvent, sqlx::Error> {
        let trace_context: String = row.try_get("trace_context")?;
        Ok(RecordedEvent {
            position: to_u64(row.try_get("position")?),
            event_id: row.try_get("event_id")?,
            service: self.service.clone(),
            commune: row.try_get("commune")?,
            aggregate_type: row.try_get("aggregate_type")?,
            aggregate_id: row.try_get("aggregate_id")?,
            aggregate_version: to_u64(row.try_get("aggregate_version")?),
            event_type: row.try_get("event_type")?,
            schema_version: u32::try_from(row.try_get::<i64, _>("schema_version")?).unwrap_or_default(),
            recorded_at_us: row.try_get("recorded_at_us")?,
            metadata: Metadata {
                occurred_at_us: row.try_get("occurred_at_us")?,
                actor: row.try_get("actor")?,
                correlation_id: row.try_get("correlation_id")?,
                causation_id: row.try_get("causation_id")?,
                trace_context: serde_json::from_str::<HashMap<String, String>>(&trace_context).unwrap_or_default(),
            },
            payload: row.try_get("payload")?,
        })
    }
}

async fn find_commit(
    conn: &mut AnyConnection,
    commune: &str,
    request_id: &str,
) -> Result<Option<CommitReceipt>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT aggregate_id, first_position, last_position, version, aggregate_type FROM commits \
         WHERE commune = $1 AND request_id = $2",
    )
    .bind(commune)
    .bind(request_id)
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        Ok(CommitReceipt {
            aggregate_type: row.try_get(4)?,
            aggregate_id: row.try_get(0)?,
            first_position: to_u64(row.try_get(1)?),
            last_position: to_u64(row.try_get(2)?),
            version: to_u64(row.try_get(3)?),
            duplicate: true,
        })
    })
    .transpose()
}

/// The earlier commit of a request id, when it went to the same type of aggregate (a retry); otherwise the
/// key was reused for another request, refused rather than answered with another request's result.
pub(crate) fn same_request(
    receipt: CommitReceipt,
    aggregate_type: &str,
    request_id: &str,
) -> Result<CommitReceipt, AppendError> {
    if receipt.aggregate_type == aggregate_type {
        Ok(receipt)
    } else {
        Err(AppendError::KeyUsedElsewhere { request_id: request_id.to_owned(), aggregate_type: receipt.aggregate_type })
    }
}

/// Positions and versions are non-negative in the database; a negative value
/// cannot come from this code, so it reads as 0 rather than panicking.
pub(crate) fn to_u64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or_default()
}

pub(crate) fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}
