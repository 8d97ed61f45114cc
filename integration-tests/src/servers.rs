//! Private PostgreSQL and NATS servers, started by a test for itself alone,
//! so that it may kill, restart or wipe them without touching the shared
//! servers every other test uses.
//!
//! Each server keeps its port and its data folder for its whole life: a
//! restarted server is found at the same address (as a Kubernetes Service
//! gives it), and clients must reconnect by themselves. Both are stopped when
//! dropped, and their folders removed.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A port nobody listens on now (the kernel's pick, released at once).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// Waits until something accepts TCP connections on 127.0.0.1:`port`.
fn wait_for_port(port: u16, what: &str, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{what} did not listen on 127.0.0.1:{port} in time; its log:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A PostgreSQL cluster of its own: `initdb` into a temporary folder, trust
/// authentication on 127.0.0.1 only, its socket in that folder, `fsync` on
/// (what a restart must survive is what a real server keeps).
pub struct PrivatePostgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    /// PostgreSQL refuses to run as root: then every command runs as the `postgres` system user.
    as_postgres: bool,
}

impl PrivatePostgres {
    /// Creates the cluster and starts it.
    pub fn start() -> Self {
        let bin = postgres_bin_dir();
        let dir = tempfile::Builder::new().prefix("miroir-pg-").tempdir().expect("a folder for PostgreSQL");
        let as_postgres = is_root();
        if as_postgres {
            let status = Command::new("chown").args(["-R", "postgres:postgres"]).arg(dir.path()).status();
            assert!(status.is_ok_and(|s| s.success()), "chown of {} to postgres", dir.path().display());
        }
        let server = Self { dir, bin, port: free_port(), as_postgres };
        let data = server.data_dir();
        // --no-sync only spares initdb's own flush of the fresh cluster; the server runs with fsync on.
        server.run("initdb", &["-D", &data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
        server.start_again();
        server
    }

    /// A URL of database `name` on this server.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Creates database `name` and answers its URL.
    pub async fn create_database(&self, name: &str) -> String {
        self.admin(&format!("CREATE DATABASE \"{name}\"")).await;
        self.url(name)
    }

    /// Drops database `name`, ending the sessions still connected to it.
    pub async fn drop_database(&self, name: &str) {
        self.admin(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
    }

    async fn admin(&self, sql: &str) {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&self.url("postgres")).await.expect("connect to the private server");
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned())).execute(&mut conn).await.expect(sql);
        let _ = conn.close().await;
    }

    /// Starts the server (again) on the same port and data folder; returns when it accepts connections.
    pub fn start_again(&self) {
        let options = self.options();
        let (data, log) = (self.data_dir(), self.log_file());
        self.run("pg_ctl", &["-D", &data, "-l", &log, "-w", "-t", "60", "-o", &options, "start"]);
    }

    /// A graceful stop (`-m fast`: sessions are ended, then a checkpoint).
    pub fn stop(&self) {
        self.run("pg_ctl", &["-D", &self.data_dir(), "-w", "-t", "60", "-m", "fast", "stop"]);
    }

    /// The hard way (`-m immediate`): no checkpoint, crash recovery at the next start, as after a power cut.
    pub fn kill(&self) {
        self.run("pg_ctl", &["-D", &self.data_dir(), "-w", "-t", "60", "-m", "immediate", "stop"]);
    }

    /// `pg_ctl restart -m immediate`: every session is cut; returns when the server accepts connections again.
    pub fn restart_immediate(&self) {
        let options = self.options();
        let (data, log) = (self.data_dir(), self.log_file());
        self.run("pg_ctl", &["-D", &data, "-l", &log, "-w", "-t", "60", "-m", "immediate", "-o", &options, "restart"]);
    }

    /// The server's own log (to read when something failed).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_file()).unwrap_or_default()
    }

    fn options(&self) -> String {
        format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200",
            self.port,
            self.dir.path().display()
        )
    }

    fn data_dir(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn log_file(&self) -> String {
        self.dir.path().join("postgres.log").display().to_string()
    }

    /// One of PostgreSQL's programs, run as the postgres user when the tests run as root (PostgreSQL refuses root).
    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(&program);
            command
        } else {
            Command::new(&program)
        }
    }

    fn run(&self, program: &str, args: &[&str]) {
        let mut command = self.command(program);
        // pg_ctl's server inherits these: it must not hold the test's pipes open.
        let output = command.args(args).stdin(Stdio::null()).current_dir(self.dir.path()).output();
        let output = output.unwrap_or_else(|e| panic!("cannot run {}: {e}", program));
        assert!(
            output.status.success(),
            "{} {args:?} failed: {}{}\n{}",
            program,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            self.log()
        );
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let data = self.data_dir();
        let _ = self
            .command("pg_ctl")
            .args(["-D", &data, "-w", "-t", "30", "-m", "immediate", "stop"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// PostgreSQL's programs: `pg_config --bindir`, else the newest `/usr/lib/postgresql/<version>/bin`.
fn postgres_bin_dir() -> PathBuf {
    if let Ok(output) = Command::new("pg_config").arg("--bindir").output()
        && output.status.success()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        if dir.join("initdb").exists() {
            return dir;
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| Some((entry.file_name().to_str()?.parse().ok()?, entry.path().join("bin"))))
        .filter(|(_, bin): &(u32, PathBuf)| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).expect("PostgreSQL's initdb (apt-get install postgresql)")
}

/// A NATS server with JetStream of its own, its store in a temporary folder.
pub struct PrivateNats {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    child: Option<Child>,
}

impl PrivateNats {
    pub fn start() -> Self {
        let bin = ["/usr/sbin/nats-server", "/usr/local/bin/nats-server", "/usr/bin/nats-server"]
            .into_iter()
            .map(PathBuf::from)
            .chain(
                std::env::var_os("PATH")
                    .into_iter()
                    .flat_map(|p| std::env::split_paths(&p).map(|dir| dir.join("nats-server")).collect::<Vec<_>>()),
            )
            .find(|path| path.exists())
            .expect("nats-server (apt-get install nats-server)");
        let dir = tempfile::Builder::new().prefix("miroir-nats-").tempdir().expect("a folder for NATS");
        let mut server = Self { dir, bin, port: free_port(), child: None };
        server.start_again();
        server
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Starts the server (again) on the same port and store; returns when it accepts connections
    /// (JetStream has recovered its store by then: the server enables it before it listens).
    pub fn start_again(&mut self) {
        assert!(self.child.is_none(), "NATS is already running");
        let log = self.dir.path().join("nats-server.log");
        let port = self.port.to_string();
        let store = self.store_dir();
        let child = Command::new(&self.bin)
            .args(["-a", "127.0.0.1", "-p", &port, "-js", "-sd"])
            .arg(&store)
            .arg("-l")
            .arg(&log)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn nats-server");
        self.child = Some(child);
        wait_for_port(self.port, "nats-server", &log);
    }

    /// SIGTERM, then waits for the exit (the store is flushed).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGKILL: what JetStream had not written yet is lost.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Deletes the JetStream store (every stream); only while the server is down.
    pub fn wipe(&self) {
        assert!(self.child.is_none(), "wipe the store of a stopped server only");
        let store = self.store_dir();
        if store.exists() {
            std::fs::remove_dir_all(&store).expect("remove the JetStream store");
        }
    }

    /// The server's own log.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("nats-server.log")).unwrap_or_default()
    }

    fn store_dir(&self) -> PathBuf {
        self.dir.path().join("jetstream")
    }
}

impl Drop for PrivateNats {
    fn drop(&mut self) {
        self.stop();
    }
}
