//! The identity component: its gRPC API over its event store, the internal
//! directory of addresses (for notifications, behind the deployment's internal
//! secret, when one is set) and, in the microservices mode, the relay of its
//! log to JetStream.

use miroir_auth::Verifier;
use miroir_auth::internal::InternalSecret;
use miroir_bus::{JetStreamBus, Relay};
use miroir_identity::Identity;
use miroir_identity::api::IdentityApi;
use miroir_identity::directory::DirectoryApi;
use miroir_platform::health::Readiness;
use miroir_platform::metrics::Metrics;
use miroir_proto::identity::v1::directory_server::DirectoryServer;
use miroir_proto::identity::v1::identity_server::IdentityServer;
use tokio::net::TcpListener;

use crate::supervisor::Supervisor;

const SERVICE_NAME: &str = "miroir.identity.v1.Identity";
const DIRECTORY_NAME: &str = "miroir.identity.v1.Directory";

#[allow(clippy::too_many_arguments)]
pub fn start(
    supervisor: &mut Supervisor,
    identity: Identity,
    store: Option<(miroir_eventstore::EventStore, JetStreamBus)>,
    verifier: Verifier,
    grpc: TcpListener,
    readiness: &Readiness,
    metrics: &Metrics,
    internal: InternalSecret,
) -> anyhow::Result<()> {
    let token = supervisor.token();
    if let Some((store, bus)) = store {
        supervisor.spawn("identity-relay", Relay::new(store, bus).run(token.clone()));
    }
    let directory = internal
        .is_configured()
        .then(|| DirectoryServer::with_interceptor(DirectoryApi::new(identity.clone()), internal.interceptor()));
    let service =
        IdentityServer::with_interceptor(IdentityApi::new(identity), miroir_auth::grpc::authenticate(verifier));
    let mut routes = tonic::service::Routes::new(service);
    let mut names: &'static [&'static str] = &[SERVICE_NAME];
    if let Some(directory) = directory {
        routes = routes.add_service(directory);
        names = &[SERVICE_NAME, DIRECTORY_NAME];
    }
    let routes = miroir_platform::metrics::instrument_grpc(metrics, routes)?;
    readiness.register("identity").set_ready(true);
    supervisor.spawn(
        "identity-grpc",
        miroir_platform::grpc::serve_services(
            grpc,
            routes,
            miroir_proto::FILE_DESCRIPTOR_SET,
            names,
            readiness.clone(),
            token,
        ),
    );
    Ok(())
}
