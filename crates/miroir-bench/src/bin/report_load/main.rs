//! `report_load`: report submissions per second, and their p50/p99 latency,
//! through the gateway, in the embedded mode (`miroir up`) and in the
//! microservices mode (`miroir serve identity|reports|gateway` on PostgreSQL
//! and NATS JetStream), each beside the durable-write limit measured in the
//! same run: raw single-row inserts, one transaction each, with as many
//! concurrent clients, into the same kind of database (a SQLite file opened
//! as the embedded mode opens its own; a scratch table in the reports
//! service's PostgreSQL database).
//!
//! ```text
//! cargo build --release -p miroir -p miroir-bench
//! $CARGO_TARGET_DIR/release/report_load [--mode both] [--duration 10] [--concurrency 16]
//! ```
//!
//! The platform runs as real processes on 127.0.0.1 (ports picked by the
//! system), in a throwaway data folder or throwaway PostgreSQL databases and
//! NATS streams, removed at the end. Residents sign up and sign in over the
//! REST API, then each client files reports as one of them, each with a fresh
//! `Idempotency-Key`, for a warm-up and then the measured window. Failed
//! calls are counted apart and make the run fail. Machines are noisy: compare
//! the ratio to the baseline across runs, not the raw figures.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicI64;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Parser, ValueEnum};
use futures::future::try_join_all;
use miroir_platform::storage::{Database, PoolConfig};
use serde_json::json;
use sqlx::Executor;

use miroir_bench::api::{self, http_client};
use miroir_bench::load::{self, BASELINE_TABLE, Inserter, Outcome, Phase, Submitter};
use miroir_bench::platform::{Interrupted, Process, Throwaway, admin, delete_streams, interruptible, miroir_bin};

/// The commune the reports are filed in (registered by `miroir admin`), and a
/// point inside it.
const COMMUNE: &str = "75056";
const LATITUDE: f64 = 48.8566;
const LONGITUDE: f64 = 2.3522;
/// A standard category every commune has.
const CATEGORY: &str = "voirie";
/// Residents signed in for the run; clients beyond share their sessions.
const MAX_RESIDENTS: usize = 16;
const RESIDENT_PASSWORD: &str = "un banc d'essai bien chargé";
/// About the size of a report's event: the baseline row's payload.
const BASELINE_PAYLOAD: usize = 300;
/// Access tokens live 15 minutes and this benchmark does not refresh them.
const MAX_PHASE: Duration = Duration::from_secs(13 * 60);
/// How long reports may take to learn the commune (from identity's stream).
const ACCEPT_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Parser)]
#[command(
    name = "report_load",
    about = "Report submissions/s and p50/p99 latency through the gateway, beside raw durable inserts"
)]
struct Args {
    /// Which deployment mode(s) to measure.
    #[arg(long, value_enum, default_value_t = ModeArg::Both)]
    mode: ModeArg,
    /// Measured seconds per phase (each phase also has the warm-up).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    duration: u64,
    /// Warm-up seconds before each measured phase (calls not counted, errors still are).
    #[arg(long, default_value_t = 2)]
    warmup: u64,
    /// Concurrent clients, each sending its next request when the previous one answered.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=4096))]
    concurrency: u32,
    /// A PostgreSQL role allowed to create databases (microservices mode).
    #[arg(
        long,
        env = "MIROIR_TEST_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres",
        hide_env_values = true
    )]
    database_url: String,
    /// NATS server with JetStream (microservices mode).
    #[arg(long, env = "MIROIR_TEST_NATS_URL", default_value = "nats://127.0.0.1:4222")]
    nats_url: String,
    /// The `miroir` binary [default: `miroir` beside this program, i.e. the release build].
    #[arg(long)]
    miroir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ModeArg {
    Embedded,
    Microservices,
    Both,
}

#[derive(Debug, Clone, Copy)]
enum Mode {
    Embedded,
    Microservices,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Embedded => "embedded",
            Mode::Microservices => "microservices",
        }
    }

    fn baseline_name(self) -> &'static str {
        match self {
            Mode::Embedded => "SQLite",
            Mode::Microservices => "PostgreSQL",
        }
    }
}

/// What every phase shares.
struct Setup {
    miroir: PathBuf,
    phase: Phase,
    concurrency: usize,
    database_url: String,
    nats_url: String,
}

/// One mode's figures.
struct Measured {
    load: Outcome,
    baseline: Outcome,
    /// Anything else that went wrong but did not spoil the figures (a process that did not stop cleanly…).
    problems: Vec<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let phase = Phase { warmup: Duration::from_secs(args.warmup), duration: Duration::from_secs(args.duration) };
    if phase.warmup + phase.duration > MAX_PHASE {
        bail!("--warmup + --duration must stay under {} s: the residents' access tokens expire", MAX_PHASE.as_secs());
    }
    let setup = Setup {
        miroir: miroir_bin(args.miroir)?,
        phase,
        concurrency: usize::try_from(args.concurrency).context("--concurrency")?,
        database_url: args.database_url,
        nats_url: args.nats_url,
    };
    let modes = match args.mode {
        ModeArg::Embedded => vec![Mode::Embedded],
        ModeArg::Microservices => vec![Mode::Microservices],
        ModeArg::Both => vec![Mode::Embedded, Mode::Microservices],
    };

    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for mode in modes {
        eprintln!("[{}] starting", mode.name());
        let measured = match mode {
            Mode::Embedded => embedded(&setup).await,
            Mode::Microservices => microservices(&setup).await,
        };
        match measured {
            Ok(measured) => rows.push((mode, measured)),
            Err(error) if error.is::<Interrupted>() => {
                eprintln!("[{}] interrupted; cleaned up", mode.name());
                return Ok(ExitCode::from(130));
            }
            Err(error) => {
                eprintln!("[{}] FAILED: {error:#}", mode.name());
                failures.push(format!("{}: the run failed: {error:#}", mode.name()));
            }
        }
    }

    print_table(&setup, &rows);
    for (mode, measured) in &rows {
        if measured.load.error_count() > 0 {
            failures.push(format!(
                "{}: {} report submission(s) FAILED (beside {} measured successes): {}",
                mode.name(),
                measured.load.error_count(),
                measured.load.successes(),
                measured.load.error_summary()
            ));
        }
        if measured.baseline.error_count() > 0 {
            failures.push(format!(
                "{}: {} baseline insert(s) FAILED (beside {} measured successes): {}",
                mode.name(),
                measured.baseline.error_count(),
                measured.baseline.successes(),
                measured.baseline.error_summary()
            ));
        }
        failures.extend(measured.problems.iter().map(|problem| format!("{}: {problem}", mode.name())));
    }
    if failures.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("\n!!! THIS RUN HAD ERRORS: the figures above do not measure a healthy platform !!!");
    for failure in &failures {
        eprintln!("!!! {failure}");
    }
    Ok(ExitCode::FAILURE)
}

fn print_table(setup: &Setup, rows: &[(Mode, Measured)]) {
    println!(
        "\nreport_load: {} clients, {} s warm-up + {} s measured per phase; category \"{CATEGORY}\", commune {COMMUNE}",
        setup.concurrency,
        setup.phase.warmup.as_secs(),
        setup.phase.duration.as_secs()
    );
    println!(
        "baseline: one {BASELINE_PAYLOAD}-byte INSERT per transaction, same clients, pool as the service's ({} connections)\n",
        PoolConfig::default().max_connections
    );
    println!(
        "{:<14} {:>13} {:>8} {:>8} {:>7} | {:<10} {:>9} {:>8} {:>8} {:>7} | {:>6}",
        "mode",
        "submissions/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "baseline",
        "writes/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "ratio"
    );
    for (mode, measured) in rows {
        let (load, baseline) = (&measured.load, &measured.baseline);
        let ratio = if baseline.per_second() > 0.0 {
            format!("{:.3}", load.per_second() / baseline.per_second())
        } else {
            "-".to_owned()
        };
        println!(
            "{:<14} {:>13.1} {:>8} {:>8} {:>7} | {:<10} {:>9.1} {:>8} {:>8} {:>7} | {:>6}",
            mode.name(),
            load.per_second(),
            ms(load.percentile_ms(50.0)),
            ms(load.percentile_ms(99.0)),
            load.error_count(),
            mode.baseline_name(),
            baseline.per_second(),
            ms(baseline.percentile_ms(50.0)),
            ms(baseline.percentile_ms(99.0)),
            baseline.error_count(),
            ratio
        );
    }
    println!("\nratio = submissions/s ÷ baseline writes/s, both measured in this run");
}

fn ms(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |ms| format!("{ms:.2}"))
}

// ---------------------------------------------------------------------------
// Embedded mode

async fn embedded(setup: &Setup) -> anyhow::Result<Measured> {
    let data =
        tempfile::Builder::new().prefix("miroir-bench-").tempdir().context("cannot create a temporary data folder")?;
    interruptible(embedded_in(setup, data.path())).await
    // The data folder is removed when `data` drops.
}

async fn embedded_in(setup: &Setup, data: &Path) -> anyhow::Result<Measured> {
    let folder = data.display().to_string();
    // The same folder, and `Database::connect`'s pragmas and pool, as `miroir up`'s own files.
    eprintln!("[embedded] baseline: raw inserts into a SQLite file in {folder}");
    let baseline = baseline(&format!("sqlite://{}", data.join("bench-baseline.db").display()), setup).await?;

    admin(&setup.miroir, &["--data", &folder], &register_commune()).await?;
    eprintln!("[embedded] starting miroir up");
    // Three listeners: the site, identity's and reports' gRPC on loopback.
    let mut up =
        Process::start(&setup.miroir, &["up", "--data", &folder, "--listen", "127.0.0.1:0", "--no-demo"], &[], 3)
            .await?;
    let site = up.address("http")?;
    up.wait_ready(&http_client()?, site).await?;
    let load = submissions(setup, "embedded", site).await?;
    let mut problems = Vec::new();
    if let Err(error) = up.stop().await {
        problems.push(format!("{error:#}"));
    }
    Ok(Measured { load, baseline, problems })
}

// ---------------------------------------------------------------------------
// Microservices mode

async fn microservices(setup: &Setup) -> anyhow::Result<Measured> {
    let run = uuid::Uuid::new_v4().simple().to_string();
    let identity_db = Throwaway::create(&setup.database_url, format!("miroir_bench_{run}_identity")).await?;
    let reports_db = match Throwaway::create(&setup.database_url, format!("miroir_bench_{run}_reports")).await {
        Ok(db) => db,
        Err(error) => {
            let _ = identity_db.drop_database().await;
            return Err(error);
        }
    };
    let prefix = format!("bench{run}");
    let mut measured = interruptible(microservices_in(setup, &identity_db.url, &reports_db.url, &prefix)).await;

    let mut problems = Vec::new();
    for db in [identity_db, reports_db] {
        if let Err(error) = db.drop_database().await {
            problems.push(format!("cleanup: {error:#}"));
        }
    }
    if let Err(error) = delete_streams(&setup.nats_url, &prefix, &["identity", "reports"]).await {
        problems.push(format!("cleanup of the NATS streams {}_*: {error:#}", prefix.to_uppercase()));
    }
    match &mut measured {
        Ok(measured) => measured.problems.extend(problems),
        Err(_) => problems.iter().for_each(|problem| eprintln!("[microservices] {problem}")),
    }
    measured
}

async fn microservices_in(
    setup: &Setup,
    identity_db: &str,
    reports_db: &str,
    prefix: &str,
) -> anyhow::Result<Measured> {
    // A scratch table in the very database the reports service writes to.
    eprintln!("[microservices] baseline: raw inserts into the reports database (PostgreSQL)");
    let baseline = baseline(reports_db, setup).await?;

    admin(&setup.miroir, &["--database-url", identity_db], &register_commune()).await?;
    let probe = http_client()?;
    let listen = || "127.0.0.1:0".to_owned();
    let bus = |db: &str| {
        vec![
            ("MIROIR_DATABASE_URL", db.to_owned()),
            ("MIROIR_NATS_URL", setup.nats_url.clone()),
            ("MIROIR_NATS_PREFIX", prefix.to_owned()),
            ("MIROIR_GRPC_LISTEN", listen()),
            ("MIROIR_ADMIN_LISTEN", listen()),
        ]
    };
    eprintln!("[microservices] starting miroir serve identity, reports, gateway");
    let mut identity = Process::start(&setup.miroir, &["serve", "identity"], &bus(identity_db), 2).await?;
    identity.wait_ready(&probe, identity.address("admin")?).await?;
    let identity_url = format!("http://{}", identity.address("grpc")?);

    let photos =
        tempfile::Builder::new().prefix("miroir-bench-photos-").tempdir().context("cannot create a photo folder")?;
    let mut reports_env = bus(reports_db);
    reports_env.push(("MIROIR_IDENTITY_URL", identity_url.clone()));
    reports_env.push(("MIROIR_OBJECT_STORE", photos.path().display().to_string()));
    let mut reports = Process::start(&setup.miroir, &["serve", "reports"], &reports_env, 2).await?;
    reports.wait_ready(&probe, reports.address("admin")?).await?;

    let gateway_env = [
        ("MIROIR_HTTP_LISTEN", listen()),
        ("MIROIR_ADMIN_LISTEN", listen()),
        ("MIROIR_REPORTS_URL", format!("http://{}", reports.address("grpc")?)),
        ("MIROIR_IDENTITY_URL", identity_url),
    ];
    let mut gateway = Process::start(&setup.miroir, &["serve", "gateway"], &gateway_env, 2).await?;
    gateway.wait_ready(&probe, gateway.address("admin")?).await?;

    let load = submissions(setup, "microservices", gateway.address("http")?).await?;
    let mut problems = Vec::new();
    for process in [gateway, reports, identity] {
        if let Err(error) = process.stop().await {
            problems.push(format!("{error:#}"));
        }
    }
    Ok(Measured { load, baseline, problems })
}

// ---------------------------------------------------------------------------
// Both modes

fn register_commune() -> [&'static str; 7] {
    ["register-commune", "--insee", COMMUNE, "--name", "Paris", "--department", "75"]
}

/// Raw single-row inserts, one transaction each, `concurrency` clients, into
/// a scratch table of the database at `url`, through a pool configured as the
/// services configure theirs.
async fn baseline(url: &str, setup: &Setup) -> anyhow::Result<Outcome> {
    let db = Database::connect(url, &PoolConfig::default()).await.context("cannot open the baseline database")?;
    let created = db.pool().execute(BASELINE_TABLE).await;
    let outcome = match created {
        Ok(_) => {
            let next_id = Arc::new(AtomicI64::new(0));
            let workers = (0..setup.concurrency)
                .map(|_| Inserter { db: db.clone(), next_id: next_id.clone(), payload: vec![7; BASELINE_PAYLOAD] })
                .collect();
            load::drive(workers, setup.phase).await
        }
        Err(error) => Err(anyhow::Error::new(error).context("cannot create the baseline table")),
    };
    db.close().await;
    outcome
}

/// Signs residents in, waits until the commune accepts reports, then drives
/// the submissions.
async fn submissions(setup: &Setup, mode: &str, site: SocketAddr) -> anyhow::Result<Outcome> {
    let http = http_client()?;
    let residents = setup.concurrency.min(MAX_RESIDENTS);
    eprintln!("[{mode}] signing up {residents} residents at http://{site}");
    let tokens = try_join_all((0..residents).map(|i| resident(&http, site, i))).await?;
    let url = format!("http://{site}/api/v1/communes/{COMMUNE}/reports");
    let body = bytes::Bytes::from(serde_json::to_vec(&json!({
        "category": CATEGORY,
        "title": "Nid-de-poule (banc d'essai)",
        "description": "Signalement déposé par le banc d'essai de charge de Miroir.",
        "location": {"latitude": LATITUDE, "longitude": LONGITUDE, "address": "Place de l'Hôtel de Ville"}
    }))?);
    wait_accepting(&http, &url, &tokens[0], &body).await?;

    eprintln!(
        "[{mode}] {} clients filing reports: {} s warm-up + {} s measured",
        setup.concurrency,
        setup.phase.warmup.as_secs(),
        setup.phase.duration.as_secs()
    );
    let workers = (0..setup.concurrency)
        .map(|i| {
            Ok(Submitter {
                http: http_client()?,
                url: url.clone(),
                token: tokens[i % residents].clone(),
                body: body.clone(),
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    load::drive(workers, setup.phase).await
}

/// Signs up resident `i` of the commune and signs them in: their access token.
async fn resident(http: &reqwest::Client, site: SocketAddr, i: usize) -> anyhow::Result<String> {
    let email = format!("banc-{i}@example.fr");
    api::sign_up(http, site, COMMUNE, &email, RESIDENT_PASSWORD, &format!("Banc d'essai {i}")).await
}

/// The reports service learns communes from identity (over JetStream in the
/// microservices mode): until it has, a submission is refused (400 unknown
/// commune) — or 503 while a component is still connecting. Waits for a 201.
async fn wait_accepting(http: &reqwest::Client, url: &str, token: &str, body: &bytes::Bytes) -> anyhow::Result<()> {
    let started = Instant::now();
    loop {
        let last = match http
            .post(url)
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.clone())
            .send()
            .await
        {
            Ok(response) => {
                let status = response.status();
                let text = response.text().await.unwrap_or_default();
                match status {
                    reqwest::StatusCode::CREATED => return Ok(()),
                    reqwest::StatusCode::BAD_REQUEST | reqwest::StatusCode::SERVICE_UNAVAILABLE => {
                        format!("{status}: {text}")
                    }
                    _ => bail!("the first report submission answered {status}: {text}"),
                }
            }
            Err(error) => error.to_string(),
        };
        if started.elapsed() > ACCEPT_TIMEOUT {
            bail!("the commune did not accept reports within {ACCEPT_TIMEOUT:?}; last answer: {last}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
