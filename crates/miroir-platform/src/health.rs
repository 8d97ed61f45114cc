//! Health: the process's readiness (a set of named flags, one per dependency
//! or start-up step), the admin HTTP endpoints that expose it with the
//! metrics (`/healthz`, `/readyz`, `/metrics`), and its mirror on the gRPC
//! health service (`grpc.health.v1`).
//!
//! Liveness and readiness are distinct on purpose: `/healthz` answers as long
//! as the process serves HTTP (restarting it would not help otherwise), while
//! `/readyz` says whether it should receive traffic now (database reachable,
//! projections caught up…).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use tonic_health::ServingStatus;
use tonic_health::pb::health_server::HealthServer;
use tonic_health::server::{HealthReporter, HealthService};

use crate::metrics::Metrics;

/// The readiness of the process: ready when every registered flag is ready
/// (so, trivially, when none is registered). Cheap to clone: clones share
/// the flags.
#[derive(Clone, Debug, Default)]
pub struct Readiness {
    // A watch channel rather than a plain mutex: it holds the state and also
    // wakes whoever mirrors it (the gRPC health bridge) on every change.
    checks: Arc<watch::Sender<Vec<Check>>>,
}

#[derive(Clone, Debug)]
struct Check {
    name: String,
    ready: bool,
}

impl Readiness {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a check, not ready until its flag says so. Names are for
    /// reporting; registering a name twice makes two independent checks.
    pub fn register(&self, name: &str) -> ReadinessFlag {
        let mut index = 0;
        self.checks.send_modify(|checks| {
            index = checks.len();
            checks.push(Check { name: name.to_owned(), ready: false });
        });
        ReadinessFlag { checks: Arc::clone(&self.checks), index }
    }

    /// True when all registered checks are ready.
    pub fn is_ready(&self) -> bool {
        self.checks.borrow().iter().all(|check| check.ready)
    }

    /// Every check, in registration order, with whether it is ready.
    pub fn report(&self) -> Vec<(String, bool)> {
        self.checks.borrow().iter().map(|check| (check.name.clone(), check.ready)).collect()
    }

    /// The names of the checks that are not ready.
    pub fn not_ready(&self) -> Vec<String> {
        self.checks.borrow().iter().filter(|check| !check.ready).map(|check| check.name.clone()).collect()
    }

    fn subscribe(&self) -> watch::Receiver<Vec<Check>> {
        self.checks.subscribe()
    }
}

/// One check of a [`Readiness`], held by whatever knows its state. Dropping it
/// leaves the check as it was.
#[derive(Clone, Debug)]
pub struct ReadinessFlag {
    checks: Arc<watch::Sender<Vec<Check>>>,
    index: usize,
}

impl ReadinessFlag {
    /// Marks the check ready or not; watchers are woken only on a change.
    pub fn set_ready(&self, ready: bool) {
        self.checks.send_if_modified(|checks| match checks.get_mut(self.index) {
            Some(check) if check.ready != ready => {
                check.ready = ready;
                true
            }
            _ => false,
        });
    }

    pub fn is_ready(&self) -> bool {
        self.checks.borrow().get(self.index).is_some_and(|check| check.ready)
    }
}

/// Keeps `flag` saying whether `db` answers (`SELECT 1` within 2 s, every `every`) until `token` is cancelled, so that
/// `/readyz` and the gRPC health service keep traffic away from a process whose database is down (a restart or a
/// failover) and bring it back by themselves. Liveness is not touched: restarting the process would not help.
pub async fn watch_database(
    db: crate::storage::Database,
    flag: ReadinessFlag,
    every: std::time::Duration,
    token: CancellationToken,
) -> Result<(), std::convert::Infallible> {
    loop {
        let probe = sqlx::query("SELECT 1").execute(db.pool());
        let up = matches!(tokio::time::timeout(std::time::Duration::from_secs(2), probe).await, Ok(Ok(_)));
        if up != flag.is_ready() {
            tracing::warn!(database_up = up, "database reachability changed");
        }
        flag.set_ready(up);
        tokio::select! {
            () = token.cancelled() => return Ok(()),
            () = tokio::time::sleep(every) => {}
        }
    }
}

#[derive(Clone)]
struct AdminState {
    readiness: Readiness,
    metrics: Metrics,
}

/// The admin endpoints, to serve on their own port (not exposed publicly):
///
/// - `GET /healthz`: 200 `ok` while the process runs;
/// - `GET /readyz`: 200 when ready, else 503 with the checks not ready, as
///   `{"status":"not_ready","not_ready":["database"]}`;
/// - `GET /metrics`: the registry in the Prometheus text format.
pub fn admin_router(readiness: Readiness, metrics: Metrics) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(render_metrics))
        .with_state(AdminState { readiness, metrics })
}

async fn readyz(State(state): State<AdminState>) -> Response {
    let not_ready = state.readiness.not_ready();
    if not_ready.is_empty() {
        (StatusCode::OK, Json(serde_json::json!({ "status": "ready" }))).into_response()
    } else {
        let body = serde_json::json!({ "status": "not_ready", "not_ready": not_ready });
        (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
    }
}

async fn render_metrics(State(state): State<AdminState>) -> Response {
    match state.metrics.render() {
        Ok(text) => ([(header::CONTENT_TYPE, prometheus::TEXT_FORMAT)], text).into_response(),
        Err(error) => {
            tracing::error!(%error, "cannot render metrics");
            (StatusCode::INTERNAL_SERVER_ERROR, "cannot render metrics").into_response()
        }
    }
}

/// The gRPC health service (`grpc.health.v1.Health`), reporting the server as
/// a whole (service `""`) and each of `services` as SERVING exactly when
/// `readiness` is ready, and NOT_SERVING from the moment `token` is cancelled
/// (so that clients and load balancers move away during the drain).
///
/// The statuses are set before this returns, so the first check already sees
/// the right answer. A task spawned on the current runtime keeps them in step
/// until `token` is cancelled. It follows readiness through a watch channel
/// rather than by polling: a flip shows up at once, and an idle process does
/// not wake up twice a second for nothing.
pub async fn grpc_health(
    readiness: Readiness,
    services: &[&str],
    token: CancellationToken,
) -> HealthServer<HealthService> {
    let reporter = HealthReporter::new();
    let server = HealthServer::new(HealthService::from_health_reporter(reporter.clone()));
    let names: Vec<String> = std::iter::once("").chain(services.iter().copied()).map(str::to_owned).collect();

    let mut changes = readiness.subscribe();
    let ready = changes.borrow_and_update().iter().all(|check| check.ready);
    publish(&reporter, &names, ready).await;

    tokio::spawn(async move {
        loop {
            tokio::select! {
                () = token.cancelled() => {
                    publish(&reporter, &names, false).await;
                    break;
                }
                changed = changes.changed() => {
                    // An error means every `Readiness` is gone: nothing can
                    // change any more, keep the last statuses.
                    if changed.is_err() {
                        break;
                    }
                    let ready = changes.borrow_and_update().iter().all(|check| check.ready);
                    publish(&reporter, &names, ready).await;
                }
            }
        }
    });
    server
}

async fn publish(reporter: &HealthReporter, names: &[String], ready: bool) {
    let status = if ready { ServingStatus::Serving } else { ServingStatus::NotServing };
    for name in names {
        reporter.set_service_status(name, status).await;
    }
}

#[cfg(test)]
mod database_watch_tests {
    use std::time::Duration;

    use super::*;
    use crate::storage::testing::TestDatabase;

    #[tokio::test]
    async fn readiness_follows_the_database() {
        let test = TestDatabase::sqlite().await;
        let readiness = Readiness::new();
        let flag = readiness.register("database");
        let token = CancellationToken::new();
        let watch =
            tokio::spawn(watch_database(test.db.clone(), flag.clone(), Duration::from_millis(20), token.clone()));
        let mut ready = false;
        for _ in 0..100 {
            ready = flag.is_ready();
            if ready {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(ready, "ready while the database answers");
        // A closed pool answers nothing, as a database that went away.
        test.db.close().await;
        for _ in 0..100 {
            ready = flag.is_ready();
            if !ready {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(!ready, "not ready once the database stopped answering");
        token.cancel();
        assert!(watch.await.expect("the watch ends").is_ok());
    }
}
