//! The reports component: its gRPC API over its event store and, in the
//! microservices mode, the relay that copies its log to JetStream.

use miroir_auth::Verifier;
use miroir_bus::{JetStreamBus, Relay};
use miroir_eventstore::EventStore;
use miroir_platform::health::Readiness;
use miroir_platform::metrics::Metrics;
use miroir_proto::reports::v1::reports_server::ReportsServer;
use miroir_reports::api::ReportsApi;
use tokio::net::TcpListener;

use crate::supervisor::Supervisor;

const SERVICE_NAME: &str = "miroir.reports.v1.Reports";

pub fn start(
    supervisor: &mut Supervisor,
    store: EventStore,
    verifier: Verifier,
    grpc: TcpListener,
    readiness: &Readiness,
    metrics: &Metrics,
    relay_to: Option<JetStreamBus>,
) -> anyhow::Result<()> {
    let ready = readiness.register("reports");
    let token = supervisor.token();
    if let Some(bus) = relay_to {
        supervisor.spawn("reports-relay", Relay::new(store.clone(), bus).run(token.clone()));
    }
    let service = ReportsServer::with_interceptor(ReportsApi::new(store), miroir_auth::grpc::authenticate(verifier));
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
