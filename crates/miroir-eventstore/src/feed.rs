//! Catch-up subscriptions to a service's log: replay from a position, then
//! live, in order, at least once.
//!
//! [`EventFeed`] is the one interface consumers use. [`LocalFeed`] reads the
//! logs directly (the embedded mode's in-process bus); `miroir-bus` provides the
//! JetStream one for the microservices mode. A feed's stream never skips: it
//! yields positions `after + 1, after + 2, …` and retries transient failures
//! itself, so its consumers only see events or a permanent error.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use futures::future::BoxFuture;
use futures::stream::{BoxStream, StreamExt};

use crate::event::RecordedEvent;
use crate::store::EventStore;

pub type EventStream = BoxStream<'static, Result<RecordedEvent, FeedError>>;

#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("no log named `{0}` on this feed")]
    UnknownService(String),
    #[error("feed transport: {0}")]
    Transport(String),
}

pub trait EventFeed: Send + Sync + 'static {
    /// Every event of `service`'s log after position `after`, then new ones as
    /// they commit.
    fn subscribe(&self, service: &str, after: u64) -> EventStream;

    /// The last position of `service`'s log that this feed can deliver.
    fn head(&self, service: &str) -> BoxFuture<'static, Result<u64, FeedError>>;
}

/// In-process feed over the logs of this process (embedded mode).
#[derive(Clone, Default)]
pub struct LocalFeed {
    stores: Arc<HashMap<String, EventStore>>,
}

impl LocalFeed {
    pub fn new(stores: impl IntoIterator<Item = EventStore>) -> Self {
        Self { stores: Arc::new(stores.into_iter().map(|s| (s.service().to_owned(), s)).collect()) }
    }
}

const BATCH: u32 = 512;
/// A log can also be appended by another process (a CLI, a second replica):
/// re-read at this pace even when no local append woke us.
const IDLE_POLL: Duration = Duration::from_millis(500);

impl EventFeed for LocalFeed {
    fn head(&self, service: &str) -> BoxFuture<'static, Result<u64, FeedError>> {
        let store = self.stores.get(service).cloned();
        let service = service.to_owned();
        async move {
            let store = store.ok_or(FeedError::UnknownService(service))?;
            store.head().await.map_err(|e| FeedError::Transport(e.to_string()))
        }
        .boxed()
    }

    fn subscribe(&self, service: &str, after: u64) -> EventStream {
        let Some(store) = self.stores.get(service).cloned() else {
            let error = FeedError::UnknownService(service.to_owned());
            return futures::stream::once(async move { Err(error) }).boxed();
        };
        let head = store.watch_head();
        let state = (store, after, VecDeque::<RecordedEvent>::new(), head);
        futures::stream::unfold(state, |(store, mut after, mut buffer, mut head)| async move {
            loop {
                if let Some(event) = buffer.pop_front() {
                    after = event.position;
                    return Some((Ok(event), (store, after, buffer, head)));
                }
                // Mark the head seen before reading, so an append that commits
                // after the read still wakes the wait below.
                head.borrow_and_update();
                match store.read_log(after, BATCH).await {
                    Ok(events) if !events.is_empty() => buffer.extend(events),
                    Ok(_) => {
                        let _ = tokio::time::timeout(IDLE_POLL, head.changed()).await;
                    }
                    Err(error) => {
                        tracing::warn!(service = store.service(), %error, "reading the log failed; retrying");
                        tokio::time::sleep(IDLE_POLL).await;
                    }
                }
            }
        })
        .boxed()
    }
}
