//! The gateway component: the HTTP front door, talking to services over gRPC.

use miroir_gateway::GatewayConfig;
use miroir_platform::health::Readiness;
use miroir_platform::metrics::Metrics;
use tokio::net::TcpListener;

use crate::supervisor::Supervisor;

/// Serves the gateway on `http`. `extra` is merged in: the embedded mode puts
/// /healthz, /readyz and /metrics on the one port it has; the microservices
/// mode keeps them on the admin port.
pub async fn start(
    supervisor: &mut Supervisor,
    config: &GatewayConfig,
    http: TcpListener,
    readiness: &Readiness,
    metrics: &Metrics,
    extra: Option<axum::Router>,
) -> anyhow::Result<()> {
    let mut router = miroir_gateway::build(config, metrics).await?;
    if let Some(extra) = extra {
        router = router.merge(extra);
    }
    readiness.register("gateway").set_ready(true);
    supervisor.spawn("gateway-http", miroir_platform::http::serve(http, router, supervisor.token()));
    Ok(())
}
