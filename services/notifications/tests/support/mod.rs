//! What every test of the notifications service starts from: a fresh database
//! (PostgreSQL or SQLite) with the service's log, its API called directly
//! with the principal the authentication interceptor would leave, and the
//! macro that runs each behaviour on both backends.
#![allow(dead_code)] // each test file uses its own part

use miroir_auth::Principal;
use miroir_auth::Role;
use miroir_auth::role::Grant;
use miroir_eventstore::EventStore;
use miroir_notifications::api::NotificationsApi;
use miroir_platform::storage::Backend;
use miroir_platform::storage::testing::TestDatabase;
use tonic::Request;
use tonic_types::StatusExt;

pub mod world;

pub const PARIS: &str = "75056";
pub const LYON: &str = "69123";

pub struct Harness {
    pub api: NotificationsApi,
    pub store: EventStore,
    pub db: TestDatabase,
}

pub async fn start(backend: Backend) -> Harness {
    start_with(backend, |api| api).await
}

/// A fresh database and the API as `configure` leaves it.
pub async fn start_with(backend: Backend, configure: impl FnOnce(NotificationsApi) -> NotificationsApi) -> Harness {
    let db = TestDatabase::new(backend).await;
    miroir_notifications::migrate_database(&db.db).await.expect("migrate");
    let store = miroir_notifications::open(db.db.clone()).await.expect("open");
    Harness { api: configure(NotificationsApi::new(store.clone())), store, db }
}

impl Harness {
    /// The last position of the log (what was recorded so far).
    pub async fn head(&self) -> u64 {
        self.store.head().await.expect("head")
    }
}

/// An account id per test persona.
pub fn account(n: u32) -> String {
    format!("0190c0de-0000-7000-8000-{n:012}")
}

/// A request from account `n`, a resident of Paris.
pub fn as_account<T>(n: u32, message: T) -> Request<T> {
    let mut request = Request::new(message);
    request.extensions_mut().insert(Principal::Account {
        id: account(n),
        grants: vec![Grant { commune: PARIS.into(), role: Role::Resident }],
    });
    request
}

/// A request from Paris' integration client (city IT), which has no account.
pub fn as_client<T>(message: T) -> Request<T> {
    let mut request = Request::new(message);
    request.extensions_mut().insert(Principal::Client {
        id: "client-city-it".into(),
        commune: PARIS.into(),
        scopes: vec!["notifications:webhooks".into()],
    });
    request
}

/// `communes/{commune}/{collection}/…{n}`: a subject of another service.
pub fn subject(commune: &str, collection: &str, n: u32) -> String {
    format!("communes/{commune}/{collection}/0190c0de-0000-7000-8000-{n:012}")
}

/// The field a refusal names.
pub fn field(status: &tonic::Status) -> Option<String> {
    status.get_details_bad_request().and_then(|b| b.field_violations.first().map(|v| v.field.clone()))
}

/// Runs each named `async fn(Backend)` on PostgreSQL and on SQLite.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod postgres {
            $(#[tokio::test] async fn $name() { super::$name(super::Backend::Postgres).await; })+
        }
        mod sqlite {
            $(#[tokio::test] async fn $name() { super::$name(super::Backend::Sqlite).await; })+
        }
    };
}
