//! A commune's dialogue settings: the support threshold of its proposals.
//! One aggregate per commune (its id is the INSEE code).

use miroir_eventstore::decider::{Decider, EventCodec};
use miroir_eventstore::{NewEvent, RecordedEvent};
use miroir_proto::dialogue::v1 as pb;

use super::{DomainError, invalid};

/// The threshold until the commune administrator sets one.
pub const DEFAULT_SUPPORT_THRESHOLD: u32 = 50;
pub const MAX_SUPPORT_THRESHOLD: u32 = 1_000_000;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    pub threshold: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    SetThreshold { commune: String, threshold: u32, by: String },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    ThresholdSet(pb::SupportThresholdSet),
}

pub struct SettingsDecider;

impl Decider for SettingsDecider {
    type State = Settings;
    type Command = Command;
    type Event = Event;
    type Error = DomainError;

    fn decide(state: &Settings, command: Command) -> Result<Vec<Event>, DomainError> {
        match command {
            Command::SetThreshold { commune, threshold, by } => {
                if !(1..=MAX_SUPPORT_THRESHOLD).contains(&threshold) {
                    return Err(invalid("support_threshold", format!("must be 1 to {MAX_SUPPORT_THRESHOLD}")));
                }
                if state.threshold == Some(threshold) {
                    return Ok(Vec::new());
                }
                Ok(vec![Event::ThresholdSet(pb::SupportThresholdSet { commune, threshold, by })])
            }
        }
    }

    fn evolve(_: Settings, event: &Event) -> Settings {
        match event {
            Event::ThresholdSet(e) => Settings { threshold: Some(e.threshold) },
        }
    }
}

impl EventCodec for Event {
    fn encode(&self) -> NewEvent {
        match self {
            Event::ThresholdSet(e) => NewEvent::from_message(e),
        }
    }

    fn decode(event: &RecordedEvent) -> Result<Option<Self>, prost::DecodeError> {
        if let Some(e) = event.decode::<pb::SupportThresholdSet>() {
            return e.map(|e| Some(Event::ThresholdSet(e)));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(threshold: u32) -> Command {
        Command::SetThreshold { commune: "75056".into(), threshold, by: "admin".into() }
    }

    #[test]
    fn a_threshold_is_positive_and_setting_it_again_records_nothing() {
        assert!(matches!(
            SettingsDecider::decide(&Settings::default(), set(0)),
            Err(DomainError::Invalid { field: "support_threshold", .. })
        ));
        let events = SettingsDecider::decide(&Settings::default(), set(3)).expect("valid");
        let state = SettingsDecider::fold(&events);
        assert_eq!(SettingsDecider::decide(&state, set(3)), Ok(Vec::new()));
    }
}
