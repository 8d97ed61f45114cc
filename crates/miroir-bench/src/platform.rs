//! Running the platform as real processes: `miroir admin`, `miroir up` and
//! `miroir serve …` started with their ports picked by the system, the
//! addresses read from their JSON logs, readiness awaited on `/readyz`; and
//! the throwaway PostgreSQL databases and NATS streams of the microservices
//! mode; each process's peak memory; Ctrl-C.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use miroir_platform::storage::{Database, PoolConfig};
use sqlx::{AssertSqlSafe, Executor};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;

/// How long a process gets to bind its ports, and then to become ready.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a process gets to stop after SIGTERM before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(15);
/// How many of its last output lines are kept to explain a failure.
const TAIL_LINES: usize = 40;

/// The `miroir` binary: the given path, else the release binary beside this one.
pub fn miroir_bin(given: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    let path = match given {
        Some(path) => path,
        None => std::env::current_exe()
            .context("cannot tell where this program is")?
            .parent()
            .context("this program has no folder")?
            .join("miroir"),
    };
    if !path.is_file() {
        bail!(
            "the miroir binary is not at {}: build it with `cargo build --release -p miroir -p miroir-bench` \
             (it lands beside this program), or pass --miroir <path>",
            path.display()
        );
    }
    Ok(path)
}

/// Runs `miroir admin <target> <task>` to completion. `target` (the data
/// folder or the database URL, which may hold a password) is never printed.
pub async fn admin(miroir: &Path, target: &[&str], task: &[&str]) -> anyhow::Result<()> {
    let output = Command::new(miroir)
        .arg("admin")
        .args(target)
        .args(task)
        .stdin(Stdio::null())
        .output()
        .await
        .with_context(|| format!("cannot run {}", miroir.display()))?;
    if !output.status.success() {
        bail!(
            "miroir admin {} failed ({}): {}",
            task.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// A running `miroir` process. Dropped without [`Process::stop`], it is killed.
pub struct Process {
    name: String,
    child: Child,
    addresses: Vec<(String, SocketAddr)>,
    tail: Arc<Mutex<VecDeque<String>>>,
}

impl Process {
    /// Starts `miroir <args>` with `env` and waits until it logged `expected`
    /// listening addresses. Its output is read all along (a full pipe would
    /// stall it); the last lines are kept for error messages.
    pub async fn start(miroir: &Path, args: &[&str], env: &[(&str, String)], expected: usize) -> anyhow::Result<Self> {
        let name = format!("miroir {}", args.join(" "));
        let mut command = Command::new(miroir);
        command
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env("MIROIR_LOG_FORMAT", "json")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().with_context(|| format!("cannot start {name}"))?;
        let tail = Arc::new(Mutex::new(VecDeque::with_capacity(TAIL_LINES)));
        let (send, mut listening) = mpsc::unbounded_channel();
        if let Some(stdout) = child.stdout.take() {
            tokio::spawn(read_lines(stdout, tail.clone(), Some(send)));
        }
        if let Some(stderr) = child.stderr.take() {
            tokio::spawn(read_lines(stderr, tail.clone(), None));
        }
        let mut process = Self { name, child, addresses: Vec::new(), tail };
        let deadline = tokio::time::Instant::now() + START_TIMEOUT;
        while process.addresses.len() < expected {
            match tokio::time::timeout_at(deadline, listening.recv()).await {
                Ok(Some(address)) => process.addresses.push(address),
                Ok(None) => {
                    let status = process.child.wait().await.map(|s| s.to_string()).unwrap_or_default();
                    bail!("{} exited before listening ({status}); its last lines:\n{}", process.name, process.tail());
                }
                Err(_) => bail!(
                    "{} did not report {expected} listening addresses within {START_TIMEOUT:?}; its last lines:\n{}",
                    process.name,
                    process.tail()
                ),
            }
        }
        Ok(process)
    }

    /// The address of the first listener of that kind (`http`, `grpc`, `admin`).
    pub fn address(&self, kind: &str) -> anyhow::Result<SocketAddr> {
        self.addresses
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, address)| *address)
            .with_context(|| format!("{} logged no {kind} address", self.name))
    }

    /// Waits until `GET http://{address}/readyz` answers 200.
    pub async fn wait_ready(&mut self, http: &reqwest::Client, address: SocketAddr) -> anyhow::Result<()> {
        let url = format!("http://{address}/readyz");
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().context("cannot watch the process")? {
                bail!("{} exited while starting ({status}); its last lines:\n{}", self.name, self.tail());
            }
            if let Ok(response) = http.get(&url).send().await
                && response.status() == reqwest::StatusCode::OK
            {
                return Ok(());
            }
            if started.elapsed() > START_TIMEOUT {
                bail!("{} was not ready within {START_TIMEOUT:?}; its last lines:\n{}", self.name, self.tail());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGTERM, then waits for a clean exit (killed after a while). A process
    /// that does not stop cleanly is an error: the platform must stop on SIGTERM.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(pid) = self.child.id() {
            // `kill(1)`: this crate forbids `unsafe`, so no direct libc call.
            let _ = Command::new("kill").args(["-TERM", &pid.to_string()]).status().await;
        }
        match tokio::time::timeout(STOP_TIMEOUT, self.child.wait()).await {
            Ok(Ok(status)) if status.success() => Ok(()),
            Ok(Ok(status)) => {
                bail!(
                    "{} stopped badly on SIGTERM ({status}); its last warnings and errors:\n{}",
                    self.name,
                    self.problems()
                )
            }
            Ok(Err(error)) => Err(error).with_context(|| format!("cannot wait for {}", self.name)),
            Err(_) => {
                let _ = self.child.kill().await;
                bail!("{} did not stop within {STOP_TIMEOUT:?} of SIGTERM; killed", self.name)
            }
        }
    }

    /// What it runs: `miroir serve reports`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its peak resident memory so far, in KiB: `VmHWM` in `/proc/<pid>/status`
    /// (Linux). `None` where that cannot be read.
    pub fn peak_memory_kib(&self) -> Option<u64> {
        peak_memory_kib(&format!("/proc/{}/status", self.child.id()?))
    }

    /// Resets its peak resident memory to its current resident memory (Linux
    /// ≥ 4.0: `5` into `/proc/<pid>/clear_refs`), so that the next
    /// [`Process::peak_memory_kib`] covers what happens from now on. False
    /// where that is not possible.
    pub fn reset_peak_memory(&self) -> bool {
        self.child.id().is_some_and(|pid| std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok())
    }

    /// Its last output lines.
    fn tail(&self) -> String {
        self.lines(|_| true).join("\n")
    }

    /// Its last output lines but the routine ones (JSON logs below WARN), or a word saying there are none.
    fn problems(&self) -> String {
        let routine = |line: &str| {
            serde_json::from_str::<serde_json::Value>(line)
                .is_ok_and(|json| matches!(json["level"].as_str(), Some("INFO" | "DEBUG" | "TRACE")))
        };
        let lines = self.lines(|line| !routine(line));
        if lines.is_empty() { "(none among its last lines)".to_owned() } else { lines.join("\n") }
    }

    fn lines(&self, keep: impl Fn(&str) -> bool) -> Vec<String> {
        self.tail.lock().map(|lines| lines.iter().filter(|line| keep(line)).cloned().collect()).unwrap_or_default()
    }
}

/// Reads a child's output line by line: keeps the last lines, and passes on
/// the `listening` lines (`{"message":"listening","kind":…,"address":…}`).
async fn read_lines(
    output: impl AsyncRead + Unpin,
    tail: Arc<Mutex<VecDeque<String>>>,
    listening: Option<mpsc::UnboundedSender<(String, SocketAddr)>>,
) {
    let mut lines = BufReader::new(output).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(send) = &listening
            && let Ok(json) = serde_json::from_str::<serde_json::Value>(&line)
            && json["message"] == "listening"
            && let (Some(kind), Some(address)) = (json["kind"].as_str(), json["address"].as_str())
            && let Ok(address) = address.parse()
        {
            let _ = send.send((kind.to_owned(), address));
        }
        if let Ok(mut tail) = tail.lock() {
            if tail.len() == TAIL_LINES {
                tail.pop_front();
            }
            tail.push_back(line);
        }
    }
}

/// This program's own peak resident memory, in KiB (`VmHWM`; Linux).
pub fn own_peak_memory_kib() -> Option<u64> {
    peak_memory_kib("/proc/self/status")
}

/// Resets this program's own peak resident memory (see [`Process::reset_peak_memory`]).
pub fn reset_own_peak_memory() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn peak_memory_kib(status_file: &str) -> Option<u64> {
    let status = std::fs::read_to_string(status_file).ok()?;
    vm_hwm_kib(&status)
}

/// `VmHWM:     12345 kB` → 12345.
fn vm_hwm_kib(status: &str) -> Option<u64> {
    let line = status.lines().find_map(|line| line.strip_prefix("VmHWM:"))?;
    line.trim().strip_suffix("kB")?.trim().parse().ok()
}

/// Ctrl-C: stop, clean up, exit.
#[derive(Debug)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

/// Runs `work`, or stops at Ctrl-C with [`Interrupted`] (dropping `work`
/// kills the processes it started).
pub async fn interruptible<T>(work: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    tokio::select! {
        result = work => result,
        _ = tokio::signal::ctrl_c() => Err(Interrupted.into()),
    }
}

/// Deletes the JetStream streams of these services under `prefix` (those
/// never created are fine).
pub async fn delete_streams(nats_url: &str, prefix: &str, services: &[&str]) -> anyhow::Result<()> {
    let bus = miroir_bus::JetStreamBus::connect(nats_url, prefix).await.context("cannot connect to NATS")?;
    for service in services {
        let _ = bus.context().delete_stream(bus.stream_name(service)).await;
    }
    Ok(())
}

/// A PostgreSQL database created for this run, dropped by [`Throwaway::drop_database`].
pub struct Throwaway {
    admin_url: String,
    name: String,
    pub url: String,
}

impl Throwaway {
    pub async fn create(admin_url: &str, name: String) -> anyhow::Result<Self> {
        let admin = connect_admin(admin_url).await?;
        let created = admin.pool().execute(AssertSqlSafe(format!("CREATE DATABASE {name}"))).await;
        admin.close().await;
        created.with_context(|| format!("cannot create the database {name}"))?;
        Ok(Self { admin_url: admin_url.to_owned(), url: database_url(admin_url, &name)?, name })
    }

    pub async fn drop_database(self) -> anyhow::Result<()> {
        let admin = connect_admin(&self.admin_url).await?;
        let dropped =
            admin.pool().execute(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))).await;
        admin.close().await;
        dropped.with_context(|| format!("cannot drop the database {}", self.name))?;
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

#[cfg(test)]
mod tests {
    use super::{database_url, vm_hwm_kib};

    #[test]
    fn peak_memory_is_read_from_the_status_file() {
        let status = "Name:\tmiroir\nVmPeak:\t  900000 kB\nVmHWM:\t   51234 kB\nVmRSS:\t   40000 kB\n";
        assert_eq!(vm_hwm_kib(status), Some(51234));
        assert_eq!(vm_hwm_kib("Name:\tkthreadd\n"), None);
    }

    #[test]
    fn database_urls_keep_the_server_and_options() {
        let url = |admin: &str| database_url(admin, "b").ok();
        assert_eq!(
            url("postgres://postgres@127.0.0.1:5432/postgres").as_deref(),
            Some("postgres://postgres@127.0.0.1:5432/b")
        );
        assert_eq!(
            url("postgres://u:p@h/postgres?sslmode=disable").as_deref(),
            Some("postgres://u:p@h/b?sslmode=disable")
        );
        assert_eq!(url("postgres://h:5432").as_deref(), Some("postgres://h:5432/b"));
        assert_eq!(url("nonsense"), None);
    }
}
