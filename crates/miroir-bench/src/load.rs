//! The closed-loop driver: N workers, each sending its next request as soon
//! as the previous one answered, for a warm-up then a measured window; what
//! it measured, by kind of request; and two kinds of worker, report
//! submissions over HTTP and raw single-row inserts.

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
    /// One request: what kind of request it was (a short label, `report
    /// submission`, `GET report page`…), and whether it succeeded.
    fn call(&mut self) -> impl Future<Output = (&'static str, Result<(), Failure>)> + Send;
}

/// The warm-up and the measured window of a phase.
#[derive(Debug, Clone, Copy)]
pub struct Phase {
    pub warmup: Duration,
    pub duration: Duration,
}

/// What a phase measured.
#[derive(Debug, Default, Clone)]
pub struct Outcome {
    /// The calls that succeeded and finished inside the window: (latency µs,
    /// request label), sorted by latency.
    samples: Vec<(u64, &'static str)>,
    window: Duration,
    /// Failures during the whole phase (warm-up included): (request label,
    /// failure kind) → (count, first detail).
    pub errors: BTreeMap<(&'static str, String), (u64, String)>,
}

impl Outcome {
    pub fn successes(&self) -> usize {
        self.samples.len()
    }

    pub fn per_second(&self) -> f64 {
        self.samples.len() as f64 / self.window.as_secs_f64().max(1e-9)
    }

    /// The `p`-th percentile (0..=100) of the successful calls' latencies, in ms (nearest rank).
    pub fn percentile_ms(&self, p: f64) -> Option<f64> {
        percentile(&self.samples, p).map(|(us, _)| us as f64 / 1000.0)
    }

    pub fn error_count(&self) -> u64 {
        self.errors.values().map(|(count, _)| count).sum()
    }

    /// `report submission: HTTP 503 ×12 (first: …); GET home page: transport ×1 (first: …)`.
    pub fn error_summary(&self) -> String {
        self.errors
            .iter()
            .map(|((label, kind), (count, first))| format!("{label}: {kind} ×{count} (first: {first})"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The same phase, only the requests whose label passes `keep` (calls and failures).
    pub fn only(&self, keep: impl Fn(&str) -> bool) -> Outcome {
        Outcome {
            samples: self.samples.iter().filter(|(_, label)| keep(label)).copied().collect(),
            window: self.window,
            errors: self
                .errors
                .iter()
                .filter(|((label, _), _)| keep(label))
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect(),
        }
    }

    /// The labels of the requests it saw (succeeded or failed), sorted.
    pub fn labels(&self) -> Vec<&'static str> {
        let mut labels: Vec<&'static str> =
            self.samples.iter().map(|(_, label)| *label).chain(self.errors.keys().map(|(label, _)| *label)).collect();
        labels.sort_unstable();
        labels.dedup();
        labels
    }
}

/// Nearest-rank percentile of sorted values.
fn percentile<T: Copy>(sorted: &[T], p: f64) -> Option<T> {
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
                let (label, result) = worker.call().await;
                let done = Instant::now();
                match result {
                    Ok(()) if done >= measure_from && done <= end => {
                        let micros = u64::try_from((done - sent).as_micros()).unwrap_or(u64::MAX);
                        outcome.samples.push((micros, label));
                    }
                    Ok(()) => {}
                    Err(failure) => {
                        let entry = outcome.errors.entry((label, failure.kind)).or_insert((0, failure.detail));
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
        total.samples.extend(outcome.samples);
        for (key, (count, first)) in outcome.errors {
            total.errors.entry(key).or_insert((0, first)).0 += count;
        }
    }
    total.samples.sort_unstable();
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
    async fn call(&mut self) -> (&'static str, Result<(), Failure>) {
        ("report submission", self.submit().await)
    }
}

impl Submitter {
    async fn submit(&mut self) -> Result<(), Failure> {
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

/// A failed HTTP exchange: `timeout` or `transport`, with the error's chain.
pub fn transport(error: reqwest::Error) -> Failure {
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
    async fn call(&mut self) -> (&'static str, Result<(), Failure>) {
        ("insert", self.insert().await)
    }
}

impl Inserter {
    async fn insert(&mut self) -> Result<(), Failure> {
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

/// At most 300 characters of `text`, trimmed (an error body to show).
pub fn shorten(text: &str) -> String {
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
        assert_eq!(percentile::<u64>(&[], 50.0), None);
    }

    #[test]
    fn outcomes_split_by_label() {
        let outcome = Outcome {
            samples: vec![(1, "read"), (2, "write"), (3, "read")],
            window: Duration::from_secs(1),
            errors: BTreeMap::from([(("write", "HTTP 500".to_owned()), (2, "boom".to_owned()))]),
        };
        let reads = outcome.only(|label| label == "read");
        assert_eq!((reads.successes(), reads.error_count()), (2, 0));
        assert_eq!(reads.percentile_ms(100.0), Some(0.003));
        let writes = outcome.only(|label| label == "write");
        assert_eq!((writes.successes(), writes.error_count()), (1, 2));
        assert_eq!(writes.error_summary(), "write: HTTP 500 ×2 (first: boom)");
        assert_eq!(outcome.labels(), ["read", "write"]);
    }

    #[test]
    fn long_details_are_cut() {
        assert_eq!(shorten("  court  "), "court");
        let long = "é".repeat(400);
        assert_eq!(shorten(&long).chars().count(), 301);
    }
}
