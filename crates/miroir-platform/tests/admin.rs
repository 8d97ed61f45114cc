//! Readiness, the admin endpoints, the HTTP metrics layer and the HTTP
//! server's graceful stop, over real sockets on 127.0.0.1.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use miroir_platform::health::{Readiness, admin_router};
use miroir_platform::metrics::{self, Metrics};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

struct Reply {
    status: u16,
    head: String,
    body: String,
}

/// A bare HTTP/1.1 GET: enough to check status, headers and body without an
/// HTTP client dependency.
async fn get_path(addr: SocketAddr, path: &str) -> Reply {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("send request");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.expect("read response");
    let (head, body) = raw.split_once("\r\n\r\n").expect("response head");
    let status = head.split(' ').nth(1).and_then(|code| code.parse().ok()).expect("status code");
    Reply { status, head: head.to_ascii_lowercase(), body: body.to_owned() }
}

async fn start(router: Router) -> (SocketAddr, CancellationToken, JoinHandle<std::io::Result<()>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local address");
    let token = CancellationToken::new();
    let server = tokio::spawn(miroir_platform::http::serve(listener, router, token.clone()));
    (addr, token, server)
}

async fn stop(token: CancellationToken, server: JoinHandle<std::io::Result<()>>) {
    token.cancel();
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("server stops once cancelled")
        .expect("server task")
        .expect("server result");
}

#[test]
fn readiness_needs_every_flag() {
    let readiness = Readiness::new();
    assert!(readiness.is_ready(), "no checks: ready");

    let database = readiness.register("database");
    let nats = readiness.register("nats");
    assert!(!readiness.is_ready(), "new checks start not ready");

    database.set_ready(true);
    assert!(!readiness.is_ready());
    assert_eq!(readiness.not_ready(), vec!["nats".to_owned()]);

    nats.set_ready(true);
    assert!(readiness.is_ready());
    assert_eq!(readiness.report(), vec![("database".to_owned(), true), ("nats".to_owned(), true)]);

    // Clones share the flags.
    let clone = readiness.clone();
    database.set_ready(false);
    assert!(!clone.is_ready());
    assert!(!database.is_ready());
    assert!(nats.is_ready());
}

#[tokio::test]
async fn readyz_follows_the_flags() {
    let readiness = Readiness::new();
    let database = readiness.register("database");
    let metrics = Metrics::new("test").expect("metrics");
    let (addr, token, server) = start(admin_router(readiness.clone(), metrics)).await;

    let healthz = get_path(addr, "/healthz").await;
    assert_eq!((healthz.status, healthz.body.as_str()), (200, "ok"), "alive even when not ready");

    let not_ready = get_path(addr, "/readyz").await;
    assert_eq!(not_ready.status, 503);
    let body: serde_json::Value = serde_json::from_str(&not_ready.body).expect("JSON body");
    assert_eq!(body["not_ready"], serde_json::json!(["database"]));

    database.set_ready(true);
    assert_eq!(get_path(addr, "/readyz").await.status, 200);

    database.set_ready(false);
    assert_eq!(get_path(addr, "/readyz").await.status, 503);

    stop(token, server).await;
}

#[tokio::test]
async fn metrics_count_requests_by_route_template() {
    let metrics = Metrics::new("reports").expect("metrics");
    let custom = metrics.counter_vec("reports_created_total", "Reports created.", &["commune"]).expect("counter");
    custom.with_label_values(&["75056"]).inc();

    let site = Router::new()
        .route("/reports/{id}", get(|| async { "a report" }))
        .layer(metrics::http_layer(&metrics).expect("http layer"));
    let router = admin_router(Readiness::new(), metrics.clone()).merge(site);
    let (addr, token, server) = start(router).await;

    assert_eq!(get_path(addr, "/reports/123").await.status, 200);
    assert_eq!(get_path(addr, "/reports/456").await.status, 200);
    assert_eq!(get_path(addr, "/nowhere").await.status, 404);

    let scrape = get_path(addr, "/metrics").await;
    assert_eq!(scrape.status, 200);
    assert!(scrape.head.contains("content-type: text/plain; version=0.0.4"), "{}", scrape.head);
    let text = scrape.body;
    assert!(
        text.contains(r#"http_requests_total{method="GET",route="/reports/{id}",status="200",component="reports"} 2"#),
        "{text}"
    );
    assert!(!text.contains("/reports/123"), "raw paths must not become labels: {text}");
    assert!(
        text.contains(
            r#"http_request_duration_seconds_count{method="GET",route="/reports/{id}",component="reports"} 2"#
        )
    );
    assert!(text.contains(r#"reports_created_total{commune="75056",component="reports"} 1"#), "{text}");

    // A second layer on the same registry shares the counters instead of
    // failing on a duplicate registration.
    assert!(metrics::http_layer(&metrics).is_ok());
    assert!(metrics.counter_vec("reports_created_total", "again", &["commune"]).is_err());

    stop(token, server).await;
}

#[tokio::test]
async fn metrics_of_separate_registries_do_not_mix() {
    let first = Metrics::new("first").expect("metrics");
    let second = Metrics::new("second").expect("metrics");
    first.counter_vec("things_total", "Things.", &["kind"]).expect("counter").with_label_values(&["a"]).inc();
    assert!(first.render().expect("render").contains("things_total"));
    assert!(!second.render().expect("render").contains("things_total"));
}

#[tokio::test]
async fn stopping_lets_in_flight_requests_finish() {
    let (started_tx, started_rx) = tokio::sync::oneshot::channel::<()>();
    let started_tx = std::sync::Arc::new(std::sync::Mutex::new(Some(started_tx)));
    let router = Router::new().route(
        "/slow",
        get(move || {
            let started_tx = started_tx.clone();
            async move {
                if let Some(tx) = started_tx.lock().ok().and_then(|mut slot| slot.take()) {
                    let _ = tx.send(());
                }
                tokio::time::sleep(Duration::from_millis(300)).await;
                "done"
            }
        }),
    );
    let (addr, token, server) = start(router).await;

    let request = tokio::spawn(get_path(addr, "/slow"));
    started_rx.await.expect("handler started");
    token.cancel();

    let reply = request.await.expect("request task");
    assert_eq!((reply.status, reply.body.as_str()), (200, "done"));
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("server stops after the drain")
        .expect("server task")
        .expect("server result");
}
