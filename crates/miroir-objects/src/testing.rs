//! A real S3-compatible server for tests: moto's `moto_server`, started on a
//! free port of 127.0.0.1 for one test and stopped when dropped.
//!
//! Without `moto_server` on PATH (or `MIROIR_MOTO_SERVER` naming it),
//! [`Moto::start`] returns `None` and the test skips itself with a message —
//! except in CI (`CI` set), where it fails: CI installs moto (`.ci/run`), and a
//! silently skipped test would hide that it is gone. Install it locally with
//! `python3 -m venv ~/.cache/miroir/venv && ~/.cache/miroir/venv/bin/pip install 'moto[server]'`
//! and put `~/.cache/miroir/venv/bin` on PATH.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::ObjectStore;

/// The secret of the test credentials; tests check it never shows in errors.
pub const SECRET: &str = "miroir-test-secret";

/// A running moto server, stopped when dropped (also when the test fails).
pub struct Moto {
    child: Child,
    pub port: u16,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

impl Moto {
    /// Starts moto on a port the system just gave us, logging into `log_dir`.
    /// Between our probe and moto's bind another process may take the port:
    /// moto then exits, and we try another one. `None` when moto is not
    /// installed (and not in CI).
    pub fn start(log_dir: &Path) -> Option<Moto> {
        let program = std::env::var_os("MIROIR_MOTO_SERVER").unwrap_or_else(|| "moto_server".into());
        for attempt in 0..3 {
            let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
            let log_path = log_dir.join(format!("moto-{attempt}.log"));
            let log = File::create(&log_path).expect("moto log file");
            let spawned = Command::new(&program)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("moto log file"))
                .stderr(log)
                .spawn();
            let child = match spawned {
                Ok(child) => child,
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                    let message = format!(
                        "moto_server not found ({}); install it: pip install 'moto[server]' (see miroir_objects::testing)",
                        program.to_string_lossy()
                    );
                    assert!(!in_ci(), "{message}. CI must run this test.");
                    eprintln!("SKIPPED: {message}");
                    return None;
                }
                Err(error) => panic!("cannot start {}: {error}", program.to_string_lossy()),
            };
            let mut moto = Moto { child, port };
            let deadline = Instant::now() + Duration::from_secs(60);
            loop {
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Some(moto);
                }
                if let Some(status) = moto.child.try_wait().expect("moto status") {
                    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                    eprintln!("moto_server exited ({status}) on port {port}, trying another port:\n{log}");
                    break;
                }
                assert!(Instant::now() < deadline, "moto_server did not answer on port {port} within 60 s");
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        panic!("moto_server did not start after 3 attempts");
    }

    /// One plain HTTP/1.1 request to moto; returns the status code.
    pub fn http_status(&self, method: &str, path: &str) -> u16 {
        let port = self.port;
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to moto");
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .expect("request");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("response");
        response
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("bad response: {response}"))
    }

    /// Creates a bucket.
    pub fn create_bucket(&self, bucket: &str) {
        assert_eq!(self.http_status("PUT", &format!("/{bucket}")), 200, "create the bucket {bucket}");
    }

    /// The S3 options (lower-case `AWS_*` names) that point at this server with test credentials.
    pub fn options(&self) -> Vec<(&'static str, String)> {
        vec![
            ("aws_endpoint_url", format!("http://127.0.0.1:{}", self.port)),
            ("aws_allow_http", "true".into()),
            ("aws_access_key_id", "miroir-test".into()),
            ("aws_secret_access_key", SECRET.into()),
            ("aws_region", "eu-west-3".into()),
        ]
    }

    /// A store on this server: `url` is `s3://bucket` or `s3://bucket/prefix`.
    pub fn store(&self, url: &str) -> ObjectStore {
        let options = self.options();
        let options: Vec<(&str, &str)> = options.iter().map(|(k, v)| (*k, v.as_str())).collect();
        ObjectStore::from_url_with_options(url, &options).expect("S3 object store")
    }
}
