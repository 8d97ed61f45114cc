//! Filling the logs: `COPY` of the rows `EventStore::append` would write, the
//! last commits through `EventStore::append` itself, then reading back.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use futures::future::try_join_all;
use miroir_eventstore::EventStore;
use miroir_platform::storage::Database;
use miroir_transparency::projection::LOGS;
use sqlx::{Connection, Executor, Row};

use crate::history::{Planned, World};
use crate::{Databases, Settings};

/// The `events` columns, in the order `COPY` receives them (as `EventStore` lists them).
const EVENT_COLUMNS: &str = "position, event_id, commune, aggregate_type, aggregate_id, aggregate_version, \
     event_type, schema_version, occurred_at_us, recorded_at_us, actor, correlation_id, causation_id, \
     trace_context, payload";
/// Rows compared with the plan at the start, middle and end of each log.
const SAMPLE: u32 = 512;

/// What the fill did (printed, not measured).
pub struct Fill {
    pub copied: u64,
    pub copy_time: Duration,
    pub appended_commits: u64,
    pub append_time: Duration,
    pub verify_time: Duration,
}

pub async fn fill(
    settings: &Settings,
    databases: &Databases,
    world: &Arc<World>,
    plans: &[Vec<Planned>],
    dbs: &[Database],
) -> anyhow::Result<Fill> {
    // The commits of each log, and where the appended tail starts.
    let commits: Vec<Vec<usize>> = plans.iter().map(|plan| commit_starts(plan)).collect();
    let tails: Vec<usize> = plans
        .iter()
        .zip(&commits)
        .map(|(plan, starts)| starts.len().checked_sub(settings.appended).map_or(0, |i| starts[i]).min(plan.len()))
        .collect();

    eprintln!("[fill] COPY into the four logs");
    let started = Instant::now();
    try_join_all(LOGS.iter().enumerate().map(|(i, (log, _))| {
        let url = databases.source(i);
        let rows = &plans[i][..tails[i]];
        async move { copy_rows(url, world, rows).await.with_context(|| format!("COPY into the {log} log")) }
    }))
    .await?;
    let copy_time = started.elapsed();
    let copied = tails.iter().sum::<usize>() as u64;

    eprintln!("[fill] the last commits of each log through EventStore::append");
    let mut appended_commits = 0_u64;
    let mut append_time = Duration::ZERO;
    for (i, (log, _)) in LOGS.iter().enumerate() {
        let store = EventStore::open(dbs[i].clone(), *log).await?;
        let plan = &plans[i];
        let starts: Vec<usize> = commits[i].iter().copied().filter(|s| *s >= tails[i]).collect();
        let started = Instant::now();
        for (k, &start) in starts.iter().enumerate() {
            let end = starts.get(k + 1).copied().unwrap_or(plan.len());
            let commit = world.commit(&plan[start..end]);
            let receipt = store.append(commit, &()).await.with_context(|| format!("append to the {log} log"))?;
            ensure!(
                receipt.first_position == start as u64 + 1 && receipt.last_position == end as u64,
                "{log}: append wrote positions {}..={}, expected {}..={end}",
                receipt.first_position,
                receipt.last_position,
                start + 1
            );
        }
        append_time += started.elapsed();
        appended_commits += starts.len() as u64;
    }

    eprintln!("[fill] VACUUM ANALYZE, reading back");
    let started = Instant::now();
    try_join_all(LOGS.iter().enumerate().map(|(i, (log, _))| {
        let (db, plan, world) = (&dbs[i], &plans[i], world.as_ref());
        async move {
            db.pool().execute("VACUUM ANALYZE events").await?;
            verify(db, log, world, plan).await.with_context(|| format!("reading the {log} log back"))
        }
    }))
    .await?;
    Ok(Fill { copied, copy_time, appended_commits, append_time, verify_time: started.elapsed() })
}

/// Indexes in `plan` where a commit starts.
fn commit_starts(plan: &[Planned]) -> Vec<usize> {
    plan.iter().enumerate().filter(|(_, p)| !p.same_commit).map(|(i, _)| i).collect()
}

/// `rows` at positions 1..=N, by `COPY`, and `log_head` at N, in one transaction.
async fn copy_rows(url: &str, world: &World, rows: &[Planned]) -> anyhow::Result<()> {
    let mut conn = sqlx::postgres::PgConnection::connect(url).await?;
    let mut tx = conn.begin().await?;
    let mut copy = tx.copy_in_raw(&format!("COPY events ({EVENT_COLUMNS}) FROM STDIN")).await?;
    let mut buffer = Vec::with_capacity(5 << 20);
    for (i, planned) in rows.iter().enumerate() {
        world.copy_line(&mut buffer, i as u64 + 1, planned);
        if buffer.len() >= 4 << 20 {
            copy.send(std::mem::replace(&mut buffer, Vec::with_capacity(5 << 20))).await?;
        }
    }
    if !buffer.is_empty() {
        copy.send(buffer).await?;
    }
    let copied = copy.finish().await?;
    ensure!(copied == rows.len() as u64, "COPY wrote {copied} rows of {}", rows.len());
    sqlx::query("UPDATE log_head SET position = $1 WHERE id = 1")
        .bind(i64::try_from(rows.len())?)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    conn.close().await?;
    Ok(())
}

/// The log as `EventStore` reads it: its head, its positions gap-free from 1,
/// and sample pages (start, middle, end) equal to the plan.
async fn verify(db: &Database, log: &str, world: &World, plan: &[Planned]) -> anyhow::Result<()> {
    let store = EventStore::open(db.clone(), log).await?;
    let total = plan.len() as u64;
    let head = store.head().await?;
    ensure!(head == total, "head at {head}, expected {total}");
    let row = sqlx::query("SELECT COUNT(*), COALESCE(MIN(position), 0), COALESCE(MAX(position), 0) FROM events")
        .fetch_one(db.pool())
        .await?;
    let (count, min, max): (i64, i64, i64) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
    ensure!(
        count as u64 == total && max as u64 == total && (total == 0 || min == 1),
        "{count} rows at positions {min}..={max}, expected {total} from 1"
    );
    let middle = total / 2;
    for after in [0, middle.saturating_sub(u64::from(SAMPLE) / 2), total.saturating_sub(u64::from(SAMPLE))] {
        let page = store.read_log(after, SAMPLE).await?;
        ensure!(page.len() as u64 == (total - after).min(u64::from(SAMPLE)), "short page after {after}");
        for event in page {
            let planned = &plan[usize::try_from(event.position - 1)?];
            let (aggregate_type, aggregate_id, new, metadata) = world.materialize(planned);
            let same = event.commune == world.communes[planned.commune as usize].code
                && event.aggregate_type == aggregate_type
                && event.aggregate_id == aggregate_id
                && event.aggregate_version == u64::from(planned.version)
                && event.event_type == new.event_type
                && event.schema_version == new.schema_version
                && event.payload == new.payload
                && event.metadata.occurred_at_us == metadata.occurred_at_us
                && event.metadata.actor == metadata.actor
                && event.metadata.correlation_id == metadata.correlation_id
                && event.metadata.trace_context.is_empty();
            ensure!(same, "position {} does not read back as planned ({})", event.position, event.event_type);
        }
    }
    Ok(())
}
