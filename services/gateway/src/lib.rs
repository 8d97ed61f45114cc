//! The gateway: Miroir's HTTP front door. It holds no domain state: each
//! request becomes a gRPC call to the service that owns the data, with the
//! caller's credentials and trace context forwarded.
//!
//! - [`rest`] — the REST API under `/api/v1` (handlers, JSON shapes,
//!   extractors).
//! - [`openapi`] — the OpenAPI document, `GET /api/openapi.json`.
//! - [`error`] — the one error type and its mapping to HTTP (JSON error body).
//! - [`upstream`] — the gRPC clients of the services and how a call is made.
//! - [`headers`] — security headers on every response.
//! - [`span`] — the tracing span of each request.
//! - [`site`] — the residents' website (server-rendered HTML).
//! - [`open311`] — Open311 GeoReport v2 under `/open311/v2` (JSON and XML).

pub mod client_address;
pub mod error;
pub mod headers;
pub mod open311;
pub mod openapi;
pub mod rest;
pub mod site;
pub mod span;
pub mod upstream;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use miroir_platform::metrics::{Metrics, http_layer};
use tonic::transport::Channel;

pub use error::GatewayError;

/// Where the gateway finds the services.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayConfig {
    /// gRPC URL of the reports service, e.g. `http://127.0.0.1:50051`.
    pub reports_url: String,
    /// gRPC URL of the identity service, e.g. `http://127.0.0.1:50052`.
    pub identity_url: String,
    /// gRPC URL of the publications service, e.g. `http://127.0.0.1:50053`.
    pub publications_url: String,
    /// gRPC URL of the dialogue service, e.g. `http://127.0.0.1:50054`.
    pub dialogue_url: String,
    /// gRPC URL of the notifications service, e.g. `http://127.0.0.1:50055`.
    pub notifications_url: String,
    /// gRPC URL of the transparency service, e.g. `http://127.0.0.1:50056`.
    pub transparency_url: String,
    /// The deployment's reverse proxies, whose `X-Forwarded-For` names the caller (none: the socket peer is).
    pub trusted_proxies: client_address::TrustedProxies,
}

/// What every handler shares: the clients of the services. Cheap to clone
/// (the clients share their channels).
#[derive(Clone)]
pub struct AppState {
    pub(crate) reports: upstream::ReportsClient,
    pub(crate) identity: upstream::IdentityClient,
    pub(crate) publications: upstream::PublicationsClient,
    pub(crate) dialogue: upstream::DialogueClient,
    pub(crate) notifications: upstream::NotificationsClient,
    pub(crate) transparency: upstream::TransparencyClient,
    /// Form posts per client address (the site's rate limit).
    pub(crate) limiter: site::forms::PostLimiter,
    /// Access tokens of Open311 `api_key`s, until shortly before they expire.
    pub(crate) open311_tokens: open311::TokenCache,
    /// Whose `X-Forwarded-For` is believed (the per-address rate limits).
    pub(crate) trusted_proxies: client_address::TrustedProxies,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}

impl AppState {
    /// Clients over the given channels (tests may pass any channel).
    pub fn new(channels: Channels) -> Self {
        AppState {
            reports: upstream::reports_client(channels.reports),
            identity: upstream::identity_client(channels.identity),
            publications: upstream::publications_client(channels.publications),
            dialogue: upstream::dialogue_client(channels.dialogue),
            notifications: upstream::notifications_client(channels.notifications),
            transparency: upstream::transparency_client(channels.transparency),
            limiter: site::forms::PostLimiter::default(),
            open311_tokens: open311::TokenCache::default(),
            trusted_proxies: client_address::TrustedProxies::default(),
        }
    }

    /// Clients of the services named in `config`. Connections are opened on
    /// first use, so the gateway starts (and answers 503) while a service is
    /// still down.
    pub fn connect(config: &GatewayConfig) -> Result<Self, GatewayError> {
        let state = Self::new(Channels {
            reports: upstream::lazy_channel(&config.reports_url)?,
            identity: upstream::lazy_channel(&config.identity_url)?,
            publications: upstream::lazy_channel(&config.publications_url)?,
            dialogue: upstream::lazy_channel(&config.dialogue_url)?,
            notifications: upstream::lazy_channel(&config.notifications_url)?,
            transparency: upstream::lazy_channel(&config.transparency_url)?,
        });
        Ok(Self { trusted_proxies: config.trusted_proxies.clone(), ..state })
    }
}

/// One channel per back-end service.
pub struct Channels {
    pub reports: Channel,
    pub identity: Channel,
    pub publications: Channel,
    pub dialogue: Channel,
    pub notifications: Channel,
    pub transparency: Channel,
}

/// The gateway's router, ready to serve: [`router`] with the HTTP request
/// metrics recorded in `metrics`. Must run inside a tokio runtime (the
/// channels spawn their workers on it).
pub async fn build(config: &GatewayConfig, metrics: &Metrics) -> Result<Router, GatewayError> {
    let state = AppState::connect(config)?;
    // Added last, so that it wraps each route and sees its template.
    Ok(router(state).layer(http_layer(metrics)?))
}

/// Every route of the gateway (REST API, OpenAPI document, the token signing
/// keys), with the body limit, the per-request span and the security headers;
/// without metrics.
///
/// The client address given to the identity service (rate limits) is the
/// socket peer when the router is served with
/// `into_make_service_with_connect_info::<SocketAddr>()`, or what a trusted
/// proxy says in `X-Forwarded-For` (`client_address.rs`).
pub fn router(state: AppState) -> Router {
    let trusted_proxies = state.trusted_proxies.clone();
    Router::new()
        .nest("/api/v1", rest::routes())
        .route("/api/openapi.json", get(openapi::document))
        .nest("/open311/v2", open311::routes())
        .route("/.well-known/jwks.json", get(rest::oauth::jwks))
        .merge(site::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(|| async { GatewayError::MethodNotAllowed })
        .with_state(state)
        .layer(axum::Extension(trusted_proxies))
        .layer(DefaultBodyLimit::max(error::BODY_LIMIT_BYTES))
        .layer(axum::middleware::from_fn(span::request_span))
        .layer(axum::middleware::map_response(headers::security_headers))
        .layer(tower_http::compression::CompressionLayer::new())
}

/// Unknown paths: a JSON error under `/api/`, the site's "not found" page elsewhere.
async fn not_found(visitor: site::session::Visitor, uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        return GatewayError::RouteNotFound.into_response();
    }
    site::page::message(visitor, axum::http::StatusCode::NOT_FOUND, "error-title", "error-not-found")
}
