//! The account aggregate: registration (with its sealed personal data),
//! e-mail verification, password and display-name changes, roles per commune,
//! deletion. Sealing and hashing happen at the edge: the decider sees the
//! sealed bytes and decides on facts (exists, deleted, holds a role).

use std::collections::BTreeSet;

use miroir_auth::Role;
use miroir_eventstore::decider::Decider;
use miroir_proto::identity::v1 as pb;

use super::{DomainError, event_codec, text};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Account {
    pub exists: bool,
    pub deleted: bool,
    pub email_verified: bool,
    /// (commune, role) held now.
    pub roles: BTreeSet<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// `personal` is the sealed `PersonalData`; `resident_of` grants the resident role there.
    Register {
        account_id: String,
        personal: pb::Sealed,
        resident_of: Option<String>,
    },
    VerifyEmail,
    ChangePassword {
        sealed_hash: pb::Sealed,
    },
    ChangeDisplayName {
        sealed_name: pb::Sealed,
    },
    Grant {
        commune: String,
        role: Role,
        department: String,
        by: String,
        reason: String,
    },
    Revoke {
        commune: String,
        role: Role,
        by: String,
        reason: String,
    },
    Delete,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Registered(pb::AccountRegistered),
    EmailVerified(pb::EmailVerified),
    PasswordChanged(pb::PasswordChanged),
    DisplayNameChanged(pb::DisplayNameChanged),
    RoleGranted(pb::RoleGranted),
    RoleRevoked(pb::RoleRevoked),
    Deleted(pb::AccountDeleted),
}
event_codec!(Event {
    Registered(pb::AccountRegistered),
    EmailVerified(pb::EmailVerified),
    PasswordChanged(pb::PasswordChanged),
    DisplayNameChanged(pb::DisplayNameChanged),
    RoleGranted(pb::RoleGranted),
    RoleRevoked(pb::RoleRevoked),
    Deleted(pb::AccountDeleted),
});

pub struct AccountDecider;

impl Decider for AccountDecider {
    type State = Account;
    type Command = Command;
    type Event = Event;
    type Error = DomainError;

    fn decide(state: &Account, command: Command) -> Result<Vec<Event>, DomainError> {
        match command {
            Command::Register { account_id, personal, resident_of } if !state.exists => {
                Ok(register(account_id, personal, resident_of))
            }
            Command::Register { .. } => Err(DomainError::AlreadyExists("account")),
            _ if !state.exists || state.deleted => Err(DomainError::NotFound("account")),
            command => decide_existing(state, command),
        }
    }

    fn evolve(mut state: Account, event: &Event) -> Account {
        match event {
            Event::Registered(_) => state.exists = true,
            Event::EmailVerified(_) => state.email_verified = true,
            Event::PasswordChanged(_) | Event::DisplayNameChanged(_) => {}
            Event::RoleGranted(e) => {
                state.roles.insert((e.commune.clone(), e.role.clone()));
            }
            Event::RoleRevoked(e) => {
                state.roles.remove(&(e.commune.clone(), e.role.clone()));
            }
            Event::Deleted(_) => {
                state.deleted = true;
                state.roles.clear();
            }
        }
        state
    }
}

fn register(account_id: String, personal: pb::Sealed, resident_of: Option<String>) -> Vec<Event> {
    let mut events =
        vec![Event::Registered(pb::AccountRegistered { account_id: account_id.clone(), personal: Some(personal) })];
    if let Some(commune) = resident_of {
        events.push(Event::RoleGranted(pb::RoleGranted {
            account_id: account_id.clone(),
            commune,
            role: Role::Resident.as_str().into(),
            department: String::new(),
            granted_by: account_id,
            reason: "sign-up".into(),
        }));
    }
    events
}

/// Commands on an account that exists and is not deleted.
fn decide_existing(state: &Account, command: Command) -> Result<Vec<Event>, DomainError> {
    let events = match command {
        Command::Register { .. } => return Err(DomainError::AlreadyExists("account")),
        Command::VerifyEmail if state.email_verified => vec![],
        Command::VerifyEmail => vec![Event::EmailVerified(pb::EmailVerified::default())],
        Command::ChangePassword { sealed_hash } => {
            vec![Event::PasswordChanged(pb::PasswordChanged {
                account_id: String::new(),
                password_hash: Some(sealed_hash),
            })]
        }
        Command::ChangeDisplayName { sealed_name } => {
            vec![Event::DisplayNameChanged(pb::DisplayNameChanged {
                account_id: String::new(),
                display_name: Some(sealed_name),
            })]
        }
        Command::Grant { commune, role, department, by, reason } => {
            if state.roles.contains(&(commune.clone(), role.as_str().to_owned())) {
                return Err(DomainError::AlreadyExists("this role"));
            }
            if role != Role::Agent && !department.is_empty() {
                return Err(super::invalid("department", "only an agent is tied to a department"));
            }
            vec![Event::RoleGranted(pb::RoleGranted {
                account_id: String::new(),
                commune,
                role: role.as_str().into(),
                department: text("department", &department, 0..=80)?,
                granted_by: by,
                reason: text("reason", &reason, 0..=500)?,
            })]
        }
        Command::Revoke { commune, role, by, reason } => {
            if !state.roles.contains(&(commune.clone(), role.as_str().to_owned())) {
                return Err(DomainError::NotFound("this role"));
            }
            vec![Event::RoleRevoked(pb::RoleRevoked {
                account_id: String::new(),
                commune,
                role: role.as_str().into(),
                revoked_by: by,
                reason: text("reason", &reason, 0..=500)?,
            })]
        }
        Command::Delete => vec![Event::Deleted(pb::AccountDeleted::default())],
    };
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealed() -> pb::Sealed {
        pb::Sealed { nonce: vec![1; 24], ciphertext: vec![2; 40] }
    }

    fn given(commands: Vec<Command>) -> Account {
        commands.into_iter().fold(Account::default(), |state, command| {
            AccountDecider::decide(&state, command).expect("valid").iter().fold(state, AccountDecider::evolve)
        })
    }

    fn register(resident_of: Option<&str>) -> Command {
        Command::Register { account_id: "a1".into(), personal: sealed(), resident_of: resident_of.map(str::to_owned) }
    }

    fn grant(role: Role) -> Command {
        Command::Grant {
            commune: "35238".into(),
            role,
            department: String::new(),
            by: "admin".into(),
            reason: "élue".into(),
        }
    }

    #[test]
    fn signing_up_in_a_commune_makes_a_resident_of_it() {
        let events = AccountDecider::decide(&Account::default(), register(Some("35238"))).expect("valid");
        assert!(
            matches!(events.as_slice(), [Event::Registered(_), Event::RoleGranted(g)] if g.role == "resident" && g.commune == "35238")
        );
        assert_eq!(
            AccountDecider::decide(&given(vec![register(None)]), register(None)),
            Err(DomainError::AlreadyExists("account"))
        );
    }

    #[test]
    fn roles_are_granted_once_and_revoked_when_held() {
        let state = given(vec![register(None), grant(Role::Agent)]);
        assert_eq!(AccountDecider::decide(&state, grant(Role::Agent)), Err(DomainError::AlreadyExists("this role")));
        let revoke =
            Command::Revoke { commune: "35238".into(), role: Role::Agent, by: "admin".into(), reason: String::new() };
        let state = given(vec![register(None), grant(Role::Agent), revoke.clone()]);
        assert!(state.roles.is_empty());
        assert_eq!(AccountDecider::decide(&state, revoke), Err(DomainError::NotFound("this role")));
        let with_department = Command::Grant {
            commune: "35238".into(),
            role: Role::Resident,
            department: "voirie".into(),
            by: "a".into(),
            reason: String::new(),
        };
        assert!(matches!(
            AccountDecider::decide(&state, with_department),
            Err(DomainError::Invalid { field: "department", .. })
        ));
    }

    #[test]
    fn a_deleted_account_accepts_nothing_more() {
        let state = given(vec![register(Some("35238")), Command::Delete]);
        assert!(state.deleted && state.roles.is_empty());
        assert_eq!(AccountDecider::decide(&state, grant(Role::Agent)), Err(DomainError::NotFound("account")));
        assert_eq!(AccountDecider::decide(&state, Command::VerifyEmail), Err(DomainError::NotFound("account")));
    }

    #[test]
    fn verifying_twice_changes_nothing() {
        let state = given(vec![register(None), Command::VerifyEmail]);
        assert_eq!(AccountDecider::decide(&state, Command::VerifyEmail), Ok(vec![]));
    }
}
