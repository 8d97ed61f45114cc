//! Catch-up subscriptions over JetStream: an ordered consumer from a stream
//! sequence (= log position), replay then live.
//!
//! The stream returned never skips and never repeats: it yields positions
//! `after + 1, after + 2, …`. When the consumer breaks (server restart, the
//! stream deleted and being republished by the relay) it resubscribes from the
//! last position it yielded; a message beyond the next expected position (the
//! stream lost messages the relay has not republished yet) makes it wait and
//! resubscribe instead of skipping.

use std::time::Duration;

use async_nats::jetstream::consumer::{DeliverPolicy, pull::OrderedConfig};
use futures::FutureExt;
use futures::future::BoxFuture;
use futures::stream::StreamExt;
use miroir_eventstore::RecordedEvent;
use miroir_eventstore::feed::{EventFeed, EventStream, FeedError};
use miroir_proto::eventstore::v1::Envelope;
use prost::Message;

use crate::jetstream::JetStreamBus;

#[derive(Clone)]
pub struct JetStreamFeed {
    bus: JetStreamBus,
}

impl JetStreamFeed {
    pub fn new(bus: JetStreamBus) -> Self {
        Self { bus }
    }
}

const RETRY: Duration = Duration::from_millis(250);

type Ordered = async_nats::jetstream::consumer::pull::Ordered;

impl EventFeed for JetStreamFeed {
    fn subscribe(&self, service: &str, after: u64) -> EventStream {
        let state = (self.bus.clone(), service.to_owned(), after, None::<Ordered>);
        futures::stream::unfold(state, |(bus, service, mut after, mut messages)| async move {
            loop {
                let Some(current) = messages.as_mut() else {
                    match open(&bus, &service, after).await {
                        Ok(opened) => messages = Some(opened),
                        Err(reason) => {
                            tracing::debug!(service, %reason, "feed: stream not available yet");
                            tokio::time::sleep(RETRY).await;
                        }
                    }
                    continue;
                };
                match current.next().await {
                    Some(Ok(message)) => {
                        let event = match Envelope::decode(message.payload.as_ref()) {
                            Ok(envelope) => RecordedEvent::from_envelope(envelope),
                            Err(error) => {
                                let error = FeedError::Transport(format!("undecodable envelope: {error}"));
                                return Some((Err(error), (bus, service, after, None)));
                            }
                        };
                        if event.position <= after {
                            continue;
                        }
                        if event.position != after + 1 {
                            tracing::warn!(
                                service,
                                expected = after + 1,
                                got = event.position,
                                "feed: hole in the stream; waiting for the relay"
                            );
                            messages = None;
                            tokio::time::sleep(RETRY).await;
                            continue;
                        }
                        after = event.position;
                        return Some((Ok(event), (bus, service, after, messages)));
                    }
                    Some(Err(error)) => {
                        tracing::debug!(service, %error, "feed: consumer broke; resubscribing");
                        messages = None;
                        tokio::time::sleep(RETRY).await;
                    }
                    None => messages = None,
                }
            }
        })
        .boxed()
    }

    fn head(&self, service: &str) -> BoxFuture<'static, Result<u64, FeedError>> {
        let bus = self.bus.clone();
        let service = service.to_owned();
        async move {
            let mut stream = match bus.context().get_stream(bus.stream_name(&service)).await {
                Ok(stream) => stream,
                // No stream yet: the relay creates it at its first publish, and a log with nothing
                // to publish (or a server that lost its store) has none. Nothing to deliver, then.
                Err(error) if is_stream_not_found(&error) => return Ok(0),
                Err(error) => return Err(FeedError::Transport(error.to_string())),
            };
            let info = stream.info().await.map_err(|e| FeedError::Transport(e.to_string()))?;
            Ok(info.state.last_sequence)
        }
        .boxed()
    }
}

fn is_stream_not_found(error: &async_nats::jetstream::context::GetStreamError) -> bool {
    use async_nats::jetstream::context::GetStreamErrorKind;
    matches!(error.kind(), GetStreamErrorKind::JetStream(e) if e.error_code() == async_nats::jetstream::ErrorCode::STREAM_NOT_FOUND)
}

async fn open(bus: &JetStreamBus, service: &str, after: u64) -> Result<Ordered, String> {
    let stream = bus.stream(service).await.map_err(|e| e.to_string())?;
    let consumer = stream
        .create_consumer(OrderedConfig {
            deliver_policy: DeliverPolicy::ByStartSequence { start_sequence: after + 1 },
            ..Default::default()
        })
        .await
        .map_err(|e| e.to_string())?;
    consumer.messages().await.map_err(|e| e.to_string())
}
