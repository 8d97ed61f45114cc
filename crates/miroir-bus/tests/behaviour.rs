//! The behaviour suite of the event store and its feeds, run on every
//! combination of database (PostgreSQL, SQLite) and bus (in-process,
//! JetStream). Each test gets a fresh database and, on JetStream, its own
//! stream and subject prefix, so tests run in parallel on shared servers.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use miroir_bus::{JetStreamBus, JetStreamFeed, Relay};
use miroir_eventstore::consumer::{self, Applied, Handler, HandlerError};
use miroir_eventstore::feed::{EventFeed, LocalFeed};
use miroir_eventstore::projection::{self, Projection};
use miroir_eventstore::{AppendError, Commit, EventStore, InlineProjection, Metadata, NewEvent, RecordedEvent};
use miroir_platform::storage::testing::TestDatabase;
use miroir_platform::storage::{Backend, migrate};
use sqlx::{AnyConnection, AssertSqlSafe, Row};
use tokio_util::sync::CancellationToken;

const SERVICE: &str = "reports";

#[derive(Clone, Copy, Debug)]
enum Bus {
    Local,
    JetStream,
}

fn nats_url() -> String {
    std::env::var("MIROIR_TEST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".to_owned())
}

struct Setup {
    test_db: TestDatabase,
    store: EventStore,
    feed: Arc<dyn EventFeed>,
    bus: Option<JetStreamBus>,
    token: CancellationToken,
}

impl Setup {
    async fn new(backend: Backend, bus: Bus) -> Self {
        let test_db = TestDatabase::new(backend).await;
        migrate(&test_db.db, "eventstore", miroir_eventstore::MIGRATIONS).await.expect("migrate");
        migrate(&test_db.db, "suite", SUITE_MIGRATIONS).await.expect("migrate suite tables");
        let store = EventStore::open(test_db.db.clone(), SERVICE).await.expect("open store");
        let token = CancellationToken::new();
        let (feed, bus): (Arc<dyn EventFeed>, _) = match bus {
            Bus::Local => (Arc::new(LocalFeed::new([store.clone()])), None),
            Bus::JetStream => {
                let prefix = format!("t{}", uuid::Uuid::new_v4().simple());
                let bus = JetStreamBus::connect(&nats_url(), &prefix).await.expect("connect to NATS");
                tokio::spawn(Relay::new(store.clone(), bus.clone()).run(token.clone()));
                (Arc::new(JetStreamFeed::new(bus.clone())), Some(bus))
            }
        };
        Self { test_db, store, feed, bus, token }
    }
}

impl Drop for Setup {
    fn drop(&mut self) {
        self.token.cancel();
        if let Some(bus) = self.bus.take() {
            let name = bus.stream_name(SERVICE);
            tokio::spawn(async move {
                let _ = bus.context().delete_stream(name).await;
            });
        }
    }
}

const SUITE_MIGRATIONS: &[miroir_platform::storage::Migration] = &[miroir_platform::storage::Migration {
    version: 1,
    name: "suite",
    sql: "CREATE TABLE seen (position BIGINT PRIMARY KEY, aggregate_id TEXT NOT NULL); \
          CREATE TABLE inline_counts (aggregate_id TEXT PRIMARY KEY, n BIGINT NOT NULL);",
}];

fn commit(aggregate: &str, expected: u64, n: usize, request_id: Option<&str>) -> Commit {
    Commit {
        commune: "75056".into(),
        aggregate_type: "report".into(),
        aggregate_id: aggregate.into(),
        expected_version: expected,
        request_id: request_id.map(str::to_owned),
        metadata: Metadata { occurred_at_us: 1_700_000_000_000_000, actor: "acct-1".into(), ..Default::default() },
        events: (0..n)
            .map(|i| NewEvent { event_type: "test.Happened".into(), schema_version: 1, payload: vec![i as u8] })
            .collect(),
    }
}

/// An inline read model: events per aggregate, written in the append's transaction.
struct CountInline;
impl InlineProjection for CountInline {
    async fn apply<'c>(&'c self, conn: &'c mut AnyConnection, event: &'c RecordedEvent) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO inline_counts (aggregate_id, n) VALUES ($1, 1) \
             ON CONFLICT (aggregate_id) DO UPDATE SET n = inline_counts.n + 1",
        )
        .bind(&event.aggregate_id)
        .execute(conn)
        .await?;
        Ok(())
    }
}

/// An inline read model that always fails: the append must leave no trace.
struct FailingInline;
impl InlineProjection for FailingInline {
    async fn apply<'c>(&'c self, conn: &'c mut AnyConnection, _: &'c RecordedEvent) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO no_such_table VALUES (1)").execute(conn).await?;
        Ok(())
    }
}

/// A consumer that records every position it handles (the primary key refuses a second time).
struct Recorder;
impl Handler for Recorder {
    async fn handle<'c>(&'c self, conn: &'c mut AnyConnection, event: &'c RecordedEvent) -> Result<(), HandlerError> {
        sqlx::query("INSERT INTO seen (position, aggregate_id) VALUES ($1, $2)")
            .bind(event.position as i64)
            .bind(&event.aggregate_id)
            .execute(conn)
            .await?;
        Ok(())
    }
}

async fn seen_positions(setup: &Setup) -> Vec<u64> {
    sqlx::query("SELECT position FROM seen ORDER BY position")
        .fetch_all(setup.test_db.db.pool())
        .await
        .expect("read seen")
        .iter()
        .map(|r| r.get::<i64, _>(0) as u64)
        .collect()
}

async fn collect(setup: &Setup, after: u64, n: usize) -> Vec<RecordedEvent> {
    let stream = setup.feed.subscribe(SERVICE, after).take(n).map(|r| r.expect("feed item"));
    tokio::time::timeout(Duration::from_secs(30), stream.collect::<Vec<_>>()).await.expect("feed delivered in time")
}

async fn wait_until<F: Fn() -> Fut, Fut: Future<Output = bool>>(what: &str, check: F) {
    for _ in 0..600 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting until {what}");
}

// ---------------------------------------------------------------- the suite

async fn positions_are_gap_free_and_in_commit_order(setup: Setup) {
    for i in 0..10 {
        let receipt = setup.store.append(commit(&format!("r{i}"), 0, 3, None), &()).await.expect("append");
        assert_eq!(receipt.first_position, i * 3 + 1);
        assert_eq!(receipt.last_position, i * 3 + 3);
        assert_eq!(receipt.version, 3);
    }
    let log = setup.store.read_log(0, 1000).await.expect("read log");
    assert_eq!(log.iter().map(|e| e.position).collect::<Vec<_>>(), (1..=30).collect::<Vec<_>>());
    assert_eq!(setup.store.read_log(28, 10).await.expect("read tail").len(), 2);
    let one = setup.store.load("report", "r4").await.expect("load");
    assert_eq!(one.iter().map(|e| e.aggregate_version).collect::<Vec<_>>(), vec![1, 2, 3]);
    assert_eq!(one[2].payload, vec![2]);
    assert_eq!(one[0].metadata.actor, "acct-1");
}

async fn racing_writers_one_wins_the_other_gets_a_typed_conflict(setup: Setup) {
    setup.store.append(commit("r1", 0, 1, None), &()).await.expect("create");
    let (a, b) = tokio::join!(
        setup.store.append(commit("r1", 1, 1, None), &()),
        setup.store.append(commit("r1", 1, 1, None), &())
    );
    let conflicts =
        [&a, &b].iter().filter(|r| matches!(r, Err(AppendError::Conflict { expected: 1, actual: 2, .. }))).count();
    assert_eq!((a.is_ok() as u8 + b.is_ok() as u8, conflicts), (1, 1), "{a:?} {b:?}");
    assert_eq!(setup.store.load("report", "r1").await.expect("load").len(), 2);
    assert_eq!(setup.store.head().await.expect("head"), 2, "the loser's positions are given back");
}

async fn a_retried_request_commits_once_and_returns_the_first_result(setup: Setup) {
    let first = setup.store.append(commit("r1", 0, 2, Some("req-1")), &CountInline).await.expect("first");
    let retry = setup.store.append(commit("r1", 0, 2, Some("req-1")), &CountInline).await.expect("retry");
    assert!(!first.duplicate);
    assert!(retry.duplicate);
    assert_eq!(
        (retry.first_position, retry.last_position, retry.version),
        (first.first_position, first.last_position, 2)
    );
    assert_eq!(setup.store.head().await.expect("head"), 2);
    let n: i64 = sqlx::query("SELECT n FROM inline_counts WHERE aggregate_id = 'r1'")
        .fetch_one(setup.test_db.db.pool())
        .await
        .expect("count")
        .get(0);
    assert_eq!(n, 2, "inline projection applied once");
}

async fn a_request_id_reused_for_another_type_of_aggregate_is_refused(setup: Setup) {
    let first = setup.store.append(commit("r1", 0, 1, Some("req-shared")), &CountInline).await.expect("first");
    assert_eq!(first.aggregate_type, "report");
    // The same key sent with a question: another request, not a retry of the report.
    let question = Commit { aggregate_type: "question".into(), ..commit("q1", 0, 1, Some("req-shared")) };
    let refused = setup.store.append(question, &CountInline).await;
    assert!(
        matches!(&refused, Err(AppendError::KeyUsedElsewhere { request_id, aggregate_type })
            if request_id == "req-shared" && aggregate_type == "report"),
        "{refused:?}"
    );
    assert_eq!(setup.store.head().await.expect("head"), 1, "nothing written for the refused request");
    // A retry of the report still gets its first result.
    let retry = setup.store.append(commit("r1", 0, 1, Some("req-shared")), &CountInline).await.expect("retry");
    assert!(retry.duplicate);
    assert_eq!(retry.last_position, first.last_position);
}

async fn concurrent_retries_of_one_request_commit_once(setup: Setup) {
    // Each attempt decided a new aggregate id (as a submission does): the request id alone ties them.
    let attempts =
        (0..6).map(|i| setup.store.append(commit(&format!("new-{i}"), 0, 1, Some("req-race")), &CountInline));
    let receipts: Vec<_> = futures::future::join_all(attempts).await.into_iter().map(|r| r.expect("append")).collect();
    assert_eq!(receipts.iter().filter(|r| !r.duplicate).count(), 1, "{receipts:?}");
    let first = receipts.iter().find(|r| !r.duplicate).expect("the winner");
    assert!(
        receipts
            .iter()
            .all(|r| (r.aggregate_id.as_str(), r.last_position) == (first.aggregate_id.as_str(), first.last_position))
    );
    assert_eq!(setup.store.head().await.expect("head"), 1);
    let counts: i64 = sqlx::query("SELECT COUNT(*) FROM inline_counts")
        .fetch_one(setup.test_db.db.pool())
        .await
        .expect("count")
        .get(0);
    assert_eq!(counts, 1, "the losers' inline effects were rolled back");
}

async fn a_failing_inline_projection_leaves_no_event(setup: Setup) {
    let result = setup.store.append(commit("r1", 0, 1, Some("req-x")), &FailingInline).await;
    assert!(matches!(result, Err(AppendError::Database(_))));
    assert_eq!(setup.store.head().await.expect("head"), 0);
    assert!(setup.store.read_log(0, 10).await.expect("log").is_empty());
    // The idempotency key was not consumed by the failed attempt.
    let ok = setup.store.append(commit("r1", 0, 1, Some("req-x")), &CountInline).await.expect("append");
    assert_eq!((ok.first_position, ok.duplicate), (1, false));
}

async fn concurrent_appends_stay_gap_free(setup: Setup) {
    let writers = (0..8).map(|w| {
        let store = setup.store.clone();
        tokio::spawn(async move {
            for i in 0..25 {
                store.append(commit(&format!("w{w}"), i, 1, None), &CountInline).await.expect("append");
            }
        })
    });
    for writer in futures::future::join_all(writers).await {
        writer.expect("writer task");
    }
    let log = setup.store.read_log(0, 1000).await.expect("log");
    assert_eq!(log.iter().map(|e| e.position).collect::<Vec<_>>(), (1..=200).collect::<Vec<_>>());
    for w in 0..8 {
        let versions: Vec<u64> =
            log.iter().filter(|e| e.aggregate_id == format!("w{w}")).map(|e| e.aggregate_version).collect();
        assert_eq!(versions, (1..=25).collect::<Vec<_>>());
    }
}

async fn replay_then_live_without_gap_or_duplicate(setup: Setup) {
    for i in 0..40 {
        setup.store.append(commit(&format!("r{i}"), 0, 1, None), &()).await.expect("append");
    }
    let store = setup.store.clone();
    let writer = tokio::spawn(async move {
        for i in 40..80 {
            store.append(commit(&format!("r{i}"), 0, 1, None), &()).await.expect("append live");
            if i % 10 == 0 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    });
    let events = collect(&setup, 0, 80).await;
    writer.await.expect("writer");
    assert_eq!(events.iter().map(|e| e.position).collect::<Vec<_>>(), (1..=80).collect::<Vec<_>>());
    assert_eq!(events[41].aggregate_id, "r41");
    assert_eq!(events[0].metadata.actor, "acct-1");
    // From a position: only what follows it.
    let tail = collect(&setup, 75, 5).await;
    assert_eq!(tail.iter().map(|e| e.position).collect::<Vec<_>>(), vec![76, 77, 78, 79, 80]);
}

async fn a_consumer_never_skips_under_concurrent_appends(setup: Setup) {
    let db = setup.test_db.db.clone();
    let feed = setup.feed.clone();
    let token = setup.token.clone();
    let consumer =
        tokio::spawn(
            async move { consumer::run(&db, feed.as_ref(), SERVICE, "recorder", &Recorder, None, token).await },
        );
    let writers = (0..6).map(|w| {
        let store = setup.store.clone();
        tokio::spawn(async move {
            let mut version = 0;
            for i in 0..30 {
                let n = 1 + (i % 2);
                store.append(commit(&format!("w{w}"), version, n, None), &()).await.expect("append");
                version += n as u64;
            }
        })
    });
    for writer in futures::future::join_all(writers).await {
        writer.expect("writer");
    }
    let head = setup.store.head().await.expect("head");
    assert_eq!(head, 6 * 45);
    wait_until("the consumer caught up", || async { seen_positions(&setup).await.len() as u64 == head }).await;
    assert_eq!(seen_positions(&setup).await, (1..=head).collect::<Vec<_>>());
    assert_eq!(consumer::checkpoint(&setup.test_db.db, "recorder").await.expect("checkpoint"), head);
    setup.token.cancel();
    consumer.await.expect("consumer task").expect("consumer stopped cleanly");
}

async fn redelivered_events_change_nothing(setup: Setup) {
    for i in 0..5 {
        setup.store.append(commit(&format!("r{i}"), 0, 1, None), &()).await.expect("append");
    }
    let events = collect(&setup, 0, 5).await;
    let db = &setup.test_db.db;
    consumer::checkpoint(db, "recorder").await.expect("init checkpoint");
    assert_eq!(consumer::apply_batch(db, "recorder", &Recorder, &events[..3]).await.expect("first"), Applied::Done);
    assert_eq!(
        consumer::apply_batch(db, "recorder", &Recorder, &events[..3]).await.expect("again"),
        Applied::AlreadyDone
    );
    assert_eq!(
        consumer::apply_batch(db, "recorder", &Recorder, &events[1..2]).await.expect("one again"),
        Applied::AlreadyDone
    );
    // Skipping position 4 is refused: the consumer would lose it.
    assert!(matches!(
        consumer::apply_batch(db, "recorder", &Recorder, &events[4..]).await,
        Err(consumer::ConsumerError::Gap { checkpoint: 3, position: 5, .. })
    ));
    assert_eq!(consumer::apply_batch(db, "recorder", &Recorder, &events[3..]).await.expect("rest"), Applied::Done);
    assert_eq!(seen_positions(&setup).await, vec![1, 2, 3, 4, 5]);
}

/// A rebuildable projection: events per aggregate.
struct Counts;
impl Projection for Counts {
    fn name(&self) -> &str {
        "counts"
    }
    fn create_tables(&self, suffix: &str) -> Vec<String> {
        vec![format!(
            "CREATE TABLE IF NOT EXISTS counts{suffix} (aggregate_id TEXT PRIMARY KEY, n BIGINT NOT NULL, last BIGINT NOT NULL)"
        )]
    }
    fn drop_tables(&self, suffix: &str) -> Vec<String> {
        vec![format!("DROP TABLE IF EXISTS counts{suffix}")]
    }
    async fn apply<'c>(
        &'c self,
        conn: &'c mut AnyConnection,
        suffix: &'c str,
        event: &'c RecordedEvent,
    ) -> Result<(), HandlerError> {
        let sql = format!(
            "INSERT INTO counts{suffix} (aggregate_id, n, last) VALUES ($1, 1, $2) \
             ON CONFLICT (aggregate_id) DO UPDATE SET n = counts{suffix}.n + 1, last = excluded.last"
        );
        sqlx::query(AssertSqlSafe(sql)).bind(&event.aggregate_id).bind(event.position as i64).execute(conn).await?;
        Ok(())
    }
}

async fn counts_table(setup: &Setup) -> BTreeMap<String, (i64, i64)> {
    let db = &setup.test_db.db;
    projection::read_active(db, "counts", |suffix| async move {
        let sql = format!("SELECT aggregate_id, n, last FROM counts{suffix}");
        let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(db.pool()).await?;
        Ok(rows.iter().map(|r| (r.get::<String, _>(0), (r.get::<i64, _>(1), r.get::<i64, _>(2)))).collect())
    })
    .await
    .expect("read counts")
}

async fn rebuilt_projection_equals_the_live_one(setup: Setup) {
    // As a service does at start: the projection exists before anyone reads it.
    projection::ensure(&setup.test_db.db, &Counts).await.expect("ensure the projection");
    let (db, feed, token) = (setup.test_db.db.clone(), setup.feed.clone(), setup.token.clone());
    let live = tokio::spawn(async move { projection::run_live(&db, feed.as_ref(), SERVICE, &Counts, token).await });
    let mut versions = BTreeMap::new();
    let mut append = async |i: u64| {
        let id = format!("r{}", (i * 7919) % 13);
        let v = versions.entry(id.clone()).or_insert(0_u64);
        setup.store.append(commit(&id, *v, 1 + (i % 3) as usize, None), &()).await.expect("append");
        *v += 1 + i % 3;
    };
    for i in 0..150 {
        append(i).await;
    }
    let head = setup.store.head().await.expect("head");
    wait_until("live projection caught up", || async {
        counts_table(&setup).await.values().map(|(n, _)| *n as u64).sum::<u64>() == head
    })
    .await;
    let before = counts_table(&setup).await;

    // Rebuild while the log keeps growing and the old generation keeps serving.
    let (db, feed) = (setup.test_db.db.clone(), setup.feed.clone());
    let rebuild = tokio::spawn(async move {
        projection::rebuild(&db, feed.as_ref(), SERVICE, &Counts, |_| {}, CancellationToken::new()).await
    });
    for i in 150..200 {
        append(i).await;
        assert!(!counts_table(&setup).await.is_empty(), "reads are served during the rebuild");
    }
    assert_eq!(rebuild.await.expect("rebuild task").expect("rebuild"), 2);
    let head = setup.store.head().await.expect("head");
    wait_until("new generation caught up", || async {
        counts_table(&setup).await.values().map(|(n, _)| *n as u64).sum::<u64>() == head
    })
    .await;
    let after = counts_table(&setup).await;
    // What the log says, computed independently.
    let mut expected = BTreeMap::new();
    for event in setup.store.read_log(0, 10_000).await.expect("log") {
        let entry = expected.entry(event.aggregate_id.clone()).or_insert((0_i64, 0_i64));
        *entry = (entry.0 + 1, event.position as i64);
    }
    assert_eq!(after, expected);
    assert!(before.iter().all(|(k, (n, _))| after.get(k).is_some_and(|(m, _)| m >= n)));
    setup.token.cancel();
    live.await.expect("live task").expect("live runner stopped cleanly");
}

// ---------------------------------------------------------------- JetStream only

async fn stream_sequence_is_log_position(bus: &JetStreamBus, n: u64) -> bool {
    let Ok(mut stream) = bus.stream(SERVICE).await else { return false };
    let Ok(info) = stream.info().await else { return false };
    info.state.messages == n && info.state.last_sequence == n && info.state.first_sequence == 1
}

async fn the_relay_republishes_what_jetstream_lost(backend: Backend) {
    let setup = Setup::new(backend, Bus::JetStream).await;
    let bus = setup.bus.clone().expect("jetstream bus");
    for i in 0..30 {
        setup.store.append(commit(&format!("r{i}"), 0, 1, None), &()).await.expect("append");
    }
    wait_until("30 events published", || stream_sequence_is_log_position(&bus, 30)).await;
    bus.context().delete_stream(bus.stream_name(SERVICE)).await.expect("delete stream");
    for i in 30..40 {
        setup.store.append(commit(&format!("r{i}"), 0, 1, None), &()).await.expect("append after loss");
    }
    wait_until("all 40 republished", || stream_sequence_is_log_position(&bus, 40)).await;
    // Every event exactly once, in order, with its id as Nats-Msg-Id.
    let events = collect(&setup, 0, 40).await;
    let log = setup.store.read_log(0, 100).await.expect("log");
    assert_eq!(
        events.iter().map(|e| (&e.event_id, e.position)).collect::<Vec<_>>(),
        log.iter().map(|e| (&e.event_id, e.position)).collect::<Vec<_>>()
    );
    let stream = bus.stream(SERVICE).await.expect("stream");
    for position in [1_u64, 17, 40] {
        let message = stream.get_raw_message(position).await.expect("message");
        let id = message.headers.get(async_nats::header::NATS_MESSAGE_ID).expect("msg id").to_string();
        assert_eq!(id, log[position as usize - 1].event_id);
    }
    let progress: i64 = sqlx::query("SELECT position FROM relay_progress")
        .fetch_one(setup.test_db.db.pool())
        .await
        .expect("relay progress")
        .get(0);
    assert_eq!(progress, 40);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_relay_republishes_after_loss() {
    the_relay_republishes_what_jetstream_lost(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_relay_republishes_after_loss() {
    the_relay_republishes_what_jetstream_lost(Backend::Sqlite).await;
}

/// A stream lost while its log has nothing new (a server restarted with its store wiped, and no append since):
/// the idle relay notices by itself and republishes the whole log.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_idle_relay_republishes_a_lost_stream_without_a_new_append() {
    let setup = Setup::new(Backend::Postgres, Bus::JetStream).await;
    let bus = setup.bus.clone().expect("jetstream bus");
    for i in 0..12 {
        setup.store.append(commit(&format!("r{i}"), 0, 1, None), &()).await.expect("append");
    }
    wait_until("12 events published", || stream_sequence_is_log_position(&bus, 12)).await;
    bus.context().delete_stream(bus.stream_name(SERVICE)).await.expect("delete stream");
    // No append: only the relay's own look at the stream can bring it back.
    wait_until("all 12 republished", || stream_sequence_is_log_position(&bus, 12)).await;
    let events = collect(&setup, 0, 12).await;
    let log = setup.store.read_log(0, 100).await.expect("log");
    assert_eq!(
        events.iter().map(|e| (&e.event_id, e.position)).collect::<Vec<_>>(),
        log.iter().map(|e| (&e.event_id, e.position)).collect::<Vec<_>>()
    );
}

/// The head of a log whose stream does not exist (yet, or any more) is 0, not an error: a rebuild of a
/// projection of an empty log has nothing to replay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_head_of_a_log_without_a_stream_is_zero() {
    let prefix = format!("t{}", uuid::Uuid::new_v4().simple());
    let bus = JetStreamBus::connect(&nats_url(), &prefix).await.expect("connect to NATS");
    let feed = JetStreamFeed::new(bus);
    assert_eq!(feed.head("nothing-yet").await.expect("a head"), 0);
}

// ---------------------------------------------------------------- instantiation

macro_rules! suite {
    ($module:ident, $backend:expr, $bus:expr) => {
        mod $module {
            use super::*;
            suite!(@tests $backend, $bus;
                positions_are_gap_free_and_in_commit_order,
                racing_writers_one_wins_the_other_gets_a_typed_conflict,
                a_retried_request_commits_once_and_returns_the_first_result,
                a_request_id_reused_for_another_type_of_aggregate_is_refused,
                a_failing_inline_projection_leaves_no_event,
                concurrent_retries_of_one_request_commit_once,
                concurrent_appends_stay_gap_free,
                replay_then_live_without_gap_or_duplicate,
                a_consumer_never_skips_under_concurrent_appends,
                redelivered_events_change_nothing,
                rebuilt_projection_equals_the_live_one);
        }
    };
    (@tests $backend:expr, $bus:expr; $($name:ident),+) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() {
                super::$name(Setup::new($backend, $bus).await).await;
            }
        )+
    };
}

suite!(postgres_local, Backend::Postgres, Bus::Local);
suite!(sqlite_local, Backend::Sqlite, Bus::Local);
suite!(postgres_jetstream, Backend::Postgres, Bus::JetStream);
suite!(sqlite_jetstream, Backend::Sqlite, Bus::JetStream);
