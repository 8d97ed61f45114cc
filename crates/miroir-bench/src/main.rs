//! `cargo run --release -p miroir-bench [-- --quick]`
//!
//! Measures, on the local PostgreSQL and a SQLite file, and on the local NATS:
//! - appends (commits/s, one 300-byte event per commit) with 1 and 8 writers,
//!   beside a raw single-row insert per transaction on the same database;
//! - replay (events/s) of the whole log in pages, beside a raw scan of the
//!   baseline table in the same pages;
//! - the relay's publish rate to JetStream, beside raw publish-with-ack of the
//!   same messages with the same number of acks in flight.
//!
//! Each figure is printed with its baseline and their ratio, measured in the
//! same run: these machines are noisy, ratios are what compare across runs.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::join_all;
use miroir_bus::{JetStreamBus, Relay};
use miroir_eventstore::{Commit, EventStore, Metadata, NewEvent};
use miroir_platform::storage::testing::TestDatabase;
use miroir_platform::storage::{Backend, Database, migrate};
use tokio_util::sync::CancellationToken;

const PAYLOAD: usize = 300;

struct Sizes {
    commits: usize,
    replay: usize,
    relay: usize,
}

#[tokio::main]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let sizes = if quick {
        Sizes { commits: 400, replay: 2_000, relay: 2_000 }
    } else {
        Sizes { commits: 4_000, replay: 50_000, relay: 20_000 }
    };
    println!("miroir-bench ({}), payload {PAYLOAD} bytes\n", if quick { "quick" } else { "full" });
    println!("{:<44} {:>12} {:>12} {:>8}", "measure", "miroir", "baseline", "ratio");
    for backend in [Backend::Postgres, Backend::Sqlite] {
        for writers in [1, 8] {
            let (ours, raw) = appends(backend, writers, sizes.commits).await;
            row(&format!("{backend:?} commits/s, {writers} writer(s)"), ours, raw);
        }
        let (ours, raw) = replay(backend, sizes.replay).await;
        row(&format!("{backend:?} replay events/s"), ours, raw);
    }
    match relay(sizes.relay).await {
        Ok((ours, raw)) => row("JetStream publish msgs/s (relay vs raw)", ours, raw),
        Err(reason) => println!("JetStream: skipped ({reason})"),
    }
}

fn row(label: &str, ours: f64, baseline: f64) {
    println!("{label:<44} {ours:>12.0} {baseline:>12.0} {:>8.2}", ours / baseline);
}

async fn fresh(backend: Backend) -> TestDatabase {
    let test = TestDatabase::new(backend).await;
    migrate(&test.db, "eventstore", miroir_eventstore::MIGRATIONS).await.expect("migrate");
    sqlx::query("CREATE TABLE baseline (id BIGINT PRIMARY KEY, payload BYTEA NOT NULL)")
        .execute(test.db.pool())
        .await
        .expect("baseline table");
    test
}

fn commit(aggregate: String) -> Commit {
    Commit {
        commune: "75056".into(),
        aggregate_type: "bench".into(),
        aggregate_id: aggregate,
        expected_version: 0,
        request_id: None,
        metadata: Metadata { occurred_at_us: 1, actor: "bench".into(), ..Default::default() },
        events: vec![NewEvent { event_type: "bench.Happened".into(), schema_version: 1, payload: vec![7; PAYLOAD] }],
    }
}

/// Commits/s through the event store, and raw single-row inserts/s, with `writers` concurrent tasks.
async fn appends(backend: Backend, writers: usize, total: usize) -> (f64, f64) {
    let test = fresh(backend).await;
    let store = EventStore::open(test.db.clone(), "bench").await.expect("store");
    let per_writer = total / writers;
    let started = Instant::now();
    join_all((0..writers).map(|w| {
        let store = store.clone();
        async move {
            for i in 0..per_writer {
                store.append(commit(format!("{w}-{i}")), &()).await.expect("append");
            }
        }
    }))
    .await;
    let ours = rate(writers * per_writer, started.elapsed());

    let db = Arc::new(test.db.clone());
    let started = Instant::now();
    join_all((0..writers).map(|w| {
        let db = db.clone();
        async move {
            for i in 0..per_writer {
                let mut tx = db.begin_write().await.expect("begin");
                sqlx::query("INSERT INTO baseline (id, payload) VALUES ($1, $2)")
                    .bind((w * per_writer + i) as i64)
                    .bind(vec![7_u8; PAYLOAD])
                    .execute(&mut *tx)
                    .await
                    .expect("insert");
                tx.commit().await.expect("commit");
            }
        }
    }))
    .await;
    (ours, rate(writers * per_writer, started.elapsed()))
}

/// Events/s reading the whole log in pages of 1000, and raw rows/s scanning the baseline table the same way.
async fn replay(backend: Backend, total: usize) -> (f64, f64) {
    let test = fresh(backend).await;
    let store = EventStore::open(test.db.clone(), "bench").await.expect("store");
    bulk_fill(&test.db, &store, total).await;

    let started = Instant::now();
    let (mut after, mut read) = (0, 0);
    loop {
        let page = store.read_log(after, 1000).await.expect("read");
        let Some(last) = page.last() else { break };
        after = last.position;
        read += page.len();
    }
    assert_eq!(read, total);
    let ours = rate(read, started.elapsed());

    let started = Instant::now();
    let (mut after, mut read) = (-1_i64, 0);
    loop {
        let rows = sqlx::query("SELECT id, payload FROM baseline WHERE id > $1 ORDER BY id LIMIT 1000")
            .bind(after)
            .fetch_all(test.db.pool())
            .await
            .expect("scan");
        let Some(last) = rows.last() else { break };
        after = sqlx::Row::get(last, 0);
        read += rows.len();
    }
    (ours, rate(read, started.elapsed()))
}

/// Fills the log (and the baseline table) quickly: 100 events per commit.
async fn bulk_fill(db: &Database, store: &EventStore, total: usize) {
    for chunk in 0..total / 100 {
        let mut commit = commit(format!("bulk-{chunk}"));
        commit.events = (0..100).map(|_| commit.events[0].clone()).collect();
        store.append(commit, &()).await.expect("fill");
        let mut tx = db.begin_write().await.expect("begin");
        for i in 0..100 {
            sqlx::query("INSERT INTO baseline (id, payload) VALUES ($1, $2)")
                .bind((chunk * 100 + i) as i64)
                .bind(vec![7_u8; PAYLOAD])
                .execute(&mut *tx)
                .await
                .expect("insert");
        }
        tx.commit().await.expect("commit");
    }
}

/// The relay's msgs/s publishing a filled PostgreSQL log, and raw publish-with-ack of as many envelopes, 256 in flight.
async fn relay(total: usize) -> Result<(f64, f64), String> {
    let url = std::env::var("MIROIR_TEST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let prefix = format!("bench{}", uuid::Uuid::new_v4().simple());
    let bus = JetStreamBus::connect(&url, &prefix).await.map_err(|e| e.to_string())?;
    let test = fresh(Backend::Postgres).await;
    let store = EventStore::open(test.db.clone(), "bench").await.expect("store");
    bulk_fill(&test.db, &store, total).await;

    let token = CancellationToken::new();
    let started = Instant::now();
    let relay = tokio::spawn(Relay::new(store.clone(), bus.clone()).run(token.clone()));
    loop {
        let mut stream = bus.ensure_stream("bench").await.map_err(|e| e.to_string())?;
        if stream.info().await.map_err(|e| e.to_string())?.state.last_sequence as usize >= total {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let ours = rate(total, started.elapsed());
    token.cancel();
    let _ = relay.await;
    let _ = bus.context().delete_stream(bus.stream_name("bench")).await;

    // Baseline: the same number of messages of the same size, 256 acks in flight.
    let baseline = bus.ensure_stream("raw").await.map_err(|e| e.to_string())?;
    let subject = format!("{prefix}.raw.x");
    // About the size of an envelope around a 300-byte event.
    let payload = bytes::Bytes::from(vec![7_u8; PAYLOAD + 200]);
    let started = Instant::now();
    let mut pending = Vec::with_capacity(256);
    for _ in 0..total {
        pending.push(bus.context().publish(subject.clone(), payload.clone()).await.map_err(|e| e.to_string())?);
        if pending.len() == 256 {
            for ack in pending.drain(..) {
                ack.await.map_err(|e| e.to_string())?;
            }
        }
    }
    for ack in pending {
        ack.await.map_err(|e| e.to_string())?;
    }
    let raw = rate(total, started.elapsed());
    drop(baseline);
    let _ = bus.context().delete_stream(bus.stream_name("raw")).await;
    Ok((ours, raw))
}

fn rate(count: usize, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64().max(1e-9)
}
