//! From identity's log: the commune's staff (who hears about new reports,
//! questions, proposals to answer, content to moderate), its integration
//! clients (webhooks go to live ones only), and the erasure of a deleted
//! account. Nobody is told anything about identity's events themselves.
//! (Communes are followed by [`miroir_communes`] under its own consumer.)

use miroir_eventstore::RecordedEvent;
use miroir_eventstore::consumer::{Handler, HandlerError};
use miroir_proto::identity::v1 as pb;
use sqlx::AnyConnection;

use super::deliveries::account_recipient;

/// The roles that make someone hear about their commune's work; a resident's
/// or a collective member's grant changes nothing here.
pub const STAFF_ROLES: &[&str] = &["agent", "elected_official", "commune_admin", "collective_moderator"];

/// The consumer of identity's log.
pub struct FromIdentity;

/// The account an account event is about: identity leaves the field empty
/// after registration (the aggregate id says it).
fn account<'a>(field: &'a str, event: &'a RecordedEvent) -> &'a str {
    if field.is_empty() && event.aggregate_type == "account" { &event.aggregate_id } else { field }
}

impl Handler for FromIdentity {
    async fn handle<'c>(&'c self, conn: &'c mut AnyConnection, event: &'c RecordedEvent) -> Result<(), HandlerError> {
        if let Some(e) = event.decode::<pb::RoleGranted>() {
            let e = e?;
            let account_id = account(&e.account_id, event);
            if STAFF_ROLES.contains(&e.role.as_str()) && !account_id.is_empty() {
                sqlx::query(
                    "INSERT INTO staff (account_id, commune, role, department) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (account_id, commune, role) DO UPDATE SET department = excluded.department",
                )
                .bind(account_id)
                .bind(&e.commune)
                .bind(&e.role)
                .bind(e.department.trim())
                .execute(conn)
                .await?;
            }
        } else if let Some(e) = event.decode::<pb::RoleRevoked>() {
            let e = e?;
            sqlx::query("DELETE FROM staff WHERE account_id = $1 AND commune = $2 AND role = $3")
                .bind(account(&e.account_id, event))
                .bind(&e.commune)
                .bind(&e.role)
                .execute(conn)
                .await?;
        } else if let Some(e) = event.decode::<pb::IntegrationClientCreated>() {
            let e = e?;
            client(conn, &e.client_id, &e.commune, false).await?;
        } else if let Some(e) = event.decode::<pb::IntegrationClientRevoked>() {
            let e = e?;
            // Identity leaves the id out of the revocation: its aggregate id says it.
            let client_id = if e.client_id.is_empty() && event.aggregate_type == "client" {
                &event.aggregate_id
            } else {
                &e.client_id
            };
            if !client_id.is_empty() {
                client(conn, client_id, &e.commune, true).await?;
            }
        } else if let Some(e) = event.decode::<pb::AccountDeleted>() {
            let e = e?;
            let account_id = account(&e.account_id, event);
            if !account_id.is_empty() {
                erase(conn, account_id).await?;
            }
        }
        Ok(())
    }
}

async fn client(conn: &mut AnyConnection, client_id: &str, commune: &str, revoked: bool) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO clients (client_id, commune, revoked) VALUES ($1, $2, $3) \
         ON CONFLICT (client_id) DO UPDATE SET revoked = excluded.revoked",
    )
    .bind(client_id)
    .bind(commune)
    .bind(i64::from(revoked))
    .execute(conn)
    .await?;
    Ok(())
}

/// A deleted account leaves nothing here that is about it: its follows,
/// subscriptions, preferences, feed, digest entries and roles go, what it wrote is no longer
/// tied to it, and what was still to be sent to it is cancelled. (Sent e-mails keep their row, addressed to an
/// account id that no longer names anyone, until retention purges them.)
async fn erase(conn: &mut AnyConnection, account_id: &str) -> Result<(), sqlx::Error> {
    for statement in [
        "DELETE FROM follows WHERE account_id = $1",
        "DELETE FROM subscriptions WHERE account_id = $1",
        "DELETE FROM preferences WHERE account_id = $1",
        "DELETE FROM feed_items WHERE account_id = $1",
        "DELETE FROM digest_entries WHERE account_id = $1",
        "DELETE FROM staff WHERE account_id = $1",
    ] {
        sqlx::query(statement).bind(account_id).execute(&mut *conn).await?;
    }
    sqlx::query("UPDATE subjects SET author = '' WHERE author = $1").bind(account_id).execute(&mut *conn).await?;
    sqlx::query(
        "UPDATE deliveries SET state = 'cancelled', last_error = 'account deleted' \
         WHERE recipient = $1 AND state IN ('pending', 'retry')",
    )
    .bind(account_recipient(account_id))
    .execute(conn)
    .await?;
    Ok(())
}
