//! The senders' side of the `deliveries` table: claiming one due delivery
//! with a lease, and recording how its attempt ended, on both backends.
//!
//! A sender claims a row (`pending` or `retry` whose time has come, or
//! `sending` whose lease ran out because its sender died) by moving it to
//! `sending` with its own name, a lease and one more attempt. PostgreSQL lets
//! several senders (tasks or replicas) claim at once without ever taking the
//! same row (`FOR UPDATE SKIP LOCKED`); SQLite (the embedded mode, one
//! process) claims inside a write transaction, which serializes them. The
//! attempt then ends as `sent`, `retry` (with the [`Backoff`]), `failed`,
//! `cancelled` or (webhooks, endpoint disabled) `held`, recorded only if the row is still this claim's (a sender that
//! lost its lease does not overwrite the next one), with a
//! `delivery_attempts` row in the same transaction.
//!
//! Times come in the calls (Unix microseconds): nothing here reads a clock.

use miroir_platform::storage::{Backend, Database, is_transient};
use miroir_proto::notifications::v1 as pb;
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A delivery claimed by one sender, for one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub delivery_id: String,
    pub source_event: String,
    /// `account:{id}` (e-mail) or `endpoint:{id}` (webhook).
    pub recipient: String,
    pub channel: String,
    pub commune: String,
    /// The resource name of the thing the delivery is about.
    pub subject: String,
    pub event_type: String,
    /// The JSON the templates read.
    pub params: String,
    pub occurred_at_us: i64,
    /// This attempt's number (1 for the first; numbers go on after a replay).
    pub attempt: i64,
    /// How many attempts it had when it was last replayed (0 if never): the
    /// retry schedule counts from there.
    pub attempts_before_replay: i64,
    /// Who claimed it: the attempt is recorded only under this name.
    pub claimed_by: String,
}

impl Claim {
    /// The account an e-mail goes to, if the recipient is one.
    pub fn account_id(&self) -> Option<&str> {
        self.recipient.strip_prefix("account:").filter(|id| !id.is_empty())
    }

    /// The webhook endpoint it goes to, if the recipient is one.
    pub fn endpoint_id(&self) -> Option<&str> {
        self.recipient.strip_prefix("endpoint:").filter(|id| !id.is_empty())
    }

    /// This attempt's number since the delivery was last replayed (1 for the first).
    pub fn attempt_of_run(&self) -> i64 {
        self.attempt.saturating_sub(self.attempts_before_replay)
    }
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The relay (or the endpoint) accepted it.
    Sent,
    /// Not this time; tried again at `at_us`. `error` is shown to the account (no personal data).
    Retry { error: String, at_us: i64 },
    /// Refused for good, or too many attempts.
    Failed { error: String },
    /// Not to be sent (no verified address, a deleted account, e-mail turned off).
    Cancelled { reason: String },
    /// Kept unsent until a replay (its webhook endpoint is disabled).
    Held { reason: String },
}

impl Outcome {
    fn state(&self) -> &'static str {
        match self {
            Outcome::Sent => "sent",
            Outcome::Retry { .. } => "retry",
            Outcome::Failed { .. } => "failed",
            Outcome::Cancelled { .. } => "cancelled",
            Outcome::Held { .. } => "held",
        }
    }

    fn error(&self) -> &str {
        match self {
            Outcome::Sent => "",
            Outcome::Retry { error, .. } | Outcome::Failed { error } => error,
            Outcome::Cancelled { reason } | Outcome::Held { reason } => reason,
        }
    }
}

/// When to try again after a failed attempt: a fixed schedule, each delay
/// spread by up to ±10 % so that a burst that failed together does not come
/// back together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The delay after the 1st, 2nd… failed attempt, in seconds; past the last one, the delivery fails.
    pub delays_s: &'static [i64],
}

/// E-mail: 1 min, 5 min, 15 min, 1 h, 3 h, 6 h, 12 h, 24 h, then failed (9 attempts over about two days).
pub const EMAIL_BACKOFF: Backoff = Backoff { delays_s: &[60, 300, 900, 3_600, 10_800, 21_600, 43_200, 86_400] };

/// Webhooks, as Standard Webhooks suggests: at once, then after 5 s, 5 min,
/// 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h, then failed (10 attempts over
/// about three and a half days; the endpoint is then disabled).
pub const WEBHOOK_BACKOFF: Backoff =
    Backoff { delays_s: &[5, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 86_400] };

impl Backoff {
    /// When to try again after attempt number `attempt` (1-based) failed at
    /// `now_us`, with `jitter` in [-1, 1] (see [`jitter`]); `None` once the
    /// schedule is exhausted.
    pub fn next_attempt_at(&self, attempt: i64, now_us: i64, jitter: f64) -> Option<i64> {
        let index = usize::try_from(attempt.checked_sub(1)?).ok()?;
        let delay_us = self.delays_s.get(index)?.saturating_mul(1_000_000);
        let spread = (delay_us as f64 * 0.1 * jitter.clamp(-1.0, 1.0)) as i64;
        Some(now_us.saturating_add(delay_us).saturating_add(spread))
    }
}

/// Marks an attempt with `finish`, trying again while the database is away
/// (a restart, a failover) for as long as half of `lease`, and a few times
/// whatever the error: after a send, a lost mark means the message goes out
/// again once the lease has run out.
pub(crate) async fn finish_patiently<F, Fut>(
    delivery_id: &str,
    channel: &str,
    lease: std::time::Duration,
    mut finish: F,
) -> Result<bool, sqlx::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<bool, sqlx::Error>>,
{
    const PAUSE: std::time::Duration = std::time::Duration::from_millis(200);
    const PAUSE_MAX: std::time::Duration = std::time::Duration::from_secs(2);
    let started = std::time::Instant::now();
    let mut tries: u32 = 0;
    loop {
        match finish().await {
            Ok(recorded) => return Ok(recorded),
            Err(error) if tries < 3 || (is_transient(&error) && started.elapsed() < lease / 2) => {
                tries += 1;
                if tries <= 3 || tries.is_multiple_of(10) {
                    tracing::warn!(delivery_id, channel, %error, tries, "attempt not recorded yet; again");
                }
                tokio::time::sleep(PAUSE.saturating_mul(tries).min(PAUSE_MAX)).await;
            }
            Err(error) => return Err(error),
        }
    }
}

/// A jitter in [-1, 1] drawn from the delivery and its attempt: different for
/// each message of a burst, the same if the same attempt is recorded again.
pub fn jitter(delivery_id: &str, attempt: i64) -> f64 {
    let digest = Sha256::digest(format!("{delivery_id}|{attempt}"));
    let sample = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    f64::from(sample) / f64::from(u32::MAX) * 2.0 - 1.0
}

/// The claim and the recording of attempts, for one database.
#[derive(Clone)]
pub struct Outbox {
    db: Database,
}

const CLAIMED_COLUMNS: &str = "delivery_id, source_event, recipient, channel, commune, subject, event_type, params, \
                               occurred_at_us, attempts, attempts_before_replay";

fn claimed(row: &AnyRow, claimed_by: &str) -> Result<Claim, sqlx::Error> {
    Ok(Claim {
        delivery_id: row.try_get("delivery_id")?,
        source_event: row.try_get("source_event")?,
        recipient: row.try_get("recipient")?,
        channel: row.try_get("channel")?,
        commune: row.try_get("commune")?,
        subject: row.try_get("subject")?,
        event_type: row.try_get("event_type")?,
        params: row.try_get("params")?,
        occurred_at_us: row.try_get("occurred_at_us")?,
        attempt: row.try_get("attempts")?,
        attempts_before_replay: row.try_get("attempts_before_replay")?,
        claimed_by: claimed_by.to_owned(),
    })
}

impl Outbox {
    pub fn new(db: Database) -> Self {
        Self { db }
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Claims the due delivery of `channel` that has waited longest, for
    /// `claimed_by`, until `now_us + lease_us`; `None` when nothing is due.
    pub async fn claim(
        &self,
        channel: &str,
        claimed_by: &str,
        now_us: i64,
        lease_us: i64,
    ) -> Result<Option<Claim>, sqlx::Error> {
        let due = "SELECT delivery_id FROM deliveries WHERE channel = $3 AND \
                   ((state IN ('pending', 'retry') AND next_attempt_at_us <= $4) OR \
                   (state = 'sending' AND lease_until_us < $4)) ORDER BY next_attempt_at_us, delivery_id LIMIT 1";
        let lock = match self.db.backend() {
            // Rows another sender is claiming right now are skipped, not waited for.
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            // The write transaction (BEGIN IMMEDIATE) already holds the database's one write lock.
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE deliveries SET state = 'sending', attempts = attempts + 1, claimed_by = $1, lease_until_us = $2 \
             WHERE delivery_id = ({due}{lock}) RETURNING {CLAIMED_COLUMNS}"
        );
        let mut tx = self.db.begin_write().await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(claimed_by)
            .bind(now_us.saturating_add(lease_us))
            .bind(channel)
            .bind(now_us)
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        row.map(|row| claimed(&row, claimed_by)).transpose()
    }

    /// Records how `claim`'s attempt ended at `now_us`. False when the row is
    /// no longer this claim's (its lease ran out and another sender took it):
    /// nothing is written then.
    pub async fn finish(&self, claim: &Claim, outcome: &Outcome, now_us: i64) -> Result<bool, sqlx::Error> {
        self.finish_with_status(claim, outcome, now_us, None).await
    }

    /// [`Self::finish`], with the HTTP status a webhook endpoint answered (if it did).
    pub async fn finish_with_status(
        &self,
        claim: &Claim,
        outcome: &Outcome,
        now_us: i64,
        http_status: Option<u16>,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.db.begin_write().await?;
        let (sent_at, next_at) = match outcome {
            Outcome::Sent => (Some(now_us), None),
            Outcome::Retry { at_us, .. } => (None, Some(*at_us)),
            _ => (None, None),
        };
        let updated = sqlx::query(
            "UPDATE deliveries SET state = $1, last_error = $2, sent_at_us = COALESCE($3, sent_at_us), \
             next_attempt_at_us = COALESCE($4, next_attempt_at_us), lease_until_us = 0 \
             WHERE delivery_id = $5 AND state = 'sending' AND claimed_by = $6 AND attempts = $7",
        )
        .bind(outcome.state())
        .bind(outcome.error())
        .bind(sent_at)
        .bind(next_at)
        .bind(&claim.delivery_id)
        .bind(&claim.claimed_by)
        .bind(claim.attempt)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO delivery_attempts (delivery_id, attempt, at_us, outcome, error, http_status) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&claim.delivery_id)
        .bind(claim.attempt)
        .bind(now_us)
        .bind(outcome.state())
        .bind(outcome.error())
        .bind(http_status.map(i64::from))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

/// One of an account's e-mails, as it may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountDelivery {
    pub delivery_id: String,
    pub subject: String,
    pub event_type: String,
    pub params: String,
    pub state: String,
    pub attempts: i64,
    pub last_error: String,
    pub sent_at_us: Option<i64>,
    pub occurred_at_us: i64,
    pub next_attempt_at_us: i64,
    pub created_at_us: i64,
}

impl AccountDelivery {
    pub fn state_proto(&self) -> pb::DeliveryState {
        match self.state.as_str() {
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
}

/// Where a page of an account's deliveries ends: the last row's creation time and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryCursor {
    pub created_at_us: i64,
    pub delivery_id: String,
}

impl DeliveryCursor {
    pub fn encode(&self) -> String {
        hex::encode(format!("{}/{}", self.created_at_us, self.delivery_id))
    }

    pub fn decode(token: &str) -> Option<Self> {
        let text = String::from_utf8(hex::decode(token).ok()?).ok()?;
        let (created_at_us, delivery_id) = text.split_once('/')?;
        Some(Self { created_at_us: created_at_us.parse().ok()?, delivery_id: delivery_id.to_owned() })
    }
}

/// `account_id`'s own e-mails, newest first, after `after`: `limit` of them
/// and the cursor of the next page if there are more.
pub async fn deliveries_of(
    db: &Database,
    account_id: &str,
    limit: u32,
    after: Option<DeliveryCursor>,
) -> Result<(Vec<AccountDelivery>, Option<DeliveryCursor>), sqlx::Error> {
    let after = after.unwrap_or(DeliveryCursor { created_at_us: i64::MAX, delivery_id: String::new() });
    let rows = sqlx::query(
        "SELECT delivery_id, subject, event_type, params, state, attempts, last_error, sent_at_us, occurred_at_us, \
         next_attempt_at_us, created_at_us FROM deliveries WHERE recipient = $1 AND channel = 'email' \
         AND (created_at_us < $2 OR (created_at_us = $2 AND delivery_id < $3)) \
         ORDER BY created_at_us DESC, delivery_id DESC LIMIT $4",
    )
    .bind(format!("account:{account_id}"))
    .bind(after.created_at_us)
    .bind(&after.delivery_id)
    .bind(i64::from(limit) + 1)
    .fetch_all(db.pool())
    .await?;
    let mut deliveries = rows
        .iter()
        .map(|row| {
            Ok(AccountDelivery {
                delivery_id: row.try_get("delivery_id")?,
                subject: row.try_get("subject")?,
                event_type: row.try_get("event_type")?,
                params: row.try_get("params")?,
                state: row.try_get("state")?,
                attempts: row.try_get("attempts")?,
                last_error: row.try_get("last_error")?,
                sent_at_us: row.try_get("sent_at_us")?,
                occurred_at_us: row.try_get("occurred_at_us")?,
                next_attempt_at_us: row.try_get("next_attempt_at_us")?,
                created_at_us: row.try_get("created_at_us")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if deliveries.len() <= limit {
        return Ok((deliveries, None));
    }
    deliveries.truncate(limit);
    let next = deliveries
        .last()
        .map(|last| DeliveryCursor { created_at_us: last.created_at_us, delivery_id: last.delivery_id.clone() });
    Ok((deliveries, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE_US: i64 = 60_000_000;

    #[test]
    fn the_email_schedule_runs_from_a_minute_to_a_day_then_gives_up() {
        let now = 1_000_000_000_000;
        let delays: Vec<i64> =
            (1..=8).map(|attempt| EMAIL_BACKOFF.next_attempt_at(attempt, now, 0.0).expect("a retry") - now).collect();
        assert_eq!(delays, [1, 5, 15, 60, 180, 360, 720, 1440].map(|m| m * MINUTE_US));
        assert_eq!(EMAIL_BACKOFF.next_attempt_at(9, now, 0.0), None, "failed after the 9th attempt");
        assert_eq!(EMAIL_BACKOFF.next_attempt_at(0, now, 0.0), None);
        assert_eq!(EMAIL_BACKOFF.next_attempt_at(-3, now, 0.0), None);
    }

    #[test]
    fn the_webhook_schedule_is_standard_webhooks_one() {
        let now = 1_000_000_000_000;
        let delays: Vec<i64> =
            (1..=9).map(|attempt| WEBHOOK_BACKOFF.next_attempt_at(attempt, now, 0.0).expect("a retry") - now).collect();
        let second = 1_000_000;
        let hour = 3_600 * second;
        assert_eq!(
            delays,
            [5 * second, 300 * second, 1_800 * second, 2 * hour, 5 * hour, 10 * hour, 14 * hour, 20 * hour, 24 * hour]
        );
        assert_eq!(WEBHOOK_BACKOFF.next_attempt_at(10, now, 0.0), None, "failed after the 10th attempt");
    }

    #[test]
    fn jitter_spreads_a_delay_by_at_most_ten_percent() {
        let now = 0;
        assert_eq!(EMAIL_BACKOFF.next_attempt_at(1, now, 1.0), Some(66 * 1_000_000));
        assert_eq!(EMAIL_BACKOFF.next_attempt_at(1, now, -1.0), Some(54 * 1_000_000));
        assert_eq!(EMAIL_BACKOFF.next_attempt_at(1, now, 7.0), Some(66 * 1_000_000), "clamped");
        let samples: Vec<f64> = (0..200).map(|n| jitter(&format!("d{n}"), 1)).collect();
        assert!(samples.iter().all(|j| (-1.0..=1.0).contains(j)));
        assert!(samples.iter().any(|j| *j < -0.5) && samples.iter().any(|j| *j > 0.5), "spread over the range");
        assert_eq!(jitter("d1", 1), jitter("d1", 1));
        assert_ne!(jitter("d1", 1), jitter("d1", 2));
    }

    #[test]
    fn cursors_come_back_as_they_were_given() {
        let cursor = DeliveryCursor { created_at_us: 42, delivery_id: "abc".into() };
        assert_eq!(DeliveryCursor::decode(&cursor.encode()), Some(cursor));
        for token in ["", "zz", &hex::encode("x/abc")] {
            assert_eq!(DeliveryCursor::decode(token), None, "{token}");
        }
    }

    /// A database restarting for longer than the old three quick tries: the mark still lands, so the message is
    /// not sent again when its lease runs out.
    #[tokio::test]
    async fn a_mark_waits_out_a_database_restart() {
        let tries = std::sync::atomic::AtomicU32::new(0);
        let recorded = finish_patiently("d1", "email", std::time::Duration::from_secs(120), || {
            let n = tries.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            async move { if n < 4 { Err(sqlx::Error::PoolTimedOut) } else { Ok(true) } }
        })
        .await;
        assert!(recorded.expect("recorded once the database is back"));
        assert_eq!(tries.load(std::sync::atomic::Ordering::SeqCst), 5);
    }

    /// An error that no wait will mend is given up after a few tries.
    #[tokio::test]
    async fn a_lasting_error_is_given_up_after_a_few_tries() {
        let tries = std::sync::atomic::AtomicU32::new(0);
        let recorded = finish_patiently("d1", "email", std::time::Duration::from_secs(120), || {
            tries.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            async { Err::<bool, _>(sqlx::Error::RowNotFound) }
        })
        .await;
        assert!(matches!(recorded, Err(sqlx::Error::RowNotFound)), "{recorded:?}");
        assert_eq!(tries.load(std::sync::atomic::Ordering::SeqCst), 4);
    }
}
