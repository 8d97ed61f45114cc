//! The webhook endpoints' tables: how each `webhook_endpoint` event changes
//! them (with the deliveries it holds, cancels or sends again), the signing
//! secrets written with the command that made them ([`WithSecret`]), and what
//! the API reads (never a secret).

use miroir_eventstore::{InlineProjection, RecordedEvent};
use miroir_platform::storage::Database;
use miroir_proto::notifications::v1 as pb;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::NotificationsView;
use super::query::{PageResult, encode_position_token};
use crate::intake::EventType;
use crate::outbox::DeliveryCursor;

/// The webhook channel's name in `deliveries.channel`.
pub const CHANNEL: &str = "webhook";

/// `deliveries.recipient` of an endpoint.
pub fn recipient(endpoint_id: &str) -> String {
    format!("endpoint:{endpoint_id}")
}

/// An endpoint's resource name.
pub fn endpoint_name(commune: &str, endpoint_id: &str) -> String {
    format!("communes/{commune}/webhooks/{endpoint_id}")
}

fn decode_error(e: prost::DecodeError) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

fn position(event: &RecordedEvent) -> i64 {
    i64::try_from(event.position).unwrap_or(i64::MAX)
}

/// Applies a `webhook_endpoint` event (anything else is left alone).
pub async fn apply(conn: &mut AnyConnection, event: &RecordedEvent) -> Result<(), sqlx::Error> {
    if let Some(e) = event.decode::<pb::WebhookEndpointRegistered>() {
        let e = e.map_err(decode_error)?;
        sqlx::query(
            "INSERT INTO webhook_endpoints (endpoint_id, commune, client_id, url, event_types, enabled, \
             disabled_reason, disabled_by, created_at_us, updated_at_us, position) \
             VALUES ($1, $2, $3, $4, $5, 1, '', '', $6, $6, $7)",
        )
        .bind(&e.endpoint_id)
        .bind(&e.commune)
        .bind(&e.client_id)
        .bind(&e.url)
        .bind(e.event_types.join(" "))
        .bind(e.registered_at_us)
        .bind(position(event))
        .execute(conn)
        .await?;
    } else if let Some(e) = event.decode::<pb::WebhookEndpointChanged>() {
        let e = e.map_err(decode_error)?;
        sqlx::query(
            "UPDATE webhook_endpoints SET url = $1, event_types = $2, updated_at_us = $3 WHERE endpoint_id = $4",
        )
        .bind(&e.url)
        .bind(e.event_types.join(" "))
        .bind(e.changed_at_us)
        .bind(&e.endpoint_id)
        .execute(conn)
        .await?;
    } else if let Some(e) = event.decode::<pb::WebhookSecretRotated>() {
        let e = e.map_err(decode_error)?;
        sqlx::query(
            "UPDATE webhook_endpoints SET secret_rotated_at_us = $1, previous_secret_until_us = $2, \
             updated_at_us = $1 WHERE endpoint_id = $3",
        )
        .bind(e.rotated_at_us)
        .bind(e.previous_valid_until_us)
        .bind(&e.endpoint_id)
        .execute(conn)
        .await?;
    } else if let Some(e) = event.decode::<pb::WebhookEndpointDisabled>() {
        let e = e.map_err(decode_error)?;
        sqlx::query(
            "UPDATE webhook_endpoints SET enabled = 0, disabled_reason = $1, disabled_by = $2, disabled_at_us = $3, \
             updated_at_us = $3 WHERE endpoint_id = $4",
        )
        .bind(&e.reason)
        .bind(&e.by)
        .bind(e.disabled_at_us)
        .bind(&e.endpoint_id)
        .execute(&mut *conn)
        .await?;
        // What was waiting waits for a replay (in-flight attempts find the endpoint disabled when they retry).
        sqlx::query(
            "UPDATE deliveries SET state = 'held', last_error = 'endpoint disabled' \
             WHERE recipient = $1 AND channel = $2 AND state IN ('pending', 'retry')",
        )
        .bind(recipient(&e.endpoint_id))
        .bind(CHANNEL)
        .execute(conn)
        .await?;
    } else if let Some(e) = event.decode::<pb::WebhookEndpointEnabled>() {
        let e = e.map_err(decode_error)?;
        sqlx::query(
            "UPDATE webhook_endpoints SET enabled = 1, disabled_reason = '', disabled_by = '', disabled_at_us = NULL, \
             updated_at_us = $1 WHERE endpoint_id = $2",
        )
        .bind(e.enabled_at_us)
        .bind(&e.endpoint_id)
        .execute(conn)
        .await?;
    } else if let Some(e) = event.decode::<pb::WebhookEndpointRemoved>() {
        let e = e.map_err(decode_error)?;
        for statement in [
            "DELETE FROM webhook_endpoints WHERE endpoint_id = $1",
            "DELETE FROM webhook_secrets WHERE endpoint_id = $1",
        ] {
            sqlx::query(statement).bind(&e.endpoint_id).execute(&mut *conn).await?;
        }
        sqlx::query(
            "UPDATE deliveries SET state = 'cancelled', last_error = 'endpoint removed' \
             WHERE recipient = $1 AND channel = $2 AND state IN ('pending', 'retry', 'held')",
        )
        .bind(recipient(&e.endpoint_id))
        .bind(CHANNEL)
        .execute(conn)
        .await?;
    } else if let Some(e) = event.decode::<pb::WebhookReplayRequested>() {
        let e = e.map_err(decode_error)?;
        // The same rows, so the same webhook-id; attempt numbers go on, the retry schedule starts over.
        let sql = replay_sql(
            "UPDATE deliveries SET state = 'pending', next_attempt_at_us = $5, lease_until_us = 0, \
             replays = replays + 1, attempts_before_replay = attempts, last_error = ''",
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(recipient(&e.endpoint_id))
            .bind(e.from_us)
            .bind(e.to_us)
            .bind(CHANNEL)
            .bind(e.requested_at_us)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// `head` followed by the rows a replay of endpoint `$1` over `[$2, $3)` takes
/// (`$4` is the channel): what was sent, failed, held, or waits for a retry.
/// Not what is being sent right now, nor what is still to come.
fn replay_sql(head: &str) -> String {
    format!(
        "{head} WHERE recipient = $1 AND occurred_at_us >= $2 AND occurred_at_us < $3 AND channel = $4 \
         AND state IN ('sent', 'failed', 'held', 'retry')"
    )
}

/// How many deliveries a replay of `endpoint_id` over `[from_us, to_us)` would send again now.
pub async fn replayable(db: &Database, endpoint_id: &str, from_us: i64, to_us: i64) -> Result<i64, sqlx::Error> {
    sqlx::query(sqlx::AssertSqlSafe(replay_sql("SELECT COUNT(*) FROM deliveries")))
        .bind(recipient(endpoint_id))
        .bind(from_us)
        .bind(to_us)
        .bind(CHANNEL)
        .fetch_one(db.pool())
        .await?
        .try_get(0)
}

/// The read model's projection plus the endpoint's new signing secret,
/// written in the same transaction as the command's event (Registered: the
/// first secret; SecretRotated: the new one, the old one kept as previous).
/// The secret is never in the event: a rebuild from the log leaves the
/// secrets as they are.
pub struct WithSecret<'a> {
    pub secret: &'a [u8],
}

impl InlineProjection for WithSecret<'_> {
    async fn apply<'c>(&'c self, conn: &'c mut AnyConnection, event: &'c RecordedEvent) -> Result<(), sqlx::Error> {
        NotificationsView.apply(conn, event).await?;
        if let Some(e) = event.decode::<pb::WebhookEndpointRegistered>() {
            let e = e.map_err(decode_error)?;
            sqlx::query("INSERT INTO webhook_secrets (endpoint_id, secret) VALUES ($1, $2)")
                .bind(&e.endpoint_id)
                .bind(self.secret.to_vec())
                .execute(conn)
                .await?;
        } else if let Some(e) = event.decode::<pb::WebhookSecretRotated>() {
            let e = e.map_err(decode_error)?;
            sqlx::query(
                "UPDATE webhook_secrets SET previous = secret, previous_until_us = $1, secret = $2 \
                 WHERE endpoint_id = $3",
            )
            .bind(e.previous_valid_until_us)
            .bind(self.secret.to_vec())
            .bind(&e.endpoint_id)
            .execute(conn)
            .await?;
        }
        Ok(())
    }
}

const ENDPOINT_COLUMNS: &str = "e.endpoint_id AS endpoint_id, e.commune AS commune, e.client_id AS client_id, \
    e.url AS url, e.event_types AS event_types, e.enabled AS enabled, e.disabled_reason AS disabled_reason, \
    e.disabled_by AS disabled_by, e.disabled_at_us AS disabled_at_us, e.secret_rotated_at_us AS secret_rotated_at_us, \
    e.previous_secret_until_us AS previous_secret_until_us, e.created_at_us AS created_at_us, \
    e.updated_at_us AS updated_at_us, e.position AS position, COALESCE(c.revoked, 0) AS client_revoked";

/// `ENDPOINT_COLUMNS` come from this join.
const ENDPOINT_FROM: &str = "webhook_endpoints e LEFT JOIN clients c ON c.client_id = e.client_id";

/// One endpoint as stored (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointRow {
    pub endpoint_id: String,
    pub commune: String,
    pub client_id: String,
    pub url: String,
    pub event_types: Vec<String>,
    pub enabled: bool,
    pub disabled_reason: String,
    pub disabled_by: String,
    pub disabled_at_us: Option<i64>,
    pub secret_rotated_at_us: Option<i64>,
    pub previous_secret_until_us: Option<i64>,
    pub created_at_us: i64,
    pub updated_at_us: i64,
    pub position: i64,
    pub client_revoked: bool,
}

impl EndpointRow {
    fn read(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            endpoint_id: row.try_get("endpoint_id")?,
            commune: row.try_get("commune")?,
            client_id: row.try_get("client_id")?,
            url: row.try_get("url")?,
            event_types: row.try_get::<String, _>("event_types")?.split_whitespace().map(str::to_owned).collect(),
            enabled: row.try_get::<i64, _>("enabled")? != 0,
            disabled_reason: row.try_get("disabled_reason")?,
            disabled_by: row.try_get("disabled_by")?,
            disabled_at_us: row.try_get("disabled_at_us")?,
            secret_rotated_at_us: row.try_get("secret_rotated_at_us")?,
            previous_secret_until_us: row.try_get("previous_secret_until_us")?,
            created_at_us: row.try_get("created_at_us")?,
            updated_at_us: row.try_get("updated_at_us")?,
            position: row.try_get("position")?,
            client_revoked: row.try_get::<i64, _>("client_revoked")? != 0,
        })
    }

    pub fn to_proto(&self) -> pb::WebhookEndpoint {
        pb::WebhookEndpoint {
            name: endpoint_name(&self.commune, &self.endpoint_id),
            client_id: self.client_id.clone(),
            url: self.url.clone(),
            event_types: self.event_types.clone(),
            enabled: self.enabled,
            disabled_reason: self.disabled_reason.clone(),
            disabled_automatically: !self.enabled && self.disabled_by.is_empty(),
            disabled_at_us: self.disabled_at_us.unwrap_or_default(),
            client_revoked: self.client_revoked,
            created_at_us: self.created_at_us,
            updated_at_us: self.updated_at_us,
            secret_rotated_at_us: self.secret_rotated_at_us.unwrap_or_default(),
            previous_secret_valid_until_us: self.previous_secret_until_us.unwrap_or_default(),
        }
    }
}

/// One endpoint, if it exists (removed ones do not).
pub async fn endpoint(db: &Database, endpoint_id: &str) -> Result<Option<EndpointRow>, sqlx::Error> {
    let sql = format!("SELECT {ENDPOINT_COLUMNS} FROM {ENDPOINT_FROM} WHERE e.endpoint_id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(endpoint_id).fetch_optional(db.pool()).await?;
    row.as_ref().map(EndpointRow::read).transpose()
}

/// The endpoints of `commune` (only `client_id`'s if given), oldest first, after position `after`.
pub async fn list_endpoints(
    db: &Database,
    commune: &str,
    client_id: Option<&str>,
    limit: u32,
    after: Option<i64>,
) -> PageResult<pb::WebhookEndpoint> {
    let sql = format!(
        "SELECT {ENDPOINT_COLUMNS} FROM {ENDPOINT_FROM} WHERE e.commune = $1 AND ($2 = '' OR e.client_id = $2) \
         AND e.position > $3 ORDER BY e.position LIMIT $4"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(commune)
        .bind(client_id.unwrap_or_default())
        .bind(after.unwrap_or(0))
        .bind(i64::from(limit) + 1)
        .fetch_all(db.pool())
        .await?;
    let mut endpoints = rows.iter().map(EndpointRow::read).collect::<Result<Vec<_>, _>>()?;
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let next = if endpoints.len() > limit {
        endpoints.truncate(limit);
        endpoints.last().map(|last| encode_position_token(last.position))
    } else {
        None
    };
    Ok((endpoints.iter().map(EndpointRow::to_proto).collect(), next))
}

/// How many endpoints `commune` has.
pub async fn count_endpoints(db: &Database, commune: &str) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) FROM webhook_endpoints WHERE commune = $1")
        .bind(commune)
        .fetch_one(db.pool())
        .await?
        .try_get(0)
}

/// Whether `client_id` is an integration client of `commune` as identity's
/// log says so far: `None` if unknown, `Some(revoked)` otherwise.
pub async fn client(db: &Database, client_id: &str, commune: &str) -> Result<Option<bool>, sqlx::Error> {
    let row = sqlx::query("SELECT revoked FROM clients WHERE client_id = $1 AND commune = $2")
        .bind(client_id)
        .bind(commune)
        .fetch_optional(db.pool())
        .await?;
    row.map(|row| Ok(row.try_get::<i64, _>(0)? != 0)).transpose()
}

/// A delivery state as stored → its API form.
pub fn state_proto(state: &str) -> pb::DeliveryState {
    match state {
        "pending" => pb::DeliveryState::Pending,
        "sending" => pb::DeliveryState::Sending,
        "sent" => pb::DeliveryState::Sent,
        "retry" => pb::DeliveryState::Retry,
        "failed" => pb::DeliveryState::Failed,
        "cancelled" => pb::DeliveryState::Cancelled,
        "held" => pb::DeliveryState::Held,
        _ => pb::DeliveryState::Unspecified,
    }
}

/// The webhook type receivers see for a stored event type ("" if none).
pub fn webhook_type(event_type: &str) -> &'static str {
    EventType::parse(event_type).and_then(EventType::webhook_type).unwrap_or_default()
}

/// `endpoint`'s deliveries, newest first, after `after`, each with its attempts.
pub async fn deliveries(
    db: &Database,
    endpoint: &EndpointRow,
    limit: u32,
    after: Option<DeliveryCursor>,
) -> Result<(Vec<pb::WebhookDelivery>, Option<DeliveryCursor>), sqlx::Error> {
    let after = after.unwrap_or(DeliveryCursor { created_at_us: i64::MAX, delivery_id: String::new() });
    let rows = sqlx::query(
        "SELECT delivery_id, subject, event_type, state, attempts, last_error, occurred_at_us, created_at_us, \
         next_attempt_at_us, sent_at_us, replays FROM deliveries WHERE recipient = $1 AND channel = $2 \
         AND (created_at_us < $3 OR (created_at_us = $3 AND delivery_id < $4)) \
         ORDER BY created_at_us DESC, delivery_id DESC LIMIT $5",
    )
    .bind(recipient(&endpoint.endpoint_id))
    .bind(CHANNEL)
    .bind(after.created_at_us)
    .bind(&after.delivery_id)
    .bind(i64::from(limit) + 1)
    .fetch_all(db.pool())
    .await?;
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let more = rows.len() > limit;
    let mut deliveries = Vec::with_capacity(rows.len().min(limit));
    let mut next = None;
    for row in rows.iter().take(limit) {
        let delivery_id: String = row.try_get("delivery_id")?;
        let created_at_us: i64 = row.try_get("created_at_us")?;
        let event_type: String = row.try_get("event_type")?;
        deliveries.push(pb::WebhookDelivery {
            name: format!("{}/deliveries/{delivery_id}", endpoint_name(&endpoint.commune, &endpoint.endpoint_id)),
            webhook_id: crate::webhook::webhook_id(&delivery_id),
            event_type: webhook_type(&event_type).to_owned(),
            subject: row.try_get("subject")?,
            state: state_proto(&row.try_get::<String, _>("state")?).into(),
            attempts: u32::try_from(row.try_get::<i64, _>("attempts")?).unwrap_or_default(),
            last_error: row.try_get("last_error")?,
            occurred_at_us: row.try_get("occurred_at_us")?,
            created_at_us,
            next_attempt_at_us: row.try_get("next_attempt_at_us")?,
            sent_at_us: row.try_get::<Option<i64>, _>("sent_at_us")?.unwrap_or_default(),
            replays: u32::try_from(row.try_get::<i64, _>("replays")?).unwrap_or_default(),
            attempt_log: attempts(db, &delivery_id).await?,
        });
        next = Some(DeliveryCursor { created_at_us, delivery_id });
    }
    Ok((deliveries, if more { next } else { None }))
}

async fn attempts(db: &Database, delivery_id: &str) -> Result<Vec<pb::WebhookAttempt>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT attempt, at_us, outcome, http_status, error FROM delivery_attempts WHERE delivery_id = $1 \
         ORDER BY attempt",
    )
    .bind(delivery_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(pb::WebhookAttempt {
                attempt: u32::try_from(row.try_get::<i64, _>("attempt")?).unwrap_or_default(),
                at_us: row.try_get("at_us")?,
                outcome: state_proto(&row.try_get::<String, _>("outcome")?).into(),
                http_status: row
                    .try_get::<Option<i64>, _>("http_status")?
                    .and_then(|s| u32::try_from(s).ok())
                    .unwrap_or_default(),
                error: row.try_get("error")?,
            })
        })
        .collect()
}
