//! `miroir serve <component>`: one component per process, on NATS JetStream
//! and PostgreSQL, configured by the environment (what the Helm chart runs).

use anyhow::Context;
use miroir_auth::Verifier;
use miroir_bus::JetStreamBus;
use miroir_platform::health::Readiness;
use miroir_platform::metrics::Metrics;
use miroir_platform::storage::{Database, PoolConfig};
use tokio_util::sync::CancellationToken;

use crate::cli::{Component, ServeArgs, ServiceArgs};
use crate::component::{self, bind};
use crate::keys;
use crate::supervisor::Supervisor;

pub async fn run(args: ServeArgs, token: CancellationToken) -> anyhow::Result<()> {
    let common = &args.common;
    let name = args.component.name();
    let metrics = Metrics::new(name)?;
    let readiness = Readiness::new();
    let mut supervisor = Supervisor::new(token);
    match args.component {
        Component::Reports => {
            let db = connect(common, name).await?;
            miroir_reports::migrate_database(&db).await?;
            let store = miroir_reports::open(db).await?;
            let bus = JetStreamBus::connect(&common.nats_url, &common.nats_prefix).await?;
            let grpc = bind(name, "grpc", common.grpc_listen).await?;
            component::reports::start(
                &mut supervisor,
                store,
                verifier(common)?,
                grpc,
                &readiness,
                &metrics,
                Some(bus),
            )?;
        }
        Component::Gateway => {
            let http = bind(name, "http", common.http_listen).await?;
            let config = miroir_gateway::GatewayConfig { reports_url: common.reports_url.clone() };
            component::gateway::start(&mut supervisor, &config, http, &readiness, &metrics, None).await?;
        }
    }
    let admin = bind(name, "admin", common.admin_listen).await?;
    let router = miroir_platform::health::admin_router(readiness, metrics);
    supervisor.spawn("admin-http", miroir_platform::http::serve(admin, router, supervisor.token()));
    supervisor.wait().await
}

async fn connect(common: &ServiceArgs, component: &str) -> anyhow::Result<Database> {
    let url = common
        .database_url
        .as_deref()
        .with_context(|| format!("{component} needs its database: set MIROIR_DATABASE_URL (postgres://…)"))?;
    Database::connect(url, &PoolConfig::default())
        .await
        .with_context(|| format!("{component}: cannot open its database"))
}

/// Token verification keys; without a keys file no token is valid (and the
/// process says so), which refuses every command that needs a role.
fn verifier(common: &ServiceArgs) -> anyhow::Result<Verifier> {
    match &common.auth_keys_file {
        Some(path) => Ok(keys::load(path)?.verifier()),
        None => {
            tracing::warn!("MIROIR_AUTH_KEYS_FILE is not set: every access token will be refused");
            Ok(Verifier::default())
        }
    }
}
