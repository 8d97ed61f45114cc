//! The relay: publishes a service's log to its JetStream stream, in position
//! order, so that stream sequence N is log position N.
//!
//! Every message carries `Nats-Msg-Id` = event id (the server drops a
//! duplicate within its window) and `Nats-Expected-Last-Sequence` = position −
//! 1 (the server refuses it if the stream is not exactly one behind). So the
//! stream's last sequence is always how far the log was published, and the
//! relay needs no other truth: at start and after any failure it reads the
//! stream's last sequence and goes on from there. When JetStream lost messages
//! (a deleted stream, a server that lost its tail) that number went down, and
//! the relay republishes from the database (it looks every few seconds even
//! when it has nothing new to publish). Its progress is also written to
//! `relay_progress` for operators.

use std::time::{Duration, Instant};

use async_nats::HeaderMap;
use async_nats::jetstream::context::PublishErrorKind;
use miroir_eventstore::EventStore;
use miroir_eventstore::event::now_us;
use prost::Message;
use tokio_util::sync::CancellationToken;

use crate::jetstream::{BusError, JetStreamBus};

#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error(transparent)]
    Bus(#[from] BusError),
    #[error("event store: {0}")]
    Store(#[from] sqlx::Error),
    #[error("stream {stream} is at sequence {stream_last}, beyond the log's head {head}: wrong stream or database")]
    StreamAhead { stream: String, stream_last: u64, head: u64 },
    #[error("publish of position {position} failed: {reason}")]
    Publish { position: u64, reason: String },
}

pub struct Relay {
    store: EventStore,
    bus: JetStreamBus,
    batch: u32,
}

/// Without a local append to wake it (another replica appended), the relay looks at the log this often.
const IDLE_POLL: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// How often the relay checks that the stream still has what it published.
const STREAM_CHECK: Duration = Duration::from_secs(2);

impl Relay {
    pub fn new(store: EventStore, bus: JetStreamBus) -> Self {
        Self { store, bus, batch: 256 }
    }

    /// Publishes until `token` is cancelled; stops between batches.
    pub async fn run(self, token: CancellationToken) -> Result<(), RelayError> {
        let service = self.store.service().to_owned();
        let mut head = self.store.watch_head();
        let mut published: Option<u64> = None;
        let mut backoff = Duration::from_millis(100);
        let mut synced = Instant::now();
        while !token.is_cancelled() {
            // An idle relay looks at the stream now and then: a server that lost
            // its store (or a deleted stream) is noticed, and the log
            // republished, without waiting for the next append.
            let mut checked = None;
            if synced.elapsed() >= STREAM_CHECK {
                checked = published.take();
            }
            let step = async {
                let from = match published {
                    Some(position) => position,
                    None => {
                        synced = Instant::now();
                        let stream_last = self.sync().await?;
                        if checked.is_some_and(|had| stream_last < had) {
                            tracing::warn!(
                                service,
                                stream_last,
                                published = checked,
                                "relay: the stream lost messages; republishing them from the log"
                            );
                        }
                        stream_last
                    }
                };
                published = Some(from);
                head.borrow_and_update();
                let events = self.store.read_log(from, self.batch).await?;
                if events.is_empty() {
                    return Ok::<bool, RelayError>(false);
                }
                let last = self.publish(&events).await?;
                published = Some(last);
                self.record(last).await?;
                Ok(true)
            };
            match step.await {
                Ok(true) => backoff = Duration::from_millis(100),
                Ok(false) => {
                    tokio::select! {
                        () = token.cancelled() => {}
                        _ = tokio::time::timeout(IDLE_POLL, head.changed()) => {}
                    }
                }
                Err(error) => {
                    tracing::warn!(service, %error, "relay: resynchronizing with the stream");
                    published = None;
                    tokio::select! {
                        () = token.cancelled() => {}
                        () = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
        Ok(())
    }

    /// How far the stream has the log: its last sequence (creating the stream if it is gone).
    pub async fn sync(&self) -> Result<u64, RelayError> {
        let mut stream = self.bus.ensure_stream(self.store.service()).await?;
        let info = stream.info().await.map_err(|e| BusError::JetStream(e.to_string()))?;
        let stream_last = info.state.last_sequence;
        let head = self.store.head().await?;
        if stream_last > head {
            return Err(RelayError::StreamAhead { stream: info.config.name.clone(), stream_last, head });
        }
        if stream_last < head {
            tracing::debug!(
                service = self.store.service(),
                stream_last,
                head,
                "relay: publishing from the stream's end"
            );
        }
        Ok(stream_last)
    }

    /// Publishes consecutive events with acks in flight; returns the last position acknowledged.
    async fn publish(&self, events: &[miroir_eventstore::RecordedEvent]) -> Result<u64, RelayError> {
        let context = self.bus.context();
        let mut pending = Vec::with_capacity(events.len());
        for event in events {
            let mut headers = HeaderMap::new();
            headers.insert(async_nats::header::NATS_MESSAGE_ID, event.event_id.as_str());
            headers.insert(
                async_nats::header::NATS_EXPECTED_LAST_SEQUENCE,
                event.position.saturating_sub(1).to_string().as_str(),
            );
            headers.insert("Miroir-Position", event.position.to_string().as_str());
            for (key, value) in &event.metadata.trace_context {
                headers.insert(key.as_str(), value.as_str());
            }
            let payload = event.to_envelope().encode_to_vec();
            let ack = context
                .publish_with_headers(self.bus.subject(event), headers, payload.into())
                .await
                .map_err(|e| RelayError::Publish { position: event.position, reason: e.to_string() })?;
            pending.push((event.position, ack));
        }
        let mut last = 0;
        for (position, ack) in pending {
            match ack.await {
                Ok(ack) if ack.sequence == position => last = position,
                Ok(ack) => {
                    return Err(RelayError::Publish {
                        position,
                        reason: format!("stored at sequence {} (duplicate: {})", ack.sequence, ack.duplicate),
                    });
                }
                Err(e) if e.kind() == PublishErrorKind::WrongLastSequence => {
                    return Err(RelayError::Publish {
                        position,
                        reason: "stream is not where the relay left it".into(),
                    });
                }
                Err(e) => return Err(RelayError::Publish { position, reason: e.to_string() }),
            }
        }
        Ok(last)
    }

    async fn record(&self, position: u64) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO relay_progress (stream, position, updated_at_us) VALUES ($1, $2, $3) \
             ON CONFLICT (stream) DO UPDATE SET position = excluded.position, updated_at_us = excluded.updated_at_us",
        )
        .bind(self.bus.stream_name(self.store.service()))
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(now_us())
        .execute(self.store.database().pool())
        .await?;
        Ok(())
    }
}
