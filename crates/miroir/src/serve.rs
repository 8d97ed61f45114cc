//! `miroir serve <component>`: one component per process, on NATS JetStream
//! and PostgreSQL, configured by the environment (what the Helm chart runs).

use std::time::Duration;

use anyhow::Context;
use miroir_bus::JetStreamBus;
use miroir_identity::IdentityConfig;
use miroir_platform::health::Readiness;
use miroir_platform::metrics::Metrics;
use miroir_platform::storage::{Database, PoolConfig};
use miroir_reports::api::Links;
use miroir_reports::photos::PhotoStore;
use tokio_util::sync::CancellationToken;

use crate::cli::{Component, ServeArgs, ServiceArgs};
use crate::component::{self, bind};
use crate::jwks;
use crate::supervisor::Supervisor;

pub async fn run(args: ServeArgs, token: CancellationToken) -> anyhow::Result<()> {
    let common = &args.common;
    let name = args.component.name();
    let metrics = Metrics::new(name)?;
    let readiness = Readiness::new();
    let mut supervisor = Supervisor::new(token.clone());
    match args.component {
        Component::Identity => {
            let db = connect(common, name, &mut supervisor, &readiness).await?;
            miroir_identity::migrate_database(&db).await?;
            let config = IdentityConfig { log_links: false, public_url: common.public_url.clone() };
            let store = miroir_eventstore::EventStore::open(db.clone(), miroir_identity::SERVICE).await?;
            let identity = miroir_identity::open(db, config).await?;
            let bus = JetStreamBus::connect(&common.nats_url, &common.nats_prefix).await?;
            // Identity verifies its own tokens with its own keys, kept fresh like everyone's.
            let verifier = miroir_auth::Verifier::from_jwks(&identity.jwks().await?)?;
            let grpc = bind(name, "grpc", common.grpc_listen).await?;
            let own_url = format!("http://{}", grpc.local_addr()?);
            supervisor.spawn("jwks-refresh", jwks::refresh(own_url, verifier.clone(), token.clone()));
            let internal = miroir_auth::internal::InternalSecret::from_setting(common.internal_secret.as_deref())
                .context("MIROIR_INTERNAL_SECRET")?;
            component::identity::start(
                &mut supervisor,
                identity,
                Some((store, bus)),
                verifier,
                grpc,
                &readiness,
                &metrics,
                internal,
            )?;
        }
        Component::Reports => {
            let db = connect(common, name, &mut supervisor, &readiness).await?;
            miroir_reports::migrate_database(&db).await?;
            let store = miroir_reports::open(db).await?;
            let bus = JetStreamBus::connect(&common.nats_url, &common.nats_prefix).await?;
            let grpc = bind(name, "grpc", common.grpc_listen).await?;
            let verifier = jwks::initial(&common.identity_url, &token).await;
            supervisor
                .spawn("jwks-refresh", jwks::refresh(common.identity_url.clone(), verifier.clone(), token.clone()));
            let identity_feed: std::sync::Arc<dyn miroir_eventstore::feed::EventFeed> =
                std::sync::Arc::new(miroir_bus::JetStreamFeed::new(bus.clone()));
            component::reports::start(
                &mut supervisor,
                store,
                identity_feed,
                verifier,
                grpc,
                &readiness,
                &metrics,
                Some(bus),
                component::reports::Setup {
                    photos: photo_store(&common.object_store)?,
                    links: Links { public_url: common.public_url.clone(), log_links: false, sink: None },
                },
            )
            .await?;
        }
        Component::Publications => {
            let db = connect(common, name, &mut supervisor, &readiness).await?;
            miroir_publications::migrate_database(&db).await?;
            let store = miroir_publications::open(db).await?;
            let bus = JetStreamBus::connect(&common.nats_url, &common.nats_prefix).await?;
            let grpc = bind(name, "grpc", common.grpc_listen).await?;
            let verifier = jwks::initial(&common.identity_url, &token).await;
            supervisor
                .spawn("jwks-refresh", jwks::refresh(common.identity_url.clone(), verifier.clone(), token.clone()));
            let objects = photo_store(&common.object_store)?;
            let identity_feed = std::sync::Arc::new(miroir_bus::JetStreamFeed::new(bus.clone()));
            component::publications::start(
                &mut supervisor,
                store,
                identity_feed,
                verifier,
                grpc,
                &readiness,
                &metrics,
                Some(bus),
                objects,
            )
            .await?;
        }
        Component::Dialogue => {
            let db = connect(common, name, &mut supervisor, &readiness).await?;
            miroir_dialogue::migrate_database(&db).await?;
            let store = miroir_dialogue::open(db).await?;
            let bus = JetStreamBus::connect(&common.nats_url, &common.nats_prefix).await?;
            let grpc = bind(name, "grpc", common.grpc_listen).await?;
            let verifier = jwks::initial(&common.identity_url, &token).await;
            supervisor
                .spawn("jwks-refresh", jwks::refresh(common.identity_url.clone(), verifier.clone(), token.clone()));
            let identity_feed = std::sync::Arc::new(miroir_bus::JetStreamFeed::new(bus.clone()));
            component::dialogue::start(
                &mut supervisor,
                store,
                identity_feed,
                verifier,
                grpc,
                &readiness,
                &metrics,
                Some(bus),
            )
            .await?;
        }
        Component::Notifications => {
            let db = connect(common, name, &mut supervisor, &readiness).await?;
            miroir_notifications::migrate_database(&db).await?;
            let store = miroir_notifications::open(db).await?;
            let bus = JetStreamBus::connect(&common.nats_url, &common.nats_prefix).await?;
            let grpc = bind(name, "grpc", common.grpc_listen).await?;
            let verifier = jwks::initial(&common.identity_url, &token).await;
            supervisor
                .spawn("jwks-refresh", jwks::refresh(common.identity_url.clone(), verifier.clone(), token.clone()));
            let identity_feed = std::sync::Arc::new(miroir_bus::JetStreamFeed::new(bus.clone()));
            let internal = miroir_auth::internal::InternalSecret::from_setting(common.internal_secret.as_deref())
                .context("MIROIR_INTERNAL_SECRET")?;
            if !internal.is_configured() {
                tracing::warn!("no MIROIR_INTERNAL_SECRET: identity will not give addresses, no e-mail can leave");
            }
            let delivery = component::notifications::Delivery {
                directory: std::sync::Arc::new(component::directory::GrpcDirectory::new(
                    &common.identity_url,
                    internal,
                )?),
                mailer: component::mailer(common.smtp_url.as_deref(), &common.mail_from)?,
                public_url: common.public_url.clone(),
                loopback_webhooks: false,
                email_lease: std::time::Duration::from_secs(common.email_lease_seconds),
            };
            component::notifications::start(
                &mut supervisor,
                store,
                identity_feed,
                verifier,
                grpc,
                &readiness,
                &metrics,
                Some(bus.clone()),
                delivery,
                std::sync::Arc::new(miroir_bus::JetStreamFeed::new(bus)),
            )
            .await?;
        }
        Component::Transparency => {
            let db = connect(common, name, &mut supervisor, &readiness).await?;
            miroir_transparency::migrate_database(&db).await?;
            let bus = JetStreamBus::connect(&common.nats_url, &common.nats_prefix).await?;
            let grpc = bind(name, "grpc", common.grpc_listen).await?;
            let verifier = jwks::initial(&common.identity_url, &token).await;
            supervisor
                .spawn("jwks-refresh", jwks::refresh(common.identity_url.clone(), verifier.clone(), token.clone()));
            let sources = std::sync::Arc::new(miroir_bus::JetStreamFeed::new(bus));
            component::transparency::start(&mut supervisor, db, sources, verifier, grpc, &readiness, &metrics).await?;
        }
        Component::Gateway => {
            let http = bind(name, "http", common.http_listen).await?;
            let config = miroir_gateway::GatewayConfig {
                reports_url: common.reports_url.clone(),
                identity_url: common.identity_url.clone(),
                publications_url: common.publications_url.clone(),
                dialogue_url: common.dialogue_url.clone(),
                notifications_url: common.notifications_url.clone(),
                transparency_url: common.transparency_url.clone(),
                trusted_proxies: common.trusted_proxies.clone(),
            };
            component::gateway::start(&mut supervisor, &config, http, &readiness, &metrics, None).await?;
        }
    }
    let admin = bind(name, "admin", common.admin_listen).await?;
    let router = miroir_platform::health::admin_router(readiness, metrics);
    supervisor.spawn("admin-http", miroir_platform::http::serve(admin, router, supervisor.token()));
    supervisor.wait().await
}

/// Opens the component's database, and keeps the process's readiness following whether it answers.
async fn connect(
    common: &ServiceArgs,
    component: &str,
    supervisor: &mut Supervisor,
    readiness: &Readiness,
) -> anyhow::Result<Database> {
    let url = common
        .database_url
        .as_deref()
        .with_context(|| format!("{component} needs its database: set MIROIR_DATABASE_URL (postgres://…)"))?;
    let db = Database::connect(url, &PoolConfig::default())
        .await
        .with_context(|| format!("{component}: cannot open its database"))?;
    let flag = readiness.register("database");
    flag.set_ready(true);
    supervisor.spawn(
        "database-watch",
        miroir_platform::health::watch_database(db.clone(), flag, Duration::from_secs(5), supervisor.token()),
    );
    Ok(db)
}

/// The photo store named by `--object-store`: an `s3://` URL, or a folder (created if missing).
fn photo_store(location: &str) -> anyhow::Result<PhotoStore> {
    let store = if location.contains("://") {
        PhotoStore::from_url(location)
    } else {
        PhotoStore::local(std::path::Path::new(location))
    };
    store.with_context(|| format!("cannot open the photo store {location}"))
}
