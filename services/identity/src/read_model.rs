//! The identity read models, written inline with the events: communes,
//! accounts (with the e-mail uniqueness index), grants, the public log of role
//! changes, integration clients.
//!
//! Sealed personal data is opened here with the account's key, so the
//! accounts view holds it in clear for login and lookups; `AccountDeleted`
//! deletes the key and blanks the row. A rebuild after a deletion finds no key
//! and can open nothing: the erasure survives replays.

use miroir_eventstore::{InlineProjection, RecordedEvent};
use miroir_proto::identity::v1 as pb;
use prost::Message;
use sqlx::{AnyConnection, Row};

use crate::crypto;

/// The inline projection. `new_key` carries the data key of an account being
/// registered in this very commit (it is stored in the same transaction).
#[derive(Default)]
pub struct IdentityView {
    pub new_key: Option<(String, Vec<u8>)>,
}

fn decode_error(e: prost::DecodeError) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

async fn account_key(conn: &mut AnyConnection, account_id: &str) -> Result<Option<Vec<u8>>, sqlx::Error> {
    let row = sqlx::query("SELECT data_key FROM account_keys WHERE account_id = $1")
        .bind(account_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| r.try_get::<Vec<u8>, _>(0)).transpose()
}

/// Opens sealed data with the account's key; `None` once the key is gone.
async fn open_sealed(
    conn: &mut AnyConnection,
    account_id: &str,
    sealed: Option<&pb::Sealed>,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    let (Some(key), Some(sealed)) = (account_key(conn, account_id).await?, sealed) else { return Ok(None) };
    Ok(crypto::open(&key, sealed).ok())
}

impl InlineProjection for IdentityView {
    async fn apply<'c>(&'c self, conn: &'c mut AnyConnection, event: &'c RecordedEvent) -> Result<(), sqlx::Error> {
        let id = event.aggregate_id.as_str();
        let at = event.metadata.occurred_at_us;
        if let Some(e) = event.decode::<pb::CommuneRegistered>() {
            let e = e.map_err(decode_error)?;
            sqlx::query(
                "INSERT INTO communes_view (insee, display_name, search_name, department, collective_name, \
                 response_commitment_days, suspended, suspension_reason, registered_at_us) \
                 VALUES ($1, $2, $3, $4, $5, $6, 0, '', $7)",
            )
            .bind(id)
            .bind(&e.name)
            .bind(e.name.to_lowercase())
            .bind(&e.department)
            .bind(&e.collective_name)
            .bind(i64::from(e.response_commitment_days))
            .bind(at)
            .execute(conn)
            .await?;
        } else if let Some(e) = event.decode::<pb::CommuneSuspended>() {
            let e = e.map_err(decode_error)?;
            sqlx::query("UPDATE communes_view SET suspended = 1, suspension_reason = $1 WHERE insee = $2")
                .bind(&e.reason)
                .bind(id)
                .execute(conn)
                .await?;
        } else if event.decode::<pb::CommuneReactivated>().is_some() {
            sqlx::query("UPDATE communes_view SET suspended = 0, suspension_reason = '' WHERE insee = $1")
                .bind(id)
                .execute(conn)
                .await?;
        } else if let Some(e) = event.decode::<pb::AccountRegistered>() {
            let e = e.map_err(decode_error)?;
            if let Some((account_id, key)) = &self.new_key
                && account_id == id
            {
                sqlx::query("INSERT INTO account_keys (account_id, data_key) VALUES ($1, $2)")
                    .bind(id)
                    .bind(key)
                    .execute(&mut *conn)
                    .await?;
            }
            let personal = open_sealed(conn, id, e.personal.as_ref())
                .await?
                .and_then(|clear| pb::PersonalData::decode(clear.as_slice()).ok());
            let (email, name, hash) = match personal {
                Some(p) => (Some(p.email), p.display_name, p.password_hash),
                None => (None, String::new(), String::new()),
            };
            sqlx::query(
                "INSERT INTO accounts_view (account_id, email, display_name, password_hash, email_verified, deleted, \
                 created_at_us) VALUES ($1, $2, $3, $4, 0, 0, $5)",
            )
            .bind(id)
            .bind(email)
            .bind(name)
            .bind(hash)
            .bind(at)
            .execute(conn)
            .await?;
        } else if event.decode::<pb::EmailVerified>().is_some() {
            sqlx::query("UPDATE accounts_view SET email_verified = 1 WHERE account_id = $1")
                .bind(id)
                .execute(conn)
                .await?;
        } else if let Some(e) = event.decode::<pb::PasswordChanged>() {
            let e = e.map_err(decode_error)?;
            let hash = open_sealed(conn, id, e.password_hash.as_ref()).await?.and_then(|b| String::from_utf8(b).ok());
            sqlx::query("UPDATE accounts_view SET password_hash = $1 WHERE account_id = $2")
                .bind(hash.unwrap_or_default())
                .bind(id)
                .execute(conn)
                .await?;
        } else if let Some(e) = event.decode::<pb::DisplayNameChanged>() {
            let e = e.map_err(decode_error)?;
            let name = open_sealed(conn, id, e.display_name.as_ref()).await?.and_then(|b| String::from_utf8(b).ok());
            sqlx::query("UPDATE accounts_view SET display_name = $1 WHERE account_id = $2")
                .bind(name.unwrap_or_default())
                .bind(id)
                .execute(conn)
                .await?;
        } else if let Some(e) = event.decode::<pb::RoleGranted>() {
            let e = e.map_err(decode_error)?;
            sqlx::query("INSERT INTO grants_view (account_id, commune, role, department) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(&e.commune)
                .bind(&e.role)
                .bind(&e.department)
                .execute(&mut *conn)
                .await?;
            role_change(conn, event, &e.commune, &e.role, &e.department, "granted", &e.granted_by, &e.reason).await?;
        } else if let Some(e) = event.decode::<pb::RoleRevoked>() {
            let e = e.map_err(decode_error)?;
            sqlx::query("DELETE FROM grants_view WHERE account_id = $1 AND commune = $2 AND role = $3")
                .bind(id)
                .bind(&e.commune)
                .bind(&e.role)
                .execute(&mut *conn)
                .await?;
            role_change(conn, event, &e.commune, &e.role, "", "revoked", &e.revoked_by, &e.reason).await?;
        } else if event.decode::<pb::AccountDeleted>().is_some() {
            for sql in [
                "DELETE FROM account_keys WHERE account_id = $1",
                "UPDATE accounts_view SET email = NULL, display_name = '', password_hash = '', deleted = 1 \
                 WHERE account_id = $1",
                "DELETE FROM grants_view WHERE account_id = $1",
                "UPDATE refresh_tokens SET revoked = 1 WHERE account_id = $1",
                "DELETE FROM one_time_tokens WHERE account_id = $1",
            ] {
                sqlx::query(sql).bind(id).execute(&mut *conn).await?;
            }
        } else if let Some(e) = event.decode::<pb::IntegrationClientCreated>() {
            let e = e.map_err(decode_error)?;
            sqlx::query(
                "INSERT INTO clients_view (client_id, commune, display_name, scopes, secret_hash, revoked, created_at_us) \
                 VALUES ($1, $2, $3, $4, $5, 0, $6)",
            )
            .bind(id)
            .bind(&e.commune)
            .bind(&e.name)
            .bind(e.scopes.join(" "))
            .bind(&e.secret_hash)
            .bind(at)
            .execute(conn)
            .await?;
        } else if event.decode::<pb::IntegrationClientRevoked>().is_some() {
            sqlx::query("UPDATE clients_view SET revoked = 1 WHERE client_id = $1").bind(id).execute(conn).await?;
        }
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
async fn role_change(
    conn: &mut AnyConnection,
    event: &RecordedEvent,
    commune: &str,
    role: &str,
    department: &str,
    change: &str,
    by: &str,
    reason: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO role_changes (position, commune, account_id, role, department, change, changed_by, reason, at_us) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(i64::try_from(event.position).unwrap_or(i64::MAX))
    .bind(commune)
    .bind(&event.aggregate_id)
    .bind(role)
    .bind(department)
    .bind(change)
    .bind(by)
    .bind(reason)
    .bind(event.metadata.occurred_at_us)
    .execute(conn)
    .await?;
    Ok(())
}
