//! What an announcement leaves for each recipient, in the consumer's
//! transaction: a feed item, always; and an e-mail delivery row when the
//! account wants to hear immediately. Both are keyed on the source event, so
//! a redelivered or replayed event writes nothing new (`ON CONFLICT DO
//! NOTHING`): the delivery row is THE dedupe record of "exactly one e-mail
//! per event, recipient and channel". Nothing is sent here, nor rendered: the
//! sender renders from `event_type` + `params` at send time.
//!
//! Cadences: `immediately` → a `pending` delivery due at the announcement's
//! time; `daily` and `weekly` → a digest entry ([`crate::digest::entries`]),
//! gathered into one e-mail per period by the digest scheduler; `never` →
//! the feed only.

use miroir_platform::clock::now_us;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use super::announcement::Announcement;
use super::recipients::Recipient;
use crate::digest::entries;
use crate::digest::period::Cadence;
use crate::domain::preferences::EmailCadence;

/// The e-mail channel's name in `deliveries.channel`.
pub const EMAIL: &str = "email";

/// `deliveries.delivery_id`: hex(sha256(source_event|recipient|channel))[..32].
/// Stable across retries, restarts and replays (it is also the e-mail's
/// Message-ID and the webhook-id).
pub fn delivery_id(source_event: &str, recipient: &str, channel: &str) -> String {
    let digest = Sha256::digest(format!("{source_event}|{recipient}|{channel}").as_bytes());
    let mut id = hex::encode(digest);
    id.truncate(32);
    id
}

/// `deliveries.recipient` of an account.
pub fn account_recipient(account_id: &str) -> String {
    format!("account:{account_id}")
}

/// Writes `announcement` for every recipient: feed items, and due e-mail
/// deliveries or digest entries by cadence.
pub async fn record(
    conn: &mut AnyConnection,
    source_event: &str,
    announcement: &Announcement,
    recipients: Vec<(String, Recipient)>,
) -> Result<(), sqlx::Error> {
    let params = announcement.params.to_json();
    let created_at_us = now_us();
    for (account_id, recipient) in recipients {
        sqlx::query(
            "INSERT INTO feed_items (account_id, source_event, commune, subject, event_type, params, occurred_at_us) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (account_id, source_event) DO NOTHING",
        )
        .bind(&account_id)
        .bind(source_event)
        .bind(&announcement.commune)
        .bind(&announcement.subject)
        .bind(announcement.event_type.as_str())
        .bind(&params)
        .bind(announcement.occurred_at_us)
        .execute(&mut *conn)
        .await?;
        if announcement.feed_only || recipient.cadence == EmailCadence::Never {
            continue;
        }
        if let Some(cadence) = Cadence::of(recipient.cadence) {
            entries::add(&mut *conn, &account_id, source_event, cadence, announcement, &params).await?;
            continue;
        }
        let to = account_recipient(&account_id);
        sqlx::query(
            "INSERT INTO deliveries (delivery_id, source_event, recipient, channel, commune, subject, event_type, \
             params, occurred_at_us, state, attempts, next_attempt_at_us, lease_until_us, claimed_by, last_error, \
             created_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', 0, $10, 0, '', '', $11) \
             ON CONFLICT (source_event, recipient, channel) DO NOTHING",
        )
        .bind(delivery_id(source_event, &to, EMAIL))
        .bind(source_event)
        .bind(&to)
        .bind(EMAIL)
        .bind(&announcement.commune)
        .bind(&announcement.subject)
        .bind(announcement.event_type.as_str())
        .bind(&params)
        .bind(announcement.occurred_at_us)
        .bind(announcement.occurred_at_us)
        .bind(created_at_us)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delivery_id_is_the_digest_of_its_key() {
        let id = delivery_id("reports/42", "account:a1", EMAIL);
        assert_eq!(id.len(), 32);
        assert_eq!(id, delivery_id("reports/42", "account:a1", EMAIL));
        assert_ne!(id, delivery_id("reports/43", "account:a1", EMAIL));
        let full = hex::encode(Sha256::digest(b"reports/42|account:a1|email"));
        assert!(full.starts_with(&id));
    }
}
