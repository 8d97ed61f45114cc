//! Harness for end-to-end tests: runs `miroir` as real processes (built by
//! the same `cargo test`/`nextest` run), reads the addresses they bound from
//! their JSON logs, and kills them the hard way when a test asks;
//! [`servers`] gives a test PostgreSQL and NATS servers of its own.

pub mod servers;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{OnceLock, mpsc};
use std::time::Duration;

/// The `miroir` binary of this build (`MIROIR_BIN` overrides).
///
/// Cargo builds a package's binaries only for that package's own tests, so
/// this harness builds `miroir` itself, once per test process, into the same
/// target directory and profile as the test: the binary under test is always
/// the current source, never a stale one.
pub fn miroir_bin() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            if let Some(path) = std::env::var_os("MIROIR_BIN") {
                return PathBuf::from(path);
            }
            // Test binaries live in <target>/<profile>/deps.
            let exe = std::env::current_exe().expect("test binary path");
            let profile_dir = exe.parent().and_then(|deps| deps.parent()).expect("profile dir");
            let target_dir = profile_dir.parent().expect("target dir");
            let mut build = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
            build.args(["build", "--quiet", "-p", "miroir", "--bin", "miroir", "--target-dir"]).arg(target_dir);
            if profile_dir.file_name().is_some_and(|name| name == "release") {
                build.arg("--release");
            }
            let status = build.current_dir(env!("CARGO_MANIFEST_DIR")).status().expect("run cargo build");
            assert!(status.success(), "building the miroir binary failed");
            profile_dir.join("miroir")
        })
        .clone()
}

pub fn nats_url() -> String {
    std::env::var("MIROIR_TEST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".to_owned())
}

/// A running `miroir` process; killed (SIGKILL) when dropped.
pub struct Process {
    child: Child,
    pub addresses: Vec<(String, SocketAddr)>,
    /// The same addresses with the component that bound each (`miroir up` binds one per component).
    pub listeners: Vec<(String, String, SocketAddr)>,
    lines: mpsc::Receiver<String>,
}

impl Process {
    /// Starts `miroir <args>` with `env`, and waits until it logged `expected` listening addresses.
    pub fn start(args: &[&str], env: &[(&str, String)], expected: usize) -> Self {
        let mut command = Command::new(miroir_bin());
        command.args(args).stdout(Stdio::piped()).stderr(Stdio::inherit()).env("MIROIR_LOG_FORMAT", "json");
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("spawn miroir");
        let stdout = child.stdout.take().expect("stdout");
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let mut process = Self { child, addresses: Vec::new(), listeners: Vec::new(), lines };
        while process.addresses.len() < expected {
            let line = process
                .lines
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("miroir {args:?} did not report {expected} listening addresses in time"));
            let Ok(json) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
            // Events are flattened: their fields sit at the top level.
            let fields = &json;
            if fields["message"] == "listening"
                && let (Some(kind), Some(address)) = (fields["kind"].as_str(), fields["address"].as_str())
            {
                let address: SocketAddr = address.parse().expect("socket address");
                process.addresses.push((kind.to_owned(), address));
                let component = fields["component"].as_str().unwrap_or_default().to_owned();
                process.listeners.push((component, kind.to_owned(), address));
            }
        }
        process
    }

    pub fn address(&self, kind: &str) -> SocketAddr {
        self.addresses.iter().find(|(k, _)| k == kind).map(|(_, a)| *a).expect("address of that kind")
    }

    /// The address `component` bound for `kind` (`"grpc"`, `"http"`).
    pub fn address_of(&self, component: &str, kind: &str) -> SocketAddr {
        self.listeners
            .iter()
            .find(|(c, k, _)| c == component && k == kind)
            .map(|(_, _, a)| *a)
            .unwrap_or_else(|| panic!("no {kind} address of {component} in {:?}", self.listeners))
    }

    /// Whether the process still runs (it did not exit, on its own or otherwise).
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// SIGKILL: no chance to flush or say goodbye.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then waits for the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        self.child.wait().expect("wait for exit")
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The REST calls the process tests make through the gateway, as a client would.
pub mod rest {
    use std::time::Duration;

    use serde_json::{Value, json};

    /// Signs in and answers the access token.
    pub async fn login(http: &reqwest::Client, site: &str, email: &str, password: &str) -> String {
        let session: Value = http
            .post(format!("{site}/api/v1/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .expect("login")
            .error_for_status()
            .expect("200")
            .json()
            .await
            .expect("json");
        session["access_token"].as_str().expect("access token").to_owned()
    }

    /// A resident of `commune` who signed up and followed the link of the verification e-mail; answers the
    /// access token. The link is the one identity would have e-mailed, issued from its database (`identity`):
    /// links by e-mail are not these tests' subject.
    pub async fn verified_resident(
        http: &reqwest::Client,
        site: &str,
        identity: &miroir_platform::storage::Database,
        email: &str,
        password: &str,
        commune: &str,
    ) -> String {
        use miroir_identity::sessions::{self, Purpose};
        let signup = json!({"email": email, "password": password, "display_name": "Habitant", "commune": commune});
        let created: Value = http
            .post(format!("{site}/api/v1/auth/signup"))
            .json(&signup)
            .send()
            .await
            .expect("signup")
            .error_for_status()
            .expect("201")
            .json()
            .await
            .expect("json");
        let account_id = created["account"]["account_id"].as_str().expect("account id");
        let now = miroir_eventstore::event::now_us();
        let token = sessions::issue_link_token(identity, account_id, Purpose::VerifyEmail, now).await.expect("a link");
        http.post(format!("{site}/api/v1/auth/verify-email"))
            .json(&json!({"token": token}))
            .send()
            .await
            .expect("verify")
            .error_for_status()
            .expect("verified");
        login(http, site, email, password).await
    }

    /// Posts `body` as `bearer` and answers the JSON of a success (anything else fails the test).
    pub async fn post(http: &reqwest::Client, url: &str, bearer: &str, body: &Value) -> Value {
        let response = http.post(url).bearer_auth(bearer).json(body).send().await.expect("post");
        let status = response.status();
        let answer: Value = response.json().await.expect("json");
        assert!(status.is_success(), "{url}: {status} {answer}");
        answer
    }

    /// Posts until the service has learned the commune (400 before), as a client would retry.
    pub async fn post_until_known(http: &reqwest::Client, url: &str, bearer: &str, body: &Value) -> Value {
        for _ in 0..200 {
            let response = http.post(url).bearer_auth(bearer).json(body).send().await.expect("post");
            let status = response.status();
            let answer: Value = response.json().await.expect("json");
            if status.is_success() {
                return answer;
            }
            assert_eq!(status, 400, "only 'unknown commune' while the service catches up: {answer}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{url}: the commune never became known");
    }

    /// Posts until a success, with the same Idempotency-Key, as a client retries: a transport error, a 5xx (a
    /// service is down), a 400 "unknown commune" (a service catching up) or a 401 (keys not fetched yet) is
    /// retried; anything else fails the test. Answers the body and how many tries failed.
    pub async fn call_until_done(
        http: &reqwest::Client,
        url: &str,
        bearer: &str,
        body: &Value,
        key: &str,
        patience: Duration,
    ) -> (Value, u64) {
        let deadline = std::time::Instant::now() + patience;
        let mut failed = 0;
        loop {
            let response = http.post(url).bearer_auth(bearer).header("Idempotency-Key", key).json(body).send().await;
            match response {
                Ok(response) if response.status().is_success() => {
                    return (response.json().await.expect("json"), failed);
                }
                Ok(response) => {
                    let status = response.status();
                    let text = response.text().await.unwrap_or_default();
                    assert!(
                        status.is_server_error() || status == 400 || status == 401,
                        "{url}: {status} {text} is not a fault's answer"
                    );
                }
                Err(_) => {}
            }
            failed += 1;
            assert!(std::time::Instant::now() < deadline, "{url} with key {key}: no success in {patience:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
