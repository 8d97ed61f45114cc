//! The integration-client aggregate: created by a commune administrator with
//! named scopes, revoked. Its secret exists only as a hash.

use miroir_eventstore::decider::Decider;
use miroir_proto::identity::v1 as pb;

use super::{DomainError, event_codec, invalid, text};

/// The scopes an integration client can hold.
pub const SCOPES: &[&str] = &["reports:read", "reports:write", "publications:write", "dialogue:write"];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Client(pub Option<bool>); // Some(revoked) once created

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Create { client_id: String, commune: String, name: String, scopes: Vec<String>, secret_hash: String, by: String },
    Revoke { commune: String, by: String, reason: String },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Created(pb::IntegrationClientCreated),
    Revoked(pb::IntegrationClientRevoked),
}
event_codec!(Event { Created(pb::IntegrationClientCreated), Revoked(pb::IntegrationClientRevoked) });

pub struct ClientDecider;

impl Decider for ClientDecider {
    type State = Client;
    type Command = Command;
    type Event = Event;
    type Error = DomainError;

    fn decide(state: &Client, command: Command) -> Result<Vec<Event>, DomainError> {
        match (state.0, command) {
            (None, Command::Create { client_id, commune, name, mut scopes, secret_hash, by }) => {
                scopes.sort();
                scopes.dedup();
                if scopes.is_empty() {
                    return Err(invalid("scopes", format!("name at least one of: {}", SCOPES.join(", "))));
                }
                if let Some(unknown) = scopes.iter().find(|s| !SCOPES.contains(&s.as_str())) {
                    return Err(invalid("scopes", format!("unknown scope `{unknown}`; known: {}", SCOPES.join(", "))));
                }
                Ok(vec![Event::Created(pb::IntegrationClientCreated {
                    client_id,
                    commune,
                    name: text("display_name", &name, 1..=100)?,
                    scopes,
                    secret_hash,
                    created_by: by,
                })])
            }
            (Some(_), Command::Create { .. }) => Err(DomainError::AlreadyExists("client")),
            (None, Command::Revoke { .. }) => Err(DomainError::NotFound("client")),
            (Some(true), Command::Revoke { .. }) => Err(DomainError::WrongState("the client is already revoked")),
            (Some(false), Command::Revoke { commune, by, reason }) => {
                Ok(vec![Event::Revoked(pb::IntegrationClientRevoked {
                    client_id: String::new(),
                    commune,
                    revoked_by: by,
                    reason: text("reason", &reason, 0..=500)?,
                })])
            }
        }
    }

    fn evolve(state: Client, event: &Event) -> Client {
        match event {
            Event::Created(_) => Client(Some(false)),
            Event::Revoked(_) => Client(state.0.map(|_| true)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create(scopes: &[&str]) -> Command {
        Command::Create {
            client_id: "c1".into(),
            commune: "35238".into(),
            name: "SIG de la ville".into(),
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            secret_hash: "h".into(),
            by: "admin".into(),
        }
    }

    #[test]
    fn a_client_needs_known_scopes() {
        assert!(
            ClientDecider::decide(&Client::default(), create(&["reports:write", "reports:read", "reports:read"]))
                .is_ok()
        );
        assert!(matches!(
            ClientDecider::decide(&Client::default(), create(&[])),
            Err(DomainError::Invalid { field: "scopes", .. })
        ));
        assert!(matches!(
            ClientDecider::decide(&Client::default(), create(&["admin"])),
            Err(DomainError::Invalid { field: "scopes", .. })
        ));
    }

    #[test]
    fn a_client_is_revoked_once() {
        let revoke = Command::Revoke { commune: "35238".into(), by: "admin".into(), reason: "fin du marché".into() };
        let state = ClientDecider::decide(&Client::default(), create(&["reports:read"]))
            .expect("create")
            .iter()
            .fold(Client::default(), ClientDecider::evolve);
        let state =
            ClientDecider::decide(&state, revoke.clone()).expect("revoke").iter().fold(state, ClientDecider::evolve);
        assert_eq!(state, Client(Some(true)));
        assert!(ClientDecider::decide(&state, revoke).is_err());
    }
}
