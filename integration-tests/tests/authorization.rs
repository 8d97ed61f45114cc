//! Authorization of every served gRPC method, as one table: each row is a call
//! aimed at commune A (Rennes, 35238) — its commune, its accounts' roles, its
//! clients, its reports — made by every kind of caller: nobody, a forged
//! token, an account with no role, each role held in A, the same role held in
//! commune B (Lyon, 69123), the operator, and integration clients of A and B.
//! The gRPC code of every answer is checked against the rule of the row.
//!
//! Identity, reports, publications, dialogue and transparency run in-process behind their
//! real interceptor on 127.0.0.1:0, each on its own database (SQLite, and
//! PostgreSQL); every token is signed by identity and verified by all with
//! identity's JWKS. The rows of publications, dialogue and
//! transparency are in `authorization/`.
//!
//! After the table, each service's log proves that nothing was written in a
//! commune by a principal that has no right there; a test reads the method
//! list from the descriptor set so that a new method without a row fails.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use futures::future::BoxFuture;
use miroir_auth::role::Grant;
use miroir_auth::{Claims, Keys, Role};
use miroir_eventstore::{EventStore, RecordedEvent};
use miroir_identity::sessions::{self, Purpose};
use miroir_identity::{Identity, IdentityConfig, operator_cli};
use miroir_platform::health::Readiness;
use miroir_platform::storage::testing::TestDatabase;
use miroir_platform::storage::{Backend, Database};
use miroir_proto::dialogue::v1 as dg;
use miroir_proto::dialogue::v1::dialogue_client::DialogueClient;
use miroir_proto::dialogue::v1::dialogue_server::DialogueServer;
use miroir_proto::identity::v1 as id;
use miroir_proto::identity::v1::identity_client::IdentityClient;
use miroir_proto::identity::v1::identity_server::IdentityServer;
use miroir_proto::publications::v1 as pb;
use miroir_proto::publications::v1::publications_client::PublicationsClient;
use miroir_proto::publications::v1::publications_server::PublicationsServer;
use miroir_proto::reports::v1 as rp;
use miroir_proto::reports::v1::reports_client::ReportsClient;
use miroir_proto::reports::v1::reports_server::ReportsServer;
use miroir_proto::transparency::v1::transparency_client::TransparencyClient;
use miroir_proto::transparency::v1::transparency_server::TransparencyServer;
use miroir_reports::api::ReportsApi;
use prost::Message;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;
use tonic::{Code, Request, Status};

const IDENTITY: &str = "miroir.identity.v1.Identity";
const REPORTS: &str = "miroir.reports.v1.Reports";
const PUBLICATIONS: &str = "miroir.publications.v1.Publications";
const DIALOGUE: &str = "miroir.dialogue.v1.Dialogue";
const TRANSPARENCY: &str = "miroir.transparency.v1.Transparency";
/// The services that run today: every method of each must have a row.
const SERVED: &[&str] = &[IDENTITY, REPORTS, PUBLICATIONS, DIALOGUE, TRANSPARENCY];

#[path = "authorization/dialogue.rs"]
mod dialogue_rows;
#[path = "authorization/publications.rs"]
mod publications_rows;
#[path = "authorization/transparency.rs"]
mod transparency_rows;

const A: &str = "35238";
const B: &str = "69123";
const PASSWORD: &str = "le chat dort au soleil 42";
const COMMUNE_ROLES: &[Role] = &[
    Role::Resident,
    Role::CollectiveMember,
    Role::CollectiveModerator,
    Role::Agent,
    Role::ElectedOfficial,
    Role::CommuneAdmin,
];

// ------------------------------------------------------------------ callers

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    A,
    B,
}

impl Side {
    fn insee(self) -> &'static str {
        match self {
            Side::A => A,
            Side::B => B,
        }
    }
}

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Anonymous,
    /// A token this deployment never signed, or not a bearer token at all.
    Forged,
    /// Signed in, no role anywhere.
    NoRole,
    /// Signed in, holding one role in one commune.
    Holds(Role, Side),
    Operator,
    /// An integration client of a commune; `write` = holds every write scope (`reports:write`,
    /// `publications:write`, `dialogue:write`); all hold `reports:read`.
    Client {
        side: Side,
        write: bool,
    },
}

struct Caller {
    label: String,
    kind: Kind,
    /// The `authorization` metadata, if any.
    authorization: Option<String>,
    /// The log's `actor` for this caller (account id, `client:<id>`).
    actor: Option<String>,
}

// ------------------------------------------------------------------ rules

/// Who may make the call of a row.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Everyone, signed in or not.
    Public,
    /// The national operator only.
    Operator,
    /// Any signed-in account (acting on itself); not an integration client.
    SignedIn,
    /// The administrators of A, and the operator.
    AdminOfA,
    /// A's staff (agent, commune administrator), the operator, and A's clients with `reports:write`.
    StaffOfA,
    /// Anyone, anonymously too; an integration client only in its own commune and with `reports:write`.
    SubmitInA,
    /// Only the account that submitted the report (no caller of the table did): accounts are refused,
    /// callers without an account (anonymous, clients) are not authenticated as one.
    ReporterOnly,
    /// The roles `roles` in A, the operator, and (if `write_scope`) A's clients with the write scopes.
    InA { roles: &'static [Role], write_scope: bool },
    /// Any account, of any commune, acting as a resident (asking, proposing, commenting); not a client.
    AnyAccount,
    /// Only the author of the content (no caller of the table): every other account and every client is
    /// refused; nobody anonymous is authenticated.
    AuthorOnly,
    /// A's resource named through B's path: callers entitled in B get the row's code (NOT_FOUND,
    /// never OK), everyone else is refused as for any action in B.
    ThroughB { roles: &'static [Role], write_scope: bool },
}

/// The gRPC code `kind` must get on a row with `rule`, whose entitled callers get `granted`.
fn expected(rule: Rule, granted: Code, kind: Kind) -> Code {
    use Kind::*;
    let entitled = match (rule, kind) {
        (_, Forged) => return Code::Unauthenticated,
        (Rule::Public, _) => true,
        (Rule::SubmitInA, Client { side, write }) => side == Side::A && write,
        (Rule::SubmitInA, _) => true,
        (_, Anonymous) => return Code::Unauthenticated,
        // The account's own data: a client is nobody's account.
        (Rule::SignedIn, Client { .. }) => return Code::Unauthenticated,
        (Rule::SignedIn, _) => true,
        (Rule::ReporterOnly, Client { .. }) => return Code::Unauthenticated,
        (Rule::ReporterOnly, _) => false,
        (Rule::AuthorOnly, _) => false,
        (Rule::AnyAccount, Client { .. }) => false,
        (Rule::AnyAccount, _) => true,
        (_, Operator) => true,
        (Rule::Operator, _) => false,
        (Rule::AdminOfA, kind) => kind == Holds(Role::CommuneAdmin, Side::A),
        (Rule::StaffOfA, Holds(role, side)) => side == Side::A && matches!(role, Role::Agent | Role::CommuneAdmin),
        (Rule::StaffOfA, Client { side, write }) => side == Side::A && write,
        (Rule::StaffOfA, _) => false,
        (Rule::InA { roles, .. }, Holds(role, side)) => side == Side::A && roles.contains(&role),
        (Rule::InA { write_scope, .. }, Client { side, write }) => write_scope && side == Side::A && write,
        (Rule::InA { .. }, _) => false,
        (Rule::ThroughB { roles, .. }, Holds(role, side)) => side == Side::B && roles.contains(&role),
        (Rule::ThroughB { write_scope, .. }, Client { side, write }) => write_scope && side == Side::B && write,
        (Rule::ThroughB { .. }, _) => false,
    };
    if entitled { granted } else { Code::PermissionDenied }
}

// ------------------------------------------------------------------ the table

type Call = fn(Arc<World>, Option<String>) -> BoxFuture<'static, Result<(), Status>>;

struct Row {
    service: &'static str,
    method: &'static str,
    /// What the call aims at, for the failure report.
    target: &'static str,
    rule: Rule,
    /// What an entitled caller gets: OK, or the code that proves the call got past authorization.
    granted: Code,
    /// The call changes state other callers' calls of the row depend on (A's suspension, the target
    /// account's roles or password): callers take turns. Otherwise they call all at once.
    one_at_a_time: bool,
    call: Call,
}

fn row(service: &'static str, method: &'static str, target: &'static str, rule: Rule, call: Call) -> Row {
    Row { service, method, target, rule, granted: Code::Ok, one_at_a_time: false, call }
}

impl Row {
    fn granting(self, granted: Code) -> Self {
        Self { granted, ..self }
    }

    fn one_at_a_time(self) -> Self {
        Self { one_at_a_time: true, ..self }
    }
}

fn with_auth<T>(message: T, authorization: &Option<String>) -> Request<T> {
    let mut request = Request::new(message);
    if let Some(value) = authorization {
        request.metadata_mut().insert("authorization", value.parse().expect("ascii header"));
    }
    request
}

fn now_us() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros() as i64).unwrap_or(0)
}

fn submission(commune: &str) -> rp::SubmitReportRequest {
    rp::SubmitReportRequest {
        parent: format!("communes/{commune}"),
        category: "voirie".into(),
        title: "Nid-de-poule rue de Saint-Malo".into(),
        description: "Profond, devant l'école.".into(),
        location: Some(rp::Location { latitude: 48.1147, longitude: -1.6794, address: "Rue de Saint-Malo".into() }),
        // Used by anonymous callers only (an account is the reporter; a client may give a contact).
        reporter_email: "voisine@example.fr".into(),
        ..Default::default()
    }
}

/// Every row: at least one per method of each served service (see `the_table_covers_every_method`).
fn table() -> Vec<Row> {
    let mut rows = identity_and_reports_rows();
    rows.extend(publications_rows::rows());
    rows.extend(dialogue_rows::rows());
    rows.extend(transparency_rows::rows());
    rows
}

fn identity_and_reports_rows() -> Vec<Row> {
    vec![
        // --- Identity: communes ---
        row(IDENTITY, "RegisterCommune", "a new commune", Rule::Operator, |w, auth| {
            Box::pin(async move {
                let insee = (44000 + w.next()).to_string();
                let request = id::RegisterCommuneRequest {
                    insee,
                    display_name: "Nantes bis".into(),
                    department: "44".into(),
                    collective_name: "Collectif".into(),
                    response_commitment_days: 7,
                    request_id: String::new(),
                };
                w.identity_client().register_commune(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(IDENTITY, "SuspendCommune", "communes/35238", Rule::Operator, |w, auth| {
            Box::pin(async move {
                let request = id::SuspendCommuneRequest { name: format!("communes/{A}"), reason: "contrôle".into() };
                let result = w.identity_client().suspend_commune(with_auth(request, &auth)).await;
                if result.is_ok() {
                    w.identity.reactivate_commune(&operator_cli(), A).await.expect("reactivate A");
                }
                result.map(drop)
            })
        })
        .one_at_a_time(),
        row(IDENTITY, "ReactivateCommune", "communes/35238 (suspended)", Rule::Operator, |w, auth| {
            Box::pin(async move {
                w.identity.suspend_commune(&operator_cli(), A, "contrôle").await.expect("suspend A");
                let request = id::ReactivateCommuneRequest { name: format!("communes/{A}") };
                let result = w.identity_client().reactivate_commune(with_auth(request, &auth)).await;
                if result.is_err() {
                    w.identity.reactivate_commune(&operator_cli(), A).await.expect("reactivate A");
                }
                result.map(drop)
            })
        })
        .one_at_a_time(),
        row(IDENTITY, "GetCommune", "communes/35238", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = id::GetCommuneRequest { name: format!("communes/{A}") };
                w.identity_client().get_commune(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(IDENTITY, "ListCommunes", "all communes", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = id::ListCommunesRequest::default();
                w.identity_client().list_communes(with_auth(request, &auth)).await.map(drop)
            })
        }),
        // --- Identity: accounts and sessions ---
        row(IDENTITY, "SignUp", "a new resident of 35238", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = id::SignUpRequest {
                    email: format!("inscrit{}@example.fr", w.next()),
                    password: PASSWORD.into(),
                    display_name: "Nouvelle habitante".into(),
                    commune: A.into(),
                    request_id: String::new(),
                };
                w.identity_client().sign_up(with_auth(request, &auth)).await.map(drop)
            })
        }),
        // A fresh account each time: verifying an already verified address again is an INTERNAL error
        // today (the decider decides no event and the store refuses an empty commit).
        row(IDENTITY, "VerifyEmail", "a fresh link of a fresh account", Rule::Public, |w, auth| {
            Box::pin(async move {
                let email = format!("a.verifier{}@example.fr", w.next());
                let account = w.identity.sign_up(&email, PASSWORD, "À vérifier", "", "").await.expect("sign up");
                let token =
                    sessions::issue_link_token(&w.identity_db, &account.account_id, Purpose::VerifyEmail, now_us())
                        .await
                        .expect("link");
                w.identity_client().verify_email(with_auth(id::VerifyEmailRequest { token }, &auth)).await.map(drop)
            })
        }),
        row(IDENTITY, "Login", "the target account, right password", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = id::LoginRequest {
                    email: w.target_email.clone(),
                    password: PASSWORD.into(),
                    client_address: String::new(),
                };
                w.identity_client().login(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(IDENTITY, "Refresh", "a fresh session of the target account", Rule::Public, |w, auth| {
            Box::pin(async move {
                let refresh_token =
                    sessions::start_family(&w.identity_db, &w.target_id, now_us()).await.expect("session");
                w.identity_client().refresh(with_auth(id::RefreshRequest { refresh_token }, &auth)).await.map(drop)
            })
        }),
        row(IDENTITY, "Logout", "a fresh session of the target account", Rule::Public, |w, auth| {
            Box::pin(async move {
                let refresh_token =
                    sessions::start_family(&w.identity_db, &w.target_id, now_us()).await.expect("session");
                w.identity_client().logout(with_auth(id::LogoutRequest { refresh_token }, &auth)).await.map(drop)
            })
        }),
        row(IDENTITY, "RequestPasswordReset", "the target account", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request =
                    id::RequestPasswordResetRequest { email: w.target_email.clone(), client_address: String::new() };
                w.identity_client().request_password_reset(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(IDENTITY, "ResetPassword", "a fresh link of the target account", Rule::Public, |w, auth| {
            Box::pin(async move {
                let token = sessions::issue_link_token(&w.identity_db, &w.target_id, Purpose::ResetPassword, now_us())
                    .await
                    .expect("link");
                let request = id::ResetPasswordRequest { token, new_password: PASSWORD.into() };
                w.identity_client().reset_password(with_auth(request, &auth)).await.map(drop)
            })
        })
        .one_at_a_time(),
        row(IDENTITY, "GetMyAccount", "the caller's account", Rule::SignedIn, |w, auth| {
            Box::pin(async move {
                w.identity_client().get_my_account(with_auth(id::GetMyAccountRequest {}, &auth)).await.map(drop)
            })
        }),
        row(IDENTITY, "UpdateMyProfile", "the caller's account", Rule::SignedIn, |w, auth| {
            Box::pin(async move {
                let request = id::UpdateMyProfileRequest { display_name: "Nom changé".into() };
                w.identity_client().update_my_profile(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(IDENTITY, "ExportMyData", "the caller's account", Rule::SignedIn, |w, auth| {
            Box::pin(async move {
                w.identity_client().export_my_data(with_auth(id::ExportMyDataRequest {}, &auth)).await.map(drop)
            })
        }),
        // A wrong password: INVALID_ARGUMENT proves the call got past authorization without deleting
        // the caller (`a_signed_in_account_deletes_itself_and_only_itself` deletes for real).
        row(IDENTITY, "DeleteMyAccount", "the caller's account, wrong password", Rule::SignedIn, |w, auth| {
            Box::pin(async move {
                let request = id::DeleteMyAccountRequest { password: "pas le bon mot de passe".into() };
                w.identity_client().delete_my_account(with_auth(request, &auth)).await.map(drop)
            })
        })
        .granting(Code::InvalidArgument),
        // --- Identity: roles ---
        row(IDENTITY, "GrantRole", "collective_member in 35238 to the target account", Rule::AdminOfA, |w, auth| {
            Box::pin(async move {
                let request = id::GrantRoleRequest {
                    account_id: w.target_id.clone(),
                    commune: A.into(),
                    role: "collective_member".into(),
                    department: String::new(),
                    reason: "membre du collectif".into(),
                    request_id: String::new(),
                };
                let result = w.identity_client().grant_role(with_auth(request, &auth)).await;
                if result.is_ok() {
                    w.revoke_target_role(A, "collective_member").await;
                }
                result.map(drop)
            })
        })
        .one_at_a_time(),
        row(IDENTITY, "GrantRole", "the operator role to the target account", Rule::Operator, |w, auth| {
            Box::pin(async move {
                let request = id::GrantRoleRequest {
                    account_id: w.target_id.clone(),
                    commune: A.into(),
                    role: "operator".into(),
                    department: String::new(),
                    reason: "escalade".into(),
                    request_id: String::new(),
                };
                let result = w.identity_client().grant_role(with_auth(request, &auth)).await;
                if result.is_ok() {
                    w.revoke_target_role("", "operator").await;
                }
                result.map(drop)
            })
        })
        .one_at_a_time(),
        row(IDENTITY, "RevokeRole", "collective_member in 35238 of the target account", Rule::AdminOfA, |w, auth| {
            Box::pin(async move {
                w.identity
                    .grant_role(&operator_cli(), &w.target_id, A, "collective_member", "", "préparation", "")
                    .await
                    .expect("grant");
                let request = id::RevokeRoleRequest {
                    account_id: w.target_id.clone(),
                    commune: A.into(),
                    role: "collective_member".into(),
                    reason: "départ".into(),
                };
                let result = w.identity_client().revoke_role(with_auth(request, &auth)).await;
                if result.is_err() {
                    w.revoke_target_role(A, "collective_member").await;
                }
                result.map(drop)
            })
        })
        .one_at_a_time(),
        row(IDENTITY, "ListRoleChanges", "35238", Rule::AdminOfA, |w, auth| {
            Box::pin(async move {
                let request = id::ListRoleChangesRequest { commune: A.into(), ..Default::default() };
                w.identity_client().list_role_changes(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(IDENTITY, "LookupAccount", "the target account, for 35238", Rule::AdminOfA, |w, auth| {
            Box::pin(async move {
                let request = id::LookupAccountRequest { commune: A.into(), email: w.target_email.clone() };
                w.identity_client().lookup_account(with_auth(request, &auth)).await.map(drop)
            })
        }),
        // --- Identity: integration clients ---
        row(IDENTITY, "CreateIntegrationClient", "a client of 35238", Rule::AdminOfA, |w, auth| {
            Box::pin(async move {
                let request = id::CreateIntegrationClientRequest {
                    commune: A.into(),
                    display_name: format!("Outil {}", w.next()),
                    scopes: vec!["reports:read".into(), "reports:write".into()],
                    request_id: String::new(),
                };
                w.identity_client().create_integration_client(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(IDENTITY, "RevokeIntegrationClient", "a fresh client of 35238", Rule::AdminOfA, |w, auth| {
            Box::pin(async move {
                let (client, _) = w.fresh_client(A).await;
                let request = id::RevokeIntegrationClientRequest { name: client.name, reason: "fuite".into() };
                w.identity_client().revoke_integration_client(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(
            IDENTITY,
            "RevokeIntegrationClient",
            "a fresh client of 35238 named communes/69123/clients/{id}",
            Rule::ThroughB { roles: &[Role::CommuneAdmin], write_scope: false },
            |w, auth| {
                Box::pin(async move {
                    let (client, _) = w.fresh_client(A).await;
                    let request = id::RevokeIntegrationClientRequest {
                        name: format!("communes/{B}/clients/{}", client.client_id),
                        reason: "fuite".into(),
                    };
                    let result = w.identity_client().revoke_integration_client(with_auth(request, &auth)).await;
                    assert!(!w.client_revoked(&client.client_id).await, "A's client revoked through B's path");
                    result.map(drop)
                })
            },
        )
        .granting(Code::NotFound),
        row(IDENTITY, "ListIntegrationClients", "35238", Rule::AdminOfA, |w, auth| {
            Box::pin(async move {
                let request = id::ListIntegrationClientsRequest { commune: A.into() };
                w.identity_client().list_integration_clients(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(IDENTITY, "IssueClientToken", "a client of 35238, right secret", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = id::IssueClientTokenRequest {
                    client_id: w.client_a.0.clone(),
                    client_secret: w.client_a.1.clone(),
                };
                w.identity_client().issue_client_token(with_auth(request, &auth)).await.map(drop)
            })
        }),
        // --- Identity: signing keys ---
        row(IDENTITY, "GetJwks", "the published keys", Rule::Public, |w, auth| {
            Box::pin(
                async move { w.identity_client().get_jwks(with_auth(id::GetJwksRequest {}, &auth)).await.map(drop) },
            )
        }),
        row(IDENTITY, "RotateSigningKey", "a key signing in a week", Rule::Operator, |w, auth| {
            Box::pin(async move {
                let request = id::RotateSigningKeyRequest { activation_delay_seconds: 7 * 24 * 3600 };
                w.identity_client().rotate_signing_key(with_auth(request, &auth)).await.map(drop)
            })
        }),
        // --- Reports ---
        row(REPORTS, "SubmitReport", "communes/35238", Rule::SubmitInA, |w, auth| {
            Box::pin(async move { w.reports_client().submit_report(with_auth(submission(A), &auth)).await.map(drop) })
        }),
        row(REPORTS, "GetReport", "a report of 35238", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = rp::GetReportRequest { name: w.sentinel.clone() };
                w.reports_client().get_report(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(REPORTS, "ListReports", "communes/35238", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = rp::ListReportsRequest { parent: format!("communes/{A}"), ..Default::default() };
                w.reports_client().list_reports(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(REPORTS, "AcknowledgeReport", "a fresh report of 35238", Rule::StaffOfA, |w, auth| {
            Box::pin(async move {
                let name = w.fresh_report(A).await;
                let request = rp::AcknowledgeReportRequest {
                    name,
                    message: "Équipe prévenue.".into(),
                    request_id: String::new(),
                };
                w.reports_client().acknowledge_report(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(REPORTS, "UpdateReportStatus", "a fresh report of 35238, to in progress", Rule::StaffOfA, |w, auth| {
            Box::pin(async move {
                let name = w.fresh_report(A).await;
                let request = rp::UpdateReportStatusRequest {
                    name,
                    status: rp::ReportStatus::InProgress.into(),
                    message: "Équipe sur place.".into(),
                    request_id: String::new(),
                };
                w.reports_client().update_report_status(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(REPORTS, "ReopenReport", "an anonymous report of 35238", Rule::ReporterOnly, |w, auth| {
            Box::pin(async move {
                let name = w.fresh_report(A).await;
                let request =
                    rp::ReopenReportRequest { name, message: "C'est revenu.".into(), request_id: String::new() };
                w.reports_client().reopen_report(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(
            REPORTS,
            "AcknowledgeReport",
            "a report of 35238 named communes/69123/reports/{id}",
            Rule::ThroughB { roles: &[Role::Agent, Role::CommuneAdmin], write_scope: true },
            |w, auth| {
                Box::pin(async move {
                    let report_id = w.sentinel.rsplit('/').next().unwrap_or_default();
                    let request = rp::AcknowledgeReportRequest {
                        name: format!("communes/{B}/reports/{report_id}"),
                        message: "Pas chez nous.".into(),
                        request_id: String::new(),
                    };
                    w.reports_client().acknowledge_report(with_auth(request, &auth)).await.map(drop)
                })
            },
        )
        .granting(Code::NotFound),
        // --- Reports: issue 5 ---
        row(REPORTS, "VerifyReport", "a token nobody was sent", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = rp::VerifyReportRequest { token: format!("jeton-{}", w.next()) };
                w.reports_client().verify_report(with_auth(request, &auth)).await.map(drop)
            })
        })
        .granting(Code::NotFound),
        row(REPORTS, "SuggestDuplicates", "communes/35238, around the sentinel", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = rp::SuggestDuplicatesRequest {
                    parent: format!("communes/{A}"),
                    category: "voirie".into(),
                    location: submission(A).location,
                };
                w.reports_client().suggest_duplicates(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(REPORTS, "SupportReport", "a fresh report of 35238", Rule::SignedIn, |w, auth| {
            Box::pin(async move {
                let name = w.fresh_report(A).await;
                let request = rp::SupportReportRequest { name, request_id: String::new() };
                w.reports_client().support_report(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(REPORTS, "AssignReport", "a fresh report of 35238", Rule::StaffOfA, |w, auth| {
            Box::pin(async move {
                let name = w.fresh_report(A).await;
                let request = rp::AssignReportRequest {
                    name,
                    department: "voirie".into(),
                    agent: String::new(),
                    request_id: String::new(),
                };
                w.reports_client().assign_report(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(
            REPORTS,
            "AssignReport",
            "a report of 35238 named communes/69123/reports/{id}",
            Rule::ThroughB { roles: &[Role::Agent, Role::CommuneAdmin], write_scope: true },
            |w, auth| {
                Box::pin(async move {
                    let report_id = w.sentinel.rsplit('/').next().unwrap_or_default();
                    let request = rp::AssignReportRequest {
                        name: format!("communes/{B}/reports/{report_id}"),
                        department: "voirie".into(),
                        agent: String::new(),
                        request_id: String::new(),
                    };
                    w.reports_client().assign_report(with_auth(request, &auth)).await.map(drop)
                })
            },
        )
        .granting(Code::NotFound),
        row(REPORTS, "AddInternalNote", "a fresh report of 35238", Rule::StaffOfA, |w, auth| {
            Box::pin(async move {
                let name = w.fresh_report(A).await;
                let request = rp::AddInternalNoteRequest {
                    name,
                    text: "Rappeler le riverain.".into(),
                    request_id: String::new(),
                };
                w.reports_client().add_internal_note(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(REPORTS, "ListInternalNotes", "the sentinel report of 35238", Rule::StaffOfA, |w, auth| {
            Box::pin(async move {
                let request = rp::ListInternalNotesRequest { name: w.sentinel.clone() };
                w.reports_client().list_internal_notes(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(REPORTS, "MergeReport", "a fresh report of 35238 into another", Rule::StaffOfA, |w, auth| {
            Box::pin(async move {
                let (duplicate, kept) = (w.fresh_report(A).await, w.fresh_report(A).await);
                let request = rp::MergeReportRequest {
                    name: duplicate,
                    into: kept,
                    message: "Doublon.".into(),
                    request_id: String::new(),
                };
                w.reports_client().merge_report(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(REPORTS, "GetReportPhoto", "the sentinel's photo", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = rp::GetReportPhotoRequest { name: w.sentinel_photo.clone() };
                w.reports_client().get_report_photo(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(REPORTS, "ListCategories", "communes/35238", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = rp::ListCategoriesRequest { parent: format!("communes/{A}"), include_retired: true };
                w.reports_client().list_categories(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(REPORTS, "GetCategory", "communes/35238/categories/voirie", Rule::Public, |w, auth| {
            Box::pin(async move {
                let request = rp::GetCategoryRequest { name: format!("communes/{A}/categories/voirie") };
                w.reports_client().get_category(with_auth(request, &auth)).await.map(drop)
            })
        }),
        row(REPORTS, "DefineCategory", "a new category of 35238", Rule::AdminOfA, |w, auth| {
            Box::pin(async move {
                let request = rp::DefineCategoryRequest {
                    parent: format!("communes/{A}"),
                    category: Some(rp::Category {
                        code: format!("essai-{}", w.next()),
                        name: "Essai".into(),
                        active: true,
                        ..Default::default()
                    }),
                    request_id: String::new(),
                };
                w.reports_client().define_category(with_auth(request, &auth)).await.map(drop)
            })
        })
        .one_at_a_time(),
    ]
}

// ------------------------------------------------------------------ the world

/// Both services running, with communes A and B, one account per role and commune, clients, a report.
struct World {
    identity: Identity,
    identity_db: Database,
    identity_channel: Channel,
    reports_store: EventStore,
    reports_channel: Channel,
    /// An account with no role that rows grant roles to, sign in as, reset, …
    target_id: String,
    target_email: String,
    /// A client of A with both scopes: (id, secret).
    client_a: (String, String),
    /// A report of A (`communes/35238/reports/{id}`) that nobody may change, and its photo.
    sentinel: String,
    sentinel_photo: String,
    /// The bearer of the account that files the reports rows act on (no caller of the table); it also
    /// asks the questions and submits the proposals the dialogue rows act on.
    filer: String,
    publications_store: EventStore,
    publications_channel: Channel,
    dialogue_store: EventStore,
    dialogue_channel: Channel,
    /// Bearers of an agent and a collective moderator of A (no callers of the table): they write the
    /// publications and hide the content the rows act on.
    agent_a: String,
    moderator_a: String,
    /// A published official publication of A that nobody may change, and its PDF.
    sentinel_publication: String,
    sentinel_attachment: String,
    /// A question and a proposal of A.
    sentinel_question: String,
    sentinel_proposal: String,
    counter: AtomicU32,
    stop: CancellationToken,
    transparency_channel: Channel,
    _databases: [TestDatabase; 5],
}

impl Drop for World {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

impl World {
    fn next(&self) -> u32 {
        self.counter.fetch_add(1, Ordering::Relaxed) + 1
    }

    fn identity_client(&self) -> IdentityClient<Channel> {
        IdentityClient::new(self.identity_channel.clone())
    }

    fn reports_client(&self) -> ReportsClient<Channel> {
        ReportsClient::new(self.reports_channel.clone())
    }

    async fn revoke_target_role(&self, commune: &str, role: &str) {
        self.identity
            .revoke_role(&operator_cli(), &self.target_id, commune, role, "remise en état")
            .await
            .expect("revoke");
    }

    async fn fresh_client(&self, commune: &str) -> (id::IntegrationClient, String) {
        let scopes = ["reports:read".to_owned(), "reports:write".to_owned()];
        let name = format!("Client {}", self.next());
        self.identity.create_client(&operator_cli(), commune, &name, &scopes, "").await.expect("client")
    }

    async fn client_revoked(&self, client_id: &str) -> bool {
        let clients = self.identity.list_clients(&operator_cli(), A).await.expect("clients");
        clients.iter().any(|c| c.client_id == client_id && c.revoked)
    }

    async fn fresh_report(&self, commune: &str) -> String {
        let request = with_auth(submission(commune), &Some(self.filer.clone()));
        let submitted = self.reports_client().submit_report(request).await.expect("submit");
        submitted.into_inner().report.expect("report").name
    }

    fn publications_client(&self) -> PublicationsClient<Channel> {
        PublicationsClient::new(self.publications_channel.clone())
    }

    fn dialogue_client(&self) -> DialogueClient<Channel> {
        DialogueClient::new(self.dialogue_channel.clone())
    }

    fn transparency_client(&self) -> TransparencyClient<Channel> {
        TransparencyClient::new(self.transparency_channel.clone())
    }

    /// An official news draft of A, written by A's agent.
    async fn fresh_draft(&self) -> String {
        let request = with_auth(publications_rows::draft(pb::Space::Official, "news"), &Some(self.agent_a.clone()));
        let created = self.publications_client().create_draft(request).await.expect("draft");
        created.into_inner().publication.expect("publication").name
    }

    /// An official draft of A with a PDF: (its name, the PDF's id).
    async fn fresh_draft_with_attachment(&self) -> (String, String) {
        let name = self.fresh_draft().await;
        let request = with_auth(publications_rows::attachment(name.clone()), &Some(self.agent_a.clone()));
        let added = self.publications_client().add_attachment(request).await.expect("attach");
        (name, added.into_inner().attachment.expect("attachment").attachment_id)
    }

    /// An official news item of A, published by A's agent.
    async fn fresh_publication(&self) -> String {
        let name = self.fresh_draft().await;
        let request = pb::PublishRequest { name: name.clone(), ..Default::default() };
        self.publications_client().publish(with_auth(request, &Some(self.agent_a.clone()))).await.expect("publish");
        name
    }

    async fn fresh_question(&self) -> String {
        let request = with_auth(dialogue_rows::question(A), &Some(self.filer.clone()));
        let asked = self.dialogue_client().ask_question(request).await.expect("ask");
        asked.into_inner().question.expect("question").name
    }

    async fn fresh_proposal(&self) -> String {
        let request = with_auth(dialogue_rows::proposal(A), &Some(self.filer.clone()));
        let submitted = self.dialogue_client().submit_proposal(request).await.expect("submit");
        submitted.into_inner().proposal.expect("proposal").name
    }

    /// A comment of A's agent (official) on the sentinel proposal.
    async fn official_comment(&self) -> String {
        let request = dg::PostCommentRequest {
            parent: format!("communes/{A}"),
            target: self.sentinel_proposal.clone(),
            body: "La mairie étudie la proposition.".into(),
            ..Default::default()
        };
        let posted =
            self.dialogue_client().post_comment(with_auth(request, &Some(self.agent_a.clone()))).await.expect("post");
        posted.into_inner().comment.expect("comment").name
    }

    /// A fresh question of the filer, hidden by A's collective moderator.
    async fn hidden_question(&self) -> String {
        let subject = self.fresh_question().await;
        let request = dg::HideContentRequest {
            subject: subject.clone(),
            public_reason: "Hors charte.".into(),
            request_id: String::new(),
        };
        self.dialogue_client().hide_content(with_auth(request, &Some(self.moderator_a.clone()))).await.expect("hide");
        subject
    }

    async fn appeal_as_author(&self, subject: &str) {
        let request = dg::AppealHidingRequest {
            subject: subject.to_owned(),
            reason: "Je conteste.".into(),
            request_id: String::new(),
        };
        self.dialogue_client().appeal_hiding(with_auth(request, &Some(self.filer.clone()))).await.expect("appeal");
    }

    async fn report(&self, name: &str) -> rp::Report {
        let request = rp::GetReportRequest { name: name.to_owned() };
        self.reports_client().get_report(request).await.expect("get report").into_inner()
    }
}

async fn serve(routes: tonic::service::Routes, stop: &CancellationToken) -> Channel {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let readiness = Readiness::new();
    readiness.register("test").set_ready(true);
    tokio::spawn(miroir_platform::grpc::serve(
        listener,
        routes,
        miroir_proto::FILE_DESCRIPTOR_SET,
        readiness,
        stop.clone(),
    ));
    Channel::from_shared(format!("http://{address}")).expect("uri").connect().await.expect("connect")
}

/// Signs up an account (resident of `resident_of` if given) and grants it `grant` = (commune, role).
async fn account(identity: &Identity, email: &str, resident_of: &str, grant: Option<(&str, Role)>) -> String {
    let account = identity.sign_up(email, PASSWORD, "Compte de test", resident_of, "").await.expect("sign up");
    if let Some((commune, role)) = grant {
        identity
            .grant_role(&operator_cli(), &account.account_id, commune, role.as_str(), "", "test", "")
            .await
            .expect("grant");
    }
    account.account_id
}

/// The write scopes an integration client can hold, and the read one.
const WRITE_SCOPES: &[&str] = &["reports:read", "reports:write", "publications:write", "dialogue:write"];

/// The bearer of a new account holding `grant`.
async fn bearer(identity: &Identity, email: &str, grant: Option<(&str, Role)>) -> String {
    account(identity, email, "", grant).await;
    format!("Bearer {}", identity.login(email, PASSWORD, "").await.expect("login").access_token)
}

/// A token with the operator's grant, signed by a key identity never had.
fn forged_operator_token() -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    let claims = Claims {
        sub: "intrus".into(),
        iat: now,
        exp: now + 600,
        grants: vec![Grant { commune: "*".into(), role: Role::Operator }],
        client: None,
    };
    format!("Bearer {}", Keys::generate().expect("keys").sign(&claims))
}

async fn start(backend: Backend) -> (Arc<World>, Vec<Caller>) {
    let identity_database = TestDatabase::new(backend).await;
    let reports_database = TestDatabase::new(backend).await;
    let publications_database = TestDatabase::new(backend).await;
    let dialogue_database = TestDatabase::new(backend).await;
    miroir_identity::migrate_database(&identity_database.db).await.expect("migrate identity");
    miroir_reports::migrate_database(&reports_database.db).await.expect("migrate reports");
    miroir_publications::migrate_database(&publications_database.db).await.expect("migrate publications");
    miroir_dialogue::migrate_database(&dialogue_database.db).await.expect("migrate dialogue");
    let transparency_database = TestDatabase::new(backend).await;
    miroir_transparency::migrate_database(&transparency_database.db).await.expect("migrate transparency");
    miroir_transparency::ensure_projections(&transparency_database.db).await.expect("transparency projections");
    let publications_store =
        miroir_publications::open(publications_database.db.clone()).await.expect("open publications");
    let dialogue_store = miroir_dialogue::open(dialogue_database.db.clone()).await.expect("open dialogue");
    let config = IdentityConfig { log_links: false, public_url: "http://127.0.0.1".into() };
    let identity = miroir_identity::open(identity_database.db.clone(), config).await.expect("open identity");
    let reports_store = miroir_reports::open(reports_database.db.clone()).await.expect("open reports");

    // Both services verify identity's tokens with its published keys.
    let verifier = miroir_auth::Verifier::from_jwks(&identity.jwks().await.expect("jwks")).expect("verifier");
    let stop = CancellationToken::new();
    let identity_channel = serve(
        tonic::service::Routes::new(IdentityServer::with_interceptor(
            miroir_identity::api::IdentityApi::new(identity.clone()),
            miroir_auth::grpc::authenticate(verifier.clone()),
        )),
        &stop,
    )
    .await;
    let reports_channel = serve(
        tonic::service::Routes::new(ReportsServer::with_interceptor(
            ReportsApi::new(reports_store.clone()),
            miroir_auth::grpc::authenticate(verifier.clone()),
        )),
        &stop,
    )
    .await;
    let publications_channel = serve(
        tonic::service::Routes::new(PublicationsServer::with_interceptor(
            miroir_publications::api::PublicationsApi::new(publications_store.clone())
                .with_attachments(miroir_objects::ObjectStore::in_memory()),
            miroir_auth::grpc::authenticate(verifier.clone()),
        )),
        &stop,
    )
    .await;
    // The posting limit is the business of its own tests: here one account writes what every row acts on.
    let unlimited = miroir_dialogue::api::PostingLimit { posts: u32::MAX, window_us: 1 };
    let dialogue_channel = serve(
        tonic::service::Routes::new(DialogueServer::with_interceptor(
            miroir_dialogue::api::DialogueApi::new(dialogue_store.clone()).with_posting_limit(unlimited),
            miroir_auth::grpc::authenticate(verifier.clone()),
        )),
        &stop,
    )
    .await;
    // Transparency reads the four logs (its rebuild replays them); the operator's rebuild really runs.
    let logs = miroir_eventstore::feed::LocalFeed::new([
        identity.store().clone(),
        reports_store.clone(),
        publications_store.clone(),
        dialogue_store.clone(),
    ]);
    let rebuilds = Arc::new(miroir_transparency::rebuild::Rebuilds::new(
        transparency_database.db.clone(),
        Arc::new(logs),
        stop.clone(),
    ));
    let transparency_channel = serve(
        tonic::service::Routes::new(TransparencyServer::with_interceptor(
            miroir_transparency::api::TransparencyApi::new(transparency_database.db.clone()).with_rebuilds(rebuilds),
            miroir_auth::grpc::authenticate(verifier),
        )),
        &stop,
    )
    .await;

    let op = operator_cli();
    identity.register_commune(&op, A, "Rennes", "35", "Collectif rennais", 7, "").await.expect("register A");
    identity.register_commune(&op, B, "Lyon", "69", "Collectif lyonnais", 7, "").await.expect("register B");

    // One account per caller, each holding exactly one grant (signed up in parallel: hashing is slow).
    let mut signups = Vec::new();
    for side in [Side::A, Side::B] {
        for &role in COMMUNE_ROLES {
            let (label, email) = (
                format!("{}@{}", role.as_str(), side.insee()),
                format!("{}.{}@example.fr", role.as_str(), side.insee()),
            );
            let identity = identity.clone();
            signups.push(Box::pin(async move {
                let id = if role == Role::Resident {
                    account(&identity, &email, side.insee(), None).await
                } else {
                    account(&identity, &email, "", Some((side.insee(), role))).await
                };
                (label, Kind::Holds(role, side), email, id)
            }) as BoxFuture<'static, _>);
        }
    }
    for (label, kind, email, grant) in [
        ("no role", Kind::NoRole, "sans.role@example.fr", None),
        ("operator", Kind::Operator, "operatrice@example.fr", Some(("", Role::Operator))),
    ] {
        let identity = identity.clone();
        signups.push(Box::pin(async move {
            let id = account(&identity, email, "", grant).await;
            (label.to_owned(), kind, email.to_owned(), id)
        }));
    }
    let target_email = "cible@example.fr".to_owned();
    let (accounts, target_id) =
        tokio::join!(futures::future::join_all(signups), account(&identity, &target_email, "", None));
    // Tokens after the grants: an access token carries the grants of its login.
    let logins = accounts.into_iter().map(|(label, kind, email, id)| {
        let identity = identity.clone();
        async move {
            let token = format!("Bearer {}", identity.login(&email, PASSWORD, "").await.expect("login").access_token);
            Caller { label, kind, authorization: Some(token), actor: Some(id) }
        }
    });
    let mut callers = vec![
        Caller { label: "anonymous".into(), kind: Kind::Anonymous, authorization: None, actor: None },
        Caller {
            label: "forged operator token".into(),
            kind: Kind::Forged,
            authorization: Some(forged_operator_token()),
            actor: None,
        },
        Caller {
            label: "malformed authorization".into(),
            kind: Kind::Forged,
            authorization: Some("Basic b3BlcmF0b3I6b3BlcmF0b3I=".into()),
            actor: None,
        },
    ];
    callers.extend(futures::future::join_all(logins).await);

    // Integration clients: of A with both scopes, of A read-only, of B with both scopes.
    let mut client_a = None;
    for (side, scopes) in [(Side::A, WRITE_SCOPES), (Side::A, &["reports:read"][..]), (Side::B, WRITE_SCOPES)] {
        let scopes: Vec<String> = scopes.iter().map(|s| (*s).to_owned()).collect();
        let write = scopes.iter().any(|s| s == "reports:write");
        let (client, secret) =
            identity.create_client(&op, side.insee(), "SIG de la ville", &scopes, "").await.expect("create client");
        let session = identity.issue_client_token(&client.client_id, &secret).await.expect("client token");
        callers.push(Caller {
            label: format!("client@{}{}", side.insee(), if write { "" } else { " (read only)" }),
            kind: Kind::Client { side, write },
            authorization: Some(format!("Bearer {}", session.access_token)),
            actor: Some(format!("client:{}", client.client_id)),
        });
        if side == Side::A && write {
            client_a = Some((client.client_id, secret));
        }
    }

    account(&identity, "signaleur@example.fr", A, None).await;
    let filer =
        format!("Bearer {}", identity.login("signaleur@example.fr", PASSWORD, "").await.expect("login").access_token);
    let photo = rp::PhotoUpload {
        filename: "trottoir.png".into(),
        data: include_bytes!("../../services/reports/tests/fixtures/pothole.png").to_vec(),
    };
    let sentinel = rp::SubmitReportRequest { photos: vec![photo], ..submission(A) };
    let submitted = ReportsClient::new(reports_channel.clone())
        .submit_report(with_auth(sentinel, &Some(filer.clone())))
        .await
        .expect("sentinel report");
    let sentinel = submitted.into_inner().report.expect("report");
    let sentinel_photo = sentinel.photos.first().map(|p| p.name.clone()).expect("the sentinel's photo");
    let sentinel = sentinel.name;

    let agent_a = bearer(&identity, "agent.redacteur@example.fr", Some((A, Role::Agent))).await;
    let moderator_a = bearer(&identity, "moderatrice.collectif@example.fr", Some((A, Role::CollectiveModerator))).await;
    let publications = PublicationsClient::new(publications_channel.clone());
    let request = with_auth(publications_rows::draft(pb::Space::Official, "news"), &Some(agent_a.clone()));
    let drafted = publications.clone().create_draft(request).await.expect("sentinel draft");
    let sentinel_publication = drafted.into_inner().publication.expect("publication").name;
    let request = with_auth(publications_rows::attachment(sentinel_publication.clone()), &Some(agent_a.clone()));
    let added = publications.clone().add_attachment(request).await.expect("sentinel attachment");
    let sentinel_attachment = added.into_inner().attachment.expect("attachment").attachment_id;
    let request = pb::PublishRequest { name: sentinel_publication.clone(), ..Default::default() };
    publications.clone().publish(with_auth(request, &Some(agent_a.clone()))).await.expect("publish sentinel");
    let dialogue = DialogueClient::new(dialogue_channel.clone());
    let asked = dialogue.clone().ask_question(with_auth(dialogue_rows::question(A), &Some(filer.clone()))).await;
    let sentinel_question = asked.expect("sentinel question").into_inner().question.expect("question").name;
    let submitted = dialogue.clone().submit_proposal(with_auth(dialogue_rows::proposal(A), &Some(filer.clone()))).await;
    let sentinel_proposal = submitted.expect("sentinel proposal").into_inner().proposal.expect("proposal").name;

    let world = World {
        identity,
        identity_db: identity_database.db.clone(),
        identity_channel,
        reports_store,
        reports_channel,
        target_id,
        target_email,
        client_a: client_a.expect("client of A"),
        sentinel,
        sentinel_photo,
        filer,
        publications_store,
        publications_channel,
        dialogue_store,
        dialogue_channel,
        agent_a,
        moderator_a,
        sentinel_publication,
        sentinel_attachment,
        sentinel_question,
        sentinel_proposal,
        counter: AtomicU32::new(0),
        stop,
        transparency_channel,
        _databases: [
            identity_database,
            reports_database,
            publications_database,
            dialogue_database,
            transparency_database,
        ],
    };
    (Arc::new(world), callers)
}

// ------------------------------------------------------------------ the tests

/// Runs every row as every caller; returns the mismatches.
async fn run_table(world: &Arc<World>, callers: &[Caller]) -> Vec<String> {
    let mut mismatches = Vec::new();
    for row in table() {
        let calls = callers.iter().map(|caller| (row.call)(world.clone(), caller.authorization.clone()));
        let outcomes = if row.one_at_a_time {
            let mut outcomes = Vec::new();
            for call in calls {
                outcomes.push(call.await);
            }
            outcomes
        } else {
            futures::future::join_all(calls).await
        };
        for (caller, outcome) in callers.iter().zip(outcomes) {
            let want = expected(row.rule, row.granted, caller.kind);
            let got = match outcome {
                Ok(()) => (Code::Ok, String::new()),
                Err(status) => (status.code(), status.message().to_owned()),
            };
            if got.0 != want {
                mismatches.push(format!(
                    "{}/{} ({}) as {}: expected {:?}, got {:?} {}",
                    row.service.rsplit('.').next().unwrap_or_default(),
                    row.method,
                    row.target,
                    caller.label,
                    want,
                    got.0,
                    got.1
                ));
            }
        }
    }
    mismatches
}

async fn whole_log(store: &EventStore) -> Vec<RecordedEvent> {
    let mut events: Vec<RecordedEvent> = Vec::new();
    loop {
        let after = events.last().map(|e| e.position).unwrap_or(0);
        let page = store.read_log(after, 500).await.expect("read log");
        if page.is_empty() {
            return events;
        }
        events.extend(page);
    }
}

fn actors(callers: &[Caller], entitled: impl Fn(Kind) -> bool) -> HashSet<String> {
    callers.iter().filter(|c| entitled(c.kind)).filter_map(|c| c.actor.clone()).collect()
}

/// Nothing in a commune's part of either log comes from a principal with no right there.
async fn assert_no_commune_was_touched_by_another(world: &World, callers: &[Caller]) {
    let identity_log = whole_log(&EventStore::open(world.identity_db.clone(), "identity").await.expect("open")).await;
    let reports_log = whole_log(&world.reports_store).await;
    assert!(!identity_log.is_empty() && !reports_log.is_empty());
    for side in [Side::A, Side::B] {
        let commune = side.insee();
        // Identity changes in a commune (its registration, roles, clients): its administrators and the operator.
        let mut administrators = actors(callers, |k| k == Kind::Holds(Role::CommuneAdmin, side) || k == Kind::Operator);
        administrators.extend(operator_cli().actor());
        for event in identity_log.iter().filter(|e| e.commune == commune) {
            assert!(
                administrators.contains(&event.metadata.actor),
                "identity event {} in {commune} by {:?}, who administers nothing there",
                event.event_type,
                event.metadata.actor
            );
        }
        // Acknowledgements: the commune's staff, the operator and its clients with reports:write.
        let staff = actors(callers, |k| match k {
            Kind::Holds(role, s) => s == side && matches!(role, Role::Agent | Role::CommuneAdmin),
            Kind::Client { side: s, write } => s == side && write,
            Kind::Operator => true,
            _ => false,
        });
        for event in reports_log.iter().filter(|e| e.commune == commune && e.event_type.ends_with("ReportAcknowledged"))
        {
            assert!(
                staff.contains(&event.metadata.actor),
                "report acknowledged in {commune} by {:?}",
                event.metadata.actor
            );
        }
        // A client writes nothing outside its commune.
        let foreign_clients = actors(callers, |k| matches!(k, Kind::Client { side: s, .. } if s != side));
        for event in identity_log.iter().chain(&reports_log).filter(|e| e.commune == commune) {
            assert!(
                !foreign_clients.contains(&event.metadata.actor),
                "{} in {commune} by a client of another commune",
                event.event_type
            );
        }
    }

    // Publications: nothing written in a commune by the other commune's principals, by residents or
    // accounts without a role; dialogue: no answer or moderation there by the other commune's principals.
    let publications_log = whole_log(&world.publications_store).await;
    let dialogue_log = whole_log(&world.dialogue_store).await;
    assert!(!publications_log.is_empty() && !dialogue_log.is_empty());
    for side in [Side::A, Side::B] {
        let commune = side.insee();
        let outsiders = actors(callers, |k| match k {
            Kind::Holds(role, s) => s != side || role == Role::Resident,
            Kind::Client { side: s, .. } => s != side,
            Kind::NoRole => true,
            _ => false,
        });
        for event in publications_log.iter().filter(|e| e.commune == commune) {
            assert!(
                !outsiders.contains(&event.metadata.actor),
                "publication event {} in {commune} by {:?}, who writes nothing there",
                event.event_type,
                event.metadata.actor
            );
        }
        let other_side = actors(callers, |k| match k {
            Kind::Holds(_, s) | Kind::Client { side: s, .. } => s != side,
            _ => false,
        });
        let official_acts = ["AnswerPublished", "ProposalAnswered", "QuestionRedirected", "ContentHidden"];
        for event in dialogue_log.iter().filter(|e| e.commune == commune) {
            if official_acts.iter().any(|act| event.event_type.ends_with(act)) {
                assert!(
                    !other_side.contains(&event.metadata.actor),
                    "{} in {commune} by {:?}, of another commune",
                    event.event_type,
                    event.metadata.actor
                );
            }
        }
    }
    let sentinel_publication = world
        .publications_client()
        .get_publication(pb::GetPublicationRequest { name: world.sentinel_publication.clone() })
        .await
        .expect("sentinel publication")
        .into_inner();
    assert_eq!(sentinel_publication.revision, 0, "A's sentinel publication was amended through B's path");
    let sentinel_question = world
        .dialogue_client()
        .get_question(dg::GetQuestionRequest { name: world.sentinel_question.clone() })
        .await
        .expect("sentinel question")
        .into_inner();
    assert!(sentinel_question.answer.is_empty(), "A's sentinel question answered through B's path");

    // A's sentinel report, which every caller tried to acknowledge through B's path: untouched.
    let sentinel = world.report(&world.sentinel).await;
    assert_eq!((sentinel.status(), sentinel.version), (rp::ReportStatus::New, 1), "A's sentinel report changed");

    // A's role history names only A's administrators and the operator.
    let b_accounts = actors(callers, |k| matches!(k, Kind::Holds(_, Side::B)));
    let (changes, _) = world.identity.role_changes(&operator_cli(), A, 100, "").await.expect("role changes");
    assert!(!changes.is_empty());
    for change in &changes {
        assert!(!b_accounts.contains(&change.by), "A's role change {change:?} made by a principal of B");
    }
}

async fn every_method_answers_every_caller_as_the_table_says(backend: Backend) {
    let (world, callers) = start(backend).await;
    let mismatches = run_table(&world, &callers).await;
    assert!(
        mismatches.is_empty(),
        "{} of {} calls answered against the table:\n{}",
        mismatches.len(),
        table().len() * callers.len(),
        mismatches.join("\n")
    );
    assert_no_commune_was_touched_by_another(&world, &callers).await;
}

macro_rules! on_both_databases {
    ($($name:ident),+) => {
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() { super::$name(super::Backend::Postgres).await; })+
        }
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() { super::$name(super::Backend::Sqlite).await; })+
        }
    };
}

on_both_databases!(every_method_answers_every_caller_as_the_table_says);

/// The methods of the served services, from the contracts' descriptor set.
fn served_methods() -> BTreeSet<(String, String)> {
    let set = prost_types::FileDescriptorSet::decode(miroir_proto::FILE_DESCRIPTOR_SET).expect("descriptor set");
    let mut methods = BTreeSet::new();
    for file in &set.file {
        for service in &file.service {
            let full = format!("{}.{}", file.package(), service.name());
            if SERVED.contains(&full.as_str()) {
                methods.extend(service.method.iter().map(|m| (full.clone(), m.name().to_owned())));
            }
        }
    }
    methods
}

#[test]
fn the_table_covers_every_method_of_every_served_service() {
    let methods = served_methods();
    for service in SERVED {
        assert!(methods.iter().any(|(s, _)| s == service), "{service} is not in the descriptor set");
    }
    let rows: BTreeSet<(String, String)> =
        table().iter().map(|r| (r.service.to_owned(), r.method.to_owned())).collect();
    let missing: Vec<_> = methods.difference(&rows).map(|(s, m)| format!("{s}/{m}")).collect();
    assert!(missing.is_empty(), "methods without a row in the authorization table: {missing:?}");
    let stale: Vec<_> = rows.difference(&methods).map(|(s, m)| format!("{s}/{m}")).collect();
    assert!(stale.is_empty(), "rows for methods that do not exist: {stale:?}");
}

fn caller(callers: &[Caller], kind: Kind) -> &Caller {
    callers.iter().find(|c| c.kind == kind).expect("caller of this kind")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_signed_in_account_deletes_itself_and_only_itself() {
    let (world, callers) = start(Backend::Sqlite).await;
    let email = "a.effacer@example.fr";
    world.identity.sign_up(email, PASSWORD, "À effacer", A, "").await.expect("sign up");
    let token = world.identity.login(email, PASSWORD, "").await.expect("login").access_token;
    let token = Some(format!("Bearer {token}"));
    let delete = || id::DeleteMyAccountRequest { password: PASSWORD.into() };

    // A client of the account's commune, even knowing the password, deletes nothing: it is nobody's account.
    let client = caller(&callers, Kind::Client { side: Side::A, write: true });
    let refused = world
        .identity_client()
        .delete_my_account(with_auth(delete(), &client.authorization))
        .await
        .expect_err("client");
    assert_eq!(refused.code(), Code::Unauthenticated);

    world.identity_client().delete_my_account(with_auth(delete(), &token)).await.expect("delete");
    let gone = world.identity_client().get_my_account(with_auth(id::GetMyAccountRequest {}, &token)).await;
    assert_eq!(gone.expect_err("deleted").code(), Code::NotFound);
    for other in callers.iter().filter(|c| matches!(c.kind, Kind::NoRole | Kind::Holds(..) | Kind::Operator)) {
        let request = with_auth(id::GetMyAccountRequest {}, &other.authorization);
        world.identity_client().get_my_account(request).await.expect("every other account is still there");
    }
}

/// An administrator of A looks an account up by e-mail before granting it a role in A; the answer
/// should not tell them which roles the account holds in other communes.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_administrator_looking_up_an_account_sees_only_their_communes_grants() {
    let (world, callers) = start(Backend::Sqlite).await;
    let admin_a = caller(&callers, Kind::Holds(Role::CommuneAdmin, Side::A));
    let request = id::LookupAccountRequest { commune: A.into(), email: format!("agent.{B}@example.fr") };
    let found = world.identity_client().lookup_account(with_auth(request, &admin_a.authorization)).await;
    let found = found.expect("lookup").into_inner();
    let foreign: Vec<_> = found.grants.iter().filter(|g| g.commune != A).collect();
    assert!(foreign.is_empty(), "an administrator of {A} reads the account's grants elsewhere: {foreign:?}");
}

/// SignUp is public and idempotent on a client-chosen `request_id`; replaying someone else's key with
/// another e-mail must not hand back their account.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sign_up_under_someone_elses_request_id_reveals_nothing() {
    let (world, _) = start(Backend::Sqlite).await;
    let sign_up = |email: &str| id::SignUpRequest {
        email: email.into(),
        password: PASSWORD.into(),
        display_name: "Habitante".into(),
        commune: A.into(),
        request_id: "formulaire-inscription-1".into(),
    };
    let first = world.identity_client().sign_up(sign_up("premiere@example.fr")).await.expect("first sign-up");
    let first = first.into_inner().account.expect("account");
    if let Ok(replay) = world.identity_client().sign_up(sign_up("curieux@example.fr")).await {
        let replay = replay.into_inner().account.unwrap_or_default();
        assert!(
            replay.account_id != first.account_id && replay.email != first.email,
            "the replay answered with the first account: {replay:?}"
        );
    }
}
