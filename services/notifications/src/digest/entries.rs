//! What the intake leaves for an account that wants its e-mail as a digest:
//! one `digest_entries` row per event, in the intake's transaction, keyed on
//! (account, source event) so that a redelivered or replayed event adds
//! nothing. Nor does an event replayed after the account moved from
//! `immediately` to a digest: its e-mail was already made, and the entry is
//! not written.

use sqlx::AnyConnection;

use super::period::{Cadence, period_of};
use crate::intake::Announcement;
use crate::intake::deliveries::account_recipient;

/// Writes `announcement` (its parameters already as JSON in `params`) into
/// `account_id`'s digest of `cadence`, in the period of its time.
pub async fn add(
    conn: &mut AnyConnection,
    account_id: &str,
    source_event: &str,
    cadence: Cadence,
    announcement: &Announcement,
    params: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO digest_entries (account_id, source_event, cadence, period, event_type, subject, params, \
         occurred_at_us, digested) SELECT $1, $2, $3, $4, $5, $6, $7, $8, 0 WHERE NOT EXISTS \
         (SELECT 1 FROM deliveries WHERE source_event = $9 AND recipient = $10 AND channel = 'email') \
         ON CONFLICT (account_id, source_event) DO NOTHING",
    )
    .bind(account_id)
    .bind(source_event)
    .bind(cadence.as_str())
    .bind(period_of(cadence, announcement.occurred_at_us))
    .bind(announcement.event_type.as_str())
    .bind(&announcement.subject)
    .bind(params)
    .bind(announcement.occurred_at_us)
    .bind(source_event)
    .bind(account_recipient(account_id))
    .execute(conn)
    .await?;
    Ok(())
}
