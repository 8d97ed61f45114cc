//! The publications component: its gRPC API over its event store, its copy of
//! identity's communes (it takes commands only for registered, open ones)
//! and, in the microservices mode, the relay that copies its log to JetStream.

use miroir_bus::{JetStreamBus, Relay};
use std::sync::Arc;

use miroir_eventstore::EventStore;
use miroir_eventstore::feed::EventFeed;
use miroir_platform::health::Readiness;
use miroir_platform::metrics::Metrics;
use miroir_proto::publications::v1::publications_server::PublicationsServer;
use miroir_publications::api::PublicationsApi;
use tokio::net::TcpListener;

use crate::supervisor::Supervisor;

const SERVICE_NAME: &str = "miroir.publications.v1.Publications";

/// Attachments (PDF and images) and the rest of a publication fit in one request.
const MAX_REQUEST_BYTES: usize = 32 * 1024 * 1024;

#[allow(clippy::too_many_arguments)]
pub async fn start(
    supervisor: &mut Supervisor,
    store: EventStore,
    identity_feed: Arc<dyn EventFeed>,
    verifier: miroir_auth::Verifier,
    grpc: TcpListener,
    readiness: &Readiness,
    metrics: &Metrics,
    relay_to: Option<JetStreamBus>,
    // Attachments' bytes: the store report photos use (keys under communes/{insee}/publications/).
    objects: miroir_objects::ObjectStore,
) -> anyhow::Result<()> {
    let ready = readiness.register("publications");
    let token = supervisor.token();
    if let Some(bus) = relay_to {
        supervisor.spawn("publications-relay", Relay::new(store.clone(), bus).run(token.clone()));
    }
    // Learn the communes registered so far before taking commands, then follow.
    let db = store.database().clone();
    super::communes::catch_up_then_follow(
        supervisor,
        "publications-communes",
        db,
        identity_feed,
        miroir_publications::COMMUNES_CONSUMER,
    )
    .await;
    let api = PublicationsApi::new(store).with_attachments(objects).requiring_registered_communes();
    let service = tonic::service::interceptor::InterceptedService::new(
        PublicationsServer::new(api).max_decoding_message_size(MAX_REQUEST_BYTES),
        miroir_auth::grpc::authenticate(verifier),
    );
    let routes = miroir_platform::metrics::instrument_grpc(metrics, tonic::service::Routes::new(service))?;
    let readiness = readiness.clone();
    ready.set_ready(true);
    supervisor.spawn(
        "publications-grpc",
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
