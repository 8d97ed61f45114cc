//! gRPC serving: runs a component's tonic services on a listener the caller
//! bound, alongside the standard `grpc.health.v1` (following the process's
//! [`Readiness`]) and `grpc.reflection.v1` services, with a tracing span per
//! call that continues the caller's trace, and a graceful stop on a
//! cancellation token.
//!
//! Taking a bound listener rather than an address lets the caller choose and
//! report the port (tests bind port 0) and fail early when it is taken.

use std::time::Duration;

use prost::Message;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::service::Routes;
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;

use crate::health::{self, Readiness};
use crate::telemetry;

/// How long a stopping server waits for in-flight calls before dropping them.
/// Below Kubernetes' default 30 s grace period, so that the process still
/// exits on its own (and flushes its telemetry) rather than being killed.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(20);

const HEALTH_SERVICE: &str = tonic_health::pb::health_server::SERVICE_NAME;
const REFLECTION_SERVICES: [&str; 2] = [
    tonic_reflection::pb::v1::server_reflection_server::SERVICE_NAME,
    tonic_reflection::pb::v1alpha::server_reflection_server::SERVICE_NAME,
];

#[derive(Debug, thiserror::Error)]
pub enum GrpcServeError {
    #[error("invalid file descriptor set: {0}")]
    Descriptor(#[from] prost::DecodeError),
    #[error("cannot build the reflection service: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    #[error("gRPC server failed: {0}")]
    Transport(#[from] tonic::transport::Error),
}

/// Serves `routes` on `listener` until `token` is cancelled, then stops
/// accepting and lets in-flight calls finish (for at most [`DRAIN_TIMEOUT`]).
///
/// `file_descriptor_set` (an encoded `FileDescriptorSet`, e.g.
/// `miroir_proto::FILE_DESCRIPTOR_SET`) feeds reflection; every service it
/// declares is advertised by reflection and reported by the health service.
/// When it declares services this process does not serve, use
/// [`serve_services`] to name the served ones.
///
/// ```ignore
/// let routes = tonic::service::Routes::new(ReportsServer::new(svc));
/// miroir_platform::grpc::serve(listener, routes, miroir_proto::FILE_DESCRIPTOR_SET, readiness, token).await?;
/// ```
pub async fn serve(
    listener: TcpListener,
    routes: Routes,
    file_descriptor_set: &'static [u8],
    readiness: Readiness,
    token: CancellationToken,
) -> Result<(), GrpcServeError> {
    let declared = declared_services(file_descriptor_set)?;
    let services: Vec<&str> = declared
        .iter()
        .map(String::as_str)
        // Health and reflection are added below whatever the set declares.
        .filter(|name| *name != HEALTH_SERVICE && !REFLECTION_SERVICES.contains(name))
        .collect();
    serve_services(listener, routes, file_descriptor_set, &services, readiness, token).await
}

/// [`serve`], advertising and reporting health for `services` only (fully
/// qualified names, e.g. `miroir.reports.v1.Reports`).
pub async fn serve_services(
    listener: TcpListener,
    routes: Routes,
    file_descriptor_set: &'static [u8],
    services: &[&str],
    readiness: Readiness,
    token: CancellationToken,
) -> Result<(), GrpcServeError> {
    // Both versions: v1 is the standard, v1alpha is all that older clients
    // (grpcurl before 1.9, some IDEs) speak.
    let reflection_v1 = reflection(file_descriptor_set, services).build_v1()?;
    let reflection_v1alpha = reflection(file_descriptor_set, services).build_v1alpha()?;

    // The health task stops with the server, even when serving fails before
    // `token` is cancelled: the guard cancels this child token on return.
    let health_token = token.child_token();
    let _stop_health = health_token.clone().drop_guard();
    let health = health::grpc_health(readiness, services, health_token).await;

    let routes = routes.add_service(health).add_service(reflection_v1).add_service(reflection_v1alpha);
    let address = listener.local_addr().ok();
    let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
    tracing::info!(?address, ?services, "gRPC server listening");

    let server = Server::builder()
        .trace_fn(call_span)
        .add_routes(routes)
        .serve_with_incoming_shutdown(incoming, token.clone().cancelled_owned());
    tokio::pin!(server);
    tokio::select! {
        served = &mut server => served?,
        () = async {
            token.cancelled().await;
            tokio::time::sleep(DRAIN_TIMEOUT).await;
        } => {
            tracing::warn!(timeout = ?DRAIN_TIMEOUT, "gRPC calls still running after the drain timeout, dropping them");
        }
    }
    tracing::info!(?address, "gRPC server stopped");
    Ok(())
}

fn reflection(file_descriptor_set: &'static [u8], services: &[&str]) -> tonic_reflection::server::Builder<'static> {
    let mut builder = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(file_descriptor_set)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET);
    for name in services.iter().copied().chain([HEALTH_SERVICE]).chain(REFLECTION_SERVICES) {
        builder = builder.with_service_name(name);
    }
    builder
}

/// The span every call runs in, continuing the trace found in its metadata.
fn call_span(request: &http::Request<()>) -> tracing::Span {
    let path = request.uri().path();
    // Probes and tool introspection would drown the traces that matter.
    let service = path.trim_start_matches('/').split('/').next().unwrap_or_default();
    if service == HEALTH_SERVICE || REFLECTION_SERVICES.contains(&service) {
        return tracing::Span::none();
    }
    let rpc = path.trim_start_matches('/');
    let span = tracing::info_span!("grpc", otel.name = rpc, otel.kind = "server", rpc.system = "grpc");
    telemetry::set_parent_context(&span, telemetry::extract_from_headers(request.headers()));
    span
}

/// The fully qualified names of the services declared in an encoded
/// `FileDescriptorSet`.
fn declared_services(file_descriptor_set: &[u8]) -> Result<Vec<String>, prost::DecodeError> {
    let set = prost_types::FileDescriptorSet::decode(file_descriptor_set)?;
    Ok(set
        .file
        .iter()
        .flat_map(|file| {
            let package = file.package();
            file.service.iter().map(move |service| match package {
                "" => service.name().to_owned(),
                package => format!("{package}.{}", service.name()),
            })
        })
        .collect())
}
