//! Events as they go into the log ([`NewEvent`] + [`Metadata`]) and as they come
//! out of it ([`RecordedEvent`]), and their protobuf envelope on the wire.

use std::collections::HashMap;

use miroir_proto::eventstore::v1::Envelope;

/// A domain event ready to be appended: its protobuf type name and encoding.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub event_type: String,
    pub schema_version: u32,
    pub payload: Vec<u8>,
}

impl NewEvent {
    /// Wraps a prost message; `event_type` is its fully qualified protobuf name.
    pub fn from_message<M: prost::Name>(message: &M) -> Self {
        Self { event_type: M::full_name(), schema_version: 1, payload: message.encode_to_vec() }
    }
}

/// Who caused a commit, when, and in which trace. Time comes from the command
/// (deciders have no clock), so replays and tests are deterministic.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    pub occurred_at_us: i64,
    pub actor: String,
    pub correlation_id: String,
    pub causation_id: String,
    pub trace_context: HashMap<String, String>,
}

impl Metadata {
    /// The metadata of a command handled now: who asked (`actor`), its request
    /// id as correlation id, and the current trace.
    pub fn for_command(actor: String, request_id: Option<&str>) -> Self {
        Metadata {
            occurred_at_us: now_us(),
            actor,
            correlation_id: request_id.unwrap_or_default().to_owned(),
            causation_id: String::new(),
            trace_context: miroir_platform::telemetry::current_trace_context(),
        }
    }
}

/// An event read back from a log.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedEvent {
    pub position: u64,
    pub event_id: String,
    pub service: String,
    pub commune: String,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub aggregate_version: u64,
    pub event_type: String,
    pub schema_version: u32,
    pub recorded_at_us: i64,
    pub metadata: Metadata,
    pub payload: Vec<u8>,
}

impl RecordedEvent {
    /// Decodes the payload as `M` if this event is of that type.
    pub fn decode<M: prost::Name + Default>(&self) -> Option<Result<M, prost::DecodeError>> {
        (self.event_type == M::full_name()).then(|| M::decode(self.payload.as_slice()))
    }

    pub fn to_envelope(&self) -> Envelope {
        Envelope {
            event_id: self.event_id.clone(),
            service: self.service.clone(),
            commune: self.commune.clone(),
            aggregate_type: self.aggregate_type.clone(),
            aggregate_id: self.aggregate_id.clone(),
            aggregate_version: self.aggregate_version,
            position: self.position,
            event_type: self.event_type.clone(),
            schema_version: self.schema_version,
            occurred_at_us: self.metadata.occurred_at_us,
            actor: self.metadata.actor.clone(),
            correlation_id: self.metadata.correlation_id.clone(),
            causation_id: self.metadata.causation_id.clone(),
            trace_context: self.metadata.trace_context.clone(),
            payload: self.payload.clone(),
        }
    }

    /// The envelope carries no store time; the receiver's clock is not the store's.
    pub fn from_envelope(envelope: Envelope) -> Self {
        Self {
            position: envelope.position,
            event_id: envelope.event_id,
            service: envelope.service,
            commune: envelope.commune,
            aggregate_type: envelope.aggregate_type,
            aggregate_id: envelope.aggregate_id,
            aggregate_version: envelope.aggregate_version,
            event_type: envelope.event_type,
            schema_version: envelope.schema_version,
            recorded_at_us: 0,
            metadata: Metadata {
                occurred_at_us: envelope.occurred_at_us,
                actor: envelope.actor,
                correlation_id: envelope.correlation_id,
                causation_id: envelope.causation_id,
                trace_context: envelope.trace_context,
            },
            payload: envelope.payload,
        }
    }
}

/// Wall-clock time in Unix microseconds, for the edges (handlers, stores), never deciders.
pub use miroir_platform::clock::now_us;
