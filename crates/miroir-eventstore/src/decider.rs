//! Aggregates as pure deciders, and the loop that runs a command against a log.
//!
//! A decider is plain data and pure functions: `decide` turns a command and the
//! current state into new events (or a domain error), `evolve` folds an event
//! into the state. No I/O, no clock (time comes in the command), so deciders are
//! tested given-events / when-command / then-events without a database.

use crate::event::{Metadata, NewEvent, RecordedEvent};
use crate::store::{AppendError, Commit, CommitReceipt, EventStore, InlineProjection};

pub trait Decider {
    type State: Default;
    type Command;
    type Event;
    type Error;

    fn decide(state: &Self::State, command: Self::Command) -> Result<Vec<Self::Event>, Self::Error>;
    fn evolve(state: Self::State, event: &Self::Event) -> Self::State;

    /// The state after `events`, from the initial state.
    fn fold<'a>(events: impl IntoIterator<Item = &'a Self::Event>) -> Self::State
    where
        Self::Event: 'a,
    {
        events.into_iter().fold(Self::State::default(), Self::evolve)
    }
}

/// How a decider's events are stored: each is one protobuf message.
pub trait EventCodec: Sized {
    fn encode(&self) -> NewEvent;
    /// `Ok(None)` for an event type this aggregate does not know (ignored on fold).
    fn decode(event: &RecordedEvent) -> Result<Option<Self>, prost::DecodeError>;
}

/// Longest idempotency key a client may choose.
pub const MAX_REQUEST_ID_CHARS: usize = 100;

/// A client's idempotency key: empty means none; otherwise at most 100
/// printable characters. `Err` is the reason, for the `request_id` field.
pub fn parse_request_id(raw: &str) -> Result<Option<String>, &'static str> {
    match raw {
        "" => Ok(None),
        id if id.chars().count() <= MAX_REQUEST_ID_CHARS && !id.chars().any(char::is_control) => {
            Ok(Some(id.to_owned()))
        }
        _ => Err("must be at most 100 printable characters"),
    }
}

/// Where a command is aimed, and under which idempotency key.
#[derive(Debug, Clone)]
pub struct Target {
    pub commune: String,
    pub aggregate_type: &'static str,
    pub aggregate_id: String,
    pub request_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::parse_request_id;

    #[test]
    fn request_ids_are_short_and_printable() {
        assert_eq!(parse_request_id(""), Ok(None));
        assert_eq!(parse_request_id("req-1"), Ok(Some("req-1".to_owned())));
        assert!(parse_request_id(&"x".repeat(101)).is_err());
        assert!(parse_request_id("a\nb").is_err());
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExecuteError<E> {
    /// The decider refused the command.
    #[error(transparent)]
    Domain(E),
    /// Still conflicting after retries on fresh state (heavy contention on one aggregate).
    #[error("too much contention on {0}")]
    Contention(String),
    #[error("stored event cannot be decoded: {0}")]
    Decode(#[from] prost::DecodeError),
    /// The request id was first used for another type of aggregate: another request, not a retry (services
    /// answer INVALID_ARGUMENT on `request_id`, see [`crate::KEY_USED_ELSEWHERE`]).
    #[error("the request id was already used for another request")]
    KeyUsedElsewhere,
    #[error(transparent)]
    Store(AppendError),
}

/// The outcome of a command: what was committed and the state after it.
#[derive(Debug)]
pub struct Executed<S> {
    pub receipt: CommitReceipt,
    pub state: S,
}

/// How many times a command is decided again on fresh state after losing a race.
const MAX_ATTEMPTS: usize = 5;

/// Loads the aggregate, decides, appends with the expected version; on a
/// version conflict, decides again on fresh state. A command whose request id
/// was already committed returns the first receipt without deciding again (the
/// second decision could differ: "already acknowledged").
pub async fn execute<D, P>(
    store: &EventStore,
    target: &Target,
    metadata: Metadata,
    projection: &P,
    command: impl Fn() -> D::Command,
) -> Result<Executed<D::State>, ExecuteError<D::Error>>
where
    D: Decider,
    D::Event: EventCodec,
    P: InlineProjection,
{
    if let Some(request_id) = &target.request_id
        && let Some(receipt) =
            store.find_commit(&target.commune, request_id).await.map_err(|e| ExecuteError::Store(e.into()))?
    {
        if receipt.aggregate_type != target.aggregate_type {
            return Err(ExecuteError::KeyUsedElsewhere);
        }
        // Another aggregate of the same type: a creation's retry decides a new id each time (its target does not
        // exist yet), but a command on an aggregate that exists was sent with a key used for another one.
        if receipt.aggregate_id != target.aggregate_id
            && load::<D>(store, target.aggregate_type, &target.aggregate_id).await?.1 > 0
        {
            return Err(ExecuteError::KeyUsedElsewhere);
        }
        let state = load::<D>(store, target.aggregate_type, &receipt.aggregate_id).await?.0;
        return Ok(Executed { receipt, state });
    }
    for _ in 0..MAX_ATTEMPTS {
        let (state, version) = load::<D>(store, target.aggregate_type, &target.aggregate_id).await?;
        let events = D::decide(&state, command()).map_err(ExecuteError::Domain)?;
        if events.is_empty() {
            // Nothing to record (the command asks for what is already true): no commit, position 0.
            let receipt = CommitReceipt {
                aggregate_type: target.aggregate_type.to_owned(),
                aggregate_id: target.aggregate_id.clone(),
                first_position: 0,
                last_position: 0,
                version,
                duplicate: false,
            };
            return Ok(Executed { receipt, state });
        }
        let commit = Commit {
            commune: target.commune.clone(),
            aggregate_type: target.aggregate_type.to_owned(),
            aggregate_id: target.aggregate_id.clone(),
            expected_version: version,
            request_id: target.request_id.clone(),
            metadata: metadata.clone(),
            events: events.iter().map(EventCodec::encode).collect(),
        };
        match store.append(commit, projection).await {
            Ok(receipt) if receipt.duplicate => {
                // A concurrent retry of the same request won: return its result.
                let state = load::<D>(store, target.aggregate_type, &receipt.aggregate_id).await?.0;
                return Ok(Executed { receipt, state });
            }
            Ok(receipt) => {
                let state = events.iter().fold(state, D::evolve);
                return Ok(Executed { receipt, state });
            }
            Err(AppendError::Conflict { .. }) => continue,
            Err(AppendError::KeyUsedElsewhere { .. }) => return Err(ExecuteError::KeyUsedElsewhere),
            Err(other) => return Err(ExecuteError::Store(other)),
        }
    }
    Err(ExecuteError::Contention(format!("{} {}", target.aggregate_type, target.aggregate_id)))
}

/// The current state and version of one aggregate.
pub async fn load<D>(
    store: &EventStore,
    aggregate_type: &str,
    aggregate_id: &str,
) -> Result<(D::State, u64), ExecuteError<D::Error>>
where
    D: Decider,
    D::Event: EventCodec,
{
    let recorded = store.load(aggregate_type, aggregate_id).await.map_err(|e| ExecuteError::Store(e.into()))?;
    let version = recorded.last().map(|e| e.aggregate_version).unwrap_or(0);
    let mut state = D::State::default();
    for event in &recorded {
        if let Some(event) = D::Event::decode(event)? {
            state = D::evolve(state, &event);
        }
    }
    Ok((state, version))
}
