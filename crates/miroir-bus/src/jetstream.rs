//! Naming and stream configuration on JetStream.
//!
//! Subjects are `<prefix>.<service>.<commune>.<aggregate_type>.<aggregate_id>`
//! (prefix `miroir` in production; tests use a unique one so that they can
//! share a server), and the stream of a service is `<PREFIX>_<SERVICE>`.

use std::time::Duration;

use async_nats::jetstream::{self, stream};
use miroir_eventstore::RecordedEvent;

#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error("cannot connect to NATS: {0}")]
    Connect(String),
    #[error("JetStream: {0}")]
    JetStream(String),
}

/// A JetStream context with the naming of one deployment.
#[derive(Clone)]
pub struct JetStreamBus {
    context: jetstream::Context,
    prefix: String,
}

impl JetStreamBus {
    pub async fn connect(url: &str, prefix: &str) -> Result<Self, BusError> {
        let client = async_nats::ConnectOptions::new()
            .name("miroir")
            .connect(url)
            .await
            .map_err(|e| BusError::Connect(e.to_string()))?;
        Ok(Self::new(client, prefix))
    }

    pub fn new(client: async_nats::Client, prefix: &str) -> Self {
        Self { context: jetstream::new(client), prefix: token(prefix) }
    }

    pub fn context(&self) -> &jetstream::Context {
        &self.context
    }

    pub fn stream_name(&self, service: &str) -> String {
        format!("{}_{}", self.prefix, token(service)).to_uppercase()
    }

    pub fn subject(&self, event: &RecordedEvent) -> String {
        format!(
            "{}.{}.{}.{}.{}",
            self.prefix,
            token(&event.service),
            token(&event.commune),
            token(&event.aggregate_type),
            token(&event.aggregate_id)
        )
    }

    /// The stream of `service`, created if missing. Created explicitly (not via
    /// account info, which NATS 2.9's reply breaks in async-nats).
    pub async fn ensure_stream(&self, service: &str) -> Result<stream::Stream, BusError> {
        let config = stream::Config {
            name: self.stream_name(service),
            subjects: vec![format!("{}.{}.>", self.prefix, token(service))],
            storage: stream::StorageType::File,
            // The copy of a log keeps everything: consumers replay from any position.
            retention: stream::RetentionPolicy::Limits,
            duplicate_window: Duration::from_secs(120),
            ..Default::default()
        };
        self.context.get_or_create_stream(config).await.map_err(|e| BusError::JetStream(e.to_string()))
    }

    pub async fn stream(&self, service: &str) -> Result<stream::Stream, BusError> {
        self.context.get_stream(self.stream_name(service)).await.map_err(|e| BusError::JetStream(e.to_string()))
    }
}

/// A subject token: NATS forbids `.`, `*`, `>` and whitespace inside one, and an empty one.
fn token(raw: &str) -> String {
    if raw.is_empty() {
        return "_".to_owned();
    }
    raw.chars().map(|c| if c == '.' || c == '*' || c == '>' || c.is_whitespace() { '_' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::token;

    #[test]
    fn tokens_are_safe_subject_parts() {
        assert_eq!(token("75056"), "75056");
        assert_eq!(token(""), "_");
        assert_eq!(token("a.b*c>d e"), "a_b_c_d_e");
    }
}
