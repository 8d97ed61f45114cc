//! The photo store against a real S3-compatible server: moto's `moto_server`,
//! started on a free port of 127.0.0.1 for this test alone.
//!
//! Without `moto_server` on PATH (or `MIROIR_MOTO_SERVER` naming it) the test
//! is skipped with a message — except in CI (`CI` set), where it fails: CI
//! installs moto (`.ci/run`), and a silently skipped test would hide that it
//! is gone. Install it locally with
//! `python3 -m venv ~/.cache/miroir/venv && ~/.cache/miroir/venv/bin/pip install 'moto[server]'`
//! and put `~/.cache/miroir/venv/bin` on PATH.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use miroir_reports::photos::{self, PhotoStore};

const BUCKET: &str = "miroir-photos";

/// A running moto server, stopped when dropped (also when the test fails).
struct Moto {
    child: Child,
    port: u16,
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

/// Starts moto on a port the system just gave us. Between our probe and
/// moto's bind another process may take the port: moto then exits, and we
/// try another one. `None` when moto is not installed (and not in CI).
fn start_moto(log_dir: &Path) -> Option<Moto> {
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
                    "moto_server not found ({}); install it: pip install 'moto[server]' (see this file's header)",
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

/// One plain HTTP/1.1 request; returns the status code.
fn http_status(port: u16, method: &str, path: &str) -> u16 {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to moto");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("response");
    response.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or_else(|| panic!("bad response: {response}"))
}

fn options(port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("aws_endpoint_url", format!("http://127.0.0.1:{port}")),
        ("aws_allow_http", "true".into()),
        ("aws_access_key_id", "miroir-test".into()),
        ("aws_secret_access_key", "miroir-test-secret".into()),
        ("aws_region", "eu-west-3".into()),
    ]
}

fn store(url: &str, port: u16) -> PhotoStore {
    let options = options(port);
    let options: Vec<(&str, &str)> = options.iter().map(|(k, v)| (*k, v.as_str())).collect();
    PhotoStore::from_url_with_options(url, &options).expect("S3 photo store")
}

/// An 8×8 JPEG with an Exif block, as a phone would send it (minus the pixels).
fn photo_with_exif() -> Vec<u8> {
    let segment = |marker: u8, payload: &[u8]| {
        let mut out = vec![0xFF, marker];
        out.extend(u16::try_from(payload.len() + 2).expect("short").to_be_bytes());
        out.extend(payload);
        out
    };
    let mut jpeg = vec![0xFF, 0xD8];
    jpeg.extend(segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"));
    jpeg.extend(segment(0xE1, b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00"));
    jpeg.extend(segment(0xDB, &[[0u8].as_slice(), &[1; 64]].concat()));
    jpeg.extend(segment(0xC0, &[8, 0, 8, 0, 8, 1, 1, 0x11, 0]));
    jpeg.extend(segment(0xC4, &[[0x00, 1].as_slice(), &[0; 15], &[0]].concat()));
    jpeg.extend(segment(0xC4, &[[0x10, 1].as_slice(), &[0; 15], &[0]].concat()));
    jpeg.extend(segment(0xDA, &[1, 1, 0x00, 0, 63, 0]));
    jpeg.extend([0x3F, 0xFF, 0xD9]);
    jpeg
}

#[tokio::test(flavor = "multi_thread")]
async fn photos_round_trip_through_an_s3_compatible_server() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let Some(moto) = start_moto(tmp.path()) else { return };
    assert_eq!(http_status(moto.port, "PUT", &format!("/{BUCKET}")), 200, "create the bucket");

    let image = photos::clean(&photo_with_exif()).expect("a valid photo");
    assert_eq!(image.kind, photos::ImageType::Jpeg);
    let report = "0196a3c2-7d1e-7b7c-9e55-2f4b8c1d0e9a";
    let photo = "0196a3c2-7d1f-7000-8000-000000000001";
    let key = format!("communes/75056/reports/{report}/{photo}.{}", image.kind.extension());

    let photos = store(&format!("s3://{BUCKET}/photos"), moto.port);
    assert_eq!(photos.get(&key).await.expect("get before put"), None, "a missing photo is None");
    photos.put(&key, image.bytes.clone()).await.expect("put");
    assert_eq!(photos.get(&key).await.expect("get").as_ref(), Some(&image.bytes));

    // The prefix is part of the object's name in the bucket.
    let whole_bucket = store(&format!("s3://{BUCKET}"), moto.port);
    assert_eq!(whole_bucket.get(&format!("photos/{key}")).await.expect("get").as_ref(), Some(&image.bytes));
    assert_eq!(whole_bucket.get(&key).await.expect("get"), None);

    // Bad keys never reach the server; errors from the server do not carry the secret.
    assert!(photos.put("../escape.jpg", vec![1]).await.is_err());
    let elsewhere = store("s3://no-such-bucket", moto.port);
    let error = elsewhere.put(&key, vec![1]).await.expect_err("no such bucket");
    let message = format!("{error} / {error:?}");
    eprintln!("writing to a missing bucket: {error}");
    assert!(!message.contains("miroir-test-secret"), "{message}");
}
