//! The other services, for real: identity, reports, dialogue and
//! publications each on its own fresh database (same backend as
//! notifications'), driven through their APIs as their own tests do, and
//! notifications' intake fed from their logs by the in-process feed and
//! `consumer::run`, as the embedded mode does.

use miroir_auth::role::Grant;
use miroir_auth::{Principal, Role};
use miroir_dialogue::api::DialogueApi;
use miroir_eventstore::EventStore;
use miroir_eventstore::feed::LocalFeed;
use miroir_identity::{Identity, IdentityConfig, operator_cli};
use miroir_notifications::intake::{self, Source};
use miroir_platform::storage::Backend;
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::notifications::v1 as pb;
use miroir_proto::notifications::v1::notifications_server::Notifications as _;
use miroir_proto::reports::v1 as reports_pb;
use miroir_proto::reports::v1::reports_server::Reports as _;
use miroir_publications::api::PublicationsApi;
use miroir_reports::api::{Links, ReportsApi};
use sqlx::Row;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tonic::Request;

use super::{Harness, PARIS, start};

/// The department the standard "voirie" category routes reports to.
pub const ROADS: &str = "services techniques";
pub const PASSWORD: &str = "le chat dort au soleil";
pub const HOTEL_DE_VILLE: (f64, f64) = (48.8566, 2.3522);

pub struct World {
    pub notifications: Harness,
    pub identity: Identity,
    pub reports: ReportsApi,
    pub dialogue: DialogueApi,
    pub publications: PublicationsApi,
    /// Anonymous reports' verification links, as the reporter would receive them.
    pub links: mpsc::UnboundedReceiver<String>,
    stores: Vec<(Source, EventStore)>,
    feed: LocalFeed,
    _databases: Vec<TestDatabase>,
}

/// One row of `deliveries`, as the tests look at it.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub delivery_id: String,
    pub source_event: String,
    pub recipient: String,
    pub channel: String,
    pub event_type: String,
    pub subject: String,
    pub params: String,
    pub state: String,
    pub next_attempt_at_us: i64,
}

impl World {
    pub async fn new(backend: Backend) -> Self {
        let notifications = start(backend).await;
        let identity_db = TestDatabase::new(backend).await;
        miroir_identity::migrate_database(&identity_db.db).await.expect("migrate identity");
        let config = IdentityConfig { log_links: false, public_url: String::new() };
        let identity = miroir_identity::open(identity_db.db.clone(), config).await.expect("identity");
        identity.register_commune(&operator_cli(), PARIS, "Paris", "75", "", 7, "").await.expect("register Paris");

        let reports_db = TestDatabase::new(backend).await;
        miroir_reports::migrate_database(&reports_db.db).await.expect("migrate reports");
        let reports_store = miroir_reports::open(reports_db.db.clone()).await.expect("reports");
        let (sink, links) = mpsc::unbounded_channel();
        let reports = ReportsApi::new(reports_store.clone()).with_links(Links {
            public_url: "https://miroir.example".into(),
            log_links: false,
            sink: Some(sink),
        });

        let dialogue_db = TestDatabase::new(backend).await;
        miroir_dialogue::migrate_database(&dialogue_db.db).await.expect("migrate dialogue");
        let dialogue_store = miroir_dialogue::open(dialogue_db.db.clone()).await.expect("dialogue");

        let publications_db = TestDatabase::new(backend).await;
        miroir_publications::migrate_database(&publications_db.db).await.expect("migrate publications");
        let publications_store = miroir_publications::open(publications_db.db.clone()).await.expect("publications");

        let stores = vec![
            (Source::Identity, identity.store().clone()),
            (Source::Reports, reports_store),
            (Source::Publications, publications_store.clone()),
            (Source::Dialogue, dialogue_store.clone()),
        ];
        let feed = LocalFeed::new(stores.iter().map(|(_, store)| store.clone()));
        Self {
            notifications,
            identity,
            reports,
            dialogue: DialogueApi::new(dialogue_store),
            publications: PublicationsApi::new(publications_store),
            links,
            stores,
            feed,
            _databases: vec![identity_db, reports_db, dialogue_db, publications_db],
        }
    }

    pub fn db(&self) -> &miroir_platform::storage::Database {
        &self.notifications.db.db
    }

    /// Runs the intake's four consumers up to each log's head.
    pub async fn sync(&self) {
        for (source, store) in &self.stores {
            let head = store.head().await.expect("head");
            let reached = intake::follow(self.db(), &self.feed, *source, Some(head), CancellationToken::new())
                .await
                .unwrap_or_else(|e| panic!("intake of {}: {e}", source.service()));
            assert_eq!(reached, head, "{}", source.service());
        }
    }

    /// Every event of `source`'s log.
    pub async fn log(&self, source: Source) -> Vec<miroir_eventstore::RecordedEvent> {
        let (_, store) = self.stores.iter().find(|(s, _)| *s == source).expect("a source");
        store.read_log(0, 10_000).await.expect("log")
    }

    /// Sets every intake checkpoint back to the start of its log.
    pub async fn reset_checkpoints(&self) {
        for source in Source::ALL {
            sqlx::query("UPDATE checkpoints SET position = 0 WHERE consumer = $1")
                .bind(source.consumer())
                .execute(self.db().pool())
                .await
                .expect("reset");
        }
    }

    /// `account_id`'s whole feed, newest first, through the API.
    pub async fn feed(&self, account_id: &str) -> Vec<pb::FeedItem> {
        let (mut items, mut page_token) = (Vec::new(), String::new());
        loop {
            let request = pb::ListMyFeedRequest {
                page_size: 100,
                page_token: page_token.clone(),
                unread_only: false,
                language: String::new(),
            };
            let page = self.notifications.api.list_my_feed(as_id(account_id, request)).await.expect("feed");
            let page = page.into_inner();
            items.extend(page.items);
            if page.next_page_token.is_empty() {
                return items;
            }
            page_token = page.next_page_token;
        }
    }

    /// The event types in `account_id`'s feed about `subject`, oldest first.
    pub async fn heard(&self, account_id: &str, subject: &str) -> Vec<String> {
        let mut types: Vec<String> =
            self.feed(account_id).await.into_iter().filter(|i| i.subject == subject).map(|i| i.event_type).collect();
        types.reverse();
        types
    }

    /// The e-mail deliveries to `account_id`, in the order they were made.
    pub async fn deliveries(&self, account_id: &str) -> Vec<Delivery> {
        let rows = sqlx::query(
            "SELECT delivery_id, source_event, recipient, channel, event_type, subject, params, state, \
             next_attempt_at_us FROM deliveries WHERE recipient = $1 ORDER BY created_at_us, delivery_id",
        )
        .bind(format!("account:{account_id}"))
        .fetch_all(self.db().pool())
        .await
        .expect("deliveries");
        rows.iter()
            .map(|r| Delivery {
                delivery_id: r.get(0),
                source_event: r.get(1),
                recipient: r.get(2),
                channel: r.get(3),
                event_type: r.get(4),
                subject: r.get(5),
                params: r.get(6),
                state: r.get(7),
                next_attempt_at_us: r.get(8),
            })
            .collect()
    }

    /// How many rows each table the intake writes holds.
    pub async fn counts(&self) -> Vec<(&'static str, i64)> {
        let mut counts = Vec::new();
        for (table, sql) in [
            ("feed_items", "SELECT COUNT(*) FROM feed_items"),
            ("deliveries", "SELECT COUNT(*) FROM deliveries"),
            ("follows", "SELECT COUNT(*) FROM follows"),
            ("subjects", "SELECT COUNT(*) FROM subjects"),
            ("staff", "SELECT COUNT(*) FROM staff"),
        ] {
            let count: i64 = sqlx::query(sql).fetch_one(self.db().pool()).await.expect("count").get(0);
            counts.push((table, count));
        }
        counts
    }

    /// A new account (`name`@example.fr), as its person signs up.
    pub async fn sign_up(&self, name: &str) -> String {
        let email = format!("{name}@example.fr");
        let account = self.identity.sign_up(&email, PASSWORD, "Quelqu'un", PARIS, "").await.expect("sign up");
        account.account_id
    }

    /// Gives `account_id` a staff role in Paris, as its administrator would.
    pub async fn grant(&self, account_id: &str, role: &str, department: &str) {
        self.identity
            .grant_role(&operator_cli(), account_id, PARIS, role, department, "recrutement", "")
            .await
            .expect("grant");
    }

    /// `reporter` reports a pothole in Paris (the "voirie" category, routed to [`ROADS`]).
    pub async fn report(&self, reporter: &str, title: &str, at: (f64, f64)) -> reports_pb::Report {
        let request = pb_submission(title, at);
        let response = self.reports.submit_report(by(resident(reporter), request)).await.expect("submit");
        response.into_inner().report.expect("report")
    }

    /// `agent` sets `report`'s status, with a public message.
    pub async fn set_status(&self, agent: &str, report: &str, status: reports_pb::ReportStatus, message: &str) {
        let request = reports_pb::UpdateReportStatusRequest {
            name: report.into(),
            status: status.into(),
            message: message.into(),
            request_id: String::new(),
        };
        self.reports.update_report_status(by(staff(agent, Role::Agent), request)).await.expect("status");
    }

    pub async fn support(&self, supporter: &str, report: &str) {
        let request = reports_pb::SupportReportRequest { name: report.into(), request_id: String::new() };
        self.reports.support_report(by(resident(supporter), request)).await.expect("support");
    }

    /// `account_id` sets its preferences (cadence, department reports).
    pub async fn prefer(&self, account_id: &str, cadence: pb::EmailCadence, department_reports: bool) {
        let preferences = pb::Preferences {
            email_cadence: cadence.into(),
            locale: "fr".into(),
            department_reports,
            updated_at_us: 0,
        };
        let request = pb::SetMyPreferencesRequest { preferences: Some(preferences), request_id: String::new() };
        self.notifications.api.set_my_preferences(as_id(account_id, request)).await.expect("preferences");
    }
}

pub fn pb_submission(title: &str, (latitude, longitude): (f64, f64)) -> reports_pb::SubmitReportRequest {
    reports_pb::SubmitReportRequest {
        parent: format!("communes/{PARIS}"),
        category: "voirie".into(),
        title: title.into(),
        description: "Profond, dangereux pour les vélos.".into(),
        location: Some(reports_pb::Location { latitude, longitude, address: "Place de l'Hôtel de Ville".into() }),
        ..Default::default()
    }
}

/// A request from `principal` (as the authentication interceptor leaves it).
pub fn by<T>(principal: Principal, message: T) -> Request<T> {
    let mut request = Request::new(message);
    request.extensions_mut().insert(principal);
    request
}

/// A request to notifications from the account `account_id`.
pub fn as_id<T>(account_id: &str, message: T) -> Request<T> {
    by(resident(account_id), message)
}

pub fn resident(account_id: &str) -> Principal {
    staff(account_id, Role::Resident)
}

/// `account_id` holding `role` in Paris.
pub fn staff(account_id: &str, role: Role) -> Principal {
    Principal::Account { id: account_id.into(), grants: vec![Grant { commune: PARIS.into(), role }] }
}
