//! The report aggregate as a decider: `decide(state, command) -> events`,
//! `evolve(state, event) -> state`.

use miroir_eventstore::decider::{Decider, EventCodec};
use miroir_eventstore::{NewEvent, RecordedEvent};
use miroir_proto::reports::v1 as pb;

use super::location::Location;

pub const TITLE_CHARS: std::ops::RangeInclusive<usize> = 3..=120;
pub const MAX_DESCRIPTION_CHARS: usize = 5000;
pub const MAX_MESSAGE_CHARS: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    New,
    Acknowledged,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Acknowledged => "acknowledged",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "new" => Some(Status::New),
            "acknowledged" => Some(Status::Acknowledged),
            _ => None,
        }
    }
}

/// What the aggregate needs to decide; `None` before submission.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report(pub Option<ReportState>);

#[derive(Debug, Clone, PartialEq)]
pub struct ReportState {
    pub commune: String,
    pub status: Status,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Submit {
        report_id: String,
        commune: String,
        category: String,
        title: String,
        description: String,
        location: Location,
        /// Account id, or `None` for an anonymous report.
        reporter: Option<String>,
    },
    Acknowledge {
        /// The commune named in the request: a report of another commune is "not found".
        commune: String,
        report_id: String,
        agent: String,
        message: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Submitted(pb::ReportSubmitted),
    Acknowledged(pb::ReportAcknowledged),
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DomainError {
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("report {0} already exists")]
    AlreadyExists(String),
    #[error("report {0} not found")]
    NotFound(String),
    #[error("{0}")]
    WrongState(&'static str),
}

fn invalid(field: &'static str, reason: impl Into<String>) -> DomainError {
    DomainError::Invalid { field, reason: reason.into() }
}

fn valid_category(category: &str) -> bool {
    (1..=64).contains(&category.len())
        && category.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

pub struct ReportDecider;

impl Decider for ReportDecider {
    type State = Report;
    type Command = Command;
    type Event = Event;
    type Error = DomainError;

    fn decide(state: &Report, command: Command) -> Result<Vec<Event>, DomainError> {
        match command {
            Command::Submit { report_id, commune, category, title, description, location, reporter } => {
                if state.0.is_some() {
                    return Err(DomainError::AlreadyExists(report_id));
                }
                let title = title.trim();
                if !TITLE_CHARS.contains(&title.chars().count()) {
                    return Err(invalid(
                        "title",
                        format!("must be {} to {} characters", TITLE_CHARS.start(), TITLE_CHARS.end()),
                    ));
                }
                let description = description.trim();
                if description.chars().count() > MAX_DESCRIPTION_CHARS {
                    return Err(invalid("description", format!("must be at most {MAX_DESCRIPTION_CHARS} characters")));
                }
                if !valid_category(&category) {
                    return Err(invalid("category", "must be 1 to 64 lowercase letters, digits, '-' or '_'"));
                }
                Ok(vec![Event::Submitted(pb::ReportSubmitted {
                    report_id,
                    commune,
                    category,
                    title: title.to_owned(),
                    description: description.to_owned(),
                    location: Some(pb::Location {
                        latitude: location.latitude,
                        longitude: location.longitude,
                        address: location.address,
                    }),
                    reporter: reporter.unwrap_or_default(),
                })])
            }
            Command::Acknowledge { commune, report_id, agent, message } => {
                let Some(current) = state.0.as_ref().filter(|s| s.commune == commune) else {
                    return Err(DomainError::NotFound(report_id));
                };
                if current.status != Status::New {
                    return Err(DomainError::WrongState("only a new report can be acknowledged"));
                }
                let message = message.trim();
                if message.chars().count() > MAX_MESSAGE_CHARS {
                    return Err(invalid("message", format!("must be at most {MAX_MESSAGE_CHARS} characters")));
                }
                Ok(vec![Event::Acknowledged(pb::ReportAcknowledged { report_id, agent, message: message.to_owned() })])
            }
        }
    }

    fn evolve(state: Report, event: &Event) -> Report {
        match event {
            Event::Submitted(e) => Report(Some(ReportState { commune: e.commune.clone(), status: Status::New })),
            Event::Acknowledged(_) => Report(state.0.map(|s| ReportState { status: Status::Acknowledged, ..s })),
        }
    }
}

impl EventCodec for Event {
    fn encode(&self) -> NewEvent {
        match self {
            Event::Submitted(e) => NewEvent::from_message(e),
            Event::Acknowledged(e) => NewEvent::from_message(e),
        }
    }

    fn decode(event: &RecordedEvent) -> Result<Option<Self>, prost::DecodeError> {
        if let Some(e) = event.decode::<pb::ReportSubmitted>() {
            return e.map(|e| Some(Event::Submitted(e)));
        }
        if let Some(e) = event.decode::<pb::ReportAcknowledged>() {
            return e.map(|e| Some(Event::Acknowledged(e)));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submit() -> Command {
        Command::Submit {
            report_id: "r1".into(),
            commune: "75056".into(),
            category: "voirie".into(),
            title: "Nid-de-poule rue de Rivoli".into(),
            description: "Profond, dangereux pour les vélos.".into(),
            location: Location { latitude: 48.86, longitude: 2.35, address: "rue de Rivoli".into() },
            reporter: Some("acct-1".into()),
        }
    }

    fn acknowledge(commune: &str) -> Command {
        Command::Acknowledge {
            commune: commune.into(),
            report_id: "r1".into(),
            agent: "agent-1".into(),
            message: " Vu, merci. ".into(),
        }
    }

    fn given(commands: Vec<Command>) -> Report {
        commands.into_iter().fold(Report::default(), |state, command| {
            let events = ReportDecider::decide(&state, command).expect("given command is valid");
            events.iter().fold(state, ReportDecider::evolve)
        })
    }

    #[test]
    fn submitting_a_report_records_it_trimmed() {
        let events = ReportDecider::decide(&Report::default(), submit()).expect("valid");
        let [Event::Submitted(e)] = events.as_slice() else { panic!("one ReportSubmitted: {events:?}") };
        assert_eq!(
            (e.commune.as_str(), e.title.as_str(), e.reporter.as_str()),
            ("75056", "Nid-de-poule rue de Rivoli", "acct-1")
        );
    }

    #[test]
    fn a_report_is_submitted_once() {
        assert_eq!(
            ReportDecider::decide(&given(vec![submit()]), submit()),
            Err(DomainError::AlreadyExists("r1".into()))
        );
    }

    #[test]
    fn invalid_submissions_name_their_field() {
        let with = |f: fn(&mut Command)| {
            let mut command = submit();
            f(&mut command);
            match ReportDecider::decide(&Report::default(), command) {
                Err(DomainError::Invalid { field, .. }) => field,
                other => panic!("expected invalid: {other:?}"),
            }
        };
        assert_eq!(
            with(|c| if let Command::Submit { title, .. } = c {
                *title = " a ".into()
            }),
            "title"
        );
        assert_eq!(
            with(|c| if let Command::Submit { category, .. } = c {
                *category = "Voirie!".into()
            }),
            "category"
        );
        assert_eq!(
            with(|c| if let Command::Submit { description, .. } = c {
                *description = "x".repeat(5001)
            }),
            "description"
        );
    }

    #[test]
    fn an_agent_acknowledges_a_new_report_once() {
        let state = given(vec![submit()]);
        let events = ReportDecider::decide(&state, acknowledge("75056")).expect("valid");
        assert!(matches!(events.as_slice(), [Event::Acknowledged(e)] if e.message == "Vu, merci."));
        let state = events.iter().fold(state, ReportDecider::evolve);
        assert_eq!(
            ReportDecider::decide(&state, acknowledge("75056")),
            Err(DomainError::WrongState("only a new report can be acknowledged"))
        );
    }

    #[test]
    fn a_report_of_another_commune_or_none_is_not_found() {
        assert_eq!(
            ReportDecider::decide(&given(vec![submit()]), acknowledge("69123")),
            Err(DomainError::NotFound("r1".into()))
        );
        assert_eq!(
            ReportDecider::decide(&Report::default(), acknowledge("75056")),
            Err(DomainError::NotFound("r1".into()))
        );
    }
}
