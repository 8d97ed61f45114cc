//! The identity domain: validated values and the deciders of communes,
//! accounts and integration clients. Pure: no I/O, no clock, no randomness
//! (ids, keys and hashes are made at the edge and come in the commands).

pub mod account;
pub mod client;
pub mod commune;
pub mod email;
pub mod password;

/// Field-level refusal, shared by the deciders.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DomainError {
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("{0} already exists")]
    AlreadyExists(&'static str),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    WrongState(&'static str),
}

pub fn invalid(field: &'static str, reason: impl Into<String>) -> DomainError {
    DomainError::Invalid { field, reason: reason.into() }
}

/// Encodes an event enum whose variants are prost messages.
macro_rules! event_codec {
    ($enum:ident { $($variant:ident($message:ty)),+ $(,)? }) => {
        impl miroir_eventstore::decider::EventCodec for $enum {
            fn encode(&self) -> miroir_eventstore::NewEvent {
                match self { $($enum::$variant(e) => miroir_eventstore::NewEvent::from_message(e)),+ }
            }
            fn decode(event: &miroir_eventstore::RecordedEvent) -> Result<Option<Self>, prost::DecodeError> {
                $(if let Some(e) = event.decode::<$message>() { return e.map(|e| Some($enum::$variant(e))); })+
                Ok(None)
            }
        }
    };
}
pub(crate) use event_codec;

/// Checks a free-text field's length in characters.
pub fn text(field: &'static str, value: &str, range: std::ops::RangeInclusive<usize>) -> Result<String, DomainError> {
    let value = value.trim();
    let chars = value.chars().count();
    if !range.contains(&chars) {
        return Err(invalid(field, format!("must be {} to {} characters", range.start(), range.end())));
    }
    if value.chars().any(|c| c.is_control()) {
        return Err(invalid(field, "must not contain control characters"));
    }
    Ok(value.to_owned())
}
