//! Publications takes commands only for communes registered in identity and
//! not suspended, as reports does: it follows identity's log (here through the
//! in-process feed over identity's real store), on PostgreSQL and SQLite.
//! Reads stay open whatever the commune's state.

use miroir_auth::role::Grant;
use miroir_auth::{Principal, Role};
use miroir_communes::CommuneState;
use miroir_eventstore::feed::LocalFeed;
use miroir_identity::{Identity, IdentityConfig, operator_cli};
use miroir_platform::storage::Backend;
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::publications::v1 as pb;
use miroir_proto::publications::v1::publications_server::Publications as _;
use miroir_publications::api::PublicationsApi;
use tokio_util::sync::CancellationToken;
use tonic::{Code, Request};
use tonic_types::StatusExt;

const RENNES: &str = "35238";
const NOT_ON_MIROIR: &str = "69123";
const AGENT: &str = "0190c0de-0000-7000-8000-00000000a9e7";

/// A request from an agent of `commune`, as the authentication interceptor leaves it.
fn as_agent<T>(commune: &str, message: T) -> Request<T> {
    let mut request = Request::new(message);
    request.extensions_mut().insert(Principal::Account {
        id: AGENT.into(),
        grants: vec![Grant { commune: commune.into(), role: Role::Agent }],
    });
    request
}

fn draft(commune: &str) -> Request<pb::CreateDraftRequest> {
    as_agent(
        commune,
        pb::CreateDraftRequest {
            parent: format!("communes/{commune}"),
            space: pb::Space::Official as i32,
            kind: "news".into(),
            title: "Marché de Noël".into(),
            body: "Place de la Mairie, du 10 au 24 décembre.".into(),
            ..Default::default()
        },
    )
}

fn publish(name: &str) -> Request<pb::PublishRequest> {
    as_agent(RENNES, pb::PublishRequest { name: name.into(), ..Default::default() })
}

fn field(status: &tonic::Status) -> Option<String> {
    status.get_details_bad_request().and_then(|b| b.field_violations.first().map(|v| v.field.clone()))
}

/// Brings publications' copy of identity's communes up to identity's head.
async fn catch_up(db: &miroir_platform::storage::Database, identity: &Identity) {
    let head = identity.store().head().await.expect("head");
    let feed = LocalFeed::new([identity.store().clone()]);
    let reached = miroir_communes::follow(
        db,
        &feed,
        miroir_publications::COMMUNES_CONSUMER,
        Some(head),
        CancellationToken::new(),
    )
    .await
    .expect("follow identity");
    assert_eq!(reached, head);
}

async fn only_registered_open_communes_take_commands(backend: Backend) {
    let identity_db = TestDatabase::new(backend).await;
    miroir_identity::migrate_database(&identity_db.db).await.expect("migrate identity");
    let identity =
        miroir_identity::open(identity_db.db.clone(), IdentityConfig { log_links: false, public_url: String::new() })
            .await
            .expect("identity");
    identity.register_commune(&operator_cli(), RENNES, "Rennes", "35", "", 7, "").await.expect("register");

    let db = TestDatabase::new(backend).await;
    miroir_publications::migrate_database(&db.db).await.expect("migrate publications");
    let store = miroir_publications::open(db.db.clone()).await.expect("publications");
    let api = PublicationsApi::new(store)
        .with_attachments(miroir_objects::ObjectStore::in_memory())
        .requiring_registered_communes();

    // Before publications has heard of Rennes, its commands are refused like an unknown commune's.
    let early = api.create_draft(draft(RENNES)).await.expect_err("not heard of yet");
    assert_eq!(early.code(), Code::InvalidArgument);

    catch_up(&db.db, &identity).await;
    assert_eq!(miroir_communes::state(&db.db, RENNES).await.expect("state"), CommuneState::Open);
    let created = api.create_draft(draft(RENNES)).await.expect("a registered commune takes drafts").into_inner();
    let name = created.publication.expect("publication").name;

    let unknown = api.create_draft(draft(NOT_ON_MIROIR)).await.expect_err("unknown commune");
    assert_eq!(unknown.code(), Code::InvalidArgument);
    assert_eq!(field(&unknown).as_deref(), Some("parent"));
    assert!(unknown.message().contains(miroir_communes::Refusal::UNKNOWN_REASON), "{}", unknown.message());

    identity.suspend_commune(&operator_cli(), RENNES, "fin de convention").await.expect("suspend");
    catch_up(&db.db, &identity).await;
    let suspended = api.publish(publish(&name)).await.expect_err("suspended");
    assert_eq!(suspended.code(), Code::FailedPrecondition);
    assert_eq!(suspended.message(), miroir_communes::Refusal::SUSPENDED_MESSAGE);
    assert_eq!(api.create_draft(draft(RENNES)).await.expect_err("suspended").code(), Code::FailedPrecondition);
    let pdf = pb::AddAttachmentRequest {
        name: name.clone(),
        display_name: "arrete.pdf".into(),
        content: include_bytes!("fixtures/deliberation.pdf").to_vec(),
        ..Default::default()
    };
    let attached = api.add_attachment(as_agent(RENNES, pdf)).await.expect_err("suspended");
    assert_eq!(attached.code(), Code::FailedPrecondition);
    // Reads stay open: the draft is still there for its writers.
    let read = api.get_publication(as_agent(RENNES, pb::GetPublicationRequest { name: name.clone() })).await;
    assert_eq!(read.expect("reads stay open").into_inner().status, pb::PublicationStatus::Draft as i32);

    identity.reactivate_commune(&operator_cli(), RENNES).await.expect("reactivate");
    catch_up(&db.db, &identity).await;
    let published = api.publish(publish(&name)).await.expect("open again").into_inner();
    assert_eq!(published.publication.expect("publication").status, pb::PublicationStatus::Published as i32);
}

/// Without the requirement (tests of other behaviour), any well-formed commune takes commands.
async fn the_check_is_opt_in(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    miroir_publications::migrate_database(&db.db).await.expect("migrate publications");
    let api = PublicationsApi::new(miroir_publications::open(db.db.clone()).await.expect("publications"));
    api.create_draft(draft(NOT_ON_MIROIR)).await.expect("no check");
}

#[tokio::test]
async fn postgres_only_registered_open_communes_take_commands() {
    only_registered_open_communes_take_commands(Backend::Postgres).await;
}

#[tokio::test]
async fn sqlite_only_registered_open_communes_take_commands() {
    only_registered_open_communes_take_commands(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_the_check_is_opt_in() {
    the_check_is_opt_in(Backend::Postgres).await;
}

#[tokio::test]
async fn sqlite_the_check_is_opt_in() {
    the_check_is_opt_in(Backend::Sqlite).await;
}
