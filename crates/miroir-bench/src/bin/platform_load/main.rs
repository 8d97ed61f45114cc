//! `platform_load`: the platform under a realistic mix of requests through
//! the gateway — 80 % reads of public pages and APIs, 20 % writes — in the
//! embedded mode (`miroir up`) and in the microservices mode (every component
//! as its own `miroir serve` process on PostgreSQL and NATS JetStream). It
//! prints requests/s and p50/p95/p99 latency, for the mix, its reads and its
//! writes, beside a baseline measured in the same run — one static file served
//! by the same gateway, with as many clients — and each process's peak memory.
//!
//! ```text
//! cargo build --release -p miroir -p miroir-bench
//! $CARGO_TARGET_DIR/release/platform_load [--mode both] [--duration 10] [--concurrency 16] [--quick]
//! ```
//!
//! The platform runs as real processes on 127.0.0.1 (ports picked by the
//! system), in a throwaway data folder or throwaway PostgreSQL databases and
//! NATS streams, removed at the end. Any failed request makes the run fail.
//! Machines are noisy: compare the ratios to the baseline across runs, not the
//! raw figures.

mod content;
mod mix;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, ValueEnum};
use miroir_bench::load::{self, Outcome, Phase};
use miroir_bench::platform::{
    Interrupted, Process, Throwaway, admin, delete_streams, interruptible, miroir_bin, own_peak_memory_kib,
    reset_own_peak_memory,
};

use crate::content::{ADMIN_EMAIL, Amounts, PASSWORD};
use crate::mix::{MIX, MixClient, Request, Rng, STATIC_LABEL, Shared, StaticClient};

/// The commune of the run (registered by `miroir admin`).
pub const COMMUNE: &str = "75056";
/// Access tokens live 15 minutes and this benchmark does not refresh them:
/// both phases (baseline, then the mix) must end before.
const MAX_PHASES: Duration = Duration::from_secs(13 * 60);
/// The services of the microservices mode, in the order they start (the gateway last).
const SERVICES: [&str; 6] = ["identity", "reports", "publications", "dialogue", "notifications", "transparency"];

#[derive(Debug, Parser)]
#[command(
    name = "platform_load",
    about = "Requests/s, p50/p95/p99 latency and peak memory of the platform under a mix of 80 % reads and 20 % \
             writes through the gateway, beside a static file served by the same gateway"
)]
struct Args {
    /// Which deployment mode(s) to measure.
    #[arg(long, value_enum, default_value_t = ModeArg::Both)]
    mode: ModeArg,
    /// Measured seconds per phase (each phase also has the warm-up) [default: 10, 3 with --quick].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    duration: Option<u64>,
    /// Warm-up seconds before each measured phase (calls not counted, errors still are) [default: 2, 1 with
    /// --quick].
    #[arg(long)]
    warmup: Option<u64>,
    /// Concurrent clients, each sending its next request when the previous one answered.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1024))]
    concurrency: u32,
    /// A short run: shorter phases and less content written before.
    #[arg(long)]
    quick: bool,
    /// Seed of the clients' dice (client i rolls with seed + i): the same seed gives the same choices.
    #[arg(long, default_value_t = 1)]
    seed: u64,
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

    fn description(self) -> &'static str {
        match self {
            Mode::Embedded => "miroir up: one process, SQLite files, in-process feed",
            Mode::Microservices => "7 miroir serve processes on PostgreSQL and NATS JetStream",
        }
    }
}

/// What every mode shares.
struct Setup {
    miroir: PathBuf,
    phase: Phase,
    concurrency: usize,
    seed: u64,
    amounts: Amounts,
    database_url: String,
    nats_url: String,
}

/// A process's peak resident memory (KiB): during the set-up (read, then
/// reset, when the set-up is done), and during the baseline and the mix (read
/// just before it was stopped).
struct Memory {
    name: String,
    setup: Option<u64>,
    load: Option<u64>,
}

/// One mode's figures.
struct Measured {
    mix: Outcome,
    baseline: Outcome,
    /// The static file of the baseline.
    stylesheet: String,
    /// Each process's peak memory.
    memory: Vec<Memory>,
    substitutions: Vec<(Request, Request, u64)>,
    /// Reports, questions and publications at the end.
    counts: (usize, usize, usize),
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
    let (duration, warmup) = if args.quick { (3, 1) } else { (10, 2) };
    let phase = Phase {
        warmup: Duration::from_secs(args.warmup.unwrap_or(warmup)),
        duration: Duration::from_secs(args.duration.unwrap_or(duration)),
    };
    if 2 * (phase.warmup + phase.duration) > MAX_PHASES {
        bail!(
            "2 × (--warmup + --duration) must stay under {} s: the accounts' access tokens expire",
            MAX_PHASES.as_secs()
        );
    }
    let concurrency = usize::try_from(args.concurrency).context("--concurrency")?;
    let setup = Setup {
        miroir: miroir_bin(args.miroir)?,
        phase,
        concurrency,
        seed: args.seed,
        amounts: amounts(args.quick, concurrency, phase),
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

    print_header(&setup);
    for (mode, measured) in &rows {
        print_mode(*mode, measured);
        for (what, outcome) in [("request(s) of the mix", &measured.mix), ("baseline request(s)", &measured.baseline)] {
            if outcome.error_count() > 0 {
                failures.push(format!(
                    "{}: {} {what} FAILED (beside {} measured successes): {}",
                    mode.name(),
                    outcome.error_count(),
                    outcome.successes(),
                    outcome.error_summary()
                ));
            }
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

/// How much the set-up writes. Residents: one per client (at most 16) files
/// its reports; questions go round all of them, each under the posting limit
/// (10 in 10 minutes): 4 residents per second of the mix's phase (48 for 2 +
/// 10 s) can ask 40 questions per second, 4 % of a mix of 1,000 requests/s.
fn amounts(quick: bool, concurrency: usize, phase: Phase) -> Amounts {
    let seconds = (phase.warmup + phase.duration).as_secs_f64();
    let residents = concurrency.min(16).max((seconds * 4.0).ceil() as usize);
    if quick {
        Amounts { residents, reports: 12, reports_acknowledged: 4, questions: 6, questions_answered: 2 }
    } else {
        Amounts { residents, reports: 30, reports_acknowledged: 10, questions: 10, questions_answered: 4 }
    }
}

// ---------------------------------------------------------------------------
// Output

fn print_header(setup: &Setup) {
    println!(
        "\nplatform_load: {} clients, {} s warm-up + {} s measured per phase (baseline, then the mix), seed {}, \
         commune {COMMUNE}",
        setup.concurrency,
        setup.phase.warmup.as_secs(),
        setup.phase.duration.as_secs(),
        setup.seed
    );
    let share = |write: bool| {
        MIX.iter()
            .filter(|(request, _)| request.is_write() == write)
            .map(|(request, weight)| format!("{} {weight} %", request.name()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!("mix, per request: reads {}", share(false));
    println!("                  writes {}", share(true));
    println!(
        "baseline: {STATIC_LABEL} (the site's stylesheet) from the same gateway, the same clients; ratio = mix ÷ \
         baseline"
    );
}

fn print_mode(mode: Mode, measured: &Measured) {
    println!("\n== {} ({}) ==", mode.name(), mode.description());
    let mix = &measured.mix;
    let reads = mix.only(|label| !mix::is_write_label(label));
    let writes = mix.only(mix::is_write_label);
    let baseline = &measured.baseline;
    println!("{:<52} {:>10} {:>9} {:>9} {:>9} {:>7}", "", "requests/s", "p50 ms", "p95 ms", "p99 ms", "errors");
    let row = |name: &str, outcome: &Outcome| {
        println!(
            "{:<52} {:>10.1} {:>9} {:>9} {:>9} {:>7}",
            name,
            outcome.per_second(),
            ms(outcome.percentile_ms(50.0)),
            ms(outcome.percentile_ms(95.0)),
            ms(outcome.percentile_ms(99.0)),
            outcome.error_count()
        );
    };
    row("mix", mix);
    row("  reads (80 %)", &reads);
    row("  writes (20 %)", &writes);
    row(&format!("baseline {}", measured.stylesheet), baseline);
    let ratio = |a: Option<f64>, b: Option<f64>, digits: usize| match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.digits$}", a / b),
        _ => "-".to_owned(),
    };
    let at = |outcome: &Outcome, p| outcome.percentile_ms(p);
    println!(
        "{:<52} {:>10} {:>9} {:>9} {:>9}",
        "ratio mix ÷ baseline",
        ratio(Some(mix.per_second()), Some(baseline.per_second()), 3),
        ratio(at(mix, 50.0), at(baseline, 50.0), 1),
        ratio(at(mix, 95.0), at(baseline, 95.0), 1),
        ratio(at(mix, 99.0), at(baseline, 99.0), 1),
    );

    println!(
        "\nby request{:<42} {:>6} {:>10} {:>9} {:>9} {:>9} {:>7}",
        "", "share", "requests/s", "p50 ms", "p95 ms", "p99 ms", "errors"
    );
    let total = mix.successes().max(1) as f64;
    for (request, _) in MIX {
        let one = mix.only(|label| label == request.label());
        println!(
            "{:<52} {:>5.1}% {:>10.1} {:>9} {:>9} {:>9} {:>7}",
            request.label(),
            100.0 * one.successes() as f64 / total,
            one.per_second(),
            ms(one.percentile_ms(50.0)),
            ms(one.percentile_ms(95.0)),
            ms(one.percentile_ms(99.0)),
            one.error_count()
        );
    }
    for (wanted, sent, times) in &measured.substitutions {
        println!("note: {times} × {} had nothing to act on and sent {} instead", wanted.label(), sent.label());
    }
    let (reports, questions, publications) = measured.counts;
    println!("content at the end: {reports} reports, {questions} questions, {publications} publications");

    println!("\npeak memory (VmHWM){:<35} {:>12} {:>16} {:>12}", "", "set-up", "baseline + mix", "whole run");
    let mib = |kib: Option<u64>| kib.map_or_else(|| "-".to_owned(), |kib| format!("{:.1} MiB", kib as f64 / 1024.0));
    for memory in &measured.memory {
        let whole = memory.setup.max(memory.load).filter(|_| memory.setup.is_some() && memory.load.is_some());
        println!("  {:<52} {:>12} {:>16} {:>12}", memory.name, mib(memory.setup), mib(memory.load), mib(whole));
    }
}

fn ms(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |ms| format!("{ms:.2}"))
}

// ---------------------------------------------------------------------------
// Both modes

/// What [`measure`] measured.
struct Phases {
    shared: Arc<Shared>,
    mix: Outcome,
    baseline: Outcome,
    stylesheet: String,
    /// The set-up's peak memory of each process (in the order given), then of this program.
    setup_memory: Vec<Option<u64>>,
}

/// Set-up, baseline, then the mix, against the gateway at `site`. The peak
/// memory of `processes` (and of this program) is read and reset between
/// the set-up and the baseline.
async fn measure(
    setup: &Setup,
    mode: &str,
    site: std::net::SocketAddr,
    processes: &[&Process],
) -> anyhow::Result<Phases> {
    let shared = Arc::new(content::prepare(mode, site, &setup.amounts).await?);
    let stylesheet_url = content::ready(mode, &shared).await?;
    let stylesheet = stylesheet_url.trim_start_matches(&shared.site).to_owned();
    let mut setup_memory: Vec<Option<u64>> = processes.iter().map(|process| process.peak_memory_kib()).collect();
    setup_memory.push(own_peak_memory_kib());
    let reset = processes.iter().all(|process| process.reset_peak_memory()) && reset_own_peak_memory();
    if !reset {
        bail!("cannot reset the processes' peak memory (/proc/<pid>/clear_refs, Linux ≥ 4.0)");
    }

    eprintln!(
        "[{mode}] baseline: {} clients fetching {stylesheet}: {} s warm-up + {} s measured",
        setup.concurrency,
        setup.phase.warmup.as_secs(),
        setup.phase.duration.as_secs()
    );
    let workers = (0..setup.concurrency)
        .map(|_| Ok(StaticClient { http: mix::client()?, url: stylesheet_url.clone() }))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let baseline = load::drive(workers, setup.phase).await?;

    eprintln!(
        "[{mode}] the mix: {} clients: {} s warm-up + {} s measured ({} questions may still be asked)",
        setup.concurrency,
        setup.phase.warmup.as_secs(),
        setup.phase.duration.as_secs(),
        shared.questions_left()
    );
    let workers = (0..setup.concurrency)
        .map(|i| {
            Ok(MixClient {
                http: mix::client()?,
                rng: Rng::new(setup.seed.wrapping_add(i as u64)),
                shared: shared.clone(),
                resident: shared.residents[i % shared.residents.len().min(16)].clone(),
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mix = load::drive(workers, setup.phase).await?;
    Ok(Phases { shared, mix, baseline, stylesheet, setup_memory })
}

/// `miroir up --data /tmp/… --listen …` → `miroir up`: a process's name without its flags.
fn short_name(process: &Process) -> String {
    let name = process.name();
    name.split_once(" --").map_or(name, |(name, _)| name).to_owned()
}

/// The memory figures of `processes` (then this program's), from their set-up peaks.
fn memory(processes: &[&Process], setup_memory: &[Option<u64>]) -> Vec<Memory> {
    let mut all: Vec<Memory> = processes
        .iter()
        .zip(setup_memory)
        .map(|(process, setup)| Memory { name: short_name(process), setup: *setup, load: process.peak_memory_kib() })
        .collect();
    all.push(Memory {
        name: "platform_load (this program: the clients)".to_owned(),
        setup: setup_memory.get(processes.len()).copied().flatten(),
        load: own_peak_memory_kib(),
    });
    all
}

fn register_commune() -> [&'static str; 7] {
    ["register-commune", "--insee", COMMUNE, "--name", "Paris", "--department", "75"]
}

fn create_admin() -> [&'static str; 7] {
    ["create-admin", "--commune", COMMUNE, "--email", ADMIN_EMAIL, "--password", PASSWORD]
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
    admin(&setup.miroir, &["--data", &folder], &register_commune()).await?;
    admin(&setup.miroir, &["--data", &folder], &create_admin()).await?;
    eprintln!("[embedded] starting miroir up in {folder}");
    // Three listeners at least: the site, identity's and reports' gRPC on loopback.
    let mut up =
        Process::start(&setup.miroir, &["up", "--data", &folder, "--listen", "127.0.0.1:0", "--no-demo"], &[], 3)
            .await?;
    let site = up.address("http")?;
    up.wait_ready(&miroir_bench::api::http_client()?, site).await?;
    let Phases { shared, mix, baseline, stylesheet, setup_memory } = measure(setup, "embedded", site, &[&up]).await?;
    let memory = memory(&[&up], &setup_memory);
    let mut problems = Vec::new();
    if let Err(error) = up.stop().await {
        problems.push(format!("{error:#}"));
    }
    Ok(Measured {
        mix,
        baseline,
        stylesheet,
        memory,
        substitutions: shared.substitutions(),
        counts: shared.counts(),
        problems,
    })
}

// ---------------------------------------------------------------------------
// Microservices mode

async fn microservices(setup: &Setup) -> anyhow::Result<Measured> {
    let run = uuid::Uuid::new_v4().simple().to_string();
    let mut databases = Vec::new();
    let mut created = Ok(());
    for service in SERVICES {
        match Throwaway::create(&setup.database_url, format!("miroir_bench_{run}_{service}")).await {
            Ok(db) => databases.push(db),
            Err(error) => {
                created = Err(error);
                break;
            }
        }
    }
    let prefix = format!("bench{run}");
    let mut measured = match created {
        Ok(()) => {
            let urls: Vec<String> = databases.iter().map(|db| db.url.clone()).collect();
            interruptible(microservices_in(setup, &urls, &prefix)).await
        }
        Err(error) => Err(error),
    };

    let mut problems = Vec::new();
    for db in databases {
        if let Err(error) = db.drop_database().await {
            problems.push(format!("cleanup: {error:#}"));
        }
    }
    if let Err(error) = delete_streams(&setup.nats_url, &prefix, &SERVICES).await {
        problems.push(format!("cleanup of the NATS streams {}_*: {error:#}", prefix.to_uppercase()));
    }
    match &mut measured {
        Ok(measured) => measured.problems.extend(problems),
        Err(_) => problems.iter().for_each(|problem| eprintln!("[microservices] {problem}")),
    }
    measured
}

/// `databases`: one per service of [`SERVICES`], in that order.
async fn microservices_in(setup: &Setup, databases: &[String], prefix: &str) -> anyhow::Result<Measured> {
    let identity_db = &databases[0];
    admin(&setup.miroir, &["--database-url", identity_db], &register_commune()).await?;
    admin(&setup.miroir, &["--database-url", identity_db], &create_admin()).await?;
    let probe = miroir_bench::api::http_client()?;
    let listen = || "127.0.0.1:0".to_owned();
    // The secret identity and notifications share for the directory of addresses.
    let secret = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    let objects =
        tempfile::Builder::new().prefix("miroir-bench-objects-").tempdir().context("cannot create an object folder")?;

    eprintln!("[microservices] starting miroir serve {} and gateway", SERVICES.join(", "));
    let mut services: Vec<Process> = Vec::new();
    let mut identity_url = String::new();
    for (service, db) in SERVICES.iter().zip(databases) {
        let mut env = vec![
            ("MIROIR_DATABASE_URL", db.clone()),
            ("MIROIR_NATS_URL", setup.nats_url.clone()),
            ("MIROIR_NATS_PREFIX", prefix.to_owned()),
            ("MIROIR_GRPC_LISTEN", listen()),
            ("MIROIR_ADMIN_LISTEN", listen()),
        ];
        if *service != "identity" {
            env.push(("MIROIR_IDENTITY_URL", identity_url.clone()));
        }
        if matches!(*service, "identity" | "notifications") {
            env.push(("MIROIR_INTERNAL_SECRET", secret.clone()));
        }
        if matches!(*service, "reports" | "publications") {
            env.push(("MIROIR_OBJECT_STORE", objects.path().display().to_string()));
        }
        let mut process = Process::start(&setup.miroir, &["serve", service], &env, 2).await?;
        process.wait_ready(&probe, process.address("admin")?).await?;
        if *service == "identity" {
            identity_url = format!("http://{}", process.address("grpc")?);
        }
        services.push(process);
    }
    let grpc = |i: usize| services[i].address("grpc").map(|address| format!("http://{address}"));
    let gateway_env = [
        ("MIROIR_HTTP_LISTEN", listen()),
        ("MIROIR_ADMIN_LISTEN", listen()),
        ("MIROIR_IDENTITY_URL", identity_url.clone()),
        ("MIROIR_REPORTS_URL", grpc(1)?),
        ("MIROIR_PUBLICATIONS_URL", grpc(2)?),
        ("MIROIR_DIALOGUE_URL", grpc(3)?),
        ("MIROIR_NOTIFICATIONS_URL", grpc(4)?),
        ("MIROIR_TRANSPARENCY_URL", grpc(5)?),
    ];
    let mut gateway = Process::start(&setup.miroir, &["serve", "gateway"], &gateway_env, 2).await?;
    gateway.wait_ready(&probe, gateway.address("admin")?).await?;

    // The gateway first, identity last: the reverse of the start.
    let processes: Vec<Process> = std::iter::once(gateway).chain(services.into_iter().rev()).collect();
    let all: Vec<&Process> = processes.iter().collect();
    let Phases { shared, mix, baseline, stylesheet, setup_memory } =
        measure(setup, "microservices", all[0].address("http")?, &all).await?;
    let memory = memory(&all, &setup_memory);
    let mut problems = Vec::new();
    for process in processes {
        if let Err(error) = process.stop().await {
            problems.push(format!("{error:#}"));
        }
    }
    Ok(Measured {
        mix,
        baseline,
        stylesheet,
        memory,
        substitutions: shared.substitutions(),
        counts: shared.counts(),
        problems,
    })
}
