//! What every test of the transparency service starts from: the four source
//! logs (identity, reports, publications, dialogue), each in its own fresh
//! database as in production, transparency's own database, a feed over the
//! logs (optionally one that redelivers), and the macro that runs each
//! behaviour on both backends.
#![allow(dead_code)] // each test file uses its own part

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use futures::future::BoxFuture;
use miroir_eventstore::feed::{EventFeed, EventStream, FeedError, LocalFeed};
use miroir_eventstore::{Commit, EventStore, Metadata, NewEvent};
use miroir_platform::storage::Backend;
use miroir_platform::storage::testing::TestDatabase;
use sqlx::{AssertSqlSafe, Row};
use tokio_util::sync::CancellationToken;

pub const PARIS: &str = "75056";
pub const LYON: &str = "69123";
pub const HOUR: i64 = 3600 * 1_000_000;
pub const DAY: i64 = 24 * HOUR;

macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { super::$name(super::Backend::Postgres).await; })+
        }
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { super::$name(super::Backend::Sqlite).await; })+
        }
    };
}
pub(crate) use on_both_backends;

pub struct World {
    /// When the world was made: histories are written relative to it (figures read the real clock).
    pub now: i64,
    pub stores: HashMap<&'static str, EventStore>,
    pub transparency: TestDatabase,
    pub feed: Arc<dyn EventFeed>,
    versions: Mutex<HashMap<String, u64>>,
    _logs: Vec<TestDatabase>,
}

impl World {
    pub async fn new(backend: Backend) -> Self {
        Self::with_feed(backend, |local| Arc::new(local)).await
    }

    /// With the feed `wrap` makes of the logs' local feed.
    pub async fn with_feed(backend: Backend, wrap: impl FnOnce(LocalFeed) -> Arc<dyn EventFeed>) -> Self {
        let mut logs = Vec::new();
        let mut stores = HashMap::new();
        for service in ["identity", "reports", "publications", "dialogue"] {
            let db = TestDatabase::new(backend).await;
            miroir_platform::storage::migrate(&db.db, "eventstore", miroir_eventstore::MIGRATIONS)
                .await
                .expect("migrate log");
            stores.insert(service, EventStore::open(db.db.clone(), service).await.expect("open log"));
            logs.push(db);
        }
        let transparency = TestDatabase::new(backend).await;
        miroir_transparency::migrate_database(&transparency.db).await.expect("migrate transparency");
        miroir_transparency::ensure_projections(&transparency.db).await.expect("projections");
        let feed = wrap(LocalFeed::new(stores.values().cloned()));
        Self {
            now: miroir_platform::clock::now_us(),
            stores,
            transparency,
            feed,
            versions: Mutex::new(HashMap::new()),
            _logs: logs,
        }
    }

    /// Appends `event` to `service`'s log, as a command of `actor` at `at_us` would.
    pub async fn append<M: prost::Name>(
        &self,
        service: &'static str,
        commune: &str,
        aggregate: &str,
        at_us: i64,
        event: &M,
    ) {
        let key = format!("{service}/{aggregate}");
        let version = {
            let mut versions = self.versions.lock().expect("versions");
            let v = versions.entry(key).or_insert(0);
            *v += 1;
            *v - 1
        };
        let commit = Commit {
            commune: commune.into(),
            aggregate_type: service.trim_end_matches('s').into(),
            aggregate_id: aggregate.into(),
            expected_version: version,
            request_id: None,
            metadata: Metadata {
                occurred_at_us: at_us,
                actor: format!("0190c0de-actor-{aggregate}"),
                ..Default::default()
            },
            events: vec![NewEvent::from_message(event)],
        };
        self.stores[service].append(commit, &()).await.expect("append");
    }

    pub async fn register(&self, commune: &str, name: &str, commitment_days: u32) {
        let event = miroir_proto::identity::v1::CommuneRegistered {
            commune: commune.into(),
            name: name.into(),
            department: miroir_transparency::projection::departement_of(commune),
            collective_name: String::new(),
            response_commitment_days: commitment_days,
        };
        self.append("identity", commune, commune, self.now - 400 * DAY, &event).await;
    }

    /// The head of every log.
    pub async fn heads(&self) -> BTreeMap<&'static str, u64> {
        let mut heads = BTreeMap::new();
        for (service, store) in &self.stores {
            heads.insert(*service, store.head().await.expect("head"));
        }
        heads
    }

    /// Runs the live projections until `token` is cancelled.
    pub fn run_live(&self, token: CancellationToken) -> tokio::task::JoinHandle<()> {
        let (db, feed) = (self.transparency.db.clone(), self.feed.clone());
        tokio::spawn(async move {
            miroir_transparency::run_live(&db, feed.as_ref(), token).await.expect("live projections");
        })
    }

    /// Waits until every projection has read its log to the head.
    pub async fn caught_up(&self) {
        let heads = self.heads().await;
        for _ in 0..600 {
            let positions = self.positions().await;
            if heads.iter().all(|(log, head)| positions.get(*log).copied().unwrap_or(0) >= *head) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the projections did not catch up with {heads:?}: {:?}", self.positions().await);
    }

    /// How far each projection's active generation has read.
    pub async fn positions(&self) -> BTreeMap<String, u64> {
        let db = &self.transparency.db;
        let mut positions = BTreeMap::new();
        for (log, name) in miroir_transparency::projection::LOGS {
            let generation = miroir_eventstore::projection::active_generation(db, name).await.expect("generation");
            let done = miroir_eventstore::consumer::checkpoint(db, &format!("projection:{name}:g{generation}"))
                .await
                .expect("checkpoint");
            positions.insert(log.to_owned(), done);
        }
        positions
    }

    /// Every row of every table of the active generations, as text, per table (without the suffix).
    pub async fn snapshot(&self) -> BTreeMap<String, Vec<String>> {
        let db = &self.transparency.db;
        let tables: [(&str, &[&str]); 4] = [
            ("transparency-communes", &["tr_communes", "tr_identity_feed"]),
            ("transparency-reports", &["tr_reports", "tr_reports_feed"]),
            ("transparency-publications", &["tr_publications", "tr_publications_feed"]),
            ("transparency-dialogue", &["tr_questions", "tr_proposals", "tr_dialogue_feed"]),
        ];
        let mut all = BTreeMap::new();
        for (name, names) in tables {
            let generation = miroir_eventstore::projection::active_generation(db, name).await.expect("generation");
            for table in names {
                let sql = format!("SELECT * FROM {table}_g{generation}");
                let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(db.pool()).await.expect("rows");
                let mut lines: Vec<String> = rows.iter().map(row_text).collect();
                lines.sort();
                all.insert((*table).to_owned(), lines);
            }
        }
        all
    }
}

fn row_text(row: &sqlx::any::AnyRow) -> String {
    use sqlx::Column;
    let mut cells = Vec::new();
    for (i, column) in row.columns().iter().enumerate() {
        let cell = row
            .try_get::<Option<i64>, _>(i)
            .map(|v| v.map_or("NULL".to_owned(), |v| v.to_string()))
            .or_else(|_| row.try_get::<Option<String>, _>(i).map(|v| v.unwrap_or_else(|| "NULL".into())))
            .unwrap_or_else(|e| format!("?{e}"));
        cells.push(format!("{}={cell}", column.name()));
    }
    cells.join(" ")
}

/// A feed that delivers at least once: now and then it repeats an event it
/// already gave, or starts a subscription a little before where it was asked,
/// as JetStream may after a reconnection.
pub struct Redelivering {
    pub inner: LocalFeed,
    pub seed: u64,
    pub redelivered: Arc<std::sync::atomic::AtomicU64>,
}

impl EventFeed for Redelivering {
    fn subscribe(&self, service: &str, after: u64) -> EventStream {
        let mut rng = self.seed ^ after.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ service.len() as u64;
        let start = after.saturating_sub(next(&mut rng) % 4);
        let counter = self.redelivered.clone();
        let counter_early = self.redelivered.clone();
        if start < after {
            counter_early.fetch_add(after - start, std::sync::atomic::Ordering::Relaxed);
        }
        self.inner
            .subscribe(service, start)
            .flat_map(move |item| {
                let repeat = item.is_ok() && next(&mut rng).is_multiple_of(5);
                let items = match (repeat, item) {
                    (true, Ok(event)) => {
                        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        vec![Ok(event.clone()), Ok(event)]
                    }
                    (_, item) => vec![item],
                };
                futures::stream::iter(items)
            })
            .boxed()
    }

    fn head(&self, service: &str) -> BoxFuture<'static, Result<u64, FeedError>> {
        self.inner.head(service)
    }
}

/// xorshift64*: a repeatable sequence from a seed (no dependency needed).
pub fn next(state: &mut u64) -> u64 {
    let mut x = (*state).max(1);
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    x.wrapping_mul(0x2545_F491_4F6C_DD1D)
}
