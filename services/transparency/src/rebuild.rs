//! Rebuilding every projection from the start of its log: each into a fresh
//! generation while the current one keeps serving, then swapped
//! ([`miroir_eventstore::projection::rebuild`]). The four logs are replayed at
//! once. [`Rebuilds`] runs one at a time for the gRPC admin call and keeps
//! its progress; `miroir rebuild transparency` calls [`rebuild_all`] directly.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use miroir_eventstore::consumer::{self, ConsumerError};
use miroir_eventstore::feed::EventFeed;
use miroir_eventstore::projection::{self as generations, Projection, RebuildProgress};
use miroir_eventstore::{AppendError, Commit, EventStore, Metadata, NewEvent};
use miroir_platform::clock::now_us;
use miroir_platform::storage::Database;
use miroir_proto::transparency::v1 as pb;
use tokio_util::sync::CancellationToken;

use crate::projection::{CommunesProjection, DialogueProjection, LOGS, PublicationsProjection, ReportsProjection};

/// Progress of one projection's rebuild.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub projection: &'static str,
    pub progress: RebuildProgress,
}

/// Rebuilds the four projections (concurrently), reporting progress about
/// once a second per projection. Returns each projection's new generation.
/// Each rebuild is recorded in transparency's own log (started, then
/// completed with the events replayed), as done by `actor`.
pub async fn rebuild_all<F: EventFeed + ?Sized>(
    db: &Database,
    feed: &F,
    actor: &str,
    on_progress: impl Fn(Progress) + Send + Sync,
    token: CancellationToken,
) -> Result<Vec<(&'static str, u64)>, ConsumerError> {
    crate::ensure_projections(db).await?;
    let log = EventStore::open(db.clone(), crate::SERVICE).await?;
    for (_, name) in LOGS {
        let generation = generations::active_generation(db, name).await? + 1;
        let started = pb::ProjectionRebuildStarted { projection: name.into(), generation: to_u32(generation) };
        record(&log, name, actor, &started).await?;
    }
    let stop = token.child_token();
    async fn one<F: EventFeed + ?Sized, P: Projection>(
        db: &Database,
        feed: &F,
        service: &str,
        projection: &P,
        name: &'static str,
        on_progress: &(impl Fn(Progress) + Send + Sync),
        stop: &CancellationToken,
    ) -> Result<(&'static str, u64), ConsumerError> {
        let report =
            |progress: &RebuildProgress| on_progress(Progress { projection: name, progress: progress.clone() });
        match generations::rebuild(db, feed, service, projection, report, stop.clone()).await {
            Ok(generation) => Ok((name, generation)),
            Err(error) => {
                // One failure stops the others: a half-rebuilt set is not worth finishing.
                stop.cancel();
                Err(error)
            }
        }
    }
    let [(s0, n0), (s1, n1), (s2, n2), (s3, n3)] = LOGS;
    let results = tokio::join!(
        one(db, feed, s0, &CommunesProjection, n0, &on_progress, &stop),
        one(db, feed, s1, &ReportsProjection, n1, &on_progress, &stop),
        one(db, feed, s2, &PublicationsProjection, n2, &on_progress, &stop),
        one(db, feed, s3, &DialogueProjection, n3, &on_progress, &stop),
    );
    let done = vec![results.0?, results.1?, results.2?, results.3?];
    for (name, generation) in &done {
        let events_replayed = consumer::checkpoint(db, &format!("projection:{name}:g{generation}")).await?;
        let completed = pb::ProjectionRebuildCompleted {
            projection: (*name).into(),
            generation: to_u32(*generation),
            events_replayed,
        };
        record(&log, name, actor, &completed).await?;
    }
    Ok(done)
}

fn to_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Appends one fact about a projection's rebuild to transparency's log (the
/// projection is the aggregate: its rebuilds are in order, one at a time).
async fn record<M: prost::Name>(
    log: &EventStore,
    projection: &str,
    actor: &str,
    event: &M,
) -> Result<(), ConsumerError> {
    for _ in 0..5 {
        let version = log.load("projection", projection).await?.len() as u64;
        let commit = Commit {
            commune: "*".into(),
            aggregate_type: "projection".into(),
            aggregate_id: projection.into(),
            expected_version: version,
            request_id: None,
            metadata: Metadata { occurred_at_us: now_us(), actor: actor.into(), ..Default::default() },
            events: vec![NewEvent::from_message(event)],
        };
        match log.append(commit, &()).await {
            Ok(_) => return Ok(()),
            // Two rebuilds recorded at once: read the version again.
            Err(AppendError::Conflict { .. }) => continue,
            Err(error) => {
                return Err(ConsumerError::Handler {
                    consumer: "transparency-rebuild".into(),
                    position: 0,
                    source: miroir_eventstore::consumer::HandlerError::Other(error.to_string()),
                });
            }
        }
    }
    Err(ConsumerError::Handler {
        consumer: "transparency-rebuild".into(),
        position: 0,
        source: miroir_eventstore::consumer::HandlerError::Other("the rebuild's record kept conflicting".into()),
    })
}

/// The rebuild the gRPC admin call starts, and its progress.
pub struct Rebuilds {
    db: Database,
    feed: Arc<dyn EventFeed>,
    token: CancellationToken,
    status: Arc<Mutex<pb::RebuildStatus>>,
}

impl Rebuilds {
    /// Rebuilds run on `feed` and stop with `token` (the service's shutdown).
    pub fn new(db: Database, feed: Arc<dyn EventFeed>, token: CancellationToken) -> Self {
        let status = pb::RebuildStatus { state: "idle".into(), ..Default::default() };
        Self { db, feed, token, status: Arc::new(Mutex::new(status)) }
    }

    pub fn status(&self) -> pb::RebuildStatus {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Starts a rebuild unless one is running; answers the status either way.
    pub fn start(&self, actor: &str) -> pb::RebuildStatus {
        {
            let Ok(mut status) = self.status.lock() else { return pb::RebuildStatus::default() };
            if status.state == "running" {
                return status.clone();
            }
            *status = pb::RebuildStatus {
                state: "running".into(),
                started_at_us: now_us(),
                projections: LOGS
                    .iter()
                    .map(|(_, name)| pb::ProjectionProgress { projection: (*name).into(), ..Default::default() })
                    .collect(),
                ..Default::default()
            };
        }
        let (db, feed, token, status) = (self.db.clone(), self.feed.clone(), self.token.clone(), self.status.clone());
        let actor = actor.to_owned();
        tokio::spawn(async move {
            let progress_status = status.clone();
            let on_progress = move |p: Progress| {
                if let Ok(mut status) = progress_status.lock()
                    && let Some(entry) = status.projections.iter_mut().find(|e| e.projection == p.projection)
                {
                    *entry = progress_line(&p);
                }
            };
            let result = rebuild_all(&db, feed.as_ref(), &actor, on_progress, token).await;
            let Ok(mut status) = status.lock() else { return };
            status.finished_at_us = now_us();
            match result {
                Ok(done) => {
                    status.state = "done".into();
                    for (name, generation) in done {
                        if let Some(entry) = status.projections.iter_mut().find(|e| e.projection == name) {
                            entry.generation = generation;
                            entry.swapped = true;
                            entry.eta_seconds = 0;
                        }
                    }
                    tracing::info!("transparency rebuild swapped in");
                }
                Err(error) => {
                    tracing::error!(%error, "transparency rebuild failed");
                    status.state = "failed".into();
                    status.error =
                        "the rebuild stopped; the previous figures keep serving (see the service's log)".into();
                }
            }
        });
        self.status()
    }
}

/// The progress line of one projection.
pub fn progress_line(p: &Progress) -> pb::ProjectionProgress {
    pb::ProjectionProgress {
        projection: p.projection.into(),
        generation: p.progress.generation,
        events_done: p.progress.done,
        events_target: p.progress.target,
        events_per_second: p.progress.events_per_second,
        eta_seconds: p.progress.eta.map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
        swapped: false,
    }
}

/// A human line for the CLI: "transparency-reports g2: 120000/1000000 events, 8400/s, ETA 1 m 45 s".
pub fn describe(p: &Progress) -> String {
    let eta = p.progress.eta.map_or_else(|| "?".into(), format_duration);
    format!(
        "{} g{}: {}/{} events, {:.0}/s, ETA {}",
        p.projection, p.progress.generation, p.progress.done, p.progress.target, p.progress.events_per_second, eta
    )
}

fn format_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 { format!("{} m {:02} s", s / 60, s % 60) } else { format!("{s} s") }
}
