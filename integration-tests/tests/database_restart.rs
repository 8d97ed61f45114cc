//! A consumer whose own database goes away and comes back (a restart, a
//! failover) waits for it and goes on from its checkpoint, in the same
//! process: nothing skipped, nothing applied twice. Before, the first failed
//! batch ended the consumer, and with it the whole `miroir serve` process.
//!
//! The source log is on the shared test server; the consumer's database is on
//! a PostgreSQL server of this test's own, which it stops and starts.

use std::time::{Duration, Instant};

use miroir_eventstore::consumer::{self, Handler, HandlerError};
use miroir_eventstore::feed::LocalFeed;
use miroir_eventstore::{Commit, EventStore, Metadata, NewEvent, RecordedEvent};
use miroir_integration_tests::servers::PrivatePostgres;
use miroir_platform::storage::testing::TestDatabase;
use miroir_platform::storage::{Database, PoolConfig, migrate};
use sqlx::{AnyConnection, Row};
use tokio_util::sync::CancellationToken;

/// Notes each position it is given, once (a second time would break the primary key).
struct Seen;

impl Handler for Seen {
    async fn handle<'c>(&'c self, conn: &'c mut AnyConnection, event: &'c RecordedEvent) -> Result<(), HandlerError> {
        sqlx::query("INSERT INTO seen (position) VALUES ($1)")
            .bind(i64::try_from(event.position).unwrap_or(i64::MAX))
            .execute(conn)
            .await?;
        Ok(())
    }
}

fn commit(n: usize) -> Commit {
    Commit {
        commune: "75056".into(),
        aggregate_type: "report".into(),
        aggregate_id: format!("r{n}"),
        expected_version: 0,
        request_id: None,
        metadata: Metadata::default(),
        events: vec![NewEvent { event_type: "t.E".into(), schema_version: 1, payload: vec![1; 16] }],
    }
}

/// How many positions the consumer applied, and the highest; none while the database is away.
async fn seen(db: &Database) -> Option<(i64, i64)> {
    let row = sqlx::query("SELECT COUNT(*), COALESCE(MAX(position), 0) FROM seen").fetch_one(db.pool()).await.ok()?;
    Some((row.get(0), row.get(1)))
}

async fn wait_until_seen(db: &Database, count: i64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while seen(db).await != Some((count, count)) {
        assert!(Instant::now() < deadline, "the consumer applied {:?}, not {count}", seen(db).await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_waits_out_its_database_restarting_and_goes_on_exactly_once() {
    let source = TestDatabase::postgres().await;
    migrate(&source.db, "eventstore", miroir_eventstore::MIGRATIONS).await.expect("migrate the source");
    let log = EventStore::open(source.db.clone(), "reports").await.expect("the source log");
    let pg = PrivatePostgres::start();
    let url = pg.create_database("consumer").await;
    let db = Database::connect(&url, &PoolConfig::default()).await.expect("the consumer's database");
    migrate(&db, "eventstore", miroir_eventstore::MIGRATIONS).await.expect("migrate the consumer");
    sqlx::query("CREATE TABLE seen (position BIGINT PRIMARY KEY)").execute(db.pool()).await.expect("seen");

    for n in 0..20 {
        log.append(commit(n), &()).await.expect("append");
    }
    let token = CancellationToken::new();
    let running = tokio::spawn({
        let (db, feed, token) = (db.clone(), LocalFeed::new([log.clone()]), token.clone());
        async move { consumer::run(&db, &feed, "reports", "test-consumer", &Seen, None, token).await }
    });
    wait_until_seen(&db, 20).await;

    // The database stops the hard way; events keep coming meanwhile, so the consumer meets the outage.
    pg.kill();
    for n in 20..40 {
        log.append(commit(n), &()).await.expect("append");
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(!running.is_finished(), "the consumer waits for its database instead of stopping");
    pg.start_again();
    for n in 40..60 {
        log.append(commit(n), &()).await.expect("append");
    }
    wait_until_seen(&db, 60).await;
    assert!(!running.is_finished(), "the consumer still follows");
    let checkpoint = consumer::checkpoint(&db, "test-consumer").await.expect("checkpoint");
    assert_eq!(checkpoint, 60, "the checkpoint moved with the effects");

    token.cancel();
    let reached = running.await.expect("the consumer task").expect("a clean stop");
    assert_eq!(reached, 60);
}
