//! The digest scheduler: a task that, every minute, turns each account's
//! entries of finished, due periods into one e-mail delivery per (account,
//! cadence, period).
//!
//! Each (account, cadence, period) is one short write transaction:
//! 1. take its undigested entries (`UPDATE … SET digested = 1 WHERE
//!    digested = 0 RETURNING …`): on PostgreSQL a second scheduler's UPDATE
//!    waits for the first one's row locks and then finds nothing left; on
//!    SQLite the write transaction serializes them;
//! 2. read the account's cadence now: `never` drops them (e-mail was turned
//!    off meanwhile); any other cadence still gets the finished period's
//!    digest (an account back to `immediately` hears of what it had asked to
//!    hear of later);
//! 3. insert the delivery `digest/{cadence}/{period}` (`ON CONFLICT DO
//!    NOTHING`). Entries that come in after their period's digest was made
//!    (an intake catching up after a long stop) make a digest of their own,
//!    keyed `digest/{cadence}/{period}/{first source event}`: its entries are
//!    this transaction's alone, so the key is the same if it is redone.
//!
//! The clock is injected ([`DigestScheduler::with_clock`]): tests move it
//! past a period's due time.

use std::time::Duration;

use miroir_platform::storage::Database;
use sqlx::{AnyConnection, Row};
use tokio_util::sync::CancellationToken;

use super::period::{self, Cadence};
use crate::domain::preferences::EmailCadence;
use crate::email::{CHANNEL, Clock, Wake};
use crate::intake::deliveries::{account_recipient, delivery_id};
use crate::render::Params;
use crate::render::digest::{Digest, DigestItem, MAX_ITEMS};

/// How many (account, cadence, period) groups one query fetches.
const BATCH: i64 = 200;

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    /// Digest deliveries made.
    pub digests: u32,
    /// Groups dropped because their account turned e-mail off meanwhile.
    pub dropped: u32,
    /// Entries gathered (into digests or dropped).
    pub entries: u32,
}

/// What became of one group.
enum Gathered {
    /// Another scheduler took its entries first.
    Nothing,
    Digest {
        entries: u32,
    },
    Dropped {
        entries: u32,
    },
}

/// One undigested entry, as taken.
struct Entry {
    source_event: String,
    event_type: String,
    subject: String,
    params: String,
    occurred_at_us: i64,
}

/// Makes the digests of one database.
#[derive(Clone)]
pub struct DigestScheduler {
    db: Database,
    clock: Clock,
    wake: Option<Wake>,
    interval: Duration,
}

impl DigestScheduler {
    /// The wall clock, a look every minute.
    pub fn new(db: Database) -> Self {
        Self {
            db,
            clock: std::sync::Arc::new(miroir_platform::clock::now_us),
            wake: None,
            interval: Duration::from_secs(60),
        }
    }

    /// Another clock than the wall clock.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The e-mail senders to wake when digests were made.
    pub fn with_wake(mut self, wake: Wake) -> Self {
        self.wake = Some(wake);
        self
    }

    /// How long it waits between passes.
    pub fn with_interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// Makes the due digests every [`Self::with_interval`] until `token` is
    /// cancelled; a pass in progress finishes its transaction first.
    pub async fn run(self, token: CancellationToken) {
        loop {
            if token.is_cancelled() {
                return;
            }
            match self.run_once().await {
                Ok(pass) if pass.entries > 0 => tracing::info!(
                    digests = pass.digests,
                    dropped = pass.dropped,
                    entries = pass.entries,
                    "digests made"
                ),
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "digest scheduler: the pass failed; trying again later"),
            }
            tokio::select! {
                () = token.cancelled() => return,
                () = tokio::time::sleep(self.interval) => {}
            }
        }
    }

    /// One pass at the clock's time.
    pub async fn run_once(&self) -> Result<Pass, sqlx::Error> {
        self.digest_due((self.clock)()).await
    }

    /// Makes every digest due at `now_us`.
    pub async fn digest_due(&self, now_us: i64) -> Result<Pass, sqlx::Error> {
        let (daily, weekly) = (period::last_due(Cadence::Daily, now_us), period::last_due(Cadence::Weekly, now_us));
        let mut pass = Pass::default();
        loop {
            let groups = sqlx::query(
                "SELECT DISTINCT account_id, cadence, period FROM digest_entries WHERE digested = 0 AND \
                 ((cadence = 'daily' AND period <= $1) OR (cadence = 'weekly' AND period <= $2)) \
                 ORDER BY period, cadence, account_id LIMIT $3",
            )
            .bind(&daily)
            .bind(&weekly)
            .bind(BATCH)
            .fetch_all(self.db.pool())
            .await?;
            let mut progress = false;
            for group in &groups {
                let account_id: String = group.try_get(0)?;
                let Some(cadence) = Cadence::parse(&group.try_get::<String, _>(1)?) else { continue };
                let period: String = group.try_get(2)?;
                match self.gather(&account_id, cadence, &period, now_us).await? {
                    Gathered::Nothing => {}
                    Gathered::Digest { entries } => {
                        progress = true;
                        pass.digests += 1;
                        pass.entries += entries;
                    }
                    Gathered::Dropped { entries } => {
                        progress = true;
                        pass.dropped += 1;
                        pass.entries += entries;
                    }
                }
            }
            // A short batch was the last; a batch another scheduler took entirely leaves the rest to it.
            if i64::try_from(groups.len()).unwrap_or(i64::MAX) < BATCH || !progress {
                break;
            }
        }
        if pass.digests > 0
            && let Some(wake) = &self.wake
        {
            wake.poke();
        }
        Ok(pass)
    }

    /// One (account, cadence, period), in one transaction.
    async fn gather(
        &self,
        account_id: &str,
        cadence: Cadence,
        period: &str,
        now_us: i64,
    ) -> Result<Gathered, sqlx::Error> {
        let mut tx = self.db.begin_write().await?;
        let rows = sqlx::query(
            "UPDATE digest_entries SET digested = 1 \
             WHERE account_id = $1 AND cadence = $2 AND period = $3 AND digested = 0 \
             RETURNING source_event, event_type, subject, params, occurred_at_us",
        )
        .bind(account_id)
        .bind(cadence.as_str())
        .bind(period)
        .fetch_all(&mut *tx)
        .await?;
        let mut entries = rows
            .iter()
            .map(|row| {
                Ok(Entry {
                    source_event: row.try_get(0)?,
                    event_type: row.try_get(1)?,
                    subject: row.try_get(2)?,
                    params: row.try_get(3)?,
                    occurred_at_us: row.try_get(4)?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let count = u32::try_from(entries.len()).unwrap_or(u32::MAX);
        if entries.is_empty() {
            tx.commit().await?;
            return Ok(Gathered::Nothing);
        }
        if cadence_now(&mut tx, account_id).await? == EmailCadence::Never {
            tx.commit().await?;
            return Ok(Gathered::Dropped { entries: count });
        }
        entries.sort_by(|a, b| (a.occurred_at_us, &a.source_event).cmp(&(b.occurred_at_us, &b.source_event)));
        let digest = digest_of(cadence, period, &entries);
        let occurred_at_us = entries.iter().map(|e| e.occurred_at_us).max().unwrap_or(now_us);
        let key = format!("digest/{}/{period}", cadence.as_str());
        let new = Delivery { account_id, cadence, digest: &digest, occurred_at_us, now_us };
        if !new.insert(&mut tx, &key).await? {
            let late = format!("{key}/{}", entries[0].source_event);
            if !new.insert(&mut tx, &late).await? {
                tracing::warn!(%key, "digest scheduler: entries taken twice; nothing new made");
            }
        }
        tx.commit().await?;
        Ok(Gathered::Digest { entries: count })
    }
}

/// The account's e-mail cadence now (the default when it set none).
async fn cadence_now(conn: &mut AnyConnection, account_id: &str) -> Result<EmailCadence, sqlx::Error> {
    let stored: Option<String> = sqlx::query_scalar("SELECT email_cadence FROM preferences WHERE account_id = $1")
        .bind(account_id)
        .fetch_optional(conn)
        .await?;
    Ok(stored.as_deref().and_then(EmailCadence::parse).unwrap_or_default())
}

/// What the digest of `entries` (oldest first) holds: per event only its
/// type, subject, public title and time.
fn digest_of(cadence: Cadence, period: &str, entries: &[Entry]) -> Digest {
    let (first_day, last_day) = period::days(cadence, period)
        .map(|(first, last)| (period::iso_date(first), period::iso_date(last)))
        .unwrap_or_default();
    let items = entries
        .iter()
        .take(MAX_ITEMS)
        .map(|entry| DigestItem {
            event_type: entry.event_type.clone(),
            subject: entry.subject.clone(),
            title: Params::from_json(&entry.params).ok().and_then(|params| params.title),
            occurred_at: period::rfc3339(entry.occurred_at_us),
        })
        .collect();
    Digest {
        period: period.to_owned(),
        first_day,
        last_day,
        total: u32::try_from(entries.len()).unwrap_or(u32::MAX),
        items,
    }
}

/// A digest delivery to write.
struct Delivery<'a> {
    account_id: &'a str,
    cadence: Cadence,
    digest: &'a Digest,
    occurred_at_us: i64,
    now_us: i64,
}

impl Delivery<'_> {
    /// Inserts it under `source_event`; false if that key was taken.
    async fn insert(&self, conn: &mut AnyConnection, source_event: &str) -> Result<bool, sqlx::Error> {
        let to = account_recipient(self.account_id);
        // A digest is about no one subject nor commune: both are empty, so its
        // one-click link stops every e-mail rather than one follow.
        let inserted = sqlx::query(
            "INSERT INTO deliveries (delivery_id, source_event, recipient, channel, commune, subject, event_type, \
             params, occurred_at_us, state, attempts, next_attempt_at_us, lease_until_us, claimed_by, last_error, \
             created_at_us) VALUES ($1, $2, $3, $4, '', '', $5, $6, $7, 'pending', 0, $8, 0, '', '', $9) \
             ON CONFLICT (source_event, recipient, channel) DO NOTHING",
        )
        .bind(delivery_id(source_event, &to, CHANNEL))
        .bind(source_event)
        .bind(&to)
        .bind(CHANNEL)
        .bind(self.cadence.event_type())
        .bind(self.digest.to_json())
        .bind(self.occurred_at_us)
        .bind(self.now_us)
        .bind(self.now_us)
        .execute(conn)
        .await?
        .rows_affected();
        Ok(inserted == 1)
    }
}
