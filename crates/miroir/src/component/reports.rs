//! The reports component: its gRPC API over its event store, its copy of
//! identity's communes and, in the microservices mode, the relay that copies
//! its log to JetStream.

use miroir_auth::Verifier;
use miroir_bus::{JetStreamBus, Relay};
use std::sync::Arc;

use miroir_eventstore::EventStore;
use miroir_eventstore::feed::EventFeed;
use miroir_platform::health::Readiness;
use miroir_platform::metrics::Metrics;
use miroir_proto::reports::v1::reports_server::ReportsServer;
use miroir_reports::api::{Links, ReportsApi};
use miroir_reports::photos::PhotoStore;
use tokio::net::TcpListener;

use crate::supervisor::Supervisor;

const SERVICE_NAME: &str = "miroir.reports.v1.Reports";

/// Where photos go and where verification links point.
pub struct Setup {
    pub photos: PhotoStore,
    pub links: Links,
}

/// Five photos of 5 MiB each and the rest of a submission fit in one request.
const MAX_REQUEST_BYTES: usize = 32 * 1024 * 1024;

#[allow(clippy::too_many_arguments)]
pub async fn start(
    supervisor: &mut Supervisor,
    store: EventStore,
    identity_feed: Arc<dyn EventFeed>,
    verifier: Verifier,
    grpc: TcpListener,
    readiness: &Readiness,
    metrics: &Metrics,
    relay_to: Option<JetStreamBus>,
    setup: Setup,
) -> anyhow::Result<()> {
    let ready = readiness.register("reports");
    let token = supervisor.token();
    if let Some(bus) = relay_to {
        supervisor.spawn("reports-relay", Relay::new(store.clone(), bus).run(token.clone()));
    }
    // Learn the communes registered so far before taking reports, then follow.
    let db = store.database().clone();
    super::communes::catch_up_then_follow(
        supervisor,
        "reports-communes",
        db,
        identity_feed,
        miroir_reports::COMMUNES_CONSUMER,
    )
    .await;
    let api = ReportsApi::new(store).with_photos(setup.photos).with_links(setup.links).requiring_registered_communes();
    let service = tonic::service::interceptor::InterceptedService::new(
        ReportsServer::new(api).max_decoding_message_size(MAX_REQUEST_BYTES),
        miroir_auth::grpc::authenticate(verifier),
    );
    let routes = miroir_platform::metrics::instrument_grpc(metrics, tonic::service::Routes::new(service))?;
    let readiness = readiness.clone();
    ready.set_ready(true);
    supervisor.spawn(
        "reports-grpc",
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
