//! What an announcement leaves for the commune's webhook endpoints, in the
//! consumer's transaction: one `deliveries` row (channel `webhook`, recipient
//! `endpoint:{id}`) per endpoint of the event's commune whose event types
//! cover it (an empty filter covers all), keyed on the source event like the
//! e-mails (`ON CONFLICT DO NOTHING`), so a redelivered or replayed event
//! writes nothing new. A disabled endpoint's row is written `held` (a replay
//! sends it); a revoked client's endpoints get nothing. The row holds the
//! event type and parameters; the JSON body is made and signed at send time
//! ([`crate::webhook`]).
//!
//! Every webhook event is sent, also to the client whose own call caused it:
//! an integration keeping a copy in step wants them all.

use miroir_platform::clock::now_us;
use sqlx::{AnyConnection, Row};

use super::announcement::Announcement;
use super::deliveries::delivery_id;
use crate::domain::webhook::EventTypes;
use crate::read_model::webhooks::{CHANNEL, recipient};

/// Writes `announcement`'s deliveries to the endpoints that want it.
pub async fn record(
    conn: &mut AnyConnection,
    source_event: &str,
    announcement: &Announcement,
) -> Result<(), sqlx::Error> {
    let Some(webhook_type) = announcement.event_type.webhook_type() else {
        return Ok(());
    };
    if announcement.feed_only || announcement.commune.is_empty() {
        return Ok(());
    }
    let rows = sqlx::query(
        "SELECT e.endpoint_id, e.event_types, e.enabled FROM webhook_endpoints e WHERE e.commune = $1 \
         AND NOT EXISTS (SELECT 1 FROM clients c WHERE c.client_id = e.client_id AND c.revoked = 1) \
         ORDER BY e.position",
    )
    .bind(&announcement.commune)
    .fetch_all(&mut *conn)
    .await?;
    let params = announcement.params.to_json();
    let created_at_us = now_us();
    for row in &rows {
        let endpoint_id: String = row.try_get(0)?;
        let filter: Vec<String> = row.try_get::<String, _>(1)?.split_whitespace().map(str::to_owned).collect();
        if !EventTypes::matches(&filter, webhook_type) {
            continue;
        }
        let state = if row.try_get::<i64, _>(2)? != 0 { "pending" } else { "held" };
        let last_error = if state == "held" { "endpoint disabled" } else { "" };
        let to = recipient(&endpoint_id);
        sqlx::query(
            "INSERT INTO deliveries (delivery_id, source_event, recipient, channel, commune, subject, event_type, \
             params, occurred_at_us, state, attempts, next_attempt_at_us, lease_until_us, claimed_by, last_error, \
             created_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, 0, '', $12, $13) \
             ON CONFLICT (source_event, recipient, channel) DO NOTHING",
        )
        .bind(delivery_id(source_event, &to, CHANNEL))
        .bind(source_event)
        .bind(&to)
        .bind(CHANNEL)
        .bind(&announcement.commune)
        .bind(&announcement.subject)
        .bind(announcement.event_type.as_str())
        .bind(&params)
        .bind(announcement.occurred_at_us)
        .bind(state)
        .bind(announcement.occurred_at_us)
        .bind(last_error)
        .bind(created_at_us)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
