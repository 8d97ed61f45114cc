//! `miroir up`: every component in one process, SQLite in the data folder, no
//! external server. What a newcomer runs first and what a village with no IT
//! staff can run on a small box.

use std::net::{Ipv4Addr, SocketAddr};

use anyhow::Context;
use miroir_identity::IdentityConfig;
use miroir_platform::health::Readiness;
use miroir_platform::metrics::Metrics;
use miroir_platform::storage::{Database, PoolConfig};
use miroir_reports::api::Links;
use miroir_reports::photos::PhotoStore;
use tokio_util::sync::CancellationToken;

use crate::cli::UpArgs;
use crate::component::{self, bind};
use crate::supervisor::Supervisor;
use crate::{admin, demo, jwks};

pub async fn run(args: UpArgs, token: CancellationToken) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.data)
        .with_context(|| format!("cannot create the data folder {}", args.data.display()))?;
    let http = bind("gateway", "http", args.listen).await?;
    let site = http.local_addr()?;

    // Until notifications sends e-mails, the embedded mode writes links to its log.
    let config = IdentityConfig { log_links: true, public_url: format!("http://{site}") };
    let identity = admin::open_identity(&admin::embedded_identity_url(&args.data), config).await?;
    let url = format!("sqlite://{}", args.data.join("reports.db").display());
    let db = Database::connect(&url, &PoolConfig::default()).await.context("cannot open the reports database")?;
    miroir_reports::migrate_database(&db).await?;
    let reports = miroir_reports::open(db).await?;
    let db = open_sqlite(&args.data, "publications").await?;
    miroir_publications::migrate_database(&db).await?;
    let publications = miroir_publications::open(db).await?;
    let db = open_sqlite(&args.data, "dialogue").await?;
    miroir_dialogue::migrate_database(&db).await?;
    let dialogue = miroir_dialogue::open(db).await?;
    let db = open_sqlite(&args.data, "notifications").await?;
    miroir_notifications::migrate_database(&db).await?;
    let notifications = miroir_notifications::open(db).await?;
    let transparency = open_sqlite(&args.data, "transparency").await?;
    miroir_transparency::migrate_database(&transparency).await?;
    let demo_env = if args.no_demo {
        None
    } else {
        demo::seed_reports(&reports).await?;
        let seeded = demo::seed_identity(&identity, &args.data).await?;
        // Content needs its authors: only on the start that created them.
        if let Some(seeded) = &seeded {
            demo::publications::seed(&publications, &seeded.accounts).await?;
            demo::dialogue::seed(&dialogue, &seeded.accounts).await?;
        }
        seeded.map(|seeded| seeded.env)
    };

    let metrics = Metrics::new("miroir")?;
    let readiness = Readiness::new();
    let mut supervisor = Supervisor::new(token.clone());
    // Components still talk gRPC to each other, over loopback on ports the system picks.
    let identity_grpc = bind("identity", "grpc", SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
    let identity_url = format!("http://{}", identity_grpc.local_addr()?);
    let verifier = miroir_auth::Verifier::from_jwks(&identity.jwks().await?)?;
    let identity_feed: std::sync::Arc<dyn miroir_eventstore::feed::EventFeed> =
        std::sync::Arc::new(miroir_eventstore::feed::LocalFeed::new([identity.store().clone()]));
    // Notifications reads every service's log in-process, as it reads JetStream in the microservices mode.
    let sources: std::sync::Arc<dyn miroir_eventstore::feed::EventFeed> =
        std::sync::Arc::new(miroir_eventstore::feed::LocalFeed::new([
            identity.store().clone(),
            reports.clone(),
            publications.clone(),
            dialogue.clone(),
        ]));
    supervisor.spawn("jwks-refresh", jwks::refresh(identity_url.clone(), verifier.clone(), token.clone()));
    // One process: notifications reads addresses in-process, the directory stays closed to the network.
    let directory_identity = identity.clone();
    let internal = miroir_auth::internal::InternalSecret::none();
    component::identity::start(
        &mut supervisor,
        identity,
        None,
        verifier.clone(),
        identity_grpc,
        &readiness,
        &metrics,
        internal,
    )?;

    // One object store for report photos and publications' attachments, as `serve` has (MIROIR_OBJECT_STORE): each
    // service keeps to its own prefix. The folder keeps its first name so that existing photos stay where they are.
    let objects = PhotoStore::local(&args.data.join("photos")).context("cannot open the photo folder")?;
    let reports_grpc = bind("reports", "grpc", SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
    let reports_url = format!("http://{}", reports_grpc.local_addr()?);
    component::reports::start(
        &mut supervisor,
        reports,
        identity_feed.clone(),
        verifier.clone(),
        reports_grpc,
        &readiness,
        &metrics,
        None,
        component::reports::Setup {
            photos: objects.clone(),
            // Until notifications sends e-mails, the embedded mode writes links to its log.
            links: Links { public_url: format!("http://{site}"), log_links: true, sink: None },
        },
    )
    .await?;

    let publications_grpc = bind("publications", "grpc", SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
    let publications_url = format!("http://{}", publications_grpc.local_addr()?);
    component::publications::start(
        &mut supervisor,
        publications,
        identity_feed.clone(),
        verifier.clone(),
        publications_grpc,
        &readiness,
        &metrics,
        None,
        objects,
    )
    .await?;
    let dialogue_grpc = bind("dialogue", "grpc", SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
    let dialogue_url = format!("http://{}", dialogue_grpc.local_addr()?);
    component::dialogue::start(
        &mut supervisor,
        dialogue,
        identity_feed.clone(),
        verifier.clone(),
        dialogue_grpc,
        &readiness,
        &metrics,
        None,
    )
    .await?;
    let notifications_grpc = bind("notifications", "grpc", SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
    let notifications_url = format!("http://{}", notifications_grpc.local_addr()?);
    let delivery = component::notifications::Delivery {
        directory: std::sync::Arc::new(component::directory::LocalDirectory(directory_identity)),
        mailer: component::mailer(args.smtp_url.as_deref(), &args.mail_from)?,
        public_url: format!("http://{site}"),
        // One machine, one person: webhooks to a local receiver are what city IT tries first.
        loopback_webhooks: true,
        email_lease: miroir_notifications::email::DEFAULT_LEASE,
    };
    component::notifications::start(
        &mut supervisor,
        notifications,
        identity_feed,
        verifier.clone(),
        notifications_grpc,
        &readiness,
        &metrics,
        None,
        delivery,
        sources.clone(),
    )
    .await?;
    let transparency_grpc = bind("transparency", "grpc", SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
    let transparency_url = format!("http://{}", transparency_grpc.local_addr()?);
    component::transparency::start(
        &mut supervisor,
        transparency,
        sources,
        verifier,
        transparency_grpc,
        &readiness,
        &metrics,
    )
    .await?;

    let admin_routes = miroir_platform::health::admin_router(readiness.clone(), metrics.clone());
    let config = miroir_gateway::GatewayConfig {
        reports_url,
        identity_url,
        publications_url,
        dialogue_url,
        notifications_url,
        transparency_url,
        trusted_proxies: Default::default(),
    };
    component::gateway::start(&mut supervisor, &config, http, &readiness, &metrics, Some(admin_routes)).await?;

    println!(
        "\nMiroir is running (embedded mode, data in {data}).\n\
         \n  Site:             http://{site}/c/{demo}/\
         \n  API:              http://{site}/api/v1/communes/{demo}/reports\
         \n  OpenAPI:          http://{site}/api/openapi.json\
         \n  Health:           http://{site}/healthz",
        data = args.data.display(),
        demo = demo::COMMUNE,
    );
    match demo_env {
        Some(env) => println!(
            "\nDemo commune {demo} created, with these accounts (also in {file}):\n\n{env}\
             Sign in on the site at http://{site}/compte/connexion, or through the API:\n\
             POST http://{site}/api/v1/auth/login with {{\"email\": …, \"password\": …}}",
            demo = demo::COMMUNE,
            file = args.data.join("demo.env").display(),
        ),
        None if !args.no_demo => {
            println!("\nDemo accounts: see {}", args.data.join("demo.env").display());
        }
        None => {}
    }
    println!("\nStop with Ctrl+C.\n");
    supervisor.wait().await
}

/// Opens (creating it) the SQLite database `<data>/<name>.db`.
async fn open_sqlite(data: &std::path::Path, name: &str) -> anyhow::Result<Database> {
    let url = format!("sqlite://{}", data.join(format!("{name}.db")).display());
    Database::connect(&url, &PoolConfig::default()).await.with_context(|| format!("cannot open the {name} database"))
}
