//! The identity component: its gRPC API over its event store and, in the
//! microservices mode, the relay of its log to JetStream.

use miroir_auth::Verifier;
use miroir_bus::{JetStreamBus, Relay};
use miroir_identity::Identity;
use miroir_identity::api::IdentityApi;
use miroir_platform::health::Readiness;
use miroir_platform::metrics::Metrics;
use miroir_proto::identity::v1::identity_server::IdentityServer;
use tokio::net::TcpListener;

use crate::supervisor::Supervisor;

const SERVICE_NAME: &str = "miroir.identity.v1.Identity";

pub fn start(
    supervisor: &mut Supervisor,
    identity: Identity,
    store: Option<(miroir_eventstore::EventStore, JetStreamBus)>,
    verifier: Verifier,
    grpc: TcpListener,
    readiness: &Readiness,
    metrics: &Metrics,
) -> anyhow::Result<()> {
    let token = supervisor.token();
    if let Some((store, bus)) = store {
        supervisor.spawn("identity-relay", Relay::new(store, bus).run(token.clone()));
    }
    let service =
        IdentityServer::with_interceptor(IdentityApi::new(identity), miroir_auth::grpc::authenticate(verifier));
    let routes = miroir_platform::metrics::instrument_grpc(metrics, tonic::service::Routes::new(service))?;
    readiness.register("identity").set_ready(true);
    supervisor.spawn(
        "identity-grpc",
        miroir_platform::grpc::serve_services(
            grpc,
            routes,
            miroir_proto::FILE_DESCRIPTOR_SET,
            &[SERVICE_NAME],
            readiness.clone(),
            token,
        ),
    );
    Ok(())
}
