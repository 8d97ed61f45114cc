//! The e-mail sender: tasks that take due e-mail deliveries from the outbox
//! one at a time, ask the address book for the recipient's address, render
//! the message in the recipient's language at that moment, hand it to the
//! mail relay and record how the attempt ended.
//!
//! Exactly once, as far as SMTP allows: a delivery row exists once per event
//! and recipient (the intake's unique key); a sender claims it with a lease
//! ([`crate::outbox`]), and marks it right after the relay answered. A
//! sender is stopped only between messages (its [`CancellationToken`] is not
//! looked at during a send), so on a graceful stop the message in flight is
//! sent and marked. Only a crash between the relay's acceptance and the mark
//! sends a message twice, when its lease runs out: the copy has the same
//! `Message-ID` (`<delivery_id@domain>`), which mail stores recognise.
//!
//! Addresses never go to the logs: a log line names the delivery and its
//! event type. [`LogMailer`] stands in for a relay in the embedded mode
//! without SMTP.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use miroir_mail::{Email, SendError, SmtpMailer};
use miroir_platform::storage::Database;
use sqlx::Row;
use tokio_util::sync::CancellationToken;

use crate::directory::Directory;
use crate::domain::preferences::{EmailCadence, Locale};
use crate::outbox::{Claim, EMAIL_BACKOFF, Outbox, Outcome, finish_patiently, jitter};
use crate::read_model::query;
use crate::render::Catalogue;
use crate::render::email::{StoredEmail, UnsubscribeLink, render_stored};
use crate::unsubscribe::{Scope, UnsubscribeKey};
use crate::workers::Workers;

/// The channel of the deliveries this sender takes.
pub const CHANNEL: &str = "email";

/// A boxed future, so that the trait can be used as `dyn Mailer`.
pub type MailFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SendError>> + Send + 'a>>;

/// Whatever hands a message over: the SMTP relay, or a stand-in.
pub trait Mailer: Send + Sync {
    /// Sends `email`, a message about an event of type `event_type`. `Ok`
    /// when the relay accepted it.
    fn send<'a>(&'a self, email: &'a Email, event_type: &'a str) -> MailFuture<'a>;
}

impl Mailer for SmtpMailer {
    fn send<'a>(&'a self, email: &'a Email, _event_type: &'a str) -> MailFuture<'a> {
        Box::pin(SmtpMailer::send(self, email))
    }
}

/// The mailer of a platform without an SMTP relay (the embedded mode on a
/// laptop): each message is logged by its delivery id and event type, never
/// with its address or contents, and counts as sent.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogMailer;

impl Mailer for LogMailer {
    fn send<'a>(&'a self, email: &'a Email, event_type: &'a str) -> MailFuture<'a> {
        tracing::info!(
            delivery_id = %email.message_id,
            event_type,
            language = %email.language,
            "e-mail not sent: no SMTP relay is configured"
        );
        Box::pin(async { Ok(()) })
    }
}

/// Now, in Unix microseconds (tests move it forward to reach a retry's time).
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// How long a claimed e-mail is its sender's unless configured otherwise:
/// well beyond the SMTP client's own limit on one send (60 s).
pub const DEFAULT_LEASE: Duration = Duration::from_secs(120);

/// How the senders work.
#[derive(Debug, Clone)]
pub struct SenderConfig {
    /// The site's address (`https://miroir.example`): links in messages point there.
    pub public_url: String,
    /// How many messages are sent at once (one task each).
    pub concurrency: usize,
    /// How long a claimed delivery is this sender's before another may take
    /// it: longer than a send may last (the relay's timeouts).
    pub lease: Duration,
    /// How long a sender waits when nothing is due, unless woken.
    pub idle_poll: Duration,
}

impl SenderConfig {
    /// Two senders, a two-minute lease, a look every two seconds when idle.
    pub fn new(public_url: impl Into<String>) -> Self {
        Self {
            public_url: public_url.into().trim_end_matches('/').to_owned(),
            concurrency: 2,
            lease: DEFAULT_LEASE,
            idle_poll: Duration::from_secs(2),
        }
    }
}

pub use crate::workers::Wake;

#[derive(Debug, thiserror::Error)]
pub enum SenderError {
    #[error("outbox: {0}")]
    Database(#[from] sqlx::Error),
}

/// One attempt, as a sender made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempted {
    pub delivery_id: String,
    pub outcome: Outcome,
    /// False when the row was no longer this sender's when it recorded the
    /// outcome (its lease had run out and another sender took it).
    pub recorded: bool,
}

/// The e-mail senders of one process.
#[derive(Clone)]
pub struct EmailSender {
    outbox: Outbox,
    directory: Arc<dyn Directory>,
    mailer: Arc<dyn Mailer>,
    key: UnsubscribeKey,
    config: Arc<SenderConfig>,
    clock: Clock,
    wake: Wake,
    /// This sender's name in `claimed_by` (a worker adds its number).
    instance: String,
}

impl EmailSender {
    pub fn new(
        db: Database,
        directory: Arc<dyn Directory>,
        mailer: Arc<dyn Mailer>,
        key: UnsubscribeKey,
        config: SenderConfig,
    ) -> Self {
        Self {
            outbox: Outbox::new(db),
            directory,
            mailer,
            key,
            config: Arc::new(config),
            clock: Arc::new(miroir_platform::clock::now_us),
            wake: Wake::default(),
            instance: uuid::Uuid::new_v4().simple().to_string(),
        }
    }

    /// Another clock than the wall clock.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// What wakes this sender's tasks.
    pub fn wake(&self) -> Wake {
        self.wake.clone()
    }

    /// Runs [`SenderConfig::concurrency`] senders until `token` is cancelled;
    /// returns once each has finished the message it was sending.
    pub async fn run(self, token: CancellationToken) {
        let workers = Workers {
            instance: self.instance.clone(),
            concurrency: self.config.concurrency,
            idle_poll: self.config.idle_poll,
            wake: self.wake.clone(),
            what: "e-mail sender",
        };
        workers
            .run(token, move |name| {
                let sender = self.clone();
                Box::pin(async move { sender.send_next(&name).await.map(|a| a.is_some()).map_err(|e| e.to_string()) })
            })
            .await;
    }

    /// Claims one due e-mail as `claimed_by`, makes its attempt and records
    /// it; `None` when nothing is due.
    pub async fn send_next(&self, claimed_by: &str) -> Result<Option<Attempted>, SenderError> {
        let lease_us = i64::try_from(self.config.lease.as_micros()).unwrap_or(i64::MAX);
        let Some(claim) = self.outbox.claim(CHANNEL, claimed_by, (self.clock)(), lease_us).await? else {
            return Ok(None);
        };
        let outcome = self.attempt(&claim).await;
        let recorded = self.record(&claim, &outcome).await?;
        if recorded {
            tracing::info!(
                delivery_id = %claim.delivery_id,
                event_type = %claim.event_type,
                attempt = claim.attempt,
                outcome = ?outcome,
                "e-mail attempt"
            );
        } else {
            tracing::warn!(
                delivery_id = %claim.delivery_id,
                attempt = claim.attempt,
                "e-mail attempt not recorded: the delivery's lease ran out and another sender took it"
            );
        }
        Ok(Some(Attempted { delivery_id: claim.delivery_id, outcome, recorded }))
    }

    /// Records an outcome (patiently: see [`finish_patiently`]).
    async fn record(&self, claim: &Claim, outcome: &Outcome) -> Result<bool, SenderError> {
        let finish = || self.outbox.finish(claim, outcome, (self.clock)());
        Ok(finish_patiently(&claim.delivery_id, CHANNEL, self.config.lease, finish).await?)
    }

    /// After a failure worth retrying: the next try, or failed once the schedule is exhausted.
    fn retry_or_fail(&self, claim: &Claim, error: String) -> Outcome {
        let now = (self.clock)();
        match EMAIL_BACKOFF.next_attempt_at(claim.attempt, now, jitter(&claim.delivery_id, claim.attempt)) {
            Some(at_us) => Outcome::Retry { error, at_us },
            None => Outcome::Failed { error: format!("{error} (gave up after {} attempts)", claim.attempt) },
        }
    }

    /// One attempt at `claim`: every failure becomes an outcome.
    async fn attempt(&self, claim: &Claim) -> Outcome {
        let Some(account_id) = claim.account_id() else {
            return Outcome::Failed { error: "the recipient is not an account".into() };
        };
        let db = self.outbox.database();
        let ids = [account_id.to_owned()];
        let recipient = match self.directory.recipients(&ids).await {
            Ok(found) => found.into_iter().find(|r| r.account_id == account_id),
            Err(error) => {
                tracing::warn!(delivery_id = %claim.delivery_id, %error, "e-mail sender: no answer from the address book");
                return self.retry_or_fail(claim, "address book unavailable".into());
            }
        };
        let recipient = match recipient {
            None => return Outcome::Cancelled { reason: "no such account".into() },
            Some(r) if r.deleted => return Outcome::Cancelled { reason: "account deleted".into() },
            Some(r) if r.email.trim().is_empty() => return Outcome::Cancelled { reason: "no e-mail address".into() },
            Some(r) if !r.email_verified => {
                return Outcome::Cancelled { reason: "e-mail address not verified".into() };
            }
            Some(r) => r,
        };
        let (preferences, set_at) = match query::preferences(db, account_id).await {
            Ok(found) => found,
            Err(error) => {
                tracing::warn!(delivery_id = %claim.delivery_id, %error, "e-mail sender: preferences unreadable");
                return self.retry_or_fail(claim, "preferences unavailable".into());
            }
        };
        // The account turned e-mail off after this one was queued (one-click unsubscribe included).
        if preferences.email_cadence == EmailCadence::Never {
            return Outcome::Cancelled { reason: "e-mail turned off".into() };
        }
        let locale = if set_at > 0 {
            preferences.locale
        } else {
            recipient.locale.as_deref().and_then(|l| Locale::parse(l).ok()).unwrap_or_default()
        };
        let follows = match follows(db, account_id, &claim.subject).await {
            Ok(follows) => follows,
            Err(error) => {
                tracing::warn!(delivery_id = %claim.delivery_id, %error, "e-mail sender: follows unreadable");
                return self.retry_or_fail(claim, "follows unavailable".into());
            }
        };
        // A followed subject's message unsubscribes from that subject; any other stops e-mail altogether.
        let scope = if follows { Scope::Follow(claim.subject.clone()) } else { Scope::All };
        let token = match self.key.token(account_id, &scope) {
            Ok(token) => token,
            Err(error) => return Outcome::Failed { error: error.to_string() },
        };
        let unsubscribe = UnsubscribeLink {
            url: format!("{}/desabonnement/{token}", self.config.public_url),
            follow: matches!(scope, Scope::Follow(_)),
        };
        let stored = StoredEmail {
            event_type: &claim.event_type,
            subject: &claim.subject,
            params: &claim.params,
            public_url: &self.config.public_url,
            unsubscribe: &unsubscribe,
        };
        let rendered = match render_stored(&Catalogue::new(locale), &stored) {
            Ok(rendered) => rendered,
            Err(error) => return Outcome::Failed { error: error.to_string() },
        };
        let email = Email {
            to: recipient.email.trim().to_owned(),
            subject: rendered.subject,
            text: rendered.text,
            html: rendered.html,
            language: locale.as_str().to_owned(),
            message_id: claim.delivery_id.clone(),
            unsubscribe_url: Some(unsubscribe.url),
        };
        match self.mailer.send(&email, &claim.event_type).await {
            Ok(()) => Outcome::Sent,
            Err(SendError::Permanent(error)) => Outcome::Failed { error },
            Err(SendError::Transient(error)) => self.retry_or_fail(claim, error),
        }
    }
}

/// Whether `account_id` follows `subject` now.
async fn follows(db: &Database, account_id: &str, subject: &str) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("SELECT following FROM follows WHERE account_id = $1 AND subject = $2")
        .bind(account_id)
        .bind(subject)
        .fetch_optional(db.pool())
        .await?;
    Ok(match row {
        Some(row) => row.try_get::<i64, _>(0)? != 0,
        None => false,
    })
}
