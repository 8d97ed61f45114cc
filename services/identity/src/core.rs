//! The identity application service: each use case checks who asks, runs the
//! deciders against the log, and answers from the read models. Used by the
//! gRPC API and by `miroir admin` (which acts as the operator on the database).

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use miroir_auth::role::Grant;
use miroir_auth::{Claims, ClientClaims, Principal, Role};
use miroir_eventstore::decider::{Decider, EventCodec, ExecuteError, Target, execute};
use miroir_eventstore::event::now_us;
use miroir_eventstore::{AppendError, EventStore, Metadata};
use miroir_insee::InseeCode;
use miroir_platform::storage::Database;
use miroir_proto::identity::v1 as pb;
use prost::Message;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::crypto::{self, CryptoError};
use crate::domain::email::Email;
use crate::domain::{DomainError, account, client, commune, password, text};
use crate::keys::{self, ACCESS_TTL_SECONDS, KeyError};
use crate::passwords::Passwords;
use crate::read_model::IdentityView;
use crate::sessions::{self, Purpose, Rotation, SessionError};

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
    /// Several fields at once, so a form can show every error in one go.
    #[error("{}", .0.iter().map(|(f, r)| format!("{f}: {r}")).collect::<Vec<_>>().join("; "))]
    InvalidFields(Vec<(String, String)>),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0} already exists")]
    AlreadyExists(&'static str),
    #[error("{0}")]
    WrongState(&'static str),
    #[error("{0}")]
    Unauthenticated(&'static str),
    #[error("{0}")]
    PermissionDenied(String),
    #[error("too many attempts; try again in {} minutes", .0.as_secs().div_ceil(60))]
    RateLimited(Duration),
    #[error("busy, retry")]
    Contention,
    #[error("internal: {0}")]
    Internal(String),
}

impl IdentityError {
    fn invalid(field: &str, reason: impl Into<String>) -> Self {
        IdentityError::Invalid { field: field.to_owned(), reason: reason.into() }
    }
}

impl From<DomainError> for IdentityError {
    fn from(error: DomainError) -> Self {
        match error {
            DomainError::Invalid { field, reason } => IdentityError::invalid(field, reason),
            DomainError::AlreadyExists(what) => IdentityError::AlreadyExists(what),
            DomainError::NotFound(what) => IdentityError::NotFound(what),
            DomainError::WrongState(why) => IdentityError::WrongState(why),
        }
    }
}

impl From<ExecuteError<DomainError>> for IdentityError {
    fn from(error: ExecuteError<DomainError>) -> Self {
        match error {
            ExecuteError::Domain(e) => e.into(),
            ExecuteError::Contention(_) => IdentityError::Contention,
            ExecuteError::KeyUsedElsewhere => {
                IdentityError::invalid("request_id", miroir_eventstore::KEY_USED_ELSEWHERE)
            }
            ExecuteError::Store(AppendError::Database(sqlx::Error::Database(db)))
                if db.is_unique_violation() && db.message().contains("email") =>
            {
                IdentityError::AlreadyExists("an account with this e-mail")
            }
            other => IdentityError::Internal(other.to_string()),
        }
    }
}

macro_rules! internal_from {
    ($($error:ty),+) => {
        $(impl From<$error> for IdentityError {
            fn from(error: $error) -> Self {
                IdentityError::Internal(error.to_string())
            }
        })+
    };
}
internal_from!(sqlx::Error, CryptoError, KeyError, SessionError);

pub type Result<T> = std::result::Result<T, IdentityError>;

#[derive(Debug, Clone)]
pub struct IdentityConfig {
    /// Write e-mail verification and password-reset links to the log. Only
    /// the embedded mode does, until the notifications service sends them.
    pub log_links: bool,
    /// Where the site lives, for the links (`http://127.0.0.1:8080`).
    pub public_url: String,
}

#[derive(Clone)]
pub struct Identity {
    store: EventStore,
    config: IdentityConfig,
    passwords: Passwords,
}

/// The operator acting from the command line (`miroir admin`).
pub fn operator_cli() -> Principal {
    Principal::Account { id: "operator-cli".into(), grants: vec![Grant { commune: "*".into(), role: Role::Operator }] }
}

const ADMINS: &[Role] = &[Role::CommuneAdmin];
const MAX_PAGE: i32 = 100;

fn page_size(requested: i32) -> Result<i64> {
    match requested {
        0 => Ok(20),
        n if (1..=MAX_PAGE).contains(&n) => Ok(i64::from(n)),
        _ => Err(IdentityError::invalid("page_size", "must be between 1 and 100")),
    }
}

fn parse_insee(field: &str, raw: &str) -> Result<InseeCode> {
    let raw = raw.strip_prefix("communes/").unwrap_or(raw);
    InseeCode::parse(raw).map_err(|reason| IdentityError::invalid(field, reason))
}

fn parse_uuid(field: &str, raw: &str) -> Result<String> {
    uuid::Uuid::parse_str(raw).map(|u| u.to_string()).map_err(|_| IdentityError::invalid(field, "must be a UUID"))
}

fn metadata(by: &Principal, request_id: Option<&str>) -> Metadata {
    Metadata::for_command(by.actor().unwrap_or_default(), request_id)
}

fn request_id(raw: &str) -> Result<Option<String>> {
    miroir_eventstore::decider::parse_request_id(raw).map_err(|reason| IdentityError::invalid("request_id", reason))
}

fn cursor_encode(value: &str) -> String {
    URL_SAFE_NO_PAD.encode(value)
}

fn cursor_decode(token: &str) -> Result<Option<String>> {
    if token.is_empty() {
        return Ok(None);
    }
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .map(Some)
        .ok_or_else(|| IdentityError::invalid("page_token", "is not a token this API gave"))
}

fn commune_message(row: &AnyRow) -> std::result::Result<pb::Commune, sqlx::Error> {
    let insee: String = row.try_get("insee")?;
    Ok(pb::Commune {
        name: format!("communes/{insee}"),
        insee,
        display_name: row.try_get("display_name")?,
        department: row.try_get("department")?,
        collective_name: row.try_get("collective_name")?,
        response_commitment_days: u32::try_from(row.try_get::<i64, _>("response_commitment_days")?).unwrap_or(0),
        suspended: row.try_get::<i64, _>("suspended")? == 1,
        suspension_reason: row.try_get("suspension_reason")?,
    })
}

fn client_message(row: &AnyRow) -> std::result::Result<pb::IntegrationClient, sqlx::Error> {
    let client_id: String = row.try_get("client_id")?;
    let commune: String = row.try_get("commune")?;
    Ok(pb::IntegrationClient {
        name: format!("communes/{commune}/clients/{client_id}"),
        client_id,
        commune,
        display_name: row.try_get("display_name")?,
        scopes: row.try_get::<String, _>("scopes")?.split_whitespace().map(str::to_owned).collect(),
        revoked: row.try_get::<i64, _>("revoked")? == 1,
        created_at_us: row.try_get("created_at_us")?,
    })
}

/// An account as the read model holds it.
struct AccountRow {
    account_id: String,
    email: Option<String>,
    display_name: String,
    password_hash: String,
    email_verified: bool,
    deleted: bool,
    created_at_us: i64,
}

const ACCOUNT_COLUMNS: &str = "account_id, email, display_name, password_hash, email_verified, deleted, created_at_us";

fn account_row(row: &AnyRow) -> std::result::Result<AccountRow, sqlx::Error> {
    Ok(AccountRow {
        account_id: row.try_get("account_id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        password_hash: row.try_get("password_hash")?,
        email_verified: row.try_get::<i64, _>("email_verified")? == 1,
        deleted: row.try_get::<i64, _>("deleted")? == 1,
        created_at_us: row.try_get("created_at_us")?,
    })
}

impl Identity {
    /// Opens the service on its log (migrated) and makes sure a signing key exists.
    pub async fn open(store: EventStore, config: IdentityConfig) -> Result<Self> {
        keys::ensure(store.database(), now_us()).await?;
        Ok(Self { store, config, passwords: Passwords::default() })
    }

    fn db(&self) -> &Database {
        self.store.database()
    }

    /// The service's log, for other components of the same process to follow.
    pub fn store(&self) -> &EventStore {
        &self.store
    }

    async fn run<D>(
        &self,
        by: &Principal,
        target: Target,
        view: IdentityView,
        command: impl Fn() -> D::Command,
    ) -> Result<u64>
    where
        D: Decider<Error = DomainError>,
        D::Event: EventCodec,
    {
        let meta = metadata(by, target.request_id.as_deref());
        let executed = execute::<D, _>(&self.store, &target, meta, &view, command).await?;
        Ok(executed.receipt.last_position)
    }

    fn require_operator(by: &Principal) -> Result<()> {
        match by {
            Principal::Anonymous => Err(IdentityError::Unauthenticated("this action needs a signed-in account")),
            _ if by.is_operator() => Ok(()),
            _ => Err(IdentityError::PermissionDenied("this action is for the national operator".into())),
        }
    }

    fn require_admin(by: &Principal, commune: &str) -> Result<()> {
        match by {
            Principal::Anonymous => Err(IdentityError::Unauthenticated("this action needs a signed-in account")),
            _ if by.has_any(commune, ADMINS) => Ok(()),
            _ => Err(IdentityError::PermissionDenied(format!(
                "this action is for the administrators of commune {commune}"
            ))),
        }
    }

    fn require_account(by: &Principal) -> Result<String> {
        by.account_id()
            .map(str::to_owned)
            .ok_or(IdentityError::Unauthenticated("this action needs a signed-in account"))
    }

    // ------------------------------------------------------------ communes

    #[allow(clippy::too_many_arguments)]
    pub async fn register_commune(
        &self,
        by: &Principal,
        insee: &str,
        display_name: &str,
        department: &str,
        collective_name: &str,
        response_commitment_days: u32,
        request: &str,
    ) -> Result<pb::Commune> {
        Self::require_operator(by)?;
        let insee = parse_insee("insee", insee)?;
        let target = Target {
            commune: insee.to_string(),
            aggregate_type: "commune",
            aggregate_id: insee.to_string(),
            request_id: request_id(request)?,
        };
        self.run::<commune::CommuneDecider>(by, target, IdentityView::default(), || commune::Command::Register {
            insee: insee.to_string(),
            name: display_name.to_owned(),
            department: department.to_owned(),
            collective_name: collective_name.to_owned(),
            commitment_days: response_commitment_days,
        })
        .await?;
        self.get_commune(insee.as_str()).await
    }

    pub async fn suspend_commune(&self, by: &Principal, name: &str, reason: &str) -> Result<pb::Commune> {
        self.change_commune(by, name, commune::Command::Suspend { reason: reason.to_owned() }).await
    }

    pub async fn reactivate_commune(&self, by: &Principal, name: &str) -> Result<pb::Commune> {
        self.change_commune(by, name, commune::Command::Reactivate).await
    }

    async fn change_commune(&self, by: &Principal, name: &str, command: commune::Command) -> Result<pb::Commune> {
        Self::require_operator(by)?;
        let insee = parse_insee("name", name)?;
        let target = Target {
            commune: insee.to_string(),
            aggregate_type: "commune",
            aggregate_id: insee.to_string(),
            request_id: None,
        };
        self.run::<commune::CommuneDecider>(by, target, IdentityView::default(), || command.clone()).await?;
        self.get_commune(insee.as_str()).await
    }

    pub async fn get_commune(&self, name: &str) -> Result<pb::Commune> {
        let insee = parse_insee("name", name)?;
        let row = sqlx::query("SELECT * FROM communes_view WHERE insee = $1")
            .bind(insee.as_str())
            .fetch_optional(self.db().pool())
            .await?
            .ok_or(IdentityError::NotFound("commune"))?;
        Ok(commune_message(&row)?)
    }

    pub async fn list_communes(&self, query: &str, size: i32, token: &str) -> Result<(Vec<pb::Commune>, String)> {
        let limit = page_size(size)?;
        let after = cursor_decode(token)?.unwrap_or_default();
        let query = query.trim().to_lowercase();
        if query.chars().count() > 100 {
            return Err(IdentityError::invalid("query", "must be at most 100 characters"));
        }
        // LIKE patterns: the user's text is matched literally.
        let escaped: String =
            query.chars().flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] }).collect();
        let rows = sqlx::query(
            "SELECT * FROM communes_view WHERE insee > $1 \
             AND (search_name LIKE $2 ESCAPE '\\' OR insee LIKE $3 ESCAPE '\\') ORDER BY insee LIMIT $4",
        )
        .bind(&after)
        .bind(format!("%{escaped}%"))
        .bind(format!("{escaped}%"))
        .bind(limit + 1)
        .fetch_all(self.db().pool())
        .await?;
        let mut communes = rows.iter().map(commune_message).collect::<std::result::Result<Vec<_>, _>>()?;
        let next = if communes.len() as i64 > limit {
            communes.truncate(limit as usize);
            communes.last().map(|c| cursor_encode(&c.insee)).unwrap_or_default()
        } else {
            String::new()
        };
        Ok((communes, next))
    }

    async fn active_commune(&self, insee: &InseeCode, field: &str) -> Result<()> {
        match self.get_commune(insee.as_str()).await {
            Ok(commune) if commune.suspended => Err(IdentityError::WrongState("this commune is suspended")),
            Ok(_) => Ok(()),
            Err(IdentityError::NotFound(_)) => {
                Err(IdentityError::invalid(field, "no commune with this INSEE code is on Miroir"))
            }
            Err(other) => Err(other),
        }
    }

    // ------------------------------------------------------------ accounts

    async fn account_by_id(&self, account_id: &str) -> Result<Option<AccountRow>> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts_view WHERE account_id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(account_id).fetch_optional(self.db().pool()).await?;
        Ok(row.as_ref().map(account_row).transpose()?)
    }

    async fn account_by_email(&self, email: &Email) -> Result<Option<AccountRow>> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts_view WHERE email = $1 AND deleted = 0");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(email.as_str()).fetch_optional(self.db().pool()).await?;
        Ok(row.as_ref().map(account_row).transpose()?)
    }

    async fn grants(&self, account_id: &str) -> Result<Vec<pb::Grant>> {
        let rows = sqlx::query(
            "SELECT commune, role, department FROM grants_view WHERE account_id = $1 ORDER BY commune, role",
        )
        .bind(account_id)
        .fetch_all(self.db().pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(pb::Grant {
                    account_id: account_id.to_owned(),
                    commune: r.try_get(0)?,
                    role: r.try_get(1)?,
                    department: r.try_get(2)?,
                })
            })
            .collect::<std::result::Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// The account as an API message; `only_commune` limits the grants shown
    /// to one commune (what an administrator of that commune may see).
    async fn account_message(
        &self,
        row: AccountRow,
        with_email: bool,
        only_commune: Option<&str>,
    ) -> Result<pb::Account> {
        let mut grants = self.grants(&row.account_id).await?;
        if let Some(commune) = only_commune {
            grants.retain(|g| g.commune == commune);
        }
        Ok(pb::Account {
            name: format!("accounts/{}", row.account_id),
            email: if with_email { row.email.unwrap_or_default() } else { String::new() },
            display_name: row.display_name,
            email_verified: row.email_verified,
            grants,
            created_at_us: row.created_at_us,
            account_id: row.account_id,
        })
    }

    pub async fn sign_up(
        &self,
        email: &str,
        password: &str,
        display_name: &str,
        commune: &str,
        request: &str,
    ) -> Result<pb::Account> {
        // Every field is checked before answering, so the person fixes them all at once.
        let mut invalid = Vec::new();
        let parsed_email =
            Email::parse(email).map_err(|reason| invalid.push(("email".to_owned(), reason.to_owned()))).ok();
        let normalized = parsed_email.as_ref().map(|e| e.as_str().to_owned()).unwrap_or_default();
        if let Err(reason) = password::check(password, &normalized) {
            invalid.push(("password".to_owned(), reason));
        }
        let display_name = match text("display_name", display_name, 2..=60) {
            Ok(name) => name,
            Err(DomainError::Invalid { field, reason }) => {
                invalid.push((field.to_owned(), reason));
                String::new()
            }
            Err(other) => return Err(other.into()),
        };
        let email = match (parsed_email, invalid.len()) {
            (Some(email), 0) => email,
            _ if invalid.len() == 1 => {
                let (field, reason) = invalid.remove(0);
                return Err(IdentityError::Invalid { field, reason });
            }
            _ => return Err(IdentityError::InvalidFields(invalid)),
        };
        let resident_of = match commune {
            "" => None,
            raw => {
                let insee = parse_insee("commune", raw)?;
                self.active_commune(&insee, "commune").await?;
                Some(insee.to_string())
            }
        };
        let request_id = request_id(request)?;
        let account_id = uuid::Uuid::now_v7().to_string();
        let hash = self.passwords.hash(password.to_owned()).await?;
        let key = crypto::random_bytes::<32>()?.to_vec();
        let personal = pb::PersonalData { email: email.as_str().to_owned(), display_name, password_hash: hash };
        let sealed = crypto::seal(&key, &personal.encode_to_vec())?;
        let target = Target {
            // Accounts belong to no commune: idempotency keys of sign-ups are platform-wide.
            commune: String::new(),
            aggregate_type: "account",
            aggregate_id: account_id.clone(),
            request_id: request_id.clone(),
        };
        let view = IdentityView { new_key: Some((account_id.clone(), key)) };
        let by = Principal::Account { id: account_id.clone(), grants: vec![] };
        let meta = metadata(&by, request_id.as_deref());
        let executed =
            execute::<account::AccountDecider, _>(&self.store, &target, meta, &view, || account::Command::Register {
                account_id: account_id.clone(),
                personal: sealed.clone(),
                resident_of: resident_of.clone(),
            })
            .await?;
        let account_id = executed.receipt.aggregate_id;
        if executed.receipt.duplicate {
            // A replayed request id answers with the first account only to whoever
            // knows its e-mail and password: request ids are client-chosen.
            let row = self.account_by_id(&account_id).await?.filter(|r| !r.deleted);
            let same = match row {
                Some(row) if row.email.as_deref() == Some(email.as_str()) => {
                    self.passwords.verify(password.to_owned(), row.password_hash).await
                }
                _ => false,
            };
            if !same {
                return Err(IdentityError::AlreadyExists("a sign-up with this request_id"));
            }
        } else {
            let token = sessions::issue_link_token(self.db(), &account_id, Purpose::VerifyEmail, now_us()).await?;
            self.deliver_link("verify your e-mail", &format!("/compte/verifier?token={token}"));
        }
        let row = self.account_by_id(&account_id).await?.ok_or(IdentityError::NotFound("account"))?;
        self.account_message(row, true, None).await
    }

    /// Until the notifications service sends e-mails, links go to the log in the embedded mode only.
    fn deliver_link(&self, what: &str, path: &str) {
        if self.config.log_links {
            tracing::info!(link = %format!("{}{path}", self.config.public_url), "{what} (embedded mode: link written to the log instead of e-mailed)");
        }
    }

    pub async fn verify_email(&self, token: &str) -> Result<pb::Account> {
        let account_id = sessions::consume_link_token(self.db(), token, Purpose::VerifyEmail, now_us())
            .await?
            .ok_or(IdentityError::invalid("token", "this link is invalid, expired or already used"))?;
        let by = Principal::Account { id: account_id.clone(), grants: vec![] };
        let target = Target {
            commune: String::new(),
            aggregate_type: "account",
            aggregate_id: account_id.clone(),
            request_id: None,
        };
        self.run::<account::AccountDecider>(&by, target, IdentityView::default(), || account::Command::VerifyEmail)
            .await?;
        let row = self.account_by_id(&account_id).await?.ok_or(IdentityError::NotFound("account"))?;
        self.account_message(row, true, None).await
    }

    async fn access_token(&self, account_id: &str) -> Result<(String, i64)> {
        let now = now_us();
        let grants = self
            .grants(account_id)
            .await?
            .into_iter()
            .filter_map(|g| Role::parse(&g.role).map(|role| Grant { commune: g.commune, role }))
            .collect();
        let iat = now / 1_000_000;
        let claims = Claims { sub: account_id.to_owned(), iat, exp: iat + ACCESS_TTL_SECONDS, grants, client: None };
        Ok((keys::signer(self.db(), now).await?.sign(&claims), ACCESS_TTL_SECONDS))
    }

    async fn session(&self, account_id: &str, refresh_token: String) -> Result<pb::Session> {
        let (access_token, expires_in) = self.access_token(account_id).await?;
        Ok(pb::Session {
            access_token,
            expires_in,
            refresh_token,
            token_type: "Bearer".into(),
            account_id: account_id.to_owned(),
        })
    }

    const WRONG_CREDENTIALS: &'static str = "wrong e-mail or password";

    pub async fn login(&self, email: &str, password: &str, address: &str) -> Result<pb::Session> {
        let now = now_us();
        let normalized = email.trim().to_lowercase();
        let limits = sessions::limit_keys(&normalized, address);
        if let Some(wait) = sessions::blocked_for(self.db(), &limits, now).await? {
            return Err(IdentityError::RateLimited(wait));
        }
        let account = match Email::parse(&normalized) {
            Ok(email) => self.account_by_email(&email).await?,
            Err(_) => None,
        };
        let hash = account.as_ref().map(|a| a.password_hash.clone()).unwrap_or_default();
        // Always hash, so an unknown e-mail answers as slowly as a wrong password.
        let matches = self.passwords.verify(password.to_owned(), hash).await;
        match account {
            Some(account) if matches => {
                let refresh = sessions::start_family(self.db(), &account.account_id, now).await?;
                self.session(&account.account_id, refresh).await
            }
            _ => {
                sessions::record_failure(self.db(), &limits, now).await?;
                Err(IdentityError::Unauthenticated(Self::WRONG_CREDENTIALS))
            }
        }
    }

    pub async fn refresh(&self, refresh_token: &str) -> Result<pb::Session> {
        match sessions::rotate(self.db(), refresh_token, now_us()).await? {
            Rotation::Rotated { account_id, token } => match self.account_by_id(&account_id).await? {
                Some(account) if !account.deleted => self.session(&account_id, token).await,
                _ => Err(IdentityError::Unauthenticated("this session has ended; sign in again")),
            },
            Rotation::Reused => Err(IdentityError::Unauthenticated(
                "this refresh token was already used; for safety the session has been ended: sign in again",
            )),
            Rotation::Invalid => Err(IdentityError::Unauthenticated("this session has ended; sign in again")),
        }
    }

    pub async fn logout(&self, refresh_token: &str) -> Result<()> {
        sessions::revoke_family_of(self.db(), refresh_token).await?;
        Ok(())
    }

    pub async fn request_password_reset(&self, email: &str) -> Result<()> {
        if let Ok(email) = Email::parse(email)
            && let Some(account) = self.account_by_email(&email).await?
        {
            let token =
                sessions::issue_link_token(self.db(), &account.account_id, Purpose::ResetPassword, now_us()).await?;
            self.deliver_link("reset your password", &format!("/compte/mot-de-passe?token={token}"));
        }
        Ok(())
    }

    pub async fn reset_password(&self, token: &str, new_password: &str) -> Result<()> {
        // Check the password before using up the link, so a weak one can be corrected.
        password::check(new_password, "").map_err(|reason| IdentityError::invalid("new_password", reason))?;
        let account_id = sessions::consume_link_token(self.db(), token, Purpose::ResetPassword, now_us())
            .await?
            .ok_or(IdentityError::invalid("token", "this link is invalid, expired or already used"))?;
        self.set_password(&account_id, new_password).await?;
        sessions::revoke_all(self.db(), &account_id).await?;
        Ok(())
    }

    async fn account_key(&self, account_id: &str) -> Result<Vec<u8>> {
        let row = sqlx::query("SELECT data_key FROM account_keys WHERE account_id = $1")
            .bind(account_id)
            .fetch_optional(self.db().pool())
            .await?
            .ok_or(IdentityError::NotFound("account"))?;
        Ok(row.try_get(0)?)
    }

    async fn set_password(&self, account_id: &str, password: &str) -> Result<()> {
        let hash = self.passwords.hash(password.to_owned()).await?;
        let sealed = crypto::seal(&self.account_key(account_id).await?, hash.as_bytes())?;
        let by = Principal::Account { id: account_id.to_owned(), grants: vec![] };
        let target = Target {
            commune: String::new(),
            aggregate_type: "account",
            aggregate_id: account_id.to_owned(),
            request_id: None,
        };
        self.run::<account::AccountDecider>(&by, target, IdentityView::default(), || {
            account::Command::ChangePassword { sealed_hash: sealed.clone() }
        })
        .await?;
        Ok(())
    }

    pub async fn my_account(&self, by: &Principal) -> Result<pb::Account> {
        let account_id = Self::require_account(by)?;
        match self.account_by_id(&account_id).await? {
            Some(row) if !row.deleted => self.account_message(row, true, None).await,
            _ => Err(IdentityError::NotFound("account")),
        }
    }

    pub async fn update_display_name(&self, by: &Principal, display_name: &str) -> Result<pb::Account> {
        let account_id = Self::require_account(by)?;
        let display_name = text("display_name", display_name, 2..=60)?;
        let sealed = crypto::seal(&self.account_key(&account_id).await?, display_name.as_bytes())?;
        let target =
            Target { commune: String::new(), aggregate_type: "account", aggregate_id: account_id, request_id: None };
        self.run::<account::AccountDecider>(by, target, IdentityView::default(), || {
            account::Command::ChangeDisplayName { sealed_name: sealed.clone() }
        })
        .await?;
        self.my_account(by).await
    }

    /// Everything identity holds about the account, as JSON (GDPR access and portability).
    pub async fn export(&self, by: &Principal) -> Result<String> {
        let account = self.my_account(by).await?;
        let changes = sqlx::query(
            "SELECT commune, role, department, change, changed_by, reason, at_us FROM role_changes \
             WHERE account_id = $1 ORDER BY position",
        )
        .bind(&account.account_id)
        .fetch_all(self.db().pool())
        .await?;
        let changes: Vec<serde_json::Value> = changes
            .iter()
            .map(|r| {
                Ok(serde_json::json!({
                    "commune": r.try_get::<String, _>(0)?, "role": r.try_get::<String, _>(1)?,
                    "department": r.try_get::<String, _>(2)?, "change": r.try_get::<String, _>(3)?,
                    "by": r.try_get::<String, _>(4)?, "reason": r.try_get::<String, _>(5)?,
                    "at_us": r.try_get::<i64, _>(6)?,
                }))
            })
            .collect::<std::result::Result<_, sqlx::Error>>()?;
        let sessions: i64 =
            sqlx::query("SELECT COUNT(*) FROM refresh_tokens WHERE account_id = $1 AND revoked = 0 AND used = 0")
                .bind(&account.account_id)
                .fetch_one(self.db().pool())
                .await?
                .try_get(0)?;
        let document = serde_json::json!({
            "format": "miroir-identity-export/1",
            "account": {
                "account_id": account.account_id,
                "email": account.email,
                "display_name": account.display_name,
                "email_verified": account.email_verified,
                "created_at_us": account.created_at_us,
            },
            "roles": account.grants.iter().map(|g| serde_json::json!({
                "commune": g.commune, "role": g.role, "department": g.department,
            })).collect::<Vec<_>>(),
            "role_history": changes,
            "open_sessions": sessions,
        });
        serde_json::to_string_pretty(&document).map_err(|e| IdentityError::Internal(e.to_string()))
    }

    /// Erases the account: its key is deleted with the `AccountDeleted` event.
    pub async fn delete_account(&self, by: &Principal, password: &str) -> Result<()> {
        let account_id = Self::require_account(by)?;
        let row =
            self.account_by_id(&account_id).await?.filter(|r| !r.deleted).ok_or(IdentityError::NotFound("account"))?;
        if !self.passwords.verify(password.to_owned(), row.password_hash).await {
            return Err(IdentityError::invalid("password", "is not this account's password"));
        }
        let target = Target {
            commune: String::new(),
            aggregate_type: "account",
            aggregate_id: account_id.clone(),
            request_id: None,
        };
        self.run::<account::AccountDecider>(by, target, IdentityView::default(), || account::Command::Delete).await?;
        tracing::info!(account_id, "account deleted and its personal data erased");
        Ok(())
    }

    // ------------------------------------------------------------ roles

    #[allow(clippy::too_many_arguments)]
    pub async fn grant_role(
        &self,
        by: &Principal,
        account_id: &str,
        commune: &str,
        role: &str,
        department: &str,
        reason: &str,
        request: &str,
    ) -> Result<pb::Grant> {
        let (account_id, commune, role) = self.role_target(by, account_id, commune, role).await?;
        let target = Target {
            commune: commune.clone(),
            aggregate_type: "account",
            aggregate_id: account_id.clone(),
            request_id: request_id(request)?,
        };
        let granted_by = by.actor().unwrap_or_default();
        self.run::<account::AccountDecider>(by, target, IdentityView::default(), || account::Command::Grant {
            commune: commune.clone(),
            role,
            department: department.to_owned(),
            by: granted_by.clone(),
            reason: reason.to_owned(),
        })
        .await?;
        Ok(pb::Grant { account_id, commune, role: role.as_str().into(), department: department.trim().to_owned() })
    }

    pub async fn revoke_role(
        &self,
        by: &Principal,
        account_id: &str,
        commune: &str,
        role: &str,
        reason: &str,
    ) -> Result<()> {
        let (account_id, commune, role) = self.role_target(by, account_id, commune, role).await?;
        let target =
            Target { commune: commune.clone(), aggregate_type: "account", aggregate_id: account_id, request_id: None };
        let revoked_by = by.actor().unwrap_or_default();
        self.run::<account::AccountDecider>(by, target, IdentityView::default(), || account::Command::Revoke {
            commune: commune.clone(),
            role,
            by: revoked_by.clone(),
            reason: reason.to_owned(),
        })
        .await?;
        Ok(())
    }

    /// Validates a grant or revocation and who asks for it: a commune
    /// administrator for their commune, the operator anywhere; only the
    /// operator hands out the operator role.
    async fn role_target(
        &self,
        by: &Principal,
        account_id: &str,
        commune: &str,
        role: &str,
    ) -> Result<(String, String, Role)> {
        let role = Role::parse(role).ok_or_else(|| {
            IdentityError::invalid("role", "must be one of resident, collective_member, collective_moderator, agent, elected_official, commune_admin, operator")
        })?;
        let account_id = parse_uuid("account_id", account_id)?;
        let commune = if role == Role::Operator {
            Self::require_operator(by)?;
            "*".to_owned()
        } else {
            let insee = parse_insee("commune", commune)?;
            Self::require_admin(by, insee.as_str())?;
            self.get_commune(insee.as_str()).await?;
            insee.to_string()
        };
        Ok((account_id, commune, role))
    }

    pub async fn role_changes(
        &self,
        by: &Principal,
        commune: &str,
        size: i32,
        token: &str,
    ) -> Result<(Vec<pb::RoleChange>, String)> {
        let insee = parse_insee("commune", commune)?;
        Self::require_admin(by, insee.as_str())?;
        let limit = page_size(size)?;
        let before = match cursor_decode(token)? {
            Some(raw) => {
                raw.parse::<i64>().map_err(|_| IdentityError::invalid("page_token", "is not a token this API gave"))?
            }
            None => i64::MAX,
        };
        let rows = sqlx::query(
            "SELECT c.position, c.account_id, a.display_name, a.deleted, c.role, c.department, c.change, c.changed_by, \
             c.reason, c.at_us FROM role_changes c LEFT JOIN accounts_view a ON a.account_id = c.account_id \
             WHERE c.commune = $1 AND c.position < $2 ORDER BY c.position DESC LIMIT $3",
        )
        .bind(insee.as_str())
        .bind(before)
        .bind(limit + 1)
        .fetch_all(self.db().pool())
        .await?;
        let mut changes = Vec::new();
        let mut last_position = 0_i64;
        for row in rows.iter().take(limit as usize) {
            last_position = row.try_get(0)?;
            let deleted = row.try_get::<Option<i64>, _>(3)?.unwrap_or(0) == 1;
            changes.push(pb::RoleChange {
                account_id: row.try_get(1)?,
                display_name: if deleted {
                    "(deleted account)".into()
                } else {
                    row.try_get::<Option<String>, _>(2)?.unwrap_or_default()
                },
                role: row.try_get(4)?,
                department: row.try_get(5)?,
                change: row.try_get(6)?,
                by: row.try_get(7)?,
                reason: row.try_get(8)?,
                at_us: row.try_get(9)?,
            });
        }
        let next = if rows.len() as i64 > limit { cursor_encode(&last_position.to_string()) } else { String::new() };
        Ok((changes, next))
    }

    pub async fn lookup_account(&self, by: &Principal, commune: &str, email: &str) -> Result<pb::Account> {
        let insee = parse_insee("commune", commune)?;
        Self::require_admin(by, insee.as_str())?;
        let email = Email::parse(email).map_err(|reason| IdentityError::invalid("email", reason))?;
        let row = self.account_by_email(&email).await?.ok_or(IdentityError::NotFound("account"))?;
        // An administrator of one commune sees the account's roles there, not elsewhere.
        let only = if by.is_operator() { None } else { Some(insee.as_str()) };
        self.account_message(row, true, only).await
    }

    // ------------------------------------------------------------ integration clients

    pub async fn create_client(
        &self,
        by: &Principal,
        commune: &str,
        display_name: &str,
        scopes: &[String],
        request: &str,
    ) -> Result<(pb::IntegrationClient, String)> {
        let insee = parse_insee("commune", commune)?;
        Self::require_admin(by, insee.as_str())?;
        self.active_commune(&insee, "commune").await?;
        let client_id = uuid::Uuid::now_v7().to_string();
        let secret = crypto::random_token("mcs")?;
        let target = Target {
            commune: insee.to_string(),
            aggregate_type: "client",
            aggregate_id: client_id.clone(),
            request_id: request_id(request)?,
        };
        let created_by = by.actor().unwrap_or_default();
        let secret_hash = crypto::sha256_hex(&secret);
        let meta = metadata(by, target.request_id.as_deref());
        let executed =
            execute::<client::ClientDecider, _>(&self.store, &target, meta, &IdentityView::default(), || {
                client::Command::Create {
                    client_id: client_id.clone(),
                    commune: insee.to_string(),
                    name: display_name.to_owned(),
                    scopes: scopes.to_vec(),
                    secret_hash: secret_hash.clone(),
                    by: created_by.clone(),
                }
            })
            .await?;
        if executed.receipt.duplicate {
            // The secret was shown once, to the first request; a retry cannot show it again.
            return Err(IdentityError::AlreadyExists(
                "an integration client created by this request (its secret was shown once)",
            ));
        }
        Ok((self.client(&client_id).await?, secret))
    }

    async fn client(&self, client_id: &str) -> Result<pb::IntegrationClient> {
        let row = sqlx::query("SELECT * FROM clients_view WHERE client_id = $1")
            .bind(client_id)
            .fetch_optional(self.db().pool())
            .await?
            .ok_or(IdentityError::NotFound("integration client"))?;
        Ok(client_message(&row)?)
    }

    pub async fn revoke_client(&self, by: &Principal, name: &str, reason: &str) -> Result<pb::IntegrationClient> {
        let invalid = || IdentityError::invalid("name", "must be communes/{insee}/clients/{client_id}");
        let rest = name.strip_prefix("communes/").ok_or_else(invalid)?;
        let (code, id) = rest.split_once("/clients/").ok_or_else(invalid)?;
        let insee = parse_insee("name", code)?;
        let client_id = parse_uuid("name", id)?;
        Self::require_admin(by, insee.as_str())?;
        if self.client(&client_id).await?.commune != insee.as_str() {
            return Err(IdentityError::NotFound("integration client"));
        }
        let target = Target {
            commune: insee.to_string(),
            aggregate_type: "client",
            aggregate_id: client_id.clone(),
            request_id: None,
        };
        let revoked_by = by.actor().unwrap_or_default();
        self.run::<client::ClientDecider>(by, target, IdentityView::default(), || client::Command::Revoke {
            commune: insee.to_string(),
            by: revoked_by.clone(),
            reason: reason.to_owned(),
        })
        .await?;
        self.client(&client_id).await
    }

    pub async fn list_clients(&self, by: &Principal, commune: &str) -> Result<Vec<pb::IntegrationClient>> {
        let insee = parse_insee("commune", commune)?;
        Self::require_admin(by, insee.as_str())?;
        let rows = sqlx::query("SELECT * FROM clients_view WHERE commune = $1 ORDER BY created_at_us")
            .bind(insee.as_str())
            .fetch_all(self.db().pool())
            .await?;
        Ok(rows.iter().map(client_message).collect::<std::result::Result<_, _>>()?)
    }

    const BAD_CLIENT: &'static str = "unknown client or wrong secret";

    pub async fn issue_client_token(&self, client_id: &str, secret: &str) -> Result<pb::Session> {
        let Ok(client_id) = parse_uuid("client_id", client_id) else {
            return Err(IdentityError::Unauthenticated(Self::BAD_CLIENT));
        };
        let row = sqlx::query("SELECT * FROM clients_view WHERE client_id = $1")
            .bind(&client_id)
            .fetch_optional(self.db().pool())
            .await?;
        let Some(row) = row else { return Err(IdentityError::Unauthenticated(Self::BAD_CLIENT)) };
        let stored: String = row.try_get("secret_hash")?;
        let client = client_message(&row)?;
        if client.revoked || !crypto::constant_time_eq(&stored, &crypto::sha256_hex(secret)) {
            return Err(IdentityError::Unauthenticated(Self::BAD_CLIENT));
        }
        let commune = parse_insee("commune", &client.commune)?;
        self.active_commune(&commune, "commune").await?;
        let now = now_us();
        let iat = now / 1_000_000;
        let claims = Claims {
            sub: client.client_id.clone(),
            iat,
            exp: iat + ACCESS_TTL_SECONDS,
            grants: vec![],
            client: Some(ClientClaims { commune: client.commune.clone(), scopes: client.scopes.clone() }),
        };
        Ok(pb::Session {
            access_token: keys::signer(self.db(), now).await?.sign(&claims),
            expires_in: ACCESS_TTL_SECONDS,
            refresh_token: String::new(),
            token_type: "Bearer".into(),
            account_id: String::new(),
        })
    }

    // ------------------------------------------------------------ keys

    pub async fn jwks(&self) -> Result<String> {
        Ok(keys::jwks(self.db()).await?)
    }

    pub async fn rotate_signing_key(&self, by: &Principal, delay_seconds: i64) -> Result<(String, i64)> {
        Self::require_operator(by)?;
        if !(0..=7 * 24 * 3600).contains(&delay_seconds) {
            return Err(IdentityError::invalid("activation_delay_seconds", "must be between 0 and 604800"));
        }
        Ok(keys::rotate(self.db(), now_us(), delay_seconds).await?)
    }

    /// Communes, for `miroir admin list-communes` (operator).
    pub async fn all_communes(&self, by: &Principal) -> Result<Vec<pb::Commune>> {
        Self::require_operator(by)?;
        let rows = sqlx::query("SELECT * FROM communes_view ORDER BY insee").fetch_all(self.db().pool()).await?;
        Ok(rows.iter().map(commune_message).collect::<std::result::Result<_, _>>()?)
    }
}
