//! `transparency_rebuild`: how fast the transparency projections are rebuilt
//! from the other services' event logs, in events/s replayed into
//! PostgreSQL, beside the raw replay rate of the same logs (every event read
//! and discarded) measured in the same run.
//!
//! ```text
//! cargo run --release -p miroir-bench --bin transparency_rebuild [-- --events 1000000 --communes 1000]
//! cargo run --release -p miroir-bench --bin transparency_rebuild -- --quick
//! ```
//!
//! 1. Throwaway PostgreSQL databases: one per source log (identity, reports,
//!    publications, dialogue: each service has its own in production) and one
//!    for transparency, dropped at the end, also on Ctrl-C.
//! 2. A synthetic history, the same for the same `--seed`: one
//!    `CommuneRegistered` per commune, then about two years of reports and
//!    their steps, questions, proposals and their supports, publications and
//!    their amendments, spread over the communes unevenly (a few big ones).
//! 3. The logs are filled by `COPY` into their `events` tables, the rows
//!    exactly as `EventStore::append` writes them (gap-free positions from 1,
//!    `log_head`); the last commits of each log go through
//!    `EventStore::append` itself, which checks the head and the aggregates'
//!    versions the copied rows left; then every log is read back through
//!    `EventStore` (head, count, and sample pages compared with the plan).
//!    Appending a whole history commit by commit would take many minutes:
//!    the fill prints the append rate it saw and what the whole history would
//!    have taken that way. The fill is not a measured figure.
//! 4. Baseline: every event of the four logs read through the `LocalFeed`
//!    the rebuild reads from, the four at once, nothing decoded, discarded.
//! 5. The rebuild: `miroir_transparency::rebuild::rebuild_all` into the
//!    transparency database (the four projections at once, fresh
//!    generations, then the swap), as `miroir rebuild transparency` runs it.
//!    Then checks: new generations, one row per report, question, proposal,
//!    publication and commune, checkpoints at the logs' heads; and the
//!    national dashboard as a sanity figure.
//!
//! Machines are noisy: compare the ratio (rebuild ÷ raw replay) across runs,
//! not the raw figures.

mod events;
mod fill;
mod history;

use std::collections::{BTreeMap, HashMap};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use clap::Parser;
use futures::StreamExt;
use futures::future::try_join_all;
use miroir_eventstore::EventStore;
use miroir_eventstore::feed::{EventFeed, LocalFeed};
use miroir_platform::storage::{Database, PoolConfig, migrate};
use miroir_transparency::api::TransparencyApi;
use miroir_transparency::projection::{self, LOGS};
use miroir_transparency::rebuild::{Progress, describe, rebuild_all};
use miroir_transparency::scope::Scope;
use sqlx::{AssertSqlSafe, Executor, Row};
use tokio_util::sync::CancellationToken;

use crate::fill::{Fill, fill};
use crate::history::{DEPARTEMENTS, event_mix, generate};

/// INSEE codes are made from `history::DEPARTEMENTS`: at most 99 per département.
const MAX_COMMUNES: u32 = 99 * DEPARTEMENTS.len() as u32;
/// How often the rebuild's progress is printed, per projection.
const PROGRESS_EVERY: Duration = Duration::from_secs(10);

#[derive(Debug, Parser)]
#[command(
    name = "transparency_rebuild",
    about = "Transparency rebuild events/s into PostgreSQL, beside the raw replay rate of the same event logs"
)]
struct Args {
    /// Events in the four logs together [default: 1000000; 50000 with --quick].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1_000..=100_000_000))]
    events: Option<u64>,
    /// Communes, each registered once in identity's log [default: 1000; 100 with --quick].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_COMMUNES)))]
    communes: Option<u32>,
    /// A fast check: 50,000 events over 100 communes (unless --events or --communes say otherwise).
    #[arg(long)]
    quick: bool,
    /// Seed of the synthetic history: the same seed gives the same events.
    #[arg(long, default_value_t = 8)]
    seed: u64,
    /// Commits at the end of each log appended through `EventStore::append` instead of copied.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    appended: u32,
    /// A PostgreSQL role allowed to create databases.
    #[arg(
        long,
        env = "MIROIR_TEST_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres",
        hide_env_values = true
    )]
    database_url: String,
}

/// What the run is asked to do, defaults resolved.
struct Settings {
    events: u64,
    communes: u32,
    seed: u64,
    appended: usize,
    mode: &'static str,
}

/// Ctrl-C: stop, clean up, exit.
#[derive(Debug)]
struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\n!!! THIS RUN FAILED: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> anyhow::Result<()> {
    let (default_events, default_communes) = if args.quick { (50_000, 100) } else { (1_000_000, 1_000) };
    let settings = Settings {
        events: args.events.unwrap_or(default_events),
        communes: args.communes.unwrap_or(default_communes),
        seed: args.seed,
        appended: usize::try_from(args.appended).context("--appended")?,
        mode: if args.quick { "quick" } else { "full" },
    };
    if settings.events < u64::from(settings.communes) + 1_000 {
        bail!("--events must be at least --communes + 1000: every commune is registered once, the rest is activity");
    }
    let databases = Databases::create(&args.database_url).await?;
    let outcome = interruptible(measure(&settings, &databases)).await;
    let cleanup = databases.drop_all().await;
    let measured = outcome?;
    cleanup?;
    measured.print(&settings);
    Ok(())
}

/// Runs `work`, or stops at Ctrl-C (dropping `work` closes what it opened).
async fn interruptible<T>(work: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    tokio::select! {
        result = work => result,
        _ = tokio::signal::ctrl_c() => Err(Interrupted.into()),
    }
}

// ---------------------------------------------------------------------------
// Throwaway databases

/// The databases of this run: the four source logs (in [`LOGS`] order), then transparency.
struct Databases {
    admin_url: String,
    names: Vec<String>,
    urls: Vec<String>,
}

impl Databases {
    async fn create(admin_url: &str) -> anyhow::Result<Self> {
        let run = uuid::Uuid::new_v4().simple().to_string();
        let mut databases = Self { admin_url: admin_url.to_owned(), names: Vec::new(), urls: Vec::new() };
        let components = LOGS.iter().map(|(log, _)| *log).chain(["transparency"]);
        let admin = connect_admin(admin_url).await?;
        for component in components {
            let name = format!("miroir_bench_{run}_{component}");
            if let Err(error) = admin.pool().execute(AssertSqlSafe(format!("CREATE DATABASE {name}"))).await {
                admin.close().await;
                let _ = databases.drop_all().await;
                return Err(anyhow::Error::new(error).context(format!("cannot create the database {name}")));
            }
            databases.urls.push(database_url(admin_url, &name)?);
            databases.names.push(name);
        }
        admin.close().await;
        Ok(databases)
    }

    fn source(&self, index: usize) -> &str {
        &self.urls[index]
    }

    fn transparency(&self) -> &str {
        &self.urls[LOGS.len()]
    }

    async fn drop_all(&self) -> anyhow::Result<()> {
        let admin = connect_admin(&self.admin_url).await?;
        let mut failed = Vec::new();
        for name in &self.names {
            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            if let Err(error) = admin.pool().execute(AssertSqlSafe(sql)).await {
                failed.push(format!("{name}: {error}"));
            }
        }
        admin.close().await;
        ensure!(failed.is_empty(), "cannot drop the databases {}", failed.join("; "));
        Ok(())
    }
}

async fn connect_admin(admin_url: &str) -> anyhow::Result<Database> {
    Database::connect(admin_url, &PoolConfig { max_connections: 1, ..Default::default() })
        .await
        .context("cannot connect to PostgreSQL (--database-url)")
}

/// The URL of database `name` on the server of `admin_url` (same user, host, options).
fn database_url(admin_url: &str, name: &str) -> anyhow::Result<String> {
    let (base, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (admin_url, None),
    };
    if !base.starts_with("postgres://") && !base.starts_with("postgresql://") {
        bail!("--database-url must be postgres://…");
    }
    let authority_start = base.find("://").map(|i| i + 3).context("--database-url must be postgres://…")?;
    let server = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    Ok(match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    })
}

// ---------------------------------------------------------------------------
// The measurement

/// Everything the table shows.
struct Measured {
    plan_summary: Vec<(&'static str, u64, BTreeMap<&'static str, u64>)>,
    generated: Duration,
    fill: Fill,
    baseline: Timings,
    rebuild: Timings,
    /// Peak RSS (KiB) before the rebuild (history, fill) and during it.
    rss_before: Option<u64>,
    rss_rebuild: Option<u64>,
    rss_reset: bool,
    dashboard: String,
    dashboard_time: Duration,
}

/// Wall time of a phase, and when each log was done.
struct Timings {
    wall: Duration,
    per_log: Vec<Duration>,
}

async fn measure(settings: &Settings, databases: &Databases) -> anyhow::Result<Measured> {
    eprintln!(
        "[plan] {} events over {} communes, seed {} ({})",
        settings.events, settings.communes, settings.seed, settings.mode
    );
    let started = Instant::now();
    let (world, plans) = generate(settings.events, settings.communes, settings.seed);
    let generated = started.elapsed();
    let world = Arc::new(world);
    let plan_summary: Vec<_> =
        LOGS.iter().zip(&plans).map(|((log, _), plan)| (*log, plan.len() as u64, event_mix(plan))).collect();
    let expected = Expected::of(&plan_summary);

    // Fill.
    let mut dbs = Vec::new();
    for (index, (log, _)) in LOGS.iter().enumerate() {
        let db = Database::connect(databases.source(index), &PoolConfig::default())
            .await
            .with_context(|| format!("cannot connect to the {log} database"))?;
        migrate(&db, "eventstore", miroir_eventstore::MIGRATIONS).await.with_context(|| format!("migrate {log}"))?;
        dbs.push(db);
    }
    let fill = fill(settings, databases, &world, &plans, &dbs).await?;
    drop(plans);
    let stores = try_join_all(LOGS.iter().zip(&dbs).map(|((log, _), db)| EventStore::open(db.clone(), *log))).await?;
    let heads = try_join_all(stores.iter().map(EventStore::head)).await?;
    let feed = LocalFeed::new(stores);

    // Baseline: raw replay of the four logs at once.
    eprintln!("[baseline] reading the four logs through LocalFeed, discarding every event");
    let baseline = raw_replay(&feed, &heads).await?;

    // The rebuild.
    let rss_before = peak_rss_kib();
    let rss_reset = reset_peak_rss();
    let transparency = Database::connect(databases.transparency(), &PoolConfig::default())
        .await
        .context("cannot connect to the transparency database")?;
    miroir_transparency::migrate_database(&transparency).await.context("migrate transparency")?;
    eprintln!("[rebuild] rebuild_all: the four projections at once");
    let rebuild = rebuild(&transparency, &feed, &heads).await?;
    let rss_rebuild = rss_reset.then(peak_rss_kib).flatten();

    // Checks, and the sanity figure.
    expected.check(&transparency, &heads).await?;
    let started = Instant::now();
    let national = TransparencyApi::with_cache(transparency.clone(), Duration::ZERO)
        .dashboard(Scope::National, 12)
        .await
        .context("the national dashboard")?;
    let dashboard_time = started.elapsed();
    let dashboard = describe_dashboard(&national);
    transparency.close().await;
    for db in dbs {
        db.close().await;
    }
    Ok(Measured {
        plan_summary,
        generated,
        fill,
        baseline,
        rebuild,
        rss_before,
        rss_rebuild,
        rss_reset,
        dashboard,
        dashboard_time,
    })
}

/// Reads every event of every log through `feed` (the four at once), discarding them.
async fn raw_replay(feed: &LocalFeed, heads: &[u64]) -> anyhow::Result<Timings> {
    let started = Instant::now();
    let per_log = try_join_all(LOGS.iter().zip(heads).map(|((log, _), &head)| async move {
        let mut events = feed.subscribe(log, 0);
        let mut read = 0_u64;
        while read < head {
            match events.next().await {
                Some(Ok(_)) => read += 1,
                Some(Err(error)) => return Err(anyhow::Error::new(error).context(format!("replaying {log}"))),
                None => bail!("the {log} feed ended after {read} of {head} events"),
            }
        }
        Ok(started.elapsed())
    }))
    .await?;
    Ok(Timings { wall: started.elapsed(), per_log })
}

/// `rebuild_all` into `db`, timing each projection until it had read its whole log.
async fn rebuild(db: &Database, feed: &LocalFeed, heads: &[u64]) -> anyhow::Result<Timings> {
    let done: Mutex<HashMap<&'static str, Duration>> = Mutex::new(HashMap::new());
    let printed: Mutex<HashMap<&'static str, Instant>> = Mutex::new(HashMap::new());
    let started = Instant::now();
    let on_progress = |p: Progress| {
        if p.progress.done >= p.progress.target
            && let Ok(mut done) = done.lock()
        {
            done.entry(p.projection).or_insert_with(|| started.elapsed());
        }
        if let Ok(mut printed) = printed.lock() {
            let last = printed.entry(p.projection).or_insert(started);
            if last.elapsed() >= PROGRESS_EVERY || p.progress.done >= p.progress.target {
                *last = Instant::now();
                eprintln!("[rebuild] {}", describe(&p));
            }
        }
    };
    let generations = rebuild_all(db, feed, "transparency_rebuild", on_progress, CancellationToken::new())
        .await
        .context("rebuild_all")?;
    let wall = started.elapsed();
    for (name, generation) in &generations {
        ensure!(*generation == 2, "{name}: the rebuild swapped in generation {generation}, not 2");
    }
    let done = done.lock().map(|d| d.clone()).unwrap_or_default();
    let per_log = LOGS
        .iter()
        .zip(heads)
        .map(|((_, name), head)| if *head == 0 { Duration::ZERO } else { done.get(name).copied().unwrap_or(wall) })
        .collect();
    Ok(Timings { wall, per_log })
}

/// What the rebuilt projections must hold, counted from the plan.
struct Expected {
    communes: u64,
    reports: u64,
    questions: u64,
    proposals: u64,
    publications: u64,
}

impl Expected {
    fn of(summary: &[(&'static str, u64, BTreeMap<&'static str, u64>)]) -> Self {
        let count = |name: &str| summary.iter().filter_map(|(_, _, mix)| mix.get(name)).sum::<u64>();
        Self {
            communes: count("CommuneRegistered"),
            reports: count("ReportSubmitted"),
            questions: count("QuestionAsked"),
            proposals: count("ProposalSubmitted"),
            publications: count("PublicationDrafted"),
        }
    }

    async fn check(&self, db: &Database, heads: &[u64]) -> anyhow::Result<()> {
        let tables = [
            (projection::communes::NAME, projection::communes::TABLE, self.communes),
            (projection::reports::NAME, projection::reports::TABLE, self.reports),
            (projection::dialogue::NAME, projection::dialogue::QUESTIONS, self.questions),
            (projection::dialogue::NAME, projection::dialogue::PROPOSALS, self.proposals),
            (projection::publications::NAME, projection::publications::TABLE, self.publications),
        ];
        for (name, table, expected) in tables {
            let generation = miroir_eventstore::projection::active_generation(db, name).await?;
            let sql = format!("SELECT COUNT(*) FROM {table}{}", miroir_eventstore::projection::suffix(generation));
            let rows: i64 = sqlx::query(AssertSqlSafe(sql)).fetch_one(db.pool()).await?.try_get(0)?;
            ensure!(rows as u64 == expected, "{table}: {rows} rows after the rebuild, expected {expected}");
        }
        for ((log, name), head) in LOGS.iter().zip(heads) {
            let generation = miroir_eventstore::projection::active_generation(db, name).await?;
            let checkpoint =
                miroir_eventstore::consumer::checkpoint(db, &format!("projection:{name}:g{generation}")).await?;
            ensure!(checkpoint == *head, "{name}: checkpoint at {checkpoint}, but the {log} log ends at {head}");
        }
        Ok(())
    }
}

fn describe_dashboard(d: &miroir_proto::transparency::v1::Dashboard) -> String {
    let reports = d.reports.clone().unwrap_or_default();
    let questions = d.questions.unwrap_or_default();
    let proposals = d.proposals.unwrap_or_default();
    let budgets = d.budgets.clone().unwrap_or_default();
    let published: u64 = d.publications_by_month.iter().map(|m| m.official + m.citizen).sum();
    format!(
        "{} communes; reports received {}, resolved {}, rejected {}, merged {}; questions asked {}, answered {} \
         ({} on time); proposals submitted {}, reached their threshold {}; publications {}; projects {} \
         (planned {} €, spent {} €)",
        d.communes,
        reports.received,
        reports.resolved,
        reports.rejected,
        reports.merged,
        questions.asked,
        questions.answered,
        questions.answered_on_time,
        proposals.submitted,
        proposals.reached_threshold,
        published,
        budgets.projects,
        budgets.planned_cents / 100,
        budgets.spent_cents / 100,
    )
}

/// Peak resident set of this process, from `/proc/self/status` (Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resets the peak to the current resident set (Linux ≥ 4.0), so the next
/// reading covers the rebuild alone.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

impl Measured {
    fn print(&self, settings: &Settings) {
        let total: u64 = self.plan_summary.iter().map(|(_, n, _)| n).sum();
        println!(
            "\ntransparency_rebuild ({}): {total} events over {} communes, seed {}, about two years of history",
            settings.mode, settings.communes, settings.seed
        );
        for (log, events, mix) in &self.plan_summary {
            let parts: Vec<String> = mix.iter().map(|(name, n)| format!("{name} {n}")).collect();
            println!("  {log:<13} {events:>9} events: {}", parts.join(", "));
        }
        let f = &self.fill;
        let append_rate = rate(f.appended_commits, f.append_time);
        let fill_time = self.generated + f.copy_time + f.append_time + f.verify_time;
        println!(
            "fill (not a measured figure): {:.1} s in all. History generated in {:.1} s; {} events by COPY in \
             {:.1} s; {} commits through EventStore::append at {:.0} commits/s (the whole history that way, one \
             commit at a time: ~{:.0} min); VACUUM ANALYZE, read back and checked in {:.1} s",
            fill_time.as_secs_f64(),
            self.generated.as_secs_f64(),
            f.copied,
            f.copy_time.as_secs_f64(),
            f.appended_commits,
            append_rate,
            total as f64 / append_rate.max(1e-9) / 60.0,
            f.verify_time.as_secs_f64()
        );

        println!("\n{:<52} {:>12} {:>12} {:>8}", "figure", "rebuild", "raw replay", "ratio");
        row("events/s, the four logs at once", rate(total, self.rebuild.wall), rate(total, self.baseline.wall));
        for (i, ((log, name), (_, events, _))) in LOGS.iter().zip(&self.plan_summary).enumerate() {
            row(
                &format!("  events/s, {log} → {name}"),
                rate(*events, self.rebuild.per_log[i]),
                rate(*events, self.baseline.per_log[i]),
            );
        }
        println!(
            "{:<52} {:>12.1} {:>12.1}",
            "wall time, s",
            self.rebuild.wall.as_secs_f64(),
            self.baseline.wall.as_secs_f64()
        );
        let mib = |kib: Option<u64>| kib.map_or_else(|| "n/a".to_owned(), |k| format!("{:.0}", k as f64 / 1024.0));
        if self.rss_reset {
            println!("{:<52} {:>12}", "peak RSS of this process during the rebuild, MiB", mib(self.rss_rebuild));
        }
        println!("{:<52} {:>12}", "peak RSS before it (history, fill, replay), MiB", mib(self.rss_before));
        println!(
            "\nratio = rebuild events/s ÷ raw replay events/s: every event read through the same LocalFeed and \
             discarded, the four logs at once, in this run. Per log: its events ÷ the time until it was all read, \
             the four running together."
        );
        println!(
            "national dashboard after the rebuild (12 months, computed in {:.2} s): {}",
            self.dashboard_time.as_secs_f64(),
            self.dashboard
        );
    }
}

fn row(label: &str, ours: f64, baseline: f64) {
    println!("{label:<52} {ours:>12.0} {baseline:>12.0} {:>8.3}", ours / baseline.max(1e-9));
}

fn rate(count: u64, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64().max(1e-9)
}
