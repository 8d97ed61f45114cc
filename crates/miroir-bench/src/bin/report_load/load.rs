//! The closed-loop driver: N workers, each sending its next request as soon
//! as the previous one answered, for a warm-up then a measured window; and
//! the two kinds of worker, report submissions over HTTP and raw single-row
//! inserts.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use miroir_platform::storage::Database;

/// One failed call: a short kind to count by (`HTTP 400`, `transport`,
/// `database`) and the first detail seen, to show.
#[derive(Debug)]
pub struct Failure {
    pub kind: String,
    pub detail: String,
}

/// One concurrent client. Each owns its connection or HTTP client.
pub trait Worker: Send + 'static {
    fn call(&mut self) -> impl Future<Output = Result<(), Failure>> + Send;
}

/// The warm-up and the measured window of a phase.
#[derive(Debug, Clone, Copy)]
pub struct Phase {
    pub warmup: Duration,
    pub duration: Duration,
}

/// What a phase measured.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Latencies of the calls that succeeded and finished inside the window, µs, sorted.
    latencies_us: Vec<u64>,
    window: Duration,
    /// Failures during the whole phase (warm-up included): kind → (count, first detail).
    pub errors: BTreeMap<String, (u64, String)>,
}

impl Outcome {
    pub fn successes(&self) -> usize {
        self.latencies_us.len()
    }

    pub fn per_second(&self) -> f64 {
        self.latencies_us.len() as f64 / self.window.as_secs_f64().max(1e-9)
    }

    /// The `p`-th percentile (0..=100) of the successful calls' latencies, in ms (nearest rank).
    pub fn percentile_ms(&self, p: f64) -> Option<f64> {
        percentile(&self.latencies_us, p).map(|us| us as f64 / 1000.0)
    }

    pub fn error_count(&self) -> u64 {
        self.errors.values().map(|(count, _)| count).sum()
    }

    /// `HTTP 503 ×12 (first: …); transport ×1 (first: …)`.
    pub fn error_summary(&self) -> String {
        self.errors
            .iter()
            .map(|(kind, (count, first))| format!("{kind} ×{count} (first: {first})"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

/// Runs every worker in its own task for the warm-up and then the window.
/// A call counts when it finishes inside the window; no call starts after it.
pub async fn drive<W: Worker>(workers: Vec<W>, phase: Phase) -> anyhow::Result<Outcome> {
    let start = Instant::now();
    let measure_from = start + phase.warmup;
    let end = measure_from + phase.duration;
    // A `JoinSet` aborts the workers if this future is dropped (Ctrl-C).
    let mut tasks = tokio::task::JoinSet::new();
    for mut worker in workers {
        tasks.spawn(async move {
            let mut outcome = Outcome::default();
            loop {
                let sent = Instant::now();
                if sent >= end {
                    break;
                }
                let result = worker.call().await;
                let done = Instant::now();
                match result {
                    Ok(()) if done >= measure_from && done <= end => {
                        let micros = u64::try_from((done - sent).as_micros()).unwrap_or(u64::MAX);
                        outcome.latencies_us.push(micros);
                    }
                    Ok(()) => {}
                    Err(failure) => {
                        let entry = outcome.errors.entry(failure.kind).or_insert((0, failure.detail));
                        entry.0 += 1;
                    }
                }
            }
            outcome
        });
    }
    let mut total = Outcome { window: phase.duration, ..Outcome::default() };
    while let Some(joined) = tasks.join_next().await {
        let outcome = joined.map_err(|e| anyhow::anyhow!("a load worker panicked: {e}"))?;
        total.latencies_us.extend(outcome.latencies_us);
        for (kind, (count, first)) in outcome.errors {
            total.errors.entry(kind).or_insert((0, first)).0 += count;
        }
    }
    total.latencies_us.sort_unstable();
    Ok(total)
}

/// Files one report per call as a signed-in resident, with a fresh
/// `Idempotency-Key` each time (each call is a new report, never a retry).
pub struct Submitter {
    pub http: reqwest::Client,
    pub url: String,
    pub token: String,
    pub body: bytes::Bytes,
}

impl Worker for Submitter {
    async fn call(&mut self) -> Result<(), Failure> {
        let response = self
            .http
            .post(&self.url)
            .bearer_auth(&self.token)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
            .body(self.body.clone())
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        // Read the whole answer: the call is done when the client has it.
        let body = response.bytes().await.map_err(transport)?;
        if status == reqwest::StatusCode::CREATED {
            Ok(())
        } else {
            Err(Failure { kind: format!("HTTP {}", status.as_u16()), detail: shorten(&String::from_utf8_lossy(&body)) })
        }
    }
}

fn transport(error: reqwest::Error) -> Failure {
    let kind = if error.is_timeout() { "timeout" } else { "transport" };
    Failure { kind: kind.to_owned(), detail: shorten(&chain(&error)) }
}

/// The baseline: one `INSERT` of one row per transaction, committed (durably:
/// PostgreSQL's defaults, SQLite in WAL with `synchronous=FULL`).
pub struct Inserter {
    pub db: Database,
    pub next_id: Arc<AtomicI64>,
    pub payload: Vec<u8>,
}

/// The scratch table of the baseline, created in the database it measures.
pub const BASELINE_TABLE: &str = "CREATE TABLE bench_baseline (id BIGINT PRIMARY KEY, payload BYTEA NOT NULL)";

impl Worker for Inserter {
    async fn call(&mut self) -> Result<(), Failure> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut tx = self.db.begin_write().await.map_err(database)?;
        sqlx::query("INSERT INTO bench_baseline (id, payload) VALUES ($1, $2)")
            .bind(id)
            .bind(self.payload.clone())
            .execute(&mut *tx)
            .await
            .map_err(database)?;
        tx.commit().await.map_err(database)
    }
}

fn database(error: sqlx::Error) -> Failure {
    Failure { kind: "database".to_owned(), detail: shorten(&chain(&error)) }
}

/// An error and its sources, `a: b: c`.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

fn shorten(text: &str) -> String {
    const MAX: usize = 300;
    let text = text.trim();
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&values, 50.0), Some(50));
        assert_eq!(percentile(&values, 99.0), Some(99));
        assert_eq!(percentile(&values, 100.0), Some(100));
        assert_eq!(percentile(&values, 0.0), Some(1));
        assert_eq!(percentile(&[7], 99.0), Some(7));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn long_details_are_cut() {
        assert_eq!(shorten("  court  "), "court");
        let long = "é".repeat(400);
        assert_eq!(shorten(&long).chars().count(), 301);
    }
}
