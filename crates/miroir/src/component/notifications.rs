//! The notifications component: its gRPC API (follows, subscriptions,
//! preferences, the account's own e-mails) over its event store, its copy of
//! identity's communes (it takes follows and subscriptions only for
//! registered, open communes), the e-mail and webhook senders working
//! through the outbox, the digests of finished days and weeks and, in the
//! microservices mode, the relay that copies its log to
//! JetStream.

use std::sync::Arc;

use miroir_bus::{JetStreamBus, Relay};
use miroir_eventstore::EventStore;
use miroir_eventstore::feed::EventFeed;
use miroir_notifications::api::NotificationsApi;
use miroir_notifications::digest::DigestScheduler;
use miroir_notifications::directory::Directory;
use miroir_notifications::email::{EmailSender, Mailer, SenderConfig};
use miroir_notifications::intake::Source;
use miroir_notifications::unsubscribe::UnsubscribeKey;
use miroir_notifications::webhook::{WebhookConfig, WebhookSender};
use miroir_platform::health::Readiness;
use miroir_platform::metrics::Metrics;
use miroir_proto::notifications::v1::notifications_server::NotificationsServer;
use tokio::net::TcpListener;

use crate::supervisor::Supervisor;

const SERVICE_NAME: &str = "miroir.notifications.v1.Notifications";

/// Requests are a few identifiers and settings.
const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// How messages leave: the address book, the mailer, and the site the links point to.
pub struct Delivery {
    pub directory: Arc<dyn Directory>,
    pub mailer: Arc<dyn Mailer>,
    pub public_url: String,
    /// Webhooks may point at this machine (`miroir up` on a laptop); never in a deployment, where an endpoint
    /// must be a public address.
    pub loopback_webhooks: bool,
    /// How long a claimed e-mail is its sender's ([`SenderConfig::lease`]).
    pub email_lease: std::time::Duration,
}

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
    delivery: Delivery,
    sources: Arc<dyn EventFeed>,
) -> anyhow::Result<()> {
    let ready = readiness.register("notifications");
    let token = supervisor.token();
    if let Some(bus) = relay_to {
        supervisor.spawn("notifications-relay", Relay::new(store.clone(), bus).run(token.clone()));
    }
    // Learn the communes registered so far before taking commands, then follow.
    let db = store.database().clone();
    super::communes::catch_up_then_follow(
        supervisor,
        "notifications-communes",
        db,
        identity_feed,
        miroir_notifications::COMMUNES_CONSUMER,
    )
    .await;
    // The intake: each source log in order, its checkpoint moved with its deliveries (the dedupe record).
    for source in Source::ALL {
        let (db, feed, token) = (store.database().clone(), sources.clone(), token.clone());
        let module = match source {
            Source::Identity => "notifications-from-identity",
            Source::Reports => "notifications-from-reports",
            Source::Publications => "notifications-from-publications",
            Source::Dialogue => "notifications-from-dialogue",
        };
        supervisor.spawn(module, async move {
            miroir_notifications::intake::follow(&db, feed.as_ref(), source, None, token).await.map(|_| ())
        });
    }
    let key = UnsubscribeKey::load_or_create(store.database()).await?;
    let sender = EmailSender::new(
        store.database().clone(),
        delivery.directory,
        delivery.mailer,
        key,
        SenderConfig { lease: delivery.email_lease, ..SenderConfig::new(delivery.public_url) },
    );
    // Digests of finished days and weeks become deliveries; the senders are woken for them.
    let digests = DigestScheduler::new(store.database().clone()).with_wake(sender.wake());
    let scheduling = token.clone();
    supervisor.spawn("notifications-digests", async move {
        digests.run(scheduling).await;
        Ok::<(), anyhow::Error>(())
    });
    let senders = token.clone();
    supervisor.spawn("notifications-email", async move {
        sender.run(senders).await;
        Ok::<(), anyhow::Error>(())
    });
    let webhooks = WebhookSender::new(
        store.clone(),
        WebhookConfig { allow_loopback: delivery.loopback_webhooks, ..WebhookConfig::default() },
    )?;
    let posting = token.clone();
    supervisor.spawn("notifications-webhooks", async move {
        webhooks.run(posting).await;
        Ok::<(), anyhow::Error>(())
    });
    let mut api = NotificationsApi::new(store).requiring_registered_communes();
    if delivery.loopback_webhooks {
        api = api.allow_loopback_webhooks();
    }
    let service = tonic::service::interceptor::InterceptedService::new(
        NotificationsServer::new(api).max_decoding_message_size(MAX_REQUEST_BYTES),
        miroir_auth::grpc::authenticate(verifier),
    );
    let routes = miroir_platform::metrics::instrument_grpc(metrics, tonic::service::Routes::new(service))?;
    let readiness = readiness.clone();
    ready.set_ready(true);
    supervisor.spawn(
        "notifications-grpc",
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
