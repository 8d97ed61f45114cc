//! Roles per commune, and the principal a request acts as.

use serde::{Deserialize, Serialize};

/// What an account may do in one commune (the operator's role is platform-wide).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Resident,
    CollectiveMember,
    CollectiveModerator,
    /// Town-hall staff.
    Agent,
    ElectedOfficial,
    CommuneAdmin,
    /// The national operator: the only cross-commune role.
    Operator,
}

impl Role {
    pub fn parse(raw: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(raw.to_owned())).ok()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Resident => "resident",
            Role::CollectiveMember => "collective_member",
            Role::CollectiveModerator => "collective_moderator",
            Role::Agent => "agent",
            Role::ElectedOfficial => "elected_official",
            Role::CommuneAdmin => "commune_admin",
            Role::Operator => "operator",
        }
    }
}

/// A role held in one commune.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// INSEE code; `*` only for the operator.
    pub commune: String,
    pub role: Role,
}

/// Who a request acts as: an account with its grants, an integration client
/// of one commune with its scopes, or nobody.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Principal {
    #[default]
    Anonymous,
    Account {
        id: String,
        grants: Vec<Grant>,
    },
    /// City IT: a service account of one commune, limited to named scopes (`reports:write`).
    Client {
        id: String,
        commune: String,
        scopes: Vec<String>,
    },
}

impl Principal {
    /// The account id, or the client id (as `client:<id>`), for the log's `actor`.
    pub fn actor(&self) -> Option<String> {
        match self {
            Principal::Anonymous => None,
            Principal::Account { id, .. } => Some(id.clone()),
            Principal::Client { id, .. } => Some(format!("client:{id}")),
        }
    }

    pub fn account_id(&self) -> Option<&str> {
        match self {
            Principal::Account { id, .. } => Some(id),
            _ => None,
        }
    }

    /// True if the principal holds `role` in `commune` (the operator holds every role everywhere).
    pub fn has(&self, commune: &str, role: Role) -> bool {
        match self {
            Principal::Account { grants, .. } => {
                grants.iter().any(|g| g.role == Role::Operator || (g.commune == commune && g.role == role))
            }
            _ => false,
        }
    }

    /// True if the principal holds any of `roles` in `commune`.
    pub fn has_any(&self, commune: &str, roles: &[Role]) -> bool {
        roles.iter().any(|role| self.has(commune, *role))
    }

    /// True for a client of `commune` holding `scope`.
    pub fn has_scope(&self, commune: &str, scope: &str) -> bool {
        matches!(self, Principal::Client { commune: c, scopes, .. } if c == commune && scopes.iter().any(|s| s == scope))
    }

    pub fn is_operator(&self) -> bool {
        matches!(self, Principal::Account { grants, .. } if grants.iter().any(|g| g.role == Role::Operator))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(grants: &[(&str, Role)]) -> Principal {
        Principal::Account {
            id: "a1".into(),
            grants: grants.iter().map(|(c, r)| Grant { commune: (*c).into(), role: *r }).collect(),
        }
    }

    #[test]
    fn a_role_is_held_in_its_commune_only() {
        let agent = account(&[("75056", Role::Agent)]);
        assert!(agent.has("75056", Role::Agent));
        assert!(!agent.has("69123", Role::Agent));
        assert!(!agent.has("75056", Role::CommuneAdmin));
        assert!(!Principal::Anonymous.has("75056", Role::Resident));
    }

    #[test]
    fn the_operator_holds_every_role_everywhere() {
        let operator = account(&[("*", Role::Operator)]);
        assert!(operator.has("75056", Role::Agent));
        assert!(operator.has_any("2A004", &[Role::CommuneAdmin]));
    }

    #[test]
    fn a_client_holds_its_scopes_in_its_commune_only() {
        let client =
            Principal::Client { id: "c1".into(), commune: "75056".into(), scopes: vec!["reports:write".into()] };
        assert!(client.has_scope("75056", "reports:write"));
        assert!(!client.has_scope("69123", "reports:write"));
        assert!(!client.has_scope("75056", "reports:read"));
        assert!(!client.has("75056", Role::Agent), "a client holds no role");
        assert_eq!(client.actor().as_deref(), Some("client:c1"));
    }

    #[test]
    fn roles_round_trip_as_text() {
        for role in [Role::Resident, Role::Agent, Role::CollectiveModerator, Role::Operator] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("mayor"), None);
    }
}
