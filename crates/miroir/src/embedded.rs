//! `miroir up`: every component in one process, SQLite in the data folder, no
//! external server. What a newcomer runs first and what a village with no IT
//! staff can run on a small box.

use std::net::{Ipv4Addr, SocketAddr};

use anyhow::Context;
use miroir_platform::health::Readiness;
use miroir_platform::metrics::Metrics;
use miroir_platform::storage::{Database, PoolConfig};
use tokio_util::sync::CancellationToken;

use crate::cli::UpArgs;
use crate::component::{self, bind};
use crate::supervisor::Supervisor;
use crate::{demo, keys};

pub async fn run(args: UpArgs, token: CancellationToken) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.data)
        .with_context(|| format!("cannot create the data folder {}", args.data.display()))?;
    let keys = keys::load_or_create(&args.data.join("signing-keys"))?;
    let url = format!("sqlite://{}", args.data.join("reports.db").display());
    let db = Database::connect(&url, &PoolConfig::default()).await.context("cannot open the reports database")?;
    miroir_reports::migrate_database(&db).await?;
    let store = miroir_reports::open(db).await?;
    if !args.no_demo {
        demo::seed(&store).await?;
    }

    let metrics = Metrics::new("miroir")?;
    let readiness = Readiness::new();
    let mut supervisor = Supervisor::new(token);
    // Components still talk gRPC to each other, over loopback on a port the system picks.
    let reports_grpc = bind("reports", "grpc", SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
    let reports_url = format!("http://{}", reports_grpc.local_addr()?);
    component::reports::start(&mut supervisor, store, keys.verifier(), reports_grpc, &readiness, &metrics, None)?;

    let http = bind("gateway", "http", args.listen).await?;
    let site = http.local_addr()?;
    let admin = miroir_platform::health::admin_router(readiness.clone(), metrics.clone());
    let config = miroir_gateway::GatewayConfig { reports_url };
    component::gateway::start(&mut supervisor, &config, http, &readiness, &metrics, Some(admin)).await?;

    let keys_file = args.data.join("signing-keys");
    // Show the command the way this binary was started (a path, or `cargo run …`).
    let program = std::env::args().next().unwrap_or_else(|| "miroir".to_owned());
    println!(
        "\nMiroir is running (embedded mode, data in {data}).\n\
         \n  API:              http://{site}/api/v1/communes/{demo}/reports\
         \n  OpenAPI:          http://{site}/api/openapi.json\
         \n  Health:           http://{site}/healthz\
         \n\nAn agent token for the demo commune {demo}:\
         \n  {program} token --keys {keys} --commune {demo} --role agent\
         \n\nStop with Ctrl+C.\n",
        data = args.data.display(),
        demo = demo::COMMUNE,
        keys = keys_file.display(),
    );
    supervisor.wait().await
}
