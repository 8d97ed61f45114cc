//! Restart recovery: a process appending to the log is killed with SIGKILL in
//! the middle of its work; every append it had acknowledged is in the log
//! afterwards, whole, and the log is still gap-free. On both databases.
//!
//! The appender is this same test binary, re-run as a child process on the
//! ignored test `appender_child` (it does nothing unless the parent set
//! `MIROIR_CRASH_DATABASE_URL`).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use miroir_eventstore::{Commit, EventStore, Metadata, NewEvent};
use miroir_platform::storage::testing::TestDatabase;
use miroir_platform::storage::{Backend, Database, PoolConfig, migrate};

const URL_VAR: &str = "MIROIR_CRASH_DATABASE_URL";

fn commit(aggregate: &str, n: usize) -> Commit {
    Commit {
        commune: "75056".into(),
        aggregate_type: "report".into(),
        aggregate_id: aggregate.into(),
        expected_version: 0,
        request_id: None,
        metadata: Metadata::default(),
        events: (0..n)
            .map(|i| NewEvent { event_type: "t.E".into(), schema_version: 1, payload: vec![i as u8; 64] })
            .collect(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by the crash tests as their child process"]
async fn appender_child() {
    let Ok(url) = std::env::var(URL_VAR) else { return };
    let db = Database::connect(&url, &PoolConfig::default()).await.expect("child connects");
    let store = EventStore::open(db, "reports").await.expect("child opens");
    let mut stdout = std::io::stdout();
    for i in 0.. {
        let n = 1 + i % 3;
        let receipt = store.append(commit(&format!("a{i}"), n), &()).await.expect("append");
        // Acknowledged: only now may the "client" rely on it.
        writeln!(stdout, "ack {} a{i} {n}", receipt.last_position).expect("write ack");
        stdout.flush().expect("flush");
    }
}

async fn acknowledged_appends_survive_sigkill(backend: Backend) {
    let test = TestDatabase::new(backend).await;
    migrate(&test.db, "eventstore", miroir_eventstore::MIGRATIONS).await.expect("migrate");
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args(["appender_child", "--exact", "--include-ignored", "--nocapture", "--test-threads=1"])
        .env(URL_VAR, &test.url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn appender");
    let stdout = child.stdout.take().expect("child stdout");
    let mut acked = BTreeMap::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("read child");
        let mut parts = line.split_whitespace();
        if parts.next() != Some("ack") {
            continue;
        }
        let position: u64 = parts.next().and_then(|p| p.parse().ok()).expect("position");
        let aggregate = parts.next().expect("aggregate").to_owned();
        let n: usize = parts.next().and_then(|p| p.parse().ok()).expect("count");
        acked.insert(aggregate, (position, n));
        if acked.len() == 300 {
            // SIGKILL, in the middle of the next append.
            child.kill().expect("kill -9");
            break;
        }
    }
    child.wait().expect("reap child");
    assert_eq!(acked.len(), 300, "the child acknowledged enough appends before the kill");

    let store = EventStore::open(test.db.clone(), "reports").await.expect("reopen");
    let head = store.head().await.expect("head");
    let log = store.read_log(0, 100_000).await.expect("log");
    assert_eq!(
        log.iter().map(|e| e.position).collect::<Vec<_>>(),
        (1..=head).collect::<Vec<_>>(),
        "gap-free after the crash"
    );
    for (aggregate, (position, n)) in &acked {
        let events = store.load("report", aggregate).await.expect("load");
        assert_eq!(events.len(), *n, "{aggregate} is whole");
        assert_eq!(events.last().map(|e| e.position), Some(*position));
    }
    // Appending goes on where the log stopped.
    let receipt = store.append(commit("after-restart", 1), &()).await.expect("append after restart");
    assert_eq!(receipt.first_position, head + 1);
}

#[tokio::test]
async fn postgres_acknowledged_appends_survive_sigkill() {
    acknowledged_appends_survive_sigkill(Backend::Postgres).await;
}

#[tokio::test]
async fn sqlite_acknowledged_appends_survive_sigkill() {
    acknowledged_appends_survive_sigkill(Backend::Sqlite).await;
}
