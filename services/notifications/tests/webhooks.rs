//! Webhooks for city IT, on PostgreSQL and SQLite, against a real HTTP
//! receiver (an axum server on 127.0.0.1 that checks every signature with the
//! secrets the API answered, records what it got, and answers 500 or 410 when
//! told to). Integration clients are made in identity and known through the
//! intake, events come from the reports service through the intake, and the
//! senders' clock is moved forward to reach a retry's time.
//!
//! Covered: who may manage a commune's endpoints (its administrator, the
//! client itself; not another commune's administrator, another client, a
//! resident); an event signed and received once; a failure retried and
//! received once; a persistent failure (or 410 Gone) disabling the endpoint
//! with a visible reason and holding what follows; a replay of a time range
//! with the same webhook-id; a rotation signing with both secrets for a day;
//! a revoked client's endpoints getting nothing.

mod support;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use miroir_auth::role::Grant;
use miroir_auth::{Principal, Role};
use miroir_identity::operator_cli;
use miroir_notifications::api::NotificationsApi;
use miroir_notifications::email::Clock;
use miroir_notifications::webhook::{WebhookConfig, WebhookSender};
use miroir_platform::clock::now_us;
use miroir_platform::storage::Backend;
use miroir_proto::notifications::v1 as pb;
use miroir_proto::notifications::v1::notifications_server::Notifications as _;
use support::world::{HOTEL_DE_VILLE, World, by, resident};
use support::{LYON, PARIS, field};
use tokio_util::sync::CancellationToken;
use tonic::{Code, Request};

const HOUR: Duration = Duration::from_secs(3_600);
const WAIT: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------- the receiver

/// One POST the receiver got.
#[derive(Debug, Clone)]
struct Received {
    webhook_id: String,
    timestamp: i64,
    /// The `v1,…` signatures of the header.
    signatures: Vec<String>,
    /// Which of the secrets given to the receiver signed it.
    signed_by: Vec<usize>,
    body: serde_json::Value,
    /// What the receiver answered.
    answered: u16,
}

#[derive(Default)]
struct Inbox {
    /// The keys it checks signatures with (decoded from the secrets the API answered).
    keys: Vec<Vec<u8>>,
    /// What to answer next (then 200), or always, if set.
    next: VecDeque<u16>,
    always: Option<u16>,
    received: Vec<Received>,
}

#[derive(Clone)]
struct Receiver {
    url: String,
    inbox: Arc<Mutex<Inbox>>,
}

/// Standard Webhooks' check, written here from the specification (not the crate's code).
fn signature(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    let signed = ring::hmac::sign(&key, &[id.as_bytes(), b".", timestamp.to_string().as_bytes(), b".", body].concat());
    format!("v1,{}", STANDARD.encode(signed.as_ref()))
}

async fn receive(State(inbox): State<Arc<Mutex<Inbox>>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let webhook_id = header("webhook-id");
    let timestamp: i64 = header("webhook-timestamp").parse().unwrap_or(-1);
    let signatures: Vec<String> = header("webhook-signature").split(' ').map(str::to_owned).collect();
    let mut inbox = inbox.lock().expect("inbox");
    let signed_by = (0..inbox.keys.len())
        .filter(|n| signatures.contains(&signature(&inbox.keys[*n], &webhook_id, timestamp, &body)))
        .collect();
    let answered = inbox.always.or_else(|| inbox.next.pop_front()).unwrap_or(200);
    assert_eq!(header("content-type"), "application/json");
    inbox.received.push(Received {
        webhook_id,
        timestamp,
        signatures,
        signed_by,
        body: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
        answered,
    });
    StatusCode::from_u16(answered).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl Receiver {
    async fn start() -> Self {
        let inbox = Arc::new(Mutex::new(Inbox::default()));
        let app = axum::Router::new().route("/hooks/miroir", axum::routing::post(receive)).with_state(inbox.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
        Self { url: format!("http://{address}/hooks/miroir"), inbox }
    }

    /// Checks signatures with `secret` too (`whsec_…`, as the API answered it); returns its index.
    fn trust(&self, secret: &str) -> usize {
        let key = STANDARD.decode(secret.strip_prefix("whsec_").expect("whsec_")).expect("base64");
        let mut inbox = self.inbox.lock().expect("inbox");
        inbox.keys.push(key);
        inbox.keys.len() - 1
    }

    fn answer_next(&self, statuses: &[u16]) {
        self.inbox.lock().expect("inbox").next.extend(statuses);
    }

    fn answer_always(&self, status: Option<u16>) {
        self.inbox.lock().expect("inbox").always = status;
    }

    fn received(&self) -> Vec<Received> {
        self.inbox.lock().expect("inbox").received.clone()
    }

    /// What it accepted (answered 2xx).
    fn accepted(&self) -> Vec<Received> {
        self.received().into_iter().filter(|r| (200..300).contains(&r.answered)).collect()
    }

    async fn wait_for(&self, count: usize) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            assert!(start.elapsed() < WAIT, "the receiver got {} requests, not {count}", received.len());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

// ---------------------------------------------------------------- the platform

/// The wall clock, moved forward by the test.
#[derive(Clone, Default)]
struct TestClock(Arc<AtomicI64>);

impl TestClock {
    fn clock(&self) -> Clock {
        let offset = self.0.clone();
        Arc::new(move || now_us() + offset.load(Ordering::SeqCst))
    }

    fn advance(&self, by: Duration) {
        self.0.fetch_add(i64::try_from(by.as_micros()).expect("small"), Ordering::SeqCst);
    }
}

struct Setup {
    world: World,
    /// The notifications API, taking webhook URLs on 127.0.0.1.
    api: NotificationsApi,
    receiver: Receiver,
    clock: TestClock,
    sender: WebhookSender,
    /// Paris' integration client (city IT).
    client_id: String,
    /// A resident who reports things.
    reporter: String,
}

const ADMIN: &str = "0190c0de-0000-7000-8000-00000000ad01";

fn admin_of(commune: &str) -> Principal {
    Principal::Account { id: ADMIN.into(), grants: vec![Grant { commune: commune.into(), role: Role::CommuneAdmin }] }
}

fn admin() -> Principal {
    admin_of(PARIS)
}

fn client(client_id: &str) -> Principal {
    Principal::Client { id: client_id.into(), commune: PARIS.into(), scopes: vec!["reports:read".into()] }
}

fn anonymous<T>(message: T) -> Request<T> {
    Request::new(message)
}

async fn setup(backend: Backend) -> Setup {
    let world = World::new(backend).await;
    let api = NotificationsApi::new(world.notifications.store.clone()).allow_loopback_webhooks();
    let clock = TestClock::default();
    let config =
        WebhookConfig { allow_loopback: true, idle_poll: Duration::from_millis(50), ..WebhookConfig::default() };
    let sender =
        WebhookSender::new(world.notifications.store.clone(), config).expect("sender").with_clock(clock.clock());
    let client_id = new_client(&world, "SI de la ville").await;
    let reporter = world.sign_up("anne").await;
    world.sync().await;
    Setup { world, api, receiver: Receiver::start().await, clock, sender, client_id, reporter }
}

/// A new integration client of Paris, made in identity.
async fn new_client(world: &World, name: &str) -> String {
    let scopes = ["reports:read".to_owned()];
    let (client, _) = world.identity.create_client(&operator_cli(), PARIS, name, &scopes, "").await.expect("client");
    client.client_id
}

impl Setup {
    /// The administrator registers an endpoint at the receiver for the client;
    /// the receiver trusts its secret.
    async fn endpoint(&self, event_types: &[&str]) -> pb::WebhookEndpoint {
        let created = self.create(admin(), &self.client_id, &self.receiver.url, event_types, "").await.expect("create");
        self.receiver.trust(&created.secret);
        created.endpoint.expect("endpoint")
    }

    async fn create(
        &self,
        principal: Principal,
        client_id: &str,
        url: &str,
        event_types: &[&str],
        request_id: &str,
    ) -> Result<pb::CreateWebhookEndpointResponse, tonic::Status> {
        let request = pb::CreateWebhookEndpointRequest {
            parent: format!("communes/{PARIS}"),
            endpoint: Some(pb::WebhookEndpoint {
                client_id: client_id.into(),
                url: url.into(),
                event_types: event_types.iter().map(|t| (*t).to_owned()).collect(),
                ..Default::default()
            }),
            request_id: request_id.into(),
        };
        self.api.create_webhook_endpoint(by(principal, request)).await.map(|r| r.into_inner())
    }

    async fn endpoints(&self, principal: Principal) -> Result<Vec<pb::WebhookEndpoint>, tonic::Status> {
        let request = pb::ListWebhookEndpointsRequest { parent: format!("communes/{PARIS}"), ..Default::default() };
        Ok(self.api.list_webhook_endpoints(by(principal, request)).await?.into_inner().endpoints)
    }

    async fn listed(&self, name: &str) -> pb::WebhookEndpoint {
        let endpoints = self.endpoints(admin()).await.expect("list");
        endpoints.into_iter().find(|e| e.name == name).expect("listed")
    }

    async fn deliveries(&self, endpoint: &str) -> Vec<pb::WebhookDelivery> {
        let request =
            pb::ListWebhookDeliveriesRequest { parent: endpoint.into(), page_size: 100, page_token: String::new() };
        self.api.list_webhook_deliveries(by(admin(), request)).await.expect("deliveries").into_inner().deliveries
    }

    /// The reporter reports something in Paris; the intake takes it in. Returns the report's name.
    async fn report(&self, title: &str) -> String {
        let report = self.world.report(&self.reporter, title, HOTEL_DE_VILLE).await;
        self.world.sync().await;
        report.name
    }

    /// Sends every webhook delivery due now, one at a time; returns how many attempts were made.
    async fn drain(&self) -> usize {
        let mut attempts = 0;
        while self.sender.send_next("test-sender").await.expect("send").is_some() {
            attempts += 1;
            assert!(attempts < 100, "the outbox does not run dry");
        }
        attempts
    }

    async fn disable(&self, name: &str, reason: &str) -> Result<pb::WebhookEndpointResponse, tonic::Status> {
        let request =
            pb::DisableWebhookEndpointRequest { name: name.into(), reason: reason.into(), request_id: String::new() };
        Ok(self.api.disable_webhook_endpoint(by(admin(), request)).await?.into_inner())
    }

    async fn enable(&self, name: &str) -> pb::WebhookEndpointResponse {
        let request = pb::EnableWebhookEndpointRequest { name: name.into(), request_id: String::new() };
        self.api.enable_webhook_endpoint(by(admin(), request)).await.expect("enable").into_inner()
    }

    async fn replay(
        &self,
        name: &str,
        from_us: i64,
        to_us: i64,
    ) -> Result<pb::ReplayWebhookDeliveriesResponse, tonic::Status> {
        let request =
            pb::ReplayWebhookDeliveriesRequest { name: name.into(), from_us, to_us, request_id: String::new() };
        Ok(self.api.replay_webhook_deliveries(by(admin(), request)).await?.into_inner())
    }
}

fn rotate_request(name: &str) -> pb::RotateWebhookSecretRequest {
    pb::RotateWebhookSecretRequest { name: name.into(), request_id: String::new() }
}

// ---------------------------------------------------------------- the tests

async fn the_commune_admin_and_the_client_itself_manage_its_endpoints(backend: Backend) {
    let s = setup(backend).await;
    let created = s.create(admin(), &s.client_id, "https://it.paris.fr/hooks/miroir", &["report.resolved"], "r1").await;
    let created = created.expect("the administrator registers an endpoint for the client");
    let endpoint = created.endpoint.clone().expect("endpoint");
    assert!(created.secret.starts_with("whsec_") && created.secret.len() > 40, "{}", created.secret);
    assert!(endpoint.name.starts_with(&format!("communes/{PARIS}/webhooks/")));
    assert_eq!(
        (endpoint.client_id.as_str(), endpoint.url.as_str()),
        (s.client_id.as_str(), "https://it.paris.fr/hooks/miroir")
    );
    assert_eq!((endpoint.enabled, endpoint.event_types.as_slice()), (true, ["report.resolved".to_owned()].as_slice()));
    let again = s.create(admin(), &s.client_id, "https://it.paris.fr/hooks/miroir", &[], "r1").await;
    assert_eq!(again.expect_err("a retry cannot show the secret again").code(), Code::AlreadyExists);

    // The client itself registers its own, and sees only its own.
    let own = s.create(client(&s.client_id), "", "https://it.paris.fr/hooks/autre", &[], "").await.expect("own");
    let own = own.endpoint.expect("endpoint");
    assert_eq!(own.client_id, s.client_id);
    let other_client = new_client(&s.world, "Prestataire").await;
    s.world.sync().await;
    let refused = s.create(client(&s.client_id), &other_client, "https://it.paris.fr/x", &[], "").await;
    assert_eq!(field(&refused.expect_err("not for another client")).as_deref(), Some("endpoint.client_id"));
    let names = |endpoints: Vec<pb::WebhookEndpoint>| endpoints.into_iter().map(|e| e.name).collect::<Vec<_>>();
    assert_eq!(
        names(s.endpoints(client(&s.client_id)).await.expect("list")),
        [endpoint.name.as_str(), own.name.as_str()]
    );
    assert_eq!(names(s.endpoints(admin()).await.expect("list")), [endpoint.name.as_str(), own.name.as_str()]);
    assert!(s.endpoints(client(&other_client)).await.expect("list").is_empty(), "another client sees none");
    let status = s.api.rotate_webhook_secret(by(client(&other_client), rotate_request(&endpoint.name))).await;
    assert_eq!(status.expect_err("not its endpoint").code(), Code::NotFound);

    // Nobody else: another commune's administrator, a resident, nobody.
    let lyon = admin_of(LYON);
    let refused = s.create(lyon.clone(), &s.client_id, "https://it.paris.fr/x", &[], "").await;
    assert_eq!(refused.expect_err("Lyon's admin").code(), Code::PermissionDenied);
    assert_eq!(s.endpoints(lyon.clone()).await.expect_err("Lyon's admin").code(), Code::PermissionDenied);
    let id = endpoint.name.rsplit('/').next().expect("id");
    let in_lyon = format!("communes/{LYON}/webhooks/{id}");
    let status = s.api.rotate_webhook_secret(by(lyon.clone(), rotate_request(&in_lyon))).await;
    assert_eq!(status.expect_err("not in Lyon").code(), Code::NotFound);
    let request = pb::ListWebhookDeliveriesRequest { parent: in_lyon, ..Default::default() };
    assert_eq!(s.api.list_webhook_deliveries(by(lyon, request)).await.expect_err("not in Lyon").code(), Code::NotFound);
    let lyon_client = Principal::Client { id: s.client_id.clone(), commune: LYON.into(), scopes: vec![] };
    assert_eq!(s.endpoints(lyon_client).await.expect_err("a client of Lyon").code(), Code::PermissionDenied);
    assert_eq!(s.endpoints(resident(&s.reporter)).await.expect_err("a resident").code(), Code::PermissionDenied);
    let refused = s.create(resident(&s.reporter), &s.client_id, "https://it.paris.fr/x", &[], "").await;
    assert_eq!(refused.expect_err("a resident").code(), Code::PermissionDenied);
    let request = pb::ListWebhookEndpointsRequest { parent: format!("communes/{PARIS}"), ..Default::default() };
    assert_eq!(
        s.api.list_webhook_endpoints(anonymous(request)).await.expect_err("nobody").code(),
        Code::Unauthenticated
    );

    // Bad input names its field.
    for (url, types, client_id, bad) in [
        ("http://it.paris.fr/hooks", vec![], s.client_id.as_str(), "endpoint.url"),
        ("https://jean:motdepasse@it.paris.fr/hooks", vec![], s.client_id.as_str(), "endpoint.url"),
        ("https://10.0.0.8/hooks", vec![], s.client_id.as_str(), "endpoint.url"),
        (&format!("https://it.paris.fr/{}", "a".repeat(2000)), vec![], s.client_id.as_str(), "endpoint.url"),
        ("https://it.paris.fr/hooks", vec!["report.deleted"], s.client_id.as_str(), "endpoint.event_types"),
        ("https://it.paris.fr/hooks", vec![], "0190c0de-0000-7000-8000-0000000000ff", "endpoint.client_id"),
        ("https://it.paris.fr/hooks", vec![], "", "endpoint.client_id"),
    ] {
        let refused = s.create(admin(), client_id, url, &types, "").await.expect_err("refused");
        assert_eq!((refused.code(), field(&refused).as_deref()), (Code::InvalidArgument, Some(bad)), "{url} {types:?}");
    }
    // A loopback URL only where the API was built to take it.
    let request = pb::CreateWebhookEndpointRequest {
        parent: format!("communes/{PARIS}"),
        endpoint: Some(pb::WebhookEndpoint {
            client_id: s.client_id.clone(),
            url: s.receiver.url.clone(),
            ..Default::default()
        }),
        request_id: String::new(),
    };
    let refused = s.world.notifications.api.create_webhook_endpoint(by(admin(), request)).await.expect_err("loopback");
    assert_eq!(field(&refused).as_deref(), Some("endpoint.url"));

    // Update, rotate, disable, enable, delete.
    let request = pb::UpdateWebhookEndpointRequest {
        endpoint: Some(pb::WebhookEndpoint {
            name: endpoint.name.clone(),
            url: "https://it.paris.fr/v2".into(),
            event_types: vec!["question.asked".into()],
            ..Default::default()
        }),
        update_mask: vec!["event_types".into()],
        request_id: String::new(),
    };
    let updated = s.api.update_webhook_endpoint(by(client(&s.client_id), request)).await.expect("update").into_inner();
    let updated = updated.endpoint.expect("endpoint");
    assert_eq!(
        (updated.url.as_str(), updated.event_types.as_slice()),
        ("https://it.paris.fr/hooks/miroir", ["question.asked".to_owned()].as_slice())
    );
    let before = now_us();
    let rotated = s.api.rotate_webhook_secret(by(admin(), rotate_request(&endpoint.name))).await.expect("rotate");
    let rotated = rotated.into_inner();
    assert!(rotated.secret.starts_with("whsec_") && rotated.secret != created.secret);
    let until = rotated.endpoint.as_ref().expect("endpoint").previous_secret_valid_until_us;
    assert!((before + 24 * 3_600_000_000..=now_us() + 24 * 3_600_000_000).contains(&until), "{until}");
    let listed = format!("{:?}", s.endpoints(admin()).await.expect("list"));
    for secret in [&created.secret, &rotated.secret] {
        let bare = secret.trim_start_matches("whsec_");
        assert!(!listed.contains(bare), "a listing shows no secret");
    }
    let disabled = s.disable(&endpoint.name, "  migration du SI  ").await.expect("disable").endpoint.expect("endpoint");
    assert_eq!(
        (disabled.enabled, disabled.disabled_reason.as_str(), disabled.disabled_automatically),
        (false, "migration du SI", false)
    );
    assert_eq!(field(&s.disable(&endpoint.name, " ").await.expect_err("a reason")).as_deref(), Some("reason"));
    let enabled = s.enable(&endpoint.name).await.endpoint.expect("endpoint");
    assert!(enabled.enabled && enabled.disabled_reason.is_empty());
    let request = pb::DeleteWebhookEndpointRequest { name: endpoint.name.clone(), request_id: String::new() };
    s.api.delete_webhook_endpoint(by(client(&s.client_id), request)).await.expect("delete");
    assert_eq!(names(s.endpoints(admin()).await.expect("list")), [own.name.as_str()]);
    let status = s.api.rotate_webhook_secret(by(admin(), rotate_request(&endpoint.name))).await;
    assert_eq!(status.expect_err("gone").code(), Code::NotFound);
    let request = pb::ListWebhookDeliveriesRequest { parent: endpoint.name.clone(), ..Default::default() };
    assert_eq!(s.api.list_webhook_deliveries(by(admin(), request)).await.expect_err("gone").code(), Code::NotFound);
}

async fn an_event_is_delivered_signed_and_once(backend: Backend) {
    let s = setup(backend).await;
    let endpoint = s.endpoint(&["report.submitted"]).await;
    let questions_only = s.endpoint(&["question.asked"]).await;
    let report = s.report("Nid-de-poule rue de Rivoli").await;
    // A redelivered source log writes nothing new.
    s.world.reset_checkpoints().await;
    s.world.sync().await;
    assert!(s.deliveries(&questions_only.name).await.is_empty(), "its filter does not take reports");

    let token = CancellationToken::new();
    let running = tokio::spawn(s.sender.clone().run(token.clone()));
    s.receiver.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    token.cancel();
    running.await.expect("the senders stop");
    let received = s.receiver.received();
    assert_eq!(received.len(), 1, "received once: {received:?}");

    let got = &received[0];
    let deliveries = s.deliveries(&endpoint.name).await;
    let [delivery] = deliveries.as_slice() else { panic!("{deliveries:?}") };
    assert_eq!(got.webhook_id, delivery.webhook_id);
    assert!(got.webhook_id.starts_with("msg_"));
    assert_eq!(got.signed_by, [0], "signed with the secret the API answered: {got:?}");
    assert_eq!(got.signatures.len(), 1);
    assert!((got.timestamp - now_us() / 1_000_000).abs() < 60, "the attempt's time");
    assert_eq!(got.body["type"], "report.submitted");
    assert_eq!(got.body["data"]["subject"], report.as_str());
    assert_eq!(got.body["data"]["commune"], PARIS);
    assert_eq!(got.body["data"]["status"], "new");
    assert_eq!(got.body["data"]["category"], "voirie");
    let text = got.body.to_string();
    for personal in ["Rivoli", "anne", &s.reporter, "Profond"] {
        assert!(!text.contains(personal), "{personal} in {text}");
    }
    assert_eq!(
        (delivery.state(), delivery.event_type.as_str(), delivery.subject.as_str()),
        (pb::DeliveryState::Sent, "report.submitted", report.as_str())
    );
    let [attempt] = delivery.attempt_log.as_slice() else { panic!("{delivery:?}") };
    assert_eq!(
        (attempt.attempt, attempt.outcome(), attempt.http_status, attempt.error.as_str()),
        (1, pb::DeliveryState::Sent, 200, "")
    );
}

async fn a_failure_is_retried_then_received_once(backend: Backend) {
    let s = setup(backend).await;
    let endpoint = s.endpoint(&[]).await;
    s.report("Lampadaire éteint").await;
    s.receiver.answer_next(&[500]);
    assert_eq!(s.drain().await, 1);
    assert_eq!(s.drain().await, 0, "not due before its time");
    let deliveries = s.deliveries(&endpoint.name).await;
    assert_eq!((deliveries[0].state(), deliveries[0].last_error.as_str()), (pb::DeliveryState::Retry, "HTTP 500"));
    let wait = deliveries[0].next_attempt_at_us - now_us();
    assert!((4_000_000..=5_600_000).contains(&wait), "about 5 s later: {wait}");
    s.clock.advance(Duration::from_secs(6));
    assert_eq!(s.drain().await, 1);

    let received = s.receiver.received();
    assert_eq!(received.iter().map(|r| r.answered).collect::<Vec<_>>(), [500, 200]);
    assert_eq!(received[0].webhook_id, received[1].webhook_id, "the same webhook-id on a retry");
    assert!(received.iter().all(|r| r.signed_by == [0]));
    assert_eq!(s.receiver.accepted().len(), 1, "received once");
    let deliveries = s.deliveries(&endpoint.name).await;
    let log: Vec<_> =
        deliveries[0].attempt_log.iter().map(|a| (a.attempt, a.outcome(), a.http_status, a.error.clone())).collect();
    assert_eq!(
        log,
        [(1, pb::DeliveryState::Retry, 500, "HTTP 500".to_owned()), (2, pb::DeliveryState::Sent, 200, String::new())]
    );
    assert_eq!(deliveries[0].state(), pb::DeliveryState::Sent);
}

async fn a_persistent_failure_disables_the_endpoint_with_a_reason(backend: Backend) {
    let s = setup(backend).await;
    let endpoint = s.endpoint(&[]).await;
    let first = s.report("Banc cassé").await;
    s.receiver.answer_always(Some(500));
    let mut rounds = 0;
    while s.drain().await > 0 {
        // Past the longest delay (24 h + 10 %).
        s.clock.advance(27 * HOUR);
        rounds += 1;
        assert!(rounds < 20, "the schedule ends");
    }
    assert_eq!(s.receiver.received().len(), 10, "tried 10 times (Standard Webhooks' schedule)");
    let listed = s.listed(&endpoint.name).await;
    assert!(!listed.enabled && listed.disabled_automatically, "{listed:?}");
    assert!(listed.disabled_reason.starts_with("no 2xx since 20"), "{}", listed.disabled_reason);
    assert!(listed.disabled_reason.ends_with("last: HTTP 500"), "{}", listed.disabled_reason);
    let deliveries = s.deliveries(&endpoint.name).await;
    assert_eq!(deliveries[0].state(), pb::DeliveryState::Failed);
    assert!(
        deliveries[0].last_error.starts_with("HTTP 500 (gave up after 10 attempts)"),
        "{}",
        deliveries[0].last_error
    );
    assert_eq!(deliveries[0].attempt_log.len(), 10);
    assert!(deliveries[0].attempt_log.iter().all(|a| a.http_status == 500));

    // What comes next is held, not sent.
    let second = s.report("Graffiti").await;
    assert_eq!(s.drain().await, 0);
    let deliveries = s.deliveries(&endpoint.name).await;
    let state_of = |subject: &str| deliveries.iter().find(|d| d.subject == subject).map(|d| d.state());
    assert_eq!((state_of(&first), state_of(&second)), (Some(pb::DeliveryState::Failed), Some(pb::DeliveryState::Held)));
    let an_hour_ago = now_us() - 3_600_000_000;
    let replay = s.replay(&endpoint.name, an_hour_ago, now_us() + 1).await.expect_err("disabled");
    assert_eq!(replay.code(), Code::FailedPrecondition);

    // Back up: enabled again, then a replay sends both.
    s.receiver.answer_always(None);
    s.enable(&endpoint.name).await;
    assert_eq!(s.drain().await, 0, "held until a replay");
    let replayed = s.replay(&endpoint.name, an_hour_ago, now_us() + 1).await.expect("replay");
    assert_eq!(replayed.requeued, 2);
    assert_eq!(s.drain().await, 2);
    assert_eq!(s.receiver.accepted().len(), 2);
    assert!(s.deliveries(&endpoint.name).await.iter().all(|d| d.state() == pb::DeliveryState::Sent && d.replays == 1));
}

async fn gone_disables_the_endpoint_at_once(backend: Backend) {
    let s = setup(backend).await;
    let endpoint = s.endpoint(&[]).await;
    s.report("Trottoir abîmé").await;
    s.receiver.answer_next(&[410]);
    assert_eq!(s.drain().await, 1);
    let listed = s.listed(&endpoint.name).await;
    assert!(!listed.enabled && listed.disabled_automatically);
    assert!(listed.disabled_reason.contains("HTTP 410 Gone"), "{}", listed.disabled_reason);
    let deliveries = s.deliveries(&endpoint.name).await;
    assert_eq!((deliveries[0].state(), deliveries[0].attempt_log[0].http_status), (pb::DeliveryState::Failed, 410));
}

async fn a_replay_sends_a_time_range_again_with_the_same_webhook_id(backend: Backend) {
    let s = setup(backend).await;
    let endpoint = s.endpoint(&[]).await;
    let from = now_us();
    let first = s.report("Arbre tombé").await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let between = now_us();
    tokio::time::sleep(Duration::from_millis(20)).await;
    s.report("Fuite d'eau").await;
    assert_eq!(s.drain().await, 2);
    let before = s.receiver.received();

    let replayed = s.replay(&endpoint.name, from, between).await.expect("replay");
    assert_eq!(replayed.requeued, 1);
    assert!(replayed.log_position > 0);
    assert_eq!(s.drain().await, 1);
    let received = s.receiver.received();
    assert_eq!(received.len(), 3);
    let again = &received[2];
    assert_eq!(again.body["data"]["subject"], first.as_str());
    let original = before.iter().find(|r| r.body["data"]["subject"] == first.as_str()).expect("sent before");
    assert_eq!(again.webhook_id, original.webhook_id, "the same webhook-id: receivers deduplicate");
    assert_eq!(again.body, original.body, "the same body");
    let deliveries = s.deliveries(&endpoint.name).await;
    let replayed = deliveries.iter().find(|d| d.subject == first).expect("the first");
    assert_eq!((replayed.replays, replayed.attempts, replayed.attempt_log.len()), (1, 2, 2));

    for (from_us, to_us, bad) in [(10, 10, "to_us"), (-1, 10, "from_us"), (0, 32 * 24 * 3_600_000_000, "to_us")] {
        let refused = s.replay(&endpoint.name, from_us, to_us).await.expect_err("refused");
        assert_eq!(field(&refused).as_deref(), Some(bad));
    }
}

async fn a_rotation_signs_with_both_secrets_for_a_day(backend: Backend) {
    let s = setup(backend).await;
    let endpoint = s.endpoint(&[]).await;
    let rotated = s.api.rotate_webhook_secret(by(admin(), rotate_request(&endpoint.name))).await.expect("rotate");
    let new = s.receiver.trust(&rotated.into_inner().secret);
    s.report("Poubelle pleine").await;
    assert_eq!(s.drain().await, 1);
    let received = s.receiver.received();
    assert_eq!(received[0].signatures.len(), 2);
    assert_eq!(received[0].signed_by, [0, new], "the previous secret and the new one both sign");

    s.clock.advance(25 * HOUR);
    s.report("Passage piéton effacé").await;
    assert_eq!(s.drain().await, 1);
    let received = s.receiver.received();
    assert_eq!(received[1].signed_by, [new], "a day later, the new one only");
    assert_eq!(received[1].signatures.len(), 1);
}

async fn a_disabled_endpoint_holds_and_a_removed_one_cancels(backend: Backend) {
    let s = setup(backend).await;
    let endpoint = s.endpoint(&[]).await;
    s.disable(&endpoint.name, "maintenance").await.expect("disable");
    s.report("Feu rouge en panne").await;
    assert_eq!(s.drain().await, 0);
    let deliveries = s.deliveries(&endpoint.name).await;
    assert_eq!(
        (deliveries[0].state(), deliveries[0].last_error.as_str()),
        (pb::DeliveryState::Held, "endpoint disabled")
    );
    let request = pb::DeleteWebhookEndpointRequest { name: endpoint.name.clone(), request_id: String::new() };
    s.api.delete_webhook_endpoint(by(admin(), request)).await.expect("delete");
    let row: String = sqlx::query_scalar("SELECT state FROM deliveries WHERE channel = 'webhook'")
        .fetch_one(s.world.db().pool())
        .await
        .expect("row");
    assert_eq!(row, "cancelled");
    assert!(s.receiver.received().is_empty());
}

async fn a_revoked_clients_endpoints_get_nothing(backend: Backend) {
    let s = setup(backend).await;
    let endpoint = s.endpoint(&[]).await;
    let name = format!("communes/{PARIS}/clients/{}", s.client_id);
    s.world.identity.revoke_client(&operator_cli(), &name, "fin du contrat").await.expect("revoke");
    s.report("Borne cassée").await;
    assert!(s.deliveries(&endpoint.name).await.is_empty(), "nothing is written for a revoked client");
    assert!(s.listed(&endpoint.name).await.client_revoked);
    let refused = s.create(admin(), &s.client_id, "https://it.paris.fr/x", &[], "").await.expect_err("revoked");
    assert_eq!(field(&refused).as_deref(), Some("endpoint.client_id"));
}

on_both_backends!(
    the_commune_admin_and_the_client_itself_manage_its_endpoints,
    an_event_is_delivered_signed_and_once,
    a_failure_is_retried_then_received_once,
    a_persistent_failure_disables_the_endpoint_with_a_reason,
    gone_disables_the_endpoint_at_once,
    a_replay_sends_a_time_range_again_with_the_same_webhook_id,
    a_rotation_signs_with_both_secrets_for_a_day,
    a_disabled_endpoint_holds_and_a_removed_one_cancels,
    a_revoked_clients_endpoints_get_nothing,
);
