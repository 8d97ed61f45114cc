//! Telemetry: the process's `tracing` subscriber (structured logs on stdout,
//! optional OpenTelemetry span export over OTLP/gRPC) and the W3C trace-context
//! propagation helpers that let one trace cross gRPC calls and NATS messages.
//!
//! The subscriber and the text-map propagator are process-wide by nature
//! (`tracing` dispatches to one global subscriber, and OpenTelemetry libraries
//! read the global propagator); they are the only globals this module sets.
//!
//! Trace context travels as `traceparent` / `tracestate` entries. The helpers
//! read them from and write them to a `HashMap<String, String>` (NATS headers,
//! the event envelope) or gRPC metadata. Without OTLP export there is no
//! OpenTelemetry layer, spans carry no trace ids, and the helpers do nothing.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::str::FromStr;

use opentelemetry::propagation::{Extractor, Injector};
use opentelemetry::trace::{TraceContextExt, TracerProvider};
use opentelemetry::{Context, global};
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_opentelemetry::{OpenTelemetrySpanExt, SetParentError};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Environment variable choosing the log format: `json` (default) or `text`.
pub const LOG_FORMAT_ENV: &str = "MIROIR_LOG_FORMAT";
/// Environment variable holding the log filter (`tracing` env-filter syntax).
pub const FILTER_ENV: &str = "RUST_LOG";
/// Environment variable holding the OTLP/gRPC collector address; unset or empty
/// means no span export.
pub const OTLP_ENDPOINT_ENV: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";
/// The log filter used when `RUST_LOG` is unset.
pub const DEFAULT_FILTER: &str = "info";

/// How log lines are written to stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line, for log collectors (the default).
    Json,
    /// Human-readable lines, for a developer's terminal.
    Text,
}

impl FromStr for LogFormat {
    type Err = TelemetryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "json" => Ok(LogFormat::Json),
            "text" => Ok(LogFormat::Text),
            _ => Err(TelemetryError::InvalidLogFormat(s.to_owned())),
        }
    }
}

/// What [`init`] installs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelemetryConfig {
    /// Reported as the OpenTelemetry `service.name` resource attribute.
    pub service_name: String,
    pub log_format: LogFormat,
    /// An env-filter directive list, e.g. `info,miroir_reports=debug`.
    pub filter: String,
    /// OTLP/gRPC collector address (e.g. `http://otel-collector:4317`); `None`
    /// disables span export.
    pub otlp_endpoint: Option<String>,
}

impl TelemetryConfig {
    /// JSON logs at `info`, no span export.
    pub fn new(service_name: impl Into<String>) -> Self {
        TelemetryConfig {
            service_name: service_name.into(),
            log_format: LogFormat::Json,
            filter: DEFAULT_FILTER.to_owned(),
            otlp_endpoint: None,
        }
    }

    /// Reads `MIROIR_LOG_FORMAT` (`json`|`text`, default `json`), `RUST_LOG`
    /// (default `info`) and `OTEL_EXPORTER_OTLP_ENDPOINT` (unset or empty: no
    /// export). An unknown log format is an error rather than a silent default,
    /// so a typo in a manifest shows up at start.
    pub fn from_env(service_name: impl Into<String>) -> Result<Self, TelemetryError> {
        Self::from_lookup(service_name, |name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with the variables read through `lookup`,
    /// so that tests need not touch the process environment.
    pub fn from_lookup(
        service_name: impl Into<String>,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, TelemetryError> {
        let non_empty = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let log_format = match non_empty(LOG_FORMAT_ENV) {
            Some(value) => value.parse()?,
            None => LogFormat::Json,
        };
        Ok(TelemetryConfig {
            service_name: service_name.into(),
            log_format,
            filter: non_empty(FILTER_ENV).unwrap_or_else(|| DEFAULT_FILTER.to_owned()),
            otlp_endpoint: non_empty(OTLP_ENDPOINT_ENV).map(|value| value.trim().to_owned()),
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    #[error("invalid {LOG_FORMAT_ENV} `{0}`: expected `json` or `text`")]
    InvalidLogFormat(String),
    #[error("invalid log filter `{filter}`: {source}")]
    InvalidFilter {
        filter: String,
        #[source]
        source: tracing_subscriber::filter::ParseError,
    },
    #[error("OTLP span export needs a tokio runtime: call telemetry::init from inside one")]
    NoRuntime,
    #[error("cannot build the OTLP span exporter: {0}")]
    Exporter(#[from] opentelemetry_otlp::ExporterBuildError),
}

/// Keeps span export running; dropping it flushes pending spans and shuts the
/// exporter down. Hold it in `main` until the very end, and drop it while the
/// (multi-thread) tokio runtime still runs: the last export goes through the
/// runtime, so on a current-thread runtime the drop blocks until the export
/// times out (5 s) instead.
#[must_use = "dropping the guard stops span export"]
#[derive(Debug)]
pub struct TelemetryGuard {
    provider: Option<SdkTracerProvider>,
    installed: bool,
}

impl TelemetryGuard {
    /// Whether the [`init`] call that returned this guard installed the
    /// subscriber (false when one was already installed).
    pub fn installed(&self) -> bool {
        self.installed
    }

    /// Whether spans are being exported over OTLP.
    pub fn exporting(&self) -> bool {
        self.provider.is_some()
    }
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take() {
            shutdown_provider(provider);
        }
    }
}

/// Installs the process's subscriber: logs on stdout in the configured format,
/// filtered by `cfg.filter`, plus span export over OTLP/gRPC when
/// `cfg.otlp_endpoint` is set (then also the W3C TraceContext propagator as the
/// global text-map propagator).
///
/// With an OTLP endpoint this must run inside a tokio runtime (the gRPC channel
/// to the collector lives on it). A second call in the same process (tests)
/// installs nothing and returns a guard that does nothing.
pub fn init(cfg: &TelemetryConfig) -> Result<TelemetryGuard, TelemetryError> {
    let filter = EnvFilter::try_new(&cfg.filter)
        .map_err(|source| TelemetryError::InvalidFilter { filter: cfg.filter.clone(), source })?;
    let provider = match &cfg.otlp_endpoint {
        Some(endpoint) => Some(tracer_provider(&cfg.service_name, endpoint)?),
        None => None,
    };

    let otel_layer = provider.as_ref().map(|provider| {
        tracing_opentelemetry::layer()
            .with_tracer(provider.tracer(cfg.service_name.clone()))
            .with_filter(not_exporter_internals())
    });
    // Two optional layers rather than a boxed one: `Option<Layer>` is a layer,
    // and the concrete types keep the subscriber's per-layer filtering intact.
    let (json_layer, text_layer) = match cfg.log_format {
        LogFormat::Json => (
            Some(
                tracing_subscriber::fmt::layer()
                    .json()
                    // Event fields at the top level, and the enclosing span's
                    // fields (request ids…) alongside, without the whole stack.
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_span_list(false),
            ),
            None,
        ),
        LogFormat::Text => (None, Some(tracing_subscriber::fmt::layer().with_ansi(std::io::stdout().is_terminal()))),
    };

    let installed =
        tracing_subscriber::registry().with(filter).with(json_layer).with(text_layer).with(otel_layer).try_init();
    match installed {
        Ok(()) => {
            if provider.is_some() {
                global::set_text_map_propagator(TraceContextPropagator::new());
            }
            Ok(TelemetryGuard { provider, installed: true })
        }
        Err(_already_installed) => {
            // Another subscriber owns the process (an earlier `init`, or a
            // test harness); the provider built above has nowhere to send
            // spans from, so stop it now.
            if let Some(provider) = provider {
                shutdown_provider(provider);
            }
            Ok(TelemetryGuard { provider: None, installed: false })
        }
    }
}

fn tracer_provider(service_name: &str, endpoint: &str) -> Result<SdkTracerProvider, TelemetryError> {
    // The tonic channel spawns its connection task on the current runtime and
    // would panic without one; say so instead.
    if tokio::runtime::Handle::try_current().is_err() {
        return Err(TelemetryError::NoRuntime);
    }
    let exporter = opentelemetry_otlp::SpanExporter::builder().with_tonic().with_endpoint(endpoint).build()?;
    Ok(SdkTracerProvider::builder()
        // Batching: spans are queued and sent in the background, so request
        // latency never includes a round trip to the collector.
        .with_batch_exporter(exporter)
        .with_resource(Resource::builder().with_service_name(service_name.to_owned()).build())
        .build())
}

/// Spans and events from the exporter's own stack (HTTP/2, tonic, the SDK)
/// must not be exported: exporting them would create more of them, in a loop.
fn not_exporter_internals() -> Targets {
    ["h2", "hyper", "hyper_util", "tonic", "tower", "opentelemetry", "opentelemetry_sdk", "opentelemetry_otlp"]
        .into_iter()
        .fold(Targets::new().with_default(LevelFilter::TRACE), |targets, target| {
            targets.with_target(target, LevelFilter::OFF)
        })
}

fn shutdown_provider(provider: SdkTracerProvider) {
    // Shutdown blocks until the last batch is exported, and the export itself
    // runs on the tokio runtime (the gRPC channel's task). On a multi-thread
    // runtime, `block_in_place` hands this worker's other tasks to another
    // thread so they keep running while we wait; elsewhere we just block.
    let shutdown = move || {
        if let Err(error) = provider.shutdown() {
            tracing::warn!(%error, "span exporter did not shut down cleanly");
        }
    };
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(shutdown)
        }
        _ => shutdown(),
    }
}

/// The current span's trace context as `traceparent` (and `tracestate`)
/// entries, to put in NATS headers or the event envelope. Empty when spans are
/// not exported (no OpenTelemetry layer) or when there is no current span.
pub fn current_trace_context() -> HashMap<String, String> {
    let cx = tracing::Span::current().context();
    let mut carrier = HashMap::new();
    global::get_text_map_propagator(|propagator| propagator.inject_context(&cx, &mut carrier));
    carrier
}

/// Makes the trace context found in `carrier` (as written by
/// [`current_trace_context`]) the parent of `span`, so that the work `span`
/// covers joins the sender's trace.
///
/// Call it right after creating the span and before entering it: once a span
/// has started, its parent is fixed. Does nothing when `carrier` holds no valid
/// context or spans are not exported.
pub fn set_parent_from(span: &tracing::Span, carrier: &HashMap<String, String>) {
    set_parent_context(span, extract(carrier));
}

/// Makes `cx` (from [`extract_from_metadata`] or [`extract_from_headers`]) the
/// parent of `span`; see [`set_parent_from`].
pub fn set_parent_context(span: &tracing::Span, cx: Context) {
    // An empty context would make `span` a root and cut it from its local
    // parent; only a real remote parent is worth switching to.
    if !cx.span().span_context().is_valid() {
        return;
    }
    match span.set_parent(cx) {
        // No OpenTelemetry layer, or the span is filtered out: nothing to link.
        Ok(()) | Err(SetParentError::LayerNotFound | SetParentError::SpanDisabled) => {}
        Err(error @ SetParentError::AlreadyStarted) => {
            tracing::debug!(%error, "remote trace context ignored: set it before entering the span")
        }
    }
}

/// Writes the current span's trace context into outgoing gRPC metadata.
pub fn inject_into_metadata(metadata: &mut tonic::metadata::MetadataMap) {
    let cx = tracing::Span::current().context();
    global::get_text_map_propagator(|propagator| {
        propagator.inject_context(&cx, &mut HeaderInjector(metadata.as_mut()))
    });
}

/// The trace context carried by incoming gRPC metadata (an empty context when
/// there is none); pass it to [`set_parent_context`].
pub fn extract_from_metadata(metadata: &tonic::metadata::MetadataMap) -> Context {
    extract_from_headers(metadata.as_ref())
}

/// The trace context carried by HTTP headers (gRPC metadata are HTTP/2 headers).
pub fn extract_from_headers(headers: &http::HeaderMap) -> Context {
    extract(&HeaderExtractor(headers))
}

/// A tonic client interceptor that forwards the current trace context:
/// `ReportsClient::with_interceptor(channel, telemetry::propagate_interceptor)`.
pub fn propagate_interceptor(mut request: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
    inject_into_metadata(request.metadata_mut());
    Ok(request)
}

fn extract(carrier: &dyn Extractor) -> Context {
    // Extract against an empty context rather than OpenTelemetry's "current"
    // one, which `tracing` spans do not maintain: the result depends only on
    // the carrier.
    global::get_text_map_propagator(|propagator| propagator.extract_with_context(&Context::new(), carrier))
}

struct HeaderInjector<'a>(&'a mut http::HeaderMap);

impl Injector for HeaderInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        // The propagator only writes well-formed ASCII; anything else is
        // dropped rather than failing the call.
        if let (Ok(name), Ok(value)) =
            (http::HeaderName::from_bytes(key.as_bytes()), http::HeaderValue::from_str(&value))
        {
            self.0.insert(name, value);
        }
    }
}

struct HeaderExtractor<'a>(&'a http::HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(http::HeaderName::as_str).collect()
    }
}
