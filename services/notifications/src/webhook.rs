//! Webhooks for city IT, as Standard Webhooks (v1, symmetric) defines them:
//! the signing ([`sign`], [`signature_header`]), the thin JSON body
//! ([`payload`]), and the senders ([`WebhookSender`]) that take due webhook
//! deliveries from the outbox one at a time, POST them and record how each
//! attempt ended.
//!
//! Each POST carries `webhook-id: msg_{delivery id}` (the same on every
//! retry and replay: receivers deduplicate on it), `webhook-timestamp` (Unix
//! seconds of the attempt) and `webhook-signature: v1,{base64 HMAC-SHA256 of
//! "{id}.{timestamp}.{body}"}`, with a second `v1,` signature by the previous
//! secret for a day after a rotation. A 2xx is success; a 3xx is a failure
//! (redirects are not followed: the endpoint is the URL registered); `410
//! Gone` disables the endpoint at once; anything else is tried again on the
//! [`WEBHOOK_BACKOFF`] schedule (honouring `Retry-After` on 429 and 503), and
//! when the schedule is exhausted the endpoint is disabled, through its
//! decider, with the reason shown to the commune ("no 2xx since …; last:
//! HTTP 500"); what was waiting for it is then held until a replay.
//!
//! Exactly once as far as HTTP allows, as for e-mail ([`crate::email`]): one
//! row per event and endpoint, claimed with a lease, marked right after the
//! answer; only a crash between the endpoint's answer and the mark sends a
//! delivery again, with the same `webhook-id`.
//!
//! Where requests may go: the URL was checked when registered (https, a
//! public host), and is checked again before each attempt; host names are
//! resolved by [`PublicResolver`], which drops loopback, private, link-local
//! and shared addresses, so that DNS cannot point a webhook inside. No proxy
//! is used. The `allow_loopback` flag (tests, a laptop) lets loopback through.
//!
//! The body holds no personal data and no free text: the event type, when it
//! happened, and resource names, statuses, codes and dates. Receivers read
//! the rest through the API, with their own rights.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use miroir_eventstore::decider::{Target, execute};
use miroir_eventstore::{EventStore, Metadata};
use reqwest_for_object_store as reqwest;
use ring::hmac;
use sqlx::Row;
use tokio_util::sync::CancellationToken;

use crate::domain::InseeCode;
use crate::domain::webhook::{self, Command, Scope, WebhookEndpointDecider, WebhookUrl, is_public_ip};
use crate::email::{Attempted, Clock, SenderError, Wake};
use crate::intake::announcement::{EventType, param};
use crate::outbox::{Claim, Outbox, Outcome, WEBHOOK_BACKOFF, finish_patiently, jitter};
use crate::read_model::NotificationsView;
use crate::workers::Workers;

pub use crate::read_model::webhooks::CHANNEL;

/// What a secret's text starts with.
pub const SECRET_PREFIX: &str = "whsec_";

/// How many random bytes a secret has.
pub const SECRET_BYTES: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("no randomness for a secret")]
    Random,
    #[error("the HTTP client could not be built: {0}")]
    Client(String),
    #[error("the delivery's parameters are not a JSON object of strings: {0}")]
    Params(String),
    #[error("unknown event type `{0}`")]
    EventType(String),
}

/// The `webhook-id` of a delivery: the same on every attempt and replay.
pub fn webhook_id(delivery_id: &str) -> String {
    format!("msg_{delivery_id}")
}

/// A new signing key: [`SECRET_BYTES`] random bytes.
pub fn generate_secret() -> Result<Vec<u8>, WebhookError> {
    let mut key = vec![0_u8; SECRET_BYTES];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut key).map_err(|_| WebhookError::Random)?;
    Ok(key)
}

/// A key as shown once to whoever registers or rotates: `whsec_` + base64.
pub fn secret_text(key: &[u8]) -> String {
    format!("{SECRET_PREFIX}{}", STANDARD.encode(key))
}

/// The key in a secret's text (with or without its `whsec_` prefix).
pub fn parse_secret(text: &str) -> Option<Vec<u8>> {
    STANDARD.decode(text.strip_prefix(SECRET_PREFIX).unwrap_or(text)).ok().filter(|key| !key.is_empty())
}

/// One signature: `v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).
pub fn sign(key: &[u8], webhook_id: &str, timestamp_s: i64, body: &[u8]) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key);
    let mut context = hmac::Context::with_key(&key);
    context.update(webhook_id.as_bytes());
    context.update(b".");
    context.update(timestamp_s.to_string().as_bytes());
    context.update(b".");
    context.update(body);
    format!("v1,{}", STANDARD.encode(context.sign().as_ref()))
}

/// The `webhook-signature` header: one signature per key, separated by spaces.
pub fn signature_header(keys: &[&[u8]], webhook_id: &str, timestamp_s: i64, body: &[u8]) -> String {
    keys.iter().map(|key| sign(key, webhook_id, timestamp_s, body)).collect::<Vec<_>>().join(" ")
}

/// RFC 3339 in UTC, to the second at most ("2026-03-01T09:30:00Z").
pub fn rfc3339(at_us: i64) -> String {
    let at = time::OffsetDateTime::from_unix_timestamp(at_us.div_euclid(1_000_000))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// The parameters that go into a body's `data` as they are: codes, statuses,
/// resource names, counts. Titles, messages and reasons stay out (free text,
/// which may name people); receivers read them through the API.
const PLAIN: &[&str] = &[
    param::STATUS,
    param::CATEGORY,
    param::DEPARTMENT,
    param::KIND,
    param::SPACE,
    param::INTO,
    param::REPORT,
    param::SUPPORTS,
];

/// The parameters that are times (Unix microseconds), given as RFC 3339 without `_us`.
const TIMES: &[(&str, &str)] = &[(param::ANSWER_DUE_AT_US, "answer_due_at"), (param::PUBLISHED_AT_US, "published_at")];

/// The body of a delivery: `{"type", "timestamp", "data": {"commune",
/// "subject", …}}`, the same bytes on every attempt (keys in order).
pub fn payload(claim: &Claim) -> Result<Vec<u8>, WebhookError> {
    let event_type = EventType::parse(&claim.event_type)
        .and_then(EventType::webhook_type)
        .ok_or_else(|| WebhookError::EventType(claim.event_type.clone()))?;
    let params: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&claim.params).map_err(|e| WebhookError::Params(e.to_string()))?;
    let text = |key: &str| params.get(key).and_then(serde_json::Value::as_str).filter(|v| !v.is_empty());
    let mut data = serde_json::Map::new();
    data.insert("commune".into(), claim.commune.clone().into());
    data.insert("subject".into(), claim.subject.clone().into());
    for key in PLAIN {
        if let Some(value) = text(key) {
            data.insert((*key).to_owned(), value.into());
        }
    }
    for (key, name) in TIMES {
        if let Some(at_us) = text(key).and_then(|v| v.parse::<i64>().ok()) {
            data.insert((*name).to_owned(), rfc3339(at_us).into());
        }
    }
    let body = serde_json::json!({
        "type": event_type,
        "timestamp": rfc3339(claim.occurred_at_us),
        "data": data,
    });
    serde_json::to_vec(&body).map_err(|e| WebhookError::Params(e.to_string()))
}

/// Resolves host names to their public addresses only (and loopback when
/// allowed): a webhook cannot be pointed by DNS at this machine or a private
/// network, also after it was registered (DNS rebinding).
#[derive(Debug, Clone, Copy)]
pub struct PublicResolver {
    pub allow_loopback: bool,
}

impl reqwest::dns::Resolve for PublicResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        let allow_loopback = self.allow_loopback;
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| is_public_ip(a.ip()) || (allow_loopback && a.ip().is_loopback()))
                .collect();
            if allowed.is_empty() {
                return Err("the host has no public address".into());
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// How the webhook senders work.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// How many deliveries are POSTed at once (one task each).
    pub concurrency: usize,
    /// How long a claimed delivery is this sender's: longer than [`Self::timeout`].
    pub lease: Duration,
    /// How long a sender waits when nothing is due, unless woken.
    pub idle_poll: Duration,
    /// How long an endpoint has to answer.
    pub timeout: Duration,
    /// Also POST to http and https URLs on this machine (tests, a laptop).
    pub allow_loopback: bool,
}

impl Default for WebhookConfig {
    /// Two senders, a 15 s timeout, a one-minute lease, a look every two seconds when idle.
    fn default() -> Self {
        Self {
            concurrency: 2,
            lease: Duration::from_secs(60),
            idle_poll: Duration::from_secs(2),
            timeout: Duration::from_secs(15),
            allow_loopback: false,
        }
    }
}

/// Where a delivery goes, as its endpoint is now.
struct Destination {
    url: String,
    commune: String,
    enabled: bool,
    client_revoked: bool,
    secret: Vec<u8>,
    previous: Option<(Vec<u8>, i64)>,
}

async fn destination(outbox: &Outbox, endpoint_id: &str) -> Result<Option<Destination>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT e.url, e.commune, e.enabled, COALESCE(c.revoked, 0), s.secret, s.previous, s.previous_until_us \
         FROM webhook_endpoints e JOIN webhook_secrets s ON s.endpoint_id = e.endpoint_id \
         LEFT JOIN clients c ON c.client_id = e.client_id WHERE e.endpoint_id = $1",
    )
    .bind(endpoint_id)
    .fetch_optional(outbox.database().pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let previous = match (row.try_get::<Option<Vec<u8>>, _>(5)?, row.try_get::<Option<i64>, _>(6)?) {
        (Some(key), Some(until)) => Some((key, until)),
        _ => None,
    };
    Ok(Some(Destination {
        url: row.try_get(0)?,
        commune: row.try_get(1)?,
        enabled: row.try_get::<i64, _>(2)? != 0,
        client_revoked: row.try_get::<i64, _>(3)? != 0,
        secret: row.try_get(4)?,
        previous,
    }))
}

/// One attempt's result: what to record, the endpoint's status, and the
/// reason to disable the endpoint with, if it must be.
struct Tried {
    outcome: Outcome,
    http_status: Option<u16>,
    disable: Option<String>,
}

impl Tried {
    fn just(outcome: Outcome) -> Self {
        Self { outcome, http_status: None, disable: None }
    }
}

/// The webhook senders of one process.
#[derive(Clone)]
pub struct WebhookSender {
    outbox: Outbox,
    store: EventStore,
    http: reqwest::Client,
    config: Arc<WebhookConfig>,
    clock: Clock,
    wake: Wake,
    /// This sender's name in `claimed_by` (a worker adds its number).
    instance: String,
}

impl WebhookSender {
    /// Senders for the deliveries in `store`'s database (the endpoint is
    /// disabled through `store`'s log).
    pub fn new(store: EventStore, config: WebhookConfig) -> Result<Self, WebhookError> {
        // reqwest 0.13 is built with rustls but no crypto provider: ring is the process's one.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.timeout)
            .no_proxy()
            .dns_resolver(Arc::new(PublicResolver { allow_loopback: config.allow_loopback }))
            .user_agent("Miroir-Webhooks/1")
            .build()
            .map_err(|e| WebhookError::Client(e.to_string()))?;
        Ok(Self {
            outbox: Outbox::new(store.database().clone()),
            store,
            http,
            config: Arc::new(config),
            clock: Arc::new(miroir_platform::clock::now_us),
            wake: Wake::default(),
            instance: uuid::Uuid::new_v4().simple().to_string(),
        })
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

    /// Runs [`WebhookConfig::concurrency`] senders until `token` is
    /// cancelled; returns once each has finished the delivery it was sending.
    pub async fn run(self, token: CancellationToken) {
        let workers = Workers {
            instance: self.instance.clone(),
            concurrency: self.config.concurrency,
            idle_poll: self.config.idle_poll,
            wake: self.wake.clone(),
            what: "webhook sender",
        };
        workers
            .run(token, move |name| {
                let sender = self.clone();
                Box::pin(async move { sender.send_next(&name).await.map(|a| a.is_some()).map_err(|e| e.to_string()) })
            })
            .await;
    }

    /// Claims one due webhook delivery as `claimed_by`, POSTs it and records
    /// the attempt; `None` when nothing is due.
    pub async fn send_next(&self, claimed_by: &str) -> Result<Option<Attempted>, SenderError> {
        let lease_us = i64::try_from(self.config.lease.as_micros()).unwrap_or(i64::MAX);
        let Some(claim) = self.outbox.claim(CHANNEL, claimed_by, (self.clock)(), lease_us).await? else {
            return Ok(None);
        };
        let tried = self.attempt(&claim).await;
        let recorded = self.record(&claim, &tried).await?;
        if recorded {
            tracing::info!(
                delivery_id = %claim.delivery_id,
                event_type = %claim.event_type,
                attempt = claim.attempt,
                http_status = tried.http_status,
                outcome = ?tried.outcome,
                "webhook attempt"
            );
            if let Some(reason) = &tried.disable {
                self.disable(&claim, reason).await;
            }
        } else {
            tracing::warn!(
                delivery_id = %claim.delivery_id,
                attempt = claim.attempt,
                "webhook attempt not recorded: the delivery's lease ran out and another sender took it"
            );
        }
        Ok(Some(Attempted { delivery_id: claim.delivery_id, outcome: tried.outcome, recorded }))
    }

    /// Records an outcome (patiently: see [`finish_patiently`]).
    async fn record(&self, claim: &Claim, tried: &Tried) -> Result<bool, SenderError> {
        let finish = || self.outbox.finish_with_status(claim, &tried.outcome, (self.clock)(), tried.http_status);
        Ok(finish_patiently(&claim.delivery_id, "webhook", self.config.lease, finish).await?)
    }

    /// Disables the delivery's endpoint, as the service (`by` ""), through its decider.
    async fn disable(&self, claim: &Claim, reason: &str) {
        let (Some(endpoint_id), Ok(commune)) = (claim.endpoint_id(), InseeCode::parse(&claim.commune)) else {
            return;
        };
        let target = Target {
            commune: claim.commune.clone(),
            aggregate_type: webhook::AGGREGATE,
            aggregate_id: endpoint_id.to_owned(),
            request_id: None,
        };
        let at_us = (self.clock)();
        let command = || Command::Disable {
            scope: Scope { commune: commune.clone(), client_id: None },
            reason: reason.to_owned(),
            by: String::new(),
            at_us,
        };
        let metadata = Metadata::for_command(String::new(), None);
        match execute::<WebhookEndpointDecider, _>(&self.store, &target, metadata, &NotificationsView, command).await {
            Ok(_) => tracing::warn!(endpoint_id, %reason, "webhook endpoint disabled"),
            // Removed meanwhile: nothing to disable. Another failure: the next exhausted delivery tries again.
            Err(error) => tracing::warn!(endpoint_id, %error, "webhook endpoint not disabled"),
        }
    }

    /// After a failure of the endpoint's: the next try, or failed (and the
    /// endpoint disabled) once the schedule is exhausted.
    async fn retry_or_give_up(
        &self,
        claim: &Claim,
        error: String,
        status: Option<u16>,
        at_least: Option<i64>,
    ) -> Tried {
        let now = (self.clock)();
        let run = claim.attempt_of_run();
        let next = WEBHOOK_BACKOFF.next_attempt_at(run, now, jitter(&claim.delivery_id, claim.attempt));
        if let Some(at_us) = next {
            // Retry-After is honoured up to a day: an endpoint cannot park its deliveries for longer.
            let at_us = at_least.map_or(at_us, |asked| at_us.max(asked.min(now + 86_400_000_000)));
            return Tried { outcome: Outcome::Retry { error, at_us }, http_status: status, disable: None };
        }
        let since = self.first_failure(claim).await.unwrap_or(now);
        Tried {
            outcome: Outcome::Failed { error: format!("{error} (gave up after {run} attempts)") },
            http_status: status,
            disable: Some(format!("no 2xx since {}; last: {error}", rfc3339(since))),
        }
    }

    /// When this delivery's current run of attempts began.
    async fn first_failure(&self, claim: &Claim) -> Option<i64> {
        sqlx::query("SELECT MIN(at_us) FROM delivery_attempts WHERE delivery_id = $1 AND attempt > $2")
            .bind(&claim.delivery_id)
            .bind(claim.attempts_before_replay)
            .fetch_one(self.outbox.database().pool())
            .await
            .ok()?
            .try_get::<Option<i64>, _>(0)
            .ok()?
    }

    /// One attempt at `claim`: every failure becomes an outcome.
    async fn attempt(&self, claim: &Claim) -> Tried {
        let Some(endpoint_id) = claim.endpoint_id() else {
            return Tried::just(Outcome::Failed { error: "the recipient is not a webhook endpoint".into() });
        };
        let destination = match destination(&self.outbox, endpoint_id).await {
            Ok(Some(destination)) => destination,
            Ok(None) => return Tried::just(Outcome::Cancelled { reason: "endpoint removed".into() }),
            Err(error) => {
                tracing::warn!(delivery_id = %claim.delivery_id, %error, "webhook sender: endpoint unreadable");
                let at_us = (self.clock)() + 5_000_000;
                return Tried::just(Outcome::Retry { error: "endpoint unavailable".into(), at_us });
            }
        };
        if destination.client_revoked {
            return Tried::just(Outcome::Cancelled { reason: "integration client revoked".into() });
        }
        if !destination.enabled {
            return Tried::just(Outcome::Held { reason: "endpoint disabled".into() });
        }
        if destination.commune != claim.commune {
            return Tried::just(Outcome::Cancelled { reason: "endpoint of another commune".into() });
        }
        if let Err(error) = WebhookUrl::parse(&destination.url, self.config.allow_loopback) {
            return Tried::just(Outcome::Failed { error: format!("the endpoint's URL is not allowed here ({error})") });
        }
        let body = match payload(claim) {
            Ok(body) => body,
            Err(error) => return Tried::just(Outcome::Failed { error: error.to_string() }),
        };
        let now = (self.clock)();
        let timestamp = now.div_euclid(1_000_000);
        let id = webhook_id(&claim.delivery_id);
        let mut keys: Vec<&[u8]> = vec![&destination.secret];
        if let Some((previous, until)) = &destination.previous
            && now < *until
        {
            keys.push(previous);
        }
        let signature = signature_header(&keys, &id, timestamp, &body);
        let sent = self
            .http
            .post(&destination.url)
            .header("content-type", "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(error) => {
                let error = describe(&error, self.config.timeout);
                return self.retry_or_give_up(claim, error, None, None).await;
            }
        };
        let status = response.status();
        let code = status.as_u16();
        if status.is_success() {
            return Tried { outcome: Outcome::Sent, http_status: Some(code), disable: None };
        }
        if code == 410 {
            let error = "HTTP 410 Gone".to_owned();
            return Tried {
                outcome: Outcome::Failed { error: error.clone() },
                http_status: Some(code),
                disable: Some(format!("the endpoint answered {error} on {}", rfc3339(now))),
            };
        }
        let retry_after = if code == 429 || code == 503 {
            response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<i64>().ok())
                .map(|seconds| now.saturating_add(seconds.max(0).saturating_mul(1_000_000)))
        } else {
            None
        };
        let error = if status.is_redirection() {
            format!("HTTP {code} (redirects are not followed)")
        } else {
            format!("HTTP {code}")
        };
        self.retry_or_give_up(claim, error, Some(code), retry_after).await
    }
}

/// What went wrong with a request, without its URL (which may hold a token).
fn describe(error: &reqwest::Error, timeout: Duration) -> String {
    if error.is_timeout() {
        return format!("no answer within {} s", timeout.as_secs());
    }
    let mut text = if error.is_connect() { "could not connect".to_owned() } else { "request failed".to_owned() };
    let mut source = std::error::Error::source(error);
    let mut depth = 0;
    while let Some(cause) = source
        && depth < 3
    {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
        depth += 1;
    }
    text.chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_the_standard_webhooks_test_vector() {
        let key = parse_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("a secret");
        let signature = sign(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, br#"{"test": 2432232314}"#);
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn a_rotation_signs_with_both_keys() {
        let (new, old) = (generate_secret().expect("key"), generate_secret().expect("key"));
        assert_ne!(new, old);
        let header = signature_header(&[&new, &old], "msg_1", 10, b"{}");
        let parts: Vec<&str> = header.split(' ').collect();
        assert_eq!(parts, [sign(&new, "msg_1", 10, b"{}"), sign(&old, "msg_1", 10, b"{}")]);
    }

    #[test]
    fn secrets_are_whsec_and_base64_of_32_random_bytes() {
        let key = generate_secret().expect("key");
        assert_eq!(key.len(), SECRET_BYTES);
        let text = secret_text(&key);
        assert!(text.starts_with("whsec_"));
        assert_eq!(parse_secret(&text), Some(key));
        assert_eq!(parse_secret("whsec_!!"), None);
        assert_eq!(parse_secret("whsec_"), None);
    }

    fn claim(event_type: &str, params: serde_json::Value) -> Claim {
        Claim {
            delivery_id: "d1".into(),
            source_event: "reports/7".into(),
            recipient: "endpoint:e1".into(),
            channel: CHANNEL.into(),
            commune: "75056".into(),
            subject: "communes/75056/reports/r1".into(),
            event_type: event_type.into(),
            params: params.to_string(),
            occurred_at_us: 1_614_265_330_500_000,
            attempt: 1,
            attempts_before_replay: 0,
            claimed_by: "me".into(),
        }
    }

    #[test]
    fn a_body_is_thin_and_holds_no_free_text() {
        let params = serde_json::json!({
            "commune": "75056",
            "title": "Anne Dupont's pothole",
            "status": "resolved",
            "message": "Merci Mme Dupont",
            "category": "voirie",
            "published_at_us": "1614265330000000",
        });
        let body = payload(&claim("report_resolved", params)).expect("a body");
        let text = String::from_utf8(body.clone()).expect("utf-8");
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&body).expect("json"),
            serde_json::json!({
                "type": "report.resolved",
                "timestamp": "2021-02-25T15:02:10Z",
                "data": {
                    "commune": "75056",
                    "subject": "communes/75056/reports/r1",
                    "status": "resolved",
                    "category": "voirie",
                    "published_at": "2021-02-25T15:02:10Z",
                },
            })
        );
        assert!(!text.contains("Dupont"), "{text}");
        let same = claim("report_resolved", serde_json::json!({"status": "new"}));
        assert_eq!(payload(&same).expect("once"), payload(&same).expect("twice"), "the same bytes every time");
        assert!(matches!(payload(&claim("content_hidden", serde_json::json!({}))), Err(WebhookError::EventType(_))));
        assert!(matches!(payload(&claim("report_resolved", serde_json::json!([1]))), Err(WebhookError::Params(_))));
    }

    #[tokio::test]
    async fn host_names_resolve_to_public_addresses_only() {
        use reqwest::dns::Resolve;
        let name = |host: &str| host.parse::<reqwest::dns::Name>().expect("a name");
        let refused = PublicResolver { allow_loopback: false }.resolve(name("localhost")).await;
        assert!(refused.is_err(), "localhost is this machine");
        let allowed = PublicResolver { allow_loopback: true }.resolve(name("localhost")).await;
        assert!(allowed.expect("allowed on a test platform").all(|a| a.ip().is_loopback()));
    }

    #[test]
    fn times_are_rfc3339_in_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_614_265_330_999_999), "2021-02-25T15:02:10Z");
    }
}
