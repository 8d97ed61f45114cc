//! Reports are taken only for communes registered in identity and not
//! suspended: the reports service follows identity's log (here through the
//! in-process feed over identity's real store), on PostgreSQL and SQLite.

use std::time::Duration;

use miroir_communes::CommuneState;
use miroir_eventstore::feed::LocalFeed;
use miroir_identity::{IdentityConfig, operator_cli};
use miroir_platform::storage::Backend;
use miroir_platform::storage::testing::TestDatabase;
use miroir_proto::reports::v1 as pb;
use miroir_proto::reports::v1::reports_server::Reports as _;
use miroir_reports::api::ReportsApi;
use tokio_util::sync::CancellationToken;
use tonic::{Code, Request};

fn submission(commune: &str) -> Request<pb::SubmitReportRequest> {
    Request::new(pb::SubmitReportRequest {
        parent: format!("communes/{commune}"),
        category: "voirie".into(),
        title: "Trottoir défoncé".into(),
        description: String::new(),
        location: Some(pb::Location { latitude: 48.11, longitude: -1.68, address: String::new() }),
        reporter_email: "voisine@example.fr".into(),
        ..Default::default()
    })
}

async fn wait_for(db: &miroir_platform::storage::Database, insee: &str, expected: CommuneState) {
    for _ in 0..200 {
        if miroir_communes::state(db, insee).await.expect("state") == expected {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{insee} never became {expected:?}");
}

async fn only_registered_open_communes_take_reports(backend: Backend) {
    let identity_db = TestDatabase::new(backend).await;
    miroir_identity::migrate_database(&identity_db.db).await.expect("migrate identity");
    let identity =
        miroir_identity::open(identity_db.db.clone(), IdentityConfig { log_links: false, public_url: String::new() })
            .await
            .expect("identity");
    identity.register_commune(&operator_cli(), "35238", "Rennes", "35", "", 7, "").await.expect("register");

    let reports_db = TestDatabase::new(backend).await;
    miroir_reports::migrate_database(&reports_db.db).await.expect("migrate reports");
    let store = miroir_reports::open(reports_db.db.clone()).await.expect("reports");
    let api = ReportsApi::new(store).requiring_registered_communes();
    let token = CancellationToken::new();
    let feed = LocalFeed::new([identity.store().clone()]);
    let (db, follower) = (reports_db.db.clone(), token.clone());
    let following = tokio::spawn(async move {
        miroir_communes::follow(&db, &feed, miroir_reports::COMMUNES_CONSUMER, None, follower).await
    });

    wait_for(&reports_db.db, "35238", CommuneState::Open).await;
    api.submit_report(submission("35238")).await.expect("a registered commune takes reports");
    let unknown = api.submit_report(submission("69123")).await.expect_err("unknown commune");
    assert_eq!(unknown.code(), Code::InvalidArgument);

    identity.suspend_commune(&operator_cli(), "35238", "fin de convention").await.expect("suspend");
    wait_for(&reports_db.db, "35238", CommuneState::Suspended).await;
    assert_eq!(api.submit_report(submission("35238")).await.expect_err("suspended").code(), Code::FailedPrecondition);
    identity.reactivate_commune(&operator_cli(), "35238").await.expect("reactivate");
    wait_for(&reports_db.db, "35238", CommuneState::Open).await;
    api.submit_report(submission("35238")).await.expect("open again");

    token.cancel();
    following.await.expect("task").expect("the follower stops cleanly");
    let checkpoint = miroir_eventstore::consumer::checkpoint(&reports_db.db, miroir_reports::COMMUNES_CONSUMER)
        .await
        .expect("checkpoint");
    assert_eq!(checkpoint, identity.store().head().await.expect("head"), "every identity event seen once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_only_registered_open_communes_take_reports() {
    only_registered_open_communes_take_reports(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_only_registered_open_communes_take_reports() {
    only_registered_open_communes_take_reports(Backend::Sqlite).await;
}
