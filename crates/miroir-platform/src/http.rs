//! HTTP serving: runs an axum router (admin endpoints, the site, the gateway)
//! on a listener the caller bound, with a graceful stop on a cancellation
//! token.

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// How long a stopping server waits for in-flight requests before dropping
/// them; see [`crate::grpc::DRAIN_TIMEOUT`] for the reasoning.
pub const DRAIN_TIMEOUT: std::time::Duration = crate::grpc::DRAIN_TIMEOUT;

/// Serves `router` on `listener` until `token` is cancelled, then stops
/// accepting and lets in-flight requests finish (for at most
/// [`DRAIN_TIMEOUT`]).
pub async fn serve(listener: TcpListener, router: axum::Router, token: CancellationToken) -> std::io::Result<()> {
    let address = listener.local_addr().ok();
    tracing::info!(?address, "HTTP server listening");
    // With the peer address, so handlers can rate-limit per client (`ConnectInfo<SocketAddr>`).
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = axum::serve(listener, service).with_graceful_shutdown(token.clone().cancelled_owned());
    // `with_graceful_shutdown` waits for every open connection to finish,
    // however long that takes; bound the wait.
    tokio::select! {
        served = server => served?,
        () = async {
            token.cancelled().await;
            tokio::time::sleep(DRAIN_TIMEOUT).await;
        } => {
            tracing::warn!(timeout = ?DRAIN_TIMEOUT, "HTTP requests still running after the drain timeout, dropping them");
        }
    }
    tracing::info!(?address, "HTTP server stopped");
    Ok(())
}
