//! Telemetry configuration, subscriber installation, trace-context
//! propagation and span export. This file is its own test binary: `init`
//! installs the process-wide subscriber, so only one test here calls it.

use std::collections::HashMap;
use std::time::Duration;

use miroir_platform::telemetry::{
    self, LogFormat, TelemetryConfig, TelemetryError, current_trace_context, extract_from_metadata,
    inject_into_metadata, set_parent_from,
};
use opentelemetry::trace::{TraceContextExt, TraceId};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;
use tracing_opentelemetry::OpenTelemetrySpanExt;

fn trace_id(span: &tracing::Span) -> TraceId {
    span.context().span().span_context().trace_id()
}

#[test]
fn config_reads_the_environment() {
    let unset = TelemetryConfig::from_lookup("reports", |_| None).expect("defaults");
    assert_eq!(unset, TelemetryConfig::new("reports"));
    assert_eq!(unset.log_format, LogFormat::Json);
    assert_eq!(unset.filter, "info");
    assert_eq!(unset.otlp_endpoint, None);

    let vars = HashMap::from([
        ("MIROIR_LOG_FORMAT", "Text"),
        ("RUST_LOG", "debug,h2=warn"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"),
    ]);
    let set = TelemetryConfig::from_lookup("reports", |name| vars.get(name).map(|value| value.to_string()))
        .expect("valid variables");
    assert_eq!(set.log_format, LogFormat::Text);
    assert_eq!(set.filter, "debug,h2=warn");
    assert_eq!(set.otlp_endpoint.as_deref(), Some("http://collector:4317"));

    // Empty means unset (as Kubernetes renders an empty value).
    let empty = TelemetryConfig::from_lookup("reports", |_| Some(String::new())).expect("empty variables");
    assert_eq!(empty, TelemetryConfig::new("reports"));

    let typo = TelemetryConfig::from_lookup("reports", |name| (name == "MIROIR_LOG_FORMAT").then(|| "jsno".to_owned()));
    assert!(matches!(typo, Err(TelemetryError::InvalidLogFormat(value)) if value == "jsno"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traces_propagate_and_are_exported() {
    // A stand-in collector: it only checks that the exporter opens an HTTP/2
    // (gRPC) connection to the configured endpoint and starts talking.
    let collector = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let endpoint = format!("http://{}", collector.local_addr().expect("local address"));
    let (preface_tx, preface_rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        if let Ok((mut socket, _)) = collector.accept().await {
            let mut preface = [0; 24];
            if socket.read_exact(&mut preface).await.is_ok() {
                let _ = preface_tx.send(preface);
            }
        }
    });

    let bad_filter = TelemetryConfig { filter: "=[".to_owned(), ..TelemetryConfig::new("test") };
    assert!(matches!(telemetry::init(&bad_filter), Err(TelemetryError::InvalidFilter { .. })));

    let config = TelemetryConfig { otlp_endpoint: Some(endpoint), ..TelemetryConfig::new("test") };
    let guard = telemetry::init(&config).expect("init");
    assert!(guard.installed() && guard.exporting());
    let again = telemetry::init(&config).expect("second init is not an error");
    assert!(!again.installed() && !again.exporting());
    drop(again);

    // Outside any span there is nothing to propagate.
    assert!(current_trace_context().is_empty());

    let publish = tracing::info_span!("publish");
    let (carrier, metadata) = publish.in_scope(|| {
        let mut metadata = tonic::metadata::MetadataMap::new();
        inject_into_metadata(&mut metadata);
        (current_trace_context(), metadata)
    });
    let sent = trace_id(&publish);
    assert_ne!(sent, TraceId::INVALID);
    let traceparent = carrier.get("traceparent").expect("traceparent in the carrier");
    assert!(traceparent.starts_with(&format!("00-{sent}-")), "{traceparent}");

    // A span on the receiving side joins the sender's trace…
    let consume = tracing::info_span!(parent: None, "consume");
    set_parent_from(&consume, &carrier);
    assert_eq!(trace_id(&consume), sent);
    // …which a root span would not.
    let unrelated = tracing::info_span!(parent: None, "unrelated");
    assert_ne!(trace_id(&unrelated), sent);
    // An empty carrier leaves the span alone.
    let orphan = tracing::info_span!(parent: None, "orphan");
    set_parent_from(&orphan, &HashMap::new());
    assert_ne!(trace_id(&orphan), sent);

    // gRPC metadata carry the same context.
    assert_eq!(extract_from_metadata(&metadata).span().span_context().trace_id(), sent);
    let handler = tracing::info_span!(parent: None, "handler");
    telemetry::set_parent_context(&handler, extract_from_metadata(&metadata));
    assert_eq!(trace_id(&handler), sent);

    drop((publish, consume, unrelated, orphan, handler));
    // Dropping the guard flushes the batch to the collector.
    drop(guard);
    let preface = tokio::time::timeout(Duration::from_secs(10), preface_rx)
        .await
        .expect("exporter connected to the collector")
        .expect("preface read");
    assert_eq!(&preface, b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
}
