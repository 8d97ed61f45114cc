//! Metrics: the process's Prometheus registry, the standard HTTP and gRPC
//! request metrics, and rendering in the Prometheus text format.
//!
//! Each process creates one [`Metrics`] and passes clones around; nothing is
//! registered in the `prometheus` crate's default (global) registry, so tests
//! running side by side in one process do not see each other's counters.
//! Every series carries a constant `component` label naming the process.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::MatchedPath;
use http_body::{Body, Frame, SizeHint};
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder};

/// A process's metrics registry. Cheap to clone: clones share the registry.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    // The standard request metrics, registered on first use. Kept here so that
    // several routers (admin, site) or servers of one process share them:
    // registering the same name twice is an error in Prometheus.
    http: Arc<Mutex<Option<HttpCollectors>>>,
    grpc: Arc<Mutex<Option<GrpcCollectors>>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    /// A fresh registry whose series all carry `component="<component>"`.
    pub fn new(component: &str) -> Result<Self, prometheus::Error> {
        let labels = HashMap::from([("component".to_owned(), component.to_owned())]);
        Ok(Metrics { registry: Registry::new_custom(None, Some(labels))?, http: Arc::default(), grpc: Arc::default() })
    }

    /// The underlying registry, to register custom collectors.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Creates and registers a counter family. Fails on an invalid name or
    /// label, or when the name is already registered.
    pub fn counter_vec(&self, name: &str, help: &str, labels: &[&str]) -> Result<IntCounterVec, prometheus::Error> {
        let counter = IntCounterVec::new(Opts::new(name, help), labels)?;
        self.registry.register(Box::new(counter.clone()))?;
        Ok(counter)
    }

    /// Creates and registers a histogram family with the default buckets
    /// (5 ms to 10 s, suited to request durations in seconds).
    pub fn histogram_vec(&self, name: &str, help: &str, labels: &[&str]) -> Result<HistogramVec, prometheus::Error> {
        self.histogram_vec_with_buckets(name, help, labels, prometheus::DEFAULT_BUCKETS.to_vec())
    }

    /// Creates and registers a histogram family with the given bucket bounds.
    pub fn histogram_vec_with_buckets(
        &self,
        name: &str,
        help: &str,
        labels: &[&str],
        buckets: Vec<f64>,
    ) -> Result<HistogramVec, prometheus::Error> {
        let histogram = HistogramVec::new(HistogramOpts::new(name, help).buckets(buckets), labels)?;
        self.registry.register(Box::new(histogram.clone()))?;
        Ok(histogram)
    }

    /// Everything registered, in the Prometheus text exposition format.
    pub fn render(&self) -> Result<String, prometheus::Error> {
        TextEncoder::new().encode_to_string(&self.registry.gather())
    }

    fn http_collectors(&self) -> Result<HttpCollectors, prometheus::Error> {
        let mut slot = self.http.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(collectors) = slot.as_ref() {
            return Ok(collectors.clone());
        }
        let collectors = HttpCollectors {
            requests: self.counter_vec(
                "http_requests_total",
                "HTTP requests handled, by method, route template and status code.",
                &["method", "route", "status"],
            )?,
            duration: self.histogram_vec(
                "http_request_duration_seconds",
                "Time from receiving an HTTP request to sending the response head.",
                &["method", "route"],
            )?,
        };
        *slot = Some(collectors.clone());
        Ok(collectors)
    }

    fn grpc_collectors(&self) -> Result<GrpcCollectors, prometheus::Error> {
        let mut slot = self.grpc.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(collectors) = slot.as_ref() {
            return Ok(collectors.clone());
        }
        let collectors = GrpcCollectors {
            requests: self.counter_vec(
                "grpc_requests_total",
                "gRPC calls handled, by method path and status code.",
                &["path", "code"],
            )?,
            duration: self.histogram_vec(
                "grpc_request_duration_seconds",
                "Time from receiving a gRPC call to the end of its response.",
                &["path"],
            )?,
        };
        *slot = Some(collectors.clone());
        Ok(collectors)
    }
}

// ---------------------------------------------------------------------------
// HTTP

#[derive(Clone)]
struct HttpCollectors {
    requests: IntCounterVec,
    duration: HistogramVec,
}

/// A layer recording `http_requests_total{method,route,status}` and
/// `http_request_duration_seconds{method,route}` for an axum router:
/// `router.layer(metrics::http_layer(&metrics)?)`.
///
/// `route` is the matched route template (`/reports/{id}`), never the raw
/// path, so that ids in URLs do not create one series each; requests no route
/// matched are counted under `route="unmatched"`. Add the layer with
/// `Router::layer` after the routes, so that it sees the matched path.
pub fn http_layer(metrics: &Metrics) -> Result<HttpMetricsLayer, prometheus::Error> {
    Ok(HttpMetricsLayer { collectors: metrics.http_collectors()? })
}

/// See [`http_layer`].
#[derive(Clone)]
pub struct HttpMetricsLayer {
    collectors: HttpCollectors,
}

impl<S> tower::Layer<S> for HttpMetricsLayer {
    type Service = HttpMetricsService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        HttpMetricsService { inner, collectors: self.collectors.clone() }
    }
}

/// See [`http_layer`].
#[derive(Clone)]
pub struct HttpMetricsService<S> {
    inner: S,
    collectors: HttpCollectors,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

impl<S, ReqBody, ResBody> tower::Service<http::Request<ReqBody>> for HttpMetricsService<S>
where
    S: tower::Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<Result<S::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<ReqBody>) -> Self::Future {
        let method = method_label(request.method());
        let route = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str).to_owned();
        let collectors = self.collectors.clone();
        let start = Instant::now();
        let response = self.inner.call(request);
        Box::pin(async move {
            let response = response.await;
            let status = match &response {
                Ok(response) => response.status().as_u16().to_string(),
                // axum routers never fail; other services may.
                Err(_) => "error".to_owned(),
            };
            collectors.requests.with_label_values(&[method, &route, &status]).inc();
            collectors.duration.with_label_values(&[method, &route]).observe(start.elapsed().as_secs_f64());
            response
        })
    }
}

/// The request method, or `other` for extension methods: clients choose the
/// method, and each distinct value would otherwise become a series.
fn method_label(method: &http::Method) -> &'static str {
    match *method {
        http::Method::GET => "GET",
        http::Method::HEAD => "HEAD",
        http::Method::POST => "POST",
        http::Method::PUT => "PUT",
        http::Method::DELETE => "DELETE",
        http::Method::PATCH => "PATCH",
        http::Method::OPTIONS => "OPTIONS",
        http::Method::CONNECT => "CONNECT",
        http::Method::TRACE => "TRACE",
        _ => "other",
    }
}

// ---------------------------------------------------------------------------
// gRPC

#[derive(Clone)]
struct GrpcCollectors {
    requests: IntCounterVec,
    duration: HistogramVec,
}

/// Wraps the services of `routes` so that each call records
/// `grpc_requests_total{path,code}` and `grpc_request_duration_seconds{path}`:
/// `let routes = metrics::instrument_grpc(&metrics, routes)?;` then
/// [`crate::grpc::serve`]. Only calls to services present in `routes` are
/// recorded (health and reflection, added by `serve`, are not).
///
/// `code` is the gRPC status name (`OK`, `NOT_FOUND`…), read from the response
/// headers or, for a response with a body, from its trailers. A call the
/// client abandons before the end is recorded as `CANCELLED`. Calls answered
/// `UNIMPLEMENTED` are recorded under `path="unimplemented"`: the client
/// chooses the method name, and unknown ones must not each create a series.
pub fn instrument_grpc(
    metrics: &Metrics,
    routes: tonic::service::Routes,
) -> Result<tonic::service::Routes, prometheus::Error> {
    let layer = GrpcMetricsLayer { collectors: metrics.grpc_collectors()? };
    // `route_layer` wraps the registered services only, not the fallback that
    // answers unknown services.
    Ok(tonic::service::Routes::from(routes.into_axum_router().route_layer(layer)))
}

#[derive(Clone)]
struct GrpcMetricsLayer {
    collectors: GrpcCollectors,
}

impl<S> tower::Layer<S> for GrpcMetricsLayer {
    type Service = GrpcMetricsService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        GrpcMetricsService { inner, collectors: self.collectors.clone() }
    }
}

#[derive(Clone)]
struct GrpcMetricsService<S> {
    inner: S,
    collectors: GrpcCollectors,
}

impl<S, ReqBody, ResBody> tower::Service<http::Request<ReqBody>> for GrpcMetricsService<S>
where
    S: tower::Service<http::Request<ReqBody>, Response = http::Response<ResBody>, Error = Infallible>,
    S::Future: Send + 'static,
    ResBody: Body + Unpin,
{
    type Response = http::Response<GrpcMetricsBody<ResBody>>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<ReqBody>) -> Self::Future {
        let mut call = GrpcCall {
            path: request.uri().path().to_owned(),
            start: Instant::now(),
            collectors: self.collectors.clone(),
            code: None,
        };
        let response = self.inner.call(request);
        Box::pin(async move {
            let response = match response.await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            // A trailers-only response (how tonic sends errors) carries the
            // status in its headers.
            call.code = grpc_status(response.headers());
            Ok(response.map(|inner| GrpcMetricsBody { inner, call: Some(call) }))
        })
    }
}

struct GrpcCall {
    path: String,
    start: Instant,
    collectors: GrpcCollectors,
    code: Option<tonic::Code>,
}

impl GrpcCall {
    fn record(self, code: Option<tonic::Code>) {
        let code = code.or(self.code).unwrap_or(tonic::Code::Unknown);
        let path = if code == tonic::Code::Unimplemented { "unimplemented" } else { &self.path };
        self.collectors.requests.with_label_values(&[path, code_name(code)]).inc();
        self.collectors.duration.with_label_values(&[path]).observe(self.start.elapsed().as_secs_f64());
    }
}

/// A response body that records its call's metrics when it ends (trailers
/// seen or stream finished) or is dropped unfinished.
struct GrpcMetricsBody<B> {
    inner: B,
    // Taken when recorded, so that a call is recorded once.
    call: Option<GrpcCall>,
}

impl<B> Body for GrpcMetricsBody<B>
where
    B: Body + Unpin,
{
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        let this = &mut *self;
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(code) = frame.trailers_ref().and_then(grpc_status)
                    && let Some(call) = this.call.take()
                {
                    call.record(Some(code));
                }
            }
            Poll::Ready(Some(Err(_))) => {
                if let Some(call) = this.call.take() {
                    call.record(Some(tonic::Code::Internal));
                }
            }
            Poll::Ready(None) => {
                if let Some(call) = this.call.take() {
                    call.record(None);
                }
            }
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl<B> Drop for GrpcMetricsBody<B> {
    fn drop(&mut self) {
        if let Some(call) = self.call.take() {
            // A trailers-only response may be dropped without being polled
            // to its end; its status is already known. Otherwise the client
            // went away before the end.
            let code = if call.code.is_some() { None } else { Some(tonic::Code::Cancelled) };
            call.record(code);
        }
    }
}

fn grpc_status(headers: &http::HeaderMap) -> Option<tonic::Code> {
    headers.get("grpc-status").map(|value| tonic::Code::from_bytes(value.as_bytes()))
}

/// The canonical upper-case name of a gRPC status code.
fn code_name(code: tonic::Code) -> &'static str {
    use tonic::Code;
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}
