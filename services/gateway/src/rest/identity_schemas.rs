//! The JSON shapes of the identity API (accounts and sessions, communes,
//! roles, integration clients, signing keys) and their conversion from the
//! gRPC messages. They are also the OpenAPI schemas.
//!
//! Request bodies that carry passwords, tokens, secrets or e-mail addresses
//! have a redacted `Debug`, so that no log line can hold one.

use miroir_proto::identity::v1 as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::GatewayError;
use crate::rest::schemas::rfc3339;

/// A `Debug` that names the type and its harmless fields only.
macro_rules! redacted_debug {
    ($type:ident { $($field:ident),* }) => {
        impl std::fmt::Debug for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($type))$(.field(stringify!($field), &self.$field))*.finish_non_exhaustive()
            }
        }
    };
}

// ---------------------------------------------------------------------------
// Request bodies: accounts and sessions

/// Body of `POST /api/v1/auth/signup`.
#[derive(Deserialize, ToSchema)]
pub struct SignUp {
    #[schema(example = "anne@example.fr")]
    pub email: String,
    /// At least 10 characters, not a common password, not the e-mail address.
    #[schema(example = "le chat dort au soleil")]
    pub password: String,
    /// A pseudonym is fine: residents need not show their legal name.
    #[schema(example = "Anne du quartier")]
    pub display_name: String,
    /// INSEE code of the commune the resident lives in; omitted or empty for
    /// none yet.
    #[serde(default)]
    #[schema(example = "35238")]
    pub commune: String,
}
redacted_debug!(SignUp { display_name, commune });

/// Body of `POST /api/v1/auth/verify-email`.
#[derive(Deserialize, ToSchema)]
pub struct VerifyEmail {
    /// The token of the link sent by e-mail.
    pub token: String,
}
redacted_debug!(VerifyEmail {});

/// Body of `POST /api/v1/auth/login`.
#[derive(Deserialize, ToSchema)]
pub struct Login {
    #[schema(example = "anne@example.fr")]
    pub email: String,
    #[schema(example = "le chat dort au soleil")]
    pub password: String,
}
redacted_debug!(Login {});

/// Body of `POST /api/v1/auth/refresh` and `POST /api/v1/auth/logout`.
#[derive(Deserialize, ToSchema)]
pub struct RefreshToken {
    /// The refresh token of the session (from the login or the last refresh).
    pub refresh_token: String,
}
redacted_debug!(RefreshToken {});

/// Body of `POST /api/v1/auth/password-reset`.
#[derive(Deserialize, ToSchema)]
pub struct PasswordReset {
    #[schema(example = "anne@example.fr")]
    pub email: String,
}
redacted_debug!(PasswordReset {});

/// Body of `POST /api/v1/auth/password-reset/confirm`.
#[derive(Deserialize, ToSchema)]
pub struct PasswordResetConfirm {
    /// The token of the link sent by e-mail.
    pub token: String,
    /// At least 10 characters, not a common password, not the e-mail address.
    pub new_password: String,
}
redacted_debug!(PasswordResetConfirm {});

/// Body of `PATCH /api/v1/me`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateProfile {
    #[schema(example = "Anne B.")]
    pub display_name: String,
}

/// Body of `DELETE /api/v1/me`.
#[derive(Deserialize, ToSchema)]
pub struct DeleteAccount {
    /// The current password: a stolen access token alone cannot delete an
    /// account.
    pub password: String,
}
redacted_debug!(DeleteAccount {});

/// Form body of `POST /api/v1/auth/token` (`application/x-www-form-urlencoded`,
/// RFC 6749 §4.4.2). The client id and secret go either here or in an HTTP
/// Basic `Authorization` header (RFC 6749 §2.3.1), not both.
#[derive(Deserialize, ToSchema)]
pub struct ClientCredentials {
    /// Must be `client_credentials`.
    #[schema(example = "client_credentials")]
    pub grant_type: String,
    /// Unless sent with HTTP Basic.
    pub client_id: Option<String>,
    /// Unless sent with HTTP Basic.
    pub client_secret: Option<String>,
    /// Ignored: a token carries every scope the client was given.
    pub scope: Option<String>,
}
redacted_debug!(ClientCredentials { grant_type, client_id, scope });

// ---------------------------------------------------------------------------
// Request bodies: communes, roles, integration clients

/// Body of `POST /api/v1/communes` (the operator).
#[derive(Debug, Deserialize, ToSchema)]
pub struct RegisterCommune {
    /// INSEE code of the commune.
    #[schema(example = "35238")]
    pub insee: String,
    #[schema(example = "Rennes")]
    pub display_name: String,
    /// Code of the département.
    #[schema(example = "35")]
    pub department: String,
    /// The residents' collective that runs the citizen space.
    #[schema(example = "Collectif des habitants de Rennes")]
    pub collective_name: String,
    /// How many days the commune commits to answer a report or a question in.
    #[schema(example = 15)]
    pub response_commitment_days: u32,
}

/// Body of `POST /api/v1/communes/{insee}/suspend`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SuspendCommune {
    /// Public reason.
    #[schema(example = "Contrat résilié par la commune")]
    pub reason: String,
}

/// Body of `POST /api/v1/communes/{insee}/roles`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct GrantRole {
    #[schema(example = "0190c0de-0000-7000-8000-000000000000")]
    pub account_id: String,
    /// `resident`, `collective_member`, `collective_moderator`, `agent`,
    /// `elected_official`, `commune_admin` (`operator` for the operator only).
    #[schema(example = "agent")]
    pub role: String,
    /// The town-hall department the role is limited to; omitted for the
    /// whole commune.
    #[serde(default)]
    #[schema(example = "voirie")]
    pub department: String,
    /// Why, kept in the commune's public list of role changes.
    #[schema(example = "Recrutée aux services techniques")]
    pub reason: String,
}

/// Body of `DELETE /api/v1/communes/{insee}/roles`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RevokeRole {
    #[schema(example = "0190c0de-0000-7000-8000-000000000000")]
    pub account_id: String,
    #[schema(example = "agent")]
    pub role: String,
    #[schema(example = "Départ de la commune")]
    pub reason: String,
}

/// Body of `POST /api/v1/communes/{insee}/clients`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateClient {
    #[schema(example = "SIG de la ville")]
    pub display_name: String,
    /// At least one of `reports:read`, `reports:write`, `publications:write`, `dialogue:write`.
    #[schema(example = json!(["reports:read", "reports:write"]))]
    pub scopes: Vec<String>,
}

/// Body of `POST /api/v1/communes/{insee}/clients/{client_id}/revoke`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RevokeClient {
    #[schema(example = "Fin du marché")]
    pub reason: String,
}

// ---------------------------------------------------------------------------
// Responses

/// A role held in one commune.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Grant {
    pub account_id: String,
    /// INSEE code of the commune; `*` for the operator.
    #[schema(example = "35238")]
    pub commune: String,
    #[schema(example = "agent")]
    pub role: String,
    /// The town-hall department the role is limited to; null for the whole
    /// commune.
    #[schema(required = true)]
    pub department: Option<String>,
}

/// An account. Its e-mail address is shown only to the account itself and to
/// the administrators looking it up.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Account {
    /// Resource name: `accounts/{account_id}`.
    #[schema(example = "accounts/0190c0de-0000-7000-8000-000000000000")]
    pub name: String,
    #[schema(example = "0190c0de-0000-7000-8000-000000000000")]
    pub account_id: String,
    #[schema(example = "anne@example.fr")]
    pub email: String,
    #[schema(example = "Anne du quartier")]
    pub display_name: String,
    pub email_verified: bool,
    pub grants: Vec<Grant>,
    /// RFC 3339, UTC.
    #[schema(example = "2025-03-14T09:26:53.589793Z")]
    pub created_at: String,
}

/// Answer of the sign-up and of the e-mail verification.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountResponse {
    pub account: Account,
}

/// An access token and the refresh token of its session (OAuth 2.0 token
/// response, RFC 6749 §5.1).
#[derive(Serialize, ToSchema)]
pub struct Tokens {
    /// Send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: i64,
    /// Single use: a refresh answers a new one; presenting a used one again
    /// ends the whole session.
    pub refresh_token: String,
    #[schema(example = "0190c0de-0000-7000-8000-000000000000")]
    pub account_id: String,
}
redacted_debug!(Tokens { token_type, expires_in, account_id });

/// An integration client's access token (RFC 6749 §4.4.3: no refresh token).
#[derive(Serialize, ToSchema)]
pub struct ClientToken {
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: i64,
}
redacted_debug!(ClientToken { token_type, expires_in });

/// A commune on the platform.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Commune {
    /// Resource name: `communes/{insee}`.
    #[schema(example = "communes/35238")]
    pub name: String,
    #[schema(example = "35238")]
    pub insee: String,
    #[schema(example = "Rennes")]
    pub display_name: String,
    #[schema(example = "35")]
    pub department: String,
    #[schema(example = "Collectif des habitants de Rennes")]
    pub collective_name: String,
    #[schema(example = 15)]
    pub response_commitment_days: u32,
    pub suspended: bool,
    /// Null unless suspended.
    #[schema(required = true)]
    pub suspension_reason: Option<String>,
}

/// One page of communes.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommuneList {
    pub communes: Vec<Commune>,
    /// Pass as `page_token` to get the next page; null on the last page.
    #[schema(required = true)]
    pub next_page_token: Option<String>,
}

/// A grant or a revocation of a role, with who and why.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RoleChange {
    pub account_id: String,
    pub display_name: String,
    #[schema(example = "agent")]
    pub role: String,
    /// Null for the whole commune.
    #[schema(required = true)]
    pub department: Option<String>,
    /// `granted` or `revoked`.
    #[schema(example = "granted")]
    pub change: String,
    /// The account that made the change.
    pub by: String,
    pub reason: String,
    /// RFC 3339, UTC.
    #[schema(example = "2025-03-14T09:26:53.589793Z")]
    pub at: String,
}

/// One page of a commune's role changes.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoleChangeList {
    pub changes: Vec<RoleChange>,
    /// Pass as `page_token` to get the next page; null on the last page.
    #[schema(required = true)]
    pub next_page_token: Option<String>,
}

/// A service account of one commune, for city IT.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct IntegrationClient {
    /// Resource name: `communes/{insee}/clients/{client_id}`.
    pub name: String,
    pub client_id: String,
    /// INSEE code of the commune.
    #[schema(example = "35238")]
    pub commune: String,
    #[schema(example = "SIG de la ville")]
    pub display_name: String,
    #[schema(example = json!(["reports:read"]))]
    pub scopes: Vec<String>,
    pub revoked: bool,
    /// RFC 3339, UTC.
    #[schema(example = "2025-03-14T09:26:53.589793Z")]
    pub created_at: String,
}

/// A commune's integration clients.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntegrationClientList {
    pub clients: Vec<IntegrationClient>,
}

/// A new integration client and its secret.
#[derive(Serialize, ToSchema)]
pub struct CreatedClient {
    pub client: IntegrationClient,
    /// Shown this once: only its hash is kept.
    pub client_secret: String,
}
redacted_debug!(CreatedClient { client });

/// The public keys that sign access tokens (RFC 7517 JSON Web Key Set).
#[derive(Debug, Serialize, ToSchema)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

/// One public key (RFC 8037: Ed25519 in an `OKP` key).
#[derive(Debug, Serialize, ToSchema)]
pub struct Jwk {
    #[schema(example = "OKP")]
    pub kty: String,
    #[schema(example = "Ed25519")]
    pub crv: String,
    /// The public key, base64url.
    pub x: String,
    /// Key id, as in the `kid` header of the tokens it signs.
    pub kid: String,
    #[schema(example = "EdDSA")]
    pub alg: String,
    #[serde(rename = "use")]
    #[schema(example = "sig")]
    pub use_: String,
}

// ---------------------------------------------------------------------------
// From the gRPC messages

fn non_empty(text: String) -> Option<String> {
    Some(text).filter(|text| !text.is_empty())
}

fn required_time(us: i64, what: &str) -> Result<String, GatewayError> {
    rfc3339(us)?.ok_or_else(|| GatewayError::UpstreamData(format!("{what} without its time")))
}

impl From<pb::Grant> for Grant {
    fn from(grant: pb::Grant) -> Self {
        Grant {
            account_id: grant.account_id,
            commune: grant.commune,
            role: grant.role,
            department: non_empty(grant.department),
        }
    }
}

impl TryFrom<pb::Account> for Account {
    type Error = GatewayError;

    fn try_from(account: pb::Account) -> Result<Self, GatewayError> {
        Ok(Account {
            created_at: required_time(account.created_at_us, "account")?,
            name: account.name,
            account_id: account.account_id,
            email: account.email,
            display_name: account.display_name,
            email_verified: account.email_verified,
            grants: account.grants.into_iter().map(Grant::from).collect(),
        })
    }
}

/// The token type the service named, `Bearer` if it named none.
fn token_type(token_type: String) -> String {
    non_empty(token_type).unwrap_or_else(|| "Bearer".to_owned())
}

impl From<pb::Session> for Tokens {
    fn from(session: pb::Session) -> Self {
        Tokens {
            access_token: session.access_token,
            token_type: token_type(session.token_type),
            expires_in: session.expires_in,
            refresh_token: session.refresh_token,
            account_id: session.account_id,
        }
    }
}

impl From<pb::Session> for ClientToken {
    fn from(session: pb::Session) -> Self {
        ClientToken {
            access_token: session.access_token,
            token_type: token_type(session.token_type),
            expires_in: session.expires_in,
        }
    }
}

impl From<pb::Commune> for Commune {
    fn from(commune: pb::Commune) -> Self {
        Commune {
            suspension_reason: if commune.suspended { Some(commune.suspension_reason) } else { None },
            name: commune.name,
            insee: commune.insee,
            display_name: commune.display_name,
            department: commune.department,
            collective_name: commune.collective_name,
            response_commitment_days: commune.response_commitment_days,
            suspended: commune.suspended,
        }
    }
}

impl From<pb::ListCommunesResponse> for CommuneList {
    fn from(page: pb::ListCommunesResponse) -> Self {
        CommuneList {
            communes: page.communes.into_iter().map(Commune::from).collect(),
            next_page_token: non_empty(page.next_page_token),
        }
    }
}

impl TryFrom<pb::RoleChange> for RoleChange {
    type Error = GatewayError;

    fn try_from(change: pb::RoleChange) -> Result<Self, GatewayError> {
        Ok(RoleChange {
            at: required_time(change.at_us, "role change")?,
            account_id: change.account_id,
            display_name: change.display_name,
            role: change.role,
            department: non_empty(change.department),
            change: change.change,
            by: change.by,
            reason: change.reason,
        })
    }
}

impl TryFrom<pb::ListRoleChangesResponse> for RoleChangeList {
    type Error = GatewayError;

    fn try_from(page: pb::ListRoleChangesResponse) -> Result<Self, GatewayError> {
        Ok(RoleChangeList {
            changes: page.changes.into_iter().map(RoleChange::try_from).collect::<Result<_, _>>()?,
            next_page_token: non_empty(page.next_page_token),
        })
    }
}

impl TryFrom<pb::IntegrationClient> for IntegrationClient {
    type Error = GatewayError;

    fn try_from(client: pb::IntegrationClient) -> Result<Self, GatewayError> {
        Ok(IntegrationClient {
            created_at: required_time(client.created_at_us, "integration client")?,
            name: client.name,
            client_id: client.client_id,
            commune: client.commune,
            display_name: client.display_name,
            scopes: client.scopes,
            revoked: client.revoked,
        })
    }
}

impl TryFrom<pb::ListIntegrationClientsResponse> for IntegrationClientList {
    type Error = GatewayError;

    fn try_from(list: pb::ListIntegrationClientsResponse) -> Result<Self, GatewayError> {
        Ok(IntegrationClientList {
            clients: list.clients.into_iter().map(IntegrationClient::try_from).collect::<Result<_, _>>()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let login = Login { email: "anne@example.fr".into(), password: "le chat dort au soleil".into() };
        let tokens = Tokens {
            access_token: "eyJhbGciOi.access".into(),
            token_type: "Bearer".into(),
            expires_in: 900,
            refresh_token: "refresh-secret".into(),
            account_id: "a1".into(),
        };
        let sign_up = SignUp {
            email: "anne@example.fr".into(),
            password: "le chat dort au soleil".into(),
            display_name: "Anne".into(),
            commune: String::new(),
        };
        let debug = format!("{login:?} {tokens:?} {sign_up:?}");
        for secret in ["anne@example.fr", "le chat", "eyJhbGciOi", "refresh-secret"] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
        assert!(debug.contains("a1") && debug.contains("Anne"), "{debug}");
    }

    #[test]
    fn accounts_and_sessions_map_from_the_proto() {
        let account = pb::Account {
            name: "accounts/a1".into(),
            account_id: "a1".into(),
            email: "anne@example.fr".into(),
            display_name: "Anne".into(),
            email_verified: true,
            grants: vec![pb::Grant {
                account_id: "a1".into(),
                commune: "35238".into(),
                role: "resident".into(),
                department: String::new(),
            }],
            created_at_us: 1_700_000_000_000_000,
        };
        let json = Account::try_from(account).map(|a| serde_json::to_value(a).ok()).ok().flatten().unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({
                "name": "accounts/a1", "account_id": "a1", "email": "anne@example.fr", "display_name": "Anne",
                "email_verified": true, "created_at": "2023-11-14T22:13:20Z",
                "grants": [{ "account_id": "a1", "commune": "35238", "role": "resident", "department": null }],
            })
        );
        assert!(Account::try_from(pb::Account::default()).is_err(), "an account has a creation time");

        let session = pb::Session {
            access_token: "at".into(),
            expires_in: 900,
            refresh_token: "rt".into(),
            token_type: String::new(),
            account_id: "a1".into(),
        };
        let json = serde_json::to_value(Tokens::from(session.clone())).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({
                "access_token": "at", "token_type": "Bearer", "expires_in": 900, "refresh_token": "rt",
                "account_id": "a1",
            })
        );
        let json = serde_json::to_value(ClientToken::from(session)).unwrap_or_default();
        assert_eq!(json, serde_json::json!({ "access_token": "at", "token_type": "Bearer", "expires_in": 900 }));
    }

    #[test]
    fn a_suspension_reason_shows_only_on_a_suspended_commune() {
        let commune = pb::Commune { insee: "35238".into(), suspension_reason: "old".into(), ..Default::default() };
        assert_eq!(Commune::from(commune.clone()).suspension_reason, None);
        let suspended = Commune::from(pb::Commune { suspended: true, ..commune });
        assert_eq!(suspended.suspension_reason.as_deref(), Some("old"));
    }
}
