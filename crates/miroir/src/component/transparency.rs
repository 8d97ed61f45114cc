//! The transparency component: its projections of identity's, reports',
//! publications' and dialogue's logs kept up to date from the feed (JetStream
//! in the microservices mode, the logs themselves in the embedded mode), and
//! its gRPC API: public figures for anyone, rebuilds for the operator.

use std::sync::Arc;

use miroir_eventstore::feed::EventFeed;
use miroir_platform::health::Readiness;
use miroir_platform::metrics::Metrics;
use miroir_platform::storage::Database;
use miroir_proto::transparency::v1::transparency_server::TransparencyServer;
use miroir_transparency::api::TransparencyApi;
use miroir_transparency::rebuild::Rebuilds;
use tokio::net::TcpListener;

use crate::supervisor::Supervisor;

const SERVICE_NAME: &str = "miroir.transparency.v1.Transparency";

/// Requests are a scope and a page token.
const MAX_REQUEST_BYTES: usize = 16 * 1024;

#[allow(clippy::too_many_arguments)]
pub async fn start(
    supervisor: &mut Supervisor,
    db: Database,
    sources: Arc<dyn EventFeed>,
    verifier: miroir_auth::Verifier,
    grpc: TcpListener,
    readiness: &Readiness,
    metrics: &Metrics,
) -> anyhow::Result<()> {
    let ready = readiness.register("transparency");
    let token = supervisor.token();
    // The tables exist before the first read; the live runners fill them.
    miroir_transparency::ensure_projections(&db).await?;
    let (live_db, live_feed, live_token) = (db.clone(), sources.clone(), token.clone());
    supervisor.spawn("transparency-projections", async move {
        miroir_transparency::run_live(&live_db, live_feed.as_ref(), live_token).await
    });
    let rebuilds = Arc::new(Rebuilds::new(db.clone(), sources, token.clone()));
    let api = TransparencyApi::new(db).with_rebuilds(rebuilds);
    let service = tonic::service::interceptor::InterceptedService::new(
        TransparencyServer::new(api).max_decoding_message_size(MAX_REQUEST_BYTES),
        miroir_auth::grpc::authenticate(verifier),
    );
    let routes = miroir_platform::metrics::instrument_grpc(metrics, tonic::service::Routes::new(service))?;
    let readiness = readiness.clone();
    ready.set_ready(true);
    supervisor.spawn(
        "transparency-grpc",
        miroir_platform::grpc::serve_services(
            grpc,
            routes,
            miroir_proto::FILE_DESCRIPTOR_SET,
            &[SERVICE_NAME],
            readiness,
            token,
        ),
    );
    Ok(())
}
