//! The dialogue component: its gRPC API over its event store, its copy of
//! identity's communes (it takes commands only for registered, open ones)
//! and, in the microservices mode, the relay that copies its log to JetStream.

use miroir_bus::{JetStreamBus, Relay};
use std::sync::Arc;

use miroir_dialogue::api::DialogueApi;
use miroir_eventstore::EventStore;
use miroir_eventstore::feed::EventFeed;
use miroir_platform::health::Readiness;
use miroir_platform::metrics::Metrics;
use miroir_proto::dialogue::v1::dialogue_server::DialogueServer;
use tokio::net::TcpListener;

use crate::supervisor::Supervisor;

const SERVICE_NAME: &str = "miroir.dialogue.v1.Dialogue";

/// Questions, proposals and comments are text: 1 MiB is plenty.
const MAX_REQUEST_BYTES: usize = 1024 * 1024;

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
) -> anyhow::Result<()> {
    let ready = readiness.register("dialogue");
    let token = supervisor.token();
    if let Some(bus) = relay_to {
        supervisor.spawn("dialogue-relay", Relay::new(store.clone(), bus).run(token.clone()));
    }
    // Learn the communes registered so far before taking commands, then follow.
    let db = store.database().clone();
    super::communes::catch_up_then_follow(
        supervisor,
        "dialogue-communes",
        db,
        identity_feed,
        miroir_dialogue::COMMUNES_CONSUMER,
    )
    .await;
    let api = DialogueApi::new(store).requiring_registered_communes();
    let service = tonic::service::interceptor::InterceptedService::new(
        DialogueServer::new(api).max_decoding_message_size(MAX_REQUEST_BYTES),
        miroir_auth::grpc::authenticate(verifier),
    );
    let routes = miroir_platform::metrics::instrument_grpc(metrics, tonic::service::Routes::new(service))?;
    let readiness = readiness.clone();
    ready.set_ready(true);
    supervisor.spawn(
        "dialogue-grpc",
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
