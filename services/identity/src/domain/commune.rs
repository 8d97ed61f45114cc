//! The commune aggregate (id: its INSEE code): registered by the operator,
//! suspended and reactivated.

use miroir_eventstore::decider::Decider;
use miroir_proto::identity::v1 as pb;

use super::{DomainError, event_codec, invalid, text};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Commune(pub Option<bool>); // Some(suspended) once registered

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Register { insee: String, name: String, department: String, collective_name: String, commitment_days: u32 },
    Suspend { reason: String },
    Reactivate,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Registered(pb::CommuneRegistered),
    Suspended(pb::CommuneSuspended),
    Reactivated(pb::CommuneReactivated),
}
event_codec!(Event { Registered(pb::CommuneRegistered), Suspended(pb::CommuneSuspended), Reactivated(pb::CommuneReactivated) });

pub struct CommuneDecider;

impl Decider for CommuneDecider {
    type State = Commune;
    type Command = Command;
    type Event = Event;
    type Error = DomainError;

    fn decide(state: &Commune, command: Command) -> Result<Vec<Event>, DomainError> {
        match (state.0, command) {
            (None, Command::Register { insee, name, department, collective_name, commitment_days }) => {
                if !(1..=90).contains(&commitment_days) {
                    return Err(invalid("response_commitment_days", "must be between 1 and 90 days"));
                }
                let department = text("department", &department, 2..=3)?;
                if !insee.starts_with(&department[..2]) {
                    return Err(invalid("department", "must be the department of the INSEE code"));
                }
                Ok(vec![Event::Registered(pb::CommuneRegistered {
                    commune: insee,
                    name: text("display_name", &name, 1..=100)?,
                    department,
                    collective_name: text("collective_name", &collective_name, 0..=150)?,
                    response_commitment_days: commitment_days,
                })])
            }
            (Some(_), Command::Register { .. }) => Err(DomainError::AlreadyExists("commune")),
            (None, _) => Err(DomainError::NotFound("commune")),
            (Some(false), Command::Suspend { reason }) => Ok(vec![Event::Suspended(pb::CommuneSuspended {
                commune: String::new(),
                reason: text("reason", &reason, 1..=500)?,
            })]),
            (Some(true), Command::Suspend { .. }) => Err(DomainError::WrongState("the commune is already suspended")),
            (Some(true), Command::Reactivate) => {
                Ok(vec![Event::Reactivated(pb::CommuneReactivated { commune: String::new() })])
            }
            (Some(false), Command::Reactivate) => Err(DomainError::WrongState("the commune is not suspended")),
        }
    }

    fn evolve(state: Commune, event: &Event) -> Commune {
        match event {
            Event::Registered(_) | Event::Reactivated(_) => Commune(Some(false)),
            Event::Suspended(_) => Commune(state.0.map(|_| true)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn register() -> Command {
        Command::Register {
            insee: "35238".into(),
            name: "Rennes".into(),
            department: "35".into(),
            collective_name: "Collectif Rennes en commun".into(),
            commitment_days: 7,
        }
    }

    fn run(commands: Vec<Command>) -> Result<Commune, DomainError> {
        commands.into_iter().try_fold(Commune::default(), |state, command| {
            Ok(CommuneDecider::decide(&state, command)?.iter().fold(state, CommuneDecider::evolve))
        })
    }

    #[test]
    fn a_commune_is_registered_once_then_suspended_and_reactivated() {
        let state = run(vec![register(), Command::Suspend { reason: "fin de convention".into() }]).expect("valid");
        assert_eq!(state, Commune(Some(true)));
        assert_eq!(CommuneDecider::decide(&state, register()), Err(DomainError::AlreadyExists("commune")));
        assert!(CommuneDecider::decide(&state, Command::Suspend { reason: "x".into() }).is_err());
        assert_eq!(
            run(vec![register(), Command::Suspend { reason: "x".into() }, Command::Reactivate]),
            Ok(Commune(Some(false)))
        );
    }

    #[test]
    fn registration_is_validated() {
        let bad_days = Command::Register {
            insee: "35238".into(),
            name: "Rennes".into(),
            department: "35".into(),
            collective_name: String::new(),
            commitment_days: 0,
        };
        assert!(matches!(
            CommuneDecider::decide(&Commune::default(), bad_days),
            Err(DomainError::Invalid { field: "response_commitment_days", .. })
        ));
        let wrong_department = Command::Register {
            insee: "35238".into(),
            name: "Rennes".into(),
            department: "75".into(),
            collective_name: String::new(),
            commitment_days: 7,
        };
        assert!(matches!(
            CommuneDecider::decide(&Commune::default(), wrong_department),
            Err(DomainError::Invalid { field: "department", .. })
        ));
        assert_eq!(
            CommuneDecider::decide(&Commune::default(), Command::Reactivate),
            Err(DomainError::NotFound("commune"))
        );
    }
}
